//! The web UI and JSON API against a real server on 127.0.0.1 (port 0),
//! driven with reqwest over the bundled sample crawl: confirmations, undo
//! and batch confirmation naming the logged-in user, manual evidence, the
//! sources page, the downloads, `radar serve --listen` and `radar demo`.
//! The defences are in `web_security`, the browser in `browser`.

use crate::support::new_home;
use crate::web_support::*;
use reform_radar::store::{CandidateRow, CandidateStatus, Store};
use reqwest::StatusCode;
use reqwest::header;
use std::process::{Command, Stdio};
#[test]
fn a_confirmation_through_the_api_names_the_logged_in_reviewer() {
    let (_dir, home) = crawled_home();
    add_user(&home, "ana", "reviewer", None);
    let pending: Vec<CandidateRow> = candidates(&home)
        .into_iter()
        .filter(|c| c.status == CandidateStatus::Pending)
        .collect();
    assert!(pending.len() >= 3, "the sample has pending candidates");
    let app = App::start(&home);
    let (cookie, csrf) = app.login("ana");

    // The API lists what `radar candidates --json` lists.
    let listed = json(&app.get("/api/candidates?status=pending", Some(&cookie)));
    assert_eq!(listed.as_array().map(Vec::len), Some(pending.len()));
    assert_eq!(listed[0]["id"], pending[0].id);
    assert!(listed[0]["syndicated_with"].is_array());

    // Without the CSRF header a cookie session cannot write.
    let path = format!("/api/candidates/{}/confirm", pending[0].id);
    let r = app.post(&path, &[("cookie", &cookie)], "application/json", "{}");
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let r = app.post(
        &path,
        &[("cookie", &cookie), ("x-csrf-token", "0000")],
        "application/json",
        "{}",
    );
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);

    let r = app.post(
        &path,
        &[("cookie", &cookie), ("x-csrf-token", &csrf)],
        "application/json",
        r#"{"note": "经审核属实"}"#,
    );
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let entry = json(&r);
    assert_eq!(entry["reviewer"], "ana");
    assert_eq!(entry["candidate"], pending[0].id);

    // Twice: the second is told who was first.
    let r = app.post(
        &path,
        &[("cookie", &cookie), ("x-csrf-token", &csrf)],
        "application/json",
        "{}",
    );
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.body.contains("by ana"), "{}", r.body);
    assert!(r.body.contains("已由 ana 于"), "in Chinese too: {}", r.body);
    assert!(r.body.contains("确认，见台账第 1 条"), "{}", r.body);
    // The same from the queue's form: a page that says it.
    let r = app.form(
        &format!("/candidates/{}/confirm", pending[0].id),
        &cookie,
        &[("csrf", &csrf), ("next", "/candidates")],
    );
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains("已由 ana 于"), "{}", r.body);

    // A form POST without the token is refused; with it, it is done.
    let reject = format!("/candidates/{}/reject", pending[1].id);
    let r = app.form(&reject, &cookie, &[("reason", "web-only")]);
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let r = app.form(&reject, &cookie, &[("reason", "web-only"), ("csrf", &csrf)]);
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    // A bearer token needs no CSRF header.
    let bearer = token(&home, "ana");
    let r = app.send(
        app.client
            .post(format!(
                "{}/api/candidates/{}/reject",
                app.base, pending[2].id
            ))
            .bearer_auth(&bearer)
            .header(header::CONTENT_TYPE, "application/json")
            .body(r#"{"reason": "not-in-depth"}"#),
    );
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    let store = Store::open(&home.db_path()).expect("store");
    let rows = reform_radar::pipeline::ledger::entries(&store).expect("ledger");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].reviewer, "ana");
    let history = store.candidate_history(pending[1].id).expect("history");
    assert_eq!(history.last().map(|e| e.to.as_str()), Some("rejected"));

    // The ledger, the scorecard and their pages show it.
    let ledger = json(&app.get("/api/ledger", Some(&cookie)));
    assert_eq!(ledger[0]["reviewer"], "ana");
    let year = pending[0].published.as_deref().unwrap_or("2026")[..4].to_string();
    let sheet = json(&app.get(&format!("/api/score?year={year}"), Some(&cookie)));
    assert!(sheet["enterprises"].is_array(), "{sheet}");
    for path in [
        "/ledger".to_string(),
        format!("/score?year={year}"),
        format!("/score/export?format=csv&year={year}"),
    ] {
        let r = app.get(&path, Some(&cookie));
        assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.body);
    }
    // Undo from the ledger page: a reversing entry by the same user.
    let r = app.form("/ledger/0/undo", &cookie, &[("reason", "误判")]);
    assert_eq!(r.status, StatusCode::FORBIDDEN, "no CSRF token: {}", r.body);
    // First a step asking to confirm, naming the entry from 1; nothing written yet.
    let r = app.form(
        "/ledger/0/undo",
        &cookie,
        &[("reason", "误判"), ("csrf", &csrf)],
    );
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("确定要撤销台账第 1 条"), "{}", r.body);
    assert_eq!(
        reform_radar::pipeline::ledger::entries(&store)
            .expect("ledger")
            .len(),
        1
    );
    let r = app.form(
        "/ledger/0/undo",
        &cookie,
        &[("reason", "误判"), ("csrf", &csrf), ("confirmed", "yes")],
    );
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let rows = reform_radar::pipeline::ledger::entries(&store).expect("ledger");
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1].reverses, Some(0));
    assert_eq!(rows[1].reviewer, "ana");
    let xlsx = app.get(
        &format!("/score/export?format=xlsx&year={year}"),
        Some(&cookie),
    );
    assert_eq!(xlsx.status, StatusCode::OK);
    assert!(
        xlsx.headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap_or("")
            .contains(".xlsx")
    );
}

