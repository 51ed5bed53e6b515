//! One task's outcome applied to the store, as a small state machine:
//! [`classify`] turns a fetch report into a [`Step`] (pure, unit-tested),
//! and [`Run::apply`] carries the step out inside the batch's transaction:
//! resources for every archived exchange, the task's new state, discovered
//! links, extracted articles (with syndication links) and the run's counters.
//! Knows nothing of fetching.

use super::article::build_article;
use super::outcome::CrawlSummary;
use crate::crawl::{BrowserNote, FetchError, FetchReport, Fetched};
use crate::dedup;
use crate::discover::{self, Scope, TaskContext};
use crate::extract::detect_challenge;
use crate::model::{Article, NewTask, Role, SourceDef, Validators};
use crate::store::{
    FrontierItem, NewResource, SourceRunStats, StoreError, StoredArticle, TaskState, Tx,
};
use std::collections::HashMap;

/// What one fetch outcome means for its task.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Step {
    /// Stopped before any exchange: the task stays pending.
    NotStarted,
    /// The archive could not be written: the task stays pending and the run stops.
    StopRun(String),
    /// robots.txt says no: done, never fetched.
    Disallowed,
    /// The fetch failed; transient failures are retried by later runs.
    FetchFailed {
        transient: bool,
        status: Option<u16>,
        why: String,
    },
    /// 304 to a conditional GET.
    NotModified,
    /// An anti-bot script wall: nothing stored, retried later.
    Challenge(String),
    /// A dated URL template found nothing: try the next template.
    TryAlternate(String),
    /// A day without an edition, or a list page past the end.
    NoEdition,
    /// Any other non-2xx answer.
    HttpError(u16),
    /// An article link answered with something that is no article.
    NotArticle(String),
    /// An index or e-paper page: discover links.
    Links,
    /// An article page: extract and store.
    Article,
}

/// Decide what a fetch report means for a task of `role` with context `ctx`.
pub(super) fn classify(role: Role, ctx: &TaskContext, report: &FetchReport) -> Step {
    let f = match &report.result {
        Err(FetchError::Shutdown) => return Step::NotStarted,
        // robots.txt itself was behind the challenge: the host is blocked by
        // the challenge (the note says whether the browser was missing).
        Err(FetchError::RobotsUnavailable(why)) if report.browser.challenges > 0 => {
            return Step::Challenge(format!(
                "robots.txt answered with a JavaScript challenge: {why}"
            ));
        }
        Err(FetchError::Archive(why)) => return Step::StopRun(why.clone()),
        Err(FetchError::RobotsDisallowed) => return Step::Disallowed,
        Err(e) => {
            return Step::FetchFailed {
                transient: e.is_transient(),
                status: match e {
                    FetchError::Status(s) => Some(*s),
                    _ => None,
                },
                why: e.to_string(),
            };
        }
        Ok(f) => f,
    };
    if f.not_modified {
        return Step::NotModified;
    }
    let text = f.text.as_ref().map(|d| d.text.as_str()).unwrap_or("");
    if let Some(why) = detect_challenge(f.status, text) {
        return Step::Challenge(why.to_string());
    }
    if matches!(f.status, 404 | 410) && role != Role::Article {
        return match ctx.alternates.first() {
            Some(next) => Step::TryAlternate(next.clone()),
            None => Step::NoEdition,
        };
    }
    if !(200..300).contains(&f.status) {
        return Step::HttpError(f.status);
    }
    match role {
        Role::Index | Role::Page => Step::Links,
        Role::Article => match not_an_article(f) {
            Some(why) => Step::NotArticle(why),
            None => Step::Article,
        },
    }
}

/// Why a 2xx answer to an article link is no article: no text at all, or a
/// type that is not a page (a PDF, an image).
fn not_an_article(f: &Fetched) -> Option<String> {
    let Some(text) = &f.text else {
        let ct = f.content_type().unwrap_or("no content type");
        return Some(format!("not an article: {ct}"));
    };
    if text.text.trim().is_empty() {
        return Some("not an article: empty body".into());
    }
    None
}

/// The CPU work on a fetch report, done beside the store (on a runtime
/// worker, not in the batch's transaction): its step, and the page's links
/// or its article with its SimHash.
pub(super) struct Prepared {
    report: FetchReport,
    step: Step,
    ctx: TaskContext,
    found: Option<discover::Discovery>,
    article: Option<PreparedArticle>,
}

