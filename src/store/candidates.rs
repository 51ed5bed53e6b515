//! Matching results and candidate evidence: each article's mentions (replaced
//! on every match), which enterprises it names as evidence, and candidates,
//! one per (enterprise, item, report). Candidates are never deleted: a lost
//! match withdraws a pending one, a reviewer's decision is kept, and every
//! status change is an event in `candidate_events`.

use super::{Result, Store, StoreError, Tx, now_utc};
use crate::model::{ArticleId, Confidence, DepthSignals, EnterpriseMatch};
use chrono::NaiveDate;
use rusqlite::params;

/// Where a candidate stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CandidateStatus {
    Pending,
    Confirmed,
    Rejected,
    /// From a lead source: shown, never scored.
    Lead,
    /// Its match disappeared (registry or rules changed, article re-extracted).
    Withdrawn,
}

impl CandidateStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CandidateStatus::Pending => "pending",
            CandidateStatus::Confirmed => "confirmed",
            CandidateStatus::Rejected => "rejected",
            CandidateStatus::Lead => "lead",
            CandidateStatus::Withdrawn => "withdrawn",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "pending" => CandidateStatus::Pending,
            "confirmed" => CandidateStatus::Confirmed,
            "rejected" => CandidateStatus::Rejected,
            "lead" => CandidateStatus::Lead,
            "withdrawn" => CandidateStatus::Withdrawn,
            _ => return None,
        })
    }
    /// A reviewer decided it: matching never changes it again.
    pub fn is_decided(self) -> bool {
        matches!(self, CandidateStatus::Confirmed | CandidateStatus::Rejected)
    }
}

/// A candidate as proposed by matching.
#[derive(Debug, Clone, PartialEq)]
pub struct NewCandidate {
    /// The scoring unit (a subsidiary's parent).
    pub enterprise: String,
    /// The enterprise the article names (the subsidiary itself).
    pub named_enterprise: String,
    pub item: String,
    /// One candidate per (enterprise, item, report): the same story reached
    /// twice in one outlet shares its key.
    pub report_key: String,
    pub article_id: ArticleId,
    /// For a candidate proposed from a lead's print citation: the lead.
    pub cites_article: Option<ArticleId>,
    pub points: f64,
    pub published: Option<NaiveDate>,
    pub outlet: String,
    pub confidence: Confidence,
    pub score: f64,
    pub reasons: Vec<String>,
    pub signals: DepthSignals,
    /// Pending or Lead.
    pub status: CandidateStatus,
}

/// A stored candidate with its article's title and URL.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CandidateRow {
    pub id: i64,
    pub enterprise: String,
    pub named_enterprise: String,
    pub item: String,
    pub points: f64,
    pub published: Option<String>,
    pub outlet: String,
    pub title: String,
    pub url: String,
    pub article_id: String,
    pub cites_article: Option<String>,
    pub confidence: String,
    pub score: f64,
    pub reasons: Vec<String>,
    pub signals: serde_json::Value,
    pub status: CandidateStatus,
    pub report_key: String,
}

/// One status change of a candidate.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CandidateEvent {
    pub at: String,
    pub from: Option<String>,
    pub to: String,
    pub note: Option<String>,
    /// Who changed it (none: matching).
    pub reviewer: Option<String>,
    /// The reason code (`not-in-depth`, `reopen`, `undo`, `propose`, …).
    pub reason: Option<String>,
}

/// Which candidates to list.
#[derive(Debug, Clone, Default)]
pub struct CandidateFilter {
    pub status: Option<CandidateStatus>,
    pub enterprise: Option<String>,
    pub item: Option<String>,
    pub year: Option<i32>,
    /// One candidate by id.
    pub id: Option<i64>,
}

fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {e}"))
}

