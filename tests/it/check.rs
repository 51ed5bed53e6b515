//! `radar check`: a malformed home gets every problem with file, line and field.

use crate::support::new_home;
use reform_radar::config::{Home, check_home};
use std::path::Path;

/// Every problem of a home as `file:line: field: message` with the file
/// name only (the temp dir left out).
fn problems_of(home: &Home) -> Vec<String> {
    let problems = check_home(home).expect_err("the home has problems").0;
    problems
        .iter()
        .map(|p| {
            let name = p.file.file_name().and_then(|n| n.to_str()).unwrap_or("?");
            let line = p.line.map(|l| format!(":{l}")).unwrap_or_default();
            format!("{name}{line}: {}: {}", p.field, p.message)
        })
        .collect()
}

/// Replace `from` with `to` in a file of the home (which must contain it).
fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).expect("read");
    assert!(text.contains(from), "{} lacks {from:?}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).expect("write");
}

/// The 1-based line of the first line of a file containing `needle`.
fn line_of(path: &Path, needle: &str) -> usize {
    let text = std::fs::read_to_string(path).expect("read");
    text.lines()
        .position(|l| l.contains(needle))
        .map(|i| i + 1)
        .unwrap_or_else(|| panic!("{} lacks {needle:?}", path.display()))
}

#[test]
fn defaults_pass_the_check() {
    let (_dir, home) = new_home();
    let checked = check_home(&home).expect("defaults are valid");
    assert!(checked.sources.len() >= 15);
}

#[test]
fn every_problem_is_reported_with_file_line_and_field() {
    let (_dir, home) = new_home();
    let path = home.sources_dir().join("broken.toml");
    std::fs::write(
        &path,
        "id = \"broken\"\nname = \"坏的\"\noutlet = \"测试\"\nitem = \"Z9\"\nkind = \"listing\"\nschedule = \"every day\"\n\n[listing]\nstart = [\"http://example.cn/index.html\"]\nitems = \"ul >> li\"\n",
    )
    .expect("write");
    let typo = home.sources_dir().join("typo.toml");
    std::fs::write(&typo, "id = \"typo\"\nname = \"x\"\noutlet = \"x\"\nitem = \"lead\"\nkind = \"feed\"\nfeeds = [\"http://a.cn/rss\"]\n").expect("write");
    let problems = check_home(&home).expect_err("must fail").0;
    let text: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
    let find = |needle: &str| {
        text.iter()
            .find(|t| t.contains(needle))
            .cloned()
            .unwrap_or_else(|| panic!("no problem mentioning {needle}: {text:#?}"))
    };
    assert!(
        find("item").contains("broken.toml:4: item: `Z9`"),
        "{text:#?}"
    );
    assert!(
        find("schedule").contains("broken.toml:6: schedule:"),
        "{text:#?}"
    );
    assert!(
        find("listing.items")
            .contains("broken.toml:10: listing.items: invalid CSS selector \"ul >> li\": "),
        "{text:#?}"
    );
    let unknown = find("typo.toml:6");
    assert!(
        unknown.contains("typo.toml:6: feeds: unknown field `feeds`"),
        "{unknown}"
    );
    // The misspelt table also leaves the feed without its [feed] table.
    assert!(
        find("typo.toml:5").contains("typo.toml:5: kind: kind `feed` needs a [feed] table"),
        "{text:#?}"
    );
}

