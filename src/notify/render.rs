//! Messages in Simplified Chinese: short, Beijing times, a link to the page.
//! One message per event, except new candidates of ordinary confidence,
//! which go out as one digest per crawl run, grouped by enterprise.

use crate::model::{BEIJING, EventKind, NotifyEvent};
use serde_json::Value;
use std::collections::BTreeMap;

/// A message ready for any channel: a title, plain text and Markdown.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Message {
    pub title: String,
    /// Plain text (e-mail body, text robots), links written out.
    pub text: String,
    /// Markdown (robots' markdown messages).
    pub markdown: String,
    /// The page the message is about.
    pub link: Option<String>,
    /// The enterprises (ids) the message is about, if any.
    pub enterprises: Vec<String>,
}

/// What rendering needs besides the events.
pub struct RenderContext<'a> {
    /// `[web] public_url` without a trailing slash, if set.
    pub base_url: Option<String>,
    /// Enterprise names by id.
    pub names: &'a BTreeMap<String, String>,
}

impl RenderContext<'_> {
    fn link(&self, path: &str) -> String {
        match &self.base_url {
            Some(b) => format!("{b}{path}"),
            None => path.to_string(),
        }
    }

    fn name(&self, id: &str) -> String {
        self.names
            .get(id)
            .cloned()
            .unwrap_or_else(|| id.to_string())
    }
}

fn s<'a>(v: &'a Value, k: &str) -> &'a str {
    v.get(k).and_then(Value::as_str).unwrap_or("")
}

/// `2026-05-01` as `5月1日`, a date people read.
fn date_zh(d: &str) -> String {
    match chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d") {
        Ok(d) => d.format("%Y年%-m月%-d日").to_string(),
        Err(_) => "日期不详".into(),
    }
}

/// Now in Beijing time, `12月8日 08:30`.
pub fn now_zh() -> String {
    chrono::Utc::now()
        .with_timezone(&BEIJING)
        .format("%-m月%-d日 %H:%M")
        .to_string()
}

/// A candidate's line: outlet, date, title, and its 证据详情 link.
fn candidate_line(ctx: &RenderContext<'_>, d: &Value) -> (String, String, String) {
    let id = d.get("candidate").and_then(Value::as_i64).unwrap_or(0);
    let url = ctx.link(&format!("/candidates/{id}"));
    let title = s(d, "title");
    let title = if title.is_empty() {
        "（无标题）"
    } else {
        title
    };
    let head = format!(
        "{} {}《{}》",
        s(d, "outlet"),
        date_zh(s(d, "published")),
        title
    );
    (
        format!("{head} 证据详情：{url}"),
        format!("- {head} [证据详情]({url})"),
        url,
    )
}

fn message(title: String, body: Vec<(String, String)>, link: Option<String>) -> Message {
    let text = std::iter::once(title.clone())
        .chain(body.iter().map(|(t, _)| t.clone()))
        .collect::<Vec<_>>()
        .join("\n");
    let markdown = std::iter::once(format!("**{title}**"))
        .chain(body.iter().map(|(_, m)| m.clone()))
        .collect::<Vec<_>>()
        .join("\n");
    Message {
        title,
        text,
        markdown,
        link,
        enterprises: Vec::new(),
    }
}

/// The digest of new candidates: grouped by enterprise, one line each.
pub fn candidate_digest(ctx: &RenderContext<'_>, events: &[&NotifyEvent]) -> Message {
    let mut by_enterprise: BTreeMap<String, Vec<&NotifyEvent>> = BTreeMap::new();
    for e in events {
        by_enterprise
            .entry(e.enterprise.clone().unwrap_or_default())
            .or_default()
            .push(e);
    }
    let urgent = events.len() == 1 && events[0].urgent;
    let title = if urgent {
        format!("高置信度候选证据 1 条（{}）", now_zh())
    } else {
        format!("新候选证据 {} 条（{}）", events.len(), now_zh())
    };
    let mut body = Vec::new();
    for (enterprise, list) in &by_enterprise {
        let name = ctx.name(enterprise);
        body.push((
            format!("【{name}】{} 条", list.len()),
            format!("**{name}**（{} 条）", list.len()),
        ));
        for e in list {
            let (t, m, _) = candidate_line(ctx, &e.data);
            body.push((format!("· {t}"), m));
        }
    }
    let queue = ctx.link("/candidates");
    body.push((
        format!("候选证据队列：{queue}"),
        format!("[打开候选证据队列]({queue})"),
    ));
    let link = if events.len() == 1 {
        Some(candidate_line(ctx, &events[0].data).2)
    } else {
        Some(queue)
    };
    let mut m = message(title, body, link);
    m.enterprises = by_enterprise
        .keys()
        .filter(|k| !k.is_empty())
        .cloned()
        .collect();
    m
}

