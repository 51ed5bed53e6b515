//! E-paper article pages: 人民日报, 光明日报, 经济日报 and the Founder
//! Chunkiconlist skin (三峡都市报), with `enpproperty` and page labels.

use super::{date, run, sel, strip};
use chrono::NaiveDate;
use reform_radar::extract::Hints;
use reform_radar::model::{ExtractorKind, FieldSelectors};

fn people_daily_fields() -> FieldSelectors {
    FieldSelectors {
        pretitle: sel("div.article h3"),
        title: sel("div.article h1"),
        subtitle: sel("div.article h2"),
        date: sel("div.article p.sec span.newstime, div.article p.sec span.date"),
        body: sel("#articleContent, #ozoom"),
        strip: strip(&["script", "style"]),
        ..Default::default()
    }
}

fn epaper_hints(d: Option<NaiveDate>, page: &str) -> Hints {
    Hints {
        title: None,
        date: d,
        page: Some(page.to_string()),
        prefer_url_date: true,
    }
}

#[test]
fn people_daily_article_page() {
    let url = "http://paper.people.com.cn/rmrb/pc/content/202603/04/content_30012345.html";
    let ex = run(
        "rmrb_article.html",
        url,
        &people_daily_fields(),
        &epaper_hints(date(2026, 3, 4), "第05版：要闻"),
    );
    assert_eq!(ex.title, "山城国企 “瘦身健体” 见实效");
    assert_eq!(ex.pretitle.as_deref(), Some("聚焦国企改革深化提升行动"));
    assert_eq!(
        ex.subtitle.as_deref(),
        Some("重庆推动市属企业压减层级、聚焦主业")
    );
    assert_eq!(
        ex.author.as_deref(),
        Some("本报记者 王晓峰"),
        "author from enpproperty"
    );
    assert_eq!(ex.published, date(2026, 3, 4));
    assert_eq!(ex.page.as_deref(), Some("05版：要闻"));
    assert_eq!(ex.extractor, ExtractorKind::Selectors);
    let lines: Vec<&str> = ex.body.lines().collect();
    assert_eq!(lines.len(), 3, "three paragraphs: {:?}", ex.body);
    assert!(
        lines[0].starts_with("三月初的长江边"),
        "indent removed: {}",
        lines[0]
    );
    assert!(
        lines[2].starts_with("据了解"),
        "&nbsp; indent removed: {}",
        lines[2]
    );
    assert!(ex.body.ends_with("纳入年度考核。"));
    assert!(!ex.body.contains("enpproperty") && !ex.body.contains('\u{3000}'));
    assert_eq!(ex.citation, None);
    assert!(ex.empty_fields.is_empty(), "{:?}", ex.empty_fields);
    assert!(ex.warnings.is_empty(), "{:?}", ex.warnings);
}

#[test]
fn epaper_url_date_wins_over_text_dates() {
    // the same page served under another edition's URL: the URL date wins, and
    // the disagreement with enpproperty is reported
    let url = "http://paper.people.com.cn/rmrb/pc/content/202603/05/content_30012345.html";
    let ex = run(
        "rmrb_article.html",
        url,
        &people_daily_fields(),
        &epaper_hints(None, "05版：要闻"),
    );
    assert_eq!(ex.published, date(2026, 3, 5));
    assert!(
        ex.warnings
            .iter()
            .any(|w| w.contains("enpproperty date 2026-03-04")),
        "{:?}",
        ex.warnings
    );
}

#[test]
fn enpproperty_fills_missing_selectors() {
    // 经济日报: only a body selector; title, author, pre-title and date from the comment
    let fields = FieldSelectors {
        body: sel("div#ozoom"),
        ..Default::default()
    };
    let url = "http://paper.ce.cn/pc/content/202603/04/content_339736.html";
    let ex = run("rmrb_article.html", url, &fields, &Hints::default());
    assert_eq!(ex.title, "山城国企 “瘦身健体” 见实效");
    assert_eq!(ex.pretitle.as_deref(), Some("聚焦国企改革深化提升行动"));
    assert_eq!(
        ex.subtitle.as_deref(),
        Some("重庆推动市属企业压减层级、聚焦主业")
    );
    assert_eq!(ex.author.as_deref(), Some("本报记者 王晓峰"));
    assert_eq!(ex.published, date(2026, 3, 4));
    assert_eq!(ex.page, None);
}

