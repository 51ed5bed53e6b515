//! What a reviewer does beside confirming and rejecting, so that nothing
//! slips past and every step can be taken back: propose an article matching
//! missed as a candidate (人工发现, with who and why), reopen a rejected or
//! withdrawn candidate, dismiss a lead or promote it to a candidate with a
//! date and an item, and skip a candidate (to the end of one's queue). Each
//! is one immediate transaction with its audit row.

use super::ReviewError;
use super::review::{check_reviewer, rules_points};
use crate::model::{ArticleId, DepthSignals, Registry, Rules};
use crate::store::{
    AuditRecord, CandidateFilter, CandidateRow, CandidateStatus, NewCandidate, Store, Tx,
};
use chrono::NaiveDate;

/// A proposal: this article evidences this enterprise's item.
#[derive(Debug, Clone, Default)]
pub struct Proposal {
    pub article: String,
    /// The enterprise the article names (a subsidiary counts for its parent).
    pub enterprise: String,
    pub item: String,
    /// Why (required: the trail says who proposed it and why).
    pub note: String,
    /// The evidence date, when the article's is missing or is not the print date.
    pub date: Option<NaiveDate>,
    pub reviewer: String,
}

/// The reason line of a candidate proposed by hand.
pub const PROPOSED_MARK: &str = "人工发现";

/// Propose an article as a candidate: pending, marked 人工发现 with who and
/// why, then reviewed like any other. Its id.
pub fn propose(
    store: &mut Store,
    rules: &Rules,
    registry: &Registry,
    p: &Proposal,
) -> Result<i64, ReviewError> {
    let reviewer = check_reviewer(&p.reviewer)?;
    let note = p.note.trim();
    if note.is_empty() {
        return Err(ReviewError::Invalid("请说明为什么提出这条候选证据".into()));
    }
    if note.chars().count() > 500 {
        return Err(ReviewError::Invalid("说明不超过 500 字".into()));
    }
    let ent = registry
        .get(&p.enterprise)
        .ok_or_else(|| ReviewError::Invalid(format!("没有企业 {}", p.enterprise)))?;
    let item = p.item.trim();
    rules_points(rules, item)
        .map_err(|_| ReviewError::Invalid(format!("条目 {item} 不在评分细则中")))?;
    // What one item earns, as matching records it: per item, or in a target
    // category what one item beyond the target adds.
    let points = match rules.category_of(item).and_then(|c| c.scheme()) {
        Some(crate::model::Scheme::PerItem { points }) => {
            rules.item(item).and_then(|i| i.points).unwrap_or(points)
        }
        Some(crate::model::Scheme::Target { beyond, .. }) => beyond,
        None => rules.item(item).and_then(|i| i.points).unwrap_or(0.0),
    };
    let unit = registry.scoring_unit(&ent.id).to_string();
    store.immediate(|tx| {
        let Some(row) = tx.article(&p.article)? else {
            return Ok(Err(ReviewError::Invalid(format!("没有文章 {}", p.article))));
        };
        let report_key = format!("manual:{}", p.article);
        for key in [report_key.as_str(), p.article.as_str()] {
            if let Some(id) = tx.candidate_of_report(&unit, item, key)? {
                return Ok(Err(ReviewError::Invalid(format!(
                    "这篇文章已是 {} 的条目 {item} 候选证据 #{id}",
                    ent.name
                ))));
            }
        }
        if let Some(id) = existing_for(tx, &p.article, &unit, item)? {
            return Ok(Err(ReviewError::Invalid(format!(
                "这篇文章已是 {} 的条目 {item} 候选证据 #{id}",
                ent.name
            ))));
        }
        let a = &row.article;
        let c = NewCandidate {
            enterprise: unit.clone(),
            named_enterprise: ent.id.clone(),
            item: item.to_string(),
            report_key,
            article_id: ArticleId(p.article.clone()),
            cites_article: None,
            points,
            published: p.date.or(a.published),
            outlet: a.outlet.clone(),
            confidence: crate::model::Confidence::Low,
            score: 0.0,
            reasons: vec![format!("{PROPOSED_MARK}：{reviewer} 提出，{note}")],
            signals: DepthSignals {
                length: a.body.chars().count(),
                page: a.page.clone(),
                ..DepthSignals::default()
            },
            status: CandidateStatus::Pending,
        };
        let id = tx.propose_candidate(&c, &reviewer, &format!("{PROPOSED_MARK}：{note}"))?;
        tx.audit(&AuditRecord {
            enterprise: Some(ent.id.clone()),
            candidate: Some(id),
            item: Some(item.to_string()),
            note: Some(note.to_string()),
            ..AuditRecord::new(&reviewer, "propose")
        })?;
        Ok(Ok(id))
    })?
}

/// A candidate of this article for this scoring unit and item, whatever its report key.
fn existing_for(
    tx: &Tx<'_>,
    article: &str,
    unit: &str,
    item: &str,
) -> Result<Option<i64>, crate::store::StoreError> {
    for (id, _) in tx.candidates_of_article(&ArticleId(article.to_string()))? {
        if let Some(c) = candidate_in(tx, id)?
            && c.enterprise == unit
            && c.item == item
            && c.article_id == article
        {
            return Ok(Some(id));
        }
    }
    Ok(None)
}

fn candidate_in(tx: &Tx<'_>, id: i64) -> Result<Option<CandidateRow>, crate::store::StoreError> {
    Ok(tx
        .candidates(&CandidateFilter {
            id: Some(id),
            ..Default::default()
        })?
        .pop())
}

