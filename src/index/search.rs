//! Running a [`SearchRequest`]: the parsed query plus filters, top hits by
//! relevance or date, the total, facets and snippets.

use super::IndexError;
use super::facets::FacetCollector;
use super::query::{compile, parse};
use super::schema::{Fields, date_of, date_value, keyword_form};
use super::snippet::snippet;
use super::synonyms::Synonyms;
use super::types::{Hit, SearchRequest, SearchResults, Sort};
use std::ops::Bound;
use tantivy::collector::{Count, DocSetCollector, TopDocs};
use tantivy::query::{
    AllQuery, BooleanQuery, ConstScoreQuery, Occur, Query, RangeQuery, TermQuery,
};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{DateTime, DocAddress, IndexReader, Order, TantivyDocument, Term};

/// Most hits one search returns.
pub const MAX_LIMIT: usize = 1000;

fn filter(q: impl Query) -> (Occur, Box<dyn Query>) {
    (
        Occur::Must,
        Box::new(ConstScoreQuery::new(Box::new(q), 0.0)),
    )
}

fn keyword(field: tantivy::schema::Field, value: &str) -> TermQuery {
    TermQuery::new(
        Term::from_field_text(field, &keyword_form(value)),
        IndexRecordOption::Basic,
    )
}

fn text_of(doc: &TantivyDocument, field: tantivy::schema::Field) -> String {
    doc.get_first(field)
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_string()
}

/// The query and filters of a request, and the strings to highlight.
fn build(
    f: &Fields,
    req: &SearchRequest,
) -> Result<(BooleanQuery, Vec<String>, Vec<String>), IndexError> {
    let clauses = parse(&req.query)?;
    let compiled = compile(f, Synonyms::shared(), &clauses)?;
    let mut parts: Vec<(Occur, Box<dyn Query>)> = vec![(
        Occur::Must,
        compiled.query.unwrap_or_else(|| Box::new(AllQuery)),
    )];
    if let Some(outlet) = req.outlet.as_deref().filter(|s| !s.trim().is_empty()) {
        parts.push(filter(keyword(f.outlet, outlet)));
    }
    if let Some(item) = req.item.as_deref().filter(|s| !s.trim().is_empty()) {
        parts.push(filter(keyword(f.item, item)));
    }
    if let Some(e) = req.enterprise.as_deref().filter(|s| !s.trim().is_empty()) {
        parts.push(filter(TermQuery::new(
            Term::from_field_text(f.enterprise, e.trim()),
            IndexRecordOption::Basic,
        )));
    }
    if req.from.is_some() || req.to.is_some() {
        let bound = |d: Option<chrono::NaiveDate>| match d {
            Some(d) => Bound::Included(Term::from_field_date(f.published, date_value(d))),
            None => Bound::Unbounded,
        };
        parts.push(filter(RangeQuery::new(bound(req.from), bound(req.to))));
    }
    Ok((BooleanQuery::new(parts), compiled.needles, compiled.words))
}

/// Store sequence numbers of every article matching a request (no limit;
/// for exports and evaluation).
pub fn seqs(reader: &IndexReader, f: &Fields, req: &SearchRequest) -> Result<Vec<i64>, IndexError> {
    let (query, _, _) = build(f, req)?;
    let searcher = reader.searcher();
    let docs = searcher.search(&query, &DocSetCollector)?;
    let mut out = Vec::with_capacity(docs.len());
    let mut columns = std::collections::HashMap::new();
    for addr in docs {
        let column = match columns.entry(addr.segment_ord) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(v) => v.insert(
                searcher
                    .segment_reader(addr.segment_ord)
                    .fast_fields()
                    .i64("seq")?,
            ),
        };
        if let Some(seq) = column.first(addr.doc_id) {
            out.push(seq);
        }
    }
    out.sort_unstable();
    Ok(out)
}

/// Runs one search.
pub fn run(
    reader: &IndexReader,
    f: &Fields,
    req: &SearchRequest,
) -> Result<SearchResults, IndexError> {
    let (query, needles, words) = build(f, req)?;
    let searcher = reader.searcher();
    let limit = req.limit.clamp(1, MAX_LIMIT);
    let (top, total, facets): (Vec<(f32, DocAddress)>, usize, _) = match req.sort {
        Sort::Relevance => {
            let collector = (
                TopDocs::with_limit(limit).order_by_score(),
                Count,
                FacetCollector,
            );
            searcher.search(&query, &collector)?
        }
        Sort::Date => {
            let collector = (
                TopDocs::with_limit(limit)
                    .order_by_fast_field::<DateTime>("published", Order::Desc),
                Count,
                FacetCollector,
            );
            let (top, total, facets) = searcher.search(&query, &collector)?;
            (
                top.into_iter().map(|(_, addr)| (0.0, addr)).collect(),
                total,
                facets,
            )
        }
    };
    let mut hits = Vec::with_capacity(top.len());
    for (score, addr) in top {
        let doc: TantivyDocument = searcher.doc(addr)?;
        let body = text_of(&doc, f.body);
        let title = text_of(&doc, f.title);
        let text = if needles.is_empty()
            || !super::snippet::match_spans(&body, &needles, &words).is_empty()
        {
            body
        } else {
            title.clone()
        };
        hits.push(Hit {
            id: text_of(&doc, f.id),
            url: text_of(&doc, f.url),
            outlet: text_of(&doc, f.outlet),
            title,
            published: doc
                .get_first(f.published)
                .and_then(|v| v.as_datetime())
                .and_then(date_of)
                .map(|d| d.format("%Y-%m-%d").to_string()),
            score,
            snippet: snippet(&text, &needles, &words),
        });
    }
    Ok(SearchResults {
        total: total as u64,
        hits,
        facets,
    })
}
