//! The ranking tokenizer: jieba in search mode over folded text, with the
//! reform vocabulary of `index/userdict.txt` added to jieba's dictionary.
//! Offsets point into the original (unfolded) text; tokens that are only
//! punctuation or white space are dropped.

use super::fold::{fold_char, is_cjk, is_word_char};
use jieba_rs::{Jieba, TokenizeMode};
use std::sync::{Arc, LazyLock};
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// Registered name of the jieba tokenizer.
pub const JIEBA: &str = "radar_jieba";

static USER_DICT: &str = include_str!("../../index/userdict.txt");

static SHARED: LazyLock<Arc<Jieba>> = LazyLock::new(|| {
    let mut jieba = Jieba::new();
    for line in USER_DICT.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut parts = line.split_whitespace();
        let Some(word) = parts.next() else { continue };
        let freq = parts.next().and_then(|f| f.parse::<usize>().ok());
        jieba.add_word(&crate::index::fold::fold(word), freq, None);
    }
    Arc::new(jieba)
});

/// Whether a (folded) word is in jieba's dictionary (default words plus
/// `index/userdict.txt`).
pub fn is_jieba_word(word: &str) -> bool {
    SHARED.has_word(word)
}

/// Whether jieba's HMM guesses unknown words. Off: it costs more time than
/// the rest of the analysis, and unknown names are the bigram field's job.
const HMM: bool = false;

/// Words of a (query) text as jieba search mode cuts them, folded.
pub fn jieba_words(text: &str) -> Vec<String> {
    let mut stream = JiebaStream::new(&SHARED, text);
    let mut out = Vec::new();
    while stream.advance() {
        out.push(stream.token.text.clone());
    }
    out
}

/// Jieba tokens over the folded text, streamed into one reused [`Token`].
pub struct JiebaStream {
    folded: String,
    /// (byte range in `folded`, byte range in the original text)
    words: Vec<((usize, usize), (usize, usize))>,
    next: usize,
    token: Token,
}

impl JiebaStream {
    fn new(jieba: &Jieba, text: &str) -> JiebaStream {
        let mut folded = String::with_capacity(text.len());
        let mut offsets: Vec<usize> = Vec::with_capacity(text.len() / 2);
        for (at, c) in text.char_indices() {
            folded.push(fold_char(c));
            offsets.push(at);
        }
        offsets.push(text.len());
        let words = jieba
            .tokenize(&folded, TokenizeMode::Search, HMM)
            .into_iter()
            .filter(|t| t.word.chars().any(|c| is_cjk(c) || is_word_char(c)))
            .filter_map(|t| {
                let from = *offsets.get(t.start)?;
                let to = *offsets.get(t.end)?;
                Some(((t.byte_start, t.byte_end), (from, to)))
            })
            .collect();
        JiebaStream {
            folded,
            words,
            next: 0,
            token: Token::default(),
        }
    }
}

impl TokenStream for JiebaStream {
    fn advance(&mut self) -> bool {
        let Some(&((a, b), (from, to))) = self.words.get(self.next) else {
            return false;
        };
        self.token.text.clear();
        self.token
            .text
            .push_str(self.folded.get(a..b).unwrap_or_default());
        self.token.offset_from = from;
        self.token.offset_to = to;
        self.token.position = self.next;
        self.next += 1;
        true
    }
    fn token(&self) -> &Token {
        &self.token
    }
    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

/// The tantivy tokenizer (shares one jieba instance).
#[derive(Clone)]
pub struct JiebaFoldTokenizer {
    jieba: Arc<Jieba>,
}

impl Default for JiebaFoldTokenizer {
    fn default() -> Self {
        JiebaFoldTokenizer {
            jieba: SHARED.clone(),
        }
    }
}

impl Tokenizer for JiebaFoldTokenizer {
    type TokenStream<'a> = JiebaStream;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> JiebaStream {
        JiebaStream::new(&self.jieba, text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_mode_gives_sub_words_and_folds() {
        let words = jieba_words("國有企業改革");
        assert!(words.contains(&"国有".to_string()), "{words:?}");
        assert!(words.contains(&"改革".to_string()), "{words:?}");
        assert!(!words.iter().any(|w| w.contains('國')));
    }

    #[test]
    fn two_character_words_respect_word_boundaries() {
        assert!(is_jieba_word("国企"));
        assert!(jieba_words("市属国企改革").contains(&"国企".to_string()));
        assert!(!jieba_words("中国企业走出去").contains(&"国企".to_string()));
        assert!(!jieba_words("我国企业").contains(&"国企".to_string()));
    }

    #[test]
    fn user_dictionary_words_are_kept_whole() {
        let words = jieba_words("推进混改和国资委的工作");
        assert!(words.contains(&"混改".to_string()), "{words:?}");
        assert!(words.contains(&"国资委".to_string()), "{words:?}");
    }

    #[test]
    fn offsets_point_into_the_original_text() {
        let text = "重慶，國資委";
        let mut stream = JiebaStream::new(&SHARED, text);
        let mut seen = 0;
        while stream.advance() {
            let t = stream.token();
            assert_ne!(t.text, "，");
            assert_eq!(
                crate::index::fold::fold(&text[t.offset_from..t.offset_to]),
                t.text
            );
            seen += 1;
        }
        assert!(seen >= 2);
    }
}
