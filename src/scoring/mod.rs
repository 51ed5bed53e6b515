//! The scorecard arithmetic: from the counted items of one enterprise (each an
//! item code with its date, from the ledger) and the rules, the score of a
//! year, or of a year to the end of a quarter. Pure functions over `model`
//! types; every number comes from the rules.
//!
//! - An item counts in the year of its date, if the rules count that year;
//!   a quarter's scorecard counts the items dated up to the quarter's end.
//! - A per-item category earns each item's points (the item's own, else the
//!   category's). A target category earns `(target - n) × points_short` below
//!   its target, `(n - target) × points_beyond` above it and 0 on it. The
//!   target is yearly and not pro-rated: a quarter's scorecard shows where
//!   the year would end if nothing more came.
//! - An item whose code is the typical case's earns the typical-case bonus.
//! - A counted item may carry the points the commission actually awarded
//!   (`points`), which win over the rules for per-item categories and typical
//!   cases; they are ignored for target categories and when not finite.
//! - One counted item is one item: telling copies of one report apart is the
//!   ledger's job, done before this.

use crate::model::{Rules, Scheme};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// A quarter of the year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Quarter {
    Q1,
    Q2,
    Q3,
    Q4,
}

impl Quarter {
    pub const ALL: [Quarter; 4] = [Quarter::Q1, Quarter::Q2, Quarter::Q3, Quarter::Q4];

    /// 1 to 4; anything else is `None`.
    pub fn from_number(n: u8) -> Option<Quarter> {
        Quarter::ALL.get(usize::from(n).checked_sub(1)?).copied()
    }
    pub fn number(self) -> u8 {
        match self {
            Quarter::Q1 => 1,
            Quarter::Q2 => 2,
            Quarter::Q3 => 3,
            Quarter::Q4 => 4,
        }
    }
    /// The quarter a date is in.
    pub fn of(date: NaiveDate) -> Quarter {
        match date.month() {
            1..=3 => Quarter::Q1,
            4..=6 => Quarter::Q2,
            7..=9 => Quarter::Q3,
            _ => Quarter::Q4,
        }
    }
}

/// One confirmed item of the ledger, as the scorecard needs it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CountedItem {
    /// An item code of the rules (`B1`) or the typical case's code.
    pub code: String,
    /// The publication or event date (Beijing).
    pub date: NaiveDate,
    /// The points the commission awarded, when they differ from the rules.
    #[serde(default)]
    pub points: Option<f64>,
}

impl CountedItem {
    pub fn new(code: impl Into<String>, date: NaiveDate) -> CountedItem {
        CountedItem {
            code: code.into(),
            date,
            points: None,
        }
    }
}

/// Why an item counts or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Counted,
    /// Dated in another year than the scorecard's.
    OtherYear,
    /// Dated in the year, after the end of the scorecard's quarter.
    AfterQuarter,
    /// Dated in a year the rules do not count.
    YearNotCounted,
    /// Neither an item of the rules nor the typical case.
    UnknownCode,
}

/// One counted item with what it earned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoredItem {
    pub code: String,
    pub date: NaiveDate,
    /// The item's category; `None` for a typical case or an unknown code.
    pub category: Option<String>,
    pub status: Status,
    /// What the item earned by itself; `None` when it did not count or
    /// counts toward a target (the category's points say what it gave).
    pub points: Option<f64>,
}

/// One category's part of the scorecard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CategoryScore {
    pub id: String,
    pub name: String,
    /// Items counted.
    pub count: u32,
    /// The yearly target, for a target category.
    pub target: Option<u32>,
    /// What the category adds to the total (for a target category: the
    /// delta against the target).
    pub points: f64,
}

/// The score of one enterprise for a year, or a year to a quarter's end.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scorecard {
    pub year: i32,
    /// `None`: the whole year.
    pub quarter: Option<Quarter>,
    /// Whether the rules count this year at all (if not, everything is 0).
    pub year_counts: bool,
    /// In the order of the rules.
    pub categories: Vec<CategoryScore>,
    /// Typical cases counted.
    pub cases: u32,
    pub bonus: f64,
    pub total: f64,
    /// Every item given, in the order given, with its status.
    pub items: Vec<ScoredItem>,
}

