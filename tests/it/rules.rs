//! The scorecard rules end to end: a home's `rules.toml` is validated by
//! `radar check` with file and line, source files are checked against its
//! outlet table, a lead's print citation finds the scoring item, and an edited
//! rules file changes the scorecard.

use crate::support::new_home;
use reform_radar::config::{check_home, parse_rules};
use reform_radar::extract::find_citation;
use reform_radar::scoring::{CountedItem, Quarter, scorecard};
use std::path::Path;

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).expect("read");
    assert!(text.contains(from), "{} lacks {from:?}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).expect("write");
}

/// The 1-based lines of a file containing `needle`.
fn lines_of(path: &Path, needle: &str) -> Vec<usize> {
    let text = std::fs::read_to_string(path).expect("read");
    text.lines()
        .enumerate()
        .filter(|(_, l)| l.contains(needle))
        .map(|(i, _)| i + 1)
        .collect()
}

fn day(s: &str) -> chrono::NaiveDate {
    crate::support::date(s)
}

#[test]
fn radar_check_reports_rules_problems_with_file_and_line() {
    let (_dir, home) = new_home();
    let rules = home.rules_path();
    edit(&rules, "code = \"C8\"", "code = \"C7\"");
    edit(&rules, "points_beyond = 0.5", "points_beyond = nan");
    edit(
        &rules,
        "[[lead]]\nname = \"光明网\"",
        "[[lead]]\nname = \"光明日报\"",
    );
    edit(
        &rules,
        "name = \"高管信息\"\nitem = \"B4\"",
        "name = \"高管信息\"\nitem = \"B6\"",
    );
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_radar"))
        .args(["check", "--home"])
        .arg(home.root())
        .env_remove("RADAR_HOME")
        .output()
        .expect("run radar");
    assert!(!out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    let file = rules.display().to_string();
    let c7 = lines_of(&rules, "code = \"C7\"");
    let gm = lines_of(&rules, "name = \"光明日报\"");
    let nan = lines_of(&rules, "points_beyond = nan");
    let b6 = lines_of(&rules, "item = \"B6\"");
    assert_eq!((c7.len(), gm.len(), nan.len(), b6.len()), (2, 2, 1, 1));
    assert_eq!(
        lines,
        [
            format!(
                "{file}:{}: category[2].points_beyond: must be a finite number, not nan",
                nan[0]
            ),
            format!(
                "{file}:{}: item[19].code: duplicate item code `C7` (line {})",
                c7[1], c7[0]
            ),
            format!(
                "{file}:{}: outlet[7].item: `B6` is not an item of this file",
                b6[0]
            ),
            format!(
                "{file}:{}: lead[6].name: `光明日报` is already named at outlet[1].name (line {}) (names are compared without spaces and 《》)",
                gm[1], gm[0]
            ),
        ]
    );
}

#[test]
fn a_source_must_agree_with_the_outlet_table() {
    let (_dir, home) = new_home();
    let people = home.sources_dir().join("people-daily.toml");
    edit(&people, "item = \"B1\"", "item = \"B2\"");
    let people_cq = home.sources_dir().join("people-cq.toml");
    edit(&people_cq, "item = \"lead\"", "item = \"B1\"");
    let problems: Vec<String> = check_home(&home)
        .expect_err("problems")
        .0
        .iter()
        .map(|p| p.to_string())
        .collect();
    assert_eq!(problems.len(), 2, "{problems:#?}");
    assert!(
        problems[0].ends_with(
            "people-cq.toml:4: item: outlet `人民网` is a lead in rules.toml: item must be `lead`"
        ),
        "{problems:#?}"
    );
    assert!(
        problems[1].ends_with(
            "people-daily.toml:4: item: outlet `人民日报` evidences B1 in rules.toml, not `B2`"
        ),
        "{problems:#?}"
    );
}

#[test]
fn a_lead_citing_a_scoring_outlet_is_a_candidate_for_its_item() {
    let (_dir, home) = new_home();
    let rules = check_home(&home).expect("defaults").rules;
    assert!(rules.is_lead_outlet("人民网"));
    // A 人民网 reprint of a People's Daily report: a candidate for B1.
    let c = find_citation("……正文。\n《 人民日报 》（ 2023年03月04日 05 版）").expect("citation");
    let item = rules.item_for_outlet(&c.outlet).expect("a scoring outlet");
    assert_eq!((item.code.as_str(), item.category.as_str()), ("B1", "B"));
    assert!(rules.counts_in_year(2023));
    // The overseas edition is another paper: a lead, never B1.
    let c = find_citation("《人民日报海外版》（2023年03月04日 02 版）").expect("citation");
    assert_eq!(c.outlet, "人民日报海外版");
    assert!(rules.item_for_outlet(&c.outlet).is_none());
    assert!(rules.is_lead_outlet(&c.outlet));
    // Internal periodicals are scoring outlets, entered by hand.
    let internal = rules.outlet("内部参考").expect("outlet");
    assert!(internal.manual_only && internal.item == "B4");
    assert!(rules.item("A1").is_some_and(|i| i.manual_only));
}

#[test]
fn the_home_rules_score_and_an_edited_file_scores_differently() {
    let (_dir, home) = new_home();
    let items = [
        CountedItem::new("B3", day("2023-05-06")),
        CountedItem::new("C4", day("2023-02-01")),
        CountedItem::new("C7", day("2023-08-01")),
        CountedItem::new("C7", day("2023-11-30")),
        CountedItem::new("C2", day("2022-12-31")),
        CountedItem::new("TC", day("2023-12-01")),
    ];
    let rules = check_home(&home).expect("defaults").rules;
    let s = scorecard(&rules, 2023, None, &items);
    // 1 (B3) + (3 - 1) × 0.5 (C) + 1 (typical case); the 2022 item is out.
    assert_eq!((s.count_of("B"), s.count_of("C"), s.cases), (1, 3, 1));
    assert_eq!(s.total, 3.0);
    let s = scorecard(&rules, 2023, Some(Quarter::Q1), &items);
    // Q1: C4 only: 0.
    assert_eq!(s.total, 0.0);

    // The commission sets the typical case at 3 points and counts from 2024.
    let path = home.rules_path();
    edit(&path, "points = 1.0", "points = 3.0");
    edit(&path, "from_year = 2023", "from_year = 2024");
    let text = std::fs::read_to_string(&path).expect("read");
    let edited = parse_rules(&path, &text).expect("valid");
    assert_eq!(edited.typical_case.as_ref().map(|t| t.points), Some(3.0));
    let s = scorecard(&edited, 2023, None, &items);
    assert!(!s.year_counts);
    assert_eq!(s.total, 0.0);
    let moved: Vec<CountedItem> = items
        .iter()
        .map(|c| CountedItem::new(c.code.clone(), c.date + chrono::Days::new(366)))
        .collect();
    // 2023-12-31 + 366 days is 2024-12-31 (2024 is a leap year): all in 2024.
    let s = scorecard(&edited, 2024, None, &moved);
    // 1 (B3) + (4 - 1) × 0.5 + 3 (typical case)
    assert_eq!(s.total, 5.5);
}
