//! List mentions: a name inside an enumeration of three or more
//! organisations (万州城投集团、三峡水务集团、万州港口集团等单位, or
//! …等30家企业), or in a paragraph that is a list: a 名单/参会单位/附件/
//! 排名/公示 paragraph naming several organisations, an inline numbered
//! list, or a run of short lines each holding one organisation's name
//! (numbered or under a heading such as 参会单位：). A list mention is never
//! evidence on its own. Works on normalised text: 、 and 。 stay as they
//! are, the full-width ，；：！？ have become their ASCII forms.

use super::words::{LIST_MARKERS, ORG_SUFFIXES};

const STRONG: &[char] = &['、'];
const WEAK: &[char] = &['，', ',', '；', ';'];
const STOP: &[char] = &['。', '！', '？', '!', '?', '：', ':', '\n', '(', ')'];
/// Contained anywhere, these make a piece a name; other suffixes must end it.
const STRONG_ORG: &[&str] = &["公司", "集团", "银行", "有限"];

fn is_sep(c: char) -> bool {
    STRONG.contains(&c) || WEAK.contains(&c) || STOP.contains(&c)
}

/// Does this piece of text name an organisation (ends in or holds an
/// organisation suffix, or holds one of our hits)?
fn org_like(item: &str, has_hit: &dyn Fn(usize, usize) -> bool, at: usize) -> bool {
    if has_hit(at, at + item.len()) || STRONG_ORG.iter().any(|s| item.contains(s)) {
        return true;
    }
    let head = item.split('等').next().unwrap_or(item).trim_matches('"');
    ORG_SUFFIXES.iter().any(|s| head.ends_with(s))
}

/// Is the piece just a name (万州港口集团, 万州港口集团等单位), not a clause
/// about one (万州港口集团以混改激发活力)?
fn name_only(item: &str, has_hit: &dyn Fn(usize, usize) -> bool, at: usize) -> bool {
    let head = item.split('等').next().unwrap_or(item).trim_matches('"');
    ORG_SUFFIXES.iter().any(|s| head.ends_with(s))
        || (head.chars().count() <= 12 && has_hit(at, at + item.len()))
}

/// Does a neighbouring item join the enumeration across separator `sep`?
/// Across 、 any piece naming an organisation does; across ，； only bare
/// names do, and only when the hit's own item is a bare name too.
fn joins(
    sep: char,
    item: &str,
    at: usize,
    own_is_name: bool,
    has_hit: &dyn Fn(usize, usize) -> bool,
) -> bool {
    if STRONG.contains(&sep) {
        item.chars().count() <= 40 && org_like(item, has_hit, at)
    } else {
        own_is_name && item.chars().count() <= 20 && name_only(item, has_hit, at)
    }
}

/// How many organisations an item names: pieces joined by 和/及/与 that
/// each look like a name (at least one when the item does).
fn orgs_in(item: &str, has_hit: &dyn Fn(usize, usize) -> bool, at: usize) -> usize {
    let mut count = 0;
    let mut offset = 0;
    for piece in item.split(['和', '及', '与']) {
        if !piece.is_empty() && org_like(piece, has_hit, at + offset) {
            count += 1;
        }
        offset += piece.len() + '和'.len_utf8();
    }
    count.max(usize::from(org_like(item, has_hit, at)))
}

/// `等30家` / `等十二家` right after the hit (within its item): the number.
fn and_others(tail: &str) -> Option<usize> {
    let pos = tail.find('等')?;
    let rest = &tail[pos + '等'.len_utf8()..];
    let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
    let (n, after) = if !digits.is_empty() {
        (digits.parse::<usize>().ok()?, &rest[digits.len()..])
    } else {
        let zh: String = rest
            .chars()
            .take_while(|c| zh_digit(*c).is_some())
            .collect();
        (zh_number(&zh)?, &rest[zh.len()..])
    };
    if after.starts_with('家') || after.starts_with('个') || after.starts_with("户") {
        Some(n)
    } else {
        None
    }
}

