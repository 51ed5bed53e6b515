//! 报送材料: an enterprise officer sends in evidence (the file, the item it
//! is meant for, date, title, issuer, note) and sees what became of what it
//! sent; a reviewer sees what waits, opens the file, and accepts it into the
//! ledger under the item they decide or returns it with a reason.

use super::{PageResult, beijing_time, csrf_field, enterprise_choice, name_of, page, query_string};
use crate::store::{SubmissionRow, SubmissionStatus};
use crate::web::auth::{Authed, user};
use crate::web::participation::{
    accept_as, read_submission, return_as, status_param, submit_as, visible_submission,
    visible_submissions,
};
use crate::web::{AppState, Shared, Staging, WebError, blocking};
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect};
use maud::{Markup, html};

pub(super) fn status_label(s: SubmissionStatus) -> &'static str {
    match s {
        SubmissionStatus::Pending => "待审核",
        SubmissionStatus::Accepted => "已采纳",
        SubmissionStatus::Returned => "已退回",
    }
}

/// The rules' items as options (manual-only ones marked), `selected` chosen.
pub(super) fn item_options(state: &AppState, selected: Option<&str>) -> Markup {
    html! {
        @for i in &state.rules.item {
            option value=(i.code) selected[selected == Some(i.code.as_str())] {
                (i.code) " " (i.short_name()) @if i.manual_only { "（需企业报送）" }
            }
        }
        @if let Some(t) = &state.rules.typical_case {
            option value=(t.code) selected[selected == Some(t.code.as_str())] { (t.code) " " (t.name) }
        }
    }
}

/// The form an officer sends evidence in with.
fn submit_form(state: &AppState, who: &Authed, item: Option<&str>) -> Markup {
    let own = who.scope.enterprise();
    html! {
        form.submission method="post" action="/submissions" enctype="multipart/form-data" {
            (csrf_field(who))
            @if own.is_none() || state.registry.enterprises.iter().filter(|e| who.scope.allows(&e.id)).count() > 1 {
                label { "企业 " (enterprise_choice(&state.registry, who, own)) }
            }
            label { "计分条目 " select name="item" required { (item_options(state, item)) } }
            label { "证据日期 " input name="date" type="date" required; }
            label { "标题 " input name="title" required placeholder="如：关于××改革经验的批示"; }
            label { "发文/颁发单位 " input name="issuer" required placeholder="如：市委改革办"; }
            label { "说明 " input name="note" placeholder="可选：补充说明"; }
            label { "文件（PDF 或图片，最多 " (crate::web::MAX_UPLOAD_BYTES / (1024 * 1024)) " MB） " input name="file" type="file" required; }
            button type="submit" { "报送" }
        }
    }
}

/// One submission as a row: what was sent, and where it stands.
fn row(state: &AppState, who: &Authed, r: &SubmissionRow) -> Markup {
    let reviewer = who.user.role.can_review();
    html! {
        tr.submission data-id=(r.id) {
            td data-label="编号" { (r.id) }
            @if reviewer || who.scope.enterprise().is_some_and(|own| own != r.enterprise) {
                td data-label="企业" { (name_of(&state.registry, &r.enterprise)) }
            }
            td data-label="条目" { (r.item) }
            td data-label="日期" { (r.evidence_date) }
            td data-label="标题" {
                a href=(format!("/submissions/{}/file", r.id)) { (r.title) }
                div.sub { (r.issuer) @if let Some(n) = &r.note { " · " (n) } }
            }
            td data-label="报送" { (r.submitted_by) " " (beijing_time(&r.submitted_at)) }
            td data-label="状态" {
                span class=(format!("status {}", r.status.as_str())) { (status_label(r.status)) }
                @match r.status {
                    SubmissionStatus::Accepted => div.sub {
                        "计入 " (r.decided_item.as_deref().unwrap_or(&r.item))
                        @if let Some(e) = r.entry { "，台账第 " (e) " 条" }
                        @if let Some(n) = &r.reason { "；" (n) }
                    },
                    SubmissionStatus::Returned => div.reason { "退回理由：" (r.reason.as_deref().unwrap_or("")) },
                    SubmissionStatus::Pending => {},
                }
            }
            @if reviewer {
                td data-label="操作" {
                    @if r.status == SubmissionStatus::Pending {
                        form.accept method="post" action=(format!("/submissions/{}/accept", r.id)) {
                            (csrf_field(who))
                            select name="item" aria-label="计入条目" { (item_options(state, Some(&r.item))) }
                            input name="note" placeholder="审核备注（可选）";
                            button type="submit" { "采纳入账" }
                        }
                        form.return method="post" action=(format!("/submissions/{}/return", r.id)) {
                            (csrf_field(who))
                            input name="reason" placeholder="退回理由" required;
                            button type="submit" { "退回" }
                        }
                    }
                }
            }
        }
    }
}

#[derive(Debug, Default, serde::Deserialize)]
pub(super) struct PageQuery {
    status: Option<String>,
    item: Option<String>,
    sent: Option<String>,
    done: Option<String>,
}

