//! 操作记录: who did what, when and why, over every decision, reopening,
//! proposal, upload, export, account change and sign-in; filtered by
//! enterprise, user, action and Beijing dates, exported to XLSX, scoped like
//! every other page (the rules in `web::trail`).

use super::{
    PageResult, beijing_time, enterprise_select, entry_number, item_label, name_of, page,
    query_string,
};
use crate::report::listing::listing_xlsx;
use crate::store::{AuditRecord, AuditRow};
use crate::web::auth::user;
use crate::web::trail::{ACTIONS, AuditQuery, action_label, visible_audit};
use crate::web::{AppState, Shared, WebError, blocking};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::IntoResponse;
use maud::html;

/// Rows shown on the page (the export has them all).
const SHOWN: usize = 500;

/// A row's cells as a person reads them (the page and the XLSX).
fn cells(s: &AppState, r: &AuditRow) -> [String; 9] {
    let a = &r.record;
    [
        beijing_time(&r.at),
        a.user.clone(),
        action_label(&a.action).to_string(),
        a.enterprise
            .as_deref()
            .map_or(String::new(), |e| name_of(&s.registry, e).to_string()),
        a.candidate.map_or(String::new(), |c| format!("#{c}")),
        a.entry.map_or(String::new(), |e| {
            format!("第 {} 条", entry_number(e.max(0) as u64))
        }),
        a.item
            .as_deref()
            .map_or(String::new(), |i| item_label(&s.rules, i)),
        a.reason.clone().unwrap_or_default(),
        a.note.as_deref().map_or(String::new(), beijing_words),
    ]
}

/// A note with every UTC time in it (as the store writes them) in Beijing time.
fn beijing_words(note: &str) -> String {
    note.split(' ')
        .map(|w| {
            if chrono::DateTime::parse_from_rfc3339(w).is_ok() {
                super::beijing_time(w)
            } else {
                w.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

const COLUMNS: [(&str, f64); 9] = [
    ("时间（北京时间）", 18.0),
    ("操作人", 12.0),
    ("操作", 12.0),
    ("企业", 28.0),
    ("候选证据", 10.0),
    ("台账", 10.0),
    ("条目", 36.0),
    ("理由", 30.0),
    ("备注", 40.0),
];

pub(super) async fn audit_page(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<AuditQuery>,
) -> PageResult {
    let who = user(&state, &headers).await?;
    let (w, qq) = (who.clone(), q.clone());
    let rows = blocking(&state, move |s| {
        s.read(|store| visible_audit(store, &s.registry, &w, &qq))
    })
    .await?;
    let export = format!(
        "/audit/export{}",
        query_string(&[
            ("enterprise", q.enterprise.as_deref()),
            ("user", q.user.as_deref()),
            ("action", q.action.as_deref()),
            ("from", q.from.as_deref()),
            ("to", q.to.as_deref()),
        ])
    );
    let body = html! {
        form.filters method="get" action="/audit" {
            (enterprise_select(&state.registry, &who, q.enterprise.as_deref()))
            input name="user" placeholder="操作人" value=(q.user.as_deref().unwrap_or("")) size="10";
            select name="action" aria-label="操作" {
                option value="" { "全部操作" }
                @for (code, label) in ACTIONS {
                    option value=(code) selected[q.action.as_deref() == Some(code)] { (label) }
                }
            }
            label { "自 " input name="from" type="date" value=(q.from.as_deref().unwrap_or("")); }
            label { "至 " input name="to" type="date" value=(q.to.as_deref().unwrap_or("")); }
            button type="submit" { "筛选" }
        }
        p.downloads { (rows.len()) " 条记录（时间为北京时间）" " " a href=(export) { "导出 XLSX" } }
        table.audit {
            thead { tr { @for (h, _) in COLUMNS { th { (h) } } } }
            tbody { @for r in rows.iter().take(SHOWN) {
                @let c = cells(&state, r);
                tr data-action=(r.record.action) {
                    td { (c[0]) } td { (c[1]) } td { (c[2]) } td { (c[3]) }
                    td { @if let Some(id) = r.record.candidate { a href=(format!("/candidates/{id}")) { (c[4]) } } }
                    td { (c[5]) } td { (c[6]) } td.reason { (c[7]) } td { (c[8]) }
                }
            } }
        }
        @if rows.len() > SHOWN { p { "只显示最近 " (SHOWN) " 条：请缩小筛选范围，或导出 XLSX 查看全部。" } }
    };
    page("操作记录", &who, body)
}

pub(super) async fn audit_export(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<AuditQuery>,
) -> PageResult {
    let who = user(&state, &headers).await?;
    let bytes = blocking(&state, move |s| {
        let rows = s.read(|store| visible_audit(store, &s.registry, &who, &q))?;
        let table: Vec<Vec<String>> = rows.iter().map(|r| cells(s, r).to_vec()).collect();
        let bytes = listing_xlsx("操作记录", &COLUMNS, &table)
            .map_err(|e| WebError::Internal(e.to_string()))?;
        s.with_store(|store| {
            Ok(store.audit(&AuditRecord {
                note: Some(format!("操作记录 XLSX，{} 条", rows.len())),
                enterprise: who.scope.enterprise().map(str::to_string),
                ..AuditRecord::new(&who.user.name, "export")
            })?)
        })?;
        Ok(bytes)
    })
    .await?;
    let mut res = (StatusCode::OK, bytes).into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    );
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"audit.xlsx\""),
    );
    Ok(res)
}
