//! `radar backup`, `backup --check` and `restore` through the binary on real
//! homes: backups taken while a crawl runs and while reviewers confirm
//! restore into homes whose articles, candidates, ledger and files are the
//! source's and whose ledger verifies; a damaged file is named; a home on
//! read-only media (an immutable folder) answers every read-only command
//! and is left byte for byte as it was.

use crate::support::{new_home, radar, radar_ok as ok, sample_warc};
use crate::web_support::{candidates, crawled_home};
use reform_radar::config::Home;
use reform_radar::store::{CandidateStatus, HomeLock};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn backup(home: &Home, out: &Path, extra: &[&str]) -> String {
    let mut args = vec!["backup", "--out", out.to_str().expect("utf-8")];
    args.extend_from_slice(extra);
    ok(home, &args)
}

/// `radar restore DIR --home NEW` (which verifies the ledger).
fn restore(dir: &Path, new: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_radar"))
        .args(["restore", dir.to_str().expect("utf-8"), "--home"])
        .arg(new)
        .env_remove("RADAR_HOME")
        .output()
        .expect("radar restore")
}

fn restore_ok(dir: &Path, new: &Path) -> Home {
    let out = restore(dir, new);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "restore failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("ledger verified"), "{stdout}");
    Home::new(new)
}

/// What a home holds that a restore must bring back, as the CLI prints it.
fn contents(home: &Home) -> (String, String, String) {
    (
        ok(home, &["articles", "--json"]),
        ok(home, &["candidates", "--json"]),
        ok(home, &["ledger", "list", "--json"]),
    )
}

/// Every file under `dir` with its bytes.
fn files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    fn walk(base: &Path, d: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        let Ok(entries) = std::fs::read_dir(d) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(base, &p, out);
            } else if let Ok(bytes) = std::fs::read(&p) {
                out.insert(p.strip_prefix(base).expect("under").to_path_buf(), bytes);
            }
        }
    }
    walk(dir, dir, &mut out);
    out
}

/// Every article of a home digest-checks against its archived record.
fn every_article_verifies(home: &Home) -> usize {
    let list: Vec<serde_json::Value> =
        serde_json::from_str(&ok(home, &["articles", "--json"])).expect("json");
    for a in &list {
        let id = a["id"].as_str().expect("id");
        let ev: serde_json::Value =
            serde_json::from_str(&ok(home, &["evidence", id, "--json"])).expect("evidence json");
        assert_eq!(ev["verified"], true, "{id}: {ev}");
    }
    list.len()
}

