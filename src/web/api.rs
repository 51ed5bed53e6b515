//! The JSON API, with the pages' auth (session cookie plus `X-CSRF-Token`
//! on writes, or `Authorization: Bearer`): candidates (the objects of
//! `radar candidates --json`), confirm and reject, search, the scorecard
//! (the `radar score --format json` ScoreSheet) and the ledger. An
//! enterprise user sees only its enterprise and its subsidiaries, and may
//! not review.

use super::auth::{Authed, user};
use super::decide::{confirm_as, reject_as, take_back_as, undo_as};
use super::{Shared, WebError, blocking, json_error};
use crate::index::{SearchRequest, Sort};
use crate::pipeline::review;
use crate::pipeline::scores::{ScoreRequest, score_sheet};
use crate::scoring::Quarter;
use crate::store::{CandidateFilter, CandidateRow, CandidateStatus, Store};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::NaiveDate;

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/api/candidates", get(candidates))
        .route("/api/candidates/{id}", get(candidate))
        .route("/api/candidates/{id}/confirm", post(confirm))
        .route("/api/candidates/{id}/reject", post(reject))
        .route("/api/candidates/{id}/undo", post(take_back))
        .route("/api/search", get(search))
        .route("/api/score", get(score))
        .route("/api/ledger", get(ledger))
        .route("/api/ledger/{seq}/undo", post(undo))
}

/// A JSON answer, or `{"error": …}` with the error's status.
pub(super) fn answer(r: Result<serde_json::Value, WebError>) -> Response {
    match r {
        Ok(v) => axum::Json(v).into_response(),
        Err(e) => json_error(&e),
    }
}

/// A write through the API: the caller may write (a reviewer, with the CSRF
/// header on a session), the JSON body parsed, then `f` off the async threads.
pub(super) async fn write_call<B, F>(
    state: &Shared,
    headers: &HeaderMap,
    bytes: &Bytes,
    f: F,
) -> Response
where
    B: serde::de::DeserializeOwned + Default + Send + 'static,
    F: FnOnce(&super::AppState, &Authed, B) -> Result<serde_json::Value, WebError> + Send + 'static,
{
    answer(
        async {
            let who = writer(state, headers).await?;
            let b: B = body(bytes)?;
            blocking(state, move |s| f(s, &who, b)).await
        }
        .await,
    )
}

pub(super) fn json<T: serde::Serialize>(v: &T) -> Result<serde_json::Value, WebError> {
    serde_json::to_value(v).map_err(|e| WebError::Internal(format!("JSON: {e}")))
}

/// The query of `/api/candidates` and of the queue page.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct CandidateQuery {
    pub status: Option<String>,
    pub enterprise: Option<String>,
    pub item: Option<String>,
    pub year: Option<String>,
    /// Only this outlet (人民日报, …).
    pub outlet: Option<String>,
}

impl CandidateQuery {
    /// The outlet asked for, if any.
    pub fn outlet(&self) -> Option<&str> {
        self.outlet.as_deref().filter(|o| !o.is_empty())
    }

    /// The store's filter, within what this user may see.
    pub fn filter(&self, who: &Authed) -> Result<CandidateFilter, WebError> {
        let status = match self.status.as_deref().filter(|s| !s.is_empty()) {
            None | Some("all") => None,
            Some(s) => Some(CandidateStatus::parse(s).ok_or_else(|| {
                WebError::BadRequest(format!(
                    "status `{s}`: one of pending, confirmed, rejected, lead, withdrawn"
                ))
            })?),
        };
        let year = match self.year.as_deref().filter(|s| !s.is_empty()) {
            None => None,
            Some(y) => Some(
                y.parse::<i32>()
                    .ok()
                    .filter(|y| (1990..=2100).contains(y))
                    .ok_or_else(|| WebError::BadRequest(format!("year `{y}`: 1990 to 2100")))?,
            ),
        };
        Ok(CandidateFilter {
            status,
            enterprise: who.scope.narrow(self.enterprise.clone())?,
            item: self.item.clone().filter(|s| !s.is_empty()),
            year,
            id: None,
        })
    }
}

/// Candidates this user may see, best first.
pub fn visible_candidates(
    store: &Store,
    who: &Authed,
    filter: &CandidateFilter,
) -> Result<Vec<CandidateRow>, WebError> {
    Ok(store
        .candidates(filter)?
        .into_iter()
        .filter(|c| who.scope.allows(&c.named_enterprise))
        .collect())
}

/// One candidate, if this user may see it (another enterprise's is "not found").
pub fn visible_candidate(store: &Store, who: &Authed, id: &str) -> Result<CandidateRow, WebError> {
    let missing = || WebError::NotFound(format!("没有候选证据 {id}"));
    let n: i64 = id.parse().map_err(|_| missing())?;
    let filter = CandidateFilter {
        id: Some(n),
        ..Default::default()
    };
    visible_candidates(store, who, &filter)?
        .pop()
        .ok_or_else(missing)
}

