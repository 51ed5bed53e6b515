//! Notification events: what happened, in a form the store can keep in its
//! outbox (written in the same transaction as the thing itself) and the
//! `notify` module can render and deliver. No I/O here.

use serde::{Deserialize, Serialize};

/// What kind of thing happened. `topic` is the name a channel's `events`
/// lists (the `[[notify]]` contract).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// A new candidate proposed by matching.
    Candidate,
    /// A reviewer confirmed, rejected, took back or undid a candidate.
    Decision,
    /// An enterprise submitted evidence.
    Submission,
    /// An enterprise appealed a decision.
    Appeal,
    /// The outcome of a submission or appeal (to the enterprise).
    Outcome,
    /// A source's health alarm after a run.
    Alarm,
    /// A crawl run failed.
    RunFailed,
    /// A new signed ledger checkpoint.
    Checkpoint,
    /// The daily digest.
    Daily,
    /// `radar notify test`.
    Test,
}

/// Every topic a channel may list in `events`.
pub const TOPICS: &[&str] = &[
    "candidates",
    "decisions",
    "submissions",
    "alarms",
    "checkpoints",
    "daily",
];

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Candidate => "candidate",
            EventKind::Decision => "decision",
            EventKind::Submission => "submission",
            EventKind::Appeal => "appeal",
            EventKind::Outcome => "outcome",
            EventKind::Alarm => "alarm",
            EventKind::RunFailed => "run_failed",
            EventKind::Checkpoint => "checkpoint",
            EventKind::Daily => "daily",
            EventKind::Test => "test",
        }
    }

    pub fn parse(s: &str) -> Option<EventKind> {
        Some(match s {
            "candidate" => EventKind::Candidate,
            "decision" => EventKind::Decision,
            "submission" => EventKind::Submission,
            "appeal" => EventKind::Appeal,
            "outcome" => EventKind::Outcome,
            "alarm" => EventKind::Alarm,
            "run_failed" => EventKind::RunFailed,
            "checkpoint" => EventKind::Checkpoint,
            "daily" => EventKind::Daily,
            "test" => EventKind::Test,
            _ => return None,
        })
    }

    /// The `events` name of a channel that carries this kind.
    pub fn topic(self) -> &'static str {
        match self {
            EventKind::Candidate => "candidates",
            EventKind::Decision => "decisions",
            EventKind::Submission | EventKind::Appeal | EventKind::Outcome => "submissions",
            EventKind::Alarm | EventKind::RunFailed => "alarms",
            EventKind::Checkpoint => "checkpoints",
            EventKind::Daily => "daily",
            EventKind::Test => "test",
        }
    }
}

/// One event to notify. `key` is unique per event (`candidate:12`,
/// `checkpoint:7`): enqueueing the same key twice stores it once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NotifyEvent {
    pub key: String,
    pub kind: EventKind,
    /// The scoring unit the event is about, if it is enterprise-scoped:
    /// only channels allowed that enterprise receive it.
    pub enterprise: Option<String>,
    /// Deliver at once rather than in the run's digest.
    pub urgent: bool,
    /// What the message is made from (fields per kind).
    pub data: serde_json::Value,
}

impl NotifyEvent {
    pub fn new(key: impl Into<String>, kind: EventKind, data: serde_json::Value) -> NotifyEvent {
        NotifyEvent {
            key: key.into(),
            kind,
            enterprise: None,
            urgent: false,
            data,
        }
    }

    pub fn for_enterprise(mut self, enterprise: &str) -> NotifyEvent {
        self.enterprise = Some(enterprise.to_string());
        self
    }

    pub fn urgent(mut self, urgent: bool) -> NotifyEvent {
        self.urgent = urgent;
        self
    }
}
