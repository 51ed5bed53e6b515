//! The reviewers' web UI and JSON API (axum; the only module that imports
//! it). Server-rendered pages in Simplified Chinese, sessions kept in the
//! store, CSRF tokens on every form, login throttling and security headers
//! on every response. Every ledger change records the logged-in user.
//!
//! `auth` finds who is asking (session cookie or bearer token) and what they
//! may see (`Scope`), `api` is the JSON API, `pages` the HTML, `accounts`
//! the users, passwords and tokens.

pub mod accounts;
mod api;
mod auth;
mod decide;
mod exports;
mod exports_gate;
mod manual;
mod notify_settings;
mod ops;
mod pages;
mod participation;
mod pool;
mod review_api;
mod serve_loop;
mod sources;
mod staging;
mod trail;
mod users_page;

pub use auth::now_utc;
pub use manual::MAX_UPLOAD_BYTES;
pub(crate) use staging::Staging;

use crate::config::Home;
use crate::index::{IndexError, SearchIndex, SearchRequest, SearchResults};
use crate::model::{Registry, Rules, SourceDef};
use crate::pipeline::ReviewError;
use crate::store::Store;
use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

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
    TooLarge(String),
    /// The server is busy or short of space: try again later (503).
    #[error("{0}")]
    Unavailable(String),
    #[error("{0}")]
    Internal(String),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

