//! Review: a reviewer confirms a candidate into the ledger (optionally under
//! another item), rejects it with a reason, undoes a confirmation with a
//! reversing entry, or adds evidence no crawler can see (a file, in
//! `super::manual`, re-exported here). Every
//! write is one immediate transaction, so two reviewers at the same moment
//! are serialised and the second is told what the first did.

use super::ReviewError;
use super::admissible::{
    check_date, check_date_override, check_duplicate, check_item_for_article, evidence_key,
    note_with_reason,
};
use super::ledger::{append, signing_key};
use crate::archive::{read_record_at, sha256_hex};
use crate::config::Home;
use crate::ledger::{Action, Entry, Evidence};
use crate::model::{Rules, Scheme};
use crate::store::{
    AuditRecord, CandidateFilter, CandidateRow, CandidateStatus, LedgerRow, Store, Tx,
};
use chrono::{Datelike, NaiveDate};

/// Every entry, parsed from its signed bytes, inside the caller's transaction.
pub(super) fn ledger_entries_in(tx: &Tx<'_>) -> Result<Vec<Entry>, ReviewError> {
    tx.ledger_entries()?
        .iter()
        .map(|r| {
            Entry::parse(&r.leaf).map_err(|e| ReviewError::Corrupt(format!("entry {}: {e}", r.seq)))
        })
        .collect()
}

pub use super::archived::{ArchivedImage, archived_images, archived_page_with_images};
pub use super::manual::{ManualEvidence, add_evidence, evidence_file, store_file};

/// Why a candidate is rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RejectReason {
    NotThisEnterprise,
    ListMention,
    WebOnly,
    NotInDepth,
    WrongYear,
    Other(String),
}

impl RejectReason {
    pub const CODES: [&'static str; 6] = [
        "not-this-enterprise",
        "list-mention",
        "web-only",
        "not-in-depth",
        "wrong-year",
        "other:TEXT",
    ];

    /// A code, `other:TEXT`, or any other text (taken as `other`).
    pub fn parse(s: &str) -> Option<RejectReason> {
        let s = s.trim();
        Some(match s {
            "" => return None,
            "not-this-enterprise" => RejectReason::NotThisEnterprise,
            "list-mention" => RejectReason::ListMention,
            "web-only" => RejectReason::WebOnly,
            "not-in-depth" => RejectReason::NotInDepth,
            "wrong-year" => RejectReason::WrongYear,
            other => {
                let text = other.strip_prefix("other:").unwrap_or(other).trim();
                if text.is_empty() {
                    return None;
                }
                RejectReason::Other(text.to_string())
            }
        })
    }
    pub fn code(&self) -> &'static str {
        match self {
            RejectReason::NotThisEnterprise => "not-this-enterprise",
            RejectReason::ListMention => "list-mention",
            RejectReason::WebOnly => "web-only",
            RejectReason::NotInDepth => "not-in-depth",
            RejectReason::WrongYear => "wrong-year",
            RejectReason::Other(_) => "other",
        }
    }
    /// In words, for reviewers (Chinese).
    pub fn label(&self) -> String {
        match self {
            RejectReason::NotThisEnterprise => "不是本企业".into(),
            RejectReason::ListMention => "仅在名单中提及".into(),
            RejectReason::WebOnly => "仅网络版，非刊播".into(),
            RejectReason::NotInDepth => "非深度专题报道".into(),
            RejectReason::WrongYear => "不属于本年度".into(),
            RejectReason::Other(t) => format!("其他：{t}"),
        }
    }
}

/// A confirmation request.
#[derive(Debug, Clone, Default)]
pub struct Confirm {
    pub candidate: i64,
    pub reviewer: String,
    /// Reclassify under this item.
    pub item: Option<String>,
    pub note: Option<String>,
    /// The evidence date, when the article has none.
    pub date: Option<NaiveDate>,
    /// Points the commission awarded instead of the rules'.
    pub points: Option<f64>,
    /// Why a rule is overridden: a date other than the article's own, or
    /// evidence already counted this year for the enterprise under another item.
    pub reason: Option<String>,
}

pub(super) fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

