//! Every reviewer action reversible and on the trail, over real HTTP: a
//! lead dismissed, reopened and promoted with a date and an item; an
//! article proposed through `POST /api/articles/{id}/propose`; one story's
//! candidates rejected together; an empty 其他 reason answered in Chinese
//! with the navigation; 操作记录 scoped for an enterprise user and exported
//! to XLSX.

use crate::web_support::*;
use reform_radar::store::{CandidateStatus, Store};
use reqwest::StatusCode;
use std::collections::BTreeSet;

fn status_of(home: &reform_radar::config::Home, id: i64) -> CandidateStatus {
    candidates(home)
        .into_iter()
        .find(|c| c.id == id)
        .map(|c| c.status)
        .expect("candidate")
}

#[test]
fn leads_proposals_and_stories_are_decided_and_taken_back_on_the_trail() {
    let (_dir, home) = crawled_home();
    add_user(&home, "ana", "reviewer", None);
    let app = App::start(&home);
    let (cookie, csrf) = app.login("ana");
    let all = candidates(&home);

    // A lead: dismissed with a reason, reopened (a lead again), promoted.
    let lead = all
        .iter()
        .find(|c| c.status == CandidateStatus::Lead)
        .expect("the sample has leads");
    let page = app.get(&format!("/candidates/{}", lead.id), Some(&cookie));
    assert!(page.body.contains("转为候选证据") && page.body.contains("不予采用"));
    assert!(!page.body.contains(">lead<"), "no English word on the page");
    let r = app.form(
        &format!("/candidates/{}/dismiss", lead.id),
        &cookie,
        &[("csrf", &csrf), ("reason", "转载稿，原报道已在候选中")],
    );
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(status_of(&home, lead.id), CandidateStatus::Withdrawn);
    let r = app.form(
        &format!("/candidates/{}/reopen", lead.id),
        &cookie,
        &[("csrf", &csrf), ("reason", "原报道未入库，需要线索")],
    );
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(status_of(&home, lead.id), CandidateStatus::Lead);
    let r = app.form(
        &format!("/candidates/{}/promote", lead.id),
        &cookie,
        &[
            ("csrf", &csrf),
            ("item", "B1"),
            ("date", "2026-03-05"),
            ("note", "见人民日报 5 版"),
        ],
    );
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let to = r.headers["location"]
        .to_str()
        .expect("location")
        .to_string();
    let promoted: i64 = to
        .trim_start_matches("/candidates/")
        .parse()
        .expect("the new candidate");
    let row = candidates(&home)
        .into_iter()
        .find(|c| c.id == promoted)
        .expect("promoted");
    assert_eq!(row.status, CandidateStatus::Pending);
    assert_eq!(row.item, "B1");
    assert_eq!(row.published.as_deref(), Some("2026-03-05"));
    assert_eq!(status_of(&home, lead.id), CandidateStatus::Withdrawn);
    let page = app.get(&to, Some(&cookie));
    assert!(page.body.contains("人工发现"), "{}", page.body);
    assert!(page.body.contains("B1 《人民日报》单篇报道"));

    // The API proposal: an article matching proposed nothing for.
    let with: BTreeSet<String> = all.iter().map(|c| c.article_id.clone()).collect();
    let store = Store::open(&home.db_path()).expect("store");
    let missed = store
        .articles(&[])
        .expect("articles")
        .into_iter()
        .find(|a| !with.contains(&a.article.id.0) && a.article.published.is_some())
        .expect("an article without candidates");
    let enterprise = all[0].named_enterprise.clone();
    let path = format!("/api/articles/{}/propose", missed.article.id.0);
    let body = format!(r#"{{"enterprise": "{enterprise}", "item": "C7", "note": "简称未登记"}}"#);
    let headers = [("cookie", cookie.as_str()), ("x-csrf-token", csrf.as_str())];
    let r = app.post(&path, &headers, "application/json", &body);
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let proposed = json(&r)["candidate"].as_i64().expect("an id");
    assert_eq!(status_of(&home, proposed), CandidateStatus::Pending);
    // Twice: refused, in Chinese.
    let r = app.post(&path, &headers, "application/json", &body);
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.body.contains("已是"), "{}", r.body);
    // Without why: refused.
    let r = app.post(
        &path,
        &headers,
        "application/json",
        &format!(r#"{{"enterprise": "{enterprise}", "item": "C8", "note": " "}}"#),
    );
    assert!(r.status.is_client_error(), "{}", r.body);

    // One story's pending candidates rejected together, with one reason.
    let story = all
        .iter()
        .filter(|c| c.status == CandidateStatus::Pending)
        .find(|c| {
            app.get(&format!("/candidates/{}", c.id), Some(&cookie))
                .body
                .contains("reject-story")
        })
        .expect("a story with several candidates");
    let r = app.form(
        &format!("/candidates/{}/reject-story", story.id),
        &cookie,
        &[("csrf", &csrf), ("reason", "list-mention")],
    );
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let rejected = r.body.matches("已驳回（理由：仅在名单中提及）").count();
    assert!(rejected >= 2, "{}", r.body);
    assert_eq!(status_of(&home, story.id), CandidateStatus::Rejected);

    // An empty 其他: a page in Chinese with the navigation and a way back.
    let other = candidates(&home)
        .into_iter()
        .find(|c| c.status == CandidateStatus::Pending)
        .expect("pending");
    let r = app.form(
        &format!("/candidates/{}/reject", other.id),
        &cookie,
        &[("csrf", &csrf), ("reason", "other"), ("other", " ")],
    );
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("请填写驳回理由"), "{}", r.body);
    assert!(r.body.contains("<nav>") && r.body.contains("返回上一页"));
    assert!(!r.body.contains("not-this-enterprise"), "{}", r.body);

    // The trail: every action above, by ana.
    let tok = token(&home, "ana");
    let get = |path: &str, tok: &str| {
        app.send(
            app.client
                .get(format!("{}{path}", app.base))
                .bearer_auth(tok),
        )
    };
    let r = get("/api/audit", &tok);
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let rows = json(&r);
    let actions: BTreeSet<&str> = rows
        .as_array()
        .expect("array")
        .iter()
        .filter(|r| r["user"] == "ana")
        .filter_map(|r| r["action"].as_str())
        .collect();
    for a in ["login", "dismiss", "reopen", "propose", "reject"] {
        assert!(actions.contains(a), "{a} in {actions:?}");
    }
    // Filtered by action and by Beijing dates (today holds them all).
    let today = reform_radar::model::beijing_today().to_string();
    let r = get(
        &format!("/api/audit?action=propose&from={today}&to={today}"),
        &tok,
    );
    let rows = json(&r);
    let rows = rows.as_array().expect("array");
    assert_eq!(
        rows.len(),
        2,
        "the promotion and the API proposal: {rows:?}"
    );
    let r = get("/api/audit?from=2000-01-01&to=2000-01-02", &tok);
    assert_eq!(json(&r), serde_json::json!([]));
    let r = get("/api/audit?from=昨天", &tok);
    assert_eq!(r.status, StatusCode::BAD_REQUEST);

    // The XLSX, itself recorded as an export.
    let r = app.send(
        app.client
            .get(format!("{}/audit/export", app.base))
            .header("cookie", &cookie),
    );
    assert_eq!(r.status, StatusCode::OK);
    let r = get("/api/audit?action=export", &tok);
    assert_eq!(json(&r).as_array().map(Vec::len), Some(1));
    let bytes = app.rt.block_on(async {
        app.client
            .get(format!("{}/audit/export", app.base))
            .bearer_auth(&tok)
            .send()
            .await
            .expect("export")
            .bytes()
            .await
            .expect("bytes")
    });
    assert!(zip_names(&bytes).iter().any(|n| n == "xl/workbook.xml"));

    // An enterprise user reads only its own enterprise's actions (and its own).
    let (mine, other_row) = mine_and_other(&home);
    add_user(&home, "officer", "enterprise", Some(&mine));
    let otok = token(&home, "officer");
    let r = get("/api/audit", &otok);
    assert_eq!(r.status, StatusCode::OK);
    let registry_ok = |e: &serde_json::Value| {
        e.as_str().is_some_and(|e| {
            e == mine
                || candidates(&home)
                    .iter()
                    .any(|c| c.named_enterprise == e && c.enterprise == mine)
        })
    };
    for row in json(&r).as_array().expect("array") {
        assert!(
            registry_ok(&row["enterprise"]) || row["user"] == "officer",
            "{row}"
        );
    }
    let r = get(
        &format!("/api/audit?enterprise={}", other_row.enterprise),
        &otok,
    );
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
}
