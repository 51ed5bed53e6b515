//! Unit tests of the renderers over hand-built scorecards, quarterly reports
//! and case drafts: each output is read back (CSV with `csv`, XLSX with
//! calamine, DOCX unzipped) and checked against the inputs.

use super::*;
use crate::model::ItemKind;
use crate::scoring::Quarter;
use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use chrono::{Datelike, NaiveDate};
use std::io::{Cursor, Read};
use unicode_width::UnicodeWidthStr;

const CHECKPOINT: &str = "wanzhou-sasac.example/reform-ledger\n4\nq2nB2e3Zr0sS0Yb5+2zJv1bq3c4lJm0mX8Z3Yw1Q0Aw=\n\n— wanzhou-sasac.example/reform-ledger AbCdEf0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/==\n";

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("date")
}

fn archive(sha: &str) -> Evidence {
    Evidence::Archive {
        article_id: "art-0001".into(),
        warc_file: "crawl-20250305.warc.gz".into(),
        warc_offset: 1024,
        warc_length: 56789,
        payload_sha256: sha.into(),
        truncated: false,
    }
}

fn file(sha: &str) -> Evidence {
    Evidence::File {
        sha256: sha.into(),
        file_name: "市委改革办工作简报第12期.pdf".into(),
        media_type: "application/pdf".into(),
        size: 345_678,
    }
}

#[allow(clippy::too_many_arguments)]
fn item(
    entry: u64,
    code: &str,
    name: &str,
    kind: Option<ItemKind>,
    points: Option<f64>,
    date: NaiveDate,
    source: &str,
    title: &str,
    evidence: Evidence,
) -> ReportItem {
    ReportItem {
        entry,
        code: code.into(),
        item_name: name.into(),
        category: code
            .get(..1)
            .filter(|c| ["A", "B", "C"].contains(c))
            .map(str::to_string),
        kind,
        points,
        date,
        source: source.into(),
        title: title.into(),
        page: (code == "B1").then(|| "第05版：要闻".to_string()),
        url: (code == "B1").then(|| {
            "http://paper.people.com.cn/rmrb/html/2025-03/05/nw.D110000renmrb_20250305_1-05.htm"
                .to_string()
        }),
        named_enterprise: None,
        evidence,
        reviewer: "李审核".into(),
        confirmed_at: format!("{}T08:30:00Z", date + chrono::Days::new(3)),
        note: (code == "TC").then(|| "区国资委采用".to_string()),
    }
}

fn items() -> Vec<ReportItem> {
    vec![
        item(
            0,
            "A1",
            "获党和国家领导人肯定性批示",
            Some(ItemKind::Instruction),
            Some(1.0),
            d(2025, 2, 14),
            "国务院国资委",
            "关于万州城投“三项制度”改革经验的批示",
            file(&"a1".repeat(32)),
        ),
        item(
            1,
            "B1",
            "《人民日报》单篇报道",
            Some(ItemKind::Media),
            Some(1.0),
            d(2025, 3, 5),
            "人民日报",
            "重庆万州：国企改革激发发展新动能",
            archive(&"b1".repeat(32)),
        ),
        item(
            2,
            "C8",
            "获市委改革办工作简报刊载推广",
            Some(ItemKind::Document),
            None,
            d(2025, 5, 20),
            "市委改革办",
            "万州区深化国有企业混合所有制改革的做法",
            file(&"c8".repeat(32)),
        ),
        item(
            3,
            "C2",
            "在有市委或市政府主要领导出席的全市性会议上作经验交流",
            Some(ItemKind::Meeting),
            None,
            d(2025, 6, 10),
            "重庆市委",
            "全市国资国企改革推进会交流发言",
            archive(&"c2".repeat(32)),
        ),
        item(
            4,
            "TC",
            "改革典型案例",
            None,
            Some(2.0),
            d(2025, 6, 28),
            "万州区国资委",
            "“一企一策”推动国企瘦身健体",
            file(&"7c".repeat(32)),
        ),
    ]
}

