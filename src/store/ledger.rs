//! The score ledger's rows: entries (the canonical bytes of each, their leaf
//! hash, and the columns queries need), signed checkpoints, and the files
//! added as evidence. The schema refuses UPDATE and DELETE on entries and
//! checkpoints; this file only ever inserts them. Writers use
//! [`Store::immediate`] so two reviewers are serialised, not interleaved.

use super::{Result, Store, StoreError, Tx, now_utc};
use crate::model::ArticleId;
use rusqlite::{OptionalExtension, TransactionBehavior, params};

/// One ledger row as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct LedgerRow {
    pub seq: u64,
    pub leaf: Vec<u8>,
    pub leaf_hash: Vec<u8>,
    pub action: String,
    pub enterprise: String,
    pub named_enterprise: String,
    pub item: String,
    pub report_key: String,
    pub candidate_id: Option<i64>,
    pub reverses: Option<u64>,
    pub evidence_date: String,
    pub reviewer: String,
    pub at: String,
}

/// One stored checkpoint.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckpointRow {
    pub id: i64,
    pub size: u64,
    pub note: String,
    pub at: String,
}

/// A file added as evidence.
#[derive(Debug, Clone, PartialEq)]
pub struct FileRow {
    pub sha256: String,
    pub size: u64,
    pub media_type: String,
    pub original_name: String,
}

const ROW: &str = "seq, leaf, leaf_hash, action, enterprise, named_enterprise, item, report_key, \
                   candidate_id, reverses, evidence_date, reviewer, at";

fn ledger_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<LedgerRow> {
    Ok(LedgerRow {
        seq: r.get::<_, i64>(0)?.max(0) as u64,
        leaf: r.get(1)?,
        leaf_hash: r.get(2)?,
        action: r.get(3)?,
        enterprise: r.get(4)?,
        named_enterprise: r.get(5)?,
        item: r.get(6)?,
        report_key: r.get(7)?,
        candidate_id: r.get(8)?,
        reverses: r.get::<_, Option<i64>>(9)?.map(|v| v.max(0) as u64),
        evidence_date: r.get(10)?,
        reviewer: r.get(11)?,
        at: r.get(12)?,
    })
}

fn seq_param(seq: u64) -> Result<i64> {
    i64::try_from(seq).map_err(|_| StoreError::Corrupt(format!("ledger seq {seq} out of range")))
}

