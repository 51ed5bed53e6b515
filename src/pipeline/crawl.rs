//! A crawl run: seed the frontier, then fetch pending tasks (concurrently,
//! politely) and process each answer in one store transaction, until the
//! frontier of the chosen sources is empty or a signal asks to stop. Killed at
//! any point, the same command resumes: tasks stay pending until their
//! outcome is committed, and articles are keyed by their stable id.

use super::PipelineError;
use super::article::build_article;
use super::outcome::CrawlSummary;
use crate::archive::{ArchiveWriter, ReplayIndex};
use crate::config::{Checked, Home};
use crate::crawl::{
    FetchError, FetchOptions, FetchReport, Fetched, Fetcher, NetworkOptions, Transport,
};
use crate::dedup;
use crate::discover::{self, DateRange, Scope, TaskContext};
use crate::extract::detect_challenge;
use crate::index::SearchIndex;
use crate::model::{Article, SourceDef, beijing_today};
use crate::store::{
    FrontierItem, NewResource, Role, SourceRunStats, Store, StoredArticle, TaskState, Tx,
};
use futures_util::StreamExt;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What to crawl.
#[derive(Debug, Clone, Default)]
pub struct CrawlRequest {
    /// Source ids; empty means every enabled source.
    pub sources: Vec<String>,
    pub range: Option<DateRange>,
    /// Answer from these WARC files instead of the network.
    pub replay: Vec<PathBuf>,
    /// "Today" in Beijing (tests pin it).
    pub today: Option<chrono::NaiveDate>,
}

/// Progress reporting (a terminal bar, or nothing).
pub trait Progress: Sync {
    fn set_total(&self, _total: u64) {}
    fn advance(&self, _url: &str) {}
}

impl Progress for () {}

const BATCH: usize = 64;
const INDEX_FLUSH_EVERY: Duration = Duration::from_secs(5);

pub async fn crawl(
    home: &Home,
    checked: &Checked,
    req: &CrawlRequest,
    progress: &dyn Progress,
    shutdown: Arc<AtomicBool>,
) -> Result<CrawlSummary, PipelineError> {
    let started = Instant::now();
    let sources = select_sources(checked, &req.sources)?;
    let ids: Vec<String> = sources.keys().cloned().collect();
    let mut store = Store::open(&home.db_path())?;
    let index = SearchIndex::open(&home.index_dir())?;
    hold_index_writer(&index).await;
    match index.catch_up(&store) {
        Err(crate::index::IndexError::Locked(dir)) => {
            tracing::warn!(index = %dir.display(), "index busy: catching up on a later run")
        }
        other => {
            other?;
        }
    }
    for s in sources.values() {
        store.register_source(&s.id, s.kind.as_str(), &s.outlet, &s.item, &s.name)?;
    }
    let archive = Arc::new(Mutex::new(ArchiveWriter::open(
        &home.archive_dir(),
        checked.settings.archive.rotate_bytes,
    )?));
    let transport = if req.replay.is_empty() {
        let p = &checked.settings.politeness;
        Transport::network(&NetworkOptions {
            connect_timeout: Duration::from_secs_f64(p.connect_timeout_secs),
            read_timeout: Duration::from_secs_f64(p.read_timeout_secs),
        })?
    } else {
        Transport::Replay(Arc::new(ReplayIndex::build(&req.replay)?))
    };
    let fetcher = Fetcher::new(
        transport,
        checked.settings.clone(),
        archive.clone(),
        shutdown.clone(),
    );
    let now = crate::model::beijing_now();
    let scope = Scope {
        range: req.range,
        today: req.today.unwrap_or_else(beijing_today),
        time: match req.today {
            Some(d) if d != now.date_naive() => {
                chrono::NaiveTime::from_hms_opt(23, 59, 59).unwrap_or_default()
            }
            _ => now.time(),
        },
    };
    let run_id = store.start_run(&format!("crawl {}", ids.join(",")))?;
    store.requeue(&ids)?;
    store.transaction(|tx| {
        for s in sources.values() {
            for t in discover::seeds(s, &scope) {
                tx.enqueue(&t)?;
            }
        }
        Ok(())
    })?;
    // Every selected source gets a row for this run, even one with nothing to do.
    let mut run = Run {
        summary: CrawlSummary::default(),
        stats: ids
            .iter()
            .map(|id| (id.clone(), SourceRunStats::default()))
            .collect::<HashMap<_, _>>(),
        to_index: Vec::new(),
        run_id,
    };
    let concurrency = checked.settings.politeness.concurrency.max(1);
    let mut last_flush = Instant::now();
    loop {
        let batch = store.pending_tasks(&ids, BATCH)?;
        if batch.is_empty() || shutdown.load(Ordering::SeqCst) {
            break;
        }
        progress.set_total(pending_total(&store, &ids)? + run.summary.fetched);
        let fetcher = &fetcher;
        let jobs: Vec<_> = batch
            .into_iter()
            .map(|item| {
                let opts = fetch_options(&store, &sources[&item.source], &item, &checked.settings);
                (item, opts)
            })
            .collect();
        let mut results =
            futures_util::stream::iter(jobs.into_iter().map(|(item, opts)| async move {
                let report = fetcher.fetch(&item.url, &opts).await;
                (item, report)
            }))
            .buffer_unordered(concurrency * 2);
        let mut done = Vec::with_capacity(BATCH);
        while let Some((item, report)) = results.next().await {
            progress.advance(&item.url);
            done.push((item, report));
        }
        drop(results);
        // One transaction per batch: every outcome in it is committed, or (a
        // kill) none is and the batch is fetched again.
        store.transaction(|tx| {
            for (item, report) in done {
                run.handle(tx, &sources[&item.source], &scope, item, report)?;
            }
            Ok(())
        })?;
        // The index follows the store every few seconds (and at the end); a
        // crash in between is caught up on the next start.
        if last_flush.elapsed() >= INDEX_FLUSH_EVERY {
            run.flush_index(&index)?;
            last_flush = Instant::now();
        }
    }
    run.flush_index(&index)?;
    archive.lock().unwrap_or_else(|p| p.into_inner()).sync()?;
    run.summary.interrupted =
        shutdown.load(Ordering::SeqCst) && !store.pending_tasks(&ids, 1)?.is_empty();
    let Run { summary, stats, .. } = &run;
    store.transaction(|tx| {
        for (source, s) in stats {
            tx.record_source_run(run_id, source, s)?;
        }
        Ok(())
    })?;
    let counts = crate::store::RunCounts {
        fetched: summary.fetched,
        new_articles: summary.new_articles,
        unchanged: summary.unchanged,
        errors: summary.errors,
    };
    store.finish_run(
        run_id,
        counts,
        if summary.interrupted {
            "interrupted"
        } else {
            "done"
        },
    )?;
    let mut summary = run.summary;
    summary.elapsed = started.elapsed();
    Ok(summary)
}

