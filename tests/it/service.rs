//! Running it as a service: `/healthz` and `/metrics` on a real server,
//! JSON log lines that parse and no ANSI codes in a file, and a first
//! deployment that cannot go wrong quietly (`init` says what comes next,
//! `check` warns on the example registry, the demo refuses a busy port
//! before crawling and its help lists nothing it ignores).

use crate::support::{new_home, radar, radar_ok as ok};
use crate::web_support::{App, crawled_home};
use reform_radar::config::Home;
use reqwest::StatusCode;
use std::process::Command;

fn set_token(home: &Home, token: &str) {
    let path = home.settings_path();
    let toml = std::fs::read_to_string(&path).expect("radar.toml");
    let toml = toml.replace("token = \"\"", &format!("token = \"{token}\""));
    assert!(toml.contains(token));
    std::fs::write(&path, toml).expect("write");
}

#[test]
fn healthz_says_which_part_is_alive_without_a_login() {
    let (_dir, home) = crawled_home();
    // No scheduler in this process (as the demo): not required.
    let app = App::start(&home);
    let r = app.get("/healthz", None);
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v: serde_json::Value = serde_json::from_str(&r.body).expect("json");
    assert_eq!(v["status"], "ok");
    assert_eq!(v["store"], "ok");
    assert_eq!(v["index"], "ok");
    assert_eq!(v["scheduler"], "none");
    // Nothing but the parts' states.
    assert_eq!(v.as_object().expect("object").len(), 4, "{v}");
    // A scheduler loop that never went round is not alive: 503.
    let queue = reform_radar::web::RunQueue::default();
    let app = App::start_with(&home, Some(queue.clone()));
    let r = app.get("/healthz", None);
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{}", r.body);
    assert!(r.body.contains("\"scheduler\":\"failing\""), "{}", r.body);
    queue.beat(false);
    assert_eq!(app.get("/healthz", None).status, StatusCode::OK);
    // A damaged index: 503.
    std::fs::write(home.index_dir().join("meta.json"), "{ not json").expect("damage");
    let fresh = App::start_with(&home, Some(queue.clone()));
    queue.beat(false);
    let r = fresh.get("/healthz", None);
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{}", r.body);
    assert!(r.body.contains("\"index\":\"failing\""), "{}", r.body);
}

#[test]
fn metrics_need_their_token_and_count_what_an_operator_watches() {
    let (_dir, home) = crawled_home();
    // No token configured: refused whoever asks.
    let app = App::start(&home);
    let r = app.get("/metrics", None);
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    set_token(&home, "s3cret-metrics-token");
    let app = App::start(&home);
    assert_eq!(app.get("/metrics", None).status, StatusCode::UNAUTHORIZED);
    let wrong = app.send(
        app.client
            .get(format!("{}/metrics", app.base))
            .bearer_auth("not-the-token"),
    );
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    let r = app.send(
        app.client
            .get(format!("{}/metrics", app.base))
            .bearer_auth("s3cret-metrics-token"),
    );
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(
        r.headers["content-type"]
            .to_str()
            .expect("ascii")
            .starts_with("text/plain; version=0.0.4")
    );
    let text = r.body;
    let pending = candidates_with(&home, "pending");
    for want in [
        "# TYPE radar_source_fetches_total counter".to_string(),
        "radar_runs{status=\"".to_string(),
        format!("radar_candidates{{status=\"pending\"}} {pending}"),
        "radar_ledger_entries 0".to_string(),
        "radar_source_challenge_pages_total{source=\"people-daily\"} 0".to_string(),
        "radar_queue_pending{source=".to_string(),
        "radar_run_now_queue 0".to_string(),
    ] {
        assert!(text.contains(&want), "missing {want} in\n{text}");
    }
    // Every sample line is `name{labels} number`.
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let value = line.rsplit(' ').next().expect("value");
        assert!(value.parse::<f64>().is_ok(), "{line}");
    }
    // After a confirmation: the ledger and the checkpoint's age show.
    let id = crate::web_support::candidates(&home)[0].id.to_string();
    ok(&home, &["review", "confirm", &id, "--reviewer", "张三"]);
    let r = app.send(
        app.client
            .get(format!("{}/metrics", app.base))
            .bearer_auth("s3cret-metrics-token"),
    );
    assert!(r.body.contains("radar_ledger_entries 1"), "{}", r.body);
    assert!(
        r.body.contains("radar_last_checkpoint_age_seconds "),
        "{}",
        r.body
    );
}

fn candidates_with(home: &Home, status: &str) -> usize {
    crate::web_support::candidates(home)
        .iter()
        .filter(|c| c.status.as_str() == status)
        .count()
}

#[test]
fn the_loopback_metrics_listener_needs_no_token_and_refuses_other_addresses() {
    let (_dir, home) = crawled_home();
    let rt = tokio::runtime::Runtime::new().expect("rt");
    rt.block_on(async {
        let server = reform_radar::web::Server::bind(&home, "127.0.0.1:0")
            .await
            .expect("bind");
        let err = server
            .metrics_listener("0.0.0.0:0")
            .await
            .err()
            .expect("not loopback");
        assert!(err.to_string().contains("not a loopback address"), "{err}");
        let local = server.metrics_listener("127.0.0.1:0").await.expect("local");
        let addr = local.local_addr().expect("addr");
        tokio::spawn(local.run(std::future::pending()));
        let r = reqwest::get(format!("http://{addr}/metrics"))
            .await
            .expect("get");
        assert_eq!(r.status(), StatusCode::OK);
        assert!(r.text().await.expect("body").contains("radar_articles "));
    });
}

