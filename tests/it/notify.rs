//! Notifications as people receive them: a real SMTP server and robot-like
//! HTTP receivers on 127.0.0.1, the `radar` binary crawling the sample,
//! deciding, flushing and being killed.

use crate::support::{date, new_home, run_crawl, sample_range, sample_warc};
use crate::web_support::{App, add_user, candidates, mine_and_other, radar_init};
use base64::Engine;
use reform_radar::config::Home;
use reform_radar::notify::hmac::hmac_sha256;
use reform_radar::pipeline::CrawlRequest;
use reform_radar::store::Store;
use std::collections::{HashMap, VecDeque};
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

// ---------------------------------------------------------------- SMTP

/// One mail as the SMTP server received it.
#[derive(Debug, Clone)]
struct Mail {
    to: Vec<String>,
    data: String,
}

impl Mail {
    fn header(&self, name: &str) -> String {
        let head = self.data.split("\r\n\r\n").next().unwrap_or("");
        let mut out = String::new();
        let mut on = false;
        for line in head.split("\r\n") {
            if line.starts_with(' ') || line.starts_with('\t') {
                if on {
                    out.push_str(line.trim_start());
                }
                continue;
            }
            on = line
                .to_ascii_lowercase()
                .starts_with(&format!("{}:", name.to_ascii_lowercase()));
            if on {
                out = line[name.len() + 1..].trim().to_string();
            }
        }
        out
    }

    /// The subject, RFC 2047 encoded words decoded.
    fn subject(&self) -> String {
        let raw: String = self.header("Subject").split_whitespace().collect();
        let mut out = String::new();
        for piece in raw.split("?=") {
            let lower = piece.to_ascii_lowercase();
            match lower.find("=?utf-8?b?") {
                Some(at) => {
                    out.push_str(&piece[..at]);
                    let bytes = base64::engine::general_purpose::STANDARD
                        .decode(&piece[at + 10..])
                        .expect("encoded word");
                    out.push_str(&String::from_utf8(bytes).expect("utf-8 subject"));
                }
                None => out.push_str(piece),
            }
        }
        out
    }

    /// The text body (base64 decoded).
    fn body(&self) -> String {
        let body = self.data.splitn(2, "\r\n\r\n").nth(1).unwrap_or("");
        let joined: String = body.split("\r\n").map(str::trim).collect();
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(joined.trim_end_matches('.'))
            .expect("base64 body");
        String::from_utf8(bytes).expect("utf-8 body")
    }
}

/// A minimal SMTP server (EHLO, MAIL, RCPT, DATA, QUIT) on 127.0.0.1.
fn smtp_server() -> (u16, Arc<Mutex<Vec<Mail>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind smtp");
    let port = listener.local_addr().expect("addr").port();
    let mails = Arc::new(Mutex::new(Vec::new()));
    let box_ = mails.clone();
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(conn) = conn else { continue };
            let box_ = box_.clone();
            std::thread::spawn(move || {
                let mut w = conn.try_clone().expect("clone");
                let mut r = BufReader::new(conn);
                let _ = w.write_all(b"220 localhost ESMTP test\r\n");
                let mut to = Vec::new();
                let mut line = String::new();
                loop {
                    line.clear();
                    if r.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let cmd = line.trim_end().to_ascii_uppercase();
                    let reply: &[u8] = if cmd.starts_with("EHLO") {
                        b"250-localhost\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n"
                    } else if cmd.starts_with("HELO")
                        || cmd.starts_with("MAIL")
                        || cmd.starts_with("RSET")
                        || cmd.starts_with("NOOP")
                    {
                        b"250 OK\r\n"
                    } else if cmd.starts_with("RCPT") {
                        let addr = line.trim_end()[8..]
                            .trim()
                            .trim_matches(|c| c == '<' || c == '>')
                            .to_string();
                        to.push(addr);
                        b"250 OK\r\n"
                    } else if cmd == "DATA" {
                        let _ = w.write_all(b"354 go ahead\r\n");
                        let mut data = String::new();
                        loop {
                            let mut l = String::new();
                            if r.read_line(&mut l).unwrap_or(0) == 0 {
                                return;
                            }
                            if l == ".\r\n" {
                                break;
                            }
                            data.push_str(
                                l.strip_prefix('.')
                                    .filter(|_| l.starts_with(".."))
                                    .unwrap_or(&l),
                            );
                        }
                        box_.lock().expect("mails").push(Mail {
                            to: std::mem::take(&mut to),
                            data,
                        });
                        b"250 OK queued\r\n"
                    } else if cmd == "QUIT" {
                        let _ = w.write_all(b"221 bye\r\n");
                        return;
                    } else {
                        b"502 not implemented\r\n"
                    };
                    let _ = w.write_all(reply);
                }
            });
        }
    });
    (port, mails)
}

