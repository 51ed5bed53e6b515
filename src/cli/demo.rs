//! `radar demo`: the front door. Creates a home, packs the bundled sample
//! (built into the binary) into a WARC, crawls it by replay with the real
//! source definitions, and shows what was found; then it serves the web UI
//! on that sample (web only, no scheduler: the sources are real sites) with
//! a demo reviewer account until Ctrl-C. `--no-serve` stops after the
//! summary, for scripts and tests.
//!
//! The sample is imitation pages at real URLs, so the demo only ever writes
//! to its own folder (`./radar-demo`, or `--dir`), never to `--home` or
//! `RADAR_HOME`, and refuses a folder holding a home it did not make.

use super::crawl::run_crawl;
use crate::config::Home;
use crate::discover::DateRange;
use crate::pipeline::CrawlRequest;
use crate::store::Store;
use chrono::NaiveDate;
use include_dir::{Dir, include_dir};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

static SAMPLE: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/sample");

/// The dates the bundled sample covers.
pub fn sample_range() -> DateRange {
    DateRange {
        from: NaiveDate::from_ymd_opt(2026, 3, 2).unwrap_or_default(),
        to: NaiveDate::from_ymd_opt(2026, 3, 4).unwrap_or_default(),
    }
}

#[derive(Debug, Clone, clap::Args)]
pub struct DemoArgs {
    /// The demo's own folder (never a deployment home).
    #[arg(long, default_value = "radar-demo")]
    pub dir: PathBuf,
    /// Stop after the summary instead of serving the web UI.
    #[arg(long)]
    pub no_serve: bool,
    /// Where the web UI listens.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: String,
    /// The global `--home`/`RADAR_HOME`, which the demo ignores: its own
    /// (hidden) argument, so that `radar demo --help` does not offer it.
    #[arg(long, hide = true, env = "RADAR_HOME", hide_env = true)]
    pub home: Option<PathBuf>,
}

/// The demo reviewer's login, printed when the demo serves.
pub const DEMO_USER: &str = "demo";
pub const DEMO_PASSWORD: &str = "radar-demo-2026";

/// Serve the web UI on the demo home until Ctrl-C (or SIGTERM).
fn serve(home: &Home, listen: &str) -> anyhow::Result<()> {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    let (_, registry) = crate::registry::check_home(home)
        .map_err(|p| anyhow::anyhow!("configuration problems:\n{p}"))?;
    {
        let store = Store::open(&home.db_path())?;
        if store.user(DEMO_USER)?.is_none() {
            crate::web::accounts::add_user(
                &store,
                crate::web::accounts::CLI_ACTOR,
                &registry,
                DEMO_USER,
                crate::store::UserRole::Reviewer,
                None,
                DEMO_PASSWORD,
            )?;
        }
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let shutdown = Arc::new(AtomicBool::new(false));
        super::crawl::watch_signals(shutdown.clone());
        let server = crate::web::Server::bind(home, listen).await?;
        println!();
        println!(
            "web UI on http://{}/ : log in as `{DEMO_USER}` with the password `{DEMO_PASSWORD}` (a reviewer); Ctrl-C stops it",
            server.local_addr()?
        );
        server
            .run(async move {
                while !shutdown.load(Ordering::SeqCst) {
                    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
                }
            })
            .await?;
        anyhow::Ok(())
    })?;
    println!("demo: web UI stopped");
    Ok(())
}

/// The file that marks a folder as the demo's own.
const MARKER: &str = ".radar-demo";

/// Make sure `dir` is the demo's: new, empty, or made by the demo before.
fn claim(dir: &Path) -> anyhow::Result<()> {
    let marker = dir.join(MARKER);
    if dir.exists() && !marker.is_file() {
        let is_home = ["radar.toml", "radar.sqlite", "archive"]
            .iter()
            .any(|f| dir.join(f).exists());
        anyhow::ensure!(
            !is_home,
            "{} holds a radar home the demo did not make; the demo writes imitation pages \
             at real URLs, so it only uses its own folder (pass another `--dir`, or remove an old \
             demo folder)",
            dir.display()
        );
    }
    std::fs::create_dir_all(dir)?;
    std::fs::write(
        &marker,
        "made by `radar demo`: imitation pages at real URLs, not a deployment home\n",
    )?;
    Ok(())
}

