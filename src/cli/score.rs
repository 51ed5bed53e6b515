//! `radar score --year Y [--quarter Q] [--enterprise ID] [--format
//! table|json|csv|xlsx] [--out FILE]`: scorecards from the ledger and the
//! rules, with every counted item and its evidence, and the checkpoint the
//! figures come from.

use crate::config::Home;
use crate::pipeline::scores::{ScoreRequest, score_sheet};
use crate::scoring::Quarter;
use crate::store::Store;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
    Csv,
    Xlsx,
}

#[derive(Debug, Clone, clap::Args)]
pub struct ScoreArgs {
    #[arg(long)]
    pub year: i32,
    /// Year to date at the end of this quarter (1-4).
    #[arg(long, value_parser = parse_quarter)]
    pub quarter: Option<Quarter>,
    /// One enterprise (a scoring unit); default: every enterprise without a parent.
    #[arg(long)]
    pub enterprise: Option<String>,
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    /// Write to this file instead of standard output (required for xlsx).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

pub fn parse_quarter(s: &str) -> Result<Quarter, String> {
    s.trim_start_matches(['Q', 'q'])
        .parse::<u8>()
        .ok()
        .and_then(Quarter::from_number)
        .ok_or_else(|| format!("`{s}`: a quarter is 1, 2, 3 or 4"))
}

pub fn run(home: &Home, args: &ScoreArgs) -> anyhow::Result<()> {
    let (checked, registry) = crate::registry::check_home(home)
        .map_err(|p| anyhow::anyhow!("configuration problems:\n{p}"))?;
    let store = Store::open_reader(&home.existing_db_path()?)?;
    let sheet = score_sheet(
        &store,
        &checked.rules,
        &registry,
        &ScoreRequest {
            year: args.year,
            quarter: args.quarter,
            enterprise: args.enterprise.clone(),
            commission: checked.settings.commission.clone(),
        },
    )?;
    let bytes: Vec<u8> = match args.format {
        Format::Json => {
            let mut v = serde_json::to_vec_pretty(&sheet)?;
            v.push(b'\n');
            v
        }
        Format::Table => crate::report::score_table(&sheet).into_bytes(),
        Format::Csv => crate::report::score_csv(&sheet).into_bytes(),
        Format::Xlsx => {
            anyhow::ensure!(
                args.out.is_some(),
                "--format xlsx writes a file: give --out FILE.xlsx"
            );
            crate::report::score_xlsx(&sheet)?
        }
    };
    match &args.out {
        Some(path) => std::fs::write(path, &bytes)
            .map_err(|e| anyhow::anyhow!("writing {}: {e}", path.display()))?,
        None => {
            use std::io::Write;
            std::io::stdout().write_all(&bytes)?;
        }
    }
    let total: f64 = sheet.enterprises.iter().map(|e| e.total).sum();
    let items: usize = sheet.enterprises.iter().map(|e| e.items.len()).sum();
    let period = match args.quarter {
        Some(q) => format!("{} to the end of Q{}", args.year, q.number()),
        None => args.year.to_string(),
    };
    let to = args
        .out
        .as_ref()
        .map(|p| format!(", written to {}", p.display()))
        .unwrap_or_default();
    eprintln!(
        "scored {} enterprises for {period}: {items} counted items, {total:+} points in all{to}",
        sheet.enterprises.len()
    );
    Ok(())
}
