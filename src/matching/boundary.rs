//! Is a hit a name of its own, or part of a longer organisation name that
//! is not ours? Looks at the run of CJK characters attached before the hit
//! (涪陵 in 涪陵水务集团, 武汉江 in 武汉江城建投, 万州 in 万州城投集团) and
//! after it (置业有限公司 in 万州城投置业有限公司).
//!
//! Before the hit, in this order: our anchor at the end (万州, 万州区) makes
//! it ours and anchored; another place name at the end (or, for a generic
//! alias, a place name and one or two characters: 武汉江) makes it someone
//! else's; words for our own district (区, 我区, 区属) and function words or
//! verbs (与, 推动, 记者走进) leave it free; a place suffix (某某县) makes it
//! foreign; any other attached run of two or more characters before a
//! generic alias is taken as an unknown organisation's name. After the hit,
//! a business-line word (置业, 实业, 物业) or a one-character stem before
//! 公司/集团 makes it the start of another company's name.

use super::words::{
    BUSINESS_LINES, FUNCTION_CHARS, FUNCTION_WORDS, OWN_DETERMINERS, PLACE_SUFFIXES, PLACES,
};
use std::collections::HashMap;
use std::sync::LazyLock;

/// What is attached to a hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attach {
    /// Nothing that changes it.
    Free,
    /// Our district's name is attached (万州城投集团 for 城投集团).
    Anchored,
    /// Part of another organisation's name: not a mention.
    Foreign,
}

/// Place names split into ours and the others, with the anchors.
#[derive(Debug, Clone, Default)]
pub struct Places {
    /// Our anchors (万州, 万州区).
    anchor_ends: Suffixes,
    /// Places named in our own enterprises' full names (重庆, 重庆市).
    home_ends: Suffixes,
    /// Every other place.
    foreign_ends: Suffixes,
    /// Home and foreign together.
    all_ends: Suffixes,
}

/// Words indexed by their last character, longest first: the longest word
/// a text ends with, comparing only the words ending in the text's last
/// character (not every word of a list of a hundred and fifty).
#[derive(Debug, Clone, Default)]
struct Suffixes {
    by_last: HashMap<char, Vec<String>>,
}

impl Suffixes {
    fn new<'a>(words: impl IntoIterator<Item = &'a str>) -> Suffixes {
        let mut by_last: HashMap<char, Vec<String>> = HashMap::new();
        for w in words {
            if let Some(c) = w.chars().next_back() {
                by_last.entry(c).or_default().push(w.to_string());
            }
        }
        for ws in by_last.values_mut() {
            ws.sort_by_key(|w| std::cmp::Reverse(w.len()));
        }
        Suffixes { by_last }
    }

    /// The longest non-empty word `s` ends with.
    fn longest(&self, s: &str) -> Option<&str> {
        let c = s.chars().next_back()?;
        self.by_last
            .get(&c)?
            .iter()
            .find(|w| s.ends_with(w.as_str()))
            .map(String::as_str)
    }
}

/// Words indexed by their first character: does a text start with one?
struct Prefixes {
    by_first: HashMap<char, Vec<&'static str>>,
    empty: bool,
}

impl Prefixes {
    fn new(words: impl IntoIterator<Item = &'static str>) -> Prefixes {
        let mut by_first: HashMap<char, Vec<&'static str>> = HashMap::new();
        let mut empty = false;
        for w in words {
            match w.chars().next() {
                Some(c) => by_first.entry(c).or_default().push(w),
                None => empty = true,
            }
        }
        Prefixes { by_first, empty }
    }

    fn any(&self, s: &str) -> bool {
        self.empty
            || s.chars().next().is_some_and(|c| {
                self.by_first
                    .get(&c)
                    .is_some_and(|ws| ws.iter().any(|w| s.starts_with(w)))
            })
    }
}

static FUNCTION_ENDS: LazyLock<Suffixes> =
    LazyLock::new(|| Suffixes::new(FUNCTION_WORDS.iter().copied()));
static DETERMINER_ENDS: LazyLock<Suffixes> =
    LazyLock::new(|| Suffixes::new(OWN_DETERMINERS.iter().copied()));
static BUSINESS_STARTS: LazyLock<Prefixes> =
    LazyLock::new(|| Prefixes::new(BUSINESS_LINES.iter().copied()));
/// The business words of two characters or more (for a word straddling
/// the end of a hit).
static BUSINESS_STARTS_2: LazyLock<Prefixes> = LazyLock::new(|| {
    Prefixes::new(
        BUSINESS_LINES
            .iter()
            .copied()
            .filter(|w| w.chars().count() >= 2),
    )
});