async fn candidates(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<CandidateQuery>,
) -> Response {
    answer(
        async {
            let who = user(&state, &headers).await?;
            let filter = q.filter(&who)?;
            let outlet = q.outlet().map(str::to_string);
            blocking(&state, move |s| {
                s.read(|store| {
                    let mut out = Vec::new();
                    for c in visible_candidates(store, &who, &filter)?
                        .into_iter()
                        .filter(|c| outlet.as_deref().is_none_or(|o| c.outlet == o))
                    {
                        out.push(review::candidate_json(store, &c)?);
                    }
                    Ok(serde_json::Value::Array(out))
                })
            })
            .await
        }
        .await,
    )
}

async fn candidate(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    answer(
        async {
            let who = user(&state, &headers).await?;
            blocking(&state, move |s| {
                s.read(|store| {
                    let c = visible_candidate(store, &who, &id)?;
                    Ok(review::candidate_json(store, &c)?)
                })
            })
            .await
        }
        .await,
    )
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfirmBody {
    item: Option<String>,
    note: Option<String>,
    date: Option<NaiveDate>,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RejectBody {
    reason: String,
}

fn body<T: serde::de::DeserializeOwned + Default>(bytes: &Bytes) -> Result<T, WebError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    serde_json::from_slice(bytes).map_err(|e| WebError::BadRequest(format!("JSON body: {e}")))
}

/// Who may write: a reviewer or admin, with the CSRF header on a session.
async fn writer(state: &Shared, headers: &HeaderMap) -> Result<Authed, WebError> {
    let who = user(state, headers).await?;
    who.check_header_csrf(headers)?;
    who.require_reviewer()?;
    Ok(who)
}

async fn confirm(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
    bytes: Bytes,
) -> Response {
    write_call(&state, &headers, &bytes, move |s, who, b: ConfirmBody| {
        json(&confirm_as(s, who, &id, b.item, b.note, b.date)?)
    })
    .await
}

async fn reject(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
    bytes: Bytes,
) -> Response {
    write_call(&state, &headers, &bytes, move |s, who, b: RejectBody| {
        let r = reject_as(s, who, &id, &b.reason)?;
        Ok(serde_json::json!({
            "candidate": id, "status": "rejected", "reason": r.code(), "label": r.label(),
        }))
    })
    .await
}

/// `POST /api/candidates/{id}/undo {"reason": …}`: the decision taken back.
async fn take_back(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
    bytes: Bytes,
) -> Response {
    write_call(&state, &headers, &bytes, move |s, who, b: UndoBody| {
        let said = take_back_as(s, who, &id, &b.reason)?;
        Ok(serde_json::json!({ "candidate": id, "status": "pending", "message": said }))
    })
    .await
}

/// The query of `/api/search` and of the search page.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    pub q: String,
    pub outlet: Option<String>,
    pub item: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub enterprise: Option<String>,
    pub limit: Option<String>,
    pub sort: Option<String>,
    /// The search page's page number (from 1).
    pub page: Option<String>,
}

fn date_param(name: &str, v: Option<&str>) -> Result<Option<NaiveDate>, WebError> {
    v.filter(|s| !s.is_empty())
        .map(|s| {
            NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map_err(|_| WebError::BadRequest(format!("{name} `{s}`: a date like 2026-03-04")))
        })
        .transpose()
}

impl SearchQuery {
    pub fn request(&self, who: &Authed) -> Result<SearchRequest, WebError> {
        let limit = match self.limit.as_deref().filter(|s| !s.is_empty()) {
            None => 20,
            Some(l) => l
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=1000).contains(n))
                .ok_or_else(|| WebError::BadRequest(format!("limit `{l}`: 1 to 1000")))?,
        };
        let sort = match self.sort.as_deref().filter(|s| !s.is_empty()) {
            None => Sort::Relevance,
            Some(s) => Sort::parse(s)
                .ok_or_else(|| WebError::BadRequest(format!("sort `{s}`: relevance or date")))?,
        };
        Ok(SearchRequest {
            query: self.q.clone(),
            outlet: self.outlet.clone().filter(|s| !s.is_empty()),
            item: self.item.clone().filter(|s| !s.is_empty()),
            from: date_param("from", self.from.as_deref())?,
            to: date_param("to", self.to.as_deref())?,
            enterprise: who.scope.narrow(self.enterprise.clone())?,
            offset: 0,
            limit,
            sort,
        })
    }
}

async fn search(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<SearchQuery>,
) -> Response {
    answer(
        async {
            let who = user(&state, &headers).await?;
            let req = q.request(&who)?;
            if req.query.trim().is_empty() {
                return Err(WebError::BadRequest("q: 请输入检索词".into()));
            }
            let results = blocking(&state, move |s| s.search(&req)).await?;
            json(&results)
        }
        .await,
    )
}

