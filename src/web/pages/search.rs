//! 全文检索: the search page with filters, facets, snippets and paging.

use super::{PageResult, page, query_string, safe_href};
use crate::web::api::SearchQuery;
use crate::web::auth::user;
use crate::web::{Shared, blocking};
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use maud::{PreEscaped, html};

pub(super) async fn search_page(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<SearchQuery>,
) -> PageResult {
    let who = user(&state, &headers).await?;
    let mut req = q.request(&who)?;
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
        Some(blocking(&state, move |s| s.search(&req)).await?)
    };
    let body = html! {
        form.filters method="get" action="/search" {
            input name="q" value=(q.q) placeholder="检索词：空格分隔为“且”，OR 为“或”，-词 排除，\"短语\"" size="40" autofocus;
            input name="outlet" value=(q.outlet.as_deref().unwrap_or("")) placeholder="媒体" size="10";
            input name="from" type="date" value=(q.from.as_deref().unwrap_or(""));
            input name="to" type="date" value=(q.to.as_deref().unwrap_or(""));
            select name="sort" {
                option value="relevance" { "按相关度" }
                option value="date" selected[q.sort.as_deref() == Some("date")] { "按日期" }
            }
            button type="submit" { "检索" }
        }
        @if let Some(r) = &results {
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
                    li {
                        div.title {
                            @match safe_href(&h.url) {
                                Some(u) => a href=(u) rel="noreferrer noopener" target="_blank" { (h.title) },
                                None => span { (h.title) },
                            }
                        }
                        div.meta {
                            (h.outlet) " " (h.published.as_deref().unwrap_or("")) " "
                            a href=(format!("/archive/{}", h.id)) target="_blank" { "存档原网页" }
                        }
                        // The index escapes the snippet and adds only <mark>.
                        div.snippet { (PreEscaped(&h.snippet)) }
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
