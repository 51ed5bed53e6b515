//! The reviewer as a person, in headless Chromium at 1366×900: on the
//! detail page of every candidate of the sample the first highlighted
//! mention and the 确认 button are in the first screen; `?` shows every key;
//! `r` shows the reasons with their numbers and the chosen one is named in
//! the banner and in 操作记录; a rejected candidate is reopened from its
//! page; a search hit is proposed, confirmed and counted; `GET /api/audit`
//! lists every action of the test with its user; the sample queue is
//! cleared by keyboard (timed). Screenshots under
//! `target/tmp/screenshots-review/` (copied to docs/screenshots).

use crate::browser::{
    candidate_status, click, log_in, press, start_browser, text_of, type_into, wait_for_path,
};
use crate::web_support::*;
use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::{Client, Locator};
use reform_radar::config::Home;
use reform_radar::store::{CandidateStatus, Store};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const WIDTH: u32 = 1366;
const HEIGHT: u32 = 900;

fn shots() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("screenshots-review");
    std::fs::create_dir_all(&dir).expect("screenshot dir");
    dir
}

/// The first screen as a reviewer sees it at 1366×900.
async fn first_screen(c: &Client, name: &str) {
    let png = c.screenshot().await.expect("screenshot");
    assert!(png.starts_with(b"\x89PNG"), "{name}: a PNG");
    std::fs::write(shots().join(format!("{name}.png")), png).expect("write screenshot");
}

/// The whole page (at most 3,000 pixels high), then the window as it was.
async fn whole_page(c: &Client, name: &str) {
    let height = c
        .execute("return document.documentElement.scrollHeight", vec![])
        .await
        .ok()
        .and_then(|v| v.as_u64())
        .unwrap_or(u64::from(HEIGHT))
        .clamp(600, 3000) as u32;
    // The window's frame takes about 150 pixels of its height.
    c.set_window_size(WIDTH, height + 150)
        .await
        .expect("resize");
    let png = c.screenshot().await.expect("screenshot");
    std::fs::write(shots().join(format!("{name}.png")), png).expect("write screenshot");
    c.set_window_size(WIDTH, HEIGHT).await.expect("resize back");
}

/// Where an element is in the viewport: (top, bottom, viewport height,
/// page scrolled by); none if it is not there.
async fn rect(c: &Client, css: &str) -> Option<(f64, f64, f64, f64)> {
    let v = c
        .execute(
            "const e = document.querySelector(arguments[0]); if (!e) return null;\
             const r = e.getBoundingClientRect();\
             return [r.top, r.bottom, window.innerHeight, window.scrollY];",
            vec![serde_json::json!(css)],
        )
        .await
        .expect("rect");
    serde_json::from_value::<Option<(f64, f64, f64, f64)>>(v).expect("numbers")
}

/// Whether an element is there and shown (not hidden, not display: none).
async fn shown(c: &Client, css: &str) -> bool {
    c.execute(
        "const e = document.querySelector(arguments[0]);\
         return !!e && !e.closest('[hidden]') && getComputedStyle(e).display !== 'none';",
        vec![serde_json::json!(css)],
    )
    .await
    .expect("shown")
        == serde_json::json!(true)
}

async fn set_value(c: &Client, css: &str, value: &str) {
    c.execute(
        "document.querySelector(arguments[0]).value = arguments[1];",
        vec![serde_json::json!(css), serde_json::json!(value)],
    )
    .await
    .unwrap_or_else(|e| panic!("{css}: {e}"));
}

async fn escape(c: &Client) {
    let keys = KeyActions::new("keyboard".into())
        .then(KeyAction::Down { value: '\u{E00C}' })
        .then(KeyAction::Up { value: '\u{E00C}' });
    c.perform_actions(keys).await.expect("Escape");
}

/// The candidate id of a detail page's path.
fn id_of(path: &str) -> Option<i64> {
    path.strip_prefix("/candidates/")?
        .split(['?', '/'])
        .next()?
        .parse()
        .ok()
}

/// Runs `test` in a fresh Chromium at 1366×900, logged in as `user`.
fn as_reviewer(home: &Home, user: &str, test: impl AsyncFnOnce(&Client, &str)) {
    let app = App::start(home);
    let base = app.base.clone();
    app.rt.block_on(async {
        let b = start_browser().await;
        log_in(&b.client, &base, user).await;
        // A 1366×900 window (the page itself gets what the window's frame
        // leaves: stricter than a 1366×900 page).
        b.client
            .set_window_size(WIDTH, HEIGHT)
            .await
            .expect("1366×900");
        test(&b.client, &base).await;
        b.client.close().await.expect("close the browser");
    });
}

