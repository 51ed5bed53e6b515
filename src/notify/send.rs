//! The senders: SMTP (lettre over tokio with rustls), the 企业微信, 钉钉 and
//! 飞书 group robots in their documented formats and signatures, and the
//! generic signed JSON webhook.

use super::hmac::hmac_sha256;
use super::render::Message;
use crate::config::NotifyChannel;
use base64::Engine;
use serde_json::{Value, json};
use std::time::Duration;

/// Why a delivery did not succeed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct SendError {
    /// The receiver said "too many": wait longer before the next try.
    pub rate_limited: bool,
    pub message: String,
}

impl SendError {
    fn failed(message: impl Into<String>) -> SendError {
        SendError {
            rate_limited: false,
            message: message.into(),
        }
    }
    fn limited(message: impl Into<String>) -> SendError {
        SendError {
            rate_limited: true,
            message: message.into(),
        }
    }
}

/// Messages a channel may send per minute (the robots' documented limits).
pub fn per_minute(kind: &str) -> Option<u64> {
    match kind {
        "wecom" | "dingtalk" => Some(20),
        "feishu" => Some(100),
        _ => None,
    }
}

/// A channel with its secrets read (from the environment or a file).
pub struct Sender<'a> {
    pub channel: &'a NotifyChannel,
    pub secret: Option<String>,
    pub password: Option<String>,
    pub http: reqwest::Client,
}

fn read_secret(
    env: &Option<String>,
    file: &Option<String>,
    what: &str,
) -> Result<Option<String>, SendError> {
    if let Some(var) = env {
        return std::env::var(var)
            .map(|v| Some(v.trim().to_string()))
            .map_err(|_| {
                SendError::failed(format!("{what}: environment variable {var} is not set"))
            });
    }
    if let Some(path) = file {
        return std::fs::read_to_string(path)
            .map(|v| Some(v.trim().to_string()))
            .map_err(|e| SendError::failed(format!("{what}: cannot read {path}: {e}")));
    }
    Ok(None)
}

pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(20))
        .user_agent("reform-radar-notify/0.1")
        .build()
        .unwrap_or_default()
}

