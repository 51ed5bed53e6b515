//! Per-source CSS selectors ([`FieldSelectors`]). A selector may list
//! alternatives separated by top-level commas; they are tried in order and the
//! first element with text wins. `strip` selectors name elements removed from
//! the body before its text is taken. Invalid selectors are reported as
//! [`SelectorError`]s, which the caller turns into warnings.

use super::metaline::{strip_trailing_meta, title_text};
use super::text::{block_text, clean_inline, clean_text};
use ego_tree::NodeId;
use scraper::{ElementRef, Html, Selector};
use std::collections::HashSet;

/// A CSS selector from a source definition that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid selector `{selector}`: {reason}")]
pub struct SelectorError {
    pub selector: String,
    pub reason: String,
}

pub use crate::model::split_alternatives;

/// Parse every alternative of a selector list.
pub fn parse_alternatives(sel: &str) -> Result<Vec<Selector>, SelectorError> {
    split_alternatives(sel)
        .into_iter()
        .map(|alt| {
            Selector::parse(alt).map_err(|e| SelectorError {
                selector: alt.to_string(),
                reason: e.to_string(),
            })
        })
        .collect()
}

/// Ids of every element matched by the `strip` selectors.
pub fn strip_set(doc: &Html, strip: &[String]) -> Result<HashSet<NodeId>, SelectorError> {
    let mut set = HashSet::new();
    for s in strip {
        for sel in parse_alternatives(s)? {
            set.extend(doc.select(&sel).map(|e| e.id()));
        }
    }
    Ok(set)
}

/// The first element (alternatives in order) whose inline text is not empty,
/// with that text. A `<meta>` element gives its `content` attribute, so
/// `meta[name=ArticleTitle]` works as a title selector.
pub fn first_inline<'a>(
    doc: &'a Html,
    sel: &str,
) -> Result<Option<(ElementRef<'a>, String)>, SelectorError> {
    for alt in parse_alternatives(sel)? {
        for el in doc.select(&alt) {
            let t = match el.value().name() {
                "meta" => clean_inline(el.value().attr("content").unwrap_or("")),
                _ => clean_inline(&block_text(el, &HashSet::new())),
            };
            if !t.is_empty() {
                return Ok(Some((el, t)));
            }
        }
    }
    Ok(None)
}

/// Like [`first_inline`] for a title: an element's headline without the
/// metadata blocks it may hold (`文章来源：… 发布时间：…`, see
/// [`super::metaline::title_text`]), with the metadata text left out. An
/// element holding only metadata is passed over.
pub fn first_title<'a>(
    doc: &'a Html,
    sel: &str,
) -> Result<Option<(ElementRef<'a>, String, Option<String>)>, SelectorError> {
    for alt in parse_alternatives(sel)? {
        for el in doc.select(&alt) {
            let (t, meta) = match el.value().name() {
                "meta" => strip_trailing_meta(el.value().attr("content").unwrap_or("")),
                _ => title_text(el),
            };
            if !t.is_empty() {
                return Ok(Some((el, t, meta)));
            }
        }
    }
    Ok(None)
}

/// The first element (alternatives in order) with block text left after
/// removing the `skip` subtrees, with its cleaned paragraphs.
pub fn first_block(
    doc: &Html,
    sel: &str,
    skip: &HashSet<NodeId>,
) -> Result<Option<String>, SelectorError> {
    for alt in parse_alternatives(sel)? {
        for el in doc.select(&alt) {
            if skip.contains(&el.id()) {
                continue;
            }
            let t = clean_text(&block_text(el, skip));
            if !t.is_empty() {
                return Ok(Some(t));
            }
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_respects_brackets_and_quotes() {
        assert_eq!(
            split_alternatives("#articleContent, #ozoom"),
            vec!["#articleContent", "#ozoom"]
        );
        assert_eq!(
            split_alternatives("a:is(b, c), d[title=\"x,y\"]"),
            vec!["a:is(b, c)", "d[title=\"x,y\"]"]
        );
        assert_eq!(split_alternatives(" , h1 ,"), vec!["h1"]);
    }

    #[test]
    fn first_with_text_wins_in_alternative_order() {
        let doc = Html::parse_document("<div id=a></div><h1>标题甲</h1><div class=b>正文乙</div>");
        let (_, t) = first_inline(&doc, "#a, .b, h1")
            .expect("valid")
            .expect("found");
        assert_eq!(t, "正文乙");
        assert!(first_inline(&doc, "#missing").expect("valid").is_none());
        assert!(first_inline(&doc, "div[").is_err());
        let doc = Html::parse_document("<meta name=ArticleTitle content=\"元标题\"><h1>标题</h1>");
        let (_, t) = first_inline(&doc, "meta[name=ArticleTitle], h1")
            .expect("valid")
            .expect("found");
        assert_eq!(t, "元标题");
    }

    #[test]
    fn title_selector_leaves_metadata_out() {
        let doc = Html::parse_document(
            "<div class=t><p>发布时间：2026-03-03</p></div>\
             <div class=t>国资委召开推进会<p>文章来源：国资委网站 发布时间：2026-03-03</p></div>",
        );
        let (_, t, meta) = first_title(&doc, ".t").expect("valid").expect("found");
        assert_eq!(
            t, "国资委召开推进会",
            "the metadata-only block is passed over"
        );
        assert_eq!(
            meta.as_deref(),
            Some("文章来源：国资委网站 发布时间：2026-03-03")
        );
        // first_inline keeps the whole text (date selectors read it)
        let (_, t) = first_inline(&doc, ".t").expect("valid").expect("found");
        assert_eq!(t, "发布时间：2026-03-03");
    }

    #[test]
    fn strip_removes_elements() {
        let doc = Html::parse_document(
            "<div class=c><p>第一段</p><div id=qr>扫码</div><p>第二段</p></div>",
        );
        let skip = strip_set(&doc, &["#qr".to_string()]).expect("valid");
        let body = first_block(&doc, ".c", &skip)
            .expect("valid")
            .expect("found");
        assert_eq!(body, "第一段\n第二段");
    }
}
