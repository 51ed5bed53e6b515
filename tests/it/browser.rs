//! End to end in a real headless Chromium (Debian's `chromium` and
//! `chromium-driver`, driven over WebDriver by fantoccini): a reviewer logs
//! in, searches, opens a candidate, confirms it with the keyboard, sees the
//! scorecard change, undoes the entry on the ledger page and downloads the
//! XLSX; shortcut keys do nothing while typing or composing with an input
//! method; a hostile article renders inert in every view; an enterprise
//! officer sees only its own enterprise and can decide nothing. Screenshots of
//! every page are written to `target/tmp/screenshots/`.

use crate::web_support::*;
use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::{Client, ClientBuilder, Locator};
use reform_radar::config::Home;
use reform_radar::store::{CandidateStatus, Store};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";
const WAIT: Duration = Duration::from_secs(20);

/// Kills chromedriver however the test ends.
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A Chromium session with its own profile and download folder.
pub(crate) struct Browser {
    pub(crate) client: Client,
    pub(crate) downloads: tempfile::TempDir,
    _profile: tempfile::TempDir,
    _driver: Driver,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// Whether our chromedriver answers `/status` as ready (and is still ours:
/// it has not exited because the port was taken).
async fn driver_ready(driver: &mut Driver, url: &str) -> bool {
    let http = reqwest::Client::new();
    let deadline = Instant::now() + WAIT;
    while Instant::now() < deadline {
        if !matches!(driver.0.try_wait(), Ok(None)) {
            return false;
        }
        let ready = match http.get(format!("{url}/status")).send().await {
            Ok(r) => r
                .text()
                .await
                .ok()
                .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
                .is_some_and(|v| v["value"]["ready"] == true),
            Err(_) => false,
        };
        if ready {
            // A driver that lost the port exits at once: give it that moment.
            tokio::time::sleep(Duration::from_millis(150)).await;
            return matches!(driver.0.try_wait(), Ok(None));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}

pub(crate) async fn start_browser() -> Browser {
    // Two rustls providers are compiled in (ring and aws-lc-rs): choose one.
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    for tool in [CHROMEDRIVER, CHROMIUM] {
        assert!(
            Path::new(tool).exists(),
            "{tool} is missing: the browser tests need Debian's chromium, chromium-driver \
             and fonts-noto-cjk (.ci/run installs them)"
        );
    }
    // The port is free when picked but could be taken before chromedriver
    // binds it (another test's driver): then ours exits, and a new port is tried.
    let (driver, url) = {
        let mut started = None;
        for _ in 0..3 {
            let port = free_port();
            let mut driver = Driver(
                Command::new(CHROMEDRIVER)
                    .arg(format!("--port={port}"))
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .spawn()
                    .expect("start chromedriver"),
            );
            let url = format!("http://127.0.0.1:{port}");
            if driver_ready(&mut driver, &url).await {
                started = Some((driver, url));
                break;
            }
        }
        started.expect("chromedriver did not come up on any of three ports")
    };
    let profile = tempfile::tempdir().expect("profile dir");
    let downloads = tempfile::tempdir().expect("download dir");
    let caps = serde_json::json!({
        "goog:chromeOptions": {
            "binary": CHROMIUM,
            "args": [
                "--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                "--disable-gpu", "--window-size=1280,1000", "--lang=zh-CN",
                format!("--user-data-dir={}", profile.path().display()),
            ],
            "prefs": {
                "download.default_directory": downloads.path().display().to_string(),
                "download.prompt_for_download": false,
            },
        }
    });
    let serde_json::Value::Object(caps) = caps else {
        panic!("capabilities are an object")
    };
    let client = ClientBuilder::rustls()
        .expect("TLS for the WebDriver client")
        .capabilities(caps)
        .connect(&url)
        .await
        .expect("a Chromium session");
    Browser {
        client,
        downloads,
        _profile: profile,
        _driver: driver,
    }
}

pub(crate) fn screenshots() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot dir");
    dir
}

/// The whole page (the window grown to the page's height, at most 4,000
/// pixels), then the window as it was.
pub(crate) async fn screenshot(c: &Client, name: &str) {
    let height = c
        .execute("return document.documentElement.scrollHeight", vec![])
        .await
        .ok()
        .and_then(|v| v.as_u64())
        .unwrap_or(1000)
        .clamp(600, 4000) as u32;
    c.set_window_size(1280, height).await.expect("resize");
    let png = c.screenshot().await.expect("screenshot");
    c.set_window_size(1280, 1000).await.expect("resize back");
    assert!(png.starts_with(b"\x89PNG"), "{name}: a PNG");
    std::fs::write(screenshots().join(format!("{name}.png")), png).expect("write screenshot");
}

/// Waits until the page's path (and query) satisfies `ok`; the path.
pub(crate) async fn wait_for_path(c: &Client, what: &str, ok: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + WAIT;
    loop {
        let url = c.current_url().await.expect("current url");
        let path = match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_string(),
        };
        if ok(&path) {
            // The new page is there once its document has loaded.
            let state = c
                .execute("return document.readyState", vec![])
                .await
                .expect("readyState");
            if state == "complete" {
                return path;
            }
        }
        assert!(
            Instant::now() < deadline,
            "waiting for {what}: still at {path}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

pub(crate) async fn press(c: &Client, key: char) {
    let keys = KeyActions::new("keyboard".into())
        .then(KeyAction::Down { value: key })
        .then(KeyAction::Up { value: key });
    c.perform_actions(keys).await.expect("key press");
}

pub(crate) async fn type_into(c: &Client, css: &str, text: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .send_keys(text)
        .await
        .unwrap_or_else(|e| panic!("typing into {css}: {e}"));
}

pub(crate) async fn click(c: &Client, css: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .unwrap_or_else(|e| panic!("clicking {css}: {e}"));
}

pub(crate) async fn text_of(c: &Client, css: &str) -> String {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .text()
        .await
        .expect("text")
}

/// The scorecard's rows: (enterprise, A, B, C, total) as shown.
pub(crate) async fn score_rows(c: &Client) -> Vec<Vec<String>> {
    let v = c
        .execute(
            "return Array.from(document.querySelectorAll('table.score tbody tr'))\
             .map(r => Array.from(r.cells).map(td => td.textContent.trim()))",
            vec![],
        )
        .await
        .expect("score rows");
    serde_json::from_value(v).expect("rows of strings")
}

pub(crate) async fn log_in(c: &Client, base: &str, name: &str) {
    c.goto(&format!("{base}/login")).await.expect("login page");
    type_into(c, "input[name=name]", name).await;
    type_into(c, "input[name=password]", PASSWORD).await;
    screenshot(c, "01-login").await;
    click(c, "main form button[type=submit]").await;
    wait_for_path(c, "the queue after login", |p| p.starts_with("/candidates")).await;
}

pub(crate) fn candidate_status(home: &Home, id: i64) -> CandidateStatus {
    Store::open(&home.db_path())
        .expect("store")
        .candidates(&reform_radar::store::CandidateFilter {
            id: Some(id),
            ..Default::default()
        })
        .expect("candidates")
        .first()
        .map(|c| c.status)
        .expect("the candidate")
}

async fn no_alert(c: &Client, what: &str) {
    assert!(
        c.get_alert_text().await.is_err(),
        "{what}: a script ran and opened an alert"
    );
}

/// Runs `test` in a fresh Chromium logged in as `user` on a server over
/// `home`: the browser, the base URL, the download folder.
fn in_chromium(home: &Home, user: &str, test: impl AsyncFnOnce(&Client, &str, &Path)) {
    let app = App::start(home);
    let base = app.base.clone();
    app.rt.block_on(async {
        let b = start_browser().await;
        log_in(&b.client, &base, user).await;
        test(&b.client, &base, b.downloads.path()).await;
        b.client.close().await.expect("close the browser");
    });
}

#[test]
fn a_reviewer_searches_confirms_by_keyboard_undoes_and_exports_in_chromium() {
    let (_dir, home) = crawled_home();
    add_user(&home, "ana", "reviewer", None);
    in_chromium(
        &home,
        "ana",
        async |c: &Client, base: &str, downloads: &Path| {
            // The queue: the script marked the first row as the current one.
            let rows = c.find_all(Locator::Css("tr.cand")).await.expect("rows");
            assert!(rows.len() >= 2, "the sample has pending candidates");
            let first = rows[0].attr("data-id").await.expect("attr");
            let first: i64 = first.expect("data-id").parse().expect("an id");
            let marked = c
                .find(Locator::Css("tr.cand.current"))
                .await
                .expect("a current row");
            assert_eq!(
                marked.attr("data-id").await.expect("attr"),
                Some(first.to_string())
            );
            screenshot(c, "02-candidates").await;

            // Typing `c` in a field, or a `c` while an IME composes, confirms nothing.
            let item = c
                .find(Locator::Css("form.filters input[name=year]"))
                .await
                .expect("year field");
            item.send_keys("c").await.expect("type in the field");
            assert_eq!(item.prop("value").await.expect("value"), Some("c".into()));
            c.execute(
                "document.activeElement.blur();\
             document.dispatchEvent(new KeyboardEvent('keydown', \
               {key: 'c', keyCode: 229, isComposing: true, bubbles: true}));",
                vec![],
            )
            .await
            .expect("composition key");
            tokio::time::sleep(Duration::from_millis(500)).await;
            let path = wait_for_path(c, "the queue", |p| p.starts_with("/candidates")).await;
            assert!(!path.contains("/confirm"), "{path}");
            assert_eq!(candidate_status(&home, first), CandidateStatus::Pending);

            // Reject the second row by keyboard (j, r, 1), then take it back with u.
            let second: i64 = rows[1]
                .attr("data-id")
                .await
                .expect("attr")
                .expect("data-id")
                .parse()
                .expect("an id");
            press(c, 'j').await;
            press(c, 'r').await;
            press(c, '1').await;
            wait_for_path(c, "the queue after a rejection", |p| {
                p.contains(&format!("decided={second}"))
            })
            .await;
            assert_eq!(candidate_status(&home, second), CandidateStatus::Rejected);
            assert!(text_of(c, "div.decided").await.contains("已驳回"));
            press(c, 'u').await;
            wait_for_path(c, "the queue after taking it back", |p| {
                p.starts_with("/candidates") && !p.contains("decided")
            })
            .await;
            assert_eq!(candidate_status(&home, second), CandidateStatus::Pending);

            // Search, with highlighted snippets.
            click(c, "nav a[href='/search']").await;
            wait_for_path(c, "the search page", |p| p == "/search").await;
            type_into(c, "input[name=q]", "改革\u{E007}").await;
            wait_for_path(c, "search results", |p| p.starts_with("/search?")).await;
            let hits = c.find_all(Locator::Css("ol.hits li")).await.expect("hits");
            assert!(!hits.is_empty(), "改革 finds articles in the sample");
            let marks = c
                .find_all(Locator::Css("ol.hits .snippet mark"))
                .await
                .expect("marks");
            assert!(!marks.is_empty(), "the snippets highlight the query");
            assert!(text_of(c, "ol.hits .snippet mark").await.contains("改革"));
            screenshot(c, "03-search").await;
            // An outlet facet narrows the search to that outlet.
            let facet = text_of(c, "p.facets a").await;
            let (outlet, count) = facet.rsplit_once(' ').expect("outlet and count");
            let count: usize = count.parse().expect("a count");
            click(c, "p.facets a").await;
            wait_for_path(c, "the search in one outlet", |p| p.contains("outlet=")).await;
            let metas = c
                .find_all(Locator::Css("ol.hits .meta"))
                .await
                .expect("hits");
            assert_eq!(metas.len(), count.min(20), "{outlet}");
            for m in metas {
                let meta = m.text().await.expect("meta");
                assert!(meta.starts_with(outlet), "{meta} is not from {outlet}");
            }

            // The scorecard before.
            c.goto(&format!("{base}/score")).await.expect("score");
            let before = score_rows(c).await;
            assert!(!before.is_empty(), "the scorecard lists the enterprises");

            // Open the first candidate; the archived original is in a sandboxed frame.
            c.goto(&format!("{base}/candidates")).await.expect("queue");
            click(c, "tr.cand a.open").await;
            wait_for_path(c, "the candidate", |p| p == format!("/candidates/{first}")).await;
            let frame = c
                .find(Locator::Css("iframe.archive"))
                .await
                .expect("the archived view");
            assert_eq!(
                frame.attr("sandbox").await.expect("attr"),
                Some(String::new())
            );
            let mentions = c.find_all(Locator::Css("mark")).await.expect("marks");
            assert!(!mentions.is_empty(), "the mentions are highlighted");
            screenshot(c, "04-candidate").await;

            // Confirm with the keyboard: the next pending candidate opens at once.
            press(c, 'c').await;
            let next = wait_for_path(c, "the next candidate", |p| {
                p.starts_with("/candidates/") && p != format!("/candidates/{first}")
            })
            .await;
            assert!(next.ends_with(&format!("?decided={first}")), "{next}");
            assert_eq!(candidate_status(&home, first), CandidateStatus::Confirmed);
            assert!(text_of(c, "div.decided").await.contains("已确认"));
            // u takes it back and returns to it; c confirms it again.
            press(c, 'u').await;
            wait_for_path(c, "the candidate again", |p| {
                p == format!("/candidates/{first}?undone={first}")
            })
            .await;
            assert!(text_of(c, "div.decided").await.contains("确认已撤销"));
            assert_eq!(candidate_status(&home, first), CandidateStatus::Pending);
            press(c, 'c').await;
            wait_for_path(c, "the next candidate", |p| {
                p.ends_with(&format!("?decided={first}"))
            })
            .await;
            assert_eq!(candidate_status(&home, first), CandidateStatus::Confirmed);
            let store = Store::open(&home.db_path()).expect("store");
            let entries = reform_radar::pipeline::ledger::entries(&store).expect("ledger");
            let entry = entries.last().expect("an entry");
            assert_eq!(entry.reviewer, "ana");

            // The scorecard changed in exactly one enterprise's row.
            c.goto(&format!("{base}/score")).await.expect("score");
            let after = score_rows(c).await;
            assert_eq!(before.len(), after.len());
            let changed: Vec<_> = before.iter().zip(&after).filter(|(x, y)| x != y).collect();
            assert_eq!(changed.len(), 1, "before {before:?} after {after:?}");
            screenshot(c, "05-score").await;

            // Undo on the ledger page, with a reason.
            c.goto(&format!("{base}/ledger")).await.expect("ledger");
            type_into(c, "form.undo input[name=reason]", "误确认，撤销").await;
            screenshot(c, "06-ledger").await;
            click(c, "form.undo button").await;
            // The undo asks for confirmation first.
            wait_for_path(c, "the confirmation step", |p| p.ends_with("/undo")).await;
            assert!(
                text_of(c, "p.confirm-undo")
                    .await
                    .contains("确定要撤销台账第")
            );
            click(c, "form.undo-confirm button").await;
            wait_for_path(c, "the ledger after undo", |p| p == "/ledger").await;
            assert!(text_of(c, "table.ledger").await.contains("已撤销"));
            assert_eq!(candidate_status(&home, first), CandidateStatus::Pending);
            c.goto(&format!("{base}/score")).await.expect("score");
            assert_eq!(
                score_rows(c).await,
                before,
                "the undo restores the scorecard"
            );

            // Download the XLSX from the scorecard.
            c.find(Locator::XPath("//a[starts-with(., '下载 XLSX')]"))
                .await
                .expect("XLSX link")
                .click()
                .await
                .expect("click");
            let deadline = Instant::now() + WAIT;
            let xlsx = loop {
                let done = std::fs::read_dir(downloads)
                    .expect("downloads")
                    .filter_map(Result::ok)
                    .map(|e| e.path())
                    .find(|p| p.extension().is_some_and(|x| x == "xlsx"));
                if let Some(p) = done {
                    break p;
                }
                assert!(Instant::now() < deadline, "no XLSX downloaded");
                tokio::time::sleep(Duration::from_millis(100)).await;
            };
            let bytes = std::fs::read(&xlsx).expect("the XLSX");
            let names = zip_names(&bytes);
            assert!(names.iter().any(|n| n == "xl/workbook.xml"), "{names:?}");
            let file = xlsx
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
                .to_string();
            assert!(file.starts_with("scorecard-"), "{file}");

            // The other pages, for the record.
            for (path, shot) in [("/manual", "07-manual"), ("/sources", "08-sources")] {
                c.goto(&format!("{base}{path}")).await.expect("page");
                assert!(c.find(Locator::Css("main h1")).await.is_ok(), "{path}");
                screenshot(c, shot).await;
            }
        },
    );
}

#[test]
fn a_hostile_article_is_inert_in_the_queue_the_detail_search_and_archive_in_chromium() {
    let (_dir, home) = crawled_home();
    let hostile = inject_hostile_article(&home);
    add_user(&home, "ana", "reviewer", None);
    in_chromium(&home, "ana", async |c: &Client, base: &str, _: &Path| {
        let title = format!("a.open[href='/candidates/{}']", hostile.id);
        let shown = text_of(c, &title).await;
        assert!(
            shown.contains("<script>alert('t')</script>"),
            "shown as text: {shown}"
        );
        for path in [
            "/candidates".to_string(),
            format!("/candidates/{}", hostile.id),
            "/search?q=%E6%B3%A8%E5%85%A5%E6%B5%8B%E8%AF%95".to_string(),
            format!("/archive/{}", hostile.article_id),
        ] {
            c.goto(&format!("{base}{path}")).await.expect("page");
            tokio::time::sleep(Duration::from_millis(300)).await;
            no_alert(c, &path).await;
            if path.starts_with("/archive/") {
                // The original as fetched: whatever it holds, nothing loads.
                let loaded = c
                    .execute(
                        "return Array.from(document.images).filter(i => i.naturalWidth > 0).length",
                        vec![],
                    )
                    .await
                    .expect("images");
                assert_eq!(loaded, 0, "{path}: an image was fetched");
                continue;
            }
            // No element the payload could have made: no <img>, no inline
            // script, no javascript: link.
            let made = c
                .execute(
                    "return document.querySelectorAll('img, a[href^=\"javascript\"], script:not([src])').length",
                    vec![],
                )
                .await
                .expect("count");
            assert_eq!(made, 0, "{path}: the payload made elements");
        }
        c.goto(&format!("{base}/candidates/{}", hostile.id))
            .await
            .expect("detail");
        let body = text_of(c, "main").await;
        assert!(
            body.contains("<img src=x onerror=alert(3)>"),
            "the body is text"
        );
    });
}

#[test]
fn an_enterprise_officer_reads_only_its_own_enterprise_and_cannot_decide_in_chromium() {
    let (_dir, home) = crawled_home();
    let (mine, other) = mine_and_other(&home);
    let own_pending = candidates(&home)
        .into_iter()
        .find(|c| c.enterprise == mine && c.status == CandidateStatus::Pending)
        .expect("a pending candidate of its own");
    add_user(&home, "officer", "enterprise", Some(&mine));
    in_chromium(
        &home,
        "officer",
        async |c: &Client, base: &str, _: &Path| {
            // The queue: its own candidates only, and nothing to decide with.
            let ids = c
            .execute(
                "return Array.from(document.querySelectorAll('tr.cand')).map(r => Number(r.dataset.id))",
                vec![],
            )
            .await
            .expect("ids");
            let ids: Vec<i64> = serde_json::from_value(ids).expect("numbers");
            assert!(ids.contains(&own_pending.id), "{ids:?}");
            assert!(!ids.contains(&other.id), "{ids:?}");
            assert!(
                c.find_all(Locator::Css("form.confirm, form.reject"))
                    .await
                    .expect("forms")
                    .is_empty()
            );
            // c on its own candidate's page decides nothing.
            c.goto(&format!("{base}/candidates/{}", own_pending.id))
                .await
                .expect("detail");
            press(c, 'c').await;
            tokio::time::sleep(Duration::from_millis(500)).await;
            assert_eq!(
                candidate_status(&home, own_pending.id),
                CandidateStatus::Pending
            );
            // Another enterprise's candidate by its id, or by a query parameter: refused.
            c.goto(&format!("{base}/candidates/{}", other.id))
                .await
                .expect("other");
            assert!(
                text_of(c, "main")
                    .await
                    .contains(&format!("没有候选证据 {}", other.id))
            );
            assert!(!c.source().await.expect("source").contains(&other.title));
            c.goto(&format!("{base}/score?enterprise={}", other.enterprise))
                .await
                .expect("score");
            let rows = score_rows(c).await;
            assert!(rows.is_empty(), "another enterprise's scorecard: {rows:?}");
            // Its own scorecard: one row.
            c.goto(&format!("{base}/score")).await.expect("score");
            assert_eq!(score_rows(c).await.len(), 1);
        },
    );
}
