//! The export downloads behind the buttons on 记分 and an enterprise's
//! 台账: the quarterly report (季度报送) and the typical-case draft
//! (改革典型案例), each as DOCX or Markdown, and the evidence bundle, the
//! BagIt bag of `pipeline::export` built in a staging folder under the home,
//! zipped there, streamed, and the folder removed. One enterprise (its
//! scoring unit) per download; enterprise users only their own.

use super::api::ScoreQuery;
use super::auth::{Authed, user};
use super::exports_gate::{ExportPermit, check_space};
use super::pages::{PageResult, query_string};
use super::{AppState, Shared, Staging, WebError, blocking};
use crate::model::names::file_name;
use crate::pipeline::ReviewError;
use crate::pipeline::scores::{ScoreRequest, case_draft, quarterly_report};
use crate::scoring::Quarter;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use maud::{Markup, html};
use std::io::Write;

pub const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
pub const MARKDOWN: &str = "text/markdown; charset=utf-8";
pub const ZIP: &str = "application/zip";

pub fn routes() -> Router<Shared> {
    Router::new().route("/export/{kind}", get(download))
}

#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ExportQuery {
    format: Option<String>,
    #[serde(flatten)]
    score: ScoreQuery,
}

/// The last quarter that has ended by `today`: (its year, the quarter).
pub fn last_finished_quarter(today: chrono::NaiveDate) -> (i32, Quarter) {
    use chrono::Datelike;
    match Quarter::of(today).number() {
        1 => (today.year() - 1, Quarter::Q4),
        n => (
            today.year(),
            Quarter::from_number(n - 1).unwrap_or(Quarter::Q4),
        ),
    }
}

/// The quarter a quarterly report of `year` is for when none was chosen:
/// the fourth of a past year, else the last finished quarter.
pub fn default_quarter(year: i32, today: chrono::NaiveDate) -> (i32, Quarter) {
    use chrono::Datelike;
    if year < today.year() {
        (year, Quarter::Q4)
    } else {
        last_finished_quarter(today)
    }
}

/// The export buttons for one enterprise and year (and quarter, for the
/// quarterly report; default: the last finished one), each naming its period.
pub fn buttons(enterprise: &str, year: i32, quarter: Option<u8>) -> Markup {
    let (qy, q, defaulted) = match quarter.and_then(Quarter::from_number) {
        Some(q) => (year, q, false),
        None => {
            let (y, q) = default_quarter(year, crate::model::beijing_today());
            (y, q, true)
        }
    };
    let y = year.to_string();
    let link = |kind: &str, format: Option<&str>, year: &str, quarter: Option<&str>| {
        format!(
            "/export/{kind}{}",
            query_string(&[
                ("enterprise", Some(enterprise)),
                ("year", Some(year)),
                ("quarter", quarter),
                ("format", format),
            ])
        )
    };
    let (qy_s, q_s) = (qy.to_string(), q.number().to_string());
    let q_label = format!(
        "{qy}年第{}季度报送{}",
        q.number(),
        if defaulted {
            "（最近已结束季度）"
        } else {
            ""
        }
    );
    html! {
        span.exports {
            a href=(link("quarterly", Some("docx"), &qy_s, Some(&q_s))) { (q_label) " DOCX" } " "
            a href=(link("quarterly", Some("md"), &qy_s, Some(&q_s))) { (q_label) " MD" } " "
            a href=(link("case", Some("docx"), &y, None)) { (year) "年度典型案例草稿 DOCX" } " "
            a href=(link("case", Some("md"), &y, None)) { (year) "年度典型案例草稿 MD" } " "
            a href=(link("bundle", None, &y, None)) { (year) "年度证据包 ZIP" }
        }
    }
}

/// The request for one enterprise this user may see.
fn one_enterprise(s: &AppState, who: &Authed, q: &ScoreQuery) -> Result<ScoreRequest, WebError> {
    let req = q.request(s, who)?;
    if req.enterprise.is_none() {
        return Err(WebError::BadRequest(
            "请先选择一家企业再导出（报送材料和证据包按企业生成）".into(),
        ));
    }
    Ok(req)
}