fn enterprise() -> EnterpriseScore {
    EnterpriseScore {
        id: "WZ001".into(),
        name: "重庆市万州区城市建设投资（集团）有限公司".into(),
        a: 1,
        b: 1,
        c: 2,
        c_target: 1,
        c_delta: 0.5,
        bonus: 2.0,
        total: 4.5,
        items: items(),
    }
}

fn sheet(quarter: Option<Quarter>, checkpoint: Option<&str>) -> ScoreSheet {
    ScoreSheet {
        year: 2025,
        quarter,
        commission: "重庆市万州区国有资产监督管理委员会".into(),
        checkpoint: checkpoint.map(str::to_string),
        enterprises: vec![
            enterprise(),
            EnterpriseScore {
                id: "WZ002".into(),
                name: "万州港务集团".into(),
                a: 0,
                b: 0,
                c: 0,
                c_target: 1,
                c_delta: -1.0,
                bonus: 0.0,
                total: -1.0,
                items: vec![],
            },
        ],
    }
}

fn quarterly() -> QuarterlyReport {
    let enterprise = enterprise();
    let quarter = Quarter::Q2;
    let quarter_items = enterprise
        .items
        .iter()
        .filter(|i| Quarter::of(i.date) == quarter)
        .cloned()
        .collect();
    QuarterlyReport {
        commission: "重庆市万州区国有资产监督管理委员会".into(),
        year: 2025,
        quarter,
        enterprise,
        quarter_items,
        checkpoint: CHECKPOINT.into(),
        made_on: d(2025, 7, 3),
    }
}

fn case() -> CaseDraft {
    let e = enterprise();
    CaseDraft {
        enterprise_id: e.id,
        enterprise_name: e.name,
        year: 2025,
        items: e.items,
        checkpoint: CHECKPOINT.into(),
        made_on: d(2025, 7, 3),
    }
}

fn cn(date: NaiveDate) -> String {
    format!("{}年{}月{}日", date.year(), date.month(), date.day())
}

fn fmt_num(v: f64) -> String {
    format!("{v}")
}

fn sha(e: &Evidence) -> &str {
    match e {
        Evidence::Archive { payload_sha256, .. } => payload_sha256,
        Evidence::File { sha256, .. } => sha256,
    }
}

// ---- table ----

#[test]
fn table_has_title_totals_and_items() {
    let s = sheet(Some(Quarter::Q2), Some(CHECKPOINT));
    let t = score_table(&s);
    let first = t.lines().next().expect("title");
    assert!(first.contains(&s.commission), "{first}");
    assert!(first.contains("2025年第2季度（截至季度末）"), "{first}");
    for h in std::iter::once("企业").chain(super::table::SCORE_HEADERS) {
        assert!(t.contains(h), "header {h}");
    }
    for e in &s.enterprises {
        let row = t
            .lines()
            .find(|l| l.starts_with(&format!("{} {}", e.id, e.name)))
            .expect("summary row");
        assert!(
            row.trim_end().ends_with(&fmt_num(e.total)),
            "total of {}: {row}",
            e.id
        );
        for i in &e.items {
            let line = t.lines().find(|l| l.contains(&i.title)).expect("item line");
            assert!(line.contains(&i.date.to_string()), "{line}");
            assert!(line.contains(&i.code), "{line}");
            assert!(line.contains(&i.source), "{line}");
            assert!(line.contains(&i.evidence.short()), "{line}");
        }
    }
    assert!(t.contains("+0.5"), "signed C delta");
    assert!(
        score_table(&sheet(None, None))
            .starts_with(&format!("{} 改革报表得分 2025年度", s.commission))
    );
}

