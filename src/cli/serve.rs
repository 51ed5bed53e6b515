//! `radar serve`: run every enabled source on its own cron schedule (Beijing
//! time) until a signal stops it; `--once` runs what is due and exits.
//! `--listen ADDR` serves the web UI and API (`crate::web`) in the same
//! process, alongside the scheduler, until the same signal stops both; the
//! 信息源 page's 立即运行 queues a source (`web::RunQueue`) that the loop
//! runs at its next wake-up (it wakes within half a second).

use super::crawl::watch_signals;
use super::progress::Bar;
use crate::config::Home;
use crate::pipeline::{CrawlRequest, crawl};
use crate::schedule::SourceSchedule;
use crate::store::Store;
use chrono::Utc;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

#[derive(Debug, Clone, clap::Args)]
pub struct ServeArgs {
    /// Run the sources that are due now, then exit.
    #[arg(long)]
    pub once: bool,
    /// Also serve the web UI and JSON API on this address (e.g. 127.0.0.1:8080).
    #[arg(long)]
    pub listen: Option<String>,
    /// Also answer GET /metrics without a token on this loopback address
    /// (e.g. 127.0.0.1:9184), for a Prometheus on the same host. Needs --listen.
    #[arg(long, requires = "listen", value_name = "ADDR")]
    pub metrics_listen: Option<String>,
}

/// The sources due at this moment.
fn due(home: &Home, schedules: &[SourceSchedule]) -> anyhow::Result<Vec<String>> {
    let store = Store::open(&home.db_path())?;
    let now = Utc::now();
    let mut out = Vec::new();
    for s in schedules {
        if s.is_due(store.last_run_started(&s.source)?, now) {
            out.push(s.source.clone());
        }
    }
    Ok(out)
}

pub fn run(home: &Home, args: &ServeArgs) -> anyhow::Result<()> {
    let checked = super::load(home)?;
    let schedules: Vec<SourceSchedule> = checked
        .sources
        .iter()
        .filter(|s| s.enabled)
        .map(|s| {
            SourceSchedule::new(
                &s.id,
                s.schedule
                    .as_deref()
                    .unwrap_or(&checked.settings.schedule.default),
            )
        })
        .collect::<Result<_, _>>()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let shutdown = Arc::new(AtomicBool::new(false));
    let queue = crate::web::RunQueue::default();
    let (mut runs, mut new_articles, mut errors) = (0u64, 0u64, 0u64);
    runtime.block_on(async {
        watch_signals(shutdown.clone());
        let notifications =
            super::notify::spawn_background(home, &checked.settings, shutdown.clone());
        let web = match &args.listen {
            Some(addr) => {
                let server = crate::web::Server::bind_with(home, addr, Some(queue.clone()))
                    .await
                    .map_err(|e| {
                        let cause = std::error::Error::source(&e)
                            .map(|c| format!(": {c}"))
                            .unwrap_or_default();
                        anyhow::anyhow!(
                            "{e}{cause} (is another `radar serve` running? choose another address with --listen)"
                        )
                    })?;
                println!(
                    "web UI on http://{}/ (log in with a `radar users add` account)",
                    server.local_addr()?
                );
                if let Some(m) = &args.metrics_listen {
                    let metrics = server.metrics_listener(m).await?;
                    println!("metrics on http://{}/metrics (this host only)", metrics.local_addr()?);
                    let flag = shutdown.clone();
                    tokio::spawn(metrics.run(async move {
                        while !flag.load(Ordering::SeqCst) {
                            tokio::time::sleep(Duration::from_millis(200)).await;
                        }
                    }));
                }
                let flag = shutdown.clone();
                Some(tokio::spawn(server.run(async move {
                    while !flag.load(Ordering::SeqCst) {
                        tokio::time::sleep(Duration::from_millis(200)).await;
                    }
                })))
            }
            None => None,
        };
        loop {
            let mut sources = due(home, &schedules)?;
            // What an admin asked to run now on the 信息源 page.
            for id in queue.take() {
                if !sources.contains(&id) {
                    sources.push(id);
                }
            }
            queue.beat(!sources.is_empty());
            if !sources.is_empty() {
                tracing::info!(?sources, "running due sources");
                let bar = Bar::new("serve");
                let req = CrawlRequest {
                    sources: sources.clone(),
                    ..Default::default()
                };
                match crawl(home, &checked, &req, &bar, shutdown.clone()).await {
                    Ok(summary) => {
                        runs += 1;
                        new_articles += summary.new_articles;
                        errors += summary.errors;
                        println!(
                            "{} {}: {}",
                            Utc::now().format("%Y-%m-%d %H:%M:%S UTC"),
                            sources.join(","),
                            summary.line()
                        );
                    }
                    Err(e) => {
                        errors += 1;
                        tracing::error!(error = %e, "scheduled run failed");
                    }
                }
                bar.finish();
                super::notify::after_crawl(home, &checked.settings).await;
                queue.beat(false);
            }
            if args.once || shutdown.load(Ordering::SeqCst) {
                break;
            }
            let now = Utc::now();
            let next = schedules.iter().filter_map(|s| s.next_after(now)).min();
            let wait = next.map_or(Duration::from_secs(3600), |n| {
                (n - now).to_std().unwrap_or(Duration::ZERO)
            });
            tracing::info!(?next, "sleeping until the next scheduled run");
            // Sleep in short steps so that a signal ends the wait promptly.
            let until = tokio::time::Instant::now() + wait;
            while tokio::time::Instant::now() < until
                && !shutdown.load(Ordering::SeqCst)
                && queue.is_empty()
            {
                queue.beat(false);
                tokio::time::sleep(
                    Duration::from_millis(500).min(until - tokio::time::Instant::now()),
                )
                .await;
            }
            if shutdown.load(Ordering::SeqCst) {
                break;
            }
        }
        if let Some(web) = web {
            shutdown.store(true, Ordering::SeqCst);
            web.await??;
        }
        shutdown.store(true, Ordering::SeqCst);
        if let Some(n) = notifications {
            let _ = n.await;
        }
        anyhow::Ok(())
    })?;
    println!("serve: {runs} run(s), {new_articles} new articles, {errors} errors");
    Ok(())
}
