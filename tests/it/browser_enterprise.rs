//! Enterprises taking part, in a real headless Chromium (as `browser`): an
//! officer sends in a PDF, a reviewer accepts it into the ledger, and the
//! officer's 我的进度 and the scorecard change; an appeal of a rejection goes
//! to the reviewers marked 企业申请复核 and its decision comes back with the
//! reason; another enterprise's officer sees none of it; at 390 × 844 none of
//! 记分, 我的进度, 候选证据 and 证据详情 scrolls sideways. Screenshots (desktop
//! and phone) go to `target/tmp/screenshots/19-*.png`.

use crate::browser::{
    Browser, candidate_status, click, log_in, score_rows, start_browser, text_of, type_into,
    wait_for_path,
};
use crate::web_support::*;
use fantoccini::{Client, Locator};
use reform_radar::config::Home;
use reform_radar::pipeline::review::{RejectReason, reject};
use reform_radar::store::{AuditFilter, CandidateStatus, Store};
use std::path::{Path, PathBuf};
use std::time::Duration;

fn shots() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot dir");
    dir
}

/// The whole page at `width` (the window grown to the page, at most 4,000 px).
async fn shot(c: &Client, name: &str, width: u32) {
    let height = c
        .execute("return document.documentElement.scrollHeight", vec![])
        .await
        .ok()
        .and_then(|v| v.as_u64())
        .unwrap_or(900)
        .clamp(600, 4000) as u32;
    c.set_window_size(width, height).await.expect("resize");
    let png = c.screenshot().await.expect("screenshot");
    assert!(png.starts_with(b"\x89PNG"), "{name}: a PNG");
    std::fs::write(shots().join(format!("19-{name}.png")), png).expect("write");
    c.set_window_size(1280, 1000).await.expect("resize back");
}

async fn log_out(c: &Client, base: &str) {
    c.goto(&format!("{base}/candidates")).await.expect("page");
    click(c, "nav form.inline button").await;
    wait_for_path(c, "the login page", |p| p.starts_with("/login")).await;
}

async fn js_string(c: &Client, script: &str) -> String {
    let v = c.execute(script, vec![]).await.expect("script");
    v.as_str()
        .map(str::to_string)
        .unwrap_or_else(|| v.to_string())
}

/// At a phone's width, the page is no wider than the screen.
async fn fits_a_phone(c: &Client, base: &str, path: &str, name: &str) {
    c.set_window_size(390, 844).await.expect("phone size");
    c.goto(&format!("{base}{path}")).await.expect("page");
    let inner = c
        .execute("return window.innerWidth", vec![])
        .await
        .expect("width")
        .as_u64()
        .expect("a number");
    let wide = c
        .execute("return document.scrollingElement.scrollWidth", vec![])
        .await
        .expect("scrollWidth")
        .as_u64()
        .expect("a number");
    assert!(inner <= 390, "{path}: the window is {inner} px wide");
    if wide > 390 {
        let culprits = c
            .execute(
                "return Array.from(document.querySelectorAll('body *'))\
                 .filter(e => e.getBoundingClientRect().right > 391)\
                 .slice(0, 8).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))",
                vec![],
            )
            .await
            .expect("culprits");
        panic!("{path}: the page is {wide} px wide at 390 px: {culprits}");
    }
    // The navigation folds away and opens from its button.
    let links_shown = c
        .execute(
            "return getComputedStyle(document.querySelector('.nav-links')).display",
            vec![],
        )
        .await
        .expect("display");
    assert_eq!(links_shown, "none", "{path}: the menu is folded on a phone");
    shot(c, &format!("phone-{name}"), 390).await;
    c.set_window_size(1280, 1000).await.expect("desktop size");
}

fn pdf(dir: &Path) -> PathBuf {
    let path = dir.join("市领导批示件.pdf");
    std::fs::write(
        &path,
        b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n",
    )
    .expect("pdf");
    path
}

fn audit_actions(home: &Home) -> Vec<String> {
    Store::open(&home.db_path())
        .expect("store")
        .audit_log(&AuditFilter::default())
        .expect("audit")
        .into_iter()
        .map(|r| r.record.action)
        .collect()
}

