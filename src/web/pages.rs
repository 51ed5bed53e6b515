//! The server-rendered pages, in Simplified Chinese (maud: every value is
//! HTML-escaped; the only pre-escaped text is the search index's snippet,
//! which escapes everything but its `<mark>`). 登录, 候选证据 (the queue),
//! 证据详情 (with the archived original in a sandboxed iframe), 全文检索,
//! 记分 (with XLSX and CSV downloads) and 台账 (with undo); both carry the
//! report and bundle buttons of `super::exports`. Readable without
//! JavaScript; `/static/app.js` adds the keyboard shortcuts.

use super::api::{
    CandidateQuery, LedgerQuery, ScoreQuery, SearchQuery, confirm_as, copy_candidates, reject_as,
    sheet, undo_as, visible_candidate, visible_candidates, visible_entries,
};
use super::auth::{Authed, form_reviewer, user};
use super::{Shared, WebError, blocking};
use crate::model::Registry;
use crate::pipeline::review::{self, RejectReason};
use crate::store::{CandidateFilter, CandidateStatus, UserRole};
use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use maud::{DOCTYPE, Markup, PreEscaped, html};
use std::collections::{BTreeMap, BTreeSet};

const APP_JS: &str = include_str!("static/app.js");
const APP_CSS: &str = include_str!("static/app.css");

/// The policy of the archived original: nothing runs, nothing is fetched.
pub const ARCHIVE_CSP: &str = "sandbox; default-src 'none'; img-src 'none'; frame-ancestors 'self'";

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/", get(|| async { Redirect::to("/candidates") }))
        .route("/candidates", get(queue))
        .route("/candidates/{id}", get(detail))
        .route("/candidates/{id}/confirm", post(confirm_form))
        .route("/candidates/{id}/reject", post(reject_form))
        .route("/candidates/{id}/confirm-copies", post(confirm_copies_form))
        .route("/candidates/{id}/next", get(next_candidate))
        .route("/archive/{article}", get(archived))
        .route("/search", get(search_page))
        .route("/score", get(score_page))
        .route("/score/export", get(score_export))
        .route("/ledger", get(ledger_page))
        .route("/ledger/{seq}/undo", post(undo_form))
        .route("/static/app.js", get(js))
        .route("/static/app.css", get(css))
}

/// An error as a page: to the login page without a session, else a page
/// with the message and its status.
pub struct PageErr(pub WebError);

impl From<WebError> for PageErr {
    fn from(e: WebError) -> PageErr {
        PageErr(e)
    }
}

impl IntoResponse for PageErr {
    fn into_response(self) -> Response {
        error_page(&self.0)
    }
}

pub fn error_page(e: &WebError) -> Response {
    if let WebError::Unauthorized = e {
        return Redirect::to("/login").into_response();
    }
    if let WebError::Internal(m) = e {
        tracing::error!(error = %m, "web request failed");
    }
    let body = html! {
        p.error { (e.to_string()) }
        p { a href="/candidates" { "返回候选证据" } }
    };
    (e.status(), Html(layout("出错了", None, body).into_string())).into_response()
}

pub(super) type PageResult = Result<Response, PageErr>;

pub(super) fn page(title: &str, who: &Authed, body: Markup) -> PageResult {
    Ok(Html(layout(title, Some(who), body).into_string()).into_response())
}

fn role_label(r: UserRole) -> &'static str {
    match r {
        UserRole::Admin => "管理员",
        UserRole::Reviewer => "审核员",
        UserRole::Enterprise => "企业用户",
    }
}

