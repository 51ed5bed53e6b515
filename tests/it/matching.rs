//! The matcher over the labelled set (`tests/fixtures/matching/`): at least
//! 80 articles imitating the outlets, with the enterprises each is evidence
//! for. Precision and recall of (article, enterprise) evidence pairs must
//! both reach 0.95; the confusion table is printed either way.

use crate::support::repo;
use reform_radar::matching::Matcher;
use reform_radar::matching::eval::{evaluate, parse_labelled, parse_registry};

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
    let c = evaluate(&matcher, &set);
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