impl<'a> Sender<'a> {
    pub fn new(channel: &'a NotifyChannel, http: reqwest::Client) -> Result<Sender<'a>, SendError> {
        Ok(Sender {
            secret: read_secret(&channel.secret_env, &channel.secret_file, "secret")?,
            password: read_secret(&channel.password_env, &channel.password_file, "password")?,
            channel,
            http,
        })
    }

    /// Deliver one message; `idem_key` lets a receiver drop a repeat.
    pub async fn send(&self, m: &Message, idem_key: &str, event: &str) -> Result<(), SendError> {
        match self.channel.kind.as_str() {
            "smtp" => self.smtp(m, idem_key, &self.channel.to).await,
            "wecom" => {
                let body = wecom_payload(m, self.channel.format.as_deref());
                let answer = self.post_json(&self.channel.url, &body, &[]).await?;
                robot_answer(&answer, "errcode", &[45009])
            }
            "dingtalk" => {
                let body = dingtalk_payload(m, self.channel.format.as_deref());
                let url = match &self.secret {
                    Some(secret) => dingtalk_signed_url(&self.channel.url, secret, now_ms()),
                    None => self.channel.url.clone(),
                };
                let answer = self.post_json(&url, &body, &[]).await?;
                robot_answer(&answer, "errcode", &[130101])
            }
            "feishu" => {
                let body = feishu_payload(
                    m,
                    self.channel.format.as_deref(),
                    self.secret.as_deref(),
                    now_ms() / 1000,
                );
                let answer = self.post_json(&self.channel.url, &body, &[]).await?;
                let key = if answer.get("code").is_some() {
                    "code"
                } else {
                    "StatusCode"
                };
                robot_answer(&answer, key, &[11232, 9499])
            }
            "webhook" => {
                let body = webhook_payload(m, event, idem_key);
                let bytes =
                    serde_json::to_vec(&body).map_err(|e| SendError::failed(e.to_string()))?;
                let secret = self.secret.as_deref().unwrap_or("");
                let sig = format!(
                    "sha256={}",
                    hex::encode(hmac_sha256(secret.as_bytes(), &bytes))
                );
                self.post_bytes(
                    &self.channel.url,
                    bytes,
                    &[
                        ("X-Radar-Signature", sig),
                        ("Idempotency-Key", idem_key.to_string()),
                    ],
                )
                .await
                .map(|_| ())
            }
            other => Err(SendError::failed(format!("unknown channel kind {other}"))),
        }
    }

    /// Send a message by e-mail to these recipients through this channel's server.
    pub async fn smtp(&self, m: &Message, idem_key: &str, to: &[String]) -> Result<(), SendError> {
        use lettre::message::header::ContentType;
        use lettre::transport::smtp::authentication::Credentials;
        use lettre::transport::smtp::client::{Tls, TlsParameters};
        use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
        let bad = |e: &dyn std::fmt::Display| SendError::failed(format!("smtp: {e}"));
        let url = url::Url::parse(&self.channel.url).map_err(|e| bad(&e))?;
        let host = url
            .host_str()
            .ok_or_else(|| SendError::failed("smtp: no host"))?
            .to_string();
        let tls_required = url
            .query_pairs()
            .any(|(k, v)| k == "tls" && v == "required");
        let mut builder = match url.scheme() {
            "smtps" => AsyncSmtpTransport::<Tokio1Executor>::relay(&host).map_err(|e| bad(&e))?,
            _ if tls_required => {
                AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&host).map_err(|e| bad(&e))?
            }
            _ => {
                let params = TlsParameters::new(host.clone()).map_err(|e| bad(&e))?;
                AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&host)
                    .tls(Tls::Opportunistic(params))
            }
        };
        if let Some(port) = url.port() {
            builder = builder.port(port);
        }
        builder = builder.timeout(Some(Duration::from_secs(20)));
        let user = self
            .channel
            .username
            .clone()
            .or_else(|| (!url.username().is_empty()).then(|| url.username().to_string()));
        if let (Some(user), Some(pass)) = (user, &self.password) {
            builder = builder.credentials(Credentials::new(user, pass.clone()));
        }
        let mailer = builder.build();
        let mut email = lettre::Message::builder()
            .from(self.channel.from.parse().map_err(|e| bad(&e))?)
            .subject(m.title.clone())
            .message_id(Some(format!("<{idem_key}@reform-radar>")));
        for t in to {
            email = email.to(t.parse().map_err(|e| bad(&e))?);
        }
        // Base64 body: Chinese text passes every relay unchanged.
        let part = lettre::message::SinglePart::builder()
            .header(ContentType::TEXT_PLAIN)
            .header(lettre::message::header::ContentTransferEncoding::Base64)
            .body(m.text.clone());
        let email = email.singlepart(part).map_err(|e| bad(&e))?;
        mailer.send(email).await.map_err(|e| {
            let limited = e.status().is_some_and(|c| {
                c.severity
                    == lettre::transport::smtp::response::Severity::TransientNegativeCompletion
            });
            SendError {
                rate_limited: limited,
                message: format!("smtp: {e}"),
            }
        })?;
        Ok(())
    }

    async fn post_json(
        &self,
        url: &str,
        body: &Value,
        headers: &[(&str, String)],
    ) -> Result<Value, SendError> {
        let bytes = serde_json::to_vec(body).map_err(|e| SendError::failed(e.to_string()))?;
        let answer = self.post_bytes(url, bytes, headers).await?;
        serde_json::from_slice(&answer)
            .map_err(|_| SendError::failed("the robot's answer is not JSON"))
    }

    async fn post_bytes(
        &self,
        url: &str,
        body: Vec<u8>,
        headers: &[(&str, String)],
    ) -> Result<Vec<u8>, SendError> {
        let mut req = self
            .http
            .post(url)
            .header("Content-Type", "application/json; charset=utf-8")
            .body(body);
        for (k, v) in headers {
            req = req.header(*k, v);
        }
        let resp = req
            .send()
            .await
            .map_err(|e| SendError::failed(format!("post: {}", e.without_url())))?;
        let status = resp.status();
        let bytes = resp
            .bytes()
            .await
            .map_err(|e| SendError::failed(format!("answer: {}", e.without_url())))?;
        if status.as_u16() == 429 {
            return Err(SendError::limited("HTTP 429 Too Many Requests"));
        }
        if !status.is_success() {
            return Err(SendError::failed(format!("HTTP {status}")));
        }
        Ok(bytes.iter().take(64 * 1024).copied().collect())
    }
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// A robot's JSON answer: `key` 0 is success; codes in `limited` mean too many.
fn robot_answer(answer: &Value, key: &str, limited: &[i64]) -> Result<(), SendError> {
    let code = answer.get(key).and_then(Value::as_i64);
    let msg = ["errmsg", "msg", "StatusMessage"]
        .iter()
        .find_map(|k| answer.get(*k).and_then(Value::as_str))
        .unwrap_or("");
    match code {
        Some(0) => Ok(()),
        Some(c) if limited.contains(&c) => {
            Err(SendError::limited(format!("rate limited: {key} {c} {msg}")))
        }
        Some(c) => Err(SendError::failed(format!("{key} {c} {msg}"))),
        None => Err(SendError::failed(format!(
            "the robot's answer has no {key}"
        ))),
    }
}

