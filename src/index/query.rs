//! The query language and its translation to tantivy queries.
//!
//! Words separated by spaces must all match; `OR` between two words makes
//! either do; `-word` excludes; `"…"` (or `“…”`) is an exact phrase. An
//! unquoted word is expanded with the synonyms of `index/synonyms.txt` and
//! matches as an exact substring (bigram phrase) in title or body, except a
//! two-character word jieba knows, which must be a jieba word (国企 does not
//! match 中国企业; quoted, it does). A single CJK character searches the
//! jieba field and the bigrams containing it. Jieba words of each form add
//! ranking signal without changing what matches.

use super::bigram::bigram_tokens;
use super::fold::{fold, is_cjk};
use super::jieba::{is_jieba_word, jieba_words};
use super::schema::Fields;
use super::synonyms::Synonyms;
use tantivy::Term;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, PhraseQuery, Query, RegexQuery, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};

/// A query the parser rejects, with a one-line explanation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("query syntax: {0}")]
pub struct QuerySyntaxError(pub String);

/// One searchable unit of the query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Atom {
    pub text: String,
    pub phrase: bool,
}

/// Atoms joined by `OR`, possibly excluded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clause {
    pub negated: bool,
    pub alternatives: Vec<Atom>,
}

fn closing_quote(open: char) -> Option<char> {
    match open {
        '"' => Some('"'),
        '“' => Some('”'),
        '＂' => Some('＂'),
        '「' => Some('」'),
        _ => None,
    }
}

enum Lexeme {
    Word(String),
    Phrase(String),
    Or,
    Minus,
}

fn lex(text: &str) -> Result<Vec<Lexeme>, QuerySyntaxError> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if let Some(close) = closing_quote(c) {
            chars.next();
            let mut phrase = String::new();
            loop {
                match chars.next() {
                    Some(x) if x == close => break,
                    Some(x) => phrase.push(x),
                    None => {
                        return Err(QuerySyntaxError(format!(
                            "the quote {c}{phrase} is never closed; add {close} at the end"
                        )));
                    }
                }
            }
            if phrase.trim().is_empty() {
                return Err(QuerySyntaxError("an empty quoted phrase".into()));
            }
            out.push(Lexeme::Phrase(phrase));
        } else if (c == '-' || c == '－') && out.last().is_none_or(|l| !matches!(l, Lexeme::Minus))
        {
            chars.next();
            if chars.peek().is_none_or(|n| n.is_whitespace()) {
                return Err(QuerySyntaxError(
                    "a lone '-' excludes nothing; write -word".into(),
                ));
            }
            out.push(Lexeme::Minus);
        } else {
            let mut word = String::new();
            while let Some(&x) = chars.peek() {
                if x.is_whitespace() || closing_quote(x).is_some() {
                    break;
                }
                word.push(x);
                chars.next();
            }
            out.push(if word == "OR" || word == "|" {
                Lexeme::Or
            } else {
                Lexeme::Word(word)
            });
        }
    }
    Ok(out)
}

/// Parses query text into clauses (empty text gives no clauses).
pub fn parse(text: &str) -> Result<Vec<Clause>, QuerySyntaxError> {
    let mut clauses: Vec<Clause> = Vec::new();
    let mut pending_or = false;
    let mut negate = false;
    for lexeme in lex(text)? {
        let atom = match lexeme {
            Lexeme::Or => {
                if pending_or || negate || clauses.is_empty() {
                    return Err(QuerySyntaxError("OR needs a word on each side".into()));
                }
                pending_or = true;
                continue;
            }
            Lexeme::Minus => {
                if pending_or {
                    return Err(QuerySyntaxError(
                        "cannot exclude a word inside an OR group".into(),
                    ));
                }
                negate = true;
                continue;
            }
            Lexeme::Word(w) => Atom {
                text: w,
                phrase: false,
            },
            Lexeme::Phrase(p) => Atom {
                text: p,
                phrase: true,
            },
        };
        if pending_or {
            let last = clauses.last_mut().filter(|c| !c.negated).ok_or_else(|| {
                QuerySyntaxError("cannot exclude a word inside an OR group".into())
            })?;
            last.alternatives.push(atom);
            pending_or = false;
        } else {
            clauses.push(Clause {
                negated: negate,
                alternatives: vec![atom],
            });
            negate = false;
        }
    }
    if pending_or {
        return Err(QuerySyntaxError("OR needs a word on each side".into()));
    }
    if !clauses.is_empty() && clauses.iter().all(|c| c.negated) {
        return Err(QuerySyntaxError(
            "a query needs at least one word that is not excluded".into(),
        ));
    }
    Ok(clauses)
}

