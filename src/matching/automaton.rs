//! The one automaton over every name: each enterprise's aliases, the
//! district's anchors and the reform vocabulary, normalised and
//! deduplicated, searched leftmost-longest (the longer name wins:
//! 万州港口集团 over 万州港). Built once per registry (a contiguous NFA);
//! searched only at positions a first-two-characters filter lets through.

use super::normalise::{Marker, normalise_str};
use super::words::REFORM_WORDS;
use aho_corasick::{AhoCorasick, AhoCorasickKind, Anchored, Input, MatchKind, StartKind};
use std::collections::HashMap;

/// One alias an automaton pattern stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    pub enterprise: u32,
    pub alias: u32,
}

/// What a pattern is.
#[derive(Debug, Clone, Default)]
pub struct Pattern {
    pub targets: Vec<Target>,
    /// An anchor (万州) or a name containing one (万州港口集团).
    pub anchor: bool,
    pub vocab: bool,
    /// A known namesake (index into the matcher's homonyms): where the
    /// article writes it, our names inside it are not meant.
    pub homonym: Option<u32>,
}

pub struct Automaton {
    /// Anchored searches only: run at the positions the filter lets through.
    ac: AhoCorasick,
    pub patterns: Vec<Pattern>,
    /// One bit per code point below U+10000: the first character of some
    /// pattern (characters above are always let through).
    firsts: Box<[u64; 1024]>,
    /// One bit per hashed first-two-characters of a pattern.
    bigrams: Vec<u64>,
    /// One bit per hashed first character of a one-character pattern.
    singles: Vec<u64>,
    /// Is there a one-character pattern at all?
    any_single: bool,
}

/// A hit: pattern index and byte span.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub pattern: usize,
    pub start: usize,
    pub end: usize,
}

/// 2^16 bits (8 KB): small enough to stay in the first-level cache next to
/// the first-character bitmap (a miss there cost more than the anchored
/// searches a denser table lets through).
const FILTER_BITS: u32 = 16;

fn bigram_slot(a: char, b: char) -> usize {
    let h =
        (a as u32).wrapping_mul(0x9e37_79b1) ^ (b as u32).wrapping_mul(0x85eb_ca77).rotate_left(13);
    (h >> (32 - FILTER_BITS)) as usize
}

fn single_slot(a: char) -> usize {
    ((a as u32).wrapping_mul(0x9e37_79b1) >> (32 - FILTER_BITS)) as usize
}

fn set(bits: &mut [u64], i: usize) {
    bits[i / 64] |= 1 << (i % 64);
}

fn get(bits: &[u64], i: usize) -> bool {
    bits[i / 64] & (1 << (i % 64)) != 0
}

impl Automaton {
    /// Leftmost-longest hits in `text`, in order, non-overlapping. Each
    /// character position whose first two characters could start a pattern
    /// (a hashed bitmap, one lookup per character) gets an anchored
    /// longest-match search; the earliest position with a match wins and
    /// the scan resumes at its end. This equals an unanchored leftmost-
    /// longest scan, but touches the automaton only at plausible starts
    /// (CJK text gives a byte-level prefilter nothing to skip on).
    pub fn hits(&self, text: &str, out: &mut Vec<Hit>) {
        out.clear();
        let b = text.as_bytes();
        let mut resume = 0usize;
        let mut i = 0usize;
        while i < b.len() {
            // The character at i, decoded inline for ASCII and three bytes.
            let x = b[i];
            let (cp, cl) = if x < 0x80 {
                (u32::from(x), 1)
            } else if (0xe0..0xf0).contains(&x) && i + 2 < b.len() {
                let cp = ((u32::from(x) & 0x0f) << 12)
                    | ((u32::from(b[i + 1]) & 0x3f) << 6)
                    | (u32::from(b[i + 2]) & 0x3f);
                (cp, 3)
            } else {
                match decode(text, i) {
                    (_, 0) => break,
                    (c, l) => (c as u32, l),
                }
            };
            // No pattern starts with this character: most of the text.
            if i < resume || (cp < 0x1_0000 && !get(&self.firsts[..], cp as usize)) {
                i += cl;
                continue;
            }
            let c = char::from_u32(cp).unwrap_or('\0');
            if let Some(end) = self.try_at(text, i, c, cl, out) {
                resume = end;
            }
            i += cl;
        }
    }

    /// `hits`, given the byte offsets of every character of `text` that
    /// starts some pattern, in order (from `Starts` while normalising; more
    /// offsets may be given, fewer may not).
    pub fn hits_at(&self, text: &str, starts: &[usize], out: &mut Vec<Hit>) {
        out.clear();
        let mut resume = 0usize;
        for &i in starts {
            if i < resume {
                continue;
            }
            let (c, cl) = decode(text, i);
            if cl == 0 {
                continue;
            }
            if let Some(end) = self.try_at(text, i, c, cl, out) {
                resume = end;
            }
        }
    }

