//! What the web tests share: a crawled home, users made with `radar users`,
//! and a server on 127.0.0.1 with a client that follows no redirects.

use crate::support::{date, new_home, radar_ok, run_crawl, sample_range, sample_warc};
use reform_radar::config::Home;
use reform_radar::pipeline::CrawlRequest;
use reform_radar::store::{CandidateFilter, CandidateRow, CandidateStatus, Store};
use reform_radar::web::Server;
use reqwest::StatusCode;
use reqwest::header::{self, HeaderMap};
use std::process::{Command, Stdio};

pub(crate) const PASSWORD: &str = "审核密码-2026-ok";

pub(crate) fn radar_init(home: &Home) {
    radar_ok(home, &["init"]);
}

pub(crate) fn crawled_home() -> (tempfile::TempDir, Home) {
    let (dir, home) = new_home();
    radar_init(&home);
    let req = CrawlRequest {
        range: Some(sample_range()),
        replay: vec![sample_warc(dir.path())],
        today: Some(date("2026-04-01")),
        ..Default::default()
    };
    run_crawl(&home, &req);
    (dir, home)
}

/// `radar users add` with the password on stdin, as an operator runs it.
pub(crate) fn add_user(home: &Home, name: &str, role: &str, enterprise: Option<&str>) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_radar"));
    cmd.arg("--home")
        .arg(home.root())
        .args(["users", "add", name, "--role", role, "--password-stdin"])
        .env_remove("RADAR_HOME")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(e) = enterprise {
        cmd.args(["--enterprise", e]);
    }
    let mut child = cmd.spawn().expect("spawn");
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().expect("stdin");
        writeln!(stdin, "{PASSWORD}").expect("write password");
    }
    let out = child.wait_with_output().expect("users add");
    assert!(
        out.status.success(),
        "users add {name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

pub(crate) fn token(home: &Home, name: &str) -> String {
    radar_ok(home, &["users", "token", name]).trim().to_string()
}

pub(crate) fn candidates(home: &Home) -> Vec<CandidateRow> {
    Store::open(&home.db_path())
        .expect("store")
        .candidates(&CandidateFilter::default())
        .expect("candidates")
}

/// A server on a free port of 127.0.0.1, and a client that follows no redirects.
pub(crate) struct App {
    pub(crate) rt: tokio::runtime::Runtime,
    pub(crate) base: String,
    pub(crate) client: reqwest::Client,
}

pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: String,
}

impl App {
    pub(crate) fn start(home: &Home) -> App {
        App::start_with(home, None)
    }

    /// With the queue a scheduler would take 立即运行 requests from.
    pub(crate) fn start_with(home: &Home, queue: Option<reform_radar::web::RunQueue>) -> App {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let server = rt
            .block_on(Server::bind_with(home, "127.0.0.1:0", queue))
            .expect("bind");
        let addr = server.local_addr().expect("addr");
        rt.spawn(server.run(std::future::pending()));
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        App {
            rt,
            base: format!("http://{addr}"),
            client,
        }
    }

    pub(crate) fn send(&self, req: reqwest::RequestBuilder) -> Reply {
        self.rt.block_on(async {
            let res = req.send().await.expect("request");
            let status = res.status();
            let headers = res.headers().clone();
            let body = res.text().await.unwrap_or_default();
            Reply {
                status,
                headers,
                body,
            }
        })
    }

    pub(crate) fn get(&self, path: &str, cookie: Option<&str>) -> Reply {
        let mut req = self.client.get(format!("{}{path}", self.base));
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        self.send(req)
    }

    pub(crate) fn post(
        &self,
        path: &str,
        headers: &[(&str, &str)],
        content_type: &str,
        body: &str,
    ) -> Reply {
        let mut req = self
            .client
            .post(format!("{}{path}", self.base))
            .header(header::CONTENT_TYPE, content_type)
            .body(body.to_string());
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        self.send(req)
    }

    pub(crate) fn form(&self, path: &str, cookie: &str, pairs: &[(&str, &str)]) -> Reply {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        self.post(
            path,
            &[("cookie", cookie)],
            "application/x-www-form-urlencoded",
            &body,
        )
    }

