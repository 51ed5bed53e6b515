//! Sites behind a JavaScript challenge, crawled through headless Chromium
//! (Debian's `chromium`): a loopback server that behaves like 加速乐 answers
//! any request without the right cookie with HTTP 521 and a script that
//! computes the cookie (arithmetic over a value from its own script file, a
//! `document.cookie` assignment, `location.reload()`), and the page to a
//! request that has it. A source with `browser = "on-challenge"` gets its
//! articles through the browser, solving the challenge once; the WARC passes
//! warcio and says which records came through the browser; `radar evidence`
//! gives the article's bytes; a replay with no browser gives the articles
//! again; the host's pace holds at the server for every request, the
//! challenge's script included. Without Chromium the crawl ends and health
//! names the packages; a challenge the browser cannot pass is an alarm.

use crate::site::article;
use crate::support::{date, new_home, radar, radar_ok, run_crawl, warcio};
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use reform_radar::config::Home;
use reform_radar::pipeline::CrawlRequest;
use reform_radar::store::Store;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const CHROMIUM: &str = "/usr/bin/chromium";
const ARTICLES: usize = 3;
/// The source's pace, seconds.
const PACE: f64 = 0.5;
/// What the challenge's script assigns: `JSL_BASE * 3 + 7` with
/// `JSL_BASE = 12345` from `/_jsl/base.js`.
const CLEARANCE: &str = "__jsl_clearance=37042|0|radar";

/// One request as the server saw it.
#[derive(Debug, Clone)]
struct Hit {
    path: String,
    at: Instant,
    status: u16,
}

#[derive(Default)]
struct Inner {
    pages: HashMap<String, Vec<u8>>,
    hits: Vec<Hit>,
    /// The cookie never satisfies the server (a challenge the browser cannot pass).
    unsolvable: bool,
    /// robots.txt is served without the challenge.
    plain_robots: bool,
    /// Paths whose first request past the challenge gets 503 with Retry-After: 1.
    busy_once: Vec<String>,
}

#[derive(Clone)]
struct Wall {
    addr: SocketAddr,
    inner: Arc<Mutex<Inner>>,
}

const CHALLENGE: &str = "<html><head><script src=\"/_jsl/base.js\"></script></head><body>\
<script>var x = JSL_BASE * 3 + 7; document.cookie = '__jsl_clearance=' + x + '|0|radar; path=/'; \
location.reload();</script></body></html>";

impl Wall {
    fn start(ip: &str, unsolvable: bool, plain_robots: bool) -> Wall {
        let inner = Arc::new(Mutex::new(Inner {
            unsolvable,
            plain_robots,
            ..Default::default()
        }));
        {
            let mut i = inner.lock().expect("wall");
            let mut items = String::new();
            for k in 0..ARTICLES {
                items.push_str(&format!(
                    "<li class=\"clearfix\"><a class=\"lf\" href=\"./202603/t20260303_{k}.html\">万州区国企改革第{k}篇报道</a><span class=\"rt\">2026-03-03</span></li>"
                ));
                i.pages.insert(
                    format!("/list/202603/t20260303_{k}.html"),
                    article(k, "").body,
                );
            }
            i.pages.insert(
                "/list/index.html".into(),
                format!("<html><body><ul class=\"right-list\">{items}</ul></body></html>")
                    .into_bytes(),
            );
            i.pages
                .insert("/robots.txt".into(), b"User-agent: *\nAllow: /\n".to_vec());
        }
        let listener = std::net::TcpListener::bind(format!("{ip}:0")).expect("bind");
        listener.set_nonblocking(true).expect("nonblocking");
        let addr = listener.local_addr().expect("addr");
        let state = inner.clone();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
                let app = Router::new()
                    .route("/{*path}", get(answer))
                    .with_state(state);
                let _ = axum::serve(listener, app).await;
            });
        });
        Wall { addr, inner }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    fn hits(&self) -> Vec<Hit> {
        self.inner.lock().expect("wall").hits.clone()
    }

    fn page(&self, path: &str) -> Vec<u8> {
        self.inner.lock().expect("wall").pages[path].clone()
    }
}