fn layout(title: &str, who: Option<&Authed>, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="zh-CN" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · 国企改革报表证据" }
                link rel="stylesheet" href="/static/app.css";
                script src="/static/app.js" defer {}
            }
            body {
                @if let Some(w) = who {
                    nav {
                        a href="/candidates" { "候选证据" }
                        a href="/search" { "全文检索" }
                        a href="/score" { "记分" }
                        a href="/ledger" { "台账" }
                        @if w.user.role.can_review() { a href="/manual" { "人工录入" } }
                        a href="/sources" { "信息源" }
                        span.user { (w.user.name) "（" (role_label(w.user.role)) "）" }
                        form.inline method="post" action="/logout" {
                            input type="hidden" name="csrf" value=(w.csrf.as_deref().unwrap_or(""));
                            button type="submit" { "退出" }
                        }
                    }
                }
                main {
                    h1 { (title) }
                    (body)
                }
            }
        }
    }
}

pub fn login_page(csrf: &str, message: Option<&str>) -> Markup {
    let body = html! {
        @if let Some(m) = message { p.error { (m) } }
        form.login method="post" action="/login" {
            input type="hidden" name="csrf" value=(csrf);
            label { "用户名 " input name="name" autocomplete="username" required autofocus; }
            label { "密码 " input name="password" type="password" autocomplete="current-password" required; }
            button type="submit" { "登录" }
        }
    };
    layout("登录", None, body)
}

/// A link target only for http(s) URLs: never `javascript:` or `data:`.
fn safe_href(url: &str) -> Option<&str> {
    let lower = url.trim_start().to_ascii_lowercase();
    (lower.starts_with("http://") || lower.starts_with("https://")).then_some(url)
}

fn status_label(s: CandidateStatus) -> &'static str {
    match s {
        CandidateStatus::Pending => "待审",
        CandidateStatus::Confirmed => "已确认",
        CandidateStatus::Rejected => "已驳回",
        CandidateStatus::Lead => "线索",
        CandidateStatus::Withdrawn => "已撤回",
    }
}

const STATUSES: [CandidateStatus; 5] = [
    CandidateStatus::Pending,
    CandidateStatus::Confirmed,
    CandidateStatus::Rejected,
    CandidateStatus::Lead,
    CandidateStatus::Withdrawn,
];

fn confidence_label(c: &str) -> &str {
    match c {
        "high" => "高",
        "medium" => "中",
        "low" => "低",
        other => other,
    }
}

pub(super) fn name_of<'a>(registry: &'a Registry, id: &'a str) -> &'a str {
    registry.get(id).map_or(id, |e| e.name.as_str())
}

/// `?k=v&…`, percent-encoded.
pub(super) fn query_string(pairs: &[(&str, Option<&str>)]) -> String {
    let mut s = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            s.append_pair(k, v);
        }
    }
    let out = s.finish();
    if out.is_empty() {
        out
    } else {
        format!("?{out}")
    }
}

/// A local path to go back to after a form (never another site).
fn local_next(next: &str) -> &str {
    if next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') {
        next
    } else {
        "/candidates"
    }
}

pub(super) fn enterprise_select(
    registry: &Registry,
    who: &Authed,
    selected: Option<&str>,
) -> Markup {
    html! {
        select name="enterprise" {
            @if who.scope.enterprise().is_none() { option value="" { "全部企业" } }
            @for e in registry.enterprises.iter().filter(|e| who.scope.allows(&e.id)) {
                option value=(e.id) selected[selected == Some(e.id.as_str())] { (e.name) }
            }
        }
    }
}

pub(super) fn csrf_field(who: &Authed) -> Markup {
    html! { input type="hidden" name="csrf" value=(who.csrf.as_deref().unwrap_or("")); }
}

fn reject_fields() -> Markup {
    html! {
        select name="reason" aria-label="驳回理由" {
            @for code in &RejectReason::CODES[..5] {
                @if let Some(r) = RejectReason::parse(code) {
                    option value=(code) { (r.label()) }
                }
            }
            option value="other" { "其他（请填写）" }
        }
        input name="other" placeholder="其他理由";
    }
}

