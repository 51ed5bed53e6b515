//! `radar export --enterprise ID --year Y --out DIR`: the enterprise's
//! evidence bundle for the year, a BagIt bag an auditor verifies with
//! `bagit.py`, `openssl` and the bundled stdlib `verify.py`.

use crate::config::Home;
use crate::store::Store;
use std::path::PathBuf;

#[derive(Debug, Clone, clap::Args)]
pub struct ExportArgs {
    /// The enterprise (a scoring unit: subsidiaries' items are in their parent's bundle).
    #[arg(long)]
    pub enterprise: String,
    #[arg(long)]
    pub year: i32,
    /// A new (or empty) folder for the bag.
    #[arg(long)]
    pub out: PathBuf,
}

pub fn run(home: &Home, args: &ExportArgs) -> anyhow::Result<()> {
    let (checked, registry) = crate::registry::check_home(home)
        .map_err(|p| anyhow::anyhow!("configuration problems:\n{p}"))?;
    let store = Store::open(&home.existing_db_path()?)?;
    let s = crate::pipeline::export::export(
        home,
        &store,
        &checked.rules,
        &registry,
        &crate::pipeline::export::BundleRequest {
            commission: &checked.settings.commission,
            enterprise: &args.enterprise,
            year: args.year,
            out: &args.out,
        },
    )?;
    println!(
        "exported {} {} to {}: {} ledger entries, {} archived pages, {} files, {} payload files ({} bytes), checkpoint size {}",
        args.enterprise,
        args.year,
        s.dir.display(),
        s.entries,
        s.pages,
        s.files,
        s.payload_files,
        s.payload_bytes,
        s.tree_size
    );
    for (seq, why) in &s.damaged {
        println!("DAMAGED: entry {seq}: {why}: evidence not packed");
    }
    if !s.damaged.is_empty() {
        eprintln!(
            "{} entries' evidence is altered and was not packed (see DAMAGED.md in the bag)",
            s.damaged.len()
        );
    }
    Ok(())
}
