//! An extracted article, the unit every later stage (index, matching, review) works on.

use super::{ArticleId, SourceId};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Which extractor produced the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExtractorKind {
    /// The source's own CSS selectors.
    Selectors,
    /// The generic main-content extractor (selectors found nothing).
    Generic,
    /// The feed entry itself (no page fetched or the page gave nothing better).
    Feed,
}

impl ExtractorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ExtractorKind::Selectors => "selectors",
            ExtractorKind::Generic => "generic",
            ExtractorKind::Feed => "feed",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "selectors" => Some(Self::Selectors),
            "generic" => Some(Self::Generic),
            "feed" => Some(Self::Feed),
            _ => None,
        }
    }
}

/// What a stored item is. Only reports become candidates or leads; the
/// others are kept as what they are and counted in the source's health.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ArticleKind {
    Report,
    /// An item of a page labelled 广告, or an advertorial.
    Advertisement,
    /// A 版务 item: 本版责编、版式设计, corrections, notices to readers.
    Notice,
    /// A picture with its caption only.
    Picture,
}

impl ArticleKind {
    pub const ALL: [ArticleKind; 4] = [
        ArticleKind::Report,
        ArticleKind::Advertisement,
        ArticleKind::Notice,
        ArticleKind::Picture,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            ArticleKind::Report => "report",
            ArticleKind::Advertisement => "advertisement",
            ArticleKind::Notice => "notice",
            ArticleKind::Picture => "picture",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        ArticleKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            ArticleKind::Report => "报道",
            ArticleKind::Advertisement => "广告",
            ArticleKind::Notice => "版务",
            ArticleKind::Picture => "图片",
        }
    }
}

/// A print citation found on a web reprint, e.g. `《 人民日报 》（ 2026年03月04日 05 版）`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrintCitation {
    pub outlet: String,
    pub date: NaiveDate,
    pub page: Option<String>,
}

/// One article as stored. `published` is a Beijing calendar date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Article {
    pub id: ArticleId,
    /// The URL the article was fetched from (after redirects).
    pub url: String,
    /// The canonical form of the URL the id is derived from.
    pub canonical_url: String,
    pub source: SourceId,
    pub outlet: String,
    /// Scoring item the source can evidence (`B1`, `C7`, …) or `lead`.
    pub item: String,
    pub title: String,
    pub pretitle: Option<String>,
    pub subtitle: Option<String>,
    pub author: Option<String>,
    #[serde(with = "opt_date")]
    pub published: Option<NaiveDate>,
    /// Page (版) label, e.g. `01版：要闻`.
    pub page: Option<String>,
    pub body: String,
    pub extractor: ExtractorKind,
    pub citation: Option<PrintCitation>,
    /// Non-fatal problems met while extracting (missing date, empty field, …).
    pub warnings: Vec<String>,
}

mod opt_date {
    use chrono::NaiveDate;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.serialize_str(&d.format("%Y-%m-%d").to_string()),
            None => s.serialize_none(),
        }
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
        let s: Option<String> = Option::deserialize(d)?;
        match s {
            Some(s) => NaiveDate::parse_from_str(&s, "%Y-%m-%d")
                .map(Some)
                .map_err(serde::de::Error::custom),
            None => Ok(None),
        }
    }
}
