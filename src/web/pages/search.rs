//! 全文检索: the search page with filters (an enterprise searches all of
//! its names), facets, snippets and paging; each hit links its archived copy
//! and its candidates, and a reviewer can propose it as a candidate.

use super::propose::propose_form_markup;
use super::{PageResult, enterprise_select, name_of, page, query_string, safe_href, status_label};
use crate::model::Registry;
use crate::store::CandidateStatus;
use crate::web::api::{SearchQuery, visible_candidate};
use crate::web::auth::user;
use crate::web::{Shared, WebError, blocking};
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use maud::{PreEscaped, html};
use std::collections::HashMap;

pub(super) async fn search_page(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<SearchQuery>,
) -> PageResult {
    let who = user(&state, &headers).await?;
    let mut req = q.request(&who)?;
    // The enterprise filter of a reviewer searches every name of the
    // enterprise (and its subsidiaries'), matched or not: what matching
    // missed is found too.
    let chosen = q.enterprise.clone().filter(|e| !e.trim().is_empty());
    if who.scope.enterprise().is_none()
        && let Some(e) = &chosen
    {
        if state.registry.get(e).is_none() {
            return Err(WebError::NotFound(format!("没有企业 {e}")).into());
        }
        req.enterprise = None;
        req.query = format!("{} {}", req.query.trim(), names_clause(&state.registry, e))
            .trim()
            .to_string();
    }
    const PER_PAGE: usize = 20;
    let page_no = q
        .page
        .as_deref()
        .and_then(|p| p.parse::<usize>().ok())
        .filter(|p| (1..=50).contains(p))
        .unwrap_or(1);
    // The index returns the best N: a page is the tail of the first N.
    req.limit = PER_PAGE * page_no;
    // Only this page's hits are loaded and snippeted.
    req.offset = PER_PAGE * (page_no - 1);
    let results = if req.query.trim().is_empty() {
        None
    } else {
        let w = who.clone();
        Some(
            blocking(&state, move |s| {
                let r = s.search(&req)?;
                // Each hit's candidates, as this user may see them.
                let cands = s.read(|store| {
                    let mut out: HashMap<String, Vec<(i64, CandidateStatus, String)>> =
                        HashMap::new();
                    for h in &r.hits {
                        let a = crate::model::ArticleId(h.id.clone());
                        for (id, _) in store.read(|tx| tx.candidates_of_article(&a))? {
                            if let Ok(c) = visible_candidate(store, &w, &id.to_string()) {
                                out.entry(h.id.clone()).or_default().push((
                                    c.id,
                                    c.status,
                                    name_of(&s.registry, &c.named_enterprise).to_string(),
                                ));
                            }
                        }
                    }
                    Ok(out)
                })?;
                Ok((r, cands))
            })
            .await?,
        )
    };
    let body = html! {
        form.filters method="get" action="/search" {
            input name="q" value=(q.q) placeholder="检索词：空格分隔为“且”，OR 为“或”，-词 排除，\"短语\"" size="40" autofocus;
            (enterprise_select(&state.registry, &who, chosen.as_deref()))
            input name="outlet" value=(q.outlet.as_deref().unwrap_or("")) placeholder="媒体" size="10";
            input name="from" type="date" value=(q.from.as_deref().unwrap_or(""));
            input name="to" type="date" value=(q.to.as_deref().unwrap_or(""));
            select name="sort" {
                option value="relevance" { "按相关度" }
                option value="date" selected[q.sort.as_deref() == Some("date")] { "按日期" }
            }
            button type="submit" { "检索" }
        }
        @if let Some((r, cands)) = &results {
            @if r.approximate {
                p { "约 " (r.total) " 条（按相关度取前列，计数为估计），第 " (page_no) " 页" }
            } @else {
                p { "共 " (r.total) " 篇，第 " (page_no) " 页" }
            }
            // Each facet narrows the search to it.
            p.facets {
                "媒体："
                @for (o, n) in &r.facets.outlet {
                    a href=(facet_href(&q, Some(o), None)) { (o) " " (n) }
                }
            }
            p.facets {
                "年度："
                @for (y, n) in &r.facets.year {
                    @if y.parse::<i32>().is_ok() {
                        a href=(facet_href(&q, None, Some(y))) { (y) "年 " (n) }
                    } @else { span { "无日期 " (n) } }
                }
            }
            ol.hits {
                @for h in &r.hits {
                    li data-article=(h.id) {
                        div.title {
                            a.archived href=(format!("/archive/{}", h.id)) target="_blank" { (h.title) }
                        }
                        div.meta {
                            (h.outlet) " " (h.published.as_deref().unwrap_or("")) " "
                            a href=(format!("/archive/{}", h.id)) target="_blank" { "存档原网页" }
                            @if let Some(u) = safe_href(&h.url) {
                                " " a.live href=(u) rel="noreferrer noopener" target="_blank" { "原网站" }
                            }
                        }
                        // The index escapes the snippet and adds only <mark>.
                        div.snippet { (PreEscaped(&h.snippet)) }
                        div.hit-candidates {
                            @match cands.get(&h.id) {
                                Some(list) => {
                                    "候选证据："
                                    @for (id, st, ent) in list {
                                        a href=(format!("/candidates/{id}")) { "#" (id) " " (ent) "（" (status_label(*st)) "）" } " "
                                    }
                                },
                                None => span.none { "尚无候选证据" },
                            }
                        }
                        @if who.user.role.can_review() {
                            (propose_form_markup(&state, &who, &h.id, chosen.as_deref()))
                        }
                    }
                }
            }
            p.pages {
                @if page_no > 1 {
                    a href=(search_href(&q, Some(page_no - 1))) { "上一页" } " "
                }
                @if (r.total as usize) > PER_PAGE * page_no && page_no < 50 {
                    a href=(search_href(&q, Some(page_no + 1))) { "下一页" }
                }
            }
        }
    };
    page("全文检索", &who, body)
}

