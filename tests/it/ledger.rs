//! Review, the score ledger and what is made from it, through the `radar`
//! binary on real homes: scripted histories give the scorecards computed by
//! hand from scoring-rules.md; two reviewers at once give one entry; the
//! ledger refuses UPDATE and DELETE and `ledger verify` finds what was
//! changed behind the triggers' back; the checkpoint verifies with openssl;
//! an exported bundle validates with bagit.py and a changed byte does not.

use crate::support::{new_home, python, radar, radar_ok as ok};
use crate::web_support::crawled_home;
use reform_radar::config::Home;
use reform_radar::store::{CandidateFilter, CandidateStatus, Store};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn init_home() -> (tempfile::TempDir, Home) {
    let (dir, home) = new_home();
    ok(&home, &["init"]);
    (dir, home)
}

/// Add a manual item with its own file; returns the entry's seq.
fn add(home: &Home, n: &mut u32, enterprise: &str, item: &str, on: &str) -> u64 {
    *n += 1;
    let file = home.root().join(format!("evidence-{n}.pdf"));
    std::fs::write(
        &file,
        format!("%PDF-1.4 evidence {n} {enterprise} {item} {on}"),
    )
    .expect("file");
    let out = ok(
        home,
        &[
            "evidence",
            "add",
            "--enterprise",
            enterprise,
            "--item",
            item,
            "--date",
            on,
            "--title",
            &format!("{enterprise} {item} 材料 {n}"),
            "--issuer",
            "市委改革办",
            "--file",
            file.to_str().expect("utf-8 path"),
            "--reviewer",
            "张三",
        ],
    );
    out.split("ledger entry ")
        .nth(1)
        .and_then(|s| s.split(':').next())
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no entry number in {out}"))
}

fn score(home: &Home, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["score", "--format", "json"];
    all.extend_from_slice(args);
    serde_json::from_str(&ok(home, &all)).expect("score json")
}

fn enterprise<'a>(sheet: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    sheet["enterprises"]
        .as_array()
        .expect("enterprises")
        .iter()
        .find(|e| e["id"] == id)
        .unwrap_or_else(|| panic!("{id} not in {sheet}"))
}

fn figures(e: &serde_json::Value) -> (u64, u64, u64, f64, f64, f64) {
    (
        e["a"].as_u64().expect("a"),
        e["b"].as_u64().expect("b"),
        e["c"].as_u64().expect("c"),
        e["c_delta"].as_f64().expect("c_delta"),
        e["bonus"].as_f64().expect("bonus"),
        e["total"].as_f64().expect("total"),
    )
}

