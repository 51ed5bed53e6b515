//! Article-local aliases: （以下简称“XX”）, (以下简称"XX"), 以下简称XX,
//! （简称“XX”）, （下称“XX”） right after a mention of a registered
//! enterprise teach XX as that enterprise's name for the rest of the
//! article. Reads normalised text (brackets are `(` `)`, quotes `"`).

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
