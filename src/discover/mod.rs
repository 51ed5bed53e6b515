//! Source kinds: how a source is enumerated. Each kind gives the seed tasks
//! for a date range and turns a fetched index or page into further tasks
//! (pages, articles) with hints (date, page label, title) for extraction.
//! Pure: no I/O; the pipeline fetches and stores.

mod broadcast;
mod context;
mod epaper;
mod feed;
mod links;
mod listing;

pub use context::TaskContext;
pub use epaper::page_label_of;
pub use links::canonical_url;

use crate::model::{NewTask, Role};
use crate::model::{SourceDef, SourceKind};
use chrono::NaiveDate;

/// A date range, both ends inclusive (Beijing dates).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateRange {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl DateRange {
    pub fn days(&self) -> impl Iterator<Item = NaiveDate> + use<> {
        let (from, to) = (self.from, self.to);
        from.iter_days().take_while(move |d| *d <= to)
    }
    pub fn contains(&self, d: NaiveDate) -> bool {
        d >= self.from && d <= self.to
    }
}

/// What the crawl was asked for: an explicit backfill range, or a scheduled
/// run (recent days, first listing pages) as of `today`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scope {
    pub range: Option<DateRange>,
    pub today: NaiveDate,
    /// Beijing time of day the run started (end of day when `today` is pinned).
    pub time: chrono::NaiveTime,
}

impl Scope {
    /// The dates a dated source (e-paper, broadcast) covers in this run.
    pub fn dates(&self) -> DateRange {
        self.range.unwrap_or(DateRange {
            from: self.today - chrono::Duration::days(1),
            to: self.today,
        })
    }
    /// A dated task for `date` is final once the date is well past.
    pub fn is_settled(&self, date: NaiveDate) -> bool {
        date < self.today - chrono::Duration::days(1)
    }
}

/// What processing one fetched index or page yields.
#[derive(Debug, Default)]
pub struct Discovery {
    pub tasks: Vec<NewTask>,
    /// Articles found directly (feed entries without page fetching).
    pub entries: Vec<FeedEntry>,
    /// Links seen on an index page (for the layout-change alarm).
    pub links_seen: usize,
    /// The configured selectors found nothing; links were taken by URL pattern.
    pub by_pattern: bool,
}

/// A feed entry taken as the article itself.
#[derive(Debug, Clone)]
pub struct FeedEntry {
    pub url: String,
    pub title: String,
    pub date: Option<NaiveDate>,
    pub body: String,
}

pub(crate) fn task(
    source: &SourceDef,
    url: String,
    role: Role,
    ctx: &TaskContext,
    recheck: bool,
) -> NewTask {
    NewTask {
        source: source.id.clone(),
        url,
        role,
        context: ctx.to_json(),
        recheck,
    }
}

/// The first tasks of a source for a run.
pub fn seeds(source: &SourceDef, scope: &Scope) -> Vec<NewTask> {
    match source.kind {
        SourceKind::Epaper => epaper::seeds(source, scope),
        SourceKind::Broadcast => broadcast::seeds(source, scope),
        SourceKind::Listing => listing::seeds(source, scope),
        SourceKind::Feed => feed::seeds(source),
    }
}

/// Links and entries from a fetched index or page (`role` Index or Page).
pub fn discover(
    source: &SourceDef,
    role: Role,
    ctx: &TaskContext,
    url: &url::Url,
    text: &str,
    scope: &Scope,
) -> Discovery {
    let mut found = discover_kind(source, role, ctx, url, text, scope);
    // Twins of one article on one page (a tracking-parameter copy, a mobile
    // twin): fetch the first only.
    let mut seen = std::collections::HashSet::new();
    found.tasks.retain(|t| {
        t.role != Role::Article
            || url::Url::parse(&t.url).map_or(true, |u| seen.insert(canonical_url(&u)))
    });
    found
}

fn discover_kind(
    source: &SourceDef,
    role: Role,
    ctx: &TaskContext,
    url: &url::Url,
    text: &str,
    scope: &Scope,
) -> Discovery {
    match source.kind {
        SourceKind::Epaper => epaper::discover(source, ctx, url, text, scope),
        SourceKind::Broadcast => broadcast::discover(source, ctx, url, text),
        SourceKind::Listing => listing::discover(source, role, ctx, url, text, scope),
        SourceKind::Feed => feed::discover(source, ctx, url, text),
    }
}
