//! What the fetcher takes and gives: per-request options, the archived
//! exchanges of one fetch, the fetched page and the ways a fetch fails.

use super::body::BodyError;
use super::decode::Decoded;
use super::retry::retryable_status;
use super::transport::TransportError;
use crate::archive::RecordLocation;
use crate::model::{BrowserUse, Validators};
use std::time::Duration;
use url::Url;

/// Per-request options.
#[derive(Debug, Clone, Default)]
pub struct FetchOptions {
    /// Minimum gap between requests to the URL's host.
    pub pace: Duration,
    /// Validators for a conditional GET (index pages).
    pub validators: Option<Validators>,
    pub headers: Vec<(String, String)>,
    /// Follow any meta refresh or JS location (entry pages).
    pub eager_html_redirects: bool,
    /// When this source's pages may go through headless Chromium.
    pub browser: BrowserUse,
}

/// What one fetch met of JavaScript challenges and the browser, for the
/// source's health.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BrowserNote {
    /// Challenge answers met on the way (over HTTP or in the browser).
    pub challenges: u32,
    /// A challenge was met and the page was then had through the browser.
    pub solved: bool,
    /// The page came through the browser.
    pub via_browser: bool,
    /// The browser was asked for the page (whatever came of it).
    pub tried: bool,
    /// The browser was wanted (a challenge, or `browser = "always"`) but
    /// could not be started: why.
    pub unavailable: Option<String>,
}

/// One archived exchange, for the store's resources table.
#[derive(Debug, Clone)]
pub struct Journaled {
    pub url: String,
    pub status: Option<u16>,
    pub content_type: Option<String>,
    pub fetched_at: String,
    pub location: RecordLocation,
    pub error: Option<String>,
}

/// A fetched page.
#[derive(Debug, Clone)]
pub struct Fetched {
    pub final_url: Url,
    pub status: u16,
    pub headers: Vec<(String, String)>,
    /// Decoded body bytes (content-decoded, not charset-decoded).
    pub body: Vec<u8>,
    /// The body as text, for text content types.
    pub text: Option<Decoded>,
    /// 304 to a conditional GET.
    pub not_modified: bool,
    /// Where the final response is archived.
    pub location: RecordLocation,
}

impl Fetched {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    pub fn content_type(&self) -> Option<&str> {
        self.header("content-type")
    }
    pub fn validators(&self) -> Validators {
        Validators {
            etag: self.header("etag").map(str::to_string),
            last_modified: self.header("last-modified").map(str::to_string),
            payload_sha256: self.location.payload_sha256.clone(),
        }
    }
}

/// A definitive robots.txt answer learnt during a fetch (2xx or 4xx, after
/// its redirects): the pipeline keeps it so later runs need not ask again.
/// Server errors and unreachable hosts are never kept: they are retried on
/// the next run.
#[derive(Debug, Clone, PartialEq)]
pub struct RobotsAnswer {
    /// The host key (`host:port`) the answer is for.
    pub host: String,
    /// `/robots.txt` of that host (the first URL asked).
    pub url: String,
    pub status: u16,
    /// The archived final answer.
    pub location: RecordLocation,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FetchError {
    #[error("disallowed by robots.txt")]
    RobotsDisallowed,
    #[error("robots.txt unavailable ({0}); host skipped until the next run")]
    RobotsUnavailable(String),
    #[error(transparent)]
    Transport(#[from] TransportError),
    #[error("HTTP {0}")]
    Status(u16),
    #[error("Retry-After of {0} s is longer than the configured maximum")]
    RetryAfterTooLong(u64),
    #[error("redirect loop at {0}")]
    RedirectLoop(String),
    #[error("more than {0} redirects")]
    TooManyRedirects(u32),
    #[error("redirect to an unsupported scheme: {0}")]
    UnsupportedRedirect(String),
    #[error(transparent)]
    Body(#[from] BodyError),
    /// Writing the archive failed (a full disk): the run must stop, since
    /// nothing may be recorded without its evidence.
    #[error("archive: {0}")]
    Archive(String),
    #[error("not a valid URL: {0}")]
    BadUrl(String),
    #[error("shutting down")]
    Shutdown,
    #[error("browser: {0}")]
    Browser(String),
}

impl FetchError {
    /// Worth trying again on a later run.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            FetchError::Transport(_)
                | FetchError::Browser(_)
                | FetchError::RetryAfterTooLong(_)
                | FetchError::RobotsUnavailable(_)
                | FetchError::Archive(_)
                | FetchError::Shutdown
        ) || matches!(self, FetchError::Status(s) if retryable_status(*s))
    }
}

/// What a fetch did: the archived exchanges (always), a robots.txt answer
/// learnt on the way, and the outcome.
pub struct FetchReport {
    pub journal: Vec<Journaled>,
    pub robots: Option<RobotsAnswer>,
    pub result: Result<Fetched, FetchError>,
    pub browser: BrowserNote,
}

/// Pacing and robots are per host and port.
pub fn host_key(url: &Url) -> String {
    format!(
        "{}:{}",
        url.host_str().unwrap_or(""),
        url.port_or_known_default().unwrap_or(0)
    )
}
