//! placeholder

use super::Shared;
use axum::Router;

pub fn routes() -> Router<Shared> {
    Router::new()
}
