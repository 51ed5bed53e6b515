//! A crawl run: take the home's writer lock, seed the frontier, then fetch
//! pending tasks (every host at once, each at its own pace; see
//! [`super::scheduler`]) and commit their outcomes in small batches, until
//! the frontier of the chosen sources is empty or a signal asks to stop.
//! Killed at any point, the same command resumes: tasks stay pending until
//! their outcome is committed, and articles are keyed by their stable id.
//! An archive write that fails stops the run with nothing unarchived
//! recorded.

use super::PipelineError;
use super::candidates::MatchStage;
use super::outcome::CrawlSummary;
use super::scheduler::Window;
use super::task::{self, Run, Step};
use crate::archive::{ArchiveWriter, ReplayIndex};
use crate::config::{Checked, Home};
use crate::crawl::{FetchOptions, Fetcher, NetworkOptions, Transport};
use crate::discover::{self, DateRange, Scope, TaskContext};
use crate::index::SearchIndex;
use crate::model::{Role, SourceDef, beijing_today};
use crate::store::{FrontierItem, HomeLock, Store};
use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use std::collections::BTreeMap;
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
    /// Give tasks that failed on every attempt another chance.
    pub retry_failed: bool,
}

/// Progress reporting (a terminal bar, or nothing).
pub trait Progress: Sync {
    fn set_total(&self, _total: u64) {}
    fn advance(&self, _url: &str) {}
}

impl Progress for () {}

/// How often outcomes are committed: at most `batch` per transaction, and
/// at least every `every` while fetches complete. Each commit syncs the
/// archive first, so the cadence is a trade between fsyncs and what a kill
/// loses (outcomes not yet committed are fetched again on resume).
#[derive(Debug, Clone, Copy)]
struct Cadence {
    batch: usize,
    every: Duration,
    /// Matching (and then the index, on its own thread) follows the store
    /// this often; what is left at the end of the run is done then.
    follow_every: Duration,
    /// The index commits (makes searchable) what it added at most this
    /// often (zero: after every matching pass).
    index_commit_every: Duration,
}