/// Take the index writer for the whole run, waiting a little for another
/// process (a `radar search` catching up) to let go of it.
async fn hold_index_writer(index: &SearchIndex) {
    for _ in 0..20 {
        match index.lock_writer() {
            Ok(()) => return,
            Err(crate::index::IndexError::Locked(_)) => {
                tokio::time::sleep(Duration::from_millis(250)).await
            }
            Err(e) => {
                tracing::warn!(error = %e, "index writer unavailable");
                return;
            }
        }
    }
    tracing::warn!("index writer still busy; articles are indexed on a later run");
}

fn select_sources(
    checked: &Checked,
    wanted: &[String],
) -> Result<BTreeMap<String, SourceDef>, PipelineError> {
    let mut out = BTreeMap::new();
    for w in wanted {
        let s = checked
            .sources
            .iter()
            .find(|s| &s.id == w)
            .ok_or_else(|| PipelineError::UnknownSource(w.clone()))?;
        out.insert(s.id.clone(), s.clone());
    }
    if wanted.is_empty() {
        for s in checked.sources.iter().filter(|s| s.enabled) {
            out.insert(s.id.clone(), s.clone());
        }
    }
    Ok(out)
}

fn pending_total(store: &Store, ids: &[String]) -> Result<u64, PipelineError> {
    Ok(store
        .frontier_counts(ids)?
        .into_iter()
        .filter(|(s, _)| s == "pending")
        .map(|(_, n)| n)
        .sum())
}

fn fetch_options(
    store: &Store,
    source: &SourceDef,
    item: &FrontierItem,
    settings: &crate::config::Settings,
) -> FetchOptions {
    let ctx = TaskContext::from_json(&item.context);
    let pace = source
        .pace_secs
        .unwrap_or(settings.politeness.pace_secs)
        .max(0.0);
    FetchOptions {
        pace: Duration::from_secs_f64(pace),
        // Conditional GET for index pages only; articles are fetched once.
        validators: (item.role == Role::Index)
            .then(|| store.validators(&item.url).ok().flatten())
            .flatten(),
        headers: source
            .headers
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        eager_html_redirects: ctx.eager,
    }
}

