//! What enterprises send and say: submissions (报送材料, a file waiting for a
//! reviewer to accept it into the ledger or return it), the comment thread
//! on a candidate, and appeals (申请复核: a rejected candidate back to
//! pending, marked by a `candidate_events` row with note `appeal`), with the
//! counts of what awaits review per scoring unit.

use super::{FileRow, Result, Store, StoreError, Tx, now_utc};
use chrono::NaiveDate;
use rusqlite::params;
use std::collections::HashMap;

/// The note of the candidate event an appeal writes.
pub const APPEAL_NOTE: &str = "appeal";

/// Where a submission stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SubmissionStatus {
    Pending,
    Accepted,
    Returned,
}

impl SubmissionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            SubmissionStatus::Pending => "pending",
            SubmissionStatus::Accepted => "accepted",
            SubmissionStatus::Returned => "returned",
        }
    }
    pub fn parse(s: &str) -> Option<SubmissionStatus> {
        Some(match s {
            "pending" => SubmissionStatus::Pending,
            "accepted" => SubmissionStatus::Accepted,
            "returned" => SubmissionStatus::Returned,
            _ => return None,
        })
    }
}

/// A submission as the officer sends it, its file already stored.
#[derive(Debug, Clone)]
pub struct NewSubmission {
    pub enterprise: String,
    pub unit: String,
    pub item: String,
    pub evidence_date: NaiveDate,
    pub title: String,
    pub issuer: String,
    pub note: Option<String>,
    pub file: FileRow,
    pub submitted_by: String,
}

/// A stored submission.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SubmissionRow {
    pub id: i64,
    pub enterprise: String,
    pub unit: String,
    pub item: String,
    pub evidence_date: String,
    pub title: String,
    pub issuer: String,
    pub note: Option<String>,
    pub sha256: String,
    pub file_name: String,
    pub submitted_by: String,
    pub submitted_at: String,
    pub status: SubmissionStatus,
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
    /// The item a reviewer counted it under (accepted).
    pub decided_item: Option<String>,
    /// The reviewer's note (accepted) or the reason it was returned.
    pub reason: Option<String>,
    /// The ledger entry it became (accepted).
    pub entry: Option<i64>,
}

/// One comment on a candidate.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CommentRow {
    pub id: i64,
    pub candidate_id: i64,
    pub at: String,
    pub user: String,
    pub role: String,
    pub text: String,
    /// Sent with an appeal (申请复核).
    pub appeal: bool,
}

/// A candidate's latest appeal and what became of it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct AppealState {
    pub candidate_id: i64,
    pub at: String,
    pub user: String,
    pub comment: String,
    /// The first decision after the appeal: (status, reviewer, reason in
    /// words as the reviewer gave it, at).
    pub outcome: Option<AppealOutcome>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct AppealOutcome {
    pub status: String,
    pub reviewer: Option<String>,
    pub reason: Option<String>,
    pub at: String,
}

/// What awaits review for one scoring unit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pending {
    pub candidates: u32,
    pub submissions: u32,
}

const SUBMISSION: &str = "id, enterprise, unit, item, evidence_date, title, issuer, note, sha256, file_name, \
     submitted_by, submitted_at, status, decided_by, decided_at, decided_item, reason, entry";

fn submission_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(SubmissionRow, String)> {
    let status: String = r.get(12)?;
    Ok((
        SubmissionRow {
            id: r.get(0)?,
            enterprise: r.get(1)?,
            unit: r.get(2)?,
            item: r.get(3)?,
            evidence_date: r.get(4)?,
            title: r.get(5)?,
            issuer: r.get(6)?,
            note: r.get(7)?,
            sha256: r.get(8)?,
            file_name: r.get(9)?,
            submitted_by: r.get(10)?,
            submitted_at: r.get(11)?,
            status: SubmissionStatus::Pending,
            decided_by: r.get(13)?,
            decided_at: r.get(14)?,
            decided_item: r.get(15)?,
            reason: r.get(16)?,
            entry: r.get(17)?,
        },
        status,
    ))
}

fn with_status((mut row, status): (SubmissionRow, String)) -> Result<SubmissionRow> {
    row.status = SubmissionStatus::parse(&status)
        .ok_or_else(|| StoreError::Corrupt(format!("submission status `{status}`")))?;
    Ok(row)
}

/// Text kept within a bound (every stored field is bounded).
fn bounded(s: &str, max: usize) -> String {
    s.trim().chars().take(max).collect()
}