#[test]
fn scripted_histories_score_as_the_notice_says() {
    let (_dir, home) = init_home();
    let mut n = 0;
    // wz-jkq: nothing in 2025 (a C item of 2024 does not count): C is 1
    // short of its target of 1, -1.
    add(&home, &mut n, "wz-jkq", "C1", "2024-12-30");
    // wz-jtjt: exactly one C item (0) and one A item (+1).
    add(&home, &mut n, "wz-jtjt", "C2", "2025-06-01");
    add(&home, &mut n, "wz-jtjt", "A1", "2025-07-01");
    // sx-water: four C items, 3 beyond the target, +1.5; one B item, +1.
    add(&home, &mut n, "sx-water", "C1", "2025-02-10");
    add(&home, &mut n, "sx-water", "C4", "2025-03-15");
    add(&home, &mut n, "sx-water", "C7", "2025-08-01");
    add(&home, &mut n, "sx-water", "C8", "2025-09-30");
    add(&home, &mut n, "sx-water", "B1", "2025-05-01");
    // wz-ctjt: two C items (+0.5), then one is undone: back to 0; the
    // typical-case bonus +1.
    add(&home, &mut n, "wz-ctjt", "C1", "2025-04-01");
    let second = add(&home, &mut n, "wz-ctjt", "C5", "2025-04-02");
    add(&home, &mut n, "wz-ctjt", "TC", "2025-11-11");
    // wz-xtport is wz-port's subsidiary: its item counts for wz-port.
    add(&home, &mut n, "wz-xtport", "C3", "2025-10-01");

    let before = score(&home, &["--year", "2025", "--enterprise", "wz-ctjt"]);
    assert_eq!(figures(enterprise(&before, "wz-ctjt")).3, 0.5);
    let undo = ok(
        &home,
        &[
            "review",
            "undo",
            &second.to_string(),
            "--reviewer",
            "李四",
            "--reason",
            "重复材料",
        ],
    );
    assert!(undo.contains(&format!("undid entry {second}")), "{undo}");

    let sheet = score(&home, &["--year", "2025"]);
    assert_eq!(sheet["year"], 2025);
    assert_eq!(
        figures(enterprise(&sheet, "wz-jkq")),
        (0, 0, 0, -1.0, 0.0, -1.0)
    );
    assert_eq!(
        figures(enterprise(&sheet, "wz-jtjt")),
        (1, 0, 1, 0.0, 0.0, 1.0)
    );
    assert_eq!(
        figures(enterprise(&sheet, "sx-water")),
        (0, 1, 4, 1.5, 0.0, 2.5)
    );
    assert_eq!(
        figures(enterprise(&sheet, "wz-ctjt")),
        (0, 0, 1, 0.0, 1.0, 1.0)
    );
    assert_eq!(
        figures(enterprise(&sheet, "wz-port")),
        (0, 0, 1, 0.0, 0.0, 0.0)
    );
    assert_eq!(enterprise(&sheet, "wz-port")["c_target"], 1);
    let port_items = enterprise(&sheet, "wz-port")["items"]
        .as_array()
        .expect("items");
    assert_eq!(port_items.len(), 1);
    assert_eq!(port_items[0]["code"], "C3");
    assert_eq!(
        port_items[0]["named_enterprise"],
        "重庆万州新田港务有限公司"
    );
    assert!(
        !sheet["enterprises"]
            .as_array()
            .expect("list")
            .iter()
            .any(|e| e["id"] == "wz-xtport"),
        "a subsidiary has no scorecard of its own"
    );
    // Every counted item carries its evidence.
    let water = enterprise(&sheet, "sx-water")["items"]
        .as_array()
        .expect("items");
    assert_eq!(water.len(), 5);
    assert!(water.iter().all(|i| {
        i["evidence"]["kind"] == "file"
            && i["evidence"]["sha256"]
                .as_str()
                .is_some_and(|s| s.len() == 64)
    }));
    // 2024: the one item of wz-jkq counts there.
    let y2024 = score(&home, &["--year", "2024", "--enterprise", "wz-jkq"]);
    assert_eq!(
        figures(enterprise(&y2024, "wz-jkq")),
        (0, 0, 1, 0.0, 0.0, 0.0)
    );
    // Year to date at the end of Q1: sx-water has two C items (+0.5), its B
    // item of May not yet.
    let q1 = score(
        &home,
        &[
            "--year",
            "2025",
            "--quarter",
            "1",
            "--enterprise",
            "sx-water",
        ],
    );
    assert_eq!(
        figures(enterprise(&q1, "sx-water")),
        (0, 0, 2, 0.5, 0.0, 0.5)
    );
    assert_eq!(q1["quarter"], "Q1");
    // A subsidiary asked for by itself is pointed to its parent.
    let out = radar(
        &home,
        &["score", "--year", "2025", "--enterprise", "wz-xtport"],
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--enterprise wz-port"));
    // The ledger checks out after all that.
    assert!(
        ok(&home, &["ledger", "verify"]).contains("ledger verified: 13 entries, 13 checkpoints")
    );
}

#[test]
fn the_same_file_for_the_same_item_is_refused_and_stored_once() {
    let (_dir, home) = init_home();
    let file = home.root().join("批示.pdf");
    std::fs::write(&file, b"%PDF-1.4 the instruction").expect("file");
    let args = |item: &'static str| -> Vec<String> {
        [
            "evidence",
            "add",
            "--enterprise",
            "wz-ctjt",
            "--item",
            item,
            "--date",
            "2025-03-01",
            "--title",
            "市领导批示",
            "--issuer",
            "市委",
            "--reviewer",
            "张三",
            "--file",
        ]
        .iter()
        .map(|s| s.to_string())
        .chain([file.display().to_string()])
        .collect()
    };
    let a: Vec<String> = args("C1");
    let a: Vec<&str> = a.iter().map(String::as_str).collect();
    ok(&home, &a);
    let again = radar(&home, &a);
    assert!(!again.status.success());
    let err = String::from_utf8_lossy(&again.stderr);
    assert!(
        err.contains("already confirmed in entry 0 by 张三"),
        "{err}"
    );
    // The same file under another item counts again only with a reason.
    let b: Vec<String> = args("A1");
    let b: Vec<&str> = b.iter().map(String::as_str).collect();
    let refused = radar(&home, &b);
    assert!(!refused.status.success());
    let b: Vec<String> = args("A1")
        .into_iter()
        .chain(["--reason".to_string(), "另一项认定".to_string()])
        .collect();
    let b: Vec<&str> = b.iter().map(String::as_str).collect();
    let second = ok(&home, &b);
    assert!(second.contains("already stored"), "{second}");
    let stored: Vec<_> = walk(&home.files_dir());
    assert_eq!(stored.len(), 1, "{stored:?}");
    // Unknown items and enterprises are named.
    let bad: Vec<String> = args("Z9");
    let bad: Vec<&str> = bad.iter().map(String::as_str).collect();
    let out = radar(&home, &bad);
    assert!(String::from_utf8_lossy(&out.stderr).contains("`Z9` is not an item of rules.toml"));
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

fn pending(home: &Home) -> Vec<reform_radar::store::CandidateRow> {
    Store::open(&home.db_path())
        .expect("store")
        .candidates(&CandidateFilter {
            status: Some(CandidateStatus::Pending),
            ..Default::default()
        })
        .expect("candidates")
}

#[test]
fn two_reviewers_confirming_one_candidate_at_once_make_one_entry() {
    let (_dir, home) = crawled_home();
    let ids: Vec<i64> = pending(&home).iter().take(3).map(|c| c.id).collect();
    assert_eq!(ids.len(), 3);
    for id in &ids {
        let spawn = |who: &str| {
            Command::new(env!("CARGO_BIN_EXE_radar"))
                .arg("--home")
                .arg(home.root())
                .args(["review", "confirm", &id.to_string(), "--reviewer", who])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("spawn")
        };
        let (a, b) = (spawn("张三"), spawn("李四"));
        let outs = [
            a.wait_with_output().expect("a"),
            b.wait_with_output().expect("b"),
        ];
        let won: Vec<&Output> = outs.iter().filter(|o| o.status.success()).collect();
        let lost: Vec<&Output> = outs.iter().filter(|o| !o.status.success()).collect();
        assert_eq!(won.len(), 1, "exactly one confirmation of {id} lands");
        let told = String::from_utf8_lossy(&lost[0].stderr);
        assert!(told.contains("already confirmed in entry"), "{told}");
        assert!(told.contains("nothing written"), "{told}");
    }
    let list = ok(&home, &["ledger", "list", "--json"]);
    let entries: Vec<serde_json::Value> = serde_json::from_str(&list).expect("json");
    assert_eq!(entries.len(), 3);
    let mut cands: Vec<i64> = entries
        .iter()
        .map(|e| e["candidate"].as_i64().expect("candidate"))
        .collect();
    cands.sort();
    let mut want = ids.clone();
    want.sort();
    assert_eq!(cands, want);
    assert!(ok(&home, &["ledger", "verify"]).contains("3 entries, 3 checkpoints"));
}

#[test]
fn confirm_reclassify_reject_and_undo_keep_the_candidates_in_step() {
    let (_dir, home) = crawled_home();
    let all = pending(&home);
    let (first, second) = (&all[0], &all[1]);
    let out = ok(
        &home,
        &[
            "review",
            "confirm",
            &first.id.to_string(),
            "--reviewer",
            "张三",
            "--item",
            "C4",
            "--note",
            "改列市级推广",
        ],
    );
    assert!(out.contains("as ledger entry 0"), "{out}");
    let entries: Vec<serde_json::Value> =
        serde_json::from_str(&ok(&home, &["ledger", "list", "--json"])).expect("json");
    assert_eq!(entries[0]["item"], "C4");
    assert_eq!(entries[0]["evidence"]["kind"], "archive");
    assert_eq!(
        entries[0]["evidence"]["payload_sha256"]
            .as_str()
            .map(str::len),
        Some(64)
    );
    // `radar evidence ID` and `radar evidence show ID` are the same read-back.
    let old_form = ok(&home, &["evidence", &first.article_id, "--json"]);
    let new_form = ok(&home, &["evidence", "show", &first.article_id, "--json"]);
    assert_eq!(old_form, new_form);
    let shown: serde_json::Value = serde_json::from_str(&new_form).expect("json");
    assert_eq!(
        shown["payload_sha256"],
        entries[0]["evidence"]["payload_sha256"]
    );
    assert_eq!(shown["verified"], true);
    // Rejecting a confirmed candidate points to undo.
    let r = radar(
        &home,
        &[
            "review",
            "reject",
            &first.id.to_string(),
            "--reviewer",
            "李四",
            "--reason",
            "web-only",
        ],
    );
    assert!(String::from_utf8_lossy(&r.stderr).contains("undo it first"));
    // A bad reason code is refused with the list; free text is `other`.
    let r = radar(
        &home,
        &[
            "review",
            "reject",
            &second.id.to_string(),
            "--reviewer",
            "李四",
            "--reason",
            " ",
        ],
    );
    assert!(String::from_utf8_lossy(&r.stderr).contains("not-this-enterprise"));
    ok(
        &home,
        &[
            "review",
            "reject",
            &second.id.to_string(),
            "--reviewer",
            "李四",
            "--reason",
            "list-mention",
        ],
    );
    let store = Store::open(&home.db_path()).expect("store");
    let status = |id: i64| {
        store
            .candidates(&CandidateFilter {
                id: Some(id),
                ..Default::default()
            })
            .expect("list")[0]
            .status
    };
    assert_eq!(status(first.id), CandidateStatus::Confirmed);
    assert_eq!(status(second.id), CandidateStatus::Rejected);
    let history = store.candidate_history(second.id).expect("history");
    assert_eq!(history.last().map(|h| h.to.as_str()), Some("rejected"));
    // Undo: a reversing entry, the candidate pending again, and a second undo refused.
    ok(
        &home,
        &[
            "review",
            "undo",
            "0",
            "--reviewer",
            "王五",
            "--reason",
            "误确认",
        ],
    );
    assert_eq!(status(first.id), CandidateStatus::Pending);
    let again = radar(
        &home,
        &[
            "review",
            "undo",
            "0",
            "--reviewer",
            "王五",
            "--reason",
            "误确认",
        ],
    );
    assert!(String::from_utf8_lossy(&again.stderr).contains("already undone by entry 1"));
    // Confirmed again after the undo: a new entry.
    let out = ok(
        &home,
        &[
            "review",
            "confirm",
            &first.id.to_string(),
            "--reviewer",
            "张三",
        ],
    );
    assert!(out.contains("as ledger entry 2"), "{out}");
    // The rejected share per alias and source.
    let stats: Vec<serde_json::Value> =
        serde_json::from_str(&ok(&home, &["enterprises", "list", "--json", "--stats"]))
            .expect("json");
    let rejected: u64 = stats
        .iter()
        .flat_map(|e| e["stats"].as_array().cloned().unwrap_or_default())
        .map(|s| s["rejected"].as_u64().unwrap_or(0))
        .sum();
    assert!(rejected >= 1, "{stats:#?}");
}

#[test]
fn the_ledger_refuses_changes_and_verify_names_what_was_changed_behind_its_back() {
    let (_dir, home) = init_home();
    let mut n = 0;
    for (e, item, d) in [
        ("wz-ctjt", "C1", "2025-01-05"),
        ("wz-ctjt", "B1", "2025-02-05"),
        ("sx-water", "C2", "2025-03-05"),
        ("sx-water", "A2", "2025-04-05"),
    ] {
        add(&home, &mut n, e, item, d);
    }
    let db = rusqlite::Connection::open(home.db_path()).expect("db");
    let upd = db.execute(
        "UPDATE ledger_entries SET enterprise = 'wz-jkq' WHERE seq = 1",
        [],
    );
    assert!(
        upd.expect_err("refused")
            .to_string()
            .contains("append-only")
    );
    let del = db.execute("DELETE FROM ledger_entries WHERE seq = 3", []);
    assert!(
        del.expect_err("refused")
            .to_string()
            .contains("append-only")
    );
    let cp = db.execute("DELETE FROM checkpoints", []);
    assert!(cp.is_err());
    assert!(ok(&home, &["ledger", "verify"]).contains("4 entries, 4 checkpoints"));

    // Behind the triggers' back: a column changed, and an entry rewritten
    // with its leaf hash recomputed (what a careful forger would do).
    db.execute_batch(
        "DROP TRIGGER ledger_entries_no_update; DROP TRIGGER ledger_entries_no_delete;",
    )
    .expect("drop");
    db.execute(
        "UPDATE ledger_entries SET enterprise = 'wz-jkq' WHERE seq = 1",
        [],
    )
    .expect("column");
    let leaf: Vec<u8> = db
        .query_row("SELECT leaf FROM ledger_entries WHERE seq = 2", [], |r| {
            r.get(0)
        })
        .expect("leaf");
    let forged = String::from_utf8(leaf)
        .expect("utf-8")
        .replace("\"C2\"", "\"C1\"");
    let hash = reform_radar::ledger::merkle::leaf_hash(forged.as_bytes());
    db.execute(
        "UPDATE ledger_entries SET leaf = ?1, leaf_hash = ?2, item = 'C1' WHERE seq = 2",
        rusqlite::params![forged.as_bytes(), hash.to_vec()],
    )
    .expect("forge");
    let out = radar(&home, &["ledger", "verify"]);
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("entry 1: column enterprise says \"wz-jkq\""),
        "{said}"
    );
    assert!(said.contains("entry 2 was changed"), "{said}");
    assert!(!said.contains("entry 0"), "{said}");
    // A deleted entry is found too.
    db.execute("DELETE FROM ledger_entries WHERE seq = 3", [])
        .expect("delete");
    let said = String::from_utf8_lossy(&radar(&home, &["ledger", "verify"]).stdout).into_owned();
    assert!(said.contains("entries were removed"), "{said}");
}

