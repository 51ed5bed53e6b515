//! Print citations on web reprints. 人民网 and other web copies end with
//! `《 人民日报 》（ 2026年03月04日 05 版）` (spaces optional, `第 05 版` and
//! letter pages such as `A05 版` too); this becomes a
//! [`PrintCitation`] so a web copy can evidence a print report the e-paper
//! archive no longer serves.

use super::dates::ymd;
use crate::model::PrintCitation;
use regex::Regex;
use std::sync::LazyLock;

static CITATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"《\s*(\p{Han}{2,10})\s*》\s*[（(]\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*(?:第\s*)?([A-Za-z]?\s*\d{1,3})\s*版\s*[）)]",
    )
    .expect("static regex")
});

/// Normalise a page number: `5` → `05版`, `a5` → `A05版`.
pub(crate) fn page_name(raw: &str) -> String {
    let raw: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
    let (letter, digits): (String, String) = raw.chars().partition(|c| c.is_ascii_alphabetic());
    let n: u32 = digits.parse().unwrap_or(0);
    format!("{}{:02}版", letter.to_uppercase(), n)
}

/// The last print citation in `text` (reprints put it at the end).
pub fn find_citation(text: &str) -> Option<PrintCitation> {
    CITATION
        .captures_iter(text)
        .filter_map(|c| {
            let date = ymd(&c[2], &c[3], &c[4])?;
            Some(PrintCitation {
                outlet: c[1].to_string(),
                date,
                page: Some(page_name(&c[5])),
            })
        })
        .last()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn people_daily_with_spaces() {
        let c = find_citation("正文……\n《 人民日报 》（ 2026年03月04日 05 版）").expect("citation");
        assert_eq!(c.outlet, "人民日报");
        assert_eq!(c.date, NaiveDate::from_ymd_opt(2026, 3, 4).expect("date"));
        assert_eq!(c.page.as_deref(), Some("05版"));
    }

    #[test]
    fn other_outlets_and_variants() {
        let c = find_citation("《光明日报》（2026年1月9日 第3版）").expect("citation");
        assert_eq!(
            (c.outlet.as_str(), c.page.as_deref()),
            ("光明日报", Some("03版"))
        );
        let c = find_citation("（《经济日报》(2026年02月10日 A05版)）").expect("citation");
        assert_eq!(
            (c.outlet.as_str(), c.page.as_deref()),
            ("经济日报", Some("A05版"))
        );
        assert_eq!(c.date, NaiveDate::from_ymd_opt(2026, 2, 10).expect("date"));
    }

    #[test]
    fn last_one_wins_and_garbage_rejected() {
        let c = find_citation(
            "《人民日报》（2025年12月01日 01 版）…《人民日报》（2026年01月02日 02 版）",
        )
        .expect("citation");
        assert_eq!(c.page.as_deref(), Some("02版"));
        assert!(find_citation("《人民日报》（2026年13月40日 01 版）").is_none());
        assert!(find_citation("读《人民日报》有感").is_none());
    }
}
