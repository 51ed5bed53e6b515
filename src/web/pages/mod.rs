//! The server-rendered pages, in Simplified Chinese (maud: every value is
//! HTML-escaped; the only pre-escaped text is the search index's snippet,
//! which escapes everything but its `<mark>`). 登录, 候选证据 (the queue),
//! 证据详情 (with the archived original in a sandboxed iframe), 全文检索,
//! 记分 (with XLSX and CSV downloads) and 台账 (with undo); both carry the
//! report and bundle buttons of `super::exports`. Readable without
//! JavaScript; `/static/app.js` adds the keyboard shortcuts.

use super::auth::Authed;
use super::{Shared, WebError};
use crate::model::Registry;
use crate::store::{CandidateStatus, UserRole};
use axum::Router;
use axum::http::header;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use maud::{DOCTYPE, Markup, html};

mod audit;
mod decided;
mod detail;
mod evidence;
mod passages;
mod progress;
mod propose;
mod queue;
mod score;
mod search;
mod standing;
mod submissions;
mod thread;

const APP_JS: &str = include_str!("../static/app.js");
const APP_CSS: &str = include_str!("../static/app.css");

/// A red 证据已被改动 beside evidence whose bytes no longer have the digest
/// its signed entry names (empty when they do). Every page showing ledger
/// evidence calls this one function.
pub(super) fn evidence_warning(home: &crate::config::Home, e: &crate::ledger::Evidence) -> Markup {
    match crate::pipeline::ledger::evidence_altered(home, e) {
        None => html! {},
        Some(why) => html! {
            strong.altered style="color:#c00" title=(why) { " 证据已被改动" }
        },
    }
}

/// The policy of the archived original: nothing runs, nothing is fetched
/// (the images the crawl archived are in the page as `data:` URLs).
pub const ARCHIVE_CSP: &str = "sandbox; default-src 'none'; img-src data:; frame-ancestors 'self'";

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/", get(|| async { Redirect::to("/candidates") }))
        .route("/candidates", get(queue::queue))
        .route("/candidates/{id}", get(detail::detail))
        .route("/candidates/{id}/confirm", post(queue::confirm_form))
        .route("/candidates/{id}/reject", post(queue::reject_form))
        .route(
            "/candidates/{id}/confirm-copies",
            post(queue::confirm_copies_form),
        )
        .route("/candidates/{id}/next", get(queue::next_candidate))
        .route("/candidates/{id}/skip", post(queue::skip_form))
        .route(
            "/candidates/{id}/reject-story",
            post(queue::reject_story_form),
        )
        .route("/candidates/{id}/reopen", post(queue::reopen_form))
        .route("/candidates/{id}/dismiss", post(queue::dismiss_form))
        .route("/candidates/{id}/promote", post(queue::promote_form))
        .route("/articles/{article}/propose", post(propose::propose_form))
        .route("/audit", get(audit::audit_page))
        .route("/audit/export", get(audit::audit_export))
        .route("/candidates/{id}/undo", post(decided::take_back_form))
        .route("/archive/{article}", get(detail::archived))
        .route("/search", get(search::search_page))
        .route("/score", get(score::score_page))
        .route("/score/export", get(score::score_export))
        .route("/score/checkpoint", get(standing::checkpoint_page))
        .route("/score/enterprise/{id}", get(standing::enterprise_page))
        // Enterprises taking part (issue 19): progress, submissions, appeals, comments.
        .route("/progress", get(progress::progress_page))
        .route(
            "/submissions",
            get(submissions::submissions_page)
                .post(submissions::submit_page)
                .layer(axum::extract::DefaultBodyLimit::max(
                    crate::web::MAX_UPLOAD_BYTES,
                )),
        )
        .route("/submissions/{id}/accept", post(submissions::accept_form))
        .route("/submissions/{id}/return", post(submissions::return_form))
        .route("/submissions/{id}/file", get(submissions::submission_file))
        .route("/candidates/{id}/appeal", post(thread::appeal_form))
        .route("/candidates/{id}/comment", post(thread::comment_form))
        .route("/ledger", get(score::ledger_page))
        .route("/ledger/{seq}/undo", post(score::undo_form))
        .route("/ledger/{seq}/evidence", get(evidence::evidence))
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
    let title = match e.status().as_u16() {
        404 => "找不到",
        403 => "无权操作",
        400 | 409 | 413 | 429 => "没有完成",
        _ => "出错了",
    };
    let body = html! {
        p.error { (for_people(e)) }
        p.way-back {
            a.back href="/candidates" { "返回上一页" }
            " · " a href="/candidates" { "候选证据" }
            " · " a href="/audit" { "操作记录" }
        }
    };
    (
        e.status(),
        Html(layout_nav(title, None, true, body).into_string()),
    )
        .into_response()
}

