//! Unit tests of the renderers over hand-built scorecards, quarterly reports
//! and case drafts: each output is read back (CSV with `csv`, XLSX with
//! calamine, DOCX unzipped) and checked against the inputs.

use super::*;
use crate::model::ItemKind;
use crate::scoring::Quarter;
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
        item_short: crate::model::short_of(name),
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
        c_missing: 0,
        bonus: 2.0,
        total: 4.5,
        pending: 2,
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
                c_missing: 1,
                bonus: 0.0,
                total: -1.0,
                pending: 0,
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
        period_note: None,
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

mod documents;
mod xlsx;

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