fn decision_zh(to: &str) -> &'static str {
    match to {
        "confirmed" => "已确认",
        "rejected" => "已驳回",
        "pending" => "已撤回重审",
        "withdrawn" => "已撤销",
        _ => "状态已变更",
    }
}

/// One event's message (not a digest).
pub fn single(ctx: &RenderContext<'_>, e: &NotifyEvent) -> Message {
    let mut m = single_message(ctx, e);
    m.enterprises = e.enterprise.iter().cloned().collect();
    m
}

fn single_message(ctx: &RenderContext<'_>, e: &NotifyEvent) -> Message {
    let d = &e.data;
    match e.kind {
        EventKind::Candidate => candidate_digest(ctx, &[e]),
        EventKind::Decision => {
            let name = ctx.name(s(d, "enterprise"));
            let (t, m, url) = candidate_line(ctx, d);
            let mut body = vec![(t, m)];
            let reviewer = s(d, "reviewer");
            if !reviewer.is_empty() {
                body.push((format!("审核人：{reviewer}"), format!("审核人：{reviewer}")));
            }
            let reason = s(d, "reason");
            if !reason.is_empty() {
                body.push((format!("理由：{reason}"), format!("理由：{reason}")));
            }
            message(
                format!("{name}的证据{}（{}）", decision_zh(s(d, "to")), now_zh()),
                body,
                Some(url),
            )
        }
        EventKind::Submission | EventKind::Appeal | EventKind::Outcome => {
            let what = match e.kind {
                EventKind::Submission => "企业报送了新证据",
                EventKind::Appeal => "企业提出了申诉",
                _ => "报送/申诉已有结果",
            };
            let name = ctx.name(e.enterprise.as_deref().unwrap_or(""));
            let path = s(d, "path");
            let url = ctx.link(if path.is_empty() { "/candidates" } else { path });
            let summary = s(d, "summary");
            message(
                format!("{name}：{what}（{}）", now_zh()),
                vec![
                    (summary.to_string(), summary.to_string()),
                    (format!("查看：{url}"), format!("[查看]({url})")),
                ],
                Some(url),
            )
        }
        EventKind::Alarm => {
            let url = ctx.link("/sources");
            let mut body: Vec<(String, String)> = d
                .get("alarms")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(|a| (format!("· {a}"), format!("- {a}")))
                .collect();
            body.push((format!("信息源：{url}"), format!("[打开信息源]({url})")));
            message(
                format!("信息源告警：{}（{}）", s(d, "source"), now_zh()),
                body,
                Some(url),
            )
        }
        EventKind::RunFailed => {
            let url = ctx.link("/sources");
            let run = d.get("run").and_then(Value::as_i64).unwrap_or(0);
            message(
                format!("第 {run} 次采集运行失败（{}）", now_zh()),
                vec![
                    (
                        format!("原因：{}", s(d, "error")),
                        format!("原因：{}", s(d, "error")),
                    ),
                    (format!("信息源：{url}"), format!("[打开信息源]({url})")),
                ],
                Some(url),
            )
        }
        EventKind::Checkpoint => {
            let url = ctx.link("/ledger");
            let size = d.get("size").and_then(Value::as_u64).unwrap_or(0);
            let note = s(d, "note");
            message(
                format!("台账新签名检查点：共 {size} 条（{}）", now_zh()),
                vec![
                    (
                        "检查点全文（请留存，用于日后核验台账未被改动）：".into(),
                        "检查点全文（请留存，用于日后核验台账未被改动）：".into(),
                    ),
                    (
                        note.trim_end().to_string(),
                        format!("```\n{}\n```", note.trim_end()),
                    ),
                    (format!("台账：{url}"), format!("[打开台账]({url})")),
                ],
                Some(url),
            )
        }
        EventKind::Daily => {
            let url = ctx.link("/candidates");
            let n = |k: &str| d.get(k).and_then(Value::as_u64).unwrap_or(0);
            message(
                format!("每日简报（{}）", s(d, "date_zh")),
                vec![
                    (
                        format!(
                            "待审候选证据 {} 条；过去一天新增 {} 条，审核 {} 条，告警 {} 条。",
                            n("pending"),
                            n("new"),
                            n("decided"),
                            n("alarms")
                        ),
                        format!(
                            "待审候选证据 **{}** 条；过去一天新增 {} 条，审核 {} 条，告警 {} 条。",
                            n("pending"),
                            n("new"),
                            n("decided"),
                            n("alarms")
                        ),
                    ),
                    (
                        format!("候选证据队列：{url}"),
                        format!("[打开候选证据队列]({url})"),
                    ),
                ],
                Some(url),
            )
        }
        EventKind::Test => message(
            format!("测试消息（{}）", now_zh()),
            vec![(
                "这是改革雷达的测试通知，收到即说明通道配置正确。".into(),
                "这是改革雷达的测试通知，收到即说明通道配置正确。".into(),
            )],
            None,
        ),
    }
}
