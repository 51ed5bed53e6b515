//! `enterprises.toml`: reading it into a [`Registry`] with every problem as
//! `file:line: field: message`, and writing a registry back in the same
//! format (what `radar enterprises import` does).
//!
//! ```toml
//! anchors = ["万州", "万州区"]        # district names that anchor an ambiguous alias
//! former_name_grace_days = 180       # a former name still counts this long after `until`
//! home_sources = ["wz-gov", "wzsb"]  # the district's own sites (no anchor needed there)
//!
//! [[enterprise]]
//! id = "wz-ctjt"
//! name = "重庆市万州区城市建设投资（集团）有限公司"
//! short_names = ["万州城投", "城投集团"]
//! ambiguous = ["城投集团"]           # names of this enterprise that need an anchor
//! former_names = [{ name = "万州区城市建设投资公司", until = "2019-12-31" }]
//! brands = ["万州滨江环湖"]
//! parent = "wz-xxx"                  # for a subsidiary: the parent's id
//! distinctive = ["万州城投"]          # short names that count with no 万州 in the article
//!
//! [[homonym]]                        # a namesake: where an article writes it, ours is not meant
//! name = "江城建投"
//! means = "武汉江城建设投资有限公司"
//! ```

use super::validate::{Issue, Spot, validate};
use crate::config::{Problems, Read, read_collecting};
use crate::model::{Alias, AliasKind, Enterprise, Homonym, Registry};
use chrono::NaiveDate;
use serde::Deserialize;
use std::path::Path;

/// Days a former name counts after its end date when the file does not say.
pub const DEFAULT_GRACE_DAYS: u32 = 180;

