//! The real outlets' hard cases, asserted one by one on the bundled sample:
//! an edition spanning several pages, a day without an edition, GBK pages,
//! the generic extractor when selectors fail; and the layout-change alarm.

use crate::support::*;
use reform_radar::model::ExtractorKind;
use reform_radar::pipeline::CrawlRequest;
use reform_radar::store::Store;
use std::collections::BTreeSet;
use std::path::Path;

fn crawl_sample(
    sources: &[&str],
) -> (
    tempfile::TempDir,
    reform_radar::config::Home,
    reform_radar::pipeline::CrawlSummary,
) {
    let (dir, home) = new_home();
    let warc = sample_warc(&dir.path().join("sample"));
    let req = CrawlRequest {
        sources: sources.iter().map(|s| s.to_string()).collect(),
        range: Some(sample_range()),
        replay: vec![warc],
        today: Some(date("2026-04-01")),
        ..Default::default()
    };
    let summary = run_crawl(&home, &req);
    (dir, home, summary)
}

#[test]
fn an_edition_spans_several_pages_and_a_day_without_edition_is_not_an_error() {
    let (_dir, home, summary) = crawl_sample(&["people-daily", "guangming-daily"]);
    assert_eq!(summary.errors, 0, "{summary:?}");
    assert!(
        summary.not_found >= 1,
        "光明日报 has no edition on 2026-03-02: {summary:?}"
    );
    let store = Store::open(&home.db_path()).expect("store");
    let rows = store.articles(&[]).expect("articles");
    let pages: BTreeSet<_> = rows
        .iter()
        .filter(|r| {
            r.article.source.as_str() == "people-daily"
                && r.article.published == Some(date("2026-03-03"))
        })
        .filter_map(|r| r.article.page.clone())
        .collect();
    assert!(
        pages.len() >= 3,
        "人民日报 2026-03-03 spans several pages: {pages:?}"
    );
    assert!(pages.iter().all(|p| p.contains("版：")), "{pages:?}");
    assert!(
        !rows
            .iter()
            .any(|r| r.article.source.as_str() == "guangming-daily"
                && r.article.published == Some(date("2026-03-02")))
    );
}

#[test]
fn gbk_pages_are_stored_as_clean_utf8_and_selector_failures_fall_back_to_generic() {
    let (_dir, home, _) = crawl_sample(&["wzsb", "wz-gov"]);
    let store = Store::open(&home.db_path()).expect("store");
    let rows = store.articles(&[]).expect("articles");
    for url_part in ["content_554697", "t20260303_15718195"] {
        let a = &rows
            .iter()
            .find(|r| r.article.url.contains(url_part))
            .unwrap_or_else(|| panic!("GBK page {url_part} stored"))
            .article;
        assert!(
            !a.body.contains('\u{FFFD}') && !a.title.contains('\u{FFFD}'),
            "{url_part} decoded: {}",
            a.title
        );
        assert!(
            a.body
                .chars()
                .filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c))
                .count()
                > 50
        );
    }
    let generic = &rows
        .iter()
        .find(|r| r.article.url.contains("t20260302_91022149"))
        .expect("special-topic page")
        .article;
    assert_eq!(generic.extractor, ExtractorKind::Generic);
    assert!(generic.body.chars().count() > 100, "{}", generic.body);
    assert!(
        rows.iter()
            .filter(|r| r.article.source.as_str() == "wz-gov")
            .any(|r| r.article.extractor == ExtractorKind::Selectors)
    );
}

const LISTING: &str = "http://www.wz.gov.cn/zwxx_266/test/index.html";

fn list_page(items: &[(&str, &str)]) -> String {
    let lis: String = items
        .iter()
        .map(|(href, title)| format!("<li class=\"clearfix\"><a class=\"lf\" href=\"{href}\">{title}</a><span class=\"rt\">2026-03-03</span></li>"))
        .collect();
    format!("<html><body><ul class=\"right-list\">{lis}</ul></body></html>")
}

