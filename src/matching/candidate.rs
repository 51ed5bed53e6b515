//! A hit being judged (`Cand`), the article's fields as normalised, and the
//! walk from normalised byte offsets to character offsets.

use super::Matcher;
use super::automaton::Target;
use super::boundary::Attach;
use super::normalise::Normalised;
use super::verdict::AnchorHow;
use crate::model::{AliasKind, MentionField};

/// A hit being judged.
#[derive(Debug, Clone)]
pub(super) struct Cand {
    pub(super) ent: usize,
    /// Index into the enterprise's names, or `None` for an article-local one.
    pub(super) alias: Option<usize>,
    /// For an article-local alias: the teaching hit and the alias text.
    pub(super) teacher: Option<usize>,
    pub(super) local_text: Option<String>,
    pub(super) kind: AliasKind,
    pub(super) ambiguous: bool,
    pub(super) field: usize,
    pub(super) line: usize,
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) attach: Attach,
    pub(super) dropped: bool,
    pub(super) how: AnchorHow,
    pub(super) list_size: usize,
    pub(super) excluded: Option<String>,
    pub(super) former: Option<String>,
    /// Why the name here means someone else (`whose`): never evidence.
    pub(super) not_ours: Option<String>,
    /// The name is also a known namesake's (index into the homonyms).
    pub(super) namesake: Option<u32>,
}

/// One field of the article, normalised.
pub(super) struct Field {
    pub(super) kind: MentionField,
    pub(super) norm: Normalised,
    /// Where the characters some pattern starts with are in `norm.text`.
    pub(super) starts: Vec<usize>,
}

impl Matcher {
    /// A hit of a registered name, before any check has judged it.
    pub(super) fn registered_hit(
        &self,
        t: &Target,
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
            // A known namesake's name needs an anchor like an ambiguous one.
            ambiguous: (name.alias.ambiguous || name.namesake.is_some())
                && name.alias.kind != AliasKind::FullName,
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
            not_ours: None,
            namesake: name.namesake,
        }
    }

    /// A known namesake found: each name of ours written inside it gets a
    /// hit that is not ours, with the reason.
    pub(super) fn inside_homonym(
        &self,
        h: usize,
        field: usize,
        line: usize,
        start: usize,
        end: usize,
        cands: &mut Vec<Cand>,
    ) {
        for &(e, a) in &self.homonym_inside[h] {
            let t = Target {
                enterprise: e as u32,
                alias: a as u32,
            };
            let mut c = self.registered_hit(&t, field, line, start, end);
            c.not_ours = Some(format!(
                "“{}”在本文指{}",
                self.names[e][a].alias.text, self.homonyms[h].means
            ));
            cands.push(c);
        }
    }
}

/// Byte offset to normalised char index, walking forward per field (hits
/// are visited in order).
#[derive(Default)]
pub(super) struct CharCounter {
    field: usize,
    byte: usize,
    chars: usize,
}

impl CharCounter {
    pub(super) fn chars_at(&mut self, field: usize, text: &str, byte: usize) -> usize {
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
