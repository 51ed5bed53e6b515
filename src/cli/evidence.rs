//! `radar evidence ID`: the archived response behind an article, exactly as
//! fetched, with its digest checked against the store: the proof a reviewer
//! shows when a claim is questioned. `radar evidence add` puts evidence no
//! crawler can see (with its file) into the score ledger.

use crate::archive::{read_record_at, sha256_hex};
use crate::config::Home;
use crate::store::Store;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Clone, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct EvidenceArgs {
    #[command(subcommand)]
    pub command: Option<EvidenceCommand>,
    #[command(flatten)]
    pub show: ShowArgs,
}

#[derive(Debug, Clone, clap::Subcommand)]
pub enum EvidenceCommand {
    /// The archived response behind an article (same as `radar evidence ID`).
    Show(ShowArgs),
    /// Add evidence no crawler can see (a leader's instruction, a meeting, an
    /// internal bulletin, a paper document) with its file, into the ledger.
    Add(AddArgs),
}

#[derive(Debug, Clone, clap::Args)]
pub struct ShowArgs {
    /// The article id (as `radar articles` shows it).
    pub id: Option<String>,
    /// Write the payload (the page body exactly as received) to this file.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Print the record's metadata as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, clap::Args)]
pub struct AddArgs {
    /// The enterprise the evidence names (a subsidiary counts for its parent).
    #[arg(long)]
    pub enterprise: String,
    /// The item of rules.toml (A1, C1, …).
    #[arg(long)]
    pub item: String,
    /// The date of the instruction, meeting or document (YYYY-MM-DD).
    #[arg(long)]
    pub date: chrono::NaiveDate,
    #[arg(long)]
    pub title: String,
    /// Who issued it (国务院国资委, 市委改革办, …).
    #[arg(long)]
    pub issuer: String,
    /// The file (PDF, image, Word); stored once by its SHA-256.
    #[arg(long)]
    pub file: PathBuf,
    #[arg(long)]
    pub reviewer: String,
    #[arg(long)]
    pub note: Option<String>,
    /// Points the commission awarded instead of the rules'.
    #[arg(long)]
    pub points: Option<f64>,
    /// Why this file counts again this year for the enterprise under
    /// another item (the same evidence counts once otherwise). Recorded.
    #[arg(long)]
    pub reason: Option<String>,
}

pub fn run(home: &Home, args: &EvidenceArgs) -> anyhow::Result<()> {
    match &args.command {
        Some(EvidenceCommand::Add(a)) => add(home, a),
        Some(EvidenceCommand::Show(s)) => show(home, s),
        None => show(home, &args.show),
    }
}

fn add(home: &Home, a: &AddArgs) -> anyhow::Result<()> {
    let (checked, registry) = crate::registry::check_home(home)
        .map_err(|p| anyhow::anyhow!("configuration problems:\n{p}"))?;
    // Manual evidence needs no crawl first: the store is made when missing.
    let mut store = Store::open(&home.db_path())?;
    let (e, new_file) = crate::pipeline::review::add_evidence(
        home,
        &mut store,
        &checked.rules,
        &registry,
        &crate::pipeline::review::ManualEvidence {
            enterprise: a.enterprise.clone(),
            item: a.item.clone(),
            date: a.date,
            title: a.title.clone(),
            issuer: a.issuer.clone(),
            file: a.file.clone(),
            reviewer: a.reviewer.clone(),
            note: a.note.clone(),
            points: a.points,
            reason: a.reason.clone(),
        },
    )?;
    let (sha, size) = match &e.evidence {
        crate::ledger::Evidence::File { sha256, size, .. } => (sha256.clone(), *size),
        crate::ledger::Evidence::Archive { payload_sha256, .. } => (payload_sha256.clone(), 0),
    };
    let stored = if new_file { "stored" } else { "already stored" };
    println!(
        "added ledger entry {}: {} {} {} 《{}》 ({}); file {size} bytes {stored} as sha256:{sha}",
        e.seq, e.enterprise, e.item, e.evidence_date, e.title, e.source
    );
    Ok(())
}

fn show(home: &Home, args: &ShowArgs) -> anyhow::Result<()> {
    let id = args.id.as_deref().ok_or_else(|| {
        anyhow::anyhow!("give an article id: `radar evidence ID` (or `radar evidence add …`)")
    })?;
    let store = Store::open_reader(&home.existing_db_path()?)?;
    let row = store
        .article(id)?
        .ok_or_else(|| anyhow::anyhow!("no article `{}`", id))?;
    let resource_id = row
        .resource_id
        .ok_or_else(|| anyhow::anyhow!("article `{}` has no archived resource", id))?;
    let loc = store
        .resource(resource_id)?
        .ok_or_else(|| anyhow::anyhow!("resource {resource_id} of article `{}` is missing", id))?;
    let path = home.archive_file(&loc.warc_file);
    let rec = read_record_at(&path, loc.warc_offset)?;
    let digest = sha256_hex(&rec.body);
    let verified = loc.payload_sha256.as_deref() == Some(digest.as_str());
    let via = browser_note(&path, loc.warc_offset + loc.warc_length, &rec.url);
    if args.json {
        let v = serde_json::json!({
            "article": row.article.id, "url": rec.url, "fetched_at": rec.date, "status": rec.status,
            "content_type": rec.header("content-type"), "warc_file": loc.warc_file, "offset": loc.warc_offset,
            "length": loc.warc_length, "payload_sha256": digest, "verified": verified,
            "truncated": rec.truncated, "via_browser": via,
        });
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        println!("article   {} 《{}》", row.article.id, row.article.title);
        println!("url       {}", rec.url);
        println!(
            "fetched   {} (HTTP {})",
            rec.date,
            rec.status.map_or("-".into(), |s| s.to_string())
        );
        println!(
            "record    {} @ {} ({} bytes compressed)",
            path.display(),
            loc.warc_offset,
            loc.warc_length
        );
        println!("sha256    {digest}");
        if let Some(v) = &via {
            println!("via       {v}");
        }
        if rec.truncated {
            println!(
                "truncated yes: the archived record is marked WARC-Truncated, the payload is not the whole response"
            );
        }
    }
    // Check before anything is written: a payload that fails its digest is
    // not evidence and must not end up in a file that looks like it.
    anyhow::ensure!(
        verified,
        "{} at offset {}: payload sha256 {digest} does not match the stored {}: the archive was altered{}",
        path.display(),
        loc.warc_offset,
        loc.payload_sha256.as_deref().unwrap_or("(none)"),
        args.out
            .as_ref()
            .map(|o| format!("; nothing written to {}", o.display()))
            .unwrap_or_default()
    );
    if let Some(out) = &args.out {
        std::fs::File::create(out)
            .and_then(|mut f| f.write_all(&rec.body))
            .map_err(|e| anyhow::anyhow!("writing {}: {e}", out.display()))?;
    }
    let written = args
        .out
        .as_ref()
        .map(|o| format!(", payload written to {}", o.display()))
        .unwrap_or_default();
    let cut = if rec.truncated {
        " (truncated record: not the whole response)"
    } else {
        ""
    };
    eprintln!(
        "evidence verified: {} bytes, sha256 matches the store{cut}{written}",
        rec.body.len()
    );
    Ok(())
}

/// The browser's note on a response (the metadata record the crawler writes
/// right after a response fetched through headless Chromium), if any: its
/// `via:` line.
fn browser_note(path: &std::path::Path, next: u64, url: &str) -> Option<String> {
    let rec = read_record_at(path, next).ok()?;
    if rec.record_type != "metadata" || rec.url != url {
        return None;
    }
    let text = String::from_utf8_lossy(&rec.body);
    text.lines()
        .find_map(|l| l.strip_prefix("via: "))
        .map(|v| v.trim().to_string())
}
