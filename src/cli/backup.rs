//! `radar backup --out DIR`: a consistent copy of the home while it runs;
//! `radar backup --check DIR`: verify a backup without restoring it;
//! `radar restore DIR --home NEW`: check, restore and verify the ledger.

use crate::config::Home;
use crate::pipeline::backup;
use std::path::PathBuf;

#[derive(Debug, Clone, clap::Args)]
#[command(group(clap::ArgGroup::new("what").required(true).args(["out", "check"])))]
pub struct BackupArgs {
    /// Write (or bring up to date) the backup in this folder.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Verify the backup in this folder against its manifest; names every damaged file.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["out", "include_key"])]
    pub check: Option<PathBuf>,
    /// Also copy the ledger's private signing key (written with mode 0600).
    /// Keep such a backup as safe as the home itself.
    #[arg(long)]
    pub include_key: bool,
}

#[derive(Debug, Clone, clap::Args)]
pub struct RestoreArgs {
    /// The backup folder (made by `radar backup --out`). The new home is `--home`.
    pub dir: PathBuf,
}

fn mib(b: u64) -> String {
    format!("{:.1} MiB", b as f64 / (1 << 20) as f64)
}

pub fn run(home: &Home, args: &BackupArgs) -> anyhow::Result<()> {
    if let Some(dir) = &args.check {
        let r = backup::check(dir)?;
        for p in &r.problems {
            println!("DAMAGED: {p}");
        }
        for u in &r.unlisted {
            tracing::warn!(file = %u, "not in the manifest (ignored)");
        }
        if !r.problems.is_empty() {
            anyhow::bail!(
                "backup {} is damaged: {} problem(s) in {} files",
                dir.display(),
                r.problems.len(),
                r.files + r.problems.len() as u64
            );
        }
        println!(
            "backup {} verified: {} files, {}, every SHA-256 matches {}",
            dir.display(),
            r.files,
            mib(r.bytes),
            backup::MANIFEST
        );
        return Ok(());
    }
    let Some(out) = &args.out else {
        anyhow::bail!("give --out DIR or --check DIR");
    };
    let home = Home::open_existing(home.root())?;
    let s = backup::backup(&home, out, args.include_key)?;
    if s.key_included {
        eprintln!(
            "note: {} holds the ledger's private signing key (mode 0600): keep it as safe as the home",
            out.join("keys/ledger-ed25519.pem").display()
        );
    }
    println!(
        "backup of {} in {}: {} articles, {} ledger entries, database {}, archive {} copied + {} unchanged, files {} copied + {} unchanged, {} config files, {} copied, private key {}",
        home.root().display(),
        out.display(),
        s.articles,
        s.ledger_entries,
        mib(s.database_bytes),
        s.archive_copied,
        s.archive_kept,
        s.files_copied,
        s.files_kept,
        s.config_files,
        mib(s.bytes_copied),
        if s.key_included {
            "included"
        } else {
            "not included"
        }
    );
    Ok(())
}

pub fn restore(home: &Home, args: &RestoreArgs) -> anyhow::Result<()> {
    let r = backup::restore(&args.dir, home)?;
    for p in &r.verify.problems {
        println!("WRONG: {p}");
    }
    if !r.key_restored {
        eprintln!(
            "note: the backup has no private key: copy the old keys/ledger-ed25519.pem into {} before anything is confirmed (a new key cannot continue the signed ledger)",
            home.root().join("keys").display()
        );
    }
    if !r.verify.problems.is_empty() {
        anyhow::bail!(
            "restored into {}, but the ledger does not verify: {} problem(s)",
            home.root().display(),
            r.verify.problems.len()
        );
    }
    println!(
        "restored {} into {}: {} files, {}, {} articles ({} indexed), ledger verified: {} entries, {} checkpoints",
        args.dir.display(),
        home.root().display(),
        r.files,
        mib(r.bytes),
        r.articles,
        r.indexed,
        r.verify.entries,
        r.verify.checkpoints
    );
    Ok(())
}