/// The query of `/api/score` and of the scorecard page.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ScoreQuery {
    pub year: Option<String>,
    pub quarter: Option<String>,
    pub enterprise: Option<String>,
}

impl ScoreQuery {
    pub fn request(&self, s: &super::AppState, who: &Authed) -> Result<ScoreRequest, WebError> {
        use chrono::Datelike;
        let year = match self.year.as_deref().filter(|s| !s.is_empty()) {
            None => chrono::Utc::now().year(),
            Some(y) => y
                .parse::<i32>()
                .ok()
                .filter(|y| (1990..=2100).contains(y))
                .ok_or_else(|| WebError::BadRequest(format!("year `{y}`: 1990 to 2100")))?,
        };
        let quarter = match self.quarter.as_deref().filter(|s| !s.is_empty()) {
            None => None,
            Some(q) => Some(
                q.trim_start_matches(['Q', 'q'])
                    .parse::<u8>()
                    .ok()
                    .and_then(Quarter::from_number)
                    .ok_or_else(|| WebError::BadRequest(format!("quarter `{q}`: 1 to 4")))?,
            ),
        };
        let enterprise = who.scope.narrow(self.enterprise.clone())?;
        if let Some(e) = &enterprise
            && s.registry.get(e).is_none()
        {
            return Err(WebError::NotFound(format!("没有企业 {e}")));
        }
        // An enterprise user's scorecard is its scoring unit's.
        let enterprise = enterprise.map(|e| s.registry.scoring_unit(&e).to_string());
        if let Some(e) = &enterprise
            && !who.scope.allows(e)
        {
            return Err(WebError::Forbidden(format!("无权查看企业 {e} 的记分")));
        }
        Ok(ScoreRequest {
            year,
            quarter,
            enterprise,
            commission: s.commission.clone(),
        })
    }
}

/// The scorecard for a query, as this user may see it.
pub fn sheet(
    s: &super::AppState,
    who: &Authed,
    q: &ScoreQuery,
) -> Result<crate::report::ScoreSheet, WebError> {
    let req = q.request(s, who)?;
    s.read(|store| {
        score_sheet(store, &s.rules, &s.registry, &req).map_err(|e| match e {
            crate::pipeline::ReviewError::Invalid(m) => WebError::BadRequest(m),
            other => WebError::from(other),
        })
    })
}

async fn score(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<ScoreQuery>,
) -> Response {
    answer(
        async {
            let who = user(&state, &headers).await?;
            let sheet = blocking(&state, move |s| sheet(s, &who, &q)).await?;
            json(&sheet)
        }
        .await,
    )
}

#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct LedgerQuery {
    pub enterprise: Option<String>,
}

/// Ledger entries this user may see, of one enterprise (and its subsidiaries) or all.
pub fn visible_entries(
    s: &super::AppState,
    who: &Authed,
    q: &LedgerQuery,
) -> Result<Vec<crate::ledger::Entry>, WebError> {
    let asked = who.scope.narrow(q.enterprise.clone())?;
    let all = s.read(|store| Ok(crate::pipeline::ledger::entries(store)?))?;
    Ok(all
        .into_iter()
        .filter(|e| who.scope.allows(&e.named_enterprise))
        .filter(|e| {
            asked
                .as_deref()
                .is_none_or(|a| e.enterprise == a || e.named_enterprise == a)
        })
        .collect())
}

async fn ledger(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<LedgerQuery>,
) -> Response {
    answer(
        async {
            let who = user(&state, &headers).await?;
            let entries = blocking(&state, move |s| visible_entries(s, &who, &q)).await?;
            json(&entries)
        }
        .await,
    )
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct UndoBody {
    reason: String,
}

async fn undo(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(seq): Path<String>,
    bytes: Bytes,
) -> Response {
    write_call(&state, &headers, &bytes, move |s, who, b: UndoBody| {
        json(&undo_as(s, who, &seq, &b.reason)?)
    })
    .await
}

/// The pending candidates of the same enterprise on the other outlets'
/// copies of a candidate's story (for one batch confirmation).
pub fn copy_candidates(
    store: &Store,
    who: &Authed,
    c: &CandidateRow,
) -> Result<Vec<CandidateRow>, WebError> {
    let mut out: Vec<CandidateRow> = Vec::new();
    for a in store.syndicated_copies(&crate::model::ArticleId(c.article_id.clone()))? {
        let ids = store.read(|tx| tx.candidates_of_article(&a))?;
        for (id, status) in ids {
            if status != CandidateStatus::Pending || id == c.id || out.iter().any(|o| o.id == id) {
                continue;
            }
            if let Ok(row) = visible_candidate(store, who, &id.to_string())
                && row.enterprise == c.enterprise
            {
                out.push(row);
            }
        }
    }
    Ok(out)
}