/// A browser on a server over `home`.
fn with_browser(home: &Home, test: impl AsyncFnOnce(&Client, &str)) {
    let app = App::start(home);
    let base = app.base.clone();
    app.rt.block_on(async {
        let b: Browser = start_browser().await;
        test(&b.client, &base).await;
        b.client.close().await.expect("close the browser");
    });
}

#[test]
fn an_officer_submits_a_pdf_a_reviewer_accepts_it_and_progress_and_score_change_in_chromium() {
    let (dir, home) = crawled_home();
    let (mine, other) = mine_and_other(&home);
    add_user(&home, "officer", "enterprise", Some(&mine));
    add_user(&home, "outsider", "enterprise", Some(&other.enterprise));
    add_user(&home, "ana", "reviewer", None);
    let file = pdf(dir.path());
    let own = candidates(&home)
        .into_iter()
        .find(|c| c.enterprise == mine)
        .expect("a candidate of its own");
    with_browser(&home, async |c: &Client, base: &str| {
        log_in(c, base, "officer").await;
        // What an officer cannot act on is not shown.
        let queue = c.source().await.expect("source");
        assert!(!queue.contains("快捷键"), "no reviewer keys");
        assert!(!queue.contains("<th>操作</th>"), "no empty action column");
        assert!(!queue.contains("href=\"/sources\""), "no source internals");
        c.goto(&format!("{base}/progress")).await.expect("progress");
        let before = text_of(c, "main").await;
        assert!(before.contains("C 类目标"), "{before}");
        assert!(before.contains("需企业报送的事项"), "{before}");
        assert!(
            before.contains("C1 市领导肯定性批示"),
            "the manual-only checklist: {before}"
        );
        shot(c, "progress-before", 1280).await;
        c.goto(&format!("{base}/score")).await.expect("score");
        let score_before = score_rows(c).await;
        assert_eq!(score_before.len(), 1, "{score_before:?}");
        assert!(
            !c.source().await.expect("source").contains("<pre>"),
            "no base64 checkpoint on 记分"
        );

        // Send the PDF in for C1.
        c.goto(&format!("{base}/submissions?item=C1"))
            .await
            .expect("submissions");
        c.execute(
            "document.querySelector('form.submission input[name=date]').value = '2026-03-04'",
            vec![],
        )
        .await
        .expect("date");
        type_into(
            c,
            "form.submission input[name=title]",
            "关于城投集团改革经验的批示",
        )
        .await;
        type_into(c, "form.submission input[name=issuer]", "市委改革办").await;
        type_into(c, "form.submission input[name=note]", "市领导批示件扫描").await;
        c.find(Locator::Css("form.submission input[name=file]"))
            .await
            .expect("file input")
            .send_keys(&file.display().to_string())
            .await
            .expect("choose the file");
        shot(c, "submission-form", 1280).await;
        click(c, "form.submission button[type=submit]").await;
        wait_for_path(c, "the list after sending", |p| p.contains("sent=")).await;
        assert!(text_of(c, "p.ok").await.contains("已报送"));
        assert!(text_of(c, "table.submissions").await.contains("待审核"));
        c.goto(&format!("{base}/progress")).await.expect("progress");
        let waiting = text_of(c, "main").await;
        assert!(waiting.contains("待审核的报送材料 1 份"), "{waiting}");
        assert!(
            waiting.contains("待审核 1 份"),
            "the checklist says so: {waiting}"
        );
        // `radar score --format json` counts it as pending, beside the candidates.
        let sheet: serde_json::Value = serde_json::from_str(&crate::support::radar_ok(
            &home,
            &[
                "score",
                "--year",
                "2026",
                "--format",
                "json",
                "--enterprise",
                &mine,
            ],
        ))
        .expect("json");
        let pending_candidates = candidates(&home)
            .iter()
            .filter(|x| x.enterprise == mine && x.status == CandidateStatus::Pending)
            .count() as u64;
        assert_eq!(
            sheet["enterprises"][0]["pending"].as_u64(),
            Some(pending_candidates + 1),
            "{sheet}"
        );
        log_out(c, base).await;

        // Another enterprise's officer sees none of it.
        log_in(c, base, "outsider").await;
        c.goto(&format!("{base}/submissions?status=all"))
            .await
            .expect("submissions");
        let theirs = text_of(c, "main").await;
        assert!(!theirs.contains("关于城投集团改革经验的批示"), "{theirs}");
        c.goto(&format!("{base}/submissions/1/file"))
            .await
            .expect("file");
        assert!(text_of(c, "main").await.contains("没有报送材料 1"));
        c.goto(&format!("{base}/candidates/{}", own.id))
            .await
            .expect("detail");
        assert!(text_of(c, "main").await.contains("没有候选证据"));
        log_out(c, base).await;

        // The reviewer finds it waiting and accepts it into the ledger.
        log_in(c, base, "ana").await;
        c.goto(&format!("{base}/submissions"))
            .await
            .expect("submissions");
        let row = text_of(c, "tr.submission").await;
        assert!(row.contains("关于城投集团改革经验的批示"), "{row}");
        type_into(
            c,
            "tr.submission form.accept input[name=note]",
            "批示件核实无误",
        )
        .await;
        shot(c, "submissions-reviewer", 1280).await;
        click(c, "tr.submission form.accept button").await;
        wait_for_path(c, "the list after accepting", |p| p.contains("done=")).await;
        let done = text_of(c, "p.ok").await;
        assert!(done.contains("计入台账第"), "{done}");
        log_out(c, base).await;

        // The officer's progress and scorecard changed.
        log_in(c, base, "officer").await;
        c.goto(&format!("{base}/progress")).await.expect("progress");
        let after = text_of(c, "main").await;
        assert!(after.contains("已计入 1 项"), "{after}");
        assert!(after.contains("待审核的报送材料 0 份"), "{after}");
        assert_ne!(before, after);
        shot(c, "progress-after", 1280).await;
        c.goto(&format!("{base}/score")).await.expect("score");
        let score_after = score_rows(c).await;
        assert_ne!(score_before, score_after, "the scorecard changed");
        assert!(
            text_of(c, "p.checkpoint").await.contains("指纹"),
            "the checkpoint as a fingerprint"
        );
        shot(c, "score-officer", 1280).await;
        c.goto(&format!("{base}/submissions?status=accepted"))
            .await
            .expect("accepted");
        assert!(text_of(c, "table.submissions").await.contains("已采纳"));

        // On a phone, none of the four pages scrolls sideways.
        for (path, name) in [
            ("/score".to_string(), "score-officer"),
            ("/progress".to_string(), "progress"),
            ("/candidates".to_string(), "candidates-officer"),
            (format!("/candidates/{}", own.id), "detail-officer"),
        ] {
            fits_a_phone(c, base, &path, name).await;
        }
        log_out(c, base).await;
        log_in(c, base, "ana").await;
        for (path, name) in [
            ("/score".to_string(), "score-leader"),
            (format!("/progress?enterprise={mine}"), "progress-leader"),
            ("/candidates".to_string(), "candidates-reviewer"),
            (format!("/candidates/{}", own.id), "detail-reviewer"),
        ] {
            fits_a_phone(c, base, &path, name).await;
        }
        c.goto(&format!("{base}/score")).await.expect("score");
        shot(c, "score-leader", 1280).await;
        c.goto(&format!("{base}/score/enterprise/{mine}"))
            .await
            .expect("enterprise page");
        assert!(
            c.find(Locator::Css("svg.chart rect")).await.is_ok(),
            "a chart"
        );
        assert!(text_of(c, "ol.timeline").await.contains("市委改革办"));
        shot(c, "enterprise-page", 1280).await;
    });
    let actions = audit_actions(&home);
    for a in ["submit", "submission.accept"] {
        assert!(actions.iter().any(|x| x == a), "{a} in {actions:?}");
    }
}