#[test]
fn radar_serve_listen_serves_the_ui_beside_the_scheduler_until_a_signal() {
    use std::io::BufRead;
    let (_dir, home) = new_home();
    radar_init(&home);
    // No source is due: the scheduler sleeps, the web server answers.
    for entry in std::fs::read_dir(home.root().join("sources")).expect("sources") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("read");
        let text = text.replacen("\nkind = ", "\nenabled = false\nkind = ", 1);
        std::fs::write(&path, text).expect("write");
    }
    add_user(&home, "ana", "reviewer", None);
    let mut child = Command::new(env!("CARGO_BIN_EXE_radar"))
        .arg("--home")
        .arg(home.root())
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env_remove("RADAR_HOME")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn serve");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = std::io::BufReader::new(stdout).lines();
    let first = lines.next().expect("a line").expect("read");
    let url = first
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("no URL in `{first}`"))
        .trim_end_matches('/')
        .to_string();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let status = rt.block_on(async {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client")
            .get(format!("{url}/candidates"))
            .send()
            .await
            .expect("request")
            .status()
    });
    assert_eq!(status, StatusCode::SEE_OTHER);
    // SIGTERM stops the scheduler and the web server.
    let pid = i32::try_from(child.id()).expect("pid");
    // SAFETY: signalling a child process this test started.
    unsafe { libc::kill(pid, libc::SIGTERM) };
    let out = child.wait().expect("wait");
    assert!(out.success(), "serve exits cleanly after SIGTERM: {out:?}");
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    assert!(rest.iter().any(|l| l.starts_with("serve: ")), "{rest:?}");
}