#[test]
fn every_sample_candidate_decides_in_the_first_screen_at_1366_by_900_in_chromium() {
    let (_dir, home) = crawled_home();
    add_user(&home, "rita", "reviewer", None);
    let all = candidates(&home);
    let reviewable: Vec<_> = all
        .iter()
        .filter(|c| matches!(c.status, CandidateStatus::Pending | CandidateStatus::Lead))
        .collect();
    assert!(reviewable.len() >= 5, "the sample has candidates to review");
    as_reviewer(&home, "rita", async |c: &Client, base: &str| {
        let mut below = Vec::new();
        for (n, cand) in reviewable.iter().enumerate() {
            c.goto(&format!("{base}/candidates/{}", cand.id))
                .await
                .expect("detail");
            let button = if cand.status == CandidateStatus::Pending {
                "div.decision-bar form.confirm button"
            } else {
                "div.decision-bar form.promote button"
            };
            for css in ["section.decide mark", button, "p.verdict"] {
                match rect(c, css).await {
                    Some((top, bottom, height, scrolled)) => {
                        if top < 0.0 || bottom > height || scrolled > 0.0 {
                            below.push(format!("#{} {css}: {top}–{bottom} of {height}", cand.id));
                        }
                    }
                    None => below.push(format!("#{} {css}: missing", cand.id)),
                }
            }
            let verdict = text_of(c, "p.verdict").await;
            assert!(verdict.starts_with("深度报道："), "{verdict}");
            let facts = text_of(c, "section.decide p.facts").await;
            assert!(
                facts.contains(&format!("条目：{} ", cand.item)) || cand.item == "lead",
                "the item with its name: {facts}"
            );
            if n == 0 {
                first_screen(c, "10-detail-first-screen").await;
                whole_page(c, "11-detail-whole").await;
                // `?`: every key, and Escape closes it.
                press(c, '?').await;
                assert!(shown(c, "#help").await, "? shows the help");
                let help = text_of(c, "#help").await;
                for key in ["j / n", "c", "r", "s", "u", "o", "?", "Esc"] {
                    assert!(help.contains(key), "{key} in {help}");
                }
                first_screen(c, "12-help-overlay").await;
                escape(c).await;
                assert!(!shown(c, "#help").await, "Escape closes the help");
            }
        }
        assert!(below.is_empty(), "below the first screen: {below:#?}");
    });
}

