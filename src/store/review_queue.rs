//! What the reviewer's pages need beyond the candidates themselves: the
//! mentions matching recorded (to show the sentences that name the
//! enterprise), the candidates a reviewer skipped (moved to the end of their
//! queue), when each reviewer last looked at the queue (what is new), and a
//! candidate a reviewer proposes by hand (人工发现).

use super::{CandidateStatus, NewCandidate, Result, Store, Tx, now_utc};
use rusqlite::params;
use std::collections::{HashMap, HashSet};

/// A mention as matching stored it: character offsets in its paragraph
/// (the body's `paragraph - 1`th line; 0: the title).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredMention {
    pub alias: String,
    pub paragraph: usize,
    pub start: usize,
    pub end: usize,
    pub in_title: bool,
    pub in_list: bool,
    pub anchored: bool,
}

/// A new visit starts when the queue was last seen this long ago.
const VISIT_GAP_MINUTES: i64 = 30;

impl Store {
    /// The mentions of one enterprise in one article, in reading order.
    pub fn mentions_of(&self, article: &str, enterprise: &str) -> Result<Vec<StoredMention>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT alias, paragraph, start, end, in_title, in_list, anchored FROM mentions \
             WHERE article_id = ?1 AND enterprise = ?2 ORDER BY paragraph, start",
        )?;
        let rows = stmt.query_map(params![article, enterprise], |r| {
            Ok(StoredMention {
                alias: r.get(0)?,
                paragraph: r.get::<_, i64>(1)?.max(0) as usize,
                start: r.get::<_, i64>(2)?.max(0) as usize,
                end: r.get::<_, i64>(3)?.max(0) as usize,
                in_title: r.get(4)?,
                in_list: r.get(5)?,
                anchored: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The candidates `user` skipped, with when (oldest first is the order
    /// they go to the end of the queue in).
    pub fn skipped(&self, user: &str) -> Result<HashMap<i64, String>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT candidate, at FROM queue_skips WHERE user = ?1")?;
        let rows = stmt.query_map(params![user], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Candidates created after `since` (UTC RFC 3339).
    pub fn created_after(&self, since: &str) -> Result<HashSet<i64>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id FROM candidates WHERE created_at > ?1")?;
        let rows = stmt.query_map(params![since], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Since when candidates count as new for `user` (none: everything is
    /// as old as the first visit), without recording a visit.
    pub fn new_since(&self, user: &str) -> Result<Option<String>> {
        Ok(Tx { tx: &self.conn }
            .query_opt(
                "SELECT since FROM queue_visits WHERE user = ?1",
                params![user],
                |r| r.get::<_, Option<String>>(0),
            )?
            .flatten())
    }

    /// Record that `user` looks at the queue now. A look more than half an
    /// hour after the last one starts a new visit: what arrived since the
    /// last look is new until the next visit. The first visit marks nothing.
    pub fn visit_queue(&mut self, user: &str) -> Result<Option<String>> {
        let now = now_utc();
        self.transaction(|tx| {
            let last: Option<(String, Option<String>)> = tx.query_opt(
                "SELECT last_view, since FROM queue_visits WHERE user = ?1",
                params![user],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            let since = match last {
                None => Some(now.clone()),
                Some((last_view, since)) => {
                    let gap = chrono::DateTime::parse_from_rfc3339(&last_view)
                        .map(|t| chrono::Utc::now().signed_duration_since(t).num_minutes())
                        .unwrap_or(i64::MAX);
                    if gap > VISIT_GAP_MINUTES {
                        Some(last_view)
                    } else {
                        since
                    }
                }
            };
            tx.exec(
                "INSERT INTO queue_visits (user, last_view, since) VALUES (?1, ?2, ?3) \
                 ON CONFLICT(user) DO UPDATE SET last_view = ?2, since = ?3",
                params![user, now, since],
            )?;
            Ok(since)
        })
    }
}

impl Store {
    /// The last archived 2xx answer to `url` (an image the crawl fetched),
    /// with its content type.
    pub fn archived_answer(
        &self,
        url: &str,
    ) -> Result<Option<(super::ResourceLocation, Option<String>)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT url, status, warc_file, warc_offset, warc_length, payload_sha256, content_type \
             FROM resources WHERE (url = ?1 OR final_url = ?1) AND status BETWEEN 200 AND 299 \
             ORDER BY id DESC LIMIT 1",
        )?;
        use rusqlite::OptionalExtension;
        Ok(stmt
            .query_row(params![url], |r| {
                Ok((super::resources::location_row(r)?, r.get(6)?))
            })
            .optional()?)
    }
}

impl Tx<'_> {
    /// `user` skipped a candidate: it goes to the end of their queue (a
    /// second skip moves it to the end again).
    pub fn skip_candidate(&self, user: &str, candidate: i64) -> Result<()> {
        self.exec(
            "INSERT INTO queue_skips (user, candidate, at) VALUES (?1, ?2, ?3) \
             ON CONFLICT(user, candidate) DO UPDATE SET at = ?3",
            params![user, candidate, now_utc()],
        )?;
        Ok(())
    }

    /// A candidate a reviewer proposes by hand (人工发现): pending, with an
    /// event naming who and why. Its id.
    pub fn propose_candidate(&self, c: &NewCandidate, reviewer: &str, note: &str) -> Result<i64> {
        let reasons = serde_json::to_string(&c.reasons)
            .map_err(|e| super::StoreError::Corrupt(format!("reasons: {e}")))?;
        let signals = serde_json::to_string(&c.signals)
            .map_err(|e| super::StoreError::Corrupt(format!("signals: {e}")))?;
        let now = now_utc();
        self.exec(
            "INSERT INTO candidates (enterprise, named_enterprise, item, report_key, article_id, cites_article, points, \
             published, outlet, confidence, score, reasons, signals, status, created_at, updated_at) \
             VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?15)",
            params![c.enterprise, c.named_enterprise, c.item, c.report_key, c.article_id.as_str(),
                c.cites_article.as_ref().map(|a| a.as_str()), c.points, c.published.map(|d| d.to_string()),
                c.outlet, "manual", c.score, reasons, signals, CandidateStatus::Pending.as_str(), now],
        )?;
        let id = self.tx.last_insert_rowid();
        self.exec(
            "INSERT INTO candidate_events (candidate_id, at, from_status, to_status, note, reviewer, reason) \
             VALUES (?1, ?2, NULL, 'pending', ?3, ?4, 'propose')",
            params![id, now, note, reviewer],
        )?;
        Ok(id)
    }

    /// The candidate of this (enterprise, item, report), if there is one.
    pub fn candidate_of_report(
        &self,
        enterprise: &str,
        item: &str,
        report_key: &str,
    ) -> Result<Option<i64>> {
        self.query_opt(
            "SELECT id FROM candidates WHERE enterprise = ?1 AND item = ?2 AND report_key = ?3",
            params![enterprise, item, report_key],
            |r| r.get(0),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_visit_marks_nothing_and_a_look_soon_after_keeps_the_visit() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("radar.sqlite")).unwrap();
        assert_eq!(store.new_since("ana").unwrap(), None);
        let first = store.visit_queue("ana").unwrap().expect("a boundary");
        // A second look a moment later is the same visit: the same boundary.
        assert_eq!(store.visit_queue("ana").unwrap(), Some(first.clone()));
        assert_eq!(store.new_since("ana").unwrap(), Some(first));
        assert!(
            store
                .created_after("2000-01-01T00:00:00Z")
                .unwrap()
                .is_empty()
        );
    }
}
