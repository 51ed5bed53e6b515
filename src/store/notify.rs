//! The notification outbox. An event is stored by `Tx::enqueue_event` in the
//! transaction of what happened; delivery routes it to one outbox row per
//! channel (`skipped` where the channel does not carry it), each with an
//! idempotency key, and marks rows sent or failed with their next attempt.

use super::{Result, Store, StoreError, Tx, now_utc};
use crate::model::{EventKind, NotifyEvent};
use rusqlite::params;

/// An outbox row due for delivery, with its event.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxRow {
    pub id: i64,
    pub event_id: i64,
    pub idem_key: String,
    pub attempts: u32,
    pub event: NotifyEvent,
    pub created_at: String,
}

/// Delivery counts of one channel.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct OutboxStats {
    pub channel: String,
    pub pending: u64,
    pub sent: u64,
    /// Pending rows whose last attempt failed.
    pub failing: u64,
    pub last_error: Option<String>,
}

fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {e}"))
}

fn bounded(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

fn event_of(
    key: String,
    kind: String,
    enterprise: Option<String>,
    urgent: bool,
    data: String,
) -> Result<NotifyEvent> {
    let kind = EventKind::parse(&kind).ok_or_else(|| corrupt("event kind", &kind))?;
    let data = serde_json::from_str(&data).map_err(|e| corrupt("event data", e))?;
    Ok(NotifyEvent {
        key,
        kind,
        enterprise,
        urgent,
        data,
    })
}

impl Tx<'_> {
    /// Store an event to notify, in the caller's transaction. The same key
    /// twice is stored once; returns whether it is new.
    pub fn enqueue_event(&self, e: &NotifyEvent) -> Result<bool> {
        let data = serde_json::to_string(&e.data).map_err(|x| corrupt("event data", x))?;
        if data.len() > 64_000 {
            return Err(corrupt("event data", "longer than 64 kB"));
        }
        let n = self.exec(
            "INSERT OR IGNORE INTO notify_events (key, kind, enterprise, urgent, data, created_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                bounded(&e.key, 200),
                e.kind.as_str(),
                e.enterprise.as_deref().map(|s| bounded(s, 200)),
                e.urgent,
                data,
                now_utc()
            ],
        )?;
        Ok(n > 0)
    }
}

