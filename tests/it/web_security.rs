//! The web UI's defences against a real server on 127.0.0.1 (port 0),
//! driven with reqwest over the bundled sample crawl: nothing without a
//! session, enterprise users confined to their enterprise, CSRF, hostile
//! article text rendered inert, the archived view sandboxed, and login
//! throttling.

use crate::support::new_home;
use crate::web_support::*;
use reform_radar::store::{Store, UserRole};
use reqwest::StatusCode;
use reqwest::header;
use std::process::{Command, Stdio};
#[test]
fn nothing_is_served_without_a_session() {
    let (_dir, home) = new_home();
    radar_init(&home);
    let app = App::start(&home);
    for path in [
        "/candidates",
        "/candidates/1",
        "/search?q=%E6%94%B9%E9%9D%A9",
        "/score?year=2026",
        "/score/export?format=xlsx&year=2026",
        "/ledger",
        "/archive/abc",
    ] {
        let r = app.get(path, None);
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{path}");
        assert_eq!(r.headers[header::LOCATION], "/login", "{path}");
        // Security headers on every response, refusals too.
        assert!(
            r.headers.contains_key(header::CONTENT_SECURITY_POLICY),
            "{path}"
        );
        let r = app.get(path, Some("radar_session=forged"));
        assert_eq!(
            r.status,
            StatusCode::SEE_OTHER,
            "{path} with a forged session"
        );
    }
    for path in [
        "/api/candidates",
        "/api/candidates/1",
        "/api/search?q=x",
        "/api/score?year=2026",
        "/api/ledger",
    ] {
        assert_eq!(
            app.get(path, None).status,
            StatusCode::UNAUTHORIZED,
            "{path}"
        );
        let r = app.send(
            app.client
                .get(format!("{}{path}", app.base))
                .bearer_auth("not-a-token"),
        );
        assert_eq!(
            r.status,
            StatusCode::UNAUTHORIZED,
            "{path} with a bad token"
        );
    }
    for path in ["/api/candidates/1/confirm", "/api/candidates/1/reject"] {
        let r = app.post(path, &[], "application/json", "{}");
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{path}");
    }
    for path in [
        "/candidates/1/confirm",
        "/candidates/1/reject",
        "/ledger/0/undo",
        "/logout",
    ] {
        let r = app.form(path, "", &[("csrf", "x")]);
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{path}");
        assert_eq!(r.headers[header::LOCATION], "/login", "{path}");
    }
    // The login page itself carries every security header.
    let r = app.get("/login", None);
    assert_eq!(
        r.headers[header::CONTENT_SECURITY_POLICY],
        "default-src 'self'; script-src 'self'; object-src 'none'; frame-ancestors 'none'"
    );
    assert_eq!(r.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(r.headers[header::REFERRER_POLICY], "no-referrer");
    assert_eq!(r.headers[header::X_FRAME_OPTIONS], "DENY");
}

#[test]
fn an_enterprise_user_sees_only_its_own_enterprise() {
    let (_dir, home) = crawled_home();
    let (mine, other) = mine_and_other(&home);
    add_user(&home, "officer", "enterprise", Some(&mine));
    let app = App::start(&home);
    let (cookie, csrf) = app.login("officer");

    let listed = json(&app.get("/api/candidates", Some(&cookie)));
    let listed = listed.as_array().expect("array");
    assert!(!listed.is_empty());
    assert!(
        listed.iter().all(|c| c["enterprise"] == mine.as_str()),
        "{listed:?}"
    );

    // Another enterprise by a query parameter: refused.
    let q = format!("?enterprise={}", other.enterprise);
    for path in [
        "/api/candidates",
        "/api/ledger",
        "/api/score",
        "/candidates",
        "/ledger",
    ] {
        let r = app.get(&format!("{path}{q}&year=2026"), Some(&cookie));
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}{q}: {}", r.body);
    }
    let r = app.get(
        &format!(
            "/api/search?q=%E6%94%B9%E9%9D%A9&enterprise={}",
            other.enterprise
        ),
        Some(&cookie),
    );
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // By an id: not found.
    for path in [
        format!("/api/candidates/{}", other.id),
        format!("/candidates/{}", other.id),
        format!("/archive/{}", other.article_id),
    ] {
        let r = app.get(&path, Some(&cookie));
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}: {}", r.body);
        assert!(!r.body.contains(&other.title), "{path} leaks the title");
    }
    // The queue page lists none of the other enterprise's candidates.
    let page = app.get("/candidates?status=all", Some(&cookie));
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains(&format!("/candidates/{}\"", other.id)));
    // The score is its own, without asking.
    let sheet = json(&app.get("/api/score?year=2026", Some(&cookie)));
    let ids: Vec<&str> = sheet["enterprises"]
        .as_array()
        .expect("enterprises")
        .iter()
        .filter_map(|e| e["id"].as_str())
        .collect();
    assert_eq!(ids, vec![mine.as_str()]);
    // And it cannot review, even its own.
    let own = candidates(&home)
        .into_iter()
        .find(|c| c.enterprise == mine)
        .expect("own");
    let r = app.post(
        &format!("/api/candidates/{}/confirm", own.id),
        &[("cookie", &cookie), ("x-csrf-token", &csrf)],
        "application/json",
        "{}",
    );
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let r = app.form(
        &format!("/candidates/{}/confirm", own.id),
        &cookie,
        &[("csrf", &csrf)],
    );
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let r = app.form(
        "/ledger/0/undo",
        &cookie,
        &[("reason", "x"), ("csrf", &csrf)],
    );
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert!(
        reform_radar::pipeline::ledger::entries(&Store::open(&home.db_path()).expect("store"))
            .expect("ledger")
            .is_empty()
    );
}

