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

/// The home's ledger settings (`[ledger]` of radar.toml).
pub fn settings(home: &Home) -> Result<crate::config::LedgerSettings, ReviewError> {
    home.settings()
        .map(|s| s.ledger)
        .map_err(|p| ReviewError::Invalid(format!("radar.toml: {p}")))
}

/// Where the signing key is: `[ledger] signing_key` (relative to the home),
/// else `keys/ledger-ed25519.pem` in the home.
pub fn key_path(home: &Home) -> Result<std::path::PathBuf, ReviewError> {
    Ok(match settings(home)?.signing_key {
        Some(p) => home.root().join(p),
        None => home.ledger_key_path(),
    })
}

/// The witness folder, when one is set (relative to the home).
pub fn witness_dir(home: &Home) -> Result<Option<std::path::PathBuf>, ReviewError> {
    Ok(settings(home)?.witness_dir.map(|p| home.root().join(p)))
}

/// What signs: the key and the commission whose ledger it is.
pub struct Signer {
    pub key: LedgerKey,
    pub commission: String,
    witness: Option<std::path::PathBuf>,
}

/// Refuse a private key others can read (group or world bits set).
fn check_key_mode(path: &std::path::Path) -> Result<(), ReviewError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = std::fs::metadata(path)
            .map_err(|e| ReviewError::Io(format!("{}: {e}", path.display())))?;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(ReviewError::Invalid(format!(
                "{}: the ledger's signing key is readable by others (mode {mode:o}); `chmod 600` it",
                path.display()
            )));
        }
    }
    Ok(())
}

/// The signing key and commission. The key is made on first use while the
/// ledger is empty; a ledger with entries and no key is an error (a new key
/// could not sign for the old checkpoints).
pub fn signing_key(home: &Home, store: &Store) -> Result<Signer, ReviewError> {
    let conf = settings(home)?;
    let path = key_path(home)?;
    let key = match std::fs::read_to_string(&path) {
        Ok(pem) => {
            check_key_mode(&path)?;
            LedgerKey::from_pem(&pem)?
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let size = store.read(|tx| tx.ledger_size())?;
            if size > 0 {
                return Err(ReviewError::KeyMissing(path.display().to_string()));
            }
            let key = LedgerKey::generate();
            write_key(home, &key)?;
            key
        }
        Err(e) => return Err(ReviewError::Io(format!("{}: {e}", path.display()))),
    };
    Ok(Signer {
        key,
        commission: conf.commission_id,
        witness: conf.witness_dir.map(|p| home.root().join(p)),
    })
}

/// Write a new key pair (private key readable by the owner only) where
/// `[ledger] signing_key` says, the public half in the home.
pub fn write_key(home: &Home, key: &LedgerKey) -> Result<(), ReviewError> {
    let path = key_path(home)?;
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
    if let Some(dir) = public.parent() {
        std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
    }
    std::fs::write(&public, key.public().to_pem()).map_err(|e| io(&public, e))?;
    Ok(())
}

/// The home's public key (from the public PEM, else from the private key).
pub fn public_key(home: &Home) -> Result<PublicKey, ReviewError> {
    let path = home.ledger_public_key_path();
    match std::fs::read_to_string(&path) {
        Ok(pem) => Ok(PublicKey::from_pem(&pem)?),
        Err(_) => {
            let private = key_path(home)?;
            let pem = std::fs::read_to_string(&private)
                .map_err(|_| ReviewError::KeyMissing(private.display().to_string()))?;
            Ok(LedgerKey::from_pem(&pem)?.public())
        }
    }
}

/// Append an entry (its `seq` set to the ledger's size, its commission to
/// the signer's) and sign the new checkpoint, inside the caller's immediate
/// transaction. Call [`Signer::witness`] once it is committed.
pub fn append(tx: &Tx<'_>, signer: &Signer, mut entry: Entry) -> Result<Entry, ReviewError> {
    let key = &signer.key;
    entry.seq = tx.ledger_size()?;
    entry.commission = signer.commission.clone();
    let leaf = entry.canonical();
    let hash = entry.leaf().hash();
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

impl Signer {
    /// Write the latest checkpoint to the witness folder, if one is set
    /// (`<size>.note`, never overwritten). A failure is logged, not
    /// returned: the entry is committed; `ledger verify` names a witness
    /// that lags.
    pub fn witness(&self, store: &Store) {
        let Some(dir) = &self.witness else { return };
        let latest = match store.read(|tx| tx.latest_checkpoint()) {
            Ok(Some(c)) => c,
            Ok(None) => return,
            Err(e) => {
                tracing::error!(error = %e, "witness: cannot read the latest checkpoint");
                return;
            }
        };
        if let Err(e) = write_witness(dir, latest.size, &latest.note) {
            tracing::error!(dir = %dir.display(), error = %e, "witness: checkpoint not written");
        }
    }
}

fn write_witness(dir: &std::path::Path, size: u64, note: &str) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let path = dir.join(format!("checkpoint-{size:09}.note"));
    if path.exists() {
        return Ok(());
    }
    let tmp = dir.join(format!(".checkpoint-{size:09}.part"));
    {
        use std::io::Write;
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(note.as_bytes())?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, &path)
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
    /// Published (and witnessed) checkpoints checked for consistency.
    pub published: u64,
    /// Archived records and stored files re-hashed (0 with `--quick`).
    pub evidence_checked: u64,
    pub problems: Vec<Problem>,
    /// Entries whose evidence bytes no longer match their signed digest.
    pub damaged: Vec<(u64, String)>,
    /// The latest checkpoint's signed note, when there is one.
    pub latest: Option<String>,
}

