//! Candidates from a crawl of the bundled sample (real source definitions,
//! the example registry, the shipped rules): print reports become
//! candidates for their item, web copies and district media become leads,
//! one candidate per report; `radar match` after a registry change keeps
//! decisions and withdraws what lost its match.

use crate::support::{date, new_home, run_crawl, sample_range, sample_warc};
use reform_radar::config::Home;
use reform_radar::pipeline::CrawlRequest;
use reform_radar::store::{CandidateFilter, CandidateStatus, Store};
use std::process::Command;

fn crawl_sample(dir: &std::path::Path, home: &Home) {
    let req = CrawlRequest {
        range: Some(sample_range()),
        replay: vec![sample_warc(dir)],
        today: Some(date("2026-04-01")),
        ..Default::default()
    };
    run_crawl(home, &req);
}

fn candidates(home: &Home) -> Vec<reform_radar::store::CandidateRow> {
    Store::open(&home.db_path())
        .expect("store")
        .candidates(&CandidateFilter::default())
        .expect("candidates")
}

fn find<'a>(
    all: &'a [reform_radar::store::CandidateRow],
    enterprise: &str,
    item: &str,
) -> Vec<&'a reform_radar::store::CandidateRow> {
    all.iter()
        .filter(|c| c.enterprise == enterprise && c.item == item)
        .collect()
}

#[test]
fn a_crawl_of_the_sample_proposes_candidates_and_leads() {
    let (dir, home) = new_home();
    crawl_sample(dir.path(), &home);
    let all = candidates(&home);
    // 人民日报 06版 on 万州's SOE reform, naming 万州城投集团: one B1 candidate,
    // although 人民网 carries the same story as a web copy.
    let b1 = find(&all, "wz-ctjt", "B1");
    assert_eq!(b1.len(), 1, "one candidate per report: {b1:#?}");
    assert_eq!(b1[0].status, CandidateStatus::Pending);
    assert_eq!(b1[0].outlet, "人民日报");
    assert_eq!(b1[0].published.as_deref(), Some("2026-03-03"));
    assert!(b1[0].points > 0.0);
    assert!(!b1[0].reasons.is_empty());
    assert!(b1[0].signals.get("mentions").is_some());
    // 光明日报 on 万州港口集团's mixed-ownership reform.
    assert_eq!(find(&all, "wz-port", "B2").len(), 1);
    // 经济日报 on 万州城投's transformation.
    assert_eq!(find(&all, "wz-ctjt", "B3").len(), 1);
    // District media are leads, never scored.
    let leads: Vec<_> = all
        .iter()
        .filter(|c| c.status == CandidateStatus::Lead)
        .collect();
    assert!(!leads.is_empty());
    assert!(leads.iter().all(|c| c.item == "lead" && c.points == 0.0));
    assert!(leads.iter().any(|c| c.outlet == "三峡都市报"));
    // Nothing from a lead source is pending for a lead's own outlet.
    assert!(
        all.iter()
            .filter(|c| c.status == CandidateStatus::Pending)
            .all(|c| !["三峡都市报", "万州时报", "人民网", "新华网"].contains(&c.outlet.as_str())),
        "web copies and district media are never pending candidates of their own outlet"
    );
    // `search --enterprise` finds the matched articles.
    let out = Command::new(env!("CARGO_BIN_EXE_radar"))
        .args([
            "search",
            "改革",
            "--enterprise",
            "wz-ctjt",
            "--json",
            "--home",
        ])
        .arg(home.root())
        .output()
        .expect("search");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let text = v.to_string();
    assert!(text.contains("万州：国企改革激活一池春水"), "{text}");
}

#[test]
fn rematching_after_a_registry_change_keeps_decisions_and_withdraws_lost_matches() {
    let (dir, home) = new_home();
    crawl_sample(dir.path(), &home);
    let all = candidates(&home);
    let b1 = find(&all, "wz-ctjt", "B1")[0].id;
    let b3 = find(&all, "wz-ctjt", "B3")[0].id;
    Store::open(&home.db_path())
        .expect("store")
        .set_candidate_status(b1, CandidateStatus::Confirmed, "reviewer: 深度报道")
        .expect("confirm");
    // The enterprise leaves the registry.
    let path = home.enterprises_path();
    let original = std::fs::read_to_string(&path).expect("registry");
    let without: String = {
        let mut out = String::new();
        let mut skip = false;
        for block in original.split("[[enterprise]]") {
            if skip {
                skip = false;
            }
            if block.contains("id = \"wz-ctjt\"") {
                skip = true;
                continue;
            }
            if !out.is_empty() {
                out.push_str("[[enterprise]]");
            }
            out.push_str(block);
        }
        out
    };
    assert!(!without.contains("wz-ctjt"));
    std::fs::write(&path, &without).expect("write registry");
    let radar_match = || {
        let out = Command::new(env!("CARGO_BIN_EXE_radar"))
            .args(["match", "--home"])
            .arg(home.root())
            .output()
            .expect("match");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let line = radar_match();
    assert!(line.contains("withdrawn"), "{line}");
    let all = candidates(&home);
    let status = |id| all.iter().find(|c| c.id == id).map(|c| c.status);
    assert_eq!(
        status(b1),
        Some(CandidateStatus::Confirmed),
        "decisions are kept"
    );
    assert_eq!(status(b3), Some(CandidateStatus::Withdrawn), "not deleted");
    let history = Store::open(&home.db_path())
        .expect("store")
        .candidate_history(b1)
        .expect("history");
    assert!(
        history
            .iter()
            .any(|e| e.note.as_deref().is_some_and(|n| n.contains("match lost"))),
        "{history:?}"
    );
    // Back in the registry: the withdrawn candidate is pending again.
    std::fs::write(&path, &original).expect("restore registry");
    radar_match();
    let all = candidates(&home);
    let status = |id| all.iter().find(|c| c.id == id).map(|c| c.status);
    assert_eq!(status(b3), Some(CandidateStatus::Pending));
    assert_eq!(status(b1), Some(CandidateStatus::Confirmed));
    // The JSON contract.
    let out = Command::new(env!("CARGO_BIN_EXE_radar"))
        .args(["candidates", "--status", "pending", "--json", "--home"])
        .arg(home.root())
        .output()
        .expect("candidates");
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let first = &v.as_array().expect("array")[0];
    for key in [
        "id",
        "enterprise",
        "item",
        "points",
        "published",
        "outlet",
        "title",
        "url",
        "confidence",
        "reasons",
        "signals",
        "status",
    ] {
        assert!(first.get(key).is_some(), "missing {key}: {first}");
    }
    assert!(
        v.as_array()
            .expect("array")
            .iter()
            .all(|c| c["status"] == "pending")
    );
}
