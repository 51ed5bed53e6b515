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
    /// Recompute the tree, check every entry, column and stored checkpoint,
    /// that the ledger extends every published (and witnessed) checkpoint,
    /// and re-hash the evidence behind every entry.
    Verify {
        /// A checkpoint published earlier, exactly as `radar ledger
        /// checkpoint` printed it, or a folder of them (`*.note`). Repeatable.
        #[arg(long, value_name = "FILE")]
        published: Vec<PathBuf>,
        /// Skip re-reading the archived records and stored files.
        #[arg(long)]
        quick: bool,
    },
    /// Print an RFC 6962 consistency proof from an earlier tree size to the
    /// current one (JSON: sizes, roots and the proof's hashes in base64).
    Prove {
        #[arg(long, value_name = "SIZE")]
        from: u64,
    },
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
        LedgerCommand::Verify { published, quick } => {
            let bar = super::progress::Bar::new("evidence");
            let r = pl::verify(
                home,
                &store,
                &pl::VerifyOptions {
                    published: published.clone(),
                    quick: *quick,
                    no_witness: false,
                    progress: Some(&bar as &dyn crate::pipeline::Progress),
                },
            )?;
            bar.finish();
            for p in &r.problems {
                println!("WRONG: {p}");
            }
            if r.problems.is_empty() {
                let evidence = if *quick {
                    "evidence not re-read (--quick)".to_string()
                } else {
                    format!("{} evidence records re-hashed", r.evidence_checked)
                };
                println!(
                    "ledger verified: {} entries, {} checkpoints, every leaf, root and signature checks; extends {} published checkpoints; {evidence}",
                    r.entries, r.checkpoints, r.published
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
        LedgerCommand::Prove { from } => {
            let leaves = pl::recomputed_leaves(home, &store)?;
            let n = leaves.len() as u64;
            if *from > n || *from == 0 {
                anyhow::bail!("--from {from}: give a size from 1 to the ledger's {n} entries");
            }
            let b64 = |h: &[u8]| {
                use base64::Engine;
                base64::engine::general_purpose::STANDARD.encode(h)
            };
            let proof = crate::ledger::merkle::consistency_proof(*from as usize, &leaves);
            let out = serde_json::json!({
                "old_size": from,
                "old_root": b64(&crate::ledger::merkle::root(&leaves[..*from as usize])[..]),
                "new_size": n,
                "new_root": b64(&crate::ledger::merkle::root(&leaves)[..]),
                "proof": proof.iter().map(|h| b64(&h[..])).collect::<Vec<_>>(),
            });
            println!("{}", serde_json::to_string_pretty(&out)?);
            eprintln!(
                "consistency proof from size {from} to {n}: {} hashes",
                proof.len()
            );
            Ok(())
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
