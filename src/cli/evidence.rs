//! `radar evidence ID`: the archived response behind an article, exactly as
//! fetched, with its digest checked against the store: the proof a reviewer
//! shows when a claim is questioned.

use crate::archive::{read_record_at, sha256_hex};
use crate::config::Home;
use crate::store::Store;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Clone, clap::Args)]
pub struct EvidenceArgs {
    /// The article id (as `radar articles` shows it).
    pub id: String,
    /// Write the payload (the page body exactly as received) to this file.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Print the record's metadata as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(home: &Home, args: &EvidenceArgs) -> anyhow::Result<()> {
    let store = Store::open(&home.existing_db_path()?)?;
    let row = store
        .article(&args.id)?
        .ok_or_else(|| anyhow::anyhow!("no article `{}`", args.id))?;
    let resource_id = row
        .resource_id
        .ok_or_else(|| anyhow::anyhow!("article `{}` has no archived resource", args.id))?;
    let loc = store.resource(resource_id)?.ok_or_else(|| {
        anyhow::anyhow!("resource {resource_id} of article `{}` is missing", args.id)
    })?;
    let path = home.archive_dir().join(&loc.warc_file);
    let rec = read_record_at(&path, loc.warc_offset)?;
    let digest = sha256_hex(&rec.body);
    let verified = loc.payload_sha256.as_deref() == Some(digest.as_str());
    if args.json {
        let v = serde_json::json!({
            "article": row.article.id, "url": rec.url, "fetched_at": rec.date, "status": rec.status,
            "content_type": rec.header("content-type"), "warc_file": loc.warc_file, "offset": loc.warc_offset,
            "length": loc.warc_length, "payload_sha256": digest, "verified": verified,
            "truncated": rec.truncated,
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
