//! `radar notify test|status|flush`, and the delivery `radar crawl` and
//! `radar serve` run after their work.

use crate::config::{Home, Settings};
use crate::notify::{DeliverySummary, Mode, Notifier};
use crate::store::Store;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

#[derive(Debug, Clone, clap::Args)]
pub struct NotifyArgs {
    #[command(subcommand)]
    pub command: NotifyCommand,
}

#[derive(Debug, Clone, clap::Subcommand)]
pub enum NotifyCommand {
    /// Send a test message to every channel, or to channel N (from 1, as listed in radar.toml).
    Test {
        #[arg(long)]
        channel: Option<usize>,
    },
    /// Pending, sent and failing messages per channel.
    Status,
    /// Deliver what is pending now (waiting up to a minute for short retries).
    Flush,
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}

pub fn run(home: &Home, args: &NotifyArgs) -> anyhow::Result<()> {
    let checked = super::load(home)?;
    let mut store = Store::open(&home.existing_db_path()?)?;
    let notifier = Notifier::new(home, checked.settings);
    match &args.command {
        NotifyCommand::Test { channel } => {
            let results = runtime()?.block_on(notifier.test(&store, *channel))?;
            let failed = results.iter().filter(|(_, r)| r.is_err()).count();
            for (label, r) in &results {
                match r {
                    Ok(()) => println!("{label}: sent"),
                    Err(e) => println!("{label}: FAILED: {e}"),
                }
            }
            println!(
                "notify test: {} sent, {failed} failed",
                results.len() - failed
            );
            if failed > 0 {
                anyhow::bail!("{failed} channel(s) failed");
            }
        }
        NotifyCommand::Status => {
            let (mut p, mut s, mut f) = (0, 0, 0);
            for (label, st) in notifier.status(&store)? {
                println!(
                    "{label}: {} pending, {} sent, {} failing{}",
                    st.pending,
                    st.sent,
                    st.failing,
                    st.last_error
                        .map(|e| format!(" (last error: {e})"))
                        .unwrap_or_default()
                );
                (p, s, f) = (p + st.pending, s + st.sent, f + st.failing);
            }
            println!("notify status: {p} pending, {s} sent, {f} failing");
        }
        NotifyCommand::Flush => {
            let sum = runtime()?.block_on(notifier.flush(&mut store, Duration::from_secs(60)))?;
            let pending: u64 = notifier
                .status(&store)?
                .iter()
                .map(|(_, s)| s.pending)
                .sum();
            println!("{}", line("notify flush", &sum, pending));
        }
    }
    Ok(())
}

fn line(what: &str, s: &DeliverySummary, pending: u64) -> String {
    format!(
        "{what}: {} message(s) sent ({} event(s)), {} failed attempt(s), {pending} still pending",
        s.messages, s.rows, s.failures
    )
}

/// Deliver after a crawl (the run's digest goes out now). Problems are
/// logged, never fatal: the outbox keeps what was not sent.
pub async fn after_crawl(home: &Home, settings: &Settings) {
    if settings.notify.is_empty() {
        return;
    }
    let notifier = Notifier::new(home, settings.clone());
    let result = async {
        let mut store = Store::open(&home.db_path())?;
        let sum = notifier.deliver(&mut store, Mode::Digest, true).await?;
        anyhow::Ok(sum)
    }
    .await;
    match result {
        Ok(sum) if sum.messages + sum.failures > 0 => {
            println!(
                "{}",
                line("notify", &sum, 0).trim_end_matches(", 0 still pending")
            );
        }
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "notifications not delivered (kept in the outbox)"),
    }
}

/// `radar serve`'s background delivery: every few seconds, until shutdown.
pub fn spawn_background(
    home: &Home,
    settings: &Settings,
    shutdown: Arc<AtomicBool>,
) -> Option<tokio::task::JoinHandle<()>> {
    if settings.notify.is_empty() {
        return None;
    }
    let notifier = Notifier::new(home, settings.clone());
    let db = home.db_path();
    Some(tokio::spawn(async move {
        let mut store = match Store::open(&db) {
            Ok(s) => s,
            Err(e) => {
                tracing::error!(error = %e, "notification delivery cannot open the store");
                return;
            }
        };
        while !shutdown.load(Ordering::SeqCst) {
            if let Err(e) = notifier.deliver(&mut store, Mode::Background, false).await {
                tracing::warn!(error = %e, "notification delivery failed (kept in the outbox)");
            }
            for _ in 0..10 {
                if shutdown.load(Ordering::SeqCst) {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(300)).await;
            }
        }
    }))
}
