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
        if let Some(problem) = crate::model::names::id_problem(&e.id) {
            push(i, Spot::Id, problem);
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
            if text.chars().any(char::is_control) {
                push(
                    i,
                    spot,
                    format!("{text:?} contains a line break or a control character"),
                );
                continue;
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
    let cycles = cycles(reg, &ids);
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
        } else if let Some(chain) = cycles.get(&i) {
            push(
                i,
                Spot::Parent,
                format!("parents go round in a cycle: {}", chain.join(" -> ")),
            );
        }
    }
    issues
}

/// Every parent cycle, once, keyed by its first enterprise (by index):
/// the chain of ids from it back to it. Linear in the registry: each
/// enterprise is walked once (the old walk per enterprise, with a linear
/// id lookup per step, made `radar check` quadratic).
fn cycles(reg: &Registry, ids: &HashMap<&str, usize>) -> HashMap<usize, Vec<String>> {
    const NEW: u8 = 0;
    const ON_PATH: u8 = 1;
    const DONE: u8 = 2;
    let parent_of = |i: usize| {
        reg.enterprises[i]
            .parent
            .as_deref()
            .and_then(|p| ids.get(p).copied())
            .filter(|&p| p != i)
    };
    let mut state = vec![NEW; reg.enterprises.len()];
    let mut out = HashMap::new();
    for start in 0..reg.enterprises.len() {
        if state[start] != NEW {
            continue;
        }
        let mut path = Vec::new();
        let mut current = Some(start);
        while let Some(c) = current {
            match state[c] {
                DONE => break,
                ON_PATH => {
                    // A cycle: the path from `c` on.
                    let at = path.iter().position(|&p| p == c).unwrap_or(0);
                    let members = &path[at..];
                    let first = members.iter().copied().min().unwrap_or(c);
                    let mut chain = vec![reg.enterprises[first].id.clone()];
                    let mut next = parent_of(first);
                    while let Some(n) = next {
                        chain.push(reg.enterprises[n].id.clone());
                        if n == first || chain.len() > members.len() + 1 {
                            break;
                        }
                        next = parent_of(n);
                    }
                    out.insert(first, chain);
                    break;
                }
                _ => {
                    state[c] = ON_PATH;
                    path.push(c);
                    current = parent_of(c);
                }
            }
        }
        for p in path {
            state[p] = DONE;
        }
    }
    out
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
    fn unsafe_ids_and_line_breaks_in_names_are_refused() {
        let reg = Registry {
            enterprises: vec![
                ent("../../../../../../tmp/x", "甲", &[], None),
                ent("a\"b", "乙", &[], None),
                ent("a\0b", "丙", &[], None),
                ent("ok", "丁", &["简\n称"], None),
            ],
            ..Registry::default()
        };
        let m = messages(&reg);
        assert_eq!(m.len(), 4, "{m:#?}");
        assert!(m[..3].iter().all(|x| x.1 == Spot::Id), "{m:#?}");
        assert!(m[0].2.contains("ASCII letters"), "{}", m[0].2);
        assert_eq!(m[3].1, Spot::Alias(AliasKind::ShortName, 0));
    }

    #[test]
    fn a_long_chain_is_checked_in_linear_time() {
        let n = 100_000;
        let enterprises = (0..n)
            .map(|i| {
                let parent = (i + 1 < n).then(|| format!("e{}", i + 1));
                ent(
                    &format!("e{i}"),
                    &format!("企业{i}"),
                    &[],
                    parent.as_deref(),
                )
            })
            .collect();
        let reg = Registry {
            enterprises,
            ..Registry::default()
        };
        let t = std::time::Instant::now();
        assert!(validate(&reg).is_empty());
        assert!(
            t.elapsed() < std::time::Duration::from_secs(5),
            "{:?}",
            t.elapsed()
        );
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