impl Tx<'_> {
    /// Replace an article's mentions and matched enterprises with these.
    pub fn replace_matches(&self, article: &ArticleId, matches: &[EnterpriseMatch]) -> Result<()> {
        self.exec(
            "DELETE FROM mentions WHERE article_id = ?1",
            params![article.as_str()],
        )?;
        self.exec(
            "DELETE FROM article_matches WHERE article_id = ?1",
            params![article.as_str()],
        )?;
        let mut ins = self.tx.prepare_cached(
            "INSERT INTO mentions (article_id, enterprise, alias, kind, paragraph, start, end, in_title, in_lead, in_list, anchored) \
             VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)",
        )?;
        let mut matched = self.tx.prepare_cached(
            "INSERT OR REPLACE INTO article_matches (article_id, enterprise, evidence) VALUES (?1,?2,?3)",
        )?;
        for m in matches {
            matched.execute(params![article.as_str(), m.enterprise, m.evidence])?;
            for x in &m.mentions {
                let kind = serde_json::to_value(x.kind)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default();
                ins.execute(params![
                    article.as_str(),
                    x.enterprise,
                    x.alias,
                    kind,
                    x.paragraph as i64,
                    x.start as i64,
                    x.end as i64,
                    x.in_title,
                    x.in_lead,
                    x.in_list,
                    x.anchored
                ])?;
            }
        }
        Ok(())
    }

    /// Insert or refresh a candidate. A decided one keeps its status; a
    /// withdrawn one comes back. Returns its id and whether it is new.
    pub fn upsert_candidate(&self, c: &NewCandidate) -> Result<(i64, bool)> {
        let existing: Option<(i64, String, Option<String>)> = self.query_opt(
            "SELECT id, status, cites_article FROM candidates WHERE enterprise = ?1 AND item = ?2 AND report_key = ?3",
            params![c.enterprise, c.item, c.report_key],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        // Direct evidence (the print article itself) is never replaced by a
        // lead's citation of it.
        if let Some((id, _, None)) = &existing
            && c.cites_article.is_some()
        {
            return Ok((*id, false));
        }
        let existing = existing.map(|(id, status, _)| (id, status));
        let reasons = serde_json::to_string(&c.reasons).map_err(|e| corrupt("reasons", e))?;
        let signals = serde_json::to_string(&c.signals).map_err(|e| corrupt("signals", e))?;
        let published = c.published.map(|d| d.to_string());
        let now = now_utc();
        match existing {
            Some((id, status)) => {
                let old = CandidateStatus::parse(&status)
                    .ok_or_else(|| corrupt("candidate status", &status))?;
                let status = if old.is_decided() { old } else { c.status };
                self.exec(
                    "UPDATE candidates SET named_enterprise=?2, article_id=?3, cites_article=?4, points=?5, published=?6, \
                     outlet=?7, confidence=?8, score=?9, reasons=?10, signals=?11, status=?12, updated_at=?13 WHERE id=?1",
                    params![id, c.named_enterprise, c.article_id.as_str(), c.cites_article.as_ref().map(|a| a.as_str()),
                        c.points, published, c.outlet, c.confidence.as_str(), c.score, reasons, signals, status.as_str(), now],
                )?;
                if status != old {
                    self.candidate_event(id, Some(old), status, Some("matched again"))?;
                }
                Ok((id, false))
            }
            None => {
                self.exec(
                    "INSERT INTO candidates (enterprise, named_enterprise, item, report_key, article_id, cites_article, points, \
                     published, outlet, confidence, score, reasons, signals, status, created_at, updated_at) \
                     VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?15)",
                    params![c.enterprise, c.named_enterprise, c.item, c.report_key, c.article_id.as_str(),
                        c.cites_article.as_ref().map(|a| a.as_str()), c.points, published, c.outlet,
                        c.confidence.as_str(), c.score, reasons, signals, c.status.as_str(), now],
                )?;
                let id = self.tx.last_insert_rowid();
                self.candidate_event(id, None, c.status, Some("proposed by matching"))?;
                if c.status == CandidateStatus::Pending {
                    self.enqueue_event(&self.candidate_notice(id, c)?)?;
                }
                Ok((id, true))
            }
        }
    }

    /// The notification of a new candidate (high confidence: at once,
    /// otherwise in the run's digest).
    fn candidate_notice(&self, id: i64, c: &NewCandidate) -> Result<crate::model::NotifyEvent> {
        let title: Option<String> = self.query_opt(
            "SELECT title FROM articles WHERE id = ?1",
            params![c.article_id.as_str()],
            |r| r.get(0),
        )?;
        let data = serde_json::json!({
            "candidate": id,
            "enterprise": c.enterprise,
            "named_enterprise": c.named_enterprise,
            "item": c.item,
            "outlet": c.outlet,
            "published": c.published.map(|d| d.to_string()),
            "title": title.unwrap_or_default(),
            "confidence": c.confidence.as_str(),
        });
        Ok(crate::model::NotifyEvent::new(
            format!("candidate:{id}"),
            crate::model::EventKind::Candidate,
            data,
        )
        .for_enterprise(&c.enterprise)
        .urgent(c.confidence == Confidence::High))
    }

    fn candidate_event(
        &self,
        id: i64,
        from: Option<CandidateStatus>,
        to: CandidateStatus,
        note: Option<&str>,
    ) -> Result<()> {
        self.exec(
            "INSERT INTO candidate_events (candidate_id, at, from_status, to_status, note) VALUES (?1,?2,?3,?4,?5)",
            params![id, now_utc(), from.map(|s| s.as_str()), to.as_str(), note],
        )?;
        Ok(())
    }

    /// Candidates that cite this article as their evidence or as their lead.
    pub fn candidates_of_article(
        &self,
        article: &ArticleId,
    ) -> Result<Vec<(i64, CandidateStatus)>> {
        let mut stmt = self.tx.prepare_cached(
            "SELECT id, status FROM candidates WHERE article_id = ?1 \
             UNION SELECT id, status FROM candidates WHERE cites_article = ?1",
        )?;
        let rows = stmt.query_map(params![article.as_str()], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, s) = row?;
            out.push((
                id,
                CandidateStatus::parse(&s).ok_or_else(|| corrupt("candidate status", &s))?,
            ));
        }
        Ok(out)
    }

    /// The match behind a candidate disappeared: a pending or lead candidate
    /// is withdrawn; a decided one keeps its decision, and the loss is noted.
    pub fn withdraw_candidate(&self, id: i64, status: CandidateStatus, why: &str) -> Result<()> {
        if status.is_decided() {
            return self.candidate_event(
                id,
                Some(status),
                status,
                Some(&format!("match lost: {why}")),
            );
        }
        if status == CandidateStatus::Withdrawn {
            return Ok(());
        }
        self.exec(
            "UPDATE candidates SET status = 'withdrawn', updated_at = ?2 WHERE id = ?1",
            params![id, now_utc()],
        )?;
        self.candidate_event(id, Some(status), CandidateStatus::Withdrawn, Some(why))
    }

    /// The report key of an earlier candidate for the same enterprise and item
    /// in the same outlet whose article is a near-copy (SimHash within
    /// `max_distance`) of this one, dated within a week of it: the same story
    /// reached twice. Bounded: the most recent candidates are compared.
    #[allow(clippy::too_many_arguments)]
    pub fn same_report(
        &self,
        enterprise: &str,
        item: &str,
        outlet: &str,
        article: &ArticleId,
        simhash: u64,
        published: Option<NaiveDate>,
        max_distance: u32,
    ) -> Result<Option<String>> {
        const COMPARED: i64 = 200;
        if simhash == 0 {
            return Ok(None);
        }
        let window = |days: i64| published.map(|d| (d + chrono::Duration::days(days)).to_string());
        let mut stmt = self.tx.prepare_cached(
            "SELECT c.report_key, a.simhash FROM candidates c JOIN articles a ON a.id = c.article_id \
             WHERE c.enterprise = ?1 AND c.item = ?2 AND c.outlet = ?3 AND c.article_id != ?4 \
             AND (?5 IS NULL OR c.published IS NULL OR c.published BETWEEN ?5 AND ?6) \
             ORDER BY c.id DESC LIMIT ?7",
        )?;
        let rows = stmt.query_map(
            params![
                enterprise,
                item,
                outlet,
                article.as_str(),
                window(-7),
                window(7),
                COMPARED
            ],
            |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64)),
        )?;
        let mut best: Option<(u32, String)> = None;
        for row in rows {
            let (key, h) = row?;
            let d = (h ^ simhash).count_ones();
            if h != 0 && d <= max_distance && best.as_ref().is_none_or(|b| d < b.0) {
                best = Some((d, key));
            }
        }
        Ok(best.map(|(_, k)| k))
    }

    pub fn set_match_state(&self, key: &str, value: &str) -> Result<()> {
        self.exec(
            "INSERT INTO match_state (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = ?2",
            params![key, value],
        )?;
        Ok(())
    }

    pub fn match_state(&self, key: &str) -> Result<Option<String>> {
        self.query_opt(
            "SELECT value FROM match_state WHERE key = ?1",
            params![key],
            |r| r.get(0),
        )
    }
}

