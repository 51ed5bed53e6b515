//! Enterprises taking part: an officer sends in evidence (报送材料) that waits
//! for a reviewer, who accepts it into the ledger under the item they decide
//! or returns it with a reason; an officer asks for review (申请复核) of a
//! rejected candidate with a comment, which puts it back in the reviewers'
//! queue; anyone who may see a candidate comments on it. Every action is one
//! transaction with its audit record (`submit`, `submission.accept`,
//! `submission.return`, `appeal`, `comment`), and then [`announce`]d: the
//! one place where notifications of these events plug in. Messages are in
//! Chinese: only the web UI calls these.

use super::ReviewError;
use super::manual::{ManualEvidence, add_stored_evidence, store_file};
use crate::config::Home;
use crate::ledger::Entry;
use crate::model::{Registry, Rules};
use crate::store::{
    AuditRecord, CandidateFilter, CandidateStatus, NewSubmission, Store, StoreError, SubmissionRow,
    SubmissionStatus,
};
use chrono::NaiveDate;

/// Something an enterprise or a reviewer did that others may want to hear of.
#[derive(Debug, Clone, PartialEq)]
pub enum ParticipationEvent {
    /// An officer sent in evidence; it waits for a reviewer.
    Submitted {
        submission: i64,
        enterprise: String,
        user: String,
    },
    /// A reviewer accepted a submission into the ledger.
    Accepted {
        submission: i64,
        enterprise: String,
        entry: u64,
        user: String,
    },
    /// A reviewer returned a submission with a reason.
    Returned {
        submission: i64,
        enterprise: String,
        reason: String,
        user: String,
    },
    /// An officer asked for review of a rejected candidate.
    Appealed {
        candidate: i64,
        enterprise: String,
        user: String,
    },
    /// A comment on a candidate.
    Commented {
        candidate: i64,
        enterprise: String,
        user: String,
    },
}

/// Where every participation event passes once it is stored. Today it logs;
/// notifications (to the reviewers of a submission or an appeal, to the
/// officer of a decision) hook in here.
pub fn announce(e: &ParticipationEvent) {
    tracing::info!(event = ?e, "participation event");
}

/// Evidence an officer sends in.
#[derive(Debug, Clone)]
pub struct Submission {
    pub enterprise: String,
    pub item: String,
    pub date: NaiveDate,
    pub title: String,
    pub issuer: String,
    pub note: Option<String>,
    /// The uploaded file (staged; stored by its SHA-256 here).
    pub file: std::path::PathBuf,
    pub user: String,
}

fn invalid(m: impl Into<String>) -> ReviewError {
    ReviewError::Invalid(m.into())
}

/// An item of the rules or the typical case.
fn known_item(rules: &Rules, item: &str) -> Result<(), ReviewError> {
    let typical = rules.typical_case.as_ref().is_some_and(|t| t.code == item);
    if rules.item(item).is_some() || typical {
        Ok(())
    } else {
        Err(invalid(format!("没有计分条目 {item}")))
    }
}

/// Store a submission: the file by its SHA-256, the row and its audit record.
pub fn submit(
    home: &Home,
    store: &mut Store,
    rules: &Rules,
    registry: &Registry,
    s: &Submission,
) -> Result<SubmissionRow, ReviewError> {
    if registry.get(&s.enterprise).is_none() {
        return Err(invalid(format!("没有企业 {}", s.enterprise)));
    }
    known_item(rules, &s.item)?;
    for (label, v) in [("标题", &s.title), ("发文/颁发单位", &s.issuer)] {
        if v.trim().is_empty() {
            return Err(invalid(format!("请填写{label}")));
        }
    }
    let today = crate::model::beijing_today();
    if s.date > today {
        return Err(invalid(format!("证据日期 {} 晚于今天", s.date)));
    }
    let file = store_file(home, &s.file).map_err(|e| match e {
        ReviewError::Invalid(_) => invalid("上传的文件是空的"),
        other => other,
    })?;
    let unit = registry.scoring_unit(&s.enterprise).to_string();
    let new = NewSubmission {
        enterprise: s.enterprise.clone(),
        unit,
        item: s.item.clone(),
        evidence_date: s.date,
        title: s.title.clone(),
        issuer: s.issuer.clone(),
        note: s.note.clone().filter(|n| !n.trim().is_empty()),
        file,
        submitted_by: s.user.clone(),
    };
    let row = store.transaction(|tx| {
        let id = tx.add_submission(&new)?;
        let mut a = AuditRecord::new(&s.user, "submit");
        a.enterprise = Some(s.enterprise.clone());
        a.item = Some(s.item.clone());
        a.note = Some(format!("报送材料 #{id}：{}", s.title.trim()));
        tx.audit(&a)?;
        tx.submission(id)?
            .ok_or_else(|| StoreError::Corrupt(format!("submission {id} just added")))
    })?;
    announce(&ParticipationEvent::Submitted {
        submission: row.id,
        enterprise: row.enterprise.clone(),
        user: s.user.clone(),
    });
    Ok(row)
}

