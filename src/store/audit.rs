//! The audit trail (操作记录): one append-only row for every action a person
//! takes (a decision, a reopening, a proposal, an upload, an export, an
//! account change, a sign-in). Written in the same transaction as the action
//! where there is one; read back filtered for the 操作记录 page and
//! `GET /api/audit`.

use super::{Result, Store, Tx, now_utc};
use rusqlite::params;

/// One action to record. `action` is a stable English code (`confirm`,
/// `reject`, `reopen`, `undo`, `propose`, `upload`, `export`, `login`,
/// `user.add`, `user.disable`, …); pages translate it.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct AuditRecord {
    pub user: String,
    pub action: String,
    pub enterprise: Option<String>,
    pub candidate: Option<i64>,
    /// The ledger entry's stored seq (0-based), if any.
    pub entry: Option<i64>,
    pub item: Option<String>,
    pub reason: Option<String>,
    pub note: Option<String>,
}

impl AuditRecord {
    pub fn new(user: &str, action: &str) -> AuditRecord {
        AuditRecord {
            user: user.to_string(),
            action: action.to_string(),
            ..AuditRecord::default()
        }
    }
}

/// A stored row: the record and when (UTC RFC 3339).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AuditRow {
    pub id: i64,
    pub at: String,
    #[serde(flatten)]
    pub record: AuditRecord,
}

/// Which rows to read; every field narrows, `None` does not.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub enterprise: Option<String>,
    pub user: Option<String>,
    pub action: Option<String>,
    /// Inclusive lower bound on `at` (UTC RFC 3339 prefix).
    pub from: Option<String>,
    /// Exclusive upper bound on `at`.
    pub to: Option<String>,
    pub limit: Option<u32>,
}

const INSERT: &str = "INSERT INTO audit
    (at, user, action, enterprise, candidate, entry, item, reason, note)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";

fn bounded(s: &Option<String>) -> Option<String> {
    // Every stored field is bounded: a trail must not become a way to fill the disk.
    s.as_ref().map(|v| v.chars().take(2000).collect())
}

fn insert(conn: &rusqlite::Connection, a: &AuditRecord) -> Result<()> {
    let user: String = a.user.chars().take(200).collect();
    let action: String = a.action.chars().take(100).collect();
    conn.prepare_cached(INSERT)?.execute(params![
        now_utc(),
        user,
        action,
        bounded(&a.enterprise),
        a.candidate,
        a.entry,
        bounded(&a.item),
        bounded(&a.reason),
        bounded(&a.note),
    ])?;
    Ok(())
}

impl Tx<'_> {
    /// Record an action inside the transaction that performs it.
    pub fn audit(&self, a: &AuditRecord) -> Result<()> {
        insert(self.tx, a)
    }
}

impl Store {
    /// Record an action that has no transaction of its own (a sign-in, an export).
    pub fn audit(&self, a: &AuditRecord) -> Result<()> {
        insert(&self.conn, a)
    }

    /// The trail, newest first.
    pub fn audit_log(&self, f: &AuditFilter) -> Result<Vec<AuditRow>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, at, user, action, enterprise, candidate, entry, item, reason, note
             FROM audit
             WHERE (?1 IS NULL OR enterprise = ?1)
               AND (?2 IS NULL OR user = ?2)
               AND (?3 IS NULL OR action = ?3)
               AND (?4 IS NULL OR at >= ?4)
               AND (?5 IS NULL OR at < ?5)
             ORDER BY id DESC LIMIT ?6",
        )?;
        let limit = i64::from(f.limit.unwrap_or(10_000));
        let rows = stmt.query_map(
            params![f.enterprise, f.user, f.action, f.from, f.to, limit],
            |r| {
                Ok(AuditRow {
                    id: r.get(0)?,
                    at: r.get(1)?,
                    record: AuditRecord {
                        user: r.get(2)?,
                        action: r.get(3)?,
                        enterprise: r.get(4)?,
                        candidate: r.get(5)?,
                        entry: r.get(6)?,
                        item: r.get(7)?,
                        reason: r.get(8)?,
                        note: r.get(9)?,
                    },
                })
            },
        )?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_are_read_back_filtered_and_cannot_be_changed() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("radar.sqlite")).unwrap();
        let mut a = AuditRecord::new("alice", "reject");
        a.enterprise = Some("wz-a".into());
        a.candidate = Some(3);
        a.reason = Some("非深度报道".into());
        store.audit(&a).unwrap();
        store
            .transaction(|tx| tx.audit(&AuditRecord::new("bob", "login")))
            .unwrap();
        let all = store.audit_log(&AuditFilter::default()).unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].record.user, "bob");
        let mine = store
            .audit_log(&AuditFilter {
                enterprise: Some("wz-a".into()),
                ..AuditFilter::default()
            })
            .unwrap();
        assert_eq!(mine.len(), 1);
        assert_eq!(mine[0].record.reason.as_deref(), Some("非深度报道"));
        assert!(store.conn.execute("DELETE FROM audit", []).is_err());
        assert!(
            store
                .conn
                .execute("UPDATE audit SET user = 'x'", [])
                .is_err()
        );
    }
}
