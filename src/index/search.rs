//! Running a [`SearchRequest`]: the parsed query plus filters, top hits by
//! relevance or date, the total, facets and snippets.

use super::IndexError;
use super::facets::FacetCollector;
use super::query::{compile, parse};
use super::schema::{Fields, date_of, date_value, keyword_form};
use super::snippet::snippet;
use super::synonyms::Synonyms;
use super::types::{Facets, Hit, SearchRequest, SearchResults, Sort};
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

/// A relevance search stops counting after this many matches: the hits are
/// then the best of these, the total and the facets are scaled up from the
/// share of the index read (约 N 条). Segments are read newest first, so the
/// matches counted are the newest ones. With a million articles a broad
/// query (a quarter of them) no longer scores and counts every hit.
pub const COUNT_CAP: usize = 10_000;

/// Top hits by relevance over the first [`COUNT_CAP`] matches (newest
/// segments first), with the count and facets of what was read, scaled
/// when the search stopped early.
fn capped(
    searcher: &tantivy::Searcher,
    query: &dyn Query,
    limit: usize,
) -> Result<(Vec<(f32, DocAddress)>, u64, Facets, bool), IndexError> {
    use tantivy::collector::{Collector, SegmentCollector};
    use tantivy::query::EnableScoring;
    use tantivy::{DocSet, TERMINATED};
    let weight = query.weight(EnableScoring::enabled_from_searcher(searcher))?;
    let segments = searcher.segment_readers();
    // Newest segments first (by the highest store seq they hold).
    let mut order: Vec<(i64, usize)> = segments
        .iter()
        .enumerate()
        .map(|(i, seg)| {
            let newest = seg
                .fast_fields()
                .i64("seq")
                .ok()
                .map(|c| c.max_value())
                .unwrap_or(0);
            (newest, i)
        })
        .collect();
    order.sort_unstable_by(|a, b| b.cmp(a));
    let total_docs: u64 = segments.iter().map(|s| u64::from(s.max_doc())).sum();
    let mut top: std::collections::BinaryHeap<std::cmp::Reverse<(Scored, DocAddress)>> =
        std::collections::BinaryHeap::with_capacity(limit + 1);
    let (mut counted, mut read_docs, mut stopped) = (0u64, 0u64, false);
    let mut facets = Vec::new();
    for (_, ord) in order {
        let seg = &segments[ord];
        let mut facet = FacetCollector.for_segment(ord as u32, seg)?;
        let alive = seg.alive_bitset();
        let mut scorer = weight.scorer(seg, 1.0)?;
        let mut doc = scorer.doc();
        while doc != TERMINATED {
            if alive.is_none_or(|a| a.is_alive(doc)) {
                let score = scorer.score();
                facet.collect(doc, score);
                counted += 1;
                let entry = std::cmp::Reverse((Scored(score), DocAddress::new(ord as u32, doc)));
                if top.len() < limit {
                    top.push(entry);
                } else if top.peek().is_some_and(|min| entry < *min) {
                    top.pop();
                    top.push(entry);
                }
                if counted as usize >= COUNT_CAP {
                    stopped = true;
                    break;
                }
            }
            doc = scorer.advance();
        }
        facets.push(facet.harvest());
        if stopped {
            read_docs += u64::from(doc.saturating_add(1)).min(u64::from(seg.max_doc()));
            // Only approximate if something is left to read.
            stopped = scorer.advance() != TERMINATED || read_docs < total_docs;
            break;
        }
        read_docs += u64::from(seg.max_doc());
    }
    let mut facets = FacetCollector.merge_fruits(facets)?;
    let mut total = counted;
    if stopped && read_docs > 0 {
        let scale = total_docs as f64 / read_docs as f64;
        let up = |n: u64| (n as f64 * scale).round() as u64;
        total = up(counted).max(counted);
        for v in facets.outlet.values_mut().chain(facets.year.values_mut()) {
            *v = up(*v);
        }
    }
    let mut top: Vec<(f32, DocAddress)> = top
        .into_iter()
        .map(|std::cmp::Reverse((s, a))| (s.0, a))
        .collect();
    top.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    Ok((top, total, facets, stopped))
}

/// A score with a total order (ties by document address in the heap).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Scored(f32);
impl Eq for Scored {}
impl PartialOrd for Scored {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Scored {
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&o.0)
    }
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
    let (top, total, facets, approximate): (Vec<(f32, DocAddress)>, u64, _, bool) = match req.sort {
        Sort::Relevance => capped(&searcher, &query, limit)?,
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
                total as u64,
                facets,
                false,
            )
        }
    };
    // Hits of earlier pages are ranked but neither loaded nor snippeted.
    let top: Vec<(f32, DocAddress)> = top.into_iter().skip(req.offset).collect();
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
        total,
        approximate,
        hits,
        facets,
    })
}
