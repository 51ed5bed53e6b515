//! The command line as an operator uses it: the demo, `articles --json`
//! fields, `sources`, and `extract` over several files.

use crate::support::repo;
use std::process::Command;

fn radar(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_radar"))
        .args(args)
        .env_remove("RADAR_HOME")
        .output()
        .expect("run radar")
}

#[test]
fn demo_writes_only_its_own_folder_then_articles_json_has_the_contract_fields() {
    let dir = tempfile::tempdir().expect("tmp");
    // A production home named by RADAR_HOME must stay untouched.
    let production = dir.path().join("production");
    let cwd = dir.path().join("work");
    std::fs::create_dir_all(&cwd).expect("mkdir");
    let demo = Command::new(env!("CARGO_BIN_EXE_radar"))
        .args(["demo", "--no-serve"])
        .env("RADAR_HOME", &production)
        .current_dir(&cwd)
        .output()
        .expect("run radar demo");
    let out = String::from_utf8_lossy(&demo.stdout);
    assert!(
        demo.status.success(),
        "{out}{}",
        String::from_utf8_lossy(&demo.stderr)
    );
    assert!(
        !production.exists(),
        "the demo wrote into RADAR_HOME: {:?}",
        std::fs::read_dir(&production).map(|d| d.count())
    );
    assert!(
        out.lines().next().is_some_and(
            |l| l.contains("ignoring") && l.contains(production.to_str().expect("path"))
        ),
        "one line says the home is ignored: {out}"
    );
    let demo_home = cwd.join("radar-demo");
    assert!(demo_home.join("radar.sqlite").is_file());
    assert!(
        std::fs::read_dir(demo_home.join("archive"))
            .expect("archive")
            .count()
            > 0
    );
    let home = demo_home.to_str().expect("utf-8 path");
    let last = out.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("demo: ") && last.contains("new articles"),
        "one-line summary: {last}"
    );
    let json = radar(&[
        "articles",
        "--home",
        home,
        "--json",
        "--source",
        "people-daily",
    ]);
    assert!(json.status.success());
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).expect("one JSON array");
    let list = v.as_array().expect("array");
    assert!(list.len() >= 10);
    for a in list {
        for key in [
            "id",
            "url",
            "source",
            "outlet",
            "title",
            "published",
            "page",
            "author",
            "body",
        ] {
            assert!(a.get(key).is_some(), "article lacks `{key}`: {a}");
        }
        assert_eq!(a["outlet"], "人民日报");
        let published = a["published"].as_str().expect("date");
        assert!(
            chrono::NaiveDate::parse_from_str(published, "%Y-%m-%d").is_ok(),
            "{published}"
        );
        assert!(
            a["evidence"]["payload_sha256"]
                .as_str()
                .is_some_and(|s| s.len() == 64)
        );
    }
    // The proof behind the first article: exact bytes, digest checked.
    let id = list[0]["id"].as_str().expect("id");
    let out_file = dir.path().join("evidence.html");
    let ev = radar(&[
        "evidence",
        "--home",
        home,
        id,
        "--json",
        "--out",
        out_file.to_str().expect("path"),
    ]);
    assert!(
        ev.status.success(),
        "{}",
        String::from_utf8_lossy(&ev.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&ev.stdout).expect("evidence JSON");
    assert_eq!(meta["verified"], true);
    assert_eq!(
        meta["payload_sha256"],
        list[0]["evidence"]["payload_sha256"]
    );
    let bytes = std::fs::read(&out_file).expect("payload written");
    assert_eq!(
        reform_radar::archive::sha256_hex(&bytes),
        meta["payload_sha256"].as_str().expect("digest")
    );
    assert!(String::from_utf8_lossy(&bytes).contains(list[0]["title"].as_str().expect("title")));
    let b1 = radar(&[
        "articles",
        "--home",
        home,
        "--json",
        "--item",
        "B1",
        "--from",
        "2026-03-03",
        "--to",
        "2026-03-03",
    ]);
    let b1: serde_json::Value = serde_json::from_slice(&b1.stdout).expect("filtered JSON");
    let b1 = b1.as_array().expect("array");
    assert!(!b1.is_empty() && b1.len() < list.len());
    assert!(
        b1.iter()
            .all(|a| a["item"] == "B1" && a["published"] == "2026-03-03")
    );
    let health = radar(&["sources", "--home", home, "--health", "--json"]);
    let health: serde_json::Value =
        serde_json::from_slice(&health.stdout).expect("sources --json is one JSON array");
    assert!(health.as_array().is_some_and(|a| {
        a.iter()
            .any(|s| s["id"] == "people-daily" && s["health"]["runs"] == 1)
    }));
    let sources = radar(&["sources", "--home", home]);
    let text = String::from_utf8_lossy(&sources.stdout);
    assert!(
        text.contains("people-daily")
            && text.contains("epaper")
            && text.contains("0 40 7,11 * * *"),
        "{text}"
    );
}

