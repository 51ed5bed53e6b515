//! Article fields from HTML: per-source CSS selectors first, the generic
//! main-content extractor where they find no body, Chinese dates normalised to
//! Beijing, print citations on web reprints, the Founder `enpproperty`
//! metadata as cross-check and fallback, page labels, and challenge-page
//! detection. Pure functions: no I/O, no network.

pub mod byline;
pub mod challenge;
pub mod citation;
pub mod dates;
pub mod enp;
pub mod furniture;
pub mod generic;
pub mod kind;
pub mod metaline;
pub mod page_label;
pub mod selectors;
pub mod text;
pub mod title;

pub use challenge::detect_challenge;
pub use citation::find_citation;
pub use dates::{date_from_url, labelled_date, parse_date};
pub use enp::{EnpProperty, parse_enp};
pub use generic::{extract_generic, extract_generic_titled};
pub use page_label::parse_page_label;
pub use title::guess_title;

use crate::model::{ExtractorKind, FieldSelectors, PrintCitation};
use chrono::NaiveDate;
use scraper::{Html, Selector};
use std::cell::OnceCell;
use std::collections::HashSet;
use std::sync::LazyLock;
use text::{block_text, clean_author, clean_inline, clean_text, strip_body_prefix};

/// One fetched page.
#[derive(Debug, Clone, Copy)]
pub struct PageInput<'a> {
    pub url: &'a url::Url,
    pub html: &'a str,
}

/// What discovery already knows about the article.
#[derive(Debug, Default, Clone)]
pub struct Hints {
    /// Title seen on the listing or page list, used when the page has none.
    pub title: Option<String>,
    /// Date known from the edition or listing (e-papers: the edition date).
    pub date: Option<NaiveDate>,
    /// Page label from the e-paper page list.
    pub page: Option<String>,
    /// E-papers: the date in the URL path wins over any date in the text.
    pub prefer_url_date: bool,
}

/// The fields extracted from one page.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Extracted {
    pub title: String,
    pub pretitle: Option<String>,
    pub subtitle: Option<String>,
    pub author: Option<String>,
    /// Beijing calendar date.
    pub published: Option<NaiveDate>,
    /// Page (版) label, normalised (`01版：要闻`), from the hints.
    pub page: Option<String>,
    /// Paragraphs separated by `\n`, cleaned.
    pub body: String,
    /// `Selectors`, or `Generic` when the selectors found no body.
    pub extractor: ExtractorKind,
    pub citation: Option<PrintCitation>,
    /// Non-fatal problems (`no date found`, a selector that matched nothing).
    pub warnings: Vec<String>,
    /// Configured selectors that came back empty (for layout-change alarms).
    pub empty_fields: Vec<&'static str>,
}

static METAS: LazyLock<Selector> =
    LazyLock::new(|| Selector::parse("meta").expect("static selector"));
static BYLINE: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(r"^(?:本报记者|本报通讯员|记者|作者|通讯员|文／|文/)").expect("static regex")
});

/// Meta names (lower case) that carry the publication date, best first.
const DATE_METAS: &[&str] = &[
    "pubdate",
    "publishdate",
    "firstpublishedtime",
    "article:published_time",
    "og:release_date",
    "og:published_time",
    "datepublished",
    "publish_time",
];

fn meta_content(doc: &Html, names: &[&str]) -> Option<String> {
    let metas: Vec<_> = doc.select(&METAS).collect();
    names.iter().find_map(|want| {
        metas.iter().find_map(|m| {
            let v = m.value();
            let key = v
                .attr("name")
                .or_else(|| v.attr("property"))
                .or_else(|| v.attr("itemprop"))?;
            if key.eq_ignore_ascii_case(want) {
                v.attr("content")
                    .map(str::to_string)
                    .filter(|c| !c.trim().is_empty())
            } else {
                None
            }
        })
    })
}

/// Runs one configured selector for an inline field and records the outcome.
struct FieldRun<'d> {
    doc: &'d Html,
    warnings: Vec<String>,
    empty_fields: Vec<&'static str>,
}

