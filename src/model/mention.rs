//! What matching finds in an article: each mention of a registered
//! enterprise with where it stands, and per enterprise a verdict with its
//! confidence, the reasons in words and the depth signals a reviewer needs
//! to judge 深度专题报道.

use super::enterprise::AliasKind;
use serde::{Deserialize, Serialize};

/// Which field of the article a mention stands in.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum MentionField {
    Pretitle,
    Title,
    Subtitle,
    #[default]
    Body,
}

impl MentionField {
    pub fn label_zh(self) -> &'static str {
        match self {
            MentionField::Pretitle => "引题",
            MentionField::Title => "标题",
            MentionField::Subtitle => "副题",
            MentionField::Body => "正文",
        }
    }
}

/// One occurrence of an alias in an article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mention {
    pub enterprise: String,
    pub alias: String,
    pub kind: AliasKind,
    /// Character offsets (Unicode scalar values) in the field's text (for
    /// the body: in its paragraph, the body's `paragraph - 1`th line).
    pub start: usize,
    pub end: usize,
    /// 0 for the title, 1… for body paragraphs.
    pub paragraph: usize,
    pub in_title: bool,
    /// In the lead (the first body paragraph).
    pub in_lead: bool,
    /// Inside an enumeration of 3+ organisations or a list paragraph
    /// (名单, 参会单位, 附件, 排名, 公示): never evidence on its own.
    pub in_list: bool,
    /// An ambiguous alias with its anchor (the district nearby, the full
    /// name earlier, a home source); always true for distinctive aliases.
    pub anchored: bool,
    /// The field: the title, pretitle and subtitle all have paragraph 0.
    #[serde(default)]
    pub field: MentionField,
    /// Why the mention does not count although anchored and not in a list
    /// (a former name used after the rename).
    #[serde(default)]
    pub excluded: Option<String>,
}

/// How sure a match is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    Low,
    Medium,
    High,
}

impl Confidence {
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }
}

/// What a reviewer needs to judge depth (深度专题报道).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DepthSignals {
    pub in_title: bool,
    pub mentions: usize,
    /// Share of body paragraphs that mention the enterprise (0–1).
    pub paragraph_share: f64,
    /// Reform vocabulary hits per 1,000 characters.
    pub reform_density: f64,
    /// Body length in characters.
    pub length: usize,
    pub page: Option<String>,
}

/// One enterprise's match in one article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnterpriseMatch {
    /// The enterprise named (a subsidiary keeps its own id here).
    pub enterprise: String,
    pub confidence: Confidence,
    /// A number for sorting (0–1).
    pub score: f64,
    /// Why, in words (Chinese for reviewers): "标题中出现全称", …
    pub reasons: Vec<String>,
    pub signals: DepthSignals,
    /// Every mention is a list mention (or unanchored): not evidence.
    pub evidence: bool,
    pub mentions: Vec<Mention>,
}
