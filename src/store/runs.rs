//! Crawl runs, per-source statistics of each run, and the source health
//! derived from them (last success, yield, error rate, layout-change alarms).

use super::{Result, Store, Tx, now_utc};
use rusqlite::{OptionalExtension, params};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunCounts {
    pub fetched: u64,
    pub new_articles: u64,
    pub unchanged: u64,
    pub errors: u64,
}

/// What one source did in one run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SourceRunStats {
    pub fetched: u64,
    pub links: u64,
    pub new_articles: u64,
    pub errors: u64,
    /// Index pages fetched, and how many of them yielded no links at all.
    pub listing_pages: u64,
    pub empty_listings: u64,
    /// Index pages whose configured selectors found nothing, links taken by URL pattern.
    pub pattern_fallbacks: u64,
    /// Pages answered with a script challenge (an anti-bot wall).
    pub challenges: u64,
    /// Article links that answered with no article (an empty 200, a PDF).
    pub not_articles: u64,
    /// Pages fetched through headless Chromium.
    pub browser_pages: u64,
    /// Pages that met a JavaScript challenge (over HTTP or in the browser),
    /// those then had through the browser, those the browser could not get
    /// past, and those left blocked because the browser could not start.
    pub challenges_met: u64,
    pub challenges_solved: u64,
    pub challenges_unsolved: u64,
    pub browser_missing: u64,
    /// Per field: (articles extracted, articles where the field's selector came back empty).
    pub empty_fields: BTreeMap<String, (u64, u64)>,
}

/// A source's health over its recent runs.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct SourceHealth {
    pub source: String,
    pub runs: u64,
    pub last_run: Option<String>,
    pub last_success: Option<String>,
    pub articles_per_run: f64,
    pub error_rate: f64,
    /// The latest run's pages fetched through headless Chromium.
    pub browser_pages: u64,
    /// The latest run's pages that met a JavaScript challenge, and those of
    /// them then had through the browser.
    pub challenges_met: u64,
    pub challenges_solved: u64,
    pub alarms: Vec<Alarm>,
    /// Stored items that are not reports (advertisements, 版务, pictures).
    pub non_reports: super::NonReports,
}

/// Why a source's latest run looks wrong, in English for the operator's
/// terminal and logs (`Display`, also the JSON form); the web page words it
/// in Chinese from the same fields.
#[derive(Debug, Clone, PartialEq)]
pub enum Alarm {
    /// The index pages yielded no links, where earlier runs' did.
    NoLinks { pages: i64, earlier: i64 },
    /// The selectors found no links; links were taken by URL pattern.
    PatternFallback { pages: i64 },
    /// Pages answered with a script challenge (an anti-bot wall), the source
    /// saying `browser = "never"`.
    Blocked { pages: i64 },
    /// Pages answered with a script challenge that needs the browser, which
    /// could not be started (not installed).
    NeedsBrowser { pages: i64 },
    /// Pages whose script challenge the browser could not get past.
    ChallengeUnsolved { pages: i64 },
    /// Article links answered with no article (an empty page, a PDF).
    NotArticles { links: i64 },
    /// A field's selector, which earlier runs filled, came back empty on every article.
    EmptyField { field: String, articles: u64 },
}

impl std::fmt::Display for Alarm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Alarm::NoLinks { pages, earlier } => write!(
                f,
                "layout change? {pages} index page(s) yielded no links; earlier runs found {earlier}"
            ),
            Alarm::PatternFallback { pages } => write!(
                f,
                "layout change? the selectors found no links on {pages} index page(s); links were taken by URL pattern (fix the source's selectors)"
            ),
            Alarm::Blocked { pages } => write!(
                f,
                "blocked? {pages} page(s) answered with a script challenge (521/412 anti-bot wall); nothing was stored from them"
            ),
            Alarm::NeedsBrowser { pages } => write!(
                f,
                "blocked: {pages} page(s) answered with a JavaScript challenge that needs the browser, and headless Chromium could not be started; install the Debian packages chromium and chromium-driver (or set [browser] chromium in radar.toml); nothing was stored from them"
            ),
            Alarm::ChallengeUnsolved { pages } => write!(
                f,
                "blocked: the browser could not solve the JavaScript challenge on {pages} page(s) (the challenge changed, or it needs more than a cookie); nothing was stored from them"
            ),
            Alarm::NotArticles { links } => write!(
                f,
                "not articles? {links} article link(s) answered with no article (an empty page or a non-HTML file such as a PDF); nothing was stored from them"
            ),
            Alarm::EmptyField { field, articles } => write!(
                f,
                "layout change? selector for `{field}` came back empty on all {articles} article(s)"
            ),
        }
    }
}

