//! `radar check`: validate the whole home and report every problem; warn
//! while the registry is still the shipped example.

use crate::config::Home;
use crate::registry::{check_home, example_enterprises};

/// `home` is one that exists (see `Home::open_existing`).
pub fn run(home: &Home) -> anyhow::Result<()> {
    match check_home(home) {
        Ok((c, registry)) => {
            let example = example_enterprises(&registry);
            if !example.is_empty() {
                println!(
                    "warning: {}: {} of {} enterprises are the shipped EXAMPLE ({}{}); matching them finds imitation companies. Replace the registry with the commission's list: `radar enterprises import LIST.xlsx --replace --home {}`",
                    home.enterprises_path().display(),
                    example.len(),
                    registry.enterprises.len(),
                    example
                        .iter()
                        .take(3)
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(", "),
                    if example.len() > 3 { ", …" } else { "" },
                    home.root().display()
                );
            }
            println!(
                "{}: {} sources, {} enterprises, {} scoring items{}",
                if example.is_empty() {
                    "ok"
                } else {
                    "ok with 1 warning"
                },
                c.sources.len(),
                registry.enterprises.len(),
                c.rules.item.len(),
                if example.is_empty() {
                    ""
                } else {
                    " (the registry is the shipped example)"
                }
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
