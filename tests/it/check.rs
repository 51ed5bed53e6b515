//! `radar check`: a malformed home gets every problem with file, line and field.

use crate::support::new_home;
use reform_radar::config::check_home;

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
        find("listing.items").contains("broken.toml:10: listing.items: bad CSS selector"),
        "{text:#?}"
    );
    let unknown = find("typo.toml");
    assert!(
        unknown.contains("typo.toml:6")
            && unknown.contains("feeds")
            && unknown.contains("unknown field"),
        "{unknown}"
    );
}
