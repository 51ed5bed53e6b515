//! Character folding applied identically to indexed text and to queries:
//! Traditional → Simplified (a one-to-one character table shipped in
//! `index/t2s.txt`), full-width → half-width ASCII, and lower case. Every
//! character folds to exactly one character, so a folded text has as many
//! characters as the original and offsets can be mapped back for highlighting.

use std::collections::HashMap;
use std::sync::LazyLock;

static T2S_TABLE: &str = include_str!("../../index/t2s.txt");

/// First and last code point covered by the direct table.
const T2S_FIRST: u32 = 0x3400;
const T2S_LAST: u32 = 0x9FFF;

/// Traditional → Simplified: a direct table over the common CJK blocks and
/// a map for the rest (the table makes folding a load, not a hash lookup).
struct T2s {
    direct: Vec<char>,
    rest: HashMap<char, char>,
}

static T2S: LazyLock<T2s> = LazyLock::new(|| {
    let mut direct: Vec<char> = (T2S_FIRST..=T2S_LAST)
        .map(|u| char::from_u32(u).unwrap_or('\u{FFFD}'))
        .collect();
    let mut rest = HashMap::new();
    for line in T2S_TABLE.lines() {
        let mut parts = line.split_whitespace();
        let (Some(t), Some(s)) = (parts.next(), parts.next()) else {
            continue;
        };
        let (mut t, mut s) = (t.chars(), s.chars());
        if let (Some(t), None, Some(s), None) = (t.next(), t.next(), s.next(), s.next()) {
            match direct.get_mut((t as u32).wrapping_sub(T2S_FIRST) as usize) {
                Some(slot) => *slot = s,
                None => {
                    rest.insert(t, s);
                }
            }
        }
    }
    T2s { direct, rest }
});

/// Folds one character (see the module documentation).
pub fn fold_char(c: char) -> char {
    match c {
        'A'..='Z' => c.to_ascii_lowercase(),
        'a'..='z' | '0'..='9' => c,
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => {
            let half = char::from_u32(c as u32 - 0xFEE0).unwrap_or(c);
            half.to_ascii_lowercase()
        }
        c if (c as u32) < 0x2E80 => {
            if c.is_uppercase() {
                c.to_lowercase().next().unwrap_or(c)
            } else {
                c
            }
        }
        c if (T2S_FIRST..=T2S_LAST).contains(&(c as u32)) => {
            T2S.direct[(c as u32 - T2S_FIRST) as usize]
        }
        c => T2S.rest.get(&c).copied().unwrap_or(c),
    }
}

/// Folds a whole string.
pub fn fold(text: &str) -> String {
    text.chars().map(fold_char).collect()
}

/// A CJK ideograph (the characters that get bigrams).
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F | 0x3005 | 0x3007)
}

/// A character of an alphanumeric word (after folding).
pub fn is_word_char(c: char) -> bool {
    !is_cjk(c) && c.is_alphanumeric()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_traditional_fullwidth_and_case() {
        assert_eq!(fold("重慶三峽銀行"), "重庆三峡银行");
        assert_eq!(fold("國有企業"), "国有企业");
        assert_eq!(fold("ＣＣＴＶ１２３"), "cctv123");
        assert_eq!(fold("CCTV"), "cctv");
        assert_eq!(fold("混改"), "混改");
    }

    #[test]
    fn folding_keeps_the_character_count() {
        let s = "臺灣ＡＢＣ，國資委　2025年";
        assert_eq!(fold(s).chars().count(), s.chars().count());
    }

    #[test]
    fn classifies_characters() {
        assert!(is_cjk('国'));
        assert!(!is_cjk('a'));
        assert!(is_word_char('a'));
        assert!(is_word_char('5'));
        assert!(!is_word_char('，'));
    }
}
