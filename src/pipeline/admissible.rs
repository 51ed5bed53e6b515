//! Whether a confirmation is admissible under the rules, checked before it
//! is written (review, manual evidence, the CLI, the API and the pages all
//! come through here): the evidence date within the years the rules count
//! and not in the future; a date override only where the article has none,
//! or with a recorded reason; reclassification only to an item the evidence
//! can support; the typical-case bonus only through its own path (evidence
//! added by hand); and one piece of evidence (an article, a file's digest)
//! counted at most once per enterprise and year, unless a reviewer says why.
//! Each refusal in English (CLI, logs) and Chinese (pages, API).

use super::ReviewError;
use crate::ledger::{Action, Entry, Evidence};
use crate::model::{ItemKind, Rules};
use chrono::{Datelike, NaiveDate};

fn refuse(en: String, zh: String) -> ReviewError {
    ReviewError::Refused { en, zh }
}

/// The evidence date: in a year the rules count, and not after today (Beijing).
pub fn check_date(rules: &Rules, date: NaiveDate, today: NaiveDate) -> Result<(), ReviewError> {
    if date > today {
        return Err(refuse(
            format!("evidence date {date} is in the future (today is {today})"),
            format!("证据日期 {date} 晚于今天（{today}）"),
        ));
    }
    let Some(v) = rules.validity else {
        return Err(refuse(
            "rules.toml counts no year ([validity] is missing)".into(),
            "计分规则未规定有效年份（rules.toml 缺少 [validity]）".into(),
        ));
    };
    if date.year() < v.from_year {
        return Err(refuse(
            format!(
                "evidence date {date} is before {}, the first year the rules count",
                v.from_year
            ),
            format!("证据日期 {date} 早于计分规则的起始年份 {} 年", v.from_year),
        ));
    }
    if let Some(u) = v.until_year
        && date.year() > u
    {
        return Err(refuse(
            format!("evidence date {date} is after {u}, the last year the rules count"),
            format!("证据日期 {date} 晚于计分规则的截止年份 {u} 年"),
        ));
    }
    Ok(())
}

/// A date given for an article that has its own: only with a reason.
pub fn check_date_override(
    given: Option<NaiveDate>,
    article: Option<NaiveDate>,
    reason: Option<&str>,
) -> Result<(), ReviewError> {
    match (given, article) {
        (Some(g), Some(a)) if g != a && reason.is_none_or(|r| r.trim().is_empty()) => Err(refuse(
            format!("the article is dated {a}: a different date ({g}) needs a reason (--reason)"),
            format!("该文章自有日期 {a}：改为 {g} 须填写理由"),
        )),
        _ => Ok(()),
    }
}

/// An archived article from `outlet`, proposed as `proposed`, confirmed as
/// `item`: the typical case never (its own path is evidence added by hand);
/// a media item only if it is the item of the article's outlet; an item no
/// public page can evidence (`manual_only`) never.
pub fn check_item_for_article(
    rules: &Rules,
    outlet: &str,
    proposed: &str,
    item: &str,
) -> Result<(), ReviewError> {
    if rules.is_typical_case(item) {
        return Err(refuse(
            format!(
                "`{item}` is the typical-case bonus: it is entered with the commission's adoption notice (`radar evidence add --item {item}`), never by reclassifying a report"
            ),
            format!("`{item}` 是典型案例加分，须凭采用通知人工录入，不能由报道改判"),
        ));
    }
    if item == proposed {
        return Ok(());
    }
    let Some(it) = rules.item(item) else {
        return Err(refuse(
            format!("`{item}` is not an item of rules.toml"),
            format!("计分规则中没有 `{item}` 这一项"),
        ));
    };
    if it.manual_only {
        return Err(refuse(
            format!(
                "`{item}` cannot be evidenced by a public page (manual_only in rules.toml): add it by hand with its document"
            ),
            format!("`{item}` 不能由公开网页证明，须人工录入原件"),
        ));
    }
    if it.kind == Some(ItemKind::Media) {
        let outlet_item = rules.item_for_outlet(outlet).map(|i| i.code.as_str());
        if outlet_item != Some(item) {
            return Err(refuse(
                format!(
                    "`{item}` is a media item: a report in {outlet} evidences {} only",
                    outlet_item.unwrap_or("no media item")
                ),
                format!(
                    "`{item}` 是媒体报道项，{outlet} 的报道只能计为 {}",
                    outlet_item.unwrap_or("（无媒体报道项）")
                ),
            ));
        }
    }
    Ok(())
}