    /// The longest pattern starting at `i` (character `c`, `cl` bytes)
    /// when the filter lets it through: pushed, and its end returned.
    #[inline]
    fn try_at(
        &self,
        text: &str,
        i: usize,
        c: char,
        cl: usize,
        out: &mut Vec<Hit>,
    ) -> Option<usize> {
        let (n, nl) = decode(text, i + cl);
        if !((nl > 0 && get(&self.bigrams, bigram_slot(c, n)))
            || (self.any_single && get(&self.singles, single_slot(c))))
        {
            return None;
        }
        let input = Input::new(text).span(i..text.len()).anchored(Anchored::Yes);
        let m = self.ac.find(input)?;
        out.push(Hit {
            pattern: m.pattern().as_usize(),
            start: m.start(),
            end: m.end(),
        });
        Some(m.end())
    }

    /// Heap bytes: the automaton's tables, the filters and the pattern list.
    pub fn memory_usage(&self) -> usize {
        let targets: usize = self
            .patterns
            .iter()
            .map(|p| p.targets.capacity() * std::mem::size_of::<Target>())
            .sum();
        self.ac.memory_usage()
            + (self.firsts.len() + self.bigrams.len() + self.singles.len()) * 8
            + self.patterns.capacity() * std::mem::size_of::<Pattern>()
            + targets
    }

    /// A marker collecting, while a text is normalised, the offsets of the
    /// characters some pattern starts with (for `hits_at`).
    pub fn starts<'a>(&'a self, at: &'a mut Vec<usize>) -> Starts<'a> {
        at.clear();
        Starts {
            firsts: &self.firsts,
            at,
        }
    }
}

/// See `Automaton::starts`.
pub struct Starts<'a> {
    firsts: &'a [u64; 1024],
    at: &'a mut Vec<usize>,
}

impl Marker for Starts<'_> {
    #[inline(always)]
    fn mark(&mut self, cp: u32, at: usize) {
        // A fixed-size table: the index needs no bounds check.
        if cp >= 0x1_0000 || self.firsts[(cp as usize >> 6) & 1023] & (1 << (cp & 63)) != 0 {
            self.at.push(at);
        }
    }

    fn removed(&mut self, at: usize) {
        let mut k = self.at.len();
        while k > 0 && self.at[k - 1] >= at {
            k -= 1;
        }
        let mut w = k;
        for r in k..self.at.len() {
            let p = self.at[r];
            if p > at {
                self.at[w] = p - 1;
                w += 1;
            }
        }
        self.at.truncate(w);
    }
}

/// The character at byte `i` and its length (0 at the end): ASCII and
/// three-byte sequences decoded inline, the rest by the standard decoder.
#[inline(always)]
fn decode(text: &str, i: usize) -> (char, usize) {
    let b = text.as_bytes();
    let Some(&x) = b.get(i) else {
        return ('\0', 0);
    };
    if x < 0x80 {
        return (x as char, 1);
    }
    if (0xe0..0xf0).contains(&x) && i + 2 < b.len() {
        let cp = ((u32::from(x) & 0x0f) << 12)
            | ((u32::from(b[i + 1]) & 0x3f) << 6)
            | (u32::from(b[i + 2]) & 0x3f);
        if let Some(c) = char::from_u32(cp) {
            return (c, 3);
        }
    }
    match text.get(i..).and_then(|t| t.chars().next()) {
        Some(c) => (c, c.len_utf8()),
        None => ('\0', 0),
    }
}