fn guangming_fields() -> FieldSelectors {
    FieldSelectors {
        pretitle: sel("h3"),
        title: sel("h1"),
        subtitle: sel("h2"),
        author: sel(".m-article-author"),
        body: sel(".m-article-main, div#ozoom, div.m-content"),
        strip: strip(&["script", "style"]),
        ..Default::default()
    }
}

#[test]
fn guangming_new_template() {
    let url = "https://epaper.gmw.cn/gmrb/html/content/202603/04/content_24110.html";
    let ex = run(
        "gmrb_article.html",
        url,
        &guangming_fields(),
        &epaper_hints(date(2026, 3, 4), "01版:头版"),
    );
    assert_eq!(ex.pretitle.as_deref(), Some("新时代 新气象"));
    assert_eq!(ex.title, "科技创新为制造业注入新动能");
    assert_eq!(ex.subtitle.as_deref(), Some("多地推动“智改数转”落地见效"));
    assert_eq!(
        ex.author.as_deref(),
        Some("本报记者 陈静 周明"),
        "作者： stripped, full-width space collapsed"
    );
    assert_eq!(ex.published, date(2026, 3, 4));
    assert_eq!(ex.page.as_deref(), Some("01版：头版"));
    assert_eq!(ex.body.lines().count(), 2);
    assert!(ex.body.starts_with("走进一家汽车零部件工厂"));
    assert!(ex.body.ends_with("协同发力。"));
    assert_eq!(ex.extractor, ExtractorKind::Selectors);
}

#[test]
fn footer_copyright_year_never_wins() {
    // no date in the URL, none in the article: the footer's © 2008-2026 and the
    // date after the copyright mark must not become the publication date
    let ex = run(
        "gmrb_article.html",
        "https://epaper.gmw.cn/gmrb/a.html",
        &guangming_fields(),
        &Hints::default(),
    );
    assert_eq!(ex.published, None);
    assert!(
        ex.warnings.iter().any(|w| w == "no date found"),
        "{:?}",
        ex.warnings
    );
}

#[test]
fn economic_daily_title_from_page_list_hint() {
    // only a body selector and no enpproperty: the page-list title beats the
    // document <title> (`经济日报` on every page)
    let fields = FieldSelectors {
        body: sel("div#ozoom"),
        ..Default::default()
    };
    let url = "http://paper.ce.cn/pc/content/202603/04/content_339736.html";
    let hints = Hints {
        title: Some("国企加快布局战略性新兴产业".into()),
        ..epaper_hints(date(2026, 3, 4), "01版：要闻")
    };
    let ex = run("jjrb_no_enp.html", url, &fields, &hints);
    assert_eq!(ex.title, "国企加快布局战略性新兴产业");
    assert_eq!(ex.published, date(2026, 3, 4));
    assert_eq!(ex.author, None);
    assert_eq!(ex.body.lines().count(), 2);
    assert!(ex.body.starts_with("今年以来，多地国有企业"));
    assert_eq!(ex.extractor, ExtractorKind::Selectors);
}

#[test]
fn founder_chunkiconlist_page_with_prefixed_metadata() {
    let fields = FieldSelectors {
        pretitle: sel("p#PreTitle"),
        title: sel("h3#Title, div.newsdetatit h3"),
        subtitle: sel("p#SubTitle"),
        body: sel("div.newsdetatext founder-content, div.newsdetatext"),
        strip: strip(&["script", "style"]),
        ..Default::default()
    };
    let url = "http://dpaper.sxcm.net/sxdsb/html/202603/04/content_128497.html";
    let ex = run(
        "sxdsb_content.html",
        url,
        &fields,
        &epaper_hints(date(2026, 3, 4), "A02：万州新闻"),
    );
    assert_eq!(ex.pretitle.as_deref(), Some("改革进行时"));
    assert_eq!(ex.title, "万州城投集团完成市场化转型");
    assert_eq!(ex.subtitle.as_deref(), Some("从融资平台到城市综合运营商"));
    assert_eq!(
        ex.author.as_deref(),
        Some("记者 周婷"),
        "from <founder-author>, the role kept like 本报记者"
    );
    assert_eq!(ex.published, date(2026, 3, 4));
    assert_eq!(ex.page.as_deref(), Some("A02版：万州新闻"));
    assert_eq!(ex.body.lines().count(), 2);
    assert!(ex.body.ends_with("三大板块。"));
    assert!(ex.warnings.is_empty(), "{:?}", ex.warnings);
}