#[test]
fn table_columns_align_by_display_width() {
    let s = sheet(None, None);
    let t = score_table(&s);
    // The summary block: the header, the rule, one row per enterprise, all
    // right-aligned to the same display width.
    let lines: Vec<&str> = t.lines().skip(2).take(2 + s.enterprises.len()).collect();
    let widths: Vec<usize> = lines.iter().map(|l| l.width()).collect();
    assert!(widths.iter().all(|w| *w == widths[0]), "{widths:?}\n{t}");
    // In an item block the evidence column starts at one display column.
    let e = &s.enterprises[0];
    let starts: Vec<usize> = e
        .items
        .iter()
        .map(|i| {
            let line = t.lines().find(|l| l.contains(&i.title)).expect("line");
            let at = line.find(&i.evidence.short()).expect("evidence");
            line[..at].width()
        })
        .collect();
    assert!(starts.iter().all(|w| *w == starts[0]), "{starts:?}\n{t}");
}

// ---- csv ----

#[test]
fn csv_has_bom_and_parses_back() {
    let s = sheet(Some(Quarter::Q2), None);
    let text = score_csv(&s);
    assert!(text.starts_with('\u{feff}'));
    let mut r = ::csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let headers: Vec<String> = r
        .headers()
        .expect("headers")
        .iter()
        .map(str::to_string)
        .collect();
    assert_eq!(headers, super::csv::HEADERS);
    let col = |name: &str| headers.iter().position(|h| h == name).expect(name);
    let records: Vec<::csv::StringRecord> = r.records().map(|r| r.expect("record")).collect();
    let expected: usize = s.enterprises.iter().map(|e| e.items.len().max(1)).sum();
    assert_eq!(records.len(), expected);
    for e in &s.enterprises {
        let rows: Vec<_> = records
            .iter()
            .filter(|r| r[col("企业编号")] == e.id)
            .collect();
        assert_eq!(rows.len(), e.items.len().max(1));
        for row in &rows {
            assert_eq!(&row[col("企业名称")], e.name);
            assert_eq!(&row[col("期间")], "2025年第2季度（截至季度末）");
            let total: f64 = row[col("合计")].parse().expect("number");
            assert_eq!(total, e.total);
            let delta: f64 = row[col("C类增减分")].parse().expect("number");
            assert_eq!(delta, e.c_delta);
            assert_eq!(row[col("A类")].parse::<u32>().expect("count"), e.a);
        }
        if e.items.is_empty() {
            assert_eq!(&rows[0][col("项目")], "");
        }
        for i in &e.items {
            let row = rows
                .iter()
                .find(|r| r[col("台账序号")] == i.entry.to_string())
                .expect("item row");
            assert_eq!(&row[col("项目")], i.code);
            assert_eq!(&row[col("标题")], i.title);
            assert_eq!(&row[col("日期")], i.date.to_string());
            assert_eq!(&row[col("证据摘要")], sha(&i.evidence));
            assert_eq!(&row[col("版面")], i.page.as_deref().unwrap_or(""));
        }
    }
}

// ---- xlsx ----

fn workbook(bytes: Vec<u8>) -> Xlsx<Cursor<Vec<u8>>> {
    open_workbook_from_rs(Cursor::new(bytes)).expect("open xlsx")
}