#[test]
fn a_reviewer_rejects_with_the_picker_reopens_proposes_and_reads_it_all_in_the_trail_in_chromium() {
    let (_dir, home) = crawled_home();
    add_user(&home, "rita", "reviewer", None);
    let bearer = token(&home, "rita");
    let all = candidates(&home);
    let with_candidates: BTreeSet<String> = all.iter().map(|c| c.article_id.clone()).collect();
    // An article matching proposed nothing for, with a date.
    let store = Store::open(&home.db_path()).expect("store");
    let missed = store
        .articles(&[])
        .expect("articles")
        .into_iter()
        .find(|a| {
            !with_candidates.contains(&a.article.id.0)
                && a.article.published.is_some()
                && a.article.title.chars().count() >= 6
        })
        .expect("an article without candidates");
    drop(store);
    let enterprise = all[0].named_enterprise.clone();
    let unit = all[0].enterprise.clone();
    let http = reqwest::Client::new();
    as_reviewer(&home, "rita", async |c: &Client, base: &str| {
        let api = async |path: &str| -> serde_json::Value {
            let r = http
                .get(format!("{base}{path}"))
                .bearer_auth(&bearer)
                .send()
                .await
                .expect("api");
            assert!(r.status().is_success(), "{path}: {}", r.status());
            serde_json::from_str(&r.text().await.expect("body")).expect("json")
        };

        // The queue: each row has its key sentence and its item's name.
        c.goto(&format!("{base}/candidates")).await.expect("queue");
        assert!(
            c.find(Locator::Css("tr.cand div.key-sentence mark"))
                .await
                .is_ok()
        );
        assert!(
            text_of(c, ".counts .position")
                .await
                .starts_with("当前第 1/")
        );
        first_screen(c, "13-queue").await;

        // r on a candidate: the reasons with their numbers; 4 rejects with
        // 非深度专题报道, which the banner names.
        let first = all
            .iter()
            .find(|x| x.status == CandidateStatus::Pending)
            .expect("pending")
            .id;
        c.goto(&format!("{base}/candidates/{first}"))
            .await
            .expect("detail");
        assert!(!shown(c, "#reason-picker").await);
        press(c, 'r').await;
        assert!(shown(c, "#reason-picker").await, "r shows the reasons");
        let picker = text_of(c, "#reason-picker").await;
        for want in ["1", "不是本企业", "4", "非深度专题报道", "6", "其他"] {
            assert!(picker.contains(want), "{want} in {picker}");
        }
        first_screen(c, "14-reason-picker").await;
        press(c, '4').await;
        wait_for_path(c, "the next candidate", |p| {
            p.contains(&format!("decided={first}"))
        })
        .await;
        assert_eq!(candidate_status(&home, first), CandidateStatus::Rejected);
        let banner = text_of(c, "div.decided").await;
        assert!(
            banner.contains("已驳回") && banner.contains("非深度专题报道"),
            "{banner}"
        );
        first_screen(c, "15-banner-with-reason").await;

        // Reopened from its page, with a reason.
        c.goto(&format!("{base}/candidates/{first}"))
            .await
            .expect("detail");
        type_into(c, "form.reopen input[name=reason]", "误驳回，应为深度报道").await;
        first_screen(c, "16-reopen").await;
        click(c, "form.reopen button").await;
        wait_for_path(c, "the reopened candidate", |p| p.contains("reopened=")).await;
        assert_eq!(candidate_status(&home, first), CandidateStatus::Pending);
        assert!(text_of(c, "div.decided").await.contains("已重新打开"));

        // s: skipped, recorded, and last in the queue.
        press(c, 's').await;
        wait_for_path(c, "the next after a skip", |p| {
            id_of(p).is_some_and(|n| n != first)
        })
        .await;
        c.goto(&format!("{base}/candidates")).await.expect("queue");
        let ids = c
            .execute(
                "return Array.from(document.querySelectorAll('tr.cand')).map(r => Number(r.dataset.id))",
                vec![],
            )
            .await
            .expect("ids");
        let ids: Vec<i64> = serde_json::from_value(ids).expect("numbers");
        assert_eq!(
            ids.last(),
            Some(&first),
            "the skipped candidate is last: {ids:?}"
        );

        // The enterprise filter of the search finds its names.
        c.goto(&format!(
            "{base}/search?q=%E6%94%B9%E9%9D%A9&enterprise={enterprise}"
        ))
        .await
        .expect("search");
        assert!(
            !c.find_all(Locator::Css("ol.hits li"))
                .await
                .expect("hits")
                .is_empty()
        );
        whole_page(c, "19-search-enterprise").await;

        // A search hit matching missed: proposed, confirmed, counted.
        let before = api(&format!("/api/score?enterprise={unit}")).await;
        let phrase: String = missed.article.title.chars().take(8).collect();
        let q: String =
            url::form_urlencoded::byte_serialize(format!("\"{phrase}\"").as_bytes()).collect();
        c.goto(&format!("{base}/search?q={q}"))
            .await
            .expect("search");
        let hit = format!("ol.hits li[data-article='{}']", missed.article.id.0);
        assert!(text_of(c, &hit).await.contains("尚无候选证据"));
        click(c, &format!("{hit} details.propose summary")).await;
        set_value(
            c,
            &format!("{hit} form.propose select[name=enterprise]"),
            &enterprise,
        )
        .await;
        set_value(
            c,
            &format!("{hit} form.propose select[name=item]"),
            &all[0].item,
        )
        .await;
        type_into(
            c,
            &format!("{hit} form.propose input[name=note]"),
            "自动匹配漏掉的简称",
        )
        .await;
        first_screen(c, "17-search-propose").await;
        click(c, &format!("{hit} form.propose button")).await;
        let path = wait_for_path(c, "the proposed candidate", |p| id_of(p).is_some()).await;
        let proposed = id_of(&path).expect("an id");
        assert!(text_of(c, "section.decide").await.contains("人工发现"));
        assert_eq!(candidate_status(&home, proposed), CandidateStatus::Pending);
        first_screen(c, "18-proposed-candidate").await;
        press(c, 'c').await;
        wait_for_path(c, "after confirming it", |p| {
            p.contains(&format!("decided={proposed}"))
        })
        .await;
        assert_eq!(
            candidate_status(&home, proposed),
            CandidateStatus::Confirmed
        );
        let after = api(&format!("/api/score?enterprise={unit}")).await;
        assert_ne!(
            before["enterprises"][0]["total"], after["enterprises"][0]["total"],
            "the proposal counts: {before} → {after}"
        );

        // 操作记录: the reason, the reopening, the proposal, in Beijing time.
        c.goto(&format!("{base}/audit")).await.expect("audit");
        let trail = text_of(c, "table.audit").await;
        for want in [
            "驳回",
            "非深度专题报道",
            "重新打开",
            "误驳回，应为深度报道",
            "人工发现",
            "确认",
            "跳过",
            "登录",
            "rita",
        ] {
            assert!(trail.contains(want), "{want} in the trail");
        }
        assert!(
            !trail.contains('Z') && !trail.contains("T2"),
            "no UTC time: {trail}"
        );
        whole_page(c, "20-audit").await;
        let only_rejects = api("/api/audit?action=reject").await;
        assert!(
            only_rejects
                .as_array()
                .is_some_and(|a| !a.is_empty() && a.iter().all(|r| r["action"] == "reject"))
        );

        // The audit API: every action of this test, each with its user.
        let rows = api("/api/audit?user=rita").await;
        let rows = rows.as_array().expect("an array");
        let actions: BTreeSet<&str> = rows.iter().filter_map(|r| r["action"].as_str()).collect();
        for a in ["login", "reject", "reopen", "skip", "propose", "confirm"] {
            assert!(actions.contains(a), "{a} in {actions:?}");
        }
        for r in rows {
            let keys: BTreeSet<&str> = r
                .as_object()
                .expect("object")
                .keys()
                .map(String::as_str)
                .collect();
            assert_eq!(
                keys,
                BTreeSet::from([
                    "at",
                    "user",
                    "action",
                    "enterprise",
                    "candidate",
                    "entry",
                    "item",
                    "reason",
                    "note"
                ])
            );
            assert_eq!(r["user"], "rita");
            assert!(
                r["at"].as_str().is_some_and(|t| t.ends_with("+08:00")),
                "{r}"
            );
        }
        let reject = rows
            .iter()
            .find(|r| r["action"] == "reject")
            .expect("the rejection");
        assert_eq!(reject["candidate"], first);
        assert_eq!(reject["reason"], "非深度专题报道");

        // The ledger counts from 1; an error page speaks Chinese with a way back.
        c.goto(&format!("{base}/ledger")).await.expect("ledger");
        let first_cell = text_of(c, "table.ledger tbody tr td").await;
        assert_eq!(first_cell, "1");
        whole_page(c, "22-ledger").await;
        c.goto(&format!("{base}/candidates/999999"))
            .await
            .expect("missing");
        let main = text_of(c, "main").await;
        assert!(
            main.contains("没有候选证据") && main.contains("返回上一页"),
            "{main}"
        );
        assert!(
            !main.chars().any(|ch| ch.is_ascii_alphabetic()),
            "no English: {main}"
        );
        assert!(c.find(Locator::Css("nav a[href='/audit']")).await.is_ok());
        first_screen(c, "21-error-page").await;
    });
}

