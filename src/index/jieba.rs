//! The ranking tokenizer: jieba in search mode over folded text, with the
//! reform vocabulary of `index/userdict.txt` added to jieba's dictionary.
//! Offsets point into the original (unfolded) text; tokens that are only
//! punctuation or white space are dropped.

use super::bigram::VecTokenStream;
use super::fold::{fold_char, is_cjk, is_word_char};
use jieba_rs::{Jieba, TokenizeMode};
use std::sync::{Arc, LazyLock};
use tantivy::tokenizer::{Token, Tokenizer};

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

/// Words of a (query) text as jieba search mode cuts them, folded.
pub fn jieba_words(text: &str) -> Vec<String> {
    jieba_tokens(&SHARED, text)
        .into_iter()
        .map(|t| t.text)
        .collect()
}

fn jieba_tokens(jieba: &Jieba, text: &str) -> Vec<Token> {
    let mut folded = String::with_capacity(text.len());
    let mut offsets: Vec<usize> = Vec::with_capacity(text.len() / 2);
    for (at, c) in text.char_indices() {
        folded.push(fold_char(c));
        offsets.push(at);
    }
    offsets.push(text.len());
    let mut out = Vec::new();
    for (i, t) in jieba
        .tokenize(&folded, TokenizeMode::Search, true)
        .into_iter()
        .filter(|t| t.word.chars().any(|c| is_cjk(c) || is_word_char(c)))
        .enumerate()
    {
        let (Some(&from), Some(&to)) = (offsets.get(t.start), offsets.get(t.end)) else {
            continue;
        };
        out.push(Token {
            offset_from: from,
            offset_to: to,
            position: i,
            text: t.word.to_string(),
            position_length: 1,
        });
    }
    out
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
    type TokenStream<'a> = VecTokenStream;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        VecTokenStream::new(jieba_tokens(&self.jieba, text))
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
    fn user_dictionary_words_are_kept_whole() {
        let words = jieba_words("推进混改和国资委的工作");
        assert!(words.contains(&"混改".to_string()), "{words:?}");
        assert!(words.contains(&"国资委".to_string()), "{words:?}");
    }

    #[test]
    fn offsets_point_into_the_original_text() {
        let text = "重慶，國資委";
        let tokens = jieba_tokens(&SHARED, text);
        assert!(!tokens.iter().any(|t| t.text == "，"));
        for t in tokens {
            assert_eq!(
                crate::index::fold::fold(&text[t.offset_from..t.offset_to]),
                t.text
            );
        }
    }
}