impl Store {
    pub fn match_state(&self, key: &str) -> Result<Option<String>> {
        Tx { tx: &self.conn }.match_state(key)
    }

    /// Candidates, best first (confidence score, then newest).
    pub fn candidates(&self, f: &CandidateFilter) -> Result<Vec<CandidateRow>> {
        Tx { tx: &self.conn }.candidates(f)
    }
}

impl Tx<'_> {
    /// Candidates, best first (confidence score, then newest).
    pub fn candidates(&self, f: &CandidateFilter) -> Result<Vec<CandidateRow>> {
        let mut stmt = self.tx.prepare_cached(
            "SELECT c.id, c.enterprise, c.named_enterprise, c.item, c.points, c.published, c.outlet, a.title, a.url, \
             c.article_id, c.cites_article, c.confidence, c.score, c.reasons, c.signals, c.status, c.report_key \
             FROM candidates c JOIN articles a ON a.id = c.article_id \
             WHERE (?1 IS NULL OR c.status = ?1) AND (?2 IS NULL OR c.enterprise = ?2 OR c.named_enterprise = ?2) \
             AND (?3 IS NULL OR c.item = ?3) AND (?4 IS NULL OR substr(c.published, 1, 4) = ?4) \
             AND (?5 IS NULL OR c.id = ?5) ORDER BY c.score DESC, c.published DESC, c.id",
        )?;
        let year = f.year.map(|y| format!("{y:04}"));
        let rows = stmt.query_map(
            params![
                f.status.map(|s| s.as_str()),
                f.enterprise,
                f.item,
                year,
                f.id
            ],
            |r| {
                Ok((
                    (
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, f64>(4)?,
                        r.get::<_, Option<String>>(5)?,
                        r.get::<_, String>(6)?,
                        r.get::<_, String>(7)?,
                    ),
                    (
                        r.get::<_, String>(8)?,
                        r.get::<_, String>(9)?,
                        r.get::<_, Option<String>>(10)?,
                        r.get::<_, String>(11)?,
                        r.get::<_, f64>(12)?,
                        r.get::<_, String>(13)?,
                        r.get::<_, String>(14)?,
                        r.get::<_, String>(15)?,
                        r.get::<_, String>(16)?,
                    ),
                ))
            },
        )?;
        let mut out = Vec::new();
        for row in rows {
            let (
                (id, enterprise, named_enterprise, item, points, published, outlet, title),
                (
                    url,
                    article_id,
                    cites_article,
                    confidence,
                    score,
                    reasons,
                    signals,
                    status,
                    report_key,
                ),
            ) = row?;
            out.push(CandidateRow {
                id,
                enterprise,
                named_enterprise,
                item,
                points,
                published,
                outlet,
                title,
                url,
                article_id,
                cites_article,
                confidence,
                score,
                reasons: serde_json::from_str(&reasons).map_err(|e| corrupt("reasons", e))?,
                signals: serde_json::from_str(&signals).map_err(|e| corrupt("signals", e))?,
                status: CandidateStatus::parse(&status)
                    .ok_or_else(|| corrupt("candidate status", &status))?,
                report_key,
            });
        }
        Ok(out)
    }
}

