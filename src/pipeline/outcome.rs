//! What a run did, counted: the one-line summary every command ends with.

use std::time::Duration;

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct CrawlSummary {
    /// Pages fetched (answered), index pages and articles together.
    pub fetched: u64,
    pub new_articles: u64,
    /// Re-fetched index pages with nothing new, and articles stored before unchanged.
    pub unchanged: u64,
    /// The same article reached by another URL, not stored twice.
    pub duplicates: u64,
    /// Fetches or extractions that failed (retried on later runs where transient).
    pub errors: u64,
    /// Dated pages that did not exist (a day without an edition).
    pub not_found: u64,
    /// URLs robots.txt disallowed (never fetched).
    pub disallowed: u64,
    /// Script-challenge pages detected (not stored as articles).
    pub challenges: u64,
    /// Article links that answered with no article (an empty page, a PDF).
    pub not_articles: u64,
    /// Pages fetched through headless Chromium, and challenges it solved.
    pub browser_pages: u64,
    pub challenges_solved: u64,
    /// Challenge pages were left because the browser could not start: why.
    pub browser_missing: Option<String>,
    /// Candidate evidence and leads proposed by matching this run.
    pub new_candidates: u64,
    pub leads: u64,
    /// Damaged records in the replayed archives, skipped (each logged with its offset).
    pub bad_records: u64,
    /// Stopped by a signal before the frontier was empty.
    pub interrupted: bool,
    #[serde(skip)]
    pub elapsed: Duration,
}

impl CrawlSummary {
    pub fn line(&self) -> String {
        let mut s = format!(
            "fetched {}, new articles {}, unchanged {}, errors {}, elapsed {:.1}s",
            self.fetched,
            self.new_articles,
            self.unchanged,
            self.errors,
            self.elapsed.as_secs_f64()
        );
        for (n, what) in [
            (self.duplicates, "duplicates"),
            (self.not_found, "not found"),
            (self.disallowed, "disallowed by robots.txt"),
            (self.challenges, "challenge pages"),
            (self.not_articles, "not articles"),
            (self.browser_pages, "pages through the browser"),
            (self.challenges_solved, "challenges solved by the browser"),
            (self.new_candidates, "new candidates"),
            (self.leads, "new leads"),
            (self.bad_records, "damaged archive records skipped"),
        ] {
            if n > 0 {
                s.push_str(&format!(", {n} {what}"));
            }
        }
        if let Some(why) = &self.browser_missing {
            s.push_str(&format!("; challenge pages need the browser: {why}"));
        }
        if self.interrupted {
            s.push_str(" (interrupted: run the same command again to finish)");
        }
        s
    }
}