pub(super) fn check_reviewer(name: &str) -> Result<String, ReviewError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(ReviewError::Invalid(
            "--reviewer must name who decides".into(),
        ));
    }
    Ok(name.to_string())
}

/// The points the rules give an item (`None`: it counts toward a target),
/// or an error naming the valid codes.
pub(super) fn rules_points(rules: &Rules, code: &str) -> Result<Option<f64>, ReviewError> {
    if let Some(t) = rules.typical_case.as_ref().filter(|t| t.code == code) {
        return Ok(Some(t.points));
    }
    let item = rules.item(code).ok_or_else(|| {
        let codes: Vec<&str> = rules.item.iter().map(|i| i.code.as_str()).collect();
        ReviewError::Invalid(format!(
            "`{code}` is not an item of rules.toml (one of {})",
            codes.join(", ")
        ))
    })?;
    Ok(match rules.category_of(code).and_then(|c| c.scheme()) {
        Some(Scheme::PerItem { points }) => Some(item.points.unwrap_or(points)),
        _ => None,
    })
}

pub(super) fn finite(points: Option<f64>) -> Result<Option<f64>, ReviewError> {
    match points {
        Some(p) if !p.is_finite() => {
            Err(ReviewError::Invalid(format!("--points {p}: not a number")))
        }
        p => Ok(p),
    }
}

pub(super) fn already(row: &LedgerRow) -> ReviewError {
    ReviewError::AlreadyConfirmed {
        entry: row.seq,
        reviewer: row.reviewer.clone(),
        at: row.at.clone(),
    }
}

/// The refusal a confirmation of this candidate would meet because it is
/// confirmed already, read without the write lock (the web server answers
/// a second reviewer's click from a reader; `confirm` checks again under
/// the lock, so this is only ever an early answer, never the decision).
pub fn already_confirmed(
    store: &Store,
    candidate: i64,
) -> Result<Option<ReviewError>, ReviewError> {
    Ok(confirmation_of(store, candidate)?.as_ref().map(already))
}

/// The ledger entry that confirms this candidate now (not undone), if any.
pub fn confirming_entry(store: &Store, candidate: i64) -> Result<Option<u64>, ReviewError> {
    Ok(confirmation_of(store, candidate)?.map(|r| r.seq))
}

/// The active (not undone) confirmation of a candidate, read in one snapshot.
fn confirmation_of(store: &Store, candidate: i64) -> Result<Option<LedgerRow>, ReviewError> {
    Ok(store.read(|tx| tx.active_confirmation("", "", "", Some(candidate)))?)
}

/// Confirm a candidate: one ledger entry and a signed checkpoint.
pub fn confirm(
    home: &Home,
    store: &mut Store,
    rules: &Rules,
    req: &Confirm,
) -> Result<Entry, ReviewError> {
    let reviewer = check_reviewer(&req.reviewer)?;
    let awarded = finite(req.points)?;
    let key = signing_key(home, store)?;
    let archive = home.archive_dir();
    let entry = store.immediate(|tx| {
        Ok(confirm_in(
            tx, &archive, &key, rules, req, &reviewer, awarded,
        ))
    })??;
    key.witness(store);
    Ok(entry)
}

