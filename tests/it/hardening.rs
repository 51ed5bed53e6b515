//! Crawl hardening: a scheduled run with today's edition still open ends;
//! hosts are crawled in parallel within their pace; robots.txt after RFC
//! 9309; empty and PDF answers at article links; a damaged index; two
//! processes on one home; a failed archive write; failed tasks retried on
//! request; runs of killed processes marked.

use crate::site::{Reply, Site, add_source, article};
use crate::support::{date, new_home, run_crawl, sample_warc};
use reform_radar::config::Home;
use reform_radar::pipeline::CrawlRequest;
use reform_radar::store::Store;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn radar(home: &Home) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_radar"));
    c.arg("--home").arg(home.root());
    c
}

fn set_politeness(home: &Home, key: &str, value: &str) {
    let path = home.settings_path();
    let text = std::fs::read_to_string(&path).expect("radar.toml");
    let out: Vec<String> = text
        .lines()
        .map(|l| {
            if l.starts_with(&format!("{key} =")) {
                format!("{key} = {value}")
            } else {
                l.to_string()
            }
        })
        .collect();
    std::fs::write(&path, out.join("\n")).expect("write radar.toml");
}

fn crawl_source(home: &Home, id: &str) -> reform_radar::pipeline::CrawlSummary {
    run_crawl(
        home,
        &CrawlRequest {
            sources: vec![id.into()],
            ..Default::default()
        },
    )
}

fn titles(home: &Home) -> Vec<String> {
    let store = Store::open(&home.db_path()).expect("store");
    let mut t: Vec<String> = store
        .articles(&[])
        .expect("articles")
        .into_iter()
        .map(|r| r.article.title)
        .collect();
    t.sort();
    t
}

#[test]
fn a_scheduled_run_with_todays_edition_open_ends_and_fetches_each_page_once() {
    let (dir, home) = new_home();
    let warc = sample_warc(dir.path());
    let req = CrawlRequest {
        sources: vec!["people-daily".into()],
        range: Some(crate::support::sample_range()),
        replay: vec![warc],
        today: Some(date("2026-03-04")),
        ..Default::default()
    };
    let manifest =
        std::fs::read_to_string(crate::support::repo().join("sample/people-daily/manifest.toml"))
            .expect("manifest");
    let pages = manifest.matches("\nurl = ").count() as u64;
    assert!(pages > 10, "the sample has people-daily pages: {pages}");
    let started = Instant::now();
    let first = run_crawl(&home, &req);
    assert!(started.elapsed() < Duration::from_secs(60), "the run ends");
    assert!(first.new_articles > 0);
    assert!(
        first.fetched <= pages + 4,
        "each archived page fetched once, not again for every page linking to it: {} fetches for {pages} pages",
        first.fetched
    );
    // The next scheduled run fetches the open days (03-03, 03-04) again, once.
    let second = run_crawl(&home, &req);
    assert!(second.fetched > 0, "unsettled pages are checked again");
    assert!(
        second.fetched < first.fetched,
        "settled pages are not: {} then {}",
        first.fetched,
        second.fetched
    );
    assert_eq!(second.new_articles, 0);
}

#[test]
fn hosts_are_crawled_in_parallel_each_at_its_pace() {
    let (_dir, home) = new_home();
    set_politeness(&home, "concurrency", "2");
    let pace = 0.2;
    let per_host = 8;
    let sites: Vec<Site> = (2..=5)
        .map(|n| Site::start(&format!("127.0.0.{n}")))
        .collect();
    for (n, site) in sites.iter().enumerate() {
        site.listing(per_host, |k| article(k, "x"));
        add_source(&home, &format!("host{n}"), site, pace);
    }
    let started = Instant::now();
    let summary = run_crawl(
        &home,
        &CrawlRequest {
            sources: (0..sites.len()).map(|n| format!("host{n}")).collect(),
            ..Default::default()
        },
    );
    let elapsed = started.elapsed().as_secs_f64();
    assert_eq!(summary.new_articles, (per_host * sites.len()) as u64);
    // The politeness bound: the busiest host's gaps (robots, listing, articles).
    let bound = (per_host + 1) as f64 * pace;
    for site in &sites {
        let mut hits = site.all_hits();
        hits.sort();
        assert_eq!(hits.len(), per_host + 2, "robots, listing, articles");
        let min_gap = hits
            .windows(2)
            .map(|w| w[1].duration_since(w[0]).as_secs_f64())
            .fold(f64::INFINITY, f64::min);
        assert!(
            min_gap >= pace - 0.005,
            "a gap of {min_gap:.3}s under the pace"
        );
    }
    // One after another would take the sum of the hosts' times (4 × bound).
    assert!(
        elapsed < 2.0 * bound,
        "crawled in {elapsed:.2}s; the politeness bound is {bound:.2}s"
    );
}

