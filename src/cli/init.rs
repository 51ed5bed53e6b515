//! `radar init`: create a home from the built-in defaults.

use crate::config::Home;

pub fn run(home: &Home) -> anyhow::Result<()> {
    let report = home.init()?;
    for p in &report.written {
        tracing::debug!(file = %p.display(), "written");
    }
    println!(
        "initialised {}: {} files written, {} kept as they were",
        home.root().display(),
        report.written.len(),
        report.kept.len()
    );
    Ok(())
}
