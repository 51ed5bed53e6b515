//! A small Chrome DevTools Protocol client over one websocket: commands
//! (`id`, `method`, `params`, optional `sessionId`) answered by id, and the
//! events of each attached session delivered to that session's channel.
//! Only what the browser transport needs; see docs/browser-crawl.md for why
//! this is hand-written rather than chromiumoxide.

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::Message;

/// Longest wait for the answer to one command.
const CALL_TIMEOUT: Duration = Duration::from_secs(30);
/// Largest DevTools message read (a response body comes base64-encoded in one).
const MAX_MESSAGE: usize = 64 << 20;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CdpError {
    #[error("DevTools connection: {0}")]
    Connection(String),
    #[error("{method}: {message}")]
    Command { method: String, message: String },
    #[error("{0}: no answer within {1:?}")]
    Timeout(String, Duration),
}

/// One event of an attached session.
#[derive(Debug, Clone)]
pub struct Event {
    pub method: String,
    pub params: Value,
}

type Answer = Result<Value, String>;
type Pending = Arc<Mutex<HashMap<u64, oneshot::Sender<Answer>>>>;
type Sessions = Arc<Mutex<HashMap<String, mpsc::UnboundedSender<Event>>>>;

pub struct Cdp {
    out: mpsc::UnboundedSender<String>,
    pending: Pending,
    sessions: Sessions,
    next: AtomicU64,
    tasks: [JoinHandle<()>; 2],
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Cdp {
    /// Connect to the browser's websocket (`ws://127.0.0.1:PORT/devtools/browser/…`).
    pub async fn connect(ws_url: &str) -> Result<Cdp, CdpError> {
        let config = tokio_tungstenite::tungstenite::protocol::WebSocketConfig::default()
            .max_message_size(Some(MAX_MESSAGE))
            .max_frame_size(Some(MAX_MESSAGE));
        let (stream, _) = tokio_tungstenite::connect_async_with_config(ws_url, Some(config), false)
            .await
            .map_err(|e| CdpError::Connection(e.to_string()))?;
        let (mut sink, mut source) = stream.split();
        let (out, mut out_rx) = mpsc::unbounded_channel::<String>();
        let writer = tokio::spawn(async move {
            while let Some(text) = out_rx.recv().await {
                if sink.send(Message::text(text)).await.is_err() {
                    break;
                }
            }
            let _ = sink.close().await;
        });
        let pending: Pending = Arc::default();
        let sessions: Sessions = Arc::default();
        let (p, s) = (pending.clone(), sessions.clone());
        let reader = tokio::spawn(async move {
            while let Some(Ok(msg)) = source.next().await {
                let text = match msg {
                    Message::Text(t) => t,
                    Message::Close(_) => break,
                    _ => continue,
                };
                let Ok(v) = serde_json::from_str::<Value>(text.as_str()) else {
                    continue;
                };
                dispatch(v, &p, &s);
            }
            // The browser is gone: every waiting command fails, every
            // session's channel closes.
            lock(&p).clear();
            lock(&s).clear();
        });
        Ok(Cdp {
            out,
            pending,
            sessions,
            next: AtomicU64::new(1),
            tasks: [reader, writer],
        })
    }

    /// Send a command (to a session, or to the browser) and wait for its answer.
    pub async fn call(
        &self,
        method: &str,
        params: Value,
        session: Option<&str>,
    ) -> Result<Value, CdpError> {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = oneshot::channel();
        lock(&self.pending).insert(id, tx);
        let mut msg = json!({ "id": id, "method": method, "params": params });
        if let Some(s) = session {
            msg["sessionId"] = json!(s);
        }
        if self.out.send(msg.to_string()).is_err() {
            lock(&self.pending).remove(&id);
            return Err(CdpError::Connection("closed".into()));
        }
        match tokio::time::timeout(CALL_TIMEOUT, rx).await {
            Ok(Ok(Ok(v))) => Ok(v),
            Ok(Ok(Err(message))) => Err(CdpError::Command {
                method: method.to_string(),
                message,
            }),
            Ok(Err(_)) => Err(CdpError::Connection("closed".into())),
            Err(_) => {
                lock(&self.pending).remove(&id);
                Err(CdpError::Timeout(method.to_string(), CALL_TIMEOUT))
            }
        }
    }

    /// The events of a session from now on.
    pub fn subscribe(&self, session: &str) -> mpsc::UnboundedReceiver<Event> {
        let (tx, rx) = mpsc::unbounded_channel();
        lock(&self.sessions).insert(session.to_string(), tx);
        rx
    }

    pub fn unsubscribe(&self, session: &str) {
        lock(&self.sessions).remove(session);
    }
}

impl Drop for Cdp {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}

/// An answer goes to its caller, a session's event to that session.
fn dispatch(v: Value, pending: &Pending, sessions: &Sessions) {
    if let Some(id) = v.get("id").and_then(Value::as_u64) {
        let Some(tx) = lock(pending).remove(&id) else {
            return;
        };
        let answer = match v.get("error") {
            Some(e) => Err(e
                .get("message")
                .and_then(Value::as_str)
                .unwrap_or("error")
                .to_string()),
            None => Ok(v.get("result").cloned().unwrap_or(Value::Null)),
        };
        let _ = tx.send(answer);
        return;
    }
    let (Some(method), Some(session)) = (
        v.get("method").and_then(Value::as_str),
        v.get("sessionId").and_then(Value::as_str),
    ) else {
        return;
    };
    if let Some(tx) = lock(sessions).get(session) {
        let _ = tx.send(Event {
            method: method.to_string(),
            params: v.get("params").cloned().unwrap_or(Value::Null),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_go_to_their_caller_and_events_to_their_session() {
        let pending: Pending = Arc::default();
        let sessions: Sessions = Arc::default();
        let (tx, mut rx) = oneshot::channel();
        lock(&pending).insert(7, tx);
        let (etx, mut erx) = mpsc::unbounded_channel();
        lock(&sessions).insert("S1".into(), etx);
        dispatch(
            json!({"id": 7, "result": {"frameId": "F"}}),
            &pending,
            &sessions,
        );
        assert_eq!(rx.try_recv().ok(), Some(Ok(json!({"frameId": "F"}))));
        dispatch(
            json!({"method": "Page.loadEventFired", "sessionId": "S1", "params": {"timestamp": 1}}),
            &pending,
            &sessions,
        );
        dispatch(
            json!({"method": "Page.loadEventFired", "sessionId": "other", "params": {}}),
            &pending,
            &sessions,
        );
        let e = erx.try_recv().expect("the session's event");
        assert_eq!(e.method, "Page.loadEventFired");
        assert!(
            erx.try_recv().is_err(),
            "another session's event is not ours"
        );
        let (tx, mut rx) = oneshot::channel();
        lock(&pending).insert(8, tx);
        dispatch(
            json!({"id": 8, "error": {"code": -32000, "message": "No target"}}),
            &pending,
            &sessions,
        );
        assert_eq!(rx.try_recv().ok(), Some(Err("No target".to_string())));
    }
}