#[test]
fn xlsx_has_summary_detail_and_checkpoint() {
    let s = sheet(Some(Quarter::Q2), Some(CHECKPOINT));
    let mut wb = workbook(score_xlsx(&s).expect("xlsx"));
    assert_eq!(wb.sheet_names(), vec!["汇总", "明细", "台账检查点"]);

    let sum = wb.worksheet_range("汇总").expect("汇总");
    let header: Vec<String> = (0..9)
        .map(|c| sum.get_value((0, c)).expect("cell").to_string())
        .collect();
    assert_eq!(
        header,
        [
            "企业编号",
            "企业名称",
            "A类",
            "B类",
            "C类",
            "C类目标",
            "C类增减分",
            "典型案例加分",
            "合计"
        ]
    );
    for (r, e) in s.enterprises.iter().enumerate() {
        let r = r as u32 + 1;
        assert_eq!(sum.get_value((r, 0)), Some(&Data::String(e.id.clone())));
        assert_eq!(sum.get_value((r, 1)), Some(&Data::String(e.name.clone())));
        assert_eq!(sum.get_value((r, 2)), Some(&Data::Float(f64::from(e.a))));
        assert_eq!(
            sum.get_value((r, 5)),
            Some(&Data::Float(f64::from(e.c_target)))
        );
        assert_eq!(sum.get_value((r, 6)), Some(&Data::Float(e.c_delta)));
        assert_eq!(sum.get_value((r, 7)), Some(&Data::Float(e.bonus)));
        assert_eq!(sum.get_value((r, 8)), Some(&Data::Float(e.total)));
    }

    let det = wb.worksheet_range("明细").expect("明细");
    let all: Vec<(&EnterpriseScore, &ReportItem)> = s
        .enterprises
        .iter()
        .flat_map(|e| e.items.iter().map(move |i| (e, i)))
        .collect();
    assert_eq!(det.height(), all.len() + 1);
    assert_eq!(det.get_value((0, 6)), Some(&Data::String("日期".into())));
    let epoch = d(1899, 12, 30);
    for (r, (e, i)) in all.iter().enumerate() {
        let r = r as u32 + 1;
        assert_eq!(det.get_value((r, 0)), Some(&Data::String(e.id.clone())));
        assert_eq!(det.get_value((r, 2)), Some(&Data::Float(i.entry as f64)));
        assert_eq!(det.get_value((r, 3)), Some(&Data::String(i.code.clone())));
        match det.get_value((r, 6)) {
            Some(Data::DateTime(dt)) => {
                assert_eq!(dt.as_f64(), (i.date - epoch).num_days() as f64)
            }
            other => panic!("date cell of {}: {other:?}", i.code),
        }
        assert_eq!(det.get_value((r, 8)), Some(&Data::String(i.title.clone())));
        assert_eq!(
            det.get_value((r, 12)),
            Some(&Data::String(sha(&i.evidence).to_string()))
        );
        let page = det.get_value((r, 9)).cloned().unwrap_or(Data::Empty);
        match &i.page {
            Some(p) => assert_eq!(page, Data::String(p.clone())),
            None => assert_eq!(page, Data::Empty),
        }
    }

    let cp = wb.worksheet_range("台账检查点").expect("checkpoint");
    let text: Vec<String> = cp
        .rows()
        .skip(1)
        .map(|r| r.first().map(|c| c.to_string()).unwrap_or_default())
        .collect();
    assert_eq!(text, CHECKPOINT.lines().collect::<Vec<_>>());
}

#[test]
fn xlsx_without_checkpoint_has_two_sheets() {
    let wb = workbook(score_xlsx(&sheet(None, None)).expect("xlsx"));
    assert_eq!(wb.sheet_names(), vec!["汇总", "明细"]);
}

// ---- markdown ----

/// The text under each `### ` heading of a Markdown document.
fn sections(md: &str, marker: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in md.lines() {
        if let Some(h) = line.strip_prefix(marker) {
            out.push((h.to_string(), String::new()));
        } else if line.starts_with("## ") || line.starts_with("---") {
            out.push((String::new(), String::new()));
        } else if let Some((_, body)) = out.last_mut() {
            body.push_str(line);
            body.push('\n');
        }
    }
    out
}

