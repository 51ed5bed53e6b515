//! A bounded load client for the web UI and API: N concurrent simulated
//! reviewers (default 50) for S seconds (default 30) against a running
//! server, on the queue page, a candidate's detail page, search and
//! confirm (each confirmation undone at once through the API, so the queue
//! stays full; a 409 on a candidate another reviewer holds is expected and
//! counted apart, not as an error). Prints requests/s, p50/p99 latency and
//! errors per route. With no think time (the default) every reviewer fires
//! its next request the moment the last one answers: a saturation test, in
//! which latency is mostly the time spent queued behind the other 49. With
//! THINK_MS each reviewer pauses between 0 and 2 x THINK_MS (on average
//! THINK_MS) after each action, as a person reading the page would. It starts nothing itself: give it a server and a
//! reviewer's bearer token, e.g. on the demo's sample:
//!
//! ```sh
//! radar demo --dir /tmp/load-demo --listen 127.0.0.1:8099 &
//! TOKEN=$(radar users token demo --home /tmp/load-demo)
//! cargo run --release --example web_load -- http://127.0.0.1:8099 "$TOKEN" 30 50 [THINK_MS]
//! ```

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

#[derive(Default)]
struct Route {
    latencies: Vec<Duration>,
    errors: u64,
    conflicts: u64,
    first_error: Option<String>,
}

type Stats = BTreeMap<&'static str, Route>;

fn record(stats: &mut Stats, route: &'static str, start: Instant, outcome: Result<u16, String>) {
    let r = stats.entry(route).or_default();
    r.latencies.push(start.elapsed());
    match outcome {
        Ok(s) if s < 400 => {}
        Ok(409) if route == "confirm" => r.conflicts += 1,
        Ok(s) => {
            r.errors += 1;
            r.first_error.get_or_insert(format!("HTTP {s}"));
        }
        Err(e) => {
            r.errors += 1;
            r.first_error.get_or_insert(e);
        }
    }
}

async fn get(client: &reqwest::Client, url: String) -> Result<u16, String> {
    let res = client.get(url).send().await.map_err(|e| e.to_string())?;
    let status = res.status().as_u16();
    res.bytes().await.map_err(|e| e.to_string())?;
    Ok(status)
}

