//! Listings: index pages (栏目) with pagination; article links and their dates
//! by CSS selectors, or JSON/JSONP lists. A backfill walks pages until the
//! items are older than the range.

use super::links::{compile, element_text, find_links, link_target, link_title, selector};
use super::{Discovery, Scope, TaskContext, task};
use crate::extract::parse_date;
use crate::model::Role;
use crate::model::{ListingFormat, ListingSpec, SourceDef};
use chrono::{Datelike, NaiveDate};
use scraper::Html;
use url::Url;

pub fn seeds(source: &SourceDef, _scope: &Scope) -> Vec<crate::model::NewTask> {
    let Some(spec) = &source.listing else {
        return vec![];
    };
    spec.start
        .iter()
        .map(|u| {
            let ctx = TaskContext {
                page_no: Some(1),
                column: Some(u.clone()),
                ..Default::default()
            };
            task(source, u.clone(), Role::Index, &ctx, true)
        })
        .collect()
}

/// One list item: link, title, date if the list shows one.
struct Item {
    url: Url,
    title: String,
    date: Option<NaiveDate>,
}

fn html_items(spec: &ListingSpec, doc: &Html, base: &Url) -> Vec<Item> {
    let link_css = spec.link.as_deref().unwrap_or("a");
    let Some(items_css) = &spec.items else {
        return find_links(doc, link_css, base, None)
            .into_iter()
            .map(|(url, title)| Item {
                url,
                title,
                date: None,
            })
            .collect();
    };
    let (Some(items), Some(link)) = (selector(items_css), selector(link_css)) else {
        return vec![];
    };
    let date_sel = spec.date.as_deref().and_then(selector);
    doc.select(&items)
        .filter_map(|item| {
            let a = item.select(&link).next()?;
            let url = link_target(a, base)?;
            let date = date_sel
                .as_ref()
                .and_then(|s| item.select(s).next())
                .and_then(|d| parse_date(&element_text(d)));
            Some(Item {
                url,
                title: link_title(a),
                date,
            })
        })
        .collect()
}

fn json_items(spec: &ListingSpec, text: &str, base: &Url) -> Vec<Item> {
    let Some(keys) = &spec.json_items else {
        return vec![];
    };
    let body = match spec.format {
        // `callback({...})`: the JSON between the first `(` and the last `)`.
        ListingFormat::Jsonp => match (text.find('('), text.rfind(')')) {
            (Some(a), Some(b)) if a < b => &text[a + 1..b],
            _ => text,
        },
        _ => text,
    };
    let Ok(value) = serde_json::from_str::<serde_json::Value>(body.trim()) else {
        tracing::warn!(url = %base, "listing is not valid JSON");
        return vec![];
    };
    let mut node = &value;
    for part in keys.path.split('.').filter(|p| !p.is_empty()) {
        match node.get(part) {
            Some(n) => node = n,
            None => return vec![],
        }
    }
    let Some(list) = node.as_array() else {
        return vec![];
    };
    list.iter()
        .filter_map(|it| {
            let url = base.join(it.get(&keys.url)?.as_str()?).ok()?;
            let title = it
                .get(&keys.title)
                .and_then(|t| t.as_str())
                .unwrap_or("")
                .trim()
                .to_string();
            let date = keys
                .date
                .as_ref()
                .and_then(|k| it.get(k))
                .and_then(|d| d.as_str())
                .and_then(parse_date);
            Some(Item { url, title, date })
        })
        .collect()
}