impl Store {
    /// Events created after `since` (UTC RFC 3339) that have no outbox row
    /// for `channel` yet, oldest first.
    pub fn unrouted_events(
        &self,
        channel: &str,
        since: &str,
        limit: u32,
    ) -> Result<Vec<(i64, NotifyEvent)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT e.id, e.key, e.kind, e.enterprise, e.urgent, e.data FROM notify_events e \
             WHERE e.created_at > ?2 AND NOT EXISTS \
               (SELECT 1 FROM notify_outbox o WHERE o.event_id = e.id AND o.channel = ?1) \
             ORDER BY e.id LIMIT ?3",
        )?;
        let rows = stmt.query_map(params![channel, since, limit], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, bool>(4)?,
                r.get::<_, String>(5)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, key, kind, ent, urgent, data) = row?;
            out.push((id, event_of(key, kind, ent, urgent, data)?));
        }
        Ok(out)
    }

    /// Route an event to a channel: `pending` (due at `next_at`) or
    /// `skipped`. A second routing of the same pair changes nothing.
    pub fn add_outbox(
        &self,
        event_id: i64,
        channel: &str,
        idem_key: &str,
        pending: bool,
        next_at: &str,
    ) -> Result<()> {
        self.conn.prepare_cached(
            "INSERT OR IGNORE INTO notify_outbox (event_id, channel, idem_key, status, next_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?.execute(params![event_id, channel, idem_key, if pending { "pending" } else { "skipped" }, next_at])?;
        Ok(())
    }

    /// A channel's pending rows due at `now`, oldest first.
    pub fn due_outbox(&self, channel: &str, now: &str, limit: u32) -> Result<Vec<OutboxRow>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT o.id, o.event_id, o.idem_key, o.attempts, e.key, e.kind, e.enterprise, e.urgent, e.data, e.created_at \
             FROM notify_outbox o JOIN notify_events e ON e.id = o.event_id \
             WHERE o.channel = ?1 AND o.status = 'pending' AND o.next_at <= ?2 ORDER BY o.id LIMIT ?3",
        )?;
        let rows = stmt.query_map(params![channel, now, limit], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, u32>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, Option<String>>(6)?,
                r.get::<_, bool>(7)?,
                r.get::<_, String>(8)?,
                r.get::<_, String>(9)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, event_id, idem_key, attempts, key, kind, ent, urgent, data, created_at) = row?;
            out.push(OutboxRow {
                id,
                event_id,
                idem_key,
                attempts,
                event: event_of(key, kind, ent, urgent, data)?,
                created_at,
            });
        }
        Ok(out)
    }

    /// The earliest next attempt of a channel's pending rows.
    pub fn next_due(&self, channel: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT MIN(next_at) FROM notify_outbox WHERE channel = ?1 AND status = 'pending'",
            )?
            .query_row(params![channel], |r| r.get(0))?)
    }

    /// Mark rows delivered.
    pub fn outbox_sent(&mut self, ids: &[i64]) -> Result<()> {
        let now = now_utc();
        self.transaction(|tx| {
            for id in ids {
                tx.exec(
                    "UPDATE notify_outbox SET status = 'sent', sent_at = ?2, attempts = attempts + 1 WHERE id = ?1",
                    params![id, now],
                )?;
            }
            Ok(())
        })
    }

    /// Record a failed attempt; the rows are tried again at `next_at`.
    pub fn outbox_failed(&mut self, ids: &[i64], error: &str, next_at: &str) -> Result<()> {
        let error = bounded(error, 500);
        self.transaction(|tx| {
            for id in ids {
                tx.exec(
                    "UPDATE notify_outbox SET attempts = attempts + 1, last_error = ?2, next_at = ?3 WHERE id = ?1",
                    params![id, error, next_at],
                )?;
            }
            Ok(())
        })
    }

    /// Postpone rows without counting an attempt (a rate limit kept locally).
    pub fn outbox_postpone(&mut self, ids: &[i64], next_at: &str) -> Result<()> {
        self.transaction(|tx| {
            for id in ids {
                tx.exec(
                    "UPDATE notify_outbox SET next_at = ?2 WHERE id = ?1",
                    params![id, next_at],
                )?;
            }
            Ok(())
        })
    }

    /// How many rows a channel delivered since `since` (its rate limit).
    pub fn sent_since(&self, channel: &str, since: &str) -> Result<u64> {
        Ok(self.conn.prepare_cached(
            "SELECT COUNT(DISTINCT sent_at) FROM notify_outbox WHERE channel = ?1 AND status = 'sent' AND sent_at > ?2",
        )?.query_row(params![channel, since], |r| r.get::<_, i64>(0))? as u64)
    }

    /// Pending, sent and failing counts of one channel.
    pub fn outbox_stats(&self, channel: &str) -> Result<OutboxStats> {
        let (pending, sent, failing): (i64, i64, i64) = self.conn.prepare_cached(
            "SELECT COALESCE(SUM(status = 'pending'), 0), COALESCE(SUM(status = 'sent'), 0), \
             COALESCE(SUM(status = 'pending' AND attempts > 0), 0) FROM notify_outbox WHERE channel = ?1",
        )?.query_row(params![channel], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        let last_error: Option<String> = self
            .conn
            .prepare_cached(
                "SELECT last_error FROM notify_outbox WHERE channel = ?1 AND status = 'pending' \
                 AND last_error IS NOT NULL ORDER BY id DESC LIMIT 1",
            )?
            .query_row(params![channel], |r| r.get(0))
            .or_else(|e| match e {
                rusqlite::Error::QueryReturnedNoRows => Ok(None),
                e => Err(e),
            })?;
        Ok(OutboxStats {
            channel: channel.to_string(),
            pending: pending as u64,
            sent: sent as u64,
            failing: failing as u64,
            last_error,
        })
    }

    /// Whether an event with this key exists (the daily digest of a day).
    pub fn has_event(&self, key: &str) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached("SELECT COUNT(*) FROM notify_events WHERE key = ?1")?
            .query_row(params![key], |r| r.get::<_, i64>(0))?
            > 0)
    }

    /// Counts of events of a kind since `since`.
    pub fn events_since(&self, kind: EventKind, since: &str) -> Result<u64> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT COUNT(*) FROM notify_events WHERE kind = ?1 AND created_at > ?2",
            )?
            .query_row(params![kind.as_str(), since], |r| r.get::<_, i64>(0))? as u64)
    }

    /// A user's own e-mail and the topics they want.
    pub fn set_notify_prefs(&mut self, user: &str, email: &str, topics: &[String]) -> Result<()> {
        let topics = serde_json::to_string(topics).map_err(|e| corrupt("topics", e))?;
        self.conn.execute(
            "INSERT INTO notify_prefs (user, email, events) VALUES (?1, ?2, ?3) \
             ON CONFLICT(user) DO UPDATE SET email = ?2, events = ?3",
            params![bounded(user, 200), bounded(email, 254), topics],
        )?;
        Ok(())
    }

    /// Every user's notification preferences: (user, e-mail, topics).
    pub fn notify_prefs(&self) -> Result<Vec<(String, String, Vec<String>)>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT user, email, events FROM notify_prefs ORDER BY user")?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (u, e, t) = row?;
            let t: Vec<String> = serde_json::from_str(&t).map_err(|x| corrupt("topics", x))?;
            out.push((u, e, t));
        }
        Ok(out)
    }
}
