//! The replay index: URL → the last response archived for it, across the given
//! WARC files. Replay answers requests from it instead of the network.

use super::{ArchiveError, ArchivedResponse, read_record_at, scan_file};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Default)]
pub struct ReplayIndex {
    map: HashMap<String, (usize, u64)>,
    files: Vec<PathBuf>,
}

impl ReplayIndex {
    /// Index every response record of the given files; later records win.
    pub fn build(files: &[PathBuf]) -> Result<ReplayIndex, ArchiveError> {
        let mut idx = ReplayIndex::default();
        for path in files {
            let n = idx.files.len();
            idx.files.push(path.clone());
            for (offset, _, rec) in scan_file(path)? {
                if rec.record_type == "response" {
                    idx.map.insert(rec.url.clone(), (n, offset));
                }
            }
        }
        Ok(idx)
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    pub fn urls(&self) -> impl Iterator<Item = &str> {
        self.map.keys().map(String::as_str)
    }

    /// The archived response for a URL, read from disk.
    pub fn get(&self, url: &str) -> Result<Option<ArchivedResponse>, ArchiveError> {
        let Some((file, offset)) = self.map.get(url) else {
            return Ok(None);
        };
        let path: &Path = &self.files[*file];
        read_record_at(path, *offset).map(Some)
    }
}