fn decision_forms(who: &Authed, id: i64, next: &str, full: bool) -> Markup {
    html! {
        form.confirm method="post" action=(format!("/candidates/{id}/confirm")) {
            (csrf_field(who))
            input type="hidden" name="next" value=(next);
            @if full {
                label { "改归条目 " input name="item" size="4" placeholder="如 C4"; }
                label { "证据日期 " input name="date" type="date"; }
                label { "备注 " input name="note"; }
            }
            button type="submit" { "确认 (c)" }
        }
        form.reject method="post" action=(format!("/candidates/{id}/reject")) {
            (csrf_field(who))
            input type="hidden" name="next" value=(next);
            (reject_fields())
            button type="submit" { "驳回 (r)" }
        }
    }
}

async fn queue(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<CandidateQuery>,
) -> PageResult {
    let who = user(&state, &headers).await?;
    let mut q = q;
    if q.status.is_none() {
        q.status = Some("pending".into());
    }
    let filter = q.filter(&who)?;
    let w = who.clone();
    let outlet = q.outlet().map(str::to_string);
    let (rows, counts, outlets) = blocking(&state, move |s| {
        s.read(|store| {
            let in_outlet =
                |c: &crate::store::CandidateRow| outlet.as_deref().is_none_or(|o| c.outlet == o);
            let rows: Vec<_> = visible_candidates(store, &w, &filter)?
                .into_iter()
                .filter(in_outlet)
                .collect();
            let unfiltered = visible_candidates(
                store,
                &w,
                &CandidateFilter {
                    status: None,
                    ..filter.clone()
                },
            )?;
            let outlets: BTreeSet<String> = unfiltered.iter().map(|c| c.outlet.clone()).collect();
            let all: Vec<_> = unfiltered.into_iter().filter(in_outlet).collect();
            let mut counts: BTreeMap<&'static str, usize> = BTreeMap::new();
            for c in &all {
                *counts.entry(c.status.as_str()).or_default() += 1;
            }
            Ok((rows, counts, outlets))
        })
    })
    .await?;
    let reg = &state.registry;
    let status = q.status.as_deref().unwrap_or("pending");
    let next = format!(
        "/candidates{}",
        query_string(&[
            ("status", Some(status)),
            ("enterprise", q.enterprise.as_deref()),
            ("item", q.item.as_deref()),
            ("year", q.year.as_deref()),
            ("outlet", q.outlet()),
        ])
    );
    const SHOWN: usize = 200;
    let body = html! {
        form.filters method="get" action="/candidates" {
            select name="status" {
                option value="all" selected[status == "all"] { "全部状态" }
                @for s in STATUSES {
                    option value=(s.as_str()) selected[status == s.as_str()] { (status_label(s)) }
                }
            }
            (enterprise_select(reg, &who, q.enterprise.as_deref()))
            input name="item" placeholder="条目（如 B1）" value=(q.item.as_deref().unwrap_or("")) size="8";
            select name="outlet" {
                option value="" { "全部媒体" }
                @for o in &outlets { option value=(o) selected[q.outlet() == Some(o.as_str())] { (o) } }
            }
            input name="year" placeholder="年度" value=(q.year.as_deref().unwrap_or("")) size="6";
            button type="submit" { "筛选" }
        }
        p.counts {
            @for s in STATUSES {
                a href=(format!("/candidates{}", query_string(&[("status", Some(s.as_str())), ("enterprise", q.enterprise.as_deref()), ("item", q.item.as_deref()), ("year", q.year.as_deref()), ("outlet", q.outlet())])))
                  class=[(status == s.as_str()).then_some("current")] {
                    (status_label(s)) " " (counts.get(s.as_str()).copied().unwrap_or(0))
                }
            }
        }
        p.help { "快捷键：j/k 上下移动，s 跳过，c 确认，r 后按 1–5 以该理由驳回（6 为其他，需填写），o 打开详情，/ 检索。在输入框中或输入法组字时不起作用。" }
        @if rows.is_empty() { p { "没有符合条件的候选证据。" } }
        table.queue {
            thead { tr { th { "编号" } th { "置信度" } th { "企业" } th { "条目" } th { "媒体" } th { "日期" } th { "标题与理由" } th { "状态" } th { "操作" } } }
            tbody {
                @for c in rows.iter().take(SHOWN) {
                    tr.cand data-id=(c.id) {
                        td { (c.id) }
                        td { (confidence_label(&c.confidence)) " " (format!("{:.2}", c.score)) }
                        td { (name_of(reg, &c.named_enterprise)) }
                        td { (c.item) }
                        td { (c.outlet) }
                        td { (c.published.as_deref().unwrap_or("—")) }
                        td {
                            a.open href=(format!("/candidates/{}", c.id)) { (c.title) }
                            div.reasons { (c.reasons.join("；")) }
                        }
                        td { (status_label(c.status)) }
                        td {
                            @if who.user.role.can_review() && c.status == CandidateStatus::Pending {
                                (decision_forms(&who, c.id, &next, false))
                            }
                        }
                    }
                }
            }
        }
        @if rows.len() > SHOWN { p { "只显示前 " (SHOWN) " 条，共 " (rows.len()) " 条：请缩小筛选范围。" } }
    };
    page("候选证据", &who, body)
}