fn report_error(e: ReviewError) -> WebError {
    match e {
        ReviewError::Invalid(m) => WebError::BadRequest(m),
        other => WebError::from(other),
    }
}

/// A download: `Content-Disposition` made by `model::names` (an ASCII
/// fallback and the UTF-8 name), always a valid header.
pub(super) fn attachment(bytes: Body, content_type: &'static str, name: &str) -> Response {
    let mut res = (StatusCode::OK, bytes).into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&crate::model::names::content_disposition(name)) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

/// Zip the folder `dir` into `out` (paths under `prefix/`, sorted).
fn zip_dir(dir: &std::path::Path, prefix: &str, out: &std::path::Path) -> Result<(), WebError> {
    let err = |e: &dyn std::fmt::Display| WebError::Internal(format!("zipping the bundle: {e}"));
    let file = std::fs::File::create(out).map_err(|e| err(&e))?;
    let mut zip = zip::ZipWriter::new(std::io::BufWriter::new(file));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    let mut stack = vec![dir.to_path_buf()];
    let mut files = Vec::new();
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).map_err(|e| err(&e))? {
            let path = entry.map_err(|e| err(&e))?.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    for path in files {
        let rel = path
            .strip_prefix(dir)
            .map_err(|e| err(&e))?
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        zip.start_file(format!("{prefix}/{rel}"), options)
            .map_err(|e| err(&e))?;
        let mut f = std::fs::File::open(&path).map_err(|e| err(&e))?;
        std::io::copy(&mut f, &mut zip).map_err(|e| err(&e))?;
    }
    zip.finish()
        .map_err(|e| err(&e))?
        .flush()
        .map_err(|e| err(&e))?;
    Ok(())
}

/// A file streamed in chunks (it may be gone from its folder already),
/// holding the export's permit until the last byte is sent or the client
/// goes away.
fn stream_file(file: std::fs::File, permit: ExportPermit) -> Body {
    use tokio::io::AsyncReadExt;
    let file = tokio::fs::File::from_std(file);
    let stream = futures_util::stream::unfold(Some((file, permit)), |state| async move {
        let (mut f, permit) = state?;
        let mut buf = vec![0u8; 64 * 1024];
        match f.read(&mut buf).await {
            Ok(0) => None,
            Ok(n) => {
                buf.truncate(n);
                Some((
                    Ok::<Bytes, std::io::Error>(Bytes::from(buf)),
                    Some((f, permit)),
                ))
            }
            Err(e) => Some((Err(e), None)),
        }
    });
    Body::from_stream(stream)
}

/// The trail records every export (a failure to record is logged, the
/// download goes on).
pub(super) async fn record_export(
    state: &Shared,
    user: &str,
    enterprise: Option<String>,
    what: &str,
) {
    let rec = crate::store::AuditRecord {
        enterprise: enterprise.filter(|e| !e.is_empty()),
        note: Some(what.to_string()),
        ..crate::store::AuditRecord::new(user, "export")
    };
    if let Err(e) = blocking(state, move |s| s.with_store(|st| Ok(st.audit(&rec)?))).await {
        tracing::error!(error = %e, "recording an export in the audit trail");
    }
}

