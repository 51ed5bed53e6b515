//! `rules.toml` (scoring categories and items) and `enterprises.toml` (the
//! enterprises to match). Only their shape is checked here; matching and
//! scoring come in later stages.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    #[serde(default)]
    pub category: Vec<Category>,
    #[serde(default)]
    pub item: Vec<Item>,
}

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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    pub code: String,
    pub category: String,
    pub name: String,
}

impl Rules {
    pub fn has_item(&self, code: &str) -> bool {
        self.item.iter().any(|i| i.code == code)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnterprisesFile {
    #[serde(default)]
    pub enterprise: Vec<Enterprise>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Enterprise {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub short_names: Vec<String>,
    #[serde(default)]
    pub former_names: Vec<String>,
    #[serde(default)]
    pub subsidiaries: Vec<String>,
}