/// One simulated reviewer until `until`.
async fn reviewer(
    client: reqwest::Client,
    base: String,
    ids: Vec<i64>,
    n: usize,
    until: Instant,
    think_ms: u64,
) -> Stats {
    let mut stats = Stats::new();
    let mut i = n;
    let queries = [
        "国企改革",
        "万州 国企改革",
        "混合所有制",
        "董事会",
        "改革 三年行动",
    ];
    while Instant::now() < until {
        i = i.wrapping_mul(1_103_515_245).wrapping_add(12_345) % 1_000_003;
        let id = ids[i % ids.len()];
        match i % 10 {
            0..=2 => {
                let t = Instant::now();
                let o = get(&client, format!("{base}/candidates")).await;
                record(&mut stats, "queue", t, o);
            }
            3..=5 => {
                let t = Instant::now();
                let o = get(&client, format!("{base}/candidates/{id}")).await;
                record(&mut stats, "detail", t, o);
            }
            6 | 7 => {
                let q = queries[i % queries.len()];
                let t = Instant::now();
                let o = get(&client, format!("{base}/search?q={}", url_encode(q))).await;
                record(&mut stats, "search", t, o);
            }
            _ => {
                let t = Instant::now();
                let res = client
                    .post(format!("{base}/api/candidates/{id}/confirm"))
                    .header("content-type", "application/json")
                    .body(r#"{"note": "压力测试"}"#)
                    .send()
                    .await;
                let seq = match res {
                    Ok(r) => {
                        let status = r.status().as_u16();
                        let bytes = r.bytes().await.unwrap_or_default();
                        let body: serde_json::Value =
                            serde_json::from_slice(&bytes).unwrap_or_default();
                        record(&mut stats, "confirm", t, Ok(status));
                        (status == 200).then(|| body["seq"].as_u64()).flatten()
                    }
                    Err(e) => {
                        record(&mut stats, "confirm", t, Err(e.to_string()));
                        None
                    }
                };
                if let Some(seq) = seq {
                    let t = Instant::now();
                    let o = client
                        .post(format!("{base}/api/ledger/{seq}/undo"))
                        .header("content-type", "application/json")
                        .body(r#"{"reason": "压力测试：撤销"}"#)
                        .send()
                        .await
                        .map(|r| r.status().as_u16())
                        .map_err(|e| e.to_string());
                    record(&mut stats, "undo", t, o);
                }
            }
        }
        if think_ms > 0 {
            let pause = (i as u64 / 10) % (2 * think_ms + 1);
            tokio::time::sleep(Duration::from_millis(pause)).await;
        }
    }
    stats
}

fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(base), Some(token)) = (args.first(), args.get(1)) else {
        eprintln!("usage: web_load URL TOKEN [SECONDS=30] [REVIEWERS=50] [THINK_MS=0]");
        std::process::exit(2);
    };
    let base = base.trim_end_matches('/').to_string();
    let seconds: u64 = args.get(2).map_or(Ok(30), |s| s.parse())?;
    let reviewers: usize = args.get(3).map_or(Ok(50), |s| s.parse())?;
    let think_ms: u64 = args.get(4).map_or(Ok(0), |s| s.parse())?;
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::AUTHORIZATION,
        format!("Bearer {token}").parse()?,
    );
    let client = reqwest::Client::builder()
        .default_headers(headers)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .pool_max_idle_per_host(reviewers)
        .build()?;
    let bytes = client
        .get(format!("{base}/api/candidates?status=pending"))
        .send()
        .await?
        .error_for_status()?
        .bytes()
        .await?;
    let pending: serde_json::Value = serde_json::from_slice(&bytes)?;
    let ids: Vec<i64> = pending
        .as_array()
        .map(|a| a.iter().filter_map(|c| c["id"].as_i64()).collect())
        .unwrap_or_default();
    if ids.is_empty() {
        eprintln!("no pending candidates at {base}: nothing to review");
        std::process::exit(1);
    }
    println!(
        "{reviewers} reviewers for {seconds} s against {base} ({} pending candidates, think {think_ms} ms)",
        ids.len()
    );
    let started = Instant::now();
    let until = started + Duration::from_secs(seconds);
    let tasks: Vec<_> = (0..reviewers)
        .map(|n| {
            tokio::spawn(reviewer(
                client.clone(),
                base.clone(),
                ids.clone(),
                n + 1,
                until,
                think_ms,
            ))
        })
        .collect();
    let mut all = Stats::new();
    for t in tasks {
        for (route, r) in t.await? {
            let a = all.entry(route).or_default();
            a.latencies.extend(r.latencies);
            a.errors += r.errors;
            a.conflicts += r.conflicts;
            if a.first_error.is_none() {
                a.first_error = r.first_error;
            }
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    println!(
        "{:<8} {:>9} {:>8} {:>9} {:>9} {:>9} {:>7} {:>9}",
        "route", "requests", "req/s", "p50 ms", "p99 ms", "max ms", "errors", "409 (ok)"
    );
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    for (route, r) in &mut all {
        r.latencies.sort();
        println!(
            "{route:<8} {:>9} {:>8.1} {:>9.1} {:>9.1} {:>9.1} {:>7} {:>9}",
            r.latencies.len(),
            r.latencies.len() as f64 / elapsed,
            ms(percentile(&r.latencies, 0.50)),
            ms(percentile(&r.latencies, 0.99)),
            ms(r.latencies.last().copied().unwrap_or_default()),
            r.errors,
            r.conflicts
        );
        if let Some(e) = &r.first_error {
            println!("         first error: {e}");
        }
    }
    let total: usize = all.values().map(|r| r.latencies.len()).sum();
    println!(
        "total {total} requests in {elapsed:.1} s: {:.1} req/s",
        total as f64 / elapsed
    );
    Ok(())
}
