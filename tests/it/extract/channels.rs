//! Real channel skeletons of 人民网 and 新华网 (the sites behind the
//! people-cq and xinhua-cq sources), run with the shipped source
//! definitions: the author as printed (not the metadata code), the body
//! from its first sentence to its last (no hidden 原标题, no share, follow
//! or editor lines), the pre-title and subtitle, and 新华网's 2019 template.
//! The generic extractor alone must leave the same furniture out.

use super::run;
use reform_radar::extract::Hints;
use reform_radar::model::{ExtractorKind, FieldSelectors};

fn shipped_fields(source: &str) -> FieldSelectors {
    let path = format!("{}/sources/{source}.toml", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("source file");
    let table: toml::Table = toml::from_str(&text).expect("source parses");
    table["fields"].clone().try_into().expect("fields parse")
}

const FURNITURE: &[&str] = &[
    "原标题",
    "分享让更多人看到",
    "关注公众号",
    "责编",
    "责任编辑",
    "图集",
    "+1",
    "纠错",
    "热门排行",
    "Copyright",
];

fn no_furniture(body: &str) {
    for f in FURNITURE {
        assert!(!body.contains(f), "`{f}` kept in the body:\n{body}");
    }
}

#[test]
fn people_channel_page_as_a_reader_sees_it() {
    let url = "http://cq.people.com.cn/n2/2026/0304/c365401-41234567.html";
    let ex = run(
        "people_cq_channel.html",
        url,
        &shipped_fields("people-cq"),
        &Hints::default(),
    );
    assert_eq!(ex.extractor, ExtractorKind::Selectors);
    assert_eq!(ex.title, "激发区属国企内生动力");
    assert_eq!(ex.pretitle.as_deref(), Some("重庆万州深化区属国企改革"));
    assert_eq!(ex.subtitle.as_deref(), Some("——三项制度改革一线见闻"));
    assert_eq!(ex.author.as_deref(), Some("本报记者 王明 李华"));
    assert!(
        ex.body.starts_with("走进重庆市万州区城市建设投资"),
        "{}",
        ex.body
    );
    assert!(
        ex.body.contains("推动现代企业制度落地见效。"),
        "{}",
        ex.body
    );
    no_furniture(&ex.body);
    let c = ex.citation.expect("print citation");
    assert_eq!(c.outlet, "人民日报");
}

#[test]
fn people_channel_page_generic_path() {
    let url = "http://cq.people.com.cn/n2/2026/0304/c365401-41234567.html";
    let ex = run(
        "people_cq_channel.html",
        url,
        &FieldSelectors::default(),
        &Hints::default(),
    );
    assert_eq!(ex.extractor, ExtractorKind::Generic);
    assert_eq!(
        ex.author.as_deref(),
        Some("本报记者 王明 李华"),
        "printed byline, not L_104485"
    );
    assert!(
        ex.body.starts_with("走进重庆市万州区城市建设投资"),
        "{}",
        ex.body
    );
    no_furniture(&ex.body);
}

#[test]
fn xinhua_2019_template() {
    let url = "http://www.xinhuanet.com/local/2019-05/20/c_1124516734.htm";
    let ex = run(
        "xinhua_2019.html",
        url,
        &shipped_fields("xinhua-cq"),
        &Hints::default(),
    );
    assert_eq!(ex.extractor, ExtractorKind::Selectors, "{:?}", ex.warnings);
    assert_eq!(ex.title, "万州港口集团混改一周年：老码头跑出新速度");
    assert_eq!(
        ex.author.as_deref(),
        Some("新华社记者 李华、赵强"),
        "not the code 105464"
    );
    assert!(ex.body.starts_with("新华社重庆5月19日电"), "{}", ex.body);
    assert!(ex.body.ends_with("一位码头老职工说。"), "{}", ex.body);
    no_furniture(&ex.body);
    assert_eq!(ex.published, super::date(2019, 5, 20));
}

#[test]
fn xinhua_2019_template_generic_path() {
    let url = "http://www.xinhuanet.com/local/2019-05/20/c_1124516734.htm";
    let ex = run(
        "xinhua_2019.html",
        url,
        &FieldSelectors::default(),
        &Hints::default(),
    );
    assert_eq!(ex.extractor, ExtractorKind::Generic);
    assert!(ex.body.starts_with("新华社重庆5月19日电"), "{}", ex.body);
    assert!(ex.body.ends_with("一位码头老职工说。"), "{}", ex.body);
    no_furniture(&ex.body);
}
