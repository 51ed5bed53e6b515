//! Every number in the configuration with the range it must lie in, in one
//! place. Durations become `std::time::Duration`s (which panic on a negative,
//! infinite or NaN number of seconds), sizes and counts become limits, so a
//! value outside its range is a configuration problem, never a panic later.
//!
//! A new numeric key in `radar.toml`, a source definition or `rules.toml`
//! belongs in the lists below.

use super::settings::Settings;
use crate::model::Rules;
use crate::model::SourceDef;

const DAY_SECS: f64 = 86_400.0;
const HOUR_SECS: f64 = 3_600.0;

/// The unit a number is in, for messages.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Unit {
    Seconds,
    Millis,
    Bytes,
    Count,
    Points,
}

impl Unit {
    fn name(self) -> &'static str {
        match self {
            Unit::Seconds => " seconds",
            Unit::Millis => " milliseconds",
            Unit::Bytes => " bytes",
            Unit::Count | Unit::Points => "",
        }
    }
    fn of(self) -> &'static str {
        match self {
            Unit::Seconds => " of seconds",
            Unit::Millis => " of milliseconds",
            Unit::Bytes => " of bytes",
            Unit::Count | Unit::Points => "",
        }
    }
}

/// The range a number must lie in.
#[derive(Debug, Clone, Copy)]
struct Limit {
    unit: Unit,
    min: f64,
    /// `min` itself is not allowed (timeouts must be more than 0).
    above_min: bool,
    max: f64,
    /// How `max` reads to an operator, e.g. "a day".
    max_means: Option<&'static str>,
}

const fn secs(min: f64, above_min: bool, max: f64, max_means: &'static str) -> Limit {
    Limit {
        unit: Unit::Seconds,
        min,
        above_min,
        max,
        max_means: Some(max_means),
    }
}

const fn count(unit: Unit, min: f64, max: f64) -> Limit {
    Limit {
        unit,
        min,
        above_min: false,
        max,
        max_means: None,
    }
}

/// Pause between two requests to one host: 0 (tests) up to a day.
const PACE: Limit = secs(0.0, false, DAY_SECS, "a day");
/// Connect and read timeouts: more than 0, at most an hour.
const TIMEOUT: Limit = secs(0.0, true, HOUR_SECS, "an hour");
/// Longest Retry-After waited for: up to a day.
const RETRY_AFTER: Limit = secs(0.0, false, DAY_SECS, "a day");

/// One number read from a file, by its key path.
#[derive(Debug, Clone)]
pub(crate) struct Number {
    pub field: String,
    value: f64,
    shown: String,
    limit: Limit,
}

fn float(field: impl Into<String>, value: f64, limit: Limit) -> Number {
    Number {
        field: field.into(),
        value,
        // As TOML spells them: `nan`, `inf`, `-inf`.
        shown: if value.is_nan() {
            "nan".into()
        } else {
            value.to_string()
        },
        limit,
    }
}

fn whole(field: impl Into<String>, value: u64, limit: Limit) -> Number {
    Number {
        field: field.into(),
        value: value as f64,
        shown: value.to_string(),
        limit,
    }
}

/// Every number of `radar.toml`.
pub(crate) fn settings_numbers(s: &Settings) -> Vec<Number> {
    let p = &s.politeness;
    vec![
        float("politeness.pace_secs", p.pace_secs, PACE),
        float(
            "politeness.connect_timeout_secs",
            p.connect_timeout_secs,
            TIMEOUT,
        ),
        float("politeness.read_timeout_secs", p.read_timeout_secs, TIMEOUT),
        whole(
            "politeness.max_retry_after_secs",
            p.max_retry_after_secs,
            RETRY_AFTER,
        ),
        whole(
            "politeness.backoff_base_ms",
            p.backoff_base_ms,
            Limit {
                unit: Unit::Millis,
                min: 0.0,
                above_min: false,
                max: 600_000.0,
                max_means: Some("ten minutes"),
            },
        ),
        whole(
            "politeness.concurrency",
            p.concurrency as u64,
            count(Unit::Count, 1.0, 256.0),
        ),
        whole(
            "politeness.retries",
            u64::from(p.retries),
            count(Unit::Count, 0.0, 20.0),
        ),
        whole(
            "politeness.max_redirects",
            u64::from(p.max_redirects),
            count(Unit::Count, 0.0, 50.0),
        ),
        whole(
            "politeness.max_body_bytes",
            p.max_body_bytes,
            count(Unit::Bytes, 1024.0, 4_294_967_296.0),
        ),
        float("browser.timeout_secs", s.browser.timeout_secs, TIMEOUT),
        whole(
            "archive.rotate_bytes",
            s.archive.rotate_bytes,
            count(Unit::Bytes, 1.0, 1e15),
        ),
    ]
}

/// Every number of a source definition.
pub(crate) fn source_numbers(def: &SourceDef) -> Vec<Number> {
    let mut out = Vec::new();
    if let Some(p) = def.pace_secs {
        out.push(float("pace_secs", p, PACE));
    }
    if let Some(l) = &def.listing {
        out.push(whole(
            "listing.page_base",
            u64::from(l.page_base),
            count(Unit::Count, 0.0, 10_000.0),
        ));
        out.push(whole(
            "listing.max_pages",
            u64::from(l.max_pages),
            count(Unit::Count, 1.0, 100_000.0),
        ));
        out.push(whole(
            "listing.max_backfill_pages",
            u64::from(l.max_backfill_pages),
            count(Unit::Count, 1.0, 100_000.0),
        ));
    }
    out
}

