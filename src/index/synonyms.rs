//! Query-time synonym and alias expansion from `index/synonyms.txt` (one
//! group of equivalent forms a line). Members are folded like all text, so a
//! Traditional or full-width query expands too.

use super::fold::fold;
use std::sync::LazyLock;

static SYNONYMS_FILE: &str = include_str!("../../index/synonyms.txt");

/// At most this many forms of one query term are searched.
pub const MAX_VARIANTS: usize = 16;

/// The parsed synonym groups.
#[derive(Debug, Default)]
pub struct Synonyms {
    groups: Vec<Vec<String>>,
    /// (member, group index), longest member first.
    members: Vec<(String, usize)>,
}

static SHARED: LazyLock<Synonyms> = LazyLock::new(|| Synonyms::parse(SYNONYMS_FILE));

impl Synonyms {
    /// The groups shipped in `index/synonyms.txt`.
    pub fn shared() -> &'static Synonyms {
        &SHARED
    }

    /// Parses the file format (see `index/synonyms.txt`).
    pub fn parse(text: &str) -> Synonyms {
        let mut groups: Vec<Vec<String>> = Vec::new();
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut group: Vec<String> = Vec::new();
            for m in line.split_whitespace().map(fold) {
                if !group.contains(&m) {
                    group.push(m);
                }
            }
            if group.len() > 1 {
                groups.push(group);
            }
        }
        let mut members: Vec<(String, usize)> = groups
            .iter()
            .enumerate()
            .flat_map(|(i, g)| g.iter().map(move |m| (m.clone(), i)))
            .collect();
        members.sort_by(|a, b| b.0.chars().count().cmp(&a.0.chars().count()).then(a.cmp(b)));
        Synonyms { groups, members }
    }

    /// The forms to search for a folded term: the term itself first, then
    /// each form with one contained member replaced by another member of its
    /// group (longest members first, non-overlapping), up to [`MAX_VARIANTS`].
    pub fn expand(&self, term: &str) -> Vec<String> {
        let mut out = vec![term.to_string()];
        // Find non-overlapping occurrences, longest members first.
        let mut taken: Vec<(usize, usize, usize)> = Vec::new(); // (from, to, group)
        for (m, g) in &self.members {
            let mut start = 0;
            while let Some(found) = term[start..].find(m.as_str()) {
                let from = start + found;
                let to = from + m.len();
                if !taken.iter().any(|&(f, t, _)| from < t && f < to) {
                    taken.push((from, to, *g));
                }
                start = to;
            }
        }
        taken.sort();
        for (from, to, g) in taken {
            let current = out.clone();
            for form in current {
                // Occurrence positions shift once a replacement was made in an
                // earlier span; only replace in forms where the span is intact.
                let Some(at) = locate(&form, term, from, to) else {
                    continue;
                };
                for other in &self.groups[g] {
                    if out.len() >= MAX_VARIANTS {
                        return out;
                    }
                    let candidate = format!("{}{}{}", &form[..at.0], other, &form[at.1..]);
                    if !out.contains(&candidate) {
                        out.push(candidate);
                    }
                }
            }
        }
        out
    }

    /// Number of groups.
    pub fn len(&self) -> usize {
        self.groups.len()
    }

    /// Whether there are no groups.
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }
}

/// Where the span `from..to` of `term` is in `form`, if the text after the
/// span is unchanged (replacements are made left to right).
fn locate(form: &str, term: &str, from: usize, to: usize) -> Option<(usize, usize)> {
    let tail = &term[to..];
    let piece = &term[from..to];
    let end = form.len().checked_sub(tail.len())?;
    if !form.ends_with(tail) || end < piece.len() || &form[end - piece.len()..end] != piece {
        return None;
    }
    Some((end - piece.len(), end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expands_both_ways() {
        let s = Synonyms::shared();
        assert!(s.len() > 20);
        assert!(s.expand("国企").contains(&"国有企业".to_string()));
        assert!(s.expand("国有企业").contains(&"国企".to_string()));
        let cctv = s.expand("央视");
        assert!(cctv.contains(&"中央广播电视总台".to_string()));
        assert!(cctv.contains(&"cctv".to_string()));
    }

    #[test]
    fn expands_inside_a_longer_term() {
        let forms = Synonyms::shared().expand("万州国企改革");
        assert_eq!(forms[0], "万州国企改革");
        assert!(forms.contains(&"万州国有企业改革".to_string()), "{forms:?}");
        assert!(
            forms.contains(&"万州区国有企业改革".to_string()),
            "{forms:?}"
        );
    }

    #[test]
    fn unrelated_terms_stay_alone() {
        assert_eq!(
            Synonyms::shared().expand("三峡银行"),
            vec!["三峡银行".to_string()]
        );
    }

    #[test]
    fn parse_skips_comments_and_single_members() {
        let s = Synonyms::parse("# c\n甲乙 丙丁\n孤单\n");
        assert_eq!(s.len(), 1);
        assert_eq!(
            s.expand("甲乙"),
            vec!["甲乙".to_string(), "丙丁".to_string()]
        );
    }
}
