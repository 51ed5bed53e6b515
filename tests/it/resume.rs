//! Killing a crawl: SIGKILL at any point, then the same command again,
//! finishes with no article lost and none duplicated; SIGINT finishes the
//! requests in flight and exits cleanly.

use crate::server::{self, ARTICLES, Server};
use reform_radar::config::Home;
use reform_radar::store::Store;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn server() -> &'static Server {
    server::shared()
}

/// A home whose only source is a TRS-style listing on the shared local server.
fn home() -> (tempfile::TempDir, Home) {
    home_on(server())
}

/// The same, on a given server.
fn home_on(server: &Server) -> (tempfile::TempDir, Home) {
    let dir = tempfile::tempdir().expect("tmp");
    let home = Home::new(dir.path().join("home"));
    home.init().expect("init");
    let def = format!(
        r#"id = "wz-local"
name = "万州区人民政府 (test)"
outlet = "万州区人民政府"
item = "lead"
kind = "listing"
pace_secs = 0.0
schedule = "0 0 0 1 1 *"

[listing]
start = ["{start}"]
page_url = "index_{{n}}.html"
page_base = 1
page_count = 'createPage\((\d+)'
max_pages = 10
items = "ul.right-list li"
link = "a.lf"
date = "span.rt"
link_pattern = 't\d{{8}}_\d+\.html$'

[fields]
title = "div.zwxl-title p.tit"
date = "meta[name=PubDate]"
body = "div.trs_paper_default"
"#,
        start = server.url("/wz/zwxx/index.html")
    );
    std::fs::write(home.sources_dir().join("wz-local.toml"), def).expect("write source");
    (dir, home)
}

fn spawn(home: &Home) -> Child {
    Command::new(env!("CARGO_BIN_EXE_radar"))
        .args(["crawl", "--source", "wz-local", "--home"])
        .arg(home.root())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn radar")
}

fn article_count(home: &Home) -> u64 {
    Store::open(&home.db_path())
        .and_then(|s| s.article_count())
        .unwrap_or(0)
}

fn wait_for_articles(home: &Home, n: u64) {
    let start = Instant::now();
    while article_count(home) < n {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "crawl made no progress"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn assert_complete(home: &Home) {
    let store = Store::open(&home.db_path()).expect("store");
    let rows = store.articles(&[]).expect("articles");
    assert_eq!(rows.len(), ARTICLES, "every article exactly once");
    let mut titles: Vec<_> = rows.iter().map(|r| r.article.title.clone()).collect();
    titles.sort();
    titles.dedup();
    assert_eq!(
        titles.len(),
        ARTICLES,
        "no article stored twice under two ids"
    );
    assert!(rows.iter().all(|r| r.article.body.contains("万州城投集团")));
    assert!(
        store
            .pending_tasks(&["wz-local".into()], 10)
            .expect("pending")
            .is_empty()
    );
}

#[test]
fn sigkill_mid_crawl_then_the_same_command_finishes_exactly() {
    let (_dir, home) = home();
    let mut child = spawn(&home);
    wait_for_articles(&home, 8);
    child.kill().expect("SIGKILL");
    child.wait().expect("reaped");
    let before = article_count(&home);
    assert!(
        before < ARTICLES as u64,
        "killed mid-crawl ({before} stored)"
    );
    let out = spawn(&home).wait_with_output().expect("second run");
    assert!(out.status.success());
    let line = String::from_utf8_lossy(&out.stdout);
    assert!(
        line.contains(&format!("new articles {}", ARTICLES as u64 - before)),
        "{line}"
    );
    assert_complete(&home);
}

/// A signal finishes the requests in flight, commits them and stops; the
/// exit status (130) says the run was interrupted, and the same command
/// finishes the job.
fn signal_stops_cleanly_and_says_so(signal: i32) {
    let (_dir, home) = home();
    let child = spawn(&home);
    wait_for_articles(&home, 4);
    let pid = i32::try_from(child.id()).expect("pid");
    // SAFETY: signalling our own child, which has not been reaped yet.
    let rc = unsafe { libc::kill(pid, signal) };
    assert_eq!(rc, 0, "signal sent");
    let out = child.wait_with_output().expect("exit");
    assert_eq!(out.status.code(), Some(130), "interrupted, not success");
    let line = String::from_utf8_lossy(&out.stdout);
    assert!(line.contains("interrupted"), "{line}");
    assert!(article_count(&home) < ARTICLES as u64);
    let again = spawn(&home).wait_with_output().expect("second run");
    assert!(again.status.success());
    assert_complete(&home);
}

#[test]
fn sigint_finishes_in_flight_requests_and_exits_as_interrupted() {
    signal_stops_cleanly_and_says_so(libc::SIGINT);
}

#[test]
fn sigterm_finishes_in_flight_requests_and_exits_as_interrupted() {
    signal_stops_cleanly_and_says_so(libc::SIGTERM);
}

#[test]
fn serve_once_runs_what_is_due_then_nothing_until_the_next_slot() {
    let (_dir, home) = home();
    // Only the local source: the shipped ones would reach the internet.
    for entry in std::fs::read_dir(home.sources_dir()).expect("sources") {
        let path = entry.expect("entry").path();
        if path.file_stem().is_some_and(|s| s != "wz-local") {
            std::fs::remove_file(path).expect("remove");
        }
    }
    let serve = || {
        Command::new(env!("CARGO_BIN_EXE_radar"))
            .args(["serve", "--once", "--home"])
            .arg(home.root())
            .output()
            .expect("serve")
    };
    let first = serve();
    assert!(first.status.success());
    let out = String::from_utf8_lossy(&first.stdout);
    assert!(
        out.contains("wz-local: fetched")
            && out.contains(&format!("serve: 1 run(s), {ARTICLES} new articles")),
        "{out}"
    );
    // The yearly slot (1 January) passed before this run: nothing is due now.
    let second = serve();
    let out = String::from_utf8_lossy(&second.stdout);
    assert!(out.contains("serve: 0 run(s), 0 new articles"), "{out}");
    assert_complete(&home);
}

#[test]
fn robots_txt_is_fetched_once_a_day_not_every_run() {
    let own = server::start();
    let (_dir, home) = home_on(&own);
    let run = || spawn(&home).wait_with_output().expect("run");
    assert!(run().status.success());
    assert_eq!(own.hits("/robots.txt").len(), 1);
    assert!(run().status.success());
    assert_eq!(
        own.hits("/robots.txt").len(),
        1,
        "the archived answer of the last day is reused"
    );
    assert_complete(&home);
}
