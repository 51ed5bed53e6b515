//! The scorecard as CSV (`radar score --format csv`): UTF-8 with a byte-order
//! mark, so Excel on Chinese Windows opens it as UTF-8 and not as GBK. One
//! row per counted item, with the period and the enterprise's scorecard
//! columns repeated on each of its rows (a filter or a pivot table then works
//! without lookups); an enterprise without items still gets one row, its item
//! columns empty, so no scorecard is lost. Numbers are plain numbers, dates
//! ISO 8601 (`2025-03-05`).

use super::table::{digest, period};
use super::{EnterpriseScore, ReportItem, ScoreSheet};

/// The byte-order mark Excel needs to read UTF-8.
const BOM: &str = "\u{feff}";

/// The column headers, in order.
pub const HEADERS: [&str; 25] = [
    "期间",
    "企业编号",
    "企业名称",
    "A类",
    "B类",
    "C类",
    "C类目标",
    "C类增减分",
    "典型案例加分",
    "合计",
    "台账序号",
    "项目",
    "项目名称",
    "类别",
    "分值",
    "日期",
    "来源",
    "标题",
    "版面",
    "链接",
    "证据",
    "证据摘要",
    "审核人",
    "确认时间",
    "备注",
];

/// The scorecard of `sheet` as CSV text, starting with a BOM.
pub fn score_csv(sheet: &ScoreSheet) -> String {
    let mut w = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let period = period(sheet.year, sheet.quarter);
    let mut rows: Vec<Vec<String>> = Vec::new();
    rows.push(HEADERS.iter().map(|h| h.to_string()).collect());
    for e in &sheet.enterprises {
        if e.items.is_empty() {
            rows.push(row(&period, e, None));
        }
        for item in &e.items {
            rows.push(row(&period, e, Some(item)));
        }
    }
    for r in &rows {
        let r: Vec<String> = r.iter().map(|c| neutralise(c).into_owned()).collect();
        // Writing to a Vec cannot fail; a failed record would only be lost.
        if w.write_record(&r).is_err() {
            break;
        }
    }
    let bytes = w.into_inner().unwrap_or_default();
    // Every field is a String, so the bytes are UTF-8.
    let body = String::from_utf8(bytes).unwrap_or_default();
    format!("{BOM}{body}")
}

/// A cell a spreadsheet would take as a formula (OWASP: one that starts
/// with `=`, `+`, `-`, `@`, a tab or a carriage return) gets a leading `'`,
/// so that a crawled title `=HYPERLINK(…)` or a note `=1+1` is shown as
/// text. Plain numbers (`-5`, `+1.5`) are no formulas and stay numbers.
pub fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    let risky = cell
        .chars()
        .next()
        .is_some_and(|c| matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r'));
    let number = cell.trim() == cell && cell.parse::<f64>().is_ok_and(f64::is_finite);
    if risky && !number {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

fn row(period: &str, e: &EnterpriseScore, item: Option<&ReportItem>) -> Vec<String> {
    let mut r = vec![
        period.to_string(),
        e.id.clone(),
        e.name.clone(),
        e.a.to_string(),
        e.b.to_string(),
        e.c.to_string(),
        e.c_target.to_string(),
        num(e.c_delta),
        num(e.bonus),
        num(e.total),
    ];
    match item {
        None => r.extend(std::iter::repeat_n(String::new(), HEADERS.len() - r.len())),
        Some(i) => r.extend([
            i.entry.to_string(),
            i.code.clone(),
            i.item_name.clone(),
            i.category.clone().unwrap_or_default(),
            i.points.map(num).unwrap_or_default(),
            i.date.to_string(),
            i.source.clone(),
            i.title.clone(),
            i.page.clone().unwrap_or_default(),
            i.url.clone().unwrap_or_default(),
            i.evidence.short(),
            digest(&i.evidence).to_string(),
            i.reviewer.clone(),
            i.confirmed_at.clone(),
            i.note.clone().unwrap_or_default(),
        ]),
    }
    r
}

/// A number as Excel reads it: no sign for positives, no float noise.
fn num(v: f64) -> String {
    super::table::points(v)
}

#[cfg(test)]
mod neutralise_tests {
    use super::neutralise;

    #[test]
    fn formulas_become_text_and_numbers_stay() {
        for (given, shown) in [
            (
                "=HYPERLINK(\"http://evil\",\"x\")",
                "'=HYPERLINK(\"http://evil\",\"x\")",
            ),
            ("=1+1", "'=1+1"),
            ("+cmd", "'+cmd"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
            ("-5", "-5"),
            ("+1.5", "+1.5"),
            ("-inf", "'-inf"),
            ("改革", "改革"),
            ("", ""),
        ] {
            assert_eq!(neutralise(given), shown, "{given:?}");
        }
    }
}
