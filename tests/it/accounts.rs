//! The account lifecycle (issue 17) through the real binary and the real
//! server: disable, enable, passwd, revoke, remove, tokens that expire, the
//! password policy, the 用户管理 page and 修改密码, and every change in the
//! audit trail. A disabled user's session and token are refused at once.

use crate::support::{new_home, radar};
use crate::web_support::*;
use reform_radar::config::Home;
use reform_radar::store::{AuditFilter, Store};
use reqwest::StatusCode;
use std::io::Write;
use std::process::{Command, Stdio};

/// `radar ARGS` with `stdin` fed in; (success, stdout, stderr).
fn radar_stdin(home: &Home, args: &[&str], stdin: &str) -> (bool, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_radar"))
        .arg("--home")
        .arg(home.root())
        .args(args)
        .env_remove("RADAR_HOME")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("wait");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn ok(home: &Home, args: &[&str]) -> String {
    let out = radar(home, args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn actions(home: &Home) -> Vec<(String, String, Option<String>)> {
    let store = Store::open(&home.db_path()).expect("store");
    let mut rows = store.audit_log(&AuditFilter::default()).expect("audit");
    rows.reverse();
    rows.into_iter()
        .map(|r| (r.record.user, r.record.action, r.record.note))
        .collect()
}

fn api(app: &App, token: &str) -> StatusCode {
    app.send(
        app.client
            .get(format!("{}/api/candidates", app.base))
            .bearer_auth(token),
    )
    .status
}

#[test]
fn the_password_policy_holds_for_every_way_in() {
    let (_dir, home) = new_home();
    radar_init(&home);
    for weak in [
        "        ",
        "aaaaaaaa",
        "aaaaaaaaaaaaaaaa",
        "short1",
        "admin",
        "ADMIN",
    ] {
        let (done, _, err) = radar_stdin(
            &home,
            &[
                "users",
                "add",
                "admin",
                "--role",
                "admin",
                "--password-stdin",
            ],
            &format!("{weak}\n"),
        );
        assert!(!done, "{weak:?} was accepted");
        assert!(err.contains("password"), "{err}");
    }
    for bad_name in ["../x", "a b", "名字", "a\"b"] {
        let (done, _, err) = radar_stdin(
            &home,
            &[
                "users",
                "add",
                bad_name,
                "--role",
                "admin",
                "--password-stdin",
            ],
            &format!("{PASSWORD}\n"),
        );
        assert!(!done, "{bad_name:?} was accepted");
        assert!(err.contains("user name"), "{err}");
    }
    assert!(
        Store::open(&home.db_path())
            .expect("store")
            .users()
            .expect("users")
            .is_empty()
    );
}

#[test]
fn every_account_command_works_through_the_binary_and_the_server_at_once() {
    let (_dir, home) = new_home();
    radar_init(&home);
    add_user(&home, "ana", "reviewer", None);
    let app = App::start(&home);
    let (cookie, _) = app.login("ana");
    let token = ok(&home, &["users", "token", "ana", "--days", "3"])
        .trim()
        .to_string();
    assert_eq!(api(&app, &token), StatusCode::OK);
    let list = ok(&home, &["users", "list"]);
    assert!(
        list.contains("active") && list.contains("1 token(s) live"),
        "{list}"
    );
    assert!(
        radar(&home, &["users", "token", "ana", "--days", "0"])
            .status
            .success()
            == false
    );

    // Disabled: the open session and the token are refused at once.
    ok(&home, &["users", "disable", "ana"]);
    assert_eq!(
        app.get("/candidates", Some(&cookie)).status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(api(&app, &token), StatusCode::UNAUTHORIZED);
    assert_eq!(
        app.try_login("ana", PASSWORD).status,
        StatusCode::UNAUTHORIZED
    );
    assert!(ok(&home, &["users", "list"]).contains("disabled"));

    // Enabled again: signs in; the token (not revoked) works again.
    ok(&home, &["users", "enable", "ana"]);
    let (cookie, _) = app.login("ana");
    assert_eq!(api(&app, &token), StatusCode::OK);

    // Revoked: every token goes.
    let out = ok(&home, &["users", "revoke", "ana"]);
    assert!(out.contains("revoked 1 token(s)"), "{out}");
    assert_eq!(api(&app, &token), StatusCode::UNAUTHORIZED);

    // An expired token is refused.
    let token = ok(&home, &["users", "token", "ana"]).trim().to_string();
    assert_eq!(api(&app, &token), StatusCode::OK);
    {
        let conn = rusqlite::Connection::open(home.db_path()).expect("db");
        conn.execute(
            "UPDATE user_tokens SET expires_at = '2000-01-01T00:00:00.000Z'",
            [],
        )
        .expect("expire");
    }
    assert_eq!(api(&app, &token), StatusCode::UNAUTHORIZED);

    // A new password: the policy applies; the sessions end.
    let (done, _, err) = radar_stdin(
        &home,
        &["users", "passwd", "ana", "--password-stdin"],
        "aaaaaaaaaaaa\n",
    );
    assert!(!done && err.contains("repeated"), "{err}");
    let (done, out, err) = radar_stdin(
        &home,
        &["users", "passwd", "ana", "--password-stdin"],
        "新的审核密码-2027\n",
    );
    assert!(done, "{err}");
    assert!(out.contains("set the password of ana"), "{out}");
    assert_eq!(
        app.get("/candidates", Some(&cookie)).status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        app.try_login("ana", PASSWORD).status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.try_login("ana", "新的审核密码-2027").status,
        StatusCode::SEE_OTHER
    );

    // Removed: gone from the list, cannot sign in.
    let out = ok(&home, &["users", "remove", "ana"]);
    assert!(out.contains("removed user ana"), "{out}");
    assert!(ok(&home, &["users", "list"]).contains("0 user(s)"));
    assert_eq!(
        app.try_login("ana", "新的审核密码-2027").status,
        StatusCode::UNAUTHORIZED
    );
    let (done, _, err) = radar_stdin(&home, &["users", "disable", "ana"], "");
    assert!(!done && err.contains("no user `ana`"), "{err}");

    let trail: Vec<String> = actions(&home).into_iter().map(|a| a.1).collect();
    for want in [
        "user.add",
        "login",
        "user.token",
        "user.disable",
        "login.failed",
        "user.enable",
        "user.revoke",
        "user.passwd",
        "user.remove",
    ] {
        assert!(trail.iter().any(|a| a == want), "{want} in {trail:?}");
    }
}

#[test]
fn the_admin_page_manages_users_and_users_change_their_own_password() {
    let (_dir, home) = new_home();
    radar_init(&home);
    add_user(&home, "root", "admin", None);
    add_user(&home, "ana", "reviewer", None);
    let app = App::start(&home);
    let (admin, csrf) = app.login("root");
    let page = app.get("/users", Some(&admin));
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("用户管理") && page.body.contains("ana"));

    // A reviewer has no 用户管理.
    let (ana, ana_csrf) = app.login("ana");
    assert_eq!(app.get("/users", Some(&ana)).status, StatusCode::FORBIDDEN);
    let r = app.form("/users/root/disable", &ana, &[("csrf", &ana_csrf)]);
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // Add: a weak password is refused with the reason, a good one works.
    let r = app.form(
        "/users",
        &admin,
        &[
            ("csrf", &csrf),
            ("name", "bob"),
            ("role", "reviewer"),
            ("password", "bobbobbob"),
        ],
    );
    assert!(r.body.contains("密码至少需要 10 个字符"), "{}", r.body);
    let r = app.form(
        "/users",
        &admin,
        &[
            ("csrf", &csrf),
            ("name", "bob"),
            ("role", "reviewer"),
            ("password", PASSWORD),
        ],
    );
    assert!(r.body.contains("已添加用户 bob"), "{}", r.body);
    let (bob, _) = app.login("bob");

    // Disable ends bob's session at once; enable lets him back.
    let r = app.form("/users/bob/disable", &admin, &[("csrf", &csrf)]);
    assert!(r.body.contains("已停用 bob"), "{}", r.body);
    assert_eq!(
        app.get("/candidates", Some(&bob)).status,
        StatusCode::SEE_OTHER
    );
    let r = app.form("/users/bob/enable", &admin, &[("csrf", &csrf)]);
    assert!(r.body.contains("已启用 bob"), "{}", r.body);
    let (bob, _) = app.login("bob");

    // Reset password, revoke tokens, remove.
    let r = app.form(
        "/users/bob/password",
        &admin,
        &[("csrf", &csrf), ("password", "重置后的密码-2027")],
    );
    assert!(r.body.contains("已重置 bob 的密码"), "{}", r.body);
    assert_eq!(
        app.get("/candidates", Some(&bob)).status,
        StatusCode::SEE_OTHER
    );
    let token = ok(&home, &["users", "token", "bob"]).trim().to_string();
    let r = app.form("/users/bob/revoke", &admin, &[("csrf", &csrf)]);
    assert!(r.body.contains("已吊销 bob 的 1 个令牌"), "{}", r.body);
    assert_eq!(api(&app, &token), StatusCode::UNAUTHORIZED);
    let r = app.form("/users/root/disable", &admin, &[("csrf", &csrf)]);
    assert!(r.body.contains("不能停用或删除自己的账号"), "{}", r.body);
    let r = app.form("/users/bob/remove", &admin, &[("csrf", &csrf)]);
    assert!(r.body.contains("已删除用户 bob"), "{}", r.body);
    // Without the form's CSRF token nothing changes.
    let r = app.form("/users/ana/disable", &admin, &[("csrf", "0000")]);
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // 修改密码: the current password must be right, the new one good.
    let (ana_other, _) = app.login("ana");
    let change = |current: &str, new: &str, again: &str| {
        app.form(
            "/account/password",
            &ana,
            &[
                ("csrf", &ana_csrf),
                ("current", current),
                ("password", new),
                ("again", again),
            ],
        )
    };
    let r = change("wrong password", "新的审核密码-2027", "新的审核密码-2027");
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("当前密码不正确"), "{}", r.body);
    let r = change(PASSWORD, "新的审核密码-2027", "另一个");
    assert!(r.body.contains("两次输入的新密码不一致"), "{}", r.body);
    let r = change(PASSWORD, "ana", "ana");
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = change(PASSWORD, "新的审核密码-2027", "新的审核密码-2027");
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("密码已修改"), "{}", r.body);
    // This session stays, the other one ended.
    assert_eq!(app.get("/candidates", Some(&ana)).status, StatusCode::OK);
    assert_eq!(
        app.get("/candidates", Some(&ana_other)).status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        app.try_login("ana", "新的审核密码-2027").status,
        StatusCode::SEE_OTHER
    );

    let trail = actions(&home);
    for want in [
        "user.add",
        "user.disable",
        "user.enable",
        "user.passwd",
        "user.revoke",
        "user.remove",
    ] {
        assert!(
            trail.iter().any(|(who, a, note)| who == "root"
                && a == want
                && note.as_deref().is_some_and(|n| n.starts_with("bob"))),
            "{want} by root in {trail:?}"
        );
    }
    assert!(trail.iter().any(|(who, a, note)| who == "ana"
        && a == "user.passwd"
        && note.as_deref() == Some("ana")));
}