/// What `verify` checks beyond the home's own rows.
#[derive(Default)]
pub struct VerifyOptions<'a> {
    /// Published checkpoints: signed notes as `radar ledger checkpoint`
    /// prints them, or folders of them (`*.note`, `*.txt` with a signature).
    pub published: Vec<std::path::PathBuf>,
    /// Skip re-reading the evidence bytes.
    pub quick: bool,
    /// Skip the witness folder of radar.toml.
    pub no_witness: bool,
    pub progress: Option<&'a dyn super::Progress>,
}

/// Stored rows as the pure verifier reads them.
fn stored_rows(store: &Store) -> Result<(Vec<StoredEntry>, Vec<StoredCheckpoint>), ReviewError> {
    let (rows, cps) = store.read(|tx| Ok((tx.ledger_entries()?, tx.checkpoints()?)))?;
    let stored = rows
        .into_iter()
        .map(|r| StoredEntry {
            seq: r.seq,
            leaf: r.leaf,
            leaf_hash: r.leaf_hash,
            enterprise: r.enterprise,
            named_enterprise: r.named_enterprise,
            item: r.item,
            action: r.action,
            reverses: r.reverses,
            report_key: r.report_key,
            evidence_date: r.evidence_date,
            candidate: r.candidate_id,
            reviewer: r.reviewer,
            at: r.at,
        })
        .collect();
    let checkpoints = cps
        .into_iter()
        .map(|c| StoredCheckpoint {
            id: c.id,
            size: c.size,
            note: c.note,
            at: c.at,
        })
        .collect();
    Ok((stored, checkpoints))
}

/// The leaf hashes recomputed from the entries' bytes (not the stored hashes).
pub fn recomputed_leaves(home: &Home, store: &Store) -> Result<Vec<Hash>, ReviewError> {
    let (stored, _) = stored_rows(store)?;
    Ok(ledger::recompute_leaves(&stored, &settings(home)?.commission_id).0)
}

/// Read published checkpoints: a file is one signed note; a folder gives
/// every `*.note` in it (sorted by name). Each with the name to report.
pub fn read_published(
    paths: &[std::path::PathBuf],
) -> Result<Vec<(String, Checkpoint)>, ReviewError> {
    let mut out = Vec::new();
    for p in paths {
        let files: Vec<std::path::PathBuf> = if p.is_dir() {
            let mut v: Vec<_> = std::fs::read_dir(p)
                .map_err(|e| ReviewError::Io(format!("{}: {e}", p.display())))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.extension().is_some_and(|x| x == "note"))
                .collect();
            v.sort();
            v
        } else {
            vec![p.clone()]
        };
        for f in files {
            let text = std::fs::read_to_string(&f)
                .map_err(|e| ReviewError::Io(format!("{}: {e}", f.display())))?;
            let cp = Checkpoint::parse(&text).map_err(|e| {
                ReviewError::Invalid(format!(
                    "{}: not a signed checkpoint as `radar ledger checkpoint` prints it: {e}",
                    f.display()
                ))
            })?;
            out.push((f.display().to_string(), cp));
        }
    }
    Ok(out)
}

