//! Staging folders under the home's `tmp/`: one per upload or export, gone
//! when the request is done (dropped), and swept when the server starts if a
//! killed process left one behind.

use super::WebError;
use crate::config::Home;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// A staging folder older than this at start-up belongs to no live request
/// (no upload or export takes an hour; a second server on the home would
/// not be that old and still working).
pub(crate) const STALE: Duration = Duration::from_secs(6 * 3600);

/// The kinds of staging folder, as their names begin.
const KINDS: [&str; 2] = ["upload-", "export-"];

/// A folder of its own under the home's `tmp/` for one upload or export,
/// removed (with everything in it) when dropped.
pub(crate) struct Staging(PathBuf);

impl Staging {
    pub(crate) fn new(home: &Home, what: &str) -> Result<Staging, WebError> {
        use rand::RngCore;
        let mut bytes = [0u8; 12];
        rand::rng().fill_bytes(&mut bytes);
        let dir = tmp_dir(home).join(format!("{what}-{}", hex::encode(bytes)));
        std::fs::create_dir_all(&dir)
            .map_err(|e| WebError::Internal(format!("{}: {e}", dir.display())))?;
        Ok(Staging(dir))
    }

    pub(crate) fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn tmp_dir(home: &Home) -> PathBuf {
    home.root().join("tmp")
}

/// Remove staging folders last modified more than `older_than` ago; how
/// many went. Anything else under `tmp/` is left alone.
pub(crate) fn sweep_stale(home: &Home, older_than: Duration) -> usize {
    let Ok(entries) = std::fs::read_dir(tmp_dir(home)) else {
        return 0;
    };
    let now = SystemTime::now();
    entries
        .filter_map(Result::ok)
        .filter(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            KINDS.iter().any(|k| name.starts_with(k))
        })
        .filter(|e| {
            e.metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| now.duration_since(t).ok())
                .is_some_and(|age| age > older_than)
        })
        .filter(|e| std::fs::remove_dir_all(e.path()).is_ok())
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn age(path: &Path, by: Duration) {
        let f = std::fs::File::open(path).expect("open");
        f.set_modified(SystemTime::now() - by).expect("set mtime");
    }

    #[test]
    fn only_old_staging_folders_are_swept() {
        let dir = tempfile::tempdir().expect("dir");
        let home = Home::new(dir.path().to_path_buf());
        let old = Staging::new(&home, "upload").expect("staging");
        let old_path = old.path().to_path_buf();
        std::fs::write(old_path.join("part"), b"half an upload").expect("write");
        std::mem::forget(old); // as a killed process leaves it
        age(&old_path, Duration::from_secs(7 * 3600));
        let fresh = Staging::new(&home, "export").expect("staging");
        let other = tmp_dir(&home).join("operator-notes");
        std::fs::create_dir_all(&other).expect("dir");
        age(&other, Duration::from_secs(30 * 24 * 3600));

        assert_eq!(sweep_stale(&home, STALE), 1);
        assert!(!old_path.exists());
        assert!(fresh.path().exists(), "a live request's folder stays");
        assert!(other.exists(), "not ours: left alone");
        let fresh_path = fresh.path().to_path_buf();
        drop(fresh);
        assert!(!fresh_path.exists());
        assert_eq!(sweep_stale(&Home::new(dir.path().join("none")), STALE), 0);
    }
}
