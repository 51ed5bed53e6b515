//! 人工录入: the form for evidence no crawler can see (a certificate, a
//! commission notice, a scanned award), with its file uploaded as
//! multipart. Reviewers and admins only, CSRF-checked; the upload is staged
//! in a folder under the home, stored by its SHA-256 through
//! `pipeline::review::add_evidence` with the logged-in user as reviewer, and
//! the staging folder removed whatever happens. Bodies over
//! [`MAX_UPLOAD_BYTES`] are refused with 413 and a Chinese message.

use super::auth::{Authed, user};
use super::pages::{PageResult, csrf_field, enterprise_choice, page};
use super::{Shared, Staging, WebError, blocking};
use crate::pipeline::ReviewError;
use crate::pipeline::review::{ManualEvidence, add_evidence};
use axum::Router;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use maud::html;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The largest upload (the whole multipart body).
pub const MAX_UPLOAD_BYTES: usize = 50 * 1024 * 1024;

pub fn routes() -> Router<Shared> {
    Router::new().route(
        "/manual",
        get(form_page)
            .post(submit)
            .layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES)),
    )
}

pub(super) fn too_large() -> WebError {
    WebError::TooLarge(format!(
        "上传的文件太大：每次最多 {} MB",
        MAX_UPLOAD_BYTES / (1024 * 1024)
    ))
}

fn form_body(
    state: &super::AppState,
    who: &Authed,
    done: Option<&str>,
    values: &BTreeMap<String, String>,
) -> maud::Markup {
    let v = |k: &str| values.get(k).map(String::as_str).unwrap_or("");
    let selected = values.get("item").map(String::as_str);
    html! {
        @if let Some(m) = done { p.ok { (m) } }
        p { "用于爬虫无法获取的证据（如证书、批复、获奖文件）。文件按 SHA-256 保存，台账记录当前登录用户为审核人。" }
        form.manual method="post" action="/manual" enctype="multipart/form-data" {
            (csrf_field(who))
            label { "企业 " (enterprise_choice(&state.registry, who, values.get("enterprise").map(String::as_str))) }
            label { "计分条目 "
                select name="item" required {
                    @for i in &state.rules.item {
                        option value=(i.code) selected[selected == Some(i.code.as_str())] {
                            (i.code) " " (i.name) @if i.manual_only { "（仅人工录入）" }
                        }
                    }
                    @if let Some(t) = &state.rules.typical_case {
                        option value=(t.code) selected[selected == Some(t.code.as_str())] { (t.code) " " (t.name) }
                    }
                }
            }
            label { "证据日期 " input name="date" type="date" value=(v("date")) required; }
            label { "标题 " input name="title" value=(v("title")) size="40" required; }
            label { "发文/颁发单位 " input name="issuer" value=(v("issuer")) size="30" required; }
            label { "备注 " input name="note" value=(v("note")) size="30"; }
            label { "文件（最多 " (MAX_UPLOAD_BYTES / (1024 * 1024)) " MB） " input name="file" type="file" required; }
            button type="submit" { "录入台账" }
        }
    }
}

async fn form_page(State(state): State<Shared>, headers: HeaderMap) -> PageResult {
    let who = user(&state, &headers).await?;
    who.require_reviewer()?;
    let body = form_body(&state, &who, None, &BTreeMap::new());
    page("人工录入", &who, body)
}

/// The uploaded file's name as kept in the ledger: its last path
/// component, made safe and capped in bytes by `model::names` (a 256-byte
/// Chinese name no longer overflows the file system's limit).
fn upload_name(given: Option<&str>) -> String {
    crate::model::names::upload_file_name(given)
}

fn multipart_error(e: axum::extract::multipart::MultipartError) -> WebError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        too_large()
    } else {
        WebError::BadRequest(format!("上传的表单无法读取：{}", e.body_text()))
    }
}

/// Read the form: the text fields, and the file written to `staging`.
pub(super) async fn read_form(
    mut mp: Multipart,
    staging: &Path,
) -> Result<(BTreeMap<String, String>, Option<PathBuf>), WebError> {
    let mut fields = BTreeMap::new();
    let mut file = None;
    while let Some(mut field) = mp.next_field().await.map_err(multipart_error)? {
        let name = field.name().unwrap_or("").to_string();
        if name == "file" {
            let path = staging.join(upload_name(field.file_name()));
            let mut out = std::fs::File::create(&path)
                .map_err(|e| WebError::Internal(format!("{}: {e}", path.display())))?;
            let mut size = 0usize;
            while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
                size += chunk.len();
                if size > MAX_UPLOAD_BYTES {
                    return Err(too_large());
                }
                out.write_all(&chunk)
                    .map_err(|e| WebError::Internal(format!("{}: {e}", path.display())))?;
            }
            if size > 0 {
                file = Some(path);
            }
        } else {
            let text = field.text().await.map_err(multipart_error)?;
            fields.insert(name, text);
        }
    }
    Ok((fields, file))
}

