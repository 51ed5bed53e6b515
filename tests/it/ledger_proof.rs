//! The ledger's proof against whoever runs the server (issue 16): REPLACE is
//! refused with the triggers in place; a rewrite re-signed with the home's
//! own key is caught by a published checkpoint and by the witness folder;
//! an honest grown ledger verifies against an older published checkpoint
//! (CLI and the bundle's verify.py); five bundle tampers with recomputed
//! manifests are each caught by verify.py; altered evidence bytes are named
//! by `ledger verify`, flagged in the UI and not packed; invalid
//! confirmations are refused; rules are required.

use crate::support::{new_home, python, radar, radar_ok as ok};
use crate::web_support::{App, add_user, crawled_home};
use reform_radar::config::Home;
use reform_radar::ledger::{Checkpoint, Entry, LedgerKey, merkle};
use reform_radar::store::{CandidateFilter, CandidateStatus, Store};
use std::path::Path;
use std::process::{Command, Output};

fn init_home() -> (tempfile::TempDir, Home) {
    let (dir, home) = new_home();
    ok(&home, &["init"]);
    (dir, home)
}

/// Add a manual item with its own file; returns the radar output.
fn add(home: &Home, n: &mut u32, enterprise: &str, item: &str, on: &str) -> Output {
    *n += 1;
    let file = home.root().join(format!("evidence-{n}.pdf"));
    std::fs::write(
        &file,
        format!("%PDF-1.4 evidence {n} {enterprise} {item} {on}"),
    )
    .expect("file");
    add_file(home, &file, enterprise, item, on, &[])
}

fn add_file(
    home: &Home,
    file: &Path,
    enterprise: &str,
    item: &str,
    on: &str,
    extra: &[&str],
) -> Output {
    let mut args = vec![
        "evidence",
        "add",
        "--enterprise",
        enterprise,
        "--item",
        item,
        "--date",
        on,
        "--title",
        "材料",
        "--issuer",
        "市委改革办",
        "--file",
        file.to_str().expect("utf-8"),
        "--reviewer",
        "张三",
    ];
    args.extend_from_slice(extra);
    radar(home, &args)
}

