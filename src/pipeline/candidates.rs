//! From matches to candidate evidence. An article from a source that
//! evidences an item becomes a candidate per enterprise it names as
//! evidence (a subsidiary's for its parent); an article from a lead source
//! becomes a lead, and a lead whose print citation names a scoring outlet
//! also becomes a candidate for that outlet's item. One candidate per
//! (enterprise, item, report): near-copies in one outlet share a report.
//! Matching follows the store by `seq`, like the index.

use super::PipelineError;
use crate::config::Rules;
use crate::matching::{MatchContext, Matcher};
use crate::model::{ArticleKind, EnterpriseMatch, Registry};
use crate::store::{ArticleRow, CandidateStatus, NewCandidate, Store, Tx};
use std::collections::HashSet;

/// Articles matched per transaction.
const BATCH: usize = 200;
/// The `match_state` key of the highest `seq` matched.
const MATCHED_SEQ: &str = "matched_seq";

/// What matching did.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct MatchSummary {
    pub articles: u64,
    pub matched: u64,
    pub new_candidates: u64,
    pub leads: u64,
    pub withdrawn: u64,
    /// Items that are not reports (advertisements, 版务, pictures): never
    /// candidates or leads.
    pub not_reports: u64,
}

impl MatchSummary {
    pub fn line(&self) -> String {
        format!(
            "matched {} articles: {} name a registered enterprise; {} new candidates, {} leads, {} withdrawn; {} not reports",
            self.articles,
            self.matched,
            self.new_candidates,
            self.leads,
            self.withdrawn,
            self.not_reports
        )
    }
    pub fn add(&mut self, o: &MatchSummary) {
        self.articles += o.articles;
        self.matched += o.matched;
        self.new_candidates += o.new_candidates;
        self.leads += o.leads;
        self.not_reports += o.not_reports;
        self.withdrawn += o.withdrawn;
    }
}

/// The highest `seq` matching has seen.
pub(super) fn matched_seq(store: &Store) -> Result<i64, crate::store::StoreError> {
    Ok(store
        .match_state(MATCHED_SEQ)?
        .and_then(|v| v.parse().ok())
        .unwrap_or(0))
}

/// The registry and rules, compiled for matching.
pub struct MatchStage {
    matcher: Matcher,
    rules: Rules,
}

impl MatchStage {
    /// The stage for a home's registry and its checked rules.
    pub fn for_home(
        home: &crate::config::Home,
        checked: &crate::config::Checked,
    ) -> Result<MatchStage, PipelineError> {
        let registry = crate::registry::load(home).map_err(PipelineError::Config)?;
        Ok(MatchStage::new(&registry, &checked.rules))
    }

    pub fn new(registry: &Registry, rules: &Rules) -> MatchStage {
        MatchStage {
            matcher: Matcher::new(registry),
            rules: rules.clone(),
        }
    }

    fn registry(&self) -> &Registry {
        self.matcher.registry()
    }

    /// Match every article stored after the last matched `seq`.
    pub fn follow(&self, store: &mut Store) -> Result<MatchSummary, PipelineError> {
        let mut total = MatchSummary::default();
        loop {
            let after = matched_seq(store)?;
            let rows = store.article_rows_after_seq(after, BATCH)?;
            let Some(last) = rows.iter().map(|r| r.seq).max() else {
                break;
            };
            let s = store.transaction(|tx| {
                let mut s = MatchSummary::default();
                for row in &rows {
                    s.add(&self.apply(tx, row)?);
                }
                tx.set_match_state(MATCHED_SEQ, &last.to_string())?;
                Ok(s)
            })?;
            total.add(&s);
        }
        Ok(total)
    }

    /// Match every article again (the registry or the rules changed).
    pub fn rematch_all(&self, store: &mut Store) -> Result<MatchSummary, PipelineError> {
        store.transaction(|tx| tx.set_match_state(MATCHED_SEQ, "0"))?;
        self.follow(store)
    }

    /// Match one article, record its mentions, and bring its candidates up
    /// to date: proposals are upserted, candidates it no longer supports
    /// are withdrawn (decided ones keep their decision).
    fn apply(
        &self,
        tx: &Tx<'_>,
        row: &ArticleRow,
    ) -> Result<MatchSummary, crate::store::StoreError> {
        let a = &row.article;
        let ctx = MatchContext {
            home_source: self
                .registry()
                .home_sources
                .iter()
                .any(|s| s == a.source.as_str()),
        };
        // Only reports are matched: an advertisement, a 版务 item or a
        // picture is stored as what it is and never proposed.
        let kind = crate::extract::kind::classify(a.page.as_deref(), &a.title, &a.body);
        tx.set_article_kind(&a.id, kind)?;
        let matches = if kind == ArticleKind::Report {
            self.matcher.match_article(a, &ctx)
        } else {
            Vec::new()
        };
        // A subsidiary's article is also its parent's (`search --enterprise`).
        let mut recorded = matches.clone();
        for m in &matches {
            let unit = self.registry().scoring_unit(&m.enterprise);
            if unit != m.enterprise && !recorded.iter().any(|r| r.enterprise == unit) {
                recorded.push(EnterpriseMatch {
                    enterprise: unit.to_string(),
                    mentions: vec![],
                    ..m.clone()
                });
            }
        }
        tx.replace_matches(&a.id, &recorded)?;
        let mut s = MatchSummary {
            articles: 1,
            matched: u64::from(!matches.is_empty()),
            not_reports: u64::from(kind != ArticleKind::Report),
            ..Default::default()
        };
        let before = tx.candidates_of_article(&a.id)?;
        let mut kept = HashSet::new();
        for p in self.propose(tx, row, &matches)? {
            let (id, new) = tx.upsert_candidate(&p)?;
            kept.insert(id);
            if new {
                match p.status {
                    CandidateStatus::Lead => s.leads += 1,
                    _ => s.new_candidates += 1,
                }
            }
        }
        for (id, status) in before {
            if !kept.contains(&id) && status != CandidateStatus::Withdrawn {
                tx.withdraw_candidate(id, status, "the article no longer matches")?;
                if !status.is_decided() {
                    s.withdrawn += 1;
                }
            }
        }
        Ok(s)
    }

