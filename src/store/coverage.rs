//! Coverage: per source and day, whether the day's edition (or day list) was
//! fetched, was absent, or is still open, and how many articles it gave. This
//! is how an operator shows that a backfill is complete, not only error-free.

use super::{Result, Store};
use chrono::NaiveDate;
use rusqlite::params;
use std::collections::BTreeMap;

/// One day of one source.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct DayCoverage {
    pub date: String,
    /// Dated pages (edition pages, day lists) answered 2xx.
    pub pages_fetched: u64,
    /// Dated pages that do not exist (no edition that day).
    pub pages_missing: u64,
    /// Dated pages still pending or failed.
    pub pages_open: u64,
    pub articles: u64,
}

impl DayCoverage {
    /// `fetched`, `none` (no edition), `open` (not finished) or `-` (not a dated source).
    pub fn status(&self) -> &'static str {
        if self.pages_open > 0 {
            "open"
        } else if self.pages_fetched > 0 {
            "fetched"
        } else if self.pages_missing > 0 {
            "none"
        } else {
            "-"
        }
    }
}

impl Store {
    /// Day by day from `from` to `to` (inclusive).
    pub fn coverage(
        &self,
        source: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<DayCoverage>> {
        let mut days: BTreeMap<String, DayCoverage> = from
            .iter_days()
            .take_while(|d| *d <= to)
            .map(|d| {
                (
                    d.to_string(),
                    DayCoverage {
                        date: d.to_string(),
                        ..Default::default()
                    },
                )
            })
            .collect();
        let (f, t) = (from.to_string(), to.to_string());
        let mut pages = self.conn.prepare_cached(
            "SELECT json_extract(context, '$.date') AS d, state, last_status FROM frontier \
             WHERE source = ?1 AND role IN ('page', 'index') AND d BETWEEN ?2 AND ?3",
        )?;
        let rows = pages.query_map(params![source, f, t], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<u16>>(2)?,
            ))
        })?;
        for row in rows {
            let (date, state, status) = row?;
            let Some(day) = days.get_mut(&date) else {
                continue;
            };
            match (state.as_str(), status) {
                ("done" | "later", Some(s)) if (200..300).contains(&s) || s == 304 => {
                    day.pages_fetched += 1
                }
                ("done" | "later", Some(404 | 410)) => day.pages_missing += 1,
                ("done", _) => day.pages_fetched += 1,
                _ => day.pages_open += 1,
            }
        }
        let mut arts = self.conn.prepare_cached(
            "SELECT published, COUNT(*) FROM articles WHERE source = ?1 AND published BETWEEN ?2 AND ?3 GROUP BY published",
        )?;
        let rows = arts.query_map(params![source, f, t], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
        })?;
        for row in rows {
            let (date, n) = row?;
            if let Some(day) = days.get_mut(&date) {
                day.articles = n as u64;
            }
        }
        Ok(days.into_values().collect())
    }
}
