//! What a reviewer reads to decide: the sentences of the body that name the
//! enterprise (from the mentions matching recorded, or the enterprise's
//! names when it recorded none), each with its paragraph, and the depth
//! signals in one line of words against the thresholds of `rules.toml`.

use crate::model::{DepthSignals, DepthThresholds, Registry};
use crate::store::StoredMention;

/// One sentence naming the enterprise: its paragraph (from 1) and its text
/// split into (is a mention, text).
#[derive(Debug, Clone, PartialEq)]
pub struct Passage {
    pub paragraph: usize,
    pub parts: Vec<(bool, String)>,
}

/// The passages of a body and the counts every view of the candidate shows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Passages {
    pub passages: Vec<Passage>,
    /// Mentions in the body that count as evidence (anchored, not in a list).
    pub body_mentions: usize,
    /// Body paragraphs with a counting mention, and all non-empty ones.
    pub paragraphs_with: usize,
    pub paragraphs: usize,
    /// The enterprise is named in the title.
    pub in_title: bool,
}

/// The longest a passage is shown (characters), centred on its mentions.
const MAX_CHARS: usize = 150;

fn is_end(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '!' | '?' | '；' | ';')
}

/// The sentence of `chars` around `[start, end)`: from after the previous
/// sentence end to the next one (inclusive).
fn sentence_bounds(chars: &[char], start: usize, end: usize) -> (usize, usize) {
    let from = chars[..start]
        .iter()
        .rposition(|c| is_end(*c))
        .map_or(0, |i| i + 1);
    let to = chars[end..]
        .iter()
        .position(|c| is_end(*c))
        .map_or(chars.len(), |i| end + i + 1);
    (from, to)
}

/// The names of an enterprise and of the one it counts for, longest first.
pub fn names_of(registry: &Registry, ids: &[&str]) -> Vec<String> {
    let mut names: Vec<String> = ids
        .iter()
        .filter_map(|id| registry.get(id))
        .flat_map(|e| e.all_aliases().into_iter().map(|a| a.text))
        .collect();
    names.sort_by_key(|n| std::cmp::Reverse(n.chars().count()));
    names.dedup();
    names
}

/// Where any of `names` occurs in `chars`, as character ranges.
fn find_names(chars: &[char], names: &[Vec<char>]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if let Some(n) = names
            .iter()
            .find(|n| !n.is_empty() && chars[i..].starts_with(n))
        {
            out.push((i, i + n.len()));
            i += n.len();
        } else {
            i += 1;
        }
    }
    out
}

/// The passages of `body` naming the enterprise: from `mentions` (matching's
/// record), or, when it has none in the body, wherever `names` occur.
pub fn passages(title: &str, body: &str, mentions: &[StoredMention], names: &[String]) -> Passages {
    let lines: Vec<&str> = body.split('\n').collect();
    let paragraphs = lines.iter().filter(|l| !l.trim().is_empty()).count();
    let name_chars: Vec<Vec<char>> = names.iter().map(|n| n.chars().collect()).collect();
    // (paragraph from 1, ranges) from the recorded mentions that count.
    let mut by_para: Vec<(usize, Vec<(usize, usize)>)> = Vec::new();
    let mut counting_paras: Vec<usize> = Vec::new();
    let mut body_mentions = 0;
    for m in mentions.iter().filter(|m| m.paragraph >= 1 && m.anchored) {
        let Some(line) = lines.get(m.paragraph - 1) else {
            continue;
        };
        if m.start >= m.end || m.end > line.chars().count() {
            continue;
        }
        counting_paras.push(m.paragraph);
        if m.in_list {
            continue;
        }
        body_mentions += 1;
        match by_para.iter_mut().find(|(p, _)| *p == m.paragraph) {
            Some((_, r)) => r.push((m.start, m.end)),
            None => by_para.push((m.paragraph, vec![(m.start, m.end)])),
        }
    }
    // Nothing recorded in the body (a candidate proposed by hand): the names.
    if by_para.is_empty() && counting_paras.is_empty() {
        for (i, line) in lines.iter().enumerate() {
            let chars: Vec<char> = line.chars().collect();
            let found = find_names(&chars, &name_chars);
            if !found.is_empty() {
                body_mentions += found.len();
                counting_paras.push(i + 1);
                by_para.push((i + 1, found));
            }
        }
    }
    counting_paras.sort_unstable();
    counting_paras.dedup();
    let mut out = Vec::new();
    for (paragraph, ranges) in &by_para {
        let chars: Vec<char> = lines[paragraph - 1].chars().collect();
        let mut sentences: Vec<(usize, usize)> = Vec::new();
        for &(s, e) in ranges {
            let b = sentence_bounds(&chars, s, e);
            if !sentences.contains(&b) {
                sentences.push(b);
            }
        }
        for (from, to) in sentences {
            let inside: Vec<(usize, usize)> = ranges
                .iter()
                .copied()
                .filter(|&(s, e)| s >= from && e <= to)
                .collect();
            // Long sentences are cut around their first mention.
            let (from, to, cut_left, cut_right) = if to - from > MAX_CHARS {
                let first = inside.first().map_or(from, |r| r.0);
                let f = first.saturating_sub(MAX_CHARS / 3).max(from);
                let t = (f + MAX_CHARS).min(to);
                (f, t, f > from, t < to)
            } else {
                (from, to, false, false)
            };
            let mut parts: Vec<(bool, String)> = Vec::new();
            if cut_left {
                parts.push((false, "…".into()));
            }
            let mut at = from;
            for &(s, e) in inside.iter().filter(|&&(s, e)| s >= from && e <= to) {
                if s < at {
                    continue;
                }
                if at < s {
                    parts.push((false, chars[at..s].iter().collect()));
                }
                parts.push((true, chars[s..e].iter().collect()));
                at = e;
            }
            if at < to {
                parts.push((false, chars[at..to].iter().collect()));
            }
            if cut_right {
                parts.push((false, "…".into()));
            }
            let text: String = parts.iter().map(|(_, t)| t.as_str()).collect();
            if !text.trim().is_empty() {
                out.push(Passage {
                    paragraph: *paragraph,
                    parts,
                });
            }
        }
    }
    let title_chars: Vec<char> = title.chars().collect();
    let in_title = mentions.iter().any(|m| m.in_title && m.anchored)
        || !find_names(&title_chars, &name_chars).is_empty();
    Passages {
        passages: out,
        body_mentions,
        paragraphs_with: counting_paras.len(),
        paragraphs,
        in_title,
    }
}

