//! SQLite storage: the only module that runs SQL. WAL mode, versioned
//! migrations run on open. Tables: sources, runs, resources (every archived
//! exchange), articles, syndication links, the crawl frontier, HTTP validators
//! and per-run source statistics, matching results and candidates, and the
//! append-only score ledger with its checkpoints and evidence files, and the
//! web UI's users, tokens, sessions and login failures.

mod articles;
mod audit;
mod backup;
mod candidates;
mod coverage;
mod frontier;
mod ledger;
mod lock;
mod metrics;
mod migrations;
mod notify;
mod participation;
mod resources;
mod review_queue;
mod runs;
mod users;

use rusqlite::Connection;
use std::path::Path;

pub use articles::{ArticleListing, ArticleRow, NonReports, StoredArticle};
pub use audit::{AuditFilter, AuditRecord, AuditRow};
pub use backup::is_writable;
pub use candidates::{
    CandidateEvent, CandidateFilter, CandidateRow, CandidateStatus, NewCandidate,
};
pub use coverage::DayCoverage;
pub use frontier::{FrontierItem, TaskState};
pub use ledger::{CheckpointRow, FileRow, LedgerRow, RejectionStat};
pub use lock::{HomeLock, LOCK_FILE, LockError};
pub use metrics::{MetricsSnapshot, SourceCounters};
pub use notify::{OutboxRow, OutboxStats};
pub use participation::{
    APPEAL_NOTE, AppealOutcome, AppealState, CommentRow, NewSubmission, Pending, SubmissionRow,
    SubmissionStatus,
};
use resources::location_row;
pub use resources::{NewResource, ResourceLocation};
pub use review_queue::StoredMention;
pub use runs::{Alarm, RunCounts, SourceHealth, SourceRunStats};
pub use users::{LoginReservation, SessionRow, TokenRow, UserRole, UserRow};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database {path}: {source}")]
    Open {
        path: String,
        source: rusqlite::Error,
    },
    #[error(
        "{0} is on read-only media (or RADAR_READ_ONLY=1) and this command writes; only the read-only commands (ledger verify, score, search, evidence, articles, candidates) work there"
    )]
    ReadOnly(String),
    #[error("database migration failed: {0}")]
    Migration(#[from] rusqlite_migration::Error),
    #[error("database: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("database lock: {0}")]
    Lock(String),
    #[error("stored value is corrupt: {0}")]
    Corrupt(String),
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// Prepared statements kept per connection (`prepare_cached`).
const STATEMENT_CACHE: usize = 256;

/// An open store. One connection; the pipeline is its only writer.
pub struct Store {
    conn: Connection,
}

impl Store {
    pub fn open(path: &Path) -> Result<Store> {
        if !backup::is_writable(path.parent().unwrap_or(Path::new("."))) {
            return Err(StoreError::ReadOnly(path.display().to_string()));
        }
        let mut conn = Connection::open(path).map_err(|source| StoreError::Open {
            path: path.display().to_string(),
            source,
        })?;
        // Wait for other processes (a crawl, a search) instead of failing at once.
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // REPLACE must fire the ledger's delete triggers (append-only).
        conn.pragma_update(None, "recursive_triggers", "ON")?;
        // A 32 MiB page cache (negative: KiB), and WAL checkpoints every
        // 8192 pages (32 MiB) rather than 1000: a crawl's batches write a
        // few MiB each, and a checkpoint per batch doubled the writes.
        conn.pragma_update(None, "cache_size", -32768)?;
        conn.pragma_update(None, "wal_autocheckpoint", 8192)?;
        // Every hot statement is prepared once per connection.
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        // Two processes opening a new home at once must not both create the
        // tables: migrations run under an exclusive lock beside the database.
        let lock_path = path.with_extension("migrate.lock");
        let lock = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .and_then(|f| f.lock().map(|()| f))
            .map_err(|e| StoreError::Lock(format!("{}: {e}", lock_path.display())))?;
        migrations::migrations().to_latest(&mut conn)?;
        drop(lock);
        Ok(Store { conn })
    }

    /// Run `f` in one transaction: all of it is stored, or none.
    pub fn transaction<T>(&mut self, f: impl FnOnce(&Tx<'_>) -> Result<T>) -> Result<T> {
        let tx = self.conn.transaction()?;
        let out = f(&Tx { tx: &tx })?;
        tx.commit()?;
        Ok(out)
    }
}

/// A view on the database inside (or, for reads, outside) a transaction.
pub struct Tx<'a> {
    tx: &'a Connection,
}

impl Tx<'_> {
    /// Execute a statement prepared through the connection's statement
    /// cache; returns the number of rows changed.
    pub(crate) fn exec(&self, sql: &str, params: impl rusqlite::Params) -> Result<usize> {
        Ok(self.tx.prepare_cached(sql)?.execute(params)?)
    }

    /// The first row of a cached statement's answer (an error if none).
    pub(crate) fn query_one<T>(
        &self,
        sql: &str,
        params: impl rusqlite::Params,
        f: impl FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<T> {
        Ok(self.tx.prepare_cached(sql)?.query_row(params, f)?)
    }

    /// The first row of a cached statement's answer, if any.
    pub(crate) fn query_opt<T>(
        &self,
        sql: &str,
        params: impl rusqlite::Params,
        f: impl FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Option<T>> {
        use rusqlite::OptionalExtension;
        Ok(self
            .tx
            .prepare_cached(sql)?
            .query_row(params, f)
            .optional()?)
    }
}

fn now_utc() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}