fn article_page(title: Option<&str>, n: usize) -> String {
    let head = title
        .map(|t| format!("<div class=\"zwxl-title\"><p class=\"tit\">{t}</p></div>"))
        .unwrap_or_default();
    format!(
        "<html><head><meta name=\"PubDate\" content=\"2026-03-03 10:00\"></head><body>{head}\
         <div class=\"view TRS_UEDITOR trs_paper_default\"><p>　　第{n}篇：万州区国有企业改革持续深化，区属企业完善法人治理结构，推进三项制度改革。</p>\
         <p>　　改革举措落地见效，企业经营效益稳步提升，服务全区发展大局的能力不断增强。</p></div></body></html>"
    )
}

/// Pack one version of the site (listing plus article pages) into a WARC.
fn site_version(
    dir: &Path,
    name: &str,
    listing: String,
    articles: &[(String, String)],
) -> std::path::PathBuf {
    let folder = dir.join(name);
    std::fs::create_dir_all(&folder).expect("dir");
    let mut manifest = format!("[[page]]\nurl = \"{LISTING}\"\nfile = \"index.html\"\n");
    std::fs::write(folder.join("index.html"), listing).expect("write");
    for (i, (url, body)) in articles.iter().enumerate() {
        manifest.push_str(&format!(
            "[[page]]\nurl = \"{url}\"\nfile = \"a{i}.html\"\n"
        ));
        std::fs::write(folder.join(format!("a{i}.html")), body).expect("write");
    }
    std::fs::write(folder.join("manifest.toml"), manifest).expect("manifest");
    reform_radar::archive::pack_sample_dir(&folder, &dir.join(format!("{name}-warc")))
        .expect("pack")
        .0
}

#[test]
fn a_listing_that_stops_yielding_links_or_fields_raises_the_layout_alarm() {
    let (dir, home) = new_home();
    let def = format!(
        "id = \"wz-layout\"\nname = \"t\"\noutlet = \"万州区人民政府\"\nitem = \"lead\"\nkind = \"listing\"\npace_secs = 0.0\n\n\
         [listing]\nstart = [\"{LISTING}\"]\nitems = \"ul.right-list li\"\nlink = \"a.lf\"\ndate = \"span.rt\"\n\n\
         [fields]\ntitle = \"div.zwxl-title p.tit\"\nbody = \"div.trs_paper_default\"\n"
    );
    std::fs::write(home.sources_dir().join("wz-layout.toml"), def).expect("source");
    let art = |n: usize| format!("http://www.wz.gov.cn/zwxx_266/test/202603/t20260303_{n}.html");
    let run = |warc| {
        let req = CrawlRequest {
            sources: vec!["wz-layout".into()],
            replay: vec![warc],
            ..Default::default()
        };
        run_crawl(&home, &req)
    };
    let health = || {
        Store::open(&home.db_path())
            .expect("store")
            .source_health("wz-layout", 10)
            .expect("health")
    };
    // Run 1: the layout as configured.
    let a: Vec<_> = (0..3)
        .map(|n| (art(n), article_page(Some(&format!("万州改革报道{n}")), n)))
        .collect();
    let v1 = site_version(
        dir.path(),
        "v1",
        list_page(&[
            ("./202603/t20260303_0.html", "报道0"),
            ("./202603/t20260303_1.html", "报道1"),
            ("./202603/t20260303_2.html", "报道2"),
        ]),
        &a,
    );
    assert_eq!(run(v1).new_articles, 3);
    assert!(health().alarms.is_empty(), "{:?}", health().alarms);
    // Run 2: the list was redesigned; the configured selectors find no links.
    let v2 = site_version(dir.path(), "v2", "<html><body><div class=\"newlist\"><a href=\"./202603/t20260303_9.html\">新版</a></div></body></html>".into(), &[]);
    assert_eq!(run(v2).new_articles, 0);
    let alarms = health().alarms;
    assert!(
        alarms
            .iter()
            .any(|a| a.to_string().contains("yielded no links")),
        "{alarms:?}"
    );
    // Run 3: links again, but article pages lost the title element.
    let c: Vec<_> = (3..5).map(|n| (art(n), article_page(None, n))).collect();
    let v3 = site_version(
        dir.path(),
        "v3",
        list_page(&[
            ("./202603/t20260303_3.html", "报道3"),
            ("./202603/t20260303_4.html", "报道4"),
        ]),
        &c,
    );
    assert_eq!(run(v3).new_articles, 2);
    let alarms = health().alarms;
    assert!(
        alarms
            .iter()
            .any(|a| a.to_string().contains("`title` came back empty")),
        "{alarms:?}"
    );
}

