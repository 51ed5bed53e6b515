//! Evaluation against a labelled set: each article with the enterprises it
//! is evidence for (and the scoring items it would give). Counts true and
//! false positives and false negatives of (article, enterprise) evidence
//! pairs and renders the confusion table. Pure: the caller reads the files
//! and hands over their text.

use super::{MatchContext, Matcher};
use crate::model::{Article, ArticleId, ExtractorKind, Registry, SourceId};
use chrono::NaiveDate;
use serde::Deserialize;
use std::fmt::Write;

/// One labelled article as the fixture file holds it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Labelled {
    pub id: String,
    pub source: String,
    pub outlet: String,
    pub date: Option<NaiveDate>,
    pub page: Option<String>,
    pub pretitle: Option<String>,
    pub title: String,
    pub subtitle: Option<String>,
    pub body: String,
    /// Enterprises the article is evidence for.
    pub expect: Vec<String>,
    /// (enterprise, scoring item) pairs it would give.
    #[serde(default)]
    pub items: Vec<(String, String)>,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Deserialize)]
struct File {
    article: Vec<Labelled>,
}

impl Labelled {
    /// The article as extraction would hand it over.
    pub fn article(&self) -> Article {
        Article {
            id: ArticleId(self.id.clone()),
            url: format!("http://labelled.invalid/{}", self.id),
            canonical_url: format!("http://labelled.invalid/{}", self.id),
            source: SourceId(self.source.clone()),
            outlet: self.outlet.clone(),
            item: String::new(),
            title: self.title.clone(),
            pretitle: self.pretitle.clone(),
            subtitle: self.subtitle.clone(),
            author: None,
            published: self.date,
            page: self.page.clone(),
            body: self.body.trim_end_matches('\n').to_string(),
            extractor: ExtractorKind::Selectors,
            citation: None,
            warnings: vec![],
        }
    }
}

/// Parses the labelled set (`[[article]]` tables).
pub fn parse_labelled(text: &str) -> Result<Vec<Labelled>, String> {
    toml::from_str::<File>(text)
        .map(|f| f.article)
        .map_err(|e| e.to_string())
}

/// Parses a registry written as TOML.
pub fn parse_registry(text: &str) -> Result<Registry, String> {
    toml::from_str::<Registry>(text).map_err(|e| e.to_string())
}

/// The outcome of one (article, enterprise) pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pair {
    pub article: String,
    pub enterprise: String,
}

#[derive(Debug, Clone, Default)]
pub struct Confusion {
    pub tp: Vec<Pair>,
    pub fp: Vec<Pair>,
    pub fn_: Vec<Pair>,
    /// Articles with no expected and no found evidence.
    pub tn_articles: usize,
}

impl Confusion {
    pub fn precision(&self) -> f64 {
        let d = self.tp.len() + self.fp.len();
        if d == 0 {
            1.0
        } else {
            self.tp.len() as f64 / d as f64
        }
    }
    pub fn recall(&self) -> f64 {
        let d = self.tp.len() + self.fn_.len();
        if d == 0 {
            1.0
        } else {
            self.tp.len() as f64 / d as f64
        }
    }

    /// The table: counts, precision, recall, and every FP/FN with its
    /// article id.
    pub fn render(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "pairs: TP {}  FP {}  FN {}  (articles with nothing expected or found: {})",
            self.tp.len(),
            self.fp.len(),
            self.fn_.len(),
            self.tn_articles
        );
        let _ = writeln!(
            s,
            "precision {:.3}  recall {:.3}",
            self.precision(),
            self.recall()
        );
        for (label, list) in [("FP", &self.fp), ("FN", &self.fn_)] {
            for p in list {
                let _ = writeln!(s, "  {label} {} {}", p.article, p.enterprise);
            }
        }
        let tps: Vec<String> = self
            .tp
            .iter()
            .map(|p| format!("{}:{}", p.article, p.enterprise))
            .collect();
        let _ = writeln!(s, "  TP {}", tps.join(" "));
        s
    }
}

/// Runs the matcher over the set.
pub fn evaluate(matcher: &Matcher, set: &[Labelled]) -> Confusion {
    evaluate_reports(matcher, set, &|_| true)
}

/// Runs the matcher over the set as the pipeline does: an article that
/// `is_report` rejects (an advertisement, a 版务 item, a picture) is
/// never matched, so it gives no evidence.
pub fn evaluate_reports(
    matcher: &Matcher,
    set: &[Labelled],
    is_report: &dyn Fn(&Article) -> bool,
) -> Confusion {
    let mut c = Confusion::default();
    for l in set {
        let ctx = MatchContext::for_source(matcher.registry(), &l.source);
        let article = l.article();
        let found: Vec<String> = if is_report(&article) {
            matcher
                .match_article(&article, &ctx)
                .into_iter()
                .filter(|m| m.evidence)
                .map(|m| m.enterprise)
                .collect()
        } else {
            Vec::new()
        };
        if found.is_empty() && l.expect.is_empty() {
            c.tn_articles += 1;
        }
        for e in &found {
            let pair = Pair {
                article: l.id.clone(),
                enterprise: e.clone(),
            };
            if l.expect.contains(e) {
                c.tp.push(pair);
            } else {
                c.fp.push(pair);
            }
        }
        for e in l.expect.iter().filter(|e| !found.contains(e)) {
            c.fn_.push(Pair {
                article: l.id.clone(),
                enterprise: e.clone(),
            });
        }
    }
    c
}
