//! 提出为候选证据: from a search hit (or any stored article), a reviewer
//! proposes the article for an enterprise and an item with why; it becomes
//! a pending candidate marked 人工发现 and opens for review.

use super::{PageResult, csrf_field, enterprise_choice};
use crate::web::auth::{Authed, form_reviewer};
use crate::web::review_api::{ProposeBody, propose_as};
use crate::web::{Shared, WebError, blocking};
use axum::extract::{Form, Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect};
use maud::{Markup, html};

/// The form under a search hit: enterprise, item, why.
pub(super) fn propose_form_markup(
    state: &crate::web::AppState,
    who: &Authed,
    article: &str,
    enterprise: Option<&str>,
) -> Markup {
    html! {
        details.propose {
            summary { "提出为候选证据" }
            form.propose method="post" action=(format!("/articles/{article}/propose")) {
                (csrf_field(who))
                (enterprise_choice(&state.registry, who, enterprise))
                select name="item" required aria-label="计分条目" {
                    option value="" { "请选择条目" }
                    @for i in &state.rules.item { option value=(i.code) { (i.code) " " (i.name) } }
                }
                input name="note" required placeholder="为什么（例如：自动匹配漏掉的简称）" size="28";
                button type="submit" { "提出" }
            }
        }
    }
}

#[derive(Debug, Default, serde::Deserialize)]
pub(super) struct ProposeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    enterprise: String,
    #[serde(default)]
    item: String,
    #[serde(default)]
    note: String,
}

pub(super) async fn propose_form(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(article): Path<String>,
    Form(f): Form<ProposeForm>,
) -> PageResult {
    let who = form_reviewer(&state, &headers, &f.csrf).await?;
    if f.enterprise.trim().is_empty() {
        return Err(WebError::BadRequest("请选择企业".into()).into());
    }
    if f.item.trim().is_empty() {
        return Err(WebError::BadRequest("请选择计分条目".into()).into());
    }
    let id = blocking(&state, move |s| {
        propose_as(
            s,
            &who,
            &article,
            ProposeBody {
                enterprise: f.enterprise,
                item: f.item,
                note: f.note,
                date: None,
            },
        )
    })
    .await?;
    Ok(Redirect::to(&format!("/candidates/{id}")).into_response())
}
