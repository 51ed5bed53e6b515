//! Scorecards, quarterly reports and case drafts from the ledger: the
//! confirmations not undone, each counted for its scoring unit, scored by
//! the current rules (`scoring`), with every item's evidence and the
//! checkpoint the figures come from.

use super::ReviewError;
use super::ledger::{active, entries};
use crate::ledger::Entry;
use crate::model::{Registry, Rules};
use crate::report::{CaseDraft, EnterpriseScore, QuarterlyReport, ReportItem, ScoreSheet};
use crate::scoring::{CountedItem, Quarter, Status, scorecard};
use crate::store::{Pending, Store};
use std::collections::HashMap;

/// What a scoresheet covers.
#[derive(Debug, Clone)]
pub struct ScoreRequest {
    pub year: i32,
    pub quarter: Option<Quarter>,
    /// One enterprise (a scoring unit), or every scoring unit.
    pub enterprise: Option<String>,
    pub commission: String,
}

/// The scoring units to report: the one asked for, or every registered
/// enterprise without a parent and any other the ledger counts for.
fn units(
    registry: &Registry,
    counted: &[&Entry],
    only: Option<&str>,
) -> Result<Vec<(String, String)>, ReviewError> {
    let name_of = |id: &str| {
        registry
            .get(id)
            .map_or_else(|| id.to_string(), |e| e.name.clone())
    };
    if let Some(id) = only {
        let unit = registry.scoring_unit(id);
        if registry.get(id).is_none() && !counted.iter().any(|e| e.enterprise == id) {
            return Err(ReviewError::Invalid(format!(
                "no enterprise `{id}` in enterprises.toml or the ledger (see `radar enterprises list`)"
            )));
        }
        if unit != id {
            return Err(ReviewError::Invalid(format!(
                "`{id}` is a subsidiary: its items count for `{unit}` ({}); ask for --enterprise {unit}",
                name_of(unit)
            )));
        }
        return Ok(vec![(id.to_string(), name_of(id))]);
    }
    let mut out: Vec<(String, String)> = registry
        .enterprises
        .iter()
        .filter(|e| e.parent.is_none())
        .map(|e| (e.id.clone(), e.name.clone()))
        .collect();
    for e in counted {
        if !out.iter().any(|(id, _)| *id == e.enterprise) {
            out.push((e.enterprise.clone(), name_of(&e.enterprise)));
        }
    }
    Ok(out)
}

fn report_item(rules: &Rules, registry: &Registry, e: &Entry, points: Option<f64>) -> ReportItem {
    let typical = rules.typical_case.as_ref().filter(|t| t.code == e.item);
    let item = rules.item(&e.item);
    ReportItem {
        entry: e.seq,
        code: e.item.clone(),
        item_name: item
            .map(|i| i.name.clone())
            .or_else(|| typical.map(|t| t.name.clone()))
            .unwrap_or_else(|| e.item.clone()),
        item_short: item
            .map(|i| i.short_name())
            .or_else(|| typical.map(|t| crate::model::short_of(&t.name)))
            .unwrap_or_else(|| e.item.clone()),
        category: item.map(|i| i.category.clone()),
        kind: item.and_then(|i| i.kind),
        points,
        date: e.evidence_date,
        source: e.source.clone(),
        title: e.title.clone(),
        page: e.page.clone(),
        url: e.url.clone(),
        named_enterprise: (e.named_enterprise != e.enterprise).then(|| {
            registry
                .get(&e.named_enterprise)
                .map_or_else(|| e.named_enterprise.clone(), |x| x.name.clone())
        }),
        evidence: e.evidence.clone(),
        reviewer: e.reviewer.clone(),
        confirmed_at: e.at.clone(),
        note: e.note.clone(),
    }
}

