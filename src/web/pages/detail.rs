//! 证据详情: one candidate with its mentions highlighted, its depth signals
//! and copies, and the archived original as fetched (sandboxed).

use super::decided::{Decided, banner, recent};
use super::queue::decision_forms;
use super::{
    ARCHIVE_CSP, PageResult, beijing_time, confidence_label, csrf_field, name_of, page, safe_href,
    status_label, status_text,
};
use crate::model::DepthSignals;
use crate::pipeline::review;
use crate::store::{CandidateFilter, CandidateStatus};
use crate::web::api::{copy_candidates, visible_candidate};
use crate::web::auth::user;
use crate::web::{Shared, WebError, blocking};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::IntoResponse;
use maud::{Markup, html};

/// Text split where any of `names` occurs: (is a mention, text).
pub(super) fn highlight<'a>(text: &'a str, names: &[String]) -> Vec<(bool, &'a str)> {
    let mut out = Vec::new();
    let mut plain_from = 0;
    let mut i = 0;
    while i < text.len() {
        let rest = &text[i..];
        if let Some(n) = names
            .iter()
            .find(|n| !n.is_empty() && rest.starts_with(n.as_str()))
        {
            if plain_from < i {
                out.push((false, &text[plain_from..i]));
            }
            out.push((true, &text[i..i + n.len()]));
            i += n.len();
            plain_from = i;
            continue;
        }
        i += rest.chars().next().map_or(1, char::len_utf8);
    }
    if plain_from < text.len() {
        out.push((false, &text[plain_from..]));
    }
    out
}

pub(super) async fn detail(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(d): Query<Decided>,
) -> PageResult {
    let who = user(&state, &headers).await?;
    let w = who.clone();
    let (c, article, history, copies, copy_cands, recent) = blocking(&state, move |s| {
        s.read(|store| {
            let recent = recent(store, &w, &d)?;
            let c = visible_candidate(store, &w, &id)?;
            let copy_cands = copy_candidates(store, &w, &c)?;
            let article = store.article(&c.article_id)?;
            let history = store.candidate_history(c.id)?;
            let mut copies = Vec::new();
            for a in store.syndicated_copies(&crate::model::ArticleId(c.article_id.clone()))? {
                if let Some(row) = store.article(&a.0)? {
                    copies.push((row.article.outlet, row.article.title, row.article.published));
                }
            }
            Ok((c, article, history, copies, copy_cands, recent))
        })
    })
    .await?;
    let reg = &state.registry;
    let mut names: Vec<String> = [c.named_enterprise.as_str(), c.enterprise.as_str()]
        .iter()
        .filter_map(|id| reg.get(id))
        .flat_map(|e| e.all_aliases().into_iter().map(|a| a.text))
        .collect();
    names.sort_by_key(|n| std::cmp::Reverse(n.len()));
    names.dedup();
    let signals = serde_json::from_value::<DepthSignals>(c.signals.clone()).ok();
    // After a decision here, the next pending candidate opens at once.
    let next = format!("/candidates/{}/next", c.id);
    let body = html! {
        // Taking back the last decision returns to the candidate it was on.
        @if let Some(r) = &recent { (banner(&who, r, &format!("/candidates/{}", r.id()))) }
        dl.facts {
            dt { "标题" } dd { (c.title) }
            dt { "企业" } dd { (name_of(reg, &c.named_enterprise)) @if c.named_enterprise != c.enterprise { "（计入 " (name_of(reg, &c.enterprise)) "）" } }
            dt { "条目" } dd { (c.item) "（" (c.points) " 分）" }
            dt { "媒体" } dd { (c.outlet) }
            dt { "日期" } dd { (c.published.as_deref().unwrap_or("—")) }
            dt { "状态" } dd { (status_label(c.status)) }
            dt { "置信度" } dd { (confidence_label(&c.confidence)) " " (format!("{:.2}", c.score)) }
            dt { "原文地址" } dd {
                @match safe_href(&c.url) {
                    Some(h) => a href=(h) rel="noreferrer noopener" target="_blank" { (c.url) },
                    None => span { (c.url) },
                }
            }
        }
        h2 { "判断理由" }
        ul { @for r in &c.reasons { li { (r) } } }
        h2 { "深度信号" }
        @match &signals {
            Some(d) => (depth_table(d)),
            None => pre { (serde_json::to_string_pretty(&c.signals).unwrap_or_default()) },
        }
        @if who.user.role.can_review() && c.status == CandidateStatus::Pending {
            h2 { "审核" }
            (decision_forms(&who, c.id, &next, Some((&state.rules.item, &c.item))))
        }
        @if !copy_cands.is_empty() {
            h2 { "同一报道在其他媒体的候选证据" }
            ul { @for o in &copy_cands {
                li { a href=(format!("/candidates/{}", o.id)) { "#" (o.id) " " (o.outlet) " 《" (o.title) "》" } " " (o.item) }
            } }
            @if who.user.role.can_review() {
                form.confirm-copies method="post" action=(format!("/candidates/{}/confirm-copies", c.id)) {
                    (csrf_field(&who))
                    button type="submit" {
                        @if c.status == CandidateStatus::Pending { "一并确认本条及以上 " } @else { "确认以上 " }
                        (copy_cands.len()) " 条转载"
                    }
                }
            }
        }
        @if !copies.is_empty() {
            h2 { "其他媒体转载" }
            ul { @for (outlet, title, date) in &copies {
                li { (outlet) " 《" (title) "》 " (date.map(|d| d.to_string()).unwrap_or_default()) }
            } }
        }
        h2 { "文章正文（提及处高亮）" }
        @match &article {
            Some(a) => {
                article.text {
                    @for para in a.article.body.split('\n').filter(|p| !p.trim().is_empty()) {
                        p { @for (m, t) in highlight(para, &names) { @if m { mark { (t) } } @else { (t) } } }
                    }
                }
            },
            None => p { "文章不在库中。" },
        }
        h2 { "存档原网页（抓取时的原样，不执行脚本、不发出请求）" }
        iframe.archive sandbox="" src=(format!("/archive/{}", c.article_id)) title="存档原网页" {}
        h2 { "状态记录" }
        table {
            thead { tr { th { "时间" } th { "从" } th { "到" } th { "说明" } } }
            tbody { @for e in &history {
                tr { td { (beijing_time(&e.at)) } td { (e.from.as_deref().map_or("—", status_text)) } td { (status_text(&e.to)) } td { (history_note(e.note.as_deref().unwrap_or(""))) } }
            } }
        }
    };
    page("证据详情", &who, body)
}