// ---------------------------------------------------------------- robots

#[derive(Debug, Clone, Copy, PartialEq)]
enum Answer {
    Ok,
    Limited,
    Error500,
    Hang,
}

#[derive(Debug, Clone)]
struct Hit {
    kind: String,
    query: String,
    headers: HashMap<String, String>,
    body: Vec<u8>,
    answer: Answer,
}

impl Hit {
    fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("json body")
    }
}

#[derive(Clone, Default)]
struct Robots {
    hits: Arc<Mutex<Vec<Hit>>>,
    script: Arc<Mutex<HashMap<String, VecDeque<Answer>>>>,
}

/// Receivers that answer like the 企业微信, 钉钉 and 飞书 robot APIs and a
/// generic webhook, at `/wecom`, `/dingtalk`, `/feishu`, `/webhook…`. Each
/// path answers from its script, then `Ok`.
struct RobotServer {
    _rt: tokio::runtime::Runtime,
    base: String,
    robots: Robots,
}

impl RobotServer {
    fn start() -> RobotServer {
        use axum::extract::{Path, RawQuery, State};
        use axum::http::{HeaderMap, StatusCode};
        use axum::response::IntoResponse;
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let robots = Robots::default();
        async fn hit(
            State(r): State<Robots>,
            Path(kind): Path<String>,
            RawQuery(q): RawQuery,
            headers: HeaderMap,
            body: axum::body::Bytes,
        ) -> axum::response::Response {
            let answer = r
                .script
                .lock()
                .expect("script")
                .get_mut(&kind)
                .and_then(VecDeque::pop_front)
                .unwrap_or(Answer::Ok);
            r.hits.lock().expect("hits").push(Hit {
                kind: kind.clone(),
                query: q.unwrap_or_default(),
                headers: headers
                    .iter()
                    .map(|(k, v)| (k.as_str().to_string(), v.to_str().unwrap_or("").to_string()))
                    .collect(),
                body: body.to_vec(),
                answer,
            });
            let robot = kind.trim_end_matches(char::is_numeric);
            let json = |v: serde_json::Value| (StatusCode::OK, axum::Json(v)).into_response();
            match (answer, robot) {
                (Answer::Hang, _) => {
                    tokio::time::sleep(Duration::from_secs(3600)).await;
                    StatusCode::OK.into_response()
                }
                (Answer::Error500, _) => {
                    (StatusCode::INTERNAL_SERVER_ERROR, "boom").into_response()
                }
                (Answer::Limited, "wecom") => {
                    json(serde_json::json!({"errcode": 45009, "errmsg": "api freq out of limit"}))
                }
                (Answer::Limited, "dingtalk") => json(
                    serde_json::json!({"errcode": 130101, "errmsg": "send too fast, exceed 20 times per minute"}),
                ),
                (Answer::Limited, "feishu") => {
                    json(serde_json::json!({"code": 11232, "msg": "frequency limited", "data": {}}))
                }
                (Answer::Limited, _) => StatusCode::TOO_MANY_REQUESTS.into_response(),
                (Answer::Ok, "feishu") => {
                    json(serde_json::json!({"code": 0, "msg": "success", "data": {}}))
                }
                (Answer::Ok, "wecom" | "dingtalk") => {
                    json(serde_json::json!({"errcode": 0, "errmsg": "ok"}))
                }
                (Answer::Ok, _) => json(serde_json::json!({"ok": true})),
            }
        }
        let app = axum::Router::new()
            .route("/{kind}", axum::routing::post(hit))
            .with_state(robots.clone());
        let listener = rt
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        rt.spawn(async move { axum::serve(listener, app).await });
        RobotServer {
            _rt: rt,
            base: format!("http://{addr}"),
            robots,
        }
    }

    fn script(&self, kind: &str, answers: &[Answer]) {
        self.robots
            .script
            .lock()
            .expect("script")
            .insert(kind.to_string(), answers.iter().copied().collect());
    }

    fn hits(&self, kind: &str) -> Vec<Hit> {
        self.robots
            .hits
            .lock()
            .expect("hits")
            .iter()
            .filter(|h| h.kind == kind)
            .cloned()
            .collect()
    }
}