#[test]
fn the_copies_of_one_story_are_confirmed_in_one_go_and_undone_through_the_api() {
    let (_dir, home) = crawled_home();
    add_user(&home, "ana", "reviewer", None);
    let app = App::start(&home);
    let (cookie, csrf) = app.login("ana");
    let with_copies = candidates(&home)
        .into_iter()
        .find(|c| {
            app.get(&format!("/candidates/{}", c.id), Some(&cookie))
                .body
                .contains("confirm-copies")
        })
        .expect("the sample has a story with copies in other outlets");
    let r = app.form(
        &format!("/candidates/{}/confirm-copies", with_copies.id),
        &cookie,
        &[("csrf", &csrf)],
    );
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("已确认"), "{}", r.body);
    let store = Store::open(&home.db_path()).expect("store");
    let entries = reform_radar::pipeline::ledger::entries(&store).expect("ledger");
    assert!(!entries.is_empty());
    assert!(entries.iter().all(|e| e.reviewer == "ana"));

    let r = app.post(
        "/api/ledger/0/undo",
        &[("cookie", &cookie), ("x-csrf-token", &csrf)],
        "application/json",
        r#"{"reason": "重复计分"}"#,
    );
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(json(&r)["reverses"], 0);
    assert_eq!(json(&r)["reviewer"], "ana");
}

