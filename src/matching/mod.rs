//! Matching articles to the registered enterprises: normalised text, one
//! Aho-Corasick automaton (leftmost-longest) over every alias, mentions with
//! their place, list and anchor checks, and a verdict per enterprise with
//! its confidence, reasons and depth signals. Pure: no I/O.
//!
//! The steps for one article, in reading order (pretitle, title, subtitle,
//! body paragraphs): normalise each field (`normalise`), marking where the
//! characters some pattern starts with stand, and try the automaton only
//! there (`automaton`: aliases, anchors and reform words in one pass), join
//! names broken by a soft line break (`line_breaks`), drop hits inside
//! another organisation's name (`boundary`), learn the article's own short
//! names (`local_alias`), date former names (`former_names`), anchor the
//! ambiguous hits (`anchoring`), flag list mentions (`list_flags`, reading
//! with `lists`) and judge each enterprise (`verdict`). A hit being judged
//! is a `candidate::Cand`.

mod anchoring;
mod automaton;
mod boundary;
mod candidate;
mod former_names;
pub mod homonyms;
mod line_breaks;
mod list_flags;
mod lists;
mod local_alias;
mod normalise;
mod verdict;
mod whose;
mod words;

pub use normalise::normalise_str;

use crate::model::{
    Alias, AliasKind, Article, EnterpriseMatch, Homonym, Mention, MentionField, Registry,
};
use automaton::Automaton;
use boundary::{Attach, Places};
use candidate::{Cand, CharCounter, Field};
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
    /// The name holds one of our anchors (万州城投): its own anchor.
    has_anchor: bool,
    /// The name is also a known namesake's (index into `homonyms`).
    namesake: Option<u32>,
}

/// A registry compiled for matching. Build once, match many articles.
pub struct Matcher {
    registry: Registry,
    names: Vec<Vec<Name>>,
    automaton: Option<Automaton>,
    problem: Option<String>,
    places: Places,
    /// Our anchors, normalised.
    anchor_texts: Vec<String>,
    /// Every place name but ours and those in our full names.
    foreign_places: Vec<String>,
    /// Known namesakes (built-in and the registry's), and for each the
    /// (enterprise, alias) of ours written inside it.
    homonyms: Vec<Homonym>,
    homonym_inside: Vec<Vec<(usize, usize)>>,
}

impl Matcher {
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
                    .map(|alias| {
                        let norm = normalise_str(&alias.text);
                        Name {
                            has_anchor: anchors.iter().any(|a| norm.contains(a.as_str())),
                            norm,
                            alias,
                            namesake: None,
                        }
                    })
                    .collect()
            })
            .collect();
        let mut names = names;
        let homonyms = homonyms::combined(&registry.homonyms);
        let homonym_texts: Vec<String> = homonyms.iter().map(|h| normalise_str(&h.name)).collect();
        let mut homonym_inside: Vec<Vec<(usize, usize)>> = vec![Vec::new(); homonyms.len()];
        for (h, ht) in homonym_texts.iter().enumerate() {
            for (e, ns) in names.iter_mut().enumerate() {
                for (a, n) in ns.iter_mut().enumerate() {
                    if n.norm.is_empty() || n.alias.kind == AliasKind::FullName || n.has_anchor {
                        continue;
                    }
                    if n.norm == *ht {
                        n.namesake = Some(h as u32);
                    } else if ht.contains(n.norm.as_str()) {
                        homonym_inside[h].push((e, a));
                    }
                }
            }
        }
        let full: Vec<String> = names
            .iter()
            .filter_map(|n| n.first().map(|f| f.norm.clone()))
            .collect();
        let texts: Vec<Vec<String>> = names
            .iter()
            .map(|ns| ns.iter().map(|n| n.norm.clone()).collect())
            .collect();
        let (automaton, problem) = match automaton::build(&texts, &anchors, &homonym_texts) {
            Ok(a) => (Some(a), None),
            Err(e) => (None, Some(e)),
        };
        Matcher {
            registry: registry.clone(),
            names,
            automaton,
            problem,
            foreign_places: boundary::foreign_places(&anchors, &full),
            places: Places::new(&anchors, &full),
            anchor_texts: anchors,
            homonyms,
            homonym_inside,
        }
    }

    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// Heap bytes of the compiled automaton and its filters (0 when it
    /// could not be built).
    pub fn automaton_bytes(&self) -> usize {
        self.automaton.as_ref().map_or(0, Automaton::memory_usage)
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
                if let Some(h) = p.homonym {
                    self.inside_homonym(h as usize, fi, line, m.start, m.end, &mut cands);
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
        self.bind_foreign_aliases(&fields, &mut cands);
        self.foreign_place_before(&fields, &mut cands);
        let article_anchored = ctx.home_source
            || !anchors.is_empty()
            || cands.iter().any(|c| {
                !c.dropped
                    && c.not_ours.is_none()
                    && c.alias.is_some_and(|a| {
                        let n = &self.names[c.ent][a];
                        n.alias.kind == AliasKind::FullName || n.alias.distinctive
                    })
            });
        self.need_article_anchor(&fields, &mut cands, article_anchored);
        self.check_former_names(article, &mut cands);
        anchoring::anchor(&mut cands, &anchors, ctx);
        list_flags::flag_lists(&fields, body_field, &mut cands);

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
                excluded: c.not_ours.clone().or_else(|| c.excluded.clone()),
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
                not_ours: c.not_ours.clone(),
                namesake: c.namesake.map(|h| self.homonyms[h as usize].means.clone()),
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
            out.push(verdict::judge(
                ent,
                parent,
                found,
                &stats,
                self.anchor_word(),
            ));
        }
        out.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then_with(|| a.enterprise.cmp(&b.enterprise))
        });
        out
    }
}

pub mod eval;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod whose_tests;
