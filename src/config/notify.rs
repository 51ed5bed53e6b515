//! `[[notify]]` channels in `radar.toml` and `[web] public_url`, and their
//! checks. Secrets (SMTP passwords, robot secrets) never live in the toml:
//! each names an environment variable (`*_env`) or a file (`*_file`).

use super::problems::Problems;
use super::read::Read;
use super::settings::Settings;
use crate::model::TOPICS;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// One notification channel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotifyChannel {
    /// smtp | wecom | dingtalk | feishu | webhook
    pub kind: String,
    /// `smtp://host:port` (STARTTLS when offered; `?tls=required` to insist),
    /// `smtps://host:port`, or the robot's / receiver's https URL.
    pub url: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: Vec<String>,
    pub events: Vec<String>,
    /// Enterprise ids this channel may receive enterprise-scoped events of
    /// (empty: all).
    #[serde(default)]
    pub enterprises: Vec<String>,
    /// SMTP user name (not a secret).
    #[serde(default)]
    pub username: Option<String>,
    /// The SMTP password, from this environment variable or file.
    #[serde(default)]
    pub password_env: Option<String>,
    #[serde(default)]
    pub password_file: Option<String>,
    /// The robot's or webhook's signing secret, from an environment variable or a file.
    #[serde(default)]
    pub secret_env: Option<String>,
    #[serde(default)]
    pub secret_file: Option<String>,
    /// Robot message format: wecom/dingtalk `markdown` (default) or `text`;
    /// feishu `text` (default) or `post`.
    #[serde(default)]
    pub format: Option<String>,
    /// The daily digest's time, Beijing time `HH:MM` (for channels whose
    /// `events` list `daily`).
    #[serde(default = "default_daily_at")]
    pub daily_at: String,
    /// The first retry's delay in seconds; it doubles with every failure.
    #[serde(default = "default_retry_secs")]
    pub retry_secs: f64,
}

fn default_daily_at() -> String {
    "08:30".into()
}

fn default_retry_secs() -> f64 {
    30.0
}

pub const CHANNEL_KINDS: &[&str] = &["smtp", "wecom", "dingtalk", "feishu", "webhook"];

impl NotifyChannel {
    /// The daily digest time as (hour, minute), if it parses.
    pub fn daily_time(&self) -> Option<(u32, u32)> {
        let (h, m) = self.daily_at.split_once(':')?;
        let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
        (h < 24 && m < 60 && self.daily_at.len() == 5).then_some((h, m))
    }

    pub fn carries(&self, topic: &str) -> bool {
        self.events.iter().any(|e| e == topic)
    }
}

fn plausible_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && s.len() <= 254
        && !s
            .chars()
            .any(|c| c.is_whitespace() || c == '<' || c == '>' || c == ',')
}

pub(super) fn check_notify(
    s: &Settings,
    path: &Path,
    read: &Read<Settings>,
    problems: &mut Problems,
) {
    if let Some(u) = &s.web.public_url
        && !read.was_dropped("web.public_url")
    {
        let ok = url::Url::parse(u)
            .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some());
        if !ok {
            let line = read.keys.line_or_parent("web.public_url");
            problems.push(
                path,
                line,
                "web.public_url",
                "must be an http(s) URL such as https://radar.example.org",
            );
        }
    }
    for (i, c) in s.notify.iter().enumerate() {
        let mut bad = |field: &str, msg: String| {
            let key = format!("notify[{i}].{field}");
            let line = read.keys.line_or_parent(&key);
            problems.push(path, line, &key, msg);
        };
        if !CHANNEL_KINDS.contains(&c.kind.as_str()) {
            bad(
                "kind",
                format!("`{}` is not one of {}", c.kind, CHANNEL_KINDS.join(", ")),
            );
        }
        match url::Url::parse(&c.url) {
            Err(e) => bad("url", format!("not a URL: {e}")),
            Ok(u) => {
                if u.password().is_some() {
                    bad(
                        "url",
                        "credentials must not be in radar.toml: use password_env or password_file"
                            .into(),
                    );
                }
                let schemes: &[&str] = if c.kind == "smtp" {
                    &["smtp", "smtps"]
                } else {
                    &["http", "https"]
                };
                if CHANNEL_KINDS.contains(&c.kind.as_str()) && !schemes.contains(&u.scheme()) {
                    bad(
                        "url",
                        format!(
                            "a {} channel needs a {} URL",
                            c.kind,
                            schemes.join(":// or ") + "://"
                        ),
                    );
                }
                if u.host().is_none() {
                    bad("url", "has no host".into());
                }
            }
        }
        if c.kind == "smtp" {
            if !plausible_email(&c.from) {
                bad(
                    "from",
                    "an smtp channel needs a sender address such as radar@example.org".into(),
                );
            }
            if c.to.is_empty() {
                bad("to", "an smtp channel needs at least one recipient".into());
            }
            for t in &c.to {
                if !plausible_email(t) {
                    bad("to", format!("`{t}` is not an e-mail address"));
                }
            }
        } else if !c.to.is_empty() || !c.from.is_empty() {
            bad("to", "only smtp channels take from and to".into());
        }
        if c.events.is_empty() {
            bad(
                "events",
                format!("list at least one of {}", TOPICS.join(", ")),
            );
        }
        for e in &c.events {
            if !TOPICS.contains(&e.as_str()) {
                bad(
                    "events",
                    format!("`{e}` is not one of {}", TOPICS.join(", ")),
                );
            }
        }
        if c.password_env.is_some() && c.password_file.is_some() {
            bad(
                "password_file",
                "give password_env or password_file, not both".into(),
            );
        }
        if c.secret_env.is_some() && c.secret_file.is_some() {
            bad(
                "secret_file",
                "give secret_env or secret_file, not both".into(),
            );
        }
        if c.kind == "webhook" && c.secret_env.is_none() && c.secret_file.is_none() {
            bad(
                "secret_env",
                "a webhook channel signs its posts: name secret_env or secret_file".into(),
            );
        }
        if c.kind != "smtp"
            && (c.password_env.is_some() || c.password_file.is_some() || c.username.is_some())
        {
            bad(
                "username",
                "only smtp channels take username and password".into(),
            );
        }
        if let Some(f) = &c.format {
            let ok: &[&str] = match c.kind.as_str() {
                "wecom" | "dingtalk" => &["markdown", "text"],
                "feishu" => &["text", "post"],
                _ => &[],
            };
            if !ok.contains(&f.as_str()) {
                bad(
                    "format",
                    format!("`{f}` is not a format of a {} channel", c.kind),
                );
            }
        }
        if c.daily_time().is_none() {
            bad(
                "daily_at",
                format!("`{}` is not a Beijing time HH:MM", c.daily_at),
            );
        }
        if !(0.05..=86_400.0).contains(&c.retry_secs) {
            bad("retry_secs", "must be between 0.05 and 86400".into());
        }
        if c.enterprises.len() > 10_000 || c.to.len() > 1000 {
            bad("enterprises", "too many entries".into());
        }
    }
}
