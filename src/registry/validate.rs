//! What makes a registry wrong, whatever it was read from: empty or
//! repeated ids, empty names, a name two enterprises share, a former name
//! without its end date, unknown parents and parent cycles. Each issue says
//! which enterprise and which of its names it is about, so the TOML reader
//! can name a key and line and the importer a row and column.

use crate::model::{AliasKind, Registry};
use std::collections::HashMap;

/// Which part of an enterprise an issue is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Spot {
    Id,
    Name,
    /// The `n`th alias of that kind (in the order the enterprise lists them).
    Alias(AliasKind, usize),
    Parent,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Issue {
    /// Index into `Registry::enterprises`.
    pub enterprise: usize,
    pub spot: Spot,
    pub message: String,
}

/// Every issue of a registry, in enterprise order.
pub(crate) fn validate(reg: &Registry) -> Vec<Issue> {
    let mut issues = Vec::new();
    let mut push = |enterprise: usize, spot: Spot, message: String| {
        issues.push(Issue {
            enterprise,
            spot,
            message,
        })
    };
    let mut ids: HashMap<&str, usize> = HashMap::new();
    // Every name of every enterprise: who has it first.
    let mut names: HashMap<&str, (usize, AliasKind)> = HashMap::new();
    for (i, e) in reg.enterprises.iter().enumerate() {
        if e.id.trim().is_empty() {
            push(i, Spot::Id, "empty".into());
        } else if e.id.chars().any(char::is_whitespace) {
            push(i, Spot::Id, format!("`{}` must not contain spaces", e.id));
        } else if let Some(&first) = ids.get(e.id.as_str()) {
            push(
                i,
                Spot::Id,
                format!(
                    "duplicate enterprise id `{}` (also enterprise {})",
                    e.id,
                    first + 1
                ),
            );
        } else {
            ids.insert(&e.id, i);
        }
        let mut nth: HashMap<AliasKind, usize> = HashMap::new();
        let all = std::iter::once((Spot::Name, e.name.as_str(), AliasKind::FullName)).chain(
            e.aliases.iter().map(|a| {
                let n = nth.entry(a.kind).or_insert(0);
                *n += 1;
                (Spot::Alias(a.kind, *n - 1), a.text.as_str(), a.kind)
            }),
        );
        for (spot, text, kind) in all.collect::<Vec<_>>() {
            if text.trim().is_empty() {
                push(i, spot, "empty".into());
                continue;
            }
            if text.trim() != text {
                push(i, spot, format!("`{text}` has spaces around it"));
            }
            match names.get(text) {
                Some(&(j, _)) if j == i => push(
                    i,
                    spot,
                    format!("`{text}` is already a name of this enterprise"),
                ),
                Some(&(j, other)) => push(
                    i,
                    spot,
                    format!(
                        "`{text}` is also the {} of `{}`: a name belongs to one enterprise",
                        other.label_zh(),
                        reg.enterprises[j].id
                    ),
                ),
                None => {
                    names.insert(text, (i, kind));
                }
            }
        }
        for a in &e.aliases {
            if a.kind == AliasKind::FormerName && a.valid_until.is_none() {
                let n = e
                    .aliases
                    .iter()
                    .filter(|b| b.kind == AliasKind::FormerName)
                    .position(|b| b.text == a.text)
                    .unwrap_or(0);
                push(
                    i,
                    Spot::Alias(AliasKind::FormerName, n),
                    format!("former name `{}` needs its end date", a.text),
                );
            }
        }
    }
    for (i, e) in reg.enterprises.iter().enumerate() {
        let Some(parent) = e.parent.as_deref() else {
            continue;
        };
        if parent == e.id {
            push(
                i,
                Spot::Parent,
                "an enterprise cannot be its own parent".into(),
            );
        } else if !ids.contains_key(parent) {
            push(
                i,
                Spot::Parent,
                format!("no enterprise has the id `{parent}`"),
            );
        } else if let Some(chain) = cycle_from(reg, i) {
            push(
                i,
                Spot::Parent,
                format!("parents go round in a cycle: {}", chain.join(" -> ")),
            );
        }
    }
    issues
}

/// The parent chain from enterprise `start` when it comes back to `start`
/// and `start` is the first (by index) enterprise of that cycle, so that a
/// cycle is reported once.
fn cycle_from(reg: &Registry, start: usize) -> Option<Vec<String>> {
    let index = |id: &str| reg.enterprises.iter().position(|e| e.id == id);
    let mut chain = vec![reg.enterprises[start].id.clone()];
    let mut current = start;
    for _ in 0..reg.enterprises.len() {
        let next = index(reg.enterprises[current].parent.as_deref()?)?;
        chain.push(reg.enterprises[next].id.clone());
        if next == start {
            return Some(chain);
        }
        if next < start {
            // Either a cycle an earlier enterprise reports, or none.
            return None;
        }
        current = next;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Alias, Enterprise};

    fn ent(id: &str, name: &str, shorts: &[&str], parent: Option<&str>) -> Enterprise {
        Enterprise {
            id: id.into(),
            name: name.into(),
            aliases: shorts
                .iter()
                .map(|s| Alias {
                    text: (*s).into(),
                    kind: AliasKind::ShortName,
                    ambiguous: false,
                    valid_until: None,
                    distinctive: false,
                })
                .collect(),
            parent: parent.map(str::to_string),
        }
    }

    fn messages(reg: &Registry) -> Vec<(usize, Spot, String)> {
        validate(reg)
            .into_iter()
            .map(|i| (i.enterprise, i.spot, i.message))
            .collect()
    }

    #[test]
    fn a_valid_registry_has_no_issue() {
        let reg = Registry {
            enterprises: vec![
                ent("a", "甲集团", &["甲"], None),
                ent("b", "乙公司", &["乙"], Some("a")),
            ],
            ..Registry::default()
        };
        assert!(validate(&reg).is_empty());
    }

    #[test]
    fn shared_names_duplicate_ids_and_unknown_parents_are_named() {
        let reg = Registry {
            enterprises: vec![
                ent("a", "甲集团", &["城投"], None),
                ent("a", "乙公司", &["城投", ""], Some("zz")),
            ],
            ..Registry::default()
        };
        let m = messages(&reg);
        assert_eq!(m.len(), 4, "{m:#?}");
        assert_eq!(m[0].1, Spot::Id);
        assert!(m[0].2.contains("duplicate enterprise id `a`"));
        assert_eq!(m[1].1, Spot::Alias(AliasKind::ShortName, 0));
        assert!(m[1].2.contains("also the 简称 of `a`"), "{}", m[1].2);
        assert_eq!(
            (m[2].1, m[2].2.as_str()),
            (Spot::Alias(AliasKind::ShortName, 1), "empty")
        );
        assert_eq!(m[3].1, Spot::Parent);
        assert!(m[3].2.contains("`zz`"));
    }

    #[test]
    fn a_parent_cycle_is_reported_once() {
        let reg = Registry {
            enterprises: vec![
                ent("a", "甲", &[], Some("c")),
                ent("b", "乙", &[], Some("a")),
                ent("c", "丙", &[], Some("b")),
                ent("d", "丁", &[], Some("a")),
            ],
            ..Registry::default()
        };
        let m = messages(&reg);
        assert_eq!(m.len(), 1, "{m:#?}");
        assert_eq!(m[0].0, 0);
        assert!(m[0].2.ends_with("a -> c -> b -> a"), "{}", m[0].2);
    }
}
