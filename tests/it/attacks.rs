//! Issue 17's attacks, each against the real server on loopback from
//! several source addresses (127.0.0.x) or through the real binary: the
//! disk-filling login loop, lockout of the real user from elsewhere,
//! concurrent guesses, user enumeration by timing, forwarded headers,
//! unsafe registry ids, concurrent exports, CSV formulas, and the small
//! ones (upload names, `next`, slow headers, leftovers, imports, check).

use crate::support::{new_home, radar, radar_ok};
use crate::web_support::*;
use reform_radar::store::{AuditFilter, CandidateStatus, Store};
use reqwest::StatusCode;
use reqwest::header;
use std::net::IpAddr;
use std::time::{Duration, Instant};

/// A client whose connections leave from `ip` (any 127.0.0.x reaches the
/// server on 127.0.0.1).
fn client_at(ip: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .local_address(ip.parse::<IpAddr>().expect("ip"))
        .timeout(Duration::from_secs(60))
        .build()
        .expect("client")
}

/// A login page's CSRF cookie and token, fetched by `client`.
async fn login_token(app: &App, client: &reqwest::Client) -> (String, String) {
    let page = client
        .get(format!("{}/login", app.base))
        .send()
        .await
        .expect("login page");
    let cookie = set_cookie(page.headers(), "radar_login").expect("login cookie");
    let csrf = csrf_of(&page.text().await.expect("body"));
    (cookie, csrf)
}

