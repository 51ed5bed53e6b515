//! A local test server on 127.0.0.1 imitating the ugly cases of real sites:
//! robots.txt, 503 with Retry-After, slow responses, redirect loops, a
//! meta-refresh entry page, a GBK page with a wrong meta charset, a gzip
//! bomb, 404s, ETag/304, and a listing of articles for crawl tests.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::io::Write;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Default)]
pub struct Log {
    /// Every request path with its arrival time.
    pub hits: Vec<(String, Instant)>,
    pub flaky_calls: u32,
}

#[derive(Clone)]
pub struct Server {
    pub addr: SocketAddr,
    pub log: Arc<Mutex<Log>>,
}

impl Server {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }
    pub fn hits(&self, path: &str) -> Vec<Instant> {
        self.log
            .lock()
            .expect("log")
            .hits
            .iter()
            .filter(|(p, _)| p == path)
            .map(|(_, t)| *t)
            .collect()
    }
}

pub const ARTICLES: usize = 40;

pub fn gbk_page() -> Vec<u8> {
    let html = "<html><head><meta charset=\"utf-8\"><title>万州区国资委</title></head><body><h1>万州区国有企业改革工作推进会召开</h1><p>会议要求，各区属国有企业要深化三项制度改革。</p></body></html>";
    encoding_rs::GB18030.encode(html).0.into_owned()
}

/// 64 MiB of zeros gzipped, made once (compressing it per request takes
/// seconds in a debug build on a busy machine, longer than the test timeouts).
fn gzip_bomb() -> Vec<u8> {
    static BOMB: std::sync::LazyLock<Vec<u8>> = std::sync::LazyLock::new(make_gzip_bomb);
    BOMB.clone()
}

/// Make the bomb now, outside any request's timeout.
pub fn prepare_bomb() {
    let _ = gzip_bomb();
}

fn make_gzip_bomb() -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..64 {
        gz.write_all(&zeros).expect("compress");
    }
    gz.finish().expect("gzip")
}

fn article_html(n: usize) -> String {
    format!(
        "<html><head><meta name=\"PubDate\" content=\"2026-03-0{d} 09:30\"><title>t</title></head><body>\
         <div class=\"zwxl-title\"><p class=\"tit\">万州区国企改革第{n}篇报道</p></div>\
         <div class=\"view TRS_UEDITOR trs_paper_default\"><p>　　第{n}篇：万州城投集团深化国有企业改革，推进混合所有制改革和三项制度改革，企业活力不断增强。</p>\
         <p>　　这是第{n}篇文章的第二段，记录改革举措与成效。</p></div></body></html>",
        d = n % 3 + 2
    )
}

/// An RSS 2.0 feed of three of the listing's articles.
fn rss() -> String {
    let items: String = (0..3)
        .map(|n| format!(
            "<item><title>万州区国企改革第{n}篇报道</title><link>/wz/zwxx/202603/t2026030{d}_{n}.html</link>\
             <pubDate>Mon, 0{d} Mar 2026 01:30:00 GMT</pubDate><description>摘要{n}</description></item>",
            d = n % 3 + 2
        ))
        .collect();
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel><title>万州</title><link>/</link><description>d</description>{items}</channel></rss>"
    )
}

fn listing_html(page: usize) -> String {
    let per_page = 10;
    let mut items = String::new();
    for n in (page * per_page)..((page + 1) * per_page).min(ARTICLES) {
        items.push_str(&format!(
            "<li class=\"clearfix\"><a class=\"lf\" href=\"./202603/t2026030{d}_{n}.html\">万州区国企改革第{n}篇报道</a><span class=\"rt\">2026-03-0{d}</span></li>",
            d = n % 3 + 2
        ));
    }
    format!(
        "<html><body><ul class=\"right-list\">{items}</ul><script>createPage(4, 0, \"index\", \"html\");</script></body></html>"
    )
}

