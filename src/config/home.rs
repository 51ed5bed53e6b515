//! The deployment home: one folder holding the configuration and all data of a
//! deployment (`radar.toml`, `sources/`, `enterprises.toml`, `rules.toml`,
//! `radar.sqlite`, `archive/` and `index/`).

use super::defaults::{DEFAULT_ENTERPRISES, DEFAULT_RULES, DEFAULT_SETTINGS, DEFAULT_SOURCES};
use super::problems::Problems;
use super::settings::Settings;
use std::io;
use std::path::{Path, PathBuf};

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