impl Store {
    /// Read in one snapshot (a read transaction): what `f` sees is consistent.
    pub fn read<T>(&self, f: impl FnOnce(&Tx<'_>) -> Result<T>) -> Result<T> {
        let tx = self.conn.unchecked_transaction()?;
        let out = f(&Tx { tx: &tx })?;
        tx.finish()?;
        Ok(out)
    }

    /// Run `f` in a transaction that takes the write lock at once (`BEGIN
    /// IMMEDIATE`) with a full sync at commit: what it read cannot change
    /// under it, and a second writer waits for it, then sees its result.
    pub fn immediate<T>(&mut self, f: impl FnOnce(&Tx<'_>) -> Result<T>) -> Result<T> {
        self.conn.pragma_update(None, "synchronous", "FULL")?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = f(&Tx { tx: &tx })?;
        tx.commit()?;
        Ok(out)
    }
}

impl Tx<'_> {
    /// Number of entries (the next entry's seq).
    pub fn ledger_size(&self) -> Result<u64> {
        // Seqs run 0..n without gaps (`append_ledger` checks, triggers
        // forbid deletes), so the last seq + 1 is the count, from the index.
        let n: i64 = self.tx.query_row(
            "SELECT COALESCE(MAX(seq) + 1, 0) FROM ledger_entries",
            [],
            |r| r.get(0),
        )?;
        Ok(n.max(0) as u64)
    }

    /// Append one entry; its seq must be the ledger's size.
    pub fn append_ledger(&self, row: &LedgerRow) -> Result<()> {
        let size = self.ledger_size()?;
        if row.seq != size {
            return Err(StoreError::Corrupt(format!(
                "ledger entry {} appended at size {size}",
                row.seq
            )));
        }
        self.tx.execute(
            &format!("INSERT INTO ledger_entries ({ROW}) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13)"),
            params![
                seq_param(row.seq)?,
                row.leaf,
                row.leaf_hash,
                row.action,
                row.enterprise,
                row.named_enterprise,
                row.item,
                row.report_key,
                row.candidate_id,
                row.reverses.map(seq_param).transpose()?,
                row.evidence_date,
                row.reviewer,
                row.at
            ],
        )?;
        Ok(())
    }

    /// Every entry, in order.
    pub fn ledger_entries(&self) -> Result<Vec<LedgerRow>> {
        let mut stmt = self
            .tx
            .prepare_cached(&format!("SELECT {ROW} FROM ledger_entries ORDER BY seq"))?;
        let rows = stmt.query_map([], ledger_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn ledger_entry(&self, seq: u64) -> Result<Option<LedgerRow>> {
        Ok(self
            .tx
            .query_row(
                &format!("SELECT {ROW} FROM ledger_entries WHERE seq = ?1"),
                params![seq_param(seq)?],
                ledger_row,
            )
            .optional()?)
    }

    /// The undo entry reversing `seq`, if any.
    pub fn undo_of(&self, seq: u64) -> Result<Option<LedgerRow>> {
        Ok(self
            .tx
            .query_row(
                &format!("SELECT {ROW} FROM ledger_entries WHERE reverses = ?1"),
                params![seq_param(seq)?],
                ledger_row,
            )
            .optional()?)
    }

    /// The confirmation (not undone) of this report for this enterprise and
    /// item, or of this candidate.
    pub fn active_confirmation(
        &self,
        enterprise: &str,
        item: &str,
        report_key: &str,
        candidate: Option<i64>,
    ) -> Result<Option<LedgerRow>> {
        let cols = ROW
            .split(", ")
            .map(|c| format!("e.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        Ok(self
            .tx
            .query_row(
                &format!(
                    "SELECT {cols} FROM ledger_entries e WHERE e.action = 'confirm' \
                     AND ((e.enterprise = ?1 AND e.item = ?2 AND e.report_key = ?3) \
                          OR (?4 IS NOT NULL AND e.candidate_id = ?4)) \
                     AND NOT EXISTS (SELECT 1 FROM ledger_entries u WHERE u.reverses = e.seq) \
                     ORDER BY e.seq LIMIT 1"
                ),
                params![enterprise, item, report_key, candidate],
                ledger_row,
            )
            .optional()?)
    }

    /// The stored right edge of the ledger's tree: (size, subtree roots).
    pub fn ledger_frontier(&self) -> Result<Option<(u64, Vec<u8>)>> {
        Ok(self
            .tx
            .prepare_cached("SELECT size, nodes FROM ledger_frontier WHERE id = 1")?
            .query_row([], |r| Ok((r.get::<_, i64>(0)?, r.get(1)?)))
            .optional()?
            .map(|(size, nodes)| (size.max(0) as u64, nodes)))
    }

    pub fn set_ledger_frontier(&self, size: u64, nodes: &[u8]) -> Result<()> {
        self.tx.execute(
            "INSERT INTO ledger_frontier (id, size, nodes) VALUES (1, ?1, ?2)
             ON CONFLICT(id) DO UPDATE SET size = excluded.size, nodes = excluded.nodes",
            params![seq_param(size)?, nodes],
        )?;
        Ok(())
    }

    /// The leaf hashes of every entry, in order.
    pub fn leaf_hashes(&self) -> Result<Vec<Vec<u8>>> {
        let mut stmt = self
            .tx
            .prepare_cached("SELECT leaf_hash FROM ledger_entries ORDER BY seq")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn add_checkpoint(&self, size: u64, note: &str) -> Result<i64> {
        self.tx.execute(
            "INSERT INTO checkpoints (size, note, at) VALUES (?1, ?2, ?3)",
            params![seq_param(size)?, note, now_utc()],
        )?;
        let id = self.tx.last_insert_rowid();
        // Every signed checkpoint is published outside the server.
        self.enqueue_event(
            &crate::model::NotifyEvent::new(
                format!("checkpoint:{id}"),
                crate::model::EventKind::Checkpoint,
                serde_json::json!({ "size": size, "note": note }),
            )
            .urgent(true),
        )?;
        Ok(id)
    }

    /// Every checkpoint, oldest first.
    pub fn checkpoints(&self) -> Result<Vec<CheckpointRow>> {
        let mut stmt = self
            .tx
            .prepare_cached("SELECT id, size, note, at FROM checkpoints ORDER BY id")?;
        let rows = stmt.query_map([], |r| {
            Ok(CheckpointRow {
                id: r.get(0)?,
                size: r.get::<_, i64>(1)?.max(0) as u64,
                note: r.get(2)?,
                at: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn latest_checkpoint(&self) -> Result<Option<CheckpointRow>> {
        Ok(self.checkpoints()?.pop())
    }

    /// Record a file (once per content).
    pub fn add_file(&self, f: &FileRow) -> Result<bool> {
        let n = self.tx.execute(
            "INSERT OR IGNORE INTO files (sha256, size, media_type, original_name, added_at) \
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                f.sha256,
                i64::try_from(f.size).unwrap_or(i64::MAX),
                f.media_type,
                f.original_name,
                now_utc()
            ],
        )?;
        Ok(n == 1)
    }

    pub fn file(&self, sha256: &str) -> Result<Option<FileRow>> {
        Ok(self
            .tx
            .query_row(
                "SELECT sha256, size, media_type, original_name FROM files WHERE sha256 = ?1",
                params![sha256],
                |r| {
                    Ok(FileRow {
                        sha256: r.get(0)?,
                        size: r.get::<_, i64>(1)?.max(0) as u64,
                        media_type: r.get(2)?,
                        original_name: r.get(3)?,
                    })
                },
            )
            .optional()?)
    }

    /// A reviewer's decision on a candidate: its status and an event saying
    /// who and why.
    pub fn review_candidate(
        &self,
        id: i64,
        to: super::CandidateStatus,
        reviewer: &str,
        reason: Option<&str>,
        note: Option<&str>,
    ) -> Result<()> {
        let from: Option<String> = self
            .tx
            .query_row(
                "SELECT status FROM candidates WHERE id = ?1",
                params![id],
                |r| r.get(0),
            )
            .optional()?;
        let from = from.ok_or_else(|| StoreError::Corrupt(format!("no candidate {id}")))?;
        self.tx.execute(
            "UPDATE candidates SET status = ?2, updated_at = ?3 WHERE id = ?1",
            params![id, to.as_str(), now_utc()],
        )?;
        self.tx.execute(
            "INSERT INTO candidate_events (candidate_id, at, from_status, to_status, note, reviewer, reason) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![id, now_utc(), from, to.as_str(), note, reviewer, reason],
        )?;
        let event_id = self.tx.last_insert_rowid();
        // The enterprise hears of every decision on its items.
        let about: Option<(String, String, String, Option<String>, String)> = self
            .tx
            .query_row(
                "SELECT c.enterprise, c.item, c.outlet, c.published, COALESCE(a.title, '') \
                 FROM candidates c LEFT JOIN articles a ON a.id = c.article_id WHERE c.id = ?1",
                params![id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .optional()?;
        if let Some((enterprise, item, outlet, published, title)) = about {
            let data = serde_json::json!({
                "candidate": id,
                "enterprise": enterprise,
                "item": item,
                "outlet": outlet,
                "published": published,
                "title": title,
                "from": from,
                "to": to.as_str(),
                "reviewer": reviewer,
                "reason": reason,
                "note": note,
            });
            self.enqueue_event(
                &crate::model::NotifyEvent::new(
                    format!("decision:{event_id}"),
                    crate::model::EventKind::Decision,
                    data,
                )
                .for_enterprise(&enterprise)
                .urgent(true),
            )?;
        }
        Ok(())
    }

    /// Rejected and total decided candidates per (enterprise, alias, source):
    /// which alias keeps producing noise where.
    pub fn rejection_stats(&self) -> Result<Vec<RejectionStat>> {
        let mut stmt = self.tx.prepare_cached(
            "SELECT c.enterprise, m.alias, a.source, \
                    COUNT(DISTINCT c.id), \
                    COUNT(DISTINCT CASE WHEN c.status = 'rejected' THEN c.id END), \
                    COUNT(DISTINCT CASE WHEN c.status = 'confirmed' THEN c.id END) \
             FROM candidates c \
             JOIN mentions m ON m.article_id = c.article_id AND m.enterprise = c.named_enterprise \
             JOIN articles a ON a.id = c.article_id \
             GROUP BY c.enterprise, m.alias, a.source ORDER BY c.enterprise, m.alias, a.source",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(RejectionStat {
                enterprise: r.get(0)?,
                alias: r.get(1)?,
                source: r.get(2)?,
                candidates: r.get::<_, i64>(3)?.max(0) as u64,
                rejected: r.get::<_, i64>(4)?.max(0) as u64,
                confirmed: r.get::<_, i64>(5)?.max(0) as u64,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The article ids of these candidates (for the evidence of an entry).
    pub fn candidate_article(&self, id: i64) -> Result<Option<ArticleId>> {
        Ok(self
            .tx
            .query_row(
                "SELECT article_id FROM candidates WHERE id = ?1",
                params![id],
                |r| Ok(ArticleId(r.get(0)?)),
            )
            .optional()?)
    }
}

/// Candidates per enterprise, alias and source, and how many were rejected.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RejectionStat {
    pub enterprise: String,
    pub alias: String,
    pub source: String,
    pub candidates: u64,
    pub rejected: u64,
    pub confirmed: u64,
}