pub fn discover(
    source: &SourceDef,
    _role: Role,
    ctx: &TaskContext,
    url: &Url,
    text: &str,
    scope: &Scope,
) -> Discovery {
    let Some(spec) = &source.listing else {
        return Discovery::default();
    };
    let doc = (spec.format == ListingFormat::Html).then(|| Html::parse_document(text));
    let pattern = compile(spec.link_pattern.as_deref());
    let mut by_pattern = false;
    let items = match &doc {
        Some(doc) => {
            let found = html_items(spec, doc, url);
            if found.is_empty() && pattern.is_some() {
                // The list markup moved: take every link that looks like an article.
                let links = find_links(doc, "a[href]", url, pattern.as_ref());
                by_pattern = !links.is_empty();
                if by_pattern {
                    tracing::warn!(source = %source.id, page = %url, "list selectors found nothing; links taken by URL pattern");
                }
                links
                    .into_iter()
                    .map(|(url, title)| Item {
                        url,
                        title,
                        date: None,
                    })
                    .collect()
            } else {
                found
            }
        }
        None => json_items(spec, text, url),
    };
    let mut out = Discovery {
        by_pattern,
        ..Default::default()
    };
    let mut oldest: Option<NaiveDate> = None;
    let mut seen = std::collections::HashSet::new();
    for it in items {
        let off_site = it.url.host_str() != url.host_str();
        let matches = match &pattern {
            Some(p) => p.is_match(it.url.as_str()),
            // Without a pattern, off-site links are other sites' pages.
            None => !off_site,
        };
        if !matches || !seen.insert(it.url.to_string()) {
            continue;
        }
        out.links_seen += 1;
        // No date in the list: the article URL often has one (t20260303_1.html).
        let it = Item {
            date: it.date.or_else(|| crate::extract::date_from_url(&it.url)),
            ..it
        };
        if let Some(d) = it.date {
            oldest = Some(oldest.map_or(d, |o| o.min(d)));
            if scope.range.is_some_and(|r| !r.contains(d)) {
                continue;
            }
        }
        let title = (!it.title.is_empty()).then_some(it.title);
        let c = TaskContext {
            date: it.date,
            title,
            ..Default::default()
        };
        out.tasks
            .push(task(source, it.url.to_string(), Role::Article, &c, false));
    }
    if let Some(doc) = &doc {
        out.tasks.extend(sublists(source, spec, doc, url, scope));
    }
    if let Some(next) = next_page(source, spec, ctx, url, doc.as_ref(), text, scope, oldest) {
        out.tasks.push(next);
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn next_page(
    source: &SourceDef,
    spec: &ListingSpec,
    ctx: &TaskContext,
    url: &Url,
    doc: Option<&Html>,
    text: &str,
    scope: &Scope,
    oldest: Option<NaiveDate>,
) -> Option<crate::model::NewTask> {
    let page_no = ctx.page_no.unwrap_or(1);
    let limit = match scope.range {
        Some(r) => {
            if oldest.is_some_and(|o| o < r.from) {
                return None; // this page already reaches past the start of the range
            }
            spec.max_backfill_pages
        }
        None => spec.max_pages,
    };
    if page_no >= limit {
        return None;
    }
    let capture = |re: Option<&str>| {
        compile(re).and_then(|re| {
            re.captures(text)
                .and_then(|c| c.get(1))
                .map(|m| m.as_str().to_string())
        })
    };
    // Count and id come from the first page and travel with the later ones.
    let count = ctx
        .page_count
        .or_else(|| capture(spec.page_count.as_deref()).and_then(|c| c.parse::<u32>().ok()));
    let page_id = ctx
        .page_id
        .clone()
        .or_else(|| capture(spec.page_id.as_deref()));
    if count.is_some_and(|c| page_no >= c) {
        return None;
    }
    let column = ctx.column.clone().unwrap_or_else(|| url.to_string());
    let next_url = if let Some(template) = &spec.page_url {
        let n = if spec.descending {
            count? - page_no
        } else {
            spec.page_base + page_no - 1
        };
        let mut path = template.replace("{n}", &n.to_string());
        if path.contains("{id}") {
            path = path.replace("{id}", page_id.as_deref()?);
        }
        let base = Url::parse(&column).ok()?;
        base.join(&path).ok()?
    } else if let (Some(css), Some(doc)) = (&spec.next, doc) {
        let sel = selector(css)?;
        let el = doc.select(&sel).next()?;
        link_target(el, url)?
    } else {
        return None;
    };
    let c = TaskContext {
        page_no: Some(page_no + 1),
        column: Some(column),
        page_count: count,
        page_id,
        ..Default::default()
    };
    Some(task(
        source,
        next_url.to_string(),
        Role::Index,
        &c,
        page_no < spec.max_pages,
    ))
}

/// Links to further listings (a gazette's years and issues), as index tasks.
fn sublists(
    source: &SourceDef,
    spec: &ListingSpec,
    doc: &Html,
    url: &Url,
    scope: &Scope,
) -> Vec<crate::model::NewTask> {
    let Some(re) = compile(spec.sublist_pattern.as_deref()) else {
        return vec![];
    };
    let years = scope.dates();
    let (first, last) = match scope.range {
        Some(r) => (r.from.year(), r.to.year()),
        None => (years.to.year(), years.to.year()),
    };
    static YEAR: std::sync::LazyLock<Option<regex::Regex>> =
        std::sync::LazyLock::new(|| regex::Regex::new(r"/((?:19|20)\d{2})/").ok());
    let year_re = YEAR.as_ref();
    find_links(doc, "a[href]", url, Some(&re))
        .into_iter()
        .filter(|(u, _)| u != url)
        .filter(|(u, _)| {
            let year = year_re
                .and_then(|y| y.captures(u.path()))
                .and_then(|c| c[1].parse::<i32>().ok());
            year.is_none_or(|y| y >= first && y <= last)
        })
        .map(|(u, _)| {
            let ctx = TaskContext {
                page_no: Some(1),
                column: Some(u.to_string()),
                ..Default::default()
            };
            // Listings of past years do not change; this year's do.
            let recheck = scope
                .range
                .is_none_or(|r| r.to >= scope.today - chrono::Duration::days(1));
            task(source, u.to_string(), Role::Index, &ctx, recheck)
        })
        .collect()
}
