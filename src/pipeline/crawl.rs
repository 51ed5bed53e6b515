//! A crawl run: seed the frontier, then fetch pending tasks (concurrently,
//! politely) and process each answer in one store transaction, until the
//! frontier of the chosen sources is empty or a signal asks to stop. Killed at
//! any point, the same command resumes: tasks stay pending until their
//! outcome is committed, and articles are keyed by their stable id.

use super::PipelineError;
use super::outcome::CrawlSummary;
use super::task::Run;
use crate::archive::{ArchiveWriter, ReplayIndex};
use crate::config::{Checked, Home};
use crate::crawl::{FetchOptions, Fetcher, NetworkOptions, Transport};
use crate::discover::{self, DateRange, Scope, TaskContext};
use crate::index::SearchIndex;
use crate::model::{SourceDef, beijing_today};
use crate::store::{FrontierItem, Role, SourceRunStats, Store};
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
    let (transport, range) = open_transport(checked, req)?;
    let fetcher = Fetcher::new(
        transport,
        checked.settings.clone(),
        archive.clone(),
        shutdown.clone(),
    );
    let scope = scope_for(req, range);
    if req.replay.is_empty() {
        preload_robots(home, &store, &fetcher)?;
    }
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
        progress.set_total(store.pending_count(&ids)? + run.summary.fetched);
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

/// How long a robots.txt answer is trusted across runs.
const ROBOTS_TTL: chrono::Duration = chrono::Duration::hours(24);

/// Hand the fetcher the robots.txt answers archived in the last day, so that
/// scheduled runs do not fetch robots.txt again every time.
fn preload_robots(home: &Home, store: &Store, fetcher: &Fetcher) -> Result<(), PipelineError> {
    let since = (chrono::Utc::now() - ROBOTS_TTL).to_rfc3339();
    for loc in store.recent_robots(&since)? {
        let Some(status) = loc.status else { continue };
        match crate::archive::read_record_at(
            &home.archive_dir().join(&loc.warc_file),
            loc.warc_offset,
        ) {
            Ok(rec) => {
                fetcher.preload_robots(&loc.url, status, &rec.body, rec.header("content-encoding"))
            }
            Err(e) => {
                tracing::warn!(url = %loc.url, error = %e, "archived robots.txt unreadable; fetching it again")
            }
        }
    }
    Ok(())
}

/// The network, or a replay of the given archives; with the range to crawl
/// (a replay without one covers the archives' dates).
fn open_transport(
    checked: &Checked,
    req: &CrawlRequest,
) -> Result<(Transport, Option<DateRange>), PipelineError> {
    if req.replay.is_empty() {
        let p = &checked.settings.politeness;
        let transport = Transport::network(&NetworkOptions {
            connect_timeout: Duration::from_secs_f64(p.connect_timeout_secs),
            read_timeout: Duration::from_secs_f64(p.read_timeout_secs),
        })?;
        return Ok((transport, req.range));
    }
    let index = ReplayIndex::build(&req.replay)?;
    let range = req.range.or_else(|| {
        let r = archive_dates(&index);
        if let Some(r) = r {
            tracing::info!(from = %r.from, to = %r.to, "replay without a range: the archives' dates");
        }
        r
    });
    Ok((Transport::Replay(Arc::new(index)), range))
}

/// What the run covers, in Beijing time. A pinned "today" other than the
/// real one is taken as complete (end of day).
fn scope_for(req: &CrawlRequest, range: Option<DateRange>) -> Scope {
    let now = crate::model::beijing_now();
    let time = match req.today {
        Some(d) if d != now.date_naive() => {
            chrono::NaiveTime::from_hms_opt(23, 59, 59).unwrap_or_default()
        }
        _ => now.time(),
    };
    Scope {
        range,
        today: req.today.unwrap_or_else(beijing_today),
        time,
    }
}

/// Replaying without `--from`/`--to` means "everything in these archives":
/// the range spans the dates found in the archived URLs (at most a year back
/// from the newest, so one stray old URL does not enumerate decades).
fn archive_dates(index: &ReplayIndex) -> Option<DateRange> {
    let dates: Vec<_> = index
        .urls()
        .filter_map(|u| url::Url::parse(u).ok())
        .filter_map(|u| crate::extract::date_from_url(&u))
        .collect();
    let to = *dates.iter().max()?;
    let floor = to - chrono::Duration::days(366);
    let from = dates.iter().copied().filter(|d| *d >= floor).min()?;
    Some(DateRange { from, to })
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