fn default_grace() -> u32 {
    DEFAULT_GRACE_DAYS
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Doc {
    #[serde(default)]
    anchors: Vec<String>,
    #[serde(default = "default_grace")]
    former_name_grace_days: u32,
    #[serde(default)]
    home_sources: Vec<String>,
    #[serde(default)]
    enterprise: Vec<Entry>,
    #[serde(default)]
    homonym: Vec<Homonym>,
}

impl Default for Doc {
    fn default() -> Self {
        Doc {
            anchors: Vec::new(),
            former_name_grace_days: DEFAULT_GRACE_DAYS,
            home_sources: Vec::new(),
            enterprise: Vec::new(),
            homonym: Vec::new(),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    id: String,
    name: String,
    #[serde(default)]
    short_names: Vec<String>,
    #[serde(default)]
    ambiguous: Vec<String>,
    #[serde(default)]
    former_names: Vec<Former>,
    #[serde(default)]
    brands: Vec<String>,
    #[serde(default)]
    parent: Option<String>,
    #[serde(default)]
    distinctive: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Former {
    name: String,
    until: String,
}

/// A calendar date as the registry writes it: `YYYY-MM-DD`.
pub(crate) fn parse_day(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    let ok =
        s.len() == 10 && s.as_bytes().get(4) == Some(&b'-') && s.as_bytes().get(7) == Some(&b'-');
    if !ok {
        return None;
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// The indices an array of the file had that survived reading (an element
/// left out for a problem is not in the value, so later indices shift).
fn surviving<T>(read: &Read<T>, prefix: &str) -> Vec<usize> {
    (0..)
        .map_while(|i| {
            let path = format!("{prefix}[{i}]");
            read.keys.line(&path).map(|_| (i, path))
        })
        .filter(|(_, path)| !read.was_dropped(path))
        .map(|(i, _)| i)
        .collect()
}

/// Read `enterprises.toml` (absent: an empty registry). The registry holds
/// what could be read; the problems are every one the file has.
pub fn read(path: &Path) -> (Registry, Problems) {
    let mut problems = Problems::default();
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(_) if !path.exists() => return (to_registry(Doc::default()), problems),
        Err(_) => {
            problems.push(path, None, "(file)", "cannot be read (not UTF-8 text?)");
            return (Registry::default(), problems);
        }
    };
    let mut read = read_collecting::<Doc>(path, &text, &mut problems);
    let Some(doc) = read.value.take() else {
        return (Registry::default(), problems);
    };
    let start = problems.0.len();
    // File paths of each surviving enterprise and of its surviving names.
    let entries = surviving(&read, "enterprise");
    let mut paths = Vec::new();
    for (k, e) in doc.enterprise.iter().enumerate() {
        let base = format!("enterprise[{}]", entries.get(k).copied().unwrap_or(k));
        let list = |key: &str, len: usize| {
            let idx = surviving(&read, &format!("{base}.{key}"));
            (0..len)
                .map(|j| format!("{base}.{key}[{}]", idx.get(j).copied().unwrap_or(j)))
                .collect::<Vec<_>>()
        };
        paths.push(EntryPaths {
            short: list("short_names", e.short_names.len()),
            former: list("former_names", e.former_names.len()),
            brands: list("brands", e.brands.len()),
            ambiguous: list("ambiguous", e.ambiguous.len()),
            distinctive: list("distinctive", e.distinctive.len()),
            base,
        });
    }
    let mut bad = |field: &str, msg: String| {
        let line = read.keys.line_or_parent(field);
        problems.push(path, line, field, msg);
    };
    for (i, a) in doc.anchors.iter().enumerate() {
        if a.trim().is_empty() {
            bad(&format!("anchors[{i}]"), "empty".into());
        }
    }
    for (i, h) in doc.homonym.iter().enumerate() {
        if h.name.trim().is_empty() {
            bad(&format!("homonym[{i}].name"), "empty".into());
        }
        if h.means.trim().is_empty() {
            bad(
                &format!("homonym[{i}].means"),
                "empty (say whom the name means)".into(),
            );
        }
    }
    for (i, s) in doc.home_sources.iter().enumerate() {
        if s.trim().is_empty() {
            bad(&format!("home_sources[{i}]"), "empty".into());
        }
    }
    for (e, p) in doc.enterprise.iter().zip(&paths) {
        for (f, fp) in e.former_names.iter().zip(&p.former) {
            if parse_day(&f.until).is_none() {
                bad(
                    &format!("{fp}.until"),
                    format!("`{}` is not a date (write YYYY-MM-DD)", f.until),
                );
            }
        }
        let names: Vec<&str> = e
            .short_names
            .iter()
            .chain(&e.brands)
            .map(String::as_str)
            .chain(e.former_names.iter().map(|f| f.name.as_str()))
            .collect();
        for (d, dp) in e.distinctive.iter().zip(&p.distinctive) {
            if !e.short_names.contains(d) {
                bad(
                    dp,
                    format!("`{d}` is not one of this enterprise's short_names"),
                );
            } else if e.ambiguous.contains(d) {
                bad(
                    dp,
                    format!("`{d}` cannot be both ambiguous and distinctive"),
                );
            }
        }
        for (a, ap) in e.ambiguous.iter().zip(&p.ambiguous) {
            if !names.contains(&a.as_str()) {
                bad(
                    ap,
                    format!(
                        "`{a}` is not one of this enterprise's short_names, brands or former_names"
                    ),
                );
            }
        }
    }
    let registry = to_registry(doc);
    for issue in validate(&registry) {
        // A former name whose date was bad is reported once, for the date.
        if issue.message.ends_with("needs its end date") {
            continue;
        }
        let field = issue_path(&paths, &issue);
        bad(&field, issue.message);
    }
    problems.0[start..].sort_by_key(|p| p.line);
    (registry, problems)
}

struct EntryPaths {
    base: String,
    short: Vec<String>,
    former: Vec<String>,
    brands: Vec<String>,
    ambiguous: Vec<String>,
    distinctive: Vec<String>,
}

fn issue_path(paths: &[EntryPaths], issue: &Issue) -> String {
    let Some(p) = paths.get(issue.enterprise) else {
        return "enterprise".into();
    };
    let nth = |list: &[String], n: usize| list.get(n).cloned().unwrap_or_else(|| p.base.clone());
    match issue.spot {
        Spot::Id => format!("{}.id", p.base),
        Spot::Name => format!("{}.name", p.base),
        Spot::Parent => format!("{}.parent", p.base),
        Spot::Alias(AliasKind::ShortName, n) => nth(&p.short, n),
        Spot::Alias(AliasKind::FormerName, n) => p
            .former
            .get(n)
            .map(|f| format!("{f}.name"))
            .unwrap_or_else(|| p.base.clone()),
        Spot::Alias(AliasKind::Brand, n) => nth(&p.brands, n),
        Spot::Alias(_, _) => p.base.clone(),
    }
}

fn to_registry(doc: Doc) -> Registry {
    let enterprises = doc
        .enterprise
        .into_iter()
        .map(|e| {
            let amb = |t: &str| e.ambiguous.iter().any(|a| a == t);
            let mut aliases = Vec::new();
            for s in &e.short_names {
                let mut a = alias(s, AliasKind::ShortName, amb(s), None);
                a.distinctive = !a.ambiguous && e.distinctive.iter().any(|d| d == s);
                aliases.push(a);
            }
            for f in &e.former_names {
                aliases.push(alias(
                    &f.name,
                    AliasKind::FormerName,
                    amb(&f.name),
                    parse_day(&f.until),
                ));
            }
            for b in &e.brands {
                aliases.push(alias(b, AliasKind::Brand, amb(b), None));
            }
            Enterprise {
                id: e.id,
                name: e.name,
                aliases,
                parent: e.parent,
            }
        })
        .collect();
    Registry {
        anchors: doc.anchors,
        former_name_grace_days: doc.former_name_grace_days,
        home_sources: doc.home_sources,
        enterprises,
        homonyms: doc.homonym,
    }
}

fn alias(text: &str, kind: AliasKind, ambiguous: bool, valid_until: Option<NaiveDate>) -> Alias {
    Alias {
        text: text.to_string(),
        kind,
        ambiguous,
        valid_until,
        distinctive: false,
    }
}

/// A TOML basic string.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn list<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    let items: Vec<String> = items.into_iter().map(quote).collect();
    format!("[{}]", items.join(", "))
}

/// A registry as `enterprises.toml` text (names declared inside an article
/// are not registry entries and are left out).
pub fn to_toml(reg: &Registry) -> String {
    let mut out = String::from(
        "# The enterprise registry (see README, \"The home\"). Written by\n\
         # `radar enterprises import`; hand edits are fine, comments are not kept.\n\n",
    );
    out.push_str(&format!(
        "anchors = {}\n",
        list(reg.anchors.iter().map(String::as_str))
    ));
    out.push_str(&format!(
        "former_name_grace_days = {}\n",
        reg.former_name_grace_days
    ));
    out.push_str(&format!(
        "home_sources = {}\n",
        list(reg.home_sources.iter().map(String::as_str))
    ));
    for e in &reg.enterprises {
        let of = |kind: AliasKind| e.aliases.iter().filter(move |a| a.kind == kind);
        out.push_str("\n[[enterprise]]\n");
        out.push_str(&format!("id = {}\n", quote(&e.id)));
        out.push_str(&format!("name = {}\n", quote(&e.name)));
        out.push_str(&format!(
            "short_names = {}\n",
            list(of(AliasKind::ShortName).map(|a| a.text.as_str()))
        ));
        let ambiguous: Vec<&str> = e
            .aliases
            .iter()
            .filter(|a| a.ambiguous && a.kind != AliasKind::ArticleLocal)
            .map(|a| a.text.as_str())
            .collect();
        if !ambiguous.is_empty() {
            out.push_str(&format!("ambiguous = {}\n", list(ambiguous)));
        }
        let former: Vec<String> = of(AliasKind::FormerName)
            .map(|a| {
                let until = a.valid_until.map(|d| d.to_string()).unwrap_or_default();
                format!("{{ name = {}, until = {} }}", quote(&a.text), quote(&until))
            })
            .collect();
        if !former.is_empty() {
            out.push_str(&format!("former_names = [{}]\n", former.join(", ")));
        }
        let brands: Vec<&str> = of(AliasKind::Brand).map(|a| a.text.as_str()).collect();
        if !brands.is_empty() {
            out.push_str(&format!("brands = {}\n", list(brands)));
        }
        if let Some(p) = &e.parent {
            out.push_str(&format!("parent = {}\n", quote(p)));
        }
        let distinctive: Vec<&str> = of(AliasKind::ShortName)
            .filter(|a| a.distinctive)
            .map(|a| a.text.as_str())
            .collect();
        if !distinctive.is_empty() {
            out.push_str(&format!("distinctive = {}\n", list(distinctive)));
        }
    }
    for h in &reg.homonyms {
        out.push_str("\n[[homonym]]\n");
        out.push_str(&format!("name = {}\n", quote(&h.name)));
        out.push_str(&format!("means = {}\n", quote(&h.means)));
    }
    out
}

/// Write a registry to `path` (through a temporary file renamed into place,
/// so a reader never sees half a file).
pub fn save(path: &Path, reg: &Registry) -> std::io::Result<()> {
    let tmp = path.with_extension("toml.tmp");
    std::fs::write(&tmp, to_toml(reg))?;
    std::fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems_in(text: &str) -> (Registry, Vec<String>) {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("enterprises.toml");
        std::fs::write(&path, text).expect("write");
        let (reg, problems) = read(&path);
        let lines = problems
            .0
            .iter()
            .map(|p| {
                let line = p.line.map(|l| format!(":{l}")).unwrap_or_default();
                format!("{line}: {}: {}", p.field, p.message)
            })
            .collect();
        (reg, lines)
    }

    #[test]
    fn every_alias_kind_is_read() {
        let (reg, p) = problems_in(
            "anchors = [\"万州\"]\nhome_sources = [\"wzsb\"]\n[[enterprise]]\nid = \"a\"\nname = \"甲集团有限公司\"\nshort_names = [\"甲集团\", \"城投集团\"]\nambiguous = [\"城投集团\"]\nformer_names = [{ name = \"甲公司\", until = \"2021-06-30\" }]\nbrands = [\"甲品牌\"]\n[[enterprise]]\nid = \"b\"\nname = \"乙公司\"\nparent = \"a\"\n",
        );
        assert!(p.is_empty(), "{p:#?}");
        assert_eq!(reg.former_name_grace_days, DEFAULT_GRACE_DAYS);
        let a = reg.get("a").expect("a");
        let kinds: Vec<_> = a
            .aliases
            .iter()
            .map(|x| (x.text.as_str(), x.kind, x.ambiguous))
            .collect();
        assert_eq!(
            kinds,
            [
                ("甲集团", AliasKind::ShortName, false),
                ("城投集团", AliasKind::ShortName, true),
                ("甲公司", AliasKind::FormerName, false),
                ("甲品牌", AliasKind::Brand, false),
            ]
        );
        assert_eq!(
            a.aliases[2].valid_until,
            NaiveDate::from_ymd_opt(2021, 6, 30)
        );
        assert_eq!(reg.scoring_unit("b"), "a");
    }

    #[test]
    fn problems_name_line_and_key_even_after_a_dropped_entry() {
        let text = "\
[[enterprise]]
id = \"a\"
name = \"甲\"
colour = \"red\"
[[enterprise]]
name = \"no id\"
[[enterprise]]
id = \"c\"
name = \"\"
short_names = [\"甲\"]
former_names = [{ name = \"旧丙\", until = \"2021-13-01\" }]
ambiguous = [\"丙丙\"]
parent = \"nobody\"
";
        let (_, p) = problems_in(text);
        assert_eq!(
            p,
            [
                ":4: enterprise[0].colour: unknown field `colour`, expected one of `id`, `name`, `short_names`, `ambiguous`, `former_names`, `brands`, `parent`, `distinctive`",
                ":5: enterprise[1].id: is required but missing",
                ":9: enterprise[2].name: empty",
                ":10: enterprise[2].short_names[0]: `甲` is also the 全称 of `a`: a name belongs to one enterprise",
                ":11: enterprise[2].former_names[0].until: `2021-13-01` is not a date (write YYYY-MM-DD)",
                ":12: enterprise[2].ambiguous[0]: `丙丙` is not one of this enterprise's short_names, brands or former_names",
                ":13: enterprise[2].parent: no enterprise has the id `nobody`",
            ]
        );
    }

    #[test]
    fn saving_and_reading_back_gives_the_same_registry() {
        let text = "anchors = [\"万州\", \"万州区\"]\nformer_name_grace_days = 90\nhome_sources = [\"wzsb\"]\n[[enterprise]]\nid = \"a\"\nname = \"甲\\\"引号\\\"集团\"\nshort_names = [\"甲集团\", \"城投集团\"]\nambiguous = [\"城投集团\"]\nformer_names = [{ name = \"甲公司\", until = \"2021-06-30\" }]\nbrands = [\"甲品牌\"]\n[[enterprise]]\nid = \"b\"\nname = \"乙公司\"\nparent = \"a\"\n";
        let (reg, p) = problems_in(text);
        assert!(p.is_empty(), "{p:#?}");
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("enterprises.toml");
        save(&path, &reg).expect("save");
        let (back, problems) = read(&path);
        assert!(problems.is_empty(), "{problems}");
        assert_eq!(back, reg);
        assert_eq!(back.enterprises[0].name, "甲\"引号\"集团");
    }
}