impl Places {
    pub fn new(anchors: &[String], full_names: &[String]) -> Places {
        let mut home = Vec::new();
        let mut foreign = Vec::new();
        for p in PLACES {
            let p = (*p).to_string();
            if anchors
                .iter()
                .any(|a| a.starts_with(&p) || p.starts_with(a.as_str()))
            {
                continue;
            }
            if full_names.iter().any(|n| n.contains(&p)) {
                home.push(p);
            } else {
                foreign.push(p);
            }
        }
        Places {
            anchor_ends: Suffixes::new(anchors.iter().map(String::as_str)),
            home_ends: Suffixes::new(home.iter().map(String::as_str)),
            foreign_ends: Suffixes::new(foreign.iter().map(String::as_str)),
            all_ends: Suffixes::new(foreign.iter().chain(home.iter()).map(String::as_str)),
        }
    }
}

/// Every place name that is neither one of our anchors nor in our full
/// names (湖北, 武汉, 涪陵…; not 重庆 when our full names hold it).
pub fn foreign_places(anchors: &[String], full_names: &[String]) -> Vec<String> {
    PLACES
        .iter()
        .filter(|p| {
            !anchors
                .iter()
                .any(|a| a.starts_with(**p) || p.starts_with(a.as_str()))
                && !full_names.iter().any(|n| n.contains(**p))
        })
        .map(|p| (*p).to_string())
        .collect()
}

pub fn is_cjk(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c) || ('\u{3400}'..='\u{4dbf}').contains(&c)
}

const MAX_RUN: usize = 12;

/// The attached CJK characters right before `start`, in reading order.
fn run_before(text: &str, start: usize) -> &str {
    let from = text[..start]
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_cjk(*c))
        .take(MAX_RUN)
        .last()
        .map_or(start, |(i, _)| i);
    &text[from..start]
}

/// The attached CJK characters right after `end`.
fn run_after(text: &str, end: usize) -> &str {
    let to = text[end..]
        .char_indices()
        .take_while(|(_, c)| is_cjk(*c))
        .take(MAX_RUN)
        .last()
        .map_or(end, |(i, c)| end + i + c.len_utf8());
    &text[end..to]
}

fn ends_with_function(s: &str) -> bool {
    s.chars()
        .last()
        .is_some_and(|c| FUNCTION_CHARS.contains(&c))
        || FUNCTION_ENDS.longest(s).is_some()
}

/// Checks the run before a hit. `generic`: the alias is ambiguous (or
/// short and article-local), so an unknown attached prefix rejects it.
pub fn before(text: &str, start: usize, generic: bool, places: &Places) -> Attach {
    let run = run_before(text, start);
    if run.is_empty() {
        return Attach::Free;
    }
    if places.anchor_ends.longest(run).is_some() {
        return Attach::Anchored;
    }
    // A place name at the end, with or without its suffix (涪陵, 涪陵区).
    let trimmed = match run.chars().last() {
        Some(c) if PLACE_SUFFIXES.contains(&c) => &run[..run.len() - c.len_utf8()],
        _ => run,
    };
    if places.foreign_ends.longest(trimmed).is_some() {
        return Attach::Foreign;
    }
    if generic {
        // The city's own 城投 (重庆城投集团) is not the district's either.
        if places.home_ends.longest(trimmed).is_some() {
            return Attach::Foreign;
        }
        // 武汉江城建投: a place, then one or two characters of a name.
        let chars: Vec<char> = run.chars().collect();
        for cut in 1..=2usize.min(chars.len()) {
            let tail = &chars[chars.len() - cut..];
            let head = &run[..run.len() - tail.iter().map(|c| c.len_utf8()).sum::<usize>()];
            if tail.iter().any(|c| FUNCTION_CHARS.contains(c)) {
                break;
            }
            if places.all_ends.longest(head).is_some() {
                return Attach::Foreign;
            }
        }
    }
    if let Some(d) = DETERMINER_ENDS.longest(run) {
        let rest = &run[..run.len() - d.len()];
        if rest.is_empty() || ends_with_function(rest) {
            return Attach::Free;
        }
    }
    if ends_with_function(run) {
        return Attach::Free;
    }
    let n = run.chars().count();
    if n >= 2
        && run
            .chars()
            .last()
            .is_some_and(|c| PLACE_SUFFIXES.contains(&c))
    {
        return Attach::Foreign;
    }
    if generic && n >= 2 {
        return Attach::Foreign;
    }
    if generic
        && run
            .chars()
            .last()
            .is_some_and(|c| c == '市' || c == '县' || c == '省')
    {
        return Attach::Foreign;
    }
    Attach::Free
}