struct PreparedArticle {
    article: Article,
    simhash: u64,
    empty_fields: Vec<&'static str>,
}

/// Classify a report and do its extraction or discovery.
pub(super) fn prepare(
    source: &SourceDef,
    scope: &Scope,
    item: &FrontierItem,
    report: FetchReport,
) -> Prepared {
    let ctx = TaskContext::from_json(&item.context);
    let step = classify(item.role, &ctx, &report);
    let mut found = None;
    let mut article = None;
    if let Ok(fetched) = &report.result {
        let text = fetched.text.as_ref();
        match step {
            Step::Links => {
                let t = text.map(|d| d.text.as_str()).unwrap_or("");
                found = Some(discover::discover(
                    source,
                    item.role,
                    &ctx,
                    &fetched.final_url,
                    t,
                    scope,
                ));
            }
            Step::Article => {
                if let Some(t) = text {
                    let (mut a, ex) = build_article(source, &ctx, &fetched.final_url, &t.text);
                    a.warnings.extend(t.warnings.iter().cloned());
                    article = Some(PreparedArticle {
                        simhash: dedup::simhash(&a.body),
                        article: a,
                        empty_fields: ex.empty_fields.clone(),
                    });
                }
            }
            _ => {}
        }
    }
    Prepared {
        report,
        step,
        ctx,
        found,
        article,
    }
}

/// The running state of a crawl.
pub(super) struct Run {
    pub(super) summary: CrawlSummary,
    pub(super) stats: HashMap<String, SourceRunStats>,
    pub(super) run_id: i64,
}

impl Run {
    pub(super) fn new(run_id: i64, sources: &[String]) -> Run {
        Run {
            summary: CrawlSummary::default(),
            // Every selected source gets a row for this run, even one with nothing to do.
            stats: sources
                .iter()
                .map(|id| (id.clone(), SourceRunStats::default()))
                .collect(),
            run_id,
        }
    }

    /// Record one task's outcome inside the batch's transaction. Returns the
    /// step taken (a [`Step::StopRun`] asks the caller to stop the run).
    pub(super) fn apply(
        &mut self,
        tx: &Tx<'_>,
        source: &SourceDef,
        scope: &Scope,
        item: &FrontierItem,
        prepared: Prepared,
    ) -> Result<Step, StoreError> {
        let Prepared {
            report,
            step,
            ctx,
            found,
            article,
        } = prepared;
        if step == Step::NotStarted && report.journal.is_empty() {
            return Ok(step);
        }
        let resource_id = self.record_resources(tx, source, &report)?;
        let settled = ctx.date.is_none_or(|d| scope.is_settled(d));
        let later = if settled {
            TaskState::Done
        } else {
            TaskState::Later
        };
        let run = self.run_id;
        let finish = |state, status: Option<u16>, error: Option<&str>| {
            tx.finish_task(item.id, run, state, status, error)
        };
        let stats = self.stats.entry(source.id.clone()).or_default();
        let summary = &mut self.summary;
        let status = report.result.as_ref().ok().map(|f| f.status);
        count_browser(summary, stats, &report.browser, &step);
        match &step {
            Step::NotStarted | Step::StopRun(_) => {}
            Step::Disallowed => {
                summary.disallowed += 1;
                finish(TaskState::Done, None, Some("disallowed by robots.txt"))?;
            }
            Step::FetchFailed {
                transient,
                status,
                why,
            } => {
                tracing::warn!(url = %item.url, error = %why, "fetch failed");
                count_error(summary, stats);
                let state = if *transient {
                    TaskState::Failed
                } else {
                    TaskState::Done
                };
                finish(state, *status, Some(why))?;
            }
            Step::NotModified => {
                summary.fetched += 1;
                stats.fetched += 1;
                summary.unchanged += 1;
                finish(TaskState::Done, Some(304), None)?;
            }
            Step::Challenge(why) => {
                tracing::warn!(url = %item.url, ?status, %why, "script challenge page, not stored");
                summary.fetched += 1;
                stats.fetched += 1;
                summary.challenges += 1;
                stats.challenges += 1;
                count_error(summary, stats);
                finish(
                    TaskState::Failed,
                    status,
                    Some(&format!("challenge page: {why}")),
                )?;
            }
            Step::TryAlternate(next) => {
                summary.fetched += 1;
                stats.fetched += 1;
                // The old (or new) URL scheme may have this date.
                let c = TaskContext {
                    alternates: ctx.alternates[1..].to_vec(),
                    ..ctx.clone()
                };
                tx.enqueue(
                    &NewTask {
                        source: source.id.clone(),
                        url: next.clone(),
                        role: item.role,
                        context: c.to_json(),
                        recheck: !settled,
                    },
                    run,
                )?;
                finish(TaskState::Done, status, Some("tried the next URL template"))?;
            }
            Step::NoEdition => {
                summary.fetched += 1;
                stats.fetched += 1;
                summary.not_found += 1;
                finish(later, status, None)?;
            }
            Step::HttpError(s) => {
                summary.fetched += 1;
                stats.fetched += 1;
                count_error(summary, stats);
                finish(TaskState::Failed, Some(*s), Some(&format!("HTTP {s}")))?;
            }
            Step::NotArticle(why) => {
                tracing::warn!(url = %item.url, %why, "article link answered with no article");
                summary.fetched += 1;
                stats.fetched += 1;
                summary.not_articles += 1;
                stats.not_articles += 1;
                finish(TaskState::Done, status, Some(why))?;
            }
            Step::Links | Step::Article => {
                summary.fetched += 1;
                stats.fetched += 1;
                let Ok(fetched) = &report.result else {
                    return Ok(step);
                };
                let mut out = Outputs {
                    tx,
                    run,
                    summary,
                    stats,
                    resource_id,
                };
                let state = if step == Step::Links {
                    if let Some(found) = found {
                        out.links(source, item, fetched, found)?;
                    }
                    // Pagination pages are final; entry pages follow the date.
                    if item.role == Role::Index && ctx.page_no.is_some() {
                        TaskState::Done
                    } else {
                        later
                    }
                } else {
                    if let Some(a) = article {
                        out.article(source, item, a)?;
                    }
                    TaskState::Done
                };
                finish(state, status, None)?;
            }
        }
        Ok(step)
    }

