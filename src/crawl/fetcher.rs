//! The fetcher: one `fetch` call turns a URL into a decoded page, obeying
//! robots.txt, pacing, retries, HTTP and HTML redirects, conditional GET and
//! body limits, and archiving every exchange it makes on the way.

use super::body::{BodyError, decode_content};
use super::decode::{Decoded, decode_html};
use super::politeness::{Politeness, RobotsRules};
use super::redirect::html_redirect;
use super::retry::{backoff, retry_after, retryable_status};
use super::transport::{RawResponse, Transport, TransportError};
use crate::archive::{ArchiveWriter, Exchange, RecordLocation};
use crate::config::Settings;
use crate::store::Validators;
use chrono::Utc;
use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
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
    pub fn validators(&self) -> Validators {
        Validators {
            etag: self.header("etag").map(str::to_string),
            last_modified: self.header("last-modified").map(str::to_string),
            payload_sha256: self.location.payload_sha256.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FetchError {
    #[error("disallowed by robots.txt")]
    RobotsDisallowed,
    #[error("robots.txt unavailable ({0}); host skipped this run")]
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
    #[error(transparent)]
    Body(#[from] BodyError),
    #[error("archive: {0}")]
    Archive(String),
    #[error("not a valid URL: {0}")]
    BadUrl(String),
    #[error("shutting down")]
    Shutdown,
}

impl FetchError {
    /// Worth trying again on a later run.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            FetchError::Transport(_)
                | FetchError::RetryAfterTooLong(_)
                | FetchError::RobotsUnavailable(_)
                | FetchError::Shutdown
        ) || matches!(self, FetchError::Status(s) if retryable_status(*s))
    }
}

pub struct Fetcher {
    transport: Transport,
    settings: Settings,
    politeness: Politeness,
    archive: Arc<Mutex<ArchiveWriter>>,
    shutdown: Arc<AtomicBool>,
}

/// What a fetch did: the archived exchanges (always) and the outcome.
pub struct FetchReport {
    pub journal: Vec<Journaled>,
    pub result: Result<Fetched, FetchError>,
}

impl Fetcher {
    pub fn new(
        transport: Transport,
        settings: Settings,
        archive: Arc<Mutex<ArchiveWriter>>,
        shutdown: Arc<AtomicBool>,
    ) -> Self {
        let pacing = !transport.is_replay();
        let politeness = Politeness::new(settings.politeness.concurrency, pacing);
        Fetcher {
            transport,
            settings,
            politeness,
            archive,
            shutdown,
        }
    }

    pub fn is_replay(&self) -> bool {
        self.transport.is_replay()
    }

    pub fn archive(&self) -> &Arc<Mutex<ArchiveWriter>> {
        &self.archive
    }

    fn request_headers(&self, opts: &FetchOptions) -> Vec<(String, String)> {
        let mut h = vec![
            ("User-Agent".to_string(), self.settings.user_agent.clone()),
            (
                "Accept".to_string(),
                "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8".to_string(),
            ),
            (
                "Accept-Language".to_string(),
                self.settings.accept_language.clone(),
            ),
            (
                "Accept-Encoding".to_string(),
                "gzip, deflate, br".to_string(),
            ),
        ];
        h.extend(opts.headers.iter().cloned());
        h
    }

    /// One exchange with a host: pacing, the transport, the archive.
    async fn exchange(
        &self,
        url: &Url,
        headers: &[(String, String)],
        pace: Duration,
        journal: &mut Vec<Journaled>,
    ) -> Result<RawResponse, FetchError> {
        let host = self.politeness.host(&host_key(url));
        let _permit = self.politeness.acquire(&host, pace).await;
        let fetched_at = Utc::now();
        let res = self
            .transport
            .get(url, headers, self.settings.politeness.max_body_bytes)
            .await;
        let (status, error) = match &res {
            Ok(r) => (Some(r.status), None),
            Err(e) => (None, Some(e.to_string())),
        };
        let empty = Vec::new();
        let (resp_headers, body, reason, truncated) = match &res {
            Ok(r) => (
                &r.headers,
                r.body.as_slice(),
                r.reason.as_str(),
                r.truncated,
            ),
            Err(_) => (&empty, &[][..], "", false),
        };
        let location = {
            let mut archive = self.archive.lock().unwrap_or_else(|p| p.into_inner());
            archive
                .write_exchange(&Exchange {
                    url: url.as_str(),
                    method: "GET",
                    request_headers: headers,
                    status,
                    reason,
                    response_headers: resp_headers,
                    body,
                    truncated,
                    error: error.as_deref(),
                    fetched_at,
                })
                .map_err(|e| FetchError::Archive(e.to_string()))?
        };
        journal.push(Journaled {
            url: url.to_string(),
            status,
            content_type: res
                .as_ref()
                .ok()
                .and_then(|r| r.header("content-type"))
                .map(str::to_string),
            fetched_at: fetched_at.to_rfc3339(),
            location,
            error,
        });
        Ok(res?)
    }

    /// Exchange with retries on timeouts, 5xx and 429.
    async fn exchange_with_retries(
        &self,
        url: &Url,
        headers: &[(String, String)],
        pace: Duration,
        journal: &mut Vec<Journaled>,
    ) -> Result<RawResponse, FetchError> {
        let p = &self.settings.politeness;
        let base = Duration::from_millis(p.backoff_base_ms);
        let mut attempt = 0;
        loop {
            let res = self.exchange(url, headers, pace, journal).await;
            let wait = match &res {
                Ok(r) if retryable_status(r.status) => {
                    match r.header("retry-after").and_then(retry_after) {
                        Some(d) if d.as_secs() > p.max_retry_after_secs => {
                            return Err(FetchError::RetryAfterTooLong(d.as_secs()));
                        }
                        // At least what the server asked for; the backoff (capped
                        // one base above it) adds jitter so retries do not align.
                        Some(d) => d.max(backoff(base, attempt + 1).min(d + base)),
                        None => backoff(base, attempt + 1),
                    }
                }
                Err(FetchError::Transport(_)) => backoff(base, attempt + 1),
                _ => return res,
            };
            attempt += 1;
            if attempt > p.retries {
                return match res {
                    Ok(r) => Err(FetchError::Status(r.status)),
                    Err(e) => Err(e),
                };
            }
            if self.shutdown.load(Ordering::SeqCst) {
                return Err(FetchError::Shutdown);
            }
            tracing::debug!(%url, attempt, ?wait, "retrying");
            if !self.transport.is_replay() {
                tokio::time::sleep(wait).await;
            }
        }
    }

    /// robots.txt of the URL's host, fetched once per host and archived.
    async fn robots_allows(
        &self,
        url: &Url,
        pace: Duration,
        journal: &mut Vec<Journaled>,
    ) -> Result<(), FetchError> {
        if !self.settings.politeness.obey_robots || url.path() == "/robots.txt" {
            return Ok(());
        }
        let host = self.politeness.host(&host_key(url));
        let rules = host
            .robots
            .get_or_init(|| async {
                let Ok(robots_url) = url.join("/robots.txt") else {
                    return RobotsRules::AllowAll;
                };
                let headers = self.request_headers(&FetchOptions::default());
                match self
                    .exchange_with_retries(&robots_url, &headers, pace, journal)
                    .await
                {
                    Ok(r) => self.robots_rules(r.status, &r.body, r.header("content-encoding")),
                    Err(e) => RobotsRules::DisallowAll(e.to_string()),
                }
            })
            .await;
        match rules {
            RobotsRules::AllowAll => Ok(()),
            RobotsRules::DisallowAll(why) => Err(FetchError::RobotsUnavailable(why.clone())),
            RobotsRules::Parsed(robot) if robot.allowed(url.as_str()) => Ok(()),
            RobotsRules::Parsed(_) => Err(FetchError::RobotsDisallowed),
        }
    }

    /// What a robots.txt answer means: 2xx is parsed, 4xx allows everything,
    /// 5xx disallows the host for this run.
    fn robots_rules(&self, status: u16, raw: &[u8], content_encoding: Option<&str>) -> RobotsRules {
        match status {
            200..=299 => {
                let body = decode_content(raw, content_encoding, 512 * 1024).unwrap_or_default();
                match texting_robots::Robot::new(&self.robots_agent(), &body) {
                    Ok(robot) => RobotsRules::Parsed(Box::new(robot)),
                    Err(_) => RobotsRules::AllowAll,
                }
            }
            400..=499 => RobotsRules::AllowAll,
            s => RobotsRules::DisallowAll(format!("HTTP {s}")),
        }
    }

    /// Use a robots.txt answer archived by an earlier run (recent enough) instead
    /// of fetching it again. Ignored if this host's robots.txt is already known.
    pub fn preload_robots(
        &self,
        robots_url: &str,
        status: u16,
        body: &[u8],
        content_encoding: Option<&str>,
    ) {
        let Ok(url) = Url::parse(robots_url) else {
            return;
        };
        let host = self.politeness.host(&host_key(&url));
        let _ = host
            .robots
            .set(self.robots_rules(status, body, content_encoding));
    }

    /// The product token robots.txt groups are matched against.
    fn robots_agent(&self) -> String {
        self.settings
            .user_agent
            .split(['/', ' '])
            .next()
            .unwrap_or("reform-radar")
            .to_string()
    }

    /// Crawl-delay asked by robots.txt, if any, for this host.
    fn crawl_delay(&self, url: &Url) -> Option<Duration> {
        let host = self.politeness.host(&host_key(url));
        match host.robots.get()? {
            RobotsRules::Parsed(r) => r
                .delay
                .map(|d| Duration::from_secs_f32(d.clamp(0.0, 600.0))),
            _ => None,
        }
    }

    /// Fetch a URL: robots, pacing, retries, redirects, decoding, archiving.
    pub async fn fetch(&self, url: &str, opts: &FetchOptions) -> FetchReport {
        let mut journal = Vec::new();
        let result = self.fetch_inner(url, opts, &mut journal).await;
        FetchReport { journal, result }
    }

    async fn fetch_inner(
        &self,
        url: &str,
        opts: &FetchOptions,
        journal: &mut Vec<Journaled>,
    ) -> Result<Fetched, FetchError> {
        if self.shutdown.load(Ordering::SeqCst) {
            return Err(FetchError::Shutdown);
        }
        let mut current = Url::parse(url).map_err(|e| FetchError::BadUrl(format!("{url}: {e}")))?;
        let mut seen = HashSet::new();
        let mut hops = 0;
        let max = self.settings.politeness.max_redirects;
        loop {
            if !seen.insert(current.to_string()) {
                return Err(FetchError::RedirectLoop(current.to_string()));
            }
            let base_pace = opts.pace;
            self.robots_allows(&current, base_pace, journal).await?;
            let pace = self
                .crawl_delay(&current)
                .map_or(base_pace, |d| d.max(base_pace));
            let mut headers = self.request_headers(opts);
            if hops == 0
                && let Some(v) = &opts.validators
            {
                if let Some(etag) = &v.etag {
                    headers.push(("If-None-Match".into(), etag.clone()));
                }
                if let Some(lm) = &v.last_modified {
                    headers.push(("If-Modified-Since".into(), lm.clone()));
                }
            }
            let raw = self
                .exchange_with_retries(&current, &headers, pace, journal)
                .await?;
            let location = journal
                .last()
                .map(|j| j.location.clone())
                .ok_or_else(|| FetchError::Archive("no record".into()))?;
            if (300..400).contains(&raw.status) && raw.status != 304 {
                let Some(target) = raw.header("location").and_then(|l| current.join(l).ok()) else {
                    return Err(FetchError::Status(raw.status));
                };
                hops += 1;
                if hops > max {
                    return Err(FetchError::TooManyRedirects(max));
                }
                current = target;
                continue;
            }
            if raw.status == 304 {
                return Ok(Fetched {
                    final_url: current,
                    status: 304,
                    headers: raw.headers,
                    body: vec![],
                    text: None,
                    not_modified: true,
                    location,
                });
            }
            if raw.truncated {
                return Err(FetchError::Body(BodyError::TooLarge(
                    self.settings.politeness.max_body_bytes,
                )));
            }
            let body = decode_content(
                &raw.body,
                raw.header("content-encoding"),
                self.settings.politeness.max_body_bytes,
            )?;
            let content_type = raw.header("content-type").map(str::to_string);
            let text = is_text(content_type.as_deref(), &body)
                .then(|| decode_html(&body, content_type.as_deref()));
            if (200..300).contains(&raw.status)
                && let Some(t) = &text
                && let Some(target) = html_redirect(&t.text, &current, opts.eager_html_redirects)
                && target != current
            {
                hops += 1;
                if hops > max {
                    return Err(FetchError::TooManyRedirects(max));
                }
                current = target;
                continue;
            }
            return Ok(Fetched {
                final_url: current,
                status: raw.status,
                headers: raw.headers,
                body,
                text,
                not_modified: false,
                location,
            });
        }
    }
}

/// Pacing and robots are per host and port.
fn host_key(url: &Url) -> String {
    format!(
        "{}:{}",
        url.host_str().unwrap_or(""),
        url.port_or_known_default().unwrap_or(0)
    )
}

fn is_text(content_type: Option<&str>, body: &[u8]) -> bool {
    match content_type {
        Some(ct) => {
            let ct = ct.to_ascii_lowercase();
            ct.starts_with("text/")
                || ct.contains("html")
                || ct.contains("xml")
                || ct.contains("json")
                || ct.contains("javascript")
        }
        None => !body.contains(&0),
    }
}