#[test]
fn non_finite_negative_and_absurd_durations_are_rejected_with_their_lines() {
    let (_dir, home) = new_home();
    let settings = home.settings_path();
    edit(&settings, "pace_secs = 1.2", "pace_secs = inf");
    edit(
        &settings,
        "connect_timeout_secs = 10",
        "connect_timeout_secs = -5",
    );
    edit(
        &settings,
        "read_timeout_secs = 30",
        "read_timeout_secs = nan",
    );
    edit(
        &settings,
        "max_retry_after_secs = 300",
        "max_retry_after_secs = 9999999",
    );
    let source = home.sources_dir().join("people-daily.toml");
    edit(&source, "pace_secs = 1.5", "pace_secs = nan");
    let economic = home.sources_dir().join("economic-daily.toml");
    edit(&economic, "pace_secs = 1.5", "pace_secs = 100000.0");
    let p = problems_of(&home);
    let expect = [
        format!(
            "radar.toml:{}: politeness.pace_secs: must be a finite number of seconds, not inf",
            line_of(&settings, "pace_secs")
        ),
        format!(
            "radar.toml:{}: politeness.connect_timeout_secs: must not be negative (found -5)",
            line_of(&settings, "connect_timeout_secs")
        ),
        format!(
            "radar.toml:{}: politeness.read_timeout_secs: must be a finite number of seconds, not nan",
            line_of(&settings, "read_timeout_secs")
        ),
        format!(
            "radar.toml:{}: politeness.max_retry_after_secs: must be at most 86400 seconds (a day) (found 9999999)",
            line_of(&settings, "max_retry_after_secs")
        ),
        format!(
            "people-daily.toml:{}: pace_secs: must be a finite number of seconds, not nan",
            line_of(&source, "pace_secs")
        ),
        format!(
            "economic-daily.toml:{}: pace_secs: must be at most 86400 seconds (a day) (found 100000)",
            line_of(&economic, "pace_secs")
        ),
    ];
    for e in &expect {
        assert!(p.contains(e), "missing {e}\nin {p:#?}");
    }
    assert_eq!(p.len(), expect.len(), "{p:#?}");
}

#[test]
fn a_file_with_three_bad_fields_gives_three_problems_with_lines() {
    let (_dir, home) = new_home();
    let path = home.sources_dir().join("people-daily.toml");
    edit(&path, "pace_secs = 1.5", "pace_secs = \"slow\"");
    edit(&path, "schedule = ", "colour = \"red\"\nschedule = ");
    edit(&path, "page_label = ", "page_label = 7\nlabel_old = ");
    let p = problems_of(&home);
    let colour = line_of(&path, "colour");
    let pace = line_of(&path, "pace_secs");
    let label = line_of(&path, "page_label");
    let old = line_of(&path, "label_old");
    let lines: Vec<&String> = p
        .iter()
        .filter(|l| l.starts_with("people-daily.toml:"))
        .collect();
    assert_eq!(lines.len(), 4, "{p:#?}");
    assert!(
        lines[0].starts_with(&format!(
            "people-daily.toml:{colour}: colour: unknown field `colour`"
        )),
        "{lines:#?}"
    );
    assert_eq!(
        lines[1],
        &format!("people-daily.toml:{pace}: pace_secs: expected a number, found a string \"slow\"")
    );
    assert_eq!(
        lines[2],
        &format!("people-daily.toml:{label}: epaper.page_label: expected a string, found 7")
    );
    assert!(
        lines[3].starts_with(&format!(
            "people-daily.toml:{old}: epaper.label_old: unknown field `label_old`"
        )),
        "{lines:#?}"
    );
}

#[test]
fn a_type_error_names_the_key_path_and_the_line() {
    let (_dir, home) = new_home();
    let settings = home.settings_path();
    edit(&settings, "pace_secs = 1.2", "pace_secs = \"fast\"");
    edit(&settings, "retries = 3", "retries = \"many\"");
    let p = problems_of(&home);
    assert_eq!(
        p,
        [
            format!(
                "radar.toml:{}: politeness.pace_secs: expected a number, found a string \"fast\"",
                line_of(&settings, "pace_secs =")
            ),
            format!(
                "radar.toml:{}: politeness.retries: expected a whole number (0 or more), found a string \"many\"",
                line_of(&settings, "retries =")
            ),
        ]
    );
}