#[test]
fn robots_txt_server_errors_block_only_this_run() {
    let (_dir, home) = new_home();
    set_politeness(&home, "backoff_base_ms", "10");
    let site = Site::start("127.0.0.1");
    site.listing(3, |k| article(k, "x"));
    site.set("/robots.txt", Reply::status(500));
    add_source(&home, "s", &site, 0.0);
    let first = crawl_source(&home, "s");
    assert_eq!(first.new_articles, 0, "a 5xx robots.txt disallows the host");
    assert!(site.hits("/list/index.html").is_empty());
    let asked = site.hits("/robots.txt").len();
    site.set("/robots.txt", Reply::status(404));
    let second = crawl_source(&home, "s");
    assert!(
        site.hits("/robots.txt").len() > asked,
        "asked again on the next run, not read back from the archive"
    );
    assert_eq!(second.new_articles, 3, "a 4xx robots.txt allows everything");
}

#[test]
fn robots_txt_redirects_are_followed_and_bad_lines_do_not_void_the_rules() {
    let (_dir, home) = new_home();
    let moved = Site::start("127.0.0.1");
    moved.listing(4, |k| article(k, "x"));
    moved.set("/robots.txt", Reply::redirect("/new/robots.txt"));
    moved.set("/new/robots.txt", Reply::redirect("/newer/robots.txt"));
    moved.set(
        "/newer/robots.txt",
        Reply::with(
            200,
            "text/plain",
            "User-agent: *\nDisallow: /list/202603/t20260303_1.html\n",
        ),
    );
    add_source(&home, "moved", &moved, 0.0);
    crawl_source(&home, "moved");
    assert!(moved.hits("/list/202603/t20260303_1.html").is_empty());
    assert_eq!(moved.hits("/list/202603/t20260303_2.html").len(), 1);

    let garbled = Site::start("127.0.0.1");
    garbled.listing(4, |k| article(k, "x"));
    let mut body = b"User-agent: *\nDisallow: /list/202603/t20260303_2.html\n".to_vec();
    body.extend_from_slice(b"\xff\xfe\x00\x01 this is not a robots line\n<html>oops</html>\n");
    body.extend_from_slice(b"Disallow: /list/202603/t20260303_3.html\n");
    garbled.set("/robots.txt", Reply::with(200, "text/plain", body));
    add_source(&home, "garbled", &garbled, 0.0);
    let s = crawl_source(&home, "garbled");
    assert!(garbled.hits("/list/202603/t20260303_2.html").is_empty());
    assert!(garbled.hits("/list/202603/t20260303_3.html").is_empty());
    assert_eq!(s.new_articles, 2);
}

#[test]
fn empty_and_pdf_answers_at_article_links_are_counted_not_stored() {
    let (_dir, home) = new_home();
    let site = Site::start("127.0.0.1");
    site.listing(4, |k| match k {
        2 => Reply::with(200, "text/html; charset=utf-8", Vec::new()),
        3 => Reply::with(200, "application/pdf", b"%PDF-1.7\n\x00\x01binary".to_vec()),
        k => article(k, "x"),
    });
    add_source(&home, "s", &site, 0.0);
    let summary = crawl_source(&home, "s");
    assert_eq!(summary.new_articles, 2);
    assert_eq!(summary.not_articles, 2);
    assert!(
        summary.line().contains("2 not articles"),
        "{}",
        summary.line()
    );
    let out = radar(&home)
        .args(["sources", "--health"])
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("not articles?"), "{text}");
}

