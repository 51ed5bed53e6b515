//! Reading a TOML file for checking: every problem in it, each with the key
//! path and line it is about.
//!
//! The file is parsed once into a spanned [`DeTable`], which gives every
//! key's and value's position. Deserialisation into the typed shape stops at
//! the first error, so the error is turned into a problem (named by the key
//! whose key or value span it points at), that key is taken out of the
//! parsed table, and deserialisation runs again: a file with three bad keys
//! gives three problems. A required key that was taken out is reported once
//! (for its bad value), not again as missing; the table that needed it is then
//! taken out too so that the rest of the file is still checked.

use super::problems::{Problems, line_of_offset};
use serde::de::DeserializeOwned;
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::Path;
use toml::de::{DeTable, DeValue};

/// Where the keys of a parsed file are: the path of every key (`politeness.pace_secs`,
/// `epaper.editions[1].url`) with the spans of the key and its value.
#[derive(Debug, Clone, Default)]
pub(crate) struct Keys {
    nodes: Vec<Node>,
    lines: Vec<usize>,
    /// The line of each path (its first node): `line` is called once per
    /// key checked, and a linear search made `radar check` quadratic in
    /// the registry (10k enterprises took minutes).
    by_path: HashMap<String, usize>,
}

#[derive(Debug, Clone)]
struct Node {
    path: String,
    /// The key's span; `None` for an array element.
    key: Option<Range<usize>>,
    /// The value's span (a `[table]` header for a table).
    value: Range<usize>,
    depth: usize,
    is_table: bool,
    line: usize,
}

impl Keys {
    fn new(root: &DeTable<'_>, text: &str) -> Keys {
        let mut keys = Keys {
            nodes: Vec::new(),
            by_path: HashMap::new(),
            lines: text
                .char_indices()
                .filter(|(_, c)| *c == '\n')
                .map(|(i, _)| i)
                .collect(),
        };
        keys.walk_table(root, "", 0, text);
        keys
    }

    fn line_of(&self, offset: usize) -> usize {
        self.lines.partition_point(|&nl| nl < offset) + 1
    }

    fn walk_table(&mut self, table: &DeTable<'_>, prefix: &str, depth: usize, text: &str) {
        for (k, v) in table.iter() {
            let path = join(prefix, k.get_ref());
            let key = k.span();
            self.push(path, Some(key), v.span(), v.get_ref(), depth, text);
        }
    }

    fn push(
        &mut self,
        path: String,
        key: Option<Range<usize>>,
        value: Range<usize>,
        v: &DeValue<'_>,
        depth: usize,
        text: &str,
    ) {
        let line = self.line_of(key.as_ref().map_or(value.start, |k| k.start));
        self.by_path.entry(path.clone()).or_insert(line);
        self.nodes.push(Node {
            path: path.clone(),
            key,
            value,
            depth,
            is_table: matches!(v, DeValue::Table(_)),
            line,
        });
        match v {
            DeValue::Table(t) => self.walk_table(t, &path, depth + 1, text),
            DeValue::Array(a) => {
                for (i, item) in a.iter().enumerate() {
                    self.push(
                        format!("{path}[{i}]"),
                        None,
                        item.span(),
                        item.get_ref(),
                        depth + 1,
                        text,
                    );
                }
            }
            _ => {}
        }
    }

    /// The line of a key path (`listing.start`), if the file has that key.
    pub(crate) fn line(&self, path: &str) -> Option<usize> {
        self.by_path.get(path).copied()
    }

    /// The line of a key path, else of its closest enclosing table that the
    /// file has (`fields.body` falls back to `[fields]`).
    pub(crate) fn line_or_parent(&self, path: &str) -> Option<usize> {
        let mut p = path;
        loop {
            if let Some(l) = self.line(p) {
                return Some(l);
            }
            p = &p[..p.rfind(['.', '['])?];
        }
    }

    /// The key an error span points at: the key itself, or the innermost
    /// value containing the span.
    fn at(&self, span: &Range<usize>) -> Option<&Node> {
        if let Some(n) = self.nodes.iter().find(|n| n.key.as_ref() == Some(span)) {
            return Some(n);
        }
        self.nodes
            .iter()
            .filter(|n| n.value.start <= span.start && span.end <= n.value.end)
            .filter(|n| !(span.is_empty() && n.value.end == span.start))
            .max_by_key(|n| n.depth)
    }

    /// The table a "missing field" error is about (`None`: the top level).
    fn table(&self, span: &Range<usize>) -> Option<&Node> {
        self.nodes
            .iter()
            .filter(|n| n.is_table && &n.value == span)
            .max_by_key(|n| n.depth)
    }
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

/// How many problems one file may give before the rest are left unreported.
const MAX_PROBLEMS_PER_FILE: usize = 200;

/// What reading a file gave: the value if it could be built (keys with
/// problems left out), where its keys are, and which key paths were left out.
pub(crate) struct Read<T> {
    pub value: Option<T>,
    pub keys: Keys,
    pub dropped: HashSet<String>,
}

impl<T> Read<T> {
    /// What an absent file gives: nothing read, nothing left out.
    pub(crate) fn empty() -> Read<T> {
        Read {
            value: None,
            keys: Keys::default(),
            dropped: HashSet::new(),
        }
    }