#[test]
fn the_sample_queue_is_cleared_by_keyboard_in_chromium() {
    let (_dir, home) = crawled_home();
    add_user(&home, "rita", "reviewer", None);
    let pending = candidates(&home)
        .into_iter()
        .filter(|c| c.status == CandidateStatus::Pending)
        .count();
    as_reviewer(&home, "rita", async |c: &Client, base: &str| {
        c.goto(&format!("{base}/candidates")).await.expect("queue");
        let started = Instant::now();
        press(c, 'o').await;
        let mut path = wait_for_path(c, "the first candidate", |p| id_of(p).is_some()).await;
        let mut decided = 0;
        while let Some(id) = id_of(&path) {
            assert!(decided <= pending, "more decisions than candidates");
            // The reviewer reads the verdict and decides: c, or r then 4.
            let deep = c.find(Locator::Css("p.verdict.deep")).await.is_ok();
            if deep {
                press(c, 'c').await;
            } else {
                press(c, 'r').await;
                press(c, '4').await;
            }
            path = wait_for_path(c, "the next candidate", |p| {
                p.contains(&format!("decided={id}"))
                    || p.starts_with("/candidates/") && p.ends_with("/confirm")
            })
            .await;
            if path.ends_with("/confirm") {
                // Refused (say, no date): back, and rejected instead.
                c.back().await.expect("back");
                tokio::time::sleep(Duration::from_millis(100)).await;
                press(c, 'r').await;
                press(c, '1').await;
                path = wait_for_path(c, "the next candidate", |p| {
                    p.contains(&format!("decided={id}"))
                })
                .await;
            }
            decided += 1;
            if !path.starts_with("/candidates/") {
                break;
            }
        }
        let took = started.elapsed();
        assert_eq!(decided, pending, "every pending candidate decided once");
        let left = candidates(&home)
            .into_iter()
            .filter(|c| c.status == CandidateStatus::Pending)
            .count();
        assert_eq!(left, 0, "the queue is empty");
        println!(
            "cleared the sample queue by keyboard: {decided} candidates in {:.1} s ({:.2} s each)",
            took.as_secs_f64(),
            took.as_secs_f64() / decided.max(1) as f64
        );
    });
}