#[test]
fn hostile_article_text_renders_inert() {
    let (_dir, home) = crawled_home();
    let c = inject_hostile_article(&home);
    add_user(&home, "ana", "reviewer", None);
    let app = App::start(&home);
    let (cookie, _) = app.login("ana");
    let search = "/search?q=%E6%B3%A8%E5%85%A5%E6%B5%8B%E8%AF%95"; // 注入测试
    for path in [
        "/candidates".to_string(),
        format!("/candidates/{}", c.id),
        search.to_string(),
    ] {
        let r = app.get(&path, Some(&cookie));
        assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.body);
        assert!(
            r.body.contains("&lt;script&gt;alert"),
            "{path}: the payload is shown, escaped"
        );
        for raw in [
            "<script>alert",
            "<img src=x",
            "href=\"javascript:",
            "<a href=\"javascript",
        ] {
            assert!(!r.body.contains(raw), "{path} carries `{raw}` raw");
        }
        assert!(
            r.body.contains("onerror=alert") == r.body.contains("&lt;img src=x onerror=alert"),
            "{path}"
        );
    }
    let archived = app.get(&format!("/archive/{}", c.article_id), Some(&cookie));
    assert_eq!(archived.status, StatusCode::OK);
    let csp = archived.headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .expect("csp");
    assert!(
        csp.starts_with("sandbox; default-src 'none'; img-src data:"),
        "{csp}"
    );
    assert_eq!(archived.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    let detail = app.get(&format!("/candidates/{}", c.id), Some(&cookie));
    assert!(
        detail.body.contains(&format!(
            "<iframe class=\"archive\" sandbox=\"\" src=\"/archive/{}\"",
            c.article_id
        )),
        "{}",
        detail.body
    );
}

#[test]
fn repeated_login_failures_are_throttled() {
    let (_dir, home) = new_home();
    radar_init(&home);
    add_user(&home, "ana", "reviewer", None);
    // An enterprise user must name an enterprise of the registry.
    let out = Command::new(env!("CARGO_BIN_EXE_radar"))
        .arg("--home")
        .arg(home.root())
        .args([
            "users",
            "add",
            "x",
            "--role",
            "enterprise",
            "--enterprise",
            "no-such",
            "--password-stdin",
        ])
        .env_remove("RADAR_HOME")
        .stdin(Stdio::null())
        .output()
        .expect("users add");
    assert!(!out.status.success());
    let users = Store::open(&home.db_path())
        .expect("store")
        .users()
        .expect("users");
    assert_eq!(users.len(), 1);
    assert_eq!(users[0].role, UserRole::Reviewer);
    assert!(users[0].password_hash.starts_with("$argon2id$"));

    let app = App::start(&home);
    for _ in 0..5 {
        let r = app.try_login("ana", "wrong password");
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);
        assert!(r.body.contains("用户名或密码错误"));
    }
    // Now even the right password waits.
    let r = app.try_login("ana", PASSWORD);
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    assert!(r.body.contains("登录失败次数过多"), "{}", r.body);
    // A login form without its CSRF cookie is refused.
    let r = app.form(
        "/login",
        "",
        &[("name", "ana"), ("password", PASSWORD), ("csrf", "abc")],
    );
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[test]
fn a_subsidiary_officer_is_told_where_its_points_count_and_sees_its_own_entries() {
    let (_dir, home) = crawled_home();
    let (_, registry) = reform_radar::registry::check_home(&home).expect("home");
    let sub = registry
        .enterprises
        .iter()
        .find(|e| e.parent.is_some())
        .expect("the sample registers a subsidiary");
    let parent = registry
        .get(sub.parent.as_deref().unwrap_or_default())
        .expect("its parent");
    add_user(&home, "sub", "enterprise", Some(&sub.id));
    let app = App::start(&home);
    let (cookie, _) = app.login("sub");
    let page = app.get("/score", Some(&cookie));
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body
            .contains(&format!("{} 的得分计入上级企业 {}", sub.name, parent.name)),
        "{}",
        page.body
    );
    assert!(
        !page.body.contains("table class=\"score\""),
        "no parent's figures"
    );
    // The parent's scorecard by a query parameter, or through the API: refused.
    let r = app.get(
        &format!("/api/score?year=2026&enterprise={}", parent.id),
        Some(&cookie),
    );
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert_eq!(app.get("/ledger", Some(&cookie)).status, StatusCode::OK);
}
