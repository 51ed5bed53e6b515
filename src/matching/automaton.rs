//! The one automaton over every name: each enterprise's aliases, the
//! district's anchors and the reform vocabulary, normalised and
//! deduplicated, searched leftmost-longest (the longer name wins:
//! 万州港口集团 over 万州港). Built once per registry; a DFA when the
//! patterns are few (fastest), the contiguous NFA when there are thousands.

use super::normalise::normalise_str;
use super::words::REFORM_WORDS;
use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
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
}

pub struct Automaton {
    pub ac: AhoCorasick,
    pub patterns: Vec<Pattern>,
}

/// Total pattern bytes up to which the DFA is built (its tables grow with
/// states × byte classes).
const DFA_LIMIT: usize = 24_000;

/// `names[e]` holds enterprise e's aliases, normalised.
pub fn build(names: &[Vec<String>], anchors: &[String]) -> Result<Automaton, String> {
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
    let bytes: usize = texts.iter().map(String::len).sum();
    let kind = if bytes <= DFA_LIMIT {
        AhoCorasickKind::DFA
    } else {
        AhoCorasickKind::ContiguousNFA
    };
    let ac = AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .kind(Some(kind))
        .build(&texts)
        .map_err(|e| e.to_string())?;
    Ok(Automaton { ac, patterns })
}