#[test]
fn the_decision_just_made_is_taken_back_from_the_banner_and_through_the_api() {
    let (_dir, home) = crawled_home();
    add_user(&home, "ana", "reviewer", None);
    add_user(&home, "wz", "enterprise", Some("wz-ctjt"));
    let app = App::start(&home);
    let (cookie, csrf) = app.login("ana");
    let pending: Vec<_> = candidates(&home)
        .into_iter()
        .filter(|c| c.status == CandidateStatus::Pending)
        .collect();
    assert!(pending.len() >= 3);
    let status_of = |id: i64| {
        candidates(&home)
            .into_iter()
            .find(|c| c.id == id)
            .map(|c| c.status)
            .expect("candidate")
    };
    let location = |r: &Reply| {
        r.headers[header::LOCATION]
            .to_str()
            .expect("location")
            .to_string()
    };

    // Confirm from the queue: back to the queue, which says so and offers 撤销.
    let a = pending[0].id;
    let r = app.form(
        &format!("/candidates/{a}/confirm"),
        &cookie,
        &[("csrf", &csrf), ("next", "/candidates?status=pending")],
    );
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let back = location(&r);
    assert_eq!(back, format!("/candidates?status=pending&decided={a}"));
    let page = app.get(&back, Some(&cookie));
    assert!(
        page.body.contains("已确认，记入台账第 1 条"),
        "{}",
        page.body
    );
    // The entry's evidence is the archived page, in its sandboxed view.
    let r = app.get("/ledger/0/evidence", Some(&cookie));
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(location(&r), format!("/archive/{}", pending[0].article_id));
    assert!(
        page.body.contains(&format!(
            "class=\"undo-last\" method=\"post\" action=\"/candidates/{a}/undo\""
        )),
        "{}",
        page.body
    );
    // Without the CSRF token, nothing is taken back.
    let r = app.form(
        &format!("/candidates/{a}/undo"),
        &cookie,
        &[("next", "/candidates")],
    );
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(status_of(a), CandidateStatus::Confirmed);
    let r = app.form(
        &format!("/candidates/{a}/undo"),
        &cookie,
        &[("csrf", &csrf), ("next", "/candidates?status=pending")],
    );
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        location(&r),
        format!("/candidates?status=pending&undone={a}")
    );
    assert_eq!(status_of(a), CandidateStatus::Pending);
    let store = Store::open(&home.db_path()).expect("store");
    let entries = reform_radar::pipeline::ledger::entries(&store).expect("ledger");
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[1].reverses, Some(0));
    assert_eq!(entries[1].reviewer, "ana");
    assert_eq!(entries[1].note.as_deref(), Some("审核人撤销刚才的决定"));
    // Taken back once: a second time there is nothing to take back.
    let r = app.form(
        &format!("/candidates/{a}/undo"),
        &cookie,
        &[("csrf", &csrf), ("next", "/")],
    );
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);

    // Reject on the detail page: the next candidate opens, saying so.
    let b = pending[1].id;
    let r = app.form(
        &format!("/candidates/{b}/reject"),
        &cookie,
        &[
            ("csrf", &csrf),
            ("reason", "not-in-depth"),
            ("next", &format!("/candidates/{b}/next")),
        ],
    );
    assert_eq!(location(&r), format!("/candidates/{b}/next?decided={b}"));
    let r = app.get(&location(&r), Some(&cookie));
    let opened = location(&r);
    assert!(opened.ends_with(&format!("?decided={b}")), "{opened}");
    assert!(
        !opened.starts_with(&format!("/candidates/{b}?")),
        "{opened}"
    );
    let page = app.get(&opened, Some(&cookie));
    assert!(page.body.contains("已驳回，理由："), "{}", page.body);
    assert!(page.body.contains("非深度专题报道"), "{}", page.body);
    let r = app.form(
        &format!("/candidates/{b}/undo"),
        &cookie,
        &[("csrf", &csrf), ("next", &format!("/candidates/{b}"))],
    );
    assert_eq!(location(&r), format!("/candidates/{b}?undone={b}"));
    // The undo has its banner too, naming the reason taken back.
    let page = app.get(&location(&r), Some(&cookie));
    assert!(page.body.contains("的驳回已撤销"), "{}", page.body);
    assert_eq!(status_of(b), CandidateStatus::Pending);
    let history = store.candidate_history(b).expect("history");
    let last = history.last().expect("events");
    assert_eq!(
        (last.from.as_deref(), last.to.as_str()),
        (Some("rejected"), "pending")
    );

    // The API does the same, with a reason; an enterprise user may not.
    let c = pending[2].id;
    let r = app.post(
        &format!("/api/candidates/{c}/confirm"),
        &[("cookie", &cookie), ("x-csrf-token", &csrf)],
        "application/json",
        "{}",
    );
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let bearer = token(&home, "wz");
    let r = app.send(
        app.client
            .post(format!("{}/api/candidates/{c}/undo", app.base))
            .bearer_auth(&bearer)
            .header(header::CONTENT_TYPE, "application/json")
            .body(r#"{"reason": "想撤销"}"#),
    );
    assert!(
        r.status == StatusCode::FORBIDDEN || r.status == StatusCode::NOT_FOUND,
        "{}",
        r.status
    );
    assert_eq!(status_of(c), CandidateStatus::Confirmed);
    let r = app.post(
        &format!("/api/candidates/{c}/undo"),
        &[("cookie", &cookie), ("x-csrf-token", &csrf)],
        "application/json",
        r#"{"reason": "误点确认"}"#,
    );
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(json(&r)["status"], "pending");
    assert_eq!(status_of(c), CandidateStatus::Pending);

    // The detail page's form counts it under another item of the rules.
    let (checked, _) = reform_radar::registry::check_home(&home).expect("home");
    let was = pending[2].item.clone();
    let page = app.get(&format!("/candidates/{c}"), Some(&cookie));
    assert!(
        page.body
            .contains(&format!("<option value=\"{was}\" selected>")),
        "the current item is chosen: {}",
        page.body
    );
    let other = checked
        .rules
        .item
        .iter()
        .find(|i| i.code != was && !i.manual_only)
        .expect("another item")
        .code
        .clone();
    let r = app.form(
        &format!("/candidates/{c}/confirm"),
        &cookie,
        &[("csrf", &csrf), ("item", &other), ("next", "/candidates")],
    );
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let entries = reform_radar::pipeline::ledger::entries(&store).expect("ledger");
    let last = entries.last().expect("an entry");
    assert_eq!(
        (last.item.as_str(), last.candidate),
        (other.as_str(), Some(c))
    );
    let history = store.candidate_history(c).expect("history");
    let note = history
        .last()
        .and_then(|e| e.note.clone())
        .unwrap_or_default();
    assert_eq!(note, format!("reclassified {was} → {other}"));
}

/// A multipart/form-data body: the text fields, then one file.
fn multipart(fields: &[(&str, &str)], file: (&str, &[u8])) -> (String, Vec<u8>) {
    let boundary = "radar-test-boundary-7d3f";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{}\"\r\nContent-Type: application/pdf\r\n\r\n",
            file.0
        )
        .as_bytes(),
    );
    body.extend_from_slice(file.1);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