fn index_docs(home: &Home) -> u64 {
    reform_radar::index::SearchIndex::open(&home.index_dir())
        .expect("index opens")
        .num_docs()
}

#[test]
fn a_damaged_index_never_fails_a_crawl_and_reindex_rebuilds_it() {
    let (_dir, home) = new_home();
    let site = Site::start("127.0.0.1");
    site.listing(3, |k| article(k, "x"));
    add_source(&home, "s", &site, 0.0);
    crawl_source(&home, "s");
    assert_eq!(index_docs(&home), 3);
    std::fs::write(home.index_dir().join("meta.json"), "{ not json").expect("damage");
    let search = radar(&home)
        .args(["search", "国企改革"])
        .output()
        .expect("run");
    assert!(!search.status.success());
    let err = String::from_utf8_lossy(&search.stderr);
    assert!(err.contains("radar reindex"), "{err}");
    site.listing(4, |k| article(k, "x"));
    let again = crawl_source(&home, "s");
    assert_eq!(again.new_articles, 1, "the crawl goes on");
    assert_eq!(
        index_docs(&home),
        4,
        "and the index is rebuilt from the store"
    );
    // A missing segment: reindex starts from nothing.
    for e in std::fs::read_dir(home.index_dir()).expect("dir").flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.ends_with(".idx") || name.ends_with(".term") {
            std::fs::remove_file(e.path()).expect("remove segment file");
        }
    }
    let out = radar(&home).arg("reindex").output().expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(index_docs(&home), 4);
    let search = radar(&home)
        .args(["search", "三峡水务集团", "--json"])
        .output()
        .expect("run");
    assert!(
        search.status.success(),
        "{}",
        String::from_utf8_lossy(&search.stderr)
    );
}

#[test]
fn articles_stored_while_the_index_was_busy_are_indexed_later() {
    let (_dir, home) = new_home();
    let site = Site::start("127.0.0.1");
    site.listing(3, |k| article(k, "x"));
    add_source(&home, "s", &site, 0.0);
    {
        let held = reform_radar::index::SearchIndex::open(&home.index_dir()).expect("index");
        held.lock_writer().expect("hold the writer");
        assert_eq!(crawl_source(&home, "s").new_articles, 3);
        held.close_writer().expect("release");
    }
    assert_eq!(index_docs(&home), 0, "nothing indexed while busy");
    let other = Site::start("127.0.0.1");
    other.listing(2, |k| article(k + 10, "y"));
    add_source(&home, "t", &other, 0.0);
    crawl_source(&home, "t");
    assert_eq!(index_docs(&home), 5, "the earlier articles are not skipped");
}

