//! Headless Chromium as a transport beside reqwest, for sites behind
//! JavaScript challenges (加速乐 `__jsl_clearance`, 瑞数, 创宇盾): one browser
//! per crawl, started when a host first needs it, with a fresh profile (so
//! the cookies a challenge sets last for the crawl and no longer), the
//! configured user agent and Accept-Language, images off, and one tab per
//! host (so at most one page per host is in the browser at once). Every
//! request of a tab is paused by the DevTools `Fetch` domain, so that the
//! fetcher paces it, archives the bytes the browser received, and blocks
//! what it should not fetch (see `crawl::browser_fetch`).

mod cdp;
mod launch;

pub use cdp::{CdpError, Event};
pub use launch::{PACKAGES, resolve};

use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{Mutex as AsyncMutex, mpsc};

/// What the browser is started with.
#[derive(Debug, Clone)]
pub struct BrowserConfig {
    /// A path, or a name looked up on PATH.
    pub binary: String,
    pub user_agent: String,
    pub accept_language: String,
    /// Longest time one page may take, challenge included.
    pub timeout: Duration,
}

/// One tab, attached with its own session; its events arrive on `events`.
pub struct Tab {
    pub session: String,
    /// The target id, which is also the id of the tab's main frame.
    pub target: String,
    pub events: mpsc::UnboundedReceiver<Event>,
}

/// A tab per host, taken for one page at a time.
pub type TabSlot = Arc<AsyncMutex<Option<Tab>>>;

pub struct Browser {
    cdp: cdp::Cdp,
    /// `Chrome/…` (or `HeadlessChrome/…`) as the browser names itself.
    pub product: String,
    pub config: BrowserConfig,
    tabs: Mutex<HashMap<String, TabSlot>>,
    // Last: the connection goes before the process.
    _process: launch::Chromium,
}

impl Browser {
    /// Start Chromium and connect to it. The error says what is missing in
    /// words for the operator (with the Debian package names).
    pub async fn launch(config: &BrowserConfig) -> Result<Browser, String> {
        let binary = launch::resolve(&config.binary)?;
        let process = launch::launch(&binary, &config.user_agent, &config.accept_language).await?;
        let cdp = cdp::Cdp::connect(&process.ws_url)
            .await
            .map_err(|e| e.to_string())?;
        let version = cdp
            .call("Browser.getVersion", json!({}), None)
            .await
            .map_err(|e| e.to_string())?;
        let product = version["product"]
            .as_str()
            .unwrap_or("Chromium")
            .to_string();
        tracing::info!(%product, binary = %binary.display(), "headless Chromium started");
        Ok(Browser {
            cdp,
            product,
            config: config.clone(),
            tabs: Mutex::new(HashMap::new()),
            _process: process,
        })
    }

    /// The tab slot of a host (`host:port`).
    pub fn tab_slot(&self, host: &str) -> TabSlot {
        self.tabs
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(host.to_string())
            .or_default()
            .clone()
    }

    /// A command to a tab's session.
    pub async fn call(&self, tab: &Tab, method: &str, params: Value) -> Result<Value, CdpError> {
        self.cdp.call(method, params, Some(&tab.session)).await
    }

    /// A command to a session by its id.
    pub async fn call_in(
        &self,
        session: &str,
        method: &str,
        params: Value,
    ) -> Result<Value, CdpError> {
        self.cdp.call(method, params, Some(session)).await
    }

    /// A new tab on about:blank with every request paused twice (before it is
    /// sent, and when its response head has come), the user agent and
    /// Accept-Language set.
    pub async fn open_tab(&self) -> Result<Tab, CdpError> {
        let created = self
            .cdp
            .call("Target.createTarget", json!({ "url": "about:blank" }), None)
            .await?;
        let target = created["targetId"].as_str().unwrap_or_default().to_string();
        let attached = self
            .cdp
            .call(
                "Target.attachToTarget",
                json!({ "targetId": target, "flatten": true }),
                None,
            )
            .await?;
        let session = attached["sessionId"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let events = self.cdp.subscribe(&session);
        let tab = Tab {
            session,
            target,
            events,
        };
        self.call(&tab, "Page.enable", json!({})).await?;
        self.call(&tab, "Network.enable", json!({})).await?;
        // Every document must come over the network (and so be paused, paced
        // and archived), never from the HTTP cache.
        self.call(
            &tab,
            "Network.setCacheDisabled",
            json!({ "cacheDisabled": true }),
        )
        .await?;
        self.call(
            &tab,
            "Network.setUserAgentOverride",
            json!({
                "userAgent": self.config.user_agent,
                "acceptLanguage": self.config.accept_language,
            }),
        )
        .await?;
        self.call(
            &tab,
            "Fetch.enable",
            json!({ "patterns": [
                { "urlPattern": "*", "requestStage": "Request" },
                { "urlPattern": "*", "requestStage": "Response" },
            ] }),
        )
        .await?;
        Ok(tab)
    }

    /// Close a tab (after a failure: the next page gets a fresh one).
    pub async fn close_tab(&self, tab: Tab) {
        self.cdp.unsubscribe(&tab.session);
        let _ = self
            .cdp
            .call(
                "Target.closeTarget",
                json!({ "targetId": tab.target }),
                None,
            )
            .await;
    }
}
