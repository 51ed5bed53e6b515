//! Fetching one page through headless Chromium with the fetcher's rules.
//! The tab's requests are all paused by the DevTools `Fetch` domain: before
//! one is sent it must be allowed (a document, or a script/XHR from the
//! page's own host: no images, media, styles, fonts or third parties), allowed
//! by robots.txt (documents) and wait for its host's turn (the same per-host
//! pace as HTTP, so the challenge's own script requests count against it);
//! when its response head has come, the body the browser received is taken
//! (`Fetch.getResponseBody`) and archived, with a metadata record saying it
//! came through the browser, before the browser may use it. The page is done
//! at the first main-frame document that is neither a redirect nor a
//! challenge; a challenge is let run (its script sets the cookie and
//! reloads) a few rounds at most.

use super::archiving::{ViaNote, archive_exchange_via};
use super::browser::{Browser, BrowserConfig, Event, Tab};
use super::decode::decode_html;
use super::fetched::{BrowserNote, FetchError, Journaled, host_key};
use super::fetcher::{Fetcher, is_text};
use super::politeness::HostPermit;
use super::retry::{NextStep, RetryFailure};
use super::transport::{RawResponse, TransportError};
use base64::Engine;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;
use tokio::time::Instant;
use url::Url;

/// `WARC-Protocol` of the metadata record after a browser-fetched response.
pub const BROWSER_PROTOCOL: &str = "chromium-devtools";
/// Challenge pages let run in one fetch before it gives up.
const MAX_CHALLENGE_ROUNDS: u32 = 3;
/// After a challenge page, how long the browser may stay idle (no request
/// of its own) before the challenge counts as unsolved. Added to the pace.
const CHALLENGE_IDLE: Duration = Duration::from_secs(8);

/// A request the tab wants to make, paused before it is sent.
struct Paused {
    id: String,
    network_id: String,
    url: Url,
    headers: Vec<(String, String)>,
    main_document: bool,
}

/// The request being sent, holding its host's turn until its response has
/// been archived.
struct Flight {
    id: String,
    network_id: String,
    url: Url,
    headers: Vec<(String, String)>,
    started: DateTime<Utc>,
    _permit: HostPermit,
}

/// What the browser may fetch for a page on `page_host`: documents (main
/// frame navigations, checked against robots.txt and paced for their host),
/// and scripts, XHR and fetches from the page's own host. Nothing else:
/// images, media, fonts and styles are not evidence, and third parties are
/// not ours to load.
pub(super) fn allowed(resource_type: &str, url: &Url, page_host: &str) -> bool {
    if !matches!(url.scheme(), "http" | "https") {
        return false;
    }
    match resource_type {
        "Document" => true,
        "Script" | "XHR" | "Fetch" => host_key(url) == page_host,
        _ => false,
    }
}