    /// A resource row for every exchange of the fetch (redirect hops,
    /// retries, robots.txt), each recording where the fetch ended up, and the
    /// robots.txt answer learnt. Returns the last resource's id.
    fn record_resources(
        &self,
        tx: &Tx<'_>,
        source: &SourceDef,
        report: &FetchReport,
    ) -> Result<Option<i64>, StoreError> {
        let final_url = report.result.as_ref().ok().map(|f| f.final_url.to_string());
        let mut last = None;
        for j in &report.journal {
            let id = tx.insert_resource(&NewResource {
                run_id: Some(self.run_id),
                source: Some(source.id.clone()),
                url: j.url.clone(),
                final_url: match &final_url {
                    Some(f) if !j.url.ends_with("/robots.txt") => f.clone(),
                    _ => j.url.clone(),
                },
                status: j.status,
                content_type: j.content_type.clone(),
                fetched_at: j.fetched_at.clone(),
                warc_file: j.location.file.clone(),
                warc_offset: j.location.offset,
                warc_length: j.location.length,
                payload_sha256: j.location.payload_sha256.clone(),
                error: j.error.clone(),
            })?;
            if let Some(r) = &report.robots
                && r.location == j.location
            {
                tx.record_robots(&r.host, &r.url, r.status, id)?;
            }
            last = Some(id);
        }
        Ok(last)
    }
}

/// Where a page's products go: the store, within the batch's transaction.
struct Outputs<'a, 't> {
    tx: &'a Tx<'t>,
    run: i64,
    summary: &'a mut CrawlSummary,
    stats: &'a mut SourceRunStats,
    resource_id: Option<i64>,
}

impl Outputs<'_, '_> {
    /// Links (and feed entries) from an index or e-paper page.
    fn links(
        &mut self,
        source: &SourceDef,
        item: &FrontierItem,
        fetched: &Fetched,
        found: discover::Discovery,
    ) -> Result<(), StoreError> {
        let unchanged = same_payload(self.tx.validators(&item.url)?, fetched);
        self.tx.set_validators(&item.url, &fetched.validators())?;
        if item.role == Role::Index {
            self.stats.listing_pages += 1;
            if found.links_seen == 0 {
                self.stats.empty_listings += 1;
            }
        }
        self.stats.links += found.links_seen as u64;
        if found.by_pattern {
            self.stats.pattern_fallbacks += 1;
        }
        let mut added = 0;
        for t in &found.tasks {
            if self.tx.enqueue(t, self.run)? {
                added += 1;
            }
        }
        for e in found.entries {
            let article = feed_article(source, e);
            let hash = dedup::simhash(&article.body);
            self.store_article(&article, hash)?;
        }
        if unchanged && added == 0 {
            self.summary.unchanged += 1;
        }
        Ok(())
    }

