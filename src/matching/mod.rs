//! Matching articles to the registered enterprises: normalised text, one
//! Aho-Corasick automaton (leftmost-longest) over every alias, mentions with
//! their place, list and anchor checks, and a verdict per enterprise with
//! its confidence, reasons and depth signals. Pure: no I/O.
//!
//! The steps for one article, in reading order (pretitle, title, subtitle,
//! body paragraphs): normalise each field (`normalise`), scan it once with
//! the automaton (`automaton`: aliases, anchors and reform words in one
//! pass), drop hits inside another organisation's name (`boundary`), learn
//! the article's own short names (`local_alias`), anchor the ambiguous
//! hits, flag list mentions (`lists`) and judge each enterprise
//! (`verdict`).

mod automaton;
mod boundary;
mod lists;
mod local_alias;
mod normalise;
mod verdict;
mod words;

pub use normalise::normalise_str;

use crate::model::{Alias, AliasKind, Article, EnterpriseMatch, Mention, MentionField, Registry};
use automaton::Automaton;
use boundary::{Attach, Places};
use normalise::Normalised;
use verdict::{AnchorHow, Found};

/// Where an article comes from, as far as matching cares.
#[derive(Debug, Clone, Default)]
pub struct MatchContext {
    /// The article is from one of the district's own sites (an ambiguous
    /// alias needs no anchor there).
    pub home_source: bool,
}

impl MatchContext {
    /// The context for an article of `source` under `registry`.
    pub fn for_source(registry: &Registry, source: &str) -> MatchContext {
        MatchContext {
            home_source: registry.home_sources.iter().any(|s| s == source),
        }
    }
}

/// One name of an enterprise, compiled.
struct Name {
    alias: Alias,
    norm: String,
}

/// A registry compiled for matching. Build once, match many articles.
pub struct Matcher {
    registry: Registry,
    names: Vec<Vec<Name>>,
    automaton: Option<Automaton>,
    problem: Option<String>,
    places: Places,
}

/// A hit being judged.
#[derive(Debug, Clone)]
struct Cand {
    ent: usize,
    /// Index into the enterprise's names, or `None` for an article-local one.
    alias: Option<usize>,
    /// For an article-local alias: the teaching hit and the alias text.
    teacher: Option<usize>,
    local_text: Option<String>,
    kind: AliasKind,
    ambiguous: bool,
    field: usize,
    line: usize,
    start: usize,
    end: usize,
    attach: Attach,
    dropped: bool,
    how: AnchorHow,
    list_size: usize,
    excluded: Option<String>,
    former: Option<String>,
}

/// One field of the article, normalised.
struct Field {
    kind: MentionField,
    norm: Normalised,
    /// Where the characters some pattern starts with are in `norm.text`.
    starts: Vec<usize>,
}

impl Matcher {
    /// A hit of a registered name, before any check has judged it.
    fn registered_hit(
        &self,
        t: &automaton::Target,
        field: usize,
        line: usize,
        start: usize,
        end: usize,
    ) -> Cand {
        let ent = t.enterprise as usize;
        let name = &self.names[ent][t.alias as usize];
        Cand {
            ent,
            alias: Some(t.alias as usize),
            teacher: None,
            local_text: None,
            kind: name.alias.kind,
            ambiguous: name.alias.ambiguous && name.alias.kind != AliasKind::FullName,
            field,
            line,
            start,
            end,
            attach: Attach::Free,
            dropped: false,
            how: AnchorHow::Unanchored,
            list_size: 0,
            excluded: None,
            former: None,
        }
    }

    pub fn new(registry: &Registry) -> Matcher {
        let anchors: Vec<String> = registry
            .anchors
            .iter()
            .map(|a| normalise_str(a))
            .filter(|a| !a.is_empty())
            .collect();
        let names: Vec<Vec<Name>> = registry
            .enterprises
            .iter()
            .map(|e| {
                e.all_aliases()
                    .into_iter()
                    .map(|alias| Name {
                        norm: normalise_str(&alias.text),
                        alias,
                    })
                    .collect()
            })
            .collect();
        let full: Vec<String> = names
            .iter()
            .filter_map(|n| n.first().map(|f| f.norm.clone()))
            .collect();
        let texts: Vec<Vec<String>> = names
            .iter()
            .map(|ns| ns.iter().map(|n| n.norm.clone()).collect())
            .collect();
        let (automaton, problem) = match automaton::build(&texts, &anchors) {
            Ok(a) => (Some(a), None),
            Err(e) => (None, Some(e)),
        };
        Matcher {
            registry: registry.clone(),
            names,
            automaton,
            problem,
            places: Places::new(&anchors, &full),
        }
    }

    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// Why the automaton could not be built (then nothing matches).
    pub fn problem(&self) -> Option<&str> {
        self.problem.as_deref()
    }