/// `names[e]` holds enterprise e's aliases, normalised.
pub fn build(
    names: &[Vec<String>],
    anchors: &[String],
    homonyms: &[String],
) -> Result<Automaton, String> {
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut texts: Vec<String> = Vec::new();
    let mut patterns: Vec<Pattern> = Vec::new();
    let mut slot = |text: &str, texts: &mut Vec<String>, patterns: &mut Vec<Pattern>| -> usize {
        if let Some(&i) = index.get(text) {
            return i;
        }
        texts.push(text.to_string());
        patterns.push(Pattern::default());
        index.insert(text.to_string(), texts.len() - 1);
        texts.len() - 1
    };
    for (e, aliases) in names.iter().enumerate() {
        for (a, text) in aliases.iter().enumerate() {
            if text.is_empty() {
                continue;
            }
            let i = slot(text, &mut texts, &mut patterns);
            patterns[i].targets.push(Target {
                enterprise: e as u32,
                alias: a as u32,
            });
        }
    }
    for a in anchors {
        if !a.is_empty() {
            let i = slot(a, &mut texts, &mut patterns);
            patterns[i].anchor = true;
        }
    }
    for (h, text) in homonyms.iter().enumerate() {
        if !text.is_empty() {
            let i = slot(text, &mut texts, &mut patterns);
            patterns[i].homonym = Some(h as u32);
        }
    }
    for w in REFORM_WORDS {
        let w = normalise_str(w);
        let i = slot(&w, &mut texts, &mut patterns);
        patterns[i].vocab = true;
    }
    for (p, t) in patterns.iter_mut().zip(&texts) {
        if anchors
            .iter()
            .any(|a| !a.is_empty() && t.contains(a.as_str()))
        {
            p.anchor = true;
        }
    }
    // The contiguous NFA: compact enough to stay in cache, and measured
    // faster than the DFA here even for 60 enterprises (the DFA's tables
    // over CJK byte classes run to megabytes).
    let kind = AhoCorasickKind::ContiguousNFA;
    let ac = AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .kind(Some(kind))
        .start_kind(StartKind::Anchored)
        .build(&texts)
        .map_err(|e| e.to_string())?;
    let words = (1usize << FILTER_BITS) / 64;
    let mut bigrams = vec![0u64; words];
    let mut singles = vec![0u64; words];
    let mut firsts = Box::new([0u64; 1024]);
    for t in &texts {
        if let Some(a) = t.chars().next()
            && (a as u32) < 0x1_0000
        {
            set(&mut firsts[..], a as usize);
        }
        let mut cs = t.chars();
        match (cs.next(), cs.next()) {
            (Some(a), Some(b)) => set(&mut bigrams, bigram_slot(a, b)),
            (Some(a), None) => set(&mut singles, single_slot(a)),
            _ => {}
        }
    }
    Ok(Automaton {
        ac,
        patterns,
        firsts,
        bigrams,
        any_single: singles.iter().any(|&w| w != 0),
        singles,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matching::normalise::Normalised;

    /// Texts built from pieces that exercise every normalisation rule
    /// (deletions, widths, brackets that collapse and ones that do not).
    fn texts() -> Vec<String> {
        const PIECES: &[&str] = &[
            "万州城投",
            "集团",
            "（集团）",
            "(集团)",
            "（集 团）",
            "【控股】",
            "(股份",
            ")",
            "萬州",
            "城投集團",
            " ",
            "\u{3000}",
            "\u{200b}",
            "\n",
            "\r\n",
            "ＡＢＣ",
            "abc",
            "Abc",
            "“",
            "”",
            "改革",
            "国企改革",
            "三峡水务",
            "，",
            "。",
            "、",
            "水务集团",
            "(",
            "𠀀",
            "¥",
            "\u{a0}",
        ];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut out = Vec::new();
        for _ in 0..400 {
            let mut t = String::new();
            for _ in 0..(seed % 17) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                t.push_str(PIECES[(seed % PIECES.len() as u64) as usize]);
            }
            seed = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
            out.push(t);
        }
        out
    }

    fn automaton() -> Automaton {
        let names = vec![
            vec![
                "万州城投集团".to_string(),
                "万州城投".to_string(),
                "城投".to_string(),
            ],
            vec![
                "三峡水务".to_string(),
                "水务集团".to_string(),
                "(股份".to_string(),
            ],
            vec!["abc".to_string(), "集团".to_string(), "𠀀¥".to_string()],
        ];
        build(&names, &["万州".to_string()], &[]).expect("builds")
    }

    #[test]
    fn marked_starts_find_what_a_full_scan_finds() {
        let a = automaton();
        let mut starts = Vec::new();
        let (mut plain, mut marked) = (Vec::new(), Vec::new());
        for t in texts() {
            for keep in [false, true] {
                let mut n = Normalised::default();
                n.extend_marking(&t, keep, &mut a.starts(&mut starts));
                let mut m = Normalised::default();
                m.extend(&t, keep);
                assert_eq!(n.text, m.text);
                // Every marked offset is a character some pattern starts with,
                // and every such character is marked.
                let expect: Vec<usize> = n
                    .text
                    .char_indices()
                    .filter(|&(_, c)| (c as u32) >= 0x1_0000 || get(&a.firsts[..], c as usize))
                    .map(|(i, _)| i)
                    .collect();
                assert_eq!(starts, expect, "{t:?}");
                a.hits(&n.text, &mut plain);
                a.hits_at(&n.text, &starts, &mut marked);
                assert_eq!(plain, marked, "{t:?}");
            }
        }
    }

    #[test]
    fn line_counts_follow_the_source_lines() {
        for t in texts() {
            let mut n = Normalised::default();
            n.extend(&t, true);
            let lines = t.split('\n').filter(|l| !l.trim().is_empty()).count();
            let first = t.split('\n').position(|l| !l.trim().is_empty());
            assert_eq!(n.nonblank_lines(), lines, "{t:?}");
            assert_eq!(n.first_nonblank_line(), first, "{t:?}");
        }
    }
}
