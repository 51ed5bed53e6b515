//! The README's 'First deployment' commands, run exactly as written (every
//! line of its `sh` blocks, in order, by bash with `-euo pipefail`) with the
//! built `radar` first on the PATH. Only the location changes: `/srv/`
//! becomes a temporary folder's `srv/`. The working folder holds what an
//! operator brings: `enterprises.xlsx`, the commission's list; the password
//! is typed on standard input.

use crate::support::repo;
use std::path::Path;
use std::process::{Command, Stdio};

/// The fenced `sh` blocks of the README section whose heading is `title`.
pub fn section_commands(readme: &str, title: &str) -> Vec<String> {
    let mut out = vec![];
    let mut in_section = false;
    let mut block: Option<String> = None;
    for line in readme.lines() {
        if let Some(b) = block.as_mut() {
            if line.trim_start().starts_with("```") {
                out.push(std::mem::take(b));
                block = None;
            } else {
                b.push_str(line);
                b.push('\n');
            }
            continue;
        }
        if line.starts_with("## ") {
            in_section = line.trim_start_matches("## ").trim() == title;
            continue;
        }
        if in_section && line.trim() == "```sh" {
            block = Some(String::new());
        }
    }
    out
}

fn write_registry(path: &Path) {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let rows: &[&[&str]] = &[
        &["区属国有企业名单（2026年）"],
        &["编号", "企业名称", "简称", "上级企业"],
        &[
            "1001",
            "重庆市万州区三峡平湖投资集团有限公司",
            "平湖投资集团；平湖投资",
            "",
        ],
        &[
            "1002",
            "重庆市万州区平湖物业管理有限公司",
            "平湖物业",
            "1001",
        ],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            sheet.write_string(r as u32, c as u16, *v).expect("cell");
        }
    }
    book.save(path).expect("xlsx");
}

#[test]
fn the_first_deployment_section_runs_as_written() {
    let readme = std::fs::read_to_string(repo().join("README.md")).expect("README.md");
    let blocks = section_commands(&readme, "First deployment");
    assert!(
        !blocks.is_empty(),
        "no sh block under '## First deployment'"
    );
    let script = blocks.concat();
    for must in [
        "radar init",
        "radar check",
        "radar users add",
        "radar backup",
    ] {
        assert!(script.contains(must), "the section lost `{must}`");
    }
    let dir = tempfile::tempdir().expect("tmp");
    let srv = dir.path().join("srv");
    let script = script.replace("/srv/", &format!("{}/", srv.display()));
    let work = dir.path().join("work");
    std::fs::create_dir_all(&work).expect("mkdir");
    write_registry(&work.join("enterprises.xlsx"));
    let bin = Path::new(env!("CARGO_BIN_EXE_radar"))
        .parent()
        .expect("bin dir")
        .to_path_buf();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut child = Command::new("bash")
        .args(["-euo", "pipefail", "-c", &script])
        .current_dir(&work)
        .env("PATH", path)
        .env_remove("RADAR_HOME")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("bash");
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().expect("stdin");
        writeln!(stdin, "correct-horse-battery-staple").expect("password");
    }
    let o = child.wait_with_output().expect("bash");
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "the README's commands failed:\n{script}\n--- stdout\n{stdout}\n--- stderr\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    // What each step says it did.
    assert!(stdout.contains("next steps"), "{stdout}");
    assert!(stdout.contains("imported 2 enterprises"), "{stdout}");
    assert!(
        stdout.contains("ok: ") && !stdout.contains("warning"),
        "check passes without the example warning after the import:\n{stdout}"
    );
    assert!(stdout.contains("backup of "), "{stdout}");
    assert!(stdout.contains("verified"), "{stdout}");
    let home = srv.join("radar");
    assert!(home.join("radar.sqlite").is_file());
    assert!(srv.join("radar-backup/first/MANIFEST.sha256").is_file());
    let users = Command::new(env!("CARGO_BIN_EXE_radar"))
        .args(["users", "list", "--home"])
        .arg(&home)
        .output()
        .expect("users list");
    assert!(String::from_utf8_lossy(&users.stdout).contains("admin"));
}
