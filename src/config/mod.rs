//! The deployment home and its configuration: `radar.toml`, `sources/*.toml`,
//! `enterprises.toml` and `rules.toml`. Defaults are compiled in; files in the
//! home override them; unknown keys are rejected; every problem is reported as
//! `file:line: field: what is wrong`. `enterprises.toml` is read and checked
//! by `registry` with the reader here (`read_collecting`).

mod check;
mod defaults;
mod home;
mod limits;
mod notify;
mod patterns;
mod problems;
mod read;
mod scoring_rules;
mod settings;

pub use crate::model::Rules;
pub use check::{Checked, check_home, load_sources};
pub use defaults::{DEFAULT_ENTERPRISES, DEFAULT_SOURCES};
pub use home::{Home, HomeError, InitReport};
pub use notify::{CHANNEL_KINDS, NotifyChannel};
pub use problems::{Problem, Problems};
pub(crate) use read::{Read, read_collecting};
pub use scoring_rules::parse_rules;
pub use settings::{
    ArchiveSettings, BrowserSettings, LedgerSettings, MetricsSettings, Politeness,
    ScheduleSettings, Settings, WebSettings,
};
