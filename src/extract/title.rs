//! Titles when no selector gives one: the headline (an `<h1>`/`<h2>` that
//! repeats the page's `<title>`), else the first substantial `<h1>`, else
//! `og:title` / `ArticleTitle`, else `<title>` without a ` - 人民网` style
//! suffix.

use super::metaline::title_text;
use super::text::clean_inline;
use regex::Regex;
use scraper::{ElementRef, Html, Selector};
use std::sync::LazyLock;

static TITLE_ONLY: LazyLock<Selector> =
    LazyLock::new(|| Selector::parse("title").expect("static selector"));
static HEADINGS: LazyLock<Selector> =
    LazyLock::new(|| Selector::parse("h1, h2").expect("static selector"));
static H1: LazyLock<Selector> = LazyLock::new(|| Selector::parse("h1").expect("static selector"));
static META_TITLE: LazyLock<Selector> = LazyLock::new(|| {
    Selector::parse(r#"meta[property="og:title"], meta[name="ArticleTitle"]"#)
        .expect("static selector")
});
static TITLE_SUFFIX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\s*[-_|｜—–]+\s*[^-_|｜—–]{1,30}$").expect("static regex"));

/// A heading's headline, without metadata it may hold (`来源：… 2026-03-03`).
fn text_of(el: ElementRef<'_>) -> String {
    title_text(el).0
}

/// The `<h1>`/`<h2>` whose text is in the page's `<title>` (or holds the title
/// without its site suffix).
pub fn headline(doc: &Html) -> Option<ElementRef<'_>> {
    let page_title = doc
        .select(&TITLE_ONLY)
        .next()
        .map(|t| clean_inline(&t.text().collect::<String>()))?;
    if page_title.is_empty() {
        return None;
    }
    let short = TITLE_SUFFIX.replace(&page_title, "").to_string();
    doc.select(&HEADINGS).find(|h| {
        let t = text_of(*h);
        (t.chars().count() >= 4 && page_title.contains(&t))
            || (short.chars().count() >= 6 && t.contains(&short))
    })
}

/// Guess a page's title (see the module note).
pub fn guess_title(doc: &Html) -> Option<String> {
    markup_title(doc).or_else(|| document_title(doc))
}

/// A title the page's body or metas state: the headline, the first
/// substantial `<h1>`, or `og:title` / `ArticleTitle`.
pub fn markup_title(doc: &Html) -> Option<String> {
    if let Some(h) = headline(doc) {
        return Some(text_of(h));
    }
    if let Some(t) = doc
        .select(&H1)
        .map(text_of)
        .find(|t| t.chars().count() >= 4)
    {
        return Some(t);
    }
    doc.select(&META_TITLE)
        .filter(|m| m.value().name() == "meta")
        .find_map(|m| strip_suffix(m.value().attr("content").unwrap_or("")))
}

/// The document `<title>` without a site suffix; weak (e-paper pages title
/// every article `人民日报-人民网`), so a listing's title hint comes first.
pub fn document_title(doc: &Html) -> Option<String> {
    doc.select(&TITLE_ONLY)
        .find_map(|t| strip_suffix(&t.text().collect::<String>()))
}

fn strip_suffix(raw: &str) -> Option<String> {
    let t = clean_inline(raw);
    if t.is_empty() {
        return None;
    }
    let stripped = TITLE_SUFFIX.replace(&t, "").to_string();
    Some(if stripped.chars().count() >= 4 {
        stripped
    } else {
        t
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headline_beats_logo_h1() {
        let doc = Html::parse_document(
            "<title>库区港口改革提速_新闻中心_某某网</title><h1>某某网新闻</h1><h1>库区港口改革提速</h1>",
        );
        assert_eq!(guess_title(&doc).as_deref(), Some("库区港口改革提速"));
    }

    #[test]
    fn title_suffix_stripped_without_headings() {
        let doc = Html::parse_document("<title>万州召开国企改革会议 - 人民网</title><p>正文</p>");
        assert_eq!(guess_title(&doc).as_deref(), Some("万州召开国企改革会议"));
        let doc = Html::parse_document("<p>无标题</p>");
        assert_eq!(guess_title(&doc), None);
    }
}
