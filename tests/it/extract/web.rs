//! Web and government pages: SASAC, TRS cq.gov.cn, 新闻联播 items, a 人民网
//! reprint with a print citation, the generic fallback, challenge pages,
//! broken HTML and date heuristics.

use super::{date, fixture, run, sel, strip};
use reform_radar::extract::{Hints, PageInput, detect_challenge, extract_article};
use reform_radar::model::{ExtractorKind, FieldSelectors};

#[test]
fn sasac_detail_page() {
    let fields = FieldSelectors {
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
    };
    let url = "http://www.sasac.gov.cn/n2588025/n2588129/c31234567/content.html";
    let ex = run("sasac_article.html", url, &fields, &Hints::default());
    assert_eq!(ex.title, "重庆国资系统召开2026年国企改革推进会");
    assert_eq!(
        ex.published,
        date(2026, 3, 2),
        "from meta firstpublishedtime"
    );
    assert_eq!(ex.body.lines().count(), 2, "{:?}", ex.body);
    assert!(ex.body.starts_with("3月1日，重庆市国资委召开"));
    assert!(ex.body.ends_with("坚决完成各项改革任务。"));
    for junk in ["扫一扫", "分享到微信", "打印本页", "margin"] {
        assert!(!ex.body.contains(junk), "stripped `{junk}`: {}", ex.body);
    }
    assert_eq!(ex.author, None);
    assert_eq!(ex.extractor, ExtractorKind::Selectors);
}

#[test]
fn trs_government_page() {
    let fields = FieldSelectors {
        title: sel("div.document h1, div.zwxl-title p.tit"),
        body: sel("div.trs_paper_default, div.view, .document"),
        strip: strip(&["script", "style"]),
        ..Default::default()
    };
    let url = "https://www.cq.gov.cn/ywdt/jrcq/202603/t20260303_15012345.html";
    let ex = run("cq_gov_trs.html", url, &fields, &Hints::default());
    assert_eq!(ex.title, "重庆出台措施支持区县国有企业高质量发展");
    assert_eq!(ex.published, date(2026, 3, 3), "from meta PubDate");
    assert_eq!(ex.body.lines().count(), 3);
    assert!(ex.body.starts_with("近日，市政府办公厅印发通知"));
    assert!(ex.body.ends_with("按季度报送进展情况。"));
    assert!(!ex.body.contains("document.write"));
    // the TRS title meta works as a selector too
    let by_meta = FieldSelectors {
        title: sel("meta[name=ArticleTitle]"),
        ..fields
    };
    let ex = run("cq_gov_trs.html", url, &by_meta, &Hints::default());
    assert_eq!(ex.title, "重庆出台措施支持区县国有企业高质量发展");
}

#[test]
fn xwlb_item_page() {
    let fields = FieldSelectors {
        title: sel("h3, div.tit"),
        body: sel("#content_area, div.content_area, div.cnt_bd"),
        strip: strip(&["script", "style"]),
        ..Default::default()
    };
    let url = "https://tv.cctv.com/2026/03/04/VIDEa1b2c3d4e5f60304.shtml";
    let hints = Hints {
        date: date(2026, 3, 4),
        ..Default::default()
    };
    let ex = run("xwlb_item.html", url, &fields, &hints);
    assert_eq!(
        ex.title, "国务院国资委部署深化国有企业改革",
        "[视频] stripped"
    );
    assert_eq!(ex.published, date(2026, 3, 4));
    assert!(
        ex.body.starts_with("国务院国资委今天召开会议"),
        "prefix stripped: {}",
        ex.body
    );
    assert!(ex.body.ends_with("安全水平。"));
    assert_eq!(ex.body.lines().count(), 2);
}

#[test]
fn people_reprint_with_print_citation() {
    let fields = FieldSelectors {
        title: sel("div.col-1 h1, h1"),
        date: sel("div.col-1-1, div.box01 div.fl"),
        body: sel("div.rm_txt_con, #rwb_zw"),
        strip: strip(&["script", "style", "div.edit", "div.zdfy", "div.otitle"]),
        ..Default::default()
    };
    let url = "http://cq.people.com.cn/n2/2026/0304/c365401-41234567.html";
    let ex = run("people_reprint.html", url, &fields, &Hints::default());
    assert_eq!(ex.title, "万州：港口物流企业改革激发新活力");
    assert_eq!(ex.published, date(2026, 3, 4));
    let c = ex.citation.expect("print citation");
    assert_eq!(c.outlet, "人民日报");
    assert_eq!(Some(c.date), date(2026, 3, 4));
    assert_eq!(c.page.as_deref(), Some("05版"));
    assert!(!ex.body.contains("责编"), "div.edit stripped");
    assert!(ex.body.starts_with("清晨，万州新田港码头上"));
}

