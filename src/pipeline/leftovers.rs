//! What an interrupted process leaves in the home and nothing will ever
//! finish: a killed upload's `files/sha256/…/.SHA.part`, a failed export's
//! `.NAME.part` folder in the home's `tmp/`, and archive files that hold no
//! record at all (a crawl on a full disk). Swept when a server starts, once
//! they are older than [`STALE`] (no live process writes one that long).

use crate::config::Home;
use std::path::Path;
use std::time::{Duration, SystemTime};

/// Older than this, a leftover belongs to no live process.
pub const STALE: Duration = Duration::from_secs(3600);

fn older_than(path: &Path, age: Duration) -> bool {
    std::fs::symlink_metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| SystemTime::now().duration_since(t).ok())
        .is_some_and(|a| a > age)
}

fn remove(path: &Path) -> bool {
    let is_dir = std::fs::symlink_metadata(path).is_ok_and(|m| m.is_dir());
    let done = if is_dir {
        std::fs::remove_dir_all(path)
    } else {
        std::fs::remove_file(path)
    };
    match done {
        Ok(()) => {
            tracing::info!(path = %path.display(), "removed a leftover");
            true
        }
        Err(_) => false,
    }
}

/// Remove the leftovers older than [`STALE`]; how many went.
pub fn sweep(home: &Home) -> usize {
    sweep_older_than(home, STALE)
}

/// As [`sweep`], with the age given (tests).
pub fn sweep_older_than(home: &Home, age: Duration) -> usize {
    let mut n = 0;
    // files/sha256/<shard>/.<sha>.part
    if let Ok(shards) = std::fs::read_dir(home.files_dir().join("sha256")) {
        for shard in shards.filter_map(Result::ok) {
            let Ok(entries) = std::fs::read_dir(shard.path()) else {
                continue;
            };
            for e in entries.filter_map(Result::ok) {
                let name = e.file_name();
                let name = name.to_string_lossy();
                if name.starts_with('.') && name.ends_with(".part") && older_than(&e.path(), age) {
                    n += usize::from(remove(&e.path()));
                }
            }
        }
    }
    // tmp/.<name>.part (a bag that failed half-way)
    if let Ok(entries) = std::fs::read_dir(home.root().join("tmp")) {
        for e in entries.filter_map(Result::ok) {
            let name = e.file_name();
            let name = name.to_string_lossy();
            if name.starts_with('.') && name.ends_with(".part") && older_than(&e.path(), age) {
                n += usize::from(remove(&e.path()));
            }
        }
    }
    // archive/*.warc.gz of zero bytes: not one record in them.
    if let Ok(entries) = std::fs::read_dir(home.archive_dir()) {
        for e in entries.filter_map(Result::ok) {
            let name = e.file_name();
            let empty = e.metadata().is_ok_and(|m| m.is_file() && m.len() == 0);
            if empty && name.to_string_lossy().ends_with(".warc.gz") && older_than(&e.path(), age) {
                n += usize::from(remove(&e.path()));
            }
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_files_and_empty_archives_go_the_rest_stays() {
        let dir = tempfile::tempdir().expect("dir");
        let home = Home::new(dir.path().to_path_buf());
        let shard = home.files_dir().join("sha256").join("ab");
        std::fs::create_dir_all(&shard).expect("dir");
        std::fs::create_dir_all(home.archive_dir()).expect("dir");
        std::fs::create_dir_all(home.root().join("tmp/.bag-warc.part/data")).expect("dir");
        let part = shard.join(".abcd.part");
        let kept = shard.join("abcd");
        std::fs::write(&part, b"half").expect("write");
        std::fs::write(&kept, b"whole").expect("write");
        let empty = home.archive_dir().join("radar-x-00001.warc.gz");
        let full = home.archive_dir().join("radar-x-00002.warc.gz");
        std::fs::write(&empty, b"").expect("write");
        std::fs::write(&full, b"\x1f\x8b").expect("write");
        // Young leftovers may belong to a live process: kept.
        assert_eq!(sweep(&home), 0);
        assert_eq!(sweep_older_than(&home, Duration::ZERO), 3);
        assert!(!part.exists() && !empty.exists());
        assert!(!home.root().join("tmp/.bag-warc.part").exists());
        assert!(kept.exists() && full.exists());
    }
}