#[test]
fn the_published_checkpoint_verifies_with_openssl() {
    let (dir, home) = init_home();
    let mut n = 0;
    add(&home, &mut n, "wz-ctjt", "C1", "2025-01-05");
    add(&home, &mut n, "wz-port", "B2", "2025-01-06");
    let out_dir = dir.path().join("published");
    let note = ok(
        &home,
        &[
            "ledger",
            "checkpoint",
            "--out",
            out_dir.to_str().expect("utf-8"),
        ],
    );
    let lines: Vec<&str> = note.lines().collect();
    assert!(lines[0].starts_with("reform-radar.ledger/"));
    assert_eq!(lines[1], "2");
    assert_eq!(lines[3], "");
    assert!(lines[4].starts_with("\u{2014} "));
    let verify = |body: &Path| {
        Command::new("openssl")
            .args(["pkeyutl", "-verify", "-pubin", "-inkey"])
            .arg(out_dir.join("ledger-public.pem"))
            .arg("-rawin")
            .arg("-in")
            .arg(body)
            .arg("-sigfile")
            .arg(out_dir.join("checkpoint.sig"))
            .output()
            .expect("openssl runs (install openssl)")
    };
    let good = verify(&out_dir.join("checkpoint.txt"));
    assert!(
        good.status.success(),
        "{}",
        String::from_utf8_lossy(&good.stderr)
    );
    assert!(String::from_utf8_lossy(&good.stdout).contains("Signature Verified Successfully"));
    let forged = out_dir.join("forged.txt");
    let body = std::fs::read_to_string(out_dir.join("checkpoint.txt")).expect("body");
    std::fs::write(&forged, body.replace("\n2\n", "\n3\n")).expect("write");
    assert!(!verify(&forged).status.success());
}

