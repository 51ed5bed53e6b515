//! Shared test helpers: temporary homes, packing the bundled sample, crawling.

use reform_radar::config::{Home, check_home};
use reform_radar::discover::DateRange;
use reform_radar::pipeline::{CrawlRequest, CrawlSummary, crawl};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn date(s: &str) -> chrono::NaiveDate {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
}

/// A fresh home from the built-in defaults, in a temp dir.
pub fn new_home() -> (tempfile::TempDir, Home) {
    let dir = tempfile::tempdir().expect("tempdir");
    let home = Home::new(dir.path().join("home"));
    home.init().expect("init");
    (dir, home)
}

/// The bundled sample packed into a WARC (once per call).
pub fn sample_warc(out: &Path) -> PathBuf {
    reform_radar::archive::pack_sample_dir(&repo().join("sample"), out)
        .expect("pack sample")
        .0
}

pub fn sample_range() -> DateRange {
    DateRange {
        from: date("2026-03-02"),
        to: date("2026-03-04"),
    }
}

/// Crawl a home (its checked configuration) with a request.
pub fn run_crawl(home: &Home, req: &CrawlRequest) -> CrawlSummary {
    let checked = check_home(home).expect("home checks");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(crawl(
        home,
        &checked,
        req,
        &(),
        Arc::new(AtomicBool::new(false)),
    ))
    .expect("crawl")
}

/// Run Python's warcio (`pip install warcio`) on a file, through its module so
/// that no console script has to be on PATH.
pub fn warcio(args: &[&str], file: &Path) -> std::process::Output {
    std::process::Command::new("python3")
        .args([
            "-c",
            "import sys; from warcio.cli import main; main(sys.argv[1:])",
        ])
        .args(args)
        .arg(file)
        .output()
        .expect("python3 runs")
}
