//! The scorecard as an Excel workbook (`radar score --format xlsx`), through
//! rust_xlsxwriter: sheet `汇总` has one row per enterprise (counts, C's
//! target and delta, the typical-case bonus, the total), sheet `明细` every
//! counted item with its evidence, reviewer and confirmation time, and sheet
//! `台账检查点` the signed ledger checkpoint the figures come from, one line
//! a row, when there is one. Headers are bold and frozen, counts and points
//! are number cells, dates are date cells (`yyyy-mm-dd`).

use super::table::digest;
use super::{ReportError, ScoreSheet};
use chrono::Datelike;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

/// Sheet names.
pub const SUMMARY: &str = "汇总";
pub const DETAIL: &str = "明细";
pub const CHECKPOINT: &str = "台账检查点";

/// `汇总` columns and their widths (Excel character units; a CJK character
/// takes about two).
const SUMMARY_COLUMNS: [(&str, f64); 9] = [
    ("企业编号", 12.0),
    ("企业名称", 30.0),
    ("A类", 8.0),
    ("B类", 8.0),
    ("C类", 8.0),
    ("C类目标", 10.0),
    ("C类增减分", 12.0),
    ("典型案例加分", 14.0),
    ("合计", 8.0),
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
    ("确认时间", 22.0),
    ("备注", 30.0),
];

/// The workbook's bytes.
pub fn score_xlsx(sheet: &ScoreSheet) -> Result<Vec<u8>, ReportError> {
    build(sheet).map_err(|e| ReportError::Xlsx(e.to_string()))
}

fn build(sheet: &ScoreSheet) -> Result<Vec<u8>, XlsxError> {
    let bold = Format::new().set_bold();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let mut wb = Workbook::new();

    let ws = wb.add_worksheet();
    ws.set_name(SUMMARY)?;
    header(ws, &SUMMARY_COLUMNS, &bold)?;
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
    }

    let ws = wb.add_worksheet();
    ws.set_name(DETAIL)?;
    header(ws, &DETAIL_COLUMNS, &bold)?;
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
        ws.write_string(r, 14, &i.confirmed_at)?;
        optional(ws, r, 15, i.note.as_deref())?;
    }

    if let Some(cp) = &sheet.checkpoint {
        let ws = wb.add_worksheet();
        ws.set_name(CHECKPOINT)?;
        ws.set_column_width(0, 90)?;
        ws.write_string_with_format(0, 0, "本表数据所依据的台账检查点（签名文本）", &bold)?;
        for (r, line) in cp.lines().enumerate() {
            ws.write_string(row(r)?, 0, line)?;
        }
    }

    wb.save_to_buffer()
}

/// Bold header in row 0, frozen, with the column widths.
fn header(ws: &mut Worksheet, columns: &[(&str, f64)], bold: &Format) -> Result<(), XlsxError> {
    for (c, (name, width)) in columns.iter().enumerate() {
        let c = u16::try_from(c).map_err(|_| XlsxError::RowColumnLimitError)?;
        ws.write_string_with_format(0, c, *name, bold)?;
        ws.set_column_width(c, *width)?;
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

/// The sheet row of the `n`th record, from 0 (row 0 is the header).
fn row(n: usize) -> Result<u32, XlsxError> {
    u32::try_from(n + 1).map_err(|_| XlsxError::RowColumnLimitError)
}

fn optional(ws: &mut Worksheet, r: u32, c: u16, v: Option<&str>) -> Result<(), XlsxError> {
    if let Some(v) = v.filter(|v| !v.is_empty()) {
        ws.write_string(r, c, v)?;
    }
    Ok(())
}
