//! Decisions as the logged-in user, shared by the JSON API and the pages:
//! confirm, reject, take back the decision on a candidate, undo a ledger
//! entry. Each finds the candidate as this user may see it, and writes
//! through `pipeline::review` on the one writer connection.

use super::AppState;
use super::WebError;
use super::api::visible_candidate;
use super::auth::Authed;
use crate::pipeline::review::{self, Confirm, RejectReason};
use crate::store::{CandidateRow, CandidateStatus, Store};
use chrono::NaiveDate;

/// Confirm a candidate as the logged-in user (shared with the pages).
pub fn confirm_as(
    s: &AppState,
    who: &Authed,
    id: &str,
    item: Option<String>,
    note: Option<String>,
    date: Option<NaiveDate>,
) -> Result<crate::ledger::Entry, WebError> {
    // A candidate another reviewer just confirmed is answered from a reader,
    // without queueing for the writer.
    if let Some(refusal) = s.read(|store| {
        let c = visible_candidate(store, who, id)?;
        Ok(review::already_confirmed(store, c.id)?)
    })? {
        return Err(refusal.into());
    }
    s.with_store(|store| {
        let c = visible_candidate(store, who, id)?;
        Ok(review::confirm(
            &s.home,
            store,
            &s.rules,
            &Confirm {
                candidate: c.id,
                reviewer: who.user.name.clone(),
                item: item.filter(|i| !i.trim().is_empty()),
                note: note.filter(|n| !n.trim().is_empty()),
                date,
                points: None,
                reason: None,
            },
        )?)
    })
}

/// A decision on a candidate that can be taken back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Confirmed in this ledger entry (not undone).
    Confirmed {
        entry: u64,
    },
    Rejected,
}

/// A candidate this user may see, and its decision if it has one that can
/// be taken back (none: pending, a lead, withdrawn).
pub fn decision_of(
    store: &Store,
    who: &Authed,
    id: &str,
) -> Result<(CandidateRow, Option<Decision>), WebError> {
    let c = visible_candidate(store, who, id)?;
    let decision = match c.status {
        CandidateStatus::Confirmed => {
            review::confirming_entry(store, c.id)?.map(|entry| Decision::Confirmed { entry })
        }
        CandidateStatus::Rejected => Some(Decision::Rejected),
        _ => None,
    };
    Ok((c, decision))
}

/// Take back the decision on a candidate as the logged-in user: its
/// confirmation undone in the ledger, or its rejection withdrawn; either
/// way it is pending again. What was taken back, in words.
pub fn take_back_as(
    s: &AppState,
    who: &Authed,
    id: &str,
    reason: &str,
) -> Result<String, WebError> {
    if reason.trim().is_empty() {
        return Err(WebError::BadRequest("撤销需要填写理由".into()));
    }
    let (c, decision) = s.read(|store| decision_of(store, who, id))?;
    match decision {
        Some(Decision::Confirmed { entry }) => {
            let undo = s.with_store(|store| {
                Ok(review::undo(&s.home, store, entry, &who.user.name, reason)?)
            })?;
            Ok(format!(
                "已撤销台账第 {} 条（撤销记录为第 {} 条）",
                entry + 1,
                undo.seq + 1
            ))
        }
        Some(Decision::Rejected) => {
            s.with_store(|store| Ok(review::reopen(store, c.id, &who.user.name, reason)?))?;
            Ok(format!("已撤回对候选证据 #{} 的驳回", c.id))
        }
        None => Err(WebError::Conflict(format!(
            "候选证据 #{} 目前没有可撤销的决定（状态：{}）",
            c.id,
            match c.status {
                CandidateStatus::Pending => "待审",
                CandidateStatus::Lead => "线索",
                CandidateStatus::Withdrawn => "已撤回",
                CandidateStatus::Confirmed => "已确认",
                CandidateStatus::Rejected => "已驳回",
            }
        ))),
    }
}

/// Reject a candidate as the logged-in user (shared with the pages).
pub fn reject_as(
    s: &AppState,
    who: &Authed,
    id: &str,
    reason: &str,
) -> Result<RejectReason, WebError> {
    let r = RejectReason::parse(reason).ok_or_else(|| {
        let labels: Vec<String> = RejectReason::CODES[..5]
            .iter()
            .filter_map(|c| RejectReason::parse(c))
            .map(|r| r.label())
            .collect();
        WebError::BadRequest(format!(
            "驳回需要理由：请选择{}之一，或选择“其他”并填写理由",
            labels.join("、")
        ))
    })?;
    s.with_store(|store| {
        let c = visible_candidate(store, who, id)?;
        review::reject(store, c.id, &who.user.name, &r)?;
        Ok(())
    })?;
    Ok(r)
}

/// Undo a ledger entry as the logged-in user (shared with the pages).
pub fn undo_as(
    s: &AppState,
    who: &Authed,
    seq: &str,
    reason: &str,
) -> Result<crate::ledger::Entry, WebError> {
    let seq: u64 = seq
        .parse()
        .map_err(|_| WebError::NotFound("没有这一条台账记录".to_string()))?;
    if reason.trim().is_empty() {
        return Err(WebError::BadRequest("撤销需要填写理由".into()));
    }
    s.with_store(|store| Ok(review::undo(&s.home, store, seq, &who.user.name, reason)?))
}
