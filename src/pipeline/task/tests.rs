//! Unit tests of `task`.
use super::*;
use crate::archive::RecordLocation;
use crate::crawl::decode::Decoded;

fn fetched(status: u16, content_type: Option<&str>, text: Option<&str>) -> Fetched {
    Fetched {
        final_url: url::Url::parse("http://paper.people.com.cn/rmrb/x.html").expect("url"),
        status,
        headers: content_type
            .map(|c| vec![("Content-Type".to_string(), c.to_string())])
            .unwrap_or_default(),
        body: text.unwrap_or("").as_bytes().to_vec(),
        text: text.map(|t| Decoded {
            text: t.to_string(),
            encoding: "UTF-8",
            warnings: vec![],
        }),
        not_modified: false,
        location: RecordLocation {
            file: "a.warc.gz".into(),
            offset: 0,
            length: 1,
            payload_sha256: None,
        },
    }
}

fn report(result: Result<Fetched, FetchError>) -> FetchReport {
    FetchReport {
        browser: Default::default(),
        journal: vec![],
        robots: None,
        result,
    }
}

const PAGE: &str = "<html><body><h1>万州</h1><p>国企改革</p></body></html>";

#[test]
fn answers_map_to_steps() {
    let ctx = TaskContext::default();
    let ok = |role, f| classify(role, &ctx, &report(Ok(f)));
    assert_eq!(
        ok(Role::Article, fetched(200, Some("text/html"), Some(PAGE))),
        Step::Article
    );
    assert_eq!(
        ok(Role::Page, fetched(200, Some("text/html"), Some(PAGE))),
        Step::Links
    );
    assert_eq!(
        ok(Role::Page, fetched(404, Some("text/html"), Some(""))),
        Step::NoEdition
    );
    assert_eq!(
        ok(Role::Article, fetched(404, Some("text/html"), Some(""))),
        Step::HttpError(404)
    );
    assert_eq!(
        ok(Role::Article, fetched(200, Some("application/pdf"), None)),
        Step::NotArticle("not an article: application/pdf".into())
    );
    assert_eq!(
        ok(Role::Article, fetched(200, Some("text/html"), Some("  \n"))),
        Step::NotArticle("not an article: empty body".into())
    );
}

#[test]
fn a_missing_template_tries_the_next() {
    let ctx = TaskContext {
        alternates: vec!["http://paper.people.com.cn/old/x.html".into()],
        ..Default::default()
    };
    assert_eq!(
        classify(
            Role::Page,
            &ctx,
            &report(Ok(fetched(404, Some("text/html"), Some(""))))
        ),
        Step::TryAlternate("http://paper.people.com.cn/old/x.html".into())
    );
}

#[test]
fn failures_map_to_steps() {
    let ctx = TaskContext::default();
    let err = |e| classify(Role::Article, &ctx, &report(Err(e)));
    assert_eq!(err(FetchError::Shutdown), Step::NotStarted);
    assert_eq!(
        err(FetchError::Archive("disk full".into())),
        Step::StopRun("disk full".into())
    );
    assert_eq!(err(FetchError::RobotsDisallowed), Step::Disallowed);
    assert!(matches!(
        err(FetchError::Status(503)),
        Step::FetchFailed {
            transient: true,
            status: Some(503),
            ..
        }
    ));
    assert!(matches!(
        err(FetchError::UnsupportedRedirect("ftp://x/".into())),
        Step::FetchFailed {
            transient: false,
            ..
        }
    ));
}
