//! Tidy checks on the source tree: every file opens with a `//!` paragraph,
//! and each edge has one owner (only `crawl` uses reqwest, only `store` runs
//! SQL through rusqlite, only `index` uses tantivy, only `cli` uses clap, only `web`
//! uses axum, maud and argon2).

use crate::support::repo;
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out
}

#[test]
fn every_source_file_opens_with_a_doc_paragraph() {
    let missing: Vec<_> = rust_files(&repo().join("src"))
        .into_iter()
        .filter(|p| {
            !std::fs::read_to_string(p)
                .expect("read")
                .trim_start()
                .starts_with("//!")
        })
        .collect();
    assert!(
        missing.is_empty(),
        "files without a //! paragraph: {missing:?}"
    );
}

#[test]
fn each_edge_has_one_owner() {
    let src = repo().join("src");
    // reqwest has two owners on purpose: the crawl fetches pages, and
    // notify posts messages to office robots and webhooks (never pages).
    let owners = [
        ("reqwest", "crawl"),
        ("reqwest", "notify"),
        ("tokio_tungstenite", "crawl"),
        ("rusqlite", "store"),
        ("tantivy", "index"),
        ("clap", "cli"),
        ("axum", "web"),
        ("maud", "web"),
        ("argon2", "web"),
    ];
    let mut offenders = Vec::new();
    for file in rust_files(&src) {
        let rel = file
            .strip_prefix(&src)
            .expect("under src")
            .to_string_lossy()
            .into_owned();
        let text = std::fs::read_to_string(&file).expect("read");
        for (krate, _) in owners {
            let uses =
                text.contains(&format!("{krate}::")) || text.contains(&format!("use {krate}"));
            let mine =
                |owner: &str| rel.starts_with(&format!("{owner}/")) || rel == format!("{owner}.rs");
            let allowed = owners.iter().any(|(k, o)| *k == krate && mine(o))
                || (krate == "clap" && rel == "main.rs");
            if uses && !allowed {
                offenders.push(format!("{rel} uses {krate} (owned by another module)"));
            }
        }
    }
    offenders.sort();
    offenders.dedup();
    assert!(offenders.is_empty(), "{offenders:#?}");
}

/// Module-to-module edges: `model` is the bottom; `config`, `archive` and
/// `store` sit on it; the stages (`crawl`, `discover`, `extract`, `dedup`,
/// `index`, `schedule`) never import each other, with the exceptions named
/// here and why; only `pipeline` (and `cli` above it) wires stages together.
#[test]
fn stages_never_import_each_other() {
    let allowed: &[(&str, &[&str])] = &[
        ("model", &[]),
        ("config", &["model"]),
        ("archive", &["model"]),
        ("store", &["model"]),
        // The fetcher archives every exchange before its outcome is used.
        ("crawl", &["model", "config", "archive"]),
        // Discovery reads link hints (dates in URLs, page labels) with the
        // extractor's Chinese date and page-label parsers.
        ("discover", &["model", "extract"]),
        ("extract", &["model"]),
        ("dedup", &["model"]),
        ("index", &["model"]),
        ("matching", &["model"]),
        ("scoring", &["model"]),
        // The ledger is pure: entries, the Merkle tree, keys, checkpoints.
        ("ledger", &["model"]),
        // Renderers over scorecards (scoring's quarters) and ledger evidence.
        ("report", &["model", "scoring", "ledger"]),
        ("registry", &["model", "config"]),
        ("schedule", &["model", "config"]),
        // The web UI and API: the pipeline's review stage, the store's
        // reads, search, the scorecard and its renderers, and the sources'
        // schedules (the 信息源 page's next run).
        (
            "web",
            &[
                "model", "config", "store", "index", "pipeline", "report", "ledger", "scoring",
                "registry", "schedule", "notify",
            ],
        ),
        (
            "pipeline",
            &[
                "model", "config", "archive", "store", "crawl", "discover", "extract", "dedup",
                "index", "schedule", "matching", "scoring", "registry", "ledger", "report",
                "notify",
            ],
        ),
        // Notifications: events from the store's outbox, rendered with the
        // registry's names and the settings' channels.
        ("notify", &["model", "config", "store", "registry"]),
    ];
    let src = repo().join("src");
    let re = regex::Regex::new(r"crate::([a-z_]+)").expect("regex");
    let mut offenders = Vec::new();
    for file in rust_files(&src) {
        let rel = file
            .strip_prefix(&src)
            .expect("under src")
            .to_string_lossy()
            .into_owned();
        let module = rel
            .split('/')
            .next()
            .unwrap_or("")
            .trim_end_matches(".rs")
            .to_string();
        let Some((_, ok)) = allowed.iter().find(|(m, _)| *m == module) else {
            continue; // cli, lib.rs, main.rs: the top
        };
        let text = std::fs::read_to_string(&file).expect("read");
        assert!(
            !text.contains("crate::{"),
            "{rel}: name modules one `use crate::x` at a time so edges stay visible"
        );
        for c in re.captures_iter(&text) {
            let target = &c[1];
            if target != module && !ok.contains(&target) {
                offenders.push(format!("{rel}: {module} -> {target}"));
            }
        }
    }
    offenders.sort();
    offenders.dedup();
    assert!(offenders.is_empty(), "{offenders:#?}");
}