fn add_ok(home: &Home, n: &mut u32, enterprise: &str, item: &str, on: &str) {
    let out = add(home, n, enterprise, item, on);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn said(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn publish(home: &Home, to: &Path) -> String {
    let note = ok(home, &["ledger", "checkpoint"]);
    std::fs::write(to, &note).expect("write note");
    note
}

fn verify_py(bag: &Path, args: &[&str]) -> Output {
    Command::new("python3")
        .arg(bag.join("data/verify.py"))
        .args(args)
        .output()
        .expect("python3")
}

#[test]
fn insert_or_replace_is_refused_with_the_triggers_in_place() {
    let (_dir, home) = init_home();
    let mut n = 0;
    add_ok(&home, &mut n, "wz-ctjt", "C2", "2025-01-05");
    add_ok(&home, &mut n, "sx-water", "C2", "2025-02-05");
    let db = rusqlite::Connection::open(home.db_path()).expect("db");
    // A plain connection, without recursive_triggers: the guards still hold.
    let replace = db.execute(
        "INSERT OR REPLACE INTO ledger_entries (seq, leaf, leaf_hash, action, enterprise, \
         named_enterprise, item, report_key, candidate_id, reverses, evidence_date, reviewer, at) \
         SELECT seq, leaf, leaf_hash, action, 'wz-jkq', named_enterprise, item, report_key, \
         candidate_id, reverses, evidence_date, reviewer, at FROM ledger_entries WHERE seq = 0",
        [],
    );
    let err = replace.expect_err("REPLACE refused").to_string();
    assert!(err.contains("append-only"), "{err}");
    let replace_cp = db.execute(
        "INSERT OR REPLACE INTO checkpoints (id, size, note, at) SELECT id, size, note, at FROM checkpoints WHERE id = 1",
        [],
    );
    assert!(
        replace_cp
            .expect_err("refused")
            .to_string()
            .contains("append-only")
    );
    let gap = db.execute(
        "INSERT INTO ledger_entries (seq, leaf, leaf_hash, action, enterprise, named_enterprise, \
         item, report_key, evidence_date, reviewer, at) VALUES (7, x'00', x'00', 'confirm', 'a', 'a', \
         'C1', 'k', '2025-01-01', 'x', 'y')",
        [],
    );
    assert!(gap.is_err());
    let upd = db.execute("UPDATE files SET size = 1", []);
    assert!(
        upd.expect_err("refused")
            .to_string()
            .contains("append-only")
    );
    // The store's own connections turn recursive_triggers on.
    let store = Store::open(&home.db_path()).expect("store");
    drop(store);
    assert!(said(&radar(&home, &["ledger", "verify"])).contains("ledger verified: 2 entries"));
}

/// Rewrite entry 1 to another enterprise behind the schema's back and
/// re-sign every checkpoint with the key that sits in the home.
fn rewrite_and_resign(home: &Home) {
    let db = rusqlite::Connection::open(home.db_path()).expect("db");
    db.execute_batch("DROP TRIGGER ledger_entries_no_update; DROP TRIGGER checkpoints_no_delete;")
        .expect("drop triggers");
    let leaves: Vec<Vec<u8>> = {
        let mut st = db
            .prepare("SELECT leaf FROM ledger_entries ORDER BY seq")
            .expect("prepare");
        st.query_map([], |r| r.get(0))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows")
    };
    let mut entries: Vec<Entry> = leaves
        .iter()
        .map(|b| Entry::parse(b).expect("entry"))
        .collect();
    entries[1].enterprise = "wz-jkq".into();
    entries[1].named_enterprise = "wz-jkq".into();
    let bytes = entries[1].canonical();
    db.execute(
        "UPDATE ledger_entries SET leaf = ?1, leaf_hash = ?2, enterprise = 'wz-jkq', named_enterprise = 'wz-jkq' WHERE seq = 1",
        rusqlite::params![bytes, entries[1].leaf().hash().to_vec()],
    )
    .expect("rewrite");
    let key = LedgerKey::from_pem(
        &std::fs::read_to_string(home.ledger_key_path()).expect("the home's key"),
    )
    .expect("key");
    let hashes: Vec<merkle::Hash> = entries.iter().map(|e| e.leaf().hash()).collect();
    db.execute("DELETE FROM checkpoints", []).expect("delete");
    for n in 1..=hashes.len() {
        let cp = Checkpoint::sign(&key, n as u64, merkle::root(&hashes[..n]));
        db.execute(
            "INSERT INTO checkpoints (size, note, at) VALUES (?1, ?2, '2026-01-01T00:00:00Z')",
            rusqlite::params![n as i64, cp.note(&key.public())],
        )
        .expect("re-sign");
    }
}

#[test]
fn a_rewrite_resigned_with_the_homes_key_is_caught_by_published_and_witness_checkpoints() {
    let (dir, home) = init_home();
    let witness = dir.path().join("witness");
    let settings = home.settings_path();
    let original = std::fs::read_to_string(&settings).expect("radar.toml");
    let with_witness = original.replace(
        "# witness_dir = \"/mnt/witness/reform-radar\"",
        &format!("witness_dir = {:?}", witness.display().to_string()),
    );
    assert_ne!(
        with_witness, original,
        "the default radar.toml names witness_dir"
    );
    std::fs::write(&settings, &with_witness).expect("write");
    let mut n = 0;
    for (e, item, d) in [
        ("wz-ctjt", "C2", "2025-01-05"),
        ("wz-ctjt", "C4", "2025-02-05"),
        ("sx-water", "C2", "2025-03-05"),
    ] {
        add_ok(&home, &mut n, e, item, d);
    }
    let published = dir.path().join("q1.note");
    publish(&home, &published);
    // Every checkpoint went to the witness folder too.
    let witnessed: Vec<_> = std::fs::read_dir(&witness)
        .expect("witness folder")
        .flatten()
        .collect();
    assert_eq!(witnessed.len(), 3);
    let good = radar(
        &home,
        &[
            "ledger",
            "verify",
            "--published",
            published.to_str().expect("utf-8"),
        ],
    );
    assert!(good.status.success(), "{}", said(&good));
    assert!(
        said(&good).contains("extends 4 published checkpoints"),
        "{}",
        said(&good)
    );

    rewrite_and_resign(&home);
    // Without anything from outside the home the rewrite is undetectable.
    std::fs::write(&settings, &original).expect("write");
    let blind = radar(&home, &["ledger", "verify", "--quick"]);
    assert!(blind.status.success(), "{}", said(&blind));
    // The published checkpoint catches it, naming it.
    let caught = radar(
        &home,
        &[
            "ledger",
            "verify",
            "--quick",
            "--published",
            published.to_str().expect("utf-8"),
        ],
    );
    assert!(!caught.status.success());
    assert!(
        said(&caught).contains("q1.note (size 3): the ledger no longer extends it"),
        "{}",
        said(&caught)
    );
    // So does the witness folder, checked by default; the first checkpoint
    // the ledger no longer extends is the one of size 2.
    std::fs::write(&settings, &with_witness).expect("write");
    let caught = radar(&home, &["ledger", "verify", "--quick"]);
    assert!(!caught.status.success());
    assert!(
        said(&caught)
            .contains("checkpoint-000000002.note (size 2): the ledger no longer extends it"),
        "{}",
        said(&caught)
    );
}

#[test]
fn a_group_readable_signing_key_outside_the_home_is_refused() {
    let (dir, home) = init_home();
    let key = dir.path().join("secret").join("ledger.pem");
    let settings = home.settings_path();
    let text = std::fs::read_to_string(&settings)
        .expect("radar.toml")
        .replace(
            "# signing_key = \"/etc/reform-radar/ledger-ed25519.pem\"",
            &format!("signing_key = {:?}", key.display().to_string()),
        );
    std::fs::write(&settings, text).expect("write");
    // The home's init key is not this one: start from an empty ledger.
    std::fs::remove_file(home.ledger_public_key_path()).expect("rm public");
    let mut n = 0;
    add_ok(&home, &mut n, "wz-ctjt", "C2", "2025-01-05");
    assert!(key.is_file(), "the key was made where radar.toml says");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o640)).expect("chmod");
        let out = add(&home, &mut n, "wz-ctjt", "C4", "2025-01-06");
        assert!(!out.status.success());
        assert!(said(&out).contains("readable by others"), "{}", said(&out));
    }
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

