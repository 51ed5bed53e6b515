//! Names broken by a soft line break (万州城投\n集团): the two sides of
//! each break between CJK characters are scanned joined.

use super::Matcher;
use super::automaton::Automaton;
use super::boundary;
use super::candidate::{Cand, Field};

impl Matcher {
    /// A name broken by a line break (万州城投\n集团): at a soft break (a
    /// CJK character on both sides, no sentence end before it), the two
    /// sides are scanned joined; a hit spanning the break is kept, with
    /// its paragraph the one it starts in.
    pub(super) fn names_across_line_breaks(
        &self,
        body: &Field,
        fi: usize,
        automaton: &Automaton,
        cands: &mut Vec<Cand>,
    ) {
        const SIDE: usize = 24;
        let text = body.norm.text.as_str();
        let mut hits = Vec::new();
        for (line, &b) in body.norm.breaks.iter().enumerate() {
            let before = text[..b].chars().next_back();
            let after = text[b + 1..].chars().next();
            if !(before.is_some_and(boundary::is_cjk) && after.is_some_and(boundary::is_cjk)) {
                continue;
            }
            let from = text[..b]
                .char_indices()
                .rev()
                .take_while(|(_, c)| *c != '\n')
                .take(SIDE)
                .last()
                .map_or(b, |(i, _)| i);
            let to = text[b + 1..]
                .char_indices()
                .take_while(|(_, c)| *c != '\n')
                .take(SIDE)
                .last()
                .map_or(b + 1, |(i, c)| b + 1 + i + c.len_utf8());
            let mut window = String::with_capacity(to - from);
            window.push_str(&text[from..b]);
            window.push_str(&text[b + 1..to]);
            let junction = b - from;
            automaton.hits(&window, &mut hits);
            for m in &hits {
                if m.start >= junction || m.end <= junction {
                    continue;
                }
                let start = from + m.start;
                let end = b + 1 + (m.end - junction);
                for t in &automaton.patterns[m.pattern].targets {
                    cands.push(self.registered_hit(t, fi, line, start, end));
                }
            }
        }
    }
}
