//! Backups of a home while it runs, their check, and restoring one.
//!
//! A backup folder has the layout of a home (so a read-only command can open
//! it as one): `radar.sqlite` (a snapshot through SQLite's online backup
//! API), `radar.toml`, `rules.toml`, `enterprises.toml`, `sources/`,
//! `archive/` (the WARC files; on a later backup into the same folder only
//! new or grown ones are copied), `files/` (uploaded evidence), `keys/` (the
//! ledger's public key; the private key only when asked, mode 0600),
//! `backup.json` (what was backed up, when) and `MANIFEST.sha256` (the
//! SHA-256 of every other file, in `sha256sum -c` format). The database is
//! copied first and the archive after it: every record the snapshot points
//! at was synced to its file before the row was committed, so it is there.

use crate::config::Home;
use crate::store::Store;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

pub const MANIFEST: &str = "MANIFEST.sha256";
pub const INFO: &str = "backup.json";

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error(transparent)]
    Review(#[from] super::ReviewError),
    #[error(transparent)]
    Index(#[from] crate::index::IndexError),
    #[error(
        "{0}: no {MANIFEST}: not a radar backup, or a backup that was interrupted (run `radar backup --out` again)"
    )]
    NoManifest(PathBuf),
    #[error("{path}:{line}: {message}")]
    Manifest {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("{0} already exists and is not empty: restore into a new folder")]
    NotEmpty(PathBuf),
    #[error("the backup in {dir} is damaged:\n{}", .problems.join("\n"))]
    Damaged { dir: PathBuf, problems: Vec<String> },
}

type Result<T> = std::result::Result<T, BackupError>;

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> BackupError + '_ {
    move |source| BackupError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// What a backup copied.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct BackupSummary {
    pub articles: u64,
    pub ledger_entries: u64,
    pub database_bytes: u64,
    pub archive_copied: u64,
    pub archive_kept: u64,
    pub files_copied: u64,
    pub files_kept: u64,
    pub config_files: u64,
    pub key_included: bool,
    pub bytes_copied: u64,
    pub manifest_entries: u64,
}

/// The manifest: relative path (with `/`) → SHA-256 hex.
pub type Manifest = BTreeMap<String, String>;

/// Copy `from` to `to` (through a temporary file, then renamed), returning
/// the SHA-256 and length of what was written.
fn copy_hashed(from: &Path, to: &Path, mode: Option<u32>) -> Result<(String, u64)> {
    if let Some(dir) = to.parent() {
        std::fs::create_dir_all(dir).map_err(io(dir))?;
    }
    let tmp = to.with_extension("radar-partial");
    let mut src = std::fs::File::open(from).map_err(io(from))?;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    if let Some(m) = mode {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(m);
    }
    #[cfg(not(unix))]
    let _ = mode;
    let mut dst = opts.open(&tmp).map_err(io(&tmp))?;
    let mut hash = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut len = 0u64;
    loop {
        let n = src.read(&mut buf).map_err(io(from))?;
        if n == 0 {
            break;
        }
        hash.update(&buf[..n]);
        dst.write_all(&buf[..n]).map_err(io(&tmp))?;
        len += n as u64;
    }
    dst.sync_all().map_err(io(&tmp))?;
    drop(dst);
    std::fs::rename(&tmp, to).map_err(io(to))?;
    Ok((hex::encode(hash.finalize()), len))
}

/// SHA-256 of a file.
pub fn hash_file(path: &Path) -> Result<String> {
    let mut f = std::fs::File::open(path).map_err(io(path))?;
    let mut hash = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf).map_err(io(path))?;
        if n == 0 {
            break;
        }
        hash.update(&buf[..n]);
    }
    Ok(hex::encode(hash.finalize()))
}

/// Every regular file under `dir`, as paths relative to `base` with `/`.
fn files_under(base: &Path, dir: &Path, out: &mut Vec<String>) -> Result<()> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(io(dir)(e)),
    };
    for e in entries {
        let e = e.map_err(io(dir))?;
        let path = e.path();
        let kind = e.file_type().map_err(io(&path))?;
        if kind.is_dir() {
            files_under(base, &path, out)?;
        } else if kind.is_file() {
            let name = e.file_name();
            let name = name.to_string_lossy();
            // Half-written copies of an interrupted backup are not part of it.
            if name.ends_with(".radar-partial") {
                continue;
            }
            if let Ok(rel) = path.strip_prefix(base) {
                let rel: Vec<String> = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                out.push(rel.join("/"));
            }
        }
    }
    Ok(())
}

/// Read a manifest file.
pub fn read_manifest(dir: &Path) -> Result<Manifest> {
    let path = dir.join(MANIFEST);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(BackupError::NoManifest(dir.to_path_buf()));
        }
        Err(e) => return Err(io(&path)(e)),
    };
    let mut out = Manifest::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let bad = |message: &str| BackupError::Manifest {
            path: path.clone(),
            line: i + 1,
            message: message.to_string(),
        };
        let (hash, rel) = line
            .split_once("  ")
            .ok_or_else(|| bad("expected `SHA256  PATH`"))?;
        if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(bad("the SHA-256 is not 64 hex digits"));
        }
        if rel.is_empty()
            || rel.starts_with('/')
            || rel.split('/').any(|c| c == ".." || c.is_empty())
        {
            return Err(bad("the path must stay inside the backup"));
        }
        out.insert(rel.to_string(), hash.to_ascii_lowercase());
    }
    Ok(out)
}

