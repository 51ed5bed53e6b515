//! `radar enterprises import`: a spreadsheet (CSV or XLSX) merged by id into
//! the home's `enterprises.toml`, or (`replace`) made its whole list.
//!
//! The header row is found by its column names (a title row above it is
//! skipped), in English or Chinese: `id`/编号, `name`/企业名称,
//! `aliases`/简称/别名, `parent`/上级企业 (an id or a registered name),
//! `former_names`/曾用名, `former_until`/曾用名截止日期, and optionally
//! `brands`/品牌 and `ambiguous`/需锚定简称. A header split over two rows (曾用名
//! merged over 名称 | 截止日期) is read as one. Other columns are ignored.
//! A list cell is split at `;` `；` `、` `,` `，`. A former name carries its
//! end date as `旧名(2021-06-30)`; a name without one takes the row's
//! 曾用名截止日期. A column the file has replaces that field of a registered
//! enterprise; a column it lacks leaves the field alone.

use super::file::{parse_day, read, save};
use super::header::{Col, Header, find_header};
use super::sheet::{Cell, Row, SheetError, excel_serial_date, read_rows};
use super::validate::{Spot, validate};
use crate::config::{Home, Problems};
use crate::model::{Alias, AliasKind, Enterprise, Registry};
use chrono::NaiveDate;
use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// What an import did.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportReport {
    /// Rows imported.
    pub imported: usize,
    pub new: usize,
    pub updated: usize,
    /// Registered enterprises the file did not have (`replace` only).
    pub removed: usize,
    pub path: PathBuf,
}

/// One bad cell (or row, when `column` is empty).
#[derive(Debug, Clone, PartialEq)]
pub struct CellError {
    pub row: usize,
    pub column: String,
    pub message: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{file}: {message}")]
    File { file: String, message: String },
    #[error("{file}:{line}: neither UTF-8 nor GBK/GB18030 text (save it from Excel as CSV UTF-8)")]
    Encoding { file: String, line: usize },
    #[error("{}", cells(.file, .errors))]
    Cells {
        file: String,
        errors: Vec<CellError>,
    },
    #[error("the home's enterprises.toml has problems; fix them first:\n{0}")]
    Registry(Problems),
    #[error("cannot write {}: {source}", .path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

fn cells(file: &str, errors: &[CellError]) -> String {
    let mut out = String::new();
    for (i, e) in errors.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let column = if e.column.is_empty() {
            String::new()
        } else {
            format!(" {}:", e.column)
        };
        out.push_str(&format!("{file}:{}:{column} {}", e.row, e.message));
    }
    out
}

impl fmt::Display for CellError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.row, self.column, self.message)
    }
}

