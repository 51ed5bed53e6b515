//! Whom a name means in this article. Four rules, each leaving a reason in
//! words on the hits it takes away (`Cand::not_ours`):
//!
//! - an alias the article declares for an organisation that is not ours
//!   (湖北某某建设投资集团有限公司（以下简称“建投集团”）) binds that name
//!   to it for the whole article: “建投集团”在本文指湖北某某建设投资集团;
//! - a known namesake (`homonyms`) found where one of our names stands
//!   inside it: “三峡建设”在本文指中国三峡建设管理有限公司…;
//! - a short name with another place before it in its clause (湖北省属国企
//!   三峡水务) and no anchor of ours in that clause;
//! - a short name in an article with no anchor of ours anywhere (no 万州,
//!   no full name, not a home source), unless the registry marks the name
//!   distinctive on purpose; when the article's subject is another place's
//!   company, the reason names it.
//!
//! Reads normalised text (brackets `(` `)`, quotes `"`).

use super::Matcher;
use super::boundary::{Attach, is_cjk};
use super::candidate::{Cand, Field};
use super::local_alias::definition_after;
use crate::model::AliasKind;

/// Company-form endings cut off an organisation's name for the reason.
const FORMS: &[&str] = &["股份有限公司", "有限责任公司", "有限公司"];
/// Clause ends: a place before one of these does not qualify a name after.
const CLAUSE_ENDS: &[char] = &[
    '，', '。', '；', '！', '？', '、', '\n', ',', ';', ':', '：', '"',
];
/// How far back in its clause a place qualifies a name (characters).
const PLACE_WINDOW: usize = 10;
const MAX_ORG: usize = 40;
/// Place names that are also everyday words (长江南岸, 长寿, 石柱): before a
/// short name they count only with their suffix (南岸区, 长寿区).
const WORDLIKE_PLACES: &[&str] = &[
    "江北", "南岸", "长寿", "大足", "两江", "双桥", "江城", "蓉城", "星城", "鹏城", "羊城", "泉城",
    "榕城", "春城", "筑城",
];

/// A definition (以下简称“X”) for an organisation that is not ours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForeignDef {
    /// The alias, normalised.
    pub alias: String,
    /// The organisation, as the reason names it.
    pub org: String,
}

/// The organisation name written right before `at`: the attached CJK run,
/// from the first place name in it (湖北…) or after its last function
/// character (走进…), without its company-form ending.
pub fn org_before(text: &str, at: usize, places: &[String]) -> String {
    let run_start = text[..at]
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_cjk(*c))
        .take(MAX_ORG)
        .last()
        .map_or(at, |(i, _)| i);
    let mut run = &text[run_start..at];
    for f in FORMS {
        if let Some(o) = run.strip_suffix(f) {
            run = o;
            break;
        }
    }
    let from = places
        .iter()
        .filter_map(|p| run.find(p.as_str()))
        .min()
        .or_else(|| {
            let word = super::words::FUNCTION_WORDS
                .iter()
                .filter_map(|w| run.rfind(w).map(|i| i + w.len()));
            let chr = run
                .char_indices()
                .filter(|(_, c)| super::words::FUNCTION_CHARS.contains(c))
                .map(|(i, c)| i + c.len_utf8());
            word.chain(chr).filter(|&i| i < run.len()).max()
        })
        .unwrap_or(0);
    run[from..].to_string()
}

/// Where a definition intro (`(以下简称`, `(下称`, `(简称`, `，以下简称`)
/// starts before each `称` of `text`: the byte offset of its bracket or
/// comma.
fn intro_starts(text: &str) -> Vec<usize> {
    let mut out = Vec::new();
    for (i, _) in text.match_indices('称') {
        let head = &text[..i];
        let intro = ["以下简", "以下", "下", "简"]
            .iter()
            .find(|w| head.ends_with(*w))
            .map(|w| i - w.len());
        let Some(s) = intro else { continue };
        let before = &text[..s];
        if let Some(c) = before.chars().next_back()
            && matches!(c, '(' | '，' | ',')
        {
            out.push(s - c.len_utf8());
        }
    }
    out
}

impl Matcher {
    /// The article's definitions of aliases for organisations not ours.
    pub(super) fn foreign_definitions(&self, fields: &[Field], cands: &[Cand]) -> Vec<ForeignDef> {
        let mut out: Vec<ForeignDef> = Vec::new();
        for (fi, f) in fields.iter().enumerate() {
            let text = &f.norm.text;
            if !text.contains('称') {
                continue;
            }
            for at in intro_starts(text) {
                let Some(def) = definition_after(text, at) else {
                    continue;
                };
                // Ours: a live hit of our names ends here (or before a company form).
                let ours = cands.iter().any(|c| {
                    !c.dropped
                        && c.not_ours.is_none()
                        && c.field == fi
                        && c.end <= at
                        && (c.end == at
                            || ["股份有限公司", "有限责任公司", "有限公司", "公司"]
                                .contains(&&text[c.end..at]))
                });
                if ours {
                    continue;
                }
                let org = org_before(text, at, &self.foreign_places);
                if org.chars().count() < 2
                    || self.anchor_texts.iter().any(|a| org.contains(a.as_str()))
                {
                    continue;
                }
                if !out.iter().any(|d| d.alias == def.alias) {
                    out.push(ForeignDef {
                        alias: def.alias,
                        org,
                    });
                }
            }
        }
        out
    }

