//! Crawl tasks as the stages see them: what a frontier URL is for, a task to
//! queue, and the HTTP validators remembered for conditional GET.

/// What a frontier URL is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A listing, feed, day list or e-paper entry: yields links.
    Index,
    /// An e-paper page (版): yields other pages and articles.
    Page,
    /// An article page.
    Article,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Index => "index",
            Role::Page => "page",
            Role::Article => "article",
        }
    }
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "index" => Some(Role::Index),
            "page" => Some(Role::Page),
            "article" => Some(Role::Article),
            _ => None,
        }
    }
}

/// A task to add. `recheck` tasks (first listing pages, feeds, latest-edition
/// entries, pages of editions not yet settled) are fetched again by every
/// run, once per run; others once.
#[derive(Debug, Clone, PartialEq)]
pub struct NewTask {
    pub source: String,
    pub url: String,
    pub role: Role,
    pub context: String,
    pub recheck: bool,
}

/// ETag / Last-Modified last seen for a URL, with the payload digest they vouched for.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub payload_sha256: Option<String>,
}
