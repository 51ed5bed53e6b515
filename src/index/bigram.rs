//! The recall tokenizer: overlapping CJK character bigrams with *sequential*
//! positions, so that a phrase query over them is an exact substring match
//! (tantivy's own n-gram tokenizer puts every gram at position 0).
//!
//! Text is folded (see [`super::fold`]) and cut into units: one CJK character
//! or one alphanumeric word. Units form runs; punctuation ends a run, white
//! space does not. Within a run every pair of neighbouring units gives a
//! bigram at the position of its first unit, and every word also gives
//! itself as a unigram (so `CCTV` and `2025` are searchable alone). A run of a
//! single CJK character gives nothing: single characters are left to the
//! jieba field.

use super::fold::{fold_char, is_cjk, is_word_char};
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// Registered name of the bigram tokenizer.
pub const BIGRAM: &str = "radar_bigram";

/// One CJK character or one word; words keep their folded text in a shared
/// buffer so that a CJK unit costs no allocation.
#[derive(Debug, Clone, Copy)]
struct Unit {
    from: usize,
    to: usize,
    /// The folded CJK character, or `None` for a word.
    ch: Option<char>,
    /// Range of the folded word in the word buffer.
    word: (usize, usize),
    position: usize,
    run: usize,
}

/// Cuts text into units (see the module documentation).
fn units(text: &str) -> (Vec<Unit>, String) {
    let mut units: Vec<Unit> = Vec::with_capacity(text.len() / 3 + 1);
    let mut words = String::new();
    let (mut position, mut run) = (0usize, 0usize);
    let mut word: Option<Unit> = None;
    let mut run_open = false;
    for (at, c) in text.char_indices() {
        let f = fold_char(c);
        if is_word_char(f) {
            match word.as_mut() {
                Some(w) => {
                    words.push(f);
                    w.to = at + c.len_utf8();
                    w.word.1 = words.len();
                }
                None => {
                    let start = words.len();
                    words.push(f);
                    word = Some(Unit {
                        from: at,
                        to: at + c.len_utf8(),
                        ch: None,
                        word: (start, words.len()),
                        position: 0,
                        run: 0,
                    });
                }
            }
            continue;
        }
        if let Some(mut w) = word.take() {
            w.position = position;
            w.run = run;
            position += 1;
            units.push(w);
            run_open = true;
        }
        if is_cjk(f) {
            units.push(Unit {
                from: at,
                to: at + c.len_utf8(),
                ch: Some(f),
                word: (0, 0),
                position,
                run,
            });
            position += 1;
            run_open = true;
        } else if !f.is_whitespace() && run_open {
            run += 1;
            position += 1;
            run_open = false;
        }
    }
    if let Some(mut w) = word.take() {
        w.position = position;
        w.run = run;
        units.push(w);
    }
    (units, words)
}

/// Bigram tokens, streamed into one reused [`Token`].
pub struct BigramStream {
    units: Vec<Unit>,
    words: String,
    query: bool,
    next: usize,
    /// Whether the unigram of `units[next]` was already considered.
    unigram_done: bool,
    token: Token,
}

impl BigramStream {
    /// In query mode a word gives a unigram only when it is a run on its own
    /// (inside a longer run the bigrams already pin it down).
    pub fn new(text: &str, query: bool) -> BigramStream {
        let (units, words) = units(text);
        BigramStream {
            units,
            words,
            query,
            next: 0,
            unigram_done: false,
            token: Token::default(),
        }
    }

    fn alone(&self, i: usize) -> bool {
        let run = self.units[i].run;
        let before = i > 0 && self.units[i - 1].run == run;
        let after = self.units.get(i + 1).is_some_and(|n| n.run == run);
        !before && !after
    }

    fn push_unit(&mut self, u: Unit) {
        match u.ch {
            Some(c) => self.token.text.push(c),
            None => self.token.text.push_str(&self.words[u.word.0..u.word.1]),
        }
    }
}

