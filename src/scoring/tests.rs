//! The scorecard arithmetic against values computed by hand from the rules
//! of the 2023 notice (A, B: +1 per item; C: target 1, -1 per missing item,
//! +0.5 per item beyond; dates in 2023 on count), with the shipped
//! `defaults/rules.toml` read as it is (validation is `config`'s, tested
//! there and in `tests/it/rules.rs`).

use super::*;

const DEFAULT_RULES: &str = include_str!("../../defaults/rules.toml");

fn rules_of(text: &str) -> Rules {
    match toml::from_str(text) {
        Ok(r) => r,
        Err(e) => panic!("rules do not parse: {e}"),
    }
}

fn rules() -> Rules {
    rules_of(DEFAULT_RULES)
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_else(|| panic!("bad date {y}-{m}-{d}"))
}

fn items(list: &[(&str, NaiveDate)]) -> Vec<CountedItem> {
    list.iter().map(|(c, d)| CountedItem::new(*c, *d)).collect()
}

#[test]
fn no_c_item_costs_a_point() {
    let s = scorecard(&rules(), 2023, None, &[]);
    assert!(s.year_counts);
    assert_eq!(
        (s.count_of("A"), s.count_of("B"), s.count_of("C")),
        (0, 0, 0)
    );
    assert_eq!(s.category("C").and_then(|c| c.target), Some(1));
    assert_eq!(s.points_of("C"), -1.0);
    assert_eq!(s.total, -1.0);
}

#[test]
fn exactly_the_target_is_zero() {
    let s = scorecard(&rules(), 2023, None, &items(&[("C4", day(2023, 6, 1))]));
    assert_eq!(s.count_of("C"), 1);
    assert_eq!(s.points_of("C"), 0.0);
    assert_eq!(s.total, 0.0);
}

#[test]
fn four_c_items_earn_one_and_a_half() {
    let list = items(&[
        ("C2", day(2023, 2, 1)),
        ("C4", day(2023, 5, 9)),
        ("C4", day(2023, 8, 30)),
        ("C7", day(2023, 12, 31)),
    ]);
    let s = scorecard(&rules(), 2023, None, &list);
    assert_eq!(s.count_of("C"), 4);
    // (4 - 1) × 0.5
    assert_eq!(s.points_of("C"), 1.5);
    assert_eq!(s.total, 1.5);
    // C items earn through the target, not one by one.
    assert!(s.items.iter().all(|i| i.points.is_none()));
}

#[test]
fn a_and_b_earn_a_point_each_and_add_to_the_c_delta() {
    let list = items(&[
        ("A6", day(2023, 3, 3)),
        ("B1", day(2023, 4, 4)),
        ("B1", day(2023, 4, 5)),
        ("B5", day(2023, 10, 1)),
        ("C3", day(2023, 7, 7)),
        ("C8", day(2023, 9, 9)),
    ]);
    let s = scorecard(&rules(), 2023, None, &list);
    assert_eq!(
        (s.count_of("A"), s.count_of("B"), s.count_of("C")),
        (1, 3, 2)
    );
    assert_eq!(
        (s.points_of("A"), s.points_of("B"), s.points_of("C")),
        (1.0, 3.0, 0.5)
    );
    // 1 + 3 + (2 - 1) × 0.5
    assert_eq!(s.total, 4.5);
    assert_eq!(s.items[0].points, Some(1.0));
    assert_eq!(s.items[0].category.as_deref(), Some("A"));
}

#[test]
fn items_dated_in_another_year_do_not_count() {
    let list = items(&[
        ("B2", day(2022, 12, 31)),
        ("C1", day(2022, 11, 1)),
        ("C1", day(2024, 1, 1)),
        ("B3", day(2023, 1, 1)),
    ]);
    let s = scorecard(&rules(), 2023, None, &list);
    assert_eq!((s.count_of("B"), s.count_of("C")), (1, 0));
    // 1 - 1: the C item of 2022 does not meet 2023's target.
    assert_eq!(s.total, 0.0);
    let status: Vec<Status> = s.items.iter().map(|i| i.status).collect();
    assert_eq!(
        status,
        [
            Status::OtherYear,
            Status::OtherYear,
            Status::OtherYear,
            Status::Counted
        ]
    );
}

#[test]
fn a_year_before_the_rules_scores_nothing() {
    let list = items(&[("B2", day(2022, 5, 1))]);
    let s = scorecard(&rules(), 2022, None, &list);
    assert!(!s.year_counts);
    // No target either: the scorecard starts with 2023.
    assert_eq!((s.points_of("C"), s.total), (0.0, 0.0));
    assert_eq!(s.items[0].status, Status::YearNotCounted);
}

#[test]
fn a_quarter_counts_the_year_to_its_end() {
    let list = items(&[
        ("B1", day(2023, 3, 31)),
        ("C4", day(2023, 4, 1)),
        ("C7", day(2023, 9, 30)),
        ("A2", day(2023, 10, 1)),
    ]);
    let [q1, q2, q3, q4] = quarterly(&rules(), 2023, &list);
    // Q1: B1, no C yet: 1 - 1.
    assert_eq!((q1.quarter, q1.total), (Some(Quarter::Q1), 0.0));
    assert_eq!(q1.items[1].status, Status::AfterQuarter);
    // Q2: B1 and one C: 1 + 0.
    assert_eq!(q2.total, 1.0);
    // Q3: B1 and two C: 1 + 0.5.
    assert_eq!(q3.total, 1.5);
    // Q4 is the whole year: + A2.
    assert_eq!(q4.total, 2.5);
    assert_eq!(q4.total, scorecard(&rules(), 2023, None, &list).total);
}

