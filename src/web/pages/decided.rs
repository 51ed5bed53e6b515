//! 撤销刚才的决定: after a confirm or a reject the page comes back with
//! `?decided=ID` and says what was just decided, with a 撤销 (u) button that
//! posts here: a confirmation is undone in the ledger (a reversing entry
//! naming the user), a rejection is withdrawn, and the candidate is pending
//! again. Works without JavaScript; `u` presses the button.

use super::{PageResult, csrf_field, entry_number, local_next};
use crate::store::{CandidateRow, Store};
use crate::web::api::visible_candidate;
use crate::web::auth::{Authed, form_reviewer};
use crate::web::decide::{Decision, decision_of, take_back_as};
use crate::web::{Shared, WebError, blocking};
use axum::extract::{Form, Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect};
use maud::{Markup, html};

/// The reason the ledger records for a decision taken back with `u`.
pub(super) const TAKE_BACK_REASON: &str = "审核人撤销刚才的决定";

/// The `decided` query parameter (and `undone`, `reopened`: a decision
/// just taken back, a candidate just reopened).
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub(super) struct Decided {
    decided: Option<String>,
    undone: Option<String>,
    reopened: Option<String>,
}

impl Decided {
    pub(super) fn id(&self) -> Option<i64> {
        self.decided.as_deref()?.parse().ok()
    }
    fn undone(&self) -> Option<i64> {
        self.undone.as_deref()?.parse().ok()
    }
    fn reopened(&self) -> Option<i64> {
        self.reopened.as_deref()?.parse().ok()
    }
}

/// `next` with `undone=ID` added to its query.
fn with_undone(next: &str, id: i64) -> String {
    let sep = if next.contains('?') { '&' } else { '?' };
    format!("{next}{sep}undone={id}")
}

/// `next` with `decided=ID` added to its query.
pub(super) fn with_decided(next: &str, id: i64) -> String {
    let sep = if next.contains('?') { '&' } else { '?' };
    format!("{next}{sep}decided={id}")
}

/// What was just decided, as this user may see it.
pub(super) struct Recent {
    candidate: CandidateRow,
    /// None: a decision taken back (`undone`) or a candidate reopened.
    decision: Option<Decision>,
    /// The reason of the rejection (or of the decision taken back).
    reason: Option<String>,
    /// What happened to it, for a taken-back decision or a reopening.
    taken_back: Option<String>,
}

impl Recent {
    pub(super) fn id(&self) -> i64 {
        self.candidate.id
    }
}

pub(super) fn recent(store: &Store, who: &Authed, d: &Decided) -> Result<Option<Recent>, WebError> {
    if !who.user.role.can_review() {
        return Ok(None);
    }
    if let Some(id) = d.id() {
        return match decision_of(store, who, &id.to_string()) {
            Ok((candidate, Some(decision))) => {
                let reason = match decision {
                    Decision::Rejected => last_note(store, candidate.id, "rejected")?,
                    Decision::Confirmed { .. } => None,
                };
                Ok(Some(Recent {
                    candidate,
                    decision: Some(decision),
                    reason,
                    taken_back: None,
                }))
            }
            Ok((_, None)) | Err(WebError::NotFound(_)) => Ok(None),
            Err(e) => Err(e),
        };
    }
    let Some((id, reopened)) = d
        .undone()
        .map(|i| (i, false))
        .or(d.reopened().map(|i| (i, true)))
    else {
        return Ok(None);
    };
    let candidate = match visible_candidate(store, who, &id.to_string()) {
        Ok(c) => c,
        Err(WebError::NotFound(_)) => return Ok(None),
        Err(e) => return Err(e),
    };
    let history = store.candidate_history(candidate.id)?;
    let last = history.last();
    let before = history.iter().rev().nth(1);
    let what = match (reopened, before.map(|e| e.to.as_str())) {
        (true, _) => "已重新打开".to_string(),
        (false, Some("confirmed")) => "的确认已撤销（台账中记为撤销）".to_string(),
        (false, Some("rejected")) => "的驳回已撤销".to_string(),
        _ => "的决定已撤销".to_string(),
    };
    let reason = if reopened {
        last.and_then(|e| e.note.clone())
    } else {
        before.and_then(|e| e.note.clone())
    };
    Ok(Some(Recent {
        taken_back: Some(format!(
            "{what}，现为{}",
            super::status_label(candidate.status)
        )),
        candidate,
        decision: None,
        reason,
    }))
}

/// The note of the last event that moved a candidate to `to`.
fn last_note(store: &Store, id: i64, to: &str) -> Result<Option<String>, WebError> {
    Ok(store
        .candidate_history(id)?
        .into_iter()
        .rev()
        .find(|e| e.to == to)
        .and_then(|e| e.note))
}

/// The banner: what was decided and why, with the button taking it back
/// (to `back`); or what was just taken back.
pub(super) fn banner(who: &Authed, r: &Recent, back: &str) -> Markup {
    let c = &r.candidate;
    html! {
        div.decided role="status" {
            "刚才："
            a href=(format!("/candidates/{}", c.id)) { "#" (c.id) " 《" (c.title) "》" }
            @match (r.decision, &r.taken_back) {
                (Some(Decision::Confirmed { entry }), _) => { " 已确认，记入台账第 " (entry_number(entry)) " 条。" },
                (Some(Decision::Rejected), _) => {
                    " 已驳回" @if let Some(why) = &r.reason { "，理由：" strong.reason { (why) } } "。"
                },
                (None, Some(what)) => {
                    " " (what)
                    @if let Some(why) = &r.reason { "（理由：" strong.reason { (why) } "）" }
                    "。"
                },
                (None, None) => {},
            }
            @if r.decision.is_some() {
                form.undo-last method="post" action=(format!("/candidates/{}/undo", c.id)) {
                    (csrf_field(who))
                    input type="hidden" name="next" value=(back);
                    button type="submit" { "撤销 (u)" }
                }
            }
        }
    }
}

#[derive(Debug, Default, serde::Deserialize)]
pub(super) struct TakeBackForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    next: String,
}

pub(super) async fn take_back_form(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<TakeBackForm>,
) -> PageResult {
    let who = form_reviewer(&state, &headers, &f.csrf).await?;
    let n: Option<i64> = id.parse().ok();
    blocking(&state, move |s| {
        take_back_as(s, &who, &id, TAKE_BACK_REASON)
    })
    .await?;
    let next = local_next(&f.next);
    Ok(match n {
        Some(n) => Redirect::to(&with_undone(next, n)),
        None => Redirect::to(next),
    }
    .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decided_joins_the_query() {
        assert_eq!(with_decided("/candidates", 7), "/candidates?decided=7");
        assert_eq!(
            with_decided("/candidates?status=pending", 7),
            "/candidates?status=pending&decided=7"
        );
        assert_eq!(
            Decided {
                decided: Some("x".into()),
                ..Decided::default()
            }
            .id(),
            None
        );
        assert_eq!(
            Decided {
                decided: Some("12".into()),
                ..Decided::default()
            }
            .id(),
            Some(12)
        );
    }
}
