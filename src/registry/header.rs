//! The header row of an imported sheet: found by its column names (English
//! or Chinese, spaces, punctuation and case ignored) within the first rows,
//! a title row above it skipped, a header split over two rows (曾用名 merged
//! over 名称 | 截止日期) read as one.

use super::sheet::{Cell, Row};

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Col {
    Id,
    Name,
    Aliases,
    Ambiguous,
    Brands,
    Parent,
    Former,
    FormerUntil,
}

/// A header label without spaces, punctuation or case.
fn norm(label: &str) -> String {
    label
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

fn recognise(label: &str) -> Option<Col> {
    let n = norm(label);
    let col = match n.as_str() {
        "id" | "编号" | "企业编号" | "企业id" | "registryid" => Col::Id,
        "name" | "fullname" | "企业名称" | "名称" | "全称" | "企业全称" | "单位名称"
        | "公司名称" => Col::Name,
        "aliases" | "alias" | "shortnames" | "shortname" | "简称" | "别名" | "简称别名"
        | "别名简称" | "企业简称" | "简称或别名" => Col::Aliases,
        "ambiguous" | "ambiguousnames" | "需锚定简称" | "需锚定" | "泛称" | "歧义简称" => {
            Col::Ambiguous
        }
        "brands" | "brand" | "品牌" | "项目品牌" | "品牌项目" | "重点项目" => {
            Col::Brands
        }
        "parent" | "parentid" | "上级企业" | "上级" | "上级单位" | "母公司" | "所属集团"
        | "上级企业编号" => Col::Parent,
        "formernames" | "formername" | "former" | "曾用名" | "原名" | "曾用名称" | "曾用名名称" => {
            Col::Former
        }
        "formeruntil"
        | "formernameuntil"
        | "formernamesuntil"
        | "until"
        | "曾用名截止日期"
        | "曾用名截止"
        | "曾用名截止时间"
        | "截止日期"
        | "曾用名使用截止日期" => Col::FormerUntil,
        _ => return None,
    };
    Some(col)
}

/// A second header row's label under a merged one (曾用名 over 名称 | 截止日期).
fn combine(top: &str, sub: &str) -> Option<Col> {
    if norm(top) == norm(sub) {
        return recognise(top);
    }
    recognise(&format!("{top}{sub}")).or_else(|| match (recognise(top), norm(sub).as_str()) {
        (Some(Col::Former), "截止日期" | "日期" | "截止" | "until" | "date") => {
            Some(Col::FormerUntil)
        }
        (Some(c), "名称" | "name") => Some(c),
        _ => recognise(sub).or_else(|| recognise(top)),
    })
}

/// A label that can stand under a merged header cell.
fn is_sub_label(label: &str) -> bool {
    recognise(label).is_some()
        || matches!(
            norm(label).as_str(),
            "名称" | "name" | "截止日期" | "日期" | "截止" | "until" | "date"
        )
}

/// The columns of a sheet: which column holds what, its label as written,
/// and the index of the first data row.
pub(super) struct Header {
    pub(super) cols: Vec<(usize, Col, String)>,
    pub(super) data_from: usize,
}

impl Header {
    pub(super) fn has(&self, c: Col) -> bool {
        self.cols.iter().any(|(_, k, _)| *k == c)
    }
    pub(super) fn label(&self, c: Col) -> String {
        self.cols
            .iter()
            .find(|(_, k, _)| *k == c)
            .map(|(_, _, l)| l.clone())
            .unwrap_or_default()
    }
}

pub(super) fn find_header(rows: &[Row]) -> Option<Header> {
    for (h, row) in rows.iter().enumerate().take(20) {
        let labels: Vec<String> = row.cells.iter().map(Cell::text).collect();
        let found: Vec<Option<Col>> = labels.iter().map(|l| recognise(l)).collect();
        if !(found.contains(&Some(Col::Id)) && found.contains(&Some(Col::Name))) {
            continue;
        }
        // A second header row: labels under the first (a merged cell filled
        // down repeats the label above), each one a header word, at least
        // one of them new.
        let sub = rows.get(h + 1).map(|r| {
            r.cells
                .iter()
                .map(Cell::text)
                .enumerate()
                .collect::<Vec<_>>()
        });
        let is_sub = sub.as_ref().is_some_and(|cells| {
            let mut any = false;
            for (c, text) in cells {
                let top = labels.get(*c).map(String::as_str).unwrap_or_default();
                if text.is_empty() || norm(text) == norm(top) {
                    continue;
                }
                if top.is_empty() || !is_sub_label(text) {
                    return false;
                }
                any = true;
            }
            any
        });
        let mut cols = Vec::new();
        for (c, top) in labels.iter().enumerate() {
            let sub_text = if is_sub {
                sub.as_ref()
                    .and_then(|s| s.get(c))
                    .map(|(_, t)| t.clone())
                    .unwrap_or_default()
            } else {
                String::new()
            };
            let (col, label) = if sub_text.is_empty() || norm(&sub_text) == norm(top) {
                (recognise(top), top.clone())
            } else {
                (combine(top, &sub_text), format!("{top}/{sub_text}"))
            };
            if let Some(col) = col {
                cols.push((c, col, label));
            }
        }
        return Some(Header {
            cols,
            data_from: h + if is_sub { 2 } else { 1 },
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_in_either_language_are_recognised() {
        assert_eq!(recognise("企业名称"), Some(Col::Name));
        assert_eq!(recognise(" 简称/别名 "), Some(Col::Aliases));
        assert_eq!(recognise("Former names"), Some(Col::Former));
        assert_eq!(recognise("曾用名截止日期"), Some(Col::FormerUntil));
        assert_eq!(recognise("序号"), None);
        assert_eq!(combine("曾用名", "截止日期"), Some(Col::FormerUntil));
        assert_eq!(combine("曾用名", "名称"), Some(Col::Former));
    }
}