/// Text split where any of `names` occurs: (is a mention, text).
fn highlight<'a>(text: &'a str, names: &[String]) -> Vec<(bool, &'a str)> {
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

async fn detail(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> PageResult {
    let who = user(&state, &headers).await?;
    let w = who.clone();
    let (c, article, history, copies, copy_cands) = blocking(&state, move |s| {
        s.read(|store| {
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
            Ok((c, article, history, copies, copy_cands))
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
    let signals = serde_json::to_string_pretty(&c.signals).unwrap_or_default();
    // After a decision here, the next pending candidate opens at once.
    let next = format!("/candidates/{}/next", c.id);
    let body = html! {
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
        pre { (signals) }
        @if who.user.role.can_review() && c.status == CandidateStatus::Pending {
            h2 { "审核" }
            (decision_forms(&who, c.id, &next, true))
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
                tr { td { (e.at) } td { (e.from.as_deref().unwrap_or("—")) } td { (e.to) } td { (e.note.as_deref().unwrap_or("")) } }
            } }
        }
    };
    page("证据详情", &who, body)
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct DecisionForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    next: String,
    item: Option<String>,
    note: Option<String>,
    date: Option<String>,
    reason: Option<String>,
    other: Option<String>,
}

/// The first pending candidate of the queue other than `id` (the one just
/// decided), or the queue itself when none is left.
async fn next_candidate(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> PageResult {
    let who = user(&state, &headers).await?;
    let filter = CandidateFilter {
        status: Some(CandidateStatus::Pending),
        ..Default::default()
    };
    let next = blocking(&state, move |s| {
        s.read(|store| {
            Ok(visible_candidates(store, &who, &filter)?
                .into_iter()
                .find(|c| c.id.to_string() != id)
                .map(|c| c.id))
        })
    })
    .await?;
    Ok(match next {
        Some(n) => Redirect::to(&format!("/candidates/{n}")),
        None => Redirect::to("/candidates"),
    }
    .into_response())
}

async fn confirm_form(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<DecisionForm>,
) -> PageResult {
    let who = form_reviewer(&state, &headers, &f.csrf).await?;
    let date = match f.date.as_deref().filter(|d| !d.is_empty()) {
        None => None,
        Some(d) => Some(
            chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| {
                WebError::BadRequest(format!("证据日期 `{d}` 不是 2026-03-04 这样的日期"))
            })?,
        ),
    };
    let (item, note) = (f.item, f.note);
    blocking(&state, move |s| confirm_as(s, &who, &id, item, note, date)).await?;
    Ok(Redirect::to(local_next(&f.next)).into_response())
}

async fn reject_form(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<DecisionForm>,
) -> PageResult {
    let who = form_reviewer(&state, &headers, &f.csrf).await?;
    let reason = match f.reason.as_deref().unwrap_or("") {
        "other" | "" => format!("other:{}", f.other.as_deref().unwrap_or("").trim()),
        code => code.to_string(),
    };
    blocking(&state, move |s| reject_as(s, &who, &id, &reason)).await?;
    Ok(Redirect::to(local_next(&f.next)).into_response())
}

async fn confirm_copies_form(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<DecisionForm>,
) -> PageResult {
    let who = form_reviewer(&state, &headers, &f.csrf).await?;
    let w = who.clone();
    let results = blocking(&state, move |s| {
        let ids = s.read(|store| {
            let c = visible_candidate(store, &w, &id)?;
            let mut ids: Vec<i64> = Vec::new();
            if c.status == CandidateStatus::Pending {
                ids.push(c.id);
            }
            ids.extend(copy_candidates(store, &w, &c)?.iter().map(|o| o.id));
            Ok(ids)
        })?;
        // One confirmation each: one failing does not stop the others.
        Ok(ids
            .into_iter()
            .map(|n| {
                let r = confirm_as(s, &w, &n.to_string(), None, None, None);
                (n, r.map(|e| e.seq).map_err(|e| e.to_string()))
            })
            .collect::<Vec<_>>())
    })
    .await?;
    let body = html! {
        ul { @for (n, r) in &results {
            li {
                a href=(format!("/candidates/{n}")) { "候选证据 #" (n) }
                @match r {
                    Ok(seq) => span { "：已确认，台账第 " (seq) " 条" },
                    Err(m) => span.error { "：未确认（" (m) "）" },
                }
            }
        } }
        p { a href="/candidates" { "返回候选证据" } }
    };
    page("批量确认结果", &who, body)
}

async fn archived(
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
        h.insert("x-radar-verified", HeaderValue::from_static("no"));
    }
    Ok(res)
}

async fn search_page(
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
            @let skip = PER_PAGE * (page_no - 1);
            p { "共 " (r.total) " 篇，第 " (page_no) " 页" }
            p.facets {
                @for (o, n) in &r.facets.outlet { span { (o) " " (n) } }
                @for (y, n) in &r.facets.year { span { (y) "年 " (n) } }
            }
            ol.hits {
                @for h in r.hits.iter().skip(skip) {
                    li {
                        div.title {
                            @match safe_href(&h.url) {
                                Some(u) => a href=(u) rel="noreferrer noopener" target="_blank" { (h.title) },
                                None => span { (h.title) },
                            }
                        }
                        div.meta { (h.outlet) " " (h.published.as_deref().unwrap_or("")) }
                        // The index escapes the snippet and adds only <mark>.
                        div.snippet { (PreEscaped(&h.snippet)) }
                    }
                }
            }
            p.pages {
                @if page_no > 1 {
                    a href=(format!("/search{}", page_link(&q, page_no - 1))) { "上一页" } " "
                }
                @if (r.total as usize) > PER_PAGE * page_no && page_no < 50 {
                    a href=(format!("/search{}", page_link(&q, page_no + 1))) { "下一页" }
                }
            }
        }
    };
    page("全文检索", &who, body)
}

fn page_link(q: &SearchQuery, page: usize) -> String {
    let page = page.to_string();
    query_string(&[
        ("q", Some(&q.q)),
        ("outlet", q.outlet.as_deref()),
        ("from", q.from.as_deref()),
        ("to", q.to.as_deref()),
        ("sort", q.sort.as_deref()),
        ("page", Some(&page)),
    ])
}

async fn score_page(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<ScoreQuery>,
) -> PageResult {
    let who = user(&state, &headers).await?;
    let (w, qq) = (who.clone(), q.clone());
    let sheet = blocking(&state, move |s| sheet(s, &w, &qq)).await?;
    let quarter = sheet.quarter.map(|q| q.number().to_string());
    let link = |format: &str| {
        format!(
            "/score/export{}",
            query_string(&[
                ("format", Some(format)),
                ("year", Some(&sheet.year.to_string())),
                ("quarter", quarter.as_deref()),
                ("enterprise", q.enterprise.as_deref()),
            ])
        )
    };
    let period = match sheet.quarter {
        Some(qn) => format!("{} 年（截至第 {} 季度末）", sheet.year, qn.number()),
        None => format!("{} 年全年", sheet.year),
    };
    let body = html! {
        form.filters method="get" action="/score" {
            input name="year" value=(sheet.year) size="6";
            select name="quarter" {
                option value="" { "全年" }
                @for n in 1..=4u8 {
                    option value=(n) selected[sheet.quarter.map(|q| q.number()) == Some(n)] { "截至第" (n) "季度" }
                }
            }
            @if who.scope.enterprise().is_none() { (enterprise_select(&state.registry, &who, q.enterprise.as_deref())) }
            button type="submit" { "查看" }
        }
        p { (sheet.commission) " · " (period) }
        p.downloads { a href=(link("xlsx")) { "下载 XLSX" } " " a href=(link("csv")) { "下载 CSV" } }
        table.score {
            thead { tr { th { "企业" } th { "A 类" } th { "B 类" } th { "C 类" } th { "C 类目标" } th { "C 类增减" } th { "典型案例" } th { "合计" } } }
            tbody { @for e in &sheet.enterprises {
                tr { td { (e.name) } td { (e.a) } td { (e.b) } td { (e.c) } td { (e.c_target) } td { (format!("{:+}", e.c_delta)) } td { (format!("{:+}", e.bonus)) } td { (format!("{:+}", e.total)) } }
            } }
        }
        @for e in &sheet.enterprises {
            details {
                summary { (e.name) "：" (e.items.len()) " 项计分证据" }
                p.downloads { "导出：" (super::exports::buttons(&e.id, sheet.year, sheet.quarter.map(|q| q.number()))) }
                table {
                    thead { tr { th { "台账序号" } th { "条目" } th { "日期" } th { "来源" } th { "标题" } th { "审核人" } } }
                    tbody { @for i in &e.items {
                        tr { td { (i.entry) } td { (i.code) " " (i.item_name) } td { (i.date) } td { (i.source) } td { (i.title) } td { (i.reviewer) } }
                    } }
                }
            }
        }
        @if let Some(cp) = &sheet.checkpoint {
            h2 { "最新签名检查点" }
            pre { (cp) }
        }
    };
    page("记分", &who, body)
}

#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ExportQuery {
    format: Option<String>,
    #[serde(flatten)]
    score: ScoreQuery,
}