fn confirm_in(
    tx: &Tx<'_>,
    archive: &std::path::Path,
    key: &super::ledger::Signer,
    rules: &Rules,
    req: &Confirm,
    reviewer: &str,
    awarded: Option<f64>,
) -> Result<Entry, ReviewError> {
    let c = candidate_in(tx, req.candidate)?.ok_or(ReviewError::NoCandidate(req.candidate))?;
    match c.status {
        CandidateStatus::Pending | CandidateStatus::Rejected => {}
        CandidateStatus::Confirmed => {
            let row = tx.active_confirmation("", "", "", Some(c.id))?;
            return Err(row.as_ref().map(already).unwrap_or_else(|| {
                ReviewError::Invalid(format!("candidate {} is already confirmed", c.id))
            }));
        }
        CandidateStatus::Lead => {
            return Err(ReviewError::Invalid(format!(
                "candidate {} is a lead (a source that never scores): confirm the candidate for the outlet it cites, or add the evidence by hand",
                c.id
            )));
        }
        CandidateStatus::Withdrawn => {
            return Err(ReviewError::Invalid(format!(
                "candidate {} was withdrawn (its match disappeared after the registry, the rules or the article changed)",
                c.id
            )));
        }
    }
    let item = req.item.clone().unwrap_or_else(|| c.item.clone());
    let points = rules_points(rules, &item)?;
    check_item_for_article(rules, &c.outlet, &c.item, &item)?;
    if let Some(row) = tx.active_confirmation(&c.enterprise, &item, &c.report_key, Some(c.id))? {
        return Err(already(&row));
    }
    let article = tx.article(&c.article_id)?.ok_or_else(|| {
        ReviewError::Corrupt(format!("candidate {}: no article {}", c.id, c.article_id))
    })?;
    let evidence_date = req
        .date
        .or(article.article.published)
        .or_else(|| c.published.as_deref().and_then(|d| d.parse().ok()))
        .ok_or_else(|| {
            ReviewError::Invalid(format!(
                "candidate {}: the article has no date; give it with --date YYYY-MM-DD",
                c.id
            ))
        })?;
    let reason = req.reason.as_deref();
    check_date_override(req.date, article.article.published, reason)?;
    check_date(rules, evidence_date, crate::model::beijing_today())?;
    let evidence = archived_evidence(tx, archive, &article.article.id.0, article.resource_id)?;
    let all = ledger_entries_in(tx)?;
    check_duplicate(
        &all,
        &c.enterprise,
        evidence_date.year(),
        &evidence_key(&evidence),
        reason,
    )?;
    let entry = Entry {
        seq: 0,
        commission: String::new(),
        action: Action::Confirm,
        enterprise: c.enterprise.clone(),
        named_enterprise: c.named_enterprise.clone(),
        item: item.clone(),
        points,
        awarded,
        evidence_date,
        title: article.article.title.clone(),
        source: article.article.outlet.clone(),
        page: article.article.page.clone(),
        url: Some(article.article.url.clone()),
        evidence,
        candidate: Some(c.id),
        report_key: c.report_key.clone(),
        reverses: None,
        reviewer: reviewer.to_string(),
        at: now(),
        note: note_with_reason(req.note.as_deref(), reason),
    };
    let entry = append(tx, key, entry)?;
    if let Some(rec) = super::admissible::override_audit(&entry, reason) {
        tx.audit(&rec)?;
    }
    let note = if item != c.item {
        Some(format!("reclassified {} → {item}", c.item))
    } else {
        req.note.clone()
    };
    tx.review_candidate(
        c.id,
        CandidateStatus::Confirmed,
        reviewer,
        None,
        note.as_deref(),
    )?;
    tx.audit(&AuditRecord {
        enterprise: Some(c.named_enterprise.clone()),
        candidate: Some(c.id),
        entry: Some(entry.seq as i64),
        item: Some(item.clone()),
        note,
        ..AuditRecord::new(reviewer, "confirm")
    })?;
    Ok(entry)
}

/// The archived record behind an article, its digest checked now.
fn archived_evidence(
    tx: &Tx<'_>,
    archive: &std::path::Path,
    article: &str,
    resource: Option<i64>,
) -> Result<Evidence, ReviewError> {
    let id = resource.ok_or_else(|| {
        ReviewError::Corrupt(format!("article {article} has no archived resource"))
    })?;
    let loc = tx.resource(id)?.ok_or_else(|| {
        ReviewError::Corrupt(format!("article {article}: resource {id} is missing"))
    })?;
    let path = archive.join(&loc.warc_file);
    let rec = read_record_at(&path, loc.warc_offset)?;
    let digest = sha256_hex(&rec.body);
    if loc.payload_sha256.as_deref() != Some(digest.as_str()) {
        return Err(ReviewError::Corrupt(format!(
            "article {article}: the archived payload at {}@{} no longer matches its digest; it cannot be evidence",
            loc.warc_file, loc.warc_offset
        )));
    }
    Ok(Evidence::Archive {
        article_id: article.to_string(),
        warc_file: loc.warc_file,
        warc_offset: loc.warc_offset,
        warc_length: loc.warc_length,
        payload_sha256: digest,
        truncated: rec.truncated,
    })
}