    /// Every registered enterprise the article names, with its verdict.
    pub fn match_article(&self, article: &Article, ctx: &MatchContext) -> Vec<EnterpriseMatch> {
        let Some(automaton) = &self.automaton else {
            return Vec::new();
        };
        let mut fields: Vec<Field> = Vec::with_capacity(4);
        let headline = [
            (MentionField::Pretitle, article.pretitle.as_deref()),
            (MentionField::Title, Some(article.title.as_str())),
            (MentionField::Subtitle, article.subtitle.as_deref()),
        ];
        for (kind, text) in headline {
            if let Some(src) = text.filter(|t| !t.trim().is_empty()) {
                let mut norm = Normalised::default();
                let mut starts = Vec::with_capacity(src.len() / 16 + 4);
                norm.extend_marking(src, false, &mut automaton.starts(&mut starts));
                fields.push(Field { kind, norm, starts });
            }
        }
        let mut norm = Normalised::default();
        let mut starts = Vec::with_capacity(article.body.len() / 16 + 4);
        norm.extend_marking(&article.body, true, &mut automaton.starts(&mut starts));
        fields.push(Field {
            kind: MentionField::Body,
            norm,
            starts,
        });
        let body_field = fields.len() - 1;

        // One pass per field: aliases, anchors, reform words.
        let mut cands: Vec<Cand> = Vec::new();
        let mut anchors: Vec<(usize, usize, usize)> = Vec::new();
        let mut vocab = 0usize;
        let mut hits = Vec::new();
        for (fi, f) in fields.iter().enumerate() {
            let is_body = fi == body_field;
            automaton.hits_at(&f.norm.text, &f.starts, &mut hits);
            for m in &hits {
                let p = &automaton.patterns[m.pattern];
                let line = if is_body {
                    f.norm.breaks.partition_point(|&b| b < m.start)
                } else {
                    0
                };
                if p.vocab && is_body {
                    vocab += 1;
                }
                if p.anchor {
                    anchors.push((fi, line, m.start));
                }
                for t in &p.targets {
                    cands.push(self.registered_hit(t, fi, line, m.start, m.end));
                }
            }
        }
        self.names_across_line_breaks(&fields[body_field], body_field, automaton, &mut cands);
        if cands.is_empty() {
            return Vec::new();
        }

        // Inside another organisation's name?
        for c in cands.iter_mut() {
            if c.kind == AliasKind::FullName {
                continue;
            }
            let text = &fields[c.field].norm.text;
            c.attach = boundary::before(text, c.start, c.ambiguous, &self.places);
            if c.attach != Attach::Foreign && boundary::after(text, c.end) == Attach::Foreign {
                c.attach = Attach::Foreign;
            }
            if c.attach == Attach::Foreign {
                c.dropped = true;
            }
        }

        self.learn_local_aliases(&fields, &mut cands);
        self.check_former_names(article, &mut cands);
        Self::anchor(&mut cands, &anchors, ctx);
        Self::flag_lists(&fields, body_field, &mut cands);

        // Mentions per enterprise.
        // (enterprise, its mentions), in order of first mention: a few
        // entries, searched in place (not a table over the whole registry).
        let mut per_ent: Vec<(usize, Vec<Found>)> = Vec::new();
        let mut counter = CharCounter::default();
        let lead_line = fields[body_field].norm.first_nonblank_line();
        let mut order: Vec<usize> = (0..cands.len()).filter(|&i| !cands[i].dropped).collect();
        order.sort_by_key(|&i| (cands[i].field, cands[i].start, cands[i].ent));
        for i in order {
            let c = &cands[i];
            let f = &fields[c.field];
            let nstart = counter.chars_at(c.field, &f.norm.text, c.start);
            let span = &f.norm.text[c.start..c.end];
            let ostart = f.norm.original(nstart);
            let oend = match span.find('\n') {
                // Broken by a line break: the mention ends with its paragraph.
                Some(i) => f.norm.original(nstart + span[..i].chars().count()),
                None => {
                    f.norm
                        .original(nstart + span.chars().count().saturating_sub(1))
                        + 1
                }
            };
            let (paragraph, base) = if f.kind == MentionField::Body {
                let base = f.norm.line_starts.get(c.line).copied().unwrap_or(0);
                (c.line + 1, base)
            } else {
                (0, 0)
            };
            let alias_text = match (c.alias, &c.local_text) {
                (Some(a), _) => self.names[c.ent][a].alias.text.clone(),
                (None, Some(t)) => t.clone(),
                (None, None) => String::new(),
            };
            let lead = f.kind == MentionField::Body && lead_line == Some(c.line);
            let mention = Mention {
                enterprise: self.registry.enterprises[c.ent].id.clone(),
                alias: alias_text,
                kind: c.kind,
                start: ostart.saturating_sub(base),
                end: oend.saturating_sub(base),
                paragraph,
                in_title: f.kind != MentionField::Body,
                in_lead: lead,
                in_list: c.list_size >= 3,
                anchored: c.how != AnchorHow::Unanchored,
                field: f.kind,
                excluded: c.excluded.clone(),
            };
            let slot = match per_ent.iter().position(|(e, _)| *e == c.ent) {
                Some(s) => s,
                None => {
                    per_ent.push((c.ent, Vec::new()));
                    per_ent.len() - 1
                }
            };
            per_ent[slot].1.push(Found {
                mention,
                how: c.how,
                ambiguous: c.ambiguous,
                list_size: c.list_size,
                former: c.former.clone(),
            });
        }

        let body = &fields[body_field];
        let stats = verdict::BodyStats {
            paragraphs: body.norm.nonblank_lines(),
            length: body.norm.read_chars(),
            vocab,
            page: article.page.clone(),
        };
        let mut out: Vec<EnterpriseMatch> = Vec::new();
        // In registry order, as before the sort (which keeps ties in it).
        per_ent.sort_unstable_by_key(|(e, _)| *e);
        for (e, found) in per_ent {
            let ent = &self.registry.enterprises[e];
            let parent = ent.parent.as_deref().and_then(|p| self.registry.get(p));
            out.push(verdict::judge(ent, parent, found, &stats));
        }
        out.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then_with(|| a.enterprise.cmp(&b.enterprise))
        });
        out
    }

    /// A name broken by a line break (万州城投\n集团): at a soft break (a
    /// CJK character on both sides, no sentence end before it), the two
    /// sides are scanned joined; a hit spanning the break is kept, with
    /// its paragraph the one it starts in.
    fn names_across_line_breaks(
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

    /// （以下简称“XX”） after a hit: find XX everywhere in the article.
    fn learn_local_aliases(&self, fields: &[Field], cands: &mut Vec<Cand>) {
        let mut defs: Vec<(usize, String, usize, usize)> = Vec::new();
        for (i, c) in cands.iter().enumerate() {
            if c.dropped {
                continue;
            }
            let text = &fields[c.field].norm.text;
            if let Some(d) = local_alias::definition_after(text, c.end) {
                let known = self.names[c.ent].iter().any(|n| n.norm == d.alias);
                if !known && !defs.iter().any(|(_, a, _, _)| *a == d.alias) {
                    defs.push((i, d.alias, c.field, d.end));
                }
            }
        }
        for (teacher, alias, def_field, def_end) in defs {
            let t = cands[teacher].clone();
            for (fi, f) in fields.iter().enumerate() {
                for (start, _) in f.norm.text.match_indices(alias.as_str()) {
                    let end = start + alias.len();
                    if fi == def_field && start < def_end && end > t.start {
                        continue; // the definition itself
                    }
                    // Inside a longer registered hit: that hit stands.
                    let covered = cands.iter().any(|c| {
                        !c.dropped
                            && c.field == fi
                            && c.start <= start
                            && c.end >= end
                            && (c.end - c.start) > alias.len()
                    });
                    if covered {
                        continue;
                    }
                    let mut attach = boundary::before(&f.norm.text, start, true, &self.places);
                    if attach != Attach::Foreign
                        && boundary::after(&f.norm.text, end) == Attach::Foreign
                    {
                        attach = Attach::Foreign;
                    }
                    if attach == Attach::Foreign {
                        continue;
                    }
                    // The article's own name wins over a generic hit on the same text.
                    for c in cands.iter_mut() {
                        if c.field == fi && c.start >= start && c.end <= end && c.alias.is_some() {
                            c.dropped = true;
                        }
                    }
                    let line = if f.kind == MentionField::Body {
                        f.norm.breaks.partition_point(|&b| b < start)
                    } else {
                        0
                    };
                    cands.push(Cand {
                        ent: t.ent,
                        alias: None,
                        teacher: Some(teacher),
                        local_text: Some(alias.clone()),
                        kind: AliasKind::ArticleLocal,
                        ambiguous: false,
                        field: fi,
                        line,
                        start,
                        end,
                        attach,
                        dropped: false,
                        how: AnchorHow::Unanchored,
                        list_size: 0,
                        excluded: None,
                        former: None,
                    });
                }
            }
        }
    }

    /// A former name counts for articles dated up to its last day plus the
    /// grace period; an undated article keeps it, with lower confidence.
    fn check_former_names(&self, article: &Article, cands: &mut [Cand]) {
        let grace = chrono::Days::new(u64::from(self.registry.former_name_grace_days));
        for c in cands.iter_mut() {
            let Some(a) = c.alias else { continue };
            let alias = &self.names[c.ent][a].alias;
            if alias.kind != AliasKind::FormerName {
                continue;
            }
            let Some(until) = alias.valid_until else {
                c.former = Some(format!("曾用名“{}”", alias.text));
                continue;
            };
            match article.published {
                None => {
                    c.former = Some(format!(
                        "曾用名“{}”（{}年更名前），文章无日期，按有效计",
                        alias.text,
                        until.format("%Y")
                    ));
                }
                Some(d) if d > until.checked_add_days(grace).unwrap_or(until) => {
                    c.excluded = Some(format!(
                        "曾用名“{}”已于{}更名，文章日期{}晚于宽限期，不计",
                        alias.text,
                        until.format("%Y-%m-%d"),
                        d.format("%Y-%m-%d")
                    ));
                }
                Some(_) => {
                    c.former = Some(format!(
                        "曾用名“{}”（{}年更名前）",
                        alias.text,
                        until.format("%Y")
                    ));
                }
            }
        }
    }

    /// Distinctive names are anchored by themselves; an ambiguous one needs
    /// the district attached or in its paragraph, a distinctive name of the
    /// same enterprise earlier, or a home source. An article-local name
    /// inherits its teacher's anchor.
    fn anchor(cands: &mut [Cand], anchors: &[(usize, usize, usize)], ctx: &MatchContext) {
        let distinct: Vec<(usize, usize, usize, usize)> = cands
            .iter()
            .filter(|c| !c.dropped && !c.ambiguous && c.alias.is_some() && c.excluded.is_none())
            .map(|c| (c.ent, c.field, c.line, c.start))
            .collect();
        for c in cands.iter_mut().filter(|c| c.alias.is_some()) {
            c.how = if !c.ambiguous {
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

    /// List paragraphs and enumerations.
    fn flag_lists(fields: &[Field], body_field: usize, cands: &mut [Cand]) {
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
}

/// Byte offset to normalised char index, walking forward per field (hits
/// are visited in order).
#[derive(Default)]
struct CharCounter {
    field: usize,
    byte: usize,
    chars: usize,
}

impl CharCounter {
    fn chars_at(&mut self, field: usize, text: &str, byte: usize) -> usize {
        if field != self.field || byte < self.byte {
            self.field = field;
            self.byte = 0;
            self.chars = 0;
        }
        self.chars += text[self.byte..byte].chars().count();
        self.byte = byte;
        self.chars
    }
}

pub mod eval;

#[cfg(test)]
mod tests;