pub fn verify(
    home: &Home,
    store: &Store,
    opts: &VerifyOptions<'_>,
) -> Result<VerifyReport, ReviewError> {
    let commission = settings(home)?.commission_id;
    let (stored, checkpoints) = stored_rows(store)?;
    let mut problems = Vec::new();
    if !stored.is_empty() && checkpoints.is_empty() {
        problems.push(Problem(
            "the ledger has entries but no checkpoint: checkpoints were removed".into(),
        ));
    }
    let mut published = read_published(&opts.published)?;
    if !opts.no_witness
        && let Some(dir) = witness_dir(home)?
        && dir.is_dir()
    {
        published.extend(read_published(&[dir])?);
    }
    let key = if stored.is_empty() && checkpoints.is_empty() && published.is_empty() {
        None
    } else {
        Some(public_key(home)?)
    };
    if let Some(key) = &key {
        problems.extend(ledger::verify(&stored, &checkpoints, key, &commission));
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
        // Consistency with what was published: the first published
        // checkpoint (smallest tree) the ledger no longer extends is named.
        let (leaves, _) = ledger::recompute_leaves(&stored, &commission);
        published.sort_by_key(|(_, cp)| cp.size);
        if let Some((name, cp, why)) = published
            .iter()
            .find_map(|(name, cp)| ledger::extends(&leaves, cp, key).map(|w| (name, cp, w)))
        {
            problems.push(Problem(format!(
                "published checkpoint {name} (size {}): the ledger no longer extends it: {why}",
                cp.size
            )));
        }
    }
    let mut damaged = Vec::new();
    let mut evidence_checked = 0;
    if !opts.quick {
        let entries: Vec<Entry> = stored
            .iter()
            .filter_map(|e| Entry::parse(&e.leaf).ok())
            .filter(|e| e.action == ledger::Action::Confirm)
            .collect();
        if let Some(p) = opts.progress {
            p.set_total(entries.len() as u64);
        }
        for e in &entries {
            if let Some(why) = evidence_problem(home, &e.evidence) {
                damaged.push((e.seq, why.clone()));
                problems.push(Problem(format!("entry {}: evidence altered: {why}", e.seq)));
            }
            evidence_checked += 1;
            if let Some(p) = opts.progress {
                p.advance(&format!("entry {}", e.seq));
            }
        }
    }
    Ok(VerifyReport {
        entries: stored.len() as u64,
        checkpoints: checkpoints.len() as u64,
        published: published.len() as u64,
        evidence_checked,
        problems,
        damaged,
        latest: checkpoints.last().map(|c| c.note.clone()),
    })
}

/// Whether the bytes behind an entry's evidence still have the digest its
/// signed entry names: `None` when they do, else what is wrong (naming the
/// file relative to the home, never an absolute path).
pub fn evidence_problem(home: &Home, evidence: &ledger::Evidence) -> Option<String> {
    match evidence {
        ledger::Evidence::Archive {
            warc_file,
            warc_offset,
            warc_length,
            payload_sha256,
            ..
        } => {
            let path = home.archive_file(warc_file);
            let at = format!("archive/{warc_file}@{warc_offset}");
            let len = std::fs::metadata(&path).map(|m| m.len());
            match len {
                Err(_) => return Some(format!("{at}: the archive file is missing")),
                Ok(n) if n < warc_offset.saturating_add(*warc_length) => {
                    return Some(format!("{at}: the archive file was cut short"));
                }
                Ok(_) => {}
            }
            match crate::archive::read_record_at(&path, *warc_offset) {
                Err(e) => Some(format!(
                    "{at}: the record no longer reads: {}",
                    strip_home(home, &e.to_string())
                )),
                Ok(rec) if crate::archive::sha256_hex(&rec.body) != *payload_sha256 => {
                    Some(format!(
                        "{at}: the payload's SHA-256 is no longer the {payload_sha256} its entry names"
                    ))
                }
                Ok(_) => None,
            }
        }
        ledger::Evidence::File { sha256, size, .. } => {
            let path = home.file_path(sha256);
            let rel = path
                .strip_prefix(home.root())
                .map(|p| p.display().to_string())
                .unwrap_or_else(|_| format!("files/{sha256}"));
            match std::fs::read(&path) {
                Err(_) => Some(format!("{rel}: the stored file is missing")),
                Ok(b) if crate::archive::sha256_hex(&b) != *sha256 || b.len() as u64 != *size => {
                    Some(format!(
                        "{rel}: the stored file's bytes no longer have the SHA-256 its entry names"
                    ))
                }
                Ok(_) => None,
            }
        }
    }
}

/// A message with the home's absolute path taken out.
fn strip_home(home: &Home, msg: &str) -> String {
    let root = home.root().display().to_string();
    msg.replace(&format!("{root}/"), "").replace(&root, "")
}

/// Evidence checks cached per process by the bytes' file, offset, length,
/// size and modification time, so that pages listing many entries re-hash
/// only what changed.
pub fn evidence_altered(home: &Home, evidence: &ledger::Evidence) -> Option<String> {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    type Key = (
        std::path::PathBuf,
        u64,
        u64,
        u64,
        Option<std::time::SystemTime>,
    );
    static CACHE: OnceLock<Mutex<HashMap<Key, Option<String>>>> = OnceLock::new();
    let (path, offset, length) = match evidence {
        ledger::Evidence::Archive {
            warc_file,
            warc_offset,
            warc_length,
            ..
        } => (home.archive_file(warc_file), *warc_offset, *warc_length),
        ledger::Evidence::File { sha256, size, .. } => (home.file_path(sha256), 0, *size),
    };
    let meta = std::fs::metadata(&path).ok();
    let key: Key = (
        path,
        offset,
        length,
        meta.as_ref().map_or(0, |m| m.len()),
        meta.and_then(|m| m.modified().ok()),
    );
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    if let Ok(c) = cache.lock()
        && let Some(v) = c.get(&key)
    {
        return v.clone();
    }
    let found = evidence_problem(home, evidence);
    if let Ok(mut c) = cache.lock() {
        if c.len() > 100_000 {
            c.clear();
        }
        c.insert(key, found.clone());
    }
    found
}