#[test]
fn bad_selectors_and_regexes_are_named_with_the_parser_reason() {
    let (_dir, home) = new_home();
    let path = home.sources_dir().join("people-daily.toml");
    edit(
        &path,
        "body = \"#articleContent, #ozoom\"",
        "body = \"div[[[\"",
    );
    edit(
        &path,
        "page_links = \"div.swiper-slide a, div#pageList div.right_title-name a\"",
        "page_links = \"div.swiper-slide a, :nosuch\"",
    );
    edit(
        &path,
        "article_pattern = '(content/",
        "article_pattern = '((content/",
    );
    let listing = home.sources_dir().join("wz-gov.toml");
    edit(
        &listing,
        r"page_count = 'createPage\((\d+)'",
        r"page_count = 'createPage\(\d+'",
    );
    let p = problems_of(&home);
    let body = line_of(&path, "body =");
    let links = line_of(&path, "page_links =");
    let pattern = line_of(&path, "article_pattern =");
    let count = line_of(&listing, "page_count =");
    let expect_start = [
        format!(
            "people-daily.toml:{links}: epaper.page_links: invalid CSS selector \"div.swiper-slide a, :nosuch\": unsupported pseudo-class or pseudo-element"
        ),
        format!("people-daily.toml:{pattern}: epaper.article_pattern: invalid regex \"((content/"),
        format!(
            "people-daily.toml:{body}: fields.body: invalid CSS selector \"div[[[\": an attribute selector `[…]` needs an attribute name"
        ),
        format!(
            "wz-gov.toml:{count}: listing.page_count: regex \"createPage\\\\(\\\\d+\" needs a capture group"
        ),
    ];
    for e in &expect_start {
        assert!(
            p.iter().any(|l| l.starts_with(e.as_str())),
            "no {e}\nin {p:#?}"
        );
    }
    assert!(
        p.iter()
            .all(|l| !l.contains("Unexpected error") && !l.contains('\n')),
        "{p:#?}"
    );
    assert_eq!(p.len(), 4, "{p:#?}");
}

#[test]
fn radar_check_prints_one_line_a_problem_then_a_summary() {
    let (_dir, home) = new_home();
    let settings = home.settings_path();
    edit(&settings, "pace_secs = 1.2", "pace_secs = \"fast\"");
    edit(&settings, "concurrency = 4", "concurrency = 0");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_radar"))
        .args(["check", "--home"])
        .arg(home.root())
        .env_remove("RADAR_HOME")
        .output()
        .expect("run radar");
    assert!(!out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    let file = settings.display().to_string();
    assert_eq!(
        lines,
        [
            format!(
                "{file}:{}: politeness.pace_secs: expected a number, found a string \"fast\"",
                line_of(&settings, "pace_secs =")
            ),
            format!(
                "{file}:{}: politeness.concurrency: must be at least 1 (found 0)",
                line_of(&settings, "concurrency =")
            ),
        ]
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("2 problem(s)"), "{stderr}");
}

#[test]
fn bad_headers_and_reversed_edition_dates_are_problems() {
    let (_dir, home) = new_home();
    let path = home.sources_dir().join("people-daily.toml");
    edit(
        &path,
        "[epaper]",
        "[headers]\n\"Bad Name\" = \"x\"\nReferer = \"http://例子.cn/\"\n\n[epaper]",
    );
    edit(
        &path,
        "{ until = \"2024-11-30\",",
        "{ from = \"2024-12-30\", until = \"2024-11-30\",",
    );
    let p = problems_of(&home);
    let bad_name = line_of(&path, "\"Bad Name\"");
    let referer = line_of(&path, "Referer =");
    let until = line_of(&path, "until = ");
    assert_eq!(
        p,
        [
            format!(
                "people-daily.toml:{bad_name}: headers.Bad Name: \"Bad Name\" is not a header name"
            ),
            format!(
                "people-daily.toml:{referer}: headers.Referer: header value \"http://例子.cn/\" must be visible ASCII (percent-encode other characters)"
            ),
            format!(
                "people-daily.toml:{until}: epaper.editions[1].until: 2024-11-30 is before `from` 2024-12-30"
            ),
        ]
    );
}