/// Sign in from `client` with extra headers; the status and Set-Cookie values.
async fn login_with(
    app: &App,
    client: &reqwest::Client,
    name: &str,
    password: &str,
    extra: &[(&str, &str)],
) -> (StatusCode, Vec<String>) {
    let (cookie, csrf) = login_token(app, client).await;
    let body = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs([("name", name), ("password", password), ("csrf", &csrf)])
        .finish();
    let mut req = client
        .post(format!("{}/login", app.base))
        .header(header::COOKIE, format!("radar_login={cookie}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(body);
    for (k, v) in extra {
        req = req.header(*k, *v);
    }
    let res = req.send().await.expect("login");
    let cookies = res
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok().map(str::to_string))
        .collect();
    (res.status(), cookies)
}

fn login_from(app: &App, ip: &str, name: &str, password: &str) -> StatusCode {
    let client = client_at(ip);
    app.rt
        .block_on(login_with(app, &client, name, password, &[]))
        .0
}

fn db_bytes(home: &reform_radar::config::Home) -> u64 {
    let db = home.db_path();
    let wal = db.with_extension("sqlite-wal");
    [db, wal]
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum()
}

#[test]
fn the_disk_filling_login_loop_leaves_the_database_under_2_mb() {
    let (_dir, home) = new_home();
    radar_init(&home);
    add_user(&home, "ana", "reviewer", None);
    let app = App::start(&home);
    // Just under axum's default body limit, as the issue's attacker sent.
    let huge = "x".repeat(1_900_000);
    let long = "名".repeat(80); // 240 bytes: within the bound, never stored as such
    let client = client_at("127.0.0.5");
    let started = Instant::now();
    let statuses: Vec<Option<StatusCode>> = app.rt.block_on(async {
        let mut out = Vec::new();
        for i in 0..40 {
            let name = if i % 2 == 0 { &huge } else { &long };
            let (cookie, csrf) = login_token(&app, &client).await;
            let body = url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs([("name", name.as_str()), ("password", "x"), ("csrf", &csrf)])
                .finish();
            // The server may answer 413 and close before the body is sent.
            let r = client
                .post(format!("{}/login", app.base))
                .header(header::COOKIE, format!("radar_login={cookie}"))
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(body)
                .send()
                .await;
            out.push(r.ok().map(|r| r.status()));
        }
        out
    });
    assert!(started.elapsed() < Duration::from_secs(120));
    eprintln!(
        "disk-filling loop: database and WAL {} bytes after {:?}, answers {statuses:?}",
        db_bytes(&home),
        started.elapsed()
    );
    for (i, s) in statuses.iter().enumerate() {
        if i % 2 == 0 {
            assert!(
                s.is_none_or(|s| s == StatusCode::PAYLOAD_TOO_LARGE),
                "{i}: {s:?}"
            );
        } else {
            let s = s.expect("an answer");
            assert!(
                s == StatusCode::UNAUTHORIZED || s == StatusCode::TOO_MANY_REQUESTS,
                "{i}: {s}"
            );
        }
    }
    let size = db_bytes(&home);
    assert!(size < 2 * 1024 * 1024, "database and WAL: {size} bytes");
    // What was stored of a name tried: its SHA-256, and at most 64 bytes in the trail.
    let store = Store::open(&home.db_path()).expect("store");
    let failed = store
        .audit_log(&AuditFilter {
            action: Some("login.failed".into()),
            ..AuditFilter::default()
        })
        .expect("audit");
    assert!(!failed.is_empty());
    assert!(
        failed.iter().all(|r| r.record.user.len() <= 64),
        "{failed:?}"
    );
    let conn = rusqlite::Connection::open(home.db_path()).expect("db");
    let longest: i64 = conn
        .query_row(
            "SELECT COALESCE(MAX(LENGTH(account) + LENGTH(client)), 0) FROM login_attempts",
            [],
            |r| r.get(0),
        )
        .expect("attempts");
    assert!(longest <= 64 + 45, "{longest}");
}

#[test]
fn an_attacker_at_one_address_cannot_lock_out_the_real_user_at_another() {
    let (_dir, home) = new_home();
    radar_init(&home);
    add_user(&home, "ana", "reviewer", None);
    let app = App::start(&home);
    let mut seen = Vec::new();
    for _ in 0..8 {
        seen.push(login_from(&app, "127.0.0.2", "ana", "wrong password"));
    }
    assert_eq!(
        seen.iter()
            .filter(|s| **s == StatusCode::UNAUTHORIZED)
            .count(),
        5,
        "{seen:?}"
    );
    assert!(
        seen[5..]
            .iter()
            .all(|s| *s == StatusCode::TOO_MANY_REQUESTS)
    );
    // The attacker, even with the right password, waits; the real user does not.
    assert_eq!(
        login_from(&app, "127.0.0.2", "ana", PASSWORD),
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        login_from(&app, "127.0.0.3", "ana", PASSWORD),
        StatusCode::SEE_OTHER
    );
    // Spraying many names from one address meets the per-address limit.
    let mut sprayed = Vec::new();
    for i in 0..25 {
        sprayed.push(login_from(
            &app,
            "127.0.0.4",
            &format!("u{i}"),
            "wrong password",
        ));
    }
    let checked = sprayed
        .iter()
        .filter(|s| **s == StatusCode::UNAUTHORIZED)
        .count();
    assert_eq!(checked, 20, "{sprayed:?}");
    assert_eq!(
        login_from(&app, "127.0.0.3", "ana", PASSWORD),
        StatusCode::SEE_OTHER
    );
}

#[test]
fn forty_concurrent_bad_logins_check_at_most_the_limit() {
    let (_dir, home) = new_home();
    radar_init(&home);
    add_user(&home, "ana", "reviewer", None);
    let app = App::start(&home);
    let client = client_at("127.0.0.6");
    let statuses = app.rt.block_on(async {
        let tokens =
            futures_util::future::join_all((0..40).map(|_| login_token(&app, &client))).await;
        let posts = tokens.into_iter().map(|(cookie, csrf)| {
            let body = url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs([
                    ("name", "ana"),
                    ("password", "wrong password"),
                    ("csrf", &csrf),
                ])
                .finish();
            client
                .post(format!("{}/login", app.base))
                .header(header::COOKIE, format!("radar_login={cookie}"))
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(body)
                .send()
        });
        futures_util::future::join_all(posts)
            .await
            .into_iter()
            .map(|r| r.expect("answer").status())
            .collect::<Vec<_>>()
    });
    let checked = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNAUTHORIZED)
        .count();
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    eprintln!("40 concurrent bad logins: {checked} checked, {refused} refused");
    assert_eq!((checked, refused), (5, 35), "{statuses:?}");
    let store = Store::open(&home.db_path()).expect("store");
    let failed = store
        .audit_log(&AuditFilter {
            action: Some("login.failed".into()),
            ..AuditFilter::default()
        })
        .expect("audit");
    assert_eq!(failed.len(), 5, "passwords checked");
}

