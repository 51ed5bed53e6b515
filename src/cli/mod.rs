//! The command line: one file per subcommand, each ending with a one-line
//! summary of what it did. Only this module imports clap.

mod articles;
mod backup;
mod candidates;
mod check;
mod coverage;
mod crawl;
mod demo;
mod enterprises;
mod evidence;
mod export;
mod extract;
mod init;
mod ledger;
mod matching;
pub mod notify;
mod progress;
mod reindex;
mod report;
mod reprocess;
mod review;
mod score;
mod search;
mod serve;
mod sources;
mod users;

use crate::config::Home;
use clap::{Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "radar",
    version,
    about = "reform-radar: crawl, archive and search evidence for the SOE reform scorecard"
)]
pub struct Cli {
    /// The deployment home (configuration and data).
    #[arg(long, global = true, env = "RADAR_HOME")]
    pub home: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a home from the built-in defaults (existing files are kept).
    Init,
    /// Validate the whole home; every problem as file:line: field: what is wrong.
    Check,
    /// Crawl sources (or replay archives), storing and archiving everything.
    Crawl(crawl::CrawlArgs),
    /// Day-by-day coverage per source: editions fetched, absent or still open.
    Coverage(coverage::CoverageArgs),
    /// Re-extract every article from the home's own archive.
    Reprocess,
    /// List sources with kind, outlet and schedule (and health).
    Sources(sources::SourcesArgs),
    /// List stored articles.
    Articles(articles::ArticlesArgs),
    /// The archived response behind an article, digest-checked (the proof);
    /// `evidence add` puts a file (instruction, meeting, document) into the ledger.
    Evidence(evidence::EvidenceArgs),
    /// What radar extracts from saved pages.
    Extract(extract::ExtractArgs),
    /// The enterprise registry: import a CSV/XLSX list, list what is registered.
    Enterprises(enterprises::EnterprisesArgs),
    /// Full-text search of the stored articles.
    Search(search::SearchArgs),
    /// Rebuild the search index from the store.
    Reindex(reindex::ReindexArgs),
    /// Match every article again (after the registry or the rules changed).
    Match,
    /// Candidate evidence proposed by matching, best first.
    Candidates(candidates::CandidatesArgs),
    /// Confirm, reject or undo: the reviewer's decisions, into the score ledger.
    Review(review::ReviewArgs),
    /// The tamper-evident score ledger: verify it, print its signed checkpoint, list it.
    Ledger(ledger::LedgerArgs),
    /// Notifications: send a test message, show the outbox per channel, deliver what is pending.
    Notify(notify::NotifyArgs),
    /// Scorecards from the ledger and the rules (table, JSON, CSV or XLSX).
    Score(score::ScoreArgs),
    /// The quarterly report (季度报送) or the typical-case draft, as DOCX or Markdown.
    Report(report::ReportArgs),
    /// An enterprise's evidence for a year as a verifiable BagIt bundle.
    Export(export::ExportArgs),
    /// Run every source on its cron schedule (Beijing time); `--once` runs what is due.
    Serve(serve::ServeArgs),
    /// Accounts of the web UI and API: add, list, issue a bearer token.
    Users(users::UsersArgs),
    /// Back up the home while it runs (`--out DIR`), or verify a backup (`--check DIR`).
    Backup(backup::BackupArgs),
    /// Restore a backup into a new home (`radar restore DIR --home NEW`), then verify its ledger.
    Restore(backup::RestoreArgs),
    /// Create a demo home, crawl the bundled sample by replay and show what was found.
    /// Only ever writes to its own folder: `--home`/`RADAR_HOME` are ignored.
    Demo(demo::DemoArgs),
}

/// Parse the command line.
pub fn parse() -> Cli {
    Cli::parse()
}

/// Run a parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    let root = cli
        .home
        .clone()
        .unwrap_or_else(|| PathBuf::from("radar-data"));
    // Commands that only read a home must find one: they create nothing.
    let existing = || Home::open_existing(root.clone());
    let home = Home::new(root.clone());
    match &cli.command {
        Command::Init => init::run(&home),
        Command::Check => check::run(&existing()?),
        Command::Crawl(a) => crawl::run(&home, a),
        Command::Coverage(a) => coverage::run(&existing()?, a),
        Command::Reprocess => reprocess::run(&existing()?),
        Command::Sources(a) => sources::run(&existing()?, a),
        Command::Articles(a) => articles::run(&existing()?, a),
        Command::Evidence(a) => evidence::run(&existing()?, a),
        Command::Extract(a) => extract::run(&home, a),
        Command::Enterprises(a) => enterprises::run(&existing()?, a),
        Command::Search(a) => search::run(&existing()?, a),
        Command::Reindex(a) => reindex::run(&existing()?, a),
        Command::Match => matching::run(&existing()?),
        Command::Candidates(a) => candidates::run(&existing()?, a),
        Command::Review(a) => review::run(&existing()?, a),
        Command::Ledger(a) => ledger::run(&existing()?, a),
        Command::Notify(a) => notify::run(&existing()?, a),
        Command::Export(a) => export::run(&existing()?, a),
        Command::Score(a) => score::run(&existing()?, a),
        Command::Report(a) => report::run(&existing()?, a),
        Command::Serve(a) => serve::run(&home, a),
        Command::Users(a) => users::run(&existing()?, a),
        Command::Backup(a) => backup::run(&home, a),
        Command::Restore(a) => match &cli.home {
            Some(_) => backup::restore(&home, a),
            None => anyhow::bail!("name the new home: `radar restore DIR --home NEW`"),
        },
        Command::Demo(a) => demo::run(a, a.home.as_deref().or(cli.home.as_deref())),
    }
}

/// Load and validate a home, or explain how to make one.
fn load(home: &Home) -> anyhow::Result<crate::config::Checked> {
    let home = Home::open_existing(home.root())?;
    crate::config::check_home(&home).map_err(|p| anyhow::anyhow!("configuration problems:\n{p}"))
}
