//! A plain listing as an Excel workbook: one sheet, a bold frozen header
//! row, every cell text (the 操作记录 export).

use super::ReportError;
use rust_xlsxwriter::{Format, Workbook, XlsxError};

/// The workbook's bytes: sheet `name`, `columns` (header, width in Excel
/// character units), then `rows`.
pub fn listing_xlsx(
    name: &str,
    columns: &[(&str, f64)],
    rows: &[Vec<String>],
) -> Result<Vec<u8>, ReportError> {
    build(name, columns, rows).map_err(|e| ReportError::Xlsx(e.to_string()))
}

fn build(name: &str, columns: &[(&str, f64)], rows: &[Vec<String>]) -> Result<Vec<u8>, XlsxError> {
    let bold = Format::new().set_bold();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(name)?;
    for (c, (title, width)) in columns.iter().enumerate() {
        let c =
            u16::try_from(c).map_err(|_| XlsxError::ParameterError("too many columns".into()))?;
        ws.write_string_with_format(0, c, *title, &bold)?;
        ws.set_column_width(c, *width)?;
    }
    ws.set_freeze_panes(1, 0)?;
    for (r, cells) in rows.iter().enumerate() {
        let r =
            u32::try_from(r + 1).map_err(|_| XlsxError::ParameterError("too many rows".into()))?;
        for (c, v) in cells.iter().enumerate().take(columns.len()) {
            ws.write_string(r, c as u16, v)?;
        }
    }
    wb.save_to_buffer()
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_listing_is_a_workbook() {
        let bytes = super::listing_xlsx(
            "操作记录",
            &[("时间", 18.0), ("操作人", 10.0)],
            &[vec!["2026-12-07 23:10".into(), "ana".into()]],
        )
        .unwrap();
        assert!(bytes.starts_with(b"PK"));
    }
}
