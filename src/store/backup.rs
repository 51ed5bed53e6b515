//! Copies of the database while other connections write to it (SQLite's
//! online backup API), and opening a store that lives on read-only media.

use super::{Store, StoreError, migrations};
use rusqlite::{Connection, OpenFlags};
use std::path::Path;

/// Whether a folder can be written by this process (a home on a read-only
/// mount, an immutable folder or a write-protected copy cannot). Setting
/// `RADAR_READ_ONLY=1` treats every home as read-only: how an operator looks
/// into a backup or an evidence copy without changing a byte of it.
pub fn is_writable(dir: &Path) -> bool {
    if std::env::var("RADAR_READ_ONLY").is_ok_and(|v| v == "1") {
        return false;
    }
    let Ok(c) = std::ffi::CString::new(dir.as_os_str().as_encoded_bytes()) else {
        return false;
    };
    // SAFETY: `c` is a valid NUL-terminated path for the duration of the call.
    unsafe { libc::access(c.as_ptr(), libc::W_OK) == 0 }
}

impl Store {
    /// Open a store only to read it. Where its folder is writable this is
    /// [`Store::open`] (the schema is brought up to date, WAL as usual);
    /// where it is not, the file is opened with SQLite's `immutable` flag,
    /// which reads the database file alone and writes nothing beside it (no
    /// `-wal`, no `-shm`, no lock file). A database with an older schema
    /// cannot be upgraded there, which is an error naming the file.
    pub fn open_reader(path: &Path) -> super::Result<Store> {
        let dir = path.parent().unwrap_or(Path::new("."));
        if is_writable(dir) {
            return Store::open(path);
        }
        let open_err = |source| StoreError::Open {
            path: path.display().to_string(),
            source,
        };
        let mut uri = String::from("file:");
        for b in path.as_os_str().as_encoded_bytes() {
            if b.is_ascii_alphanumeric() || b"/._-~".contains(b) {
                uri.push(*b as char);
            } else {
                uri.push_str(&format!("%{b:02X}"));
            }
        }
        let conn = Connection::open_with_flags(
            format!("{uri}?mode=ro&immutable=1"),
            OpenFlags::SQLITE_OPEN_READ_ONLY
                | OpenFlags::SQLITE_OPEN_URI
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(open_err)?;
        conn.pragma_update(None, "query_only", true)?;
        let pending = migrations::migrations().pending_migrations(&conn)?;
        if pending != 0 {
            return Err(StoreError::Corrupt(format!(
                "{} was written by another version of radar ({pending} schema migrations apart) and its folder is read-only, so it cannot be brought up to date; copy the home to writable storage first",
                path.display()
            )));
        }
        tracing::info!(path = %path.display(), "store opened read-only (immutable)");
        Ok(Store { conn })
    }

    /// Copy the whole database to `dest` (a new file) through SQLite's online
    /// backup API, in one step: the copy is the database as of one moment,
    /// while other processes go on writing (WAL readers do not block them).
    pub fn backup_to(&self, dest: &Path) -> super::Result<()> {
        if dest.exists() {
            std::fs::remove_file(dest).map_err(|e| {
                StoreError::Lock(format!("removing the old copy {}: {e}", dest.display()))
            })?;
        }
        let mut out = Connection::open(dest).map_err(|source| StoreError::Open {
            path: dest.display().to_string(),
            source,
        })?;
        {
            use rusqlite::backup::StepResult;
            let backup = rusqlite::backup::Backup::new(&self.conn, &mut out)?;
            // -1: every page in one step, so the copy is one consistent snapshot
            // (a step that restarts never sees a half-written transaction).
            let mut waits = 0;
            loop {
                match backup.step(-1)? {
                    StepResult::Done => break,
                    StepResult::More | StepResult::Busy | StepResult::Locked if waits < 600 => {
                        waits += 1;
                        std::thread::sleep(std::time::Duration::from_millis(50));
                    }
                    _ => {
                        return Err(StoreError::Lock(
                            "the database stayed locked for 30 s during the backup".into(),
                        ));
                    }
                }
            }
        }
        // The copy is a single file: no WAL beside it.
        out.pragma_update(None, "journal_mode", "DELETE")?;
        let ok: String = out.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
        if ok != "ok" {
            return Err(StoreError::Corrupt(format!(
                "the copy {} fails SQLite's integrity check: {ok}",
                dest.display()
            )));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_backup_is_one_consistent_file() {
        let dir = tempfile::tempdir().expect("tmp");
        let db = dir.path().join("radar.sqlite");
        let store = Store::open(&db).expect("open");
        let copy = dir.path().join("copy").join("radar.sqlite");
        std::fs::create_dir_all(copy.parent().expect("parent")).expect("mkdir");
        store.backup_to(&copy).expect("backup");
        // Again over the first copy.
        store.backup_to(&copy).expect("backup again");
        assert!(!copy.with_extension("sqlite-wal").exists());
        let c = Connection::open(&copy).expect("open copy");
        let mode: String = c
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .expect("mode");
        assert_eq!(mode, "delete");
        let n: i64 = c
            .query_row("SELECT count(*) FROM articles", [], |r| r.get(0))
            .expect("the schema came along");
        assert_eq!(n, 0);
        assert_eq!(
            migrations::migrations()
                .pending_migrations(&c)
                .expect("version"),
            0
        );
    }
}
