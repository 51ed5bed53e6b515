//! Politeness benchmark (`bench/polite.sh`): a live crawl of several local
//! hosts (loopback addresses 127.0.0.2, .3, …), each a TRS-style listing of
//! N articles, at a given pace. Reports elapsed time against the politeness
//! bound (the busiest host's requests × pace) and the smallest gap seen
//! between two requests to one host.
//!
//! Every response takes RESPONSE_MS (default 30) to come: the pace counts
//! from request start to request start, so this must not add to the time.
//!
//! Usage: polite_bench [HOSTS] [ARTICLES] [PACE_SECS] [CONCURRENCY] [RESPONSE_MS]

use axum::Router;
use axum::extract::{Path, State};
use axum::response::Html;
use axum::routing::get;
use reform_radar::config::{Home, check_home};
use reform_radar::pipeline::{CrawlRequest, crawl};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

type Hits = Arc<Mutex<Vec<Instant>>>;

/// How long each response takes (milliseconds).
static RESPONSE_MS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(30);

async fn page(State((hits, n)): State<(Hits, usize)>, Path(path): Path<String>) -> Html<String> {
    if let Ok(mut h) = hits.lock() {
        h.push(Instant::now());
    }
    let delay = RESPONSE_MS.load(std::sync::atomic::Ordering::Relaxed);
    tokio::time::sleep(Duration::from_millis(delay)).await;
    if path == "list/index.html" {
        let items: String = (0..n)
            .map(|k| format!("<li><a class=\"lf\" href=\"./202603/t20260303_{k}.html\">万州区国企改革第{k}篇</a><span class=\"rt\">2026-03-03</span></li>"))
            .collect();
        return Html(format!(
            "<html><body><ul class=\"right-list\">{items}</ul></body></html>"
        ));
    }
    Html(format!(
        "<html><head><meta name=\"PubDate\" content=\"2026-03-03 09:30\"></head><body>\
         <div class=\"zwxl-title\"><p class=\"tit\">万州区国企改革报道 {path}</p></div>\
         <div class=\"trs_paper_default\"><p>　　万州城投集团深化国有企业改革，推进混合所有制改革和三项制度改革。</p></div></body></html>"
    ))
}

fn serve(ip: &str, n: usize) -> anyhow::Result<(String, Hits)> {
    let listener = std::net::TcpListener::bind(format!("{ip}:0"))?;
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    let hits: Hits = Arc::new(Mutex::new(Vec::new()));
    let state = (hits.clone(), n);
    std::thread::spawn(move || {
        let Ok(rt) = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        else {
            return;
        };
        rt.block_on(async move {
            let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
                return;
            };
            let app = Router::new().route("/{*path}", get(page)).with_state(state);
            let _ = axum::serve(listener, app).await;
        });
    });
    Ok((format!("http://{addr}"), hits))
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize, d: &str| args.get(i).cloned().unwrap_or_else(|| d.to_string());
    let hosts: usize = arg(0, "6").parse()?;
    let articles: usize = arg(1, "40").parse()?;
    let pace: f64 = arg(2, "0.25").parse()?;
    let concurrency: usize = arg(3, "4").parse()?;
    let response_ms: u64 = arg(4, "30").parse()?;
    RESPONSE_MS.store(response_ms, std::sync::atomic::Ordering::Relaxed);
    let dir = tempfile::tempdir()?;
    let home = Home::new(dir.path().join("home"));
    home.init()?;
    let settings = std::fs::read_to_string(home.settings_path())?
        .replace("concurrency = 4", &format!("concurrency = {concurrency}"));
    std::fs::write(home.settings_path(), settings)?;
    for f in std::fs::read_dir(home.sources_dir())? {
        std::fs::remove_file(f?.path())?;
    }
    let mut all_hits = Vec::new();
    for h in 0..hosts {
        let (base, hits) = serve(&format!("127.0.0.{}", h + 2), articles)?;
        std::fs::write(
            home.sources_dir().join(format!("host{h}.toml")),
            format!(
                r#"id = "host{h}"
name = "bench host {h}"
outlet = "万州区人民政府"
item = "lead"
kind = "listing"
pace_secs = {pace:?}
schedule = "0 0 0 1 1 *"

[listing]
start = ["{base}/list/index.html"]
items = "ul.right-list li"
link = "a.lf"
date = "span.rt"

[fields]
title = "div.zwxl-title p.tit"
date = "meta[name=PubDate]"
body = "div.trs_paper_default"
"#
            ),
        )?;
        all_hits.push(hits);
    }
    let checked = check_home(&home).map_err(|p| anyhow::anyhow!("{p}"))?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let started = Instant::now();
    let summary = rt.block_on(crawl(
        &home,
        &checked,
        &CrawlRequest::default(),
        &(),
        Arc::new(AtomicBool::new(false)),
    ))?;
    let elapsed = started.elapsed().as_secs_f64();
    let mut busiest = 0;
    let mut min_gap = Duration::MAX;
    for hits in &all_hits {
        let mut h = hits
            .lock()
            .map_err(|_| anyhow::anyhow!("poisoned"))?
            .clone();
        h.sort();
        busiest = busiest.max(h.len());
        for w in h.windows(2) {
            min_gap = min_gap.min(w[1].duration_since(w[0]));
        }
    }
    let bound = busiest.saturating_sub(1) as f64 * pace;
    println!(
        "hosts {hosts}, articles/host {articles}, pace {pace}s, concurrency {concurrency}, responses {response_ms} ms: \
         elapsed {elapsed:.2}s, bound {bound:.2}s ({busiest} requests on the busiest host), \
         ratio {:.3}, smallest gap {:.3}s; {}",
        elapsed / bound.max(f64::MIN_POSITIVE),
        min_gap.as_secs_f64(),
        summary.line()
    );
    Ok(())
}
