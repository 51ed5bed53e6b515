//! 候选证据: the review queue, the decision forms and what they post to
//! (confirm, reject, confirm the copies of one story, open the next).

use super::decided::{Decided, banner, recent, with_decided};
use super::{
    PageResult, STATUSES, confidence_label, csrf_field, enterprise_select, local_next, name_of,
    page, query_string, status_label,
};
use crate::model::Item;
use crate::pipeline::review::RejectReason;
use crate::store::{CandidateFilter, CandidateStatus};
use crate::web::api::{CandidateQuery, copy_candidates, visible_candidate, visible_candidates};
use crate::web::auth::{Authed, form_reviewer, user};
use crate::web::decide::{confirm_as, reject_as};
use crate::web::{Shared, WebError, blocking};
use axum::extract::{Form, Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect};
use maud::{Markup, html};
use std::collections::{BTreeMap, BTreeSet};

pub(super) fn reject_fields() -> Markup {
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

/// The confirm and reject forms of a candidate; with `reclassify` (the
/// rules' items and the candidate's), the detail page's full form: the item
/// to count it under, the evidence date and a note.
pub(super) fn decision_forms(
    who: &Authed,
    id: i64,
    next: &str,
    reclassify: Option<(&[Item], &str)>,
) -> Markup {
    html! {
        form.confirm method="post" action=(format!("/candidates/{id}/confirm")) {
            (csrf_field(who))
            input type="hidden" name="next" value=(next);
            @if let Some((items, current)) = reclassify {
                label { "计分条目 "
                    select name="item" aria-label="计分条目（可改归）" {
                        @for i in items {
                            option value=(i.code) selected[i.code == current] { (i.code) " " (i.name) }
                        }
                    }
                }
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

pub(super) async fn queue(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<CandidateQuery>,
    Query(d): Query<Decided>,
) -> PageResult {
    let who = user(&state, &headers).await?;
    let mut q = q;
    if q.status.is_none() {
        q.status = Some("pending".into());
    }
    let filter = q.filter(&who)?;
    let w = who.clone();
    let outlet = q.outlet().map(str::to_string);
    let (rows, counts, outlets, recent) = blocking(&state, move |s| {
        s.read(|store| {
            let recent = (recent(store, &w, &d)?, store.appeals()?);
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
            Ok((rows, counts, outlets, recent))
        })
    })
    .await?;
    let (recent, appeals) = recent;
    let reviewer = who.user.role.can_review();
    let reg = &state.registry;
    let status = q.status.as_deref().unwrap_or("pending");
    // The queue with these filters, in one status.
    let queue_href = |status: &str| {
        format!(
            "/candidates{}",
            query_string(&[
                ("status", Some(status)),
                ("enterprise", q.enterprise.as_deref()),
                ("item", q.item.as_deref()),
                ("year", q.year.as_deref()),
                ("outlet", q.outlet()),
            ])
        )
    };
    let next = queue_href(status);
    const SHOWN: usize = 200;
    let body = html! {
        @if let Some(r) = &recent { (banner(&who, r, &next)) }
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
                a href=(queue_href(s.as_str()))
                  class=[(status == s.as_str()).then_some("current")] {
                    (status_label(s)) " " (counts.get(s.as_str()).copied().unwrap_or(0))
                }
            }
        }
        @if reviewer { p.help { "快捷键：j/k 上下移动，s 跳过，c 确认，r 后按 1–5 以该理由驳回（6 为其他，需填写），u 撤销刚才的决定，o 打开详情，/ 检索。在输入框中或输入法组字时不起作用。" } }
        @if rows.is_empty() { p { "没有符合条件的候选证据。" } }
        table.queue {
            thead { tr { th { "编号" } th { "置信度" } th { "企业" } th { "条目" } th { "媒体" } th { "日期" } th { "标题与理由" } th { "状态" } @if reviewer { th { "操作" } } } }
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
                        td {
                            (status_label(c.status))
                            // An enterprise's appeal waiting for a decision.
                            @if c.status == CandidateStatus::Pending && appeals.get(&c.id).is_some_and(|a| a.outcome.is_none()) {
                                " " span.tag.appeal { "企业申请复核" }
                            }
                        }
                        @if reviewer {
                            td {
                                @if c.status == CandidateStatus::Pending {
                                    (decision_forms(&who, c.id, &next, None))
                                }
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

#[derive(Debug, Default, serde::Deserialize)]
pub(super) struct DecisionForm {
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
pub(super) async fn next_candidate(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(d): Query<Decided>,
) -> PageResult {
    let who = user(&state, &headers).await?;
    let filter = CandidateFilter {
        status: Some(CandidateStatus::Pending),
        ..Default::default()
    };
    let decided = d.id();
    let next = blocking(&state, move |s| {
        s.read(|store| {
            Ok(visible_candidates(store, &who, &filter)?
                .into_iter()
                .find(|c| c.id.to_string() != id)
                .map(|c| c.id))
        })
    })
    .await?;
    let to = match next {
        Some(n) => format!("/candidates/{n}"),
        None => "/candidates".to_string(),
    };
    let to = match decided {
        Some(d) => with_decided(&to, d),
        None => to,
    };
    Ok(Redirect::to(&to).into_response())
}

/// Back to the form's page after a decision on `decided`, which it then names.
fn back_after(next: &str, decided: Option<i64>) -> axum::response::Response {
    let next = local_next(next);
    match decided {
        Some(c) => Redirect::to(&with_decided(next, c)),
        None => Redirect::to(next),
    }
    .into_response()
}

pub(super) async fn confirm_form(
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
    let entry = blocking(&state, move |s| confirm_as(s, &who, &id, item, note, date)).await?;
    Ok(back_after(&f.next, entry.candidate))
}

pub(super) async fn reject_form(
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
    let n: Option<i64> = id.parse().ok();
    blocking(&state, move |s| reject_as(s, &who, &id, &reason)).await?;
    Ok(back_after(&f.next, n))
}

pub(super) async fn confirm_copies_form(
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
