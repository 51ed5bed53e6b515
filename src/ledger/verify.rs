//! `radar ledger verify`: recompute every leaf hash and the tree, compare the
//! store's columns with the signed entries, and check every stored
//! checkpoint (root and signature) against the recomputed tree.

use super::checkpoint::Checkpoint;
use super::entry::Entry;
use super::keys::PublicKey;
use super::merkle::{self, Hash};

/// A ledger row as the store holds it: the leaf bytes, the hash stored with
/// them, and the columns queries use (which must say what the leaf says).
#[derive(Debug, Clone)]
pub struct StoredEntry {
    pub seq: u64,
    pub leaf: Vec<u8>,
    pub leaf_hash: Vec<u8>,
    pub enterprise: String,
    pub item: String,
    pub action: String,
    pub reverses: Option<u64>,
    pub report_key: String,
    pub evidence_date: String,
}

/// A stored checkpoint: its row id and the signed note.
#[derive(Debug, Clone)]
pub struct StoredCheckpoint {
    pub id: i64,
    pub note: String,
}

/// One thing found wrong, in words naming the entry or checkpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem(pub String);

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Check the ledger; an empty list means it is intact.
pub fn verify(
    entries: &[StoredEntry],
    checkpoints: &[StoredCheckpoint],
    key: &PublicKey,
) -> Vec<Problem> {
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
        let h = merkle::leaf_hash(&e.leaf);
        if e.leaf_hash != h {
            say(format!(
                "entry {}: its content no longer matches the leaf hash stored with it (changed after it was written)",
                e.seq
            ));
        }
        match Entry::parse(&e.leaf) {
            Err(err) => say(format!("entry {}: not a readable entry: {err}", e.seq)),
            Ok(p) => {
                let date = p.evidence_date.to_string();
                let checks: [(&str, &str, &str); 5] = [
                    ("enterprise", &e.enterprise, &p.enterprise),
                    ("item", &e.item, &p.item),
                    ("action", &e.action, p.action.as_str()),
                    ("report_key", &e.report_key, &p.report_key),
                    ("evidence_date", &e.evidence_date, &date),
                ];
                for (col, stored, signed) in checks {
                    if stored != signed {
                        say(format!(
                            "entry {}: column {col} says {stored:?} but the entry says {signed:?} (changed after it was written)",
                            e.seq
                        ));
                    }
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
    let roots = merkle::prefix_roots(&leaves);
    let mut last_good: u64 = 0;
    // The first checkpoint whose root differs names the change; every later
    // one differs as a consequence and is counted, not named again.
    let mut first_bad: Option<String> = None;
    let mut later_bad: Vec<i64> = Vec::new();
    for c in checkpoints {
        let cp = match Checkpoint::parse(&c.note) {
            Ok(cp) => cp,
            Err(e) => {
                say(format!("checkpoint {}: unreadable: {e}", c.id));
                continue;
            }
        };
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::entry::{Action, Evidence};
    use crate::ledger::keys::LedgerKey;
    use chrono::NaiveDate;

    fn entry(seq: u64) -> Entry {
        Entry {
            seq,
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
            leaf_hash: merkle::leaf_hash(&leaf).to_vec(),
            leaf,
            enterprise: e.enterprise.clone(),
            item: e.item.clone(),
            action: e.action.as_str().into(),
            reverses: e.reverses,
            report_key: e.report_key.clone(),
            evidence_date: e.evidence_date.to_string(),
        }
    }

    fn ledger(n: u64, key: &LedgerKey) -> (Vec<StoredEntry>, Vec<StoredCheckpoint>) {
        let entries: Vec<StoredEntry> = (0..n).map(|i| stored(&entry(i))).collect();
        let mut leaves = Vec::new();
        let mut cps = Vec::new();
        for e in &entries {
            leaves.push(merkle::leaf_hash(&e.leaf));
            let cp = Checkpoint::sign(key, leaves.len() as u64, merkle::root(&leaves));
            cps.push(StoredCheckpoint {
                id: leaves.len() as i64,
                note: cp.note(&key.public()),
            });
        }
        (entries, cps)
    }

    #[test]
    fn an_intact_ledger_has_no_problems() {
        let key = LedgerKey::generate();
        let (e, c) = ledger(6, &key);
        assert_eq!(verify(&e, &c, &key.public()), vec![]);
    }

    #[test]
    fn a_rewritten_entry_with_a_recomputed_hash_is_named_by_the_checkpoints() {
        let key = LedgerKey::generate();
        let (mut e, c) = ledger(6, &key);
        let mut forged = entry(3);
        forged.item = "B1".into();
        e[3] = stored(&forged);
        let p = verify(&e, &c, &key.public());
        assert!(!p.is_empty());
        assert!(p.iter().all(|p| p.0.contains("entry 3")), "{p:?}");
    }

    #[test]
    fn a_changed_column_a_changed_leaf_and_a_removed_entry_are_each_found() {
        let key = LedgerKey::generate();
        let (mut e, c) = ledger(5, &key);
        e[1].enterprise = "E2".into();
        e[2].leaf[10] ^= 1;
        let p = verify(&e, &c, &key.public());
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
        let p = verify(&e, &c, &key.public());
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
        let leaves: Vec<Hash> = e.iter().map(|x| merkle::leaf_hash(&x.leaf)).collect();
        let mut cp = Checkpoint::sign(&other, 2, merkle::root(&leaves));
        cp.origin = crate::ledger::checkpoint::origin_for(&key.public());
        let note = cp.note(&key.public());
        let p = verify(&e, &[StoredCheckpoint { id: 9, note }], &key.public());
        assert!(
            p.iter()
                .any(|p| p.0.contains("checkpoint 9") && p.0.contains("signature"))
        );
    }
}
