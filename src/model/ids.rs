//! Id newtypes. An article id is derived from its canonical URL, so it is stable
//! across re-crawls, re-processing and machines.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;

/// Stable article id: the first 16 hex digits of SHA-256 over the canonical URL.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ArticleId(pub String);

impl ArticleId {
    pub fn from_canonical_url(canonical: &str) -> Self {
        let digest = Sha256::digest(canonical.as_bytes());
        ArticleId(hex::encode(&digest[..8]))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ArticleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A source id, as in `sources/<id>.toml` (e.g. `people-daily`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SourceId(pub String);

impl SourceId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SourceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn article_id_is_stable_and_short() {
        let a = ArticleId::from_canonical_url(
            "http://paper.people.com.cn/rmrb/pc/content/202603/04/content_1.html",
        );
        let b = ArticleId::from_canonical_url(
            "http://paper.people.com.cn/rmrb/pc/content/202603/04/content_1.html",
        );
        let c = ArticleId::from_canonical_url(
            "http://paper.people.com.cn/rmrb/pc/content/202603/04/content_2.html",
        );
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(a.as_str().len(), 16);
    }
}
