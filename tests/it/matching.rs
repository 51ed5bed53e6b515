//! The matcher over the labelled set (`tests/fixtures/matching/`): at least
//! 80 articles imitating the outlets, with the enterprises each is evidence
//! for. Precision and recall of (article, enterprise) evidence pairs must
//! both reach 0.95; the confusion table is printed either way.

use crate::support::repo;
use reform_radar::extract::kind::classify;
use reform_radar::matching::Matcher;
use reform_radar::matching::eval::{evaluate_reports, parse_labelled, parse_registry};
use reform_radar::model::ArticleKind;

fn load() -> (Matcher, Vec<reform_radar::matching::eval::Labelled>) {
    let dir = repo().join("tests/fixtures/matching");
    let reg = std::fs::read_to_string(dir.join("registry.toml")).expect("registry.toml");
    let set = std::fs::read_to_string(dir.join("articles.toml")).expect("articles.toml");
    let registry = parse_registry(&reg).expect("registry parses");
    let set = parse_labelled(&set).expect("articles parse");
    (Matcher::new(&registry), set)
}

#[test]
fn labelled_set_precision_and_recall() {
    let (matcher, set) = load();
    assert!(set.len() >= 80, "only {} labelled articles", set.len());
    let mut ids: Vec<&str> = set.iter().map(|a| a.id.as_str()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), set.len(), "article ids are unique");
    // As the pipeline does: only reports are matched.
    let is_report = |a: &reform_radar::model::Article| {
        classify(a.page.as_deref(), &a.title, &a.body) == ArticleKind::Report
    };
    let c = evaluate_reports(&matcher, &set, &is_report);
    println!("{}", c.render());
    assert!(
        c.precision() >= 0.95 && c.recall() >= 0.95,
        "precision {:.3} recall {:.3}\n{}",
        c.precision(),
        c.recall(),
        c.render()
    );
}

#[test]
fn labelled_items_agree_with_the_evidence_labels() {
    let (matcher, set) = load();
    for a in &set {
        for (e, item) in &a.items {
            assert!(a.expect.contains(e), "{}: item for {e} not in expect", a.id);
            assert!(matcher.registry().get(e).is_some(), "{}: unknown {e}", a.id);
            assert!(!item.is_empty() && item != "lead", "{}: item {item}", a.id);
            assert!(
                a.date.is_some_and(|d| d.format("%Y").to_string() == "2023"),
                "{}: item outside the scoring year",
                a.id
            );
        }
        for e in &a.expect {
            assert!(matcher.registry().get(e).is_some(), "{}: unknown {e}", a.id);
        }
    }
}

/// The whole path to candidates: every labelled article stored with its
/// source's item (from `sources/*.toml`), matched by the pipeline's
/// `MatchStage` with the shipped rules limited to the labels' scoring year,
/// and the (article, enterprise, item) candidates compared with the labels
/// (a subsidiary's items under its parent). Leads never count.
#[test]
fn labelled_set_candidates_precision_and_recall() {
    use reform_radar::store::{CandidateFilter, CandidateStatus, Store};
    use std::collections::BTreeSet;
    let (matcher, set) = load();
    let registry = matcher.registry().clone();
    let sources = reform_radar::config::load_sources(&{
        let dir = tempfile::tempdir().expect("tmp");
        let home = reform_radar::config::Home::new(dir.path().join("h"));
        home.init().expect("init");
        std::mem::forget(dir);
        home
    })
    .expect("shipped sources");
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
                tx.upsert_article(&a, None, hash)?;
                tx.set_simhash_bands(&a, hash, &reform_radar::dedup::bands(hash))?;
            }
            Ok(())
        })
        .expect("store articles");
    let stage = reform_radar::pipeline::MatchStage::new(&registry, &rules);
    stage.follow(&mut store).expect("match");
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
    let fp: Vec<_> = found.difference(&expected).collect();
    let fn_: Vec<_> = expected.difference(&found).collect();
    let precision = tp / (tp + fp.len() as f64).max(1.0);
    let recall = tp / (tp + fn_.len() as f64).max(1.0);
    println!(
        "(enterprise, item) candidates: TP {tp}, FP {} {fp:?}, FN {} {fn_:?}; precision {precision:.3}, recall {recall:.3}",
        fp.len(),
        fn_.len()
    );
    assert!(
        expected.len() >= 40,
        "enough positive items: {}",
        expected.len()
    );
    assert!(
        precision >= 0.95 && recall >= 0.95,
        "precision {precision:.3} recall {recall:.3}; FP {fp:?}; FN {fn_:?}"
    );
}