/// On the network: small batches, so that progress is durable within a
/// fraction of a second of the host answering.
const NETWORK_CADENCE: Cadence = Cadence {
    batch: 64,
    every: Duration::from_millis(250),
    follow_every: Duration::from_secs(5),
    index_commit_every: Duration::ZERO,
};
/// In replay, where a kill costs only a re-read of the archive: large
/// batches (one archive fsync and one SQLite commit per 512 outcomes), and
/// matching kept close behind so that little is left for the end.
const REPLAY_CADENCE: Cadence = Cadence {
    batch: 512,
    every: Duration::from_secs(1),
    follow_every: Duration::from_secs(1),
    index_commit_every: Duration::from_secs(5),
};
/// An index or e-paper page's links are committed (and so fetchable) this soon.
const COMMIT_LINKS_AFTER: Duration = Duration::from_millis(20);
/// Pending tasks read into the scheduler's window at a time.
const WINDOW: usize = 1024;
/// Fetches in flight at most (on the network each waits for its own host,
/// and the configured concurrency bounds the exchanges actually in
/// progress; in replay they are archive reads and extractions).
const MAX_IN_FLIGHT: usize = 256;

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
    let _lock = HomeLock::acquire(home.root(), "radar crawl")?;
    // Reading the replayed archives (every record inflated) overlaps the
    // rest of the start: the store, the matcher, the index.
    let replay_index = (!req.replay.is_empty()).then(|| {
        let files = req.replay.clone();
        std::thread::spawn(move || ReplayIndex::build(&files))
    });
    let mut store = Store::open(&home.db_path())?;
    let dead = store.mark_dead_runs()?;
    if dead > 0 {
        tracing::warn!(
            runs = dead,
            "runs left `running` by a killed process marked `killed`"
        );
    }
    let matching = MatchStage::for_home(home, checked)?;
    let index = super::follow::open_index(home);
    if let Some(i) = &index {
        hold_index_writer(i).await;
    }
    let mut matched = matching.follow(&mut store)?;
    // The index catches up on its own thread, nudged after each matching pass.
    let cadence = if req.replay.is_empty() {
        NETWORK_CADENCE
    } else {
        REPLAY_CADENCE
    };
    let indexer =
        super::follow::IndexFollower::start(index, home.db_path(), cadence.index_commit_every);
    indexer.nudge();
    for s in sources.values() {
        store.register_source(&s.id, s.kind.as_str(), &s.outlet, &s.item, &s.name)?;
    }
    let archive = Arc::new(Mutex::new(ArchiveWriter::open(
        &home.archive_dir(),
        checked.settings.archive.rotate_bytes,
    )?));
    let (transport, range, bad_records) = open_transport(checked, req, replay_index)?;
    let fetcher = Arc::new(
        Fetcher::new(
            transport,
            checked.settings.clone(),
            archive.clone(),
            shutdown.clone(),
        )
        .with_challenge_detector(crate::extract::detect_challenge),
    );
    let scope = scope_for(req, range);
    if req.replay.is_empty() {
        preload_robots(home, &store, &fetcher)?;
    }
    let run_id = store.start_run(&format!("crawl {}", ids.join(",")))?;
    store.requeue(&ids)?;
    if req.retry_failed {
        let n = store.retry_failed(&ids)?;
        tracing::info!(tasks = n, "failed tasks given another chance");
    }
    store.transaction(|tx| {
        for s in sources.values() {
            for t in discover::seeds(s, &scope) {
                tx.enqueue(&t, run_id)?;
            }
        }
        Ok(())
    })?;
    let mut run = Run::new(run_id, &ids);
    run.summary.bad_records = bad_records;
    let replay = fetcher.is_replay();
    // In replay there is no host to be polite to: any number of one host's
    // tasks may be in flight (the fetcher takes no per-host lock either).
    let per_host = if replay { MAX_IN_FLIGHT } else { 1 };
    let max_in_flight = MAX_IN_FLIGHT;
    let mut window = Window::new(per_host, replay);
    let mut in_flight = FuturesUnordered::new();
    let mut done: Vec<(FrontierItem, task::Prepared)> = Vec::with_capacity(cadence.batch);
    let shared = Arc::new(sources.clone());
    let mut stale = true;
    let mut stop: Option<String> = None;
    let mut last_commit = Instant::now();
    let mut last_any_commit = last_commit;
    let mut last_flush = Instant::now();
    loop {
        let stopping = stop.is_some() || shutdown.load(Ordering::SeqCst);
        if !stopping && stale {
            // New pending tasks appear only by a commit (or the seeding).
            let pending = store.pending_tasks(&ids, window.claimed() + WINDOW)?;
            window.refill(pending);
            stale = false;
            progress.set_total(store.pending_count(&ids)? + run.summary.fetched);
        }
        while !stopping && in_flight.len() < max_in_flight {
            let Some(item) = window.next_ready() else {
                break;
            };
            let opts = fetch_options(&store, &sources[&item.source], &item, &checked.settings);
            // Fetches run on the runtime's workers, beside this loop's
            // commits (decoding, archiving and replay lookups are CPU work).
            let f = fetcher.clone();
            let defs = shared.clone();
            let task_item = item.clone();
            let task = tokio::spawn(async move {
                let report = f.fetch(&task_item.url, &opts).await;
                task::prepare(&defs[&task_item.source], &scope, &task_item, report)
            });
            in_flight.push(async move { (item, task.await) });
        }
        if in_flight.is_empty() && done.is_empty() {
            break;
        }
        if !in_flight.is_empty() {
            let wait = cadence.every.saturating_sub(last_commit.elapsed());
            if let Ok(Some((item, joined))) = tokio::time::timeout(wait, in_flight.next()).await {
                progress.advance(&item.url);
                window.fetched(&item);
                match joined {
                    Ok(report) => done.push((item, report)),
                    // A fetch that panicked: the task stays pending (and
                    // claimed, so not again this run).
                    Err(e) => tracing::error!(url = %item.url, error = %e, "fetch task failed"),
                }
            }
        }
        let since = last_commit.elapsed();
        let links_waiting = done.iter().any(|(i, _)| i.role != Role::Article);
        let due = done.len() >= cadence.batch || in_flight.is_empty() || since >= cadence.every;
        let links_due = links_waiting && last_any_commit.elapsed() >= COMMIT_LINKS_AFTER;
        if !done.is_empty() && (due || links_due) {
            let whole = due || !replay;
            let batch = if whole {
                std::mem::take(&mut done)
            } else {
                // Replay: new links are committed (and so fetchable) at once,
                // in a small commit of their own; the articles wait for the
                // batch.
                let (links, articles) = std::mem::take(&mut done)
                    .into_iter()
                    .partition(|(i, _)| i.role != Role::Article);
                done = articles;
                links
            };
            let ids_done: Vec<i64> = batch.iter().map(|(i, _)| i.id).collect();
            if let Some(why) = commit(&mut store, &archive, &mut run, &sources, &scope, batch)? {
                if stop.is_none() {
                    tracing::error!(error = %why, "archive write failed; stopping the run (nothing unarchived is recorded)");
                }
                stop.get_or_insert(why);
                shutdown.store(true, Ordering::SeqCst);
            }
            for id in ids_done {
                window.committed(id);
            }
            stale = true;
            last_any_commit = Instant::now();
            if whole {
                last_commit = last_any_commit;
            }
        }
        // Matching follows the store every few seconds (and at the end), and
        // the index follows matching on its own thread; a crash in between
        // is caught up on the next start.
        if last_flush.elapsed() >= cadence.follow_every {
            matched.add(&matching.follow(&mut store)?);
            indexer.nudge();
            last_flush = Instant::now();
        }
    }
    matched.add(&matching.follow(&mut store)?);
    indexer.finish();
    run.summary.new_candidates = matched.new_candidates;
    run.summary.leads = matched.leads;
    if let Some(why) = &stop {
        store.finish_run(run_id, counts(&run.summary), "failed")?;
        store.transaction(|tx| {
            tx.enqueue_event(
                &crate::model::NotifyEvent::new(
                    format!("run_failed:{run_id}"),
                    crate::model::EventKind::RunFailed,
                    serde_json::json!({ "run": run_id, "error": why.to_string() }),
                )
                .urgent(true),
            )
        })?;
        return Err(PipelineError::ArchiveWrite(why.clone()));
    }
    run.summary.interrupted =
        shutdown.load(Ordering::SeqCst) && !store.pending_tasks(&ids, 1)?.is_empty();
    let Run { summary, stats, .. } = &run;
    store.transaction(|tx| {
        for (source, s) in stats {
            tx.record_source_run(run_id, source, s)?;
        }
        Ok(())
    })?;
    enqueue_alarms(&mut store, run_id, stats.keys())?;
    store.finish_run(
        run_id,
        counts(summary),
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

/// A notification for each source whose health shows alarms after this run
/// (operators hear of a layout change without opening 信息源).
fn enqueue_alarms<'a>(
    store: &mut Store,
    run_id: i64,
    sources: impl Iterator<Item = &'a String>,
) -> Result<(), PipelineError> {
    for source in sources {
        let health = store.source_health(source, 10)?;
        if health.alarms.is_empty() {
            continue;
        }
        let alarms: Vec<String> = health.alarms.iter().map(crate::notify::alarm_zh).collect();
        store.transaction(|tx| {
            tx.enqueue_event(
                &crate::model::NotifyEvent::new(
                    format!("alarm:{run_id}:{source}"),
                    crate::model::EventKind::Alarm,
                    serde_json::json!({ "run": run_id, "source": source, "alarms": alarms }),
                )
                .urgent(true),
            )
        })?;
    }
    Ok(())
}

