//! `rules.toml`: the scoring categories and items. Only its shape is checked
//! here; scoring comes in a later stage. (`enterprises.toml` is read by
//! `registry`.)

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