pub(super) async fn archived(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(article): Path<String>,
) -> PageResult {
    let who = user(&state, &headers).await?;
    let page = blocking(&state, move |s| {
        s.read(|store| {
            if who.scope.enterprise().is_some() {
                let mine = store
                    .candidates(&CandidateFilter::default())?
                    .iter()
                    .any(|c| c.article_id == article && who.scope.allows(&c.named_enterprise));
                if !mine {
                    return Err(WebError::NotFound(format!("没有存档 {article}")));
                }
            }
            review::archived_page(&s.home, store, &article)
                .map_err(WebError::from)?
                .ok_or_else(|| WebError::NotFound(format!("没有存档 {article}")))
        })
    })
    .await?;
    let content_type = page
        .content_type
        .filter(|t| t.to_ascii_lowercase().starts_with("text/"))
        .unwrap_or_else(|| "application/octet-stream".into());
    let mut res = (StatusCode::OK, page.body).into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(ARCHIVE_CSP),
    );
    h.insert(
        header::X_FRAME_OPTIONS,
        HeaderValue::from_static("SAMEORIGIN"),
    );
    if let Ok(v) = HeaderValue::from_str(&content_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    if let Some(v) = page
        .content_encoding
        .and_then(|e| HeaderValue::from_str(&e).ok())
    {
        h.insert(header::CONTENT_ENCODING, v);
    }
    if !page.verified {
        // Altered bytes are never shown as the original: a red warning instead.
        let mut res = (
            StatusCode::CONFLICT,
            maud::html! {
                (maud::DOCTYPE)
                html lang="zh-CN" { head { meta charset="utf-8"; title { "证据已被改动" } }
                body { p style="color:#c00;font-weight:bold" { "证据已被改动" }
                       p { "存档记录的字节与抓取时记录的摘要不符，不予显示。" } } }
            }
            .into_string(),
        )
            .into_response();
        let h = res.headers_mut();
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(ARCHIVE_CSP),
        );
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        h.insert("x-radar-verified", HeaderValue::from_static("no"));
        return Ok(res);
    }
    Ok(res)
}

/// The depth signals in a reviewer's words.
fn depth_table(d: &DepthSignals) -> Markup {
    let yes_no = |b: bool| if b { "是" } else { "否" };
    html! {
        table.signals { tbody {
            tr { th { "标题提及" } td { (yes_no(d.in_title)) } }
            tr { th { "正文提及次数" } td { (d.mentions) } }
            tr { th { "提及段落占比" } td { (format!("{:.0}%", d.paragraph_share * 100.0)) } }
            tr { th { "改革词汇密度" } td { (format!("{:.1} 次/千字", d.reform_density)) } }
            tr { th { "正文字数" } td { (d.length) } }
            tr { th { "版面" } td { (d.page.as_deref().unwrap_or("—")) } }
        } }
    }
}

/// A candidate event's note as the store keeps it (shared with the CLI), in
/// a reviewer's words where it is one of ours.
fn history_note(note: &str) -> String {
    match note.strip_prefix("reclassified ") {
        Some(change) => format!("改归条目 {change}"),
        None => note.to_string(),
    }
}
