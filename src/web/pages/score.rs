//! 记分 and 台账: the scorecard with its downloads, and the ledger with undo.

use super::{
    PageResult, beijing_time, csrf_field, enterprise_select, entry_number, item_label, name_of,
    page, query_string,
};
use crate::web::api::{LedgerQuery, ScoreQuery, sheet, visible_entries};
use crate::web::auth::{form_reviewer, user};
use crate::web::decide::undo_as;
use crate::web::{Shared, WebError, blocking};
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect};
use maud::html;
use std::collections::BTreeSet;

pub(super) async fn score_page(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<ScoreQuery>,
) -> PageResult {
    let who = user(&state, &headers).await?;
    // A subsidiary's points count for its parent, whose scorecard this user
    // may not read: say so, instead of an error page.
    if let Some(own) = who.scope.enterprise() {
        let unit = state.registry.scoring_unit(own);
        if !who.scope.allows(unit) {
            let body = html! {
                p { (name_of(&state.registry, own)) " 的得分计入上级企业 " (name_of(&state.registry, unit))
                    " 的记分表，记分表由上级企业查看。" }
                p { "本企业的计分证据见 " a href="/ledger" { "台账" } "。" }
            };
            return page("记分", &who, body);
        }
    }
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
    let reg = &state.registry;
    // Subsidiaries under their parent, each with its own items.
    let subsidiaries = |parent: &str| -> Vec<(String, String)> {
        reg.enterprises
            .iter()
            .filter(|e| e.parent.as_deref() == Some(parent) && who.scope.allows(&e.id))
            .map(|e| (e.id.clone(), e.name.clone()))
            .collect()
    };
    let district = sheet.enterprises.len() > 1;
    let sum = |f: &dyn Fn(&crate::report::EnterpriseScore) -> f64| -> f64 {
        sheet.enterprises.iter().map(f).sum()
    };
    let body = html! {
        form.filters method="get" action="/score" {
            input name="year" value=(sheet.year) size="6" aria-label="年度";
            select name="quarter" aria-label="期间" {
                option value="" { "全年" }
                @for n in 1..=4u8 {
                    option value=(n) selected[sheet.quarter.map(|q| q.number()) == Some(n)] { "截至第" (n) "季度" }
                }
            }
            @if who.scope.enterprise().is_none() { (enterprise_select(reg, &who, q.enterprise.as_deref())) }
            button type="submit" { "查看" }
        }
        p { (sheet.commission) " · " (period) }
        p.downloads {
            a href=(link("xlsx")) { "下载 XLSX（" (period) "）" } " "
            a href=(link("csv")) { "下载 CSV（" (period) "）" }
        }
        table.score {
            thead { tr {
                th { "企业" } th.num { "A 类" } th.num { "B 类" } th.num { "C 类" }
                th { "C 类目标" } th.num { "待审核" } th.num { "典型案例" } th.num { "合计" }
            } }
            tbody { @for e in &sheet.enterprises {
                tr {
                    td data-label="企业" {
                        a href=(format!("/score/enterprise/{}?year={}", e.id, sheet.year)) { (e.name) }
                        @let subs = subsidiaries(&e.id);
                        @if !subs.is_empty() {
                            ul.subs { @for (_, name) in &subs {
                                @let own: Vec<_> = e.items.iter().filter(|i| i.named_enterprise.as_deref() == Some(name.as_str())).collect();
                                li.sub { "下属 " (name) "：" (own.len()) " 项"
                                    @if !own.is_empty() { "（" (own.iter().map(|i| i.code.as_str()).collect::<Vec<_>>().join("、")) "）" }
                                    "，计入本企业" }
                            } }
                        }
                    }
                    td.num data-label="A 类" { (e.a) }
                    td.num data-label="B 类" { (e.b) }
                    td.num data-label="C 类" { (e.c) }
                    td data-label="C 类目标" { (target_words(e)) }
                    td.num data-label="待审核" { (e.pending) }
                    td.num data-label="典型案例" { (crate::report::signed_points(e.bonus)) }
                    td.num data-label="合计" { strong { (crate::report::signed_points(e.total)) } }
                }
            } }
            @if district {
                tfoot { tr.total {
                    td { "全区合计（" (sheet.enterprises.len()) " 家企业）" }
                    td.num data-label="A 类" { (sum(&|e| f64::from(e.a))) }
                    td.num data-label="B 类" { (sum(&|e| f64::from(e.b))) }
                    td.num data-label="C 类" { (sum(&|e| f64::from(e.c))) }
                    td data-label="C 类目标" {
                        @let short = sheet.enterprises.iter().filter(|e| e.c_missing > 0).count();
                        @if short == 0 { "全部达标" } @else { span.missing { (short) " 家未达标，共差 " (sum(&|e| f64::from(e.c_missing))) " 项" } }
                    }
                    td.num data-label="待审核" { (sum(&|e| f64::from(e.pending))) }
                    td.num data-label="典型案例" { (crate::report::signed_points(sum(&|e| e.bonus))) }
                    td.num data-label="合计" { (crate::report::signed_points(sum(&|e| e.total))) }
                } }
            }
        }
        @for e in &sheet.enterprises {
            details {
                summary { (e.name) "：" (e.items.len()) " 项计分证据" }
                p.downloads { "导出：" (crate::web::exports::buttons(&e.id, sheet.year, sheet.quarter.map(|q| q.number()))) }
                @if sheet.quarter.is_none() { p.downloads { "各季度报送：" (quarter_links(e, sheet.year)) } }
                table {
                    thead { tr { th { "台账序号" } th { "条目" } th { "日期" } th { "来源" } th { "标题" } th { "审核人" } th { "证据" } } }
                    tbody { @for i in &e.items {
                        tr {
                            td data-label="序号" { (entry_number(i.entry)) }
                            td data-label="条目" { (i.code) " " (i.item_short) }
                            td data-label="日期" { (i.date) }
                            td data-label="来源" { (i.source) }
                            td data-label="标题" { (i.title) }
                            td data-label="审核人" { (i.reviewer) }
                            td data-label="证据" { a href=(format!("/ledger/{}/evidence", i.entry)) { "查看" } (super::evidence_warning(&state.home, &i.evidence)) }
                        }
                    } }
                }
            }
        }
        @if let Some(cp) = &sheet.checkpoint { (super::standing::fingerprint_line(cp)) }
    };
    page("记分", &who, body)
}