#[test]
fn an_unknown_user_is_answered_as_slowly_as_a_known_one() {
    let (_dir, home) = new_home();
    radar_init(&home);
    add_user(&home, "ana", "reviewer", None);
    let app = App::start(&home);
    let time = |name: &str, ip: &str| {
        let client = client_at(ip);
        app.rt.block_on(async {
            let (cookie, csrf) = login_token(&app, &client).await;
            let body = url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs([
                    ("name", name),
                    ("password", "wrong password"),
                    ("csrf", &csrf),
                ])
                .finish();
            let t = Instant::now();
            let r = client
                .post(format!("{}/login", app.base))
                .header(header::COOKIE, format!("radar_login={cookie}"))
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(body)
                .send()
                .await
                .expect("login");
            assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
            t.elapsed()
        })
    };
    let mut known = Vec::new();
    let mut unknown = Vec::new();
    for i in 0..4 {
        known.push(time("ana", &format!("127.0.1.{}", i + 1)));
        unknown.push(time("nobody", &format!("127.0.2.{}", i + 1)));
    }
    known.sort();
    unknown.sort();
    let (k, u) = (known[2], unknown[2]);
    eprintln!("sign-in timing: known {known:?}, unknown {unknown:?}");
    assert!(u * 2 >= k, "known {known:?}, unknown {unknown:?}");
}

#[test]
fn forwarded_headers_count_only_from_a_trusted_proxy() {
    let (_dir, home) = new_home();
    radar_init(&home);
    add_user(&home, "ana", "reviewer", None);
    // Not trusted: a spoofed X-Forwarded-For changes nothing.
    {
        let app = App::start(&home);
        let client = client_at("127.0.0.7");
        let statuses: Vec<StatusCode> = (0..7)
            .map(|i| {
                let xff = format!("10.9.9.{i}");
                app.rt
                    .block_on(login_with(
                        &app,
                        &client,
                        "ana",
                        "wrong password",
                        &[("x-forwarded-for", &xff)],
                    ))
                    .0
            })
            .collect();
        assert_eq!(statuses[5], StatusCode::TOO_MANY_REQUESTS, "{statuses:?}");
        let (s, cookies) = app.rt.block_on(login_with(
            &app,
            &client_at("127.0.0.8"),
            "ana",
            PASSWORD,
            &[("x-forwarded-proto", "https")],
        ));
        assert_eq!(s, StatusCode::SEE_OTHER);
        let session = cookies
            .iter()
            .find(|c| c.starts_with("radar_session="))
            .expect("session");
        assert!(!session.contains("Secure"), "{session}");
    }
    // `radar check` refuses an address that is none, with its line.
    let settings = home.settings_path();
    let text = std::fs::read_to_string(&settings).expect("radar.toml");
    std::fs::write(
        &settings,
        format!("{text}\n[web]\ntrusted_proxies = [\"proxy.example\"]\n"),
    )
    .expect("write");
    let out = radar(&home, &["check"]);
    assert!(!out.status.success());
    let err =
        String::from_utf8_lossy(&out.stderr).to_string() + &String::from_utf8_lossy(&out.stdout);
    let line = text.lines().count() + 3;
    assert!(
        err.contains(&format!("radar.toml:{line}: web.trusted_proxies")),
        "{err}"
    );
    std::fs::write(
        &settings,
        format!("{text}\n[web]\ntrusted_proxies = [\"127.0.0.1\"]\n"),
    )
    .expect("write");
    radar_ok(&home, &["check"]);
    // Trusted: the forwarded address is the client, HTTPS gives Secure cookies.
    let app = App::start(&home);
    let proxy = client_at("127.0.0.1");
    for _ in 0..6 {
        app.rt.block_on(login_with(
            &app,
            &proxy,
            "ana",
            "wrong password",
            &[("x-forwarded-for", "203.0.113.66")],
        ));
    }
    let (s, _) = app.rt.block_on(login_with(
        &app,
        &proxy,
        "ana",
        PASSWORD,
        &[("x-forwarded-for", "203.0.113.66")],
    ));
    assert_eq!(
        s,
        StatusCode::TOO_MANY_REQUESTS,
        "the attacker behind the proxy"
    );
    let (s, cookies) = app.rt.block_on(login_with(
        &app,
        &proxy,
        "ana",
        PASSWORD,
        &[
            ("x-forwarded-for", "198.51.100.7"),
            ("x-forwarded-proto", "https"),
        ],
    ));
    assert_eq!(s, StatusCode::SEE_OTHER, "the real user behind the proxy");
    let session = cookies
        .iter()
        .find(|c| c.starts_with("radar_session="))
        .expect("session");
    assert!(session.contains("; Secure"), "{session}");
    let store = Store::open(&home.db_path()).expect("store");
    let logins = store
        .audit_log(&AuditFilter {
            action: Some("login".into()),
            ..AuditFilter::default()
        })
        .expect("audit");
    assert_eq!(logins[0].record.note.as_deref(), Some("198.51.100.7"));
}