fn export(home: &Home, enterprise: &str, year: &str, out: &Path) -> String {
    ok(
        home,
        &[
            "export",
            "--enterprise",
            enterprise,
            "--year",
            year,
            "--out",
            out.to_str().expect("utf-8"),
        ],
    )
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read").flatten() {
        let p = e.path();
        let t = to.join(e.file_name());
        if p.is_dir() {
            copy_dir(&p, &t);
        } else {
            std::fs::copy(&p, &t).expect("copy");
        }
    }
}

/// Recompute the bag's manifests with bagit.py (as a forger would) and
/// check that bagit.py then finds the bag valid.
fn rebag(bag: &Path) {
    let out = python(
        "import sys, bagit; b = bagit.Bag(sys.argv[1]); b.save(manifests=True); bagit.Bag(sys.argv[1]).validate(); print('valid')",
        &[bag.as_os_str()],
    );
    assert!(out.status.success(), "{}", said(&out));
}

#[test]
fn bundles_prove_completeness_against_an_older_checkpoint_and_catch_five_tampers() {
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
    add_ok(&home, &mut n, "wz-ctjt", "C2", "2026-05-01");
    add_ok(&home, &mut n, "sx-water", "C2", "2026-05-02");
    // Published two quarters ago: size 3.
    let q1 = dir.path().join("published-q1.note");
    let note = publish(&home, &q1);
    let q1_cp = Checkpoint::parse(&note).expect("note");
    add_ok(&home, &mut n, "wz-ctjt", "C4", "2026-06-01");
    add_ok(&home, &mut n, "sx-water", "C4", "2026-06-02");
    ok(
        &home,
        &[
            "review",
            "undo",
            "3",
            "--reviewer",
            "李四",
            "--reason",
            "材料不符",
        ],
    );
    add_ok(&home, &mut n, "wz-jkq", "C2", "2026-07-01");
    // The grown ledger extends the old checkpoint (CLI), with a proof.
    let v = radar(
        &home,
        &[
            "ledger",
            "verify",
            "--published",
            q1.to_str().expect("utf-8"),
        ],
    );
    assert!(v.status.success(), "{}", said(&v));
    let proof: serde_json::Value =
        serde_json::from_str(&ok(&home, &["ledger", "prove", "--from", "3"])).expect("json");
    let b64 = |s: &serde_json::Value| -> merkle::Hash {
        use base64::Engine;
        let v = base64::engine::general_purpose::STANDARD
            .decode(s.as_str().expect("str"))
            .expect("b64");
        <merkle::Hash>::try_from(v.as_slice()).expect("32 bytes")
    };
    let hashes: Vec<merkle::Hash> = proof["proof"]
        .as_array()
        .expect("proof")
        .iter()
        .map(b64)
        .collect();
    assert_eq!(b64(&proof["old_root"]), q1_cp.root);
    assert!(merkle::verify_consistency(
        3,
        proof["new_size"].as_u64().expect("size"),
        &q1_cp.root,
        &b64(&proof["new_root"]),
        &hashes
    ));

    let bag = dir.path().join("bundle");
    let out = export(&home, "wz-ctjt", "2026", &bag);
    assert!(
        out.contains("4 ledger entries, 1 archived pages, 2 files"),
        "{out}"
    );
    // verify.py against the checkpoint published two quarters earlier.
    let q1s = q1.to_str().expect("utf-8");
    let honest = verify_py(&bag, &["--published", q1s]);
    assert!(honest.status.success(), "{}", said(&honest));
    assert!(
        said(&honest).contains("与公开检查点一致：树大小 3"),
        "{}",
        said(&honest)
    );
    let root_b64 = note.lines().nth(2).expect("root line");
    let by_root = verify_py(&bag, &["--size", "3", "--root", root_b64]);
    assert!(by_root.status.success(), "{}", said(&by_root));
    let wrong = verify_py(&bag, &["--size", "2", "--root", root_b64]);
    assert!(!wrong.status.success());
    // The detached signature of the tag manifest verifies with openssl.
    let sig = Command::new("openssl")
        .args(["pkeyutl", "-verify", "-pubin", "-inkey"])
        .arg(bag.join("data/ledger/ledger-public.pem"))
        .arg("-rawin")
        .arg("-in")
        .arg(bag.join("tagmanifest-sha256.txt"))
        .arg("-sigfile")
        .arg(bag.join("tagmanifest-sha256.txt.sig"))
        .output()
        .expect("openssl");
    assert!(
        said(&sig).contains("Signature Verified Successfully"),
        "{}",
        said(&sig)
    );

    type Tamper = fn(&Path);
    let tampers: [(&str, Tamper, &str); 5] = [
        (
            "the undo entry deleted",
            |b| {
                let idx = b.join("data/ledger/entries.jsonl");
                let kept: String = std::fs::read_to_string(&idx)
                    .expect("index")
                    .lines()
                    .filter(|l| !l.contains("\"action\":\"undo\""))
                    .map(|l| format!("{l}\n"))
                    .collect();
                std::fs::write(&idx, kept).expect("write");
                std::fs::remove_file(b.join("data/ledger/entries/000005.json")).expect("rm");
            },
            "记录 5：树中有本企业的这条记录，包内却没有",
        ),
        (
            "scorecard.json edited",
            |b| {
                let p = b.join("data/scorecard.json");
                let mut v: serde_json::Value =
                    serde_json::from_slice(&std::fs::read(&p).expect("read")).expect("json");
                v["enterprises"][0]["total"] = 9.0.into();
                std::fs::write(&p, serde_json::to_vec_pretty(&v).expect("json")).expect("write");
            },
            "scorecard.json 的 total 为 9",
        ),
        (
            "text.txt altered",
            |b| {
                let p = b.join("data/pages/000000/text.txt");
                let t = std::fs::read_to_string(&p).expect("text");
                std::fs::write(&p, format!("{t}\n伪造的一句话\n")).expect("write");
            },
            "标签清单 tagmanifest-sha256.txt 的签名不能用台账公钥验证",
        ),
        (
            "record.warc.gz replaced with garbage",
            |b| {
                std::fs::write(b.join("data/pages/000000/record.warc.gz"), b"garbage")
                    .expect("write");
            },
            "记录 0：WARC 记录",
        ),
        (
            "payload.bin altered after its key was deleted",
            |b| {
                let idx = b.join("data/ledger/entries.jsonl");
                let text: String = std::fs::read_to_string(&idx)
                    .expect("index")
                    .lines()
                    .map(|l| {
                        let mut v: serde_json::Value = serde_json::from_str(l).expect("line");
                        if let Some(o) = v.as_object_mut() {
                            o.remove("payload");
                        }
                        format!("{v}\n")
                    })
                    .collect();
                std::fs::write(&idx, text).expect("write");
                let p = b.join("data/pages/000000/payload.bin");
                let mut bytes = std::fs::read(&p).expect("payload");
                bytes[20] ^= 0x20;
                std::fs::write(&p, bytes).expect("write");
            },
            "记录 0：payload.bin 缺失或与签名记录的 payload_sha256 不符",
        ),
    ];
    for (i, (what, tamper, expect)) in tampers.iter().enumerate() {
        let copy = dir.path().join(format!("tampered-{i}"));
        copy_dir(&bag, &copy);
        tamper(&copy);
        rebag(&copy);
        let out = verify_py(&copy, &["--published", q1s]);
        assert!(
            !out.status.success(),
            "{what}: verify.py passed:\n{}",
            said(&out)
        );
        assert!(said(&out).contains(expect), "{what}:\n{}", said(&out));
        assert!(said(&out).contains("核验未通过"), "{what}");
    }
}

