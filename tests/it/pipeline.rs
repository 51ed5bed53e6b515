//! The pipeline end to end on the bundled sample: a backfill run twice
//! fetches nothing the second time; what a crawl stores is searchable at once;
//! `reprocess` re-extracts from the home's own archive after a definition fix.

use crate::support::*;
use reform_radar::config::check_home;
use reform_radar::index::{SearchIndex, SearchRequest};
use reform_radar::pipeline::{CrawlRequest, reprocess};
use reform_radar::store::Store;

fn people_daily_backfill(warc: std::path::PathBuf) -> CrawlRequest {
    CrawlRequest {
        sources: vec!["people-daily".into()],
        range: Some(sample_range()),
        replay: vec![warc],
        today: Some(date("2026-04-01")),
        ..Default::default()
    }
}

#[test]
fn a_repeated_backfill_fetches_nothing_and_crawled_articles_are_searchable() {
    let (dir, home) = new_home();
    let warc = sample_warc(&dir.path().join("sample"));
    let first = run_crawl(&home, &people_daily_backfill(warc.clone()));
    assert!(first.new_articles >= 10, "{first:?}");
    let second = run_crawl(&home, &people_daily_backfill(warc));
    assert_eq!((second.fetched, second.new_articles), (0, 0), "{second:?}");
    let index = SearchIndex::open(&home.index_dir()).expect("index");
    let req = SearchRequest {
        offset: 0,
        limit: 50,
        ..SearchRequest::new("国有企业改革")
    };
    let found = index.search(&req).expect("search");
    assert!(found.total >= 1, "{found:?}");
    assert!(found.hits.iter().all(|h| h.outlet == "人民日报"));
}

#[test]
fn reprocess_applies_a_fixed_definition_without_fetching() {
    let (dir, home) = new_home();
    let warc = sample_warc(&dir.path().join("sample"));
    run_crawl(&home, &people_daily_backfill(warc));
    let store = Store::open(&home.db_path()).expect("store");
    let before = store.articles(&[]).expect("articles");
    let resources = store.resource_count().expect("resources");
    let with_subtitle = before
        .iter()
        .filter(|r| r.article.subtitle.is_some())
        .count();
    assert!(with_subtitle > 0);
    // "Fix" the definition: take titles from the subtitle element.
    let path = home.sources_dir().join("people-daily.toml");
    let text = std::fs::read_to_string(&path).expect("read");
    let fixed = text.replace("title = \"div.article h1\"", "title = \"div.article h2\"");
    assert_ne!(
        text, fixed,
        "the definition has the title selector this test edits"
    );
    std::fs::write(&path, fixed).expect("write");
    let checked = check_home(&home).expect("checks");
    let summary = reprocess(&home, &checked, &()).expect("reprocess");
    assert_eq!(summary.articles, before.len() as u64);
    assert_eq!(summary.errors, 0, "{summary:?}");
    assert!(summary.updated as usize >= with_subtitle, "{summary:?}");
    assert_eq!(
        store.resource_count().expect("resources"),
        resources,
        "nothing fetched"
    );
    let after = store.articles(&[]).expect("articles");
    for r in before.iter().filter(|r| r.article.subtitle.is_some()) {
        let now = after
            .iter()
            .find(|a| a.article.id == r.article.id)
            .expect("same id");
        assert_eq!(Some(&now.article.title), r.article.subtitle.as_ref());
    }
}

#[test]
fn replay_without_a_range_covers_the_dates_in_the_archive() {
    let (dir, home) = new_home();
    let warc = sample_warc(&dir.path().join("sample"));
    let req = CrawlRequest {
        sources: vec![],
        range: None,
        replay: vec![warc],
        today: Some(date("2026-11-26")),
        retry_failed: false,
    };
    run_crawl(&home, &req);
    let (dir2, ranged) = new_home();
    let warc2 = sample_warc(&dir2.path().join("sample"));
    let req2 = CrawlRequest {
        range: Some(sample_range()),
        replay: vec![warc2],
        ..req
    };
    run_crawl(&ranged, &req2);
    let count = |h: &reform_radar::config::Home| {
        Store::open(&h.db_path())
            .expect("store")
            .article_count()
            .expect("count")
    };
    assert!(count(&ranged) > 100);
    assert_eq!(
        count(&home),
        count(&ranged),
        "everything in the archive, as with the explicit range"
    );
}

#[test]
fn reprocess_rediscovers_links_a_fixed_definition_finds() {
    let (dir, home) = new_home();
    let warc = sample_warc(&dir.path().join("sample"));
    let path = home.sources_dir().join("people-daily.toml");
    let good = std::fs::read_to_string(&path).expect("read");
    let broken = good.replace("article_pattern = '", "article_pattern = 'nothing-matches|");
    let broken = broken.replace("nothing-matches|(", "nothing-matches(");
    assert_ne!(good, broken);
    std::fs::write(&path, &broken).expect("break the definition");
    let first = run_crawl(&home, &people_daily_backfill(warc.clone()));
    assert_eq!(
        first.new_articles, 0,
        "the broken pattern finds no article: {first:?}"
    );
    std::fs::write(&path, &good).expect("fix the definition");
    let checked = check_home(&home).expect("checks");
    let summary = reprocess(&home, &checked, &()).expect("reprocess");
    assert!(summary.queued >= 10, "{summary:?}");
    assert!(summary.line().contains("new article links queued"));
    let second = run_crawl(&home, &people_daily_backfill(warc));
    assert_eq!(second.new_articles, summary.queued, "{second:?}");
}

#[test]
fn coverage_shows_fetched_absent_and_open_days() {
    let (dir, home) = new_home();
    let warc = sample_warc(&dir.path().join("sample"));
    let req = CrawlRequest {
        sources: vec!["guangming-daily".into()],
        ..people_daily_backfill(warc)
    };
    // Stopped before any fetch: every day of the range is open.
    let checked = check_home(&home).expect("checks");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let stopped = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let s = rt
        .block_on(reform_radar::pipeline::crawl(
            &home,
            &checked,
            &req,
            &(),
            stopped,
        ))
        .expect("crawl");
    assert!(s.interrupted, "{s:?}");
    let store = Store::open(&home.db_path()).expect("store");
    let range = sample_range();
    let open: Vec<_> = store
        .coverage("guangming-daily", range.from, range.to)
        .expect("coverage")
        .iter()
        .map(|d| d.status())
        .collect();
    assert_eq!(open, vec!["open", "open", "open"]);
    // Finished: 光明日报 has no edition on 03-02.
    run_crawl(&home, &req);
    let days = store
        .coverage("guangming-daily", range.from, range.to)
        .expect("coverage");
    let status: Vec<_> = days.iter().map(|d| d.status()).collect();
    assert_eq!(status, vec!["none", "fetched", "fetched"]);
    assert_eq!(days[0].articles, 0);
    assert!(days[1].articles > 0 && days[2].articles > 0);
}