impl TokenStream for BigramStream {
    fn advance(&mut self) -> bool {
        while let Some(&u) = self.units.get(self.next) {
            let i = self.next;
            if !self.unigram_done {
                self.unigram_done = true;
                if u.ch.is_none() && (!self.query || self.alone(i)) {
                    self.token.text.clear();
                    self.push_unit(u);
                    self.token.offset_from = u.from;
                    self.token.offset_to = u.to;
                    self.token.position = u.position;
                    return true;
                }
            }
            self.next += 1;
            self.unigram_done = false;
            if let Some(&n) = self.units.get(i + 1).filter(|n| n.run == u.run) {
                self.token.text.clear();
                self.push_unit(u);
                if u.ch.is_none() && n.ch.is_none() {
                    self.token.text.push(' ');
                }
                self.push_unit(n);
                self.token.offset_from = u.from;
                self.token.offset_to = n.to;
                self.token.position = u.position;
                return true;
            }
        }
        false
    }
    fn token(&self) -> &Token {
        &self.token
    }
    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

/// All tokens of a text (see [`BigramStream::new`] for `query`).
pub fn bigram_tokens(text: &str, query: bool) -> Vec<Token> {
    let mut stream = BigramStream::new(text, query);
    let mut out = Vec::new();
    while stream.advance() {
        out.push(stream.token().clone());
    }
    out
}

/// The tantivy tokenizer over [`BigramStream`] in index mode.
#[derive(Clone, Default)]
pub struct BigramTokenizer;

/// A token stream over precomputed tokens.
pub struct VecTokenStream {
    tokens: Vec<Token>,
    next: usize,
}

impl VecTokenStream {
    pub fn new(tokens: Vec<Token>) -> Self {
        VecTokenStream { tokens, next: 0 }
    }
}

impl TokenStream for VecTokenStream {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }
    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }
    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

impl Tokenizer for BigramTokenizer {
    type TokenStream<'a> = BigramStream;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> BigramStream {
        BigramStream::new(text, false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(tokens: &[Token]) -> Vec<(usize, &str)> {
        tokens
            .iter()
            .map(|t| (t.position, t.text.as_str()))
            .collect()
    }

    #[test]
    fn bigrams_have_sequential_positions() {
        let t = bigram_tokens("重庆三峡银行", false);
        assert_eq!(
            texts(&t),
            vec![
                (0, "重庆"),
                (1, "庆三"),
                (2, "三峡"),
                (3, "峡银"),
                (4, "银行")
            ]
        );
        assert_eq!(&"重庆三峡银行"[t[2].offset_from..t[2].offset_to], "三峡");
    }

    #[test]
    fn punctuation_breaks_runs_and_leaves_a_gap() {
        let t = bigram_tokens("重庆，三峡银行", false);
        assert_eq!(
            texts(&t),
            vec![(0, "重庆"), (3, "三峡"), (4, "峡银"), (5, "银行")]
        );
    }

    #[test]
    fn words_give_unigrams_and_join_cjk() {
        let t = bigram_tokens("ＣＣＴＶ新闻 A股", false);
        assert_eq!(
            texts(&t),
            vec![
                (0, "cctv"),
                (0, "cctv新"),
                (1, "新闻"),
                (2, "闻a"),
                (3, "a"),
                (3, "a股")
            ]
        );
        let q = bigram_tokens("A股", true);
        assert_eq!(texts(&q), vec![(0, "a股")]);
        let q = bigram_tokens("CCTV", true);
        assert_eq!(texts(&q), vec![(0, "cctv")]);
    }

    #[test]
    fn a_lone_cjk_character_gives_nothing() {
        assert!(bigram_tokens("省", true).is_empty());
        assert!(bigram_tokens("。省。", false).is_empty());
    }

    #[test]
    fn traditional_text_folds_to_the_same_bigrams() {
        let a: Vec<String> = bigram_tokens("重慶三峽銀行", false)
            .into_iter()
            .map(|t| t.text)
            .collect();
        let b: Vec<String> = bigram_tokens("重庆三峡银行", false)
            .into_iter()
            .map(|t| t.text)
            .collect();
        assert_eq!(a, b);
    }
}
