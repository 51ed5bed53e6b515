//! Runs the matcher over the labelled set and prints the confusion table of
//! (article, enterprise) evidence pairs, then each article's verdicts with
//! their confidence and reasons.
//!
//! `cargo run --example match_eval [-- DIR]` (default
//! `tests/fixtures/matching`; DIR holds `registry.toml` and `articles.toml`).

use reform_radar::matching::eval::{evaluate, parse_labelled, parse_registry};
use reform_radar::matching::{MatchContext, Matcher};

fn main() -> anyhow::Result<()> {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "tests/fixtures/matching".to_string());
    let dir = std::path::Path::new(&dir);
    let registry = parse_registry(&std::fs::read_to_string(dir.join("registry.toml"))?)
        .map_err(anyhow::Error::msg)?;
    let set = parse_labelled(&std::fs::read_to_string(dir.join("articles.toml"))?)
        .map_err(anyhow::Error::msg)?;
    let matcher = Matcher::new(&registry);
    let verbose = std::env::var_os("MATCH_EVAL_VERBOSE").is_some();
    if verbose {
        for a in &set {
            let ctx = MatchContext::for_source(&registry, &a.source);
            for m in matcher.match_article(&a.article(), &ctx) {
                println!(
                    "{} {} evidence={} {} {:.2} {}",
                    a.id,
                    m.enterprise,
                    m.evidence,
                    m.confidence.as_str(),
                    m.score,
                    m.reasons.join("；")
                );
            }
        }
    }
    println!("{} labelled articles", set.len());
    print!("{}", evaluate(&matcher, &set).render());
    Ok(())
}