/// C against its target in words, marked as missing or beyond.
pub(super) fn target_words(e: &crate::report::EnterpriseScore) -> maud::Markup {
    let words = crate::report::c_words(e);
    html! {
        @if e.c_missing > 0 { span.missing { (words) } }
        @else if e.c > e.c_target { span.beyond { (words) } }
        @else { (words) }
    }
}

/// The quarterly report of each quarter begun so far, with its item count.
pub(super) fn quarter_links(e: &crate::report::EnterpriseScore, year: i32) -> maud::Markup {
    use chrono::Datelike;
    let today = crate::model::beijing_today();
    let last = if year < today.year() {
        4
    } else if year == today.year() {
        crate::scoring::Quarter::of(today).number()
    } else {
        0
    };
    html! {
        @for n in 1..=last {
            @let count = e.items.iter().filter(|i| crate::scoring::Quarter::of(i.date).number() == n).count();
            a href=(format!("/export/quarterly{}", query_string(&[
                ("enterprise", Some(&e.id)), ("year", Some(&year.to_string())),
                ("quarter", Some(&n.to_string())), ("format", Some("docx")),
            ]))) {
                (year) "年第" (n) "季度（" (count) " 项）"
                @if year == today.year() && n == last { "·进行中" }
            }
            " "
        }
    }
}

#[derive(Debug, Clone, Default, serde::Deserialize)]
pub(super) struct ExportQuery {
    format: Option<String>,
    #[serde(flatten)]
    score: ScoreQuery,
}

pub(super) async fn score_export(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<ExportQuery>,
) -> PageResult {
    let who = user(&state, &headers).await?;
    let format = q.format.clone().unwrap_or_else(|| "xlsx".into());
    let sq = q.score.clone();
    let (who_name, asked) = (who.user.name.clone(), q.score.enterprise.clone());
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
    crate::web::exports::record_export(&state, &who_name, asked, &format!("{name}.{ext}")).await;
    let mut res = (StatusCode::OK, bytes).into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&crate::model::names::content_disposition(&format!(
        "{name}.{ext}"
    ))) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}