    /// Takes away every hit that stands where the article uses a name it
    /// declared for someone else.
    pub(super) fn bind_foreign_aliases(&self, fields: &[Field], cands: &mut [Cand]) {
        let defs = self.foreign_definitions(fields, cands);
        if defs.is_empty() {
            return;
        }
        for d in &defs {
            for (fi, f) in fields.iter().enumerate() {
                for (s, _) in f.norm.text.match_indices(d.alias.as_str()) {
                    let e = s + d.alias.len();
                    for c in cands.iter_mut() {
                        if c.field != fi
                            || c.dropped
                            || c.not_ours.is_some()
                            || c.end <= s
                            || c.start >= e
                        {
                            continue;
                        }
                        if c.kind == AliasKind::FullName || c.attach == Attach::Anchored {
                            continue;
                        }
                        if c.alias.is_some_and(|a| self.names[c.ent][a].has_anchor) {
                            continue;
                        }
                        c.not_ours = Some(format!("“{}”在本文指{}", d.alias, d.org));
                    }
                }
            }
        }
    }

    /// A short name with another place before it in its clause, and none
    /// of our anchors there.
    pub(super) fn foreign_place_before(&self, fields: &[Field], cands: &mut [Cand]) {
        for c in cands.iter_mut() {
            if c.dropped || c.not_ours.is_some() || c.attach == Attach::Anchored {
                continue;
            }
            let Some(a) = c.alias else { continue };
            let name = &self.names[c.ent][a];
            if name.has_anchor || c.kind != AliasKind::ShortName {
                continue;
            }
            let text = &fields[c.field].norm.text;
            let head = &text[..c.start];
            let clause_start = head
                .char_indices()
                .rev()
                .take_while(|(_, ch)| !CLAUSE_ENDS.contains(ch))
                .take(PLACE_WINDOW)
                .last()
                .map_or(c.start, |(i, _)| i);
            let clause = &text[clause_start..c.start];
            if clause.is_empty()
                || self
                    .anchor_texts
                    .iter()
                    .any(|an| clause.contains(an.as_str()))
            {
                continue;
            }
            if let Some(p) = self
                .foreign_places
                .iter()
                .filter(|p| {
                    if WORDLIKE_PLACES.contains(&p.as_str()) {
                        super::words::PLACE_SUFFIXES
                            .iter()
                            .any(|s| clause.contains(&format!("{p}{s}")))
                    } else {
                        clause.contains(p.as_str())
                    }
                })
                .max_by_key(|p| p.len())
            {
                c.not_ours = Some(format!(
                    "“{}”前有外地地名“{}”，该处未见“{}”等本区限定，不计",
                    name.alias.text,
                    p,
                    self.anchor_word()
                ));
            }
        }
    }

    /// Short names need an anchor of ours somewhere in the article.
    pub(super) fn need_article_anchor(&self, fields: &[Field], cands: &mut [Cand], anchored: bool) {
        if anchored {
            return;
        }
        let mut subject: Option<Option<String>> = None;
        for c in cands.iter_mut() {
            if c.dropped || c.not_ours.is_some() || c.kind != AliasKind::ShortName {
                continue;
            }
            let Some(a) = c.alias else { continue };
            let name = &self.names[c.ent][a];
            if name.alias.distinctive || name.has_anchor {
                continue;
            }
            let subj = subject.get_or_insert_with(|| self.foreign_subject(fields));
            c.not_ours = Some(match subj {
                Some(org) => format!(
                    "本文报道对象为{org}，文中未出现“{}”等本区地名，简称“{}”不计",
                    self.anchor_word(),
                    name.alias.text
                ),
                None => format!(
                    "本文未出现“{}”等本区地名或本企业全称，简称“{}”不计",
                    self.anchor_word(),
                    name.alias.text
                ),
            });
        }
    }

    /// Another place's company named in the headline or the first
    /// paragraph: a place, then a name ending in 公司 or 集团.
    fn foreign_subject(&self, fields: &[Field]) -> Option<String> {
        for f in fields {
            let text = &f.norm.text;
            let scope = match text.find('\n') {
                Some(i) if f.kind == crate::model::MentionField::Body => &text[..i],
                _ => text.as_str(),
            };
            let mut best: Option<(usize, String)> = None;
            for p in &self.foreign_places {
                let Some(s) = scope.find(p.as_str()) else {
                    continue;
                };
                let run: String = scope[s..]
                    .chars()
                    .take_while(|c| is_cjk(*c))
                    .take(MAX_ORG)
                    .collect();
                let end = ["有限公司", "公司", "集团"]
                    .iter()
                    .filter_map(|w| run.rfind(w).map(|i| i + w.len()))
                    .max();
                if let Some(e) = end
                    && best.as_ref().is_none_or(|(bs, _)| s < *bs)
                {
                    let mut org = &run[..e];
                    for form in FORMS {
                        if let Some(o) = org.strip_suffix(form) {
                            org = o;
                            break;
                        }
                    }
                    best = Some((s, org.to_string()));
                }
            }
            if let Some((_, org)) = best {
                return Some(org);
            }
        }
        None
    }

    /// The district's name as reasons write it.
    pub(super) fn anchor_word(&self) -> &str {
        self.registry.anchors.first().map_or("万州", String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_organisation_before_a_definition() {
        let places = vec!["湖北".to_string(), "武汉".to_string()];
        let t = "据悉，湖北某某建设投资集团有限公司(以下简称";
        let at = t.find('(').expect("bracket");
        assert_eq!(org_before(t, at, &places), "湖北某某建设投资集团");
        let t = "记者走进某某控股有限公司(简称";
        let at = t.find('(').expect("bracket");
        assert_eq!(org_before(t, at, &places), "某某控股");
    }

    #[test]
    fn intros_are_found() {
        let t = "甲公司(以下简称\"甲\")与乙公司(下称\"乙\")、丙公司，以下简称丙。简称";
        assert_eq!(intro_starts(t).len(), 3);
    }
}
