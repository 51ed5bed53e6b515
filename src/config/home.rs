//! The deployment home: one folder holding the configuration and all data of a
//! deployment (`radar.toml`, `sources/`, `enterprises.toml`, `rules.toml`,
//! `radar.sqlite`, `archive/`, `index/`, the ledger key under `keys/` and
//! evidence files under `files/`).

use super::defaults::{DEFAULT_ENTERPRISES, DEFAULT_RULES, DEFAULT_SETTINGS, DEFAULT_SOURCES};
use super::problems::Problems;
use super::settings::Settings;
use std::io;
use std::path::{Path, PathBuf};

/// A home that read-only commands cannot use as it is.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum HomeError {
    #[error("no radar home at {} (run `radar init --home {}` first)", .0.display(), .0.display())]
    Missing(PathBuf),
    #[error(
        "nothing crawled yet in {} (no radar.sqlite; run `radar crawl --home {}` first)",
        .0.display(),
        .0.display()
    )]
    NoStore(PathBuf),
}

#[derive(Debug, Clone)]
pub struct Home {
    root: PathBuf,
}

/// What `radar init` wrote and what it left alone.
#[derive(Debug, Default)]
pub struct InitReport {
    pub written: Vec<PathBuf>,
    pub kept: Vec<PathBuf>,
}

impl Home {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Home { root: root.into() }
    }
    /// A home that must already exist (`radar.toml` in it): read-only
    /// commands open it this way and create nothing when it is not there.
    pub fn open_existing(root: impl Into<PathBuf>) -> Result<Self, HomeError> {
        let home = Home::new(root);
        if home.exists() {
            Ok(home)
        } else {
            Err(HomeError::Missing(home.root))
        }
    }
    /// The store's path when the store exists (so opening it creates nothing).
    pub fn existing_db_path(&self) -> Result<PathBuf, HomeError> {
        let db = self.db_path();
        if db.is_file() {
            Ok(db)
        } else {
            Err(HomeError::NoStore(self.root.clone()))
        }
    }
    pub fn root(&self) -> &Path {
        &self.root
    }
    pub fn settings_path(&self) -> PathBuf {
        self.root.join("radar.toml")
    }
    pub fn sources_dir(&self) -> PathBuf {
        self.root.join("sources")
    }
    pub fn enterprises_path(&self) -> PathBuf {
        self.root.join("enterprises.toml")
    }
    pub fn rules_path(&self) -> PathBuf {
        self.root.join("rules.toml")
    }
    pub fn db_path(&self) -> PathBuf {
        self.root.join("radar.sqlite")
    }
    pub fn archive_dir(&self) -> PathBuf {
        self.root.join("archive")
    }
    pub fn index_dir(&self) -> PathBuf {
        self.root.join("index")
    }
    /// The ledger's signing key (PKCS#8 PEM, mode 0600) and its public half.
    pub fn ledger_key_path(&self) -> PathBuf {
        self.root.join("keys").join("ledger-ed25519.pem")
    }
    pub fn ledger_public_key_path(&self) -> PathBuf {
        self.root.join("keys").join("ledger-ed25519.pub.pem")
    }
    /// Files added as evidence, by SHA-256: `files/sha256/ab/abcdef…`.
    pub fn files_dir(&self) -> PathBuf {
        self.root.join("files")
    }
    /// A stored evidence file by its SHA-256. Anything but 64 hex digits
    /// (a forged row) names a file that cannot exist inside `files/`,
    /// never a path outside the home.
    pub fn file_path(&self, sha256: &str) -> PathBuf {
        let ok = sha256.len() == 64 && sha256.bytes().all(|b| b.is_ascii_hexdigit());
        let sha256 = if ok { sha256 } else { "not-a-sha256" };
        let shard = sha256.get(..2).unwrap_or("00");
        self.files_dir().join("sha256").join(shard).join(sha256)
    }
    /// An archive file by the name a resource row or ledger entry records:
    /// joined under `archive/` only when it stays there (no absolute path,
    /// no `..`); otherwise a name that cannot exist there.
    pub fn archive_file(&self, name: &str) -> PathBuf {
        crate::model::names::join_inside(&self.archive_dir(), name)
            .unwrap_or_else(|| self.archive_dir().join(".refused-outside-the-archive"))
    }
    pub fn exists(&self) -> bool {
        self.settings_path().is_file()
    }

    /// Create the home from the compiled-in defaults. Existing files are kept.
    pub fn init(&self) -> io::Result<InitReport> {
        let mut report = InitReport::default();
        std::fs::create_dir_all(self.sources_dir())?;
        std::fs::create_dir_all(self.archive_dir())?;
        let mut files: Vec<(PathBuf, &[u8])> = vec![
            (self.settings_path(), DEFAULT_SETTINGS.as_bytes()),
            (self.rules_path(), DEFAULT_RULES.as_bytes()),
            (self.enterprises_path(), DEFAULT_ENTERPRISES.as_bytes()),
        ];
        for f in DEFAULT_SOURCES.files() {
            if f.path().extension().is_some_and(|e| e == "toml") {
                files.push((self.sources_dir().join(f.path()), f.contents()));
            }
        }
        for (path, contents) in files {
            if path.exists() {
                report.kept.push(path);
            } else {
                std::fs::write(&path, contents)?;
                report.written.push(path);
            }
        }
        Ok(report)
    }

    /// Read and check `radar.toml` (defaults when absent), with every problem.
    pub fn settings(&self) -> Result<Settings, Problems> {
        let mut problems = Problems::default();
        let settings = super::check::read_settings(&self.settings_path(), &mut problems);
        if problems.is_empty() {
            Ok(settings)
        } else {
            Err(problems)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_existing_refuses_a_missing_home_and_creates_nothing() {
        let dir = tempfile::tempdir().expect("tmp");
        let root = dir.path().join("nowhere");
        let err = Home::open_existing(&root).expect_err("no home there");
        assert_eq!(
            err.to_string(),
            format!(
                "no radar home at {} (run `radar init --home {}` first)",
                root.display(),
                root.display()
            )
        );
        assert!(!root.exists());
        // A folder without radar.toml is not a home either.
        std::fs::create_dir_all(&root).expect("mkdir");
        assert!(Home::open_existing(&root).is_err());
        let home = Home::new(&root);
        home.init().expect("init");
        let home = Home::open_existing(&root).expect("a home now");
        assert_eq!(
            home.existing_db_path(),
            Err(HomeError::NoStore(root.clone()))
        );
        assert!(!home.db_path().exists());
    }
}