#[test]
fn links_taken_by_url_pattern_still_raise_the_alarm() {
    let (dir, home) = new_home();
    let def = format!(
        "id = \"wz-pattern\"\nname = \"t\"\noutlet = \"万州区人民政府\"\nitem = \"lead\"\nkind = \"listing\"\npace_secs = 0.0\n\n\
         [listing]\nstart = [\"{LISTING}\"]\nitems = \"ul.right-list li\"\nlink = \"a.lf\"\nlink_pattern = 't\\d{{8}}_\\d+\\.html$'\n\n\
         [fields]\ntitle = \"div.zwxl-title p.tit\"\nbody = \"div.trs_paper_default\"\n"
    );
    std::fs::write(home.sources_dir().join("wz-pattern.toml"), def).expect("source");
    let art = |n: usize| format!("http://www.wz.gov.cn/zwxx_266/test/202603/t20260303_{n}.html");
    let run = |warc| {
        let req = CrawlRequest {
            sources: vec!["wz-pattern".into()],
            replay: vec![warc],
            ..Default::default()
        };
        run_crawl(&home, &req)
    };
    let a: Vec<_> = (0..2)
        .map(|n| (art(n), article_page(Some(&format!("万州改革报道{n}")), n)))
        .collect();
    let v1 = site_version(
        dir.path(),
        "p1",
        list_page(&[
            ("./202603/t20260303_0.html", "报道0"),
            ("./202603/t20260303_1.html", "报道1"),
        ]),
        &a,
    );
    assert_eq!(run(v1).new_articles, 2);
    // The list is redesigned, but article links still look like articles.
    let b: Vec<_> = (2..4)
        .map(|n| (art(n), article_page(Some(&format!("万州改革报道{n}")), n)))
        .collect();
    let redesigned = "<html><body><div class=\"newlist\"><a href=\"./202603/t20260303_2.html\">报道2</a><a href=\"./202603/t20260303_3.html\">报道3</a><a href=\"/about.html\">关于</a></div></body></html>";
    let v2 = site_version(dir.path(), "p2", redesigned.into(), &b);
    assert_eq!(run(v2).new_articles, 2, "the articles are still found");
    let alarms = Store::open(&home.db_path())
        .expect("store")
        .source_health("wz-pattern", 10)
        .expect("health")
        .alarms;
    assert!(
        alarms
            .iter()
            .any(|a| a.to_string().contains("taken by URL pattern")),
        "{alarms:?}"
    );
}

