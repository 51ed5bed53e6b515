//! Former names: counted for articles dated up to the rename plus the
//! grace period.

use super::Matcher;
use super::candidate::Cand;
use crate::model::{AliasKind, Article};

impl Matcher {
    /// A former name counts for articles dated up to its last day plus the
    /// grace period; an undated article keeps it, with lower confidence.
    pub(super) fn check_former_names(&self, article: &Article, cands: &mut [Cand]) {
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
}
