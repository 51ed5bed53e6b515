//! The enterprise registry as the stages see it: each enterprise with its
//! names of every kind, and the district whose name anchors an ambiguous
//! alias. Loaded from `enterprises.toml` by `registry`; matched by `matching`.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// What kind of name an alias is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AliasKind {
    /// The registered full name (企业名称).
    FullName,
    /// A short name (简称).
    ShortName,
    /// A name used before a rename (曾用名), valid for articles dated before
    /// `valid_until` plus the registry's grace period.
    FormerName,
    /// A key project or brand name.
    Brand,
    /// Declared in the article itself: （以下简称"XX"）.
    ArticleLocal,
}

impl AliasKind {
    pub fn label_zh(self) -> &'static str {
        match self {
            AliasKind::FullName => "全称",
            AliasKind::ShortName => "简称",
            AliasKind::FormerName => "曾用名",
            AliasKind::Brand => "项目/品牌",
            AliasKind::ArticleLocal => "文中简称",
        }
    }
}

/// One name of an enterprise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alias {
    pub text: String,
    pub kind: AliasKind,
    /// Many districts have one (城投集团, 水务集团, 交投): counts only with an
    /// anchor (the district's name nearby, the full name earlier in the
    /// article) or on the district's own sites.
    pub ambiguous: bool,
    /// For a former name: the last day it was the enterprise's name.
    pub valid_until: Option<NaiveDate>,
    /// A short name the registry vouches for on purpose: it counts in an
    /// article with no anchor of ours (no 万州, no full name). Every other
    /// short name needs one somewhere in the article.
    #[serde(default, skip_serializing_if = "is_false")]
    pub distinctive: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// A name that belongs to someone else (a central SOE, a big bank, another
/// city's namesake) and contains or equals one of our names: where the
/// article writes it, our name is not meant. `means` is who it is, in the
/// words a reviewer reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Homonym {
    pub name: String,
    pub means: String,
}

/// A registered enterprise.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Enterprise {
    /// The registry's id (stable; the ledger and the index use it).
    pub id: String,
    /// The full name.
    pub name: String,
    /// Every name but the full name.
    pub aliases: Vec<Alias>,
    /// For a subsidiary: the parent's id. A subsidiary's items count for
    /// its parent.
    pub parent: Option<String>,
}

impl Enterprise {
    /// Every name, the full name first.
    pub fn all_aliases(&self) -> Vec<Alias> {
        let mut out = vec![Alias {
            text: self.name.clone(),
            kind: AliasKind::FullName,
            ambiguous: false,
            valid_until: None,
            distinctive: false,
        }];
        out.extend(self.aliases.iter().cloned());
        out
    }
}

/// The registry of one district.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Registry {
    /// The district's name as articles write it (万州), and other spellings
    /// (万州区): an ambiguous alias needs one of them nearby.
    pub anchors: Vec<String>,
    /// Days a former name still counts after `valid_until`.
    pub former_name_grace_days: u32,
    /// Source ids of the district's own sites, where an ambiguous alias
    /// needs no anchor.
    pub home_sources: Vec<String>,
    pub enterprises: Vec<Enterprise>,
    /// Known namesakes of our names, beyond the built-in list the matcher
    /// ships (`matching::homonyms`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub homonyms: Vec<Homonym>,
}

impl Registry {
    pub fn get(&self, id: &str) -> Option<&Enterprise> {
        self.enterprises.iter().find(|e| e.id == id)
    }

    /// The enterprise whose scorecard an enterprise's items count for: its
    /// top-most registered parent (itself when it has none).
    pub fn scoring_unit<'a>(&'a self, id: &'a str) -> &'a str {
        let mut current = id;
        for _ in 0..16 {
            match self.get(current).and_then(|e| e.parent.as_deref()) {
                Some(p) if self.get(p).is_some() => current = p,
                _ => break,
            }
        }
        current
    }
}
