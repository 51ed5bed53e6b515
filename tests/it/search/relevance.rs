//! What a query finds: synonyms, short names, phrases, filters, dates,
//! snippets, folding, single characters, facets, sorting and syntax errors.

use super::{built, corpus, hit_snippet, id_of, ids, oracle, search, soe_oracle};
use chrono::NaiveDate;
use reform_radar::index::{IndexError, SearchRequest, Sort};
use reform_radar::model::ArticleId;
use std::collections::BTreeSet;

#[test]
fn synonyms_find_both_forms() {
    let dir = tempfile::tempdir().expect("tempdir");
    let index = built(dir.path());
    let c = corpus();
    let r = search(&index, "国企");
    let expected = soe_oracle(&c, |_| true);
    let substring = oracle(&c, &["国企", "国有企业"], |_| true);
    assert!(
        substring.contains(&id_of("china-firms")),
        "the distractor has 国企 as a substring"
    );
    assert!(
        !ids(&r).contains(&id_of("china-firms")),
        "中国企业 is not 国企"
    );
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
    // Quoted phrases are literal substrings, not expanded: 国企 (also inside
    // 中国企业), not 国有企业.
    let quoted = ids(&search(&index, "\"国企\""));
    assert_eq!(quoted, oracle(&corpus(), &["国企"], |_| true));
    assert!(quoted.contains(&id_of("china-firms")));
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
    assert_eq!(ids(&r), soe_oracle(&c, |a| a.outlet == "重庆日报"));
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
        .upsert_matched(&[
            (1000, yufu, &["cq-yufu".to_string()][..]),
            (
                1001,
                chengtou,
                &["cq-yufu".to_string(), "wz-ctjt".to_string()][..],
            ),
        ])
        .expect("upsert");
    let mut req = SearchRequest::new("");
    req.enterprise = Some("cq-yufu".into());
    assert_eq!(
        ids(&index.search(&req).expect("search")),
        BTreeSet::from([yufu.id.0.clone(), chengtou.id.0.clone()])
    );
    req.enterprise = Some("wz-ctjt".into());
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
    // 国企 is marked where it is a word, not inside 中国企业.
    assert_eq!(
        hit_snippet(&r, "both"),
        "多家中国企业与市属<mark>国企</mark>签约合作。"
    );
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
        .filter(|(_, a)| soe_oracle(&c, |_| true).contains(&a.id.0))
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