/// A tantivy query for the parsed text plus the folded strings to highlight.
pub struct Compiled {
    pub query: Option<Box<dyn Query>>,
    pub needles: Vec<String>,
    /// The needles that match only as whole jieba words (see [`word_form`]).
    pub words: Vec<String>,
}

/// Whether an unquoted form is a two-character word jieba knows: such a form
/// matches as a jieba word, so that 国企 is not found inside 中国企业.
pub fn word_form(form: &str, exact: bool) -> bool {
    let mut chars = form.chars();
    match (exact, chars.next(), chars.next(), chars.next()) {
        (false, Some(a), Some(b), None) => is_cjk(a) && is_cjk(b) && is_jieba_word(form),
        _ => false,
    }
}

fn either(a: Box<dyn Query>, b: Box<dyn Query>) -> Box<dyn Query> {
    Box::new(BooleanQuery::new(vec![
        (Occur::Should, a),
        (Occur::Should, b),
    ]))
}

/// The query matching one form exactly (substring) in title or body, if the
/// form has anything searchable.
fn form_query(f: &Fields, form: &str, exact: bool) -> Option<Box<dyn Query>> {
    // A two-character dictionary word must be a word: jieba knows its
    // boundaries (国企 is not in 中国企业), the bigram field does not.
    if word_form(form, exact) {
        let term = |field: Field| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(field, form),
                IndexRecordOption::WithFreqs,
            ))
        };
        return Some(either(
            Box::new(BoostQuery::new(term(f.title), 3.0)),
            term(f.body),
        ));
    }
    let tokens = bigram_tokens(form, true);
    let in_field = |field: Field| -> Box<dyn Query> {
        if tokens.len() == 1 {
            Box::new(TermQuery::new(
                Term::from_field_text(field, &tokens[0].text),
                IndexRecordOption::WithFreqs,
            ))
        } else {
            let first = tokens[0].position;
            let terms = tokens
                .iter()
                .map(|t| (t.position - first, Term::from_field_text(field, &t.text)))
                .collect();
            Box::new(PhraseQuery::new_with_offset(terms))
        }
    };
    if !tokens.is_empty() {
        let title: Box<dyn Query> = Box::new(BoostQuery::new(in_field(f.title_bg), 3.0));
        return Some(either(title, in_field(f.body_bg)));
    }
    // A single CJK character: the jieba field where jieba cut it alone, and
    // the bigrams that start or end with it everywhere else.
    let c = form.chars().find(|c| is_cjk(*c))?;
    let term = |field: Field| -> Box<dyn Query> {
        Box::new(TermQuery::new(
            Term::from_field_text(field, &c.to_string()),
            IndexRecordOption::WithFreqs,
        ))
    };
    let mut alternatives: Vec<(Occur, Box<dyn Query>)> = vec![
        (Occur::Should, Box::new(BoostQuery::new(term(f.title), 3.0))),
        (Occur::Should, term(f.body)),
    ];
    for field in [f.title_bg, f.body_bg] {
        if let Ok(q) = RegexQuery::from_pattern(&format!("{c}.+|.{c}"), field) {
            alternatives.push((Occur::Should, Box::new(q)));
        }
    }
    Some(Box::new(BooleanQuery::new(alternatives)))
}

/// Jieba words of a form as optional ranking clauses.
fn ranking_clauses(f: &Fields, form: &str) -> Vec<(Occur, Box<dyn Query>)> {
    let mut out: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    let mut words = jieba_words(form);
    words.sort();
    words.dedup();
    for w in words.into_iter().take(8) {
        for (field, boost) in [(f.title, 2.0), (f.body, 1.0)] {
            let q = TermQuery::new(
                Term::from_field_text(field, &w),
                IndexRecordOption::WithFreqs,
            );
            out.push((Occur::Should, Box::new(BoostQuery::new(Box::new(q), boost))));
        }
    }
    out
}