#[test]
fn an_edition_missing_under_the_new_url_scheme_is_tried_under_the_old_one() {
    let (dir, home) = new_home();
    // 光明日报 in the cut-over gap: the new template answers 404, the legacy one has the paper.
    let folder = dir.path().join("gmrb-gap");
    std::fs::create_dir_all(&folder).expect("dir");
    let page = "<html><body><div id=\"pageList\"><ul><li><a id=\"pageLink\" href=\"nbs.D110000gmrb_01.htm\">01版：头版</a></li></ul></div>\
        <div id=\"titleList\"><ul><li><a href=\"nw.D110000gmrb_20251120_1-01.htm\">万州国企改革走深走实</a></li></ul></div></body></html>";
    let article = "<html><body><h1>万州国企改革走深走实</h1><div id=\"ozoom\"><p>　　本报重庆11月20日电 万州区属国有企业深化改革，推进混合所有制改革，完善现代企业制度，企业活力持续增强。</p></div></body></html>";
    std::fs::write(folder.join("page.html"), page).expect("write");
    std::fs::write(folder.join("article.html"), article).expect("write");
    std::fs::write(
        folder.join("manifest.toml"),
        "[[page]]\nurl = \"https://epaper.gmw.cn/gmrb/html/2025-11/20/nbs.D110000gmrb_01.htm\"\nfile = \"page.html\"\n\
         [[page]]\nurl = \"https://epaper.gmw.cn/gmrb/html/2025-11/20/nw.D110000gmrb_20251120_1-01.htm\"\nfile = \"article.html\"\n",
    )
    .expect("manifest");
    let warc = reform_radar::archive::pack_sample_dir(&folder, &dir.path().join("gap-warc"))
        .expect("pack")
        .0;
    let day = date("2025-11-20");
    let req = CrawlRequest {
        sources: vec!["guangming-daily".into()],
        range: Some(reform_radar::discover::DateRange { from: day, to: day }),
        replay: vec![warc],
        today: Some(date("2026-03-01")),
        ..Default::default()
    };
    let summary = run_crawl(&home, &req);
    assert_eq!(summary.new_articles, 1, "{summary:?}");
    let rows = Store::open(&home.db_path())
        .expect("store")
        .articles(&[])
        .expect("articles");
    assert_eq!(rows[0].article.title, "万州国企改革走深走实");
    assert_eq!(rows[0].article.published, Some(day));
    assert_eq!(rows[0].article.page.as_deref(), Some("01版：头版"));
}

#[test]
fn a_challenge_page_is_reported_in_source_health_not_stored() {
    let (_dir, home, summary) = crawl_sample(&["cq-gov-docs"]);
    assert_eq!(summary.challenges, 1, "{summary:?}");
    let store = Store::open(&home.db_path()).expect("store");
    assert!(
        !store
            .articles(&[])
            .expect("articles")
            .iter()
            .any(|r| r.article.url.contains("t20260304_77215352"))
    );
    let alarms = store
        .source_health("cq-gov-docs", 10)
        .expect("health")
        .alarms;
    assert!(
        alarms
            .iter()
            .any(|a| a.to_string().contains("script challenge")),
        "{alarms:?}"
    );
}

#[test]
fn dated_url_templates_follow_the_site_changes() {
    let text = std::fs::read_to_string(repo().join("sources/people-daily.toml")).expect("read");
    let def: reform_radar::model::SourceDef = toml::from_str(&text).expect("parse");
    let seeds_for = |from: &str, to: &str| {
        let scope = reform_radar::discover::Scope {
            range: Some(reform_radar::discover::DateRange {
                from: date(from),
                to: date(to),
            }),
            today: date("2026-11-26"),
            time: chrono::NaiveTime::from_hms_opt(12, 0, 0).expect("time"),
        };
        reform_radar::discover::seeds(&def, &scope)
            .into_iter()
            .map(|t| t.url)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        seeds_for("2024-11-30", "2024-12-01"),
        vec![
            "http://paper.people.com.cn/rmrb/html/2024-11/30/nbs.D110000renmrb_01.htm".to_string(),
            "http://paper.people.com.cn/rmrb/pc/layout/202412/01/node_01.html".to_string(),
        ]
    );
    assert_eq!(
        seeds_for("2026-01-01", "2026-03-31").len(),
        90,
        "one edition a day, every day of the range"
    );
}

