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
            // One line per problem, whatever a library's message looks like.
            message: message
                .into()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
        });
    }
}

/// Line (1-based) of a byte offset in a text.
pub fn line_of_offset(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}