async fn route(
    State(log): State<Arc<Mutex<Log>>>,
    Path(path): Path<String>,
    headers: HeaderMap,
) -> Response {
    let path = format!("/{path}");
    log.lock()
        .expect("log")
        .hits
        .push((path.clone(), Instant::now()));
    let html =
        |s: String| ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], s).into_response();
    match path.as_str() {
        "/robots.txt" => "User-agent: *\nDisallow: /private/\n".into_response(),
        "/private/secret.html" => html("secret".into()),
        "/flaky" => {
            let calls = {
                let mut l = log.lock().expect("log");
                l.flaky_calls += 1;
                l.flaky_calls
            };
            if calls == 1 {
                (StatusCode::SERVICE_UNAVAILABLE, [(header::RETRY_AFTER, "1")], "busy").into_response()
            } else {
                html("<p>recovered</p>".into())
            }
        }
        "/slow" => {
            tokio::time::sleep(Duration::from_secs(3)).await;
            html("<p>too late</p>".into())
        }
        "/loop-a" => (StatusCode::FOUND, [(header::LOCATION, "/loop-b")]).into_response(),
        "/loop-b" => (StatusCode::FOUND, [(header::LOCATION, "/loop-a")]).into_response(),
        "/moved" => (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, "/entry.html")]).into_response(),
        "/entry.html" => html("<html><head><meta http-equiv=\"refresh\" content=\"0; URL=edition/202603/04/node_01.html\"></head><body></body></html>".into()),
        "/edition/202603/04/node_01.html" => html("<html><body><p>01版：要闻</p></body></html>".into()),
        "/huge" => ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], "万".repeat(1_000_000)).into_response(),
        "/gbk.html" => ([(header::CONTENT_TYPE, "text/html")], gbk_page()).into_response(),
        "/bomb" => ([(header::CONTENT_TYPE, "text/html"), (header::CONTENT_ENCODING, "gzip")], gzip_bomb()).into_response(),
        "/index.html" => {
            if headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) == Some("\"v1\"") {
                StatusCode::NOT_MODIFIED.into_response()
            } else {
                ([(header::CONTENT_TYPE, "text/html; charset=utf-8"), (header::ETAG, "\"v1\"")], "<ul><li>list</li></ul>").into_response()
            }
        }
        "/paced/a" | "/paced/b" | "/paced/c" => html("<p>ok</p>".into()),
        "/feed/rss.xml" => ([(header::CONTENT_TYPE, "application/rss+xml; charset=utf-8")], rss()).into_response(),
        p if p.starts_with("/wz/zwxx/index") => {
            let page = p.trim_start_matches("/wz/zwxx/index").trim_start_matches('_').trim_end_matches(".html");
            let page: usize = if page.is_empty() { 0 } else { page.parse().unwrap_or(99) };
            if page * 10 >= ARTICLES {
                return StatusCode::NOT_FOUND.into_response();
            }
            html(listing_html(page))
        }
        p if p.starts_with("/wz/zwxx/202603/t") => {
            // Slow enough that a crawl can be killed in the middle.
            tokio::time::sleep(Duration::from_millis(60)).await;
            let n: usize = p.rsplit('_').next().and_then(|s| s.trim_end_matches(".html").parse().ok()).unwrap_or(0);
            html(article_html(n))
        }
        _ => (StatusCode::NOT_FOUND, "no such page").into_response(),
    }
}

async fn root(state: State<Arc<Mutex<Log>>>, headers: HeaderMap) -> Response {
    route(state, Path(String::new()), headers).await
}

/// The one server all tests of this binary share (started on first use).
pub fn shared() -> &'static Server {
    static S: std::sync::OnceLock<Server> = std::sync::OnceLock::new();
    S.get_or_init(start)
}

/// Start a server of its own on a thread; it lives as long as the process.
/// Tests that count requests use one of their own.
pub fn start() -> Server {
    let log = Arc::new(Mutex::new(Log::default()));
    let (tx, rx) = std::sync::mpsc::channel();
    let state = log.clone();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async move {
            let app = Router::new()
                .route("/", get(root))
                .route("/{*path}", get(route))
                .with_state(state);
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            tx.send(listener.local_addr().expect("addr"))
                .expect("send addr");
            axum::serve(listener, app).await.expect("serve");
        });
    });
    let addr = rx.recv().expect("server address");
    Server { addr, log }
}
