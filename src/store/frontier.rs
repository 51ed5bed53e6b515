//! The crawl frontier: every URL a source wants fetched, with its state. It
//! lives in the store so that a killed crawl resumes where it stopped.

use super::{Result, Store, StoreError, Tx, now_utc};
use crate::model::{NewTask, Role};
use rusqlite::params;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskState {
    Pending,
    Done,
    /// Failed in a run; retried by the next runs up to a limit.
    Failed,
    /// Answered, but not yet final (today's edition not out yet): fetched again next run.
    Later,
}

impl TaskState {
    fn as_str(self) -> &'static str {
        match self {
            TaskState::Pending => "pending",
            TaskState::Done => "done",
            TaskState::Failed => "failed",
            TaskState::Later => "later",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct FrontierItem {
    pub id: i64,
    pub source: String,
    pub url: String,
    pub role: Role,
    pub context: String,
    pub attempts: u32,
}

/// Failed tasks are retried by this many runs, then left for an operator.
pub const MAX_ATTEMPTS: u32 = 3;

type ItemRow = (i64, String, String, String, String, u32);

fn item_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ItemRow> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
    ))
}

fn collect_items(
    rows: impl Iterator<Item = rusqlite::Result<ItemRow>>,
) -> Result<Vec<FrontierItem>> {
    let mut out = Vec::new();
    for row in rows {
        let (id, source, url, role, context, attempts) = row?;
        let role = Role::parse(&role)
            .ok_or_else(|| StoreError::Corrupt(format!("frontier {id}: role `{role}`")))?;
        out.push(FrontierItem {
            id,
            source,
            url,
            role,
            context,
            attempts,
        });
    }
    Ok(out)
}

impl Tx<'_> {
    /// Add a task unless the source already has this URL. A `recheck` task
    /// seen before is made due again, once per run: not when this run has
    /// already handled it (pages of an open edition all link to each other).
    /// Returns whether it was added.
    pub fn enqueue(&self, t: &NewTask, run: i64) -> Result<bool> {
        let n = self.exec(
            "INSERT OR IGNORE INTO frontier (source, url, role, context, recheck, updated_at) VALUES (?1,?2,?3,?4,?5,?6)",
            params![t.source, t.url, t.role.as_str(), t.context, t.recheck, now_utc()],
        )?;
        if n == 0 && t.recheck {
            self.exec(
                "UPDATE frontier SET state = 'pending', context = ?3, updated_at = ?4 \
                 WHERE source = ?1 AND url = ?2 AND state != 'pending' \
                 AND (last_run IS NULL OR last_run != ?5)",
                params![t.source, t.url, t.context, now_utc(), run],
            )?;
        }
        Ok(n > 0)
    }

    /// Record the outcome of a task in run `run`.
    pub fn finish_task(
        &self,
        id: i64,
        run: i64,
        state: TaskState,
        status: Option<u16>,
        error: Option<&str>,
    ) -> Result<()> {
        self.exec(
            "UPDATE frontier SET state = ?2, attempts = attempts + 1, last_status = ?3, last_error = ?4, \
             updated_at = ?5, last_run = ?6 WHERE id = ?1",
            params![id, state.as_str(), status, error, now_utc(), run],
        )?;
        Ok(())
    }
}

impl Store {
    /// Make a run's leftovers due: `later` tasks and failed ones with attempts left.
    pub fn requeue(&mut self, sources: &[String]) -> Result<usize> {
        self.transaction(|tx| {
            let mut n = 0;
            for s in sources {
                n += tx.exec(
                    "UPDATE frontier SET state = 'pending' WHERE source = ?1 AND \
                     (state = 'later' OR (state = 'failed' AND attempts < ?2))",
                    params![s, MAX_ATTEMPTS],
                )?;
            }
            Ok(n)
        })
    }

    /// Pending tasks of these sources, oldest first, taking the sources in
    /// turn (the first task of each source, then the second of each…) so
    /// that a long queue of one host never hides the others'.
    pub fn pending_tasks(&self, sources: &[String], limit: usize) -> Result<Vec<FrontierItem>> {
        let list =
            serde_json::to_string(sources).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, source, url, role, context, attempts FROM ( \
               SELECT id, source, url, role, context, attempts, \
                      ROW_NUMBER() OVER (PARTITION BY source ORDER BY id) AS turn FROM frontier \
               WHERE state = 'pending' AND source IN (SELECT value FROM json_each(?1))) \
             ORDER BY turn, id LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![list, limit as i64], item_row)?;
        collect_items(rows)
    }

    /// Give tasks that failed on every allowed attempt another chance
    /// (`radar crawl --retry-failed`). Returns how many.
    pub fn retry_failed(&mut self, sources: &[String]) -> Result<usize> {
        self.transaction(|tx| {
            let mut n = 0;
            for s in sources {
                n += tx.exec(
                    "UPDATE frontier SET state = 'pending', attempts = 0 WHERE source = ?1 AND state = 'failed'",
                    params![s],
                )?;
            }
            Ok(n)
        })
    }

    /// The context a task was queued with (page label, title, date).
    pub fn task_context(&self, source: &str, url: &str) -> Result<Option<String>> {
        use rusqlite::OptionalExtension;
        Ok(self
            .conn
            .query_row(
                "SELECT context FROM frontier WHERE source = ?1 AND url = ?2",
                params![source, url],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Index and page tasks of a source fetched to completion: the pages whose
    /// archived copies `reprocess` runs discovery on again.
    pub fn done_link_tasks(&self, source: &str) -> Result<Vec<FrontierItem>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, source, url, role, context, attempts FROM frontier \
             WHERE source = ?1 AND state IN ('done', 'later') AND role IN ('index', 'page') ORDER BY id",
        )?;
        let rows = stmt.query_map(params![source], item_row)?;
        collect_items(rows)
    }

    /// Pending tasks of these sources (the covering index answers it).
    pub fn pending_count(&self, sources: &[String]) -> Result<u64> {
        let list =
            serde_json::to_string(sources).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let n: i64 = Tx { tx: &self.conn }.query_one(
            "SELECT COUNT(*) FROM frontier WHERE state = 'pending' AND source IN (SELECT value FROM json_each(?1))",
            params![list],
            |r| r.get(0),
        )?;
        Ok(n as u64)
    }
}
