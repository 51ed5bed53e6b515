//! The context a task carries from the page that found it to the page itself:
//! the date, page label and title seen on the way, and listing pagination state.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TaskContext {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Listing page number (1 = the start page) and the start URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_no: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// Page count and page id read from a listing's first page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_count: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_id: Option<String>,
    /// Other URLs for the same page, tried in order if this one answers 404
    /// (an e-paper whose URL scheme changed around this date).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alternates: Vec<String>,
    /// Follow any meta refresh / JS redirect (entry pages).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub eager: bool,
}

impl TaskContext {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{}".into())
    }
    /// A context read back from the store; a corrupt one is an empty one.
    pub fn from_json(s: &str) -> TaskContext {
        serde_json::from_str(s).unwrap_or_default()
    }
}
