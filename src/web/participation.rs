//! Enterprises taking part, as the logged-in user: 报送材料 (send in
//! evidence; a reviewer accepts it into the ledger or returns it), 申请复核
//! (ask for review of a rejected candidate) and comments on a candidate;
//! shared by the JSON API here and the pages. What a user may see is
//! `Scope`'s answer (its enterprise and subsidiaries); accepting and
//! returning are the reviewers'. The writes go through
//! `pipeline::participation`, which records each in the audit trail and
//! announces it.
//!
//! API: `POST /api/submissions` (multipart: file, item, date, title, issuer,
//! note; enterprise for a reviewer), `GET /api/submissions?status=pending|accepted|returned`,
//! `POST /api/submissions/{id}/accept` (`{"item", "note"}`),
//! `POST /api/submissions/{id}/return` (`{"reason"}`),
//! `POST /api/candidates/{id}/appeal` (`{"comment"}`) and
//! `POST /api/candidates/{id}/comment` (`{"text"}`); writes with a session
//! need the `X-CSRF-Token` header (or, in a multipart form, a `csrf` field).

use super::api::visible_candidate;
use super::auth::{Authed, user};
use super::manual::{MAX_UPLOAD_BYTES, read_form, required, too_large};
use super::{AppState, Shared, Staging, WebError, blocking, json_error};
use crate::pipeline::ReviewError;
use crate::pipeline::participation::{self, Submission};
use crate::store::{CandidateStatus, SubmissionRow, SubmissionStatus};
use axum::Router;
use axum::body::Bytes;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use std::collections::BTreeMap;

pub fn routes() -> Router<Shared> {
    Router::new()
        .route(
            "/api/submissions",
            get(list)
                .post(create)
                .layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES)),
        )
        .route("/api/submissions/{id}/accept", post(accept))
        .route("/api/submissions/{id}/return", post(give_back))
        .route("/api/candidates/{id}/appeal", post(appeal))
        .route("/api/candidates/{id}/comment", post(comment))
}

/// The pipeline's refusals as the user's errors.
fn refused(e: ReviewError) -> WebError {
    match e {
        ReviewError::Invalid(m) => WebError::Conflict(m),
        other => WebError::from(other),
    }
}

/// Submissions this user may see, newest first.
pub fn visible_submissions(
    s: &AppState,
    who: &Authed,
    status: Option<SubmissionStatus>,
) -> Result<Vec<SubmissionRow>, WebError> {
    let rows = s.read(|store| Ok(store.submissions(status)?))?;
    Ok(rows
        .into_iter()
        .filter(|r| who.scope.allows(&r.enterprise))
        .collect())
}

/// One submission, if this user may see it (another enterprise's is "not found").
pub fn visible_submission(s: &AppState, who: &Authed, id: &str) -> Result<SubmissionRow, WebError> {
    let missing = || WebError::NotFound(format!("没有报送材料 {id}"));
    let n: i64 = id.parse().map_err(|_| missing())?;
    s.read(|store| Ok(store.submission(n)?))?
        .filter(|r| who.scope.allows(&r.enterprise))
        .ok_or_else(missing)
}

/// A status asked for in a query (`pending`, `accepted`, `returned`; empty or `all`: any).
pub fn status_param(s: Option<&str>) -> Result<Option<SubmissionStatus>, WebError> {
    match s.filter(|s| !s.is_empty() && *s != "all") {
        None => Ok(None),
        Some(v) => SubmissionStatus::parse(v).map(Some).ok_or_else(|| {
            WebError::BadRequest(format!("status `{v}`: pending, accepted or returned"))
        }),
    }
}

/// Read an uploaded submission form (the file staged in `staging`).
pub async fn read_submission(
    mp: Result<Multipart, MultipartRejection>,
    staging: &Staging,
) -> Result<(BTreeMap<String, String>, Option<std::path::PathBuf>), WebError> {
    let mp = mp.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_large()
        } else {
            WebError::BadRequest(format!(
                "请用表单上传（multipart/form-data）：{}",
                e.body_text()
            ))
        }
    })?;
    read_form(mp, staging.path()).await
}