/// Reject a candidate with a reason (a candidate event, not a ledger entry).
pub fn reject(
    store: &mut Store,
    candidate: i64,
    reviewer: &str,
    reason: &RejectReason,
) -> Result<(), ReviewError> {
    let reviewer = check_reviewer(reviewer)?;
    store.immediate(|tx| {
        let Some(c) = candidate_in(tx, candidate)? else {
            return Ok(Err(ReviewError::NoCandidate(candidate)));
        };
        if c.status == CandidateStatus::Confirmed {
            let row = tx.active_confirmation("", "", "", Some(c.id))?;
            return Ok(Err(ReviewError::Invalid(match row {
                Some(r) => format!(
                    "candidate {candidate} is confirmed in entry {} by {}: undo it first (`radar review undo {} --reviewer … --reason …`)",
                    r.seq, r.reviewer, r.seq
                ),
                None => format!("candidate {candidate} is confirmed"),
            })));
        }
        if c.status == CandidateStatus::Rejected {
            return Ok(Err(ReviewError::Invalid(format!(
                "candidate {candidate} is already rejected; nothing written"
            ))));
        }
        tx.review_candidate(
            c.id,
            CandidateStatus::Rejected,
            &reviewer,
            Some(reason.code()),
            Some(&reason.label()),
        )?;
        tx.audit(&AuditRecord {
            enterprise: Some(c.named_enterprise.clone()),
            candidate: Some(c.id),
            item: Some(c.item.clone()),
            reason: Some(reason.label()),
            ..AuditRecord::new(&reviewer, "reject")
        })?;
        Ok(Ok(()))
    })?
}

/// The candidate `id`, inside the caller's transaction.
fn candidate_in(tx: &Tx<'_>, id: i64) -> Result<Option<CandidateRow>, crate::store::StoreError> {
    Ok(tx
        .candidates(&CandidateFilter {
            id: Some(id),
            ..Default::default()
        })?
        .pop())
}

/// Take back a rejection: the candidate is pending again (a candidate event
/// with the reviewer and the reason, like the rejection itself).
pub fn reopen(
    store: &mut Store,
    candidate: i64,
    reviewer: &str,
    reason: &str,
) -> Result<(), ReviewError> {
    let reviewer = check_reviewer(reviewer)?;
    if reason.trim().is_empty() {
        return Err(ReviewError::Invalid(
            "a reason must say why the rejection is taken back".into(),
        ));
    }
    store.immediate(|tx| {
        let Some(c) = candidate_in(tx, candidate)? else {
            return Ok(Err(ReviewError::NoCandidate(candidate)));
        };
        if c.status != CandidateStatus::Rejected {
            return Ok(Err(ReviewError::Invalid(format!(
                "candidate {candidate} is {}, not rejected; nothing written",
                c.status.as_str()
            ))));
        }
        tx.review_candidate(
            c.id,
            CandidateStatus::Pending,
            &reviewer,
            Some("reopen"),
            Some(reason.trim()),
        )?;
        tx.audit(&AuditRecord {
            enterprise: Some(c.named_enterprise.clone()),
            candidate: Some(c.id),
            item: Some(c.item.clone()),
            reason: Some(reason.trim().to_string()),
            ..AuditRecord::new(&reviewer, "reopen")
        })?;
        Ok(Ok(()))
    })?
}