#[test]
fn backups_taken_during_a_crawl_restore_and_the_last_one_is_the_home() {
    let (dir, home) = new_home();
    ok(&home, &["init"]);
    let warc = sample_warc(dir.path());
    // Small archive files: the crawl writes many, so later backups copy only new ones.
    let settings = home.settings_path();
    let toml = std::fs::read_to_string(&settings).expect("radar.toml");
    std::fs::write(
        &settings,
        toml.replace("rotate_bytes = 500_000_000", "rotate_bytes = 200_000"),
    )
    .expect("write");
    let mut crawl = Command::new(env!("CARGO_BIN_EXE_radar"))
        .arg("--home")
        .arg(home.root())
        .args([
            "crawl",
            "--replay",
            warc.to_str().expect("utf-8"),
            "--from",
            "2026-03-02",
            "--to",
            "2026-03-04",
            "--today",
            "2026-04-01",
        ])
        .env_remove("RADAR_HOME")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("crawl");
    let out = dir.path().join("backup");
    let mut during = 0;
    let mut first_during: Option<PathBuf> = None;
    while crawl.try_wait().expect("wait").is_none() {
        if !home.db_path().exists() || !HomeLock::is_held(home.root()) {
            std::thread::sleep(std::time::Duration::from_millis(5));
            continue;
        }
        let o = radar(&home, &["backup", "--out", out.to_str().expect("utf-8")]);
        assert!(
            o.status.success(),
            "backup during the crawl: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        if HomeLock::is_held(home.root()) {
            during += 1;
            if first_during.is_none() {
                // Keep the first snapshot taken mid-crawl, to restore it later.
                let keep = dir.path().join("mid-crawl");
                let _ = std::fs::remove_dir_all(&keep);
                copy_dir(&out, &keep);
                first_during = Some(keep);
            }
        }
    }
    assert!(crawl.wait().expect("crawl").success());
    assert!(during >= 1, "no backup ran while the crawl held the home");

    // A snapshot taken mid-crawl is whole: it checks, restores, and every
    // article it holds reads back, digest-checked, from its archive.
    let mid = first_during.expect("a mid-crawl backup");
    ok(&home, &["backup", "--check", mid.to_str().expect("utf-8")]);
    let mid_home = restore_ok(&mid, &dir.path().join("restored-mid"));
    every_article_verifies(&mid_home);

    // The same folder brought up to date after the crawl: only what is new is copied.
    let last = backup(&home, &out, &[]);
    let unchanged: u64 = last
        .split(" unchanged, files")
        .next()
        .and_then(|s| s.rsplit(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert!(
        unchanged >= 1,
        "archive files already backed up are not copied again: {last}"
    );
    let restored = restore_ok(&out, &dir.path().join("restored"));
    assert_eq!(contents(&restored), contents(&home));
    let n = every_article_verifies(&restored);
    assert!(n > 10, "{n} articles");
    assert_eq!(
        files(&home.archive_dir()),
        files(&restored.archive_dir()),
        "the archive comes back byte for byte"
    );
    assert!(ok(&restored, &["search", "国企改革"]).contains("matching article"));
}

fn copy_dir(from: &Path, to: &Path) {
    for (rel, bytes) in files(from) {
        let p = to.join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, bytes).expect("copy");
    }
}

#[test]
fn backups_taken_while_reviewers_confirm_restore_with_a_verified_prefix_of_the_ledger() {
    let (dir, home) = crawled_home();
    let pending: Vec<i64> = candidates(&home)
        .iter()
        .filter(|c| c.status == CandidateStatus::Pending)
        .map(|c| c.id)
        .take(6)
        .collect();
    assert!(pending.len() >= 4, "{pending:?}");
    let root = home.root().to_path_buf();
    let reviewer = std::thread::spawn(move || {
        for (i, id) in pending.iter().enumerate() {
            let o = Command::new(env!("CARGO_BIN_EXE_radar"))
                .arg("--home")
                .arg(&root)
                .args(["review", "confirm", &id.to_string(), "--reviewer", "张三"])
                .env_remove("RADAR_HOME")
                .output()
                .expect("confirm");
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
            // And a file entered by hand every other time.
            if i % 2 == 0 {
                let f = root.join(format!("scan-{i}.pdf"));
                std::fs::write(&f, format!("%PDF-1.4 scan {i}")).expect("file");
                let o = Command::new(env!("CARGO_BIN_EXE_radar"))
                    .arg("--home")
                    .arg(&root)
                    .args([
                        "evidence",
                        "add",
                        "--enterprise",
                        "wz-ctjt",
                        "--item",
                        "C7",
                        "--date",
                        &format!("2026-05-{:02}", i + 1),
                        "--title",
                        &format!("市级部门文件 {i}"),
                        "--issuer",
                        "市发展改革委",
                        "--file",
                        f.to_str().expect("utf-8"),
                        "--reviewer",
                        "张三",
                    ])
                    .env_remove("RADAR_HOME")
                    .output()
                    .expect("evidence add");
                assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
            }
        }
    });
    let mut snapshots = vec![];
    while !reviewer.is_finished() {
        let out = dir.path().join(format!("b{}", snapshots.len()));
        backup(&home, &out, &["--include-key"]);
        snapshots.push(out);
    }
    reviewer.join().expect("reviewer");
    let last = dir.path().join("b-last");
    backup(&home, &last, &["--include-key"]);
    snapshots.push(last.clone());
    assert!(snapshots.len() >= 2);

    let final_ledger: Vec<serde_json::Value> =
        serde_json::from_str(&ok(&home, &["ledger", "list", "--json"])).expect("json");
    for (i, snap) in snapshots.iter().enumerate() {
        let r = restore_ok(snap, &dir.path().join(format!("r{i}")));
        let got: Vec<serde_json::Value> =
            serde_json::from_str(&ok(&r, &["ledger", "list", "--json"])).expect("json");
        assert_eq!(
            got[..],
            final_ledger[..got.len()],
            "snapshot {i} holds a prefix of the ledger"
        );
    }
    let r = Home::new(dir.path().join(format!("r{}", snapshots.len() - 1)));
    assert_eq!(contents(&r), contents(&home));
    assert_eq!(files(&home.files_dir()), files(&r.files_dir()));
    // The private key came back owner-only, and the restored home signs on.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(r.ledger_key_path())
            .expect("key restored")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let next = candidates(&r)
        .into_iter()
        .find(|c| c.status == CandidateStatus::Pending)
        .expect("a pending candidate");
    ok(
        &r,
        &[
            "review",
            "confirm",
            &next.id.to_string(),
            "--reviewer",
            "李四",
        ],
    );
    assert!(ok(&r, &["ledger", "verify"]).contains("ledger verified"));
}

#[test]
fn a_damaged_backup_file_is_named_and_not_restored() {
    let (dir, home) = crawled_home();
    let out = dir.path().join("backup");
    let made = backup(&home, &out, &[]);
    assert!(made.contains("private key not included"), "{made}");
    assert!(!out.join("keys/ledger-ed25519.pem").exists());
    assert!(out.join("keys/ledger-ed25519.pub.pem").exists());
    let checked = ok(&home, &["backup", "--check", out.to_str().expect("utf-8")]);
    assert!(checked.contains("verified"), "{checked}");
    // The manifest is sha256sum's format.
    let manifest = std::fs::read_to_string(out.join("MANIFEST.sha256")).expect("manifest");
    assert!(manifest.lines().any(|l| l.ends_with("  radar.sqlite")));
    // One byte of one archive file changed.
    let warc = std::fs::read_dir(out.join("archive"))
        .expect("archive")
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "gz"))
        .expect("a warc");
    let mut bytes = std::fs::read(&warc).expect("read");
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x20;
    std::fs::write(&warc, bytes).expect("write");
    let o = radar(&home, &["backup", "--check", out.to_str().expect("utf-8")]);
    assert!(!o.status.success());
    let said = String::from_utf8_lossy(&o.stdout);
    assert!(
        said.contains(&format!("DAMAGED: {}", warc.display())),
        "{said}"
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("1 problem(s)"));
    let r = restore(&out, &dir.path().join("restored"));
    assert!(!r.status.success());
    assert!(String::from_utf8_lossy(&r.stderr).contains(&warc.display().to_string()));
    assert!(!dir.path().join("restored").join("radar.sqlite").exists());
    // A removed file is named too.
    std::fs::remove_file(out.join("rules.toml")).expect("rm");
    let o = radar(&home, &["backup", "--check", out.to_str().expect("utf-8")]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("rules.toml: missing"));
}

