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

/// A Python with `warcio` importable: the system's `python3` if it has it,
/// otherwise a virtual environment the tests provision once under `target/`
/// (`python3 -m venv` + `pip install warcio` from PyPI). Panics with a clear
/// message if neither works, so a missing tool never passes silently.
pub fn warcio_python() -> PathBuf {
    static PY: std::sync::OnceLock<Result<PathBuf, String>> = std::sync::OnceLock::new();
    PY.get_or_init(provision_warcio)
        .clone()
        .unwrap_or_else(|why| panic!("cannot provide Python's warcio for the WARC checks: {why}"))
}

fn has_warcio(python: &Path) -> bool {
    std::process::Command::new(python)
        .args(["-c", "import warcio"])
        .output()
        .is_ok_and(|o| o.status.success())
}

fn provision_warcio() -> Result<PathBuf, String> {
    let system = PathBuf::from("python3");
    if has_warcio(&system) {
        return Ok(system);
    }
    let venv = repo().join("target").join("test-venv");
    let python = venv.join("bin").join("python3");
    if has_warcio(&python) {
        return Ok(python);
    }
    // Several test binaries may get here at once: one creates, the others wait.
    std::fs::create_dir_all(repo().join("target")).map_err(|e| e.to_string())?;
    let lock = std::fs::File::create(repo().join("target").join("test-venv.lock"))
        .map_err(|e| format!("target/test-venv.lock: {e}"))?;
    lock.lock()
        .map_err(|e| format!("locking target/test-venv.lock: {e}"))?;
    if has_warcio(&python) {
        return Ok(python);
    }
    let run = |cmd: &mut std::process::Command, what: &str| -> Result<(), String> {
        let out = cmd.output().map_err(|e| format!("{what}: {e}"))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(format!(
                "{what} failed:\n{}",
                String::from_utf8_lossy(&out.stderr)
            ))
        }
    };
    run(
        std::process::Command::new("python3")
            .args(["-m", "venv"])
            .arg(&venv),
        "python3 -m venv target/test-venv (is Python 3 with venv installed?)",
    )?;
    run(
        std::process::Command::new(&python).args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "warcio",
        ]),
        "pip install warcio into target/test-venv (is PyPI reachable?)",
    )?;
    if has_warcio(&python) {
        Ok(python)
    } else {
        Err("warcio installed but still not importable".into())
    }
}

/// Run Python's warcio on a file, through its module so that no console
/// script has to be on PATH.
pub fn warcio(args: &[&str], file: &Path) -> std::process::Output {
    std::process::Command::new(warcio_python())
        .args([
            "-c",
            "import sys; from warcio.cli import main; main(sys.argv[1:])",
        ])
        .args(args)
        .arg(file)
        .output()
        .expect("python runs")
}