    pub(crate) fn try_login(&self, name: &str, password: &str) -> Reply {
        let page = self.get("/login", None);
        assert_eq!(page.status, StatusCode::OK);
        let login_cookie = set_cookie(&page.headers, "radar_login").expect("login cookie");
        let csrf = csrf_of(&page.body);
        self.form(
            "/login",
            &format!("radar_login={login_cookie}"),
            &[("name", name), ("password", password), ("csrf", &csrf)],
        )
    }

    /// Log in; the session cookie header and the session's CSRF token.
    pub(crate) fn login(&self, name: &str) -> (String, String) {
        let r = self.try_login(name, PASSWORD);
        assert_eq!(r.status, StatusCode::SEE_OTHER, "login {name}: {}", r.body);
        let cookie_header = r
            .headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("radar_session="))
            .expect("session cookie")
            .to_string();
        assert!(cookie_header.contains("HttpOnly"), "{cookie_header}");
        assert!(cookie_header.contains("SameSite=Strict"), "{cookie_header}");
        assert!(cookie_header.contains("Path=/"), "{cookie_header}");
        let cookie = format!(
            "radar_session={}",
            set_cookie(&r.headers, "radar_session").expect("session")
        );
        let page = self.get("/candidates", Some(&cookie));
        assert_eq!(page.status, StatusCode::OK);
        let csrf = csrf_of(&page.body);
        (cookie, csrf)
    }
}

pub(crate) fn set_cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

pub(crate) fn csrf_of(html: &str) -> String {
    let re = regex::Regex::new(r#"name="csrf" value="([0-9a-f]+)""#).expect("regex");
    re.captures(html)
        .map(|c| c[1].to_string())
        .expect("a csrf field on the page")
}

pub(crate) fn json(r: &Reply) -> serde_json::Value {
    serde_json::from_str(&r.body).unwrap_or_else(|e| panic!("JSON ({e}): {}", r.body))
}

/// Turns a pending candidate's article hostile: `<script>`, `onerror=` and
/// `javascript:` in its title, body and address; matched again, so that it
/// stays a candidate and the index carries the payload too.
pub(crate) fn inject_hostile_article(home: &Home) -> CandidateRow {
    let c = candidates(home)
        .into_iter()
        .find(|c| c.status == CandidateStatus::Pending)
        .expect("a pending candidate");
    let title = r#"<script>alert('t')</script><img src=x onerror=alert(1)>"#;
    let body = "注入测试报道。<script>alert(2)</script>\n<img src=x onerror=alert(3)> \
                <a href=\"javascript:alert(4)\">点此</a> 注入测试报道。";
    {
        let conn = rusqlite::Connection::open(home.db_path()).expect("db");
        // The original text stays, so that matching keeps the candidate.
        let n = conn
            .execute(
                "UPDATE articles SET title = ?1, body = ?2 || char(10) || body, \
                 url = 'javascript:alert(5)', seq = (SELECT MAX(seq) + 1 FROM articles) WHERE id = ?3",
                rusqlite::params![title, body, c.article_id],
            )
            .expect("update");
        assert_eq!(n, 1);
    }
    // Matching sees the changed article, and the index follows matching.
    radar_ok(home, &["match"]);
    c
}

/// The names in a ZIP archive (an XLSX, a DOCX, a bundle).
pub(crate) fn zip_names(bytes: &[u8]) -> Vec<String> {
    let zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip file");
    zip.file_names()
        .map(|n| n.expect("a file name").into_owned())
        .collect()
}

/// An enterprise with candidates, and a candidate of another enterprise
/// (neither named nor counted for the first).
pub(crate) fn mine_and_other(home: &Home) -> (String, CandidateRow) {
    let all = candidates(home);
    let mine = all[0].enterprise.clone();
    let other = all
        .iter()
        .find(|c| c.enterprise != mine && c.named_enterprise != mine)
        .expect("a candidate of another enterprise")
        .clone();
    (mine, other)
}
