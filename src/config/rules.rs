//! `enterprises.toml` (the enterprises to match). Only its shape is checked
//! here. The scoring rules (`rules.toml`) are `scoring_rules`.

use serde::{Deserialize, Serialize};

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