async fn download(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(kind): Path<String>,
    Query(q): Query<ExportQuery>,
) -> PageResult {
    let who = user(&state, &headers).await?;
    let format = q.format.clone().unwrap_or_else(|| "docx".into());
    if !matches!(format.as_str(), "docx" | "md") && kind != "bundle" {
        return Err(WebError::BadRequest(format!("格式 `{format}`：docx 或 md")).into());
    }
    let sq = q.score.clone();
    let (who_name, asked) = (who.user.name.clone(), q.score.enterprise.clone());
    match kind.as_str() {
        "quarterly" => {
            let (bytes, name) = blocking(&state, move |s| {
                let mut req = one_enterprise(s, &who, &sq)?;
                // No quarter chosen: the last finished one, and the report says so.
                let mut note = None;
                let quarter = match req.quarter {
                    Some(q) => q,
                    None => {
                        let (y, q) = default_quarter(req.year, crate::model::beijing_today());
                        req.year = y;
                        note = Some(format!(
                            "报送期间：未指定季度，默认为最近一个已结束的季度（{y}年第{}季度）。",
                            q.number()
                        ));
                        q
                    }
                };
                req.quarter = Some(quarter);
                let mut r = s.read(|store| {
                    quarterly_report(store, &s.rules, &s.registry, &req).map_err(report_error)
                })?;
                r.period_note = note;
                let bytes = match format.as_str() {
                    "md" => crate::report::quarterly_markdown(&r).into_bytes(),
                    _ => crate::report::quarterly_docx(&r)
                        .map_err(|e| WebError::Internal(e.to_string()))?,
                };
                let name = file_name(&format!(
                    "quarterly-{}-{}-Q{}.{format}",
                    req.enterprise.unwrap_or_default(),
                    req.year,
                    quarter.number()
                ));
                Ok((bytes, name))
            })
            .await?;
            let ct = if name.ends_with(".md") {
                MARKDOWN
            } else {
                DOCX
            };
            record_export(&state, &who_name, asked, &name).await;
            Ok(attachment(Body::from(bytes), ct, &name))
        }
        "case" => {
            let (bytes, name) = blocking(&state, move |s| {
                let req = one_enterprise(s, &who, &sq)?;
                let c = s.read(|store| {
                    case_draft(store, &s.rules, &s.registry, &req).map_err(report_error)
                })?;
                let bytes = match format.as_str() {
                    "md" => crate::report::case_markdown(&c).into_bytes(),
                    _ => crate::report::case_docx(&c)
                        .map_err(|e| WebError::Internal(e.to_string()))?,
                };
                let name = file_name(&format!(
                    "case-{}-{}.{format}",
                    req.enterprise.unwrap_or_default(),
                    req.year
                ));
                Ok((bytes, name))
            })
            .await?;
            let ct = if name.ends_with(".md") {
                MARKDOWN
            } else {
                DOCX
            };
            record_export(&state, &who_name, asked, &name).await;
            Ok(attachment(Body::from(bytes), ct, &name))
        }
        "bundle" => {
            let (file, name, permit) = blocking(&state, move |s| {
                let req = one_enterprise(s, &who, &sq)?;
                let enterprise = req.enterprise.unwrap_or_default();
                // One heavy export per user and a few in all; room on the
                // disk; only then anything staged.
                let permit = s.exports.try_start(&who.user.name)?;
                check_space(s.home.root(), 0)?;
                let staging = Staging::new(&s.home, "export")?;
                let prefix = file_name(&format!("bundle-{enterprise}-{}", req.year));
                let bag = staging.path().join(&prefix);
                s.read(|store| {
                    crate::pipeline::export::export(
                        &s.home,
                        store,
                        &s.rules,
                        &s.registry,
                        &crate::pipeline::export::BundleRequest {
                            commission: &s.commission,
                            enterprise: &enterprise,
                            year: req.year,
                            out: &bag,
                        },
                    )
                    .map_err(report_error)
                })?;
                let zip_path = staging.path().join(format!("{prefix}.zip"));
                zip_dir(&bag, &prefix, &zip_path)?;
                let file = std::fs::File::open(&zip_path)
                    .map_err(|e| WebError::Internal(format!("{}: {e}", zip_path.display())))?;
                // The open file stays readable after its folder is removed.
                drop(staging);
                Ok((file, format!("{prefix}.zip"), permit))
            })
            .await?;
            record_export(&state, &who_name, asked, &name).await;
            Ok(attachment(stream_file(file, permit), ZIP, &name))
        }
        other => Err(WebError::NotFound(format!(
            "没有导出类型 `{other}`（quarterly、case 或 bundle）"
        ))
        .into()),
    }
}
