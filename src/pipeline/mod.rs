//! The pipeline: the only code that knows the order of the stages. A crawl
//! run seeds the frontier, fetches (through the archive), discovers links,
//! extracts and stores articles, links syndicated copies and updates the
//! search index; `reprocess` re-extracts from the archive alone. Review
//! turns candidates into ledger entries; scorecards, reports and evidence
//! bundles are made from the ledger.

pub mod admissible;
mod archived;
mod article;
pub mod backup;
mod candidates;
mod crawl;
pub mod export;
mod follow;
pub mod ledger;
pub mod leftovers;
mod manual;
mod outcome;
pub mod participation;
pub mod recall;
mod reprocess;
pub mod review;
mod scheduler;
pub mod scores;
mod task;

pub use article::build_article;
pub use candidates::{MatchStage, MatchSummary};
pub use crawl::{CrawlRequest, Progress, crawl};
pub use follow::MatchedFeed;
pub use outcome::CrawlSummary;
pub use reprocess::{ReprocessSummary, reprocess};

use crate::config::Problems;

#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    #[error("configuration problems:\n{0}")]
    Config(Problems),
    #[error("unknown source `{0}` (see `radar sources`)")]
    UnknownSource(String),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error(transparent)]
    Archive(#[from] crate::archive::ArchiveError),
    #[error(transparent)]
    Index(#[from] crate::index::IndexError),
    #[error(transparent)]
    Lock(#[from] crate::store::LockError),
    #[error(
        "archive write failed: {0}; the run stopped with nothing unarchived recorded (free disk space and run it again)"
    )]
    ArchiveWrite(String),
    #[error("transport: {0}")]
    Transport(#[from] crate::crawl::TransportError),
}

/// What review, the ledger and its reports can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ReviewError {
    #[error("{0}")]
    Invalid(String),
    #[error("no candidate {0} (see `radar candidates`)")]
    NoCandidate(i64),
    #[error("already confirmed in entry {entry} by {reviewer} at {at}; nothing written")]
    AlreadyConfirmed {
        entry: u64,
        reviewer: String,
        at: String,
    },
    #[error(
        "the ledger has entries but its signing key {0} is missing: restore it from the backup (a new key cannot sign for the old checkpoints)"
    )]
    KeyMissing(String),
    #[error(transparent)]
    Ledger(#[from] crate::ledger::LedgerError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error(transparent)]
    Archive(#[from] crate::archive::ArchiveError),
    #[error("{0}")]
    Io(String),
    /// A confirmation the rules do not admit: in English (CLI) and Chinese
    /// (pages and API).
    #[error("{en}")]
    Refused { en: String, zh: String },
    #[error("stored value is corrupt: {0}")]
    Corrupt(String),
}
