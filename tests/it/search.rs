//! Search relevance and consistency on a fixture corpus: the hand-written
//! articles in `tests/fixtures/search/articles.jsonl` plus a few hundred
//! generated from templates. Expected sets are computed by a brute-force
//! substring oracle over the same corpus, so the assertions are exact.

use chrono::NaiveDate;
use reform_radar::index::{
    IndexError, SearchIndex, SearchRequest, SearchResults, Sort, VecFeed, fold,
};
use reform_radar::model::{Article, ArticleId, ExtractorKind, SourceId};
use reform_radar::store::Store;
use std::collections::BTreeSet;

const FIXTURES: &str = include_str!("../fixtures/search/articles.jsonl");

#[derive(serde::Deserialize)]
struct Fixture {
    key: String,
    outlet: String,
    source: String,
    item: String,
    published: Option<NaiveDate>,
    page: Option<String>,
    title: String,
    body: String,
}

fn article(
    key: &str,
    outlet: &str,
    source: &str,
    item: &str,
    published: Option<NaiveDate>,
    title: &str,
    body: &str,
) -> Article {
    let url = format!("https://example.cn/{source}/{key}.html");
    Article {
        id: ArticleId::from_canonical_url(&url),
        url: url.clone(),
        canonical_url: url,
        source: SourceId(source.into()),
        outlet: outlet.into(),
        item: item.into(),
        title: title.into(),
        pretitle: None,
        subtitle: None,
        author: None,
        published,
        page: None,
        body: body.into(),
        extractor: ExtractorKind::Selectors,
        citation: None,
        warnings: vec![],
    }
}

fn id_of(key: &str) -> String {
    corpus()
        .into_iter()
        .find(|a| a.url.ends_with(&format!("/{key}.html")))
        .map(|a| a.id.0)
        .expect(key)
}

/// The hand-written articles and 300 generated ones.
fn corpus() -> Vec<Article> {
    let mut out: Vec<Article> = FIXTURES
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let f: Fixture = serde_json::from_str(l).expect("fixture line");
            let mut a = article(
                &f.key,
                &f.outlet,
                &f.source,
                &f.item,
                f.published,
                &f.title,
                &f.body,
            );
            a.page = f.page;
            a
        })
        .collect();
    let outlets = [
        ("人民日报", "people-daily"),
        ("重庆日报", "cqrb"),
        ("经济日报", "economic-daily"),
        ("新华社", "xinhua"),
        ("万州日报", "wzrb"),
    ];
    let districts = [
        "渝中区",
        "江北区",
        "涪陵",
        "永川区",
        "合川",
        "两江新区",
        "北碚区",
    ];
    let topics = [
        "智能制造",
        "乡村振兴",
        "生态保护",
        "城市更新",
        "数字经济",
        "现代物流",
        "文旅融合",
        "国有企业改革",
        "科技创新",
        "营商环境",
    ];
    let actions = [
        "召开推进会",
        "发布实施方案",
        "签约重点项目",
        "开展专项行动",
        "举办招商活动",
    ];
    let items = ["B1", "B2", "C7", "lead"];
    let mut state: u64 = 20260304;
    let mut next = |n: u64| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) % n
    };
    for i in 0..300 {
        let (outlet, source) = outlets[next(5) as usize];
        let district = districts[next(7) as usize];
        let topic = topics[next(10) as usize];
        let action = actions[next(5) as usize];
        let year = 2022 + next(4) as i32;
        let date = NaiveDate::from_ymd_opt(year, 1 + next(12) as u32, 1 + next(28) as u32);
        let title = format!("{district}{action}推动{topic}");
        let body = format!(
            "第{i}号稿件。{district}日前{action}，围绕{topic}明确目标任务。今年以来，全区累计完成投资{}亿元，带动就业{}人。下一步将持续优化服务，推动{topic}再上新台阶。",
            10 + next(90),
            100 + next(900)
        );
        out.push(article(
            &format!("gen{i}"),
            outlet,
            source,
            items[next(4) as usize],
            date,
            &title,
            &body,
        ));
    }
    out
}

