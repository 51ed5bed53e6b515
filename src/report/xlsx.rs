//! The scorecard as an Excel workbook (`radar score --format xlsx`), through
//! rust_xlsxwriter: sheet `汇总` has one row per enterprise (counts, C's
//! target, what is missing or beyond it in words, its delta, the
//! typical-case bonus, the total, what awaits review), sheet `明细` every
//! counted item with its evidence, reviewer and confirmation time (Beijing
//! time), and sheet `台账检查点` the signed ledger checkpoint the figures come
//! from, one line a row, when there is one. Each sheet starts with a title
//! row (the commission and the period), then the bold header row; both are
//! frozen and repeated on every printed page, which is A4 landscape, one
//! page wide, numbered in the footer. Counts and points are number cells,
//! dates are date cells (`yyyy-mm-dd`).

use super::table::{c_words, digest, period};
use super::{ReportError, ScoreSheet};
use chrono::Datelike;
use rust_xlsxwriter::{ExcelDateTime, Format, FormatAlign, Workbook, Worksheet, XlsxError};

/// The rows above the records: the title, then the header.
pub const TITLE_ROW: u32 = 0;
pub const HEADER_ROW: u32 = 1;

/// Sheet names.
pub const SUMMARY: &str = "汇总";
pub const DETAIL: &str = "明细";
pub const CHECKPOINT: &str = "台账检查点";

/// `汇总` columns and their widths (Excel character units; a CJK character
/// takes about two).
const SUMMARY_COLUMNS: [(&str, f64); 11] = [
    ("企业编号", 12.0),
    ("企业名称", 30.0),
    ("A类", 8.0),
    ("B类", 8.0),
    ("C类", 8.0),
    ("C类目标", 10.0),
    ("C类增减分", 12.0),
    ("典型案例加分", 14.0),
    ("合计", 8.0),
    ("C类完成情况", 36.0),
    ("待审核", 8.0),
];

/// `明细` columns and their widths.
const DETAIL_COLUMNS: [(&str, f64); 16] = [
    ("企业编号", 12.0),
    ("企业名称", 24.0),
    ("台账序号", 10.0),
    ("项目", 8.0),
    ("项目名称", 36.0),
    ("类别", 6.0),
    ("日期", 12.0),
    ("来源", 18.0),
    ("标题", 50.0),
    ("版面", 16.0),
    ("链接", 40.0),
    ("证据", 30.0),
    ("证据摘要", 30.0),
    ("审核人", 10.0),
    ("确认时间（北京时间）", 20.0),
    ("备注", 30.0),
];

/// The workbook's bytes.
pub fn score_xlsx(sheet: &ScoreSheet) -> Result<Vec<u8>, ReportError> {
    build(sheet).map_err(|e| ReportError::Xlsx(e.to_string()))
}

/// A stored UTC time (RFC 3339) in Beijing time to the minute; anything
/// unreadable as it is.
pub fn beijing_minute(utc: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(utc).map_or_else(
        |_| utc.to_string(),
        |t| {
            t.with_timezone(&crate::model::BEIJING)
                .format("%Y-%m-%d %H:%M")
                .to_string()
        },
    )
}

