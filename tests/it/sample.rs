//! The real source definitions, crawled by replay over the bundled sample of
//! every shipped source: every expected article, field by field; backfill
//! idempotence; reprocess; syndication.

use crate::support::*;
use reform_radar::pipeline::CrawlRequest;
use reform_radar::store::Store;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Deserialize)]
struct Expected {
    article: Vec<ExpectedArticle>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectedArticle {
    url: String,
    title: String,
    pretitle: Option<String>,
    subtitle: Option<String>,
    author: Option<String>,
    published: String,
    page: Option<String>,
    body_start: String,
    body_end: String,
}

fn expected() -> BTreeMap<String, Vec<ExpectedArticle>> {
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(repo().join("sample")).expect("sample dir") {
        let dir = entry.expect("entry").path();
        let file = dir.join("expected.toml");
        if !file.is_file() {
            continue;
        }
        let text = std::fs::read_to_string(&file).expect("read expected");
        let e: Expected =
            toml::from_str(&text).unwrap_or_else(|err| panic!("{}: {err}", file.display()));
        out.insert(
            dir.file_name()
                .expect("name")
                .to_string_lossy()
                .into_owned(),
            e.article,
        );
    }
    out
}

fn sample_request(warc: std::path::PathBuf) -> CrawlRequest {
    let range = sample_range();
    CrawlRequest {
        sources: vec![],
        range: Some(range),
        replay: vec![warc],
        today: Some(date("2026-04-01")),
        ..Default::default()
    }
}

#[test]
fn every_shipped_source_yields_its_expected_articles() {
    let (dir, home) = new_home();
    let warc = sample_warc(&dir.path().join("sample"));
    let summary = run_crawl(&home, &sample_request(warc.clone()));
    assert!(summary.new_articles > 50, "{summary:?}");
    assert_eq!(
        summary.challenges, 1,
        "the 521 challenge page is detected: {summary:?}"
    );
    let store = Store::open(&home.db_path()).expect("store");
    let rows = store.articles(&[]).expect("articles");
    let mut failures = Vec::new();
    let mut checked = 0;
    for (source, articles) in expected() {
        let got: Vec<_> = rows
            .iter()
            .filter(|r| r.article.source.as_str() == source)
            .collect();
        assert_eq!(
            got.len(),
            articles.len(),
            "{source}: article count; got {:?}",
            got.iter().map(|r| &r.article.url).collect::<Vec<_>>()
        );
        for e in articles {
            let Some(a) = got.iter().map(|r| &r.article).find(|a| a.url == e.url) else {
                failures.push(format!("{source}: missing {}", e.url));
                continue;
            };
            checked += 1;
            let mut check = |field: &str, got: Option<&str>, want: Option<&str>| {
                if got != want {
                    failures.push(format!(
                        "{source} {}: {field}: got {got:?}, want {want:?}",
                        e.url
                    ));
                }
            };
            check("title", Some(&a.title), Some(&e.title));
            check("pretitle", a.pretitle.as_deref(), e.pretitle.as_deref());
            check("subtitle", a.subtitle.as_deref(), e.subtitle.as_deref());
            check("author", a.author.as_deref(), e.author.as_deref());
            let published = a.published.map(|d| d.to_string());
            check("published", published.as_deref(), Some(&e.published));
            check("page", a.page.as_deref(), e.page.as_deref());
            if !a.body.starts_with(&e.body_start) {
                failures.push(format!(
                    "{source} {}: body starts {:?}",
                    e.url,
                    a.body.chars().take(20).collect::<String>()
                ));
            }
            if !a.body.ends_with(&e.body_end) {
                let tail: String = a
                    .body
                    .chars()
                    .rev()
                    .take(20)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect();
                failures.push(format!("{source} {}: body ends {tail:?}", e.url));
            }
        }
    }
    assert!(checked > 50);
    assert!(
        failures.is_empty(),
        "{} field mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );

    // Backfilling the same range again fetches nothing new.
    let again = run_crawl(&home, &sample_request(warc));
    assert_eq!(again.new_articles, 0, "{again:?}");
    assert_eq!(
        Store::open(&home.db_path())
            .expect("store")
            .article_count()
            .expect("count"),
        rows.len() as u64
    );
}

#[test]
fn syndicated_copy_on_people_cq_is_linked_not_merged_and_cites_the_print_page() {
    let (dir, home) = new_home();
    let warc = sample_warc(&dir.path().join("sample"));
    run_crawl(&home, &sample_request(warc));
    let store = Store::open(&home.db_path()).expect("store");
    let rows = store.articles(&[]).expect("articles");
    let web: Vec<_> = rows
        .iter()
        .filter(|r| r.article.source.as_str() == "people-cq" && r.article.citation.is_some())
        .collect();
    assert!(!web.is_empty(), "a 人民网 reprint with a print citation");
    let copy = &web[0].article;
    let citation = copy.citation.as_ref().expect("citation");
    assert_eq!(citation.outlet, "人民日报");
    let copies = store.syndicated_copies(&copy.id).expect("copies");
    assert!(!copies.is_empty(), "linked to the print article");
    for c in copies {
        let other = store.article(c.as_str()).expect("read").expect("exists");
        assert_ne!(
            other.article.source, copy.source,
            "each outlet keeps its own copy"
        );
    }
}