#[test]
fn registry_ids_that_could_leave_the_home_are_refused_on_import_and_in_check() {
    let (dir, home) = new_home();
    radar_init(&home);
    let csv = dir.path().join("bad.csv");
    std::fs::write(
        &csv,
        "编号,企业名称\n../../../../../../tmp/x,甲公司\na/b,乙公司\n\"a\"\"b\",丙公司\nok-1,丁公司\na\u{0}b,戊公司\n",
    )
    .expect("write");
    let out = radar(
        &home,
        &["enterprises", "import", csv.to_str().expect("utf-8")],
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    for line in [2, 3, 4, 6] {
        assert!(
            err.contains(&format!("bad.csv:{line}: 编号:")),
            "line {line}: {err}"
        );
    }
    assert!(!err.contains("bad.csv:5:"), "{err}");
    assert!(!std::path::Path::new("/tmp/x").join("bundle").exists());

    // The same ids written into enterprises.toml by hand: `radar check` names them.
    let path = home.enterprises_path();
    let text = std::fs::read_to_string(&path).expect("enterprises.toml");
    let added = "\n[[enterprise]]\nid = \"../../../../../../tmp/x\"\nname = \"越界公司\"\n";
    std::fs::write(&path, format!("{text}{added}")).expect("write");
    let out = radar(&home, &["check"]);
    assert!(!out.status.success());
    let all =
        String::from_utf8_lossy(&out.stderr).to_string() + &String::from_utf8_lossy(&out.stdout);
    let line = text.lines().count() + 3;
    assert!(
        all.contains(&format!("enterprises.toml:{line}:")) && all.contains("ASCII letters"),
        "{all}"
    );
}

#[test]
fn concurrent_exports_beyond_the_limit_are_refused_clearly_and_leave_nothing_in_tmp() {
    let (_dir, home) = crawled_home();
    for u in ["ana", "bob", "cai"] {
        add_user(&home, u, "reviewer", None);
    }
    let app = App::start(&home);
    let (cookie, csrf) = app.login("ana");
    let pending = candidates(&home)
        .into_iter()
        .find(|c| c.status == CandidateStatus::Pending)
        .expect("pending");
    let r = app.post(
        &format!("/api/candidates/{}/confirm", pending.id),
        &[("cookie", &cookie), ("x-csrf-token", &csrf)],
        "application/json",
        "{}",
    );
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let entry = json(&r);
    let unit = entry["enterprise"]
        .as_str()
        .expect("enterprise")
        .to_string();
    let year = entry["evidence_date"].as_str().expect("date")[..4].to_string();
    let cookies: Vec<String> = ["ana", "bob", "cai"]
        .iter()
        .map(|u| app.login(u).0)
        .collect();
    let url = format!("{}/export/bundle?enterprise={unit}&year={year}", app.base);
    let answers = app.rt.block_on(async {
        let requests = (0..9).map(|i| {
            app.client
                .get(&url)
                .header(header::COOKIE, &cookies[i % 3])
                .send()
        });
        let mut out = Vec::new();
        for r in futures_util::future::join_all(requests).await {
            let r = r.expect("answer");
            let status = r.status();
            let bytes = r.bytes().await.expect("body").to_vec();
            out.push((status, bytes));
        }
        out
    });
    let mut refused = 0;
    for (status, bytes) in &answers {
        match *status {
            StatusCode::OK => assert!(zip_names(bytes).iter().any(|n| n.ends_with("bagit.txt"))),
            StatusCode::TOO_MANY_REQUESTS => {
                refused += 1;
                assert!(
                    String::from_utf8_lossy(bytes).contains("您已有一个证据包正在导出"),
                    "{}",
                    String::from_utf8_lossy(bytes)
                );
            }
            StatusCode::SERVICE_UNAVAILABLE => {
                refused += 1;
                assert!(
                    String::from_utf8_lossy(bytes).contains("服务器正忙"),
                    "{}",
                    String::from_utf8_lossy(bytes)
                );
            }
            other => panic!("{other}: {}", String::from_utf8_lossy(bytes)),
        }
    }
    eprintln!(
        "nine concurrent bundle exports: {:?}",
        answers.iter().map(|a| a.0.as_u16()).collect::<Vec<_>>()
    );
    assert!(refused >= 1, "nine at once: some must be refused");
    assert!(refused < 9, "and some served");
    let left: Vec<_> = std::fs::read_dir(home.root().join("tmp"))
        .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "{left:?}");
    // One at a time, each is served again.
    let again = app.get(
        &format!("/export/bundle?enterprise={unit}&year={year}"),
        Some(&cookies[0]),
    );
    assert_eq!(again.status, StatusCode::OK);
}

