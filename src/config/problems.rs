//! Configuration problems with file and line, collected rather than thrown so
//! that `radar check` reports every one at once.

use std::fmt;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub file: PathBuf,
    pub line: Option<usize>,
    pub field: String,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        write!(f, ": {}: {}", self.field, self.message)
    }
}

/// Every problem found, in file order.
#[derive(Debug, Default, Clone, PartialEq, thiserror::Error)]
pub struct Problems(pub Vec<Problem>);

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

impl Problems {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn push(
        &mut self,
        file: &Path,
        line: Option<usize>,
        field: &str,
        message: impl Into<String>,
    ) {
        self.0.push(Problem {
            file: file.to_path_buf(),
            line,
            field: field.to_string(),
            message: message.into(),
        });
    }
}

/// Line (1-based) of a byte offset in a text.
pub fn line_of_offset(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// Line of `key = …` inside `[table]` (or at top level when `table` is empty).
/// Best effort: the first match after the table header.
pub fn line_of_key(text: &str, table: &str, key: &str) -> Option<usize> {
    let mut in_table = table.is_empty();
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if t.starts_with('[') {
            let name = t.trim_matches(|c| c == '[' || c == ']').trim();
            in_table = name == table;
            continue;
        }
        if in_table
            && let Some((k, _)) = t.split_once('=')
            && k.trim().trim_matches('"') == key
        {
            return Some(i + 1);
        }
    }
    None
}

/// The `[table]` (or `[[array]]`) a byte offset of a TOML text is in, if any.
fn table_at(text: &str, offset: usize) -> Option<String> {
    text[..offset.min(text.len())]
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| l.starts_with('['))
        .map(|l| l.trim_matches(|c| c == '[' || c == ']').trim().to_string())
}

/// Turn a TOML deserialisation error into a problem at its line, naming the
/// field with its table (`politeness.pace_secs`).
pub fn from_toml_error(file: &Path, text: &str, err: &toml::de::Error) -> Problem {
    let line = err.span().map(|s| line_of_offset(text, s.start));
    let key = err
        .span()
        .and_then(|s| text.get(s.clone()))
        .map(|s| {
            s.split('=')
                .next()
                .unwrap_or(s)
                .trim()
                .trim_matches('"')
                .to_string()
        })
        .filter(|s| !s.is_empty() && s.len() < 60 && !s.contains('\n'));
    let field = match (key, err.span().and_then(|s| table_at(text, s.start))) {
        (Some(k), Some(t)) if !k.starts_with('[') => format!("{t}.{k}"),
        (Some(k), _) => k,
        (None, _) => "(syntax)".to_string(),
    };
    Problem {
        file: file.to_path_buf(),
        line,
        field,
        message: err.message().trim().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_errors_name_the_table_and_line() {
        let text = "user_agent = \"x@y\"\n[politeness]\npace_secs = 1.0\nfoo = 1\n";
        let err = toml::from_str::<crate::config::Settings>(text).expect_err("unknown key");
        let p = from_toml_error(Path::new("radar.toml"), text, &err);
        assert_eq!(p.line, Some(4));
        assert_eq!(p.field, "politeness.foo");
        assert!(
            p.to_string()
                .starts_with("radar.toml:4: politeness.foo: unknown field `foo`"),
            "{p}"
        );
    }

    #[test]
    fn finds_key_lines_in_tables() {
        let text = "id = \"x\"\n[epaper]\npage_links = \"a\"\n[fields]\ntitle = \"h1\"\n";
        assert_eq!(line_of_key(text, "", "id"), Some(1));
        assert_eq!(line_of_key(text, "epaper", "page_links"), Some(3));
        assert_eq!(line_of_key(text, "fields", "title"), Some(5));
        assert_eq!(line_of_key(text, "fields", "page_links"), None);
    }
}
