//! Whom a name means, per article: the adversarial cases of issue 21.
//! A local alias declared for another organisation, a short name after
//! another place, an article about another district's company, the
//! registry's homonyms, and short names with no anchor of ours at all.

use super::*;
use crate::model::{Alias, AliasKind, ArticleId, Enterprise, ExtractorKind, Homonym, SourceId};
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

fn distinctive(text: &str) -> Alias {
    Alias {
        distinctive: true,
        ..alias(text, AliasKind::ShortName, false)
    }
}

fn registry() -> Registry {
    Registry {
        anchors: vec!["万州".into(), "万州区".into()],
        former_name_grace_days: 90,
        home_sources: vec!["wz-gov".into()],
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
                id: "wz-jsjt".into(),
                name: "重庆市万州区建设投资集团有限公司".into(),
                aliases: vec![alias("建投集团", AliasKind::ShortName, false)],
                parent: None,
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
            Enterprise {
                id: "wz-wl".into(),
                name: "重庆市万州区文化旅游发展集团有限公司".into(),
                aliases: vec![
                    distinctive("平湖文旅"),
                    alias("江城", AliasKind::Brand, false),
                ],
                parent: None,
            },
            Enterprise {
                id: "wz-db".into(),
                name: "重庆市万州区融资担保有限公司".into(),
                aliases: vec![alias("三峡担保", AliasKind::ShortName, false)],
                parent: None,
            },
        ],
        homonyms: vec![Homonym {
            name: "重庆三峡担保集团".into(),
            means: "重庆三峡融资担保集团股份有限公司（市属）".into(),
        }],
    }
}

fn article(title: &str, body: &str) -> Article {
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
        published: NaiveDate::from_ymd_opt(2023, 5, 1),
        page: Some("10版：经济".into()),
        body: body.into(),
        extractor: ExtractorKind::Selectors,
        citation: None,
        warnings: vec![],
    }
}

fn matches(title: &str, body: &str) -> Vec<EnterpriseMatch> {
    Matcher::new(&registry()).match_article(&article(title, body), &MatchContext::default())
}

fn evidence(title: &str, body: &str) -> Vec<String> {
    let mut ids: Vec<String> = matches(title, body)
        .into_iter()
        .filter(|m| m.evidence)
        .map(|m| m.enterprise)
        .collect();
    ids.sort();
    ids
}

fn reasons_of(title: &str, body: &str, ent: &str) -> String {
    matches(title, body)
        .into_iter()
        .find(|m| m.enterprise == ent)
        .map(|m| m.reasons.join("；"))
        .unwrap_or_default()
}

#[test]
fn an_alias_declared_for_another_company_is_theirs() {
    let body = "湖北某某建设投资集团有限公司（以下简称“建投集团”）成立于2005年，是当地最大的城建平台。\n近年来，建投集团推进三项制度改革，经理层全面实行任期制和契约化管理。\n建投集团有关负责人表示，将继续深化改革。";
    assert!(evidence("一家城建平台的改革路", body).is_empty());
    let r = reasons_of("一家城建平台的改革路", body, "wz-jsjt");
    assert!(r.contains("“建投集团”在本文指湖北某某建设投资集团"), "{r}");
    // The binding holds even where our district is named elsewhere.
    let body2 = format!("{body}\n万州区国资委组织考察团赴当地学习。");
    assert!(
        evidence("", &body2).is_empty(),
        "{:?}",
        evidence("", &body2)
    );
    // 下称 and 简称 in brackets, a Wuhan company, an ambiguous alias.
    let body3 =
        "武汉江城城市建设投资有限公司（下称“城投集团”）日前完成改制。万州区代表团参观了城投集团。";
    assert!(evidence("", body3).is_empty());
    let r = reasons_of("", body3, "wz-ctjt");
    assert!(r.contains("在本文指武汉江城城市建设投资"), "{r}");
    let body4 = "湖北三峡水务建设集团有限公司（简称“三峡水务”）发布年报。三峡水务营收增长。";
    assert!(evidence("", body4).is_empty());
}

#[test]
fn an_alias_declared_for_our_company_is_ours() {
    let body = "重庆市万州区建设投资集团有限公司（以下简称“建投集团”）成立于2005年。\n近年来，建投集团推进改革。";
    assert_eq!(evidence("", body), ["wz-jsjt"]);
    // An unregistered spelling that names our district is not declared foreign.
    let body = "万州区城市建设投资集团（以下简称“城投集团”）推进改革。城投集团完成改制。";
    assert_eq!(evidence("", body), ["wz-ctjt"]);
}