#[test]
fn logs_are_json_lines_on_request_and_never_ansi_in_a_file() {
    let (_dir, home) = crawled_home();
    let run = |format: Option<&str>| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_radar"));
        cmd.arg("--home")
            .arg(home.root())
            .args(["search", "国企改革"])
            .env_remove("RADAR_HOME")
            .env_remove("NO_COLOR")
            .env("RADAR_LOG", "debug");
        if let Some(f) = format {
            cmd.env("RADAR_LOG_FORMAT", f);
        }
        let o = cmd.output().expect("radar");
        assert!(o.status.success());
        String::from_utf8_lossy(&o.stderr).into_owned()
    };
    let json = run(Some("json"));
    let lines: Vec<&str> = json.lines().filter(|l| !l.trim().is_empty()).collect();
    assert!(!lines.is_empty(), "no log lines at debug");
    for l in &lines {
        let v: serde_json::Value =
            serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}"));
        assert!(v["level"].is_string(), "{l}");
        assert!(v["timestamp"].is_string(), "{l}");
        assert!(v["target"].is_string(), "{l}");
    }
    let text = run(None);
    assert!(!text.is_empty());
    assert!(
        !text.contains('\x1b'),
        "ANSI codes in piped stderr: {text:?}"
    );
}

#[test]
fn init_says_what_comes_next_and_check_warns_on_the_example_registry() {
    let dir = tempfile::tempdir().expect("tmp");
    let home = Home::new(dir.path().join("home"));
    let said = ok(&home, &["init"]);
    let h = home.root().display().to_string();
    for next in [
        format!("radar enterprises import LIST.xlsx --replace --home {h}"),
        format!("radar check --home {h}"),
        format!("radar users add NAME --role admin --home {h}"),
        format!("radar serve --listen 127.0.0.1:8080 --home {h}"),
    ] {
        assert!(said.contains(&next), "missing `{next}` in\n{said}");
    }
    assert!(
        said.lines()
            .last()
            .expect("summary")
            .starts_with("initialised ")
    );
    let check = ok(&home, &["check"]);
    assert!(check.contains("warning: "), "{check}");
    assert!(check.contains("shipped EXAMPLE"), "{check}");
    assert!(check.contains("radar enterprises import"), "{check}");
    assert!(
        check
            .lines()
            .last()
            .expect("summary")
            .starts_with("ok with 1 warning"),
        "{check}"
    );
    // The commission's own list: no warning.
    let csv = dir.path().join("list.csv");
    std::fs::write(
        &csv,
        "编号,企业名称,简称\n1001,重庆市万州区某某投资集团有限公司,某某投资\n",
    )
    .expect("csv");
    ok(
        &home,
        &[
            "enterprises",
            "import",
            csv.to_str().expect("utf-8"),
            "--replace",
        ],
    );
    let check = ok(&home, &["check"]);
    assert!(!check.contains("warning"), "{check}");
    assert!(check.starts_with("ok: "), "{check}");
}

#[test]
fn the_demo_refuses_a_busy_port_before_crawling_and_hides_what_it_ignores() {
    let dir = tempfile::tempdir().expect("tmp");
    let busy = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = busy.local_addr().expect("addr").to_string();
    let demo = dir.path().join("demo");
    let started = std::time::Instant::now();
    let o = Command::new(env!("CARGO_BIN_EXE_radar"))
        .args([
            "demo",
            "--dir",
            demo.to_str().expect("utf-8"),
            "--listen",
            &addr,
        ])
        .env_remove("RADAR_HOME")
        .output()
        .expect("demo");
    assert!(!o.status.success());
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains(&format!("cannot serve the demo on {addr}")),
        "{err}"
    );
    assert!(err.contains("--listen 127.0.0.1:8081"), "{err}");
    assert_eq!(err.matches("in use").count(), 1, "the cause once: {err}");
    assert!(
        String::from_utf8_lossy(&o.stdout).is_empty(),
        "nothing crawled or printed first"
    );
    assert!(!demo.join("radar.sqlite").exists());
    let help = Command::new(env!("CARGO_BIN_EXE_radar"))
        .args(["demo", "--help"])
        .output()
        .expect("help");
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(help.contains("--listen"), "{help}");
    assert!(
        !help.lines().any(|l| l.trim_start().starts_with("--home")),
        "{help}"
    );
    // Other commands still document --home.
    let help = Command::new(env!("CARGO_BIN_EXE_radar"))
        .args(["check", "--help"])
        .output()
        .expect("help");
    assert!(String::from_utf8_lossy(&help.stdout).contains("--home"));
}

#[test]
fn serve_on_a_busy_port_says_so_with_a_hint() {
    let (_dir, home) = new_home();
    let busy = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = busy.local_addr().expect("addr").to_string();
    let o = radar(&home, &["serve", "--listen", &addr]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains(&format!("cannot listen on {addr}")), "{err}");
    assert!(
        err.contains("choose another address with --listen"),
        "{err}"
    );
}