async fn score_export(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<ExportQuery>,
) -> PageResult {
    let who = user(&state, &headers).await?;
    let format = q.format.clone().unwrap_or_else(|| "xlsx".into());
    let sq = q.score.clone();
    let sheet = blocking(&state, move |s| sheet(s, &who, &sq)).await?;
    let name = match sheet.quarter {
        Some(qn) => format!("scorecard-{}-Q{}", sheet.year, qn.number()),
        None => format!("scorecard-{}", sheet.year),
    };
    let (bytes, content_type, ext) = match format.as_str() {
        "xlsx" => (
            crate::report::score_xlsx(&sheet).map_err(|e| WebError::Internal(e.to_string()))?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        ),
        "csv" => (
            crate::report::score_csv(&sheet).into_bytes(),
            "text/csv; charset=utf-8",
            "csv",
        ),
        other => return Err(WebError::BadRequest(format!("format `{other}`: xlsx or csv")).into()),
    };
    let mut res = (StatusCode::OK, bytes).into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}.{ext}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}

async fn ledger_page(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<LedgerQuery>,
) -> PageResult {
    let who = user(&state, &headers).await?;
    let (w, qq) = (who.clone(), q.clone());
    let entries = blocking(&state, move |s| visible_entries(s, &w, &qq)).await?;
    let undone: BTreeSet<u64> = entries.iter().filter_map(|e| e.reverses).collect();
    let reg = &state.registry;
    let body = html! {
        form.filters method="get" action="/ledger" {
            (enterprise_select(reg, &who, q.enterprise.as_deref()))
            button type="submit" { "查看" }
        }
        @if let Some(e) = q.enterprise.as_deref().filter(|e| !e.is_empty()).or(who.scope.enterprise()) {
            p.downloads { (name_of(reg, e)) " 导出：" (super::exports::buttons(e, {
                use chrono::Datelike;
                crate::model::beijing_today().year()
            }, None)) }
        }
        p { (entries.len()) " 条台账记录" }
        table.ledger {
            thead { tr { th { "序号" } th { "操作" } th { "企业" } th { "条目" } th { "日期" } th { "标题" } th { "审核人" } th { "时间" } th { "备注" } th { "撤销" } } }
            tbody { @for e in &entries {
                tr {
                    td { (e.seq) }
                    td { @if e.reverses.is_some() { "撤销 #" (e.reverses.unwrap_or_default()) } @else { "确认" } }
                    td { (name_of(reg, &e.named_enterprise)) }
                    td { (e.item) }
                    td { (e.evidence_date) }
                    td { (e.title) }
                    td { (e.reviewer) }
                    td { (e.at) }
                    td { (e.note.as_deref().unwrap_or("")) }
                    td {
                        @if who.user.role.can_review() && e.reverses.is_none() && !undone.contains(&e.seq) {
                            form.undo method="post" action=(format!("/ledger/{}/undo", e.seq)) {
                                (csrf_field(&who))
                                input name="reason" placeholder="撤销理由" required;
                                button type="submit" { "撤销" }
                            }
                        } @else if undone.contains(&e.seq) { "已撤销" }
                    }
                }
            } }
        }
    };
    page("台账", &who, body)
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct UndoForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    reason: String,
}