/// A list cell split at `;` `；` `、` `,` `，` (a line break inside a cell
/// is refused before: "简\n称" is not the two names 简 and 称).
fn split_list(s: &str) -> Vec<String> {
    s.split([';', '；', '、', ',', '，'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect()
}

/// A date as people type it: 2021-06-30, 2021/6/30, 2021.6.30, 2021年6月30日.
fn parse_loose_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    if let Some(d) = parse_day(s) {
        return Some(d);
    }
    let parts: Vec<&str> = s
        .split(['-', '/', '.', '年', '月', '日'])
        .filter(|p| !p.is_empty())
        .collect();
    let [y, m, d] = parts.as_slice() else {
        return None;
    };
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

fn cell_date(cell: &Cell) -> Result<Option<NaiveDate>, String> {
    match cell {
        Cell::Empty => Ok(None),
        Cell::Date(d) => Ok(Some(*d)),
        Cell::Number(n) => excel_serial_date(*n)
            .map(Some)
            .ok_or_else(|| format!("{n} is not a date")),
        Cell::Text(t) if t.trim().is_empty() => Ok(None),
        Cell::Text(t) => parse_loose_date(t)
            .map(Some)
            .ok_or_else(|| format!("`{t}` is not a date (write YYYY-MM-DD)")),
    }
}

/// `旧名(2021-06-30)` → the name and its date; a name without a date in
/// brackets → the name alone. A bracket that holds no date is part of the
/// name (`万州港口（集团）公司`).
fn former_with_date(item: &str) -> (String, Option<NaiveDate>) {
    let item = item.trim();
    for (open, close) in [('(', ')'), ('（', '）')] {
        if let Some(body) = item.strip_suffix(close)
            && let Some(at) = body.rfind(open)
            && let Some(d) = parse_loose_date(&body[at + open.len_utf8()..])
        {
            return (body[..at].trim().to_string(), Some(d));
        }
    }
    (item.to_string(), None)
}

/// One imported row.
struct Imported {
    line: usize,
    id: String,
    name: String,
    aliases: Vec<String>,
    ambiguous: Vec<String>,
    brands: Vec<String>,
    parent: Option<String>,
    former: Vec<(String, Option<NaiveDate>)>,
}

fn parse_rows(rows: &[Row], header: &Header, errors: &mut Vec<CellError>) -> Vec<Imported> {
    let mut out = Vec::new();
    for row in &rows[header.data_from..] {
        if row.cells.iter().all(Cell::is_empty) {
            continue;
        }
        let mut bad = |col: Col, message: String| {
            errors.push(CellError {
                row: row.line,
                column: header.label(col),
                message,
            })
        };
        let mut texts: HashMap<Col, Vec<String>> = HashMap::new();
        let mut until = None;
        for (c, col, _) in &header.cols {
            let cell = row.cells.get(*c).unwrap_or(&Cell::Empty);
            if *col == Col::FormerUntil {
                match cell_date(cell) {
                    Ok(d) => until = until.or(d),
                    Err(m) => bad(Col::FormerUntil, m),
                }
            } else if !cell.is_empty() {
                let text = cell.text();
                if let Some(c) = text.chars().find(|c| c.is_control()) {
                    let what = match c {
                        '\n' | '\r' => "a line break".to_string(),
                        other => format!("the control character {other:?}"),
                    };
                    let hint = if *col == Col::Id {
                        ""
                    } else {
                        " (separate names with ；)"
                    };
                    bad(*col, format!("{what} inside the cell is not allowed{hint}"));
                }
                texts.entry(*col).or_default().push(text);
            }
        }
        let one = |col: Col| texts.get(&col).map(|v| v.join("")).unwrap_or_default();
        let list = |col: Col| {
            texts
                .get(&col)
                .map(|v| v.iter().flat_map(|t| split_list(t)).collect::<Vec<_>>())
                .unwrap_or_default()
        };
        let id = one(Col::Id);
        let name = one(Col::Name);
        if id.is_empty() {
            bad(Col::Id, "empty".into());
        } else if !id.chars().any(char::is_control)
            && let Some(problem) = crate::model::names::id_problem(&id)
        {
            bad(Col::Id, problem);
        }
        if name.is_empty() {
            bad(Col::Name, "empty".into());
        }
        let mut former = Vec::new();
        for item in list(Col::Former) {
            let (text, date) = former_with_date(&item);
            match date.or(until) {
                Some(d) => former.push((text, Some(d))),
                None => bad(
                    Col::Former,
                    format!(
                        "`{text}` has no end date: write `{text}(YYYY-MM-DD)` or fill {}",
                        if header.has(Col::FormerUntil) {
                            header.label(Col::FormerUntil)
                        } else {
                            "a 曾用名截止日期 column".to_string()
                        }
                    ),
                ),
            }
        }
        let parent = one(Col::Parent);
        out.push(Imported {
            line: row.line,
            id,
            name,
            aliases: list(Col::Aliases),
            ambiguous: list(Col::Ambiguous),
            brands: list(Col::Brands),
            parent: (!parent.is_empty()).then_some(parent),
            former,
        });
    }
    out
}

/// Import `file` into the home's `enterprises.toml`.
pub fn import(home: &Home, file: &Path, replace: bool) -> Result<ImportReport, ImportError> {
    let path = home.enterprises_path();
    let (registry, problems) = read(&path);
    if !problems.is_empty() {
        return Err(ImportError::Registry(problems));
    }
    let (merged, mut report) = import_into(registry, file, replace)?;
    save(&path, &merged).map_err(|source| ImportError::Write {
        path: path.clone(),
        source,
    })?;
    report.path = path;
    Ok(report)
}

/// Merge `file` into `registry` (by id; `replace`: the file's enterprises
/// become the whole list), checked as `enterprises.toml` is.
pub fn import_into(
    mut registry: Registry,
    file: &Path,
    replace: bool,
) -> Result<(Registry, ImportReport), ImportError> {
    let name = file.display().to_string();
    let rows = read_rows(file).map_err(|e| match e {
        SheetError::Encoding { line } => ImportError::Encoding {
            file: name.clone(),
            line,
        },
        SheetError::Quote { line, column } => ImportError::Cells {
            file: name.clone(),
            errors: vec![CellError {
                row: line,
                column: format!("column {column}"),
                message:
                    "a quote opened here is never closed (the rest of the file would be one cell)"
                        .into(),
            }],
        },
        SheetError::Other(message) => ImportError::File {
            file: name.clone(),
            message,
        },
    })?;
    let header = find_header(&rows).ok_or_else(|| ImportError::File {
        file: name.clone(),
        message: "no header row: the first rows need an id column (id, 编号) and a name column (name, 企业名称)".into(),
    })?;
    let mut errors = Vec::new();
    let mut seen_cols: HashMap<Col, &str> = HashMap::new();
    for (_, col, label) in &header.cols {
        if matches!(col, Col::Id | Col::Name | Col::Parent | Col::FormerUntil)
            && let Some(first) = seen_cols.insert(*col, label)
        {
            errors.push(CellError {
                row: rows
                    .get(header.data_from.saturating_sub(1))
                    .map_or(1, |r| r.line),
                column: label.clone(),
                message: format!("a second column for the same thing as `{first}`"),
            });
        }
    }
    let imported = parse_rows(&rows, &header, &mut errors);
    let mut ids: HashMap<&str, usize> = HashMap::new();
    for r in &imported {
        if r.id.is_empty() {
            continue;
        }
        if let Some(first) = ids.insert(&r.id, r.line) {
            errors.push(CellError {
                row: r.line,
                column: header.label(Col::Id),
                message: format!("`{}` is also the id on line {first}", r.id),
            });
        }
    }
    if !errors.is_empty() {
        return Err(ImportError::Cells { file: name, errors });
    }
    let before = registry.enterprises.len();
    let old: Vec<Enterprise> = if replace {
        std::mem::take(&mut registry.enterprises)
    } else {
        Vec::new()
    };
    let mut report = ImportReport {
        imported: imported.len(),
        new: 0,
        updated: 0,
        removed: 0,
        path: PathBuf::new(),
    };
    // Where each enterprise came from: the row of the file, if any.
    let mut line_of: HashMap<String, usize> = HashMap::new();
    for r in &imported {
        line_of.insert(r.id.clone(), r.line);
        let existing = registry
            .enterprises
            .iter()
            .position(|e| e.id == r.id)
            .or_else(|| {
                // With --replace, an enterprise the file keeps keeps its
                // fields the file has no column for.
                let e = old.iter().find(|e| e.id == r.id)?.clone();
                registry.enterprises.push(e);
                Some(registry.enterprises.len() - 1)
            });
        let e = match existing {
            Some(i) => {
                report.updated += 1;
                &mut registry.enterprises[i]
            }
            None => {
                report.new += 1;
                registry.enterprises.push(Enterprise {
                    id: r.id.clone(),
                    name: String::new(),
                    aliases: Vec::new(),
                    parent: None,
                });
                let last = registry.enterprises.len() - 1;
                &mut registry.enterprises[last]
            }
        };
        update(e, r, &header);
    }
    if replace {
        report.removed = before - report.updated;
    }
    // Parents by id, else by a registered name.
    let mut errors = Vec::new();
    for r in &imported {
        let Some(p) = &r.parent else { continue };
        let resolved = if registry.get(p).is_some() {
            Some(p.clone())
        } else {
            let by_name: Vec<&Enterprise> = registry
                .enterprises
                .iter()
                .filter(|e| e.all_aliases().iter().any(|a| &a.text == p))
                .collect();
            match by_name.as_slice() {
                [one] => Some(one.id.clone()),
                _ => None,
            }
        };
        match resolved {
            Some(id) => {
                if let Some(e) = registry.enterprises.iter_mut().find(|e| e.id == r.id) {
                    e.parent = Some(id);
                }
            }
            None => errors.push(CellError {
                row: r.line,
                column: header.label(Col::Parent),
                message: format!("`{p}` is neither the id nor a name of a registered enterprise"),
            }),
        }
    }
    for issue in validate(&registry) {
        let e = &registry.enterprises[issue.enterprise];
        let col = match issue.spot {
            Spot::Id => Col::Id,
            Spot::Name => Col::Name,
            Spot::Parent => Col::Parent,
            Spot::Alias(AliasKind::FormerName, _) => Col::Former,
            Spot::Alias(AliasKind::Brand, _) => Col::Brands,
            Spot::Alias(_, _) => Col::Aliases,
        };
        let (row, column) = match line_of.get(&e.id) {
            Some(l) if header.has(col) => (*l, header.label(col)),
            Some(l) => (*l, format!("(enterprises.toml, {})", e.id)),
            None => (0, format!("enterprises.toml: {}", e.id)),
        };
        if errors.iter().any(|x| x.row == row && x.column == column) {
            continue;
        }
        errors.push(CellError {
            row,
            column,
            message: issue.message,
        });
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.row);
        return Err(ImportError::Cells { file: name, errors });
    }
    Ok((registry, report))
}

/// Set the fields of `e` the file has columns for.
fn update(e: &mut Enterprise, r: &Imported, header: &Header) {
    e.name = r.name.clone();
    let was_ambiguous =
        |e: &Enterprise, t: &str| e.aliases.iter().any(|a| a.text == t && a.ambiguous);
    let was_distinctive =
        |e: &Enterprise, t: &str| e.aliases.iter().any(|a| a.text == t && a.distinctive);
    let replace_kind =
        |e: &mut Enterprise, kind: AliasKind, items: Vec<(String, Option<NaiveDate>)>| {
            let new: Vec<Alias> = items
                .into_iter()
                .map(|(text, valid_until)| Alias {
                    ambiguous: if header.has(Col::Ambiguous) {
                        r.ambiguous.contains(&text)
                    } else {
                        was_ambiguous(e, &text)
                    },
                    distinctive: was_distinctive(e, &text),
                    text,
                    kind,
                    valid_until,
                })
                .collect();
            e.aliases.retain(|a| a.kind != kind);
            e.aliases.extend(new);
        };
    if header.has(Col::Aliases) {
        replace_kind(
            e,
            AliasKind::ShortName,
            r.aliases.iter().map(|a| (a.clone(), None)).collect(),
        );
    }
    if header.has(Col::Former) {
        replace_kind(e, AliasKind::FormerName, r.former.clone());
    }
    if header.has(Col::Brands) {
        replace_kind(
            e,
            AliasKind::Brand,
            r.brands.iter().map(|a| (a.clone(), None)).collect(),
        );
    }
    if header.has(Col::Ambiguous) && !header.has(Col::Aliases) {
        for a in &mut e.aliases {
            a.ambiguous = r.ambiguous.contains(&a.text);
        }
    }
    // Keep short names, former names, brands in the file's order.
    e.aliases.sort_by_key(|a| match a.kind {
        AliasKind::ShortName => 0,
        AliasKind::FormerName => 1,
        AliasKind::Brand => 2,
        _ => 3,
    });
    if header.has(Col::Parent) {
        // Resolved to an id once every row is in.
        e.parent = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_cells_split_at_every_separator() {
        assert_eq!(
            split_list("万州城投；城投集团、万州城投集团,城投 ;"),
            ["万州城投", "城投集团", "万州城投集团", "城投"]
        );
    }

    #[test]
    fn former_names_carry_their_date_in_brackets() {
        let d = NaiveDate::from_ymd_opt(2021, 6, 30);
        assert_eq!(former_with_date("旧名(2021-06-30)"), ("旧名".into(), d));
        assert_eq!(
            former_with_date("旧名（2021年6月30日）"),
            ("旧名".into(), d)
        );
        assert_eq!(
            former_with_date("万州港口（集团）公司"),
            ("万州港口（集团）公司".into(), None)
        );
        assert_eq!(parse_loose_date("2021/6/30"), d);
        assert_eq!(parse_loose_date("2021-02-30"), None);
    }
}