#[test]
fn an_exported_bundle_validates_with_bagit_and_a_changed_byte_does_not() {
    let (dir, home) = crawled_home();
    let c = pending(&home)
        .into_iter()
        .find(|c| {
            c.enterprise == "wz-ctjt"
                && c.published
                    .as_deref()
                    .is_some_and(|d| d.starts_with("2026"))
        })
        .expect("a wz-ctjt candidate");
    ok(
        &home,
        &["review", "confirm", &c.id.to_string(), "--reviewer", "张三"],
    );
    let mut n = 0;
    add(&home, &mut n, "wz-ctjt", "C1", "2026-05-01");
    add(&home, &mut n, "sx-water", "C1", "2026-05-02");
    let bag = dir.path().join("bundle");
    let out = ok(
        &home,
        &[
            "export",
            "--enterprise",
            "wz-ctjt",
            "--year",
            "2026",
            "--out",
            bag.to_str().expect("utf-8"),
        ],
    );
    assert!(
        out.contains("2 ledger entries, 1 archived pages, 1 files"),
        "{out}"
    );
    let info = std::fs::read_to_string(bag.join("bag-info.txt")).expect("bag-info");
    assert!(info.contains("Enterprise-Id: wz-ctjt"));
    assert!(info.contains("Year: 2026"));
    assert!(info.contains("Source-Organization: 重庆市万州区国有资产监督管理委员会"));
    let verify_md = std::fs::read_to_string(bag.join("data/VERIFY.md")).expect("VERIFY.md");
    assert!(verify_md.contains("核验步骤") && verify_md.contains("openssl pkeyutl"));
    let validate = || {
        python(
            "import sys, bagit; bag = bagit.Bag(sys.argv[1]); bag.validate(); print('valid')",
            &[bag.as_os_str()],
        )
    };
    let v = validate();
    assert!(v.status.success(), "{}", String::from_utf8_lossy(&v.stderr));
    // The stdlib script checks every inclusion proof and digest.
    let script = Command::new("python3")
        .arg(bag.join("data/verify.py"))
        .output()
        .expect("python3");
    let said = String::from_utf8_lossy(&script.stdout);
    assert!(script.status.success(), "{said}");
    assert!(said.contains("核验通过：2 条记录"), "{said}");
    // The archived page is the original record: warcio reads it.
    let rec = bag.join("data/pages/000000/record.warc.gz");
    let idx = crate::support::warcio(&["index"], &rec);
    assert!(String::from_utf8_lossy(&idx.stdout).contains("response"));
    // One changed byte in the archived payload: bagit and verify.py both say so.
    let payload = bag.join("data/pages/000000/payload.bin");
    let mut bytes = std::fs::read(&payload).expect("payload");
    bytes[10] ^= 0x20;
    std::fs::write(&payload, bytes).expect("write");
    let v = validate();
    assert!(!v.status.success());
    assert!(String::from_utf8_lossy(&v.stderr).contains("payload.bin"));
    let script = Command::new("python3")
        .arg(bag.join("data/verify.py"))
        .output()
        .expect("python3");
    assert!(!script.status.success());
    // A bundle is never written over an existing one.
    let again = radar(
        &home,
        &[
            "export",
            "--enterprise",
            "wz-ctjt",
            "--year",
            "2026",
            "--out",
            bag.to_str().expect("utf-8"),
        ],
    );
    assert!(String::from_utf8_lossy(&again.stderr).contains("not empty"));
}