#[test]
fn csv_formulas_are_inert_and_xlsx_stays_typed() {
    let (_dir, home) = crawled_home();
    add_user(&home, "ana", "reviewer", None);
    let pending = candidates(&home)
        .into_iter()
        .find(|c| c.status == CandidateStatus::Pending)
        .expect("pending");
    let title = "=HYPERLINK(\"http://evil.example/\",\"点此\")";
    {
        let conn = rusqlite::Connection::open(home.db_path()).expect("db");
        conn.execute(
            "UPDATE articles SET title = ?1 WHERE id = ?2",
            rusqlite::params![title, pending.article_id],
        )
        .expect("title");
    }
    let app = App::start(&home);
    let (cookie, csrf) = app.login("ana");
    let r = app.post(
        &format!("/api/candidates/{}/confirm", pending.id),
        &[("cookie", &cookie), ("x-csrf-token", &csrf)],
        "application/json",
        r#"{"note": "=1+1"}"#,
    );
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let year = &json(&r)["evidence_date"].as_str().expect("date")[..4].to_string();
    let csv = app.get(
        &format!("/score/export?format=csv&year={year}"),
        Some(&cookie),
    );
    assert_eq!(csv.status, StatusCode::OK);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(csv.body.trim_start_matches('\u{feff}').as_bytes());
    let cells: Vec<String> = reader
        .records()
        .flat_map(|r| {
            r.expect("record")
                .iter()
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(cells.iter().any(|c| c == &format!("'{title}")), "{cells:?}");
    assert!(cells.iter().any(|c| c == "'=1+1"), "{cells:?}");
    for c in &cells {
        let starts = c.chars().next();
        let live = matches!(starts, Some('=' | '+' | '-' | '@' | '\t' | '\r'))
            && c.parse::<f64>().is_err();
        assert!(!live, "a live formula: {c:?}");
    }
    // Read back as a spreadsheet reader would (Python's csv module).
    let py = std::process::Command::new("python3")
        .args([
            "-c",
            "import csv,sys; rows=list(csv.reader(sys.stdin.read().lstrip('\\ufeff').splitlines())); \
             print(any(c.startswith(('=','+','@')) for r in rows for c in r))",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child
                .stdin
                .take()
                .expect("stdin")
                .write_all(csv.body.as_bytes())?;
            child.wait_with_output()
        });
    if let Ok(out) = py {
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "False");
    }
    // The XLSX keeps the text as text (a string cell, no formula) and numbers as numbers.
    let res = app.rt.block_on(async {
        app.client
            .get(format!("{}/score/export?format=xlsx&year={year}", app.base))
            .header(header::COOKIE, &cookie)
            .send()
            .await
            .expect("xlsx")
            .bytes()
            .await
            .expect("bytes")
    });
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(res.to_vec())).expect("xlsx");
    let mut found_formula = false;
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).expect("entry");
        if f.name().expect("name").starts_with("xl/worksheets/") {
            let mut s = String::new();
            std::io::Read::read_to_string(&mut f, &mut s).expect("xml");
            found_formula |= s.contains("<f>");
        }
    }
    assert!(!found_formula, "no formula cell in the workbook");
}

