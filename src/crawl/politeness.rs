//! Per-host politeness: one request at a time per host, and the next request
//! to a host starts at least the pace after the previous one *started*
//! (Scrapy's `DOWNLOAD_DELAY`: the server's response time is part of the
//! pace, not added to it; a request still never starts before the previous
//! one to that host has ended), plus a global limit on exchanges in
//! progress, taken only once the host's turn has come (so a request waiting
//! for its host's pace never holds a slot another host could use). The pace
//! of a host only ever grows (a slower source, a robots.txt `Crawl-delay`).
//! robots.txt verdicts are cached per host here too.

use super::robots::RobotsRules;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{Mutex as AsyncMutex, OnceCell, OwnedMutexGuard, Semaphore};
use tokio::time::Instant;

pub struct HostState {
    /// Held for a whole exchange: one request at a time per host. It holds
    /// when the host's last exchange started.
    lock: Arc<AsyncMutex<Option<Instant>>>,
    /// The strictest pace asked for this host so far.
    pace: Mutex<Duration>,
    pub robots: OnceCell<RobotsRules>,
}

pub struct Politeness {
    hosts: Mutex<HashMap<String, Arc<HostState>>>,
    global: Arc<Semaphore>,
    enabled: bool,
}

/// Permission to talk to a host, granted at the moment the request starts
/// (which it records); dropping it (the exchange is over) lets the next
/// request to the host wait for its turn. In replay it holds no host lock
/// (no host is talked to).
pub struct HostPermit {
    _host: Option<OwnedMutexGuard<Option<Instant>>>,
    _global: Option<tokio::sync::OwnedSemaphorePermit>,
}

/// When the next request may start: `pace` after the previous one started.
pub fn next_start(last_start: Option<Instant>, pace: Duration) -> Option<Instant> {
    last_start.map(|t| t + pace)
}

impl Politeness {
    /// `enabled = false` (replay) keeps the concurrency limit but drops pacing
    /// and the one-request-at-a-time host lock.
    pub fn new(concurrency: usize, enabled: bool) -> Self {
        Politeness {
            hosts: Mutex::new(HashMap::new()),
            global: Arc::new(Semaphore::new(concurrency.max(1))),
            enabled,
        }
    }

    pub fn host(&self, host: &str) -> Arc<HostState> {
        let mut hosts = self.hosts.lock().unwrap_or_else(|p| p.into_inner());
        hosts
            .entry(host.to_string())
            .or_insert_with(|| {
                Arc::new(HostState {
                    lock: Arc::new(AsyncMutex::new(None)),
                    pace: Mutex::new(Duration::ZERO),
                    robots: OnceCell::new(),
                })
            })
            .clone()
    }

    /// Wait until a request to `host` may start: when the previous request
    /// to it has ended and at least `pace` (or a stricter pace asked for this
    /// host before) after that request started, so the host never sees two
    /// requests closer than the pace. Without pacing (replay) neither the
    /// host's lock nor its pace is taken: only the global limit.
    pub async fn acquire(&self, host: &HostState, pace: Duration) -> HostPermit {
        if !self.enabled {
            return HostPermit {
                _host: None,
                _global: self.global.clone().acquire_owned().await.ok(),
            };
        }
        let mut guard = host.lock.clone().lock_owned().await;
        let pace = {
            let mut p = host.pace.lock().unwrap_or_else(|p| p.into_inner());
            *p = (*p).max(pace);
            *p
        };
        if let Some(at) = next_start(*guard, pace) {
            tokio::time::sleep_until(at).await;
        }
        // The semaphore is never closed, so acquiring cannot fail; if it ever
        // did, going on without the global permit is the harmless outcome.
        let global = self.global.clone().acquire_owned().await.ok();
        *guard = Some(Instant::now());
        HostPermit {
            _host: Some(guard),
            _global: global,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn requests_start_a_pace_apart_whatever_the_response_time() {
        let p = Politeness::new(4, true);
        let host = p.host("example.org");
        let pace = Duration::from_millis(120);
        let mut starts = vec![];
        for _ in 0..4 {
            let permit = p.acquire(&host, pace).await;
            starts.push(Instant::now());
            // The server takes 40 ms to answer.
            tokio::time::sleep(Duration::from_millis(40)).await;
            drop(permit);
        }
        for w in starts.windows(2) {
            let gap = w[1] - w[0];
            // Start to start: the pace, not the pace plus the response time.
            assert!(gap >= pace, "{gap:?}");
            assert!(gap < pace + Duration::from_millis(35), "{gap:?}");
        }
        // A response slower than the pace: the next request waits for it to end.
        let permit = p.acquire(&host, pace).await;
        let started = Instant::now();
        tokio::time::sleep(Duration::from_millis(200)).await;
        drop(permit);
        let _next = p.acquire(&host, pace).await;
        assert!(Instant::now() - started >= Duration::from_millis(200));
    }

    #[tokio::test]
    async fn a_stricter_pace_stays() {
        let p = Politeness::new(4, true);
        let host = p.host("example.org");
        drop(p.acquire(&host, Duration::from_millis(300)).await);
        let t = Instant::now();
        drop(p.acquire(&host, Duration::from_millis(10)).await);
        assert!(Instant::now() - t >= Duration::from_millis(290));
    }
}
