//! A programmable imitation site on a loopback address of the test's
//! choosing (127.0.0.x): TRS-style listing and article pages like
//! www.wz.gov.cn's, and any path answered as the test says (robots.txt that
//! fails or redirects, empty bodies, PDFs), with every request logged.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use reform_radar::config::Home;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// One canned answer.
#[derive(Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn html(body: impl Into<String>) -> Reply {
        Reply {
            status: 200,
            headers: vec![("content-type", "text/html; charset=utf-8".into())],
            body: body.into().into_bytes(),
        }
    }
    pub fn status(status: u16) -> Reply {
        Reply {
            status,
            headers: vec![("content-type", "text/plain".into())],
            body: format!("status {status}").into_bytes(),
        }
    }
    pub fn with(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Reply {
        Reply {
            status,
            headers: vec![("content-type", content_type.into())],
            body: body.into(),
        }
    }
    pub fn redirect(to: &str) -> Reply {
        Reply {
            status: 301,
            headers: vec![("location", to.into())],
            body: vec![],
        }
    }
}

#[derive(Default)]
struct Inner {
    routes: HashMap<String, Reply>,
    hits: Vec<(String, Instant)>,
}

#[derive(Clone)]
pub struct Site {
    pub addr: SocketAddr,
    inner: Arc<Mutex<Inner>>,
}

impl Site {
    /// A site on `ip` (any 127.0.0.x works on Linux), on a free port.
    pub fn start(ip: &str) -> Site {
        let inner = Arc::new(Mutex::new(Inner::default()));
        let listener =
            std::net::TcpListener::bind(format!("{ip}:0")).expect("bind a loopback address");
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
        Site { addr, inner }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    pub fn set(&self, path: &str, reply: Reply) {
        self.inner
            .lock()
            .expect("site")
            .routes
            .insert(path.to_string(), reply);
    }

    /// Arrival times of the requests for `path`.
    pub fn hits(&self, path: &str) -> Vec<Instant> {
        self.inner
            .lock()
            .expect("site")
            .hits
            .iter()
            .filter(|(p, _)| p == path)
            .map(|(_, t)| *t)
            .collect()
    }

    /// Arrival times of every request.
    pub fn all_hits(&self) -> Vec<Instant> {
        let inner = self.inner.lock().expect("site");
        inner.hits.iter().map(|(_, t)| *t).collect()
    }

    /// A listing page at `/list/index.html` linking to `n` article pages
    /// (`/list/202603/t20260303_{k}.html`), each served with `article(k)`.
    pub fn listing(&self, n: usize, article: impl Fn(usize) -> Reply) {
        let mut items = String::new();
        for k in 0..n {
            items.push_str(&format!(
                "<li class=\"clearfix\"><a class=\"lf\" href=\"./202603/t20260303_{k}.html\">万州区国企改革第{k}篇报道</a><span class=\"rt\">2026-03-03</span></li>"
            ));
            self.set(&format!("/list/202603/t20260303_{k}.html"), article(k));
        }
        self.set(
            "/list/index.html",
            Reply::html(format!(
                "<html><body><ul class=\"right-list\">{items}</ul></body></html>"
            )),
        );
    }
}

/// A TRS article page like www.wz.gov.cn's, with `filler` bytes of script
/// (which the extractor drops but the archive keeps).
pub fn article(k: usize, filler: &str) -> Reply {
    Reply::html(format!(
        "<html><head><meta name=\"PubDate\" content=\"2026-03-03 09:30\"><title>t</title>\
         <script>var pad = \"{filler}\";</script></head><body>\
         <div class=\"zwxl-title\"><p class=\"tit\">万州区国企改革第{k}篇报道</p></div>\
         <div class=\"view TRS_UEDITOR trs_paper_default\"><p>　　第{k}篇：万州三峡水务集团深化国有企业改革，推进混合所有制改革，企业活力不断增强。</p>\
         <p>　　这是第{k}篇文章的第二段，记录改革举措与成效。</p></div></body></html>"
    ))
}

/// A listing source over a site's `/list/index.html`, at `pace` seconds.
pub fn add_source(home: &Home, id: &str, site: &Site, pace: f64) {
    let def = format!(
        r#"id = "{id}"
name = "万州区人民政府 (test {id})"
outlet = "万州区人民政府"
item = "lead"
kind = "listing"
pace_secs = {pace:?}
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
        start = site.url("/list/index.html")
    );
    std::fs::write(home.sources_dir().join(format!("{id}.toml")), def).expect("write source");
}

async fn answer(State(inner): State<Arc<Mutex<Inner>>>, Path(path): Path<String>) -> Response {
    let path = format!("/{path}");
    let reply = {
        let mut inner = inner.lock().expect("site");
        inner.hits.push((path.clone(), Instant::now()));
        inner.routes.get(&path).cloned()
    };
    let Some(reply) = reply else {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    };
    let mut resp = (
        StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        reply.body,
    )
        .into_response();
    for (k, v) in reply.headers {
        if let Ok(v) = HeaderValue::from_str(&v) {
            resp.headers_mut().insert(HeaderName::from_static(k), v);
        }
    }
    resp
}
