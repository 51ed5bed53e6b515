//! The ledger wired to the home: the signing key under `keys/`, appending
//! an entry with its signed checkpoint in one immediate transaction, and
//! `radar ledger verify`.

use super::ReviewError;
use crate::config::Home;
use crate::ledger::merkle::Frontier;
use crate::ledger::{
    self, Checkpoint, Entry, Hash, LedgerKey, Problem, PublicKey, StoredCheckpoint, StoredEntry,
};
use crate::store::{LedgerRow, Store, Tx};

/// The home's signing key. Made on first use while the ledger is empty; a
/// ledger with entries and no key is an error (a new key could not sign for
/// the old checkpoints).
pub fn signing_key(home: &Home, store: &Store) -> Result<LedgerKey, ReviewError> {
    let path = home.ledger_key_path();
    match std::fs::read_to_string(&path) {
        Ok(pem) => Ok(LedgerKey::from_pem(&pem)?),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let size = store.read(|tx| tx.ledger_size())?;
            if size > 0 {
                return Err(ReviewError::KeyMissing(path.display().to_string()));
            }
            let key = LedgerKey::generate();
            write_key(home, &key)?;
            Ok(key)
        }
        Err(e) => Err(ReviewError::Io(format!("{}: {e}", path.display()))),
    }
}

/// Write a new key pair (private key readable by the owner only).
pub fn write_key(home: &Home, key: &LedgerKey) -> Result<(), ReviewError> {
    let path = home.ledger_key_path();
    let io =
        |p: &std::path::Path, e: std::io::Error| ReviewError::Io(format!("{}: {e}", p.display()));
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(&path).map_err(|e| io(&path, e))?;
    use std::io::Write;
    f.write_all(key.to_pem().as_bytes())
        .and_then(|()| f.sync_all())
        .map_err(|e| io(&path, e))?;
    let public = home.ledger_public_key_path();
    std::fs::write(&public, key.public().to_pem()).map_err(|e| io(&public, e))?;
    Ok(())
}

/// The home's public key (from the public PEM, else from the private key).
pub fn public_key(home: &Home) -> Result<PublicKey, ReviewError> {
    let path = home.ledger_public_key_path();
    match std::fs::read_to_string(&path) {
        Ok(pem) => Ok(PublicKey::from_pem(&pem)?),
        Err(_) => {
            let private = home.ledger_key_path();
            let pem = std::fs::read_to_string(&private)
                .map_err(|_| ReviewError::KeyMissing(private.display().to_string()))?;
            Ok(LedgerKey::from_pem(&pem)?.public())
        }
    }
}

/// Append an entry (its `seq` set to the ledger's size) and sign the new
/// checkpoint, inside the caller's immediate transaction.
pub fn append(tx: &Tx<'_>, key: &LedgerKey, mut entry: Entry) -> Result<Entry, ReviewError> {
    entry.seq = tx.ledger_size()?;
    let leaf = entry.canonical();
    let hash = ledger::merkle::leaf_hash(&leaf);
    tx.append_ledger(&LedgerRow {
        seq: entry.seq,
        leaf,
        leaf_hash: hash.to_vec(),
        action: entry.action.as_str().into(),
        enterprise: entry.enterprise.clone(),
        named_enterprise: entry.named_enterprise.clone(),
        item: entry.item.clone(),
        report_key: entry.report_key.clone(),
        candidate_id: entry.candidate,
        reverses: entry.reverses,
        evidence_date: entry.evidence_date.to_string(),
        reviewer: entry.reviewer.clone(),
        at: entry.at.clone(),
    })?;
    let tree = frontier_after(tx, entry.seq, hash)?;
    let cp = Checkpoint::sign(key, tree.size(), tree.root());
    tx.add_checkpoint(cp.size, &cp.note(&key.public()))?;
    Ok(entry)
}