/// `chattr -R +i` for the life of the guard (root on ext4 and most
/// filesystems); `None` where the filesystem or the user cannot.
struct Immutable(PathBuf);

impl Immutable {
    fn set(dir: &Path) -> Option<Immutable> {
        let ok = Command::new("chattr")
            .args(["-R", "+i"])
            .arg(dir)
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| Immutable(dir.to_path_buf()))
    }
}

impl Drop for Immutable {
    fn drop(&mut self) {
        let _ = Command::new("chattr")
            .args(["-R", "-i"])
            .arg(&self.0)
            .status();
    }
}

fn read_only_commands_answer_and_change_nothing(home: &Home, env: &[(&str, &str)]) {
    let before = files(home.root());
    let run = |args: &[&str]| {
        let o = Command::new(env!("CARGO_BIN_EXE_radar"))
            .arg("--home")
            .arg(home.root())
            .args(args)
            .env_remove("RADAR_HOME")
            .envs(env.iter().copied())
            .output()
            .expect("radar");
        assert!(
            o.status.success(),
            "{args:?} on a read-only home: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    assert!(run(&["ledger", "verify"]).contains("ledger verified"));
    assert!(run(&["score", "--year", "2026", "--format", "json"]).contains("\"enterprises\""));
    assert!(run(&["search", "国企改革"]).contains("matching article"));
    let list: Vec<serde_json::Value> =
        serde_json::from_str(&run(&["articles", "--json"])).expect("json");
    let id = list[0]["id"].as_str().expect("id").to_string();
    assert!(run(&["evidence", &id]).contains(&id));
    run(&["candidates"]);
    run(&["ledger", "list"]);
    assert_eq!(files(home.root()), before, "not a byte written in the home");
}

#[test]
fn a_home_on_read_only_media_answers_every_read_only_command() {
    let (dir, home) = crawled_home();
    let first = candidates(&home)[0].id;
    ok(
        &home,
        &[
            "review",
            "confirm",
            &first.to_string(),
            "--reviewer",
            "张三",
        ],
    );
    // A backup folder is a home: restored, then frozen as on a write-protected disk.
    let out = dir.path().join("backup");
    backup(&home, &out, &[]);
    let r = restore_ok(&out, &dir.path().join("frozen"));
    // Without the index (as a backup is): built outside the home.
    std::fs::remove_dir_all(r.index_dir()).expect("rm index");
    read_only_commands_answer_and_change_nothing(&r, &[("RADAR_READ_ONLY", "1")]);
    // The backup folder itself, read in place.
    read_only_commands_answer_and_change_nothing(&Home::new(&out), &[("RADAR_READ_ONLY", "1")]);
    ok(&r, &["search", "国企"]); // (writable again: builds its own index)
    match Immutable::set(r.root()) {
        Some(_frozen) => {
            read_only_commands_answer_and_change_nothing(&r, &[]);
            // A writer is refused with the path it could not write.
            let o = radar(&r, &["review", "confirm", "1", "--reviewer", "张三"]);
            assert!(!o.status.success());
            let err = String::from_utf8_lossy(&o.stderr);
            assert!(err.contains(&r.root().display().to_string()), "{err}");
        }
        None => eprintln!("chattr +i is not available here: the immutable case is skipped"),
    }
}
