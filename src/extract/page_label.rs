//! Page (版) labels of e-papers, normalised: `第01版：要闻`, `01版：要闻`,
//! `01版:头版`, `第1版 要闻`, `A01：要闻` and `(A01) 封面` all become
//! `01版：要闻` or `A01版：要闻` (a bare number becomes `01版`).

use super::citation::page_name;
use super::text::clean_inline;
use regex::Regex;
use std::sync::LazyLock;

static LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[（(]?\s*第?\s*([A-Za-z]?\s*\d{1,3})\s*[）)]?\s*(版)?\s*(?:[：:]|\s|$)\s*(.*)$")
        .expect("static regex")
});

/// Normalise a page label; `None` when `text` is not one.
pub fn parse_page_label(text: &str) -> Option<String> {
    let t = clean_inline(text);
    let c = LABEL.captures(&t)?;
    let number = page_name(&c[1]);
    let name = c.get(3).map_or("", |m| m.as_str()).trim();
    if c.get(2).is_none() && name.is_empty() && !c[1].chars().any(|ch| ch.is_ascii_alphabetic()) {
        // a bare number with neither 版 nor a name is not a label
        return None;
    }
    Some(if name.is_empty() {
        number
    } else {
        format!("{number}：{name}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        assert_eq!(
            parse_page_label("第01版：要闻").as_deref(),
            Some("01版：要闻")
        );
        assert_eq!(
            parse_page_label("01版：要闻").as_deref(),
            Some("01版：要闻")
        );
        assert_eq!(parse_page_label("01版:头版").as_deref(), Some("01版：头版"));
        assert_eq!(
            parse_page_label("第1版 要闻").as_deref(),
            Some("01版：要闻")
        );
        assert_eq!(
            parse_page_label("A01：要闻").as_deref(),
            Some("A01版：要闻")
        );
        assert_eq!(
            parse_page_label("(A01) 封面").as_deref(),
            Some("A01版：封面")
        );
        assert_eq!(
            parse_page_label(" 13版：广告 ").as_deref(),
            Some("13版：广告")
        );
        assert_eq!(parse_page_label("05版").as_deref(), Some("05版"));
    }

    #[test]
    fn rejects() {
        assert_eq!(parse_page_label("要闻"), None);
        assert_eq!(parse_page_label("2026"), None);
        assert_eq!(parse_page_label(""), None);
    }
}
