//! The State Council SASAC title block (sites.md §8): the headline as bare
//! text followed by a block with 文章来源 / 发布时间. The title is the headline
//! only, the date still comes from that block when the page has no date
//! metas, and the body never starts with the metadata line. Variants: the
//! metadata in a `<p>`, a `<div>` of `<span>`s with 字号 / 打印 / 关闭, an
//! inline `<span>` with `&nbsp;` separators, and a changed layout where only
//! the generic extractor finds the body.

use super::{date, run, sel, strip};
use reform_radar::extract::Hints;
use reform_radar::model::{ExtractorKind, FieldSelectors};

/// The selectors `sources/sasac-news.toml` and `sasac-local.toml` ship.
fn sasac_fields() -> FieldSelectors {
    FieldSelectors {
        title: sel("div.zsy_cotitle h1, div.zsy_cotitle"),
        body: sel(".zsy_comain"),
        strip: strip(&[
            "style",
            "script",
            "#qr_container",
            "#div_div",
            "[class^=jiathis]",
        ]),
        ..Default::default()
    }
}

const META_WORDS: &[&str] = &[
    "文章来源",
    "来源",
    "发布时间",
    "字号",
    "打印",
    "关闭",
    "浏览次数",
    "2026",
];

fn assert_clean_title(title: &str) {
    for w in META_WORDS {
        assert!(!title.contains(w), "title holds `{w}`: {title:?}");
    }
}

#[test]
fn headline_as_bare_text_with_a_source_and_date_paragraph() {
    let url = "http://www.sasac.gov.cn/n2588025/n2588119/c34567812/content.html";
    let ex = run(
        "sasac_title_block.html",
        url,
        &sasac_fields(),
        &Hints::default(),
    );
    assert_eq!(ex.title, "国资委召开地方国资委负责人座谈会");
    assert_eq!(ex.published, date(2026, 3, 3));
    assert_eq!(ex.extractor, ExtractorKind::Selectors);
    assert!(
        ex.body.starts_with("国资委近日召开地方国资委负责人座谈会"),
        "{}",
        ex.body
    );
    assert!(
        ex.body.ends_with("及时总结推广基层的典型经验。"),
        "{}",
        ex.body
    );
    assert_eq!(ex.body.lines().count(), 3, "{}", ex.body);
    assert!(!ex.body.contains("文章来源"), "{}", ex.body);
    assert!(!ex.empty_fields.contains(&"title"), "{:?}", ex.empty_fields);
}

#[test]
fn metadata_div_of_spans_with_page_tools_and_no_date_metas() {
    // no date meta, no date in the URL, a "today" widget above the title:
    // the date is the 发布时间 in the title block
    let url = "http://www.sasac.gov.cn/n2588025/n2588129/c45678123/content.html";
    let ex = run(
        "sasac_title_div_nometa.html",
        url,
        &sasac_fields(),
        &Hints::default(),
    );
    assert_eq!(ex.title, "湖北国资委推动市县国有企业专业化整合");
    assert_clean_title(&ex.title);
    assert_eq!(
        ex.published,
        date(2026, 3, 3),
        "from 发布时间 in the title block"
    );
    assert!(
        ex.body.starts_with("湖北省国资委日前印发工作方案"),
        "{}",
        ex.body
    );
    assert_eq!(ex.body.lines().count(), 3, "{}", ex.body);
}

#[test]
fn inline_metadata_span_with_nbsp_separators() {
    let url = "http://www.sasac.gov.cn/n2588025/n2588129/c56781234/content.html";
    let ex = run(
        "sasac_title_span.html",
        url,
        &sasac_fields(),
        &Hints::default(),
    );
    assert_eq!(ex.title, "重庆区县国企完成经理层任期制契约化管理全覆盖");
    assert_clean_title(&ex.title);
    assert_eq!(ex.published, date(2026, 3, 4), "from the date in the span");
    assert!(ex.body.starts_with("重庆市国资委消息"), "{}", ex.body);
}

#[test]
fn changed_layout_generic_body_does_not_start_with_the_metadata_line() {
    // the skin changed: neither div.zsy_cotitle nor .zsy_comain exist, the
    // headline, its metadata line, the paragraphs and the page tools share
    // one container; the listing's a[title] is the title hint
    let url = "http://www.sasac.gov.cn/n2588025/n2588129/c67812345/content.html";
    let hints = Hints {
        title: Some("四川国资委深化省属企业三项制度改革".into()),
        ..Default::default()
    };
    let ex = run("sasac_title_generic.html", url, &sasac_fields(), &hints);
    assert_eq!(ex.extractor, ExtractorKind::Generic);
    assert_eq!(ex.title, "四川国资委深化省属企业三项制度改革");
    assert_eq!(ex.published, date(2026, 3, 2));
    assert!(
        ex.body.starts_with("四川省国资委近日召开专题会议"),
        "{}",
        ex.body
    );
    assert!(ex.body.ends_with("并报省国资委备案。"), "{}", ex.body);
    assert!(!ex.body.contains("发布时间"), "{}", ex.body);
    assert!(!ex.body.contains("打印本页"), "{}", ex.body);
    assert_eq!(ex.body.lines().count(), 3, "{}", ex.body);
}

#[test]
fn without_selectors_the_title_loses_a_metadata_tail() {
    // no title selector: the headline comes from the page's own markup or
    // the hint, and a trailing `来源：… date` is cut either way
    let url = "http://www.sasac.gov.cn/n2588025/n2588129/c67812345/content.html";
    let none = FieldSelectors::default();
    let hints = Hints {
        title: Some("四川国资委深化省属企业三项制度改革 来源：四川省国资委 2026-03-02".into()),
        ..Default::default()
    };
    let ex = run("sasac_title_generic.html", url, &none, &hints);
    assert_eq!(ex.title, "四川国资委深化省属企业三项制度改革");
    assert_eq!(ex.published, date(2026, 3, 2));
    assert!(
        ex.body.starts_with("四川省国资委近日召开专题会议"),
        "{}",
        ex.body
    );
}
