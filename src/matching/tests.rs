//! Unit tests of the matcher on small hand-made articles: each rule with a
//! case where it applies and one where it must not.

use super::*;
use crate::model::{Alias, AliasKind, ArticleId, Confidence, Enterprise, ExtractorKind, SourceId};
use chrono::NaiveDate;

fn alias(text: &str, kind: AliasKind, ambiguous: bool) -> Alias {
    Alias {
        text: text.into(),
        kind,
        ambiguous,
        valid_until: None,
        distinctive: false,
    }
}

fn registry() -> Registry {
    let mut former = alias(
        "万州区江南新区开发投资有限公司",
        AliasKind::FormerName,
        false,
    );
    former.valid_until = NaiveDate::from_ymd_opt(2021, 6, 30);
    Registry {
        anchors: vec!["万州".into(), "万州区".into()],
        former_name_grace_days: 90,
        home_sources: vec!["wz-gov".into(), "wzsb".into()],
        enterprises: vec![
            Enterprise {
                id: "wz-ctjt".into(),
                name: "重庆市万州区城市建设投资（集团）有限公司".into(),
                aliases: vec![
                    alias("万州城投集团", AliasKind::ShortName, false),
                    alias("万州城投", AliasKind::ShortName, false),
                    alias("城投集团", AliasKind::ShortName, true),
                ],
                parent: None,
            },
            Enterprise {
                id: "wz-jnkt".into(),
                name: "重庆市万州区江南新区开发建设集团有限公司".into(),
                aliases: vec![former, alias("江南开发集团", AliasKind::ShortName, false)],
                parent: None,
            },
            Enterprise {
                id: "wz-ctzy".into(),
                name: "重庆市万州区城投物业管理有限公司".into(),
                aliases: vec![alias("城投物业", AliasKind::ShortName, true)],
                parent: Some("wz-ctjt".into()),
            },
            Enterprise {
                id: "sx-water".into(),
                name: "重庆三峡水务集团有限公司".into(),
                aliases: vec![
                    alias("三峡水务", AliasKind::ShortName, false),
                    alias("水务集团", AliasKind::ShortName, true),
                ],
                parent: None,
            },
        ],
        homonyms: vec![],
    }
}

fn article(title: &str, body: &str, date: Option<(i32, u32, u32)>) -> Article {
    Article {
        id: ArticleId("t".into()),
        url: "http://example.invalid/".into(),
        canonical_url: "http://example.invalid/".into(),
        source: SourceId("people-daily".into()),
        outlet: "人民日报".into(),
        item: "B1".into(),
        title: title.into(),
        pretitle: None,
        subtitle: None,
        author: None,
        published: date.and_then(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d)),
        page: Some("10版：经济".into()),
        body: body.into(),
        extractor: ExtractorKind::Selectors,
        citation: None,
        warnings: vec![],
    }
}

fn evidence(title: &str, body: &str) -> Vec<String> {
    evidence_ctx(title, body, Some((2023, 5, 1)), false)
}

fn evidence_ctx(title: &str, body: &str, date: Option<(i32, u32, u32)>, home: bool) -> Vec<String> {
    let m = Matcher::new(&registry());
    let ctx = MatchContext { home_source: home };
    let mut ids: Vec<String> = m
        .match_article(&article(title, body, date), &ctx)
        .into_iter()
        .filter(|v| v.evidence)
        .map(|v| v.enterprise)
        .collect();
    ids.sort();
    ids
}

#[test]
fn full_name_with_or_without_brackets_and_spaces() {
    assert_eq!(
        evidence("", "重庆市万州区城市建设投资集团有限公司推进改革。"),
        ["wz-ctjt"]
    );
    assert_eq!(
        evidence("", "重庆市万州区城市建设投资(集团)有限公司推进改革。"),
        ["wz-ctjt"]
    );
    assert_eq!(evidence("万州 城投 集团深化改革", ""), ["wz-ctjt"]);
    assert_eq!(
        evidence("", "ＷＺ重庆市万州区城市建设投资［集团］有限公司"),
        ["wz-ctjt"]
    );
}

#[test]
fn offsets_point_into_the_original_paragraph() {
    let m = Matcher::new(&registry());
    let body = "第一段。\n记者  走进万州 城投集团（集团）看到";
    let a = article("标题", body, Some((2023, 5, 1)));
    let out = m.match_article(&a, &MatchContext::default());
    let v = out
        .iter()
        .find(|v| v.enterprise == "wz-ctjt")
        .expect("match");
    let mention = &v.mentions[0];
    assert_eq!(mention.paragraph, 2);
    let line: Vec<char> = body.split('\n').nth(1).expect("line").chars().collect();
    let got: String = line[mention.start..mention.end].iter().collect();
    assert_eq!(got, "万州 城投集团");
}

#[test]
fn ambiguous_alias_needs_an_anchor() {
    // Unanchored.
    let none = evidence("", "城投集团近年来推进三项制度改革。");
    assert!(none.is_empty(), "{none:?}");
    // The district in the same paragraph.
    assert_eq!(
        evidence("", "万州区推进国企改革，城投集团率先完成。"),
        ["wz-ctjt"]
    );
    // Attached.
    assert_eq!(evidence("", "重庆万州城投集团推进改革。"), ["wz-ctjt"]);
    // The full name earlier.
    assert_eq!(
        evidence(
            "",
            "重庆市万州区城市建设投资（集团）有限公司成立于1993年。\n近年来，城投集团推进改革。"
        ),
        ["wz-ctjt"]
    );
    // A home source.
    assert_eq!(
        evidence_ctx("", "城投集团召开改革推进会。", Some((2023, 5, 1)), true),
        ["wz-ctjt"]
    );
}

