//! `radar coverage`: day by day, did each source's edition (or day list) get
//! fetched, was there none, or is it still open, and how many articles came
//! of it. The proof that a backfill ("everything since 2023-01-01") is complete.

use crate::config::Home;
use crate::store::{DayCoverage, Store};
use chrono::NaiveDate;

#[derive(Debug, Clone, clap::Args)]
pub struct CoverageArgs {
    /// Only these sources (repeatable); one source shows every day.
    #[arg(long = "source")]
    pub sources: Vec<String>,
    /// First day (default: 30 days before --to).
    #[arg(long)]
    pub from: Option<NaiveDate>,
    /// Last day (default: today, Beijing).
    #[arg(long)]
    pub to: Option<NaiveDate>,
    #[arg(long)]
    pub json: bool,
}

fn count(days: &[DayCoverage], status: &str) -> usize {
    days.iter().filter(|d| d.status() == status).count()
}

pub fn run(home: &Home, args: &CoverageArgs) -> anyhow::Result<()> {
    let checked = super::load(home)?;
    let to = args.to.unwrap_or_else(crate::model::beijing_today);
    let from = args.from.unwrap_or(to - chrono::Duration::days(30));
    anyhow::ensure!(from <= to, "--from {from} is after --to {to}");
    let ids: Vec<String> = if args.sources.is_empty() {
        checked
            .sources
            .iter()
            .filter(|s| s.enabled)
            .map(|s| s.id.clone())
            .collect()
    } else {
        for id in &args.sources {
            anyhow::ensure!(
                checked.sources.iter().any(|s| &s.id == id),
                "unknown source `{id}` (see `radar sources`)"
            );
        }
        args.sources.clone()
    };
    let store = Store::open_reader(&home.existing_db_path()?)?;
    let mut all = Vec::new();
    for id in &ids {
        all.push((id.clone(), store.coverage(id, from, to)?));
    }
    let open: usize = all.iter().map(|(_, d)| count(d, "open")).sum();
    if args.json {
        let v: Vec<_> = all
            .iter()
            .map(|(id, days)| serde_json::json!({"source": id, "days": days}))
            .collect();
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else if let [(id, days)] = all.as_slice() {
        println!(
            "{id}: {from} … {to}  (fetched: edition or day list fetched; none: no edition; open: still to fetch; -: not crawled)"
        );
        for d in days {
            println!("{}  {:<8} {:>4} articles", d.date, d.status(), d.articles);
        }
    } else {
        println!(
            "{:<18} {:>8} {:>6} {:>6} {:>9}",
            "source", "fetched", "none", "open", "articles"
        );
        for (id, days) in &all {
            let articles: u64 = days.iter().map(|d| d.articles).sum();
            println!(
                "{id:<18} {:>8} {:>6} {:>6} {articles:>9}",
                count(days, "fetched"),
                count(days, "none"),
                count(days, "open")
            );
        }
    }
    let summary = format!(
        "coverage {from} … {to} of {} source(s): {open} day(s) still open{}",
        ids.len(),
        if open > 0 {
            " (run the same `radar crawl --from … --to …` again to finish)"
        } else {
            ""
        }
    );
    if args.json {
        eprintln!("{summary}");
    } else {
        println!("{summary}");
    }
    Ok(())
}
