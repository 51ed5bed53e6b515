//! The example registry shipped for the bundled sample: a home that still
//! holds its enterprises would go live matching imitation companies, so
//! `radar check` names them until they are replaced.

use crate::config::DEFAULT_ENTERPRISES;
use crate::model::Registry;

#[derive(serde::Deserialize)]
struct Example {
    #[serde(default)]
    enterprise: Vec<ExampleEnterprise>,
}

#[derive(serde::Deserialize)]
struct ExampleEnterprise {
    id: String,
    name: String,
}

/// The enterprises of `registry` that are the shipped example's (same id
/// and name), as `id name`.
pub fn example_enterprises(registry: &Registry) -> Vec<String> {
    let Ok(example) = toml::from_str::<Example>(DEFAULT_ENTERPRISES) else {
        return vec![];
    };
    registry
        .enterprises
        .iter()
        .filter(|e| {
            example
                .enterprise
                .iter()
                .any(|x| x.id == e.id && x.name == e.name)
        })
        .map(|e| format!("{} {}", e.id, e.name))
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_shipped_registry_is_all_example() {
        let dir = tempfile::tempdir().expect("tmp");
        let home = crate::config::Home::new(dir.path());
        home.init().expect("init");
        let (_, registry) = super::super::check_home(&home).expect("checks");
        let found = super::example_enterprises(&registry);
        assert_eq!(found.len(), registry.enterprises.len());
        assert!(!found.is_empty());
    }
}
