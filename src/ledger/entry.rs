//! One ledger entry: what a reviewer confirmed (or undid), with its evidence.
//! Its canonical bytes (the JSON of this struct, fields in this order) are
//! what the store keeps verbatim and never rewrites. The Merkle leaf is not
//! the entry itself but [`Leaf`]: the commission, the scoring unit and the
//! SHA-256 of the entry's bytes, so that a bundle can list every leaf of the
//! tree (who it counts for, and a digest) and prove that it holds every entry
//! of one enterprise without revealing another enterprise's entries.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Confirm an item, or undo an earlier confirmation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Confirm,
    Undo,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Confirm => "confirm",
            Action::Undo => "undo",
        }
    }
}

/// What proves an item: an archived web page or an uploaded file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Evidence {
    /// An archived HTTP response: its WARC record and payload digest.
    Archive {
        article_id: String,
        warc_file: String,
        /// Offset and length of the record's gzip member in the WARC file.
        warc_offset: u64,
        warc_length: u64,
        /// SHA-256 (hex) of the HTTP payload as fetched.
        payload_sha256: String,
        /// The record is marked `WARC-Truncated`: not the whole response.
        truncated: bool,
    },
    /// A file a reviewer added, stored by its SHA-256.
    File {
        sha256: String,
        file_name: String,
        media_type: String,
        size: u64,
    },
}

impl Evidence {
    /// A short reference for tables.
    pub fn short(&self) -> String {
        match self {
            Evidence::Archive { payload_sha256, .. } => format!("网页存档 sha256:{payload_sha256}"),
            Evidence::File { sha256, .. } => format!("上传文件 sha256:{sha256}"),
        }
    }
}

/// One entry of the score ledger.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// The leaf index, from 0.
    pub seq: u64,
    /// The commission whose ledger this is (`[ledger] commission_id` in
    /// radar.toml): one crawl may serve several commissions' ledgers. Empty
    /// only in an entry of the first leaf format (before it was committed).
    #[serde(default)]
    pub commission: String,
    pub action: Action,
    /// The scoring unit: the enterprise the item counts for.
    pub enterprise: String,
    /// The enterprise the evidence names (a subsidiary of `enterprise`, or itself).
    pub named_enterprise: String,
    /// The item code of the rules (`B1`, `C4`, the typical case's code).
    pub item: String,
    /// The item's points under the rules when confirmed (`None`: it counts
    /// toward a target); informational, the scorecard uses the current rules.
    pub points: Option<f64>,
    /// Points the commission awarded instead of the rules', when given.
    pub awarded: Option<f64>,
    /// Publication or event date (Beijing).
    pub evidence_date: NaiveDate,
    pub title: String,
    /// The outlet (人民日报) or issuing body (市委改革办).
    pub source: String,
    pub page: Option<String>,
    pub url: Option<String>,
    pub evidence: Evidence,
    /// The candidate confirmed, when it came from matching.
    pub candidate: Option<i64>,
    /// What makes two confirmations the same report (one per enterprise and item).
    pub report_key: String,
    /// For an undo: the entry it reverses.
    pub reverses: Option<u64>,
    pub reviewer: String,
    /// When (RFC 3339, UTC).
    pub at: String,
    /// The reviewer's note; for an undo, the reason.
    pub note: Option<String>,
}

impl Entry {
    /// The canonical bytes: the Merkle leaf.
    pub fn canonical(&self) -> Vec<u8> {
        // A struct of strings, numbers and options always serialises.
        serde_json::to_vec(self).unwrap_or_default()
    }

    pub fn parse(bytes: &[u8]) -> Result<Entry, serde_json::Error> {
        serde_json::from_slice(bytes)
    }

    /// SHA-256 (hex) of the canonical bytes.
    pub fn sha256(&self) -> String {
        entry_sha256(&self.canonical())
    }

    /// The Merkle leaf of this entry.
    pub fn leaf(&self) -> Leaf {
        Leaf {
            commission: self.commission.clone(),
            enterprise: self.enterprise.clone(),
            entry_sha256: self.sha256(),
        }
    }
}

/// SHA-256 (hex) of an entry's stored bytes.
pub fn entry_sha256(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(bytes))
}

/// The Merkle leaf: the commission, the scoring unit the entry counts for,
/// and the SHA-256 of the entry's canonical bytes. Its bytes are the JSON
/// `{"commission":…,"enterprise":…,"entry_sha256":…}` (keys in this order,
/// no spaces), which `verify.py` rebuilds with `json.dumps(…,
/// separators=(",", ":"), ensure_ascii=False)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Leaf {
    pub commission: String,
    pub enterprise: String,
    pub entry_sha256: String,
}

impl Leaf {
    pub fn bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// The RFC 6962 leaf hash.
    pub fn hash(&self) -> super::merkle::Hash {
        super::merkle::leaf_hash(&self.bytes())
    }
}
