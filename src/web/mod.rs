//! The reviewers' web UI and JSON API (axum; the only module that imports
//! it). Server-rendered pages in Simplified Chinese, sessions kept in the
//! store, CSRF tokens on every form, login throttling and security headers
//! on every response. Every ledger change records the logged-in user.

pub mod accounts;

/// What went wrong serving a request, with the status it answers with.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error("请先登录")]
    Unauthorized,
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    TooManyRequests(String),
    #[error("{0}")]
    Internal(String),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}