#[test]
fn selectors_fail_generic_extractor_used() {
    let fields = FieldSelectors {
        title: sel("div.headline h1"),
        body: sel("div.article-body"),
        ..Default::default()
    };
    let url = "http://www.wz.gov.cn/news/2026/a123.html";
    let ex = run("generic_fallback.html", url, &fields, &Hints::default());
    assert_eq!(ex.extractor, ExtractorKind::Generic);
    assert_eq!(ex.title, "万州区召开国有企业改革专题会议");
    assert_eq!(ex.published, date(2026, 3, 5), "发布时间 label");
    assert_eq!(ex.body.lines().count(), 3, "{:?}", ex.body);
    assert!(
        ex.body
            .starts_with("3月4日，万州区召开国有企业改革专题会议")
    );
    assert!(ex.body.ends_with("提供有力支撑。"));
    for junk in ["分享到", "相关新闻", "热点排行", "首页", "Copyright"] {
        assert!(
            !ex.body.contains(junk),
            "boilerplate `{junk}` kept: {}",
            ex.body
        );
    }
    assert_eq!(ex.empty_fields, vec!["title", "body"]);
    assert!(
        ex.warnings
            .iter()
            .any(|w| w.contains("`div.article-body` for body matched nothing")),
        "{:?}",
        ex.warnings
    );
    assert!(
        ex.warnings
            .iter()
            .any(|w| w.contains("`div.headline h1` for title matched nothing"))
    );
}

#[test]
fn challenge_page_detected() {
    let html = fixture("challenge_521.html");
    assert!(detect_challenge(521, &html).is_some_and(|r| r.contains("521")));
    assert!(detect_challenge(200, &html).is_some(), "script-only body");
    assert_eq!(detect_challenge(200, &fixture("cq_gov_trs.html")), None);
}

#[test]
fn broken_html_still_extracts() {
    let ex = run(
        "broken.html",
        "http://example.cn/a.html",
        &FieldSelectors::default(),
        &Hints::default(),
    );
    assert_eq!(ex.extractor, ExtractorKind::Generic);
    assert_eq!(ex.title, "库区移民新村 换新颜");
    assert!(ex.body.contains("柑橘苗已经栽下 & 长势良好"), "{}", ex.body);
    assert!(ex.body.contains("村里计划发展乡村旅游"), "{}", ex.body);
    assert!(!ex.body.contains('\u{3000}'));
    assert_eq!(ex.published, None, "only a © year on the page");
}

#[test]
fn empty_page_reports_warnings() {
    let url = url::Url::parse("http://example.cn/").expect("url");
    let ex = extract_article(
        &PageInput {
            url: &url,
            html: "",
        },
        &FieldSelectors::default(),
        &Hints::default(),
    );
    assert_eq!(ex.title, "");
    assert_eq!(ex.body, "");
    for w in ["no title found", "no body found", "no date found"] {
        assert!(
            ex.warnings.iter().any(|x| x == w),
            "missing `{w}`: {:?}",
            ex.warnings
        );
    }
    let hinted = Hints {
        title: Some("列表标题".into()),
        date: date(2026, 1, 2),
        ..Default::default()
    };
    let ex = extract_article(
        &PageInput {
            url: &url,
            html: "",
        },
        &FieldSelectors::default(),
        &hinted,
    );
    assert_eq!(ex.title, "列表标题");
    assert_eq!(ex.published, date(2026, 1, 2));
}

#[test]
fn date_under_the_headline_beats_a_header_today_widget() {
    // no meta, no label, no date in the URL: the date line under the headline
    // wins over the "今天是" widget at the top of the page
    let fields = FieldSelectors {
        title: sel("div.zwxl-title p.tit"),
        ..Default::default()
    };
    let ex = run(
        "header_today_widget.html",
        "http://www.wz.gov.cn/zwxx_266/jdtp/a.html",
        &fields,
        &Hints::default(),
    );
    assert_eq!(ex.title, "三峡库区绿色航运示范区建设启动");
    assert_eq!(ex.published, date(2026, 3, 1));
    assert_eq!(ex.extractor, ExtractorKind::Generic);
    assert!(
        ex.body
            .starts_with("3月1日，三峡库区绿色航运示范区建设在万州启动"),
        "{}",
        ex.body
    );
    assert!(!ex.body.contains("今天是"));
}
