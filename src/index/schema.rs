//! The index schema, defined once, and the tokenizers it names.
//!
//! Each text (title, body) is indexed twice: with jieba search mode for
//! ranking (`title`, `body`, which also store the text) and with sequential
//! CJK bigrams for recall and exact phrases (`title_bg`, `body_bg`, with
//! positions). Outlet, source and item are folded keywords; `published` is a
//! date fast field; `enterprise` holds the matched enterprise ids.

use super::bigram::{BIGRAM, BigramTokenizer, VecTokenStream};
use super::fold::fold;
use super::jieba::{JIEBA, JiebaFoldTokenizer};
use chrono::{Datelike, NaiveDate};
use tantivy::schema::{
    DateOptions, DateTimePrecision, FAST, Field, IndexRecordOption, STORED, STRING, Schema,
    TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{Token, Tokenizer};
use tantivy::{DateTime, Index};

/// Bumped whenever the schema or the analysis changes; an index on disk with
/// another version is rebuilt from the store.
pub const SCHEMA_VERSION: u32 = 2;

/// Registered name of the keyword tokenizer (whole value, folded).
pub const KEYWORD: &str = "radar_keyword";

/// The fields, looked up once.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    pub id: Field,
    pub url: Field,
    pub outlet: Field,
    pub source: Field,
    pub item: Field,
    pub title: Field,
    pub title_bg: Field,
    pub body: Field,
    pub body_bg: Field,
    pub published: Field,
    pub page: Field,
    pub enterprise: Field,
    pub seq: Field,
}

/// Builds the schema and its field handles.
pub fn build_schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let keyword = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(KEYWORD)
                .set_index_option(IndexRecordOption::Basic),
        )
        .set_stored()
        .set_fast("raw");
    let jieba = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(JIEBA)
                .set_index_option(IndexRecordOption::WithFreqs),
        )
        .set_stored();
    let bigram = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(BIGRAM)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let date = DateOptions::default()
        .set_indexed()
        .set_fast()
        .set_stored()
        .set_precision(DateTimePrecision::Seconds);
    let fields = Fields {
        id: b.add_text_field("id", STRING | STORED),
        url: b.add_text_field("url", STORED),
        outlet: b.add_text_field("outlet", keyword.clone()),
        source: b.add_text_field("source", keyword.clone()),
        item: b.add_text_field("item", keyword),
        title: b.add_text_field("title", jieba.clone()),
        title_bg: b.add_text_field("title_bg", bigram.clone()),
        body: b.add_text_field("body", jieba),
        body_bg: b.add_text_field("body_bg", bigram),
        published: b.add_date_field("published", date),
        page: b.add_text_field("page", STORED),
        enterprise: b.add_text_field("enterprise", STRING),
        seq: b.add_i64_field("seq", STORED | FAST),
    };
    (b.build(), fields)
}

/// Registers the tokenizers the schema names on an index.
pub fn register_tokenizers(index: &Index) {
    let t = index.tokenizers();
    t.register(JIEBA, JiebaFoldTokenizer::default());
    t.register(BIGRAM, BigramTokenizer);
    t.register(KEYWORD, KeywordTokenizer);
}

/// The folded, trimmed form of a keyword value (what filters compare).
pub fn keyword_form(value: &str) -> String {
    fold(value.trim())
}

/// A date as the index stores it: midnight UTC of the calendar date.
pub fn date_value(d: NaiveDate) -> DateTime {
    let secs = d
        .and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc().timestamp())
        .unwrap_or_default();
    DateTime::from_timestamp_secs(secs)
}

/// The calendar date of a stored date value.
pub fn date_of(value: DateTime) -> Option<NaiveDate> {
    chrono::DateTime::from_timestamp(value.into_timestamp_secs(), 0).map(|t| t.date_naive())
}

/// The year of a stored date value.
pub fn year_of(value: DateTime) -> Option<i32> {
    date_of(value).map(|d| d.year())
}

/// One token: the whole folded value.
#[derive(Clone, Default)]
pub struct KeywordTokenizer;

impl Tokenizer for KeywordTokenizer {
    type TokenStream<'a> = VecTokenStream;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        let form = keyword_form(text);
        let tokens = if form.is_empty() {
            Vec::new()
        } else {
            vec![Token {
                offset_from: 0,
                offset_to: text.len(),
                position: 0,
                text: form,
                position_length: 1,
            }]
        };
        VecTokenStream::new(tokens)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 4).expect("valid date");
        assert_eq!(date_of(date_value(d)), Some(d));
        assert_eq!(year_of(date_value(d)), Some(2026));
    }

    #[test]
    fn schema_has_every_field() {
        let (schema, _) = build_schema();
        for name in [
            "id",
            "url",
            "outlet",
            "source",
            "item",
            "title",
            "body",
            "published",
            "page",
            "enterprise",
        ] {
            assert!(schema.get_field(name).is_ok(), "{name}");
        }
    }
}