#[test]
fn the_xlsx_scorecard_and_the_docx_reports_read_back_with_openpyxl_and_python_docx() {
    let (dir, home) = init_home();
    let mut n = 0;
    add(&home, &mut n, "wz-ctjt", "C1", "2026-02-01");
    add(&home, &mut n, "wz-ctjt", "B1", "2026-05-10");
    add(&home, &mut n, "wz-ctjt", "A2", "2026-06-20");
    add(&home, &mut n, "sx-water", "C4", "2026-04-01");
    let xlsx = dir.path().join("score.xlsx");
    ok(
        &home,
        &[
            "score",
            "--year",
            "2026",
            "--format",
            "xlsx",
            "--out",
            xlsx.to_str().expect("utf-8"),
        ],
    );
    let read = python(
        r#"
import sys, json, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
out = {"sheets": wb.sheetnames}
s = wb["汇总"]
rows = [[c.value for c in r] for r in s.iter_rows()]
out["summary_header"] = rows[0]
out["summary"] = {r[0]: r for r in rows[1:] if r[0]}
d = wb["明细"]
drows = [[c.value for c in r] for r in d.iter_rows()]
out["detail_header"] = drows[0]
out["detail"] = [[str(v) if v is not None else None for v in r] for r in drows[1:]]
print(json.dumps(out, ensure_ascii=False, default=str))
"#,
        &[xlsx.as_os_str()],
    );
    assert!(
        read.status.success(),
        "{}",
        String::from_utf8_lossy(&read.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&read.stdout).expect("json");
    assert!(
        v["sheets"]
            .as_array()
            .expect("sheets")
            .iter()
            .any(|s| s == "汇总")
    );
    assert!(
        v["sheets"]
            .as_array()
            .expect("sheets")
            .iter()
            .any(|s| s == "明细")
    );
    let header: Vec<String> = v["summary_header"]
        .as_array()
        .expect("header")
        .iter()
        .map(|c| c.as_str().unwrap_or_default().to_string())
        .collect();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("{name} in {header:?}"))
    };
    let ctjt = &v["summary"]["wz-ctjt"];
    // wz-ctjt: A2 +1, B1 +1, one C item on target: 2.
    assert_eq!(ctjt[col("A类")].as_f64(), Some(1.0));
    assert_eq!(ctjt[col("B类")].as_f64(), Some(1.0));
    assert_eq!(ctjt[col("C类")].as_f64(), Some(1.0));
    assert_eq!(ctjt[col("合计")].as_f64(), Some(2.0));
    assert_eq!(v["summary"]["wz-jkq"][col("合计")].as_f64(), Some(-1.0));
    let detail = v["detail"].as_array().expect("detail");
    assert_eq!(detail.len(), 4, "one row per counted item");
    assert!(detail.iter().any(|r| r.to_string().contains("2026-05-10")));

    let docx = dir.path().join("q2.docx");
    let out = ok(
        &home,
        &[
            "report",
            "quarterly",
            "--enterprise",
            "wz-ctjt",
            "--year",
            "2026",
            "--quarter",
            "2",
            "--out",
            docx.to_str().expect("utf-8"),
        ],
    );
    assert!(out.contains("2 items"), "{out}");
    let case = dir.path().join("case.docx");
    ok(
        &home,
        &[
            "report",
            "case",
            "--enterprise",
            "wz-ctjt",
            "--year",
            "2026",
            "--out",
            case.to_str().expect("utf-8"),
        ],
    );
    let read_docx = |path: &Path| -> serde_json::Value {
        let out = python(
            r#"
import sys, json, docx
from docx.oxml.ns import qn
d = docx.Document(sys.argv[1])
text = [p.text for p in d.paragraphs]
for t in d.tables:
    for row in t.rows:
        text.append(" | ".join(c.text for c in row.cells))
runs = [r for p in d.paragraphs for r in p.runs] + [r for t in d.tables for row in t.rows for c in row.cells for p in c.paragraphs for r in p.runs]
def east_asia(r):
    rpr = r._element.rPr
    fonts = None if rpr is None else rpr.find(qn("w:rFonts"))
    return None if fonts is None else fonts.get(qn("w:eastAsia"))
print(json.dumps({"text": "\n".join(text), "runs": len(runs),
                  "without_east_asia": sum(1 for r in runs if r.text and not east_asia(r))}, ensure_ascii=False))
"#,
            &[path.as_os_str()],
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("json")
    };
    let q = read_docx(&docx);
    let text = q["text"].as_str().expect("text");
    assert!(text.contains("2026年第2季度"), "{text}");
    assert!(
        text.contains("wz-ctjt B1 材料 2"),
        "the quarter's B1 item: {text}"
    );
    assert!(
        text.contains("wz-ctjt A2 材料 3"),
        "the quarter's A2 item: {text}"
    );
    assert!(
        !text.contains("wz-ctjt C1 材料 1"),
        "a Q1 item is not in the Q2 list: {text}"
    );
    assert!(
        text.contains("reform-radar.ledger/"),
        "the checkpoint: {text}"
    );
    assert!(q["runs"].as_u64().expect("runs") > 5);
    assert_eq!(
        q["without_east_asia"], 0,
        "every run sets the East Asian font"
    );
    let c = read_docx(&case);
    let text = c["text"].as_str().expect("text");
    for heading in ["一、改革前的问题", "二、改革举措", "三、改革成效"] {
        assert!(text.contains(heading), "{heading} in {text}");
    }
    assert!(
        text.contains("wz-ctjt A2 材料 3") && text.contains("wz-ctjt C1 材料 1"),
        "{text}"
    );
    assert_eq!(c["without_east_asia"], 0);
}