async fn answer(
    State(inner): State<Arc<Mutex<Inner>>>,
    Path(path): Path<String>,
    headers: HeaderMap,
) -> Response {
    let path = format!("/{path}");
    let cookie_ok = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .any(|c| c.trim() == CLEARANCE);
    let mut inner = inner.lock().expect("wall");
    let (status, ctype, body) = if path == "/_jsl/base.js" {
        (
            200,
            "application/javascript",
            b"var JSL_BASE = 12345;".to_vec(),
        )
    } else if path == "/robots.txt" && inner.plain_robots {
        (200, "text/plain", inner.pages[&path].clone())
    } else if !cookie_ok || inner.unsolvable {
        (521, "text/html", CHALLENGE.as_bytes().to_vec())
    } else if let Some(at) = inner.busy_once.iter().position(|p| *p == path) {
        inner.busy_once.remove(at);
        (503, "text/plain", b"busy, come back in a second".to_vec())
    } else if let Some(page) = inner.pages.get(&path) {
        let ctype = if path.ends_with(".txt") {
            "text/plain"
        } else {
            "text/html; charset=utf-8"
        };
        (200, ctype, page.clone())
    } else {
        (404, "text/plain", b"not found".to_vec())
    };
    inner.hits.push(Hit {
        path,
        at: Instant::now(),
        status,
    });
    let mut resp = (
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        body,
    )
        .into_response();
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, ctype.parse().expect("content type"));
    if status == 503 {
        resp.headers_mut()
            .insert(header::RETRY_AFTER, "1".parse().expect("retry-after"));
    }
    resp
}

/// A listing source over the wall's `/list/index.html`.
fn add_source(home: &Home, id: &str, wall: &Wall, browser: &str) {
    let def = format!(
        r#"id = "{id}"
name = "万州区人民政府 (test {id})"
outlet = "万州区人民政府"
item = "lead"
kind = "listing"
pace_secs = {PACE:?}
browser = "{browser}"
schedule = "0 0 0 1 1 *"

[listing]
start = ["{start}"]
items = "ul.right-list li"
link = "a.lf"
date = "span.rt"
link_pattern = 't\d{{8}}_\d+\.html$'

[fields]
title = "div.zwxl-title p.tit"
date = "meta[name=PubDate]"
body = "div.trs_paper_default"
"#,
        start = wall.url("/list/index.html")
    );
    std::fs::write(home.sources_dir().join(format!("{id}.toml")), def).expect("write source");
}

/// Point `[browser] chromium` of the home's radar.toml at `binary`.
fn set_chromium(home: &Home, binary: &str) {
    let path = home.settings_path();
    let text = std::fs::read_to_string(&path).expect("radar.toml");
    let out: Vec<String> = text
        .lines()
        .map(|l| {
            if l.starts_with("chromium =") {
                format!("chromium = {binary:?}")
            } else {
                l.to_string()
            }
        })
        .collect();
    assert!(out.iter().any(|l| l.starts_with("chromium =")), "{text}");
    std::fs::write(&path, out.join("\n")).expect("write radar.toml");
}

fn crawl(home: &Home, id: &str) -> reform_radar::pipeline::CrawlSummary {
    run_crawl(
        home,
        &CrawlRequest {
            sources: vec![id.into()],
            today: Some(date("2026-03-03")),
            ..Default::default()
        },
    )
}

fn health(home: &Home, id: &str) -> serde_json::Value {
    let out = radar_ok(home, &["sources", "--health", "--json"]);
    let all: serde_json::Value = serde_json::from_str(&out).expect("sources json");
    all.as_array()
        .expect("array")
        .iter()
        .find(|s| s["id"] == id)
        .expect("the source")["health"]
        .clone()
}

fn warc_files(home: &Home) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(home.archive_dir())
        .expect("archive dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".warc.gz"))
        .collect();
    files.sort();
    files
}

/// Gaps between consecutive requests at the server, in seconds.
fn gaps(hits: &[Hit]) -> Vec<f64> {
    hits.windows(2)
        .map(|w| w[1].at.duration_since(w[0].at).as_secs_f64())
        .collect()
}

