//! The command line as an operator uses it: the demo, `articles --json`
//! fields, `sources`, and `extract` over several files.

use crate::support::repo;
use std::process::Command;

fn radar(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_radar"))
        .args(args)
        .output()
        .expect("run radar")
}

#[test]
fn demo_then_articles_json_has_the_contract_fields() {
    let dir = tempfile::tempdir().expect("tmp");
    let home = dir.path().join("demo");
    let home = home.to_str().expect("utf-8 path");
    let demo = radar(&["demo", "--home", home]);
    let out = String::from_utf8_lossy(&demo.stdout);
    assert!(demo.status.success(), "{out}");
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
