//! CSS selectors and regexes from source definitions, checked the way the
//! crawler will use them, with a one-line reason when they do not compile.

use scraper::error::SelectorErrorKind;

/// Why a CSS selector (a list of alternatives, as the extractor splits it)
/// does not parse, or `None` when it and each of its alternatives do.
pub(crate) fn css_problem(sel: &str) -> Option<String> {
    if sel.trim().is_empty() {
        return Some(format!("invalid CSS selector {sel:?}: it is empty"));
    }
    let whole = scraper::Selector::parse(sel).err();
    let alternative = || {
        crate::model::split_alternatives(sel)
            .into_iter()
            .find_map(|alt| scraper::Selector::parse(alt).err())
    };
    let err = whole.or_else(alternative)?;
    Some(format!(
        "invalid CSS selector {sel:?}: {}",
        css_reason(&err)
    ))
}

/// scraper's own text for some errors is "Unexpected error occurred. Please
/// report this to the developer" and a debug dump: say what is wrong instead.
fn css_reason(err: &SelectorErrorKind) -> String {
    let reason = match err {
        SelectorErrorKind::UnexpectedToken => "unexpected character or token",
        SelectorErrorKind::EndOfLine => {
            "it ends too early (an unclosed bracket, quote or parenthesis?)"
        }
        SelectorErrorKind::InvalidAtRule => "invalid @-rule",
        SelectorErrorKind::InvalidAtRuleBody => "invalid @-rule body",
        SelectorErrorKind::QualRuleInvalid => "invalid qualified name",
        SelectorErrorKind::TooManyNestedBlocks => "too many nested blocks",
        SelectorErrorKind::ExpectedColonOnPseudoElement => "a pseudo-element needs `::`",
        SelectorErrorKind::ExpectedIdentityOnPseudoElement => "a pseudo-element needs a name",
        SelectorErrorKind::UnexpectedSelectorParseError(kind) => {
            return selector_kind_reason(&format!("{kind:?}"));
        }
    };
    reason.to_string()
}

/// The `selectors` crate's error kinds, by name (their `Debug` form).
fn selector_kind_reason(kind: &str) -> String {
    let name = kind.split(['(', ' ', '{']).next().unwrap_or(kind);
    let reason = match name {
        "NoQualifiedNameInAttributeSelector" => {
            "an attribute selector `[…]` needs an attribute name"
        }
        "EmptySelector" => "an alternative is empty (a stray comma?)",
        "DanglingCombinator" => "a combinator (`>`, `+`, `~`) has nothing after it",
        "NonCompoundSelector" => "only a simple (compound) selector is allowed here",
        "UnexpectedTokenInAttributeSelector" => {
            "unexpected character in an attribute selector `[…]`"
        }
        "PseudoElementExpectedColon" => "a pseudo-element needs `::`",
        "PseudoElementExpectedIdent" => "a pseudo-element needs a name",
        "NoIdentForPseudo" => "`:` needs a pseudo-class name after it",
        "UnsupportedPseudoClassOrElement" => "unsupported pseudo-class or pseudo-element",
        "UnexpectedIdent" => "unexpected name",
        "ExpectedNamespace" => "unknown namespace prefix",
        "ExpectedBarInAttr" => "expected `|` in an attribute selector",
        "BadValueInAttr" => "bad value in an attribute selector (quote it?)",
        "InvalidQualNameInAttr" => "bad attribute name",
        "ExplicitNamespaceUnexpectedToken" => "unexpected character after a namespace",
        "ClassNeedsIdent" => "`.` needs a class name after it",
        "InvalidState" => "invalid state",
        _ => return words(name),
    };
    reason.to_string()
}

/// `SomeErrorKind` as `some error kind`.
fn words(camel: &str) -> String {
    let mut out = String::new();
    for c in camel.chars() {
        if c.is_uppercase() && !out.is_empty() {
            out.push(' ');
        }
        out.extend(c.to_lowercase());
    }
    out
}