#[test]
fn quarterly_markdown_has_scorecard_items_and_checkpoint() {
    let r = quarterly();
    let md = quarterly_markdown(&r);
    let title = md.lines().next().expect("title");
    assert!(title.starts_with("# "));
    assert!(title.contains(&r.enterprise.name));
    assert!(title.contains(&format!("{}年第{}季度", r.year, r.quarter.number())));
    assert!(md.contains(&r.commission));

    let secs = sections(&md, "## ");
    let body = |prefix: &str| {
        secs.iter()
            .find(|(h, _)| h.starts_with(prefix))
            .map(|(_, b)| b.clone())
            .expect(prefix)
    };
    let score = body("一、");
    let e = &r.enterprise;
    let row = score
        .lines()
        .filter(|l| l.starts_with('|'))
        .nth(2)
        .expect("score row");
    let cells: Vec<&str> = row.trim_matches('|').split('|').map(str::trim).collect();
    assert_eq!(cells.first(), Some(&e.a.to_string().as_str()));
    assert_eq!(cells.last(), Some(&fmt_num(e.total).as_str()));

    let items = body("二、");
    assert!(items.contains("来源/发布单位"));
    assert!(!r.quarter_items.is_empty());
    for i in &r.quarter_items {
        let line = items
            .lines()
            .find(|l| l.contains(&i.title))
            .expect("item row");
        assert!(line.contains(&i.source));
        assert!(line.contains(&cn(i.date)));
        assert!(line.contains(&i.evidence.short()));
    }
    for i in e.items.iter().filter(|i| !r.quarter_items.contains(i)) {
        assert!(
            !items.contains(&i.title),
            "{} is not of the quarter",
            i.title
        );
    }

    let cp = body("三、");
    assert!(cp.contains("台账"));
    assert!(cp.contains(&format!("```text\n{CHECKPOINT}```")), "{cp}");
}

#[test]
fn case_markdown_follows_the_template_with_items_by_kind() {
    let c = case();
    let md = case_markdown(&c);
    assert!(md.starts_with("# 【××××】（改革案例名称）\n"));
    let headings: Vec<&str> = md.lines().filter_map(|l| l.strip_prefix("## ")).collect();
    assert_eq!(
        headings,
        ["一、改革前的问题", "二、改革举措", "三、改革成效（成果）"]
    );
    assert!(md.contains("【一是XX"));
    assert!(md.contains(&c.enterprise_name));
    assert!(md.contains(&format!("```text\n{CHECKPOINT}```")));

    let groups: Vec<(String, String)> = sections(&md, "### ")
        .into_iter()
        .filter(|(h, _)| !h.is_empty())
        .collect();
    let labels: Vec<String> = groups
        .iter()
        .map(|(h, _)| h.chars().skip(3).collect())
        .collect();
    let mut expected: Vec<String> = ["领导批示", "会议推广", "媒体报道", "文件刊载"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    if c.items.iter().any(|i| i.kind.is_none()) {
        expected.push("其他".into());
    }
    assert_eq!(labels, expected);
    for i in &c.items {
        let label = i.kind.map(ItemKind::label).unwrap_or("其他");
        for (h, body) in &groups {
            let here = h.ends_with(label);
            let line = body.lines().find(|l| l.contains(&i.title));
            assert_eq!(line.is_some(), here, "{} under {h}", i.title);
            if let Some(line) = line {
                assert!(
                    line.contains(&cn(i.date)) && line.contains(&i.source),
                    "{line}"
                );
            }
        }
    }
}

// ---- docx ----

fn document_xml(bytes: Vec<u8>) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("zip");
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .expect("document.xml")
        .read_to_string(&mut xml)
        .expect("utf-8");
    xml
}

/// (runs, runs naming an East Asian font).
fn runs(xml: &str) -> (usize, usize) {
    let mut total = 0;
    let mut east = 0;
    let mut rest = xml;
    while let Some(at) = [rest.find("<w:r>"), rest.find("<w:r ")]
        .into_iter()
        .flatten()
        .min()
    {
        let run = &rest[at..];
        let end = run.find("</w:r>").unwrap_or(run.len());
        total += 1;
        if run[..end].contains("w:eastAsia=\"") {
            east += 1;
        }
        rest = &run[end..];
    }
    (total, east)
}

