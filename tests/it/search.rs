//! Search tests on a fixture corpus: the hand-written articles in
//! `tests/fixtures/search/articles.jsonl` plus a few hundred generated from
//! templates. Expected sets are computed by a brute-force substring oracle
//! over the same corpus, so the assertions are exact.

mod consistency;
mod relevance;

use chrono::NaiveDate;
use reform_radar::index::{SearchIndex, SearchRequest, SearchResults, fold};
use reform_radar::model::{Article, ArticleId, ExtractorKind, SourceId};
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

pub(super) fn article(
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

pub(super) fn id_of(key: &str) -> String {
    corpus()
        .into_iter()
        .find(|a| a.url.ends_with(&format!("/{key}.html")))
        .map(|a| a.id.0)
        .expect(key)
}

/// The hand-written articles and 300 generated ones.
pub(super) fn corpus() -> Vec<Article> {
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
pub(super) fn oracle(
    corpus: &[Article],
    forms: &[&str],
    keep: impl Fn(&Article) -> bool,
) -> BTreeSet<String> {
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

/// Like [`oracle`] for 国企 / 国有企业 as words: occurrences inside 中国企业
/// or 我国企业 do not count.
pub(super) fn soe_oracle(corpus: &[Article], keep: impl Fn(&Article) -> bool) -> BTreeSet<String> {
    let masked = |t: &str| fold(t).replace("中国企业", "#").replace("我国企业", "#");
    corpus
        .iter()
        .filter(|a| keep(a))
        .filter(|a| {
            let (title, body) = (masked(&a.title), masked(&a.body));
            ["国企", "国有企业"]
                .iter()
                .any(|f| title.contains(f) || body.contains(f))
        })
        .map(|a| a.id.0.clone())
        .collect()
}

pub(super) fn built(dir: &std::path::Path) -> SearchIndex {
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

pub(super) fn search(index: &SearchIndex, q: &str) -> SearchResults {
    let mut req = SearchRequest::new(q);
    req.limit = 1000;
    index.search(&req).expect(q)
}

pub(super) fn ids(r: &SearchResults) -> BTreeSet<String> {
    r.hits.iter().map(|h| h.id.clone()).collect()
}

pub(super) fn hit_snippet(r: &SearchResults, key: &str) -> String {
    let id = id_of(key);
    r.hits
        .iter()
        .find(|h| h.id == id)
        .map(|h| h.snippet.clone())
        .unwrap_or_else(|| panic!("{key} not found"))
}
