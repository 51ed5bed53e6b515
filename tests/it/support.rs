//! Shared test helpers: temporary homes, packing the bundled sample, crawling.

use reform_radar::config::{Home, check_home};
use reform_radar::discover::DateRange;
use reform_radar::pipeline::{CrawlRequest, CrawlSummary, crawl};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
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

/// The Python modules the tests check our output with: warcio (WARC),
/// bagit (BagIt bags), docx (python-docx) and openpyxl (XLSX).
const TEST_PYTHON_MODULES: &str = "import warcio, bagit, docx, openpyxl";
const TEST_PYTHON_PACKAGES: &[&str] = &["warcio", "bagit", "python-docx", "openpyxl"];

/// A Python 3 with the packages the tests check our files with: the system
/// one when it has them all, else a venv under `target/test-venv`, made once
/// (the first test to need it installs them from PyPI).
pub fn test_python() -> PathBuf {
    static PY: std::sync::OnceLock<Result<PathBuf, String>> = std::sync::OnceLock::new();
    PY.get_or_init(provision_python)
        .clone()
        .unwrap_or_else(|why| panic!("cannot provide the test Python packages: {why}"))
}

fn has_modules(python: &Path) -> bool {
    std::process::Command::new(python)
        .args(["-c", TEST_PYTHON_MODULES])
        .output()
        .is_ok_and(|o| o.status.success())
}

fn provision_python() -> Result<PathBuf, String> {
    let system = PathBuf::from("python3");
    if has_modules(&system) {
        return Ok(system);
    }
    let venv = repo().join("target").join("test-venv");
    let python = venv.join("bin").join("python3");
    if has_modules(&python) {
        return Ok(python);
    }
    // Several test binaries may get here at once: one creates, the others wait.
    std::fs::create_dir_all(repo().join("target")).map_err(|e| e.to_string())?;
    let lock = std::fs::File::create(repo().join("target").join("test-venv.lock"))
        .map_err(|e| format!("target/test-venv.lock: {e}"))?;
    lock.lock()
        .map_err(|e| format!("locking target/test-venv.lock: {e}"))?;
    if has_modules(&python) {
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
    if !python.exists() {
        run(
            std::process::Command::new("python3")
                .args(["-m", "venv"])
                .arg(&venv),
            "python3 -m venv target/test-venv (is Python 3 with venv installed?)",
        )?;
    }
    run(
        std::process::Command::new(&python)
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
            ])
            .args(TEST_PYTHON_PACKAGES),
        "pip install into target/test-venv (is PyPI reachable?)",
    )?;
    if has_modules(&python) {
        Ok(python)
    } else {
        Err(format!(
            "installed {TEST_PYTHON_PACKAGES:?} but `{TEST_PYTHON_MODULES}` still fails"
        ))
    }
}

/// Run a Python snippet (`python -c CODE ARGS…`) with the test packages.
pub fn python(code: &str, args: &[&std::ffi::OsStr]) -> std::process::Output {
    std::process::Command::new(test_python())
        .arg("-c")
        .arg(code)
        .args(args)
        .output()
        .expect("python runs")
}

/// Run Python's warcio on a file, through its module so that no console
/// script has to be on PATH.
pub fn warcio(args: &[&str], file: &Path) -> std::process::Output {
    std::process::Command::new(test_python())
        .args([
            "-c",
            "import sys; from warcio.cli import main; main(sys.argv[1:])",
        ])
        .args(args)
        .arg(file)
        .output()
        .expect("python runs")
}

/// `radar --home HOME ARGS…` (the built binary, `RADAR_HOME` unset).
pub fn radar(home: &Home, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_radar"))
        .arg("--home")
        .arg(home.root())
        .args(args)
        .env_remove("RADAR_HOME")
        .output()
        .expect("radar runs")
}

/// As `radar`, which must succeed: its standard output.
pub fn radar_ok(home: &Home, args: &[&str]) -> String {
    let out = radar(home, args);
    assert!(
        out.status.success(),
        "radar {args:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}