pub(super) async fn submissions_page(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
) -> PageResult {
    let who = user(&state, &headers).await?;
    let reviewer = who.user.role.can_review();
    // Reviewers start at what waits; an officer sees everything it sent.
    let status = match q.status.as_deref() {
        None if reviewer => Some(SubmissionStatus::Pending),
        other => status_param(other)?,
    };
    let w = who.clone();
    let rows = blocking(&state, move |s| visible_submissions(s, &w, status)).await?;
    let tab = |s: &str, label: &str| {
        let current = status.map_or("all", SubmissionStatus::as_str) == s;
        html! { a href=(format!("/submissions{}", query_string(&[("status", Some(s))]))) class=[current.then_some("current")] { (label) } }
    };
    let body = html! {
        @if let Some(n) = q.sent.as_deref() { p.ok { "已报送（编号 " (n) "），等待审核员审核。审核结果会显示在下表和“我的进度”中。" } }
        @if let Some(m) = q.done.as_deref() { p.ok { (m) } }
        @if who.scope.enterprise().is_some() || !reviewer {
            h2 { "报送新材料" }
            p { "用于爬虫无法获取的证据，如领导批示件、会议纪要、内部简报。审核员采纳后计入台账。" }
            (submit_form(&state, &who, q.item.as_deref()))
        }
        h2 { @if reviewer { "待处理的企业报送" } @else { "已报送的材料" } }
        p.counts { (tab("pending", "待审核")) (tab("accepted", "已采纳")) (tab("returned", "已退回")) (tab("all", "全部")) }
        @if rows.is_empty() { p { "没有报送材料。" } }
        @else {
            table.submissions {
                thead { tr {
                    th { "编号" }
                    @if reviewer || who.scope.enterprise().is_none() || rows.iter().any(|r| Some(r.enterprise.as_str()) != who.scope.enterprise()) { th { "企业" } }
                    th { "条目" } th { "日期" } th { "标题与出具单位" } th { "报送" } th { "状态" }
                    @if reviewer { th { "操作" } }
                } }
                tbody { @for r in &rows { (row(&state, &who, r)) } }
            }
        }
        @if reviewer {
            h2 { "报送新材料" }
            p { "审核员代企业报送请用 " a href="/manual" { "人工录入" } "（直接入账）；此处表单供企业用户使用。" }
        }
    };
    page("报送材料", &who, body)
}

pub(super) async fn submit_page(
    State(state): State<Shared>,
    headers: HeaderMap,
    mp: Result<Multipart, MultipartRejection>,
) -> PageResult {
    let who = user(&state, &headers).await?;
    let staging = Staging::new(&state.home, "upload")?;
    let (fields, file) = read_submission(mp, &staging).await?;
    who.check_form_csrf(fields.get("csrf").map(String::as_str).unwrap_or(""))?;
    let row = blocking(&state, move |s| {
        let r = submit_as(s, &who, &fields, file);
        drop(staging);
        r
    })
    .await?;
    Ok(Redirect::to(&format!("/submissions?status=all&sent={}", row.id)).into_response())
}

#[derive(Debug, Default, serde::Deserialize)]
pub(super) struct DecideForm {
    #[serde(default)]
    csrf: String,
    item: Option<String>,
    note: Option<String>,
    #[serde(default)]
    reason: String,
}

pub(super) async fn accept_form(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<DecideForm>,
) -> PageResult {
    let who = crate::web::auth::form_reviewer(&state, &headers, &f.csrf).await?;
    let (entry, row) = blocking(&state, move |s| {
        accept_as(s, &who, &id, f.item.as_deref(), f.note.as_deref())
    })
    .await?;
    let done = format!(
        "已采纳报送材料 #{}，计入台账第 {} 条（{}）",
        row.id, entry.seq, entry.item
    );
    Ok(Redirect::to(&format!(
        "/submissions{}",
        query_string(&[("done", Some(&done))])
    ))
    .into_response())
}

pub(super) async fn return_form(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<DecideForm>,
) -> PageResult {
    let who = crate::web::auth::form_reviewer(&state, &headers, &f.csrf).await?;
    let row = blocking(&state, move |s| return_as(s, &who, &id, &f.reason)).await?;
    let done = format!("已退回报送材料 #{}", row.id);
    Ok(Redirect::to(&format!(
        "/submissions{}",
        query_string(&[("done", Some(&done))])
    ))
    .into_response())
}

/// The submitted file, read back only while it has its SHA-256.
pub(super) async fn submission_file(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> PageResult {
    let who = user(&state, &headers).await?;
    let (row, bytes) = blocking(&state, move |s| {
        let row = visible_submission(s, &who, &id)?;
        let bytes = crate::pipeline::review::evidence_file(&s.home, &row.sha256)
            .map_err(|e| WebError::Internal(e.to_string()))?;
        let media = s
            .read(|store| Ok(store.read(|tx| tx.file(&row.sha256))?))?
            .map(|f| f.media_type)
            .unwrap_or_else(|| "application/octet-stream".into());
        Ok(((row, media), bytes))
    })
    .await?;
    let (row, media) = row;
    let mut res = (StatusCode::OK, bytes).into_response();
    let h = res.headers_mut();
    // Served as a download, never rendered as a page of this site.
    let safe_type = if media == "application/pdf" || media.starts_with("image/") {
        media
    } else {
        "application/octet-stream".into()
    };
    if let Ok(v) = HeaderValue::from_str(&safe_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    let ascii: String = row
        .file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        url::form_urlencoded::byte_serialize(row.file_name.as_bytes()).collect::<String>()
    )) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(super::ARCHIVE_CSP),
    );
    Ok(res)
}
