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
    let h = home.root().display();
    println!("next steps (docs: README.md, 'First deployment'):");
    println!(
        "  1. replace the EXAMPLE registry with the commission's enterprises:\n       radar enterprises import LIST.xlsx --replace --home {h}"
    );
    println!(
        "  2. check the home (warns while the registry is the example):\n       radar check --home {h}"
    );
    println!(
        "  3. create the first admin (asks for a password):\n       radar users add NAME --role admin --home {h}"
    );
    println!(
        "  4. crawl on schedule and serve the web UI:\n       radar serve --listen 127.0.0.1:8080 --home {h}"
    );
    println!(
        "initialised {}: {} files written, {} kept as they were, {key}",
        home.root().display(),
        report.written.len(),
        report.kept.len()
    );
    Ok(())
}