fn counts(summary: &CrawlSummary) -> crate::store::RunCounts {
    crate::store::RunCounts {
        fetched: summary.fetched,
        new_articles: summary.new_articles,
        unchanged: summary.unchanged,
        errors: summary.errors,
    }
}

/// Commit a batch of outcomes in one transaction, the archive synced to disk
/// first so that no committed row points at bytes a power cut could lose.
/// Returns why the run must stop, if an outcome says so.
fn commit(
    store: &mut Store,
    archive: &Mutex<ArchiveWriter>,
    run: &mut Run,
    sources: &BTreeMap<String, SourceDef>,
    scope: &Scope,
    batch: Vec<(FrontierItem, task::Prepared)>,
) -> Result<Option<String>, PipelineError> {
    let synced = archive.lock().unwrap_or_else(|p| p.into_inner()).sync();
    if let Err(e) = synced {
        // Nothing of this batch is committed: its tasks stay pending.
        return Ok(Some(e.to_string()));
    }
    let stop = store.transaction(|tx| {
        let mut stop = None;
        for (item, report) in batch {
            if let Step::StopRun(why) =
                run.apply(tx, &sources[&item.source], scope, &item, report)?
            {
                stop.get_or_insert(why);
            }
        }
        Ok(stop)
    })?;
    Ok(stop)
}

