//! Counters for `/metrics`: what the store knows about runs, sources,
//! queues, candidates, the ledger and (if a table exists) notifications.

use super::{Result, Store};

/// Per source, summed over every run.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct SourceCounters {
    pub source: String,
    pub runs: u64,
    pub fetches: u64,
    pub errors: u64,
    pub challenges: u64,
    pub new_articles: u64,
    /// Frontier tasks waiting.
    pub pending: u64,
}

/// One snapshot of the store's counters.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct MetricsSnapshot {
    /// Crawl runs by status (`finished`, `running`, `killed`, …).
    pub runs: Vec<(String, u64)>,
    pub sources: Vec<SourceCounters>,
    pub articles: u64,
    pub candidates: Vec<(String, u64)>,
    pub ledger_entries: u64,
    /// When the latest checkpoint was signed (RFC 3339, UTC).
    pub last_checkpoint: Option<String>,
    /// Rows waiting in a notification outbox table, by table, when the home
    /// has one.
    pub outbox: Vec<(String, u64)>,
}

impl Store {
    /// Read every counter in one read transaction.
    pub fn metrics_snapshot(&self) -> Result<MetricsSnapshot> {
        self.read(|tx| {
            let c = tx.tx;
            let pairs = |sql: &str| -> Result<Vec<(String, u64)>> {
                let mut st = c.prepare(sql)?;
                let rows = st.query_map([], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?.max(0) as u64))
                })?;
                Ok(rows.collect::<rusqlite::Result<_>>()?)
            };
            let runs = pairs("SELECT status, count(*) FROM runs GROUP BY status ORDER BY status")?;
            let candidates =
                pairs("SELECT status, count(*) FROM candidates GROUP BY status ORDER BY status")?;
            let pending: std::collections::HashMap<String, u64> = pairs(
                "SELECT source, count(*) FROM frontier WHERE state = 'pending' GROUP BY source",
            )?
            .into_iter()
            .collect();
            let mut st = c.prepare(
                "SELECT source, count(*), COALESCE(sum(fetched), 0), COALESCE(sum(errors), 0),
                        COALESCE(sum(challenges), 0), COALESCE(sum(new_articles), 0)
                 FROM source_runs GROUP BY source ORDER BY source",
            )?;
            let n = |r: &rusqlite::Row<'_>, i| r.get::<_, i64>(i).map(|v| v.max(0) as u64);
            let mut sources: Vec<SourceCounters> = st
                .query_map([], |r| {
                    Ok(SourceCounters {
                        source: r.get(0)?,
                        runs: n(r, 1)?,
                        fetches: n(r, 2)?,
                        errors: n(r, 3)?,
                        challenges: n(r, 4)?,
                        new_articles: n(r, 5)?,
                        pending: 0,
                    })
                })?
                .collect::<rusqlite::Result<_>>()?;
            for s in &mut sources {
                s.pending = pending.get(&s.source).copied().unwrap_or(0);
            }
            for (source, p) in &pending {
                if !sources.iter().any(|s| &s.source == source) {
                    sources.push(SourceCounters {
                        source: source.clone(),
                        pending: *p,
                        ..Default::default()
                    });
                }
            }
            sources.sort_by(|a, b| a.source.cmp(&b.source));
            let articles: i64 = c.query_row("SELECT count(*) FROM articles", [], |r| r.get(0))?;
            let last_checkpoint: Option<String> = c
                .query_row(
                    "SELECT at FROM checkpoints ORDER BY id DESC LIMIT 1",
                    [],
                    |r| r.get(0),
                )
                .ok();
            // A notification outbox is another helper's table: counted when it exists.
            let tables: Vec<String> = {
                let mut st = c.prepare(
                    "SELECT name FROM sqlite_master WHERE type = 'table'
                     AND (name LIKE '%outbox%' OR name LIKE 'notification%') ORDER BY name",
                )?;
                st.query_map([], |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()?
            };
            let mut outbox = Vec::new();
            for t in tables {
                let cols: Vec<String> = {
                    let mut st =
                        c.prepare(&format!("PRAGMA table_info(\"{}\")", t.replace('"', "")))?;
                    st.query_map([], |r| r.get::<_, String>(1))?
                        .collect::<rusqlite::Result<_>>()?
                };
                let waiting = ["sent_at", "delivered_at", "done_at"]
                    .iter()
                    .find(|c| cols.iter().any(|x| x == *c))
                    .map(|c| format!(" WHERE {c} IS NULL"))
                    .unwrap_or_default();
                let n: i64 = c.query_row(
                    &format!("SELECT count(*) FROM \"{}\"{waiting}", t.replace('"', "")),
                    [],
                    |r| r.get(0),
                )?;
                outbox.push((t, n.max(0) as u64));
            }
            Ok(MetricsSnapshot {
                runs,
                sources,
                articles: articles.max(0) as u64,
                candidates,
                ledger_entries: tx.ledger_size()?,
                last_checkpoint,
                outbox,
            })
        })
    }

    /// A trivial query: the store answers.
    pub fn ping(&self) -> Result<()> {
        self.read(|tx| Ok(tx.tx.query_row("SELECT 1", [], |_| Ok(()))?))
    }
}
