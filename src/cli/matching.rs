//! `radar match`: match every article again after the registry or the rules
//! changed. Decided candidates keep their decisions; candidates whose match
//! disappeared are withdrawn; the search index is rebuilt so that
//! `search --enterprise` follows.

use crate::config::Home;
use crate::index::SearchIndex;
use crate::pipeline::MatchStage;
use crate::store::{HomeLock, Store};
use anyhow::Context;

pub fn run(home: &Home) -> anyhow::Result<()> {
    let checked = super::load(home)?;
    let _lock = HomeLock::acquire(home.root(), "radar match")?;
    let db = home.existing_db_path()?;
    let mut store = Store::open(&db).with_context(|| format!("opening {}", db.display()))?;
    let summary = MatchStage::for_home(home, &checked)?.rematch_all(&mut store)?;
    let index = SearchIndex::open_or_recreate(&home.index_dir())?;
    index
        .rebuild(&crate::pipeline::MatchedFeed(&store), &|_, _| {})
        .context("rebuilding the search index with the new matches")?;
    index.close_writer()?;
    println!("{}", summary.line());
    Ok(())
}
