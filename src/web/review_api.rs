//! The reviewers' API beside the decisions: propose an article matching
//! missed (`POST /api/articles/{id}/propose` with `enterprise`, `item`,
//! `note`, optionally `date`), the trail (`GET /api/audit`), and how many
//! pending candidates are new since the user's last visit to the queue
//! (`GET /api/queue/new`, which the navigation shows).

use super::api::{answer, json, write_call};
use super::auth::{Authed, user};
use super::trail::{AuditQuery, audit_json, visible_audit};
use super::{AppState, Shared, WebError, blocking};
use crate::pipeline::recall::{self, Proposal};
use crate::store::{CandidateFilter, CandidateStatus};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::{get, post};
use chrono::NaiveDate;

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/api/articles/{id}/propose", post(propose))
        .route("/api/audit", get(audit))
        .route("/api/queue/new", get(new_count))
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ProposeBody {
    pub enterprise: String,
    pub item: String,
    pub note: String,
    #[serde(default)]
    pub date: Option<NaiveDate>,
}

/// Propose article `article` as a candidate as the logged-in user (shared
/// with the pages); the new candidate's id.
pub(crate) fn propose_as(
    s: &AppState,
    who: &Authed,
    article: &str,
    b: ProposeBody,
) -> Result<i64, WebError> {
    if !who.scope.allows(&b.enterprise) {
        return Err(WebError::Forbidden(format!(
            "无权为企业 {} 提出证据",
            b.enterprise
        )));
    }
    s.with_store(|store| {
        Ok(recall::propose(
            store,
            &s.rules,
            &s.registry,
            &Proposal {
                article: article.to_string(),
                enterprise: b.enterprise,
                item: b.item,
                note: b.note,
                date: b.date,
                reviewer: who.user.name.clone(),
            },
        )?)
    })
}

async fn propose(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(article): Path<String>,
    bytes: Bytes,
) -> Response {
    write_call(&state, &headers, &bytes, move |s, who, b: ProposeBody| {
        let id = propose_as(s, who, &article, b)?;
        Ok(serde_json::json!({ "candidate": id, "status": "pending", "article": article }))
    })
    .await
}

async fn audit(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<AuditQuery>,
) -> Response {
    answer(
        async {
            let who = user(&state, &headers).await?;
            blocking(&state, move |s| {
                let rows = s.read(|store| visible_audit(store, &s.registry, &who, &q))?;
                Ok(serde_json::Value::Array(
                    rows.iter().map(audit_json).collect(),
                ))
            })
            .await
        }
        .await,
    )
}

/// Pending candidates this user may see that arrived since their last visit.
pub(crate) fn new_pending(s: &AppState, who: &Authed) -> Result<usize, WebError> {
    s.read(|store| {
        let Some(since) = store.new_since(&who.user.name)? else {
            return Ok(0);
        };
        let fresh = store.created_after(&since)?;
        if fresh.is_empty() {
            return Ok(0);
        }
        let pending = super::api::visible_candidates(
            store,
            who,
            &CandidateFilter {
                status: Some(CandidateStatus::Pending),
                ..Default::default()
            },
        )?;
        Ok(pending.iter().filter(|c| fresh.contains(&c.id)).count())
    })
}

async fn new_count(State(state): State<Shared>, headers: HeaderMap) -> Response {
    answer(
        async {
            let who = user(&state, &headers).await?;
            let n = blocking(&state, move |s| new_pending(s, &who)).await?;
            json(&serde_json::json!({ "new": n }))
        }
        .await,
    )
}