    /// Whether a key path (or a table enclosing it) was left out for a problem.
    pub(crate) fn was_dropped(&self, path: &str) -> bool {
        self.dropped.iter().any(|d| {
            path == d
                || path
                    .strip_prefix(d.as_str())
                    .is_some_and(|rest| rest.starts_with(['.', '[']))
        })
    }
}

/// Parse a TOML text into `T`, pushing every syntax, unknown-key and type
/// problem into `problems`.
pub(crate) fn read_collecting<T: DeserializeOwned>(
    file: &Path,
    text: &str,
    problems: &mut Problems,
) -> Read<T> {
    let (root, errors) = DeTable::parse_recoverable(text);
    if !errors.is_empty() {
        let mut errors = errors;
        errors.sort_by_key(|e| e.span().map(|s| s.start));
        for e in errors {
            let line = e.span().map(|s| line_of_offset(text, s.start));
            problems.push(file, line, "(syntax)", one_line(e.message()));
        }
        return Read::empty();
    }
    let keys = Keys::new(root.get_ref(), text);
    let mut work = root;
    let mut dropped = HashSet::new();
    let mut found = 0;
    let value = loop {
        let err = match T::deserialize(toml::de::Deserializer::from(work.clone())) {
            Ok(v) => break Some(v),
            Err(e) => e,
        };
        found += 1;
        if found > MAX_PROBLEMS_PER_FILE {
            problems.push(
                file,
                None,
                "(file)",
                "too many problems; the rest are not shown",
            );
            break None;
        }
        let span = err.span();
        if let Some(name) = missing_field(err.message()) {
            let table = span.as_ref().and_then(|s| keys.table(s));
            let field = join(table.map_or("", |t| t.path.as_str()), name);
            if !dropped.contains(&field) {
                problems.push(
                    file,
                    table.map(|t| t.line),
                    &field,
                    "is required but missing",
                );
            }
            // Without the key the table cannot be built: leave the table out
            // and go on with the rest of the file.
            match table {
                Some(t) if remove(work.get_mut(), t) => {
                    dropped.insert(t.path.clone());
                }
                _ => break None,
            }
            continue;
        }
        match span.as_ref().and_then(|s| keys.at(s)) {
            Some(node) => {
                problems.push(file, Some(node.line), &node.path, humanize(err.message()));
                if !remove(work.get_mut(), node) {
                    break None;
                }
                dropped.insert(node.path.clone());
            }
            None => {
                let line = span.map(|s| line_of_offset(text, s.start));
                problems.push(file, line, "(file)", humanize(err.message()));
                break None;
            }
        }
    };
    Read {
        value,
        keys,
        dropped,
    }
}

/// Take the key (or array element) of a node out of a parsed table.
fn remove(table: &mut DeTable<'_>, node: &Node) -> bool {
    let hit = table
        .iter()
        .find(|(k, v)| node.key.as_ref() == Some(&k.span()) && v.span() == node.value)
        .map(|(k, _)| k.clone());
    if let Some(k) = hit {
        return table.remove(&k).is_some();
    }
    table
        .iter_mut()
        .any(|(_, v)| remove_in_value(v.get_mut(), node))
}

fn remove_in_value(value: &mut DeValue<'_>, node: &Node) -> bool {
    match value {
        DeValue::Table(t) => remove(t, node),
        DeValue::Array(a) => {
            if node.key.is_none()
                && let Some(i) = a.iter().position(|x| x.span() == node.value)
            {
                *a = a
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| *j != i)
                    .map(|(_, x)| x.clone())
                    .collect();
                return true;
            }
            a.iter_mut().any(|x| remove_in_value(x.get_mut(), node))
        }
        _ => false,
    }
}

/// `missing field `x`` → `x`.
fn missing_field(message: &str) -> Option<&str> {
    message
        .strip_prefix("missing field `")
        .and_then(|r| r.split('`').next())
}