#[test]
fn the_kept_right_edge_of_the_tree_is_rebuilt_when_missing_and_a_forged_one_is_caught() {
    let (_dir, home) = init_home();
    let mut n = 0;
    for (item, d) in [
        ("C1", "2025-01-05"),
        ("B1", "2025-02-05"),
        ("C2", "2025-03-05"),
    ] {
        add(&home, &mut n, "wz-ctjt", item, d);
    }
    let db = rusqlite::Connection::open(home.db_path()).expect("db");
    let size: i64 = db
        .query_row("SELECT size FROM ledger_frontier", [], |r| r.get(0))
        .expect("the edge is kept");
    assert_eq!(size, 3);
    // Gone (a ledger from before the edge was kept): rebuilt from the leaves.
    db.execute("DELETE FROM ledger_frontier", [])
        .expect("delete");
    add(&home, &mut n, "wz-ctjt", "C3", "2025-04-05");
    add(&home, &mut n, "wz-ctjt", "A1", "2025-05-05");
    assert!(ok(&home, &["ledger", "verify"]).contains("5 entries, 5 checkpoints"));
    // Forged (same shape, wrong hashes): the next checkpoint signs a root the
    // leaves do not give, and verify, which never reads the edge, says so.
    let nodes: Vec<u8> = db
        .query_row("SELECT nodes FROM ledger_frontier", [], |r| r.get(0))
        .expect("nodes");
    db.execute(
        "UPDATE ledger_frontier SET nodes = ?1",
        [vec![7u8; nodes.len()]],
    )
    .expect("forge");
    add(&home, &mut n, "wz-ctjt", "B2", "2025-06-05");
    let out = radar(&home, &["ledger", "verify"]);
    assert!(!out.status.success(), "a wrong root must not verify");
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("(size 6): the tree's root differs"), "{said}");
}
