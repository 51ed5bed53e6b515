//! `radar candidates`: the candidate evidence matching proposed, best first,
//! with the confidence, the reasons and the depth signals a reviewer needs.

use crate::config::Home;
use crate::store::{CandidateFilter, CandidateStatus, Store};

#[derive(Debug, Clone, clap::Args)]
pub struct CandidatesArgs {
    /// pending, confirmed, rejected, lead or withdrawn.
    #[arg(long, value_parser = parse_status)]
    pub status: Option<CandidateStatus>,
    /// An enterprise id (its subsidiaries' candidates count for it).
    #[arg(long)]
    pub enterprise: Option<String>,
    /// A scoring item (B1, C7, …) or `lead`.
    #[arg(long)]
    pub item: Option<String>,
    /// The year of the evidence date.
    #[arg(long, value_parser = clap::value_parser!(i32).range(1990..=2100))]
    pub year: Option<i32>,
    /// One JSON array on stdout.
    #[arg(long)]
    pub json: bool,
}

fn parse_status(s: &str) -> Result<CandidateStatus, String> {
    CandidateStatus::parse(s)
        .ok_or_else(|| format!("`{s}`: one of pending, confirmed, rejected, lead, withdrawn"))
}

pub fn run(home: &Home, args: &CandidatesArgs) -> anyhow::Result<()> {
    let store = Store::open_reader(&home.existing_db_path()?)?;
    let rows = store.candidates(&CandidateFilter {
        status: args.status,
        enterprise: args.enterprise.clone(),
        item: args.item.clone(),
        year: args.year,
        id: None,
    })?;
    if args.json {
        let mut out: Vec<serde_json::Value> = Vec::with_capacity(rows.len());
        for c in &rows {
            out.push(crate::pipeline::review::candidate_json(&store, c)?);
        }
        println!("{}", serde_json::to_string_pretty(&out)?);
        eprintln!("{} candidate(s)", rows.len());
        return Ok(());
    }
    for c in &rows {
        println!(
            "#{:<5} {:<9} {:<4} {:<10} {:<6} {} {}《{}》\n       {}",
            c.id,
            c.status.as_str(),
            c.item,
            c.enterprise,
            c.confidence,
            c.published.as_deref().unwrap_or("----------"),
            c.outlet,
            c.title,
            c.reasons.join("；")
        );
    }
    println!("{} candidate(s)", rows.len());
    Ok(())
}
