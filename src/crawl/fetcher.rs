//! The fetcher: one `fetch` call turns a URL into a decoded page, obeying
//! robots.txt ([`super::robots`]), pacing ([`super::politeness`]), retries
//! ([`super::retry`]), HTTP and HTML redirects ([`super::redirect`]),
//! conditional GET and body limits, and archiving every exchange it makes on
//! the way ([`super::archiving`]).

use super::archiving::archive_exchange;
use super::body::{BodyError, decode_content};
use super::browser::Browser;
use super::decode::decode_html;
use super::fetched::{
    BrowserNote, FetchError, FetchOptions, FetchReport, Fetched, Journaled, RobotsAnswer, host_key,
};
use super::politeness::Politeness;
use super::redirect::{html_redirect, http_redirect_target};
use super::retry::{NextStep, RetryFailure, RetryPolicy};
use super::robots::{self, MAX_ROBOTS_REDIRECTS, RobotsRules};
use super::transport::{RawResponse, Transport};
use crate::archive::ArchiveWriter;
use crate::config::Settings;
use crate::model::BrowserUse;
use chrono::Utc;
use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use url::Url;

/// Tells a JavaScript challenge page from a page (status, decoded text):
/// `extract::detect_challenge`, handed in by the pipeline.
pub type ChallengeDetector = fn(u16, &str) -> Option<String>;

