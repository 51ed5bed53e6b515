//! `radar export`: an enterprise's evidence for a year as a BagIt bag (RFC
//! 8493) an auditor checks with standard tools and no radar, trusting only a
//! checkpoint published earlier: every leaf of the tree as (commission,
//! enterprise, entry SHA-256), so the tree's root is recomputed and every
//! entry of the enterprise (undo entries included) is shown to be in the
//! bag; each of those entries' signed bytes; the signed checkpoint and the
//! public key; each archived page of the year as its original WARC record
//! (and the payload and readable text), every added file; the rules and the
//! scorecard (which `verify.py` recomputes); a Chinese VERIFY.md and a
//! stdlib-only `verify.py`. The tag manifest is signed with the ledger key
//! (`tagmanifest-sha256.txt.sig`). Evidence whose bytes no longer match its
//! entry is not packed but named, in the bag and in the summary. The bag is
//! written beside its destination and renamed into place, so a failed export
//! leaves nothing.

use super::ReviewError;
use super::ledger::{entries, verify};
use super::scores::{ScoreRequest, score_sheet};
use crate::config::Home;
use crate::ledger::{Checkpoint, Entry, Evidence};
use crate::model::{Registry, Rules};
use crate::store::Store;
use chrono::Datelike;
use sha2::{Digest, Sha256};
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

const VERIFY_MD: &str = include_str!("export_verify.md");
const VERIFY_PY: &str = include_str!("export_verify.py");

/// What an export wrote.
#[derive(Debug)]
pub struct ExportSummary {
    pub dir: PathBuf,
    pub entries: usize,
    pub pages: usize,
    pub files: usize,
    pub payload_bytes: u64,
    pub payload_files: usize,
    pub tree_size: u64,
    /// Entries whose evidence could not be packed: (seq, why).
    pub damaged: Vec<(u64, String)>,
}

struct Bag {
    root: PathBuf,
    /// (path under the bag, sha256 hex, size) of every payload file.
    manifest: Vec<(String, String, u64)>,
}

impl Bag {
    fn put(&mut self, rel: &str, bytes: &[u8]) -> Result<(), ReviewError> {
        let path = self.root.join("data").join(rel);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
        }
        std::fs::write(&path, bytes).map_err(|e| io(&path, e))?;
        self.manifest.push((
            format!("data/{rel}"),
            hex::encode(Sha256::digest(bytes)),
            bytes.len() as u64,
        ));
        Ok(())
    }
}

fn io(p: &Path, e: std::io::Error) -> ReviewError {
    ReviewError::Io(format!("{}: {e}", p.display()))
}

/// The part folder of a bag that failed half-way goes with the error.
struct RemoveOnDrop(Option<std::path::PathBuf>);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        if let Some(p) = self.0.take() {
            let _ = std::fs::remove_dir_all(p);
        }
    }
}

fn read_range(path: &Path, offset: u64, len: u64) -> Result<Vec<u8>, ReviewError> {
    let mut f = std::fs::File::open(path).map_err(|e| io(path, e))?;
    f.seek(SeekFrom::Start(offset)).map_err(|e| io(path, e))?;
    let mut buf = Vec::new();
    f.take(len).read_to_end(&mut buf).map_err(|e| io(path, e))?;
    if buf.len() as u64 != len {
        return Err(ReviewError::Corrupt(format!(
            "{}: record at {offset} is cut short ({} of {len} bytes)",
            path.display(),
            buf.len()
        )));
    }
    Ok(buf)
}

/// Whose bundle, for which year, and where.
#[derive(Debug, Clone, Copy)]
pub struct BundleRequest<'a> {
    /// The commission's name (bag-info, VERIFY.md).
    pub commission: &'a str,
    /// A scoring unit.
    pub enterprise: &'a str,
    pub year: i32,
    /// A new or empty folder.
    pub out: &'a Path,
}