/// Every number of `rules.toml` (by its index in the file as read; see
/// `scoring_rules` for the index in the file as written).
pub(crate) fn rules_numbers(r: &Rules, at: impl Fn(&str, usize) -> usize) -> Vec<Number> {
    // Points: a scorecard item is worth a point or half a point; a hundred
    // is a typo, not a rule.
    let points = count(Unit::Points, -100.0, 100.0);
    let mut out = Vec::new();
    for (i, c) in r.category.iter().enumerate() {
        let i = at("category", i);
        for (key, v) in [
            ("points_per_item", c.points_per_item),
            ("points_short", c.points_short),
            ("points_beyond", c.points_beyond),
        ] {
            if let Some(v) = v {
                out.push(float(format!("category[{i}].{key}"), v, points));
            }
        }
        if let Some(t) = c.yearly_target {
            out.push(whole(
                format!("category[{i}].yearly_target"),
                u64::from(t),
                count(Unit::Count, 0.0, 100.0),
            ));
        }
    }
    for (i, item) in r.item.iter().enumerate() {
        if let Some(p) = item.points {
            out.push(float(format!("item[{}].points", at("item", i)), p, points));
        }
    }
    if let Some(t) = &r.typical_case {
        out.push(float("typical_case.points", t.points, points));
    }
    if let Some(v) = &r.validity {
        let years = count(Unit::Count, 2000.0, 2100.0);
        out.push(float("validity.from_year", f64::from(v.from_year), years));
        if let Some(u) = v.until_year {
            out.push(float("validity.until_year", f64::from(u), years));
        }
    }
    out
}

/// What is wrong with a number, if anything.
pub(crate) fn problem(n: &Number) -> Option<String> {
    let Limit {
        unit,
        min,
        above_min,
        max,
        max_means,
    } = n.limit;
    let v = n.value;
    let u = unit.name();
    if !v.is_finite() {
        return Some(format!(
            "must be a finite number{}, not {}",
            unit.of(),
            n.shown
        ));
    }
    if min == 0.0 && v < 0.0 {
        return Some(format!("must not be negative (found {})", n.shown));
    }
    if above_min && v <= min {
        return Some(format!("must be more than {min}{u} (found {})", n.shown));
    }
    if v < min {
        return Some(format!("must be at least {min}{u} (found {})", n.shown));
    }
    if v > max {
        let means = max_means.map(|m| format!(" ({m})")).unwrap_or_default();
        return Some(format!(
            "must be at most {max}{u}{means} (found {})",
            n.shown
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(s: &Settings) -> Vec<(String, String)> {
        settings_numbers(s)
            .iter()
            .filter_map(|n| problem(n).map(|m| (n.field.clone(), m)))
            .collect()
    }

    #[test]
    fn defaults_and_test_settings_are_in_range() {
        assert_eq!(problems(&Settings::default()), []);
        assert_eq!(problems(&Settings::for_test()), []);
    }

    #[test]
    fn non_finite_negative_and_absurd_durations_are_problems() {
        let mut s = Settings::default();
        s.politeness.pace_secs = f64::INFINITY;
        s.politeness.connect_timeout_secs = -1.0;
        s.politeness.read_timeout_secs = f64::NAN;
        s.politeness.max_retry_after_secs = 100_000;
        s.politeness.concurrency = 0;
        let p = problems(&s);
        assert_eq!(
            p,
            [
                (
                    "politeness.pace_secs",
                    "must be a finite number of seconds, not inf"
                ),
                (
                    "politeness.connect_timeout_secs",
                    "must not be negative (found -1)"
                ),
                (
                    "politeness.read_timeout_secs",
                    "must be a finite number of seconds, not nan"
                ),
                (
                    "politeness.max_retry_after_secs",
                    "must be at most 86400 seconds (a day) (found 100000)"
                ),
                ("politeness.concurrency", "must be at least 1 (found 0)"),
            ]
            .map(|(a, b)| (a.to_string(), b.to_string()))
        );
    }

    #[test]
    fn a_zero_timeout_and_a_pace_over_a_day_are_problems() {
        let mut s = Settings::default();
        s.politeness.read_timeout_secs = 0.0;
        s.politeness.pace_secs = DAY_SECS + 1.0;
        let p = problems(&s);
        assert_eq!(p.len(), 2, "{p:?}");
        assert_eq!(p[0].0, "politeness.pace_secs");
        assert!(p[0].1.contains("at most 86400 seconds (a day)"), "{p:?}");
        assert_eq!(p[1].1, "must be more than 0 seconds (found 0)");
    }

    #[test]
    fn source_pace_is_checked_like_the_settings_pace() {
        let mut def = SourceDef::bare("x", crate::model::SourceKind::Feed);
        def.pace_secs = Some(f64::NAN);
        let p: Vec<_> = source_numbers(&def).iter().filter_map(problem).collect();
        assert_eq!(p, ["must be a finite number of seconds, not nan"]);
        def.pace_secs = Some(2.0);
        assert!(source_numbers(&def).iter().all(|n| problem(n).is_none()));
    }
}
