//! The scorecard as a plain-text table for the terminal (`radar score`): a
//! title line (commission, year or year to a quarter's end), one row per
//! enterprise with its category counts, C's delta, the typical-case bonus and
//! the total, then each enterprise's counted items (date, code, source,
//! title, evidence). Columns are aligned by display width, so a CJK character
//! takes two columns. Also the small formatting helpers the other renderers
//! share (periods, points, Chinese dates, evidence digests).

use super::{EnterpriseScore, Evidence, ScoreSheet};
use crate::scoring::Quarter;
use chrono::{Datelike, NaiveDate};
use unicode_width::UnicodeWidthStr;

/// The scorecard headers and one enterprise's figures, for the tables.
pub(super) const SCORE_HEADERS: [&str; 7] = [
    "A类",
    "B类",
    "C类",
    "C类目标",
    "C类增减分",
    "典型案例加分",
    "合计",
];

pub(super) fn score_cells(e: &EnterpriseScore) -> [String; 7] {
    [
        e.a.to_string(),
        e.b.to_string(),
        e.c.to_string(),
        e.c_target.to_string(),
        signed(e.c_delta),
        points(e.bonus),
        points(e.total),
    ]
}

/// Category C against its target in words: `C 类目标 1 项：已完成 0 项，还差 1 项`,
/// `…已完成 1 项，达标`, `…已完成 3 项，超额 +1 分`.
pub fn c_words(e: &EnterpriseScore) -> String {
    let head = format!("C 类目标 {} 项：已完成 {} 项", e.c_target, e.c);
    match e.c.cmp(&e.c_target) {
        std::cmp::Ordering::Less => format!("{head}，还差 {} 项", e.c_missing),
        std::cmp::Ordering::Equal => format!("{head}，达标"),
        std::cmp::Ordering::Greater => format!("{head}，超额 {} 分", signed(e.c_delta)),
    }
}

/// The scorecard of `sheet` as aligned plain text, ending with a newline.
pub fn score_table(sheet: &ScoreSheet) -> String {
    let mut out = format!(
        "{} 改革报表得分 {}\n",
        sheet.commission,
        period(sheet.year, sheet.quarter)
    );
    out.push('\n');
    let header: Vec<&str> = std::iter::once("企业").chain(SCORE_HEADERS).collect();
    let rows: Vec<Vec<String>> = sheet
        .enterprises
        .iter()
        .map(|e| {
            std::iter::once(format!("{} {}", e.id, e.name))
                .chain(score_cells(e))
                .collect::<Vec<String>>()
        })
        .collect();
    // The enterprise is text (left), every other column a number (right).
    let right: Vec<bool> = (0..header.len()).map(|i| i > 0).collect();
    push_table(&mut out, "", &header, &rows, &right);

    for e in &sheet.enterprises {
        out.push('\n');
        out.push_str(&format!(
            "{} {}（合计 {}，计入 {} 项）\n",
            e.id,
            e.name,
            points(e.total),
            e.items.len()
        ));
        if e.items.is_empty() {
            out.push_str("  （无计入项目）\n");
            continue;
        }
        let header = ["日期", "项目", "来源", "标题", "证据"];
        let rows: Vec<Vec<String>> = e
            .items
            .iter()
            .map(|i| {
                vec![
                    i.date.to_string(),
                    i.code.clone(),
                    i.source.clone(),
                    i.title.clone(),
                    i.evidence.short(),
                ]
            })
            .collect();
        push_table(&mut out, "  ", &header, &rows, &[false; 5]);
    }
    out
}

/// Appends a header, a rule and the rows, each column padded to its widest
/// cell (display width); the last column is never padded.
fn push_table(
    out: &mut String,
    indent: &str,
    header: &[&str],
    rows: &[Vec<String>],
    right: &[bool],
) {
    let mut widths: Vec<usize> = header.iter().map(|h| h.width()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.width());
        }
    }
    let line = |cells: &[&str]| -> String {
        let last = cells.len().saturating_sub(1);
        let mut s = indent.to_string();
        for (i, cell) in cells.iter().enumerate() {
            let pad = " ".repeat(widths[i].saturating_sub(cell.width()));
            if right.get(i).copied().unwrap_or(false) {
                s.push_str(&pad);
                s.push_str(cell);
            } else {
                s.push_str(cell);
                if i != last {
                    s.push_str(&pad);
                }
            }
            if i != last {
                s.push_str("  ");
            }
        }
        s.trim_end().to_string() + "\n"
    };
    out.push_str(&line(header));
    let total: usize = widths.iter().sum::<usize>() + 2 * widths.len().saturating_sub(1);
    out.push_str(indent);
    out.push_str(&"-".repeat(total));
    out.push('\n');
    for row in rows {
        let cells: Vec<&str> = row.iter().map(String::as_str).collect();
        out.push_str(&line(&cells));
    }
}

/// “2025年度”, or “2025年第2季度（截至季度末）” for a year to a quarter's end.
pub(super) fn period(year: i32, quarter: Option<Quarter>) -> String {
    match quarter {
        None => format!("{year}年度"),
        Some(q) => format!("{year}年第{}季度（截至季度末）", q.number()),
    }
}

/// Points without float noise: `2`, `0.5`, `-1`.
pub(super) fn points(v: f64) -> String {
    let r = (v * 100.0).round() / 100.0;
    // -0 prints as "-0".
    let r = if r == 0.0 { 0.0 } else { r };
    format!("{r}")
}

/// Points with an explicit sign for a delta: `+0.5`, `-1`, `0`.
pub fn signed(v: f64) -> String {
    let s = points(v);
    if v > 0.0 && !s.starts_with('-') && s != "0" {
        format!("+{s}")
    } else {
        s
    }
}

/// `2025年3月5日`.
pub(super) fn cn_date(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// The SHA-256 (hex) the evidence is checked by: the archived payload's or
/// the uploaded file's.
pub(super) fn digest(e: &Evidence) -> &str {
    match e {
        Evidence::Archive { payload_sha256, .. } => payload_sha256,
        Evidence::File { sha256, .. } => sha256,
    }
}