#[test]
fn next_cannot_leave_the_site_or_break_the_redirect() {
    let (_dir, home) = crawled_home();
    add_user(&home, "ana", "reviewer", None);
    let app = App::start(&home);
    let (cookie, csrf) = app.login("ana");
    let pending: Vec<_> = candidates(&home)
        .into_iter()
        .filter(|c| c.status == CandidateStatus::Pending)
        .collect();
    for (c, next) in pending.iter().zip([
        "/\t/evil.example/",
        "/candidates\r\nSet-Cookie: x=1",
        "/candidates\0",
    ]) {
        let r = app.form(
            &format!("/candidates/{}/reject", c.id),
            &cookie,
            &[
                ("csrf", &csrf),
                ("reason", "other"),
                ("other", "无关报道"),
                ("next", next),
            ],
        );
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{next:?}: {}", r.body);
        let to = r.headers[header::LOCATION].to_str().expect("location");
        assert!(to.starts_with("/candidates"), "{next:?} -> {to}");
        assert!(!to.contains("evil"), "{to}");
    }
}

#[test]
fn a_long_chinese_upload_name_is_kept_short_and_errors_show_no_paths() {
    let (_dir, home) = crawled_home();
    add_user(&home, "ana", "reviewer", None);
    let (_, registry) = reform_radar::registry::check_home(&home).expect("home");
    let app = App::start(&home);
    let (cookie, csrf) = app.login("ana");
    let enterprise = registry.enterprises[0].id.clone();
    let upload = |name: String| {
        let boundary = "radar-attack-boundary-19af";
        let mut body = Vec::new();
        for (k, v) in [
            ("csrf", csrf.as_str()),
            ("enterprise", enterprise.as_str()),
            ("item", "A1"),
            ("date", "2026-03-04"),
            ("title", "证书"),
            ("issuer", "区国资委"),
        ] {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
                )
                .as_bytes(),
            );
        }
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4 test\r\n--{boundary}--\r\n"
            )
            .as_bytes(),
        );
        app.send(
            app.client
                .post(format!("{}/manual", app.base))
                .header(header::COOKIE, &cookie)
                .header(
                    header::CONTENT_TYPE,
                    format!("multipart/form-data; boundary={boundary}"),
                )
                .body(body),
        )
    };
    let name = format!("{}.pdf", "证".repeat(86));
    assert!(name.len() > 255);
    let r = upload(name);
    assert!(
        r.status == StatusCode::CREATED || r.status == StatusCode::BAD_REQUEST,
        "{}: {}",
        r.status,
        r.body
    );
    assert!(!r.body.contains("File name too long"), "{}", r.body);
    // A staging failure (tmp/ is a file) is a 500 without the server's paths.
    let _ = std::fs::remove_dir_all(home.root().join("tmp"));
    std::fs::write(home.root().join("tmp"), b"not a folder").expect("write");
    let r = upload("a.pdf".into());
    assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR);
    let root = home.root().to_string_lossy().to_string();
    assert!(!r.body.contains(&root), "{}", r.body);
    // The page's words (the API says 服务器内部错误).
    assert!(
        r.body.contains("服务器处理时出错") || r.body.contains("服务器内部错误"),
        "{}",
        r.body
    );
}