#[test]
fn extract_over_a_folder_prints_one_json_object_a_line_with_the_file() {
    let dir = repo().join("tests/fixtures/extract");
    let out = radar(&["extract", dir.to_str().expect("path"), "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON object per line"))
        .collect();
    assert!(lines.len() >= 5);
    for l in &lines {
        assert!(
            l["file"].as_str().is_some_and(|f| f.ends_with(".html")),
            "{l}"
        );
        assert!(l["extractor"] == "selectors" || l["extractor"] == "generic");
    }
}

#[test]
fn extract_picks_the_source_from_the_url_and_reads_the_page_label() {
    let file = repo().join("sample/people-daily/rmrb-pc-content-202603-03-content_35028216.html");
    let url = "http://paper.people.com.cn/rmrb/pc/content/202603/03/content_35028216.html";
    let out = radar(&[
        "extract",
        file.to_str().expect("path"),
        "--url",
        url,
        "--json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    assert_eq!(v["source"], "people-daily");
    assert_eq!(v["page"], "06版：经济");
    assert_eq!(v["published"], "2026-03-03");
    assert_eq!(v["extractor"], "selectors");
    assert_eq!(v["title"], "万州：国企改革激活一池春水");
}

/// The read-only commands, each with what it needs besides a home.
const READ_ONLY: &[&[&str]] = &[
    &["search", "国企改革"],
    &["articles"],
    &["evidence", "0123abcd"],
    &["coverage"],
    &["sources"],
    &["sources", "--health"],
    &["reindex"],
    &["check"],
];

#[test]
fn read_only_commands_on_a_missing_home_fail_and_create_nothing() {
    let dir = tempfile::tempdir().expect("tmp");
    let home = dir.path().join("no-such-home");
    let home_s = home.to_str().expect("path");
    for args in READ_ONLY {
        let mut all = args.to_vec();
        all.extend(["--home", home_s]);
        let out = radar(&all);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?} succeeded");
        assert!(
            stderr.contains(&format!(
                "no radar home at {home_s} (run `radar init --home {home_s}` first)"
            )),
            "{args:?}: {stderr}"
        );
        assert!(!home.exists(), "{args:?} created {home_s}");
    }
    // RADAR_HOME names the home the same way.
    let out = Command::new(env!("CARGO_BIN_EXE_radar"))
        .args(["search", "国企改革"])
        .env("RADAR_HOME", &home)
        .output()
        .expect("run radar");
    assert!(!out.status.success());
    assert!(!home.exists());
}

#[test]
fn read_only_commands_on_a_home_never_crawled_create_no_store() {
    let dir = tempfile::tempdir().expect("tmp");
    let home = dir.path().join("home");
    let home_s = home.to_str().expect("path");
    assert!(radar(&["init", "--home", home_s]).status.success());
    for args in [
        &["search", "国企改革"][..],
        &["articles"],
        &["evidence", "0123abcd"],
        &["coverage"],
        &["sources", "--health"],
        &["reindex"],
    ] {
        let mut all = args.to_vec();
        all.extend(["--home", home_s]);
        let out = radar(&all);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?} succeeded");
        assert!(stderr.contains("nothing crawled yet"), "{args:?}: {stderr}");
        assert!(!home.join("radar.sqlite").exists(), "{args:?} made a store");
        assert!(!home.join("index").exists(), "{args:?} made an index");
    }
    // What needs no store still works.
    assert!(radar(&["sources", "--home", home_s]).status.success());
    assert!(radar(&["check", "--home", home_s]).status.success());
}

#[test]
fn search_limit_zero_is_rejected_by_the_command_line() {
    let dir = tempfile::tempdir().expect("tmp");
    let home = dir.path().join("home");
    let home_s = home.to_str().expect("path");
    for bad in ["0", "-1", "lots", "100001"] {
        let flag = format!("--limit={bad}");
        let out = radar(&["search", "国企改革", &flag, "--home", home_s]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "--limit {bad}: {stderr}");
        assert!(stderr.contains("--limit"), "{stderr}");
        assert!(!home.exists());
    }
    let out = radar(&["search", "x", "--limit", "0", "--home", home_s]);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("must be at least 1"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn demo_refuses_a_folder_holding_a_home_it_did_not_make() {
    let dir = tempfile::tempdir().expect("tmp");
    let home = dir.path().join("home");
    let home_s = home.to_str().expect("path");
    assert!(radar(&["init", "--home", home_s]).status.success());
    let out = radar(&["demo", "--no-serve", "--dir", home_s]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("the demo did not make"), "{stderr}");
    assert!(!home.join("radar.sqlite").exists());
    assert!(!home.join("sample").exists());
}
