//! The scorecard rules as the stages see them (`rules.toml`): categories and
//! how each scores, items, which years count, the typical-case bonus, and which
//! outlets evidence an item or are leads only. Pure types and look-ups; loading
//! and validation live in `config`, the arithmetic in `scoring`.
//!
//! Outlet names match exactly after [`outlet_key`] (white space and title
//! brackets removed, ASCII lower-cased), never by prefix: 人民日报海外版 is not
//! 人民日报. Every other spelling of an outlet is one of its `aliases`.

use serde::{Deserialize, Serialize};

/// The whole rules file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    /// Which years count; absent: none (an empty rules file scores nothing).
    #[serde(default)]
    pub validity: Option<Validity>,
    /// The bonus for an adopted typical reform case; absent: no bonus.
    #[serde(default)]
    pub typical_case: Option<TypicalCase>,
    #[serde(default)]
    pub category: Vec<Category>,
    #[serde(default)]
    pub item: Vec<Item>,
    #[serde(default)]
    pub outlet: Vec<Outlet>,
    #[serde(default)]
    pub lead: Vec<Lead>,
    /// When the reviewer's one-line verdict calls a report in depth.
    #[serde(default)]
    pub depth: DepthThresholds,
}

/// The thresholds of the 证据详情 verdict (深度报道：是/否). A report is in
/// depth when the enterprise is in its title, or when its mentions cover at
/// least `paragraph_share` of the body's paragraphs, in at least
/// `min_mentions` places, in a body of at least `min_length` characters.
/// `reform_density` (reform words per 1,000 characters) is shown against
/// its threshold as 改革内容多/少.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DepthThresholds {
    pub title_counts: bool,
    pub paragraph_share: f64,
    pub min_mentions: usize,
    pub min_length: usize,
    pub reform_density: f64,
}

impl Default for DepthThresholds {
    fn default() -> DepthThresholds {
        DepthThresholds {
            title_counts: true,
            paragraph_share: 0.5,
            min_mentions: 3,
            min_length: 600,
            reform_density: 5.0,
        }
    }
}

/// An item counts in the year of its publication or event date, if that year
/// is from `from_year` to `until_year` (absent: open-ended).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Validity {
    pub from_year: i32,
    #[serde(default)]
    pub until_year: Option<i32>,
}

/// The bonus for a typical case the commission adopted. A counted item whose
/// code is `code` is such a case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TypicalCase {
    pub code: String,
    pub name: String,
    pub points: f64,
}

/// A category scores either per item (`points_per_item`) or against a yearly
/// target (`yearly_target` with `points_short` per missing item, signed, and
/// `points_beyond` per item over the target).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Category {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub points_per_item: Option<f64>,
    #[serde(default)]
    pub yearly_target: Option<u32>,
    #[serde(default)]
    pub points_short: Option<f64>,
    #[serde(default)]
    pub points_beyond: Option<f64>,
}

/// How a category scores, once validated.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Scheme {
    /// Each item earns its points (the item's own, else the category's).
    PerItem { points: f64 },
    /// n items against a target: `(target - n) × short` below it,
    /// `(n - target) × beyond` above it, 0 on it.
    Target {
        target: u32,
        short: f64,
        beyond: f64,
    },
}

impl Category {
    /// The category's scheme; `None` when the category is neither (or both),
    /// which validation reports.
    pub fn scheme(&self) -> Option<Scheme> {
        match (self.points_per_item, self.yearly_target) {
            (Some(points), None) => Some(Scheme::PerItem { points }),
            (None, Some(target)) => Some(Scheme::Target {
                target,
                short: self.points_short.unwrap_or(0.0),
                beyond: self.points_beyond.unwrap_or(0.0),
            }),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    pub code: String,
    pub category: String,
    pub name: String,
    /// Points of this item in a per-item category (absent: the category's).
    #[serde(default)]
    pub points: Option<f64>,
    /// No public page can evidence it: entered by hand with its attachment.
    #[serde(default)]
    pub manual_only: bool,
    /// What kind of evidence it is, for the case draft's itemised list.
    #[serde(default)]
    pub kind: Option<ItemKind>,
    /// A short name for documents and narrow screens (人民日报报道);
    /// absent: derived from the name.
    #[serde(default)]
    pub short: Option<String>,
}

impl Item {
    /// The short name: the rules' own, else the name without its
    /// parenthesised remarks, cut to 12 characters.
    pub fn short_name(&self) -> String {
        match self
            .short
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(s) => s.to_string(),
            None => short_of(&self.name),
        }
    }
}

/// A name without its parenthesised remarks, cut to 12 characters.
pub fn short_of(name: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    for ch in name.chars() {
        match ch {
            '（' | '(' => depth += 1,
            '）' | ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(ch),
            _ => {}
        }
    }
    let chars: Vec<char> = out.trim().chars().collect();
    if chars.len() > 12 {
        chars[..11].iter().collect::<String>() + "…"
    } else {
        chars.into_iter().collect()
    }
}

/// The kinds of evidence annex 2 lists apart: leader instructions, meeting
/// promotions, media reports, inclusion in documents (and awards).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// 领导批示
    Instruction,
    /// 会议推广
    Meeting,
    /// 媒体报道
    Media,
    /// 文件刊载
    Document,
}