impl FieldRun<'_> {
    /// The title selector: the headline and the metadata it held.
    fn title(&mut self, sel: &Option<String>) -> (Option<String>, Option<String>) {
        let Some(sel) = sel.as_deref().filter(|s| !s.trim().is_empty()) else {
            return (None, None);
        };
        match selectors::first_title(self.doc, sel) {
            Ok(Some((_, t, meta))) => (Some(t), meta),
            Ok(None) => {
                self.empty_fields.push("title");
                self.warnings
                    .push(format!("selector `{sel}` for title matched nothing"));
                (None, None)
            }
            Err(e) => {
                self.empty_fields.push("title");
                self.warnings.push(format!("title: {e}"));
                (None, None)
            }
        }
    }

    fn inline(
        &mut self,
        field: &'static str,
        sel: &Option<String>,
        warn_empty: bool,
    ) -> Option<String> {
        let sel = sel.as_deref().filter(|s| !s.trim().is_empty())?;
        match selectors::first_inline(self.doc, sel) {
            Ok(Some((_, t))) => Some(t),
            Ok(None) => {
                self.empty_fields.push(field);
                if warn_empty {
                    self.warnings
                        .push(format!("selector `{sel}` for {field} matched nothing"));
                }
                None
            }
            Err(e) => {
                self.empty_fields.push(field);
                self.warnings.push(format!("{field}: {e}"));
                None
            }
        }
    }
}

fn same_text(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        s.chars()
            .filter(|c| !c.is_whitespace() && *c != '\u{3000}')
            .collect::<String>()
    };
    norm(a) == norm(b)
}

/// The first date in the 200 characters after the title in the page text
/// (bylines and `发布时间：` lines sit under the headline; header "today"
/// widgets and footers do not).
fn date_near(page_text: &str, title: &str) -> Option<NaiveDate> {
    if title.is_empty() {
        return None;
    }
    let at = page_text.find(title)? + title.len();
    let rest = &page_text[at..];
    let end = rest.char_indices().nth(200).map_or(rest.len(), |(i, _)| i);
    parse_date(&rest[..end])
}

/// A printed byline in the lines right under the headline in the page text.
fn byline_near(page_text: &str, title: &str) -> Option<String> {
    if title.is_empty() {
        return None;
    }
    let at = page_text.find(title)? + title.len();
    let rest = &page_text[at..];
    let end = rest.char_indices().nth(200).map_or(rest.len(), |(i, _)| i);
    byline::printed_byline(&rest[..end], 4)
}