#[test]
fn two_crawls_on_one_home_one_runs_the_other_is_told_why() {
    let (_dir, home) = new_home();
    let site = Site::start("127.0.0.1");
    site.listing(10, |k| article(k, "x"));
    add_source(&home, "s", &site, 0.05);
    let spawn = || {
        radar(&home)
            .args(["crawl", "--source", "s"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn")
    };
    let (a, b) = (spawn(), spawn());
    let (a, b) = (
        a.wait_with_output().expect("a"),
        b.wait_with_output().expect("b"),
    );
    let outs = [&a, &b];
    let ok: Vec<_> = outs.iter().filter(|o| o.status.success()).collect();
    let refused: Vec<_> = outs.iter().filter(|o| !o.status.success()).collect();
    assert_eq!(ok.len(), 1, "one crawl runs");
    assert_eq!(refused.len(), 1, "the other is refused");
    let err = String::from_utf8_lossy(&refused[0].stderr);
    assert!(err.contains("another radar crawl (pid "), "{err}");
    assert!(!err.to_lowercase().contains("migration"), "{err}");
    assert!(err.lines().count() <= 3, "a clear message, not SQL: {err}");
    for k in 0..10 {
        assert_eq!(
            site.hits(&format!("/list/202603/t20260303_{k}.html")).len(),
            1,
            "no URL fetched twice"
        );
    }
    // Readers never need the lock.
    let mut child = spawn();
    let list = radar(&home)
        .args(["articles", "--json"])
        .output()
        .expect("run");
    assert!(
        list.status.success(),
        "{}",
        String::from_utf8_lossy(&list.stderr)
    );
    assert!(child.wait().expect("crawl").success());
}

#[test]
fn a_full_disk_stops_the_run_with_nothing_unarchived_recorded() {
    use std::os::unix::process::CommandExt;
    let (_dir, home) = new_home();
    let site = Site::start("127.0.0.1");
    // Incompressible filler: the archive fills up long before the database.
    let filler = |k: usize| {
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15 ^ k as u64;
        (0..200_000)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                char::from(b'a' + (x % 26) as u8)
            })
            .collect::<String>()
    };
    site.listing(30, |k| article(k, &filler(k)));
    add_source(&home, "s", &site, 0.0);
    let limit: libc::rlim_t = 2 << 20;
    let mut cmd = radar(&home);
    cmd.args(["crawl", "--source", "s"]);
    // SAFETY: setrlimit and signal are async-signal-safe; nothing else runs
    // between fork and exec.
    unsafe {
        cmd.pre_exec(move || {
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            let lim = libc::rlimit {
                rlim_cur: limit,
                rlim_max: limit,
            };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &lim) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let out = cmd.output().expect("run");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "a full disk fails the run");
    assert!(err.contains("archive write failed"), "{err}");
    let store = Store::open(&home.db_path()).expect("store");
    let stored = store.article_count().expect("count");
    assert!(stored < 30, "stopped early: {stored}");
    // Every resource row points at a record that reads back with its digest.
    for loc in store.resource_locations().expect("resources") {
        let rec = reform_radar::archive::read_record_at(
            &home.archive_dir().join(&loc.warc_file),
            loc.warc_offset,
        )
        .unwrap_or_else(|e| panic!("{} at {}: {e}", loc.warc_file, loc.warc_offset));
        if let Some(sha) = &loc.payload_sha256 {
            assert_eq!(&reform_radar::archive::sha256_hex(&rec.body), sha);
        }
    }
    drop(store);
    // Room again: the same command finishes, nothing lost or doubled.
    let again = radar(&home)
        .args(["crawl", "--source", "s"])
        .output()
        .expect("run");
    assert!(
        again.status.success(),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    assert_eq!(titles(&home).len(), 30);
    let mut t = titles(&home);
    t.dedup();
    assert_eq!(t.len(), 30);
}

#[test]
fn failed_tasks_can_be_given_another_chance() {
    let (_dir, home) = new_home();
    set_politeness(&home, "backoff_base_ms", "10");
    set_politeness(&home, "retries", "1");
    let site = Site::start("127.0.0.1");
    site.listing(2, |k| match k {
        0 => Reply::status(503),
        k => article(k, "x"),
    });
    add_source(&home, "s", &site, 0.0);
    for _ in 0..4 {
        crawl_source(&home, "s");
    }
    let path = "/list/202603/t20260303_0.html";
    let tries = site.hits(path).len();
    assert_eq!(tries, 3 * 2, "three runs of two attempts, then left alone");
    site.set(path, article(0, "x"));
    crawl_source(&home, "s");
    assert_eq!(
        site.hits(path).len(),
        tries,
        "failed for good without the flag"
    );
    let out = radar(&home)
        .args(["crawl", "--source", "s", "--retry-failed"])
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(titles(&home).len(), 2);
}

#[test]
fn a_killed_run_is_marked_killed_by_the_next() {
    let (_dir, home) = new_home();
    let site = Site::start("127.0.0.1");
    site.listing(40, |k| article(k, "x"));
    add_source(&home, "s", &site, 0.1);
    let mut child = radar(&home)
        .args(["crawl", "--source", "s"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let start = Instant::now();
    while site.hits("/list/202603/t20260303_3.html").is_empty() {
        assert!(start.elapsed() < Duration::from_secs(30), "no progress");
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().expect("SIGKILL");
    child.wait().expect("reaped");
    let again = radar(&home)
        .args(["crawl", "--source", "s"])
        .output()
        .expect("run");
    assert!(again.status.success());
    let statuses = Store::open(&home.db_path())
        .expect("store")
        .run_statuses()
        .expect("runs");
    assert_eq!(statuses, vec!["killed".to_string(), "done".to_string()]);
}
