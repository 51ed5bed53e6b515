//! Article-local aliases: （以下简称“XX”）, (以下简称"XX"), 以下简称XX,
//! （简称“XX”）, （下称“XX”） right after a mention of a registered
//! enterprise teach XX as that enterprise's name for the rest of the
//! article. Reads normalised text (brackets are `(` `)`, quotes `"`).

use super::Matcher;
use super::boundary::{self, Attach};
use super::candidate::{Cand, Field};
use super::verdict::AnchorHow;
use crate::model::{AliasKind, MentionField};

/// Company-form endings that may stand between a name and its definition
/// (万州城投集团有限公司（以下简称…）).
const TAILS: &[&str] = &["股份有限公司", "有限责任公司", "有限公司", "公司"];
const INTROS: &[&str] = &["以下简称", "以下称", "下称", "简称"];

/// A definition found after a hit: the alias (normalised) and the byte
/// offset where the definition ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Definition {
    pub alias: String,
    pub end: usize,
}

/// Looks for a definition starting at `at` (a hit's end) in `text`.
pub fn definition_after(text: &str, at: usize) -> Option<Definition> {
    let mut rest = &text[at..];
    for tail in TAILS {
        if let Some(r) = rest.strip_prefix(tail) {
            rest = r;
            break;
        }
    }
    let bracketed = rest.starts_with('(');
    let mut r = if bracketed { &rest[1..] } else { rest };
    // ，以下简称 without a bracket.
    if !bracketed {
        r = r
            .strip_prefix('，')
            .or_else(|| r.strip_prefix(','))
            .unwrap_or(r);
    }
    let intro = INTROS.iter().find(|i| r.starts_with(*i))?;
    // "简称" without a bracket is too loose (万州城投简称城投): only
    // 以下简称/下称 stand without one.
    if !bracketed && *intro == "简称" {
        return None;
    }
    r = &r[intro.len()..];
    r = r
        .strip_prefix(':')
        .or_else(|| r.strip_prefix('：'))
        .or_else(|| r.strip_prefix('为'))
        .unwrap_or(r);
    let quoted = r.starts_with('"');
    if quoted {
        r = &r[1..];
    }
    let stop = |c: char| {
        if quoted {
            c == '"' || c == ')' || c == '\n'
        } else {
            matches!(
                c,
                ')' | '，' | '。' | '、' | '；' | ',' | ';' | '"' | '\n' | '：' | ':'
            )
        }
    };
    let len = r.find(stop).unwrap_or(r.len());
    let alias = &r[..len];
    let n = alias.chars().count();
    if n == 0 || n > 12 || alias.contains(['，', ',', '。', ' ']) {
        return None;
    }
    let mut after = &r[len..];
    if quoted {
        after = after.strip_prefix('"').unwrap_or(after);
    }
    if bracketed {
        after = after.strip_prefix(')').unwrap_or(after);
    }
    Some(Definition {
        alias: alias.to_string(),
        end: text.len() - after.len(),
    })
}

impl Matcher {
    /// （以下简称“XX”） after a hit: find XX everywhere in the article.
    pub(super) fn learn_local_aliases(&self, fields: &[Field], cands: &mut Vec<Cand>) {
        let mut defs: Vec<(usize, String, usize, usize)> = Vec::new();
        for (i, c) in cands.iter().enumerate() {
            if c.dropped || c.not_ours.is_some() {
                continue;
            }
            let text = &fields[c.field].norm.text;
            if let Some(d) = definition_after(text, c.end) {
                let known = self.names[c.ent].iter().any(|n| n.norm == d.alias);
                if !known && !defs.iter().any(|(_, a, _, _)| *a == d.alias) {
                    defs.push((i, d.alias, c.field, d.end));
                }
            }
        }
        for (teacher, alias, def_field, def_end) in defs {
            let t = cands[teacher].clone();
            for (fi, f) in fields.iter().enumerate() {
                for (start, _) in f.norm.text.match_indices(alias.as_str()) {
                    let end = start + alias.len();
                    if fi == def_field && start < def_end && end > t.start {
                        continue; // the definition itself
                    }
                    // Inside a longer registered hit: that hit stands.
                    let covered = cands.iter().any(|c| {
                        !c.dropped
                            && c.field == fi
                            && c.start <= start
                            && c.end >= end
                            && (c.end - c.start) > alias.len()
                    });
                    if covered {
                        continue;
                    }
                    let mut attach = boundary::before(&f.norm.text, start, true, &self.places);
                    if attach != Attach::Foreign
                        && boundary::after(&f.norm.text, end) == Attach::Foreign
                    {
                        attach = Attach::Foreign;
                    }
                    if attach == Attach::Foreign {
                        continue;
                    }
                    // The article's own name wins over a generic hit on the same text.
                    for c in cands.iter_mut() {
                        if c.field == fi && c.start >= start && c.end <= end && c.alias.is_some() {
                            c.dropped = true;
                        }
                    }
                    let line = if f.kind == MentionField::Body {
                        f.norm.breaks.partition_point(|&b| b < start)
                    } else {
                        0
                    };
                    cands.push(Cand {
                        ent: t.ent,
                        alias: None,
                        teacher: Some(teacher),
                        local_text: Some(alias.clone()),
                        kind: AliasKind::ArticleLocal,
                        ambiguous: false,
                        field: fi,
                        line,
                        start,
                        end,
                        attach,
                        dropped: false,
                        how: AnchorHow::Unanchored,
                        list_size: 0,
                        excluded: None,
                        former: None,
                        not_ours: None,
                        namesake: None,
                    });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matching::normalise::normalise_str;

    fn def(s: &str, name: &str) -> Option<String> {
        let t = normalise_str(s);
        let n = normalise_str(name);
        let at = t.find(&n).expect("name") + n.len();
        definition_after(&t, at).map(|d| d.alias)
    }

    #[test]
    fn forms_of_the_definition() {
        let name = "万州港口集团";
        assert_eq!(
            def("万州港口集团（以下简称“港口集团”）成立", name).as_deref(),
            Some("港口集团")
        );
        assert_eq!(
            def("万州港口集团(以下简称\"港口集团\")成立", name).as_deref(),
            Some("港口集团")
        );
        assert_eq!(
            def("万州港口集团有限公司（简称“万港”）", name).as_deref(),
            Some("万港")
        );
        assert_eq!(
            def("万州港口集团，以下简称港口集团，成立", name).as_deref(),
            Some("港口集团")
        );
        assert_eq!(
            def("万州港口集团（下称「港口」）", name).as_deref(),
            Some("港口")
        );
        assert_eq!(def("万州港口集团简称港口", name), None);
        assert_eq!(def("万州港口集团负责建设", name), None);
    }
}