#[test]
fn a_typical_case_earns_the_configured_bonus_or_the_awarded_points() {
    let mut list = items(&[("TC", day(2023, 11, 2))]);
    let s = scorecard(&rules(), 2023, None, &list);
    assert_eq!((s.cases, s.bonus), (1, 1.0));
    // With no C item: -1 + 1.
    assert_eq!(s.total, 0.0);
    list[0].points = Some(2.0);
    let s = scorecard(&rules(), 2023, None, &list);
    assert_eq!((s.bonus, s.total), (2.0, 1.0));
    // Awarded points that are not a number are ignored.
    list[0].points = Some(f64::NAN);
    assert_eq!(scorecard(&rules(), 2023, None, &list).bonus, 1.0);
}

#[test]
fn awarded_points_do_not_change_a_target_category() {
    let mut list = items(&[("C4", day(2023, 6, 1)), ("C5", day(2023, 6, 2))]);
    list[0].points = Some(5.0);
    let s = scorecard(&rules(), 2023, None, &list);
    assert_eq!(s.points_of("C"), 0.5);
}

#[test]
fn unknown_codes_are_shown_but_never_count() {
    let s = scorecard(&rules(), 2023, None, &items(&[("B9", day(2023, 6, 1))]));
    assert_eq!(s.items[0].status, Status::UnknownCode);
    assert_eq!(s.total, -1.0);
}

#[test]
fn changed_numbers_in_the_rules_change_the_score() {
    let list = items(&[
        ("B1", day(2023, 1, 5)),
        ("C2", day(2023, 2, 1)),
        ("C4", day(2023, 5, 9)),
        ("C4", day(2023, 8, 30)),
    ]);
    assert_eq!(scorecard(&rules(), 2023, None, &list).total, 2.0);
    // The commission pays a point per C item beyond the target: 1 + 2 × 1.
    let text = DEFAULT_RULES.replacen("points_beyond = 0.5", "points_beyond = 1.0", 1);
    let s = scorecard(&rules_of(&text), 2023, None, &list);
    assert_eq!((s.points_of("C"), s.total), (2.0, 3.0));
    // ... or raises the target to 2: 1 + 1 × 0.5.
    let text = DEFAULT_RULES.replacen("yearly_target = 1", "yearly_target = 2", 1);
    let s = scorecard(&rules_of(&text), 2023, None, &list);
    assert_eq!(s.category("C").and_then(|c| c.target), Some(2));
    assert_eq!(s.total, 1.5);
    // ... or B1 is worth two points; or a missing C item costs two.
    let text = DEFAULT_RULES.replacen(
        "code = \"B1\"\ncategory = \"B\"",
        "code = \"B1\"\ncategory = \"B\"\npoints = 2.0",
        1,
    );
    assert_eq!(scorecard(&rules_of(&text), 2023, None, &list).total, 3.0);
    let text = DEFAULT_RULES
        .replacen("yearly_target = 1", "yearly_target = 4", 1)
        .replacen("points_short = -1.0", "points_short = -2.0", 1);
    // 1 + (4 - 3) × -2
    assert_eq!(scorecard(&rules_of(&text), 2023, None, &list).total, -1.0);
}

#[test]
fn target_delta_by_hand() {
    assert_eq!(target_delta(1, 0, -1.0, 0.5), -1.0);
    assert_eq!(target_delta(1, 1, -1.0, 0.5), 0.0);
    assert_eq!(target_delta(1, 4, -1.0, 0.5), 1.5);
    assert_eq!(target_delta(3, 1, -1.0, 0.5), -2.0);
    assert_eq!(target_delta(0, 0, -1.0, 0.5), 0.0);
    assert_eq!(target_delta(0, 2, -1.0, 0.5), 1.0);
}

#[test]
fn quarters_by_number_and_date() {
    assert_eq!(Quarter::from_number(0), None);
    assert_eq!(Quarter::from_number(5), None);
    assert_eq!(Quarter::from_number(3), Some(Quarter::Q3));
    assert_eq!(Quarter::Q4.number(), 4);
    assert_eq!(Quarter::of(day(2023, 3, 31)), Quarter::Q1);
    assert_eq!(Quarter::of(day(2023, 4, 1)), Quarter::Q2);
    assert_eq!(Quarter::of(day(2023, 12, 31)), Quarter::Q4);
}

#[test]
fn the_scorecard_serialises() {
    let s = scorecard(
        &rules(),
        2023,
        Some(Quarter::Q2),
        &items(&[("B1", day(2023, 4, 4))]),
    );
    let json = serde_json::to_value(&s).unwrap_or_default();
    assert_eq!(json["quarter"], "Q2");
    assert_eq!(json["total"], 0.0);
    assert_eq!(json["categories"][2]["points"], -1.0);
    assert_eq!(json["items"][0]["status"], "counted");
    assert_eq!(json["items"][0]["date"], "2023-04-04");
}
