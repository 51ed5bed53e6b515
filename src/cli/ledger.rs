//! `radar ledger verify|checkpoint|list`: check the score ledger the way a
//! third party would (every leaf, the tree, every signed checkpoint), print
//! the latest checkpoint for publishing, and list the entries.

use crate::config::Home;
use crate::ledger::Checkpoint;
use crate::pipeline::ledger as pl;
use crate::store::Store;
use std::path::PathBuf;

#[derive(Debug, Clone, clap::Args)]
pub struct LedgerArgs {
    #[command(subcommand)]
    pub command: LedgerCommand,
}

#[derive(Debug, Clone, clap::Subcommand)]
pub enum LedgerCommand {
    /// Recompute the tree and check every entry and stored checkpoint.
    Verify,
    /// Print the latest signed checkpoint (C2SP note), to publish it.
    Checkpoint {
        /// Also write checkpoint.txt (the signed body), checkpoint.sig (raw
        /// Ed25519 signature), checkpoint.note and the public key PEM here,
        /// for `openssl pkeyutl -verify -pubin -inkey ledger-public.pem -rawin -in checkpoint.txt -sigfile checkpoint.sig`.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// List the ledger entries.
    List {
        #[arg(long)]
        json: bool,
    },
}

pub fn run(home: &Home, args: &LedgerArgs) -> anyhow::Result<()> {
    let store = Store::open_reader(&home.existing_db_path()?)?;
    match &args.command {
        LedgerCommand::Verify => {
            let r = pl::verify(home, &store)?;
            for p in &r.problems {
                println!("WRONG: {p}");
            }
            if r.problems.is_empty() {
                println!(
                    "ledger verified: {} entries, {} checkpoints, every leaf, root and signature checks",
                    r.entries, r.checkpoints
                );
                Ok(())
            } else {
                anyhow::bail!(
                    "ledger verification failed: {} problems in {} entries and {} checkpoints",
                    r.problems.len(),
                    r.entries,
                    r.checkpoints
                )
            }
        }
        LedgerCommand::Checkpoint { out } => {
            let note = crate::pipeline::scores::latest_checkpoint(&store)?
                .ok_or_else(|| anyhow::anyhow!("the ledger is empty: no checkpoint yet"))?;
            print!("{note}");
            if let Some(dir) = out {
                write_checkpoint(home, &note, dir)?;
                eprintln!(
                    "checkpoint written to {} (checkpoint.txt, checkpoint.sig, checkpoint.note, ledger-public.pem)",
                    dir.display()
                );
            } else {
                let cp = Checkpoint::parse(&note)?;
                eprintln!("latest checkpoint: {} entries", cp.size);
            }
            Ok(())
        }
        LedgerCommand::List { json } => {
            let entries = pl::entries(&store)?;
            if *json {
                println!("{}", serde_json::to_string_pretty(&entries)?);
            } else {
                for e in &entries {
                    let what = match e.reverses {
                        Some(r) => format!("undo of {r}"),
                        None => "confirm".into(),
                    };
                    println!(
                        "{:>5}  {:<10} {:<12} {:<4} {}  {}《{}》  {} {}",
                        e.seq,
                        what,
                        e.enterprise,
                        e.item,
                        e.evidence_date,
                        e.source,
                        e.title,
                        e.reviewer,
                        e.at
                    );
                }
            }
            let undos = entries.iter().filter(|e| e.reverses.is_some()).count();
            eprintln!(
                "{} ledger entries ({} confirmations, {undos} undos)",
                entries.len(),
                entries.len() - undos
            );
            Ok(())
        }
    }
}

/// The checkpoint as files a standard tool checks.
pub fn write_checkpoint(home: &Home, note: &str, dir: &std::path::Path) -> anyhow::Result<()> {
    let cp = Checkpoint::parse(note)?;
    let key = pl::public_key(home)?;
    std::fs::create_dir_all(dir)?;
    std::fs::write(dir.join("checkpoint.txt"), cp.body())?;
    std::fs::write(dir.join("checkpoint.sig"), cp.signature)?;
    std::fs::write(dir.join("checkpoint.note"), note)?;
    std::fs::write(dir.join("ledger-public.pem"), key.to_pem())?;
    Ok(())
}