impl serde::Serialize for Alarm {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl Store {
    pub fn start_run(&mut self, command: &str) -> Result<i64> {
        self.conn.execute(
            "INSERT INTO runs (started_at, command) VALUES (?1, ?2)",
            params![now_utc(), command],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Runs still marked running: their process died (SIGKILL, power cut).
    /// Call with the home's writer lock held, so that no live run is among
    /// them. Returns how many were marked `killed`.
    pub fn mark_dead_runs(&mut self) -> Result<usize> {
        Ok(self.conn.execute(
            "UPDATE runs SET status = 'killed', finished_at = ?1 WHERE status = 'running'",
            params![now_utc()],
        )?)
    }

    /// Every run's status, oldest first.
    pub fn run_statuses(&self) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare("SELECT status FROM runs ORDER BY id")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn finish_run(&mut self, id: i64, counts: RunCounts, status: &str) -> Result<()> {
        self.conn.execute(
            "UPDATE runs SET finished_at=?2, status=?3, fetched=?4, new_articles=?5, unchanged=?6, errors=?7 WHERE id=?1",
            params![id, now_utc(), status, counts.fetched as i64, counts.new_articles as i64,
                counts.unchanged as i64, counts.errors as i64],
        )?;
        Ok(())
    }

    pub fn register_source(
        &mut self,
        id: &str,
        kind: &str,
        outlet: &str,
        item: &str,
        name: &str,
    ) -> Result<()> {
        self.conn.execute(
            "INSERT INTO sources (id, kind, outlet, item, name, updated_at) VALUES (?1,?2,?3,?4,?5,?6) \
             ON CONFLICT(id) DO UPDATE SET kind=?2, outlet=?3, item=?4, name=?5, updated_at=?6",
            params![id, kind, outlet, item, name, now_utc()],
        )?;
        Ok(())
    }

    /// Health of a source from its last `window` runs.
    pub fn source_health(&self, source: &str, window: usize) -> Result<SourceHealth> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT finished_at, fetched, links, new_articles, errors, listing_pages, empty_listings, empty_fields, \
             pattern_fallbacks, challenges, not_articles, browser_pages, challenges_met, challenges_solved, \
             challenges_unsolved, browser_missing \
             FROM source_runs WHERE source = ?1 ORDER BY run_id DESC LIMIT ?2",
        )?;
        type Row = (
            String,
            i64,
            i64,
            i64,
            i64,
            i64,
            i64,
            String,
            i64,
            i64,
            i64,
            [i64; 5],
        );
        let rows: Vec<Row> = stmt
            .query_map(params![source, window as i64], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                    r.get(8)?,
                    r.get(9)?,
                    r.get(10)?,
                    [r.get(11)?, r.get(12)?, r.get(13)?, r.get(14)?, r.get(15)?],
                ))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let last_success: Option<String> = self
            .conn
            .query_row(
                "SELECT MAX(finished_at) FROM source_runs WHERE source = ?1 AND fetched > 0 AND errors < fetched",
                params![source],
                |r| r.get(0),
            )
            .optional()?
            .flatten();
        let mut h = SourceHealth {
            source: source.to_string(),
            runs: rows.len() as u64,
            last_run: rows.first().map(|r| r.0.clone()),
            last_success,
            non_reports: self.non_reports(source)?,
            ..Default::default()
        };
        if rows.is_empty() {
            return Ok(h);
        }
        let fetched: i64 = rows.iter().map(|r| r.1).sum();
        let errors: i64 = rows.iter().map(|r| r.4).sum();
        h.articles_per_run = rows.iter().map(|r| r.3).sum::<i64>() as f64 / rows.len() as f64;
        h.error_rate = if fetched > 0 {
            errors as f64 / fetched as f64
        } else {
            0.0
        };
        // Layout-change alarm 1: the latest run's listings yielded no links, where
        // earlier runs' did.
        let latest = &rows[0];
        let earlier_links: i64 = rows[1..].iter().map(|r| r.2).sum();
        if latest.5 > 0 && latest.6 == latest.5 && earlier_links > 0 {
            h.alarms.push(Alarm::NoLinks {
                pages: latest.5,
                earlier: earlier_links,
            });
        }
        // Alarm 2: the selectors found nothing and links were taken by URL pattern.
        if latest.8 > 0 {
            h.alarms.push(Alarm::PatternFallback { pages: latest.8 });
        }
        // Alarm 3: the site answers with script challenges (it is blocking us):
        // for want of the browser, past the browser, or with the browser off.
        let [browser_pages, met, solved, unsolved, missing] = latest.11;
        h.browser_pages = browser_pages.max(0) as u64;
        h.challenges_met = met.max(0) as u64;
        h.challenges_solved = solved.max(0) as u64;
        if missing > 0 {
            h.alarms.push(Alarm::NeedsBrowser { pages: missing });
        }
        if unsolved > 0 {
            h.alarms.push(Alarm::ChallengeUnsolved { pages: unsolved });
        }
        let plain = latest.9 - missing.max(0) - unsolved.max(0);
        if plain > 0 {
            h.alarms.push(Alarm::Blocked { pages: plain });
        }
        // Alarm 4: a field that earlier runs filled came back empty on every article now.
        if latest.10 > 0 {
            h.alarms.push(Alarm::NotArticles { links: latest.10 });
        }
        let fields_now: BTreeMap<String, (u64, u64)> =
            serde_json::from_str(&latest.7).unwrap_or_default();
        for (field, (seen, empty)) in &fields_now {
            if *seen == 0 || empty != seen {
                continue;
            }
            let filled_before = rows[1..].iter().any(|r| {
                let f: BTreeMap<String, (u64, u64)> =
                    serde_json::from_str(&r.7).unwrap_or_default();
                f.get(field).is_some_and(|(s, e)| s > e)
            });
            if filled_before {
                h.alarms.push(Alarm::EmptyField {
                    field: field.clone(),
                    articles: *seen,
                });
            }
        }
        Ok(h)
    }