#[test]
fn another_districts_company_is_not_ours() {
    assert!(evidence("", "万州区代表团考察了涪陵城投集团和江北水务集团。").is_empty());
    assert!(evidence("", "重庆城投集团在万州区召开会议。").is_empty());
    // Foreign hit dropped but ours still found.
    assert_eq!(
        evidence("", "涪陵城投集团与万州城投集团签约。"),
        ["wz-ctjt"]
    );
}

#[test]
fn near_names_are_not_ours() {
    assert!(evidence("", "万州城投置业有限公司开盘。").is_empty());
}

#[test]
fn former_names_until_the_rename_plus_grace() {
    let body = "万州区江南新区开发投资有限公司推进改革。";
    assert_eq!(
        evidence_ctx("", body, Some((2021, 3, 1)), false),
        ["wz-jnkt"]
    );
    assert_eq!(
        evidence_ctx("", body, Some((2021, 9, 1)), false),
        ["wz-jnkt"]
    );
    assert!(evidence_ctx("", body, Some((2022, 3, 1)), false).is_empty());
    let m = Matcher::new(&registry());
    let out = m.match_article(&article("", body, None), &MatchContext::default());
    assert!(out[0].evidence);
    assert_ne!(out[0].confidence, Confidence::High);
}

#[test]
fn subsidiary_under_its_own_id_with_the_parent_named() {
    let m = Matcher::new(&registry());
    let a = article(
        "",
        "重庆市万州区城投物业管理有限公司推行职业经理人制度。",
        Some((2023, 1, 1)),
    );
    let out = m.match_article(&a, &MatchContext::default());
    assert_eq!(out[0].enterprise, "wz-ctzy");
    assert!(
        out[0].reasons.iter().any(|r| r.contains("母公司")),
        "{:?}",
        out[0].reasons
    );
}

#[test]
fn local_alias_is_learned() {
    let body = "重庆三峡水务集团有限公司（以下简称“峡水”）成立于2003年。\n峡水推进改革。";
    let m = Matcher::new(&registry());
    let out = m.match_article(
        &article("峡水的改革路", body, Some((2023, 1, 1))),
        &MatchContext::default(),
    );
    let v = &out[0];
    assert_eq!(v.enterprise, "sx-water");
    assert!(v.signals.in_title);
    assert_eq!(
        v.mentions
            .iter()
            .filter(|m| m.kind == AliasKind::ArticleLocal)
            .count(),
        2
    );
}

#[test]
fn list_mentions_are_not_evidence() {
    assert!(
        evidence(
            "",
            "会议邀请万州城投集团、三峡水务集团、万州港口集团等单位参加。"
        )
        .is_empty()
    );
    assert!(evidence("", "万州城投集团等30家企业入选。").is_empty());
    let body = "附件：改革先进单位名单\n1.重庆市万州区城市建设投资（集团）有限公司\n2.重庆三峡水务集团有限公司\n3.某某有限公司";
    assert!(evidence("", body).is_empty());
    // Two named together is not a list.
    assert_eq!(
        evidence("", "万州城投集团与三峡水务联合出资。"),
        ["sx-water", "wz-ctjt"]
    );
}

#[test]
fn reasons_and_signals() {
    let m = Matcher::new(&registry());
    let a = article(
        "万州城投集团：改革蹚新路",
        "万州城投集团深化国企改革，推进混合所有制改革。\n该集团完善董事会建设。\n其他内容。",
        Some((2023, 1, 1)),
    );
    let out = m.match_article(&a, &MatchContext::default());
    let v = &out[0];
    assert_eq!(v.confidence, Confidence::High);
    assert!(v.signals.in_title);
    assert!(v.signals.reform_density > 0.0);
    assert!((v.signals.paragraph_share - 1.0 / 3.0).abs() < 1e-9);
    assert!(
        v.reasons.iter().any(|r| r.starts_with("标题中出现简称")),
        "{:?}",
        v.reasons
    );
}

#[test]
fn local_alias_after_a_full_name_with_brackets() {
    let body = "重庆三峡水务集团有限公司（以下简称“峡水集团”）是渝东北最大的供水企业。\n近年来，峡水集团坚持改革。";
    let m = Matcher::new(&registry());
    let out = m.match_article(
        &article("题", body, Some((2023, 1, 1))),
        &MatchContext::default(),
    );
    let v = &out[0];
    let kinds: Vec<(AliasKind, usize)> = v.mentions.iter().map(|m| (m.kind, m.paragraph)).collect();
    assert_eq!(
        kinds,
        [(AliasKind::FullName, 1), (AliasKind::ArticleLocal, 2)],
        "{v:#?}"
    );
}

#[test]
fn a_name_broken_by_a_line_break() {
    let m = Matcher::new(&registry());
    let body = "记者走进重庆市万州区城市建设投资\n（集团）有限公司，看到改革成效。\n第三段。";
    let out = m.match_article(
        &article("题", body, Some((2023, 1, 1))),
        &MatchContext::default(),
    );
    let v = out
        .iter()
        .find(|v| v.enterprise == "wz-ctjt")
        .expect("found");
    assert!(v.evidence);
    let mention = &v.mentions[0];
    assert_eq!(mention.paragraph, 1);
    assert_eq!((mention.start, mention.end), (4, 16));
    // A sentence end before the break: no join.
    let body = "这是三峡。\n水务集团的事。";
    let out = m.match_article(
        &article("题", body, Some((2023, 1, 1))),
        &MatchContext::default(),
    );
    assert!(out.iter().all(|v| {
        v.mentions
            .iter()
            .all(|m| m.kind != AliasKind::ShortName || m.alias != "三峡水务")
    }));
}