fn one_line(message: &str) -> String {
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Serde's `invalid type: string "fast", expected f64` as
/// `expected a number, found a string "fast"`; other messages as they are,
/// on one line.
pub(crate) fn humanize(message: &str) -> String {
    let message = one_line(message);
    let rest = message
        .strip_prefix("invalid type: ")
        .or_else(|| message.strip_prefix("invalid value: "));
    let Some((found, expected)) = rest.and_then(|r| r.rsplit_once(", expected ")) else {
        return message;
    };
    format!(
        "expected {}, found {}",
        expected_name(expected),
        found_name(found)
    )
}

fn expected_name(expected: &str) -> String {
    match expected {
        "f64" | "f32" => "a number".into(),
        "u8" | "u16" | "u32" | "u64" | "u128" | "usize" => "a whole number (0 or more)".into(),
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" => "a whole number".into(),
        "a boolean" => "true or false".into(),
        "a sequence" => "an array".into(),
        "a map" => "a table".into(),
        e if e.starts_with("struct ") => "a table".into(),
        e => e.to_string(),
    }
}

fn found_name(found: &str) -> String {
    let strip = |s: &str| s.trim_matches('`').to_string();
    if let Some(s) = found.strip_prefix("string ") {
        format!("a string {s}")
    } else if let Some(s) = found.strip_prefix("integer ") {
        strip(s)
    } else if let Some(s) = found.strip_prefix("floating point ") {
        strip(s)
    } else if let Some(s) = found.strip_prefix("boolean ") {
        strip(s)
    } else {
        match found {
            "sequence" => "an array".into(),
            "map" => "a table".into(),
            f => f.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Settings;

    fn problems_of<T: DeserializeOwned>(text: &str) -> (Read<T>, Vec<String>) {
        let mut problems = Problems::default();
        let read = read_collecting::<T>(Path::new("f.toml"), text, &mut problems);
        let lines = problems.0.iter().map(|p| p.to_string()).collect();
        (read, lines)
    }

    #[test]
    fn a_type_error_names_the_key_not_the_value() {
        let (_, p) = problems_of::<Settings>("[politeness]\npace_secs = \"fast\"\n");
        assert_eq!(
            p,
            ["f.toml:2: politeness.pace_secs: expected a number, found a string \"fast\""]
        );
    }

    #[test]
    fn every_bad_key_of_a_file_is_reported_with_its_line() {
        let text = "user_agent = 5\n[politeness]\npace_secs = \"fast\"\nbogus = 1\nconcurrency = -2\n[archive]\nrotate_bytes = 1.5\n";
        let (read, mut p) = problems_of::<Settings>(text);
        p.sort_by_key(|l| l.split(':').nth(1).map(str::to_string));
        assert_eq!(
            p,
            [
                "f.toml:1: user_agent: expected a string, found 5",
                "f.toml:3: politeness.pace_secs: expected a number, found a string \"fast\"",
                "f.toml:4: politeness.bogus: unknown field `bogus`, expected one of `pace_secs`, `concurrency`, `connect_timeout_secs`, `read_timeout_secs`, `max_body_bytes`, `max_redirects`, `retries`, `backoff_base_ms`, `max_retry_after_secs`, `obey_robots`",
                "f.toml:5: politeness.concurrency: expected a whole number (0 or more), found -2",
                "f.toml:7: archive.rotate_bytes: expected a whole number (0 or more), found 1.5",
            ]
        );
        // The rest of the file still counts.
        assert!(read.value.is_some());
        assert!(read.was_dropped("politeness.pace_secs"));
        assert!(!read.was_dropped("politeness.retries"));
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Doc {
        id: String,
        #[serde(default)]
        inner: Option<Inner>,
        #[serde(default)]
        n: u32,
    }
    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        need: String,
        #[serde(default)]
        list: Vec<Item>,
    }
    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Item {
        url: String,
    }

    #[test]
    fn a_bad_required_key_is_not_reported_again_as_missing() {
        let text = "id = \"a\"\nn = \"x\"\n[inner]\nneed = 3\n[[inner.list]]\nurl = \"u\"\n[[inner.list]]\nurl = 4\n";
        let (read, p) = problems_of::<Doc>(text);
        let mut p = p;
        p.sort();
        assert_eq!(
            p,
            [
                "f.toml:2: n: expected a whole number (0 or more), found a string \"x\"",
                "f.toml:4: inner.need: expected a string, found 3",
                "f.toml:8: inner.list[1].url: expected a string, found 4",
            ]
        );
        assert!(read.value.is_some());
        assert!(read.was_dropped("inner.list"));
    }

    #[test]
    fn missing_keys_are_named_with_their_table() {
        let (read, p) = problems_of::<Doc>("n = 1\n[inner]\nlist = []\n");
        let mut p = p;
        p.sort();
        assert_eq!(
            p,
            [
                "f.toml: id: is required but missing",
                "f.toml:2: inner.need: is required but missing"
            ]
        );
        assert!(read.value.is_none());
    }

    #[test]
    fn syntax_errors_are_reported_with_lines() {
        let (read, p) = problems_of::<Doc>("id = \"a\"\nn = \nx = [\n");
        assert!(read.value.is_none());
        assert!(
            !p.is_empty() && p.iter().all(|l| l.contains("(syntax)")),
            "{p:#?}"
        );
        assert!(p[0].starts_with("f.toml:2: (syntax): "), "{p:#?}");
    }

    #[test]
    fn key_lines_fall_back_to_the_table() {
        let text = "id = \"x\"\n[epaper]\npage_links = \"a\"\n[fields]\ntitle = \"h1\"\n";
        let mut problems = Problems::default();
        let read = read_collecting::<toml::Table>(Path::new("f"), text, &mut problems);
        assert_eq!(read.keys.line("id"), Some(1));
        assert_eq!(read.keys.line("epaper.page_links"), Some(3));
        assert_eq!(read.keys.line("fields.title"), Some(5));
        assert_eq!(read.keys.line("fields.body"), None);
        assert_eq!(read.keys.line_or_parent("fields.body"), Some(4));
        assert_eq!(read.keys.line_or_parent("nothing.here"), None);
    }
}