impl App {
    fn upload(&self, cookie: &str, content_type: &str, body: Vec<u8>) -> Reply {
        self.send(
            self.client
                .post(format!("{}/manual", self.base))
                .header(header::COOKIE, cookie)
                .header(header::CONTENT_TYPE, content_type)
                .body(body),
        )
    }
}

#[test]
fn manual_evidence_is_uploaded_into_the_ledger_by_the_logged_in_reviewer() {
    use sha2::Digest;
    let (_dir, home) = new_home();
    radar_init(&home);
    let (checked, registry) = reform_radar::registry::check_home(&home).expect("home");
    let enterprise = registry.enterprises[0].id.clone();
    let item = checked
        .rules
        .item
        .iter()
        .find(|i| i.manual_only)
        .unwrap_or(&checked.rules.item[0])
        .code
        .clone();
    add_user(&home, "ana", "reviewer", None);
    add_user(&home, "officer", "enterprise", Some(&enterprise));
    add_user(
        &home,
        "stranger",
        "enterprise",
        Some(&registry.enterprises[1].id),
    );
    let app = App::start(&home);
    let (cookie, csrf) = app.login("ana");

    let page = app.get("/manual", Some(&cookie));
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("multipart/form-data"));
    assert!(page.body.contains(&item));

    let pdf: &[u8] = b"%PDF-1.4\n% a certificate no crawler can see\n%%EOF\n";
    let fields = |csrf: &str| {
        vec![
            ("csrf", csrf.to_string()),
            ("enterprise", enterprise.clone()),
            ("item", item.clone()),
            ("date", "2026-03-04".to_string()),
            ("title", "国家级专精特新证书".to_string()),
            ("issuer", "工业和信息化部".to_string()),
        ]
    };
    let owned = fields(&csrf);
    let pairs: Vec<(&str, &str)> = owned.iter().map(|(k, v)| (*k, v.as_str())).collect();

    // Without the CSRF token: refused, nothing written.
    let no_csrf: Vec<(&str, &str)> = pairs
        .iter()
        .filter(|(k, _)| *k != "csrf")
        .copied()
        .collect();
    let (ct, body) = multipart(&no_csrf, ("证书.pdf", pdf));
    let r = app.upload(&cookie, &ct, body);
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);

    // An enterprise user: refused, even with its own CSRF token.
    let (ocookie, ocsrf) = app.login("officer");
    let oowned = fields(&ocsrf);
    let opairs: Vec<(&str, &str)> = oowned.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (ct, body) = multipart(&opairs, ("证书.pdf", pdf));
    let r = app.upload(&ocookie, &ct, body);
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert_eq!(
        app.get("/manual", Some(&ocookie)).status,
        StatusCode::FORBIDDEN
    );
    {
        let store = Store::open(&home.db_path()).expect("store");
        assert!(
            reform_radar::pipeline::ledger::entries(&store)
                .expect("ledger")
                .is_empty()
        );
    }

    // The reviewer with the token: one ledger entry, the file by its SHA-256.
    let (ct, body) = multipart(&pairs, ("证书.pdf", pdf));
    let r = app.upload(&cookie, &ct, body);
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert!(r.body.contains("已录入台账第 1 条"), "{}", r.body);
    let store = Store::open(&home.db_path()).expect("store");
    let entries = reform_radar::pipeline::ledger::entries(&store).expect("ledger");
    assert_eq!(entries.len(), 1);
    let e = &entries[0];
    assert_eq!(e.reviewer, "ana");
    assert_eq!(e.item, item);
    let sha = hex::encode(sha2::Sha256::digest(pdf));
    assert_eq!(e.report_key, format!("file:{sha}"));
    match &e.evidence {
        reform_radar::ledger::Evidence::File {
            sha256, file_name, ..
        } => {
            assert_eq!(sha256, &sha);
            assert_eq!(file_name, "证书.pdf");
        }
        other => panic!("not a file: {other:?}"),
    }
    assert_eq!(
        std::fs::read(home.file_path(&sha)).expect("stored file"),
        pdf
    );
    // The file comes back as a download, from 台账 and 记分, to whoever may see the entry.
    assert!(
        app.get("/ledger", Some(&cookie))
            .body
            .contains("href=\"/ledger/0/evidence\"")
    );
    let (ocookie, _) = app.login("officer");
    for who in [&cookie, &ocookie] {
        let r = app.get("/ledger/0/evidence", Some(who));
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.body.as_bytes(), pdf);
        assert_eq!(r.headers[header::CONTENT_TYPE], "application/pdf");
        let disposition = r.headers[header::CONTENT_DISPOSITION]
            .to_str()
            .expect("ascii");
        assert!(disposition.starts_with("attachment;"), "{disposition}");
        assert!(
            disposition.contains("filename*=UTF-8''%E8%AF%81%E4%B9%A6.pdf"),
            "{disposition}"
        );
    }
    let (xcookie, _) = app.login("stranger");
    assert_eq!(
        app.get("/ledger/0/evidence", Some(&xcookie)).status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/ledger/7/evidence", Some(&cookie)).status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/ledger/0/evidence", None).status,
        StatusCode::SEE_OTHER
    );
    // A stored file changed behind the ledger's back is not served as evidence.
    let stored = home.file_path(&sha);
    let mut perms = std::fs::metadata(&stored).expect("meta").permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    std::fs::set_permissions(&stored, perms).expect("writable");
    std::fs::write(&stored, b"%PDF-1.4 forged").expect("forge");
    let r = app.get("/ledger/0/evidence", Some(&cookie));
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains("证据已被改动"), "{}", r.body);
    std::fs::write(&stored, pdf).expect("restore");

    // The staging folder is gone.
    let tmp = home.root().join("tmp");
    assert!(std::fs::read_dir(&tmp).map_or(true, |mut d| d.next().is_none()));

    // The same file again: 409, not a second entry.
    let (ct, body) = multipart(&pairs, ("证书.pdf", pdf));
    assert_eq!(app.upload(&cookie, &ct, body).status, StatusCode::CONFLICT);

    // Over the limit: 413 with a Chinese message.
    let big = vec![b'x'; reform_radar::web::MAX_UPLOAD_BYTES + 1024];
    let (ct, body) = multipart(&pairs, ("大文件.pdf", &big));
    let r = app.upload(&cookie, &ct, body);
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.body);
    assert!(r.body.contains("文件太大"), "{}", r.body);
}

