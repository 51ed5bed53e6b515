//! Only reports become candidates (issue 21): an item of a page labelled
//! 广告 (its title without 广告, its text our full name, a slogan and a
//! phone number), a 版务 item, a picture with its caption and an
//! advertorial on a lead source are stored as what they are, never become
//! candidates or leads, and are counted in the source's health.

use reform_radar::model::{Article, ArticleId, ArticleKind, ExtractorKind, SourceId};
use reform_radar::store::{CandidateFilter, Store};

fn article(
    id: &str,
    source: &str,
    item: &str,
    page: Option<&str>,
    title: &str,
    body: &str,
) -> Article {
    Article {
        id: ArticleId(id.into()),
        url: format!("http://example.invalid/{id}"),
        canonical_url: format!("http://example.invalid/{id}"),
        source: SourceId(source.into()),
        outlet: if source == "people-cq" {
            "人民网"
        } else {
            "人民日报"
        }
        .into(),
        item: item.into(),
        title: title.into(),
        pretitle: None,
        subtitle: None,
        author: None,
        published: chrono::NaiveDate::from_ymd_opt(2026, 3, 4),
        page: page.map(str::to_string),
        body: body.into(),
        extractor: ExtractorKind::Selectors,
        citation: None,
        warnings: vec![],
    }
}

#[test]
fn non_reports_are_stored_as_what_they_are_and_never_proposed() {
    let registry = reform_radar::matching::eval::parse_registry(
        &std::fs::read_to_string(
            crate::support::repo().join("tests/fixtures/matching/registry.toml"),
        )
        .expect("registry"),
    )
    .expect("registry parses");
    let rules_text =
        std::fs::read_to_string(crate::support::repo().join("defaults/rules.toml")).expect("rules");
    let rules = reform_radar::config::parse_rules(std::path::Path::new("rules.toml"), &rules_text)
        .expect("rules parse");
    let full = "重庆市万州区城市建设投资（集团）有限公司";
    let items = [
        article(
            "report",
            "people-daily",
            "B1",
            Some("10版：经济"),
            "三项制度改革激发国企内生动力",
            &format!(
                "本报重庆3月3日电（记者 王明）走进{full}，岗位竞聘公示栏格外醒目。\n万州城投集团全面推行经理层成员任期制和契约化管理。"
            ),
        ),
        article(
            "ad",
            "people-daily",
            "B1",
            Some("13版：广告"),
            "匠心筑城",
            &format!("{full}\n匠心筑城 品质万州\n联系电话：023-58888888"),
        ),
        article(
            "banwu",
            "people-daily",
            "B1",
            Some("10版：经济"),
            "本版责编：张三 李四 版式设计：王五",
            "",
        ),
        article(
            "picture",
            "people-daily",
            "B1",
            Some("04版：要闻"),
            "图片报道",
            "图为万州城投集团员工在城市运营指挥中心值守。\n本报记者 王明摄",
        ),
        article(
            "advertorial",
            "people-cq",
            "lead",
            None,
            "品质万州",
            &format!(
                "{full}\n城市建设 匠心营造\n招商热线：023-58666666\n地址：重庆市万州区某某路1号"
            ),
        ),
    ];
    let dir = tempfile::tempdir().expect("tmp");
    let mut store = Store::open(&dir.path().join("radar.sqlite")).expect("store");
    store
        .transaction(|tx| {
            for a in &items {
                let hash = reform_radar::dedup::simhash(&a.body);
                tx.upsert_article(a, None, hash)?;
            }
            Ok(())
        })
        .expect("store");
    let stage = reform_radar::pipeline::MatchStage::new(&registry, &rules);
    let summary = stage.follow(&mut store).expect("match");
    assert_eq!(summary.articles, 5);
    assert_eq!(summary.not_reports, 4, "{summary:?}");
    assert!(
        summary.line().contains("4 not reports"),
        "{}",
        summary.line()
    );

    let kind = |id: &str| store.article_kind(&ArticleId(id.into())).expect("kind");
    assert_eq!(kind("report"), Some(ArticleKind::Report));
    assert_eq!(kind("ad"), Some(ArticleKind::Advertisement));
    assert_eq!(kind("banwu"), Some(ArticleKind::Notice));
    assert_eq!(kind("picture"), Some(ArticleKind::Picture));
    assert_eq!(kind("advertorial"), Some(ArticleKind::Advertisement));

    let all = store
        .candidates(&CandidateFilter::default())
        .expect("candidates");
    let ids: Vec<&str> = all.iter().map(|c| c.article_id.as_str()).collect();
    assert!(
        ids.contains(&"report"),
        "the report is a candidate: {ids:?}"
    );
    assert!(
        ids.iter().all(|id| *id == "report"),
        "nothing but the report is proposed (no candidate, no lead): {ids:?}"
    );

    let pd = store.non_reports("people-daily").expect("counts");
    assert_eq!((pd.advertisements, pd.notices, pd.pictures), (1, 1, 1));
    let cq = store.non_reports("people-cq").expect("counts");
    assert_eq!((cq.advertisements, cq.notices, cq.pictures), (1, 0, 0));
    let health = store.source_health("people-daily", 10).expect("health");
    assert_eq!(health.non_reports.total(), 3);
}