/// How long a robots.txt answer is trusted across runs.
const ROBOTS_TTL: chrono::Duration = chrono::Duration::hours(24);

/// Hand the fetcher the robots.txt answers archived in the last day, so that
/// scheduled runs do not fetch robots.txt again every time.
fn preload_robots(home: &Home, store: &Store, fetcher: &Fetcher) -> Result<(), PipelineError> {
    let since = (chrono::Utc::now() - ROBOTS_TTL).to_rfc3339();
    for (host, loc) in store.recent_robots(&since)? {
        let Some(status) = loc.status else { continue };
        match crate::archive::read_record_at(&home.archive_file(&loc.warc_file), loc.warc_offset) {
            Ok(rec) => {
                fetcher.preload_robots(&host, status, &rec.body, rec.header("content-encoding"))
            }
            Err(e) => {
                tracing::warn!(url = %loc.url, error = %e, "archived robots.txt unreadable; fetching it again")
            }
        }
    }
    Ok(())
}

/// The replay index being built on its own thread.
type ReplayBuild = std::thread::JoinHandle<Result<ReplayIndex, crate::archive::ArchiveError>>;

/// The network, or a replay of the given archives; with the range to crawl
/// (a replay without one covers the archives' dates).
fn open_transport(
    checked: &Checked,
    req: &CrawlRequest,
    replay_index: Option<ReplayBuild>,
) -> Result<(Transport, Option<DateRange>, u64), PipelineError> {
    let Some(replay_index) = replay_index else {
        let p = &checked.settings.politeness;
        let transport = Transport::network(&NetworkOptions {
            connect_timeout: secs(p.connect_timeout_secs, 10.0),
            read_timeout: secs(p.read_timeout_secs, 30.0),
        })?;
        return Ok((transport, req.range, 0));
    };
    let index = replay_index.join().map_err(|_| {
        crate::archive::ArchiveError::Record("reading the replayed archives failed".into())
    })??;
    let range = req.range.or_else(|| {
        let r = archive_dates(&index);
        if let Some(r) = r {
            tracing::info!(from = %r.from, to = %r.to, "replay without a range: the archives' dates");
        }
        r
    });
    let bad = index.skipped().len() as u64;
    Ok((Transport::Replay(Arc::new(index)), range, bad))
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
        pace: secs(pace, 1.2),
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
        browser: source.browser,
    }
}

/// Seconds from configuration as a duration. `radar check` rejects values
/// that are negative or not finite; settings built without it get `fallback`
/// instead of a panic.
fn secs(value: f64, fallback: f64) -> Duration {
    Duration::try_from_secs_f64(value).unwrap_or_else(|_| Duration::from_secs_f64(fallback))
}
