//! The held-out sets of issue 21 stay usable: the matching set
//! (`tests/fixtures/matching-heldout/{dev,test}`) parses with the evaluator's
//! own reader, is judged against the same registry as the old set, and keeps
//! its size and split; the extraction set
//! (`tests/fixtures/extract-heldout`) has a page for every ground truth, and
//! each ground truth agrees with its page. These tests check the data only.
//! Scores are reported by `examples/match_eval` and `bench/extract-heldout.py`.

use crate::support::repo;
use reform_radar::matching::eval::{Labelled, parse_labelled, parse_registry};
use std::collections::HashSet;

fn split(name: &str) -> Vec<Labelled> {
    let dir = repo().join("tests/fixtures/matching-heldout").join(name);
    let text = std::fs::read_to_string(dir.join("articles.toml")).expect("articles.toml");
    parse_labelled(&text).unwrap_or_else(|e| panic!("{name}/articles.toml: {e}"))
}

/// The scoring item each source gives (`sources/*.toml`); `lead` gives none.
fn source_items() -> std::collections::HashMap<String, String> {
    let mut map = std::collections::HashMap::new();
    for entry in std::fs::read_dir(repo().join("sources")).expect("sources/") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|x| x != "toml") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("source file");
        let value: toml::Value = toml::from_str(&text).expect("source parses");
        if let (Some(id), Some(item)) = (
            value.get("id").and_then(|v| v.as_str()),
            value.get("item").and_then(|v| v.as_str()),
        ) {
            map.insert(id.to_string(), item.to_string());
        }
    }
    map
}

#[test]
fn heldout_matching_set_is_well_formed() {
    let base = repo().join("tests/fixtures");
    let registry_text =
        std::fs::read_to_string(base.join("matching/registry.toml")).expect("registry.toml");
    for name in ["dev", "test"] {
        let copy = std::fs::read_to_string(
            base.join("matching-heldout")
                .join(name)
                .join("registry.toml"),
        )
        .expect("registry copy");
        assert_eq!(
            copy, registry_text,
            "{name}/registry.toml is the old set's registry"
        );
    }
    let registry = parse_registry(&registry_text).expect("registry parses");
    let known: HashSet<&str> = registry.enterprises.iter().map(|e| e.id.as_str()).collect();
    let items = source_items();
    let (dev, test) = (split("dev"), split("test"));
    let total = dev.len() + test.len();
    assert!(total >= 300, "only {total} held-out articles");
    let share = dev.len() as f64 / total as f64;
    assert!(
        (0.25..=0.42).contains(&share),
        "dev holds {share:.2} of the set, not about a third"
    );

    let mut ids = HashSet::new();
    let mut negatives = 0;
    for a in dev.iter().chain(&test) {
        assert!(ids.insert(a.id.clone()), "{}: id used twice", a.id);
        assert!(!a.body.trim().is_empty(), "{}: empty body", a.id);
        let class = a.note.split(']').next().unwrap_or("");
        assert!(
            class.starts_with("[pos:") || class.starts_with("[neg:"),
            "{}: note does not start with its class",
            a.id
        );
        assert_eq!(
            class.starts_with("[pos:"),
            !a.expect.is_empty(),
            "{}: class and expect disagree",
            a.id
        );
        if a.expect.is_empty() {
            negatives += 1;
        }
        for e in &a.expect {
            assert!(
                known.contains(e.as_str()),
                "{}: unknown enterprise {e}",
                a.id
            );
        }
        let item = items
            .get(&a.source)
            .unwrap_or_else(|| panic!("{}: unknown source {}", a.id, a.source));
        let in_year = a.date.is_some_and(|d| d.format("%Y").to_string() == "2023");
        let want: Vec<(String, String)> = if item != "lead" && in_year {
            a.expect.iter().map(|e| (e.clone(), item.clone())).collect()
        } else {
            vec![]
        };
        assert_eq!(
            a.items, want,
            "{}: items follow the source's item and the 2023 date",
            a.id
        );
    }
    assert!(negatives >= 100, "only {negatives} hard negatives");
}

#[test]
fn heldout_extraction_set_agrees_with_its_pages() {
    let dir = repo().join("tests/fixtures/extract-heldout");
    let mut pages = 0;
    for entry in std::fs::read_dir(&dir).expect("extract-heldout/") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|x| x != "json") {
            continue;
        }
        pages += 1;
        let name = path.display().to_string();
        let gt: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).expect("json"))
                .expect("json parses");
        let field = |k: &str| {
            gt.get(k)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_string()
        };
        let html = std::fs::read_to_string(dir.join(field("page")))
            .unwrap_or_else(|e| panic!("{name}: page: {e}"));
        for k in ["source", "template", "url", "title", "published", "body"] {
            assert!(!field(k).is_empty(), "{name}: {k} missing");
        }
        assert!(
            chrono::DateTime::parse_from_rfc3339(&field("published")).is_ok(),
            "{name}: published is not RFC 3339"
        );
        assert!(
            html.contains(&field("title")),
            "{name}: title not on the page"
        );
        let body = field("body");
        for line in body.lines() {
            assert!(
                html.contains(line),
                "{name}: body line not on the page: {line}"
            );
        }
        for f in gt["furniture"].as_array().expect("furniture") {
            let f = f.as_str().expect("furniture string");
            assert!(html.contains(f), "{name}: furniture {f} not on the page");
            assert!(
                !body.contains(f),
                "{name}: furniture {f} inside the true body"
            );
        }
        let names = gt["author_names"].as_array().expect("author_names");
        let author = field("author");
        for n in names {
            let n = n.as_str().expect("name");
            assert!(author.contains(n), "{name}: {n} not in the author");
            assert!(html.contains(n), "{name}: {n} not on the page");
        }
    }
    assert!(pages >= 30, "only {pages} held-out extraction pages");
}
