//! The evidence archive: every HTTP exchange (errors and robots.txt included)
//! as WARC/1.1 request and response records with block and payload digests,
//! one gzip member per record, in size-rotated `.warc.gz` files. The store keeps
//! file, offset and length, so the exact bytes behind any article read back.

mod reader;
mod record;
mod replay;
mod sample;
mod writer;

pub use reader::{Scanned, Skipped, read_record_at, read_record_nth, scan_file_with};
pub use record::ArchivedResponse;
pub use replay::ReplayIndex;
pub use sample::{SampleError, pack_sample_dir};
pub use writer::{ArchiveWriter, Exchange, RecordLocation, sha256_hex};

#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    #[error("archive {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("archive {path} at offset {offset}: {message}")]
    Malformed {
        path: String,
        offset: u64,
        message: String,
    },
    /// The file is not a WARC file at all (its first record has no
    /// `WARC/` version line or does not decompress). `detail` quotes at most
    /// a short escaped prefix of the file.
    #[error("{path}: not a WARC file ({detail})")]
    NotAWarc { path: String, detail: String },
    #[error("{path}: empty file, no WARC records")]
    Empty { path: String },
    #[error("warc record: {0}")]
    Record(String),
}

impl ArchiveError {
    pub(crate) fn io(path: &std::path::Path, source: std::io::Error) -> Self {
        ArchiveError::Io {
            path: path.display().to_string(),
            source,
        }
    }
}