/// One enterprise's scorecard from its confirmations.
#[allow(clippy::too_many_arguments)]
fn enterprise_score(
    rules: &Rules,
    registry: &Registry,
    (id, name): (String, String),
    counted: &[&Entry],
    year: i32,
    quarter: Option<Quarter>,
    pending: &HashMap<String, Pending>,
) -> EnterpriseScore {
    let mine: Vec<&Entry> = counted
        .iter()
        .copied()
        .filter(|e| e.enterprise == id)
        .collect();
    let items: Vec<CountedItem> = mine
        .iter()
        .map(|e| CountedItem {
            code: e.item.clone(),
            date: e.evidence_date,
            points: e.awarded,
        })
        .collect();
    let card = scorecard(rules, year, quarter, &items);
    let mut report_items: Vec<ReportItem> = card
        .items
        .iter()
        .zip(&mine)
        .filter(|(s, _)| s.status == Status::Counted)
        .map(|(s, e)| report_item(rules, registry, e, s.points))
        .collect();
    report_items.sort_by(|a, b| a.date.cmp(&b.date).then(a.entry.cmp(&b.entry)));
    let c = card.category("C");
    let c_target = c.and_then(|c| c.target).unwrap_or(0);
    let p = pending.get(&id).copied().unwrap_or_default();
    EnterpriseScore {
        a: card.count_of("A"),
        b: card.count_of("B"),
        c: card.count_of("C"),
        c_target,
        c_delta: card.points_of("C"),
        c_missing: c_target.saturating_sub(card.count_of("C")),
        bonus: card.bonus,
        total: card.total,
        pending: p.candidates.saturating_add(p.submissions),
        items: report_items,
        id,
        name,
    }
}

/// The latest checkpoint's signed note.
pub fn latest_checkpoint(store: &Store) -> Result<Option<String>, ReviewError> {
    Ok(store.read(|tx| tx.latest_checkpoint())?.map(|c| c.note))
}

/// Scorecards of a year (or year to a quarter's end).
pub fn score_sheet(
    store: &Store,
    rules: &Rules,
    registry: &Registry,
    req: &ScoreRequest,
) -> Result<ScoreSheet, ReviewError> {
    let all = entries(store)?;
    let counted = active(&all);
    let units = units(registry, &counted, req.enterprise.as_deref())?;
    let pending = store.pending_by_unit()?;
    let enterprises = units
        .into_iter()
        .map(|u| {
            enterprise_score(
                rules,
                registry,
                u,
                &counted,
                req.year,
                req.quarter,
                &pending,
            )
        })
        .collect();
    Ok(ScoreSheet {
        year: req.year,
        quarter: req.quarter,
        commission: req.commission.clone(),
        checkpoint: latest_checkpoint(store)?,
        enterprises,
    })
}

/// The quarterly report of one enterprise: the year-to-date scorecard and
/// the items dated in the quarter.
pub fn quarterly_report(
    store: &Store,
    rules: &Rules,
    registry: &Registry,
    req: &ScoreRequest,
) -> Result<QuarterlyReport, ReviewError> {
    let quarter = req
        .quarter
        .ok_or_else(|| ReviewError::Invalid("a quarterly report needs --quarter 1-4".into()))?;
    let sheet = one(score_sheet(store, rules, registry, req)?)?;
    let checkpoint = sheet.checkpoint.clone().unwrap_or_default();
    let enterprise = sheet.enterprises.into_iter().next().ok_or_else(|| {
        ReviewError::Invalid("a quarterly report is for one enterprise: give --enterprise".into())
    })?;
    let quarter_items = enterprise
        .items
        .iter()
        .filter(|i| Quarter::of(i.date) == quarter)
        .cloned()
        .collect();
    Ok(QuarterlyReport {
        commission: req.commission.clone(),
        year: req.year,
        quarter,
        enterprise,
        quarter_items,
        checkpoint,
        made_on: crate::model::beijing_today(),
        period_note: None,
    })
}

fn one(sheet: ScoreSheet) -> Result<ScoreSheet, ReviewError> {
    if sheet.enterprises.len() == 1 {
        Ok(sheet)
    } else {
        Err(ReviewError::Invalid(
            "give --enterprise ID: a report is for one enterprise".into(),
        ))
    }
}

/// The annex-2 case draft of one enterprise and year.
pub fn case_draft(
    store: &Store,
    rules: &Rules,
    registry: &Registry,
    req: &ScoreRequest,
) -> Result<CaseDraft, ReviewError> {
    let req = ScoreRequest {
        quarter: None,
        ..req.clone()
    };
    let sheet = one(score_sheet(store, rules, registry, &req)?)?;
    let checkpoint = sheet.checkpoint.clone().unwrap_or_default();
    let e = sheet.enterprises.into_iter().next().ok_or_else(|| {
        ReviewError::Invalid("a case draft is for one enterprise: give --enterprise".into())
    })?;
    Ok(CaseDraft {
        enterprise_id: e.id,
        enterprise_name: e.name,
        year: req.year,
        items: e.items,
        checkpoint,
        made_on: crate::model::beijing_today(),
    })
}