fn zh_digit(c: char) -> Option<usize> {
    "零一二三四五六七八九十百"
        .chars()
        .position(|d| d == c)
        .map(|p| [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 100][p])
}

fn zh_number(s: &str) -> Option<usize> {
    if s.is_empty() {
        return None;
    }
    let mut total = 0;
    let mut current = 0;
    for c in s.chars() {
        let d = zh_digit(c)?;
        if d >= 10 {
            total += current.max(1) * d;
            current = 0;
        } else {
            current = d;
        }
    }
    Some(total + current)
}

/// The size of the enumeration of organisations holding the hit at
/// `start..end` of `para` (1 when it stands alone). `has_hit(a, b)` tells
/// whether one of our hits lies inside `para[a..b]`.
pub fn enumeration_size(
    para: &str,
    start: usize,
    end: usize,
    has_hit: &dyn Fn(usize, usize) -> bool,
) -> usize {
    // The hit's own item.
    let left = para[..start].char_indices().rev().find(|(_, c)| is_sep(*c));
    let right = para[end..]
        .char_indices()
        .find(|(_, c)| is_sep(*c))
        .map(|(i, c)| (end + i, c));
    let item_start = left.map_or(0, |(i, c)| i + c.len_utf8());
    let item_end = right.map_or(para.len(), |(i, _)| i);
    let own = &para[item_start..item_end];
    let mut count = orgs_in(own, has_hit, item_start).max(1);
    let own_is_name =
        name_only(own, has_hit, item_start) || own[end - item_start..].starts_with('等');
    let mut last_item = (item_start, own);

    // Leftwards.
    let mut sep = left;
    while let Some((i, c)) = sep {
        if STOP.contains(&c) {
            break;
        }
        let prev = para[..i].char_indices().rev().find(|(_, c)| is_sep(*c));
        let s = prev.map_or(0, |(j, c)| j + c.len_utf8());
        let item = &para[s..i];
        if !joins(c, item, s, own_is_name, has_hit) {
            break;
        }
        count += orgs_in(item, has_hit, s);
        sep = prev;
    }
    // Rightwards.
    let mut sep = right;
    while let Some((i, c)) = sep {
        if STOP.contains(&c) {
            break;
        }
        let s = i + c.len_utf8();
        let next = para[s..]
            .char_indices()
            .find(|(_, c)| is_sep(*c))
            .map(|(j, c)| (s + j, c));
        let e = next.map_or(para.len(), |(j, _)| j);
        let item = &para[s..e];
        if !joins(c, item, s, own_is_name, has_hit) {
            break;
        }
        count += orgs_in(item, has_hit, s);
        last_item = (s, item);
        sep = next;
    }
    // …等30家企业 in the last item of the run (or the hit's own).
    let tail_from = if last_item.0 == item_start {
        end - item_start
    } else {
        0
    };
    if let Some(n) = and_others(&last_item.1[tail_from.min(last_item.1.len())..]) {
        count = count.max(n);
    }
    count
}

/// Strips a leading number (1. 1、 (1) 一、 ①) from a line; `None` if it
/// has none.
fn strip_numbering(line: &str) -> Option<&str> {
    let t = line.trim_start();
    let mut chars = t.char_indices().peekable();
    let (_, first) = *chars.peek()?;
    if ('①'..='⑳').contains(&first) {
        return Some(&t[first.len_utf8()..]);
    }
    if first == '(' {
        let close = t.find(')')?;
        let inner = &t[1..close];
        if !inner.is_empty()
            && inner.chars().count() <= 3
            && inner
                .chars()
                .all(|c| c.is_ascii_digit() || zh_digit(c).is_some())
        {
            return Some(&t[close + 1..]);
        }
        return None;
    }
    let num_end = t
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_digit() || zh_digit(*c).is_some()))
        .map(|(i, _)| i)?;
    if num_end == 0 || t[..num_end].chars().count() > 3 {
        return None;
    }
    let rest = &t[num_end..];
    let sep = rest.chars().next()?;
    if matches!(sep, '.' | '、' | '．' | ')' | '，' | ',' | ' ') {
        Some(&rest[sep.len_utf8()..])
    } else {
        None
    }
}