    /// The candidates (and leads) an article's matches support.
    fn propose(
        &self,
        tx: &Tx<'_>,
        row: &ArticleRow,
        matches: &[EnterpriseMatch],
    ) -> Result<Vec<NewCandidate>, crate::store::StoreError> {
        let a = &row.article;
        let mut out = Vec::new();
        for m in matches.iter().filter(|m| m.evidence) {
            let unit = self.registry().scoring_unit(&m.enterprise).to_string();
            let mut reasons = m.reasons.clone();
            if unit != m.enterprise {
                reasons.push(format!("子企业{}的成果计入{}", m.enterprise, unit));
            }
            let base = |item: &str, status, points, published, outlet: &str, key: String, cites| {
                NewCandidate {
                    enterprise: unit.clone(),
                    named_enterprise: m.enterprise.clone(),
                    item: item.to_string(),
                    report_key: key,
                    article_id: a.id.clone(),
                    cites_article: cites,
                    points,
                    published,
                    outlet: outlet.to_string(),
                    confidence: m.confidence,
                    score: m.score,
                    reasons: reasons.clone(),
                    signals: m.signals.clone(),
                    status,
                }
            };
            if a.item == "lead" {
                out.push(base(
                    "lead",
                    CandidateStatus::Lead,
                    0.0,
                    a.published,
                    &a.outlet,
                    a.id.0.clone(),
                    None,
                ));
                // A web copy naming its print original: a candidate for the
                // print outlet's item, citing this lead.
                if let Some(c) = &a.citation
                    && let Some(item) = self.outlet_item(&c.outlet)
                    && self.counts(Some(c.date))
                {
                    let key = tx
                        .same_report(
                            &unit,
                            &item,
                            &c.outlet,
                            &a.id,
                            row.simhash,
                            Some(c.date),
                            crate::dedup::SYNDICATION_DISTANCE,
                        )?
                        .unwrap_or_else(|| {
                            format!(
                                "cite:{}:{}:{}:{}",
                                c.outlet,
                                c.date,
                                c.page.as_deref().unwrap_or(""),
                                a.id
                            )
                        });
                    let mut p = base(
                        &item,
                        CandidateStatus::Pending,
                        self.points(&item),
                        Some(c.date),
                        &c.outlet,
                        key,
                        Some(a.id.clone()),
                    );
                    p.reasons.push(format!(
                        "据转载页标注，原载《{}》{}{}",
                        c.outlet,
                        c.date,
                        c.page
                            .as_deref()
                            .map(|p| format!(" {p}版"))
                            .unwrap_or_default()
                    ));
                    out.push(p);
                }
                continue;
            }
            if a.published.is_none() {
                // Undated: it cannot be counted in a year as it stands, so
                // it is shown as a lead for the reviewer to date.
                let mut p = base(
                    "lead",
                    CandidateStatus::Lead,
                    0.0,
                    None,
                    &a.outlet,
                    a.id.0.clone(),
                    None,
                );
                p.reasons
                    .push(format!("无发布日期：核实日期后可作为{}证据录入", a.item));
                out.push(p);
                continue;
            }
            if !self.counts(a.published) {
                continue;
            }
            let key = tx
                .same_report(
                    &unit,
                    &a.item,
                    &a.outlet,
                    &a.id,
                    row.simhash,
                    a.published,
                    crate::dedup::SYNDICATION_DISTANCE,
                )?
                .unwrap_or_else(|| a.id.0.clone());
            out.push(base(
                &a.item,
                CandidateStatus::Pending,
                self.points(&a.item),
                a.published,
                &a.outlet,
                key,
                None,
            ));
        }
        Ok(out)
    }

    /// Points an item earns: its own or its category's per item; in a
    /// target category (C) what one item beyond the target adds.
    fn points(&self, item: &str) -> f64 {
        use crate::model::Scheme;
        let own = self.rules.item(item).and_then(|i| i.points);
        match self.rules.category_of(item).and_then(|c| c.scheme()) {
            Some(Scheme::PerItem { points }) => own.unwrap_or(points),
            Some(Scheme::Target { beyond, .. }) => beyond,
            None => own.unwrap_or(0.0),
        }
    }

    /// The scoring item of a print outlet a lead cites, if any (from the
    /// rules' outlet table; manual-only outlets are never crawled evidence).
    fn outlet_item(&self, outlet: &str) -> Option<String> {
        self.rules.item_for_outlet(outlet).map(|i| i.code.clone())
    }

    /// Whether an item dated `date` counts by the rules' years.
    fn counts(&self, date: Option<chrono::NaiveDate>) -> bool {
        use chrono::Datelike;
        date.is_none_or(|d| self.rules.counts_in_year(d.year()))
    }
}
