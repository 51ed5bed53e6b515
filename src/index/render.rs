//! Plain-text rendering of search results for a terminal (`radar search`
//! without `--json`): numbered hits with a highlighted snippet, then the
//! facets, then a one-line summary.

use super::snippet::for_terminal;
use super::types::SearchResults;
use std::collections::BTreeMap;
use std::fmt::Write;

fn counts(map: &BTreeMap<String, u64>, by_count: bool) -> String {
    let mut v: Vec<(&String, &u64)> = map.iter().collect();
    if by_count {
        v.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    } else {
        v.sort_by(|a, b| b.0.cmp(a.0));
    }
    v.iter()
        .map(|(k, n)| format!("{k} {n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The results as text; `colour` highlights matches with ANSI codes instead
/// of `[…]`.
pub fn render_plain(r: &SearchResults, colour: bool) -> String {
    let mut out = String::new();
    for (i, h) in r.hits.iter().enumerate() {
        let date = h.published.as_deref().unwrap_or("no date");
        let _ = writeln!(out, "{:>3}. {}", i + 1, h.title);
        let _ = writeln!(
            out,
            "     {date} · {} · score {:.2} · {}",
            h.outlet, h.score, h.id
        );
        let _ = writeln!(out, "     {}", h.url);
        let _ = writeln!(out, "     {}", for_terminal(&h.snippet, colour));
        out.push('\n');
    }
    if r.total > 0 {
        let _ = writeln!(out, "by outlet: {}", counts(&r.facets.outlet, true));
        let _ = writeln!(out, "by year:   {}", counts(&r.facets.year, false));
    }
    let _ = writeln!(
        out,
        "{}{} matching article{}, {} shown",
        if r.approximate { "about " } else { "" },
        r.total,
        if r.total == 1 { "" } else { "s" },
        r.hits.len()
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::types::{Facets, Hit};

    #[test]
    fn ends_with_a_one_line_summary() {
        let r = SearchResults {
            total: 12,
            approximate: false,
            hits: vec![Hit {
                id: "abc".into(),
                url: "https://example.cn/a".into(),
                outlet: "人民日报".into(),
                title: "标题".into(),
                published: Some("2025-03-04".into()),
                score: 1.5,
                snippet: "推进<mark>混改</mark>".into(),
            }],
            facets: Facets {
                outlet: BTreeMap::from([("人民日报".into(), 2), ("重庆日报".into(), 10)]),
                year: BTreeMap::from([("2024".into(), 5), ("2025".into(), 7)]),
            },
        };
        let text = render_plain(&r, false);
        assert!(text.contains("推进[混改]"));
        assert!(text.contains("by outlet: 重庆日报 10, 人民日报 2"));
        assert!(text.contains("by year:   2025 7, 2024 5"));
        assert_eq!(text.lines().last(), Some("12 matching articles, 1 shown"));
        assert!(render_plain(&r, true).contains("\x1b[1;33m混改\x1b[0m"));
    }
}
