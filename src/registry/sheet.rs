//! The spreadsheets people keep, as rows of cells with their line (CSV) or
//! row (XLSX) number. CSV text is UTF-8 (with or without a BOM) or what
//! Excel on Chinese Windows saves (GBK, read as its superset GB18030): a BOM
//! decides, else strict UTF-8, else strict GB18030, else the file is refused
//! naming the first line that is neither. XLSX comes through `calamine`;
//! a merged cell's value fills every cell of its region.

use chrono::NaiveDate;
use std::path::Path;

/// One cell as the file holds it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    Empty,
    Text(String),
    /// A number (Excel stores ids and, under some formats, dates this way).
    Number(f64),
    Date(NaiveDate),
}

impl Cell {
    pub fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(t) => t.trim().is_empty(),
            _ => false,
        }
    }
    /// The cell as trimmed text: a whole number without `.0`.
    pub fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(t) => t.trim().to_string(),
            Cell::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
            Cell::Number(n) => n.to_string(),
            Cell::Date(d) => d.to_string(),
        }
    }
}

/// A row with its 1-based line (CSV) or row number (XLSX).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Row {
    pub line: usize,
    pub cells: Vec<Cell>,
}

/// What reading a sheet failed on.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum SheetError {
    /// Neither UTF-8 nor GB18030 from this line on.
    Encoding {
        line: usize,
    },
    /// A quote opened at this line and column (1-based field number) and
    /// never closed: the rest of the file would become one cell.
    Quote {
        line: usize,
        column: usize,
    },
    Other(String),
}

/// The date of an Excel serial number (days since 1899-12-30 in the 1900
/// date system; the fraction is the time of day).
pub(crate) fn excel_serial_date(serial: f64) -> Option<NaiveDate> {
    if !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    let epoch = NaiveDate::from_ymd_opt(1899, 12, 30)?;
    epoch.checked_add_days(chrono::Days::new(serial.floor() as u64))
}

/// Read a file by its extension: `.xlsx`/`.xlsm` as a workbook (the first
/// sheet), anything else as CSV.
pub(crate) fn read_rows(path: &Path) -> Result<Vec<Row>, SheetError> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    match ext.as_str() {
        "xlsx" | "xlsm" => read_xlsx(path),
        "xls" | "ods" | "et" => Err(SheetError::Other(
            "only .xlsx workbooks and .csv files are read: save it as .xlsx or CSV".into(),
        )),
        _ => {
            let bytes = std::fs::read(path).map_err(|e| SheetError::Other(e.to_string()))?;
            let text = decode(&bytes)?;
            read_csv(&text)
        }
    }
}

/// CSV bytes as text: BOM, else strict UTF-8, else strict GB18030.
pub(crate) fn decode(bytes: &[u8]) -> Result<String, SheetError> {
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        return enc
            .decode_without_bom_handling_and_without_replacement(&bytes[bom..])
            .map(|t| t.into_owned())
            .ok_or_else(|| SheetError::Encoding {
                line: first_bad_line(&bytes[bom..], |l| {
                    enc.decode_without_bom_handling_and_without_replacement(l)
                        .is_some()
                }),
            });
    }
    if let Ok(t) = std::str::from_utf8(bytes) {
        return Ok(t.to_string());
    }
    if let Some(t) = encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(bytes)
    {
        return Ok(t.into_owned());
    }
    // Neither: the line where the encoding that read furthest stops is the
    // first bad one.
    let utf8 = first_bad_line(bytes, |l| std::str::from_utf8(l).is_ok());
    let gbk = first_bad_line(bytes, |l| {
        encoding_rs::GB18030
            .decode_without_bom_handling_and_without_replacement(l)
            .is_some()
    });
    Err(SheetError::Encoding {
        line: utf8.max(gbk),
    })
}

/// The 1-based number of the first line `ok` refuses (lines split at `\n`,
/// which neither encoding uses inside a character).
fn first_bad_line(bytes: &[u8], ok: impl Fn(&[u8]) -> bool) -> usize {
    bytes
        .split(|b| *b == b'\n')
        .position(|l| !ok(l))
        .map_or(1, |i| i + 1)
}

fn read_csv(text: &str) -> Result<Vec<Row>, SheetError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // Excel's "Unicode text" is tab-separated: take the separator the first
    // line uses most.
    let first = text.lines().next().unwrap_or_default();
    let delimiter = if first.matches('\t').count() > first.matches(',').count() {
        b'\t'
    } else {
        b','
    };
    if let Some((line, column)) = unterminated_quote(text, delimiter) {
        return Err(SheetError::Quote { line, column });
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map(|p| p.line()).unwrap_or(0);
            SheetError::Other(format!("line {line}: not CSV: {e}"))
        })?;
        let line = record
            .position()
            .map_or(rows.len() + 1, |p| p.line() as usize);
        let cells = record
            .iter()
            .map(|c| {
                if c.trim().is_empty() {
                    Cell::Empty
                } else {
                    Cell::Text(c.trim().to_string())
                }
            })
            .collect();
        rows.push(Row { line, cells });
    }
    Ok(rows)
}

