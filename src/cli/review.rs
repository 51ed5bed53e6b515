//! `radar review confirm|reject|undo`: a reviewer's decisions. A confirmation
//! (or an undo) is a ledger entry with a signed checkpoint; a rejection is a
//! candidate event with its reason. Reviews do not need the crawl's home
//! lock: the store serialises writers, and the second of two reviewers
//! confirming one candidate is told who was first.

use crate::config::Home;
use crate::pipeline::review::{self, Confirm, RejectReason};
use crate::store::Store;
use chrono::NaiveDate;

#[derive(Debug, Clone, clap::Args)]
pub struct ReviewArgs {
    #[command(subcommand)]
    pub command: ReviewCommand,
}

#[derive(Debug, Clone, clap::Subcommand)]
pub enum ReviewCommand {
    /// Confirm a candidate into the score ledger.
    Confirm {
        /// The candidate id (`radar candidates`).
        id: i64,
        #[arg(long)]
        reviewer: String,
        /// Count it under another item than proposed (e.g. C4).
        #[arg(long)]
        item: Option<String>,
        #[arg(long)]
        note: Option<String>,
        /// The evidence date, when the article has none (YYYY-MM-DD).
        #[arg(long)]
        date: Option<NaiveDate>,
        /// Points the commission awarded instead of the rules' (typical cases).
        #[arg(long)]
        points: Option<f64>,
        /// Why a rule is overridden (a date other than the article's own;
        /// evidence already counted this year under another item). Recorded.
        #[arg(long)]
        reason: Option<String>,
    },
    /// Reject a candidate: not-this-enterprise, list-mention, web-only,
    /// not-in-depth, wrong-year, or other:TEXT (any other text counts as other).
    Reject {
        id: i64,
        #[arg(long)]
        reviewer: String,
        #[arg(long)]
        reason: String,
    },
    /// Undo a ledger entry with a reversing entry (its candidate is pending again).
    Undo {
        /// The ledger entry (`radar ledger list`).
        entry: u64,
        #[arg(long)]
        reviewer: String,
        #[arg(long)]
        reason: String,
    },
}

pub fn run(home: &Home, args: &ReviewArgs) -> anyhow::Result<()> {
    let mut store = Store::open(&home.existing_db_path()?)?;
    match &args.command {
        ReviewCommand::Confirm {
            id,
            reviewer,
            item,
            note,
            date,
            points,
            reason,
        } => {
            let checked = super::load(home)?;
            let e = review::confirm(
                home,
                &mut store,
                &checked.rules,
                &Confirm {
                    candidate: *id,
                    reviewer: reviewer.clone(),
                    item: item.clone(),
                    note: note.clone(),
                    date: *date,
                    points: *points,
                    reason: reason.clone(),
                },
            )?;
            println!(
                "confirmed candidate {id} as ledger entry {}: {} {} {} 《{}》 ({}); checkpoint signed at size {}",
                e.seq,
                e.enterprise,
                e.item,
                e.evidence_date,
                e.title,
                e.source,
                e.seq + 1
            );
        }
        ReviewCommand::Reject {
            id,
            reviewer,
            reason,
        } => {
            let r = RejectReason::parse(reason).ok_or_else(|| {
                anyhow::anyhow!(
                    "--reason `{reason}`: give one of {}",
                    RejectReason::CODES.join(", ")
                )
            })?;
            review::reject(&mut store, *id, reviewer, &r)?;
            println!("rejected candidate {id}: {} ({})", r.label(), r.code());
        }
        ReviewCommand::Undo {
            entry,
            reviewer,
            reason,
        } => {
            let e = review::undo(home, &mut store, *entry, reviewer, reason)?;
            let back = e
                .candidate
                .map(|c| format!("; candidate {c} is pending again"))
                .unwrap_or_default();
            println!(
                "undid entry {entry} with entry {}: {} {} no longer counts{back}",
                e.seq, e.enterprise, e.item
            );
        }
    }
    Ok(())
}