/// Write the bag of one enterprise (a scoring unit) and year to `out`.
pub fn export(
    home: &Home,
    store: &Store,
    rules: &Rules,
    registry: &Registry,
    req: &BundleRequest<'_>,
) -> Result<ExportSummary, ReviewError> {
    let BundleRequest {
        commission,
        enterprise,
        year,
        out,
    } = *req;
    if out.exists() && std::fs::read_dir(out).map_or(true, |mut d| d.next().is_some()) {
        return Err(ReviewError::Invalid(format!(
            "{} exists and is not empty: give a new folder",
            out.display()
        )));
    }
    let report = verify(
        home,
        store,
        &super::ledger::VerifyOptions {
            quick: true,
            ..Default::default()
        },
    )?;
    if !report.problems.is_empty() {
        return Err(ReviewError::Invalid(format!(
            "the ledger does not verify ({} problems; see `radar ledger verify`): no bundle made from it",
            report.problems.len()
        )));
    }
    let note = report
        .latest
        .ok_or_else(|| ReviewError::Invalid("the ledger is empty: nothing to export".into()))?;
    let checkpoint = Checkpoint::parse(&note)?;
    let sheet = score_sheet(
        store,
        rules,
        registry,
        &ScoreRequest {
            year,
            quarter: None,
            enterprise: Some(enterprise.to_string()),
            commission: commission.to_string(),
        },
    )?;
    let name = sheet
        .enterprises
        .first()
        .map(|e| e.name.clone())
        .unwrap_or_else(|| enterprise.to_string());
    let all = entries(store)?;
    let in_tree = &all[..(checkpoint.size as usize).min(all.len())];
    // Every entry of the enterprise (all years: an undo is as much a part of
    // its record as a confirmation); evidence is packed for the year's.
    let mine: Vec<&Entry> = in_tree
        .iter()
        .filter(|e| e.enterprise == enterprise)
        .collect();

    let parent = out.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(|e| io(parent, e))?;
    let tmp = parent.join(format!(
        ".{}.part",
        out.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "bag".into())
    ));
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp).map_err(|e| io(&tmp, e))?;
    }
    let mut cleanup = RemoveOnDrop(Some(tmp.clone()));
    let mut bag = Bag {
        root: tmp.clone(),
        manifest: Vec::new(),
    };
    let (mut pages, mut files) = (0, 0);
    let mut damaged: Vec<(u64, String)> = Vec::new();
    let mut leaves_lines = String::new();
    for e in in_tree {
        leaves_lines.push_str(
            &serde_json::json!({
                "seq": e.seq,
                "commission": e.commission,
                "enterprise": e.enterprise,
                "entry_sha256": e.sha256(),
            })
            .to_string(),
        );
        leaves_lines.push('\n');
    }
    let mut index_lines = String::new();
    for e in &mine {
        let seq = e.seq;
        let entry_rel = format!("ledger/entries/{seq:06}.json");
        let bytes = e.canonical();
        bag.put(&entry_rel, &bytes)?;
        let mut line = serde_json::json!({
            "seq": seq,
            "action": e.action.as_str(),
            "item": e.item,
            "evidence_date": e.evidence_date.to_string(),
            "entry_file": entry_rel,
            "entry_sha256": e.sha256(),
        });
        if let Some(r) = e.reverses {
            line["reverses"] = r.into();
        }
        let packs = e.action == crate::ledger::Action::Confirm && e.evidence_date.year() == year;
        if packs && let Some(why) = super::ledger::evidence_problem(home, &e.evidence) {
            tracing::warn!(entry = seq, %why, "evidence altered: not packed");
            line["damaged"] = why.clone().into();
            damaged.push((seq, why));
        } else if packs {
            match &e.evidence {
                Evidence::Archive {
                    article_id,
                    warc_file,
                    warc_offset,
                    warc_length,
                    ..
                } => {
                    let dir = format!("pages/{seq:06}");
                    let path = home.archive_file(warc_file);
                    let member = read_range(&path, *warc_offset, *warc_length)?;
                    bag.put(&format!("{dir}/record.warc.gz"), &member)?;
                    let rec = crate::archive::read_record_at(&path, *warc_offset)?;
                    bag.put(&format!("{dir}/payload.bin"), &rec.body)?;
                    if let Some(a) = store.article(article_id)? {
                        let a = a.article;
                        let text = format!(
                            "标题：{}\n来源：{}\n日期：{}\n版面：{}\n作者：{}\n网址：{}\n\n{}\n",
                            a.title,
                            a.outlet,
                            a.published.map(|d| d.to_string()).unwrap_or_default(),
                            a.page.unwrap_or_default(),
                            a.author.unwrap_or_default(),
                            a.url,
                            a.body
                        );
                        bag.put(&format!("{dir}/text.txt"), text.as_bytes())?;
                    }
                    line["record"] = format!("{dir}/record.warc.gz").into();
                    line["payload"] = format!("{dir}/payload.bin").into();
                    pages += 1;
                }
                Evidence::File {
                    sha256, file_name, ..
                } => {
                    let src = home.file_path(sha256);
                    let content = std::fs::read(&src).map_err(|err| io(&src, err))?;
                    let rel = format!(
                        "files/{seq:06}-{}",
                        crate::model::names::file_name_within(file_name, 80)
                    );
                    bag.put(&rel, &content)?;
                    line["file"] = rel.into();
                    files += 1;
                }
            }
        }
        index_lines.push_str(&line.to_string());
        index_lines.push('\n');
    }
    bag.put("ledger/leaves.jsonl", leaves_lines.as_bytes())?;
    bag.put("ledger/entries.jsonl", index_lines.as_bytes())?;
    bag.put("ledger/checkpoint.note", note.as_bytes())?;
    bag.put("ledger/checkpoint.txt", checkpoint.body().as_bytes())?;
    bag.put("ledger/checkpoint.sig", &checkpoint.signature)?;
    let key = super::ledger::public_key(home)?;
    bag.put("ledger/ledger-public.pem", key.to_pem().as_bytes())?;
    if !damaged.is_empty() {
        let mut text = String::from(
            "# 证据已被改动\n\n以下记录的证据字节与台账记录中签名的摘要不符，未打包：\n\n",
        );
        for (seq, why) in &damaged {
            text.push_str(&format!("- 记录 {seq}：{why}\n"));
        }
        bag.put("DAMAGED.md", text.as_bytes())?;
    }
    let rules_toml =
        toml::to_string(rules).map_err(|e| ReviewError::Corrupt(format!("rules.toml: {e}")))?;
    bag.put("rules.toml", rules_toml.as_bytes())?;
    let sheet_json = serde_json::to_vec_pretty(&sheet)
        .map_err(|e| ReviewError::Corrupt(format!("scorecard: {e}")))?;
    bag.put("scorecard.json", &sheet_json)?;
    let xlsx = crate::report::score_xlsx(&sheet)
        .map_err(|e| ReviewError::Corrupt(format!("scorecard.xlsx: {e}")))?;
    bag.put("scorecard.xlsx", &xlsx)?;
    let verify_md = VERIFY_MD
        .replace("{commission}", commission)
        .replace("{enterprise}", &format!("{name}（{enterprise}）"))
        .replace("{year}", &year.to_string())
        .replace("{size}", &checkpoint.size.to_string())
        .replace("{root}", &base64_root(&checkpoint));
    bag.put("VERIFY.md", verify_md.as_bytes())?;
    bag.put("verify.py", VERIFY_PY.as_bytes())?;

    // Tag files.
    let payload_bytes: u64 = bag.manifest.iter().map(|m| m.2).sum();
    let payload_files = bag.manifest.len();
    let mut manifest = String::new();
    for (p, h, _) in &bag.manifest {
        manifest.push_str(&format!("{h}  {p}\n"));
    }
    let bagit = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n".to_string();
    let info = format!(
        "Source-Organization: {commission}\n\
         Bagging-Date: {}\n\
         External-Identifier: reform-radar:{enterprise}:{year}\n\
         External-Description: {name} {year}年度改革报表证据包（台账检查点 {} 条）\n\
         Payload-Oxum: {payload_bytes}.{payload_files}\n\
         Bag-Software-Agent: reform-radar {}\n\
         Commission: {commission}\n\
         Commission-Id: {}\n\
         Enterprise-Id: {enterprise}\n\
         Enterprise-Name: {name}\n\
         Year: {year}\n\
         Ledger-Checkpoint-Size: {}\n\
         Ledger-Checkpoint-Root: {}\n\
         Damaged-Entries: {}\n",
        crate::model::beijing_today(),
        checkpoint.size,
        env!("CARGO_PKG_VERSION"),
        super::ledger::settings(home)?.commission_id,
        checkpoint.size,
        base64_root(&checkpoint),
        damaged.len(),
    );
    let mut tagmanifest = String::new();
    for (name, text) in [
        ("bagit.txt", &bagit),
        ("bag-info.txt", &info),
        ("manifest-sha256.txt", &manifest),
    ] {
        let path = tmp.join(name);
        std::fs::write(&path, text).map_err(|e| io(&path, e))?;
        tagmanifest.push_str(&format!("{}  {name}\n", hex::encode(Sha256::digest(text))));
    }
    let path = tmp.join("tagmanifest-sha256.txt");
    std::fs::write(&path, &tagmanifest).map_err(|e| io(&path, e))?;
    // The tag manifest signed with the ledger key: it fixes every file's
    // digest, so a bag whose manifests were recomputed after a change fails.
    let signer = super::ledger::signing_key(home, store)?;
    let path = tmp.join("tagmanifest-sha256.txt.sig");
    std::fs::write(&path, signer.key.sign(tagmanifest.as_bytes())).map_err(|e| io(&path, e))?;
    if out.exists() {
        std::fs::remove_dir(out).map_err(|e| io(out, e))?;
    }
    std::fs::rename(&tmp, out).map_err(|e| io(out, e))?;
    cleanup.0 = None;
    Ok(ExportSummary {
        dir: out.to_path_buf(),
        entries: mine.len(),
        pages,
        files,
        payload_bytes,
        payload_files,
        tree_size: checkpoint.size,
        damaged,
    })
}

fn base64_root(cp: &Checkpoint) -> String {
    cp.body().lines().nth(2).unwrap_or_default().to_string()
}