#[test]
fn the_sources_page_shows_health_and_only_admins_run_a_source_now() {
    let (_dir, home) = crawled_home();
    let (checked, _) = reform_radar::registry::check_home(&home).expect("home");
    let source = checked
        .sources
        .iter()
        .find(|s| s.enabled)
        .expect("an enabled source")
        .id
        .clone();
    // The site put up an anti-bot wall on the latest run.
    {
        let db = rusqlite::Connection::open(home.db_path()).expect("db");
        let now = chrono::Utc::now().to_rfc3339();
        db.execute(
            "INSERT INTO runs (started_at, finished_at, command, status) VALUES (?1, ?1, 'crawl', 'done')",
            [&now],
        )
        .expect("run");
        let run = db.last_insert_rowid();
        db.execute(
            "INSERT INTO source_runs (run_id, source, finished_at, fetched, links, new_articles, \
             errors, listing_pages, empty_listings, challenges) VALUES (?1, ?2, ?3, 3, 0, 0, 0, 0, 0, 3)",
            rusqlite::params![run, source, now],
        )
        .expect("source run");
    }
    add_user(&home, "ana", "reviewer", None);
    add_user(&home, "root", "admin", None);
    let queue = reform_radar::web::RunQueue::default();
    let app = App::start_with(&home, Some(queue.clone()));
    let (cookie, csrf) = app.login("ana");
    let page = app.get("/sources", Some(&cookie));
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    for s in &checked.sources {
        assert!(
            page.body.contains(&format!("id=\"source-{}\"", s.id)),
            "{}",
            s.id
        );
    }
    for text in [
        "下次运行",
        "最近运行",
        "北京时间",
        "近 14 天覆盖情况",
        "已抓取",
    ] {
        assert!(page.body.contains(text), "{text}");
    }
    assert!(
        !page.body.contains("立即运行"),
        "a reviewer gets no run-now button"
    );
    // The alarm, in the reviewers' language, on that source's row.
    let row = page
        .body
        .split(&format!("id=\"source-{source}\""))
        .nth(1)
        .and_then(|r| r.split("</tr>").next())
        .expect("the source's row");
    assert!(row.contains("告警：被拦截？3 个页面返回脚本验证"), "{row}");
    assert!(!row.contains("blocked?"), "no English on the page: {row}");
    let path = format!("/sources/{source}/run");
    let r = app.form(&path, &cookie, &[("csrf", &csrf)]);
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert!(queue.is_empty());

    let (acookie, acsrf) = app.login("root");
    let page = app.get("/sources", Some(&acookie));
    assert!(page.body.contains("立即运行"));
    // Without the CSRF token: refused.
    assert_eq!(app.form(&path, &acookie, &[]).status, StatusCode::FORBIDDEN);
    assert!(queue.is_empty());
    let r = app.form(&path, &acookie, &[("csrf", &acsrf)]);
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(queue.take(), vec![source.clone()]);
    let r = app.form("/sources/no-such-source/run", &acookie, &[("csrf", &acsrf)]);
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // Without a scheduler the page says so, and run-now is unavailable.
    let plain = App::start(&home);
    let (pcookie, pcsrf) = plain.login("root");
    assert!(
        plain
            .get("/sources", Some(&pcookie))
            .body
            .contains("未运行调度器")
    );
    let r = plain.form(&path, &pcookie, &[("csrf", &pcsrf)]);
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{}", r.body);
}