/// An error's message as a person reads it: in Chinese, with no English
/// code, no UTC time and no internal detail (those go to the log).
pub(crate) fn for_people(e: &WebError) -> String {
    match e {
        WebError::Store(_) => {
            "服务器处理时出错，已记录在日志中。请稍后重试，或联系管理员。".to_string()
        }
        other => {
            let m = other.to_string();
            // The English an API documents stays in the API: cut "（…）"
            // parts that are English.
            let mut out = String::new();
            let mut rest = m.as_str();
            while let Some(open) = rest.find('（') {
                let Some(close) = rest[open..].find('）') else {
                    break;
                };
                let inner = &rest[open + '（'.len_utf8()..open + close];
                out.push_str(&rest[..open]);
                if inner.chars().any(|c| c.is_ascii_alphabetic())
                    && inner.chars().filter(|c| c.is_ascii_alphabetic()).count() * 2
                        > inner.chars().count()
                {
                    // dropped
                } else {
                    out.push_str(&rest[open..open + close + '）'.len_utf8()]);
                }
                rest = &rest[open + close + '）'.len_utf8()..];
            }
            out.push_str(rest);
            let ascii_letters = out.chars().filter(|c| c.is_ascii_alphabetic()).count();
            if ascii_letters * 2 > out.chars().count() {
                tracing::info!(message = %m, "an English message kept from a page");
                if matches!(other, WebError::Internal(_)) {
                    "服务器处理时出错，已记录在日志中。请稍后重试，或联系管理员。".to_string()
                } else {
                    "操作没有完成：请检查填写的内容后重试。".to_string()
                }
            } else {
                out
            }
        }
    }
}

pub(crate) type PageResult = Result<Response, PageErr>;

pub(super) fn page(title: &str, who: &Authed, body: Markup) -> PageResult {
    Ok(Html(layout(title, Some(who), body).into_string()).into_response())
}

/// A page in the layout, for the web modules beside `pages`.
pub(crate) fn page_for(title: &str, who: &Authed, body: Markup) -> PageResult {
    page(title, who, body)
}

pub(super) fn role_label(r: UserRole) -> &'static str {
    match r {
        UserRole::Admin => "管理员",
        UserRole::Reviewer => "审核员",
        UserRole::Enterprise => "企业用户",
    }
}

fn layout(title: &str, who: Option<&Authed>, body: Markup) -> Markup {
    layout_nav(title, who, false, body)
}

