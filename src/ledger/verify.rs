//! `radar ledger verify`: recompute every leaf hash and the tree, compare the
//! store's columns with the signed entries, and check every stored
//! checkpoint (root and signature) against the recomputed tree.

use super::checkpoint::Checkpoint;
use super::entry::Entry;
use super::keys::PublicKey;
use super::merkle::{self, Hash};

/// A ledger row as the store holds it: the entry's bytes, the leaf hash
/// stored with them, and every column beside them (each must say what the
/// signed entry says: none is trusted on its own).
#[derive(Debug, Clone)]
pub struct StoredEntry {
    pub seq: u64,
    /// The entry's canonical bytes (the leaf commits to their SHA-256).
    pub leaf: Vec<u8>,
    pub leaf_hash: Vec<u8>,
    pub enterprise: String,
    pub named_enterprise: String,
    pub item: String,
    pub action: String,
    pub reverses: Option<u64>,
    pub report_key: String,
    pub evidence_date: String,
    pub candidate: Option<i64>,
    pub reviewer: String,
    pub at: String,
}

/// A stored checkpoint: its row id, the size column, the signed note and
/// the time column.
#[derive(Debug, Clone)]
pub struct StoredCheckpoint {
    pub id: i64,
    pub size: u64,
    pub note: String,
    pub at: String,
}

/// One thing found wrong, in words naming the entry or checkpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem(pub String);

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The leaf hashes recomputed from the entries' bytes (never the stored
/// hashes), with what is wrong with each entry and its columns.
pub fn recompute_leaves(entries: &[StoredEntry], commission: &str) -> (Vec<Hash>, Vec<Problem>) {
    let mut problems = Vec::new();
    let mut say = |s: String| problems.push(Problem(s));
    let mut leaves: Vec<Hash> = Vec::with_capacity(entries.len());
    for (i, e) in entries.iter().enumerate() {
        if e.seq != i as u64 {
            say(format!(
                "entry {}: found at position {i}: an entry before it was removed or inserted",
                e.seq
            ));
        }
        let parsed = Entry::parse(&e.leaf);
        let h = match &parsed {
            Ok(p) => p.leaf().hash(),
            // Unreadable bytes still make a leaf (so later roots are right).
            Err(_) => merkle::leaf_hash(&e.leaf),
        };
        if e.leaf_hash != h {
            say(format!(
                "entry {}: its content no longer matches the leaf hash stored with it (changed after it was written)",
                e.seq
            ));
        }
        match parsed {
            Err(err) => say(format!("entry {}: not a readable entry: {err}", e.seq)),
            Ok(p) => {
                if p.canonical() != e.leaf {
                    say(format!(
                        "entry {}: its bytes are not the canonical form of the entry they parse to (rewritten)",
                        e.seq
                    ));
                }
                if p.commission.is_empty() {
                    say(format!(
                        "entry {}: written in the first leaf format (no commission): rebuild this home (docs/ledger.md)",
                        e.seq
                    ));
                } else if p.commission != commission {
                    say(format!(
                        "entry {}: belongs to commission {:?}, not this ledger's {commission:?}",
                        e.seq, p.commission
                    ));
                }
                let date = p.evidence_date.to_string();
                let candidate = p.candidate.map(|c| c.to_string()).unwrap_or_default();
                let stored_candidate = e.candidate.map(|c| c.to_string()).unwrap_or_default();
                let checks: [(&str, &str, &str); 8] = [
                    ("enterprise", &e.enterprise, &p.enterprise),
                    ("named_enterprise", &e.named_enterprise, &p.named_enterprise),
                    ("item", &e.item, &p.item),
                    ("action", &e.action, p.action.as_str()),
                    ("report_key", &e.report_key, &p.report_key),
                    ("evidence_date", &e.evidence_date, &date),
                    ("reviewer", &e.reviewer, &p.reviewer),
                    ("at", &e.at, &p.at),
                ];
                for (col, stored, signed) in checks {
                    if stored != signed {
                        say(format!(
                            "entry {}: column {col} says {stored:?} but the entry says {signed:?} (changed after it was written)",
                            e.seq
                        ));
                    }
                }
                if stored_candidate != candidate {
                    say(format!(
                        "entry {}: column candidate_id says {stored_candidate:?} but the entry says {candidate:?} (changed after it was written)",
                        e.seq
                    ));
                }
                if e.reverses != p.reverses || p.seq != e.seq {
                    say(format!(
                        "entry {}: its columns (seq, reverses) differ from the entry",
                        e.seq
                    ));
                }
            }
        }
        leaves.push(h);
    }
    (leaves, problems)
}

