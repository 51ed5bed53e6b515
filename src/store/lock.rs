//! One writer per home: `radar.lock` in the home, held with an OS file lock
//! (released by the kernel when the process dies, so a SIGKILL never leaves
//! a stale lock) and naming the holder's pid and command for the message a
//! second writer gets. Readers never take it.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// The lock file's name inside the home.
pub const LOCK_FILE: &str = "radar.lock";

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("another {holder} is using this home ({path}); wait for it to finish, or stop it")]
    Busy { holder: String, path: PathBuf },
    #[error("lock file {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The home's writer lock, held until dropped.
#[derive(Debug)]
pub struct HomeLock {
    _file: File,
}

impl HomeLock {
    /// Take the lock for `command` (e.g. "radar crawl"), or fail at once
    /// naming the process that holds it.
    pub fn acquire(home: &Path, command: &str) -> Result<HomeLock, LockError> {
        let path = home.join(LOCK_FILE);
        let io = |source| LockError::Io {
            path: path.clone(),
            source,
        };
        std::fs::create_dir_all(home).map_err(io)?;
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io)?;
        // A reader probing with `is_held` holds a shared lock for an instant:
        // give it a moment before calling the home busy.
        let mut result = file.try_lock();
        for _ in 0..10 {
            if !matches!(result, Err(TryLockError::WouldBlock)) {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
            result = file.try_lock();
        }
        match result {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                let holder = holder.trim();
                return Err(LockError::Busy {
                    holder: if holder.is_empty() {
                        "radar process".to_string()
                    } else {
                        holder.to_string()
                    },
                    path,
                });
            }
            Err(TryLockError::Error(e)) => return Err(io(e)),
        }
        file.set_len(0).map_err(io)?;
        file.seek(SeekFrom::Start(0)).map_err(io)?;
        write!(file, "{command} (pid {})", std::process::id()).map_err(io)?;
        file.flush().map_err(io)?;
        Ok(HomeLock { _file: file })
    }

    /// Whether some process holds the home's lock right now.
    pub fn is_held(home: &Path) -> bool {
        let Ok(file) = File::open(home.join(LOCK_FILE)) else {
            return false;
        };
        match file.try_lock_shared() {
            Ok(()) => {
                let _ = file.unlock();
                false
            }
            Err(_) => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_writer_is_told_who_holds_the_home() {
        let dir = tempfile::tempdir().expect("tmp");
        let first = HomeLock::acquire(dir.path(), "radar crawl").expect("first");
        assert!(HomeLock::is_held(dir.path()));
        let err = HomeLock::acquire(dir.path(), "radar crawl").expect_err("second");
        let msg = err.to_string();
        assert!(
            msg.contains(&format!("another radar crawl (pid {})", std::process::id())),
            "{msg}"
        );
        drop(first);
        assert!(!HomeLock::is_held(dir.path()));
        HomeLock::acquire(dir.path(), "radar reindex").expect("free again");
    }
}
