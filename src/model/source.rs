//! Source definitions: what one `sources/<id>.toml` file says. Parsing and
//! validation with file:line errors live in `config`; this is only the shape.
//!
//! Date templates (`{yyyy}`, `{mm}`, `{dd}`, `{yyyymm}`, `{yyyymmdd}`,
//! `{yyyy-mm}`, `{yyyy-mm-dd}`) are filled with a Beijing calendar date.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How a source is enumerated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    /// RSS, Atom or RDF feeds.
    Feed,
    /// Index pages with pagination, article links found by CSS selectors.
    Listing,
    /// A Founder-style daily e-paper: edition → pages (版) → articles.
    Epaper,
    /// A broadcast day list (新闻联播): one article per broadcast item.
    Broadcast,
}

impl SourceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Feed => "feed",
            SourceKind::Listing => "listing",
            SourceKind::Epaper => "epaper",
            SourceKind::Broadcast => "broadcast",
        }
    }
}

/// When a source's pages go through the browser (see `SourceDef::browser`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BrowserUse {
    /// Plain HTTP only: a challenge page is reported and retried later.
    Never,
    /// HTTP first; a host that answers with a challenge goes through the browser.
    #[default]
    OnChallenge,
    /// Every page through the browser.
    Always,
}

impl BrowserUse {
    pub fn as_str(self) -> &'static str {
        match self {
            BrowserUse::Never => "never",
            BrowserUse::OnChallenge => "on-challenge",
            BrowserUse::Always => "always",
        }
    }
}

/// A scoring item code (`B1`, `C7`, …) or `lead`.
pub type ScoringItem = String;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceDef {
    pub id: String,
    /// Human name, e.g. `人民日报 电子版`.
    pub name: String,
    /// The outlet an article from this source belongs to, e.g. `人民日报`.
    pub outlet: String,
    /// Scoring item this source can evidence, or `lead`.
    pub item: ScoringItem,
    pub kind: SourceKind,
    /// Cron expression (sec min hour day month weekday) in Beijing time.
    #[serde(default)]
    pub schedule: Option<String>,
    /// Minimum gap between two requests to one host, seconds.
    #[serde(default)]
    pub pace_secs: Option<f64>,
    #[serde(default = "yes")]
    pub enabled: bool,
    /// When pages are fetched through headless Chromium: `never`,
    /// `on-challenge` (default: after a host answered with a JavaScript
    /// challenge, the rest of its requests this run) or `always`.
    #[serde(default)]
    pub browser: BrowserUse,
    /// Free text for operators: caveats, what is known to break.
    #[serde(default)]
    pub notes: Option<String>,
    /// Extra request headers (e.g. `Referer`).
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    #[serde(default)]
    pub feed: Option<FeedSpec>,
    #[serde(default)]
    pub listing: Option<ListingSpec>,
    #[serde(default)]
    pub epaper: Option<EpaperSpec>,
    #[serde(default)]
    pub broadcast: Option<BroadcastSpec>,
    /// Article-page selectors. Empty selectors fall back to the generic extractor.
    #[serde(default)]
    pub fields: FieldSelectors,
}

fn yes() -> bool {
    true
}

impl SourceDef {
    /// A definition with only an id and a kind: a lead with no selectors and
    /// no kind table (the generic extractor's stand-in, and tests' start).
    pub fn bare(id: &str, kind: SourceKind) -> SourceDef {
        SourceDef {
            id: id.into(),
            name: id.into(),
            outlet: String::new(),
            item: "lead".into(),
            kind,
            schedule: None,
            pace_secs: None,
            enabled: true,
            browser: BrowserUse::default(),
            notes: None,
            headers: BTreeMap::new(),
            feed: None,
            listing: None,
            epaper: None,
            broadcast: None,
            fields: FieldSelectors::default(),
        }
    }
}

/// CSS selectors for the fields of an article page. A selector may list
/// alternatives separated by commas; the first element with text wins.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldSelectors {
    pub title: Option<String>,
    pub pretitle: Option<String>,
    pub subtitle: Option<String>,
    pub author: Option<String>,
    pub date: Option<String>,
    pub body: Option<String>,
    /// Elements removed from the body before its text is taken.
    #[serde(default)]
    pub strip: Vec<String>,
}