impl ItemKind {
    /// The heading of the kind in the case draft's list.
    pub fn label(self) -> &'static str {
        match self {
            ItemKind::Instruction => "领导批示",
            ItemKind::Meeting => "会议推广",
            ItemKind::Media => "媒体报道",
            ItemKind::Document => "文件刊载",
        }
    }
}

/// An outlet whose own reports evidence `item`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Outlet {
    pub name: String,
    pub item: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Never public (internal periodicals): entered by hand.
    #[serde(default)]
    pub manual_only: bool,
    #[serde(default)]
    pub note: Option<String>,
}

/// An outlet whose reports are leads only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lead {
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub note: Option<String>,
}

impl Outlet {
    /// The name and every alias.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.name.as_str()).chain(self.aliases.iter().map(String::as_str))
    }
    pub fn is_named(&self, name: &str) -> bool {
        let key = outlet_key(name);
        self.names().any(|n| outlet_key(n) == key)
    }
}

impl Lead {
    /// The name and every alias.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.name.as_str()).chain(self.aliases.iter().map(String::as_str))
    }
    pub fn is_named(&self, name: &str) -> bool {
        let key = outlet_key(name);
        self.names().any(|n| outlet_key(n) == key)
    }
}

/// The form outlet names are compared in: white space (the full-width space
/// too) and the title brackets 《》〈〉 removed, ASCII letters lower-cased.
pub fn outlet_key(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '《' | '》' | '〈' | '〉'))
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

impl Rules {
    pub fn item(&self, code: &str) -> Option<&Item> {
        self.item.iter().find(|i| i.code == code)
    }
    pub fn has_item(&self, code: &str) -> bool {
        self.item(code).is_some()
    }
    pub fn category(&self, id: &str) -> Option<&Category> {
        self.category.iter().find(|c| c.id == id)
    }
    /// The category an item code belongs to.
    pub fn category_of(&self, code: &str) -> Option<&Category> {
        self.item(code).and_then(|i| self.category(&i.category))
    }
    /// Whether `code` is the typical-case bonus code.
    pub fn is_typical_case(&self, code: &str) -> bool {
        self.typical_case.as_ref().is_some_and(|t| t.code == code)
    }
    /// The scoring outlet of a name (exact after [`outlet_key`]).
    pub fn outlet(&self, name: &str) -> Option<&Outlet> {
        self.outlet.iter().find(|o| o.is_named(name))
    }
    /// The item a report in this outlet evidences, if it is a scoring outlet.
    pub fn item_for_outlet(&self, name: &str) -> Option<&Item> {
        self.outlet(name).and_then(|o| self.item(&o.item))
    }
    /// Whether reports of this outlet are leads only.
    pub fn is_lead_outlet(&self, name: &str) -> bool {
        self.lead.iter().any(|l| l.is_named(name))
    }
    /// Whether items dated in year `y` count.
    pub fn counts_in_year(&self, y: i32) -> bool {
        self.validity
            .is_some_and(|v| v.from_year <= y && v.until_year.is_none_or(|u| y <= u))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> Rules {
        Rules {
            validity: Some(Validity {
                from_year: 2023,
                until_year: None,
            }),
            item: vec![Item {
                code: "B1".into(),
                category: "B".into(),
                name: "x".into(),
                points: None,
                manual_only: false,
                kind: None,
                short: None,
            }],
            outlet: vec![Outlet {
                name: "人民日报".into(),
                item: "B1".into(),
                aliases: vec![],
                manual_only: false,
                note: None,
            }],
            lead: vec![Lead {
                name: "人民网".into(),
                aliases: vec!["People's Daily Online".into()],
                note: None,
            }],
            ..Rules::default()
        }
    }

    #[test]
    fn outlet_names_match_exactly_after_normalising() {
        let r = rules();
        for name in ["人民日报", "《 人民日报 》", "人民日报\u{3000}"] {
            assert_eq!(r.item_for_outlet(name).map(|i| i.code.as_str()), Some("B1"));
        }
        for name in ["人民日报海外版", "人民日报客户端", "人民", "人民网"] {
            assert!(r.item_for_outlet(name).is_none(), "{name}");
        }
        assert!(r.is_lead_outlet("人民网"));
        assert!(r.is_lead_outlet("people's daily online"));
        assert!(!r.is_lead_outlet("人民日报"));
    }

    #[test]
    fn years_count_from_the_first_on_and_until_the_last() {
        let mut r = rules();
        assert!(!r.counts_in_year(2022));
        assert!(r.counts_in_year(2023) && r.counts_in_year(2031));
        r.validity = Some(Validity {
            from_year: 2023,
            until_year: Some(2024),
        });
        assert!(r.counts_in_year(2024) && !r.counts_in_year(2025));
        r.validity = None;
        assert!(!r.counts_in_year(2023));
    }

    #[test]
    fn a_category_is_per_item_or_target_never_both() {
        let c = Category {
            id: "C".into(),
            name: "c".into(),
            points_per_item: None,
            yearly_target: Some(1),
            points_short: Some(-1.0),
            points_beyond: Some(0.5),
        };
        assert_eq!(
            c.scheme(),
            Some(Scheme::Target {
                target: 1,
                short: -1.0,
                beyond: 0.5
            })
        );
        let both = Category {
            points_per_item: Some(1.0),
            ..c.clone()
        };
        assert_eq!(both.scheme(), None);
        let neither = Category {
            yearly_target: None,
            ..c
        };
        assert_eq!(neither.scheme(), None);
    }
}