    /// When the last run that included this source started (UTC, RFC 3339).
    pub fn last_run_started(&self, source: &str) -> Result<Option<chrono::DateTime<chrono::Utc>>> {
        let s: Option<String> = self
            .conn
            .query_row(
                "SELECT MAX(r.started_at) FROM runs r JOIN source_runs s ON s.run_id = r.id WHERE s.source = ?1",
                params![source],
                |r| r.get(0),
            )
            .optional()?
            .flatten();
        s.map(|s| {
            chrono::DateTime::parse_from_rfc3339(&s)
                .map(|d| d.with_timezone(&chrono::Utc))
                .map_err(|e| super::StoreError::Corrupt(format!("run start `{s}`: {e}")))
        })
        .transpose()
    }
}

impl Tx<'_> {
    pub fn record_source_run(&self, run_id: i64, source: &str, s: &SourceRunStats) -> Result<()> {
        let fields = serde_json::to_string(&s.empty_fields).unwrap_or_else(|_| "{}".into());
        self.exec(
            "INSERT INTO source_runs (run_id, source, finished_at, fetched, links, new_articles, errors, listing_pages, \
             empty_listings, empty_fields, pattern_fallbacks, challenges, not_articles, browser_pages, challenges_met, \
             challenges_solved, challenges_unsolved, browser_missing) \
             VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18) \
             ON CONFLICT(run_id, source) DO UPDATE SET finished_at=?3, fetched=fetched+?4, links=links+?5, \
             new_articles=new_articles+?6, errors=errors+?7, listing_pages=listing_pages+?8, \
             empty_listings=empty_listings+?9, empty_fields=?10, pattern_fallbacks=pattern_fallbacks+?11, challenges=challenges+?12, \
             not_articles=not_articles+?13, browser_pages=browser_pages+?14, challenges_met=challenges_met+?15, \
             challenges_solved=challenges_solved+?16, challenges_unsolved=challenges_unsolved+?17, browser_missing=browser_missing+?18",
            params![run_id, source, now_utc(), s.fetched as i64, s.links as i64, s.new_articles as i64,
                s.errors as i64, s.listing_pages as i64, s.empty_listings as i64, fields, s.pattern_fallbacks as i64, s.challenges as i64, s.not_articles as i64,
                s.browser_pages as i64, s.challenges_met as i64, s.challenges_solved as i64, s.challenges_unsolved as i64, s.browser_missing as i64],
        )?;
        Ok(())
    }
}
