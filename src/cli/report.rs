//! `radar report quarterly|case`: the files an enterprise files, made from
//! the ledger: the quarterly report (季度报送) with the year-to-date
//! scorecard, the quarter's items and the checkpoint it was made from, and
//! the draft of the annex-2 typical case (改革典型案例申报模板). DOCX or
//! Markdown, by `--format` or the extension of `--out`.

use crate::config::Home;
use crate::pipeline::scores::{ScoreRequest, case_draft, quarterly_report};
use crate::scoring::Quarter;
use crate::store::Store;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, clap::Args)]
pub struct ReportArgs {
    #[command(subcommand)]
    pub command: ReportCommand,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DocFormat {
    Docx,
    Md,
}

#[derive(Debug, Clone, clap::Args)]
pub struct DocArgs {
    #[arg(long)]
    pub enterprise: String,
    #[arg(long)]
    pub year: i32,
    /// The file to write (.docx or .md).
    #[arg(long)]
    pub out: PathBuf,
    /// Default: from the extension of --out (docx unless it ends in .md).
    #[arg(long, value_enum)]
    pub format: Option<DocFormat>,
}

#[derive(Debug, Clone, clap::Subcommand)]
pub enum ReportCommand {
    /// The quarterly report (季度报送) of one enterprise.
    Quarterly {
        #[command(flatten)]
        doc: DocArgs,
        /// 1-4.
        #[arg(long, value_parser = super::score::parse_quarter)]
        quarter: Quarter,
    },
    /// The draft of the annex-2 typical case (改革典型案例申报模板).
    Case {
        #[command(flatten)]
        doc: DocArgs,
    },
}

fn format_of(doc: &DocArgs) -> DocFormat {
    doc.format.unwrap_or_else(|| {
        if doc
            .out
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("md"))
        {
            DocFormat::Md
        } else {
            DocFormat::Docx
        }
    })
}

fn write(out: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    std::fs::write(out, bytes).map_err(|e| anyhow::anyhow!("writing {}: {e}", out.display()))
}

pub fn run(home: &Home, args: &ReportArgs) -> anyhow::Result<()> {
    let (checked, registry) = crate::registry::check_home(home)
        .map_err(|p| anyhow::anyhow!("configuration problems:\n{p}"))?;
    let store = Store::open_reader(&home.existing_db_path()?)?;
    let (doc, quarter) = match &args.command {
        ReportCommand::Quarterly { doc, quarter } => (doc, Some(*quarter)),
        ReportCommand::Case { doc } => (doc, None),
    };
    let req = ScoreRequest {
        year: doc.year,
        quarter,
        enterprise: Some(doc.enterprise.clone()),
        commission: checked.settings.commission.clone(),
    };
    let format = format_of(doc);
    let (what, items) = match quarter {
        Some(q) => {
            let r = quarterly_report(&store, &checked.rules, &registry, &req)?;
            let bytes = match format {
                DocFormat::Docx => crate::report::quarterly_docx(&r)?,
                DocFormat::Md => crate::report::quarterly_markdown(&r).into_bytes(),
            };
            write(&doc.out, &bytes)?;
            (
                format!("quarterly report {} Q{}", doc.year, q.number()),
                r.quarter_items.len(),
            )
        }
        None => {
            let c = case_draft(&store, &checked.rules, &registry, &req)?;
            let bytes = match format {
                DocFormat::Docx => crate::report::case_docx(&c)?,
                DocFormat::Md => crate::report::case_markdown(&c).into_bytes(),
            };
            write(&doc.out, &bytes)?;
            (format!("case draft {}", doc.year), c.items.len())
        }
    };
    println!(
        "wrote the {what} of {} to {}: {items} items from the ledger",
        doc.enterprise,
        doc.out.display()
    );
    Ok(())
}
