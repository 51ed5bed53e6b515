//! The request and result types of a search: plain data, serde-serialisable,
//! shared by the CLI (`radar search --json`) and the web UI.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How hits are ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sort {
    /// Best match first (BM25 over the jieba and bigram fields).
    #[default]
    Relevance,
    /// Newest publication date first.
    Date,
}

impl Sort {
    pub fn parse(s: &str) -> Option<Sort> {
        match s {
            "relevance" => Some(Sort::Relevance),
            "date" => Some(Sort::Date),
            _ => None,
        }
    }
}

/// One search. An empty `query` matches every article (filters still apply).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchRequest {
    /// Query text: words are ANDed, `OR` between two words, `-word` excludes,
    /// `"…"` is an exact phrase without synonym expansion.
    #[serde(default)]
    pub query: String,
    /// Exact outlet name, e.g. `人民日报`.
    #[serde(default)]
    pub outlet: Option<String>,
    /// Scoring item (`B1`, …) or `lead`.
    #[serde(default)]
    pub item: Option<String>,
    /// First publication date included.
    #[serde(default)]
    pub from: Option<NaiveDate>,
    /// Last publication date included.
    #[serde(default)]
    pub to: Option<NaiveDate>,
    /// Only articles matched to this enterprise.
    #[serde(default)]
    pub enterprise: Option<String>,
    /// Hits returned are those ranked `offset + 1 ..= limit`: the earlier
    /// ones (a previous page) are ranked but not loaded or snippeted.
    #[serde(default)]
    pub offset: usize,
    #[serde(default = "default_limit")]
    pub limit: usize,
    #[serde(default)]
    pub sort: Sort,
}

fn default_limit() -> usize {
    20
}

impl SearchRequest {
    /// A request for `query` with no filters, 20 hits, by relevance.
    pub fn new(query: impl Into<String>) -> SearchRequest {
        SearchRequest {
            query: query.into(),
            outlet: None,
            item: None,
            from: None,
            to: None,
            enterprise: None,
            offset: 0,
            limit: default_limit(),
            sort: Sort::Relevance,
        }
    }
}

/// One hit. `snippet` is HTML-escaped text with the matched words wrapped in
/// `<mark>…</mark>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    pub id: String,
    pub url: String,
    pub outlet: String,
    pub title: String,
    /// `YYYY-MM-DD`, or null when the article has no date.
    pub published: Option<String>,
    /// Relevance score (BM25 sum); 0 when sorted by date.
    pub score: f32,
    pub snippet: String,
}

/// Counts of all matching articles (not only the returned hits).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facets {
    pub outlet: BTreeMap<String, u64>,
    /// By publication year; articles without a date count under `unknown`.
    pub year: BTreeMap<String, u64>,
}

/// The answer to a [`SearchRequest`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SearchResults {
    /// Number of matching articles; an estimate when `approximate`.
    pub total: u64,
    /// The search stopped counting after enough matches (see
    /// `index::search::COUNT_CAP`): `total` and the facets are estimates
    /// (shown as 约 N 条) and the hits the best of the matches counted.
    #[serde(default)]
    pub approximate: bool,
    pub hits: Vec<Hit>,
    pub facets: Facets,
}