/// Ids of the articles whose folded title or body contains any form.
fn oracle(corpus: &[Article], forms: &[&str], keep: impl Fn(&Article) -> bool) -> BTreeSet<String> {
    corpus
        .iter()
        .filter(|a| keep(a))
        .filter(|a| {
            forms
                .iter()
                .any(|f| fold(&a.title).contains(&fold(f)) || fold(&a.body).contains(&fold(f)))
        })
        .map(|a| a.id.0.clone())
        .collect()
}

fn built(dir: &std::path::Path) -> SearchIndex {
    let index = SearchIndex::open(dir).expect("open index");
    let numbered: Vec<(i64, Article)> = corpus()
        .into_iter()
        .enumerate()
        .map(|(i, a)| (i as i64 + 1, a))
        .collect();
    for chunk in numbered.chunks(100) {
        index.upsert(chunk).expect("upsert");
    }
    index
}

fn search(index: &SearchIndex, q: &str) -> SearchResults {
    let mut req = SearchRequest::new(q);
    req.limit = 1000;
    index.search(&req).expect(q)
}

fn ids(r: &SearchResults) -> BTreeSet<String> {
    r.hits.iter().map(|h| h.id.clone()).collect()
}

fn hit_snippet(r: &SearchResults, key: &str) -> String {
    let id = id_of(key);
    r.hits
        .iter()
        .find(|h| h.id == id)
        .map(|h| h.snippet.clone())
        .unwrap_or_else(|| panic!("{key} not found"))
}

#[test]
fn synonyms_find_both_forms() {
    let dir = tempfile::tempdir().expect("tempdir");
    let index = built(dir.path());
    let c = corpus();
    let r = search(&index, "国企");
    let expected = oracle(&c, &["国企", "国有企业"], |_| true);
    assert!(
        expected.len() > 10,
        "the corpus should have many 国企 articles"
    );
    assert_eq!(ids(&r), expected);
    assert_eq!(r.total, expected.len() as u64);
    for key in ["soe-full", "soe-short", "traditional", "undated"] {
        assert!(ids(&r).contains(&id_of(key)), "{key}");
    }
    let r = search(&index, "混改");
    assert_eq!(
        ids(&r),
        BTreeSet::from([id_of("mixed-full"), id_of("mixed-short")])
    );
    let r = search(&index, "央视");
    assert_eq!(ids(&r), BTreeSet::from([id_of("cctv"), id_of("cmg")]));
    let r = search(&index, "国资委");
    assert_eq!(ids(&r), BTreeSet::from([id_of("sasac")]));
}

#[test]
fn short_names_find_full_names() {
    let dir = tempfile::tempdir().expect("tempdir");
    let index = built(dir.path());
    assert_eq!(
        ids(&search(&index, "万州城投")),
        BTreeSet::from([id_of("chengtou")])
    );
    assert_eq!(
        ids(&search(&index, "渝富集团")),
        BTreeSet::from([id_of("yufu")])
    );
    assert_eq!(
        ids(&search(&index, "三峡银行")),
        BTreeSet::from([
            id_of("bank-adjacent"),
            id_of("bank-apart"),
            id_of("traditional")
        ])
    );
}

#[test]
fn phrases_need_adjacent_words() {
    let dir = tempfile::tempdir().expect("tempdir");
    let index = built(dir.path());
    let adjacent = BTreeSet::from([id_of("bank-adjacent"), id_of("traditional")]);
    assert_eq!(ids(&search(&index, "重庆三峡银行")), adjacent);
    assert_eq!(ids(&search(&index, "\"重庆三峡银行\"")), adjacent);
    assert_eq!(ids(&search(&index, "“重庆 三峡银行”")), adjacent);
    // Two words: both anywhere.
    let loose = ids(&search(&index, "重庆 三峡银行"));
    assert!(loose.contains(&id_of("bank-apart")));
    assert!(loose.is_superset(&adjacent));
    // Quoted phrases are not expanded: 国企 alone, not 国有企业.
    let quoted = ids(&search(&index, "\"国企\""));
    assert_eq!(quoted, oracle(&corpus(), &["国企"], |_| true));
}

