//! The `feed` source kind end to end: an RSS feed on the local server, its
//! entries' pages fetched and extracted; a second run finds nothing new.

use crate::server::{self, Server};
use crate::support::{new_home, run_crawl};
use reform_radar::pipeline::CrawlRequest;
use reform_radar::store::Store;

fn server() -> &'static Server {
    server::shared()
}

#[test]
fn rss_entries_become_articles_once() {
    let (_dir, home) = new_home();
    let def = format!(
        "id = \"wz-rss\"\nname = \"万州 RSS (test)\"\noutlet = \"万州区人民政府\"\nitem = \"lead\"\nkind = \"feed\"\npace_secs = 0.0\n\n\
         [feed]\nurls = [\"{}\"]\n\n[fields]\ntitle = \"div.zwxl-title p.tit\"\nbody = \"div.trs_paper_default\"\n",
        server().url("/feed/rss.xml")
    );
    std::fs::write(home.sources_dir().join("wz-rss.toml"), def).expect("write source");
    let req = CrawlRequest {
        sources: vec!["wz-rss".into()],
        ..Default::default()
    };
    let first = run_crawl(&home, &req);
    assert_eq!(first.new_articles, 3, "{first:?}");
    let store = Store::open(&home.db_path()).expect("store");
    let rows = store.articles(&["wz-rss".into()]).expect("articles");
    let first_article = rows
        .iter()
        .find(|r| r.article.title == "万州区国企改革第0篇报道")
        .expect("entry 0");
    assert_eq!(
        first_article
            .article
            .published
            .map(|d| d.to_string())
            .as_deref(),
        Some("2026-03-02")
    );
    assert!(
        first_article
            .article
            .body
            .starts_with("第0篇：万州城投集团"),
        "{}",
        first_article.article.body
    );
    let second = run_crawl(&home, &req);
    assert_eq!(second.new_articles, 0, "{second:?}");
    assert_eq!(store.article_count().expect("count"), 3);
}