impl Tx<'_> {
    /// Store a submission (and its file's row); its id.
    pub fn add_submission(&self, s: &NewSubmission) -> Result<i64> {
        self.add_file(&s.file)?;
        self.exec(
            "INSERT INTO submissions (enterprise, unit, item, evidence_date, title, issuer, note, sha256, \
             file_name, submitted_by, submitted_at) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)",
            params![
                s.enterprise,
                s.unit,
                s.item,
                s.evidence_date.to_string(),
                bounded(&s.title, 500),
                bounded(&s.issuer, 200),
                s.note.as_deref().map(|n| bounded(n, 2000)),
                s.file.sha256,
                bounded(&s.file.original_name, 200),
                s.submitted_by,
                now_utc()
            ],
        )?;
        Ok(self.tx.last_insert_rowid())
    }

    pub fn submission(&self, id: i64) -> Result<Option<SubmissionRow>> {
        self.query_opt(
            &format!("SELECT {SUBMISSION} FROM submissions WHERE id = ?1"),
            params![id],
            submission_row,
        )?
        .map(with_status)
        .transpose()
    }

    /// Decide a pending submission; false when it was not pending any more.
    pub fn decide_submission(
        &self,
        id: i64,
        to: SubmissionStatus,
        by: &str,
        item: Option<&str>,
        reason: Option<&str>,
        entry: Option<i64>,
    ) -> Result<bool> {
        let n = self.exec(
            "UPDATE submissions SET status = ?2, decided_by = ?3, decided_at = ?4, decided_item = ?5, \
             reason = ?6, entry = ?7 WHERE id = ?1 AND status = 'pending'",
            params![
                id,
                to.as_str(),
                by,
                now_utc(),
                item,
                reason.map(|r| bounded(r, 2000)),
                entry
            ],
        )?;
        Ok(n == 1)
    }

    /// Add a comment to a candidate's thread; its id.
    pub fn add_comment(
        &self,
        candidate: i64,
        user: &str,
        role: &str,
        text: &str,
        appeal: bool,
    ) -> Result<i64> {
        self.exec(
            "INSERT INTO candidate_comments (candidate_id, at, user, role, text, appeal) VALUES (?1,?2,?3,?4,?5,?6)",
            params![candidate, now_utc(), user, role, bounded(text, 2000), appeal],
        )?;
        Ok(self.tx.last_insert_rowid())
    }

    /// An enterprise asks for review of a rejected candidate: pending again,
    /// marked by an `appeal` event with who asked and their comment.
    pub fn appeal_candidate(&self, id: i64, user: &str, comment: &str) -> Result<()> {
        self.exec(
            "UPDATE candidates SET status = 'pending', updated_at = ?2 WHERE id = ?1 AND status = 'rejected'",
            params![id, now_utc()],
        )?;
        self.exec(
            "INSERT INTO candidate_events (candidate_id, at, from_status, to_status, note, reviewer, reason) \
             VALUES (?1, ?2, 'rejected', 'pending', ?3, ?4, ?5)",
            params![id, now_utc(), APPEAL_NOTE, user, bounded(comment, 2000)],
        )?;
        Ok(())
    }
}

