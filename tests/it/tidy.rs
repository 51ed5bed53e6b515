//! Tidy checks on the source tree: every file opens with a `//!` paragraph,
//! and each edge has one owner (only `crawl` uses reqwest, only `store` runs
//! SQL through rusqlite, only `index` uses tantivy, only `cli` uses clap).

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
    let owners = [
        ("reqwest", "crawl"),
        ("rusqlite", "store"),
        ("tantivy", "index"),
        ("clap", "cli"),
    ];
    let mut offenders = Vec::new();
    for file in rust_files(&src) {
        let rel = file
            .strip_prefix(&src)
            .expect("under src")
            .to_string_lossy()
            .into_owned();
        let text = std::fs::read_to_string(&file).expect("read");
        for (krate, owner) in owners {
            let uses =
                text.contains(&format!("{krate}::")) || text.contains(&format!("use {krate}"));
            let allowed = rel.starts_with(&format!("{owner}/"))
                || rel == format!("{owner}.rs")
                || (krate == "clap" && rel == "main.rs");
            if uses && !allowed {
                offenders.push(format!("{rel} uses {krate} (owned by {owner})"));
            }
        }
    }
    assert!(offenders.is_empty(), "{offenders:#?}");
}