/// Extract an article from a page: selectors first, the generic extractor
/// when they give no body, `enpproperty` and the hints as fallbacks.
pub fn extract_article(input: &PageInput, fields: &FieldSelectors, hints: &Hints) -> Extracted {
    let doc = Html::parse_document(input.html);
    let enp = parse_enp(input.html).unwrap_or_default();
    let mut run = FieldRun {
        doc: &doc,
        warnings: Vec::new(),
        empty_fields: Vec::new(),
    };

    // title
    let (sel_title, title_meta) = run.title(&fields.title);
    if let (Some(t), Some(e)) = (&sel_title, &enp.title)
        && !same_text(t, e)
    {
        run.warnings
            .push(format!("title differs from enpproperty title `{e}`"));
    }
    // a title from the page's own markup anchors the generic extractor
    let known_title = sel_title.clone().or_else(|| enp.title.clone());
    let title = sel_title
        .or_else(|| enp.title.clone())
        .or_else(|| title::markup_title(&doc))
        .or_else(|| {
            hints
                .title
                .as_deref()
                .map(clean_inline)
                .filter(|t| !t.is_empty())
        })
        .or_else(|| title::document_title(&doc));
    let title = title
        .map(|t| metaline::strip_trailing_meta(&text::strip_title_prefix(&t)).0)
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| {
            run.warnings.push("no title found".into());
            String::new()
        });

    // pre-title, subtitle, author
    let mut pretitle = run
        .inline("pretitle", &fields.pretitle, false)
        .or_else(|| enp.introtitle.clone());
    let subtitle = run
        .inline("subtitle", &fields.subtitle, false)
        .or_else(|| enp.subtitle.clone());
    let mut author = run
        .inline("author", &fields.author, true)
        .and_then(|a| clean_author(&a));
    if pretitle.as_deref().is_some_and(|p| BYLINE.is_match(p)) {
        // 人民日报 sometimes puts the byline in the h3 read as pre-title
        if author.is_none() {
            author = pretitle.as_deref().and_then(clean_author);
        }
        pretitle = None;
    }
    // A selector's or enpproperty's author only when it reads as one.
    let mut author = author
        .filter(|a| byline::plausible_author(a))
        .or_else(|| enp.author.as_deref().and_then(byline::meta_author));

    // body
    let mut extractor = ExtractorKind::Selectors;
    let mut body = None;
    if let Some(sel) = fields.body.as_deref().filter(|s| !s.trim().is_empty()) {
        let found = selectors::strip_set(&doc, &fields.strip)
            .and_then(|skip| selectors::first_block(&doc, sel, &skip));
        match found {
            Ok(Some(b)) => body = Some(b),
            Ok(None) => {
                run.empty_fields.push("body");
                run.warnings.push(format!(
                    "selector `{sel}` for body matched nothing; generic extractor used"
                ));
            }
            Err(e) => {
                run.empty_fields.push("body");
                run.warnings
                    .push(format!("body: {e}; generic extractor used"));
            }
        }
    }
    let body = match body {
        Some(b) => b,
        None => {
            extractor = ExtractorKind::Generic;
            extract_generic_titled(&doc, known_title.as_deref()).body
        }
    };
    let body = furniture::strip_furniture(&metaline::strip_body_meta(
        &strip_body_prefix(&body),
        &title,
    ));
    if body.is_empty() {
        run.warnings.push("no body found".into());
    }

    // date
    let url_date = date_from_url(input.url);
    let sel_date = run
        .inline("date", &fields.date, true)
        .and_then(|d| parse_date(&d));
    let page_text = OnceCell::new();
    let text_of_page =
        || page_text.get_or_init(|| clean_text(&block_text(doc.root_element(), &HashSet::new())));
    let published = if hints.prefer_url_date && (url_date.is_some() || hints.date.is_some()) {
        url_date.or(hints.date)
    } else {
        sel_date
            .or_else(|| meta_content(&doc, DATE_METAS).and_then(|m| parse_date(&m)))
            .or(enp.date)
            .or_else(|| title_meta.as_deref().and_then(parse_date))
            .or_else(|| date_near(text_of_page(), &title))
            .or(url_date)
            .or(hints.date)
            .or_else(|| labelled_date(text_of_page()))
            .or_else(|| parse_date(text_of_page()))
    };
    if let (Some(p), Some(e)) = (published, enp.date)
        && p != e
    {
        run.warnings
            .push(format!("date {p} differs from enpproperty date {e}"));
    }
    if published.is_none() {
        run.warnings.push("no date found".into());
    }

    // A byline standing as the body's first paragraph is not body text.
    let body = match body.split_once('\n') {
        Some((first, rest)) if byline::is_byline_line(first) && !rest.trim().is_empty() => {
            if author.is_none() {
                author = clean_author(first);
            }
            rest.to_string()
        }
        _ => body,
    };
    // The printed byline (under the headline, or the body's first lines)
    // before a metadata author, which is taken only when it reads as one.
    let author = author
        .or_else(|| byline_near(text_of_page(), &title))
        .or_else(|| byline::printed_byline(&body, 3))
        .or_else(|| meta_content(&doc, &["author"]).and_then(|a| byline::meta_author(&a)));

    let citation = find_citation(&body).or_else(|| find_citation(text_of_page()));
    let page = hints
        .page
        .as_deref()
        .map(|p| parse_page_label(p).unwrap_or_else(|| clean_inline(p)));
    let FieldRun {
        warnings,
        empty_fields,
        ..
    } = run;
    Extracted {
        title,
        pretitle,
        subtitle,
        author,
        published,
        page,
        body,
        extractor,
        citation,
        warnings,
        empty_fields,
    }
}
