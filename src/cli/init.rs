//! `radar init`: create a home from the built-in defaults.

use crate::config::Home;

pub fn run(home: &Home) -> anyhow::Result<()> {
    let report = home.init()?;
    // The ledger's signing key, made once; an existing one is never replaced.
    let key_path = crate::pipeline::ledger::key_path(home)?;
    let key = if key_path.exists() {
        "ledger key kept"
    } else {
        crate::pipeline::ledger::write_key(home, &crate::ledger::LedgerKey::generate())?;
        "ledger key made"
    };
    for p in &report.written {
        tracing::debug!(file = %p.display(), "written");
    }
    println!(
        "initialised {}: {} files written, {} kept as they were, {key}",
        home.root().display(),
        report.written.len(),
        report.kept.len()
    );
    Ok(())
}
