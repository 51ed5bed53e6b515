//! `radar check`: validate the whole home and report every problem.

use crate::config::Home;
use crate::registry::check_home;

/// `home` is one that exists (see `Home::open_existing`).
pub fn run(home: &Home) -> anyhow::Result<()> {
    match check_home(home) {
        Ok((c, registry)) => {
            println!(
                "ok: {} sources, {} enterprises, {} scoring items",
                c.sources.len(),
                registry.enterprises.len(),
                c.rules.item.len()
            );
            Ok(())
        }
        Err(problems) => {
            for p in &problems.0 {
                println!("{p}");
            }
            anyhow::bail!(
                "{} problem(s) in {}",
                problems.0.len(),
                home.root().display()
            )
        }
    }
}
