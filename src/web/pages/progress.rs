//! 我的进度: an enterprise's standing this year in its own words. Per
//! category the items counted and the target (C 类目标 1 项：已完成 3 项，超额
//! +0.5 分), what is under review (candidates, submissions, appeals), what
//! needs its answer (rejections it may appeal, submissions returned), and a
//! checklist of the items only the enterprise can supply (leaders'
//! instructions, meetings, internal bulletins) with what each needs.

use super::submissions::status_label as submission_label;
use super::{PageResult, name_of, page, query_string};
use crate::model::ItemKind;
use crate::report::c_words;
use crate::store::{CandidateFilter, CandidateStatus, SubmissionStatus};
use crate::web::api::{ScoreQuery, sheet, visible_candidates};
use crate::web::auth::user;
use crate::web::participation::visible_submissions;
use crate::web::{Shared, WebError, blocking};
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use maud::html;

/// What the enterprise must supply for an item only it can evidence.
pub(super) fn needs(kind: Option<ItemKind>) -> &'static str {
    match kind {
        Some(ItemKind::Instruction) => "批示件的扫描件或照片（含批示人、批示日期）",
        Some(ItemKind::Meeting) => "会议通知或议程，以及体现经验交流的会议纪要",
        Some(ItemKind::Document) => "刊载的简报或文件（含期号、印发单位、日期）",
        Some(ItemKind::Media) => "刊载版面的扫描件或照片（含刊名、期号、日期）",
        None => "能证明该事项的正式文件",
    }
}

#[derive(Debug, Default, serde::Deserialize)]
pub(super) struct ProgressQuery {
    enterprise: Option<String>,
    year: Option<String>,
}

