//! Runs the matcher over the labelled set and prints the confusion table of
//! (article, enterprise) evidence pairs, then each article's verdicts with
//! their confidence and reasons.
//!
//! `cargo run --example match_eval [-- DIR]` (default
//! `tests/fixtures/matching`; DIR holds `registry.toml` and `articles.toml`).

use reform_radar::extract::kind::classify;
use reform_radar::matching::eval::{evaluate_reports, parse_labelled, parse_registry};
use reform_radar::matching::{MatchContext, Matcher};
use reform_radar::model::ArticleKind;

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
            let art = a.article();
            let kind = classify(art.page.as_deref(), &art.title, &art.body);
            if kind != ArticleKind::Report {
                println!("{} not a report: {}", a.id, kind.as_str());
            }
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
    // As the pipeline does: only reports are matched.
    let is_report = |a: &reform_radar::model::Article| {
        classify(a.page.as_deref(), &a.title, &a.body) == ArticleKind::Report
    };
    print!("{}", evaluate_reports(&matcher, &set, &is_report).render());
    Ok(())
}