/// Send in evidence as the logged-in user: the form's fields and file.
pub fn submit_as(
    s: &AppState,
    who: &Authed,
    fields: &BTreeMap<String, String>,
    file: Option<std::path::PathBuf>,
) -> Result<SubmissionRow, WebError> {
    let enterprise = who
        .scope
        .narrow(fields.get("enterprise").cloned())?
        .ok_or_else(|| WebError::BadRequest("请选择企业".into()))?;
    let item = required(fields, "item", "计分条目")?.to_string();
    let date_text = required(fields, "date", "证据日期")?;
    let date = chrono::NaiveDate::parse_from_str(date_text, "%Y-%m-%d").map_err(|_| {
        WebError::BadRequest(format!("证据日期 `{date_text}` 不是 2026-03-04 这样的日期"))
    })?;
    let title = required(fields, "title", "标题")?.to_string();
    let issuer = required(fields, "issuer", "发文/颁发单位")?.to_string();
    let note = fields
        .get("note")
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty());
    let file = file.ok_or_else(|| WebError::BadRequest("请选择要上传的文件（不能为空）".into()))?;
    let sub = Submission {
        enterprise,
        item,
        date,
        title,
        issuer,
        note,
        file,
        user: who.user.name.clone(),
    };
    s.with_store(|store| {
        participation::submit(&s.home, store, &s.rules, &s.registry, &sub).map_err(|e| match e {
            ReviewError::Invalid(m) => WebError::BadRequest(m),
            other => WebError::from(other),
        })
    })
}

/// Accept a submission into the ledger as the logged-in reviewer.
pub fn accept_as(
    s: &AppState,
    who: &Authed,
    id: &str,
    item: Option<&str>,
    note: Option<&str>,
) -> Result<(crate::ledger::Entry, SubmissionRow), WebError> {
    who.require_reviewer()?;
    let row = visible_submission(s, who, id)?;
    s.with_store(|store| {
        participation::accept(
            &s.home,
            store,
            &s.rules,
            &s.registry,
            row.id,
            &who.user.name,
            item,
            note,
        )
        .map_err(refused)
    })
}

/// Return a submission with a reason as the logged-in reviewer.
pub fn return_as(
    s: &AppState,
    who: &Authed,
    id: &str,
    reason: &str,
) -> Result<SubmissionRow, WebError> {
    who.require_reviewer()?;
    let row = visible_submission(s, who, id)?;
    s.with_store(|store| {
        participation::return_submission(store, row.id, &who.user.name, reason).map_err(refused)
    })
}

/// Ask for review of a rejected candidate of this user's enterprise.
pub fn appeal_as(s: &AppState, who: &Authed, id: &str, comment: &str) -> Result<i64, WebError> {
    if who.scope.enterprise().is_none() {
        return Err(WebError::Forbidden(
            "申请复核由企业用户提出；审核员可直接撤销驳回".into(),
        ));
    }
    let c = s.read(|store| visible_candidate(store, who, id))?;
    if c.status != CandidateStatus::Rejected {
        return Err(WebError::Conflict(format!(
            "候选证据 #{} 未被驳回，不能申请复核",
            c.id
        )));
    }
    s.with_store(|store| {
        participation::appeal(store, c.id, &who.user.name, who.user.role.as_str(), comment)
            .map_err(refused)
    })?;
    Ok(c.id)
}

/// Comment on a candidate this user may see.
pub fn comment_as(s: &AppState, who: &Authed, id: &str, text: &str) -> Result<i64, WebError> {
    let c = s.read(|store| visible_candidate(store, who, id))?;
    s.with_store(|store| {
        participation::comment(
            store,
            c.id,
            &c.named_enterprise,
            &who.user.name,
            who.user.role.as_str(),
            text,
        )
        .map_err(refused)
    })?;
    Ok(c.id)
}

fn answer(r: Result<serde_json::Value, WebError>) -> Response {
    match r {
        Ok(v) => axum::Json(v).into_response(),
        Err(e) => json_error(&e),
    }
}

