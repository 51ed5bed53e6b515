//! Matching articles to the registered enterprises: normalised text, one
//! Aho-Corasick automaton (leftmost-longest) over every alias, mentions with
//! their place, list and anchor checks, and a verdict per enterprise with
//! its confidence, reasons and depth signals. Pure: no I/O.

use crate::model::{Article, EnterpriseMatch, Registry};

/// Where an article comes from, as far as matching cares.
#[derive(Debug, Clone, Default)]
pub struct MatchContext {
    /// The article is from one of the district's own sites (an ambiguous
    /// alias needs no anchor there).
    pub home_source: bool,
}

/// A registry compiled for matching. Build once, match many articles.
pub struct Matcher {
    registry: Registry,
}

impl Matcher {
    pub fn new(registry: &Registry) -> Matcher {
        Matcher {
            registry: registry.clone(),
        }
    }

    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// Every registered enterprise the article names, with its verdict.
    pub fn match_article(&self, _article: &Article, _ctx: &MatchContext) -> Vec<EnterpriseMatch> {
        Vec::new()
    }
}