/// The tree's right edge once the leaf at `seq` is in: the stored edge and
/// the new leaf when the edge is the one just before it, else (a ledger from
/// before the edge was kept, or an edge that does not fit) rebuilt from every
/// leaf. Stored again for the next entry.
fn frontier_after(tx: &Tx<'_>, seq: u64, leaf: Hash) -> Result<Frontier, ReviewError> {
    let stored = tx
        .ledger_frontier()?
        .filter(|(size, _)| *size == seq)
        .and_then(|(size, nodes)| Frontier::from_bytes(size, &nodes));
    let tree = match stored {
        Some(mut f) => {
            f.push(leaf);
            f
        }
        None => Frontier::from_leaves(&leaf_hashes(tx)?),
    };
    tx.set_ledger_frontier(tree.size(), &tree.to_bytes())?;
    Ok(tree)
}

/// Stored leaf hashes as hashes (a wrong length becomes zeros, which verify names).
fn as_hashes(stored: Vec<Vec<u8>>) -> Vec<Hash> {
    stored
        .into_iter()
        .map(|h| <Hash>::try_from(h.as_slice()).unwrap_or([0; 32]))
        .collect()
}

/// The leaf hashes as stored, inside the caller's transaction.
pub fn leaf_hashes(tx: &Tx<'_>) -> Result<Vec<Hash>, ReviewError> {
    Ok(as_hashes(tx.leaf_hashes()?))
}

/// The leaf hashes as stored, read in one snapshot.
pub fn stored_leaf_hashes(store: &Store) -> Result<Vec<Hash>, ReviewError> {
    Ok(as_hashes(store.read(|tx| tx.leaf_hashes())?))
}

/// Every entry, parsed from its signed bytes (the truth, not the columns).
pub fn entries(store: &Store) -> Result<Vec<Entry>, ReviewError> {
    let rows = store.read(|tx| tx.ledger_entries())?;
    rows.iter()
        .map(|r| {
            Entry::parse(&r.leaf).map_err(|e| ReviewError::Corrupt(format!("entry {}: {e}", r.seq)))
        })
        .collect()
}

/// The confirmations not undone, in ledger order.
pub fn active(entries: &[Entry]) -> Vec<&Entry> {
    let undone: std::collections::HashSet<u64> =
        entries.iter().filter_map(|e| e.reverses).collect();
    entries
        .iter()
        .filter(|e| e.action == ledger::Action::Confirm && !undone.contains(&e.seq))
        .collect()
}

/// What `radar ledger verify` found.
#[derive(Debug)]
pub struct VerifyReport {
    pub entries: u64,
    pub checkpoints: u64,
    pub problems: Vec<Problem>,
    /// The latest checkpoint's signed note, when there is one.
    pub latest: Option<String>,
}

pub fn verify(home: &Home, store: &Store) -> Result<VerifyReport, ReviewError> {
    let (rows, cps) = store.read(|tx| Ok((tx.ledger_entries()?, tx.checkpoints()?)))?;
    let stored: Vec<StoredEntry> = rows
        .into_iter()
        .map(|r| StoredEntry {
            seq: r.seq,
            leaf: r.leaf,
            leaf_hash: r.leaf_hash,
            enterprise: r.enterprise,
            item: r.item,
            action: r.action,
            reverses: r.reverses,
            report_key: r.report_key,
            evidence_date: r.evidence_date,
        })
        .collect();
    let checkpoints: Vec<StoredCheckpoint> = cps
        .iter()
        .map(|c| StoredCheckpoint {
            id: c.id,
            note: c.note.clone(),
        })
        .collect();
    let mut problems = Vec::new();
    if !stored.is_empty() && checkpoints.is_empty() {
        problems.push(Problem(
            "the ledger has entries but no checkpoint: checkpoints were removed".into(),
        ));
    }
    let key = if stored.is_empty() && checkpoints.is_empty() {
        None
    } else {
        Some(public_key(home)?)
    };
    if let Some(key) = key {
        problems.extend(ledger::verify(&stored, &checkpoints, &key));
        if let Some(last) = checkpoints
            .last()
            .and_then(|c| Checkpoint::parse(&c.note).ok())
            && last.size != stored.len() as u64
        {
            problems.push(Problem(format!(
                "the latest checkpoint covers {} entries but the ledger holds {}: entries were added without a checkpoint",
                last.size,
                stored.len()
            )));
        }
    }
    Ok(VerifyReport {
        entries: stored.len() as u64,
        checkpoints: checkpoints.len() as u64,
        problems,
        latest: cps.last().map(|c| c.note.clone()),
    })
}