pub(super) async fn progress_page(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<ProgressQuery>,
) -> PageResult {
    let who = user(&state, &headers).await?;
    let enterprise = who.scope.narrow(q.enterprise.clone())?;
    let Some(enterprise) = enterprise else {
        let body = html! {
            p { "“我的进度”按企业显示。请选择企业：" }
            ul { @for e in state.registry.enterprises.iter().filter(|e| e.parent.is_none()) {
                li { a href=(format!("/progress{}", query_string(&[("enterprise", Some(&e.id))]))) { (e.name) } }
            } }
        };
        return page("我的进度", &who, body);
    };
    if state.registry.get(&enterprise).is_none() {
        return Err(WebError::NotFound(format!("没有企业 {enterprise}")).into());
    }
    let unit = state.registry.scoring_unit(&enterprise).to_string();
    let counts_here = who.scope.allows(&unit);
    let (w, e2, year) = (who.clone(), enterprise.clone(), q.year.clone());
    let (sheet, cands, subs, appeals, reasons) = blocking(&state, move |s| {
        let sheet = if counts_here {
            let sq = ScoreQuery {
                year,
                quarter: None,
                enterprise: Some(s.registry.scoring_unit(&e2).to_string()),
            };
            Some(sheet(s, &w, &sq)?)
        } else {
            None
        };
        let (cands, appeals, reasons) = s.read(|store| {
            let filter = CandidateFilter {
                enterprise: Some(e2.clone()),
                ..Default::default()
            };
            Ok((
                visible_candidates(store, &w, &filter)?,
                store.appeals()?,
                store.rejection_reasons()?,
            ))
        })?;
        let subs: Vec<_> = visible_submissions(s, &w, None)?
            .into_iter()
            .filter(|r| r.enterprise == e2 || r.unit == e2)
            .collect();
        Ok((sheet, cands, subs, appeals, reasons))
    })
    .await?;
    let reg = &state.registry;
    let score = sheet.as_ref().and_then(|s| s.enterprises.first());
    let pending: Vec<_> = cands
        .iter()
        .filter(|c| c.status == CandidateStatus::Pending)
        .collect();
    let rejected: Vec<_> = cands
        .iter()
        .filter(|c| c.status == CandidateStatus::Rejected)
        .collect();
    let appealed: Vec<_> = cands
        .iter()
        .filter_map(|c| appeals.get(&c.id).map(|a| (c, a)))
        .collect();
    let subs_pending = subs
        .iter()
        .filter(|r| r.status == SubmissionStatus::Pending)
        .count();
    let returned: Vec<_> = subs
        .iter()
        .filter(|r| r.status == SubmissionStatus::Returned)
        .collect();
    let body = html! {
        p.lead { (name_of(reg, &enterprise))
            @if let Some(s) = &sheet { " · " (s.year) " 年" }
        }
        @match score {
            Some(e) => {
                section.cards {
                    div.card { div.big { (e.a) } div { "A 类（全国性肯定）" } }
                    div.card { div.big { (e.b) } div { "B 类（中央媒体）" } }
                    div class=(if e.c_missing > 0 { "card warn" } else { "card ok" }) {
                        div.big { (e.c) " / " (e.c_target) }
                        div { (c_words(e)) }
                    }
                    div.card { div.big { (crate::report::signed_points(e.total)) } div { "合计得分" } }
                }
                @if unit != enterprise { p { "本企业的得分计入上级企业 " (name_of(reg, &unit)) "。" } }
            },
            None => p { (name_of(reg, &enterprise)) " 的得分计入上级企业 " (name_of(reg, &unit)) " 的记分表，由上级企业查看。" },
        }
        h2 { "审核中" }
        ul.plain {
            li { "待审核的候选证据 " strong { (pending.len()) } " 条"
                @if !pending.is_empty() { "（" a href=(format!("/candidates{}", query_string(&[("status", Some("pending")), ("enterprise", Some(&enterprise))]))) { "查看" } "）" } }
            li { "待审核的报送材料 " strong { (subs_pending) } " 份（" a href="/submissions?status=pending" { "查看" } "）" }
            @for (c, _) in appealed.iter().filter(|(_, a)| a.outcome.is_none()) {
                li { "申请复核中：" a href=(format!("/candidates/{}", c.id)) { "#" (c.id) " " (c.title) } }
            }
        }
        @if !appealed.iter().all(|(_, a)| a.outcome.is_none()) {
            h2 { "复核结果" }
            ul.plain { @for (c, a) in appealed.iter().filter(|(_, a)| a.outcome.is_some()) {
                @if let Some(o) = &a.outcome {
                    li.appeal-result {
                        a href=(format!("/candidates/{}", c.id)) { "#" (c.id) " " (c.title) } "："
                        @if o.status == "confirmed" { strong { "复核通过，已确认计入" } }
                        @else { strong { "维持驳回" } "，理由：" (reason_words(o.reason.as_deref().unwrap_or(""))) }
                    }
                }
            } }
        }
        @if !rejected.is_empty() || !returned.is_empty() {
            h2 { "需要处理" }
            ul.plain {
                @for c in &rejected {
                    li {
                        "已驳回 " a href=(format!("/candidates/{}#appeal", c.id)) { "#" (c.id) " " (c.title) }
                        "：" (reason_words(reasons.get(&c.id).map_or("", String::as_str)))
                        " · " a href=(format!("/candidates/{}#appeal", c.id)) { "申请复核" }
                    }
                }
                @for r in &returned {
                    li { (submission_label(r.status)) "的报送材料 #" (r.id) " " (r.title) "：" (r.reason.as_deref().unwrap_or("")) }
                }
            }
        }
        h2 { "需企业报送的事项" }
        p { "以下事项网上查不到，需由企业上传证明材料，经审核员采纳后计入。" }
        table.checklist {
            thead { tr { th { "事项" } th { "需要的材料" } th { "本年进展" } th { "" } } }
            tbody { @for i in state.rules.item.iter().filter(|i| i.manual_only) {
                @let counted = score.map_or(0, |e| e.items.iter().filter(|x| x.code == i.code).count());
                @let waiting = subs.iter().filter(|r| r.item == i.code && r.status == SubmissionStatus::Pending).count();
                tr {
                    td data-label="事项" { strong { (i.code) } " " (i.short_name()) }
                    td data-label="需要" { (needs(i.kind)) }
                    td data-label="进展" {
                        @if counted > 0 { span.status.accepted { "已计入 " (counted) " 项" } }
                        @else if waiting > 0 { span.status.pending { "待审核 " (waiting) " 份" } }
                        @else { span.status { "尚未报送" } }
                    }
                    td { a.button href=(format!("/submissions{}", query_string(&[("item", Some(&i.code))]))) { "报送材料" } }
                }
            } }
        }
    };
    page("我的进度", &who, body)
}

/// A stored rejection reason in words: a bare code (`web-only`) as its
/// label, words as they are.
pub(super) fn reason_words(reason: &str) -> String {
    if reason.is_ascii() {
        if let Some(r) = crate::pipeline::review::RejectReason::parse(reason) {
            return r.label();
        }
    }
    reason.to_string()
}