/// Endings that, one character after a hit, make hit + character the
/// stem of another organisation (万州港务局, 万州港务公司).
const STEM_ENDINGS: &[&str] = &[
    "公司",
    "有限",
    "集团",
    "局",
    "管委会",
    "委员会",
    "中心",
    "医院",
    "学校",
    "研究院",
    "厂",
    "协会",
    "银行",
];

/// Checks the run after a hit: does the alias start a longer name?
pub fn after(text: &str, end: usize) -> Attach {
    let run = run_after(text, end);
    if run.is_empty() {
        return Attach::Free;
    }
    for same in ["公司", "有限", "集团", "股份", "控股"] {
        if run.starts_with(same) {
            return Attach::Free;
        }
    }
    if BUSINESS_STARTS.any(run) {
        return Attach::Foreign;
    }
    // A business word straddling the end (万州港 + 务局: 港务).
    if let Some(last) = text[..end].chars().next_back() {
        let mut straddle = String::with_capacity(16);
        straddle.push(last);
        straddle.extend(run.chars().take(3));
        if BUSINESS_STARTS_2.any(&straddle) {
            return Attach::Foreign;
        }
    }
    let mut chars = run.chars();
    if let Some(first) = chars.next()
        && !FUNCTION_CHARS.contains(&first)
    {
        let rest = chars.as_str();
        if STEM_ENDINGS.iter().any(|w| rest.starts_with(w)) {
            return Attach::Foreign;
        }
    }
    Attach::Free
}

#[cfg(test)]
mod tests {
    use super::*;

    fn places() -> Places {
        Places::new(
            &["万州".to_string(), "万州区".to_string()],
            &["重庆市万州区城市建设投资集团有限公司".to_string()],
        )
    }

    fn check(text: &str, alias: &str, generic: bool) -> Attach {
        let start = text.find(alias).expect("alias in text");
        before(text, start, generic, &places())
    }

    #[test]
    fn another_districts_name_is_not_ours() {
        assert_eq!(
            check("涪陵水务集团完成改制", "水务集团", true),
            Attach::Foreign
        );
        assert_eq!(check("江北区水务集团", "水务集团", true), Attach::Foreign);
        assert_eq!(check("武汉江城建投公司", "城建投", true), Attach::Foreign);
        assert_eq!(check("重庆城投集团", "城投集团", true), Attach::Foreign);
        assert_eq!(check("某某县城投集团", "城投集团", true), Attach::Foreign);
        assert_eq!(
            check("会同奉节县城投集团", "城投集团", true),
            Attach::Foreign
        );
        assert_eq!(check("一家湖南城投集团", "城投集团", true), Attach::Foreign);
    }

    #[test]
    fn our_anchor_attached_is_ours() {
        assert_eq!(check("万州城投集团", "城投集团", true), Attach::Anchored);
        assert_eq!(
            check("重庆万州城投集团", "城投集团", true),
            Attach::Anchored
        );
        assert_eq!(check("万州区城投集团", "城投集团", true), Attach::Anchored);
    }

    #[test]
    fn free_standing_names_stay_free() {
        assert_eq!(check("，城投集团", "城投集团", true), Attach::Free);
        assert_eq!(check("区城投集团", "城投集团", true), Attach::Free);
        assert_eq!(check("区属城投集团", "城投集团", true), Attach::Free);
        assert_eq!(check("推动城投集团转型", "城投集团", true), Attach::Free);
        assert_eq!(check("记者走进城投集团", "城投集团", true), Attach::Free);
        assert_eq!(check("该集团与城投集团", "城投集团", true), Attach::Free);
        assert_eq!(check("重庆三峡水务", "三峡水务", false), Attach::Free);
        assert_eq!(check("推动万州城投", "万州城投", false), Attach::Free);
        assert_eq!(check("湖北三峡水务", "三峡水务", false), Attach::Foreign);
    }

    #[test]
    fn a_longer_company_after_the_hit() {
        let t = "万州城投置业有限公司";
        assert_eq!(after(t, "万州城投".len()), Attach::Foreign);
        let t = "万州港务公司";
        assert_eq!(after(t, "万州港".len()), Attach::Foreign);
        let t = "万州城投集团有限公司";
        assert_eq!(after(t, "万州城投".len()), Attach::Free);
        let t = "万州城投成功发行公司债";
        assert_eq!(after(t, "万州城投".len()), Attach::Free);
        let t = "万州港务局旧址";
        assert_eq!(after(t, "万州港".len()), Attach::Foreign);
        let t = "万州城投的改革";
        assert_eq!(after(t, "万州城投".len()), Attach::Free);
    }
}
