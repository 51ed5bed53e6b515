//! The conversation on a candidate between reviewers and its enterprise:
//! why it was rejected (at the top, where the officer looks first), the
//! 申请复核 form on a rejection, the appeal and what became of it, and the
//! comment thread with its form.

use super::progress::reason_words;
use super::{PageResult, beijing_time, csrf_field};
use crate::store::{AppealState, CandidateRow, CandidateStatus, CommentRow};
use crate::web::auth::{Authed, user};
use crate::web::participation::{appeal_as, comment_as};
use crate::web::{Shared, blocking};
use axum::extract::{Form, Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect};
use maud::{Markup, html};

/// What the thread shows of a candidate.
pub(super) struct Thread {
    pub comments: Vec<CommentRow>,
    pub appeal: Option<AppealState>,
    /// The latest rejection's reason, while rejected.
    pub rejection: Option<String>,
}

fn role_word(role: &str) -> &'static str {
    match role {
        "enterprise" => "企业",
        "admin" => "管理员",
        _ => "审核员",
    }
}

/// The banner at the top of a decided or appealed candidate.
pub(super) fn banner(c: &CandidateRow, t: &Thread) -> Markup {
    html! {
        @if let Some(a) = &t.appeal {
            @match &a.outcome {
                None => p.notice.appeal { "企业申请复核（" (a.user) "，" (beijing_time(&a.at)) "）：" (a.comment) },
                Some(o) if o.status == "confirmed" => p.ok { "复核结果：已确认计入（" (o.reviewer.as_deref().unwrap_or("")) "，" (beijing_time(&o.at)) "）" },
                Some(o) => p.error { "复核结果：维持驳回。理由：" (reason_words(o.reason.as_deref().unwrap_or(""))) "（" (o.reviewer.as_deref().unwrap_or("")) "，" (beijing_time(&o.at)) "）" },
            }
        }
        @if c.status == CandidateStatus::Rejected && t.appeal.as_ref().is_none_or(|a| a.outcome.is_none()) {
            @if let Some(r) = &t.rejection { p.error { "已驳回。理由：" (reason_words(r)) } }
        }
    }
}

/// The appeal form (an enterprise user on a rejected candidate) and the thread.
pub(super) fn section(who: &Authed, c: &CandidateRow, t: &Thread) -> Markup {
    let officer = who.scope.enterprise().is_some();
    html! {
        @if officer && c.status == CandidateStatus::Rejected {
            h2 id="appeal" { "申请复核" }
            form.appeal method="post" action=(format!("/candidates/{}/appeal", c.id)) {
                (csrf_field(who))
                label { "复核理由 " textarea name="comment" required rows="3" placeholder="说明为何应计入，如：该报道为本企业的深度专题报道" {} }
                button type="submit" { "申请复核" }
            }
        }
        h2 id="comments" { "沟通记录" }
        @if t.comments.is_empty() { p.sub { "暂无留言。" } }
        ol.thread { @for m in &t.comments {
            li class=(if m.role == "enterprise" { "from-enterprise" } else { "from-reviewer" }) {
                div.meta { (m.user) "（" (role_word(&m.role)) "）" (beijing_time(&m.at)) @if m.appeal { " · 申请复核" } }
                div { (m.text) }
            }
        } }
        form.comment method="post" action=(format!("/candidates/{}/comment", c.id)) {
            (csrf_field(who))
            label { "留言 " textarea name="text" required rows="2" {} }
            button type="submit" { "发送" }
        }
    }
}

#[derive(Debug, Default, serde::Deserialize)]
pub(super) struct ThreadForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    comment: String,
    #[serde(default)]
    text: String,
}

pub(super) async fn appeal_form(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<ThreadForm>,
) -> PageResult {
    let who = user(&state, &headers).await?;
    who.check_form_csrf(&f.csrf)?;
    let n = blocking(&state, move |s| appeal_as(s, &who, &id, &f.comment)).await?;
    Ok(Redirect::to(&format!("/candidates/{n}")).into_response())
}

pub(super) async fn comment_form(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<ThreadForm>,
) -> PageResult {
    let who = user(&state, &headers).await?;
    who.check_form_csrf(&f.csrf)?;
    let n = blocking(&state, move |s| comment_as(s, &who, &id, &f.text)).await?;
    Ok(Redirect::to(&format!("/candidates/{n}#comments")).into_response())
}