fn headers_of(v: &Value) -> Vec<(String, String)> {
    match v {
        // Network-style objects {name: value}.
        Value::Object(m) => m
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
            .collect(),
        // Fetch-style arrays [{name, value}].
        Value::Array(a) => a
            .iter()
            .map(|h| {
                (
                    h["name"].as_str().unwrap_or_default().to_string(),
                    h["value"].as_str().unwrap_or_default().to_string(),
                )
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The fields of the metadata record written after a browser response.
fn via_fields(product: &str, decoded_from: Option<&str>) -> String {
    let mut s = format!(
        "via: headless browser ({product}) driven over the Chrome DevTools protocol\r\n\
         capture: Fetch.getResponseBody at the response stage, before the page used it\r\n"
    );
    if let Some(enc) = decoded_from {
        s.push_str(&format!(
            "content-decoded: the body is as the browser's network stack decoded it from Content-Encoding {enc}\r\n"
        ));
    }
    s
}

impl Fetcher {
    /// Whether a request to `url` goes through the browser now: the source
    /// says `always`, or says `on-challenge` and the host has challenged
    /// this run. Never in replay.
    pub(super) fn wants_browser(&self, url: &Url, mode: crate::model::BrowserUse) -> bool {
        use crate::model::BrowserUse;
        if self.transport.is_replay() {
            return false;
        }
        match mode {
            BrowserUse::Never => false,
            BrowserUse::Always => true,
            BrowserUse::OnChallenge => self
                .browser_hosts
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .contains(&host_key(url)),
        }
    }

    /// From now on this host's requests (of sources that allow it) go
    /// through the browser.
    pub(super) fn remember_browser_host(&self, url: &Url) {
        self.browser_hosts
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(host_key(url));
    }

    /// The browser, started on first need (once per crawl); why not, if it
    /// cannot be.
    pub(super) async fn browser(&self) -> Result<Arc<Browser>, String> {
        let config = BrowserConfig {
            binary: std::env::var("RADAR_CHROMIUM")
                .ok()
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| self.settings.browser.chromium.clone()),
            user_agent: self.settings.user_agent.clone(),
            accept_language: self.settings.accept_language.clone(),
            timeout: Duration::try_from_secs_f64(self.settings.browser.timeout_secs)
                .unwrap_or(Duration::from_secs(60)),
        };
        self.browser
            .get_or_init(|| async move {
                Browser::launch(&config).await.map(Arc::new).map_err(|e| {
                    tracing::error!(error = %e, "headless Chromium could not be started");
                    format!("headless Chromium could not be started: {e}")
                })
            })
            .await
            .clone()
    }

    /// One page through the browser, retried on 5xx and 429 (Retry-After
    /// honoured) like an HTTP exchange. Returns the final URL and response.
    pub(super) async fn browser_exchange_with_retries(
        &self,
        browser: &Browser,
        url: &Url,
        pace: Duration,
        note: &mut BrowserNote,
        journal: &mut Vec<Journaled>,
    ) -> Result<(Url, RawResponse), FetchError> {
        let policy = self.retry_policy();
        let mut attempt = 0;
        loop {
            attempt += 1;
            let res = self
                .browser_exchange(browser, url, pace, note, journal)
                .await;
            let answer = match &res {
                Ok((_, r)) => Some((r.status, r.header("retry-after"))),
                Err(FetchError::Transport(_) | FetchError::Browser(_)) => None,
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
                    tracing::debug!(%url, attempt, ?wait, "retrying in the browser");
                    tokio::time::sleep(wait).await;
                }
            }
        }
    }

    /// One page in the host's tab (opened on first use, closed after a
    /// failure), within the hard timeout.
    async fn browser_exchange(
        &self,
        browser: &Browser,
        url: &Url,
        pace: Duration,
        note: &mut BrowserNote,
        journal: &mut Vec<Journaled>,
    ) -> Result<(Url, RawResponse), FetchError> {
        let slot = browser.tab_slot(&host_key(url));
        let mut guard = slot.lock().await;
        let mut tab = match guard.take() {
            Some(t) => t,
            None => browser
                .open_tab()
                .await
                .map_err(|e| FetchError::Browser(e.to_string()))?,
        };
        let res = self
            .drive(browser, &mut tab, url, pace, note, journal)
            .await;
        match &res {
            Ok(_) => *guard = Some(tab),
            Err(_) => browser.close_tab(tab).await,
        }
        res
    }

    /// Navigate the tab to `url` and see every request of the page through.
    async fn drive(
        &self,
        browser: &Browser,
        tab: &mut Tab,
        url: &Url,
        pace: Duration,
        note: &mut BrowserNote,
        journal: &mut Vec<Journaled>,
    ) -> Result<(Url, RawResponse), FetchError> {
        note.via_browser = false;
        note.tried = true;
        // What the last page left paused is cancelled.
        while let Ok(ev) = tab.events.try_recv() {
            if ev.method == "Fetch.requestPaused" {
                let id = ev.params["requestId"].clone();
                let _ = browser
                    .call(
                        tab,
                        "Fetch.failRequest",
                        json!({ "requestId": id, "errorReason": "Aborted" }),
                    )
                    .await;
            }
        }
        let deadline = Instant::now() + browser.config.timeout;
        let page_host = host_key(url);
        let session = tab.session.clone();
        let nav = browser.call_in(&session, "Page.navigate", json!({ "url": url.as_str() }));
        tokio::pin!(nav);
        let mut nav_done = false;
        let mut queue: VecDeque<Paused> = VecDeque::new();
        let mut flight: Option<Flight> = None;
        let mut last_challenge: Option<(Url, RawResponse)> = None;
        let mut rounds = 0;
        let mut idle_until: Option<Instant> = None;
        loop {
            if flight.is_none()
                && let Some(p) = queue.pop_front()
            {
                flight = self.send_paused(browser, tab, p, pace, journal).await?;
                if flight.is_some() {
                    idle_until = None;
                }
                continue;
            }
            let wake = idle_until.map_or(deadline, |i| i.min(deadline));
            let ev: Event = tokio::select! {
                r = &mut nav, if !nav_done => {
                    nav_done = true;
                    if let Ok(v) = &r
                        && let Some(err) = v["errorText"].as_str().filter(|e| !e.is_empty())
                    {
                        tracing::debug!(%url, error = err, "navigation ended");
                    }
                    continue;
                }
                ev = tab.events.recv() => match ev {
                    Some(ev) => ev,
                    None => return Err(FetchError::Browser("the tab went away".into())),
                },
                _ = tokio::time::sleep_until(wake) => {
                    if Instant::now() >= deadline {
                        if let Some(f) = flight.take() {
                            let why = format!("no answer within {:?} in the browser", browser.config.timeout);
                            self.archive_browser(browser, &f, &Err(TransportError::Timeout(why)), journal)?;
                        }
                        return Err(FetchError::Transport(TransportError::Timeout(format!(
                            "{url}: the browser did not finish the page within {:?}",
                            browser.config.timeout
                        ))));
                    }
                    // The challenge page did nothing more: not solved.
                    if let Some(last) = last_challenge.take() {
                        return Ok(last);
                    }
                    idle_until = None;
                    continue;
                }
            };
            match ev.method.as_str() {
                "Fetch.requestPaused" => {}
                "Network.loadingFailed" => {
                    // A request that failed without a response (refused,
                    // reset): archived as such, its host free again.
                    let failed = ev.params["requestId"].as_str().unwrap_or_default();
                    if let Some(f) = flight.take_if(|f| f.network_id == failed) {
                        let why = ev.params["errorText"]
                            .as_str()
                            .unwrap_or("failed")
                            .to_string();
                        self.archive_browser(
                            browser,
                            &f,
                            &Err(TransportError::Connect(why.clone())),
                            journal,
                        )?;
                        if f.url == *url || ev.params["type"] == "Document" {
                            return Err(FetchError::Transport(TransportError::Connect(why)));
                        }
                    }
                    continue;
                }
                _ => continue,
            }
            let p = &ev.params;
            let id = p["requestId"].as_str().unwrap_or_default().to_string();
            let network_id = p["networkId"].as_str().unwrap_or_default().to_string();
            let resource = p["resourceType"].as_str().unwrap_or_default();
            let main_document =
                resource == "Document" && p["frameId"].as_str() == Some(tab.target.as_str());
            let at_response =
                p.get("responseStatusCode").is_some() || p.get("responseErrorReason").is_some();
            if !at_response {
                let target = Url::parse(p["request"]["url"].as_str().unwrap_or_default());
                match target {
                    Ok(u)
                        if allowed(resource, &u, &page_host)
                            && (resource != "Document" || main_document) =>
                    {
                        queue.push_back(Paused {
                            id,
                            network_id,
                            url: u,
                            headers: headers_of(&p["request"]["headers"]),
                            main_document,
                        });
                    }
                    _ => {
                        tracing::debug!(
                            url = p["request"]["url"].as_str().unwrap_or(""),
                            resource,
                            "blocked in the browser"
                        );
                        self.fail(browser, tab, &id, "BlockedByClient").await;
                    }
                }
                continue;
            }
            // The response head of the request in flight.
            let Some(f) = flight
                .take_if(|f| f.id == id || (!network_id.is_empty() && f.network_id == network_id))
            else {
                self.resume(browser, tab, &id).await;
                continue;
            };
            if let Some(reason) = p["responseErrorReason"].as_str() {
                self.archive_browser(
                    browser,
                    &f,
                    &Err(TransportError::Connect(reason.to_string())),
                    journal,
                )?;
                self.fail(browser, tab, &id, "Failed").await;
                if main_document {
                    return Err(FetchError::Transport(TransportError::Connect(
                        reason.to_string(),
                    )));
                }
                continue;
            }
            let raw = self.response_of(browser, tab, &id, p).await;
            let decoded_from = raw.1;
            let raw = raw.0;
            self.archive_browser_noted(
                browser,
                &f,
                &Ok(raw.clone()),
                decoded_from.as_deref(),
                journal,
            )?;
            let final_url = f.url.clone();
            drop(f);
            if !main_document || (300..400).contains(&raw.status) {
                // A redirect the browser follows, or a resource of the page.
                self.resume(browser, tab, &id).await;
                if last_challenge.is_some() {
                    idle_until = Some(Instant::now() + CHALLENGE_IDLE + pace);
                }
                continue;
            }
            let ct = raw.header("content-type").map(str::to_string);
            let text = if is_text(ct.as_deref(), &raw.body) {
                decode_html(&raw.body, ct.as_deref()).text
            } else {
                String::new()
            };
            if let Some(why) = (self.challenge)(raw.status, &text) {
                note.challenges += 1;
                rounds += 1;
                tracing::info!(url = %final_url, %why, round = rounds, "challenge page in the browser: letting its script run");
                if rounds > MAX_CHALLENGE_ROUNDS {
                    self.fail(browser, tab, &id, "Aborted").await;
                    return Ok((final_url, raw));
                }
                last_challenge = Some((final_url, raw));
                self.resume(browser, tab, &id).await;
                idle_until = Some(Instant::now() + CHALLENGE_IDLE + pace);
                continue;
            }
            // The page itself: the browser may have it (its cookies are
            // kept for the host's next pages); what it loads next is not ours.
            note.via_browser = true;
            if note.challenges > 0 {
                note.solved = true;
            }
            self.resume(browser, tab, &id).await;
            return Ok((final_url, raw));
        }
    }

    /// Let a paused request go once robots.txt allows it and its host's turn
    /// has come; the turn is held until its response is archived.
    async fn send_paused(
        &self,
        browser: &Browser,
        tab: &Tab,
        p: Paused,
        pace: Duration,
        journal: &mut Vec<Journaled>,
    ) -> Result<Option<Flight>, FetchError> {
        if p.main_document {
            // robots.txt over HTTP (a challenged robots.txt was already had
            // through the browser by the fetcher before the page).
            match self
                .robots_allows(
                    &p.url,
                    pace,
                    crate::model::BrowserUse::Never,
                    &mut BrowserNote::default(),
                    journal,
                )
                .await
            {
                Ok(_) => {}
                Err(e @ (FetchError::Archive(_) | FetchError::Shutdown)) => {
                    self.fail(browser, tab, &p.id, "Aborted").await;
                    return Err(e);
                }
                Err(e) => {
                    self.fail(browser, tab, &p.id, "BlockedByClient").await;
                    return Err(e);
                }
            }
        }
        let pace = self.crawl_delay(&p.url).map_or(pace, |d| d.max(pace));
        let host = self.politeness.host(&host_key(&p.url));
        let permit = self.politeness.acquire(&host, pace).await;
        let started = Utc::now();
        self.resume(browser, tab, &p.id).await;
        Ok(Some(Flight {
            id: p.id,
            network_id: p.network_id,
            url: p.url,
            headers: p.headers,
            started,
            _permit: permit,
        }))
    }

    /// The response of a request paused at its response stage: status, head
    /// and the body the browser received, as a [`RawResponse`] (with the
    /// Content-Encoding the browser decoded, if any).
    async fn response_of(
        &self,
        browser: &Browser,
        tab: &Tab,
        id: &str,
        p: &Value,
    ) -> (RawResponse, Option<String>) {
        let status = p["responseStatusCode"].as_u64().unwrap_or(0) as u16;
        let mut headers = headers_of(&p["responseHeaders"]);
        let body = match browser
            .call(tab, "Fetch.getResponseBody", json!({ "requestId": id }))
            .await
        {
            Ok(v) => {
                let text = v["body"].as_str().unwrap_or_default();
                if v["base64Encoded"].as_bool().unwrap_or(false) {
                    base64::engine::general_purpose::STANDARD
                        .decode(text)
                        .unwrap_or_default()
                } else {
                    text.as_bytes().to_vec()
                }
            }
            // Redirects and empty answers have no body.
            Err(_) => Vec::new(),
        };
        let decoded_from = headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("content-encoding"))
            .map(|(_, v)| v.clone())
            .filter(|v| !v.eq_ignore_ascii_case("identity"));
        if decoded_from.is_some() {
            headers.retain(|(k, _)| !k.eq_ignore_ascii_case("content-encoding"));
        }
        let limit = usize::try_from(self.settings.politeness.max_body_bytes).unwrap_or(usize::MAX);
        let truncated = body.len() > limit;
        let mut body = body;
        body.truncate(limit);
        (
            RawResponse {
                status,
                reason: p["responseStatusText"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                headers,
                body,
                truncated,
            },
            decoded_from,
        )
    }

    fn archive_browser(
        &self,
        browser: &Browser,
        f: &Flight,
        res: &Result<RawResponse, TransportError>,
        journal: &mut Vec<Journaled>,
    ) -> Result<(), FetchError> {
        self.archive_browser_noted(browser, f, res, None, journal)
    }

    fn archive_browser_noted(
        &self,
        browser: &Browser,
        f: &Flight,
        res: &Result<RawResponse, TransportError>,
        decoded_from: Option<&str>,
        journal: &mut Vec<Journaled>,
    ) -> Result<(), FetchError> {
        let fields = via_fields(&browser.product, decoded_from);
        archive_exchange_via(
            &self.archive,
            &f.url,
            &f.headers,
            res,
            f.started,
            journal,
            &ViaNote {
                protocol: BROWSER_PROTOCOL,
                fields: &fields,
            },
        )
    }

    async fn resume(&self, browser: &Browser, tab: &Tab, id: &str) {
        if let Err(e) = browser
            .call(tab, "Fetch.continueRequest", json!({ "requestId": id }))
            .await
        {
            tracing::debug!(error = %e, "continueRequest");
        }
    }

    async fn fail(&self, browser: &Browser, tab: &Tab, id: &str, reason: &str) {
        if let Err(e) = browser
            .call(
                tab,
                "Fetch.failRequest",
                json!({ "requestId": id, "errorReason": reason }),
            )
            .await
        {
            tracing::debug!(error = %e, "failRequest");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_documents_and_the_pages_own_scripts_are_fetched() {
        let page = "www.cq.gov.cn:443";
        let own = Url::parse("https://www.cq.gov.cn/_jsl.js").expect("url");
        let other = Url::parse("https://cdn.example.com/a.js").expect("url");
        assert!(allowed("Document", &own, page));
        assert!(allowed("Script", &own, page));
        assert!(allowed("XHR", &own, page));
        assert!(!allowed("Script", &other, page), "no third parties");
        for t in ["Image", "Media", "Font", "Stylesheet", "Other", "Ping"] {
            assert!(!allowed(t, &own, page), "{t} is blocked");
        }
        let data = Url::parse("data:text/html,x").expect("url");
        assert!(!allowed("Document", &data, page));
    }

    #[test]
    fn headers_read_both_shapes() {
        let fetch = json!([{ "name": "Set-Cookie", "value": "a=1" }]);
        let network = json!({ "User-Agent": "x" });
        assert_eq!(
            headers_of(&fetch),
            vec![("Set-Cookie".into(), "a=1".into())]
        );
        assert_eq!(
            headers_of(&network),
            vec![("User-Agent".into(), "x".into())]
        );
    }
}