/// Where a quoted field opens and never closes, if one does: (line, field
/// number), both from 1. A quote inside an unquoted field is text.
fn unterminated_quote(text: &str, delimiter: u8) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let (mut line, mut field) = (1usize, 1usize);
    let mut at_field_start = true;
    let mut open: Option<(usize, usize)> = None;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if let Some(_) = open {
            if b == b'"' {
                if bytes.get(i + 1) == Some(&b'"') {
                    i += 1;
                } else {
                    open = None;
                }
            } else if b == b'\n' {
                line += 1;
            }
        } else if b == b'"' && at_field_start {
            open = Some((line, field));
        } else if b == delimiter {
            field += 1;
            at_field_start = true;
            i += 1;
            continue;
        } else if b == b'\n' {
            line += 1;
            field = 1;
            at_field_start = true;
            i += 1;
            continue;
        }
        at_field_start = false;
        i += 1;
    }
    open
}

fn read_xlsx(path: &Path) -> Result<Vec<Row>, SheetError> {
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let other = |e: calamine::XlsxError| SheetError::Other(format!("not a readable workbook: {e}"));
    let mut book: Xlsx<_> = open_workbook(path).map_err(other)?;
    let range = book
        .worksheet_range_at(0)
        .ok_or_else(|| SheetError::Other("the workbook has no sheet".into()))?
        .map_err(other)?;
    let merges = book.merge_cells_by_sheet_id(0).unwrap_or_default();
    let (row0, col0) = range.start().unwrap_or((0, 0));
    let mut rows: Vec<Row> = range
        .rows()
        .enumerate()
        .map(|(r, cells)| Row {
            line: row0 as usize + r + 1,
            cells: cells
                .iter()
                .map(|c| match c {
                    Data::Empty | Data::Error(_) => Cell::Empty,
                    Data::String(s) if s.trim().is_empty() => Cell::Empty,
                    Data::String(s) => Cell::Text(s.trim().to_string()),
                    Data::Int(i) => Cell::Number(*i as f64),
                    Data::Float(f) => Cell::Number(*f),
                    Data::Bool(b) => Cell::Text(b.to_string()),
                    Data::DateTime(d) => {
                        let (y, m, day, ..) = d.to_ymd_hms_milli();
                        NaiveDate::from_ymd_opt(y.into(), m.into(), day.into())
                            .map_or(Cell::Number(d.as_f64()), Cell::Date)
                    }
                    Data::DateTimeIso(s) => s
                        .get(..10)
                        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                        .map_or_else(|| Cell::Text(s.clone()), Cell::Date),
                    Data::DurationIso(s) => Cell::Text(s.clone()),
                })
                .collect(),
        })
        .collect();
    // A merged cell holds its value in the top-left cell only.
    for m in merges {
        let (r0, c0) = m.start;
        let (r1, c1) = m.end;
        let at = |r: u32, c: u32| -> Option<(usize, usize)> {
            Some((r.checked_sub(row0)? as usize, c.checked_sub(col0)? as usize))
        };
        let Some((tr, tc)) = at(r0, c0) else { continue };
        let Some(value) = rows.get(tr).and_then(|r| r.cells.get(tc)).cloned() else {
            continue;
        };
        for r in r0..=r1 {
            for c in c0..=c1 {
                if let Some((ri, ci)) = at(r, c)
                    && let Some(cell) = rows.get_mut(ri).and_then(|row| row.cells.get_mut(ci))
                    && cell.is_empty()
                {
                    *cell = value.clone();
                }
            }
        }
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bom_or_utf8_or_gbk_decodes_and_anything_else_names_its_line() {
        let text = "编号,企业名称\n1,万州城投\n";
        assert_eq!(decode(text.as_bytes()).as_deref(), Ok(text));
        let with_bom = [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat();
        assert_eq!(decode(&with_bom).as_deref(), Ok(text));
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        assert_ne!(gbk.as_ref(), text.as_bytes());
        assert_eq!(decode(&gbk).as_deref(), Ok(text));
        let bad = [text.as_bytes(), b"2,\xFF\xFE\n".as_slice()].concat();
        assert_eq!(decode(&bad), Err(SheetError::Encoding { line: 3 }));
    }

    #[test]
    fn excel_serials_are_dates() {
        assert_eq!(
            excel_serial_date(44377.0),
            NaiveDate::from_ymd_opt(2021, 6, 30)
        );
        assert_eq!(
            excel_serial_date(44377.75),
            NaiveDate::from_ymd_opt(2021, 6, 30)
        );
        assert_eq!(excel_serial_date(-3.0), None);
        assert_eq!(Cell::Number(1001.0).text(), "1001");
        assert_eq!(Cell::Number(10.5).text(), "10.5");
    }

    #[test]
    fn an_unterminated_quote_names_where_it_opened() {
        assert_eq!(
            read_csv("id,name\na,\"甲集团\nb,乙公司\n"),
            Err(SheetError::Quote { line: 2, column: 2 })
        );
        assert!(read_csv("id,name\na,\"甲\"\"集团\"\nb,乙\"公司\n").is_ok());
    }

    #[test]
    fn csv_rows_keep_their_line_numbers_through_quoted_newlines() {
        let rows = read_csv("a,b\n\"x\ny\",z\n w ,\n").expect("csv");
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[1].line, 2);
        assert_eq!(rows[2].line, 4);
        assert_eq!(rows[2].cells, [Cell::Text("w".into()), Cell::Empty]);
    }
}