#[test]
fn a_client_that_trickles_its_headers_is_cut_off() {
    use std::io::{Read, Write};
    let (_dir, home) = new_home();
    radar_init(&home);
    let app = App::start(&home);
    let addr = app.base.trim_start_matches("http://").to_string();
    let started = Instant::now();
    let mut conns: Vec<std::net::TcpStream> = (0..50)
        .map(|_| {
            let mut s = std::net::TcpStream::connect(&addr).expect("connect");
            s.write_all(b"GET /login HTTP/1.1\r\nHost: x\r\n")
                .expect("write");
            s.set_read_timeout(Some(Duration::from_secs(20)))
                .expect("timeout");
            s
        })
        .collect();
    // A byte now and then, never the end of the headers.
    for _ in 0..3 {
        std::thread::sleep(Duration::from_secs(1));
        for c in &mut conns {
            let _ = c.write_all(b"X");
        }
    }
    // Every connection must be closed (or answered) by the server within
    // 20 s of the start: reads time out at that deadline.
    let deadline = started + Duration::from_secs(20);
    let mut held = 0;
    for c in &mut conns {
        let left = deadline
            .saturating_duration_since(Instant::now())
            .max(Duration::from_millis(1));
        c.set_read_timeout(Some(left)).expect("timeout");
        let mut buf = [0u8; 1024];
        // The server answers 408 or closes: either way the read ends.
        if let Err(e) = c.read(&mut buf)
            && matches!(
                e.kind(),
                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
            )
        {
            held += 1;
        }
    }
    let took = started.elapsed();
    eprintln!("50 trickling connections: {held} still held after {took:?}");
    assert_eq!(held, 0, "held after {took:?}");
    assert!(took < Duration::from_secs(16), "held for {took:?}");
    // The server still serves.
    assert_eq!(app.get("/login", None).status, StatusCode::OK);
}

#[test]
fn registry_imports_refuse_line_breaks_in_names_and_unterminated_quotes() {
    let (dir, home) = new_home();
    radar_init(&home);
    let csv = dir.path().join("names.csv");
    std::fs::write(&csv, "编号,企业名称,简称\nt-a,重庆测试甲,\"简\n称\"\n").expect("write");
    let out = radar(
        &home,
        &["enterprises", "import", csv.to_str().expect("utf-8")],
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("names.csv:2: 简称:"), "{err}");
    assert!(err.contains("line break"), "{err}");
    std::fs::write(&csv, "编号,企业名称\nt-a,\"重庆测试甲\nt-b,重庆测试乙\n").expect("write");
    let out = radar(
        &home,
        &["enterprises", "import", csv.to_str().expect("utf-8")],
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("names.csv:2: column 2:"), "{err}");
    assert!(err.contains("never closed"), "{err}");
}

#[test]
fn a_date_template_that_is_none_is_refused_by_check() {
    let (_dir, home) = new_home();
    radar_init(&home);
    let path = home.sources_dir().join("banyuetan.toml");
    let text = std::fs::read_to_string(&path).expect("source");
    let line = text
        .lines()
        .position(|l| l.starts_with("page_url"))
        .expect("page_url")
        + 1;
    std::fs::write(
        &path,
        text.replace(
            "page_url = \"index_{n}.html\"",
            "page_url = \"index_{yyyyy}_{n}.html\"",
        ),
    )
    .expect("write");
    let out = radar(&home, &["check"]);
    assert!(!out.status.success());
    let all =
        String::from_utf8_lossy(&out.stderr).to_string() + &String::from_utf8_lossy(&out.stdout);
    assert!(
        all.contains(&format!("banyuetan.toml:{line}: listing.page_url:"))
            && all.contains("{yyyyy}"),
        "{all}"
    );
}

#[test]
fn leftovers_of_killed_uploads_and_full_disks_are_swept_when_the_server_starts() {
    let (_dir, home) = new_home();
    radar_init(&home);
    let shard = home.files_dir().join("sha256").join("ab");
    std::fs::create_dir_all(&shard).expect("dir");
    let part = shard.join(".abcdef.part");
    std::fs::write(&part, b"half an upload").expect("write");
    let empty = home
        .archive_dir()
        .join("radar-20260101T000000000-1-00001.warc.gz");
    std::fs::write(&empty, b"").expect("write");
    let bag = home.root().join("tmp").join(".bundle-x-2026.part");
    std::fs::create_dir_all(bag.join("data")).expect("dir");
    let old = std::time::SystemTime::now() - Duration::from_secs(2 * 3600);
    for p in [&part, &empty, &bag] {
        std::fs::File::open(p)
            .and_then(|f| f.set_modified(old))
            .expect("age");
    }
    let app = App::start(&home);
    assert_eq!(app.get("/login", None).status, StatusCode::OK);
    assert!(!part.exists() && !empty.exists() && !bag.exists());
}