fn to_json<T: serde::Serialize>(v: &T) -> Result<serde_json::Value, WebError> {
    serde_json::to_value(v).map_err(|e| WebError::Internal(format!("JSON: {e}")))
}

fn body<T: serde::de::DeserializeOwned + Default>(bytes: &Bytes) -> Result<T, WebError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    serde_json::from_slice(bytes).map_err(|e| WebError::BadRequest(format!("JSON body: {e}")))
}

#[derive(Debug, Default, serde::Deserialize)]
struct ListQuery {
    status: Option<String>,
}

async fn list(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<ListQuery>,
) -> Response {
    answer(
        async {
            let who = user(&state, &headers).await?;
            let status = status_param(q.status.as_deref())?;
            blocking(&state, move |s| {
                to_json(&visible_submissions(s, &who, status)?)
            })
            .await
        }
        .await,
    )
}

async fn create(
    State(state): State<Shared>,
    headers: HeaderMap,
    mp: Result<Multipart, MultipartRejection>,
) -> Response {
    let r = async {
        let who = user(&state, &headers).await?;
        let staging = Staging::new(&state.home, "upload")?;
        let (fields, file) = read_submission(mp, &staging).await?;
        // The header, or the form's own field (a plain HTML form).
        if who.check_header_csrf(&headers).is_err() {
            who.check_form_csrf(fields.get("csrf").map(String::as_str).unwrap_or(""))?;
        }
        blocking(&state, move |s| {
            let r = submit_as(s, &who, &fields, file);
            drop(staging);
            to_json(&r?)
        })
        .await
    }
    .await;
    match r {
        Ok(v) => (StatusCode::CREATED, axum::Json(v)).into_response(),
        Err(e) => json_error(&e),
    }
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct AcceptBody {
    item: Option<String>,
    note: Option<String>,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ReturnBody {
    #[serde(default)]
    reason: String,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct AppealBody {
    #[serde(default)]
    comment: String,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct CommentBody {
    #[serde(default)]
    text: String,
}

/// A JSON write: signed in, the CSRF header with a session, then `f`.
async fn write<B, F>(state: &Shared, headers: &HeaderMap, bytes: &Bytes, f: F) -> Response
where
    B: serde::de::DeserializeOwned + Default + Send + 'static,
    F: FnOnce(&AppState, &Authed, B) -> Result<serde_json::Value, WebError> + Send + 'static,
{
    answer(
        async {
            let who = user(state, headers).await?;
            who.check_header_csrf(headers)?;
            let b: B = body(bytes)?;
            blocking(state, move |s| f(s, &who, b)).await
        }
        .await,
    )
}

async fn accept(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
    bytes: Bytes,
) -> Response {
    write(&state, &headers, &bytes, move |s, who, b: AcceptBody| {
        let (entry, row) = accept_as(s, who, &id, b.item.as_deref(), b.note.as_deref())?;
        Ok(serde_json::json!({ "entry": to_json(&entry)?, "submission": to_json(&row)? }))
    })
    .await
}

async fn give_back(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
    bytes: Bytes,
) -> Response {
    write(&state, &headers, &bytes, move |s, who, b: ReturnBody| {
        to_json(&return_as(s, who, &id, &b.reason)?)
    })
    .await
}

async fn appeal(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
    bytes: Bytes,
) -> Response {
    write(&state, &headers, &bytes, move |s, who, b: AppealBody| {
        let n = appeal_as(s, who, &id, &b.comment)?;
        Ok(serde_json::json!({ "candidate": n, "status": "pending", "appeal": true }))
    })
    .await
}

async fn comment(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
    bytes: Bytes,
) -> Response {
    write(&state, &headers, &bytes, move |s, who, b: CommentBody| {
        let n = comment_as(s, who, &id, &b.text)?;
        Ok(serde_json::json!({ "candidate": n, "comments": to_json(&s.read(|st| Ok(st.comments(n)?))?)? }))
    })
    .await
}
