//! `radar reindex`: rebuild the search index from the store with a progress
//! bar, whatever state the index folder is in. A readable old index stays
//! searchable until the rebuild commits; a damaged one is replaced.

use crate::config::Home;
use crate::index::SearchIndex;
use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use std::time::Instant;

#[derive(Debug, Clone, Default, clap::Args)]
pub struct ReindexArgs {}

pub fn run(home: &Home, _args: &ReindexArgs) -> anyhow::Result<()> {
    let _lock = crate::store::HomeLock::acquire(home.root(), "radar reindex")?;
    let db = home.existing_db_path()?;
    let mut store = crate::store::Store::open(&db)
        .with_context(|| format!("opening the store {}", db.display()))?;
    // Articles not yet matched (a killed crawl) are matched first, so that
    // every indexed article carries its enterprises.
    let checked = super::load(home)?;
    crate::pipeline::MatchStage::for_home(home, &checked)?.follow(&mut store)?;
    let feed = crate::pipeline::MatchedFeed(&store);
    let dir = home.index_dir();
    let index = SearchIndex::open_or_recreate(&dir)
        .with_context(|| format!("opening the search index in {}", dir.display()))?;
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} indexing [{bar:40}] {percent}% {elapsed_precise} eta {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    let started = Instant::now();
    let progress = |done, total| {
        bar.set_length(total);
        bar.set_position(done);
    };
    let count = match index.rebuild(&feed, &progress) {
        Ok(n) => n,
        Err(e) => {
            // Readable enough to open, not to rewrite (a missing segment):
            // start from nothing.
            tracing::warn!(error = %e, "rebuilding in place failed; recreating the index");
            drop(index);
            std::fs::remove_dir_all(&dir)
                .with_context(|| format!("removing the damaged index {}", dir.display()))?;
            let fresh = SearchIndex::open(&dir)
                .with_context(|| format!("creating the search index in {}", dir.display()))?;
            let n = fresh
                .rebuild(&feed, &progress)
                .context("rebuilding the search index")?;
            bar.finish_and_clear();
            fresh.close_writer().context("finishing index merges")?;
            println!(
                "reindexed {n} articles in {:.1} s into {} (the old index was damaged and replaced)",
                started.elapsed().as_secs_f64(),
                dir.display()
            );
            return Ok(());
        }
    };
    bar.finish_and_clear();
    index.close_writer().context("finishing index merges")?;
    println!(
        "reindexed {count} articles in {:.1} s into {}",
        started.elapsed().as_secs_f64(),
        dir.display()
    );
    Ok(())
}
