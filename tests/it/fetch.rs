//! The polite fetcher against a local server: robots.txt, Retry-After,
//! timeouts, redirect loops, meta refresh, GBK with a wrong meta, a gzip
//! bomb, 404, 304, pacing, and the archive read back byte for byte and
//! checked by warcio.

use crate::server::{self, Server};
use crate::support::warcio;
use reform_radar::archive::{ArchiveWriter, read_record_at};
use reform_radar::config::Settings;
use reform_radar::crawl::{
    BodyError, FetchError, FetchOptions, Fetcher, NetworkOptions, Transport, TransportError,
};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};
use std::time::Duration;

fn server() -> &'static Server {
    server::shared()
}

fn fetcher(dir: &Path, tweak: impl FnOnce(&mut Settings)) -> Fetcher {
    let mut settings = Settings::for_test();
    tweak(&mut settings);
    let transport = Transport::network(&NetworkOptions {
        connect_timeout: Duration::from_secs_f64(settings.politeness.connect_timeout_secs),
        read_timeout: Duration::from_secs_f64(settings.politeness.read_timeout_secs),
    })
    .expect("client");
    let archive = Arc::new(Mutex::new(
        ArchiveWriter::open(dir, 1 << 30).expect("archive"),
    ));
    Fetcher::new(
        transport,
        settings,
        archive,
        Arc::new(AtomicBool::new(false)),
    )
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

fn warc_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    v.sort();
    v
}

#[test]
fn robots_disallowed_page_is_never_fetched_and_robots_is_archived() {
    let dir = tempfile::tempdir().expect("tmp");
    let f = fetcher(dir.path(), |_| {});
    let report = rt().block_on(f.fetch(
        &server().url("/private/secret.html"),
        &FetchOptions::default(),
    ));
    assert_eq!(report.result.err(), Some(FetchError::RobotsDisallowed));
    assert!(
        server().hits("/private/secret.html").is_empty(),
        "a disallowed page must never be requested"
    );
    assert!(
        report
            .journal
            .iter()
            .any(|j| j.url.ends_with("/robots.txt") && j.status == Some(200))
    );
}

#[test]
fn service_unavailable_is_retried_after_the_retry_after_delay() {
    let dir = tempfile::tempdir().expect("tmp");
    let f = fetcher(dir.path(), |_| {});
    let report = rt().block_on(f.fetch(&server().url("/flaky"), &FetchOptions::default()));
    let page = report.result.expect("recovered");
    assert_eq!(page.status, 200);
    let hits = server().hits("/flaky");
    assert_eq!(hits.len(), 2);
    assert!(
        hits[1] - hits[0] >= Duration::from_millis(990),
        "Retry-After: 1 honoured, got {:?}",
        hits[1] - hits[0]
    );
    let statuses: Vec<_> = report
        .journal
        .iter()
        .filter(|j| j.url.ends_with("/flaky"))
        .map(|j| j.status)
        .collect();
    assert_eq!(
        statuses,
        vec![Some(503), Some(200)],
        "both exchanges archived"
    );
}

#[test]
fn a_response_slower_than_the_timeout_fails_as_a_timeout_and_is_archived() {
    let dir = tempfile::tempdir().expect("tmp");
    let f = fetcher(dir.path(), |s| {
        s.politeness.read_timeout_secs = 0.4;
        s.politeness.retries = 1;
    });
    let report = rt().block_on(f.fetch(&server().url("/slow"), &FetchOptions::default()));
    assert!(
        matches!(
            report.result,
            Err(FetchError::Transport(TransportError::Timeout(_)))
        ),
        "{:?}",
        report.result.err()
    );
    let errors: Vec<_> = report
        .journal
        .iter()
        .filter(|j| j.url.ends_with("/slow"))
        .collect();
    assert_eq!(errors.len(), 2, "first try and one retry");
    assert!(
        errors
            .iter()
            .all(|j| j.status.is_none()
                && j.error.as_deref().is_some_and(|e| e.contains("timed out")))
    );
}

#[test]
fn a_redirect_loop_is_detected() {
    let dir = tempfile::tempdir().expect("tmp");
    let f = fetcher(dir.path(), |_| {});
    let report = rt().block_on(f.fetch(&server().url("/loop-a"), &FetchOptions::default()));
    assert!(
        matches!(report.result, Err(FetchError::RedirectLoop(ref u)) if u.ends_with("/loop-a")),
        "{:?}",
        report.result.err()
    );
}

#[test]
fn http_and_meta_refresh_redirects_are_followed_to_the_edition() {
    let dir = tempfile::tempdir().expect("tmp");
    let f = fetcher(dir.path(), |_| {});
    let opts = FetchOptions {
        eager_html_redirects: true,
        ..Default::default()
    };
    let page = rt()
        .block_on(f.fetch(&server().url("/moved"), &opts))
        .result
        .expect("page");
    assert_eq!(page.final_url.path(), "/edition/202603/04/node_01.html");
    assert!(page.text.expect("text").text.contains("01版：要闻"));
}

#[test]
fn a_gbk_page_with_a_wrong_meta_charset_is_decoded() {
    let dir = tempfile::tempdir().expect("tmp");
    let f = fetcher(dir.path(), |_| {});
    let page = rt()
        .block_on(f.fetch(&server().url("/gbk.html"), &FetchOptions::default()))
        .result
        .expect("page");
    let text = page.text.expect("text");
    assert_eq!(text.encoding, "gb18030");
    assert!(text.text.contains("万州区国有企业改革工作推进会召开"));
}