fn pending_submission(store: &Store, id: i64) -> Result<SubmissionRow, ReviewError> {
    let row = store
        .submission(id)?
        .ok_or_else(|| invalid(format!("没有报送材料 {id}")))?;
    if row.status != SubmissionStatus::Pending {
        return Err(invalid(format!(
            "报送材料 #{id} 已处理（{}），不能再次处理",
            match row.status {
                SubmissionStatus::Accepted => "已采纳",
                SubmissionStatus::Returned => "已退回",
                SubmissionStatus::Pending => "待审",
            }
        )));
    }
    Ok(row)
}

/// A reviewer accepts a submission into the ledger under `item` (default:
/// the item the officer suggested).
#[allow(clippy::too_many_arguments)]
pub fn accept(
    home: &Home,
    store: &mut Store,
    rules: &Rules,
    registry: &Registry,
    id: i64,
    reviewer: &str,
    item: Option<&str>,
    note: Option<&str>,
) -> Result<(Entry, SubmissionRow), ReviewError> {
    let row = pending_submission(store, id)?;
    let item = item
        .map(str::trim)
        .filter(|i| !i.is_empty())
        .unwrap_or(&row.item)
        .to_string();
    known_item(rules, &item)?;
    let date = NaiveDate::parse_from_str(&row.evidence_date, "%Y-%m-%d")
        .map_err(|_| ReviewError::Store(StoreError::Corrupt(format!("submission {id} date"))))?;
    let note = note.map(str::trim).filter(|n| !n.is_empty());
    let ledger_note = match (&row.note, note) {
        (Some(o), Some(r)) => Some(format!(
            "企业报送 #{id}（{}：{o}）；审核：{r}",
            row.submitted_by
        )),
        (Some(o), None) => Some(format!("企业报送 #{id}（{}：{o}）", row.submitted_by)),
        (None, Some(r)) => Some(format!("企业报送 #{id}（{}）；审核：{r}", row.submitted_by)),
        (None, None) => Some(format!("企业报送 #{id}（{}）", row.submitted_by)),
    };
    let file = store.read(|tx| tx.file(&row.sha256))?.ok_or_else(|| {
        ReviewError::Store(StoreError::Corrupt(format!("submission {id}: no file row")))
    })?;
    let m = ManualEvidence {
        enterprise: row.enterprise.clone(),
        item: item.clone(),
        date,
        title: row.title.clone(),
        issuer: row.issuer.clone(),
        file: home.file_path(&row.sha256),
        reviewer: reviewer.to_string(),
        note: ledger_note,
        points: None,
        reason: None,
    };
    let (entry, _) = add_stored_evidence(home, store, rules, registry, &m, file, |tx, e| {
        let seq = i64::try_from(e.seq).unwrap_or(i64::MAX);
        if !tx.decide_submission(
            id,
            SubmissionStatus::Accepted,
            reviewer,
            Some(&item),
            note,
            Some(seq),
        )? {
            return Err(StoreError::Corrupt(format!(
                "submission {id} was decided meanwhile"
            )));
        }
        let mut a = AuditRecord::new(reviewer, "submission.accept");
        a.enterprise = Some(row.enterprise.clone());
        a.entry = Some(seq);
        a.item = Some(item.clone());
        a.note = Some(format!(
            "报送材料 #{id}{}",
            note.map(|n| format!("：{n}")).unwrap_or_default()
        ));
        tx.audit(&a)
    })?;
    let row = store
        .submission(id)?
        .ok_or_else(|| invalid(format!("没有报送材料 {id}")))?;
    announce(&ParticipationEvent::Accepted {
        submission: id,
        enterprise: row.enterprise.clone(),
        entry: entry.seq,
        user: reviewer.to_string(),
    });
    Ok((entry, row))
}