fn atom_query(
    f: &Fields,
    syn: &Synonyms,
    atom: &Atom,
    needles: &mut Vec<String>,
    words: &mut Vec<String>,
) -> Result<Box<dyn Query>, QuerySyntaxError> {
    let folded = fold(atom.text.trim());
    let forms = if atom.phrase {
        vec![folded.clone()]
    } else {
        syn.expand(&folded)
    };
    let mut matchers: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for form in &forms {
        if let Some(q) = form_query(f, form, atom.phrase) {
            matchers.push((Occur::Should, q));
            needles.push(form.clone());
            if word_form(form, atom.phrase) {
                words.push(form.clone());
            }
        }
    }
    if matchers.is_empty() {
        return Err(QuerySyntaxError(format!(
            "「{}」 has nothing searchable in it",
            atom.text
        )));
    }
    let matcher: Box<dyn Query> = Box::new(BooleanQuery::new(matchers));
    let mut clauses = vec![(Occur::Must, matcher)];
    clauses.extend(ranking_clauses(f, &folded));
    Ok(Box::new(BooleanQuery::new(clauses)))
}

/// Compiles parsed clauses; `None` as query means "everything".
pub fn compile(
    f: &Fields,
    syn: &Synonyms,
    clauses: &[Clause],
) -> Result<Compiled, QuerySyntaxError> {
    let (mut needles, mut words) = (Vec::new(), Vec::new());
    let mut parts: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for clause in clauses {
        let (mut discard, mut discard_words) = (Vec::new(), Vec::new());
        let (sink, word_sink) = if clause.negated {
            (&mut discard, &mut discard_words)
        } else {
            (&mut needles, &mut words)
        };
        let mut alts: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for atom in &clause.alternatives {
            alts.push((Occur::Should, atom_query(f, syn, atom, sink, word_sink)?));
        }
        let q: Box<dyn Query> = if alts.len() == 1 {
            alts.remove(0).1
        } else {
            Box::new(BooleanQuery::new(alts))
        };
        parts.push((
            if clause.negated {
                Occur::MustNot
            } else {
                Occur::Must
            },
            q,
        ));
    }
    needles.sort_by(|a, b| b.chars().count().cmp(&a.chars().count()).then(a.cmp(b)));
    needles.dedup();
    words.sort();
    words.dedup();
    let query = if parts.is_empty() {
        None
    } else {
        Some(Box::new(BooleanQuery::new(parts)) as Box<dyn Query>)
    };
    Ok(Compiled {
        query,
        needles,
        words,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn atoms(c: &Clause) -> Vec<(&str, bool)> {
        c.alternatives
            .iter()
            .map(|a| (a.text.as_str(), a.phrase))
            .collect()
    }

    #[test]
    fn parses_words_phrases_or_and_minus() {
        let c = parse("混改 \"重庆 三峡银行\" 万州 OR 涪陵 -广告").expect("valid");
        assert_eq!(c.len(), 4);
        assert_eq!(atoms(&c[0]), vec![("混改", false)]);
        assert_eq!(atoms(&c[1]), vec![("重庆 三峡银行", true)]);
        assert_eq!(atoms(&c[2]), vec![("万州", false), ("涪陵", false)]);
        assert!(c[3].negated);
        let c = parse("“国企改革”").expect("valid");
        assert_eq!(atoms(&c[0]), vec![("国企改革", true)]);
        assert!(parse("").expect("valid").is_empty());
    }

    #[test]
    fn syntax_errors_are_one_line() {
        for bad in [
            "\"国企",
            "OR 国企",
            "国企 OR",
            "国企 OR OR 央企",
            "-国企",
            "国企 - 央企",
            "\"\"",
        ] {
            let e = parse(bad).expect_err(bad);
            assert!(!e.to_string().contains('\n'), "{e}");
            assert!(e.to_string().starts_with("query syntax: "), "{e}");
        }
    }

    #[test]
    fn punctuation_only_is_an_error() {
        let (_, f) = super::super::schema::build_schema();
        let c = parse("，，").expect("parses");
        assert!(compile(&f, Synonyms::shared(), &c).is_err());
    }

    #[test]
    fn needles_include_synonyms_longest_first() {
        let (_, f) = super::super::schema::build_schema();
        let c = parse("国企").expect("parses");
        let compiled = compile(&f, Synonyms::shared(), &c).expect("compiles");
        assert_eq!(
            compiled.needles,
            vec!["国有企业".to_string(), "国企".to_string()]
        );
        assert_eq!(compiled.words, vec!["国企".to_string()]);
    }
}
