//! The held-out matching set (`tests/fixtures/matching-heldout/{dev,test}`,
//! written for issue 21 without reading the matcher): evidence pairs and
//! (article, enterprise, item) candidates through the pipeline's
//! `MatchStage` must both reach precision and recall 0.97. `test/` is only
//! measured here: its FP/FN lists are not printed.

use crate::support::repo;
use reform_radar::extract::kind::classify;
use reform_radar::matching::Matcher;
use reform_radar::matching::eval::{Labelled, evaluate_reports, parse_labelled, parse_registry};
use reform_radar::model::{Article, ArticleKind};
use reform_radar::store::{CandidateFilter, CandidateStatus, Store};
use std::collections::BTreeSet;

fn load(split: &str) -> (Matcher, Vec<Labelled>) {
    let dir = repo().join("tests/fixtures/matching-heldout").join(split);
    let reg = std::fs::read_to_string(dir.join("registry.toml")).expect("registry.toml");
    let set = std::fs::read_to_string(dir.join("articles.toml")).expect("articles.toml");
    (
        Matcher::new(&parse_registry(&reg).expect("registry parses")),
        parse_labelled(&set).expect("articles parse"),
    )
}

fn is_report(a: &Article) -> bool {
    classify(a.page.as_deref(), &a.title, &a.body) == ArticleKind::Report
}

fn evidence_pairs(split: &str) {
    let (matcher, set) = load(split);
    let c = evaluate_reports(&matcher, &set, &is_report);
    println!(
        "{split}: TP {} FP {} FN {}; precision {:.3} recall {:.3}",
        c.tp.len(),
        c.fp.len(),
        c.fn_.len(),
        c.precision(),
        c.recall()
    );
    assert!(
        c.precision() >= 0.97 && c.recall() >= 0.97,
        "{split}: precision {:.3} recall {:.3}",
        c.precision(),
        c.recall()
    );
}

fn candidates(split: &str) {
    let (matcher, set) = load(split);
    let registry = matcher.registry().clone();
    let home_dir = tempfile::tempdir().expect("tmp");
    let home = reform_radar::config::Home::new(home_dir.path().join("h"));
    home.init().expect("init");
    let sources = reform_radar::config::load_sources(&home).expect("shipped sources");
    let rules_text = std::fs::read_to_string(repo().join("defaults/rules.toml"))
        .expect("rules")
        .replace("from_year = 2023", "from_year = 2023\nuntil_year = 2023");
    let rules = reform_radar::config::parse_rules(std::path::Path::new("rules.toml"), &rules_text)
        .expect("rules parse");
    let dir = tempfile::tempdir().expect("tmp");
    let mut store = Store::open(&dir.path().join("radar.sqlite")).expect("store");
    store
        .transaction(|tx| {
            for l in &set {
                let mut a = l.article();
                a.item = sources
                    .iter()
                    .find(|s| s.id == l.source)
                    .map(|s| s.item.clone())
                    .unwrap_or_else(|| panic!("{}: unknown source {}", l.id, l.source));
                let hash = reform_radar::dedup::simhash(&a.body);
                // A twin of an article already stored is not stored again.
                if let reform_radar::store::StoredArticle::New(_) =
                    tx.upsert_article(&a, None, hash)?
                {
                    tx.set_simhash_bands(&a, hash, &reform_radar::dedup::bands(hash))?;
                }
            }
            Ok(())
        })
        .expect("store articles");
    reform_radar::pipeline::MatchStage::new(&registry, &rules)
        .follow(&mut store)
        .expect("match");
    let found: BTreeSet<(String, String, String)> = store
        .candidates(&CandidateFilter::default())
        .expect("candidates")
        .into_iter()
        .filter(|c| c.status != CandidateStatus::Lead)
        .map(|c| (c.article_id, c.enterprise, c.item))
        .collect();
    let expected: BTreeSet<(String, String, String)> = set
        .iter()
        .flat_map(|l| {
            l.items.iter().map(|(e, item)| {
                (
                    l.id.clone(),
                    registry.scoring_unit(e).to_string(),
                    item.clone(),
                )
            })
        })
        .collect();
    let tp = found.intersection(&expected).count() as f64;
    let fp = found.difference(&expected).count() as f64;
    let fn_ = expected.difference(&found).count() as f64;
    let precision = tp / (tp + fp).max(1.0);
    let recall = tp / (tp + fn_).max(1.0);
    println!(
        "{split} candidates: TP {tp} FP {fp} FN {fn_}; precision {precision:.3} recall {recall:.3}"
    );
    assert!(
        precision >= 0.97 && recall >= 0.97,
        "{split} candidates: precision {precision:.3} recall {recall:.3}"
    );
}

#[test]
fn heldout_dev_evidence_pairs() {
    evidence_pairs("dev");
}

#[test]
fn heldout_test_evidence_pairs() {
    evidence_pairs("test");
}

#[test]
fn heldout_dev_candidates() {
    candidates("dev");
}

#[test]
fn heldout_test_candidates() {
    candidates("test");
}
