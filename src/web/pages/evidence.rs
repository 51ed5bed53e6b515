//! The evidence behind a ledger entry, from 记分 and 台账: an archived page
//! goes to its sandboxed archive view; an uploaded file is served as a
//! download (never rendered in the page's origin), after checking that its
//! bytes still have the SHA-256 the signed entry names.

use super::PageResult;
use crate::ledger::Evidence;
use crate::pipeline::ReviewError;
use crate::web::auth::user;
use crate::web::{Shared, WebError, blocking};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect};

/// Media types a browser may show by themselves; anything else downloads
/// as bytes.
const SHOWN_TYPES: [&str; 5] = [
    "application/pdf",
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
];

/// The header of `model::names` (the one place file names are made safe):
/// an ASCII fallback and `filename*` of RFC 6266 for Chinese names.
fn disposition(name: &str) -> String {
    crate::model::names::content_disposition(name)
}

pub(super) async fn evidence(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(seq): Path<String>,
) -> PageResult {
    let who = user(&state, &headers).await?;
    let missing = |seq: &str| WebError::NotFound(format!("没有台账记录 {seq}"));
    let n: u64 = seq.parse().map_err(|_| missing(&seq))?;
    let s2 = seq.clone();
    let w = who.clone();
    let evidence = blocking(&state, move |s| {
        let row = s
            .read(|store| Ok(store.read(|tx| tx.ledger_entry(n))?))?
            .ok_or_else(|| missing(&s2))?;
        // The signed bytes, not the columns, say what the evidence is.
        let entry = crate::ledger::Entry::parse(&row.leaf)
            .map_err(|e| WebError::Internal(format!("台账记录 {n} 无法解析：{e}")))?;
        // An enterprise user sees only its own entries: another's is "not found".
        if !w.scope.allows(&entry.named_enterprise) {
            return Err(missing(&s2));
        }
        Ok(entry.evidence)
    })
    .await?;
    let (home_state, ev) = (state.clone(), evidence.clone());
    if let Some(why) = blocking(&state, move |s| {
        Ok(crate::pipeline::ledger::evidence_altered(&s.home, &ev))
    })
    .await?
    {
        let body = maud::html! {
            p style="color:#c00;font-weight:bold" { "证据已被改动" }
            p { "台账第 " (n) " 条的证据字节与签名记录中的摘要不符，不予显示。" }
            p { small { (why) } }
            p { (super::evidence_warning(&home_state.home, &evidence)) }
        };
        let mut res = super::page("证据已被改动", &who, body)?;
        *res.status_mut() = StatusCode::CONFLICT;
        return Ok(res);
    }
    match evidence {
        Evidence::Archive { article_id, .. } => {
            Ok(Redirect::to(&format!("/archive/{article_id}")).into_response())
        }
        Evidence::File {
            sha256,
            file_name,
            media_type,
            ..
        } => {
            let bytes = blocking(&state, move |s| {
                crate::pipeline::review::evidence_file(&s.home, &sha256).map_err(|e| match e {
                    ReviewError::Corrupt(_) => {
                        WebError::Conflict("证据已被改动：证据文件与台账记录的 SHA-256 不符".into())
                    }
                    other => WebError::Internal(format!("证据文件无法读取：{other}")),
                })
            })
            .await?;
            let content_type = if SHOWN_TYPES.contains(&media_type.as_str()) {
                media_type
            } else {
                "application/octet-stream".to_string()
            };
            let mut res = (StatusCode::OK, bytes).into_response();
            let h = res.headers_mut();
            if let Ok(v) = HeaderValue::from_str(&content_type) {
                h.insert(header::CONTENT_TYPE, v);
            }
            if let Ok(v) = HeaderValue::from_str(&disposition(&file_name)) {
                h.insert(header::CONTENT_DISPOSITION, v);
            }
            h.insert(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static("sandbox; default-src 'none'"),
            );
            Ok(res)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_file_names_are_percent_encoded() {
        assert_eq!(
            disposition("证书.pdf"),
            "attachment; filename=\"__.pdf\"; filename*=UTF-8''%E8%AF%81%E4%B9%A6.pdf"
        );
        assert_eq!(
            disposition("a\"b\r\n.pdf"),
            "attachment; filename=\"a_b__.pdf\"; filename*=UTF-8''a_b__.pdf"
        );
    }
}