#[test]
fn an_appeal_goes_to_the_reviewers_and_its_decision_comes_back_in_chromium() {
    let (_dir, home) = crawled_home();
    let (mine, other) = mine_and_other(&home);
    add_user(&home, "officer", "enterprise", Some(&mine));
    add_user(&home, "outsider", "enterprise", Some(&other.enterprise));
    add_user(&home, "ana", "reviewer", None);
    let target = candidates(&home)
        .into_iter()
        .find(|c| c.enterprise == mine && c.status == CandidateStatus::Pending)
        .expect("a pending candidate of its own");
    {
        let mut store = Store::open(&home.db_path()).expect("store");
        reject(&mut store, target.id, "ana", &RejectReason::WebOnly).expect("reject");
    }
    with_browser(&home, async |c: &Client, base: &str| {
        // The officer sees why at the top and asks for review.
        log_in(c, base, "officer").await;
        c.goto(&format!("{base}/candidates/{}", target.id))
            .await
            .expect("detail");
        assert!(text_of(c, "p.error").await.contains("仅网络版"));
        assert!(
            c.find(Locator::Css("form.confirm, form.reject"))
                .await
                .is_err(),
            "no decision forms for an officer"
        );
        type_into(
            c,
            "form.appeal textarea[name=comment]",
            "该报道刊于人民日报第5版，为深度专题报道",
        )
        .await;
        shot(c, "appeal-form", 1280).await;
        click(c, "form.appeal button").await;
        wait_for_path(c, "the candidate after appealing", |p| {
            p == format!("/candidates/{}", target.id)
        })
        .await;
        assert!(text_of(c, "p.notice").await.contains("企业申请复核"));
        assert_eq!(candidate_status(&home, target.id), CandidateStatus::Pending);
        log_out(c, base).await;

        // Another enterprise's officer sees neither the candidate nor the thread.
        log_in(c, base, "outsider").await;
        c.goto(&format!("{base}/candidates?status=all"))
            .await
            .expect("queue");
        assert!(!c.source().await.expect("source").contains("企业申请复核"));
        c.goto(&format!("{base}/candidates/{}", target.id))
            .await
            .expect("detail");
        assert!(!c.source().await.expect("source").contains("深度专题报道"));
        log_out(c, base).await;

        // The reviewer finds it marked, reads the comment, answers and decides.
        log_in(c, base, "ana").await;
        let row = text_of(c, &format!("tr.cand[data-id='{}']", target.id)).await;
        assert!(row.contains("企业申请复核"), "{row}");
        shot(c, "queue-appeal", 1280).await;
        c.goto(&format!("{base}/candidates/{}", target.id))
            .await
            .expect("detail");
        assert!(text_of(c, "ol.thread").await.contains("深度专题报道"));
        type_into(
            c,
            "form.comment textarea[name=text]",
            "已核对版面，系网络版转载",
        )
        .await;
        click(c, "form.comment button").await;
        wait_for_path(c, "the thread", |p| {
            p.starts_with(&format!("/candidates/{}", target.id))
        })
        .await;
        c.find(Locator::Css("form.reject select[name=reason]"))
            .await
            .expect("reason")
            .select_by_value("other")
            .await
            .expect("other");
        type_into(c, "form.reject input[name=other]", "复核后仍为网络版").await;
        click(c, "form.reject button").await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        wait_for_path(c, "after rejecting", |p| !p.ends_with("/reject")).await;
        assert_eq!(
            candidate_status(&home, target.id),
            CandidateStatus::Rejected
        );
        log_out(c, base).await;

        // The decision and its reason reach the officer.
        log_in(c, base, "officer").await;
        c.goto(&format!("{base}/candidates/{}", target.id))
            .await
            .expect("detail");
        let outcome = text_of(c, "main").await;
        assert!(outcome.contains("复核结果：维持驳回"), "{outcome}");
        let banner = text_of(c, "p.error").await;
        assert!(
            banner.contains("维持驳回") && banner.contains("复核后仍为网络版"),
            "the reason in the reviewer's words at the top: {banner}"
        );
        assert!(
            outcome.contains("已核对版面"),
            "the reviewer's answer: {outcome}"
        );
        shot(c, "appeal-outcome", 1280).await;
        c.goto(&format!("{base}/progress")).await.expect("progress");
        let progress = js_string(c, "return document.querySelector('main').innerText").await;
        assert!(progress.contains("复核结果"), "{progress}");
        assert!(progress.contains("维持驳回"), "{progress}");
    });
    let actions = audit_actions(&home);
    for a in ["appeal", "comment"] {
        assert!(actions.iter().any(|x| x == a), "{a} in {actions:?}");
    }
}
