//! Known namesakes of our names (central SOEs, big banks, the city's own
//! groups, other provinces' companies, other cities' nicknames): a list
//! shipped as data (`homonyms.toml`, compiled in) plus the registry's own
//! `[[homonym]]` entries. The automaton finds them in the same pass as our
//! names; a hit of ours inside one (or equal to one) is not meant.

use crate::model::Homonym;
use serde::Deserialize;
use std::sync::LazyLock;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    homonym: Vec<Homonym>,
}

static BUILTIN: LazyLock<Vec<Homonym>> = LazyLock::new(|| {
    match toml::from_str::<File>(include_str!("homonyms.toml")) {
        Ok(f) => f.homonym,
        Err(e) => {
            // Checked by a unit test; never fatal at run time.
            tracing::error!("built-in homonyms.toml does not parse: {e}");
            Vec::new()
        }
    }
});

/// The list shipped with the matcher.
pub fn builtin() -> &'static [Homonym] {
    &BUILTIN
}

/// The shipped list followed by the registry's own entries (a registry
/// entry with the same name replaces the shipped one).
pub fn combined(registry: &[Homonym]) -> Vec<Homonym> {
    let mut out: Vec<Homonym> = builtin()
        .iter()
        .filter(|b| !registry.iter().any(|r| r.name == b.name))
        .cloned()
        .collect();
    out.extend(registry.iter().cloned());
    out
}
