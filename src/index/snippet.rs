//! Snippets: a window of the body around the best cluster of matches, with
//! each match wrapped in `<mark>…</mark>` (the rest HTML-escaped). Matching
//! is done on folded characters, so a Traditional or full-width text is
//! marked where the query's simplified form matches.

use super::fold::fold_char;
use super::jieba::jieba_words;

/// Characters of text shown in a snippet.
pub const SNIPPET_CHARS: usize = 120;
/// Characters shown before the first match of the window.
const LEAD_IN: usize = 20;

/// Characters of context jieba sees around a whole-word needle.
const WORD_CONTEXT: usize = 4;

/// Whether jieba, looking at the text around `from..to`, cuts the needle
/// there as a word (so 国企 in 中国企业 is not marked).
fn is_word_at(folded: &[char], from: usize, to: usize, word: &str) -> bool {
    let start = from.saturating_sub(WORD_CONTEXT);
    let end = (to + WORD_CONTEXT).min(folded.len());
    let window: String = folded[start..end].iter().collect();
    jieba_words(&window).iter().any(|w| w == word)
}

/// Spans (in characters) of the non-overlapping matches of `needles` (folded)
/// in `text`, leftmost first, the longest needle winning at a position.
/// Needles also in `words` count only where jieba cuts them as a word.
pub fn match_spans(text: &str, needles: &[String], words: &[String]) -> Vec<(usize, usize, usize)> {
    let folded: Vec<char> = text.chars().map(fold_char).collect();
    let whole: Vec<bool> = needles.iter().map(|n| words.contains(n)).collect();
    let texts = needles;
    let needles: Vec<Vec<char>> = needles.iter().map(|n| n.chars().collect()).collect();
    let mut order: Vec<usize> = (0..needles.len())
        .filter(|&i| !needles[i].is_empty())
        .collect();
    order.sort_by_key(|&i| std::cmp::Reverse(needles[i].len()));
    let mut spans = Vec::new();
    let mut i = 0;
    while i < folded.len() {
        let hit = order
            .iter()
            .find(|&&n| {
                folded[i..].starts_with(&needles[n])
                    && (!whole[n] || is_word_at(&folded, i, i + needles[n].len(), &texts[n]))
            })
            .map(|&n| (n, needles[n].len()));
        match hit {
            Some((n, len)) => {
                spans.push((i, i + len, n));
                i += len;
            }
            None => i += 1,
        }
    }
    spans
}

fn escape_into(out: &mut String, c: char) {
    match c {
        '&' => out.push_str("&amp;"),
        '<' => out.push_str("&lt;"),
        '>' => out.push_str("&gt;"),
        '"' => out.push_str("&quot;"),
        c if c.is_whitespace() => {
            if !out.ends_with(' ') {
                out.push(' ');
            }
        }
        c => out.push(c),
    }
}

/// The snippet of `text` for `needles` (see the module documentation).
pub fn snippet(text: &str, needles: &[String], words: &[String]) -> String {
    let chars: Vec<char> = text.trim().chars().collect();
    let trimmed: String = chars.iter().collect();
    let spans = match_spans(&trimmed, needles, words);
    let mut start = 0usize;
    let mut best = (0usize, 0usize);
    for (k, &(from, _, _)) in spans.iter().enumerate() {
        let s = from.saturating_sub(LEAD_IN);
        let inside: Vec<&(usize, usize, usize)> = spans[k..]
            .iter()
            .take_while(|(_, to, _)| *to <= s + SNIPPET_CHARS)
            .collect();
        let mut distinct: Vec<usize> = inside.iter().map(|m| m.2).collect();
        distinct.sort_unstable();
        distinct.dedup();
        let score = (distinct.len(), inside.len());
        if score > best {
            best = score;
            start = s;
        }
    }
    let end = (start + SNIPPET_CHARS).min(chars.len());
    start = start.min(end.saturating_sub(SNIPPET_CHARS));
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    let mut spans = spans
        .iter()
        .filter(|(f, t, _)| *f >= start && *t <= end)
        .peekable();
    let mut i = start;
    while i < end {
        if let Some(&&(from, to, _)) = spans.peek()
            && from == i
        {
            out.push_str("<mark>");
            for &c in &chars[from..to] {
                escape_into(&mut out, c);
            }
            out.push_str("</mark>");
            spans.next();
            i = to;
            continue;
        }
        escape_into(&mut out, chars[i]);
        i += 1;
    }
    if end < chars.len() {
        out.push('…');
    }
    out
}

/// A snippet for a terminal: marks become bold yellow (or `[…]` without
/// colour) and entities are unescaped.
pub fn for_terminal(snippet: &str, colour: bool) -> String {
    let (on, off) = if colour {
        ("\x1b[1;33m", "\x1b[0m")
    } else {
        ("[", "]")
    };
    snippet
        .replace("<mark>", on)
        .replace("</mark>", off)
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn marks_matches_in_chinese_text() {
        let s = snippet("今年重庆三峡银行推进混改。", &n(&["三峡银行", "混改"]), &[]);
        assert_eq!(s, "今年重庆<mark>三峡银行</mark>推进<mark>混改</mark>。");
    }

    #[test]
    fn marks_the_original_traditional_characters() {
        let s = snippet("重慶三峽銀行", &n(&["三峡银行"]), &[]);
        assert_eq!(s, "重慶<mark>三峽銀行</mark>");
    }

    #[test]
    fn longest_needle_wins_and_html_is_escaped() {
        let s = snippet("<b>国有企业</b>&国企", &n(&["国企", "国有企业"]), &[]);
        assert_eq!(
            s,
            "&lt;b&gt;<mark>国有企业</mark>&lt;/b&gt;&amp;<mark>国企</mark>"
        );
    }

    #[test]
    fn window_moves_to_the_matches() {
        let text = format!("{}混改{}", "无关".repeat(200), "内容".repeat(200));
        let s = snippet(&text, &n(&["混改"]), &[]);
        assert!(s.starts_with('…') && s.ends_with('…'), "{s}");
        assert!(s.contains("<mark>混改</mark>"));
        assert_eq!(
            s.replace("<mark>", "")
                .replace("</mark>", "")
                .chars()
                .count(),
            SNIPPET_CHARS + 2
        );
    }

    #[test]
    fn whole_word_needles_skip_longer_words() {
        let s = snippet("中国企业和市属国企", &n(&["国企"]), &n(&["国企"]));
        assert_eq!(s, "中国企业和市属<mark>国企</mark>");
        let s = snippet("中国企业和市属国企", &n(&["国企"]), &[]);
        assert_eq!(s, "中<mark>国企</mark>业和市属<mark>国企</mark>");
    }

    #[test]
    fn terminal_form() {
        assert_eq!(for_terminal("a<mark>b</mark>&amp;", false), "a[b]&");
    }
}