pub(super) async fn ledger_page(
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
            p.downloads { (name_of(reg, e)) " 导出：" (crate::web::exports::buttons(e, {
                use chrono::Datelike;
                crate::model::beijing_today().year()
            }, None)) }
        }
        p { (entries.len()) " 条台账记录" }
        table.ledger {
            thead { tr { th { "序号" } th { "操作" } th { "企业" } th { "条目" } th { "日期" } th { "标题" } th { "审核人" } th { "时间" } th { "备注" } th { "证据" } th { "撤销" } } }
            tbody { @for e in &entries {
                tr {
                    td { (entry_number(e.seq)) }
                    td { @if let Some(r) = e.reverses { "撤销第 " (entry_number(r)) " 条" } @else { "确认" } }
                    td { (name_of(reg, &e.named_enterprise)) }
                    td { (item_label(&state.rules, &e.item)) }
                    td { (e.evidence_date) }
                    td { (e.title) }
                    td { (e.reviewer) }
                    td { (beijing_time(&e.at)) }
                    td { (e.note.as_deref().unwrap_or("")) }
                    td { a href=(format!("/ledger/{}/evidence", e.seq)) { "查看" } (super::evidence_warning(&state.home, &e.evidence)) }
                    td {
                        @if who.user.role.can_review() && e.reverses.is_none() && !undone.contains(&e.seq) {
                            form.undo method="post" action=(format!("/ledger/{}/undo", e.seq)) {
                                (csrf_field(&who))
                                input name="reason" placeholder="撤销理由" required;
                                button type="submit" { "撤销…" }
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
pub(super) struct UndoForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    reason: String,
    /// Set by the confirmation step: without it, the step is shown.
    #[serde(default)]
    confirmed: String,
}

/// Undo a ledger entry: first a page asking to confirm (what is undone, the
/// reason), then the reversing entry.
pub(super) async fn undo_form(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(seq): Path<String>,
    Form(f): Form<UndoForm>,
) -> PageResult {
    let who = form_reviewer(&state, &headers, &f.csrf).await?;
    if f.reason.trim().is_empty() {
        return Err(WebError::BadRequest("撤销需要填写理由".into()).into());
    }
    if f.confirmed != "yes" {
        let (w, s2) = (who.clone(), seq.clone());
        let entry = blocking(&state, move |s| {
            let n: u64 = s2
                .parse()
                .map_err(|_| WebError::NotFound(format!("没有台账记录 {s2}")))?;
            visible_entries(s, &w, &LedgerQuery::default())?
                .into_iter()
                .find(|e| e.seq == n)
                .ok_or_else(|| WebError::NotFound(format!("没有台账第 {} 条", n + 1)))
        })
        .await?;
        let body = html! {
            p.confirm-undo { "确定要撤销台账第 " (entry_number(entry.seq)) " 条吗？撤销会在台账中追加一条撤销记录，原记录保留。" }
            dl.facts {
                dt { "企业" } dd { (name_of(&state.registry, &entry.named_enterprise)) }
                dt { "条目" } dd { (item_label(&state.rules, &entry.item)) }
                dt { "标题" } dd { (entry.title) }
                dt { "确认人" } dd { (entry.reviewer) " · " (beijing_time(&entry.at)) }
                dt { "撤销理由" } dd { (f.reason) }
            }
            form.undo-confirm method="post" action=(format!("/ledger/{}/undo", entry.seq)) {
                (csrf_field(&who))
                input type="hidden" name="reason" value=(f.reason);
                input type="hidden" name="confirmed" value="yes";
                button type="submit" { "确认撤销" }
                " " a href="/ledger" { "取消，返回台账" }
            }
        };
        return page("确认撤销", &who, body);
    }
    blocking(&state, move |s| undo_as(s, &who, &seq, &f.reason)).await?;
    Ok(Redirect::to("/ledger").into_response())
}