/// How many inline numbers (1. 2. 3.; (1)(2)(3); ①②③) a paragraph holds.
/// One pass, no copy: pairs and triples of consecutive characters.
fn inline_numbers(para: &str) -> usize {
    let (mut circled, mut dotted, mut bracketed) = (0, 0, 0);
    let (mut p2, mut p1) = ('\0', '\0');
    for c in para.chars() {
        if ('①'..='⑳').contains(&c) {
            circled += 1;
        }
        if p1.is_ascii_digit() && matches!(c, '.' | '、' | '．') {
            dotted += 1;
        }
        if p2 == '(' && p1.is_ascii_digit() && c == ')' {
            bracketed += 1;
        }
        p2 = p1;
        p1 = c;
    }
    circled.max(dotted).max(bracketed)
}

/// Does the text hold a list marker (名单, 附件, …)?
fn has_marker(text: &str) -> bool {
    LIST_MARKERS.iter().any(|m| text.contains(m))
}

/// A short line holding one organisation's name (a list row).
fn org_line(line: &str, has_hit: &dyn Fn(usize, usize) -> bool, at: usize) -> bool {
    let body = strip_numbering(line).unwrap_or(line);
    let body = body.trim_end_matches(['；', ';', '，', ',', '。']);
    // Only whether it is 1 to 40 matters: count no further.
    let n = body.chars().take(41).count();
    n > 0
        && n <= 40
        && !body.contains(['。', '，', ',', '！', '!', '？', '?', '：', ':'])
        && org_like(
            body,
            has_hit,
            at + (line.len() - body.len()).min(line.len()),
        )
}

/// Which body lines are lists, worked out only for the lines asked about
/// (the lines holding hits) and their neighbours.
pub struct LineLists<'a> {
    lines: &'a [&'a str],
    starts: &'a [usize],
    org: Vec<Option<bool>>,
    memo: Vec<Option<Option<usize>>>,
}

impl<'a> LineLists<'a> {
    /// `starts[i]` is line i's byte offset in the whole normalised body.
    pub fn new(lines: &'a [&'a str], starts: &'a [usize]) -> LineLists<'a> {
        LineLists {
            lines,
            starts,
            org: vec![None; lines.len()],
            memo: vec![None; lines.len()],
        }
    }

    fn is_org_line(&mut self, k: usize, has_hit: &dyn Fn(usize, usize) -> bool) -> bool {
        if let Some(v) = self.org[k] {
            return v;
        }
        let v = org_line(
            self.lines[k],
            has_hit,
            self.starts.get(k).copied().unwrap_or(0),
        );
        self.org[k] = Some(v);
        v
    }

    fn blank(&self, k: usize) -> bool {
        self.lines[k].trim().is_empty()
    }

    /// The size of the list line `k` belongs to when the whole line is a
    /// list, else `None`. `has_hit(a, b)` takes byte offsets in the body.
    pub fn get(&mut self, k: usize, has_hit: &dyn Fn(usize, usize) -> bool) -> Option<usize> {
        if k >= self.lines.len() {
            return None;
        }
        if let Some(v) = self.memo[k] {
            return v;
        }
        let mut out = None;
        if self.is_org_line(k, has_hit) {
            // The run of one-name lines around k (blank lines do not break it).
            let mut members = vec![k];
            let mut prev = None;
            for j in (0..k).rev() {
                if self.blank(j) {
                    continue;
                }
                if self.is_org_line(j, has_hit) {
                    members.push(j);
                } else {
                    prev = Some(j);
                    break;
                }
            }
            for j in k + 1..self.lines.len() {
                if self.blank(j) {
                    continue;
                }
                if self.is_org_line(j, has_hit) {
                    members.push(j);
                } else {
                    break;
                }
            }
            let under_heading = prev.is_some_and(|i| {
                let l = self.lines[i].trim();
                has_marker(l) || l.ends_with('：') || l.ends_with(':')
            });
            let numbered = members
                .iter()
                .filter(|&&m| strip_numbering(self.lines[m]).is_some())
                .count();
            if members.len() >= 3 || (under_heading && (numbered >= 1 || members.len() >= 2)) {
                let size = Some(members.len().max(3));
                for &m in &members {
                    self.memo[m] = Some(size);
                }
                return size;
            }
        }
        // A marker paragraph naming several organisations, or an inline list.
        let line = self.lines[k];
        let marked = has_marker(line);
        let numbers = inline_numbers(line);
        if marked || numbers >= 3 {
            let items = line
                .split(['、', '，', '；', ',', ';', '：', ':', ' '])
                .filter(|p| {
                    !p.is_empty()
                        && p.chars().count() <= 30
                        && !has_marker(p)
                        && org_like(p, &|_, _| false, 0)
                })
                .count();
            if items >= 2 {
                out = Some(items.max(numbers));
            }
        }
        self.memo[k] = Some(out);
        out
    }
}

