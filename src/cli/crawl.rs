//! `radar crawl`: crawl sources (network or replay), or backfill a date range.

use super::progress::Bar;
use crate::config::Home;
use crate::discover::DateRange;
use crate::pipeline::{CrawlRequest, CrawlSummary, crawl};
use chrono::NaiveDate;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

#[derive(Debug, Clone, clap::Args)]
pub struct CrawlArgs {
    /// Only these sources (repeatable); default: every enabled source.
    #[arg(long = "source")]
    pub sources: Vec<String>,
    /// Backfill from this Beijing date (YYYY-MM-DD).
    #[arg(long)]
    pub from: Option<NaiveDate>,
    /// Backfill up to this Beijing date (default: today).
    #[arg(long)]
    pub to: Option<NaiveDate>,
    /// Answer requests from these WARC files instead of the network (repeatable).
    #[arg(long = "replay")]
    pub replay: Vec<PathBuf>,
    /// Pretend today is this Beijing date (for replaying old samples).
    #[arg(long, hide = true)]
    pub today: Option<NaiveDate>,
    /// Give tasks that failed on every allowed attempt (3 runs) another chance.
    #[arg(long)]
    pub retry_failed: bool,
}

/// Exit status of a crawl stopped by a signal before its frontier was empty
/// (the shell's convention for SIGINT): scripts and supervisors can tell an
/// interrupted run from a finished one.
pub const EXIT_INTERRUPTED: i32 = 130;

pub fn range(
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    today: NaiveDate,
) -> anyhow::Result<Option<DateRange>> {
    match (from, to) {
        (None, None) => Ok(None),
        (from, to) => {
            let to = to.unwrap_or(today);
            let from = from.unwrap_or(to);
            anyhow::ensure!(from <= to, "--from {from} is after --to {to}");
            Ok(Some(DateRange { from, to }))
        }
    }
}

/// Run a crawl with signal handling: the first SIGINT/SIGTERM finishes the
/// requests in flight and stops; a second one exits at once.
pub fn run_crawl(home: &Home, req: &CrawlRequest) -> anyhow::Result<CrawlSummary> {
    let checked = super::load(home)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let shutdown = Arc::new(AtomicBool::new(false));
    let bar = Bar::new("crawl");
    let summary = runtime.block_on(async {
        watch_signals(shutdown.clone());
        let summary = crawl(home, &checked, req, &bar, shutdown.clone()).await;
        // The run's new candidates, alarms or failure go out now.
        super::notify::after_crawl(home, &checked.settings).await;
        summary
    });
    bar.finish();
    Ok(summary?)
}

/// The first SIGINT/SIGTERM raises `flag` (finish what is in flight, then
/// stop); a second one exits at once.
pub fn watch_signals(flag: Arc<AtomicBool>) {
    tokio::spawn(async move {
        wait_for_signal().await;
        tracing::warn!("signal received: finishing requests in flight, then stopping");
        flag.store(true, Ordering::SeqCst);
        wait_for_signal().await;
        std::process::exit(EXIT_INTERRUPTED);
    });
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

pub fn run(home: &Home, args: &CrawlArgs) -> anyhow::Result<()> {
    let today = args.today.unwrap_or_else(crate::model::beijing_today);
    let req = CrawlRequest {
        sources: args.sources.clone(),
        range: range(args.from, args.to, today)?,
        replay: args.replay.clone(),
        today: Some(today),
        retry_failed: args.retry_failed,
    };
    let summary = run_crawl(home, &req)?;
    println!("{}", summary.line());
    if summary.interrupted {
        use std::io::Write;
        let _ = std::io::stdout().flush();
        std::process::exit(EXIT_INTERRUPTED);
    }
    Ok(())
}