#[test]
fn a_broadcast_item_is_dated_by_its_broadcast() {
    let text = std::fs::read_to_string(repo().join("sources/xwlb.toml")).expect("read");
    let def: reform_radar::model::SourceDef = toml::from_str(&text).expect("parse");
    // Published on the site after midnight; broadcast the evening before.
    let url = url::Url::parse("https://tv.cctv.com/2026/03/05/VIDEk3Wz9mAbCdEf260305.shtml")
        .expect("url");
    let html = "<html><head><title>万州港口改革见成效</title></head><body><h3>万州港口改革见成效</h3>\
        <div class=\"info\">2026年03月05日 00:15</div><div id=\"content_area\"><p>央视网消息（新闻联播）：重庆万州港口集团深化改革，\
        引入战略投资者，港口作业效率明显提升，集装箱吞吐量同比增长。</p></div></body></html>";
    let ctx = reform_radar::discover::TaskContext {
        date: Some(date("2026-03-04")),
        ..Default::default()
    };
    let (article, _) = reform_radar::pipeline::build_article(&def, &ctx, &url, html);
    assert_eq!(article.published, Some(date("2026-03-04")));
    assert_eq!(article.title, "万州港口改革见成效");
    assert!(
        article.body.starts_with("重庆万州港口集团"),
        "{}",
        article.body
    );
}

#[test]
fn cq_sasac_sibling_columns_are_crawled_with_their_item_and_dates() {
    let (_dir, home, summary) = crawl_sample(&["cq-sasac"]);
    assert_eq!(summary.errors, 0, "{summary:?}");
    let store = Store::open(&home.db_path()).expect("store");
    let rows = store.articles(&[]).expect("articles");
    let news: Vec<_> = rows
        .iter()
        .map(|r| &r.article)
        .filter(|a| a.url.starts_with("https://gzw.cq.gov.cn/gqdj/"))
        .collect();
    // 国企资讯 has three items over two list pages (index.html, index_1.html)
    let dates: BTreeSet<_> = news.iter().filter_map(|a| a.published).collect();
    assert_eq!(
        news.len(),
        3,
        "{:?}",
        news.iter().map(|a| &a.url).collect::<Vec<_>>()
    );
    assert_eq!(
        dates,
        ["2026-03-02", "2026-03-03", "2026-03-04"]
            .into_iter()
            .map(date)
            .collect::<BTreeSet<_>>()
    );
    assert!(
        news.iter().all(|a| a.item == "C7"),
        "every column evidences C7"
    );
    let promo = news
        .iter()
        .find(|a| a.title == "市国资委推广万州城投集团平台公司市场化转型经验")
        .expect("the commission's promotion of an enterprise's experience");
    assert_eq!(promo.published, Some(date("2026-03-04")));
    assert!(promo.body.contains("万州城投集团"), "{}", promo.body);
    // the older list page, reached by pagination of the sibling column
    assert!(news.iter().any(
        |a| a.title == "重庆三峡水务集团入选全市国企改革深化提升行动典型案例"
            && a.published == Some(date("2026-03-02"))
    ));
    // 通知公告 is still crawled beside it
    assert!(
        rows.iter()
            .any(|r| r.article.url.starts_with("https://gzw.cq.gov.cn/tzgg_191/"))
    );
}

#[test]
fn sasac_titles_hold_no_source_or_date_line() {
    let (_dir, home, _) = crawl_sample(&["sasac-news", "sasac-local"]);
    let store = Store::open(&home.db_path()).expect("store");
    let rows = store.articles(&[]).expect("articles");
    assert_eq!(rows.len(), 8);
    for a in rows.iter().map(|r| &r.article) {
        for w in ["文章来源", "发布时间", "字号", "打印", "关闭"] {
            assert!(!a.title.contains(w), "{}: title {:?}", a.url, a.title);
            assert!(
                !a.body.lines().next().unwrap_or("").contains(w),
                "{}: body starts {:?}",
                a.url,
                a.body
            );
        }
        assert!(a.published.is_some(), "{}", a.url);
    }
}
