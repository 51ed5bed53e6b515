//! The schedule: every source on its own cron expression in Beijing time.
//! A source is due when a scheduled moment has passed since its last run
//! (or it never ran), so downtime leads to exactly one catch-up run. Runs are
//! sequential, so one source never has two runs at once.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use cron::Schedule;
use std::str::FromStr;

use crate::model::BEIJING;

/// A source's schedule.
#[derive(Debug, Clone)]
pub struct SourceSchedule {
    pub source: String,
    schedule: Schedule,
}

#[derive(Debug, thiserror::Error)]
#[error("source {id}: schedule `{expr}`: {message}")]
pub struct ScheduleError {
    pub id: String,
    pub expr: String,
    pub message: String,
}

impl SourceSchedule {
    pub fn new(source: &str, expr: &str) -> Result<Self, ScheduleError> {
        let schedule = Schedule::from_str(expr).map_err(|e| ScheduleError {
            id: source.to_string(),
            expr: expr.to_string(),
            message: e.to_string(),
        })?;
        Ok(SourceSchedule {
            source: source.to_string(),
            schedule,
        })
    }

    /// The latest scheduled moment at or before `now`, looking back at most a year.
    pub fn last_due(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let now_bj: DateTime<Tz> = now.with_timezone(&BEIJING);
        let start = now_bj - chrono::Duration::days(366);
        self.schedule
            .after(&start)
            .take_while(|t| *t <= now_bj)
            .last()
            .map(|t| t.with_timezone(&Utc))
    }

    /// The next scheduled moment after `now`.
    pub fn next_after(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.schedule
            .after(&now.with_timezone(&BEIJING))
            .next()
            .map(|t| t.with_timezone(&Utc))
    }

    /// Due now: never ran, or a scheduled moment passed since the last run started.
    pub fn is_due(&self, last_run: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
        match (last_run, self.last_due(now)) {
            (None, _) => true,
            (Some(last), Some(due)) => last < due,
            (Some(_), None) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s)
            .expect("time")
            .with_timezone(&Utc)
    }

    #[test]
    fn cron_is_read_in_beijing_time() {
        // 21:30 Beijing is 13:30 UTC.
        let s = SourceSchedule::new("xwlb", "0 30 21 * * *").expect("cron");
        assert_eq!(
            s.next_after(utc("2026-03-04T12:00:00Z")),
            Some(utc("2026-03-04T13:30:00Z"))
        );
        assert_eq!(
            s.last_due(utc("2026-03-04T12:00:00Z")),
            Some(utc("2026-03-03T13:30:00Z"))
        );
    }

    #[test]
    fn downtime_gives_one_catch_up_run() {
        let s = SourceSchedule::new("people-daily", "0 40 7 * * *").expect("cron");
        let last_run = utc("2026-03-01T00:00:00Z");
        let now = utc("2026-03-05T02:00:00Z"); // four missed mornings
        assert!(s.is_due(Some(last_run), now));
        // After the catch-up run, nothing is due until the next morning.
        assert!(!s.is_due(Some(now), utc("2026-03-05T03:00:00Z")));
        assert!(s.is_due(Some(now), utc("2026-03-05T23:41:00Z")));
        assert!(s.is_due(None, now), "a source that never ran is due");
    }

    #[test]
    fn bad_cron_names_the_source() {
        let e = SourceSchedule::new("x", "every day").expect_err("bad");
        assert!(e.to_string().starts_with("source x: schedule `every day`"));
    }
}