/// The page; with `nav`, the navigation even without a user (error pages).
fn layout_nav(title: &str, who: Option<&Authed>, nav: bool, body: Markup) -> Markup {
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
                @if who.is_some() || nav {
                    // On a phone the links fold under 菜单 (a checkbox, no script).
                    nav {
                        input.nav-toggle id="nav-toggle" type="checkbox" aria-label="菜单";
                        label.nav-button for="nav-toggle" { "☰ 菜单" }
                        span.nav-title { (title) }
                        div.nav-links {
                            @if let Some(w) = who {
                            @if w.scope.enterprise().is_some() { a href="/progress" { "我的进度" } }
                            a href="/candidates" { "候选证据" span.nav-new hidden {} }
                            a href="/search" { "全文检索" }
                            a href="/score" { "记分" }
                            a href="/ledger" { "台账" }
                            a href="/submissions" { "报送材料" }
                            @if w.user.role.can_review() { a href="/manual" { "人工录入" } }
                            @if w.scope.enterprise().is_none() { a href="/sources" { "信息源" } }
                            a href="/audit" { "操作记录" }
                            @if w.user.role == UserRole::Admin { a href="/users" { "用户管理" } }
                            a href="/settings/notify" { "通知设置" }
                            span.user { (w.user.name) "（" (role_label(w.user.role)) "）" }
                            a href="/account/password" { "修改密码" }
                            form.inline method="post" action="/logout" {
                                input type="hidden" name="csrf" value=(w.csrf.as_deref().unwrap_or(""));
                                button type="submit" { "退出" }
                            }
                            } @else {
                            a href="/candidates" { "候选证据" }
                            a href="/search" { "全文检索" }
                            a href="/score" { "记分" }
                            a href="/ledger" { "台账" }
                            a href="/sources" { "信息源" }
                            a href="/audit" { "操作记录" }
                            }
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
        "manual" => "人工发现",
        _ => "—",
    }
}

/// An item as a person reads it: its code and name (`B2 …`); a lead (no
/// item yet) in words.
pub(crate) fn item_label(rules: &crate::model::Rules, code: &str) -> String {
    if code == "lead" {
        return "线索（尚未对应条目）".to_string();
    }
    if let Some(t) = rules.typical_case.as_ref().filter(|t| t.code == code) {
        return format!("{} {}", t.code, t.name);
    }
    match rules.item(code) {
        Some(i) => format!("{} {}", i.code, i.name),
        None => code.to_string(),
    }
}

/// An outlet name as shown (never the bare word `lead`).
pub(crate) fn outlet_label(outlet: &str) -> &str {
    if outlet.eq_ignore_ascii_case("lead") {
        "线索来源"
    } else {
        outlet
    }
}

/// A ledger entry's number as a person reads it (the stored seq is 0-based).
pub(crate) fn entry_number(seq: u64) -> u64 {
    seq + 1
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

/// A local path to go back to after a form (never another site): a path
/// of printable ASCII without backslashes that starts with one `/` and is
/// not followed by another after browsers drop tabs and newlines
/// (`/\t/evil.example/`). Anything else, and anything over 2 KiB, goes to
/// the queue. Always a valid `Location` header.
pub(super) fn local_next(next: &str) -> &str {
    let printable = next.bytes().all(|b| (0x21..0x7f).contains(&b));
    if printable
        && next.len() <= 2048
        && next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
    {
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
            (enterprise_options(registry, who, selected))
        }
    }
}

/// A form's required choice of one enterprise (nothing chosen at first).
pub(crate) fn enterprise_choice(
    registry: &Registry,
    who: &Authed,
    selected: Option<&str>,
) -> Markup {
    html! {
        select name="enterprise" required {
            option value="" { "请选择企业" }
            (enterprise_options(registry, who, selected))
        }
    }
}

/// The enterprises this user may see, as options.
fn enterprise_options(registry: &Registry, who: &Authed, selected: Option<&str>) -> Markup {
    html! {
        @for e in registry.enterprises.iter().filter(|e| who.scope.allows(&e.id)) {
            option value=(e.id) selected[selected == Some(e.id.as_str())] { (e.name) }
        }
    }
}

pub(crate) fn csrf_field(who: &Authed) -> Markup {
    html! { input type="hidden" name="csrf" value=(who.csrf.as_deref().unwrap_or("")); }
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

/// A status as stored (`pending`, …) in a reviewer's words.
fn status_text(s: &str) -> &str {
    match CandidateStatus::parse(s) {
        Some(status) => status_label(status),
        None => s,
    }
}

/// A stored UTC time (RFC 3339) as Beijing time to the minute; anything
/// unreadable as it is.
pub(crate) fn beijing_time(utc: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(utc).map_or_else(
        |_| utc.to_string(),
        |t| {
            t.with_timezone(&crate::model::BEIJING)
                .format("%Y-%m-%d %H:%M")
                .to_string()
        },
    )
}

#[cfg(test)]
mod tests {
    use super::detail::highlight;
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
        for bad in [
            "/\t/evil.example/",
            "/\n/evil.example/",
            "/candidates\r\nSet-Cookie: x=1",
            "/candidates\0",
            "/ /evil",
            "/\\evil",
        ] {
            assert_eq!(local_next(bad), "/candidates", "{bad:?}");
        }
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

    #[test]
    fn run_times_are_shown_in_beijing_time() {
        assert_eq!(beijing_time("2026-12-02T14:41:52.505Z"), "2026-12-02 22:41");
        assert_eq!(
            beijing_time("2026-12-31T16:30:00+00:00"),
            "2027-01-01 00:30"
        );
        assert_eq!(beijing_time("昨天"), "昨天");
    }
}