async fn undo_form(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(seq): Path<String>,
    Form(f): Form<UndoForm>,
) -> PageResult {
    let who = form_reviewer(&state, &headers, &f.csrf).await?;
    blocking(&state, move |s| undo_as(s, &who, &seq, &f.reason)).await?;
    Ok(Redirect::to("/ledger").into_response())
}

async fn js() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        APP_JS,
    )
        .into_response()
}

async fn css() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], APP_CSS).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortcuts_do_nothing_while_typing_or_composing() {
        assert!(APP_JS.contains("e.isComposing || e.keyCode === 229"));
        assert!(APP_JS.contains(r#"tag === "input" || tag === "textarea""#));
    }

    #[test]
    fn only_http_links_are_links() {
        assert_eq!(safe_href("https://a.cn/x"), Some("https://a.cn/x"));
        assert_eq!(safe_href("javascript:alert(1)"), None);
        assert_eq!(safe_href(" JavaScript:alert(1)"), None);
        assert_eq!(safe_href("data:text/html,x"), None);
    }

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(
            local_next("/candidates?status=pending"),
            "/candidates?status=pending"
        );
        assert_eq!(local_next("//evil.example/"), "/candidates");
        assert_eq!(local_next("https://evil.example/"), "/candidates");
    }

    #[test]
    fn mentions_are_split_out() {
        let names = vec!["万州城投集团".to_string(), "万州城投".to_string()];
        let parts = highlight("据悉，万州城投集团推进改革，万州城投", &names);
        assert_eq!(
            parts,
            vec![
                (false, "据悉，"),
                (true, "万州城投集团"),
                (false, "推进改革，"),
                (true, "万州城投")
            ]
        );
    }
}
