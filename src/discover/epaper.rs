//! Founder-style e-papers: an edition (one date) → its pages (版) → the
//! articles on each page. The page label is recorded on every article; a 404
//! edition is a day without a paper.

use super::links::{compile, element_text, find_links_or_pattern, selector};
use super::{Discovery, Scope, TaskContext, task};
use crate::extract::{date_from_url, parse_page_label};
use crate::model::Role;
use crate::model::SourceDef;
use scraper::Html;
use url::Url;

pub fn seeds(source: &SourceDef, scope: &Scope) -> Vec<crate::model::NewTask> {
    let Some(spec) = &source.epaper else {
        return vec![];
    };
    let mut out = Vec::new();
    for date in scope.dates().days() {
        // Templates may overlap around a change of URL scheme: the first one
        // covering the date is tried first, the others if it answers 404.
        let mut urls = spec
            .editions
            .iter()
            .filter(|t| t.covers(date))
            .map(|t| crate::model::fill_date_template(&t.url, date));
        let Some(url) = urls.next() else {
            continue;
        };
        let ctx = TaskContext {
            date: Some(date),
            eager: true,
            alternates: urls.collect(),
            ..Default::default()
        };
        out.push(task(source, url, Role::Page, &ctx, !scope.is_settled(date)));
    }
    if scope.range.is_none()
        && let Some(latest) = &spec.latest
    {
        let ctx = TaskContext {
            eager: true,
            ..Default::default()
        };
        out.push(task(source, latest.clone(), Role::Index, &ctx, true));
    }
    out
}

/// The page (版) label shown on a page, by the source's `page_label` selector.
fn label_in(spec: &crate::model::EpaperSpec, doc: &Html) -> Option<String> {
    let sel = selector(spec.page_label.as_deref()?)?;
    doc.select(&sel)
        .map(element_text)
        .find(|t| !t.is_empty())
        .and_then(|t| parse_page_label(&t))
}

/// The page label on an e-paper article page (its shell repeats the page's
/// label), for articles reached without a page list (`radar extract`).
pub fn page_label_of(source: &SourceDef, html: &str) -> Option<String> {
    label_in(source.epaper.as_ref()?, &Html::parse_document(html))
}

pub fn discover(
    source: &SourceDef,
    ctx: &TaskContext,
    url: &Url,
    text: &str,
    scope: &Scope,
) -> Discovery {
    let Some(spec) = &source.epaper else {
        return Discovery::default();
    };
    let doc = Html::parse_document(text);
    let date = ctx.date.or_else(|| date_from_url(url));
    let same_edition = |u: &Url| match (date, date_from_url(u)) {
        (Some(d), Some(ld)) => d == ld,
        _ => true,
    };
    let label = label_in(spec, &doc).or_else(|| ctx.page.clone());
    let settled = date.is_some_and(|d| scope.is_settled(d));
    let mut out = Discovery::default();
    let page_re = compile(spec.page_pattern.as_deref());
    let (pages, pages_by_pattern) =
        find_links_or_pattern(&doc, &spec.page_links, url, page_re.as_ref());
    // No label on the page itself: the page list's link to this very page has it.
    let label = label.or_else(|| {
        pages
            .iter()
            .find(|(u, _)| u == url)
            .and_then(|(_, t)| parse_page_label(t))
    });
    for (u, title) in pages {
        if !same_edition(&u) || u == *url {
            continue;
        }
        out.links_seen += 1;
        let c = TaskContext {
            date,
            page: parse_page_label(&title),
            ..Default::default()
        };
        out.tasks
            .push(task(source, u.to_string(), Role::Page, &c, !settled));
    }
    let art_re = compile(spec.article_pattern.as_deref());
    let (articles, articles_by_pattern) =
        find_links_or_pattern(&doc, &spec.article_links, url, art_re.as_ref());
    out.by_pattern = pages_by_pattern || articles_by_pattern;
    for (u, title) in articles {
        if !same_edition(&u) {
            continue;
        }
        out.links_seen += 1;
        if spec.skip_titles.iter().any(|s| title.contains(s.as_str())) {
            continue;
        }
        let title = (!title.is_empty()).then_some(title);
        let c = TaskContext {
            date,
            page: label.clone(),
            title,
            ..Default::default()
        };
        out.tasks
            .push(task(source, u.to_string(), Role::Article, &c, false));
    }
    out
}