#[test]
fn a_challenged_source_is_crawled_through_chromium_with_evidence_that_replays() {
    assert!(
        std::path::Path::new(CHROMIUM).exists(),
        "{CHROMIUM} is missing: install Debian's chromium (and chromium-driver)"
    );
    let wall = Wall::start("127.0.0.61", false, false);
    let (_dir, home) = new_home();
    set_chromium(&home, CHROMIUM);
    add_source(&home, "wall", &wall, "on-challenge");
    let started = Instant::now();
    let summary = crawl(&home, "wall");
    let took = started.elapsed();
    let hits = wall.hits();
    let g = gaps(&hits);
    eprintln!(
        "crawl of the challenge server: {} ({took:.1?})",
        summary.line()
    );
    for (n, h) in hits.iter().enumerate() {
        let gap = if n == 0 { 0.0 } else { g[n - 1] };
        eprintln!("  {:>2} +{gap:.3}s {} {}", n + 1, h.status, h.path);
    }
    let min = g.iter().cloned().fold(f64::INFINITY, f64::min);
    eprintln!(
        "per-host gaps at the server: {} requests, min {min:.3}s, max {:.3}s (pace {PACE}s)",
        hits.len(),
        g.iter().cloned().fold(0.0, f64::max)
    );
    assert_eq!(summary.new_articles, ARTICLES as u64, "{}", summary.line());
    assert_eq!(summary.errors, 0, "{}", summary.line());
    // robots.txt, the listing and the articles came through the browser.
    assert!(
        summary.browser_pages > ARTICLES as u64,
        "{}",
        summary.line()
    );
    // Solved once: the HTTP robots.txt and the browser's first request met
    // the challenge; every later request carried the cookie.
    let challenged: Vec<_> = hits.iter().filter(|h| h.status == 521).collect();
    assert_eq!(challenged.len(), 2, "{hits:#?}");
    for k in 0..ARTICLES {
        let path = format!("/list/202603/t20260303_{k}.html");
        let got: Vec<_> = hits.iter().filter(|h| h.path == path).collect();
        assert_eq!(got.len(), 1, "{path} once, with the cookie: {hits:#?}");
        assert_eq!(got[0].status, 200);
    }
    assert_eq!(
        hits.iter().filter(|h| h.path == "/_jsl/base.js").count(),
        1,
        "the challenge's own script, once"
    );
    // The pace holds at the server for every request, the challenge's script
    // included (a little slack for the browser's own scheduling).
    assert!(min >= PACE * 0.9, "gaps {g:?}");

    // Evidence: the article's bytes as the server sent them.
    let store = Store::open(&home.db_path()).expect("store");
    let rows = store.articles(&[]).expect("articles");
    assert_eq!(rows.len(), ARTICLES);
    let row = rows
        .iter()
        .find(|r| r.article.url.ends_with("t20260303_1.html"))
        .expect("article 1");
    let out = home.root().join("evidence.html");
    let shown = radar_ok(
        &home,
        &[
            "evidence",
            row.article.id.as_str(),
            "--out",
            out.to_str().expect("utf-8"),
        ],
    );
    assert!(shown.contains("sha256"), "{shown}");
    assert!(
        shown.contains("via       headless browser (") && shown.contains("Chrome/"),
        "evidence says it came through the browser: {shown}"
    );
    assert_eq!(
        std::fs::read(&out).expect("payload"),
        wall.page("/list/202603/t20260303_1.html"),
        "the archived bytes are what the server sent"
    );

    // The WARC: valid for warcio, every browser response followed by its
    // metadata record (WARC-Protocol) and the challenge exchanges kept.
    let files = warc_files(&home);
    assert!(!files.is_empty());
    for f in &files {
        let check = warcio(&["check", "-v"], f);
        assert!(
            check.status.success(),
            "warcio check {}:\n{}{}",
            f.display(),
            String::from_utf8_lossy(&check.stdout),
            String::from_utf8_lossy(&check.stderr)
        );
    }
    let listing = crate::support::python(
        "import sys\nfrom warcio.archiveiterator import ArchiveIterator\n\
         for p in sys.argv[1:]:\n  with open(p, 'rb') as f:\n    for r in ArchiveIterator(f):\n\
         \x20     h = r.rec_headers\n\
         \x20     st = r.http_headers.get_statuscode() if r.http_headers else ''\n\
         \x20     body = r.content_stream().read().decode('utf-8', 'replace').replace('\\r\\n', ' ')\n\
         \x20     print(h.get_header('WARC-Type'), h.get_header('WARC-Target-URI'), st, h.get_header('WARC-Protocol') or '-', body[:60] if h.get_header('WARC-Type') == 'metadata' else '')\n",
        &files.iter().map(|f| f.as_os_str()).collect::<Vec<_>>(),
    );
    assert!(
        listing.status.success(),
        "{}",
        String::from_utf8_lossy(&listing.stderr)
    );
    let listing = String::from_utf8_lossy(&listing.stdout).into_owned();
    let line_of = |kind: &str, path: &str, status: &str| {
        listing
            .lines()
            .filter(|l| {
                let f: Vec<&str> = l.split(' ').collect();
                f.len() > 2 && f[0] == kind && f[1] == wall.url(path) && f[2] == status
            })
            .count()
    };
    assert_eq!(line_of("response", "/robots.txt", "521"), 2, "{listing}");
    assert_eq!(line_of("response", "/robots.txt", "200"), 1, "{listing}");
    assert_eq!(line_of("response", "/_jsl/base.js", "200"), 1, "{listing}");
    assert_eq!(
        line_of("response", "/list/202603/t20260303_1.html", "200"),
        1,
        "{listing}"
    );
    let browser_notes = listing
        .lines()
        .filter(|l| {
            l.starts_with("metadata ") && l.contains(" chromium-devtools via: headless browser")
        })
        .count();
    // Every response but the HTTP robots.txt came through the browser.
    let responses = listing
        .lines()
        .filter(|l| l.starts_with("response "))
        .count();
    assert_eq!(browser_notes, responses - 1, "{listing}");

    // Health: pages through the browser, challenges met and solved, no alarm.
    let h = health(&home, "wall");
    assert_eq!(h["browser_pages"], serde_json::json!(ARTICLES + 1), "{h}");
    assert!(h["challenges_met"].as_u64().unwrap_or(0) >= 1, "{h}");
    assert_eq!(h["challenges_met"], h["challenges_solved"], "{h}");
    assert_eq!(h["alarms"], serde_json::json!([]), "{h}");
    let text = radar_ok(&home, &["sources", "--health"]);
    assert!(text.contains("fetched through headless Chromium"), "{text}");

    // Replay of that archive with no browser at all: the same articles.
    let (_dir2, replay_home) = new_home();
    set_chromium(&replay_home, "/nonexistent/chromium");
    add_source(&replay_home, "wall", &wall, "on-challenge");
    let before = wall.hits().len();
    let again = run_crawl(
        &replay_home,
        &CrawlRequest {
            sources: vec!["wall".into()],
            replay: files.clone(),
            today: Some(date("2026-03-03")),
            ..Default::default()
        },
    );
    assert_eq!(again.new_articles, ARTICLES as u64, "{}", again.line());
    assert_eq!(again.browser_pages, 0);
    assert_eq!(wall.hits().len(), before, "replay never asks the server");
    let replayed = Store::open(&replay_home.db_path())
        .expect("store")
        .articles(&[])
        .expect("articles");
    let mut a: Vec<_> = rows
        .iter()
        .map(|r| (r.article.id.clone(), r.article.body.clone()))
        .collect();
    let mut b: Vec<_> = replayed
        .iter()
        .map(|r| (r.article.id.clone(), r.article.body.clone()))
        .collect();
    a.sort();
    b.sort();
    assert_eq!(a, b, "the replay reproduces the articles");
}