#[test]
fn a_short_name_after_another_place_is_not_ours() {
    let body = "万州区国资委组织学习。湖北省属国企三峡水务推进混改，成效明显。";
    assert!(evidence("", body).is_empty(), "{:?}", evidence("", body));
    let body = "万州区国资委组织学习。在武汉的建投集团，改革已见成效。";
    assert!(evidence("", body).is_empty());
    let r = reasons_of(
        "",
        "万州区国资委组织学习。湖北省属国企三峡水务推进混改。",
        "sx-water",
    );
    assert!(r.contains("湖北"), "{r}");
    // A place name that is an everyday word needs its suffix.
    let body = "万州区国资委介绍，位于长江南岸的三峡水务推进供水改革。";
    assert_eq!(evidence("", body), ["sx-water"]);
    let body = "万州区国资委组织学习。南岸区属国企三峡水务推进混改。";
    assert!(evidence("", body).is_empty());
    // A county's name before an ambiguous alias on a home source.
    let m = Matcher::new(&registry());
    let mut a = article(
        "",
        "万州、丰都、石柱等区县探索平台公司转型。\n石柱则推动水务集团与其他国企重组。",
    );
    a.source = SourceId("wz-gov".into());
    let ctx = MatchContext::for_source(&registry(), "wz-gov");
    assert!(m.match_article(&a, &ctx).iter().all(|v| !v.evidence));
    // 当地 points back to the district named before it.
    let body = "记者在万州采访时看到，当地水务集团将岗位全部纳入竞聘。";
    assert_eq!(evidence("", body), ["sx-water"]);
    // Our own district in the same clause keeps it ours.
    let body = "万州区国资委介绍，与湖北相比，万州区属国企三峡水务改革更早。";
    assert_eq!(evidence("", body), ["sx-water"]);
}

#[test]
fn short_names_need_an_anchor_somewhere_in_the_article() {
    // No 万州, no full name: a short name is not ours.
    let body = "三峡水务推进混合所有制改革，引入战略投资者。";
    assert!(evidence("", body).is_empty());
    let r = reasons_of("", body, "sx-water");
    assert!(r.contains("本文未出现"), "{r}");
    // An article about another province's company says so.
    let body = "湖北某某供水集团有限公司近年来推进改革。\n三峡水务作为合作方参与。";
    let r = reasons_of("湖北某某供水集团有限公司深化改革", body, "sx-water");
    assert!(r.contains("湖北某某供水集团"), "{r}");
    // 万州 anywhere in the article anchors it.
    let body = "三峡水务推进混合所有制改革。\n这是万州区国企改革的一个缩影。";
    assert_eq!(evidence("", body), ["sx-water"]);
    // The full name anchors it.
    let body = "重庆三峡水务集团有限公司成立于2003年。\n三峡水务推进改革。";
    assert_eq!(evidence("", body), ["sx-water"]);
    // A name the registry marks distinctive counts alone.
    assert_eq!(
        evidence("", "平湖文旅推进改革，引入战略投资者。"),
        ["wz-wl"]
    );
    // A home source is its own anchor.
    let m = Matcher::new(&registry());
    let mut a = article("", "三峡水务推进混改。");
    a.source = SourceId("wz-gov".into());
    let ctx = MatchContext::for_source(&registry(), "wz-gov");
    assert!(m.match_article(&a, &ctx).iter().any(|v| v.evidence));
}

#[test]
fn registry_homonyms_are_someone_else() {
    // The registry's own homonym swallows our shorter name inside it.
    let body = "万州区企业代表走访了重庆三峡担保集团。";
    assert!(evidence("", body).is_empty());
    let r = reasons_of("", body, "wz-db");
    assert!(
        r.contains("“三峡担保”在本文指重庆三峡融资担保集团股份有限公司"),
        "{r}"
    );
    // Without the homonym around it, ours.
    assert_eq!(evidence("", "万州区三峡担保完成增资。"), ["wz-db"]);
    // A name that is itself a known namesake (江城 is Wuhan) needs our
    // district in its paragraph even though it is not marked ambiguous.
    assert!(evidence("", "万州区国资委发文。\n江城推出夏季旅游线路。").is_empty());
    assert_eq!(evidence("", "万州区江城推出夏季旅游线路。"), ["wz-wl"]);
}

#[test]
fn built_in_homonyms_are_shipped_and_parse() {
    let list = super::homonyms::builtin();
    assert!(list.len() >= 20, "{}", list.len());
    assert!(list.iter().any(|h| h.name == "三峡集团"));
    assert!(list.iter().any(|h| h.name == "三峡银行"));
    assert!(list.iter().all(|h| !h.means.is_empty()));
}

#[test]
fn a_central_soe_named_like_ours_is_not_ours() {
    // A registry with a short name 三峡建设: 中国三峡建设管理有限公司 is a
    // central SOE's subsidiary and in the built-in list.
    let mut reg = registry();
    reg.enterprises[1]
        .aliases
        .push(alias("三峡建设", AliasKind::ShortName, false));
    let m = Matcher::new(&reg);
    let a = article("", "万州区干部参观了中国三峡建设管理有限公司承建的工程。");
    let out = m.match_article(&a, &MatchContext::default());
    assert!(out.iter().all(|v| !v.evidence), "{out:?}");
}
