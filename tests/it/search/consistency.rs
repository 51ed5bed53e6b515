//! The index stays consistent with the store: catching up after a crash
//! between store and index, and a rebuild equal to incremental indexing.

use super::{corpus, ids, search};
use reform_radar::index::{SearchIndex, VecFeed};
use reform_radar::model::Article;
use reform_radar::store::Store;
use std::collections::BTreeSet;

fn store_with(dir: &std::path::Path, articles: &[Article]) -> Store {
    let mut store = Store::open(&dir.join("radar.db")).expect("store");
    for a in articles {
        store.insert_or_update_article(a, None).expect("insert");
    }
    store
}

#[test]
fn crash_between_store_and_index_then_catch_up() {
    let dir = tempfile::tempdir().expect("tempdir");
    let c = corpus();
    let mut store = store_with(dir.path(), &c[..60]);
    let index_dir = dir.path().join("index");
    {
        let index = SearchIndex::open(&index_dir).expect("open");
        let first = store.articles_after_seq(0, 40).expect("read");
        index.upsert(&first).expect("upsert");
        assert_eq!(index.indexed_seq(), first.last().expect("some").0);
        // The process dies here: 20 stored articles never reach the index.
    }
    let index = SearchIndex::open(&index_dir).expect("reopen");
    assert_eq!(index.num_docs(), 40);
    assert_eq!(index.catch_up(&store).expect("catch up"), 20);
    assert_eq!(index.num_docs(), 60);
    assert_eq!(index.indexed_seq(), store.max_article_seq().expect("max"));
    assert_eq!(index.catch_up(&store).expect("nothing left"), 0);

    // An update gets a new seq; catching up replaces the old version.
    let mut changed = c[0].clone();
    changed.body = "这篇稿件更正后提到了长寿经开区。".into();
    store
        .insert_or_update_article(&changed, None)
        .expect("update");
    assert_eq!(index.catch_up(&store).expect("catch up"), 1);
    assert_eq!(index.num_docs(), 60);
    assert_eq!(
        ids(&search(&index, "长寿经开区")),
        BTreeSet::from([changed.id.0.clone()])
    );
    assert!(!ids(&search(&index, "国有企业经营效益")).contains(&changed.id.0));
}

/// Following without committing adds articles that are neither searchable
/// nor counted in the payload: a crash loses only work, and the next
/// committing call publishes everything in one commit.
#[test]
fn staged_articles_are_published_by_the_next_commit_or_indexed_again_after_a_crash() {
    let dir = tempfile::tempdir().expect("tempdir");
    let c = corpus();
    let mut store = store_with(dir.path(), &c[..30]);
    let index_dir = dir.path().join("index");
    {
        let index = SearchIndex::open(&index_dir).expect("open");
        assert_eq!(index.follow(&store, true).expect("commit"), 30);
        for a in &c[30..40] {
            store.insert_or_update_article(a, None).expect("insert");
        }
        assert_eq!(index.follow(&store, false).expect("stage"), 10);
        assert_eq!(index.follow(&store, false).expect("nothing new"), 0);
        assert_eq!(index.num_docs(), 30, "staged, not searchable");
        assert_eq!(index.indexed_seq(), 30);
        // The process dies here, before the commit.
    }
    let index = SearchIndex::open(&index_dir).expect("reopen");
    assert_eq!(index.num_docs(), 30);
    assert_eq!(index.follow(&store, false).expect("stage again"), 10);
    for a in &c[40..50] {
        store.insert_or_update_article(a, None).expect("insert");
    }
    assert_eq!(index.follow(&store, true).expect("commit"), 10);
    assert_eq!(index.num_docs(), 50);
    assert_eq!(index.indexed_seq(), store.max_article_seq().expect("max"));
    assert_eq!(index.catch_up(&store).expect("nothing left"), 0);
}