/// The search page for this query, on page `page` (none: the first).
fn search_href(q: &SearchQuery, page: Option<usize>) -> String {
    let page = page.map(|p| p.to_string());
    format!(
        "/search{}",
        query_string(&[
            ("q", Some(&q.q)),
            ("enterprise", q.enterprise.as_deref()),
            ("outlet", q.outlet.as_deref()),
            ("from", q.from.as_deref()),
            ("to", q.to.as_deref()),
            ("sort", q.sort.as_deref()),
            ("page", page.as_deref()),
        ])
    )
}

/// The search narrowed to one outlet or one year (the other filters kept).
fn facet_href(q: &SearchQuery, outlet: Option<&str>, year: Option<&str>) -> String {
    let mut narrowed = q.clone();
    if let Some(o) = outlet {
        narrowed.outlet = Some(o.to_string());
    }
    if let Some(y) = year {
        narrowed.from = Some(format!("{y}-01-01"));
        narrowed.to = Some(format!("{y}-12-31"));
    }
    search_href(&narrowed, None)
}

/// Every name of an enterprise and of its subsidiaries as one OR group of
/// phrases (at most 40 names).
fn names_clause(registry: &Registry, id: &str) -> String {
    let mut names: Vec<String> = registry
        .enterprises
        .iter()
        .filter(|e| e.id == id || registry.scoring_unit(&e.id) == id)
        .flat_map(|e| e.all_aliases().into_iter().map(|a| a.text))
        .map(|n| n.replace(['"', '“', '”'], ""))
        .filter(|n| !n.trim().is_empty())
        .collect();
    names.sort();
    names.dedup();
    names
        .iter()
        .take(40)
        .map(|n| format!("\"{n}\""))
        .collect::<Vec<_>>()
        .join(" OR ")
}