#[test]
fn filters_and_date_ranges() {
    let dir = tempfile::tempdir().expect("tempdir");
    let index = built(dir.path());
    let c = corpus();
    let mut req = SearchRequest::new("国企");
    req.limit = 1000;
    req.outlet = Some("重庆日报".into());
    let r = index.search(&req).expect("search");
    assert_eq!(
        ids(&r),
        oracle(&c, &["国企", "国有企业"], |a| a.outlet == "重庆日报")
    );
    assert!(r.hits.iter().all(|h| h.outlet == "重庆日报"));

    let mut req = SearchRequest::new("");
    req.limit = 1000;
    req.item = Some("b3".into());
    assert_eq!(
        ids(&index.search(&req).expect("search")),
        BTreeSet::from([id_of("bank-adjacent"), id_of("bank-apart")])
    );

    // Both ends inclusive.
    let day = NaiveDate::from_ymd_opt(2025, 5, 5);
    let mut req = SearchRequest::new("银行");
    req.from = day;
    req.to = day;
    assert_eq!(
        ids(&index.search(&req).expect("search")),
        BTreeSet::from([id_of("bank-adjacent")])
    );

    let (from, to) = (
        NaiveDate::from_ymd_opt(2024, 1, 1),
        NaiveDate::from_ymd_opt(2024, 12, 31),
    );
    let mut req = SearchRequest::new("");
    req.limit = 1000;
    req.from = from;
    req.to = to;
    let r = index.search(&req).expect("search");
    let expected: BTreeSet<String> = c
        .iter()
        .filter(|a| a.published >= from && a.published <= to && a.published.is_some())
        .map(|a| a.id.0.clone())
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(ids(&r), expected);
    assert_eq!(r.facets.year.keys().collect::<Vec<_>>(), vec!["2024"]);
}

#[test]
fn enterprise_filter() {
    let dir = tempfile::tempdir().expect("tempdir");
    let index = built(dir.path());
    let c = corpus();
    let yufu = c
        .iter()
        .find(|a| a.url.ends_with("/yufu.html"))
        .expect("yufu");
    let chengtou = c
        .iter()
        .find(|a| a.url.ends_with("/chengtou.html"))
        .expect("chengtou");
    index
        .upsert_matched(&[(1000, yufu, &[42][..]), (1001, chengtou, &[42, 7][..])])
        .expect("upsert");
    let mut req = SearchRequest::new("");
    req.enterprise = Some(42);
    assert_eq!(
        ids(&index.search(&req).expect("search")),
        BTreeSet::from([yufu.id.0.clone(), chengtou.id.0.clone()])
    );
    req.enterprise = Some(7);
    assert_eq!(
        ids(&index.search(&req).expect("search")),
        BTreeSet::from([chengtou.id.0.clone()])
    );
    assert_eq!(
        index.num_docs(),
        c.len() as u64,
        "re-indexing replaces, never duplicates"
    );
}

#[test]
fn snippets_mark_the_matched_words() {
    let dir = tempfile::tempdir().expect("tempdir");
    let index = built(dir.path());
    let r = search(&index, "三峡银行");
    assert!(
        hit_snippet(&r, "bank-adjacent").starts_with("重庆<mark>三峡银行</mark>日前发布年度报告")
    );
    assert!(hit_snippet(&r, "traditional").starts_with("重慶<mark>三峽銀行</mark>表示"));
    let r = search(&index, "国企");
    assert_eq!(
        hit_snippet(&r, "soe-short"),
        "市属<mark>国企</mark>聚焦主责主业，推进瘦身健体，<mark>国企</mark>活力不断增强，改革成效持续显现。"
    );
    assert!(hit_snippet(&r, "soe-full").contains("深化<mark>国有企业</mark>改革"));
    let r = search(&index, "ＣＣＴＶ");
    assert!(hit_snippet(&r, "cctv").starts_with("<mark>CCTV</mark>记者"));
}

