//! The index follows the store. The store is the truth: every article
//! change gets a new `seq`, and the index only ever indexes what the store
//! holds after the last `seq` it committed (and matching has seen), read
//! back from the store in order, so its committed `seq` never runs ahead of
//! an article it lacks. A
//! busy index waits for a later flush; a damaged one is thrown away and
//! rebuilt from the store; neither ever fails a crawl.

use crate::config::Home;
use crate::index::{ArticleFeed, FeedError, IndexError, SearchIndex};
use crate::model::Article;
use crate::store::Store;
use std::path::PathBuf;
use std::sync::mpsc;

impl ArticleFeed for Store {
    fn max_article_seq(&self) -> Result<i64, FeedError> {
        Ok(Store::max_article_seq(self)?)
    }
    fn articles_after_seq(
        &self,
        after: i64,
        limit: usize,
    ) -> Result<Vec<(i64, Article)>, FeedError> {
        Ok(Store::articles_after_seq(self, after, limit)?)
    }
    fn enterprises_of(
        &self,
        articles: &[(i64, Article)],
    ) -> Result<std::collections::HashMap<String, Vec<String>>, FeedError> {
        let ids: Vec<_> = articles.iter().map(|(_, a)| a.id.clone()).collect();
        Ok(Store::article_enterprises(self, &ids)?)
    }
}

/// The store as the home's index reads it: only up to the last `seq`
/// matching has seen, so that every article indexed carries its matched
/// enterprises (matching does not change an article's `seq`). Every writer
/// and `radar search` index through this.
pub struct MatchedFeed<'a>(pub &'a Store);

impl ArticleFeed for MatchedFeed<'_> {
    fn max_article_seq(&self) -> Result<i64, FeedError> {
        Ok(Store::max_article_seq(self.0)?.min(super::candidates::matched_seq(self.0)?))
    }
    fn articles_after_seq(
        &self,
        after: i64,
        limit: usize,
    ) -> Result<Vec<(i64, Article)>, FeedError> {
        let upto = super::candidates::matched_seq(self.0)?;
        let mut rows = Store::articles_after_seq(self.0, after, limit)?;
        rows.retain(|(seq, _)| *seq <= upto);
        Ok(rows)
    }
    fn enterprises_of(
        &self,
        articles: &[(i64, Article)],
    ) -> Result<std::collections::HashMap<String, Vec<String>>, FeedError> {
        self.0.enterprises_of(articles)
    }
}

/// Open the home's index; if it cannot be opened (a broken `meta.json`, a
/// missing segment), discard it and start an empty one, which the next
/// catch-up fills from the store. None if even that fails.
pub(super) fn open_index(home: &Home) -> Option<SearchIndex> {
    let dir = home.index_dir();
    match SearchIndex::open(&dir) {
        Ok(i) => return Some(i),
        Err(e) => {
            tracing::error!(index = %dir.display(), error = %e, "search index damaged; rebuilding it from the store")
        }
    }
    if let Err(e) = std::fs::remove_dir_all(&dir) {
        tracing::error!(index = %dir.display(), error = %e, "cannot remove the damaged index; search stays stale until `radar reindex`");
        return None;
    }
    match SearchIndex::open(&dir) {
        Ok(i) => Some(i),
        Err(e) => {
            tracing::error!(index = %dir.display(), error = %e, "cannot create a new index; search stays stale until `radar reindex`");
            None
        }
    }
}

/// Index what the store has beyond the index's committed `seq`. A busy
/// writer (another process) is left for a later call; any other index error
/// is logged and the index dropped for the rest of the run (the next run
/// catches up, or rebuilds a damaged index).
pub(super) fn catch_up(index: &mut Option<SearchIndex>, store: &Store) {
    follow_store(index, store, true)
}

/// [`catch_up`], committing only if `commit` (otherwise the articles wait
/// in the writer for a later commit; see [`SearchIndex::follow`]).
fn follow_store(index: &mut Option<SearchIndex>, store: &Store, commit: bool) {
    let Some(i) = index.as_ref() else {
        return;
    };
    match i.follow(&MatchedFeed(store), commit) {
        Ok(_) => {}
        Err(IndexError::Locked(dir)) => {
            tracing::warn!(index = %dir.display(), "index busy; it catches up later")
        }
        Err(e) => {
            tracing::error!(error = %e, "search index update failed; the store keeps every article and the next run catches up");
            *index = None;
        }
    }
}

/// The search index kept up with the store on a thread of its own, through
/// its own connection (WAL: reading never blocks the crawl's commits), so
/// that reading articles back and tantivy's commit (which waits for its
/// indexing threads and fsyncs) run beside the crawl instead of inside its
/// loop. What it indexes is exactly what [`catch_up`] would: the store as
/// committed, up to the matched `seq`.
pub(super) struct IndexFollower {
    nudge: Option<mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl IndexFollower {
    /// Start following with `index` (None: nothing to do) over the store at
    /// `db`, committing at most every `commit_every` (zero: on every nudge).
    pub(super) fn start(
        index: Option<SearchIndex>,
        db: PathBuf,
        commit_every: std::time::Duration,
    ) -> IndexFollower {
        let Some(index) = index else {
            return IndexFollower {
                nudge: None,
                thread: None,
            };
        };
        let (nudge, wake) = mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("radar-index".into())
            .spawn(move || follow_index(index, &db, &wake, commit_every));
        match thread {
            Ok(t) => IndexFollower {
                nudge: Some(nudge),
                thread: Some(t),
            },
            Err(e) => {
                tracing::error!(error = %e, "cannot start the index thread; search stays stale until the next run");
                IndexFollower {
                    nudge: None,
                    thread: None,
                }
            }
        }
    }

    /// Ask for a catch-up with what is committed now (returns at once;
    /// requests made while one runs are served by one more catch-up).
    pub(super) fn nudge(&self) {
        if let Some(n) = &self.nudge {
            let _ = n.send(());
        }
    }

    /// A last catch-up with everything committed, then release the index.
    pub(super) fn finish(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        // Closing the channel asks for the final catch-up.
        self.nudge = None;
        if let Some(t) = self.thread.take()
            && t.join().is_err()
        {
            tracing::error!("the index thread panicked; the next run catches up");
        }
    }
}

impl Drop for IndexFollower {
    fn drop(&mut self) {
        self.stop();
    }
}

fn follow_index(
    index: SearchIndex,
    db: &std::path::Path,
    wake: &mpsc::Receiver<()>,
    commit_every: std::time::Duration,
) {
    let store = match Store::open(db) {
        Ok(s) => s,
        Err(e) => {
            tracing::error!(error = %e, "the index cannot read the store; the next run catches up");
            return;
        }
    };
    let mut index = Some(index);
    // Each wake-up (and the channel closing) adds all that is committed by
    // then; wake-ups queued meanwhile are merged. A tantivy commit (a new
    // segment, an fsync, later merges) at most every `commit_every` and at
    // the end.
    let mut committed = std::time::Instant::now();
    loop {
        let open = wake.recv().is_ok();
        while wake.try_recv().is_ok() {}
        let commit = !open || committed.elapsed() >= commit_every;
        follow_store(&mut index, &store, commit);
        if commit {
            committed = std::time::Instant::now();
        }
        if !open || index.is_none() {
            break;
        }
    }
}