fn build(sheet: &ScoreSheet) -> Result<Vec<u8>, XlsxError> {
    let bold = Format::new().set_bold();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let title = Format::new()
        .set_bold()
        .set_font_size(14)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    let heading = |what: &str| {
        format!(
            "{} 改革报表{}（{}）",
            sheet.commission,
            what,
            period(sheet.year, sheet.quarter)
        )
    };
    let mut wb = Workbook::new();

    let ws = wb.add_worksheet();
    ws.set_name(SUMMARY)?;
    header(ws, &heading("记分汇总"), &SUMMARY_COLUMNS, &bold, &title)?;
    for (r, e) in sheet.enterprises.iter().enumerate() {
        let r = row(r)?;
        ws.write_string(r, 0, &e.id)?;
        ws.write_string(r, 1, &e.name)?;
        ws.write_number(r, 2, e.a)?;
        ws.write_number(r, 3, e.b)?;
        ws.write_number(r, 4, e.c)?;
        ws.write_number(r, 5, e.c_target)?;
        ws.write_number(r, 6, e.c_delta)?;
        ws.write_number(r, 7, e.bonus)?;
        ws.write_number(r, 8, e.total)?;
        ws.write_string(r, 9, c_words(e))?;
        ws.write_number(r, 10, e.pending)?;
    }

    let ws = wb.add_worksheet();
    ws.set_name(DETAIL)?;
    header(ws, &heading("计分明细"), &DETAIL_COLUMNS, &bold, &title)?;
    let items = sheet
        .enterprises
        .iter()
        .flat_map(|e| e.items.iter().map(move |i| (e, i)));
    for (r, (e, i)) in items.enumerate() {
        let r = row(r)?;
        ws.write_string(r, 0, &e.id)?;
        ws.write_string(r, 1, &e.name)?;
        // Leaf indices stay far below 2^53: exact as a double.
        ws.write_number(r, 2, i.entry as f64)?;
        ws.write_string(r, 3, &i.code)?;
        ws.write_string(r, 4, &i.item_name)?;
        optional(ws, r, 5, i.category.as_deref())?;
        let d = ExcelDateTime::from_ymd(
            u16::try_from(i.date.year())
                .map_err(|_| XlsxError::DateTimeRangeError(i.date.to_string()))?,
            // Months and days always fit.
            i.date.month() as u8,
            i.date.day() as u8,
        )?;
        ws.write_datetime_with_format(r, 6, &d, &date)?;
        ws.write_string(r, 7, &i.source)?;
        ws.write_string(r, 8, &i.title)?;
        optional(ws, r, 9, i.page.as_deref())?;
        optional(ws, r, 10, i.url.as_deref())?;
        ws.write_string(r, 11, i.evidence.short())?;
        ws.write_string(r, 12, digest(&i.evidence))?;
        ws.write_string(r, 13, &i.reviewer)?;
        ws.write_string(r, 14, beijing_minute(&i.confirmed_at))?;
        optional(ws, r, 15, i.note.as_deref())?;
    }

    if let Some(cp) = &sheet.checkpoint {
        let ws = wb.add_worksheet();
        ws.set_name(CHECKPOINT)?;
        ws.set_column_width(0, 90)?;
        ws.write_string_with_format(0, 0, "本表数据所依据的台账检查点（签名文本）", &bold)?;
        for (r, line) in cp.lines().enumerate() {
            ws.write_string(row_from(r, 1)?, 0, line)?;
        }
        print_setup(ws, 0)?;
    }

    wb.save_to_buffer()
}

/// The title row (merged across the columns), the bold header row below
/// it, both frozen, with the column widths and the print setup.
fn header(
    ws: &mut Worksheet,
    text: &str,
    columns: &[(&str, f64)],
    bold: &Format,
    title: &Format,
) -> Result<(), XlsxError> {
    let last = u16::try_from(columns.len().saturating_sub(1))
        .map_err(|_| XlsxError::RowColumnLimitError)?;
    ws.merge_range(TITLE_ROW, 0, TITLE_ROW, last, text, title)?;
    ws.set_row_height(TITLE_ROW, 28)?;
    for (c, (name, width)) in columns.iter().enumerate() {
        let c = u16::try_from(c).map_err(|_| XlsxError::RowColumnLimitError)?;
        ws.write_string_with_format(HEADER_ROW, c, *name, bold)?;
        ws.set_column_width(c, *width)?;
    }
    ws.set_freeze_panes(HEADER_ROW + 1, 0)?;
    print_setup(ws, HEADER_ROW)
}

/// A4 landscape, one page wide (as many pages tall as it takes), the rows
/// up to `repeat` on every page, page numbers in the footer.
fn print_setup(ws: &mut Worksheet, repeat: u32) -> Result<(), XlsxError> {
    ws.set_paper_size(9);
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    ws.set_print_center_horizontally(true);
    ws.set_repeat_rows(0, repeat)?;
    ws.set_footer("&C第 &P 页，共 &N 页");
    Ok(())
}

/// The sheet row of the `n`th record, from 0 (below the title and header rows).
fn row(n: usize) -> Result<u32, XlsxError> {
    row_from(n, HEADER_ROW + 1)
}

fn row_from(n: usize, first: u32) -> Result<u32, XlsxError> {
    u32::try_from(n)
        .ok()
        .and_then(|n| n.checked_add(first))
        .ok_or(XlsxError::RowColumnLimitError)
}

fn optional(ws: &mut Worksheet, r: u32, c: u16, v: Option<&str>) -> Result<(), XlsxError> {
    if let Some(v) = v.filter(|v| !v.is_empty()) {
        ws.write_string(r, c, v)?;
    }
    Ok(())
}
