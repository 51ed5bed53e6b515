//! Per-host politeness: one request at a time per host, at least the pace
//! apart (a `governor` limiter per host), plus a global limit on exchanges
//! in progress, taken only once the host's turn has come (so a request
//! waiting for its host's pace never holds a slot another host could use).
//! robots.txt verdicts are cached per host here too.

use super::robots::RobotsRules;
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{Mutex as AsyncMutex, OnceCell, OwnedMutexGuard, Semaphore};

pub struct HostState {
    /// Held for a whole exchange: one request at a time per host. It holds
    /// when the host's last exchange ended.
    lock: Arc<AsyncMutex<Option<Instant>>>,
    limiter: Mutex<(Duration, Arc<DefaultDirectRateLimiter>)>,
    pub robots: OnceCell<RobotsRules>,
}

pub struct Politeness {
    hosts: Mutex<HashMap<String, Arc<HostState>>>,
    global: Arc<Semaphore>,
    enabled: bool,
}

/// Permission to talk to a host; dropping it (the exchange is over) records
/// the time and lets the next request wait its turn. In replay it holds no
/// host lock (no host is talked to).
pub struct HostPermit {
    host: Option<OwnedMutexGuard<Option<Instant>>>,
    _global: Option<tokio::sync::OwnedSemaphorePermit>,
}

impl Drop for HostPermit {
    fn drop(&mut self) {
        if let Some(h) = &mut self.host {
            **h = Some(Instant::now());
        }
    }
}

fn limiter(pace: Duration) -> Arc<DefaultDirectRateLimiter> {
    let quota = Quota::with_period(pace.max(Duration::from_millis(1)))
        .unwrap_or_else(|| Quota::per_second(nonzero(1000)));
    Arc::new(RateLimiter::direct(quota.allow_burst(nonzero(1))))
}

fn nonzero(n: u32) -> std::num::NonZeroU32 {
    std::num::NonZeroU32::new(n).unwrap_or(std::num::NonZeroU32::MIN)
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
                    limiter: Mutex::new((Duration::ZERO, limiter(Duration::from_millis(1)))),
                    robots: OnceCell::new(),
                })
            })
            .clone()
    }

    /// Wait until a request to `host` may start: at least `pace` after the
    /// last one started (the `governor` limiter) and after the last one's
    /// response ended, so the host never sees two requests closer than `pace`.
    /// Without pacing (replay) neither the host's lock nor its pace is
    /// taken: only the global limit.
    pub async fn acquire(&self, host: &HostState, pace: Duration) -> HostPermit {
        if !self.enabled {
            return HostPermit {
                host: None,
                _global: self.global.clone().acquire_owned().await.ok(),
            };
        }
        let guard = host.lock.clone().lock_owned().await;
        if !pace.is_zero() {
            let lim = {
                let mut l = host.limiter.lock().unwrap_or_else(|p| p.into_inner());
                if pace > l.0 {
                    // A stricter pace (another source, or a robots Crawl-delay) replaces the limiter.
                    *l = (pace, limiter(pace));
                }
                l.1.clone()
            };
            lim.until_ready().await;
            if let Some(last_end) = *guard {
                tokio::time::sleep_until((last_end + pace).into()).await;
            }
        }
        // The semaphore is never closed, so acquiring cannot fail; if it ever
        // did, going on without the global permit is the harmless outcome.
        let global = self.global.clone().acquire_owned().await.ok();
        HostPermit {
            host: Some(guard),
            _global: global,
        }
    }
}
