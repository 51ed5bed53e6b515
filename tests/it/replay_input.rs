//! What `radar crawl --replay FILE` and `radar evidence` do with input that is
//! not a clean archive: a damaged record in the middle, a file that is no WARC
//! at all, an empty file, a record archived as truncated, an archive altered
//! after the fact.

use crate::support::{repo, sample_warc};
use reform_radar::archive::{ArchiveWriter, Exchange, scan_file_with};
use reform_radar::config::Home;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn radar(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_radar"))
        .args(args)
        .env("RADAR_LOG", "warn")
        .env("NO_COLOR", "1")
        .output()
        .expect("run radar")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn init(home: &Path) {
    let out = radar(&["init", "--home", s(home)]);
    assert!(out.status.success(), "{}", text(&out.stderr));
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// Crawl the people-daily sample days from the given replay files.
fn crawl(home: &Path, replay: &[&Path]) -> Output {
    let mut args = vec![
        "crawl",
        "--home",
        s(home),
        "--source",
        "people-daily",
        "--from",
        "2026-03-02",
        "--to",
        "2026-03-04",
        "--today",
        "2026-04-01",
    ];
    for r in replay {
        args.extend(["--replay", s(r)]);
    }
    radar(&args)
}

/// The stored articles' URLs.
fn article_urls(home: &Path) -> Vec<String> {
    let out = radar(&["articles", "--home", s(home), "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("articles JSON");
    let mut urls: Vec<String> = v
        .as_array()
        .expect("array")
        .iter()
        .map(|a| a["url"].as_str().expect("url").to_string())
        .collect();
    urls.sort();
    urls
}

/// (url, offset, length) of every response record of a file.
fn responses(path: &Path) -> Vec<(String, u64, u64)> {
    let mut out = Vec::new();
    scan_file_with(path, |s| {
        if s.record.record_type == "response" {
            out.push((s.record.url, s.offset, s.length));
        }
    })
    .expect("scan");
    out
}

/// Re-write the gzip member at `offset..offset + len` of a file with `edit`
/// applied to its uncompressed record; the rest of the file is kept.
fn rewrite_member(path: &Path, offset: u64, len: u64, edit: impl FnOnce(Vec<u8>) -> Vec<u8>) {
    let bytes = std::fs::read(path).expect("read warc");
    let (start, end) = (offset as usize, (offset + len) as usize);
    let mut record = Vec::new();
    flate2::read::GzDecoder::new(&bytes[start..end])
        .read_to_end(&mut record)
        .expect("member decompresses");
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(&edit(record)).expect("gzip");
    let member = enc.finish().expect("gzip");
    let mut out = bytes[..start].to_vec();
    out.extend_from_slice(&member);
    out.extend_from_slice(&bytes[end..]);
    std::fs::write(path, out).expect("write warc");
}

/// Replace the first occurrence of `from` in `data`.
fn replace_once(data: Vec<u8>, from: &[u8], to: &[u8]) -> Vec<u8> {
    let at = data
        .windows(from.len())
        .position(|w| w == from)
        .unwrap_or_else(|| panic!("{:?} in the record", String::from_utf8_lossy(from)));
    let mut out = data[..at].to_vec();
    out.extend_from_slice(to);
    out.extend_from_slice(&data[at + from.len()..]);
    out
}

/// The line of the record's WARC header (not its HTTP head) naming `name`
/// (any case, as the writer spells it), without its line ending.
fn warc_header_line(record: &[u8], name: &str) -> String {
    let text = String::from_utf8_lossy(record);
    let head = text.split("\r\n\r\n").next().unwrap_or_default();
    head.lines()
        .find(|l| {
            l.split_once(':')
                .is_some_and(|(k, _)| k.eq_ignore_ascii_case(name))
        })
        .unwrap_or_else(|| panic!("no {name} in the WARC header: {head}"))
        .to_string()
}

/// A pristine crawl of the sample: its home and the articles it stored.
fn pristine(dir: &Path, warc: &Path) -> (PathBuf, Vec<String>) {
    let home = dir.join("pristine");
    init(&home);
    let out = crawl(&home, &[warc]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let urls = article_urls(&home);
    assert!(urls.len() >= 5, "{urls:?}");
    (home, urls)
}

#[test]
fn a_damaged_record_in_the_middle_is_skipped_and_the_other_articles_stored() {
    let dir = tempfile::tempdir().expect("tmp");
    let warc = sample_warc(&dir.path().join("packed"));
    let (_, all) = pristine(dir.path(), &warc);
    // An article's record in the middle of the file gets a wrong Content-Length.
    let records = responses(&warc);
    let (victim, offset, len) = records
        .iter()
        .skip(records.len() / 3)
        .find(|(u, _, _)| all.contains(u))
        .cloned()
        .expect("an article record in the middle");
    assert!(offset > 0 && offset + len < std::fs::metadata(&warc).expect("meta").len());
    rewrite_member(&warc, offset, len, |rec| {
        let line = warc_header_line(&rec, "Content-Length");
        let (name, n) = line.split_once(':').expect("header line");
        let n: usize = n.trim().parse().expect("a length");
        replace_once(
            rec,
            format!("{line}\r\n").as_bytes(),
            format!("{name}: {}\r\n", n + 17).as_bytes(),
        )
    });
    let home = dir.path().join("damaged");
    init(&home);
    let out = crawl(&home, &[&warc]);
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let stored = article_urls(&home);
    let expected: Vec<String> = all.iter().filter(|u| **u != victim).cloned().collect();
    assert_eq!(stored, expected, "every article but {victim}");
    let file = warc.file_name().and_then(|f| f.to_str()).expect("name");
    assert!(
        stderr
            .lines()
            .any(|l| l.contains(file) && l.contains(&format!("offset={offset}"))),
        "the skipped record is named with file and offset: {stderr}"
    );
    assert!(
        text(&out.stdout).contains("1 damaged archive records skipped"),
        "the summary counts it: {}",
        text(&out.stdout)
    );
}

#[test]
fn a_binary_file_is_not_a_warc_and_the_error_is_short() {
    let dir = tempfile::tempdir().expect("tmp");
    let junk = dir.path().join("random.bin");
    let bytes: Vec<u8> = (0u32..3_000_000)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 11) as u8)
        .collect();
    std::fs::write(&junk, bytes).expect("write");
    let home = dir.path().join("home");
    init(&home);
    let out = crawl(&home, &[&junk]);
    let stderr = text(&out.stderr);
    assert!(!out.status.success(), "a non-WARC input fails the crawl");
    assert!(
        stderr.contains(&format!("{}: not a WARC file", junk.display())),
        "{stderr}"
    );
    assert!(stderr.len() < 2000, "stderr is {} bytes", stderr.len());
}

#[test]
fn an_empty_file_is_an_error_naming_it() {
    let dir = tempfile::tempdir().expect("tmp");
    let empty = dir.path().join("empty.warc.gz");
    std::fs::write(&empty, b"").expect("write");
    let home = dir.path().join("home");
    init(&home);
    let out = crawl(&home, &[&empty]);
    let stderr = text(&out.stderr);
    assert!(!out.status.success(), "an empty input fails the crawl");
    assert!(
        stderr.contains(&format!("{}: empty file, no WARC records", empty.display())),
        "{stderr}"
    );
    assert!(article_urls(&home).is_empty());
}

#[test]
fn a_record_archived_as_truncated_is_not_stored_as_an_article() {
    let dir = tempfile::tempdir().expect("tmp");
    let warc = sample_warc(&dir.path().join("packed"));
    let (_, all) = pristine(dir.path(), &warc);
    // A later archive holds the first half of one article, marked as cut.
    let victim = all[all.len() / 2].clone();
    let manifest = repo().join("sample/people-daily/manifest.toml");
    let manifest = std::fs::read_to_string(&manifest).expect("manifest");
    let file = manifest
        .split("[[page]]")
        .find(|p| p.contains(&format!("\"{victim}\"")))
        .and_then(|p| p.lines().find_map(|l| l.trim().strip_prefix("file = ")))
        .map(|f| f.trim_matches('"').to_string())
        .expect("the article's sample file");
    let body = std::fs::read(repo().join("sample/people-daily").join(file)).expect("body");
    let cut_dir = dir.path().join("cut");
    let mut writer = ArchiveWriter::open(&cut_dir, u64::MAX).expect("writer");
    let headers = vec![(
        "Content-Type".to_string(),
        "text/html; charset=utf-8".to_string(),
    )];
    let loc = writer
        .write_exchange(&Exchange {
            url: &victim,
            method: "GET",
            request_headers: &[],
            status: Some(200),
            reason: "OK",
            response_headers: &headers,
            body: &body[..body.len() / 2],
            truncated: true,
            error: None,
            fetched_at: chrono::Utc::now(),
        })
        .expect("write");
    writer.sync().expect("sync");
    let cut = cut_dir.join(loc.file);
    let home = dir.path().join("home");
    init(&home);
    let out = crawl(&home, &[&warc, &cut]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stored = article_urls(&home);
    assert!(
        !stored.contains(&victim),
        "{victim} stored from a cut record"
    );
    assert_eq!(stored.len(), all.len() - 1);
    let errors: u64 = stdout
        .split("errors ")
        .nth(1)
        .and_then(|t| t.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|n| n.parse().ok())
        .expect("summary line with errors");
    assert!(errors >= 1, "{stdout}");
}

/// The archived record behind an article, from `radar evidence --json`.
fn evidence_json(home: &Path, id: &str) -> serde_json::Value {
    let out = radar(&["evidence", "--home", s(home), id, "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("evidence JSON")
}

fn first_article_id(home: &Path) -> String {
    let out = radar(&["articles", "--home", s(home), "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("articles JSON");
    v[0]["id"].as_str().expect("id").to_string()
}

/// The archive file and member of an article's record.
fn member_of(home: &Path, meta: &serde_json::Value) -> (PathBuf, u64, u64) {
    let file = Home::new(home.to_path_buf())
        .archive_dir()
        .join(meta["warc_file"].as_str().expect("warc_file"));
    let offset = meta["offset"].as_u64().expect("offset");
    let length = meta["length"].as_u64().expect("length");
    (file, offset, length)
}

#[test]
fn evidence_of_an_altered_record_writes_nothing_and_names_file_and_offset() {
    let dir = tempfile::tempdir().expect("tmp");
    let warc = sample_warc(&dir.path().join("packed"));
    let (home, _) = pristine(dir.path(), &warc);
    let id = first_article_id(&home);
    let meta = evidence_json(&home, &id);
    assert_eq!(meta["verified"], true);
    let (file, offset, length) = member_of(&home, &meta);
    // Same length, one character of the payload changed.
    rewrite_member(&file, offset, length, |rec| {
        replace_once(rec, "</p>".as_bytes(), "</b>".as_bytes())
    });
    let out_file = dir.path().join("evidence.html");
    let out = radar(&["evidence", "--home", s(&home), &id, "--out", s(&out_file)]);
    let stderr = text(&out.stderr);
    assert!(!out.status.success(), "an altered payload is not evidence");
    assert!(!out_file.exists(), "nothing written for an altered payload");
    assert!(
        stderr.contains(&format!("{} at offset {offset}", file.display())),
        "{stderr}"
    );
}

#[test]
fn evidence_says_when_the_archived_record_is_truncated() {
    let dir = tempfile::tempdir().expect("tmp");
    let warc = sample_warc(&dir.path().join("packed"));
    let (home, _) = pristine(dir.path(), &warc);
    let id = first_article_id(&home);
    let before = evidence_json(&home, &id);
    assert_eq!(before["truncated"], false);
    let (file, offset, length) = member_of(&home, &before);
    // Mark the record as cut; the payload (and its digest) stay the same.
    rewrite_member(&file, offset, length, |rec| {
        let line = warc_header_line(&rec, "WARC-Type");
        replace_once(
            rec,
            format!("{line}\r\n").as_bytes(),
            format!("{line}\r\nWARC-Truncated: length\r\n").as_bytes(),
        )
    });
    let meta = evidence_json(&home, &id);
    assert_eq!(meta["verified"], true);
    assert_eq!(meta["truncated"], true);
    let out = radar(&["evidence", "--home", s(&home), &id]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("truncated") && l.contains("yes")),
        "{stdout}"
    );
}

#[test]
fn a_crafted_chunk_size_in_a_foreign_warc_is_skipped_not_a_panic() {
    let dir = tempfile::tempdir().expect("tmp");
    let record = |uri: &str, http: &[u8]| {
        let mut r = format!(
            "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {uri}\r\n\
             Content-Type: application/http;msgtype=response\r\nContent-Length: {}\r\n\r\n",
            http.len()
        )
        .into_bytes();
        r.extend_from_slice(http);
        r.extend_from_slice(b"\r\n\r\n");
        r
    };
    let ok = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>x</p>";
    let bad = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\nabc\r\n0\r\n\r\n";
    let first = record("http://a.example.cn/1.html", ok);
    let warc = [
        first.clone(),
        record("http://a.example.cn/2.html", bad),
        record("http://a.example.cn/3.html", ok),
    ]
    .concat();
    let file = dir.path().join("foreign.warc");
    std::fs::write(&file, warc).expect("write");
    let home = dir.path().join("home");
    init(&home);
    let out = crawl(&home, &[&file]);
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        stderr.lines().any(|l| l.contains("foreign.warc")
            && l.contains(&format!("offset={}", first.len()))
            && l.contains("chunk")),
        "{stderr}"
    );
}