impl WebError {
    pub fn status(&self) -> StatusCode {
        match self {
            WebError::Unauthorized => StatusCode::UNAUTHORIZED,
            WebError::Forbidden(_) => StatusCode::FORBIDDEN,
            WebError::NotFound(_) => StatusCode::NOT_FOUND,
            WebError::BadRequest(_) => StatusCode::BAD_REQUEST,
            WebError::Conflict(_) => StatusCode::CONFLICT,
            WebError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            WebError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            WebError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            WebError::Internal(_) | WebError::Store(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl WebError {
    /// What a page or the API may show: an internal error is logged in
    /// full and answered without its detail (no paths of the server).
    pub fn public_message(&self) -> String {
        match self {
            WebError::Internal(m) => {
                tracing::error!(error = %m, "web request failed");
                "服务器内部错误，详情已记入服务器日志".into()
            }
            WebError::Store(e) => {
                tracing::error!(error = %e, "web request failed (store)");
                "服务器内部错误（数据库），详情已记入服务器日志".into()
            }
            other => other.to_string(),
        }
    }
}

impl From<ReviewError> for WebError {
    fn from(e: ReviewError) -> WebError {
        match e {
            ReviewError::NoCandidate(n) => WebError::NotFound(format!("没有候选证据 {n}")),
            // In Chinese for the reviewer, with the English the API documents.
            ReviewError::AlreadyConfirmed {
                entry,
                ref reviewer,
                ref at,
            } => WebError::Conflict(format!(
                "已由 {reviewer} 于 {} 确认，见台账第 {} 条（{e}）",
                pages::beijing_time(at),
                entry + 1
            )),
            ReviewError::Invalid(m) => WebError::Conflict(review_in_chinese(&m)),
            ReviewError::Refused { zh, .. } => WebError::BadRequest(zh),
            ReviewError::Store(s) => WebError::Store(s),
            other => WebError::Internal(other.to_string()),
        }
    }
}

/// The review stage's refusals (English for the CLI) in a reviewer's words,
/// with the English kept in brackets for the API.
fn review_in_chinese(m: &str) -> String {
    let said = if m.contains("already rejected") {
        "这条候选证据已被驳回，没有再次驳回"
    } else if m.contains("undo it first") || m.contains("is confirmed") {
        "这条候选证据已确认：请先在台账中撤销，再驳回"
    } else if m.contains("is a lead") {
        "这是一条线索（来源不计分）：请先转为候选证据，或人工录入"
    } else if m.contains("was withdrawn") {
        "这条候选证据已撤回（匹配已失效）：请先重新打开"
    } else if m.contains("not rejected") {
        "这条候选证据没有被驳回，无需撤回"
    } else if m.contains("already undone") {
        "台账中的这一条已经撤销过"
    } else if m.contains("itself an undo") {
        "这一条本身是撤销记录：请重新确认候选证据"
    } else if m.contains("no ledger entry") {
        "没有这一条台账记录"
    } else if m.contains("has no date") {
        "文章没有日期：请在“证据日期”中填写"
    } else if m.contains("is not an item of rules.toml") {
        "所选条目不在评分细则中"
    } else {
        return m.to_string();
    };
    format!("{said}（{m}）")
}

/// Problems starting the server.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("configuration problems:\n{0}")]
    Config(String),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    /// The cause is the error's source (printed after it, once).
    #[error("cannot listen on {addr}")]
    Bind {
        addr: String,
        source: std::io::Error,
    },
    #[error(
        "--metrics-listen {0} is not a loopback address: metrics without a token are only served to this host (use 127.0.0.1:PORT, or [metrics] token)"
    )]
    NotLoopback(String),
    #[error("web server: {0}")]
    Io(#[from] std::io::Error),
}

/// What every request shares: the home, its rules and registry, the store
/// (one writer connection, SQLite serialises writers anyway, and a pool of
/// readers) and the search index.
pub(crate) struct AppState {
    home: Home,
    rules: Rules,
    registry: Registry,
    commission: String,
    sources: Vec<SourceDef>,
    default_schedule: String,
    /// The scheduler's queue of run-now requests (`None`: no scheduler here).
    run_queue: Option<RunQueue>,
    store: Mutex<Store>,
    readers: pool::ReadPool,
    /// Opened on the first search; searches run side by side on it.
    index: Mutex<Option<Arc<SearchIndex>>>,
    /// Held while bringing the index up to date (one catch-up at a time).
    catch_up: Mutex<()>,
    /// `[web] trusted_proxies` of radar.toml.
    trusted_proxies: Vec<std::net::IpAddr>,
    /// Heavy exports running now (bundles), per user and in all.
    exports: exports_gate::ExportGate,
    /// `[metrics] token`: the bearer token `/metrics` wants (empty: refused).
    metrics_token: String,
}

type Shared = Arc<AppState>;

/// Sources an admin asked to run now (the 信息源 page's 立即运行), taken by
/// the scheduler loop of `radar serve`, which checks it between its sleeps,
/// and the loop's heartbeat (`/healthz`: is the scheduler alive?).
#[derive(Debug, Clone, Default)]
pub struct RunQueue(Arc<Mutex<Vec<String>>>, Arc<Heartbeat>);

/// When the scheduler loop last went round, and whether it is in a run.
#[derive(Debug, Default)]
pub struct Heartbeat {
    /// Unix milliseconds of the last beat (0: never).
    last: std::sync::atomic::AtomicI64,
    running: std::sync::atomic::AtomicBool,
}

/// The scheduler loop beats at least every half second while it waits.
pub const HEARTBEAT_STALE_MS: i64 = 10_000;

impl RunQueue {
    /// Queue a source once (a second request before the run is the same run).
    pub fn push(&self, source: &str) {
        if let Ok(mut q) = self.0.lock()
            && !q.iter().any(|s| s == source)
        {
            q.push(source.to_string());
        }
    }

    /// Everything queued, emptying the queue.
    pub fn take(&self) -> Vec<String> {
        self.0
            .lock()
            .map(|mut q| std::mem::take(&mut *q))
            .unwrap_or_default()
    }

    pub fn is_empty(&self) -> bool {
        self.0.lock().map_or(true, |q| q.is_empty())
    }

    pub fn len(&self) -> usize {
        self.0.lock().map_or(0, |q| q.len())
    }

    /// The scheduler loop is alive now; `running`: a crawl is under way.
    pub fn beat(&self, running: bool) {
        use std::sync::atomic::Ordering;
        self.1
            .last
            .store(chrono::Utc::now().timestamp_millis(), Ordering::SeqCst);
        self.1.running.store(running, Ordering::SeqCst);
    }

    /// Alive: in a run, or beat within [`HEARTBEAT_STALE_MS`].
    pub fn alive(&self) -> bool {
        use std::sync::atomic::Ordering;
        let last = self.1.last.load(Ordering::SeqCst);
        self.1.running.load(Ordering::SeqCst)
            || (last > 0 && chrono::Utc::now().timestamp_millis() - last < HEARTBEAT_STALE_MS)
    }
}

impl AppState {
    /// Read on one of the pool's connections (never behind a write).
    fn read<T>(&self, f: impl FnOnce(&Store) -> Result<T, WebError>) -> Result<T, WebError> {
        self.readers.read(f)
    }

    /// Write on the one writer connection, one write at a time.
    fn with_store<T>(
        &self,
        f: impl FnOnce(&mut Store) -> Result<T, WebError>,
    ) -> Result<T, WebError> {
        let mut guard = self
            .store
            .lock()
            .map_err(|_| WebError::Internal("the store connection is poisoned".into()))?;
        f(&mut guard)
    }

    /// Search after bringing the index up to date with the store (unless a
    /// crawl holds the home and keeps the index current itself).
    fn search(&self, req: &SearchRequest) -> Result<SearchResults, WebError> {
        let index = {
            let mut guard = self
                .index
                .lock()
                .map_err(|_| WebError::Internal("the search index is poisoned".into()))?;
            match guard.as_ref() {
                Some(index) => index.clone(),
                None => {
                    let index =
                        Arc::new(SearchIndex::open(&self.home.index_dir()).map_err(|e| {
                            WebError::Internal(format!("opening the search index: {e}"))
                        })?);
                    *guard = Some(index.clone());
                    index
                }
            }
        };
        if !crate::store::HomeLock::is_held(self.home.root()) {
            // One catch-up at a time; a search arriving meanwhile runs on the
            // index as it is rather than queueing behind it.
            if let Ok(_one) = self.catch_up.try_lock() {
                let caught =
                    self.read(|store| Ok(index.catch_up(&crate::pipeline::MatchedFeed(store))))?;
                match caught {
                    Ok(n) if n > 0 => {
                        index
                            .close_writer()
                            .map_err(|e| WebError::Internal(format!("search index: {e}")))?;
                    }
                    Ok(_) | Err(IndexError::Locked(_)) => {}
                    Err(e) => return Err(WebError::Internal(format!("search index: {e}"))),
                }
            }
        }
        match index.search(req) {
            Ok(r) => Ok(r),
            Err(IndexError::Query(e)) => Err(WebError::BadRequest(e.to_string())),
            Err(e) => Err(WebError::Internal(format!("searching: {e}"))),
        }
    }
}

/// Run blocking work (SQLite, argon2, tantivy) off the async threads.
async fn blocking<T: Send + 'static>(
    state: &Shared,
    f: impl FnOnce(&AppState) -> Result<T, WebError> + Send + 'static,
) -> Result<T, WebError> {
    let s = state.clone();
    tokio::task::spawn_blocking(move || f(&s))
        .await
        .map_err(|e| WebError::Internal(format!("worker: {e}")))?
}

/// The policy of every page; the archived view sets its own, stricter one.
pub const PAGE_CSP: &str =
    "default-src 'self'; script-src 'self'; object-src 'none'; frame-ancestors 'none'";

/// Security headers on every response (a handler's own are kept).
async fn security_headers(mut res: Response) -> Response {
    let h = res.headers_mut();
    for (name, value) in [
        (header::CONTENT_SECURITY_POLICY, PAGE_CSP),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_FRAME_OPTIONS, "DENY"),
    ] {
        h.entry(name).or_insert(HeaderValue::from_static(value));
    }
    h.entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    res
}