fn write_manifest(dir: &Path, m: &Manifest) -> Result<()> {
    let mut text = String::new();
    for (rel, hash) in m {
        text.push_str(&format!("{hash}  {rel}\n"));
    }
    let tmp = dir.join(format!("{MANIFEST}.radar-partial"));
    std::fs::write(&tmp, text).map_err(io(&tmp))?;
    let path = dir.join(MANIFEST);
    std::fs::rename(&tmp, &path).map_err(io(&path))?;
    Ok(())
}

/// Back up `home` into `out` (created if needed; a previous backup there is
/// brought up to date, copying only archive and evidence files it lacks).
/// Safe while `radar serve` or a crawl runs: it takes no lock and writes
/// nothing in the home.
pub fn backup(home: &Home, out: &Path, include_key: bool) -> Result<BackupSummary> {
    std::fs::create_dir_all(out).map_err(io(out))?;
    // The old manifest's hashes of unchanged append-only files are reused;
    // the manifest goes first, so an interrupted backup is seen as one.
    let old = read_manifest(out).unwrap_or_default();
    let manifest_path = out.join(MANIFEST);
    if manifest_path.exists() {
        std::fs::remove_file(&manifest_path).map_err(io(&manifest_path))?;
    }
    let mut s = BackupSummary::default();
    let mut m = Manifest::new();

    // 1. The database, as of one moment.
    let db = home.existing_db_path().map_err(|e| BackupError::Io {
        path: home.db_path(),
        source: std::io::Error::new(std::io::ErrorKind::NotFound, e.to_string()),
    })?;
    let store = Store::open_reader(&db)?;
    let (articles, entries) = (store.article_count()?, store.read(|tx| tx.ledger_size())?);
    let tmp_db = out.join("radar.sqlite.radar-partial");
    store.backup_to(&tmp_db)?;
    drop(store);
    let db_out = out.join("radar.sqlite");
    std::fs::rename(&tmp_db, &db_out).map_err(io(&db_out))?;
    let hash = hash_file(&db_out)?;
    s.database_bytes = std::fs::metadata(&db_out).map_err(io(&db_out))?.len();
    m.insert("radar.sqlite".into(), hash);
    s.articles = articles;
    s.ledger_entries = entries;

    // 2. Configuration: always copied whole (small).
    let mut config = vec![];
    for name in ["radar.toml", "rules.toml", "enterprises.toml"] {
        if home.root().join(name).is_file() {
            config.push(name.to_string());
        }
    }
    let mut sources = vec![];
    files_under(home.root(), &home.sources_dir(), &mut sources)?;
    config.extend(sources);
    let stale_sources = out.join("sources");
    if stale_sources.is_dir() {
        // Sources removed from the home must not come back on a restore.
        std::fs::remove_dir_all(&stale_sources).map_err(io(&stale_sources))?;
    }
    for rel in config {
        let (hash, len) = copy_hashed(&home.root().join(&rel), &out.join(&rel), None)?;
        m.insert(rel, hash);
        s.config_files += 1;
        s.bytes_copied += len;
    }

    // 3. Archive and uploaded files: append-only / content-addressed, so a
    // file of the same size that the last manifest hashed is the same file.
    for (sub, copied, kept) in [
        ("archive", &mut s.archive_copied, &mut s.archive_kept),
        ("files", &mut s.files_copied, &mut s.files_kept),
    ] {
        let mut rels = vec![];
        files_under(home.root(), &home.root().join(sub), &mut rels)?;
        for rel in rels {
            let from = home.root().join(&rel);
            let to = out.join(&rel);
            let same_size = match (std::fs::metadata(&from), std::fs::metadata(&to)) {
                (Ok(a), Ok(b)) => a.len() == b.len(),
                _ => false,
            };
            if same_size && let Some(h) = old.get(&rel) {
                m.insert(rel, h.clone());
                *kept += 1;
                continue;
            }
            let (hash, len) = copy_hashed(&from, &to, None)?;
            m.insert(rel, hash);
            *copied += 1;
            s.bytes_copied += len;
        }
    }

    // 4. Keys: the public key always; the private key only when asked.
    let public_rel = "keys/ledger-ed25519.pub.pem";
    let public_to = out.join(public_rel);
    if home.ledger_public_key_path().is_file() {
        let (hash, _) = copy_hashed(&home.ledger_public_key_path(), &public_to, None)?;
        m.insert(public_rel.into(), hash);
    } else if let Ok(key) = super::ledger::public_key(home) {
        if let Some(d) = public_to.parent() {
            std::fs::create_dir_all(d).map_err(io(d))?;
        }
        std::fs::write(&public_to, key.to_pem()).map_err(io(&public_to))?;
        m.insert(public_rel.into(), hash_file(&public_to)?);
    }
    let private_rel = "keys/ledger-ed25519.pem";
    let private_to = out.join(private_rel);
    if include_key && home.ledger_key_path().is_file() {
        let (hash, _) = copy_hashed(&home.ledger_key_path(), &private_to, Some(0o600))?;
        m.insert(private_rel.into(), hash);
        s.key_included = true;
    } else if private_to.exists() {
        // A key left by an earlier `--include-key` backup is not kept silently.
        std::fs::remove_file(&private_to).map_err(io(&private_to))?;
    }

    // 5. What this backup is, then the manifest last.
    let info = serde_json::json!({
        "format": 1,
        "radar": env!("CARGO_PKG_VERSION"),
        "created": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "home": home.root().display().to_string(),
        "articles": s.articles,
        "ledger_entries": s.ledger_entries,
        "private_key": s.key_included,
    });
    let info_path = out.join(INFO);
    std::fs::write(
        &info_path,
        serde_json::to_string_pretty(&info).unwrap_or_default() + "\n",
    )
    .map_err(io(&info_path))?;
    m.insert(INFO.into(), hash_file(&info_path)?);
    s.manifest_entries = m.len() as u64;
    write_manifest(out, &m)?;
    Ok(s)
}