/// The verdict in one line: whether the signals make it a report in depth
/// by `rules.toml`'s thresholds, and why, in words.
pub fn verdict(t: &DepthThresholds, p: &Passages, d: Option<&DepthSignals>) -> (bool, String) {
    let length = d.map_or(0, |d| d.length);
    let share = if p.paragraphs == 0 {
        0.0
    } else {
        p.paragraphs_with as f64 / p.paragraphs as f64
    };
    let by_title = t.title_counts && p.in_title;
    let by_body =
        share >= t.paragraph_share && p.body_mentions >= t.min_mentions && length >= t.min_length;
    let deep = by_title || by_body;
    let mut why: Vec<String> = Vec::new();
    why.push(if p.in_title {
        "标题提及".into()
    } else {
        "标题未提及".into()
    });
    why.push(format!(
        "{}/{} 段提及{}",
        p.paragraphs_with,
        p.paragraphs,
        if share >= t.paragraph_share {
            ""
        } else {
            "（不足 "
        }
    ));
    if share < t.paragraph_share {
        let last = why.len() - 1;
        why[last].push_str(&format!("{:.0}%）", t.paragraph_share * 100.0));
    }
    why.push(format!(
        "正文 {} 处{}",
        p.body_mentions,
        if p.body_mentions >= t.min_mentions {
            String::new()
        } else {
            format!("（不足 {} 处）", t.min_mentions)
        }
    ));
    if length > 0 {
        why.push(format!(
            "{length} 字{}",
            if length >= t.min_length {
                String::new()
            } else {
                format!("（不足 {} 字）", t.min_length)
            }
        ));
    }
    if let Some(d) = d.filter(|d| d.reform_density > 0.0) {
        why.push(format!(
            "改革词汇 {:.1} 次/千字（{}）",
            d.reform_density,
            if d.reform_density >= t.reform_density {
                "充分"
            } else {
                "偏少"
            }
        ));
    }
    (
        deep,
        format!(
            "深度报道：{} — {}",
            if deep { "是" } else { "否" },
            why.join("，")
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(paragraph: usize, start: usize, end: usize) -> StoredMention {
        StoredMention {
            alias: "万州港".into(),
            paragraph,
            start,
            end,
            in_title: paragraph == 0,
            in_list: false,
            anchored: true,
        }
    }

    #[test]
    fn the_sentence_of_each_mention_is_cut_out_with_its_paragraph() {
        let body = "第一段没有。\n据悉，万州港推进改革。另一句话。\n\n末段万州港再次出现！";
        let p = passages("标题", body, &[m(2, 3, 6), m(4, 2, 5)], &[]);
        assert_eq!(p.passages.len(), 2);
        assert_eq!(p.passages[0].paragraph, 2);
        assert_eq!(
            p.passages[0].parts,
            vec![
                (false, "据悉，".to_string()),
                (true, "万州港".to_string()),
                (false, "推进改革。".to_string())
            ]
        );
        assert_eq!(p.passages[1].paragraph, 4);
        assert_eq!(
            (p.body_mentions, p.paragraphs_with, p.paragraphs),
            (2, 2, 3)
        );
        assert!(!p.in_title);
    }

    #[test]
    fn without_recorded_mentions_the_names_are_found() {
        let names = vec!["万州港".to_string()];
        let p = passages("万州港改革", "甲。万州港好。", &[], &names);
        assert_eq!(p.passages.len(), 1);
        assert!(p.in_title);
        assert_eq!(p.body_mentions, 1);
    }

    #[test]
    fn the_verdict_follows_the_thresholds_of_the_rules() {
        let t = DepthThresholds::default();
        let p = Passages {
            passages: vec![],
            body_mentions: 4,
            paragraphs_with: 4,
            paragraphs: 4,
            in_title: true,
        };
        let d = DepthSignals {
            length: 900,
            reform_density: 36.4,
            ..DepthSignals::default()
        };
        let (deep, line) = verdict(&t, &p, Some(&d));
        assert!(deep);
        assert_eq!(
            line,
            "深度报道：是 — 标题提及，4/4 段提及，正文 4 处，900 字，改革词汇 36.4 次/千字（充分）"
        );
        let thin = Passages {
            in_title: false,
            paragraphs_with: 1,
            body_mentions: 1,
            ..p
        };
        let (deep, line) = verdict(&t, &thin, Some(&d));
        assert!(!deep);
        assert!(line.contains("1/4 段提及（不足 50%）"), "{line}");
        assert!(line.contains("正文 1 处（不足 3 处）"), "{line}");
        // A stricter threshold in rules.toml changes the verdict, not code.
        let strict = DepthThresholds {
            title_counts: false,
            ..t
        };
        let titled_only = Passages {
            in_title: true,
            ..thin
        };
        assert!(!verdict(&strict, &titled_only, Some(&d)).0);
    }
}
