//! The enterprise registry of a home: `enterprises.toml` read into the
//! model's [`Registry`] (every problem as `file:line: field: message`),
//! written back, and filled from the spreadsheets people keep (CSV in UTF-8
//! or GBK, XLSX) by `radar enterprises import`. Depends on `model` and
//! `config` only.

mod example;
mod file;
mod header;
mod import;
mod sheet;
mod validate;

pub use example::example_enterprises;
pub use file::{DEFAULT_GRACE_DAYS, read, save, to_toml};
pub use import::{ImportError, ImportReport, import, import_into};

use crate::config::{Checked, Home, Problems, check_home as check_config};
use crate::model::Registry;

/// The home's registry, or every problem of its `enterprises.toml`. A home
/// without the file has an empty registry.
pub fn load(home: &Home) -> Result<Registry, Problems> {
    let (registry, problems) = read(&home.enterprises_path());
    if problems.is_empty() {
        Ok(registry)
    } else {
        Err(problems)
    }
}

/// The whole home checked: settings, rules and sources (`config`), then
/// `enterprises.toml`, whose `home_sources` must name sources of the home.
pub fn check_home(home: &Home) -> Result<(Checked, Registry), Problems> {
    let path = home.enterprises_path();
    let (registry, mut reg_problems) = read(&path);
    let checked = match check_config(home) {
        Ok(c) => Some(c),
        Err(p) => {
            let mut all = p;
            all.0.append(&mut reg_problems.0);
            reg_problems = all;
            None
        }
    };
    if let Some(c) = &checked {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        for (i, s) in registry.home_sources.iter().enumerate() {
            if !s.trim().is_empty() && !c.sources.iter().any(|d| &d.id == s) {
                let line = text
                    .lines()
                    .position(|l| l.trim_start().starts_with("home_sources"))
                    .map(|n| n + 1);
                reg_problems.push(
                    &path,
                    line,
                    &format!("home_sources[{i}]"),
                    format!("`{s}` is not a source of this home (sources/*.toml)"),
                );
            }
        }
    }
    match checked {
        Some(c) if reg_problems.is_empty() => Ok((c, registry)),
        _ => Err(reg_problems),
    }
}