impl App {
    /// A download: status, content type and the bytes.
    fn download(&self, path: &str, cookie: &str) -> (StatusCode, String, Vec<u8>) {
        self.rt.block_on(async {
            let res = self
                .client
                .get(format!("{}{path}", self.base))
                .header(header::COOKIE, cookie)
                .send()
                .await
                .expect("request");
            let status = res.status();
            let ct = res
                .headers()
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string();
            let bytes = res.bytes().await.expect("body").to_vec();
            (status, ct, bytes)
        })
    }
}

#[test]
fn reports_and_the_evidence_bundle_download_from_the_scorecard_and_ledger() {
    let (_dir, home) = crawled_home();
    add_user(&home, "ana", "reviewer", None);
    let pending = candidates(&home)
        .into_iter()
        .find(|c| c.status == CandidateStatus::Pending)
        .expect("a pending candidate");
    let app = App::start(&home);
    let (cookie, csrf) = app.login("ana");
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
    let year = &entry["evidence_date"].as_str().expect("date")[..4];

    // The buttons are on the scorecard and on the enterprise's ledger.
    let score = app.get(&format!("/score?year={year}"), Some(&cookie));
    assert!(
        score.body.contains("/export/bundle?enterprise="),
        "{}",
        score.body
    );
    let ledger = app.get(&format!("/ledger?enterprise={unit}"), Some(&cookie));
    assert!(ledger.body.contains("/export/quarterly?enterprise="));

    let q = format!("enterprise={unit}&year={year}");
    for (path, ct) in [
        (
            format!("/export/quarterly?{q}&quarter=4&format=docx"),
            "wordprocessingml",
        ),
        (format!("/export/case?{q}&format=docx"), "wordprocessingml"),
    ] {
        let (status, got, bytes) = app.download(&path, &cookie);
        assert_eq!(
            status,
            StatusCode::OK,
            "{path}: {}",
            String::from_utf8_lossy(&bytes)
        );
        assert!(got.contains(ct), "{path}: {got}");
        assert!(
            zip_names(&bytes).iter().any(|n| n == "word/document.xml"),
            "{path}"
        );
    }
    for path in [
        format!("/export/quarterly?{q}&quarter=4&format=md"),
        format!("/export/case?{q}&format=md"),
    ] {
        let (status, got, bytes) = app.download(&path, &cookie);
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(got.starts_with("text/markdown"), "{path}: {got}");
        assert!(
            String::from_utf8(bytes).expect("UTF-8").starts_with('#'),
            "{path}"
        );
    }
    let (status, got, bytes) = app.download(&format!("/export/bundle?{q}"), &cookie);
    assert_eq!(
        status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&bytes)
    );
    assert_eq!(got, "application/zip");
    let names = zip_names(&bytes);
    let bag = format!("bundle-{unit}-{year}");
    for want in ["bagit.txt", "manifest-sha256.txt", "data/verify.py"] {
        assert!(
            names.iter().any(|n| n == &format!("{bag}/{want}")),
            "{want} not in {names:?}"
        );
    }
    // The staging folder is gone.
    let tmp = home.root().join("tmp");
    assert!(std::fs::read_dir(&tmp).map_or(true, |mut d| d.next().is_none()));
    // Without an enterprise: a clear refusal.
    let (status, _, _) = app.download(&format!("/export/case?year={year}"), &cookie);
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // An enterprise user: its own, and nothing of another enterprise.
    let (_, registry) = reform_radar::registry::check_home(&home).expect("home");
    let other = registry
        .enterprises
        .iter()
        .find(|e| registry.scoring_unit(&e.id) != unit)
        .expect("another enterprise")
        .id
        .clone();
    add_user(&home, "officer", "enterprise", Some(&unit));
    let (ocookie, _) = app.login("officer");
    let (status, _, _) = app.download(&format!("/export/bundle?year={year}"), &ocookie);
    assert_eq!(status, StatusCode::OK, "its own enterprise without asking");
    for kind in ["quarterly", "case", "bundle"] {
        let (status, _, _) = app.download(
            &format!("/export/{kind}?enterprise={other}&year={year}"),
            &ocookie,
        );
        assert_eq!(status, StatusCode::FORBIDDEN, "{kind} of {other}");
    }
    // Without a session: to the login page.
    let r = app.get(&format!("/export/bundle?{q}"), None);
    assert_eq!(r.status, StatusCode::SEE_OTHER);
}

