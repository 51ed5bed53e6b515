//! Transports: the network (reqwest with rustls, no automatic redirects or
//! decompression, so that what is archived is what came over the wire) or a
//! replay of WARC archives (no match: 404). Everything above is shared.

use crate::archive::ReplayIndex;
use std::sync::Arc;
use std::time::Duration;
use url::Url;

#[derive(Debug, Clone)]
pub struct RawResponse {
    pub status: u16,
    pub reason: String,
    pub headers: Vec<(String, String)>,
    /// The payload as received (content-encoded if it was).
    pub body: Vec<u8>,
    /// The body was cut at the size limit.
    pub truncated: bool,
}

impl RawResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TransportError {
    #[error("timed out: {0}")]
    Timeout(String),
    #[error("connection failed: {0}")]
    Connect(String),
    #[error("{0}")]
    Other(String),
}

pub enum Transport {
    Network(reqwest::Client),
    Replay(Arc<ReplayIndex>),
}

pub struct NetworkOptions {
    pub connect_timeout: Duration,
    pub read_timeout: Duration,
}

impl Transport {
    pub fn network(opts: &NetworkOptions) -> Result<Transport, TransportError> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(opts.connect_timeout)
            .read_timeout(opts.read_timeout)
            .timeout(opts.read_timeout * 4)
            .build()
            .map_err(|e| TransportError::Other(e.to_string()))?;
        Ok(Transport::Network(client))
    }

    pub fn is_replay(&self) -> bool {
        matches!(self, Transport::Replay(_))
    }

    /// One GET. Reads at most `max_raw` body bytes.
    pub async fn get(
        &self,
        url: &Url,
        headers: &[(String, String)],
        max_raw: u64,
    ) -> Result<RawResponse, TransportError> {
        match self {
            Transport::Network(client) => network_get(client, url, headers, max_raw).await,
            Transport::Replay(index) => {
                let found = index
                    .get(url.as_str())
                    .map_err(|e| TransportError::Other(e.to_string()))?;
                Ok(match found {
                    Some(rec) => {
                        // Archived as cut (`WARC-Truncated`), or longer than
                        // this run's limit: either way not the whole body.
                        let limit = usize::try_from(max_raw).unwrap_or(usize::MAX);
                        let truncated = rec.truncated || rec.body.len() > limit;
                        let mut body = rec.body;
                        body.truncate(limit);
                        RawResponse {
                            status: rec.status.unwrap_or(404),
                            reason: String::new(),
                            headers: rec
                                .headers
                                .into_iter()
                                .filter(|(k, _)| !k.eq_ignore_ascii_case("content-length"))
                                .collect(),
                            body,
                            truncated,
                        }
                    }
                    None => RawResponse {
                        status: 404,
                        reason: "Not Found".into(),
                        headers: vec![("Content-Type".into(), "text/plain".into())],
                        body: b"not in the replayed archives".to_vec(),
                        truncated: false,
                    },
                })
            }
        }
    }
}

fn classify(e: &reqwest::Error) -> TransportError {
    let mut msg = e.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        src = s.source();
    }
    if e.is_timeout() {
        TransportError::Timeout(msg)
    } else if e.is_connect() {
        TransportError::Connect(msg)
    } else {
        TransportError::Other(msg)
    }
}

async fn network_get(
    client: &reqwest::Client,
    url: &Url,
    headers: &[(String, String)],
    max_raw: u64,
) -> Result<RawResponse, TransportError> {
    let mut req = client.get(url.clone());
    for (k, v) in headers {
        req = req.header(k.as_str(), v.as_str());
    }
    let mut resp = req.send().await.map_err(|e| classify(&e))?;
    let status = resp.status();
    let headers = resp
        .headers()
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let mut body = Vec::new();
    let mut truncated = false;
    while let Some(chunk) = resp.chunk().await.map_err(|e| classify(&e))? {
        if body.len() as u64 + chunk.len() as u64 > max_raw {
            let room = max_raw.saturating_sub(body.len() as u64) as usize;
            body.extend_from_slice(&chunk[..room.min(chunk.len())]);
            truncated = true;
            break;
        }
        body.extend_from_slice(&chunk);
    }
    Ok(RawResponse {
        status: status.as_u16(),
        reason: status.canonical_reason().unwrap_or("").to_string(),
        headers,
        body,
        truncated,
    })
}