/// Check the ledger; an empty list means it is intact.
pub fn verify(
    entries: &[StoredEntry],
    checkpoints: &[StoredCheckpoint],
    key: &PublicKey,
    commission: &str,
) -> Vec<Problem> {
    let (leaves, mut problems) = recompute_leaves(entries, commission);
    let mut say = |s: String| problems.push(Problem(s));
    let roots = merkle::prefix_roots(&leaves);
    let mut last_good: u64 = 0;
    // The first checkpoint whose root differs names the change; every later
    // one differs as a consequence and is counted, not named again.
    let mut first_bad: Option<String> = None;
    let mut later_bad: Vec<i64> = Vec::new();
    let mut previous: Option<(u64, i64, &str)> = None;
    for c in checkpoints {
        let cp = match Checkpoint::parse(&c.note) {
            Ok(cp) => cp,
            Err(e) => {
                say(format!("checkpoint {}: unreadable: {e}", c.id));
                continue;
            }
        };
        if cp.size != c.size {
            say(format!(
                "checkpoint {}: column size says {} but its signed note says {} (notes swapped or changed)",
                c.id, c.size, cp.size
            ));
        }
        if let Some((size, id, at)) = previous {
            if cp.size <= size {
                say(format!(
                    "checkpoint {} (size {}): comes after checkpoint {id} (size {size}): checkpoints out of order (notes swapped or inserted)",
                    c.id, cp.size
                ));
            }
            if c.at.as_str() < at {
                say(format!(
                    "checkpoint {}: its time {} is before checkpoint {id}'s {at} (changed or inserted)",
                    c.id, c.at
                ));
            }
        }
        previous = Some((cp.size, c.id, c.at.as_str()));
        if !cp.verify(key) {
            say(format!(
                "checkpoint {} (size {}): the signature does not verify with the home's public key",
                c.id, cp.size
            ));
        }
        if cp.size > entries.len() as u64 {
            say(format!(
                "checkpoint {} (size {}): the ledger holds only {} entries: entries were removed",
                c.id,
                cp.size,
                entries.len()
            ));
            continue;
        }
        let root = match cp.size {
            0 => merkle::empty_root(),
            n => roots[n as usize - 1],
        };
        if root == cp.root {
            last_good = last_good.max(cp.size);
        } else if first_bad.is_some() {
            later_bad.push(c.id);
        } else {
            let from = last_good;
            let which = if cp.size == from + 1 {
                format!("entry {from} was changed")
            } else {
                format!("an entry from {from} to {} was changed", cp.size - 1)
            };
            say(format!(
                "checkpoint {} (size {}): the tree's root differs from the signed one: {which}",
                c.id, cp.size
            ));
            first_bad = Some(which);
        }
    }
    if let (Some(which), Some(first), Some(last)) =
        (&first_bad, later_bad.first(), later_bad.last())
    {
        say(format!(
            "{} later checkpoints ({first} to {last}) differ too, as they must once {which}",
            later_bad.len()
        ));
    }
    problems
}