/// The running state of a crawl.
struct Run {
    summary: CrawlSummary,
    stats: HashMap<String, SourceRunStats>,
    to_index: Vec<(i64, Article)>,
    run_id: i64,
}

impl Run {
    /// Hand stored articles to the index. A busy index (another process holds
    /// its writer) is not an error: the articles stay queued, and the store
    /// remains the truth the index catches up with.
    fn flush_index(&mut self, index: &SearchIndex) -> Result<(), PipelineError> {
        if self.to_index.is_empty() {
            return Ok(());
        }
        match index.upsert(&self.to_index) {
            Ok(()) => {
                self.to_index.clear();
                Ok(())
            }
            Err(crate::index::IndexError::Locked(dir)) => {
                tracing::warn!(index = %dir.display(), queued = self.to_index.len(), "index busy; will retry");
                Ok(())
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Record one task's outcome inside the batch's transaction.
    fn handle(
        &mut self,
        tx: &Tx<'_>,
        source: &SourceDef,
        scope: &Scope,
        item: FrontierItem,
        report: FetchReport,
    ) -> Result<(), crate::store::StoreError> {
        let FetchReport { journal, result } = report;
        if matches!(result, Err(FetchError::Shutdown)) && journal.is_empty() {
            return Ok(()); // never started: stays pending for the next run
        }
        let ctx = TaskContext::from_json(&item.context);
        let run_id = self.run_id;
        let stats = self.stats.entry(source.id.clone()).or_default();
        let summary = &mut self.summary;
        let to_index = &mut self.to_index;
        {
            for j in &journal {
                tx.insert_resource(&NewResource {
                    run_id: Some(run_id),
                    source: Some(source.id.clone()),
                    url: j.url.clone(),
                    final_url: j.url.clone(),
                    status: j.status,
                    content_type: j.content_type.clone(),
                    fetched_at: j.fetched_at.clone(),
                    warc_file: j.location.file.clone(),
                    warc_offset: j.location.offset,
                    warc_length: j.location.length,
                    payload_sha256: j.location.payload_sha256.clone(),
                    error: j.error.clone(),
                })?;
            }
            let resource_id = last_resource_id(tx, &journal)?;
            let settled = ctx.date.is_none_or(|d| scope.is_settled(d));
            let fetched = match result {
                Ok(f) => f,
                Err(FetchError::RobotsDisallowed) => {
                    summary.disallowed += 1;
                    return tx.finish_task(
                        item.id,
                        TaskState::Done,
                        None,
                        Some("disallowed by robots.txt"),
                    );
                }
                Err(FetchError::Shutdown) => return Ok(()),
                Err(e) => {
                    tracing::warn!(url = %item.url, error = %e, "fetch failed");
                    count_error(summary, stats);
                    let state = if e.is_transient() {
                        TaskState::Failed
                    } else {
                        TaskState::Done
                    };
                    let status = match e {
                        FetchError::Status(s) => Some(s),
                        _ => None,
                    };
                    return tx.finish_task(item.id, state, status, Some(&e.to_string()));
                }
            };
            summary.fetched += 1;
            stats.fetched += 1;
            if fetched.not_modified {
                summary.unchanged += 1;
                return tx.finish_task(item.id, TaskState::Done, Some(304), None);
            }
            let text = fetched.text.as_ref().map(|d| d.text.as_str()).unwrap_or("");
            if let Some(why) = detect_challenge(fetched.status, text) {
                tracing::warn!(url = %item.url, status = fetched.status, %why, "script challenge page, not stored");
                summary.challenges += 1;
                count_error(summary, stats);
                return tx.finish_task(
                    item.id,
                    TaskState::Failed,
                    Some(fetched.status),
                    Some(&format!("challenge page: {why}")),
                );
            }
            if matches!(fetched.status, 404 | 410) && item.role != Role::Article {
                // A day without an edition, or a list page past the end.
                summary.not_found += 1;
                let state = if settled {
                    TaskState::Done
                } else {
                    TaskState::Later
                };
                return tx.finish_task(item.id, state, Some(fetched.status), None);
            }
            if !(200..300).contains(&fetched.status) {
                count_error(summary, stats);
                return tx.finish_task(
                    item.id,
                    TaskState::Failed,
                    Some(fetched.status),
                    Some(&format!("HTTP {}", fetched.status)),
                );
            }
            let later = if settled {
                TaskState::Done
            } else {
                TaskState::Later
            };
            match item.role {
                Role::Index | Role::Page => {
                    let unchanged = tx_validators_same(store_validators(tx, &item.url)?, &fetched);
                    tx.set_validators(&item.url, &fetched.validators())?;
                    let found = discover::discover(
                        source,
                        item.role,
                        &ctx,
                        &fetched.final_url,
                        text,
                        scope,
                    );
                    if item.role == Role::Index {
                        stats.listing_pages += 1;
                        if found.links_seen == 0 {
                            stats.empty_listings += 1;
                        }
                    }
                    stats.links += found.links_seen as u64;
                    let mut added = 0;
                    for t in &found.tasks {
                        if tx.enqueue(t)? {
                            added += 1;
                        }
                    }
                    for e in found.entries {
                        let article = feed_article(source, e);
                        store_article(tx, &article, resource_id, summary, stats, to_index)?;
                    }
                    if unchanged && added == 0 {
                        summary.unchanged += 1;
                    }
                    let state = if item.role == Role::Index && ctx.page_no.is_some() {
                        TaskState::Done
                    } else {
                        later
                    };
                    tx.finish_task(item.id, state, Some(fetched.status), None)
                }
                Role::Article => {
                    let (article, ex) = build_article(source, &ctx, &fetched.final_url, text);
                    for f in &ex.empty_fields {
                        stats.empty_fields.entry((*f).to_string()).or_default().1 += 1;
                    }
                    for f in configured_fields(source) {
                        stats.empty_fields.entry(f.to_string()).or_default().0 += 1;
                    }
                    if article.body.trim().is_empty() && article.title.trim().is_empty() {
                        count_error(summary, stats);
                        return tx.finish_task(
                            item.id,
                            TaskState::Done,
                            Some(fetched.status),
                            Some("no article found on the page"),
                        );
                    }
                    store_article(tx, &article, resource_id, summary, stats, to_index)?;
                    tx.finish_task(item.id, TaskState::Done, Some(fetched.status), None)
                }
            }
        }
    }
}

fn count_error(summary: &mut CrawlSummary, stats: &mut SourceRunStats) {
    summary.errors += 1;
    stats.errors += 1;
}

fn last_resource_id(
    tx: &Tx<'_>,
    journal: &[crate::crawl::Journaled],
) -> Result<Option<i64>, crate::store::StoreError> {
    if journal.is_empty() {
        return Ok(None);
    }
    tx.last_resource_id()
}

fn store_validators(
    tx: &Tx<'_>,
    url: &str,
) -> Result<Option<crate::store::Validators>, crate::store::StoreError> {
    tx.validators(url)
}

/// The page is byte-identical to the last time (by digest, which a server's
/// stale ETag cannot fake).
fn tx_validators_same(old: Option<crate::store::Validators>, f: &Fetched) -> bool {
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

/// Store an article, link syndicated copies in other outlets, queue it for the index.
fn store_article(
    tx: &Tx<'_>,
    article: &Article,
    resource_id: Option<i64>,
    summary: &mut CrawlSummary,
    stats: &mut SourceRunStats,
    to_index: &mut Vec<(i64, Article)>,
) -> Result<(), crate::store::StoreError> {
    let hash = dedup::simhash(&article.body);
    match tx.upsert_article(article, resource_id, hash)? {
        StoredArticle::New(seq) => {
            summary.new_articles += 1;
            stats.new_articles += 1;
            to_index.push((seq, article.clone()));
            if hash != 0 {
                let bands = dedup::bands(hash);
                tx.set_simhash_bands(article, hash, &bands)?;
                for (other, h) in
                    tx.simhash_candidates(article.source.as_str(), &bands, article.published, 3)?
                {
                    let d = dedup::distance(hash, h);
                    if d <= dedup::SYNDICATION_DISTANCE {
                        tx.link_syndicated(&article.id, &other, d)?;
                    }
                }
            }
        }
        StoredArticle::Updated(seq) => to_index.push((seq, article.clone())),
        StoredArticle::Unchanged => summary.unchanged += 1,
        StoredArticle::Duplicate(_) => summary.duplicates += 1,
    }
    Ok(())
}
