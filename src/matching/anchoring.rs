//! How each hit is anchored to the district (an ambiguous alias needs an
//! anchor; a distinctive one is its own).

use super::MatchContext;
use super::boundary::Attach;
use super::candidate::Cand;
use super::verdict::AnchorHow;

/// Distinctive names are anchored by themselves; an ambiguous one needs
/// the district attached or in its paragraph, a distinctive name of the
/// same enterprise earlier, or a home source. An article-local name
/// inherits its teacher's anchor.
pub(super) fn anchor(cands: &mut [Cand], anchors: &[(usize, usize, usize)], ctx: &MatchContext) {
    let distinct: Vec<(usize, usize, usize, usize)> = cands
        .iter()
        .filter(|c| {
            !c.dropped
                && !c.ambiguous
                && c.alias.is_some()
                && c.excluded.is_none()
                && c.not_ours.is_none()
        })
        .map(|c| (c.ent, c.field, c.line, c.start))
        .collect();
    for c in cands.iter_mut().filter(|c| c.alias.is_some()) {
        c.how = if c.not_ours.is_some() {
            AnchorHow::Unanchored
        } else if !c.ambiguous {
            AnchorHow::Distinctive
        } else if c.attach == Attach::Anchored {
            AnchorHow::Attached
        } else if anchors
            .iter()
            .any(|&(f, l, s)| f == c.field && l == c.line && s != c.start)
        {
            AnchorHow::Paragraph
        } else if distinct
            .iter()
            .any(|&(e, f, l, s)| e == c.ent && (f, l, s) < (c.field, c.line, c.start))
        {
            AnchorHow::Earlier
        } else if ctx.home_source {
            AnchorHow::Home
        } else {
            AnchorHow::Unanchored
        };
    }
    for i in 0..cands.len() {
        if let Some(t) = cands[i].teacher {
            let teacher = cands[t].how;
            cands[i].how = if teacher == AnchorHow::Unanchored {
                AnchorHow::Unanchored
            } else {
                AnchorHow::Local
            };
        }
    }
}