/// Every line's list size (see `LineLists::get`).
#[cfg(test)]
pub fn list_lines(
    lines: &[&str],
    starts: &[usize],
    has_hit: &dyn Fn(usize, usize) -> bool,
) -> Vec<Option<usize>> {
    let mut ll = LineLists::new(lines, starts);
    (0..lines.len()).map(|k| ll.get(k, has_hit)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_hits(_: usize, _: usize) -> bool {
        false
    }

    fn size(para: &str, name: &str) -> usize {
        let s = para.find(name).expect("name");
        enumeration_size(para, s, s + name.len(), &no_hits)
    }

    #[test]
    fn enumerations() {
        let p = "会议邀请万州城投集团、三峡水务集团、万州港口集团等单位参加。";
        assert_eq!(size(p, "三峡水务集团"), 3);
        assert_eq!(size(p, "万州城投集团"), 3);
        let p = "万州城投集团、万州交投集团联合出资成立新公司。";
        assert_eq!(size(p, "万州城投集团"), 2);
        let p = "万州城投集团等30家企业入选。";
        assert_eq!(size(p, "万州城投集团"), 30);
        let p = "万州城投集团等十二家企业入选。";
        assert_eq!(size(p, "万州城投集团"), 12);
        let p = "万州城投集团坚持以改革促发展，三年来营收翻番，资产规模突破千亿元。";
        assert_eq!(size(p, "万州城投集团"), 1);
        let p = "参加座谈的有三峡水务集团和万州港口集团、万州城投集团负责人。";
        assert_eq!(size(p, "万州城投集团"), 3);
    }

    #[test]
    fn list_paragraphs() {
        let lines = [
            "附件：2023年度改革先进单位名单",
            "1.重庆市万州区城市建设投资集团有限公司",
            "2.重庆三峡水务集团有限公司",
            "3.重庆万州港口集团有限责任公司",
            "万州城投集团坚持改革，成效明显。",
        ];
        let mut starts = vec![0];
        for l in &lines {
            starts.push(starts.last().copied().unwrap_or(0) + l.len() + 1);
        }
        let out = list_lines(&lines, &starts, &no_hits);
        assert_eq!(out, vec![None, Some(3), Some(3), Some(3), None]);
        let lines = ["参会单位：万州城投集团、三峡水务集团、万州港口集团、万州交投集团。"];
        assert_eq!(list_lines(&lines, &[0], &no_hits), vec![Some(4)]);
        let lines = ["万州城投集团入选“双百企业”名单，是全市唯一入选的区县国企。"];
        assert_eq!(list_lines(&lines, &[0], &no_hits), vec![None]);
    }

    #[test]
    fn numbering() {
        assert_eq!(strip_numbering("1.万州城投"), Some("万州城投"));
        assert_eq!(strip_numbering("(12)万州城投"), Some("万州城投"));
        assert_eq!(strip_numbering("一、万州城投"), Some("万州城投"));
        assert_eq!(strip_numbering("万州城投"), None);
        assert_eq!(strip_numbering("2023年"), None);
    }
}