    /// The article on an article page.
    fn article(
        &mut self,
        source: &SourceDef,
        item: &FrontierItem,
        p: PreparedArticle,
    ) -> Result<(), StoreError> {
        for f in &p.empty_fields {
            self.stats
                .empty_fields
                .entry((*f).to_string())
                .or_default()
                .1 += 1;
        }
        for f in configured_fields(source) {
            self.stats.empty_fields.entry(f.to_string()).or_default().0 += 1;
        }
        if p.article.body.trim().is_empty() && p.article.title.trim().is_empty() {
            tracing::warn!(url = %item.url, "no article found on the page");
            count_error(self.summary, self.stats);
            return Ok(());
        }
        self.store_article(&p.article, p.simhash)
    }

    /// Store an article and link syndicated copies in other outlets. The
    /// index follows the store by `seq` (see `pipeline::crawl`).
    fn store_article(&mut self, article: &Article, hash: u64) -> Result<(), StoreError> {
        let tx = self.tx;
        match tx.upsert_article(article, self.resource_id, hash)? {
            StoredArticle::New(_) => {
                self.summary.new_articles += 1;
                self.stats.new_articles += 1;
                if hash != 0 {
                    let bands = dedup::bands(hash);
                    tx.set_simhash_bands(article, hash, &bands)?;
                    for (other, h) in tx.simhash_candidates(
                        article.source.as_str(),
                        &bands,
                        article.published,
                        3,
                    )? {
                        let d = dedup::distance(hash, h);
                        if d <= dedup::SYNDICATION_DISTANCE {
                            tx.link_syndicated(&article.id, &other, d)?;
                        }
                    }
                }
            }
            StoredArticle::Updated(_) => {}
            StoredArticle::Unchanged => self.summary.unchanged += 1,
            StoredArticle::Duplicate(_) => self.summary.duplicates += 1,
        }
        Ok(())
    }
}

/// The browser's part in a page: fetched through it, a challenge met, solved
/// or not, or left for want of the browser.
fn count_browser(
    summary: &mut CrawlSummary,
    stats: &mut SourceRunStats,
    note: &BrowserNote,
    step: &Step,
) {
    let blocked = matches!(step, Step::Challenge(_));
    if note.via_browser {
        stats.browser_pages += 1;
        summary.browser_pages += 1;
    }
    if note.challenges > 0 {
        stats.challenges_met += 1;
    }
    if note.solved && !blocked {
        stats.challenges_solved += 1;
        summary.challenges_solved += 1;
    }
    if blocked {
        if note.unavailable.is_some() {
            stats.browser_missing += 1;
            summary.browser_missing = note.unavailable.clone();
        } else if note.tried {
            stats.challenges_unsolved += 1;
        }
    }
}

fn count_error(summary: &mut CrawlSummary, stats: &mut SourceRunStats) {
    summary.errors += 1;
    stats.errors += 1;
}

/// The page is byte-identical to the last time (by digest, which a server's
/// stale ETag cannot fake).
fn same_payload(old: Option<Validators>, f: &Fetched) -> bool {
    old.is_some_and(|o| o.payload_sha256.is_some() && o.payload_sha256 == f.location.payload_sha256)
}

fn configured_fields(source: &SourceDef) -> Vec<&'static str> {
    source
        .fields
        .named()
        .into_iter()
        .filter(|(_, v)| v.is_some())
        .map(|(k, _)| k)
        .collect()
}

fn feed_article(source: &SourceDef, e: discover::FeedEntry) -> Article {
    let url = url::Url::parse(&e.url).ok();
    let canonical = url
        .as_ref()
        .map(discover::canonical_url)
        .unwrap_or_else(|| e.url.clone());
    Article {
        id: crate::model::ArticleId::from_canonical_url(&canonical),
        url: e.url,
        canonical_url: canonical,
        source: crate::model::SourceId(source.id.clone()),
        outlet: source.outlet.clone(),
        item: source.item.clone(),
        title: e.title,
        pretitle: None,
        subtitle: None,
        author: None,
        published: e.date,
        page: None,
        body: e.body,
        extractor: crate::model::ExtractorKind::Feed,
        citation: None,
        warnings: vec![],
    }
}

#[cfg(test)]
mod tests;