pub(super) fn required<'a>(
    fields: &'a BTreeMap<String, String>,
    key: &str,
    label: &str,
) -> Result<&'a str, WebError> {
    fields
        .get(key)
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .ok_or_else(|| WebError::BadRequest(format!("请填写{label}")))
}

async fn submit(
    State(state): State<Shared>,
    headers: HeaderMap,
    mp: Result<Multipart, MultipartRejection>,
) -> PageResult {
    let who = user(&state, &headers).await?;
    who.require_reviewer()?;
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
    let staging = Staging::new(&state.home, "upload")?;
    let (fields, file) = read_form(mp, staging.path()).await?;
    who.check_form_csrf(fields.get("csrf").map(String::as_str).unwrap_or(""))?;
    let enterprise = who
        .scope
        .narrow(fields.get("enterprise").cloned())?
        .ok_or_else(|| WebError::BadRequest("请选择企业".into()))?;
    if state.registry.get(&enterprise).is_none() {
        return Err(WebError::BadRequest(format!("没有企业 {enterprise}")).into());
    }
    let item = required(&fields, "item", "计分条目")?.to_string();
    let date_text = required(&fields, "date", "证据日期")?;
    let date = chrono::NaiveDate::parse_from_str(date_text, "%Y-%m-%d").map_err(|_| {
        WebError::BadRequest(format!("证据日期 `{date_text}` 不是 2026-03-04 这样的日期"))
    })?;
    let title = required(&fields, "title", "标题")?.to_string();
    let issuer = required(&fields, "issuer", "发文/颁发单位")?.to_string();
    let note = fields
        .get("note")
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty());
    let file = file.ok_or_else(|| WebError::BadRequest("请选择要上传的文件（不能为空）".into()))?;
    let m = ManualEvidence {
        enterprise,
        item,
        date,
        title,
        issuer,
        file,
        reviewer: who.user.name.clone(),
        note,
        points: None,
        reason: None,
    };
    let (entry, _) = blocking(&state, move |s| {
        let r = s.with_store(|store| {
            let added =
                add_evidence(&s.home, store, &s.rules, &s.registry, &m).map_err(|e| match e {
                    ReviewError::Invalid(msg) => WebError::BadRequest(msg),
                    ReviewError::Refused { zh, .. } => WebError::BadRequest(zh),
                    // A second upload of the same evidence is not a confirmation.
                    ReviewError::AlreadyConfirmed {
                        entry,
                        reviewer,
                        at,
                    } => WebError::Conflict(format!(
                        "这项证据已由 {reviewer} 于 {} 录入，见台账第 {} 条；本次没有重复录入",
                        super::pages::beijing_time(&at),
                        entry + 1
                    )),
                    other => WebError::from(other),
                })?;
            store.audit(&crate::store::AuditRecord {
                enterprise: Some(added.0.named_enterprise.clone()),
                entry: Some(added.0.seq as i64),
                item: Some(added.0.item.clone()),
                note: Some(added.0.title.clone()),
                ..crate::store::AuditRecord::new(&added.0.reviewer, "upload")
            })?;
            Ok(added)
        });
        drop(staging);
        r
    })
    .await?;
    let done = format!(
        "已录入台账第 {} 条：{}（{}，{}）",
        entry.seq + 1,
        entry.title,
        super::pages::name_of(&state.registry, &entry.enterprise),
        super::pages::item_label(&state.rules, &entry.item)
    );
    let body = form_body(&state, &who, Some(&done), &BTreeMap::new());
    let mut res = page("人工录入", &who, body)?;
    *res.status_mut() = StatusCode::CREATED;
    Ok(res.into_response())
}

#[cfg(test)]
mod tests {
    use super::upload_name;

    #[test]
    fn long_chinese_names_fit_a_file_system() {
        let name = format!("{}.pdf", "证".repeat(86));
        assert!(name.len() > 255);
        assert!(upload_name(Some(&name)).len() <= 120);
    }

    #[test]
    fn upload_names_lose_their_folders() {
        assert_eq!(upload_name(Some("../../etc/passwd")), "passwd");
        assert_eq!(upload_name(Some("C:\\证书\\获奖.pdf")), "获奖.pdf");
        assert_eq!(upload_name(Some("..")), "file");
        assert_eq!(upload_name(None), "file");
    }
}
