//! Which hits are list mentions: the enumeration around each hit, and the
//! list paragraphs of the body (`lists` does the reading).

use super::candidate::{Cand, Field};
use super::lists;

/// List paragraphs and enumerations.
pub(super) fn flag_lists(fields: &[Field], body_field: usize, cands: &mut [Cand]) {
    let spans: Vec<(usize, usize, usize)> = cands
        .iter()
        .filter(|c| !c.dropped)
        .map(|c| (c.field, c.start, c.end))
        .collect();
    for (fi, f) in fields.iter().enumerate() {
        if !cands.iter().any(|c| !c.dropped && c.field == fi) {
            continue;
        }
        let text = f.norm.text.as_str();
        let has_hit_in =
            |a: usize, b: usize| spans.iter().any(|&(sf, s, e)| sf == fi && s >= a && e <= b);
        let mut starts = vec![0usize];
        starts.extend(f.norm.breaks.iter().map(|b| b + 1));
        // The lines from the recorded breaks (every `\n` of the text).
        let lines: Vec<&str> = starts
            .iter()
            .enumerate()
            .map(|(k, &s)| &text[s..f.norm.breaks.get(k).copied().unwrap_or(text.len())])
            .collect();
        let mut line_lists = lists::LineLists::new(&lines, &starts);
        for c in cands.iter_mut().filter(|c| !c.dropped && c.field == fi) {
            let ls = starts.get(c.line).copied().unwrap_or(0);
            let line = lines.get(c.line).copied().unwrap_or("");
            let local = |a: usize, b: usize| has_hit_in(a + ls, b + ls);
            let s = (c.start - ls).min(line.len());
            let e = (c.end - ls).clamp(s, line.len());
            let size = lists::enumeration_size(line, s, e, &local);
            let whole = if fi == body_field {
                line_lists.get(c.line, &has_hit_in).unwrap_or(0)
            } else {
                0
            };
            let size = size.max(whole);
            c.list_size = if size >= 3 { size } else { 0 };
        }
    }
}
