//! 候选证据: the review queue, the decision forms and what they post to
//! (confirm, reject, confirm the copies of one story, open the next).

use super::decided::{Decided, banner, recent, with_decided};
use super::passages::{Passage, names_of, passages};
use super::{
    PageResult, STATUSES, confidence_label, csrf_field, enterprise_select, entry_number,
    item_label, local_next, name_of, outlet_label, page, query_string, status_label,
};
use crate::model::Item;
use crate::pipeline::recall;
use crate::pipeline::review::RejectReason;
use crate::store::{CandidateFilter, CandidateRow, CandidateStatus, Store};
use crate::web::api::{CandidateQuery, copy_candidates, visible_candidate, visible_candidates};
use crate::web::auth::{Authed, form_reviewer, user};
use crate::web::decide::{confirm_as, reject_as};
use crate::web::{Shared, WebError, blocking};
use axum::extract::{Form, Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect};
use maud::{Markup, html};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// The reasons a candidate is rejected for, numbered as the keyboard picks
/// them (`r`, then the number).
pub(super) fn reject_fields() -> Markup {
    html! {
        select name="reason" aria-label="驳回理由" {
            @for (n, code) in RejectReason::CODES[..5].iter().enumerate() {
                @if let Some(r) = RejectReason::parse(code) {
                    option value=(code) { (n + 1) " " (r.label()) }
                }
            }
            option value="other" { "6 其他（请填写）" }
        }
        input name="other" placeholder="其他理由";
    }
}

/// The confirm, reject and skip forms of a candidate; with `reclassify`
/// (the rules' items, the candidate's item and date), the detail page's
/// full form: the item to count it under, the evidence date and a note.
pub(super) fn decision_forms(
    who: &Authed,
    id: i64,
    next: &str,
    reclassify: Option<(&[Item], &str, Option<&str>)>,
) -> Markup {
    html! {
        form.confirm method="post" action=(format!("/candidates/{id}/confirm")) {
            (csrf_field(who))
            input type="hidden" name="next" value=(next);
            @if let Some((items, current, date)) = reclassify {
                label { "计分条目 "
                    select name="item" aria-label="计分条目（可改归）" {
                        @for i in items {
                            option value=(i.code) selected[i.code == current] { (i.code) " " (i.name) }
                        }
                    }
                }
                label { "证据日期 " input name="date" type="date" value=(date.unwrap_or("")); }
                label { "备注 " input name="note" size="12"; }
            }
            button type="submit" { "确认 (c)" }
        }
        form.reject method="post" action=(format!("/candidates/{id}/reject")) {
            (csrf_field(who))
            input type="hidden" name="next" value=(next);
            (reject_fields())
            button type="submit" { "驳回 (r)" }
        }
        form.skip method="post" action=(format!("/candidates/{id}/skip")) {
            (csrf_field(who))
            input type="hidden" name="next" value=(next);
            button type="submit" { "跳过 (s)" }
        }
    }
}

/// The queue in the order this user works it: as the store sorts it, with
/// the candidates they skipped at the end (the earliest skipped first).
pub(super) fn ordered(
    store: &Store,
    who: &Authed,
    filter: &CandidateFilter,
) -> Result<Vec<CandidateRow>, WebError> {
    let rows = visible_candidates(store, who, filter)?;
    let skipped = store.skipped(&who.user.name)?;
    let (mut kept, mut later): (Vec<_>, Vec<_>) =
        rows.into_iter().partition(|c| !skipped.contains_key(&c.id));
    later.sort_by(|a, b| skipped.get(&a.id).cmp(&skipped.get(&b.id)));
    kept.extend(later);
    Ok(kept)
}

fn pending() -> CandidateFilter {
    CandidateFilter {
        status: Some(CandidateStatus::Pending),
        ..Default::default()
    }
}

/// Where a pending candidate stands in this user's queue: (n from 1, N).
pub(super) fn queue_position(
    store: &Store,
    who: &Authed,
    id: i64,
) -> Result<Option<(usize, usize)>, WebError> {
    let q = ordered(store, who, &pending())?;
    Ok(q.iter().position(|c| c.id == id).map(|i| (i + 1, q.len())))
}

/// The other pending candidates of the same story: on the same article or
/// another outlet's copy of it, any enterprise this user may see.
pub(crate) fn story_candidates(
    store: &Store,
    who: &Authed,
    c: &CandidateRow,
) -> Result<Vec<CandidateRow>, WebError> {
    let article = crate::model::ArticleId(c.article_id.clone());
    let mut articles = vec![article.clone()];
    articles.extend(store.syndicated_copies(&article)?);
    let mut out: Vec<CandidateRow> = Vec::new();
    for a in &articles {
        for (id, status) in store.read(|tx| tx.candidates_of_article(a))? {
            if status != CandidateStatus::Pending || id == c.id || out.iter().any(|o| o.id == id) {
                continue;
            }
            if let Ok(row) = visible_candidate(store, who, &id.to_string()) {
                out.push(row);
            }
        }
    }
    Ok(out)
}

