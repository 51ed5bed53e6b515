//! For the operator's monitoring: `GET /healthz` (no login; store, index
//! and scheduler alive: 200, else 503; says nothing but ok/failing per
//! part) and `GET /metrics` (Prometheus text format, with the
//! `[metrics] token` as a bearer token, or without one on the loopback-only
//! listener of `radar serve --metrics-listen`).

use super::{AppState, Shared, blocking};
use crate::index::SearchIndex;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use sha2::{Digest, Sha256};
use std::fmt::Write;

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
}

/// The loopback-only listener's routes: metrics without a token.
pub fn local_routes() -> Router<Shared> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics_local))
}

/// Each part's state: `ok`, `failing`, or `none` (no scheduler in this process).
fn health(state: &AppState) -> (bool, serde_json::Value) {
    let store = match state.read(|s| Ok(s.ping()?)) {
        Ok(()) => "ok",
        Err(e) => {
            tracing::error!(error = %e, "healthz: the store does not answer");
            "failing"
        }
    };
    let dir = state.home.index_dir();
    let opened = state.index.lock().ok().and_then(|g| g.clone());
    let index = if let Some(ix) = opened {
        let _ = ix.num_docs();
        "ok"
    } else if !dir.join("meta.json").exists() {
        // Not built yet: the first search or crawl builds it.
        "ok"
    } else {
        match SearchIndex::open_read_only(&dir) {
            Ok(_) => "ok",
            Err(e) => {
                tracing::error!(error = %e, "healthz: the search index does not open");
                "failing"
            }
        }
    };
    let scheduler = match &state.run_queue {
        None => "none",
        Some(q) if q.alive() => "ok",
        Some(_) => {
            tracing::error!("healthz: the scheduler loop has not gone round for 10 s");
            "failing"
        }
    };
    let ok = store == "ok" && index == "ok" && scheduler != "failing";
    (
        ok,
        serde_json::json!({
            "status": if ok { "ok" } else { "failing" },
            "store": store, "index": index, "scheduler": scheduler,
        }),
    )
}

async fn healthz(State(state): State<Shared>) -> Response {
    let answer = blocking(&state, |s| Ok(health(s))).await;
    let (ok, body) = answer.unwrap_or_else(|_| (false, serde_json::json!({"status": "failing"})));
    let status = if ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, axum::Json(body)).into_response()
}

/// Constant-time comparison through the digests of both.
fn token_matches(given: &str, want: &str) -> bool {
    let (a, b) = (
        Sha256::digest(given.as_bytes()),
        Sha256::digest(want.as_bytes()),
    );
    a.iter()
        .zip(b.iter())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y))
        == 0
}

async fn metrics(State(state): State<Shared>, headers: HeaderMap) -> Response {
    if state.metrics_token.is_empty() {
        return (
            StatusCode::FORBIDDEN,
            "metrics are off: set [metrics] token in radar.toml, or use radar serve --metrics-listen 127.0.0.1:PORT\n",
        )
            .into_response();
    }
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if given.is_empty() || !token_matches(given.trim(), &state.metrics_token) {
        let mut res = (StatusCode::UNAUTHORIZED, "metrics need the bearer token\n").into_response();
        res.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"metrics\""),
        );
        return res;
    }
    metrics_local(State(state)).await
}

async fn metrics_local(State(state): State<Shared>) -> Response {
    match blocking(&state, |s| render(s)).await {
        Ok(text) => (
            [(
                header::CONTENT_TYPE,
                "text/plain; version=0.0.4; charset=utf-8",
            )],
            text,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "metrics failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "metrics failed\n").into_response()
        }
    }
}

/// A label value, escaped as the text format wants.
fn label(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

fn family(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
}

/// The Prometheus text of every counter.
fn render(state: &AppState) -> Result<String, super::WebError> {
    let m = state.read(|s| Ok(s.metrics_snapshot()?))?;
    let mut out = String::new();
    family(
        &mut out,
        "radar_up",
        "gauge",
        "1 while radar serve answers.",
    );
    out.push_str("radar_up 1\n");
    family(&mut out, "radar_runs", "gauge", "Crawl runs by status.");
    for (status, n) in &m.runs {
        let _ = writeln!(out, "radar_runs{{status=\"{}\"}} {n}", label(status));
    }
    let per_source: [(&str, &str, fn(&crate::store::SourceCounters) -> u64); 6] = [
        ("radar_source_runs_total", "Runs of each source.", |s| {
            s.runs
        }),
        (
            "radar_source_fetches_total",
            "HTTP exchanges per source.",
            |s| s.fetches,
        ),
        (
            "radar_source_errors_total",
            "Failed fetches per source.",
            |s| s.errors,
        ),
        (
            "radar_source_challenge_pages_total",
            "Script-challenge (anti-bot) pages per source.",
            |s| s.challenges,
        ),
        (
            "radar_source_new_articles_total",
            "New articles per source.",
            |s| s.new_articles,
        ),
        (
            "radar_queue_pending",
            "Frontier tasks waiting, per source.",
            |s| s.pending,
        ),
    ];
    for (name, help, get) in per_source {
        let kind = if name.ends_with("_total") {
            "counter"
        } else {
            "gauge"
        };
        family(&mut out, name, kind, help);
        for s in &m.sources {
            let _ = writeln!(out, "{name}{{source=\"{}\"}} {}", label(&s.source), get(s));
        }
    }
    family(
        &mut out,
        "radar_run_now_queue",
        "gauge",
        "Sources queued with 立即运行, not yet started.",
    );
    let _ = writeln!(
        out,
        "radar_run_now_queue {}",
        state.run_queue.as_ref().map_or(0, |q| q.len())
    );
    family(&mut out, "radar_articles", "gauge", "Articles stored.");
    let _ = writeln!(out, "radar_articles {}", m.articles);
    family(
        &mut out,
        "radar_candidates",
        "gauge",
        "Candidates by status.",
    );
    for (status, n) in &m.candidates {
        let _ = writeln!(out, "radar_candidates{{status=\"{}\"}} {n}", label(status));
    }
    family(
        &mut out,
        "radar_ledger_entries",
        "gauge",
        "Entries in the score ledger.",
    );
    let _ = writeln!(out, "radar_ledger_entries {}", m.ledger_entries);
    if let Some(at) = m
        .last_checkpoint
        .as_deref()
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
    {
        family(
            &mut out,
            "radar_last_checkpoint_age_seconds",
            "gauge",
            "Seconds since the latest signed checkpoint.",
        );
        let age = (chrono::Utc::now() - at.with_timezone(&chrono::Utc)).num_seconds();
        let _ = writeln!(out, "radar_last_checkpoint_age_seconds {}", age.max(0));
    }
    if !m.outbox.is_empty() {
        family(
            &mut out,
            "radar_notification_outbox",
            "gauge",
            "Notifications waiting to be sent.",
        );
        for (table, n) in &m.outbox {
            let _ = writeln!(
                out,
                "radar_notification_outbox{{table=\"{}\"}} {n}",
                label(table)
            );
        }
    }
    if let Some(q) = &state.run_queue {
        family(
            &mut out,
            "radar_scheduler_alive",
            "gauge",
            "1 while the scheduler loop goes round.",
        );
        let _ = writeln!(out, "radar_scheduler_alive {}", u8::from(q.alive()));
    }
    Ok(out)
}