/// 企业微信 group robot: `markdown` (default) or `text`. Content is at most
/// 4096 bytes.
pub fn wecom_payload(m: &Message, format: Option<&str>) -> Value {
    match format {
        Some("text") => json!({ "msgtype": "text", "text": { "content": cut(&m.text, 2048) } }),
        _ => json!({ "msgtype": "markdown", "markdown": { "content": cut(&m.markdown, 4096) } }),
    }
}

/// 钉钉 group robot: `markdown` (default, with a title) or `text`.
pub fn dingtalk_payload(m: &Message, format: Option<&str>) -> Value {
    match format {
        Some("text") => json!({ "msgtype": "text", "text": { "content": cut(&m.text, 18000) } }),
        _ => {
            json!({ "msgtype": "markdown", "markdown": { "title": m.title, "text": cut(&m.markdown, 18000) } })
        }
    }
}

/// 钉钉's signed URL: `&timestamp=<ms>&sign=<urlencoded base64 HMAC-SHA256
/// of "timestamp\nsecret" keyed by the secret>`.
pub fn dingtalk_signed_url(url: &str, secret: &str, timestamp_ms: i64) -> String {
    let to_sign = format!("{timestamp_ms}\n{secret}");
    let sign = base64::engine::general_purpose::STANDARD
        .encode(hmac_sha256(secret.as_bytes(), to_sign.as_bytes()));
    let sign: String = url::form_urlencoded::byte_serialize(sign.as_bytes()).collect();
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}timestamp={timestamp_ms}&sign={sign}")
}

/// 飞书's signature: base64 of HMAC-SHA256 keyed by "timestamp\nsecret" over
/// an empty message (timestamp in seconds).
pub fn feishu_sign(secret: &str, timestamp_s: i64) -> String {
    let key = format!("{timestamp_s}\n{secret}");
    base64::engine::general_purpose::STANDARD.encode(hmac_sha256(key.as_bytes(), b""))
}

/// 飞书 group robot: `text` (default) or `post` (rich text with a title and a link).
pub fn feishu_payload(
    m: &Message,
    format: Option<&str>,
    secret: Option<&str>,
    timestamp_s: i64,
) -> Value {
    let mut body = match format {
        Some("post") => {
            let mut content: Vec<Value> = m
                .text
                .lines()
                .skip(1)
                .map(|l| json!([{ "tag": "text", "text": l }]))
                .collect();
            if let Some(link) = &m.link {
                content.push(json!([{ "tag": "a", "text": "打开页面", "href": link }]));
            }
            json!({ "msg_type": "post", "content": { "post": { "zh_cn": { "title": m.title, "content": content } } } })
        }
        _ => json!({ "msg_type": "text", "content": { "text": cut(&m.text, 18000) } }),
    };
    if let Some(secret) = secret {
        body["timestamp"] = json!(timestamp_s.to_string());
        body["sign"] = json!(feishu_sign(secret, timestamp_s));
    }
    body
}

/// The generic webhook's JSON.
pub fn webhook_payload(m: &Message, event: &str, idem_key: &str) -> Value {
    json!({
        "event": event,
        "idempotency_key": idem_key,
        "title": m.title,
        "text": m.text,
        "link": m.link,
        "enterprises": m.enterprises,
    })
}

/// At most `max` bytes, cut at a character boundary.
fn cut(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max.saturating_sub(3);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dingtalk_sign_matches_the_documented_recipe() {
        let url = dingtalk_signed_url(
            "https://oapi.dingtalk.com/robot/send?access_token=T",
            "SEC1",
            1_700_000_000_000,
        );
        let expect = base64::engine::general_purpose::STANDARD
            .encode(hmac_sha256(b"SEC1", b"1700000000000\nSEC1"));
        let expect: String = url::form_urlencoded::byte_serialize(expect.as_bytes()).collect();
        assert_eq!(
            url,
            format!(
                "https://oapi.dingtalk.com/robot/send?access_token=T&timestamp=1700000000000&sign={expect}"
            )
        );
    }

    #[test]
    fn robot_answers_are_told_apart() {
        assert!(robot_answer(&json!({"errcode": 0, "errmsg": "ok"}), "errcode", &[45009]).is_ok());
        assert!(
            robot_answer(&json!({"errcode": 45009}), "errcode", &[45009])
                .unwrap_err()
                .rate_limited
        );
        assert!(
            !robot_answer(&json!({"errcode": 93000}), "errcode", &[45009])
                .unwrap_err()
                .rate_limited
        );
    }

    #[test]
    fn long_content_is_cut_at_a_character() {
        let s = "中".repeat(2000);
        let c = cut(&s, 4096);
        assert!(c.len() <= 4096 && c.ends_with('…'));
    }
}