/// What makes two confirmations the same evidence.
pub fn evidence_key(e: &Evidence) -> String {
    match e {
        Evidence::Archive { article_id, .. } => format!("article:{article_id}"),
        Evidence::File { sha256, .. } => format!("file:{sha256}"),
    }
}

/// The same evidence counts once per enterprise and year across items:
/// the active confirmation that already counts it, unless a reason is given.
pub fn check_duplicate(
    entries: &[Entry],
    unit: &str,
    year: i32,
    key: &str,
    reason: Option<&str>,
) -> Result<(), ReviewError> {
    if reason.is_some_and(|r| !r.trim().is_empty()) {
        return Ok(());
    }
    let undone: std::collections::HashSet<u64> =
        entries.iter().filter_map(|e| e.reverses).collect();
    if let Some(e) = entries.iter().find(|e| {
        e.action == Action::Confirm
            && !undone.contains(&e.seq)
            && e.enterprise == unit
            && e.evidence_date.year() == year
            && evidence_key(&e.evidence) == key
    }) {
        return Err(refuse(
            format!(
                "this evidence already counts for {unit} in {year} as {} (ledger entry {}): the same evidence counts once; give --reason to count it again",
                e.item, e.seq
            ),
            format!(
                "该证据已在 {year} 年计为 {unit} 的 {}（台账第 {} 条），同一证据只计一次；如确需重复计分，请填写理由",
                e.item, e.seq
            ),
        ));
    }
    Ok(())
}

/// The audit record of a rule overridden with a reason (`None` without one).
pub fn override_audit(entry: &Entry, reason: Option<&str>) -> Option<crate::store::AuditRecord> {
    let reason = reason.map(str::trim).filter(|r| !r.is_empty())?;
    let mut rec = crate::store::AuditRecord::new(&entry.reviewer, "ledger-rule-override");
    rec.enterprise = Some(entry.enterprise.clone());
    rec.candidate = entry.candidate;
    rec.entry = i64::try_from(entry.seq).ok();
    rec.item = Some(entry.item.clone());
    rec.reason = Some(reason.to_string());
    Some(rec)
}

/// The note recorded in the entry: the reviewer's, and the reason for an
/// override when one was needed.
pub fn note_with_reason(note: Option<&str>, reason: Option<&str>) -> Option<String> {
    let note = note.map(str::trim).filter(|n| !n.is_empty());
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    match (note, reason) {
        (Some(n), Some(r)) => Some(format!("{n}（例外理由：{r}）")),
        (None, Some(r)) => Some(format!("例外理由：{r}")),
        (n, None) => n.map(str::to_string),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> Rules {
        crate::config::parse_rules(
            std::path::Path::new("rules.toml"),
            include_str!("../../defaults/rules.toml"),
        )
        .expect("default rules")
    }
    fn d(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    #[test]
    fn dates_outside_the_counted_years_or_in_the_future_are_refused() {
        let r = rules();
        let today = d("2026-12-07");
        assert!(check_date(&r, d("2026-05-01"), today).is_ok());
        for bad in ["2019-01-01", "1970-01-01", "2027-06-30", "2099-12-31"] {
            assert!(check_date(&r, d(bad), today).is_err(), "{bad}");
        }
    }

    #[test]
    fn reclassification_stays_within_what_the_article_can_support() {
        let r = rules();
        assert!(check_item_for_article(&r, "半月谈", "B4", "B4").is_ok());
        assert!(check_item_for_article(&r, "半月谈", "B4", "TC").is_err());
        assert!(check_item_for_article(&r, "半月谈", "B4", "B1").is_err());
        assert!(check_item_for_article(&r, "半月谈", "B4", "C1").is_err());
        assert!(check_item_for_article(&r, "人民日报", "B1", "C4").is_ok());
        assert!(check_date_override(Some(d("2026-01-02")), Some(d("2026-01-01")), None).is_err());
        assert!(
            check_date_override(
                Some(d("2026-01-02")),
                Some(d("2026-01-01")),
                Some("印刷版日期")
            )
            .is_ok()
        );
        assert!(check_date_override(Some(d("2026-01-02")), None, None).is_ok());
    }
}
