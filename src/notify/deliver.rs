//! Routing events to targets and delivering the outbox. One deliverer at a
//! time per home (`notify.lock`, released by the OS when a process dies), so
//! a row is sent by one process; a row is marked sent only after the
//! receiver accepted it, so a kill in between sends it again after the
//! restart with the same idempotency key.

use super::render::{self, Message, RenderContext};
use super::send::{SendError, Sender, http_client, per_minute};
use crate::config::{Home, NotifyChannel, Settings};
use crate::model::{EventKind, NotifyEvent};
use crate::store::{OutboxRow, OutboxStats, Store, StoreError};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("notify lock {0}")]
    Lock(String),
    #[error("channel {0} does not exist (there are {1})")]
    NoChannel(usize, usize),
}

/// Where messages go: a configured channel, or a user's own e-mail sent
/// through the first smtp channel.
#[derive(Debug, Clone)]
pub struct Target {
    /// Stable key of the outbox rows (`smtp:3fa2…`, `user:alice`).
    pub key: String,
    /// What an operator reads (`1 smtp smtp://127.0.0.1:2525`).
    pub label: String,
    pub channel: NotifyChannel,
}

fn hash12(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update(b"\n");
    }
    hex::encode(&h.finalize()[..6])
}

/// A channel's stable key: its kind and what it sends to, so that
/// reordering the `[[notify]]` list sends nothing twice.
pub fn channel_key(c: &NotifyChannel) -> String {
    format!("{}:{}", c.kind, hash12(&[&c.kind, &c.url, &c.to.join(",")]))
}

/// The channel's URL without its query (a robot's token stays private).
pub fn public_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(u) => format!(
            "{}://{}{}{}",
            u.scheme(),
            u.host_str().unwrap_or(""),
            u.port().map(|p| format!(":{p}")).unwrap_or_default(),
            u.path().trim_end_matches('/')
        ),
        Err(_) => "(bad url)".into(),
    }
}

/// The configured channels, numbered from 1 as listed, and each user who
/// asked for mail (when an smtp channel exists).
pub fn targets(settings: &Settings, store: &Store) -> Result<Vec<Target>, NotifyError> {
    let mut out: Vec<Target> = settings
        .notify
        .iter()
        .enumerate()
        .map(|(i, c)| Target {
            key: channel_key(c),
            label: format!("{} {} {}", i + 1, c.kind, public_url(&c.url)),
            channel: c.clone(),
        })
        .collect();
    if let Some(smtp) = settings.notify.iter().find(|c| c.kind == "smtp") {
        let users: BTreeMap<String, Option<String>> = store
            .users()?
            .into_iter()
            .map(|u| (u.name, u.enterprise))
            .collect();
        for (user, email, topics) in store.notify_prefs()? {
            // A user who no longer exists gets nothing.
            let Some(enterprise) = users.get(&user) else {
                continue;
            };
            let mut c = smtp.clone();
            c.to = vec![email.clone()];
            c.events = topics;
            // An enterprise user hears only of their own enterprise, and
            // never of what is not scoped to an enterprise.
            if let Some(e) = enterprise {
                c.enterprises = vec![e.clone()];
                c.events
                    .retain(|t| t != "alarms" && t != "checkpoints" && t != "daily");
            }
            out.push(Target {
                key: format!("user:{user}"),
                label: format!("- {user} <{email}>"),
                channel: c,
            });
        }
    }
    Ok(out)
}

/// Whether a target carries an event.
pub fn carries(c: &NotifyChannel, e: &NotifyEvent) -> bool {
    if e.kind == EventKind::Test || !c.carries(e.kind.topic()) {
        return false;
    }
    match &e.enterprise {
        Some(ent) => c.enterprises.is_empty() || c.enterprises.iter().any(|x| x == ent),
        None => true,
    }
}

fn now_utc() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now()
}

fn stamp(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// How delivery treats the candidates' digest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// After a crawl or on `flush`: the digest goes out now.
    Digest,
    /// The background loop: ordinary candidates wait for the crawl's
    /// digest, unless they are older than ten minutes.
    Background,
}

/// What one delivery pass did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeliverySummary {
    pub messages: u64,
    pub rows: u64,
    pub failures: u64,
    pub postponed: u64,
}