// ---------------------------------------------------------------- helpers

fn write_toml(home: &Home, text: &str) {
    let path = home.root().join("radar.toml");
    let mut all = std::fs::read_to_string(&path).unwrap_or_default();
    all.push('\n');
    all.push_str(text);
    std::fs::write(&path, all).expect("write radar.toml");
}

fn radar_cmd(home: &Home, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_radar"));
    c.arg("--home")
        .arg(home.root())
        .args(args)
        .env_remove("RADAR_HOME")
        .env("RADAR_LOG", "warn")
        .env("NO_COLOR", "1")
        .env("TEST_DING_SECRET", "SECa1b2c3")
        .env("TEST_FEISHU_SECRET", "feishu-secret")
        .env("TEST_HOOK_SECRET", "hook-secret");
    c
}

fn radar_env_ok(home: &Home, args: &[&str]) -> String {
    let out = radar_cmd(home, args).output().expect("run radar");
    assert!(
        out.status.success(),
        "radar {args:?}:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn crawl_args(warc: &std::path::Path) -> Vec<String> {
    vec![
        "crawl".into(),
        "--replay".into(),
        warc.display().to_string(),
        "--from".into(),
        "2026-03-02".into(),
        "--to".into(),
        "2026-03-04".into(),
        "--today".into(),
        "2026-04-01".into(),
    ]
}

/// A home crawled in-process (the events are in its outbox; no channel yet).
fn crawled() -> (tempfile::TempDir, Home) {
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

fn latest_note(home: &Home) -> String {
    Store::open(&home.db_path())
        .expect("store")
        .read(|tx| tx.latest_checkpoint())
        .expect("read")
        .expect("a checkpoint")
        .note
}

fn verify_hex_signature(secret: &str, body: &[u8], header: &str) -> bool {
    header
        == format!(
            "sha256={}",
            hex::encode(hmac_sha256(secret.as_bytes(), body))
        )
}

// ---------------------------------------------------------------- tests

#[test]
fn a_crawl_of_the_sample_mails_the_digest_in_chinese_with_working_links_and_the_wecom_robot_gets_it_after_errors()
 {
    let (dir, home) = new_home();
    radar_init(&home);
    add_user(&home, "reviewer1", "reviewer", None);
    let (port, mails) = smtp_server();
    let robots = RobotServer::start();
    robots.script("wecom", &[Answer::Limited, Answer::Error500]);
    write_toml(
        &home,
        &format!(
            r#"[web]
public_url = "https://radar.example.org"

[[notify]]
kind = "smtp"
url = "smtp://127.0.0.1:{port}"
from = "radar@example.org"
to = ["reviewers@example.org"]
events = ["candidates", "decisions", "submissions", "alarms", "checkpoints"]
enterprises = []

[[notify]]
kind = "wecom"
url = "{robots}/wecom?key=test-key"
events = ["candidates"]
retry_secs = 0.1
"#,
            robots = robots.base
        ),
    );
    radar_env_ok(&home, &["check"]);
    let warc = sample_warc(dir.path());
    let args = crawl_args(&warc);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = radar_env_ok(&home, &args);
    assert!(
        out.contains("notify:"),
        "the crawl reports its deliveries: {out}"
    );

    let all = candidates(&home);
    assert!(!all.is_empty(), "the sample yields candidates");
    let mails = mails.lock().expect("mails").clone();
    let digest = mails
        .iter()
        .find(|m| m.subject().starts_with("新候选证据"))
        .unwrap_or_else(|| {
            panic!(
                "a digest mail among {:?}",
                mails.iter().map(Mail::subject).collect::<Vec<_>>()
            )
        });
    assert_eq!(digest.to, vec!["reviewers@example.org".to_string()]);
    let body = digest.body();
    std::fs::write(dir.path().join("digest.txt"), &body).ok();
    eprintln!("--- mail: {}\n{body}", digest.subject());
    assert!(body.contains("【"), "grouped by enterprise: {body}");
    assert!(body.contains("证据详情："), "{body}");
    // Every link opens a real 证据详情 page of a stored candidate.
    let app = App::start(&home);
    let (cookie, _) = app.login("reviewer1");
    let links: Vec<&str> = body
        .split_whitespace()
        .filter_map(|w| w.strip_prefix("证据详情："))
        .collect();
    assert!(!links.is_empty(), "{body}");
    for link in &links {
        let path = link
            .strip_prefix("https://radar.example.org")
            .expect("the configured public_url");
        let page = app.get(path, Some(&cookie));
        assert_eq!(page.status, reqwest::StatusCode::OK, "{link}");
        let id: i64 = path
            .trim_start_matches("/candidates/")
            .parse()
            .expect("candidate id");
        let c = all.iter().find(|c| c.id == id).expect("a stored candidate");
        assert!(
            body.contains(&c.title),
            "the line names the title {}",
            c.title
        );
        assert!(page.body.contains(&html_escape(&c.title)) || page.body.contains(&c.title));
    }
    // The robot answered 45009, then 500: the digest is retried by flush.
    let flushed = radar_env_ok(&home, &["notify", "flush"]);
    assert!(
        flushed.starts_with("notify flush:") || flushed.contains("notify flush:"),
        "{flushed}"
    );
    let hits = robots.hits("wecom");
    assert!(hits.len() >= 3, "{hits:?}");
    assert_eq!(hits[0].answer, Answer::Limited);
    assert_eq!(hits[1].answer, Answer::Error500);
    assert_eq!(hits[2].answer, Answer::Ok);
    assert_eq!(hits[0].query, "key=test-key");
    let first = hits[0].json();
    assert_eq!(first["msgtype"], "markdown");
    let content = first["markdown"]["content"].as_str().expect("content");
    assert!(content.len() <= 4096);
    assert!(
        content.contains("候选证据")
            && content.contains("[证据详情](https://radar.example.org/candidates/"),
        "{content}"
    );
    assert_eq!(hits[2].json()["msgtype"], "markdown");
    std::fs::write(
        dir.path().join("wecom.json"),
        serde_json::to_string_pretty(&first).unwrap_or_default(),
    )
    .ok();
    eprintln!(
        "--- wecom: {}",
        serde_json::to_string_pretty(&first).unwrap_or_default()
    );
    let status = radar_env_ok(&home, &["notify", "status"]);
    assert!(
        status
            .lines()
            .last()
            .unwrap_or("")
            .starts_with("notify status:"),
        "{status}"
    );
    assert!(status.contains("1 smtp smtp://127.0.0.1"), "{status}");
    assert!(
        !status.contains("test-key"),
        "the robot's key is not shown: {status}"
    );
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[test]
fn robots_get_their_documented_payloads_signed_and_retried_after_a_rate_limit_and_a_500() {
    let (_dir, home) = crawled();
    let robots = RobotServer::start();
    for k in ["wecom", "dingtalk", "feishu", "webhook"] {
        robots.script(k, &[Answer::Limited, Answer::Error500]);
    }
    write_toml(
        &home,
        &format!(
            r#"[web]
public_url = "https://radar.example.org"

[[notify]]
kind = "wecom"
url = "{b}/wecom?key=K"
events = ["checkpoints"]
format = "text"
retry_secs = 0.1

[[notify]]
kind = "dingtalk"
url = "{b}/dingtalk?access_token=T"
events = ["checkpoints"]
secret_env = "TEST_DING_SECRET"
retry_secs = 0.1

[[notify]]
kind = "feishu"
url = "{b}/feishu"
events = ["checkpoints"]
secret_env = "TEST_FEISHU_SECRET"
retry_secs = 0.1

[[notify]]
kind = "webhook"
url = "{b}/webhook"
events = ["checkpoints"]
secret_env = "TEST_HOOK_SECRET"
retry_secs = 0.1
"#,
            b = robots.base
        ),
    );
    radar_env_ok(&home, &["check"]);
    let c = &candidates(&home)[0];
    radar_env_ok(
        &home,
        &[
            "review",
            "confirm",
            &c.id.to_string(),
            "--reviewer",
            "审核员甲",
        ],
    );
    let note = latest_note(&home);
    let out = radar_env_ok(&home, &["notify", "flush"]);
    assert!(out.contains("4 message(s) sent"), "{out}");
    let first_line = note.lines().next().expect("origin line");

    let w = robots.hits("wecom");
    assert_eq!(
        w.iter().map(|h| h.answer).collect::<Vec<_>>(),
        [Answer::Limited, Answer::Error500, Answer::Ok]
    );
    let j = w[2].json();
    assert_eq!(j["msgtype"], "text");
    let text = j["text"]["content"].as_str().expect("text");
    assert!(
        text.contains("台账新签名检查点") && text.contains(first_line),
        "{text}"
    );

    let d = robots.hits("dingtalk");
    assert_eq!(d.len(), 3);
    for h in &d {
        // access_token=T&timestamp=…&sign=…, the sign over "timestamp\nsecret".
        let q: HashMap<String, String> = url::form_urlencoded::parse(h.query.as_bytes())
            .into_owned()
            .collect();
        assert_eq!(q["access_token"], "T");
        let ts = &q["timestamp"];
        let expect = base64::engine::general_purpose::STANDARD.encode(hmac_sha256(
            b"SECa1b2c3",
            format!("{ts}\nSECa1b2c3").as_bytes(),
        ));
        assert_eq!(q["sign"], expect);
        let now = chrono::Utc::now().timestamp_millis();
        assert!((now - ts.parse::<i64>().expect("ms")).abs() < 3_600_000);
    }
    let j = d[2].json();
    assert_eq!(j["msgtype"], "markdown");
    assert!(
        j["markdown"]["title"]
            .as_str()
            .expect("title")
            .contains("检查点")
    );
    assert!(
        j["markdown"]["text"]
            .as_str()
            .expect("text")
            .contains(first_line)
    );

    let f = robots.hits("feishu");
    assert_eq!(f.len(), 3);
    let j = f[2].json();
    assert_eq!(j["msg_type"], "text");
    assert!(
        j["content"]["text"]
            .as_str()
            .expect("text")
            .contains(first_line)
    );
    let ts = j["timestamp"].as_str().expect("timestamp as a string");
    let expect = base64::engine::general_purpose::STANDARD
        .encode(hmac_sha256(format!("{ts}\nfeishu-secret").as_bytes(), b""));
    assert_eq!(j["sign"], expect);

    let h = robots.hits("webhook");
    assert_eq!(h.len(), 3);
    let key = h[0]
        .headers
        .get("idempotency-key")
        .expect("Idempotency-Key")
        .clone();
    for x in &h {
        assert_eq!(
            x.headers.get("idempotency-key"),
            Some(&key),
            "one key across retries"
        );
        let sig = x.headers.get("x-radar-signature").expect("signature");
        assert!(verify_hex_signature("hook-secret", &x.body, sig), "{sig}");
        assert!(!verify_hex_signature("other-secret", &x.body, sig));
    }
    let j = h[2].json();
    assert_eq!(j["event"], "checkpoint");
    assert_eq!(j["idempotency_key"], key.as_str());
    assert!(j["text"].as_str().expect("text").contains(note.trim_end()));
    assert_eq!(j["link"], "https://radar.example.org/ledger");
    // Nothing is sent twice: a second flush sends nothing.
    let again = radar_env_ok(&home, &["notify", "flush"]);
    assert!(again.contains("0 message(s) sent"), "{again}");
    assert_eq!(robots.hits("webhook").len(), 3);
    // `notify test --channel 4` reaches the fourth channel as listed, only it.
    let t = radar_env_ok(&home, &["notify", "test", "--channel", "4"]);
    assert!(
        t.trim_end().ends_with("notify test: 1 sent, 0 failed"),
        "{t}"
    );
    let h = robots.hits("webhook");
    assert_eq!(h.len(), 4);
    assert_eq!(h[3].json()["event"], "test");
    assert!(
        h[3].json()["title"]
            .as_str()
            .expect("title")
            .starts_with("测试消息")
    );
    assert_eq!(robots.hits("wecom").len(), 3);
    let bad = radar_cmd(&home, &["notify", "test", "--channel", "9"])
        .output()
        .expect("run");
    assert!(!bad.status.success());
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("channel 9 does not exist (there are 4)")
    );
}

#[test]
fn an_enterprise_channel_gets_only_its_enterprise_and_its_decision_and_the_checkpoint_channel_the_checkpoint()
 {
    let (_dir, home) = crawled();
    let (mine, other) = mine_and_other(&home);
    let robots = RobotServer::start();
    write_toml(
        &home,
        &format!(
            r#"[[notify]]
kind = "webhook"
url = "{b}/webhook1"
events = ["candidates", "decisions"]
enterprises = ["{mine}"]
secret_env = "TEST_HOOK_SECRET"

[[notify]]
kind = "webhook"
url = "{b}/webhook2"
events = ["checkpoints"]
secret_env = "TEST_HOOK_SECRET"
"#,
            b = robots.base
        ),
    );
    let c = candidates(&home)
        .into_iter()
        .find(|c| c.enterprise == mine)
        .expect("a candidate of mine");
    radar_env_ok(
        &home,
        &[
            "review",
            "confirm",
            &c.id.to_string(),
            "--reviewer",
            "审核员甲",
        ],
    );
    radar_env_ok(
        &home,
        &[
            "review",
            "reject",
            &other.id.to_string(),
            "--reviewer",
            "审核员甲",
            "--reason",
            "list-mention",
        ],
    );
    radar_env_ok(&home, &["notify", "flush"]);
    let scoped = robots.hits("webhook1");
    assert!(!scoped.is_empty());
    for h in &scoped {
        let j = h.json();
        assert_eq!(j["enterprises"], serde_json::json!([mine]), "{j}");
        assert!(
            !j["text"]
                .as_str()
                .unwrap_or("")
                .contains(&format!("/candidates/{}", other.id))
        );
    }
    let decision = scoped
        .iter()
        .map(Hit::json)
        .find(|j| j["event"] == "decision")
        .expect("the decision reached the enterprise's channel");
    assert!(
        decision["text"].as_str().expect("text").contains("已确认"),
        "{decision}"
    );
    assert!(
        decision["text"]
            .as_str()
            .expect("text")
            .contains(&format!("/candidates/{}", c.id))
    );
    let cp = robots.hits("webhook2");
    assert_eq!(cp.len(), 1, "one checkpoint, on the checkpoint channel");
    let note = latest_note(&home);
    assert!(
        cp[0].json()["text"]
            .as_str()
            .expect("text")
            .contains(note.trim_end())
    );
}

#[test]
fn a_process_killed_between_writing_and_delivering_delivers_exactly_once_after_restart() {
    let (dir, home) = new_home();
    radar_init(&home);
    let robots = RobotServer::start();
    // The first delivery never gets an answer: the process is killed in it.
    robots.script("webhook", &[Answer::Hang]);
    write_toml(
        &home,
        &format!(
            r#"[[notify]]
kind = "webhook"
url = "{b}/webhook"
events = ["candidates"]
secret_env = "TEST_HOOK_SECRET"
"#,
            b = robots.base
        ),
    );
    let warc = sample_warc(dir.path());
    let args = crawl_args(&warc);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut child = radar_cmd(&home, &args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn crawl");
    let start = Instant::now();
    while robots.hits("webhook").is_empty() {
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "no delivery started"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    child.kill().expect("SIGKILL");
    let _ = child.wait();
    let hung = robots.hits("webhook")[0].headers["idempotency-key"].clone();
    let before = Store::open(&home.db_path()).expect("store");
    let pending: u64 = before
        .outbox_stats(&reform_radar::notify::channel_key(
            &reform_radar::config::check_home(&home)
                .expect("home")
                .settings
                .notify[0],
        ))
        .expect("stats")
        .pending;
    assert!(pending > 0, "the events survived the kill in the outbox");
    drop(before);
    let out = radar_env_ok(&home, &["notify", "flush"]);
    assert!(out.contains("0 still pending"), "{out}");
    let hits = robots.hits("webhook");
    let mut answered: HashMap<String, u32> = HashMap::new();
    for h in hits.iter().filter(|h| h.answer == Answer::Ok) {
        *answered
            .entry(h.headers["idempotency-key"].clone())
            .or_default() += 1;
    }
    assert!(
        answered.values().all(|n| *n == 1),
        "each message accepted once: {answered:?}"
    );
    assert_eq!(
        answered.get(&hung),
        Some(&1),
        "the interrupted message is delivered once after restart"
    );
    let again = radar_env_ok(&home, &["notify", "flush"]);
    assert!(again.contains("0 message(s) sent"), "{again}");
}

#[test]
fn radar_check_names_bad_notify_fields_with_their_lines() {
    let (_dir, home) = new_home();
    radar_init(&home);
    write_toml(
        &home,
        r#"[[notify]]
kind = "pager"
url = "smtp://user:secret@127.0.0.1:25"
events = ["candidates", "gossip"]
"#,
    );
    let out = radar_cmd(&home, &["check"]).output().expect("check");
    assert!(!out.status.success());
    let err =
        String::from_utf8_lossy(&out.stderr).into_owned() + &String::from_utf8_lossy(&out.stdout);
    assert!(
        err.contains("radar.toml:") && err.contains("notify[0].kind"),
        "{err}"
    );
    assert!(
        err.contains("notify[0].url: credentials must not be in radar.toml"),
        "{err}"
    );
    assert!(err.contains("notify[0].events: `gossip`"), "{err}");
}
