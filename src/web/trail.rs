//! 操作记录 as a user may read it, in one place for the page, its XLSX and
//! `GET /api/audit`: the query (`enterprise`, `user`, `action`, `from`,
//! `to`; dates are Beijing days, inclusive), the scope (an enterprise user
//! sees the actions on its own enterprises and its own actions) and the
//! JSON object of a row.

use super::WebError;
use super::auth::Authed;
use crate::model::{BEIJING, Registry};
use crate::store::{AuditFilter, AuditRow, Store};
use chrono::{NaiveDate, TimeZone};

/// The query of `/api/audit` and of the 操作记录 page.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct AuditQuery {
    pub enterprise: Option<String>,
    pub user: Option<String>,
    pub action: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
}

/// Rows read at most (newest first).
pub const MAX_ROWS: u32 = 10_000;

fn some(v: &Option<String>) -> Option<String> {
    v.as_ref()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

/// A Beijing day's start as the store's UTC time text.
fn day_start_utc(d: NaiveDate) -> Result<String, WebError> {
    let start = d
        .and_hms_opt(0, 0, 0)
        .and_then(|t| BEIJING.from_local_datetime(&t).single())
        .ok_or_else(|| WebError::BadRequest(format!("日期 {d} 无效")))?;
    Ok(start
        .with_timezone(&chrono::Utc)
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
}

fn date(name: &str, v: &str) -> Result<NaiveDate, WebError> {
    NaiveDate::parse_from_str(v, "%Y-%m-%d")
        .map_err(|_| WebError::BadRequest(format!("{name}：“{v}”不是 2026-03-04 这样的日期")))
}

impl AuditQuery {
    /// The store's filter (the enterprise is applied with the scope).
    pub fn filter(&self) -> Result<AuditFilter, WebError> {
        let from = match some(&self.from) {
            None => None,
            Some(f) => Some(day_start_utc(date("起始日期", &f)?)?),
        };
        let to = match some(&self.to) {
            None => None,
            Some(t) => {
                let d = date("截止日期", &t)?;
                let next = d
                    .succ_opt()
                    .ok_or_else(|| WebError::BadRequest(format!("截止日期 {t} 无效")))?;
                Some(day_start_utc(next)?)
            }
        };
        Ok(AuditFilter {
            enterprise: None,
            user: some(&self.user),
            action: some(&self.action),
            from,
            to,
            limit: Some(MAX_ROWS),
        })
    }
}

/// The rows this user may read for this query, newest first.
pub fn visible_audit(
    store: &Store,
    registry: &Registry,
    who: &Authed,
    q: &AuditQuery,
) -> Result<Vec<AuditRow>, WebError> {
    let asked = some(&q.enterprise);
    if let Some(a) = &asked
        && !who.scope.allows(a)
    {
        return Err(WebError::Forbidden(format!("无权查看企业 {a} 的操作记录")));
    }
    let rows = store.audit_log(&q.filter()?)?;
    Ok(rows
        .into_iter()
        .filter(|r| match r.record.enterprise.as_deref() {
            Some(e) => who.scope.allows(e),
            None => who.scope.enterprise().is_none() || r.record.user == who.user.name,
        })
        .filter(|r| {
            asked.as_deref().is_none_or(|a| {
                r.record
                    .enterprise
                    .as_deref()
                    .is_some_and(|e| e == a || registry.scoring_unit(e) == a)
            })
        })
        .collect())
}

/// A stored UTC time as Beijing time (RFC 3339 with +08:00).
pub fn beijing_rfc3339(utc: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(utc).map_or_else(
        |_| utc.to_string(),
        |t| {
            t.with_timezone(&BEIJING)
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
        },
    )
}

/// A row as `GET /api/audit` gives it: exactly at, user, action,
/// enterprise, candidate, entry, item, reason, note (`at` in Beijing time,
/// `entry` the ledger's stored 0-based seq).
pub fn audit_json(r: &AuditRow) -> serde_json::Value {
    let a = &r.record;
    serde_json::json!({
        "at": beijing_rfc3339(&r.at),
        "user": a.user,
        "action": a.action,
        "enterprise": a.enterprise,
        "candidate": a.candidate,
        "entry": a.entry,
        "item": a.item,
        "reason": a.reason,
        "note": a.note,
    })
}

/// The actions a person takes, in words (the codes are the API's).
pub const ACTIONS: [(&str, &str); 26] = [
    ("confirm", "确认"),
    ("reject", "驳回"),
    ("reopen", "重新打开"),
    ("undo", "撤销确认"),
    ("skip", "跳过"),
    ("propose", "人工发现"),
    ("dismiss", "线索不予采用"),
    ("upload", "人工录入上传"),
    ("export", "导出"),
    ("login", "登录"),
    ("logout", "退出"),
    ("user.add", "新增账号"),
    ("user.disable", "停用账号"),
    ("password", "修改密码"),
    ("login.failed", "登录失败"),
    ("user.passwd", "修改密码"),
    ("user.enable", "启用账号"),
    ("user.remove", "删除账号"),
    ("user.token", "签发接口令牌"),
    ("user.revoke", "吊销接口令牌"),
    ("notify.settings", "通知设置"),
    ("submit", "报送材料"),
    ("submission.accept", "采纳报送材料"),
    ("submission.return", "退回报送材料"),
    ("appeal", "申请复核"),
    ("comment", "留言"),
];

/// An action code in words (an unknown code: 其他操作).
pub fn action_label(code: &str) -> &'static str {
    ACTIONS
        .iter()
        .find(|(c, _)| *c == code)
        .map_or("其他操作", |(_, l)| l)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_beijing_days() {
        let q = AuditQuery {
            from: Some("2026-03-04".into()),
            to: Some("2026-03-04".into()),
            ..AuditQuery::default()
        };
        let f = q.filter().unwrap();
        assert_eq!(f.from.as_deref(), Some("2026-03-03T16:00:00.000Z"));
        assert_eq!(f.to.as_deref(), Some("2026-03-04T16:00:00.000Z"));
        assert!(
            AuditQuery {
                from: Some("昨天".into()),
                ..AuditQuery::default()
            }
            .filter()
            .is_err()
        );
        assert_eq!(
            beijing_rfc3339("2026-12-07T15:10:00.000Z"),
            "2026-12-07T23:10:00+08:00"
        );
        assert_eq!(action_label("reject"), "驳回");
    }
}