#[test]
fn altered_evidence_bytes_are_named_by_verify_flagged_in_the_ui_and_not_packed() {
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
    add_ok(&home, &mut n, "wz-ctjt", "C2", "2026-05-01");
    assert!(said(&radar(&home, &["ledger", "verify"])).contains("2 evidence records re-hashed"));
    let entries: Vec<Entry> =
        serde_json::from_str(&ok(&home, &["ledger", "list", "--json"])).expect("entries");
    // A same-length rewrite inside the archived record's gzip member.
    let (warc, offset, length) = match &entries[0].evidence {
        reform_radar::ledger::Evidence::Archive {
            warc_file,
            warc_offset,
            warc_length,
            ..
        } => (
            home.archive_dir().join(warc_file),
            *warc_offset,
            *warc_length,
        ),
        other => panic!("not an archive: {other:?}"),
    };
    let mut bytes = std::fs::read(&warc).expect("warc");
    let len_before = bytes.len();
    let mid = (offset + length / 2) as usize;
    for b in &mut bytes[mid..mid + 8] {
        *b ^= 0x5a;
    }
    std::fs::write(&warc, &bytes).expect("write");
    assert_eq!(
        std::fs::metadata(&warc).expect("meta").len() as usize,
        len_before
    );
    // A byte appended to the stored file behind the manual entry.
    let sha = match &entries[1].evidence {
        reform_radar::ledger::Evidence::File { sha256, .. } => sha256.clone(),
        other => panic!("not a file: {other:?}"),
    };
    let stored = home.file_path(&sha);
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&stored)
        .expect("open");
    std::io::Write::write_all(&mut f, b"x").expect("append");
    drop(f);

    let v = radar(&home, &["ledger", "verify"]);
    assert!(!v.status.success());
    let text = said(&v);
    assert!(text.contains("entry 0: evidence altered"), "{text}");
    assert!(text.contains("entry 1: evidence altered"), "{text}");
    assert!(!text.contains(&home.root().display().to_string()), "{text}");
    assert!(
        radar(&home, &["ledger", "verify", "--quick"])
            .status
            .success()
    );

    // Export names both instead of packing them, and does not fail.
    let bag = dir.path().join("bag");
    let out = export(&home, "wz-ctjt", "2026", &bag);
    assert!(out.contains("DAMAGED: entry 0"), "{out}");
    assert!(out.contains("DAMAGED: entry 1"), "{out}");
    assert!(!bag.join("data/pages/000000/record.warc.gz").exists());
    let damaged = std::fs::read_to_string(bag.join("data/DAMAGED.md")).expect("DAMAGED.md");
    assert!(
        damaged.contains("记录 0") && damaged.contains("记录 1"),
        "{damaged}"
    );
    let py = verify_py(&bag, &[]);
    assert!(said(&py).contains("记录 0：证据已被改动"), "{}", said(&py));

    // The UI: a red 证据已被改动 on 台账 and 记分, and on the evidence page.
    add_user(&home, "rev", "reviewer", None);
    let app = App::start(&home);
    let (cookie, _) = app.login("rev");
    let ledger = app.get("/ledger", Some(&cookie));
    assert_eq!(
        ledger.body.matches("证据已被改动").count(),
        2,
        "{}",
        ledger.body
    );
    let score = app.get("/score?year=2026&enterprise=wz-ctjt", Some(&cookie));
    assert!(score.body.contains("证据已被改动"), "{}", score.body);
    for seq in [0, 1] {
        let page = app.get(&format!("/ledger/{seq}/evidence"), Some(&cookie));
        assert_eq!(page.status, reqwest::StatusCode::CONFLICT);
        assert!(page.body.contains("证据已被改动"), "{}", page.body);
        assert!(!page.body.contains(&home.root().display().to_string()));
    }
    let archived = app.get(&format!("/archive/{}", c.article_id), Some(&cookie));
    assert!(archived.body.contains("证据已被改动"), "{}", archived.body);
    let bundle = app.get("/export/bundle?enterprise=wz-ctjt&year=2026", Some(&cookie));
    assert_ne!(
        bundle.status,
        reqwest::StatusCode::INTERNAL_SERVER_ERROR,
        "{}",
        bundle.body
    );
}