pub struct Fetcher {
    pub(super) transport: Transport,
    pub(super) settings: Settings,
    pub(super) politeness: Politeness,
    pub(super) archive: Arc<Mutex<ArchiveWriter>>,
    pub(super) shutdown: Arc<AtomicBool>,
    /// Headless Chromium, started the first time a host needs it.
    pub(super) browser: tokio::sync::OnceCell<Result<Arc<Browser>, String>>,
    /// Hosts that answered with a challenge this run (`browser = "on-challenge"`).
    pub(super) browser_hosts: Mutex<HashSet<String>>,
    pub(super) challenge: ChallengeDetector,
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
            browser: tokio::sync::OnceCell::new(),
            browser_hosts: Mutex::new(HashSet::new()),
            challenge: |_, _| None,
        }
    }

    /// Recognise challenge pages (without it, none is, and the browser is
    /// used only by sources that say `always`).
    pub fn with_challenge_detector(mut self, detector: ChallengeDetector) -> Self {
        self.challenge = detector;
        self
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

    pub(super) fn retry_policy(&self) -> RetryPolicy {
        let p = &self.settings.politeness;
        RetryPolicy {
            retries: p.retries,
            base: Duration::from_millis(p.backoff_base_ms),
            max_retry_after: Duration::from_secs(p.max_retry_after_secs),
        }
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
        archive_exchange(&self.archive, url, headers, &res, fetched_at, journal)?;
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
        let policy = self.retry_policy();
        let mut attempt = 0;
        loop {
            attempt += 1;
            let res = self.exchange(url, headers, pace, journal).await;
            let answer = match &res {
                Ok(r) => Some((r.status, r.header("retry-after"))),
                Err(FetchError::Transport(_)) => None,
                Err(_) => return res,
            };
            match policy.after(attempt, answer) {
                NextStep::Accept => return res,
                NextStep::GiveUp(RetryFailure::Status(s)) => return Err(FetchError::Status(s)),
                NextStep::GiveUp(RetryFailure::RetryAfterTooLong(s)) => {
                    return Err(FetchError::RetryAfterTooLong(s));
                }
                NextStep::GiveUp(RetryFailure::NoAnswer) => return res,
                NextStep::RetryAfter(wait) => {
                    if self.shutdown.load(Ordering::SeqCst) {
                        return Err(FetchError::Shutdown);
                    }
                    tracing::debug!(%url, attempt, ?wait, "retrying");
                    if !self.transport.is_replay() {
                        tokio::time::sleep(wait).await;
                    }
                }
            }
        }
    }

    /// robots.txt of the URL's host: fetched once per host per run (or taken
    /// from an earlier run's answer, see [`Fetcher::preload_robots`]) and
    /// archived. Returns the answer when it was fetched now and is definitive.
    pub(super) async fn robots_allows(
        &self,
        url: &Url,
        pace: Duration,
        browser: BrowserUse,
        note: &mut BrowserNote,
        journal: &mut Vec<Journaled>,
    ) -> Result<Option<RobotsAnswer>, FetchError> {
        if !self.settings.politeness.obey_robots || url.path() == "/robots.txt" {
            return Ok(None);
        }
        let key = host_key(url);
        let host = self.politeness.host(&key);
        let mut learnt = None;
        let rules = host
            .robots
            .get_or_try_init(|| async {
                let (rules, answer) = self
                    .fetch_robots(url, &key, pace, browser, note, journal)
                    .await?;
                learnt = answer;
                Ok::<_, FetchError>(rules)
            })
            .await?;
        match rules {
            RobotsRules::AllowAll => Ok(learnt),
            RobotsRules::DisallowAll(why) => Err(FetchError::RobotsUnavailable(why.clone())),
            RobotsRules::Parsed(robot) if robot.allowed(url.as_str()) => Ok(learnt),
            RobotsRules::Parsed(_) => Err(FetchError::RobotsDisallowed),
        }
    }

    /// Fetch and interpret a host's robots.txt, following up to five
    /// redirects (to any host, RFC 9309 §2.3.1.2).
    async fn fetch_robots(
        &self,
        url: &Url,
        key: &str,
        pace: Duration,
        browser: BrowserUse,
        note: &mut BrowserNote,
        journal: &mut Vec<Journaled>,
    ) -> Result<(RobotsRules, Option<RobotsAnswer>), FetchError> {
        let Ok(first) = url.join("/robots.txt") else {
            return Ok((RobotsRules::AllowAll, None));
        };
        let headers = self.request_headers(&FetchOptions::default());
        let agent = robots::agent_token(&self.settings.user_agent).to_string();
        let mut current = first.clone();
        let mut hops = 0;
        let raw = loop {
            let raw = match self
                .exchange_with_retries(&current, &headers, pace, journal)
                .await
            {
                Ok(r) => r,
                Err(e @ (FetchError::Archive(_) | FetchError::Shutdown)) => return Err(e),
                Err(e) => return Ok((RobotsRules::DisallowAll(e.to_string()), None)),
            };
            if (300..400).contains(&raw.status)
                && hops < MAX_ROBOTS_REDIRECTS
                && let Ok(Some(next)) = http_redirect_target(&current, raw.header("location"))
            {
                hops += 1;
                current = next;
                continue;
            }
            break raw;
        };
        // A challenged robots.txt (the whole host is behind the wall) is
        // asked again through the browser, when the source allows it.
        let raw = match self
            .robots_through_browser(&current, &raw, pace, browser, note, journal)
            .await?
        {
            Some(r) => r,
            None => raw,
        };
        let rules = robots::rules_from_answer(
            &agent,
            raw.status,
            &raw.body,
            raw.header("content-encoding"),
        );
        let answer = rules
            .is_definitive()
            .then(|| journal.last().map(|j| j.location.clone()))
            .flatten()
            .map(|location| RobotsAnswer {
                host: key.to_string(),
                url: first.to_string(),
                status: raw.status,
                location,
            });
        Ok((rules, answer))
    }

    /// robots.txt again through the browser when its HTTP answer was a
    /// challenge and the source allows the browser; None otherwise (or when
    /// the browser cannot start: the challenge then stands as the answer).
    async fn robots_through_browser(
        &self,
        url: &Url,
        raw: &RawResponse,
        pace: Duration,
        mode: BrowserUse,
        note: &mut BrowserNote,
        journal: &mut Vec<Journaled>,
    ) -> Result<Option<RawResponse>, FetchError> {
        if mode == BrowserUse::Never || self.transport.is_replay() {
            return Ok(None);
        }
        let text = decode_content(&raw.body, raw.header("content-encoding"), 1 << 20)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default();
        if (self.challenge)(raw.status, &text).is_none() {
            return Ok(None);
        }
        note.challenges += 1;
        self.remember_browser_host(url);
        let browser = match self.browser().await {
            Ok(b) => b,
            Err(why) => {
                note.unavailable = Some(why);
                return Ok(None);
            }
        };
        let mut inner = BrowserNote::default();
        // Boxed: the browser's own documents ask robots.txt in turn.
        match Box::pin(self.browser_exchange_with_retries(&browser, url, pace, &mut inner, journal))
            .await
        {
            Ok((_, r)) => {
                note.tried = true;
                note.solved |= inner.via_browser;
                Ok(Some(r))
            }
            Err(e @ (FetchError::Archive(_) | FetchError::Shutdown)) => Err(e),
            Err(e) => {
                tracing::warn!(%url, error = %e, "robots.txt through the browser failed");
                Ok(None)
            }
        }
    }

    /// Use a robots.txt answer archived by an earlier run (recent enough) instead
    /// of fetching it again. Ignored if this host's robots.txt is already known.
    pub fn preload_robots(
        &self,
        host: &str,
        status: u16,
        body: &[u8],
        content_encoding: Option<&str>,
    ) {
        let rules = robots::rules_from_answer(
            robots::agent_token(&self.settings.user_agent),
            status,
            body,
            content_encoding,
        );
        if rules.is_definitive() {
            let _ = self.politeness.host(host).robots.set(rules);
        }
    }

    /// Crawl-delay asked by robots.txt, if any, for this host.
    pub(super) fn crawl_delay(&self, url: &Url) -> Option<Duration> {
        let host = self.politeness.host(&host_key(url));
        match host.robots.get()? {
            RobotsRules::Parsed(r) => r
                .delay
                .filter(|d| d.is_finite())
                .map(|d| Duration::from_secs_f32(d.clamp(0.0, 600.0))),
            _ => None,
        }
    }

    /// Fetch a URL: robots, pacing, retries, redirects, decoding, archiving.
    pub async fn fetch(&self, url: &str, opts: &FetchOptions) -> FetchReport {
        let mut journal = Vec::new();
        let mut robots = None;
        let mut browser = BrowserNote::default();
        let result = self
            .fetch_inner(url, opts, &mut journal, &mut robots, &mut browser)
            .await;
        FetchReport {
            journal,
            robots,
            result,
            browser,
        }
    }

    async fn fetch_inner(
        &self,
        url: &str,
        opts: &FetchOptions,
        journal: &mut Vec<Journaled>,
        robots: &mut Option<RobotsAnswer>,
        note: &mut BrowserNote,
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
            if let Some(answer) = self
                .robots_allows(&current, opts.pace, opts.browser, note, journal)
                .await?
            {
                *robots = Some(answer);
            }
            let pace = self
                .crawl_delay(&current)
                .map_or(opts.pace, |d| d.max(opts.pace));
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
            let mut via_browser = false;
            let raw = match self.browser_for(&current, opts, note).await {
                Some(browser) => {
                    via_browser = true;
                    let (at, raw) = self
                        .browser_exchange_with_retries(&browser, &current, pace, note, journal)
                        .await?;
                    current = at;
                    raw
                }
                None => {
                    self.exchange_with_retries(&current, &headers, pace, journal)
                        .await?
                }
            };
            let location = journal
                .last()
                .map(|j| j.location.clone())
                .ok_or_else(|| FetchError::Archive("no record".into()))?;
            if (300..400).contains(&raw.status) && raw.status != 304 {
                let target = http_redirect_target(&current, raw.header("location"))
                    .map_err(FetchError::UnsupportedRedirect)?
                    .ok_or(FetchError::Status(raw.status))?;
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
            if !via_browser
                && let Some(t) = &text
                && let Some(why) = (self.challenge)(raw.status, &t.text)
            {
                note.challenges += 1;
                if opts.browser == BrowserUse::OnChallenge
                    && !self.transport.is_replay()
                    && note.unavailable.is_none()
                {
                    tracing::info!(url = %current, %why, "challenge over HTTP: the host goes through the browser");
                    self.remember_browser_host(&current);
                    match self.browser().await {
                        Ok(_) => {
                            // Asked again, now through the browser.
                            seen.remove(current.as_str());
                            continue;
                        }
                        // The challenge page stands; the note says why.
                        Err(why) => note.unavailable = Some(why),
                    }
                }
            }
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

impl Fetcher {
    /// The browser, when this request should go through it and it can be
    /// started; when it cannot, the note says why and HTTP is used.
    async fn browser_for(
        &self,
        url: &Url,
        opts: &FetchOptions,
        note: &mut BrowserNote,
    ) -> Option<Arc<Browser>> {
        if note.unavailable.is_some() || !self.wants_browser(url, opts.browser) {
            return None;
        }
        match self.browser().await {
            Ok(b) => Some(b),
            Err(why) => {
                note.unavailable = Some(why);
                None
            }
        }
    }
}

/// Whether a body is text worth decoding: a text-like content type, or no
/// type and no NUL byte.
pub fn is_text(content_type: Option<&str>, body: &[u8]) -> bool {
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