/// A reviewer returns a submission with a reason the officer sees.
pub fn return_submission(
    store: &mut Store,
    id: i64,
    reviewer: &str,
    reason: &str,
) -> Result<SubmissionRow, ReviewError> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(invalid("退回需要填写理由"));
    }
    let row = pending_submission(store, id)?;
    store.transaction(|tx| {
        if !tx.decide_submission(
            id,
            SubmissionStatus::Returned,
            reviewer,
            None,
            Some(reason),
            None,
        )? {
            return Err(StoreError::Corrupt(format!(
                "submission {id} was decided meanwhile"
            )));
        }
        let mut a = AuditRecord::new(reviewer, "submission.return");
        a.enterprise = Some(row.enterprise.clone());
        a.item = Some(row.item.clone());
        a.reason = Some(reason.to_string());
        a.note = Some(format!("报送材料 #{id}"));
        tx.audit(&a)
    })?;
    announce(&ParticipationEvent::Returned {
        submission: id,
        enterprise: row.enterprise.clone(),
        reason: reason.to_string(),
        user: reviewer.to_string(),
    });
    store
        .submission(id)?
        .ok_or_else(|| invalid(format!("没有报送材料 {id}")))
}

/// An officer asks for review of a rejected candidate, with a comment: the
/// candidate is pending again, marked as appealed.
pub fn appeal(
    store: &mut Store,
    candidate: i64,
    user: &str,
    role: &str,
    comment: &str,
) -> Result<(), ReviewError> {
    let comment = comment.trim();
    if comment.is_empty() {
        return Err(invalid("申请复核需要说明理由"));
    }
    let c = store
        .candidates(&CandidateFilter {
            id: Some(candidate),
            ..Default::default()
        })?
        .pop()
        .ok_or(ReviewError::NoCandidate(candidate))?;
    if c.status != CandidateStatus::Rejected {
        return Err(invalid(format!(
            "候选证据 #{candidate} 未被驳回，不能申请复核"
        )));
    }
    store.immediate(|tx| {
        tx.appeal_candidate(candidate, user, comment)?;
        tx.add_comment(candidate, user, role, comment, true)?;
        let mut a = AuditRecord::new(user, "appeal");
        a.enterprise = Some(c.named_enterprise.clone());
        a.candidate = Some(candidate);
        a.item = Some(c.item.clone());
        a.reason = Some(comment.to_string());
        tx.audit(&a)
    })?;
    announce(&ParticipationEvent::Appealed {
        candidate,
        enterprise: c.named_enterprise,
        user: user.to_string(),
    });
    Ok(())
}

/// A comment on a candidate's thread.
pub fn comment(
    store: &mut Store,
    candidate: i64,
    enterprise: &str,
    user: &str,
    role: &str,
    text: &str,
) -> Result<i64, ReviewError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(invalid("评论不能为空"));
    }
    let id = store.transaction(|tx| {
        let id = tx.add_comment(candidate, user, role, text, false)?;
        let mut a = AuditRecord::new(user, "comment");
        a.enterprise = Some(enterprise.to_string());
        a.candidate = Some(candidate);
        a.note = Some(text.chars().take(200).collect());
        tx.audit(&a)?;
        Ok(id)
    })?;
    announce(&ParticipationEvent::Commented {
        candidate,
        enterprise: enterprise.to_string(),
        user: user.to_string(),
    });
    Ok(id)
}
