//! The pipeline: the only code that knows the order of the stages. A crawl
//! run seeds the frontier, fetches (through the archive), discovers links,
//! extracts and stores articles, links syndicated copies and updates the
//! search index; `reprocess` re-extracts from the archive alone.

mod article;
mod crawl;
mod outcome;
mod reprocess;
mod task;

pub use article::build_article;
pub use crawl::{CrawlRequest, Progress, crawl};
pub use outcome::CrawlSummary;
pub use reprocess::{ReprocessSummary, reprocess};

use crate::config::Problems;

/// Hand stored articles to the index. A busy index (another process holds
/// its writer) is not an error: the store stays the truth, and the index
/// catches up from it on its next start. Returns whether they were indexed.
fn index_unless_busy(
    index: &crate::index::SearchIndex,
    articles: &[(i64, crate::model::Article)],
) -> Result<bool, PipelineError> {
    if articles.is_empty() {
        return Ok(true);
    }
    match index.upsert(articles) {
        Ok(()) => Ok(true),
        Err(crate::index::IndexError::Locked(dir)) => {
            tracing::warn!(index = %dir.display(), queued = articles.len(), "index busy; it catches up later");
            Ok(false)
        }
        Err(e) => Err(e.into()),
    }
}

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
    #[error("transport: {0}")]
    Transport(#[from] crate::crawl::TransportError),
}