/// The first sentence naming a candidate's enterprise, split for highlighting.
fn key_sentence(
    store: &Store,
    registry: &crate::model::Registry,
    c: &CandidateRow,
) -> Result<Option<Passage>, WebError> {
    let Some(a) = store.article(&c.article_id)? else {
        return Ok(None);
    };
    let mentions = store.mentions_of(&c.article_id, &c.named_enterprise)?;
    let names = names_of(
        registry,
        &[c.named_enterprise.as_str(), c.enterprise.as_str()],
    );
    Ok(
        passages(&a.article.title, &a.article.body, &mentions, &names)
            .passages
            .into_iter()
            .next(),
    )
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
    // This look at the queue is recorded: what arrived since the last visit is new.
    let since = {
        let name = who.user.name.clone();
        blocking(&state, move |s| {
            s.with_store(|store| Ok(store.visit_queue(&name)?))
        })
        .await?
    };
    let (rows, counts, outlets, recent, fresh, sentences) = blocking(&state, move |s| {
        s.read(|store| {
            let recent = (recent(store, &w, &d)?, store.appeals()?);
            let in_outlet =
                |c: &crate::store::CandidateRow| outlet.as_deref().is_none_or(|o| c.outlet == o);
            let rows: Vec<_> = ordered(store, &w, &filter)?
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
            let fresh: HashSet<i64> = match &since {
                Some(t) => store.created_after(t)?,
                None => HashSet::new(),
            };
            let mut sentences = HashMap::new();
            for c in rows.iter().take(SHOWN) {
                if let Some(p) = key_sentence(store, &s.registry, c)? {
                    sentences.insert(c.id, p);
                }
            }
            Ok((rows, counts, outlets, recent, fresh, sentences))
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
    let new_here = rows.iter().filter(|c| fresh.contains(&c.id)).count();
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
            select name="item" {
                option value="" { "全部条目" }
                @for i in &state.rules.item {
                    option value=(i.code) selected[q.item.as_deref() == Some(i.code.as_str())] { (i.code) " " (i.name) }
                }
            }
            select name="outlet" {
                option value="" { "全部媒体" }
                @for o in &outlets { option value=(o) selected[q.outlet() == Some(o.as_str())] { (outlet_label(o)) } }
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
            @if new_here > 0 { span.new-count { "上次访问以来新增 " (new_here) " 条" } }
            span.position data-total=(rows.len().min(SHOWN)) {}
        }
        @if reviewer { p.help { "快捷键：j/k 上下移动，c 确认，r 选择驳回理由（再按 1–5，6 为其他，需填写），s 跳过（移到末尾），u 撤销刚才的决定，o 打开详情，/ 检索，? 全部快捷键。在输入框中或输入法组字时不起作用。" } }
        @if rows.is_empty() { p { "没有符合条件的候选证据。" } }
        table.queue {
            thead { tr { th { "编号" } th { "置信度" } th { "企业" } th { "条目" } th { "媒体" } th { "日期" } th { "标题与提及句" } th { "状态" } @if reviewer { th { "操作" } } } }
            tbody {
                @for c in rows.iter().take(SHOWN) {
                    tr.cand.new[fresh.contains(&c.id)] data-id=(c.id) {
                        td { (c.id) @if fresh.contains(&c.id) { " " span.badge-new { "新" } } }
                        td { (confidence_label(&c.confidence)) @if c.confidence != "manual" { " " (format!("{:.2}", c.score)) } }
                        td { (name_of(reg, &c.named_enterprise)) }
                        td { (item_label(&state.rules, &c.item)) }
                        td { (outlet_label(&c.outlet)) }
                        td { (c.published.as_deref().unwrap_or("—")) }
                        td {
                            a.open href=(format!("/candidates/{}", c.id)) { (c.title) }
                            @if let Some(p) = sentences.get(&c.id) {
                                div.key-sentence { span.para { "第 " (p.paragraph) " 段" } @for (m, t) in &p.parts { @if *m { mark { (t) } } @else { (t) } } }
                            }
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

/// Rows shown on one queue page.
const SHOWN: usize = 200;

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
            Ok(ordered(store, &who, &filter)?
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
    let reason = reason_of(&f)?;
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
                    Ok(seq) => span { "：已确认，台账第 " (entry_number(*seq)) " 条" },
                    Err(m) => span.error { "：未确认（" (m) "）" },
                }
            }
        } }
        p { a href="/candidates" { "返回候选证据" } }
    };
    page("批量确认结果", &who, body)
}

/// The reason a reject form gives: a code, or `other:` and the text typed
/// (which must not be empty).
fn reason_of(f: &DecisionForm) -> Result<String, WebError> {
    match f.reason.as_deref().unwrap_or("") {
        "other" | "" => {
            let text = f.other.as_deref().unwrap_or("").trim();
            if text.is_empty() {
                return Err(WebError::BadRequest(
                    "选择“其他”时请填写驳回理由，或选择 1–5 中的一个理由".into(),
                ));
            }
            Ok(format!("other:{text}"))
        }
        code => Ok(code.to_string()),
    }
}

/// `s`: the candidate goes to the end of this reviewer's queue (recorded).
pub(super) async fn skip_form(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<DecisionForm>,
) -> PageResult {
    let who = form_reviewer(&state, &headers, &f.csrf).await?;
    blocking(&state, move |s| {
        s.with_store(|store| {
            let c = visible_candidate(store, &who, &id)?;
            recall::skip(store, c.id, &who.user.name)?;
            Ok(())
        })
    })
    .await?;
    Ok(Redirect::to(local_next(&f.next)).into_response())
}

/// Reject this candidate and the other pending candidates of its story
/// with one reason; one failing does not stop the others.
pub(super) async fn reject_story_form(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<DecisionForm>,
) -> PageResult {
    let who = form_reviewer(&state, &headers, &f.csrf).await?;
    let reason = reason_of(&f)?;
    let w = who.clone();
    let results = blocking(&state, move |s| {
        let ids = s.read(|store| {
            let c = visible_candidate(store, &w, &id)?;
            let mut ids: Vec<i64> = Vec::new();
            if c.status == CandidateStatus::Pending {
                ids.push(c.id);
            }
            ids.extend(story_candidates(store, &w, &c)?.iter().map(|o| o.id));
            Ok(ids)
        })?;
        Ok(ids
            .into_iter()
            .map(|n| {
                let r = reject_as(s, &w, &n.to_string(), &reason);
                (n, r.map(|r| r.label()).map_err(|e| e.to_string()))
            })
            .collect::<Vec<_>>())
    })
    .await?;
    let body = html! {
        ul { @for (n, r) in &results {
            li {
                a href=(format!("/candidates/{n}")) { "候选证据 #" (n) }
                @match r {
                    Ok(label) => span { "：已驳回（理由：" (label) "）" },
                    Err(m) => span.error { "：未驳回（" (m) "）" },
                }
            }
        } }
        p { a href="/candidates" { "返回候选证据" } }
    };
    page("批量驳回结果", &who, body)
}

#[derive(Debug, Default, serde::Deserialize)]
pub(super) struct ReasonForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    item: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    note: String,
}

/// Reopen a rejected or withdrawn candidate, with a reason.
pub(super) async fn reopen_form(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<ReasonForm>,
) -> PageResult {
    let who = form_reviewer(&state, &headers, &f.csrf).await?;
    let back = format!("/candidates/{id}?reopened={id}");
    blocking(&state, move |s| {
        s.with_store(|store| {
            let c = visible_candidate(store, &who, &id)?;
            recall::reopen(store, c.id, &who.user.name, &f.reason)?;
            Ok(())
        })
    })
    .await?;
    Ok(Redirect::to(&back).into_response())
}

/// Dismiss a lead, with a reason.
pub(super) async fn dismiss_form(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<ReasonForm>,
) -> PageResult {
    let who = form_reviewer(&state, &headers, &f.csrf).await?;
    let back = format!("/candidates/{id}");
    blocking(&state, move |s| {
        s.with_store(|store| {
            let c = visible_candidate(store, &who, &id)?;
            recall::dismiss_lead(store, c.id, &who.user.name, &f.reason)?;
            Ok(())
        })
    })
    .await?;
    Ok(Redirect::to(&back).into_response())
}

/// Promote a lead to a candidate with a date and an item.
pub(super) async fn promote_form(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<ReasonForm>,
) -> PageResult {
    let who = form_reviewer(&state, &headers, &f.csrf).await?;
    let date = chrono::NaiveDate::parse_from_str(f.date.trim(), "%Y-%m-%d")
        .map_err(|_| WebError::BadRequest("请填写刊播日期，例如 2026-03-04".into()))?;
    let new_id = blocking(&state, move |s| {
        s.with_store(|store| {
            let c = visible_candidate(store, &who, &id)?;
            Ok(recall::promote_lead(
                store,
                &s.rules,
                &s.registry,
                &recall::Promotion {
                    lead: c.id,
                    item: f.item,
                    date,
                    reviewer: who.user.name.clone(),
                    note: f.note,
                },
            )?)
        })
    })
    .await?;
    Ok(Redirect::to(&format!("/candidates/{new_id}")).into_response())
}