fn router(state: Shared) -> Router {
    Router::new()
        .merge(pages::routes())
        .merge(manual::routes())
        .merge(sources::routes())
        .merge(notify_settings::routes())
        .merge(exports::routes())
        .merge(participation::routes())
        .merge(api::routes())
        .merge(review_api::routes())
        .merge(auth::routes())
        .merge(users_page::routes())
        .merge(ops::routes())
        .layer(axum::middleware::map_response(security_headers))
        .with_state(state)
}

/// The web server, bound and ready to run.
pub struct Server {
    listener: tokio::net::TcpListener,
    app: Router,
    state: Shared,
}

impl Server {
    /// Load the home (rules, registry, store) and bind `addr` (port 0: any
    /// free port), with no scheduler: the 信息源 page cannot run a source now.
    pub async fn bind(home: &Home, addr: &str) -> Result<Server, ServeError> {
        Server::bind_with(home, addr, None).await
    }

    /// As `bind`, with the queue the scheduler loop takes run-now requests from.
    pub async fn bind_with(
        home: &Home,
        addr: &str,
        run_queue: Option<RunQueue>,
    ) -> Result<Server, ServeError> {
        let (checked, registry) =
            crate::registry::check_home(home).map_err(|p| ServeError::Config(p.to_string()))?;
        let store = Store::open(&home.db_path())?;
        // What a killed server left staged (uploads, exports) goes now.
        let swept = staging::sweep_stale(home, staging::STALE);
        if swept > 0 {
            tracing::info!(swept, "removed stale staging folders under tmp/");
        }
        let state = Arc::new(AppState {
            home: Home::new(home.root().to_path_buf()),
            rules: checked.rules,
            registry,
            commission: checked.settings.commission,
            sources: checked.sources,
            default_schedule: checked.settings.schedule.default,
            run_queue,
            store: Mutex::new(store),
            readers: pool::ReadPool::new(home.db_path()),
            index: Mutex::new(None),
            catch_up: Mutex::new(()),
            trusted_proxies: checked.settings.web.trusted_proxy_addrs(),
            exports: exports_gate::ExportGate::default(),
            metrics_token: checked.settings.metrics.token,
        });
        let swept = crate::pipeline::leftovers::sweep(home);
        if swept > 0 {
            tracing::info!(
                swept,
                "removed leftover partial files (.part, empty archives)"
            );
        }
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|source| ServeError::Bind {
                addr: addr.to_string(),
                source,
            })?;
        Ok(Server {
            listener,
            app: router(state.clone()),
            state,
        })
    }

    pub fn local_addr(&self) -> Result<SocketAddr, ServeError> {
        Ok(self.listener.local_addr()?)
    }

    /// A second listener, on a loopback address only, answering `/metrics`
    /// without a token (and `/healthz`): for a Prometheus on the same host.
    pub async fn metrics_listener(&self, addr: &str) -> Result<MetricsServer, ServeError> {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|source| ServeError::Bind {
                addr: addr.to_string(),
                source,
            })?;
        let local = listener.local_addr()?;
        if !local.ip().is_loopback() {
            return Err(ServeError::NotLoopback(local.to_string()));
        }
        Ok(MetricsServer {
            listener,
            app: ops::local_routes().with_state(self.state.clone()),
        })
    }

    /// Serve until `shutdown` completes.
    pub async fn run(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> Result<(), ServeError> {
        serve_loop::serve(self.listener, self.app, shutdown).await?;
        Ok(())
    }
}

/// The loopback-only metrics listener (see [`Server::metrics_listener`]).
pub struct MetricsServer {
    listener: tokio::net::TcpListener,
    app: Router,
}

impl MetricsServer {
    pub fn local_addr(&self) -> Result<SocketAddr, ServeError> {
        Ok(self.listener.local_addr()?)
    }

    pub async fn run(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> Result<(), ServeError> {
        axum::serve(self.listener, self.app)
            .with_graceful_shutdown(shutdown)
            .await?;
        Ok(())
    }
}

/// An error as the API answers it: `{"error": "…"}` with its status.
fn json_error(e: &WebError) -> Response {
    (
        e.status(),
        axum::Json(serde_json::json!({ "error": e.public_message() })),
    )
        .into_response()
}
