//! The index's merge policy: small segments are merged into segments of at
//! most [`MAX_MERGED_DOCS`] articles, never into one huge segment. A merge
//! reads (memory-maps) every segment it merges, so bounding the merged size
//! bounds what a merge keeps resident: rebuilding a million articles stays
//! under 1 GiB, where merging everything into one segment mapped 4.3 GiB.
//! Searches read a few dozen segments instead of a handful, which costs
//! less than a millisecond.

use tantivy::SegmentMeta;
use tantivy::merge_policy::{MergeCandidate, MergePolicy};

/// The most articles a merge produces (about 250 MiB of index).
pub const MAX_MERGED_DOCS: u32 = 50_000;
/// Segments of about the same size merged at once.
const MERGE_FACTOR: usize = 8;

#[derive(Debug, Default)]
pub struct BoundedMerge;

impl MergePolicy for BoundedMerge {
    fn compute_merge_candidates(&self, segments: &[SegmentMeta]) -> Vec<MergeCandidate> {
        let mut small: Vec<&SegmentMeta> = segments
            .iter()
            .filter(|s| s.num_docs() < MAX_MERGED_DOCS / 2)
            .collect();
        small.sort_by_key(|s| s.num_docs());
        let mut out = Vec::new();
        let (mut group, mut docs) = (Vec::new(), 0u32);
        for s in small {
            if docs + s.num_docs() > MAX_MERGED_DOCS {
                if group.len() >= 2 {
                    out.push(MergeCandidate(std::mem::take(&mut group)));
                }
                group.clear();
                docs = 0;
            }
            group.push(s.id());
            docs += s.num_docs();
            if group.len() >= MERGE_FACTOR {
                out.push(MergeCandidate(std::mem::take(&mut group)));
                docs = 0;
            }
        }
        out
    }
}