/// Why a cron expression (sec min hour day month weekday) does not parse, on
/// one line, or `None`.
pub(crate) fn cron_problem(expr: &str) -> Option<String> {
    use std::str::FromStr;
    let err = cron::Schedule::from_str(expr).err()?;
    // The cron crate's text repeats the expression with a caret line under
    // it; the reason is the last line.
    let text = err.to_string();
    let reason = text
        .lines()
        .map(str::trim)
        .rfind(|l| !l.is_empty() && *l != "^")
        .unwrap_or("invalid");
    Some(format!(
        "{expr:?} is not a cron expression (sec min hour day month weekday): {reason}"
    ))
}

/// Why a regex does not compile (on one line), or `None`.
pub(crate) fn regex_problem(re: &str) -> Option<String> {
    let err = regex::Regex::new(re).err()?;
    Some(format!("invalid regex {re:?}: {}", regex_reason(&err)))
}

/// A regex that must have a capture group (`page_count`, `page_id`): why it
/// cannot be used, or `None`.
pub(crate) fn regex_with_group_problem(re: &str) -> Option<String> {
    if let Some(p) = regex_problem(re) {
        return Some(p);
    }
    match regex::Regex::new(re) {
        Ok(r) if r.captures_len() < 2 => Some(format!(
            "regex {re:?} needs a capture group `(…)` around the part to read"
        )),
        _ => None,
    }
}

fn regex_reason(err: &regex::Error) -> String {
    match err {
        // The syntax error text is several lines (the pattern, a caret, then
        // `error: what`); keep the `what`.
        regex::Error::Syntax(text) => text
            .lines()
            .rev()
            .find_map(|l| l.trim().strip_prefix("error: "))
            .unwrap_or_else(|| text.lines().last().unwrap_or_default())
            .trim()
            .to_string(),
        other => other
            .to_string()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_selectors_get_a_reason_not_a_debug_dump() {
        for bad in [
            "div[[[", "ul >> li", "a:nosuch", "div,", ".", "p[", "a, b[[", "",
        ] {
            let p = css_problem(bad).unwrap_or_else(|| panic!("{bad:?} should be invalid"));
            assert!(
                p.starts_with(&format!("invalid CSS selector {bad:?}: ")),
                "{p}"
            );
            assert!(!p.contains("Unexpected error") && !p.contains('\n'), "{p}");
            let reason = &p[format!("invalid CSS selector {bad:?}: ").len()..];
            assert!(reason.len() > 3, "{p}");
        }
        assert_eq!(
            css_problem("div[[["),
            Some(
                "invalid CSS selector \"div[[[\": an attribute selector `[…]` needs an attribute name"
                    .into()
            )
        );
    }

    #[test]
    fn good_selectors_pass() {
        for good in [
            "div.article h1",
            "#articleContent, #ozoom",
            r#"meta[name="ArticleTitle"]"#,
            "ul li:nth-child(2) > a",
        ] {
            assert_eq!(css_problem(good), None, "{good}");
        }
    }

    #[test]
    fn cron_problems_are_one_line() {
        let p = cron_problem("every day").unwrap_or_default();
        assert!(
            p.starts_with("\"every day\" is not a cron expression"),
            "{p}"
        );
        assert!(!p.contains('\n') && p.contains("Seconds"), "{p}");
        assert_eq!(cron_problem("0 15 8,13,18 * * *"), None);
    }

    #[test]
    fn bad_regexes_get_one_line_with_the_reason() {
        assert_eq!(
            regex_problem("content_(\\d+"),
            Some("invalid regex \"content_(\\\\d+\": unclosed group".into())
        );
        assert_eq!(regex_problem(r"content_\d+\.html$"), None);
        assert!(
            regex_with_group_problem(r"createPage\(\d+")
                .is_some_and(|p| p.contains("capture group"))
        );
        assert_eq!(regex_with_group_problem(r"createPage\((\d+)"), None);
        assert!(regex_with_group_problem("(").is_some_and(|p| p.starts_with("invalid regex")));
    }
}