/// Reopen a rejected or withdrawn candidate (a dismissed lead goes back to
/// being a lead, anything else to pending), with the reviewer's reason.
/// The status it is in now.
pub fn reopen(
    store: &mut Store,
    candidate: i64,
    reviewer: &str,
    reason: &str,
) -> Result<CandidateStatus, ReviewError> {
    let reviewer = check_reviewer(reviewer)?;
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(ReviewError::Invalid("重新打开需要填写理由".into()));
    }
    let history = store.candidate_history(candidate)?;
    store.immediate(|tx| {
        let Some(c) = candidate_in(tx, candidate)? else {
            return Ok(Err(ReviewError::NoCandidate(candidate)));
        };
        if !matches!(
            c.status,
            CandidateStatus::Rejected | CandidateStatus::Withdrawn
        ) {
            return Ok(Err(ReviewError::Invalid(format!(
                "候选证据 #{candidate} 不是已驳回或已撤回的，无需重新打开"
            ))));
        }
        // A lead that was dismissed is a lead again.
        let was_lead = history
            .iter()
            .rev()
            .find(|e| e.to == c.status.as_str())
            .and_then(|e| e.from.as_deref())
            == Some("lead");
        let to = if was_lead {
            CandidateStatus::Lead
        } else {
            CandidateStatus::Pending
        };
        tx.review_candidate(c.id, to, &reviewer, Some("reopen"), Some(reason))?;
        tx.audit(&AuditRecord {
            enterprise: Some(c.named_enterprise.clone()),
            candidate: Some(c.id),
            item: Some(c.item.clone()),
            reason: Some(reason.to_string()),
            ..AuditRecord::new(&reviewer, "reopen")
        })?;
        Ok(Ok(to))
    })?
}

/// Dismiss a lead (withdrawn by the reviewer, with why; reopen brings it back).
pub fn dismiss_lead(
    store: &mut Store,
    candidate: i64,
    reviewer: &str,
    reason: &str,
) -> Result<(), ReviewError> {
    let reviewer = check_reviewer(reviewer)?;
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(ReviewError::Invalid("不予采用需要填写理由".into()));
    }
    store.immediate(|tx| {
        let Some(c) = candidate_in(tx, candidate)? else {
            return Ok(Err(ReviewError::NoCandidate(candidate)));
        };
        if c.status != CandidateStatus::Lead {
            return Ok(Err(ReviewError::Invalid(format!(
                "候选证据 #{candidate} 不是线索"
            ))));
        }
        tx.review_candidate(
            c.id,
            CandidateStatus::Withdrawn,
            &reviewer,
            Some("dismiss"),
            Some(reason),
        )?;
        tx.audit(&AuditRecord {
            enterprise: Some(c.named_enterprise.clone()),
            candidate: Some(c.id),
            item: Some(c.item.clone()),
            reason: Some(reason.to_string()),
            ..AuditRecord::new(&reviewer, "dismiss")
        })?;
        Ok(Ok(()))
    })?
}

/// A lead to promote: the item and print date a reviewer gives it, and why.
#[derive(Debug, Clone)]
pub struct Promotion {
    pub lead: i64,
    pub item: String,
    pub date: NaiveDate,
    pub reviewer: String,
    pub note: String,
}

/// Promote a lead: a candidate for the same article and enterprise under
/// the item, dated the date (人工发现, from the lead), and the lead
/// withdrawn pointing at it. The new candidate's id.
pub fn promote_lead(
    store: &mut Store,
    rules: &Rules,
    registry: &Registry,
    p: &Promotion,
) -> Result<i64, ReviewError> {
    let candidate = p.lead;
    let lead = store
        .candidates(&CandidateFilter {
            id: Some(candidate),
            ..Default::default()
        })?
        .pop()
        .ok_or(ReviewError::NoCandidate(candidate))?;
    if lead.status != CandidateStatus::Lead {
        return Err(ReviewError::Invalid(format!(
            "候选证据 #{candidate} 不是线索"
        )));
    }
    let why = if p.note.trim().is_empty() {
        format!("由线索 #{candidate} 转为候选证据")
    } else {
        format!("由线索 #{candidate} 转为候选证据：{}", p.note.trim())
    };
    let id = propose(
        store,
        rules,
        registry,
        &Proposal {
            article: lead.article_id.clone(),
            enterprise: lead.named_enterprise.clone(),
            item: p.item.clone(),
            note: why,
            date: Some(p.date),
            reviewer: p.reviewer.clone(),
        },
    )?;
    dismiss_lead(
        store,
        candidate,
        &p.reviewer,
        &format!("已转为候选证据 #{id}"),
    )?;
    Ok(id)
}

/// `reviewer` skips a candidate: it goes to the end of their queue, and the
/// trail records it.
pub fn skip(store: &mut Store, candidate: i64, reviewer: &str) -> Result<(), ReviewError> {
    let reviewer = check_reviewer(reviewer)?;
    store.immediate(|tx| {
        let Some(c) = candidate_in(tx, candidate)? else {
            return Ok(Err(ReviewError::NoCandidate(candidate)));
        };
        tx.skip_candidate(&reviewer, c.id)?;
        tx.audit(&AuditRecord {
            enterprise: Some(c.named_enterprise.clone()),
            candidate: Some(c.id),
            item: Some(c.item.clone()),
            ..AuditRecord::new(&reviewer, "skip")
        })?;
        Ok(Ok(()))
    })?
}