#[test]
fn invalid_confirmations_are_refused() {
    let (dir, home) = crawled_home();
    let mut n = 0;
    for (date, why) in [
        ("2019-01-01", "before 2023, the first year the rules count"),
        ("1970-01-01", "before 2023"),
        ("2099-12-31", "is in the future"),
    ] {
        let out = add(&home, &mut n, "wz-ctjt", "C2", date);
        assert!(!out.status.success(), "{date}");
        assert!(said(&out).contains(why), "{date}: {}", said(&out));
    }
    // The same file as A1, A2 and A3 counts once, unless a reason is given.
    let file = dir.path().join("批示.pdf");
    std::fs::write(&file, b"%PDF-1.4 one instruction").expect("file");
    assert!(
        add_file(&home, &file, "wz-ctjt", "A1", "2026-03-01", &[])
            .status
            .success()
    );
    let again = add_file(&home, &file, "wz-ctjt", "A2", "2026-03-01", &[]);
    assert!(!again.status.success());
    assert!(
        said(&again).contains("this evidence already counts for wz-ctjt in 2026 as A1"),
        "{}",
        said(&again)
    );
    let reasoned = add_file(
        &home,
        &file,
        "wz-ctjt",
        "A3",
        "2026-03-01",
        &["--reason", "国务院国资委另行发文通报"],
    );
    assert!(reasoned.status.success(), "{}", said(&reasoned));
    let log = Store::open(&home.db_path())
        .expect("store")
        .audit_log(&reform_radar::store::AuditFilter {
            action: Some("ledger-rule-override".into()),
            ..Default::default()
        })
        .expect("audit");
    assert_eq!(log.len(), 1);
    assert_eq!(
        log[0].record.reason.as_deref(),
        Some("国务院国资委另行发文通报")
    );

    // Candidates: reclassification, the typical case, dates.
    let cands = pending(&home);
    let c = cands
        .iter()
        .find(|c| c.published.is_some() && c.item.starts_with('B'))
        .expect("a dated media candidate");
    let id = c.id.to_string();
    let confirm = |extra: &[&str]| {
        let mut args = vec!["review", "confirm", id.as_str(), "--reviewer", "张三"];
        args.extend_from_slice(extra);
        radar(&home, &args)
    };
    let tc = confirm(&["--item", "TC"]);
    assert!(
        said(&tc).contains("is the typical-case bonus"),
        "{}",
        said(&tc)
    );
    let other_media = if c.item == "B1" { "B2" } else { "B1" };
    let media = confirm(&["--item", other_media]);
    assert!(said(&media).contains("is a media item"), "{}", said(&media));
    let manual = confirm(&["--item", "C1"]);
    assert!(
        said(&manual).contains("cannot be evidenced by a public page"),
        "{}",
        said(&manual)
    );
    let own = c.published.clone().expect("date");
    let moved = confirm(&["--date", "2026-01-02"]);
    if own != "2026-01-02" {
        assert!(said(&moved).contains("needs a reason"), "{}", said(&moved));
    }
    for (date, why) in [
        ("2019-01-01", "before 2023"),
        ("2027-06-30", "in the future"),
    ] {
        let out = confirm(&["--date", date, "--reason", "印刷版日期"]);
        assert!(said(&out).contains(why), "{date}: {}", said(&out));
    }
    // Nothing of that was written.
    let entries: Vec<Entry> =
        serde_json::from_str(&ok(&home, &["ledger", "list", "--json"])).expect("entries");
    assert_eq!(entries.len(), 2);
    // The API says it in Chinese.
    add_user(&home, "rev", "reviewer", None);
    let tok = crate::web_support::token(&home, "rev");
    let app = App::start(&home);
    let r = app.post(
        &format!("/api/candidates/{id}/confirm"),
        &[("authorization", &format!("Bearer {tok}"))],
        "application/json",
        r#"{"item":"TC"}"#,
    );
    assert_eq!(r.status, reqwest::StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("典型案例加分"), "{}", r.body);
}

