//! A collector counting every matching article by outlet and by publication
//! year, read from the fast fields (so facets cover all matches, not only
//! the returned hits).

use super::schema::year_of;
use super::types::Facets;
use std::collections::{BTreeMap, HashMap};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DateTime, DocId, Score, SegmentOrdinal, SegmentReader};

/// Counts by outlet and year.
pub struct FacetCollector;

pub struct FacetSegment {
    outlets: Option<StrColumn>,
    outlet_counts: Vec<u64>,
    dates: Column<DateTime>,
    years: HashMap<Option<i32>, u64>,
}

impl Collector for FacetCollector {
    type Fruit = Facets;
    type Child = FacetSegment;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<FacetSegment> {
        let fast = segment.fast_fields();
        let outlets = fast.str("outlet")?;
        let terms = outlets.as_ref().map(|c| c.num_terms()).unwrap_or(0);
        Ok(FacetSegment {
            outlets,
            outlet_counts: vec![0; terms],
            dates: fast.date("published")?,
            years: HashMap::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Facets>) -> tantivy::Result<Facets> {
        let mut all = Facets::default();
        for f in fruits {
            for (k, v) in f.outlet {
                *all.outlet.entry(k).or_default() += v;
            }
            for (k, v) in f.year {
                *all.year.entry(k).or_default() += v;
            }
        }
        Ok(all)
    }
}

impl SegmentCollector for FacetSegment {
    type Fruit = Facets;

    fn collect(&mut self, doc: DocId, _: Score) {
        if let Some(outlets) = &self.outlets {
            for ord in outlets.term_ords(doc) {
                if let Some(c) = self.outlet_counts.get_mut(ord as usize) {
                    *c += 1;
                }
            }
        }
        let year = self.dates.first(doc).and_then(year_of);
        *self.years.entry(year).or_default() += 1;
    }

    fn harvest(self) -> Facets {
        let mut outlet = BTreeMap::new();
        if let Some(outlets) = &self.outlets {
            let mut name = String::new();
            for (ord, &count) in self.outlet_counts.iter().enumerate() {
                if count == 0 {
                    continue;
                }
                name.clear();
                if outlets.ord_to_str(ord as u64, &mut name).unwrap_or(false) {
                    outlet.insert(name.clone(), count);
                }
            }
        }
        let year = self
            .years
            .into_iter()
            .map(|(y, c)| {
                (
                    y.map(|y| y.to_string()).unwrap_or_else(|| "unknown".into()),
                    c,
                )
            })
            .collect();
        Facets { outlet, year }
    }
}