/// Whether the tree of `leaves` extends a published checkpoint: its
/// signature by `key`, and the root of the first `size` leaves (the RFC 6962
/// prefix root, which is what a consistency proof proves) equal to its root.
/// `None`: it does; else why not.
pub fn extends(leaves: &[Hash], published: &Checkpoint, key: &PublicKey) -> Option<String> {
    if !published.verify(key) {
        return Some("its signature does not verify with the ledger's public key".into());
    }
    let n = leaves.len() as u64;
    if published.size > n {
        return Some(format!(
            "it covers {} entries but the ledger holds only {n}: entries were removed",
            published.size
        ));
    }
    let root = match published.size {
        0 => merkle::empty_root(),
        m => merkle::root(&leaves[..m as usize]),
    };
    if root != published.root {
        return Some(format!(
            "the root of the ledger's first {} entries differs from the published one: an entry before {} was changed, removed or inserted",
            published.size, published.size
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::entry::{Action, Evidence};
    use crate::ledger::keys::LedgerKey;
    use chrono::NaiveDate;

    fn entry(seq: u64) -> Entry {
        Entry {
            seq,
            commission: "c".into(),
            action: Action::Confirm,
            enterprise: "E1".into(),
            named_enterprise: "E1".into(),
            item: "C4".into(),
            points: None,
            awarded: None,
            evidence_date: NaiveDate::from_ymd_opt(2025, 3, 1).expect("date"),
            title: format!("报道 {seq}"),
            source: "重庆日报".into(),
            page: None,
            url: None,
            evidence: Evidence::File {
                sha256: "00".into(),
                file_name: "a.pdf".into(),
                media_type: "application/pdf".into(),
                size: 1,
            },
            candidate: None,
            report_key: format!("k{seq}"),
            reverses: None,
            reviewer: "张三".into(),
            at: "2025-03-02T00:00:00Z".into(),
            note: None,
        }
    }

    fn stored(e: &Entry) -> StoredEntry {
        let leaf = e.canonical();
        StoredEntry {
            seq: e.seq,
            leaf_hash: e.leaf().hash().to_vec(),
            leaf,
            enterprise: e.enterprise.clone(),
            named_enterprise: e.named_enterprise.clone(),
            item: e.item.clone(),
            action: e.action.as_str().into(),
            reverses: e.reverses,
            report_key: e.report_key.clone(),
            evidence_date: e.evidence_date.to_string(),
            candidate: e.candidate,
            reviewer: e.reviewer.clone(),
            at: e.at.clone(),
        }
    }

    fn ledger(n: u64, key: &LedgerKey) -> (Vec<StoredEntry>, Vec<StoredCheckpoint>) {
        let entries: Vec<StoredEntry> = (0..n).map(|i| stored(&entry(i))).collect();
        let mut leaves = Vec::new();
        let mut cps = Vec::new();
        for e in &entries {
            leaves.push(<Hash>::try_from(e.leaf_hash.as_slice()).expect("hash"));
            let cp = Checkpoint::sign(key, leaves.len() as u64, merkle::root(&leaves));
            cps.push(StoredCheckpoint {
                id: leaves.len() as i64,
                size: cp.size,
                note: cp.note(&key.public()),
                at: "2025-03-02T00:00:00Z".into(),
            });
        }
        (entries, cps)
    }

    #[test]
    fn an_intact_ledger_has_no_problems() {
        let key = LedgerKey::generate();
        let (e, c) = ledger(6, &key);
        assert_eq!(verify(&e, &c, &key.public(), "c"), vec![]);
    }

    #[test]
    fn a_rewritten_entry_with_a_recomputed_hash_is_named_by_the_checkpoints() {
        let key = LedgerKey::generate();
        let (mut e, c) = ledger(6, &key);
        let mut forged = entry(3);
        forged.item = "B1".into();
        e[3] = stored(&forged);
        let p = verify(&e, &c, &key.public(), "c");
        assert!(!p.is_empty());
        assert!(p.iter().all(|p| p.0.contains("entry 3")), "{p:?}");
    }

    #[test]
    fn swapped_checkpoint_notes_and_changed_columns_are_caught() {
        let key = LedgerKey::generate();
        let (mut e, mut c) = ledger(5, &key);
        let (a, b) = (c[1].note.clone(), c[3].note.clone());
        c[1].note = b;
        c[3].note = a;
        let p = verify(&e, &c, &key.public(), "c");
        assert!(p.iter().any(|p| p.0.contains("notes swapped")), "{p:?}");
        let (_, c) = ledger(5, &key);
        e[0].reviewer = "李四".into();
        e[1].candidate = Some(7);
        e[2].named_enterprise = "E9".into();
        e[3].at = "2020-01-01T00:00:00Z".into();
        let p = verify(&e, &c, &key.public(), "c");
        for col in ["reviewer", "candidate_id", "named_enterprise", "at"] {
            assert!(
                p.iter()
                    .any(|p| p.0.contains(&format!("column {col} says"))),
                "{col}: {p:?}"
            );
        }
        // Another commission's ledger is not this one.
        let (e, c) = ledger(2, &key);
        assert!(
            verify(&e, &c, &key.public(), "other")
                .iter()
                .any(|p| p.0.contains("belongs to commission"))
        );
    }

    #[test]
    fn a_grown_ledger_extends_its_older_checkpoint_and_a_rewritten_one_does_not() {
        let key = LedgerKey::generate();
        let (e, _) = ledger(8, &key);
        let leaves: Vec<Hash> = e
            .iter()
            .map(|x| <Hash>::try_from(x.leaf_hash.as_slice()).expect("hash"))
            .collect();
        let old = Checkpoint::sign(&key, 5, merkle::root(&leaves[..5]));
        assert_eq!(extends(&leaves, &old, &key.public()), None);
        let mut forged = leaves.clone();
        forged[2] = [7; 32];
        assert!(extends(&forged, &old, &key.public()).is_some());
        assert!(extends(&leaves[..4], &old, &key.public()).is_some());
    }

    #[test]
    fn a_changed_column_a_changed_leaf_and_a_removed_entry_are_each_found() {
        let key = LedgerKey::generate();
        let (mut e, c) = ledger(5, &key);
        e[1].enterprise = "E2".into();
        e[2].leaf[10] ^= 1;
        let p = verify(&e, &c, &key.public(), "c");
        assert!(
            p.iter()
                .any(|p| p.0.starts_with("entry 1: column enterprise")),
            "{p:?}"
        );
        assert!(
            p.iter().any(|p| p.0.starts_with("entry 2: its content")),
            "{p:?}"
        );
        let (mut e, c) = ledger(5, &key);
        e.pop();
        let p = verify(&e, &c, &key.public(), "c");
        assert!(
            p.iter().any(|p| p.0.contains("entries were removed")),
            "{p:?}"
        );
    }

    #[test]
    fn a_checkpoint_signed_by_another_key_is_refused() {
        let key = LedgerKey::generate();
        let other = LedgerKey::generate();
        let (e, _) = ledger(2, &key);
        let leaves: Vec<Hash> = e
            .iter()
            .map(|x| <Hash>::try_from(x.leaf_hash.as_slice()).expect("hash"))
            .collect();
        let mut cp = Checkpoint::sign(&other, 2, merkle::root(&leaves));
        cp.origin = crate::ledger::checkpoint::origin_for(&key.public());
        let note = cp.note(&key.public());
        let cp = StoredCheckpoint {
            id: 9,
            size: 2,
            note,
            at: "2025-03-02T00:00:00Z".into(),
        };
        let p = verify(&e, &[cp], &key.public(), "c");
        assert!(
            p.iter()
                .any(|p| p.0.contains("checkpoint 9") && p.0.contains("signature"))
        );
    }
}
