//! 撤销刚才的决定: after a confirm or a reject the page comes back with
//! `?decided=ID` and says what was just decided, with a 撤销 (u) button that
//! posts here: a confirmation is undone in the ledger (a reversing entry
//! naming the user), a rejection is withdrawn, and the candidate is pending
//! again. Works without JavaScript; `u` presses the button.

use super::{PageResult, csrf_field, local_next};
use crate::store::{CandidateRow, Store};
use crate::web::auth::{Authed, form_reviewer};
use crate::web::decide::{Decision, decision_of, take_back_as};
use crate::web::{Shared, WebError, blocking};
use axum::extract::{Form, Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect};
use maud::{Markup, html};

/// The reason the ledger records for a decision taken back with `u`.
pub(super) const TAKE_BACK_REASON: &str = "审核人撤销刚才的决定";

/// The `decided` query parameter.
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub(super) struct Decided {
    decided: Option<String>,
}

impl Decided {
    pub(super) fn id(&self) -> Option<i64> {
        self.decided.as_deref()?.parse().ok()
    }
}

/// `next` with `decided=ID` added to its query.
pub(super) fn with_decided(next: &str, id: i64) -> String {
    let sep = if next.contains('?') { '&' } else { '?' };
    format!("{next}{sep}decided={id}")
}

/// What was just decided, as this user may see it.
pub(super) struct Recent {
    candidate: CandidateRow,
    decision: Decision,
}

impl Recent {
    pub(super) fn id(&self) -> i64 {
        self.candidate.id
    }
}

pub(super) fn recent(store: &Store, who: &Authed, d: &Decided) -> Result<Option<Recent>, WebError> {
    let Some(id) = d.id() else { return Ok(None) };
    if !who.user.role.can_review() {
        return Ok(None);
    }
    match decision_of(store, who, &id.to_string()) {
        Ok((candidate, Some(decision))) => Ok(Some(Recent {
            candidate,
            decision,
        })),
        Ok((_, None)) | Err(WebError::NotFound(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

/// The banner: what was decided and the button taking it back (to `back`).
pub(super) fn banner(who: &Authed, r: &Recent, back: &str) -> Markup {
    let c = &r.candidate;
    html! {
        div.decided {
            "刚才："
            a href=(format!("/candidates/{}", c.id)) { "#" (c.id) " 《" (c.title) "》" }
            @match r.decision {
                Decision::Confirmed { entry } => { " 已确认，记入台账第 " (entry) " 条。" },
                Decision::Rejected => { " 已驳回。" },
            }
            form.undo-last method="post" action=(format!("/candidates/{}/undo", c.id)) {
                (csrf_field(who))
                input type="hidden" name="next" value=(back);
                button type="submit" { "撤销 (u)" }
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
    blocking(&state, move |s| {
        take_back_as(s, &who, &id, TAKE_BACK_REASON)
    })
    .await?;
    Ok(Redirect::to(local_next(&f.next)).into_response())
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
                decided: Some("x".into())
            }
            .id(),
            None
        );
        assert_eq!(
            Decided {
                decided: Some("12".into())
            }
            .id(),
            Some(12)
        );
    }
}
