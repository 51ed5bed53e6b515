//! `radar.toml`: the user agent, politeness, schedule and archive settings.

use super::notify::NotifyChannel;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// The commission whose scorecards this home keeps (titles of reports and bundles).
    pub commission: String,
    pub user_agent: String,
    pub accept_language: String,
    pub politeness: Politeness,
    pub schedule: ScheduleSettings,
    pub archive: ArchiveSettings,
    /// `[web]`: how people reach the server (links in notifications).
    pub web: WebSettings,
    /// `[[notify]]`: notification channels.
    pub notify: Vec<NotifyChannel>,
    pub metrics: MetricsSettings,
    pub ledger: LedgerSettings,
    pub browser: BrowserSettings,
}

/// `[ledger]`: whose ledger this is, where its checkpoints are witnessed and
/// where its signing key lives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LedgerSettings {
    /// The commission's id (the registry's owner), committed in every leaf.
    pub commission_id: String,
    /// A folder outside the home (another disk, another owner) where every
    /// new checkpoint is also written; `radar ledger verify` checks the
    /// ledger against every checkpoint in it. Relative paths are from the home.
    pub witness_dir: Option<std::path::PathBuf>,
    /// The Ed25519 signing key (PKCS#8 PEM), e.g. outside the home; refused
    /// when group- or world-readable. Absent: `keys/ledger-ed25519.pem`.
    pub signing_key: Option<std::path::PathBuf>,
}

impl Default for LedgerSettings {
    fn default() -> Self {
        LedgerSettings {
            commission_id: "wanzhou-gzw".into(),
            witness_dir: None,
            signing_key: None,
        }
    }
}

/// Headless Chromium for sites behind JavaScript challenges (see
/// docs/browser-crawl.md): which binary, and the hard timeout of one page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BrowserSettings {
    /// The Chromium binary: a path, or a name looked up on PATH. The
    /// environment variable `RADAR_CHROMIUM` overrides it.
    pub chromium: String,
    /// Longest time one page may take in the browser, challenge included.
    pub timeout_secs: f64,
}

impl Default for BrowserSettings {
    fn default() -> Self {
        BrowserSettings {
            chromium: "chromium".into(),
            timeout_secs: 60.0,
        }
    }
}

/// `[metrics]`: who may read `GET /metrics` of `radar serve --listen`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MetricsSettings {
    /// The bearer token Prometheus sends (`Authorization: Bearer TOKEN`);
    /// empty: `/metrics` is refused (403) except on `--metrics-listen`.
    pub token: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Politeness {
    pub pace_secs: f64,
    pub concurrency: usize,
    pub connect_timeout_secs: f64,
    pub read_timeout_secs: f64,
    pub max_body_bytes: u64,
    pub max_redirects: u32,
    pub retries: u32,
    pub backoff_base_ms: u64,
    pub max_retry_after_secs: u64,
    pub obey_robots: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ScheduleSettings {
    pub default: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ArchiveSettings {
    pub rotate_bytes: u64,
}

/// `[web]`: the web server behind a reverse proxy.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WebSettings {
    /// Addresses of reverse proxies whose `X-Forwarded-For` and
    /// `X-Forwarded-Proto` are believed (e.g. `["127.0.0.1"]`). From any
    /// other peer those headers are ignored: the client is the peer.
    pub trusted_proxies: Vec<String>,
    /// The address people open, e.g. `https://radar.example.org` (links in
    /// notifications to 证据详情 and the other pages).
    pub public_url: Option<String>,
}

impl WebSettings {
    /// The trusted proxies as addresses (the ones that do not parse are
    /// reported by `radar check` and left out here).
    pub fn trusted_proxy_addrs(&self) -> Vec<std::net::IpAddr> {
        self.trusted_proxies
            .iter()
            .filter_map(|a| a.trim().parse().ok())
            .collect()
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            commission: "重庆市万州区国有资产监督管理委员会".into(),
            user_agent:
                "reform-radar/0.1 (+mailto:radar-ops@example.org; SOE reform media monitoring)"
                    .into(),
            accept_language: "zh-CN,zh;q=0.9".into(),
            politeness: Politeness::default(),
            schedule: ScheduleSettings::default(),
            archive: ArchiveSettings::default(),
            web: WebSettings::default(),
            notify: Vec::new(),
            metrics: MetricsSettings::default(),
            ledger: LedgerSettings::default(),
            browser: BrowserSettings::default(),
        }
    }
}

impl Default for Politeness {
    fn default() -> Self {
        Politeness {
            pace_secs: 1.2,
            concurrency: 4,
            connect_timeout_secs: 10.0,
            read_timeout_secs: 30.0,
            max_body_bytes: 16_000_000,
            max_redirects: 8,
            retries: 3,
            backoff_base_ms: 1000,
            max_retry_after_secs: 300,
            obey_robots: true,
        }
    }
}

impl Default for ScheduleSettings {
    fn default() -> Self {
        ScheduleSettings {
            default: "0 15 8,13,18 * * *".into(),
        }
    }
}

impl Default for ArchiveSettings {
    fn default() -> Self {
        ArchiveSettings {
            rotate_bytes: 500_000_000,
        }
    }
}

impl Settings {
    /// Settings for tests: fast, no robots cache surprises.
    pub fn for_test() -> Self {
        let mut s = Settings::default();
        s.politeness.pace_secs = 0.0;
        s.politeness.backoff_base_ms = 10;
        s.politeness.connect_timeout_secs = 2.0;
        s.politeness.read_timeout_secs = 2.0;
        s
    }
}