#[test]
fn missing_or_empty_rules_and_sources_naming_unknown_items_stop_check_and_serve() {
    let (_dir, home) = init_home();
    std::fs::write(home.rules_path(), "").expect("empty");
    let out = radar(&home, &["check"]);
    assert!(!out.status.success());
    assert!(said(&out).contains("no [[item]]"), "{}", said(&out));
    std::fs::remove_file(home.rules_path()).expect("rm");
    let out = radar(&home, &["check"]);
    assert!(!out.status.success());
    assert!(
        said(&out).contains("rules.toml: (file): missing"),
        "{}",
        said(&out)
    );
    let serve = radar(&home, &["serve", "--listen", "127.0.0.9:0"]);
    assert!(!serve.status.success(), "{}", said(&serve));
    // Rules back, minus B1: the sources still naming it are flagged.
    let rules = std::fs::read_to_string(crate::support::repo().join("defaults/rules.toml"))
        .expect("default rules")
        .replace("code = \"B1\"", "code = \"B9\"")
        .replace("item = \"B1\"", "item = \"B9\"");
    std::fs::write(home.rules_path(), rules).expect("write");
    let out = radar(&home, &["check"]);
    assert!(!out.status.success());
    assert!(
        said(&out).contains("`B1` is neither `lead` nor an item of rules.toml"),
        "{}",
        said(&out)
    );
}