#[test]
fn a_gzip_bomb_stops_at_the_body_limit() {
    let dir = tempfile::tempdir().expect("tmp");
    // Made before the clock of the request's timeout starts.
    server::prepare_bomb();
    let f = fetcher(dir.path(), |s| s.politeness.max_body_bytes = 2 << 20);
    let report = rt().block_on(f.fetch(&server().url("/bomb"), &FetchOptions::default()));
    assert_eq!(
        report.result.err(),
        Some(FetchError::Body(BodyError::TooLarge(2 << 20)))
    );
}

#[test]
fn not_found_is_an_answer_not_an_error() {
    let dir = tempfile::tempdir().expect("tmp");
    let f = fetcher(dir.path(), |_| {});
    let page = rt()
        .block_on(f.fetch(&server().url("/missing"), &FetchOptions::default()))
        .result
        .expect("answer");
    assert_eq!(page.status, 404);
}

#[test]
fn an_unchanged_index_page_is_answered_304() {
    let dir = tempfile::tempdir().expect("tmp");
    let f = fetcher(dir.path(), |_| {});
    let rt = rt();
    let first = rt
        .block_on(f.fetch(&server().url("/index.html"), &FetchOptions::default()))
        .result
        .expect("first");
    assert!(!first.not_modified);
    let opts = FetchOptions {
        validators: Some(first.validators()),
        ..Default::default()
    };
    let second = rt
        .block_on(f.fetch(&server().url("/index.html"), &opts))
        .result
        .expect("second");
    assert!(second.not_modified);
    assert_eq!(second.status, 304);
}

#[test]
fn two_requests_to_one_host_are_never_closer_than_the_pace() {
    let dir = tempfile::tempdir().expect("tmp");
    let f = fetcher(dir.path(), |_| {});
    let pace = Duration::from_millis(400);
    let opts = FetchOptions {
        pace,
        ..Default::default()
    };
    let rt = rt();
    // Warm robots.txt first so that only the pages are compared.
    rt.block_on(f.fetch(&server().url("/paced/a"), &opts))
        .result
        .expect("a");
    rt.block_on(async {
        let (ub, uc) = (server().url("/paced/b"), server().url("/paced/c"));
        let (b, c) = tokio::join!(f.fetch(&ub, &opts), f.fetch(&uc, &opts));
        b.result.expect("b");
        c.result.expect("c");
    });
    let mut times: Vec<_> = ["/paced/a", "/paced/b", "/paced/c"]
        .iter()
        .flat_map(|p| server().hits(p))
        .collect();
    times.sort();
    assert_eq!(times.len(), 3);
    for w in times.windows(2) {
        // Measured at the server: arrival times, with 2 ms for loopback jitter.
        assert!(
            w[1] - w[0] >= pace - Duration::from_millis(2),
            "gap {:?} < pace {:?}",
            w[1] - w[0],
            pace
        );
    }
}

#[test]
fn archived_exchanges_read_back_byte_exactly_and_pass_warcio() {
    let dir = tempfile::tempdir().expect("tmp");
    let f = fetcher(dir.path(), |_| {});
    let rt = rt();
    let page = rt
        .block_on(f.fetch(&server().url("/gbk.html"), &FetchOptions::default()))
        .result
        .expect("page");
    rt.block_on(f.fetch(&server().url("/bomb"), &FetchOptions::default()));
    rt.block_on(f.fetch(&server().url("/missing"), &FetchOptions::default()));
    f.archive().lock().expect("archive").sync().expect("sync");
    let rec = read_record_at(&dir.path().join(&page.location.file), page.location.offset)
        .expect("record");
    assert_eq!(rec.body, server::gbk_page(), "the exact bytes as served");
    assert_eq!(rec.status, Some(200));
    assert_eq!(
        page.location.payload_sha256.as_deref(),
        Some(reform_radar::archive::sha256_hex(&server::gbk_page()).as_str())
    );
    for file in warc_files(dir.path()) {
        let check = warcio(&["check", "-v"], &file);
        let out = String::from_utf8_lossy(&check.stdout);
        assert!(
            check.status.success(),
            "warcio check failed on {}:\n{out}",
            file.display()
        );
        assert!(out.contains("digest pass"), "{out}");
        let index = warcio(&["index"], &file);
        let idx = String::from_utf8_lossy(&index.stdout);
        assert!(index.status.success());
        assert!(
            idx.contains("\"warc-type\": \"response\"") && idx.contains("/gbk.html"),
            "{idx}"
        );
    }
}

#[test]
fn a_huge_body_is_cut_at_the_limit_and_archived_as_truncated() {
    let dir = tempfile::tempdir().expect("tmp");
    let f = fetcher(dir.path(), |s| s.politeness.max_body_bytes = 1 << 20);
    let report = rt().block_on(f.fetch(&server().url("/huge"), &FetchOptions::default()));
    assert_eq!(
        report.result.err(),
        Some(FetchError::Body(BodyError::TooLarge(1 << 20)))
    );
    f.archive().lock().expect("archive").sync().expect("sync");
    let j = report
        .journal
        .iter()
        .find(|j| j.url.ends_with("/huge"))
        .expect("archived");
    let rec =
        read_record_at(&dir.path().join(&j.location.file), j.location.offset).expect("record");
    assert_eq!(
        rec.body.len(),
        1 << 20,
        "only the first MiB was read and kept"
    );
    let check = warcio(&["check"], &dir.path().join(&j.location.file));
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
}