impl DeliverySummary {
    fn add(&mut self, o: &DeliverySummary) {
        self.messages += o.messages;
        self.rows += o.rows;
        self.failures += o.failures;
        self.postponed += o.postponed;
    }
}

/// Everything needed to deliver a home's notifications.
pub struct Notifier {
    pub settings: Settings,
    names: BTreeMap<String, String>,
    lock_path: std::path::PathBuf,
    http: reqwest::Client,
}

impl Notifier {
    pub fn new(home: &Home, settings: Settings) -> Notifier {
        let names = crate::registry::load(home)
            .map(|r| {
                r.enterprises
                    .iter()
                    .map(|e| (e.id.clone(), e.name.clone()))
                    .collect()
            })
            .unwrap_or_default();
        Notifier {
            settings,
            names,
            lock_path: home.root().join("notify.lock"),
            http: http_client(),
        }
    }

    fn ctx(&self) -> RenderContext<'_> {
        RenderContext {
            base_url: self
                .settings
                .web
                .public_url
                .as_ref()
                .map(|u| u.trim_end_matches('/').to_string()),
            names: &self.names,
        }
    }

    /// Take the home's delivery lock (`wait`: block until it is free;
    /// otherwise `None` when another process holds it).
    fn lock(&self, wait: bool) -> Result<Option<std::fs::File>, NotifyError> {
        let f = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&self.lock_path)
            .map_err(|e| NotifyError::Lock(format!("{}: {e}", self.lock_path.display())))?;
        if wait {
            f.lock()
                .map_err(|e| NotifyError::Lock(format!("{}: {e}", self.lock_path.display())))?;
            return Ok(Some(f));
        }
        match f.try_lock() {
            Ok(()) => Ok(Some(f)),
            Err(std::fs::TryLockError::WouldBlock) => Ok(None),
            Err(std::fs::TryLockError::Error(e)) => Err(NotifyError::Lock(format!(
                "{}: {e}",
                self.lock_path.display()
            ))),
        }
    }

    /// Give every recent event an outbox row per target.
    pub fn route(&self, store: &Store, targets: &[Target]) -> Result<u64, NotifyError> {
        // Events older than two days are not sent to a target added since.
        let since = stamp(now_utc() - chrono::Duration::days(2));
        let now = stamp(now_utc());
        let mut routed = 0;
        for t in targets {
            loop {
                let events = store.unrouted_events(&t.key, &since, 500)?;
                if events.is_empty() {
                    break;
                }
                for (id, e) in &events {
                    let idem = format!("radar-{}", hash12(&[&e.key, &t.key]));
                    let pending = carries(&t.channel, e);
                    store.add_outbox(*id, &t.key, &idem, pending, &now)?;
                    routed += u64::from(pending);
                }
            }
        }
        Ok(routed)
    }

    /// Enqueue the daily digest when its Beijing time has passed today and
    /// it was not yet written.
    pub fn daily(&self, store: &mut Store) -> Result<bool, NotifyError> {
        let Some(at) = self
            .settings
            .notify
            .iter()
            .filter(|c| c.carries("daily"))
            .filter_map(|c| c.daily_time())
            .min()
        else {
            return Ok(false);
        };
        let now = crate::model::beijing_now();
        let today = now.date_naive();
        use chrono::Timelike;
        if (now.hour(), now.minute()) < at {
            return Ok(false);
        }
        let key = format!("daily:{today}");
        if store.has_event(&key)? {
            return Ok(false);
        }
        let since = stamp(now_utc() - chrono::Duration::days(1));
        let pending = store
            .candidates(&crate::store::CandidateFilter {
                status: Some(crate::store::CandidateStatus::Pending),
                ..Default::default()
            })?
            .len();
        let data = serde_json::json!({
            "date": today.to_string(),
            "date_zh": today.format("%Y年%-m月%-d日").to_string(),
            "pending": pending,
            "new": store.events_since(EventKind::Candidate, &since)?,
            "decided": store.events_since(EventKind::Decision, &since)?,
            "alarms": store.events_since(EventKind::Alarm, &since)?,
        });
        let e = NotifyEvent::new(key, EventKind::Daily, data).urgent(true);
        Ok(store.transaction(|tx| tx.enqueue_event(&e))?)
    }

    /// Route and deliver what is due. `wait`: block for the delivery lock
    /// (otherwise skip the pass when another process delivers).
    pub async fn deliver(
        &self,
        store: &mut Store,
        mode: Mode,
        wait: bool,
    ) -> Result<DeliverySummary, NotifyError> {
        let Some(_lock) = self.lock(wait)? else {
            return Ok(DeliverySummary::default());
        };
        self.daily(store)?;
        let targets = targets(&self.settings, store)?;
        self.route(store, &targets)?;
        let mut total = DeliverySummary::default();
        for t in &targets {
            total.add(&self.deliver_target(store, t, mode).await?);
        }
        Ok(total)
    }

    /// Deliver until nothing is due within `patience` (retries after short
    /// backoffs are waited for); what stays pending is left for later.
    pub async fn flush(
        &self,
        store: &mut Store,
        patience: Duration,
    ) -> Result<DeliverySummary, NotifyError> {
        let deadline = std::time::Instant::now() + patience;
        let mut total = DeliverySummary::default();
        loop {
            total.add(&self.deliver(store, Mode::Digest, true).await?);
            let targets = targets(&self.settings, store)?;
            let mut next: Option<chrono::DateTime<chrono::Utc>> = None;
            for t in &targets {
                if let Some(n) = store.next_due(&t.key)?
                    && let Ok(n) = chrono::DateTime::parse_from_rfc3339(&n)
                {
                    let n = n.with_timezone(&chrono::Utc);
                    next = Some(next.map_or(n, |x| x.min(n)));
                }
            }
            let Some(next) = next else { break };
            let wait = (next - now_utc()).to_std().unwrap_or(Duration::ZERO);
            if std::time::Instant::now() + wait > deadline {
                break;
            }
            tokio::time::sleep(wait + Duration::from_millis(20)).await;
        }
        Ok(total)
    }

    async fn deliver_target(
        &self,
        store: &mut Store,
        t: &Target,
        mode: Mode,
    ) -> Result<DeliverySummary, NotifyError> {
        let mut sum = DeliverySummary::default();
        let now = now_utc();
        let mut rows = store.due_outbox(&t.key, &stamp(now), 1000)?;
        if mode == Mode::Background {
            let old = stamp(now - chrono::Duration::minutes(10));
            rows.retain(|r| !is_digest(r) || r.created_at < old);
        }
        if rows.is_empty() {
            return Ok(sum);
        }
        let sender = match Sender::new(&t.channel, self.http.clone()) {
            Ok(s) => s,
            Err(e) => {
                let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
                let next = backoff(&t.channel, rows[0].attempts, false);
                tracing::warn!(channel = %t.label, error = %e, "notification channel not usable");
                store.outbox_failed(&ids, &e.message, &stamp(now + next))?;
                sum.failures += 1;
                return Ok(sum);
            }
        };
        let batches = self.batches(&rows);
        let limit = per_minute(&t.channel.kind);
        for (i, (message, idem, event, ids, attempts)) in batches.iter().enumerate() {
            if let Some(limit) = limit {
                let sent =
                    store.sent_since(&t.key, &stamp(now_utc() - chrono::Duration::seconds(60)))?;
                if sent >= limit {
                    // Honour the robot's limit: wait for the minute to pass.
                    let rest: Vec<i64> = batches[i..]
                        .iter()
                        .flat_map(|b| b.3.iter().copied())
                        .collect();
                    store.outbox_postpone(
                        &rest,
                        &stamp(now_utc() + chrono::Duration::seconds(61)),
                    )?;
                    sum.postponed += rest.len() as u64;
                    break;
                }
            }
            match sender.send(message, idem, event).await {
                Ok(()) => {
                    store.outbox_sent(ids)?;
                    sum.messages += 1;
                    sum.rows += ids.len() as u64;
                    tracing::info!(channel = %t.label, key = %idem, "notification sent");
                }
                Err(SendError {
                    rate_limited,
                    message: why,
                }) => {
                    let next = backoff(&t.channel, *attempts, rate_limited);
                    tracing::warn!(channel = %t.label, error = %why, retry_in = ?next, "notification failed");
                    // Keep the channel's order: the rest waits for the retry too.
                    let rest: Vec<i64> = batches[i..]
                        .iter()
                        .flat_map(|b| b.3.iter().copied())
                        .collect();
                    store.outbox_failed(ids, &why, &stamp(now_utc() + next))?;
                    let others: Vec<i64> =
                        rest.into_iter().filter(|id| !ids.contains(id)).collect();
                    store.outbox_postpone(&others, &stamp(now_utc() + next))?;
                    sum.failures += 1;
                    break;
                }
            }
        }
        Ok(sum)
    }

    /// The messages for a target's due rows: ordinary new candidates in
    /// digests of at most 15 lines, everything else one message each.
    #[allow(clippy::type_complexity)]
    fn batches(&self, rows: &[OutboxRow]) -> Vec<(Message, String, String, Vec<i64>, u32)> {
        let ctx = self.ctx();
        let mut out = Vec::new();
        let digest: Vec<&OutboxRow> = rows.iter().filter(|r| is_digest(r)).collect();
        for chunk in digest.chunks(15) {
            let events: Vec<&NotifyEvent> = chunk.iter().map(|r| &r.event).collect();
            let keys: Vec<&str> = chunk.iter().map(|r| r.idem_key.as_str()).collect();
            out.push((
                render::candidate_digest(&ctx, &events),
                format!("radar-digest-{}", hash12(&keys)),
                "candidates".to_string(),
                chunk.iter().map(|r| r.id).collect(),
                chunk.iter().map(|r| r.attempts).max().unwrap_or(0),
            ));
        }
        for r in rows.iter().filter(|r| !is_digest(r)) {
            out.push((
                render::single(&ctx, &r.event),
                r.idem_key.clone(),
                r.event.kind.as_str().to_string(),
                vec![r.id],
                r.attempts,
            ));
        }
        out
    }

    /// Send a test message to one target or all, now (not through the outbox).
    pub async fn test(
        &self,
        store: &Store,
        channel: Option<usize>,
    ) -> Result<Vec<(String, Result<(), SendError>)>, NotifyError> {
        let all = targets(&self.settings, store)?;
        let configured = self.settings.notify.len();
        let chosen: Vec<&Target> = match channel {
            Some(n) if n == 0 || n > configured => {
                return Err(NotifyError::NoChannel(n, configured));
            }
            Some(n) => vec![&all[n - 1]],
            None => all.iter().take(configured).collect(),
        };
        let message = render::single(
            &self.ctx(),
            &NotifyEvent::new("test", EventKind::Test, serde_json::json!({})),
        );
        let mut out = Vec::new();
        for t in chosen {
            let idem = format!("radar-test-{}", hash12(&[&t.key, &stamp(now_utc())]));
            let r = match Sender::new(&t.channel, self.http.clone()) {
                Ok(s) => s.send(&message, &idem, "test").await,
                Err(e) => Err(e),
            };
            out.push((t.label.clone(), r));
        }
        Ok(out)
    }

    /// Pending, sent and failing counts per target.
    pub fn status(&self, store: &Store) -> Result<Vec<(String, OutboxStats)>, NotifyError> {
        let mut out = Vec::new();
        for t in targets(&self.settings, store)? {
            out.push((t.label.clone(), store.outbox_stats(&t.key)?));
        }
        Ok(out)
    }
}

fn is_digest(r: &OutboxRow) -> bool {
    r.event.kind == EventKind::Candidate && !r.event.urgent
}

/// The wait before the next try: `retry_secs` doubling with each failure,
/// at most an hour; a rate limit waits at least a minute unless the channel
/// retries faster than that (tests).
fn backoff(c: &NotifyChannel, attempts: u32, rate_limited: bool) -> Duration {
    let base = c.retry_secs.max(0.05);
    let secs = (base * 2f64.powi(attempts.min(16) as i32)).min(3600.0);
    let secs = if rate_limited && base >= 30.0 {
        secs.max(60.0)
    } else {
        secs
    };
    Duration::from_secs_f64(secs)
}