#[test]
fn quarterly_docx_has_titles_tables_and_east_asian_fonts() {
    let r = quarterly();
    let xml = document_xml(quarterly_docx(&r).expect("docx"));
    assert!(xml.contains(&r.enterprise.name));
    assert!(xml.contains(&format!("{}年第{}季度", r.year, r.quarter.number())));
    for i in &r.quarter_items {
        assert!(xml.contains(&i.title), "{}", i.title);
        assert!(xml.contains(sha(&i.evidence)));
    }
    assert!(xml.contains("<w:tbl>"));
    assert!(
        xml.contains("w:w=\"11906\"") && xml.contains("w:h=\"16838\""),
        "A4"
    );
    assert!(xml.contains(CHECKPOINT.lines().nth(2).expect("root line")));
    let (total, east) = runs(&xml);
    assert!(total > r.quarter_items.len() * 6);
    assert_eq!(total, east, "every run names its East Asian font");
    assert_schema_order(&xml);
}

#[test]
fn case_docx_has_template_headings_items_and_east_asian_fonts() {
    let c = case();
    let xml = document_xml(case_docx(&c).expect("docx"));
    for h in [
        "一、改革前的问题",
        "二、改革举措",
        "三、改革成效（成果）",
        "（改革案例名称）",
        "领导批示",
        "会议推广",
        "媒体报道",
        "文件刊载",
    ] {
        assert!(xml.contains(h), "{h}");
    }
    for i in &c.items {
        assert!(xml.contains(&i.title), "{}", i.title);
    }
    let (total, east) = runs(&xml);
    assert!(total > c.items.len());
    assert_eq!(total, east, "every run names its East Asian font");
    assert_schema_order(&xml);
}

/// Word drops a run property written after one later in the schema's
/// sequence: `w:rFonts` must open every run's properties, and a
/// paragraph's `w:jc` and `w:ind` come before its mark's `w:rPr`.
fn assert_schema_order(xml: &str) {
    let mut rpr = 0;
    for (at, _) in xml.match_indices("<w:rPr>") {
        rpr += 1;
        assert!(
            xml[at + "<w:rPr>".len()..].starts_with("<w:rFonts "),
            "{}",
            &xml[at..(at + 200).min(xml.len())]
        );
    }
    assert!(rpr > 0);
    for (at, _) in xml.match_indices("<w:pPr>") {
        let block = &xml[at..at + xml[at..].find("</w:pPr>").expect("pPr closes")];
        if let Some(mark) = block.find("<w:rPr") {
            for earlier in ["<w:jc ", "<w:ind "] {
                if let Some(i) = block.find(earlier) {
                    assert!(i < mark, "{block}");
                }
            }
        }
    }
}

#[test]
fn reorder_sorts_run_and_paragraph_properties_and_keeps_the_rest() {
    let sz = r#"<w:sz w:val="24" />"#;
    let b = "<w:b />";
    let fonts = r#"<w:rFonts w:ascii="Times New Roman" w:eastAsia="仿宋" />"#;
    let jc = r#"<w:jc w:val="center" />"#;
    let ind = r#"<w:ind w:firstLineChars="200" />"#;
    let mark = format!("<w:rPr>{sz}{fonts}</w:rPr>");
    let text = r#"<w:t xml:space="preserve">正文</w:t>"#;
    let input = format!(
        "<w:p><w:pPr>{mark}{jc}{ind}</w:pPr><w:r><w:rPr>{sz}{b}{fonts}</w:rPr>{text}</w:r></w:p>"
    );
    let out = super::docx::reorder(&input);
    let expected = format!(
        "<w:p><w:pPr>{ind}{jc}<w:rPr>{fonts}{sz}</w:rPr></w:pPr><w:r><w:rPr>{fonts}{b}{sz}</w:rPr>{text}</w:r></w:p>"
    );
    assert_eq!(out, expected);
    // Nothing to sort, or not properties: unchanged.
    let plain = "<w:p><w:pPr><w:rPr /></w:pPr><w:r><w:t>x</w:t></w:r></w:p>";
    assert_eq!(super::docx::reorder(plain), plain);
    assert_eq!(super::docx::reorder("<w:rPr><w:b />"), "<w:rPr><w:b />");
}