impl FieldSelectors {
    /// Every field selector by name (`strip` aside).
    pub fn named(&self) -> [(&'static str, Option<&str>); 6] {
        [
            ("title", self.title.as_deref()),
            ("pretitle", self.pretitle.as_deref()),
            ("subtitle", self.subtitle.as_deref()),
            ("author", self.author.as_deref()),
            ("date", self.date.as_deref()),
            ("body", self.body.as_deref()),
        ]
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedSpec {
    pub urls: Vec<String>,
    /// Fetch each entry's page for the full text (default true).
    #[serde(default = "yes")]
    pub fetch_pages: bool,
}

/// Index pages (栏目) listing articles, with pagination.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListingSpec {
    /// First pages of each column.
    pub start: Vec<String>,
    /// `html` (default) or `jsonp`/`json` (see `json_items`).
    #[serde(default)]
    pub format: ListingFormat,
    /// Template for further pages relative to the start URL, with `{n}` the
    /// page number counted from `page_base` (TRS sites: `index_{n}.html`, base 1
    /// for the second page).
    #[serde(default)]
    pub page_url: Option<String>,
    #[serde(default = "one")]
    pub page_base: u32,
    /// CSS selector of a "next page" link, an alternative to `page_url`.
    #[serde(default)]
    pub next: Option<String>,
    /// Regex with one group that reads the page count from a page
    /// (e.g. `createPage\((\d+)`).
    #[serde(default)]
    pub page_count: Option<String>,
    /// Regex with one group read from the first page and put in `page_url` as
    /// `{id}` (SASAC: `id="pag_(\d+)"` for `index_{id}_{n}.html`).
    #[serde(default)]
    pub page_id: Option<String>,
    /// Further pages are numbered downward from the page count (SASAC: page 2
    /// is `{n}` = count - 1, page 3 is count - 2, …). Needs `page_count`.
    #[serde(default)]
    pub descending: bool,
    /// Pages per column on a scheduled run (backfill walks until `--from`).
    #[serde(default = "three")]
    pub max_pages: u32,
    /// Hard cap on pages per column in a backfill.
    #[serde(default = "two_hundred")]
    pub max_backfill_pages: u32,
    /// CSS selector of one list item; links and dates are looked up inside it.
    #[serde(default)]
    pub items: Option<String>,
    /// CSS selector of the article link (inside an item); default `a`.
    #[serde(default)]
    pub link: Option<String>,
    /// CSS selector of the item's date (inside an item).
    #[serde(default)]
    pub date: Option<String>,
    /// Regex an article URL must match.
    #[serde(default)]
    pub link_pattern: Option<String>,
    /// Regex for links to further listings on a listing page (the gazette's
    /// year → issue → articles walk). They are followed as listings of their
    /// own; one whose URL names a year outside the run's years is skipped.
    #[serde(default)]
    pub sublist_pattern: Option<String>,
    /// JSON/JSONP lists: where the items are and which keys hold url, title, date.
    #[serde(default)]
    pub json_items: Option<JsonItems>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ListingFormat {
    #[default]
    Html,
    Json,
    Jsonp,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JsonItems {
    /// Dotted path to the array, e.g. `data.list`.
    pub path: String,
    pub url: String,
    pub title: String,
    #[serde(default)]
    pub date: Option<String>,
}

/// A URL template valid for a date range (both ends inclusive, either open).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DateTemplate {
    #[serde(default, deserialize_with = "toml_date::optional")]
    pub from: Option<NaiveDate>,
    #[serde(default, deserialize_with = "toml_date::optional")]
    pub until: Option<NaiveDate>,
    pub url: String,
}

impl DateTemplate {
    pub fn covers(&self, date: NaiveDate) -> bool {
        self.from.is_none_or(|f| date >= f) && self.until.is_none_or(|u| date <= u)
    }
}

/// A Founder-style e-paper.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EpaperSpec {
    /// The first page (版) of the edition of a date; dated templates for sites
    /// that changed their URL scheme. The first template covering a date wins.
    pub editions: Vec<DateTemplate>,
    /// Entry page of the latest edition (may redirect by meta refresh or JS).
    #[serde(default)]
    pub latest: Option<String>,
    /// CSS selector of links to the edition's pages.
    pub page_links: String,
    /// Regex a page URL must match.
    #[serde(default)]
    pub page_pattern: Option<String>,
    /// CSS selector of article links on a page.
    pub article_links: String,
    /// Regex an article URL must match.
    #[serde(default)]
    pub article_pattern: Option<String>,
    /// CSS selector of the page label (`第01版：要闻`) on a page.
    #[serde(default)]
    pub page_label: Option<String>,
    /// Article titles containing any of these are not articles (ads, credits).
    #[serde(default)]
    pub skip_titles: Vec<String>,
}

/// A broadcast programme's day list (新闻联播).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BroadcastSpec {
    /// Day list URL template.
    pub day: String,
    /// CSS selector of one broadcast item.
    pub items: String,
    /// CSS selector of the item link inside an item; default `a`.
    #[serde(default)]
    pub link: Option<String>,
    /// Items whose title starts with one of these are the full programme, skipped.
    #[serde(default)]
    pub skip_prefixes: Vec<String>,
    /// Prefixes removed from titles (`[视频]`).
    #[serde(default)]
    pub strip_prefixes: Vec<String>,
    /// Beijing time (HH:MM) after which a day's list is complete.
    #[serde(default)]
    pub complete_after: Option<String>,
}

fn one() -> u32 {
    1
}
fn three() -> u32 {
    3
}
fn two_hundred() -> u32 {
    200
}

/// Fill `{yyyy}`, `{mm}`, `{dd}`, `{yyyymm}`, `{yyyymmdd}`, `{yyyy-mm}` and
/// `{yyyy-mm-dd}` in a URL template with a date.
pub fn fill_date_template(template: &str, date: NaiveDate) -> String {
    template
        .replace("{yyyy-mm-dd}", &date.format("%Y-%m-%d").to_string())
        .replace("{yyyy-mm}", &date.format("%Y-%m").to_string())
        .replace("{yyyymmdd}", &date.format("%Y%m%d").to_string())
        .replace("{yyyymm}", &date.format("%Y%m").to_string())
        .replace("{yyyy}", &date.format("%Y").to_string())
        .replace("{mm}", &date.format("%m").to_string())
        .replace("{dd}", &date.format("%d").to_string())
}

/// Dates in source files may be TOML dates (`from = 2024-12-01`) or strings
/// (`from = "2024-12-01"`).
mod toml_date {
    use chrono::NaiveDate;
    use serde::{Deserialize, Deserializer};

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Toml(toml::value::Datetime),
        Text(String),
    }

