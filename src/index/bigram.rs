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

#[derive(Debug)]
struct Unit {
    from: usize,
    to: usize,
    text: String,
    word: bool,
    position: usize,
}

/// Splits text into runs of units (see the module documentation).
fn runs(text: &str) -> Vec<Vec<Unit>> {
    let mut runs: Vec<Vec<Unit>> = Vec::new();
    let mut run: Vec<Unit> = Vec::new();
    let mut position = 0usize;
    let mut current_word: Option<Unit> = None;
    for (at, c) in text.char_indices() {
        let f = fold_char(c);
        if is_word_char(f) {
            match current_word.as_mut() {
                Some(w) => {
                    w.text.push(f);
                    w.to = at + c.len_utf8();
                }
                None => {
                    current_word = Some(Unit {
                        from: at,
                        to: at + c.len_utf8(),
                        text: f.to_string(),
                        word: true,
                        position: 0,
                    })
                }
            }
            continue;
        }
        if let Some(mut w) = current_word.take() {
            w.position = position;
            position += 1;
            run.push(w);
        }
        if is_cjk(f) {
            run.push(Unit {
                from: at,
                to: at + c.len_utf8(),
                text: f.to_string(),
                word: false,
                position,
            });
            position += 1;
        } else if !f.is_whitespace() && !run.is_empty() {
            runs.push(std::mem::take(&mut run));
            position += 1;
        }
    }
    if let Some(mut w) = current_word.take() {
        w.position = position;
        run.push(w);
    }
    if !run.is_empty() {
        runs.push(run);
    }
    runs
}

fn join(a: &Unit, b: &Unit) -> String {
    if a.word && b.word {
        format!("{} {}", a.text, b.text)
    } else {
        format!("{}{}", a.text, b.text)
    }
}

/// Tokens of a text. In query mode a word gives a unigram only when it is a
/// run on its own (inside a longer run the bigrams already pin it down).
pub fn bigram_tokens(text: &str, query: bool) -> Vec<Token> {
    let mut out = Vec::new();
    for run in runs(text) {
        let alone = run.len() == 1;
        for (i, u) in run.iter().enumerate() {
            if u.word && (!query || alone) {
                out.push(Token {
                    offset_from: u.from,
                    offset_to: u.to,
                    position: u.position,
                    text: u.text.clone(),
                    position_length: 1,
                });
            }
            if let Some(next) = run.get(i + 1) {
                out.push(Token {
                    offset_from: u.from,
                    offset_to: next.to,
                    position: u.position,
                    text: join(u, next),
                    position_length: 1,
                });
            }
        }
    }
    out
}

/// The tantivy tokenizer over [`bigram_tokens`] in index mode.
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
    type TokenStream<'a> = VecTokenStream;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        VecTokenStream::new(bigram_tokens(text, false))
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