#[test]
fn traditional_and_full_width_input() {
    let dir = tempfile::tempdir().expect("tempdir");
    let index = built(dir.path());
    assert_eq!(
        ids(&search(&index, "重慶三峽銀行")),
        BTreeSet::from([id_of("bank-adjacent"), id_of("traditional")])
    );
    assert_eq!(ids(&search(&index, "國企")), ids(&search(&index, "国企")));
    assert_eq!(
        ids(&search(&index, "ai")),
        BTreeSet::from([id_of("fullwidth")])
    );
    assert_eq!(
        ids(&search(&index, "5G工厂")),
        BTreeSet::from([id_of("fullwidth")])
    );
}

#[test]
fn single_characters_match_anywhere() {
    let dir = tempfile::tempdir().expect("tempdir");
    let index = built(dir.path());
    let c = corpus();
    // 煤 stands alone in one article (a jieba word) and inside 煤炭 in the other.
    let mut extra = c[0].clone();
    extra.id = ArticleId::from_canonical_url("https://example.cn/x/coal2.html");
    extra.body = "今冬煤炭供应充足。".into();
    index.upsert(&[(5000, extra.clone())]).expect("upsert");
    let found = ids(&search(&index, "煤"));
    assert_eq!(found, BTreeSet::from([id_of("coal"), extra.id.0.clone()]));
    let r = search(&index, "煤");
    assert!(
        r.hits
            .iter()
            .any(|h| h.snippet.contains("<mark>煤</mark>炭"))
    );
}

#[test]
fn matching_seqs_cover_every_match() {
    let dir = tempfile::tempdir().expect("tempdir");
    let index = built(dir.path());
    let c = corpus();
    let seqs = index
        .matching_seqs(&SearchRequest::new("国企"))
        .expect("seqs");
    let expected: Vec<i64> = c
        .iter()
        .enumerate()
        .filter(|(_, a)| oracle(&c, &["国企", "国有企业"], |_| true).contains(&a.id.0))
        .map(|(i, _)| i as i64 + 1)
        .collect();
    assert_eq!(seqs, expected);
}

#[test]
fn facets_sort_and_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    let index = built(dir.path());
    let r = search(&index, "国企");
    assert_eq!(r.facets.outlet.values().sum::<u64>(), r.total);
    assert_eq!(r.facets.year.values().sum::<u64>(), r.total);
    assert_eq!(r.facets.year.get("unknown"), Some(&1));
    let mut req = SearchRequest::new("国企 OR 智能制造");
    req.sort = Sort::Date;
    req.limit = 50;
    let r = index.search(&req).expect("search");
    assert_eq!(r.hits.len(), 50);
    let dates: Vec<&str> = r
        .hits
        .iter()
        .filter_map(|h| h.published.as_deref())
        .collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "{dates:?}");
    let mut req = SearchRequest::new("三峡银行");
    req.limit = 2;
    let r = index.search(&req).expect("search");
    assert_eq!((r.total, r.hits.len()), (3, 2));
    assert!(
        !ids(&r).contains(&id_of("bank-apart")),
        "the two articles with the name in the title rank first"
    );
    assert!(r.hits[0].score >= r.hits[1].score);

    match index.search(&SearchRequest::new("\"国企")) {
        Err(IndexError::Query(e)) => assert!(!e.to_string().contains('\n')),
        other => panic!("expected a syntax error, got {other:?}"),
    }
    assert!(matches!(
        index.search(&SearchRequest::new("-国企")),
        Err(IndexError::Query(_))
    ));
    let excluded = ids(&search(&index, "国企 -重庆"));
    assert!(!excluded.contains(&id_of("traditional")));
    assert!(excluded.contains(&id_of("soe-full")));
}

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
