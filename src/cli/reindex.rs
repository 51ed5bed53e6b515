//! `radar reindex`: rebuild the search index from the store with a progress
//! bar. The old index stays searchable until the rebuild commits.

use crate::config::Home;
use crate::index::SearchIndex;
use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use std::time::Instant;

#[derive(Debug, Clone, Default, clap::Args)]
pub struct ReindexArgs {}

pub fn run(home: &Home, _args: &ReindexArgs) -> anyhow::Result<()> {
    let db = home.existing_db_path()?;
    let store = crate::store::Store::open(&db)
        .with_context(|| format!("opening the store {}", db.display()))?;
    let dir = home.index_dir();
    let index = SearchIndex::open(&dir)
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
    let count = index
        .rebuild(&store, &|done, total| {
            bar.set_length(total);
            bar.set_position(done);
        })
        .context("rebuilding the search index")?;
    bar.finish_and_clear();
    index.close_writer().context("finishing index merges")?;
    println!(
        "reindexed {count} articles in {:.1} s into {}",
        started.elapsed().as_secs_f64(),
        dir.display()
    );
    Ok(())
}