impl Scorecard {
    pub fn category(&self, id: &str) -> Option<&CategoryScore> {
        self.categories.iter().find(|c| c.id == id)
    }
    /// A category's points (0 for an id the rules lack).
    pub fn points_of(&self, id: &str) -> f64 {
        self.category(id).map_or(0.0, |c| c.points)
    }
    /// A category's count of items (0 for an id the rules lack).
    pub fn count_of(&self, id: &str) -> u32 {
        self.category(id).map_or(0, |c| c.count)
    }
}

/// The delta of n items against a target: `(target - n) × short` below it,
/// `(n - target) × beyond` above it, 0 on it.
pub fn target_delta(target: u32, n: u32, short: f64, beyond: f64) -> f64 {
    match n.cmp(&target) {
        std::cmp::Ordering::Less => f64::from(target - n) * short,
        std::cmp::Ordering::Greater => f64::from(n - target) * beyond,
        std::cmp::Ordering::Equal => 0.0,
    }
}

/// The scorecard of `year` (to the end of `quarter`, if given) from the
/// counted items of one enterprise.
pub fn scorecard(
    rules: &Rules,
    year: i32,
    quarter: Option<Quarter>,
    items: &[CountedItem],
) -> Scorecard {
    let year_counts = rules.counts_in_year(year);
    let mut counts = vec![0u32; rules.category.len()];
    let mut per_item = vec![0.0f64; rules.category.len()];
    let mut cases = 0u32;
    let mut bonus = 0.0;
    let award =
        |c: &CountedItem, default: f64| c.points.filter(|p| p.is_finite()).unwrap_or(default);
    let scored = items
        .iter()
        .map(|c| {
            let cat = rules
                .category_of(&c.code)
                .and_then(|cat| rules.category.iter().position(|x| x.id == cat.id));
            let typical = rules.typical_case.as_ref().filter(|t| t.code == c.code);
            let status = if cat.is_none() && typical.is_none() {
                Status::UnknownCode
            } else if c.date.year() != year {
                Status::OtherYear
            } else if !year_counts {
                Status::YearNotCounted
            } else if quarter.is_some_and(|q| Quarter::of(c.date) > q) {
                Status::AfterQuarter
            } else {
                Status::Counted
            };
            let mut points = None;
            if status == Status::Counted {
                if let Some(t) = typical {
                    let p = award(c, t.points);
                    cases += 1;
                    bonus += p;
                    points = Some(p);
                } else if let Some(i) = cat {
                    counts[i] += 1;
                    if let Some(Scheme::PerItem { points: each }) = rules.category[i].scheme() {
                        let own = rules.item(&c.code).and_then(|it| it.points).unwrap_or(each);
                        let p = award(c, own);
                        per_item[i] += p;
                        points = Some(p);
                    }
                }
            }
            ScoredItem {
                code: c.code.clone(),
                date: c.date,
                category: cat.map(|i| rules.category[i].id.clone()),
                status,
                points,
            }
        })
        .collect();
    let categories: Vec<CategoryScore> = rules
        .category
        .iter()
        .enumerate()
        .map(|(i, cat)| {
            let (target, points) = match cat.scheme() {
                Some(Scheme::Target {
                    target,
                    short,
                    beyond,
                }) => {
                    let delta = if year_counts {
                        target_delta(target, counts[i], short, beyond)
                    } else {
                        0.0
                    };
                    (Some(target), delta)
                }
                Some(Scheme::PerItem { .. }) | None => (None, per_item[i]),
            };
            CategoryScore {
                id: cat.id.clone(),
                name: cat.name.clone(),
                count: counts[i],
                target,
                points,
            }
        })
        .collect();
    let total = categories.iter().map(|c| c.points).sum::<f64>() + bonus;
    Scorecard {
        year,
        quarter,
        year_counts,
        categories,
        cases,
        bonus,
        total,
        items: scored,
    }
}

/// The year-to-date scorecard at the end of each quarter of `year`.
pub fn quarterly(rules: &Rules, year: i32, items: &[CountedItem]) -> [Scorecard; 4] {
    Quarter::ALL.map(|q| scorecard(rules, year, Some(q), items))
}

#[cfg(test)]
mod tests;