#[test]
fn without_chromium_the_crawl_ends_and_health_names_the_packages() {
    let wall = Wall::start("127.0.0.62", false, true);
    let (_dir, home) = new_home();
    set_chromium(&home, "/nonexistent/chromium");
    add_source(&home, "wall", &wall, "on-challenge");
    let summary = crawl(&home, "wall");
    assert_eq!(summary.new_articles, 0);
    assert!(summary.challenges >= 1, "{}", summary.line());
    assert!(
        summary.line().contains("chromium-driver"),
        "{}",
        summary.line()
    );
    let h = health(&home, "wall");
    let alarms = h["alarms"].to_string();
    assert!(alarms.contains("needs the browser"), "{alarms}");
    assert!(
        alarms.contains("chromium and chromium-driver"),
        "the Debian packages are named: {alarms}"
    );
    let text = radar_ok(&home, &["sources", "--health"]);
    assert!(text.contains("ALARM: blocked:"), "{text}");
    // The 信息源 page says it in Chinese, with the packages.
    crate::web_support::add_user(&home, "ana", "reviewer", None);
    let app = crate::web_support::App::start(&home);
    let (cookie, _) = app.login("ana");
    let page = app.get("/sources", Some(&cookie));
    let row = page
        .body
        .split("id=\"source-wall\"")
        .nth(1)
        .and_then(|r| r.split("</tr>").next())
        .expect("the source's row");
    assert!(
        row.contains("需要用浏览器抓取，但无法启动无头 Chromium 浏览器"),
        "{row}"
    );
    assert!(row.contains("chromium 和 chromium-driver"), "{row}");
    assert!(row.contains("遇到脚本验证 1 页，通过 0 页"), "{row}");
    assert!(!row.contains("blocked"), "no English on the page: {row}");
    // The listing was asked once over HTTP: met a challenge, left.
    let listing: Vec<_> = wall
        .hits()
        .into_iter()
        .filter(|h| h.path == "/list/index.html")
        .collect();
    assert_eq!(listing.len(), 1);
    assert_eq!(listing[0].status, 521);
}

