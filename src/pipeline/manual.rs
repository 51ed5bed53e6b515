//! Evidence no crawler can see: a reviewer's file stored by its SHA-256
//! under the home's `files/` (synced before use, once per content) and
//! entered in the ledger as one confirmation; and the stored file read back
//! only while it still has the digest the ledger names.

use super::ReviewError;
use super::ledger::{append, signing_key};
use super::review::{already, check_reviewer, finite, now, rules_points};
use crate::archive::sha256_hex;
use crate::config::Home;
use crate::ledger::{Action, Entry, Evidence};
use crate::model::{Registry, Rules};
use crate::store::{FileRow, Store};
use chrono::NaiveDate;

/// Manual evidence: a file for an item no crawler can see.
#[derive(Debug, Clone)]
pub struct ManualEvidence {
    pub enterprise: String,
    pub item: String,
    pub date: NaiveDate,
    pub title: String,
    pub issuer: String,
    pub file: std::path::PathBuf,
    pub reviewer: String,
    pub note: Option<String>,
    pub points: Option<f64>,
    /// Why the same file counts again this year for the enterprise.
    pub reason: Option<String>,
}

/// The media type of an evidence file, from its name.
fn media_type(path: &std::path::Path) -> &'static str {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(|e| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "pdf" => "application/pdf",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "tif" | "tiff" => "image/tiff",
        "webp" => "image/webp",
        "doc" => "application/msword",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "wps" => "application/vnd.ms-works",
        "ofd" => "application/ofd",
        "txt" => "text/plain",
        "html" | "htm" => "text/html",
        _ => "application/octet-stream",
    }
}

/// The bytes of a stored evidence file, only if they still have the SHA-256
/// the ledger names (`Corrupt` when the file was changed behind its back).
pub fn evidence_file(home: &Home, sha256: &str) -> Result<Vec<u8>, ReviewError> {
    let path = home.file_path(sha256);
    let bytes =
        std::fs::read(&path).map_err(|e| ReviewError::Io(format!("{}: {e}", path.display())))?;
    if sha256_hex(&bytes) != sha256 {
        return Err(ReviewError::Corrupt(format!(
            "{}: the stored evidence file was changed; it no longer has the SHA-256 the ledger names",
            path.display()
        )));
    }
    Ok(bytes)
}

/// Store a file by its SHA-256 (once per content), synced before use.
pub fn store_file(home: &Home, path: &std::path::Path) -> Result<FileRow, ReviewError> {
    let io =
        |p: &std::path::Path, e: std::io::Error| ReviewError::Io(format!("{}: {e}", p.display()));
    let bytes = std::fs::read(path).map_err(|e| io(path, e))?;
    if bytes.is_empty() {
        return Err(ReviewError::Invalid(format!(
            "{}: the file is empty",
            path.display()
        )));
    }
    let sha = sha256_hex(&bytes);
    let dest = home.file_path(&sha);
    if !dest.is_file() {
        let dir = dest.parent().unwrap_or(home.root());
        std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
        let tmp = dir.join(format!(".{sha}.part"));
        {
            use std::io::Write;
            let mut f = std::fs::File::create(&tmp).map_err(|e| io(&tmp, e))?;
            f.write_all(&bytes)
                .and_then(|()| f.sync_all())
                .map_err(|e| io(&tmp, e))?;
        }
        std::fs::rename(&tmp, &dest).map_err(|e| io(&dest, e))?;
    }
    Ok(FileRow {
        sha256: sha,
        size: bytes.len() as u64,
        media_type: media_type(path).into(),
        original_name: path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "file".into()),
    })
}

/// Add evidence by hand: the file stored by content, one ledger entry.
pub fn add_evidence(
    home: &Home,
    store: &mut Store,
    rules: &Rules,
    registry: &Registry,
    m: &ManualEvidence,
) -> Result<(Entry, bool), ReviewError> {
    check_reviewer(&m.reviewer)?;
    finite(m.points)?;
    if registry.get(&m.enterprise).is_none() {
        return Err(ReviewError::Invalid(format!(
            "no enterprise `{}` in enterprises.toml (see `radar enterprises list`)",
            m.enterprise
        )));
    }
    for (flag, v) in [("--title", &m.title), ("--issuer", &m.issuer)] {
        if v.trim().is_empty() {
            return Err(ReviewError::Invalid(format!("{flag} must not be empty")));
        }
    }
    rules_points(rules, &m.item)?;
    super::admissible::check_date(rules, m.date, crate::model::beijing_today())?;
    let file = store_file(home, &m.file)?;
    add_stored_evidence(home, store, rules, registry, m, file, |_, _| Ok(()))
}

/// Add evidence whose file is stored already (`m.file` is not read): one
/// ledger entry, and `then` in the same transaction (a submission marked
/// accepted, its audit record); an error from `then` writes nothing.
pub fn add_stored_evidence(
    home: &Home,
    store: &mut Store,
    rules: &Rules,
    registry: &Registry,
    m: &ManualEvidence,
    file: FileRow,
    then: impl FnOnce(&crate::store::Tx<'_>, &Entry) -> Result<(), crate::store::StoreError>,
) -> Result<(Entry, bool), ReviewError> {
    let reviewer = check_reviewer(&m.reviewer)?;
    let awarded = finite(m.points)?;
    let points = rules_points(rules, &m.item)?;
    super::admissible::check_date(rules, m.date, crate::model::beijing_today())?;
    let unit = registry.scoring_unit(&m.enterprise).to_string();
    let key = signing_key(home, store)?;
    let report_key = format!("file:{}", file.sha256);
    let out = store.immediate(|tx| {
        if let Some(row) = tx.active_confirmation(&unit, &m.item, &report_key, None)? {
            return Ok(Err(already(&row)));
        }
        let all = match super::review::ledger_entries_in(tx) {
            Ok(a) => a,
            Err(e) => return Ok(Err(e)),
        };
        if let Err(e) = super::admissible::check_duplicate(
            &all,
            &unit,
            chrono::Datelike::year(&m.date),
            &format!("file:{}", file.sha256),
            m.reason.as_deref(),
        ) {
            return Ok(Err(e));
        }
        let new_file = tx.add_file(&file)?;
        let entry = Entry {
            seq: 0,
            commission: String::new(),
            action: Action::Confirm,
            enterprise: unit.clone(),
            named_enterprise: m.enterprise.clone(),
            item: m.item.clone(),
            points,
            awarded,
            evidence_date: m.date,
            title: m.title.trim().to_string(),
            source: m.issuer.trim().to_string(),
            page: None,
            url: None,
            evidence: Evidence::File {
                sha256: file.sha256.clone(),
                file_name: file.original_name.clone(),
                media_type: file.media_type.clone(),
                size: file.size,
            },
            candidate: None,
            report_key: report_key.clone(),
            reverses: None,
            reviewer: reviewer.clone(),
            at: now(),
            note: super::admissible::note_with_reason(m.note.as_deref(), m.reason.as_deref()),
        };
        let entry = match append(tx, &key, entry) {
            Ok(e) => e,
            Err(e) => return Ok(Err(e)),
        };
        if let Some(rec) = super::admissible::override_audit(&entry, m.reason.as_deref()) {
            tx.audit(&rec)?;
        }
        then(tx, &entry)?;
        Ok(Ok((entry, new_file)))
    })??;
    key.witness(store);
    Ok(out)
}