impl Store {
    /// Status changes of a candidate, oldest first.
    pub fn candidate_history(&self, id: i64) -> Result<Vec<CandidateEvent>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT at, from_status, to_status, note, reviewer, reason FROM candidate_events WHERE candidate_id = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map(params![id], |r| {
            Ok(CandidateEvent {
                at: r.get(0)?,
                from: r.get(1)?,
                to: r.get(2)?,
                note: r.get(3)?,
                reviewer: r.get(4)?,
                reason: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Set a candidate's status by hand (the review stage; tests).
    pub fn set_candidate_status(&mut self, id: i64, to: CandidateStatus, note: &str) -> Result<()> {
        self.transaction(|tx| {
            let from: String = tx.tx.query_row(
                "SELECT status FROM candidates WHERE id = ?1",
                params![id],
                |r| r.get(0),
            )?;
            tx.exec(
                "UPDATE candidates SET status = ?2, updated_at = ?3 WHERE id = ?1",
                params![id, to.as_str(), now_utc()],
            )?;
            tx.candidate_event(id, CandidateStatus::parse(&from), to, Some(note))
        })
    }

    /// Articles naming an enterprise as evidence (itself or a subsidiary
    /// listed in `ids`).
    pub fn matched_articles(&self, ids: &[String]) -> Result<Vec<ArticleId>> {
        let list = serde_json::to_string(ids).map_err(|e| corrupt("ids", e))?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT DISTINCT article_id FROM article_matches WHERE evidence = 1 \
             AND enterprise IN (SELECT value FROM json_each(?1))",
        )?;
        let rows = stmt.query_map(params![list], |r| Ok(ArticleId(r.get(0)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The enterprises each of these articles names as evidence.
    pub fn article_enterprises(
        &self,
        ids: &[ArticleId],
    ) -> Result<std::collections::HashMap<String, Vec<String>>> {
        let list = serde_json::to_string(&ids.iter().map(|a| a.as_str()).collect::<Vec<_>>())
            .map_err(|e| corrupt("ids", e))?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT article_id, enterprise FROM article_matches WHERE evidence = 1 \
             AND article_id IN (SELECT value FROM json_each(?1)) ORDER BY enterprise",
        )?;
        let mut out: std::collections::HashMap<String, Vec<String>> = Default::default();
        for row in stmt.query_map(params![list], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })? {
            let (a, e) = row?;
            out.entry(a).or_default().push(e);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests;