/// Undo a confirmation: a reversing entry; its candidate is pending again.
pub fn undo(
    home: &Home,
    store: &mut Store,
    seq: u64,
    reviewer: &str,
    reason: &str,
) -> Result<Entry, ReviewError> {
    let reviewer = check_reviewer(reviewer)?;
    if reason.trim().is_empty() {
        return Err(ReviewError::Invalid(
            "--reason must say why the entry is undone".into(),
        ));
    }
    let key = signing_key(home, store)?;
    let entry = store.immediate(|tx| {
        let Some(row) = tx.ledger_entry(seq)? else {
            return Ok(Err(ReviewError::Invalid(format!("no ledger entry {seq}"))));
        };
        if row.action != "confirm" {
            return Ok(Err(ReviewError::Invalid(format!(
                "entry {seq} is itself an undo; confirm the candidate again instead"
            ))));
        }
        if let Some(u) = tx.undo_of(seq)? {
            return Ok(Err(ReviewError::Invalid(format!(
                "entry {seq} was already undone by entry {} ({} at {}); nothing written",
                u.seq, u.reviewer, u.at
            ))));
        }
        let original = Entry::parse(&row.leaf)
            .map_err(|e| crate::store::StoreError::Corrupt(format!("entry {seq}: {e}")))?;
        let entry = Entry {
            seq: 0,
            action: Action::Undo,
            reverses: Some(seq),
            reviewer: reviewer.clone(),
            at: now(),
            note: Some(reason.trim().to_string()),
            ..original
        };
        let entry = match append(tx, &key, entry) {
            Ok(e) => e,
            Err(e) => return Ok(Err(e)),
        };
        if let Some(c) = entry.candidate {
            tx.review_candidate(
                c,
                CandidateStatus::Pending,
                &reviewer,
                Some("undo"),
                Some(reason.trim()),
            )?;
        }
        tx.audit(&AuditRecord {
            enterprise: Some(entry.named_enterprise.clone()),
            candidate: entry.candidate,
            entry: Some(seq as i64),
            item: Some(entry.item.clone()),
            reason: Some(reason.trim().to_string()),
            ..AuditRecord::new(&reviewer, "undo")
        })?;
        Ok(Ok(entry))
    })??;
    key.witness(store);
    Ok(entry)
}

/// A candidate as `radar candidates --json` and `GET /api/candidates` give
/// it: the stored row with the other outlets' copies of its story.
pub fn candidate_json(
    store: &Store,
    c: &crate::store::CandidateRow,
) -> Result<serde_json::Value, crate::store::StoreError> {
    let copies = store.syndicated_copies(&crate::model::ArticleId(c.article_id.clone()))?;
    Ok(serde_json::json!({
        "id": c.id,
        "enterprise": c.enterprise,
        "named_enterprise": c.named_enterprise,
        "item": c.item,
        "points": c.points,
        "published": c.published,
        "outlet": c.outlet,
        "title": c.title,
        "url": c.url,
        "article": c.article_id,
        "cites_article": c.cites_article,
        "confidence": c.confidence,
        "score": c.score,
        "reasons": c.reasons,
        "signals": c.signals,
        "status": c.status.as_str(),
        "syndicated_with": copies,
    }))
}

/// The archived response behind an article, as fetched.
#[derive(Debug, Clone)]
pub struct ArchivedPage {
    pub body: Vec<u8>,
    pub content_type: Option<String>,
    pub content_encoding: Option<String>,
    /// The payload matches the digest stored when it was archived.
    pub verified: bool,
}

/// Read back the archived response of an article (`None`: no such article
/// or it has no archived record).
pub fn archived_page(
    home: &Home,
    store: &Store,
    article: &str,
) -> Result<Option<ArchivedPage>, ReviewError> {
    let Some(row) = store.article(article)? else {
        return Ok(None);
    };
    let Some(resource_id) = row.resource_id else {
        return Ok(None);
    };
    let Some(loc) = store.resource(resource_id)? else {
        return Ok(None);
    };
    let rec = match read_record_at(&home.archive_file(&loc.warc_file), loc.warc_offset) {
        Ok(r) => r,
        // A record that no longer reads is altered evidence, not a server error.
        Err(e) => {
            tracing::warn!(article, error = %e, "archived record unreadable");
            return Ok(Some(ArchivedPage {
                body: Vec::new(),
                content_type: None,
                content_encoding: None,
                verified: false,
            }));
        }
    };
    let digest = sha256_hex(&rec.body);
    Ok(Some(ArchivedPage {
        verified: loc.payload_sha256.as_deref() == Some(digest.as_str()),
        content_type: rec.header("content-type").map(str::to_string),
        content_encoding: rec.header("content-encoding").map(str::to_string),
        body: rec.body,
    }))
}