#[test]
fn radar_demo_ends_by_serving_the_ui_with_a_demo_reviewer_login() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().expect("tmp");
    let demo_dir = dir.path().join("demo");
    let mut child = Command::new(env!("CARGO_BIN_EXE_radar"))
        .arg("demo")
        .arg("--dir")
        .arg(&demo_dir)
        .args(["--listen", "127.0.0.1:0"])
        .env_remove("RADAR_HOME")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn demo");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = std::io::BufReader::new(stdout).lines();
    let line = lines
        .by_ref()
        .map_while(Result::ok)
        .find(|l| l.starts_with("web UI on "))
        .expect("the demo prints the URL");
    assert!(
        line.contains("`demo`") && line.contains("radar-demo-2026"),
        "{line}"
    );
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .expect("URL")
        .trim_end_matches('/')
        .to_string();
    let app = App {
        rt: tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime"),
        base: url,
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client"),
    };
    let r = app.try_login("demo", "radar-demo-2026");
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let cookie = format!(
        "radar_session={}",
        set_cookie(&r.headers, "radar_session").expect("session")
    );
    let queue = app.get("/candidates", Some(&cookie));
    assert_eq!(queue.status, StatusCode::OK);
    assert!(
        queue.body.contains("/candidates/"),
        "the sample's candidates are listed"
    );
    let pid = i32::try_from(child.id()).expect("pid");
    // SAFETY: signalling a child process this test started.
    unsafe { libc::kill(pid, libc::SIGTERM) };
    let out = child.wait().expect("wait");
    assert!(
        out.success(),
        "the demo exits cleanly after SIGTERM: {out:?}"
    );
}