/// `home` is the `--home`/`RADAR_HOME` given, which the demo ignores.
pub fn run(args: &DemoArgs, home: Option<&Path>) -> anyhow::Result<()> {
    if let Some(h) = home.filter(|h| *h != args.dir) {
        println!(
            "demo: ignoring the home {} (--home or RADAR_HOME); the demo only writes to {}",
            h.display(),
            args.dir.display()
        );
    }
    // A busy port is found now, not after the crawl and its output.
    let reserved = if args.no_serve {
        None
    } else {
        Some(std::net::TcpListener::bind(&args.listen).map_err(|e| {
            anyhow::anyhow!(
                "cannot serve the demo on {}: {e}; choose another address with `radar demo --listen 127.0.0.1:8081` (or `--no-serve`)",
                args.listen
            )
        })?)
    };
    claim(&args.dir)?;
    let home = Home::new(&args.dir);
    home.init()?;
    let sample_dir = home.root().join("sample");
    if sample_dir.exists() {
        std::fs::remove_dir_all(&sample_dir)?;
    }
    std::fs::create_dir_all(&sample_dir)?;
    SAMPLE.extract(&sample_dir)?;
    let packed = home.root().join("sample-warc");
    if packed.exists() {
        std::fs::remove_dir_all(&packed)?;
    }
    let (warc, pages) = crate::archive::pack_sample_dir(&sample_dir, &packed)?;
    println!("packed {pages} sample pages into {}", warc.display());
    let range = sample_range();
    let req = CrawlRequest {
        sources: vec![],
        range: Some(range),
        replay: vec![warc],
        today: Some(range.to + chrono::Duration::days(30)),
        retry_failed: false,
    };
    let summary = run_crawl(&home, &req)?;
    let store = Store::open(&home.db_path())?;
    let rows = store.articles(&[])?;
    let mut by_outlet: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for r in &rows {
        by_outlet
            .entry((r.article.item.clone(), r.article.outlet.clone()))
            .or_default()
            .push(r.article.title.clone());
    }
    println!();
    for ((item, outlet), titles) in &by_outlet {
        println!("{item:<5} {outlet} ({} articles)", titles.len());
        for t in titles.iter().take(3) {
            println!("        {t}");
        }
    }
    // A taste of search: the central-media reports of district SOE reform.
    let index = crate::index::SearchIndex::open(&home.index_dir())?;
    let found = index.search(&crate::index::SearchRequest {
        offset: 0,
        limit: 5,
        ..crate::index::SearchRequest::new("万州 国企改革")
    })?;
    println!();
    println!("search 「万州 国企改革」: {} articles", found.total);
    for h in &found.hits {
        println!(
            "        {} {} 《{}》",
            h.published.as_deref().unwrap_or("----------"),
            h.outlet,
            h.title
        );
    }
    let candidates = store.candidates(&crate::store::CandidateFilter::default())?;
    println!();
    println!(
        "candidate evidence found in the sample: {} (leads included)",
        candidates.len()
    );
    for c in &candidates {
        println!(
            "        {:<9} {:<4} {:<9} {} {}《{}》",
            c.status.as_str(),
            c.item,
            c.enterprise,
            c.published.as_deref().unwrap_or("----------"),
            c.outlet,
            c.title
        );
    }
    println!();
    println!(
        "demo folder: {} (try `radar candidates --home {}` or `radar search --home {} 国企改革`)",
        home.root().display(),
        home.root().display(),
        home.root().display()
    );
    println!(
        "demo: {} articles from {} outlets, {} candidates; {}",
        rows.len(),
        by_outlet.len(),
        candidates.len(),
        summary.line()
    );
    if args.no_serve {
        return Ok(());
    }
    drop(reserved);
    serve(&home, &args.listen)
}