#[test]
fn reindex_equals_incremental() {
    let dir = tempfile::tempdir().expect("tempdir");
    let c = corpus();
    let store = store_with(dir.path(), &c);
    let incremental = SearchIndex::open(&dir.path().join("a")).expect("open");
    for step in [50, 170, 400] {
        let batch = store
            .articles_after_seq(incremental.indexed_seq(), step)
            .expect("read");
        incremental.upsert(&batch).expect("upsert");
    }
    incremental.catch_up(&store).expect("catch up");
    let rebuilt = SearchIndex::open(&dir.path().join("b")).expect("open");
    let last = std::sync::Mutex::new((0u64, 0u64));
    let n = rebuilt
        .rebuild(&store, &|done, total| {
            *last.lock().expect("lock") = (done, total)
        })
        .expect("rebuild");
    assert_eq!(n, c.len() as u64);
    let max = store.max_article_seq().expect("max") as u64;
    assert_eq!(*last.lock().expect("lock"), (max, max));
    assert_eq!(rebuilt.num_docs(), incremental.num_docs());
    assert_eq!(rebuilt.indexed_seq(), incremental.indexed_seq());
    for q in [
        "国企",
        "三峡银行",
        "重庆三峡银行",
        "智能制造 渝中",
        "煤",
        "",
        "央视 OR 混改",
    ] {
        let (a, b) = (search(&incremental, q), search(&rebuilt, q));
        assert_eq!(ids(&a), ids(&b), "{q}");
        assert_eq!(a.facets, b.facets, "{q}");
        assert_eq!(a.total, b.total, "{q}");
    }
    // A rebuild from a vector feed gives the same too.
    let vec_built = SearchIndex::open(&dir.path().join("c")).expect("open");
    vec_built
        .rebuild(&VecFeed::new(c.clone()), &|_, _| {})
        .expect("rebuild");
    assert_eq!(
        ids(&search(&vec_built, "国企")),
        ids(&search(&rebuilt, "国企"))
    );
}

#[test]
fn a_second_writer_gets_a_locked_error_and_search_still_works() {
    let dir = tempfile::tempdir().expect("tempdir");
    let c = corpus();
    let first = SearchIndex::open(dir.path()).expect("open");
    first.upsert(&[(1, c[0].clone())]).expect("upsert");
    first.lock_writer().expect("lock");
    let second = SearchIndex::open(dir.path()).expect("open read-only side");
    match second.upsert(&[(2, c[1].clone())]) {
        Err(reform_radar::index::IndexError::Locked(p)) => assert_eq!(p, dir.path()),
        other => panic!("expected Locked, got {other:?}"),
    }
    assert_eq!(second.num_docs(), 1);
    first.close_writer().expect("close");
    second
        .upsert(&[(2, c[1].clone())])
        .expect("lock is free again");
    assert_eq!(second.num_docs(), 2);
}

/// A store that fails after handing out some articles.
struct FailingFeed {
    inner: VecFeed,
    fail_after: i64,
}

impl reform_radar::index::ArticleFeed for FailingFeed {
    fn max_article_seq(&self) -> Result<i64, reform_radar::index::FeedError> {
        self.inner.max_article_seq()
    }
    fn articles_after_seq(
        &self,
        after: i64,
        limit: usize,
    ) -> Result<Vec<(i64, Article)>, reform_radar::index::FeedError> {
        if after >= self.fail_after {
            return Err("disk on fire".into());
        }
        self.inner.articles_after_seq(after, limit.min(10))
    }
}

#[test]
fn a_failed_rebuild_leaves_the_old_index_and_publishes_nothing() {
    use reform_radar::index::ArticleFeed;
    let dir = tempfile::tempdir().expect("tempdir");
    let c = corpus();
    let index = SearchIndex::open(dir.path()).expect("open");
    let first: Vec<(i64, Article)> = c[..10]
        .iter()
        .cloned()
        .enumerate()
        .map(|(i, a)| (i as i64 + 1, a))
        .collect();
    index.upsert(&first).expect("upsert");
    let feed = FailingFeed {
        inner: VecFeed::new(c[..30].to_vec()),
        fail_after: 20,
    };
    assert!(feed.max_article_seq().is_ok());
    match index.rebuild(&feed, &|_, _| {}) {
        Err(reform_radar::index::IndexError::Store(e)) => {
            assert!(e.to_string().contains("disk on fire"))
        }
        other => panic!("expected a store error, got {other:?}"),
    }
    assert_eq!(index.num_docs(), 10);
    assert_eq!(index.indexed_seq(), 10);
    index.upsert(&[(11, c[10].clone())]).expect("upsert");
    assert_eq!(
        index.num_docs(),
        11,
        "the half-done rebuild was rolled back"
    );
}