    pub fn optional<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
        let text = match Option::<Raw>::deserialize(d)? {
            None => return Ok(None),
            Some(Raw::Toml(dt)) => match dt.date {
                Some(date) => format!("{:04}-{:02}-{:02}", date.year, date.month, date.day),
                None => return Err(serde::de::Error::custom("a date needs year, month and day")),
            },
            Some(Raw::Text(s)) => s,
        };
        NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
            .map(Some)
            .map_err(|e| {
                serde::de::Error::custom(format!("`{text}` is not a date (YYYY-MM-DD): {e}"))
            })
    }

    #[cfg(test)]
    mod tests {
        use crate::model::DateTemplate;

        #[test]
        fn toml_dates_and_strings_both_work() {
            let a: DateTemplate =
                toml::from_str("from = 2024-12-01\nurl = \"http://a.cn/{yyyymm}\"")
                    .expect("toml date");
            let b: DateTemplate =
                toml::from_str("from = \"2024-12-01\"\nurl = \"http://a.cn/{yyyymm}\"")
                    .expect("string date");
            assert_eq!(a.from, b.from);
            assert_eq!(a.from.map(|d| d.to_string()).as_deref(), Some("2024-12-01"));
            assert!(toml::from_str::<DateTemplate>("from = \"2024-13-01\"\nurl = \"u\"").is_err());
        }
    }
}

/// A selector list as written in a source definition, split the way the
/// extractor applies it (`radar check` validates each part the same way).
/// Split `a, b:is(c, d), e[x="1,2"]` into its top-level alternatives.
pub fn split_alternatives(sel: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut quote, mut start) = (0i32, None::<char>, 0usize);
    for (i, c) in sel.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '(' | '[') => depth += 1,
            (None, ')' | ']') => depth -= 1,
            (None, ',') if depth == 0 => {
                out.push(sel[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(sel[start..].trim());
    out.retain(|s| !s.is_empty());
    out
}