/// What checking a backup found.
#[derive(Debug, Default)]
pub struct CheckReport {
    pub files: u64,
    pub bytes: u64,
    /// One line per damaged or missing file, naming it.
    pub problems: Vec<String>,
    /// Files in the folder the manifest does not list (not an error).
    pub unlisted: Vec<String>,
}

/// Hash every file the manifest lists and compare.
pub fn check(dir: &Path) -> Result<CheckReport> {
    let m = read_manifest(dir)?;
    let mut r = CheckReport::default();
    for (rel, want) in &m {
        let path = dir.join(rel);
        match std::fs::metadata(&path) {
            Err(_) => r.problems.push(format!(
                "{}: missing (listed in {MANIFEST})",
                path.display()
            )),
            Ok(meta) => {
                let got = hash_file(&path)?;
                r.files += 1;
                r.bytes += meta.len();
                if &got != want {
                    r.problems.push(format!(
                        "{}: SHA-256 {got} differs from the manifest's {want}: the file is damaged",
                        path.display()
                    ));
                }
            }
        }
    }
    let mut present = vec![];
    files_under(dir, dir, &mut present)?;
    for rel in present {
        if rel != MANIFEST && !m.contains_key(&rel) {
            r.unlisted.push(rel);
        }
    }
    Ok(r)
}

/// What a restore did.
#[derive(Debug)]
pub struct RestoreSummary {
    pub files: u64,
    pub bytes: u64,
    pub articles: u64,
    pub indexed: u64,
    pub key_restored: bool,
    pub verify: super::ledger::VerifyReport,
}

/// Check the backup in `dir`, copy it into the new home `to`, build its
/// search index and verify its ledger.
pub fn restore(dir: &Path, to: &Home) -> Result<RestoreSummary> {
    let report = check(dir)?;
    if !report.problems.is_empty() {
        return Err(BackupError::Damaged {
            dir: dir.to_path_buf(),
            problems: report.problems,
        });
    }
    let root = to.root();
    if root.exists() {
        let empty = std::fs::read_dir(root).map_err(io(root))?.next().is_none();
        if !empty {
            return Err(BackupError::NotEmpty(root.to_path_buf()));
        }
    }
    std::fs::create_dir_all(root).map_err(io(root))?;
    let m = read_manifest(dir)?;
    let (mut files, mut bytes) = (0u64, 0u64);
    let mut key_restored = false;
    for (rel, want) in &m {
        if rel == INFO {
            continue;
        }
        let private = rel == "keys/ledger-ed25519.pem";
        let (got, len) = copy_hashed(&dir.join(rel), &root.join(rel), private.then_some(0o600))?;
        if &got != want {
            // Changed between the check and the copy: refuse to go on.
            return Err(BackupError::Damaged {
                dir: dir.to_path_buf(),
                problems: vec![format!(
                    "{}: changed while it was restored",
                    dir.join(rel).display()
                )],
            });
        }
        key_restored |= private;
        files += 1;
        bytes += len;
    }
    std::fs::create_dir_all(to.archive_dir()).map_err(io(root))?;
    let store = Store::open(&to.db_path())?;
    let articles = store.article_count()?;
    let index = crate::index::SearchIndex::open(&to.index_dir())?;
    let indexed = index.catch_up(&super::MatchedFeed(&store))?;
    index.close_writer()?;
    drop(index);
    // Everything, the evidence bytes re-hashed; the witness folder of the
    // old machine may not exist here (`radar ledger verify` checks it there).
    let verify = super::ledger::verify(
        to,
        &store,
        &super::ledger::VerifyOptions {
            no_witness: true,
            ..Default::default()
        },
    )?;
    Ok(RestoreSummary {
        files,
        bytes,
        articles,
        indexed,
        key_restored,
        verify,
    })
}