impl Store {
    fn tx(&self) -> Tx<'_> {
        Tx { tx: &self.conn }
    }

    pub fn submission(&self, id: i64) -> Result<Option<SubmissionRow>> {
        self.tx().submission(id)
    }

    /// Submissions, newest first, in one status or all.
    pub fn submissions(&self, status: Option<SubmissionStatus>) -> Result<Vec<SubmissionRow>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {SUBMISSION} FROM submissions WHERE (?1 IS NULL OR status = ?1) ORDER BY id DESC LIMIT 5000"
        ))?;
        let rows = stmt.query_map(params![status.map(|s| s.as_str())], submission_row)?;
        rows.map(|r| with_status(r?)).collect()
    }

    /// A candidate's comments, oldest first.
    pub fn comments(&self, candidate: i64) -> Result<Vec<CommentRow>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, candidate_id, at, user, role, text, appeal FROM candidate_comments \
             WHERE candidate_id = ?1 ORDER BY id LIMIT 500",
        )?;
        let rows = stmt.query_map(params![candidate], |r| {
            Ok(CommentRow {
                id: r.get(0)?,
                candidate_id: r.get(1)?,
                at: r.get(2)?,
                user: r.get(3)?,
                role: r.get(4)?,
                text: r.get(5)?,
                appeal: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every candidate's latest appeal, with the first decision after it.
    pub fn appeals(&self) -> Result<HashMap<i64, AppealState>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT e.candidate_id, e.at, e.reviewer, e.reason, \
               (SELECT d.to_status || char(31) || COALESCE(d.reviewer, '') || char(31) || COALESCE(d.note, d.reason, '') \
                  || char(31) || d.at FROM candidate_events d \
                WHERE d.candidate_id = e.candidate_id AND d.id > e.id \
                  AND d.to_status IN ('confirmed', 'rejected') ORDER BY d.id LIMIT 1) \
             FROM candidate_events e WHERE e.note = ?1 \
               AND e.id = (SELECT MAX(x.id) FROM candidate_events x WHERE x.candidate_id = e.candidate_id AND x.note = ?1)",
        )?;
        let rows = stmt.query_map(params![APPEAL_NOTE], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, Option<String>>(4)?,
            ))
        })?;
        let mut out = HashMap::new();
        for row in rows {
            let (id, at, user, comment, outcome) = row?;
            let outcome = outcome.and_then(|o| {
                let mut parts = o.split('\u{1f}');
                let status = parts.next()?.to_string();
                let reviewer = parts.next().filter(|s| !s.is_empty()).map(str::to_string);
                let reason = parts.next().filter(|s| !s.is_empty()).map(str::to_string);
                let at = parts.next()?.to_string();
                Some(AppealOutcome {
                    status,
                    reviewer,
                    reason,
                    at,
                })
            });
            out.insert(
                id,
                AppealState {
                    candidate_id: id,
                    at,
                    user: user.unwrap_or_default(),
                    comment: comment.unwrap_or_default(),
                    outcome,
                },
            );
        }
        Ok(out)
    }

    /// The latest reason each rejected candidate was rejected with, in words.
    pub fn rejection_reasons(&self) -> Result<HashMap<i64, String>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT e.candidate_id, COALESCE(e.note, e.reason, '') FROM candidate_events e \
             JOIN candidates c ON c.id = e.candidate_id AND c.status = 'rejected' \
             WHERE e.to_status = 'rejected' ORDER BY e.id",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
        let mut out = HashMap::new();
        for row in rows {
            let (id, reason) = row?;
            out.insert(id, reason);
        }
        Ok(out)
    }

    /// What awaits review per scoring unit: pending candidates (counted for
    /// the unit) and pending submissions.
    pub fn pending_by_unit(&self) -> Result<HashMap<String, Pending>> {
        let mut out: HashMap<String, Pending> = HashMap::new();
        let mut stmt = self.conn.prepare_cached(
            "SELECT enterprise, COUNT(*) FROM candidates WHERE status = 'pending' GROUP BY enterprise",
        )?;
        for row in stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))? {
            let (unit, n) = row?;
            out.entry(unit).or_default().candidates = u32::try_from(n).unwrap_or(u32::MAX);
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT unit, COUNT(*) FROM submissions WHERE status = 'pending' GROUP BY unit",
        )?;
        for row in stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))? {
            let (unit, n) = row?;
            out.entry(unit).or_default().submissions = u32::try_from(n).unwrap_or(u32::MAX);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A store with one rejected candidate.
    fn store_with_rejected() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().expect("dir");
        let store = Store::open(&dir.path().join("radar.sqlite")).expect("store");
        store
            .conn
            .execute_batch(
                // No article behind it: this test is about the events.
                "PRAGMA foreign_keys = OFF;
                 INSERT INTO candidates (id, enterprise, named_enterprise, item, report_key, article_id, points, \
                 outlet, confidence, score, reasons, signals, status, created_at, updated_at) VALUES \
                 (7, 'wz-a', 'wz-a', 'B1', 'k', 'art', 1.0, '人民日报', 'high', 0.9, '[]', '{}', 'rejected', 'x', 'x');
                 INSERT INTO candidate_events (candidate_id, at, from_status, to_status, note, reviewer, reason) VALUES
                 (7, '2026-01-01T00:00:00Z', 'pending', 'rejected', '仅网络版，非刊播', 'ana', 'web-only');",
            )
            .expect("candidate");
        (dir, store)
    }

    #[test]
    fn an_appeal_reopens_a_rejection_and_reads_back_the_next_decision() {
        let (_dir, mut store) = store_with_rejected();
        assert_eq!(
            store
                .rejection_reasons()
                .expect("reasons")
                .get(&7)
                .map(String::as_str),
            Some("仅网络版，非刊播")
        );
        store
            .transaction(|tx| {
                tx.appeal_candidate(7, "officer", "深度报道")?;
                tx.add_comment(7, "officer", "enterprise", "深度报道", true)?;
                Ok(())
            })
            .expect("appeal");
        let a = store
            .appeals()
            .expect("appeals")
            .remove(&7)
            .expect("the appeal");
        assert_eq!(
            (a.user.as_str(), a.comment.as_str()),
            ("officer", "深度报道")
        );
        assert!(a.outcome.is_none(), "waiting for a decision");
        assert_eq!(
            store.pending_by_unit().expect("pending")["wz-a"].candidates,
            1
        );
        store
            .conn
            .execute_batch(
                "UPDATE candidates SET status = 'rejected' WHERE id = 7;
                 INSERT INTO candidate_events (candidate_id, at, from_status, to_status, note, reviewer, reason) VALUES
                 (7, '2026-01-03T00:00:00Z', 'pending', 'rejected', '其他：仍为网络版', 'ana', 'other');",
            )
            .expect("decision");
        let o = store.appeals().expect("appeals")[&7]
            .outcome
            .clone()
            .expect("decided");
        assert_eq!(o.status, "rejected");
        assert_eq!(o.reason.as_deref(), Some("其他：仍为网络版"));
        assert_eq!(store.comments(7).expect("comments").len(), 1);
        assert!(store.comments(7).expect("comments")[0].appeal);
    }
}
