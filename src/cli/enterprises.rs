//! `radar enterprises`: the enterprise registry of a home. `import FILE`
//! merges a spreadsheet (CSV in UTF-8 or GBK, XLSX) into `enterprises.toml`
//! by id (`--replace`: the file becomes the whole list); `list` shows what
//! is registered, with every alias by kind and each subsidiary's parent.

use crate::config::Home;
use crate::model::{AliasKind, Registry};
use crate::registry;
use std::path::PathBuf;

#[derive(Debug, Clone, clap::Args)]
pub struct EnterprisesArgs {
    #[command(subcommand)]
    pub command: EnterprisesCommand,
}

#[derive(Debug, Clone, clap::Subcommand)]
pub enum EnterprisesCommand {
    /// Merge a CSV or XLSX list into enterprises.toml by id.
    Import {
        /// The list: .csv (UTF-8 or GBK) or .xlsx (the first sheet).
        file: PathBuf,
        /// Make the file the whole registry (enterprises it lacks are removed).
        #[arg(long)]
        replace: bool,
    },
    /// Show the registered enterprises.
    List {
        #[arg(long)]
        json: bool,
        /// Per alias and source: candidates, how many reviewers rejected
        /// (an alias that keeps producing noise may need `ambiguous`).
        #[arg(long)]
        stats: bool,
    },
}

pub fn run(home: &Home, args: &EnterprisesArgs) -> anyhow::Result<()> {
    match &args.command {
        EnterprisesCommand::Import { file, replace } => import(home, file, *replace),
        EnterprisesCommand::List { json, stats } => list(home, *json, *stats),
    }
}

fn import(home: &Home, file: &std::path::Path, replace: bool) -> anyhow::Result<()> {
    let r = registry::import(home, file, replace)?;
    let removed = if replace {
        format!(", {} removed", r.removed)
    } else {
        String::new()
    };
    println!(
        "imported {} enterprises ({} new, {} updated{removed}) into {}",
        r.imported,
        r.new,
        r.updated,
        r.path.display()
    );
    Ok(())
}

fn list(home: &Home, json: bool, with_stats: bool) -> anyhow::Result<()> {
    let reg =
        registry::load(home).map_err(|p| anyhow::anyhow!("problems in enterprises.toml:\n{p}"))?;
    let stats = if with_stats {
        match home.existing_db_path() {
            Ok(db) => crate::store::Store::open_reader(&db)?.read(|tx| tx.rejection_stats())?,
            Err(_) => Vec::new(),
        }
    } else {
        Vec::new()
    };
    let stats_of = |id: &str| -> Vec<&crate::store::RejectionStat> {
        stats.iter().filter(|s| s.enterprise == id).collect()
    };
    if json {
        let v: Vec<_> = reg
            .enterprises
            .iter()
            .map(|e| {
                let mut v = serde_json::json!({
                    "id": e.id,
                    "name": e.name,
                    "parent": e.parent,
                    "scoring_unit": reg.scoring_unit(&e.id),
                    "aliases": e.aliases,
                });
                if with_stats {
                    let rows: Vec<serde_json::Value> = stats_of(&e.id)
                        .iter()
                        .map(|s| {
                            serde_json::json!({
                                "alias": s.alias, "source": s.source, "candidates": s.candidates,
                                "rejected": s.rejected, "confirmed": s.confirmed,
                                "rejected_share": share(s.rejected, s.candidates),
                            })
                        })
                        .collect();
                    v["stats"] = serde_json::Value::Array(rows);
                }
                v
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        for e in &reg.enterprises {
            println!("{:<12} {}", e.id, e.name);
            if let Some(p) = &e.parent {
                println!("    上级: {p}");
            }
            for kind in [
                AliasKind::ShortName,
                AliasKind::FormerName,
                AliasKind::Brand,
            ] {
                let names: Vec<String> = e
                    .aliases
                    .iter()
                    .filter(|a| a.kind == kind)
                    .map(|a| {
                        let mut s = a.text.clone();
                        if let Some(d) = a.valid_until {
                            s.push_str(&format!(" (until {d})"));
                        }
                        if a.ambiguous {
                            s.push_str(" [needs anchor]");
                        }
                        s
                    })
                    .collect();
                if !names.is_empty() {
                    println!("    {}: {}", kind.label_zh(), names.join(", "));
                }
            }
            for s in stats_of(&e.id) {
                println!(
                    "    审核: {} @ {}: {} candidates, {} rejected ({:.0}%), {} confirmed",
                    s.alias,
                    s.source,
                    s.candidates,
                    s.rejected,
                    share(s.rejected, s.candidates) * 100.0,
                    s.confirmed
                );
            }
        }
    }
    let summary = summary(&reg);
    if json {
        eprintln!("{summary}");
    } else {
        println!("{summary}");
    }
    Ok(())
}

/// Rejected share of the candidates (0 when there are none).
fn share(rejected: u64, candidates: u64) -> f64 {
    if candidates == 0 {
        0.0
    } else {
        rejected as f64 / candidates as f64
    }
}

fn summary(reg: &Registry) -> String {
    let aliases: usize = reg.enterprises.iter().map(|e| e.aliases.len()).sum();
    let ambiguous = reg
        .enterprises
        .iter()
        .flat_map(|e| &e.aliases)
        .filter(|a| a.ambiguous)
        .count();
    let subsidiaries = reg
        .enterprises
        .iter()
        .filter(|e| e.parent.is_some())
        .count();
    format!(
        "{} enterprises ({subsidiaries} with a parent), {aliases} aliases ({ambiguous} need an anchor)",
        reg.enterprises.len()
    )
}