#[test]
fn a_challenge_the_browser_cannot_pass_is_an_alarm() {
    assert!(
        std::path::Path::new(CHROMIUM).exists(),
        "{CHROMIUM} is missing"
    );
    let wall = Wall::start("127.0.0.63", true, true);
    let (_dir, home) = new_home();
    set_chromium(&home, CHROMIUM);
    add_source(&home, "wall", &wall, "on-challenge");
    let started = Instant::now();
    let summary = crawl(&home, "wall");
    assert_eq!(summary.new_articles, 0);
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "gave up in time"
    );
    let h = health(&home, "wall");
    let alarms = h["alarms"].to_string();
    assert!(alarms.contains("the browser could not solve"), "{alarms}");
    assert_eq!(h["challenges_solved"], serde_json::json!(0), "{h}");
    // The browser let the challenge run a few rounds, paced, then stopped.
    let hits = wall.hits();
    let rounds = hits.iter().filter(|h| h.path == "/list/index.html").count();
    assert!((2..=5).contains(&rounds), "{hits:#?}");
    assert!(gaps(&hits).iter().all(|g| *g >= PACE * 0.9), "{hits:#?}");
}

#[test]
fn a_bad_browser_value_is_reported_with_its_line() {
    let (_dir, home) = new_home();
    let wall = Wall::start("127.0.0.64", false, true);
    add_source(&home, "wall", &wall, "sometimes");
    let out = radar(&home, &["check"]);
    assert!(!out.status.success());
    let err =
        String::from_utf8_lossy(&out.stderr).into_owned() + &String::from_utf8_lossy(&out.stdout);
    assert!(err.contains("wall.toml:7: browser"), "{err}");
    assert!(err.contains("on-challenge"), "{err}");
}

#[test]
fn retry_after_holds_for_the_browsers_document_requests() {
    assert!(
        std::path::Path::new(CHROMIUM).exists(),
        "{CHROMIUM} is missing"
    );
    let wall = Wall::start("127.0.0.65", false, false);
    let busy = "/list/202603/t20260303_0.html";
    wall.inner.lock().expect("wall").busy_once.push(busy.into());
    let (_dir, home) = new_home();
    set_chromium(&home, CHROMIUM);
    add_source(&home, "wall", &wall, "on-challenge");
    let summary = crawl(&home, "wall");
    assert_eq!(summary.new_articles, ARTICLES as u64, "{}", summary.line());
    let hits: Vec<Hit> = wall.hits().into_iter().filter(|h| h.path == busy).collect();
    assert_eq!(hits.len(), 2, "{hits:#?}");
    assert_eq!((hits[0].status, hits[1].status), (503, 200));
    let waited = hits[1].at.duration_since(hits[0].at).as_secs_f64();
    assert!(
        waited >= 1.0,
        "Retry-After: 1 honoured, waited {waited:.3}s"
    );
}
