//! The files the commission and the enterprises get out of the ledger:
//! scorecards (table, JSON, CSV, XLSX), the quarterly report (季度报送) and the
//! draft of the annex-2 typical case (改革典型案例申报模板) as Markdown and
//! DOCX. Pure renderers over the types below, which `pipeline` fills from the
//! ledger and the scoring rules; nothing here reads the store.

pub mod citation;
pub mod csv;
pub mod docx;
pub mod listing;
pub mod markdown;
pub mod table;
#[cfg(test)]
mod tests;
pub mod xlsx;

pub use self::citation::{checkpoint_sentence, fingerprint};
pub use self::csv::score_csv;
pub use self::docx::{case_docx, quarterly_docx};
pub use self::markdown::{case_markdown, quarterly_markdown};
pub use self::table::{c_words, score_table, signed as signed_points};
pub use self::xlsx::score_xlsx;
pub use crate::ledger::Evidence;
use crate::model::ItemKind;
use crate::scoring::Quarter;
use chrono::NaiveDate;
use serde::Serialize;

/// Why a binary report (XLSX, DOCX) could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("xlsx: {0}")]
    Xlsx(String),
    #[error("docx: {0}")]
    Docx(String),
}

/// Scorecards of one year (or a year to a quarter's end) for one or more
/// enterprises, with the ledger checkpoint they were computed from. Its JSON
/// form is the `radar score --format json` contract.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScoreSheet {
    pub year: i32,
    /// `None`: the whole year; else year to date at the quarter's end.
    pub quarter: Option<Quarter>,
    /// The commission's name (`radar.toml`), for titles.
    pub commission: String,
    /// The signed checkpoint (C2SP signed note text) the figures come from.
    pub checkpoint: Option<String>,
    pub enterprises: Vec<EnterpriseScore>,
}

/// One enterprise's scorecard.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EnterpriseScore {
    pub id: String,
    pub name: String,
    /// Counted items of category A (national affirmation).
    pub a: u32,
    /// Counted items of category B (five central media).
    pub b: u32,
    /// Counted items of category C (city-wide promotion).
    pub c: u32,
    /// The yearly target of category C.
    pub c_target: u32,
    /// C's delta against its target (-1 per missing item, +0.5 per extra).
    pub c_delta: f64,
    /// Items of category C still needed to reach its target (0 when reached).
    pub c_missing: u32,
    /// The typical-case bonus.
    pub bonus: f64,
    pub total: f64,
    /// What awaits review for this enterprise and its subsidiaries:
    /// pending candidates and pending submissions.
    pub pending: u32,
    /// Every counted item of the period, in date order.
    pub items: Vec<ReportItem>,
}

/// One confirmed item of the ledger with its evidence, as reports show it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportItem {
    /// The ledger entry (leaf index in the Merkle tree).
    pub entry: u64,
    /// The item code of the rules (`B1`, `C4`, or the typical case's `TC`).
    pub code: String,
    /// The item's name in the rules (获党和国家领导人肯定性批示…).
    pub item_name: String,
    /// Its short name (领导人肯定性批示), for documents.
    pub item_short: String,
    /// The category id (`A`, `B`, `C`); `None` for a typical case.
    pub category: Option<String>,
    /// The kind of evidence (from the rules), for the case draft's list.
    pub kind: Option<ItemKind>,
    /// What the item earned by itself (`None`: it counts toward a target).
    pub points: Option<f64>,
    /// Publication or event date (Beijing).
    pub date: NaiveDate,
    /// The outlet (人民日报) or the issuing body (市委改革办).
    pub source: String,
    pub title: String,
    /// Page or section when known (`第05版：要闻`).
    pub page: Option<String>,
    pub url: Option<String>,
    /// The enterprise named in the evidence, when it is a subsidiary of the
    /// scored one.
    pub named_enterprise: Option<String>,
    pub evidence: Evidence,
    pub reviewer: String,
    /// When the reviewer confirmed it (RFC 3339, UTC).
    pub confirmed_at: String,
    pub note: Option<String>,
}

/// The quarterly report (季度报送) of one enterprise.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuarterlyReport {
    pub commission: String,
    pub year: i32,
    pub quarter: Quarter,
    pub enterprise: EnterpriseScore,
    /// Items dated in this quarter only (the scorecard is year to date).
    pub quarter_items: Vec<ReportItem>,
    /// The signed checkpoint the report was made from.
    pub checkpoint: String,
    /// When the report was made (Beijing date).
    pub made_on: NaiveDate,
    /// Why this quarter, when nobody chose it (最近一个已结束的季度).
    pub period_note: Option<String>,
}

/// The annex-2 case draft (改革典型案例申报模板) of one enterprise and year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaseDraft {
    pub enterprise_id: String,
    pub enterprise_name: String,
    pub year: i32,
    /// The year's confirmed items, for the itemised list at the end of 三、.
    pub items: Vec<ReportItem>,
    pub checkpoint: String,
    pub made_on: NaiveDate,
}
