//! Links: resolving, filtering and canonical forms. The canonical URL is what
//! an article id is derived from, so two URLs of one article (tracking
//! parameters, `_wap.html`/`_app.html` twins, the `pad` e-paper twin, http vs
//! https) give one id.

use scraper::{ElementRef, Html, Selector};
use url::Url;

const TRACKING: &[&str] = &[
    "spm",
    "from",
    "source",
    "share",
    "share_token",
    "isappinstalled",
    "wxshare",
    "scene",
    "tt_from",
    "fromid",
];

/// The canonical form of a URL: no scheme, no fragment, no tracking parameters,
/// mobile twins folded to the desktop page, lower-case host.
pub fn canonical_url(url: &Url) -> String {
    let host = url.host_str().unwrap_or("").to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host).to_string();
    let mut path = url.path().to_string();
    for twin in ["_wap.html", "_app.html", "_m.html"] {
        if let Some(stem) = path.strip_suffix(twin) {
            path = format!("{stem}.html");
        }
    }
    path = path.replace("/pad/", "/pc/");
    let mut query: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| {
            let k = k.to_ascii_lowercase();
            !k.starts_with("utm_") && !TRACKING.contains(&k.as_str())
        })
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    query.sort();
    let port = url.port().map(|p| format!(":{p}")).unwrap_or_default();
    let mut out = format!("{host}{port}{path}");
    if !query.is_empty() {
        let q: Vec<String> = query
            .iter()
            .map(|(k, v)| {
                if v.is_empty() {
                    k.clone()
                } else {
                    format!("{k}={v}")
                }
            })
            .collect();
        out.push('?');
        out.push_str(&q.join("&"));
    }
    out
}

/// Parse a CSS selector from a validated source definition; a bad one (which
/// `radar check` reports) selects nothing.
pub fn selector(css: &str) -> Option<Selector> {
    match Selector::parse(css) {
        Ok(s) => Some(s),
        Err(e) => {
            tracing::warn!(selector = css, error = %e, "bad selector");
            None
        }
    }
}

/// The href of a link element (`a`, `area`), resolved against the page.
pub fn link_target(el: ElementRef<'_>, base: &Url) -> Option<Url> {
    let href = el.value().attr("href")?.trim();
    if href.is_empty()
        || href.starts_with('#')
        || href.starts_with("javascript:")
        || href.starts_with("mailto:")
    {
        return None;
    }
    let mut u = base.join(href).ok()?;
    u.set_fragment(None);
    // TRS lists write `./202603/t…html`; `url` already folds `/./`.
    Some(u)
}

/// Visible text of an element, whitespace collapsed.
pub fn element_text(el: ElementRef<'_>) -> String {
    let t: String = el.text().collect::<Vec<_>>().join(" ");
    t.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('\u{3000}', " ")
        .trim()
        .to_string()
}

/// Title of a link: its `title` attribute if present, else its text.
pub fn link_title(el: ElementRef<'_>) -> String {
    el.value()
        .attr("title")
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| element_text(el))
}

/// Links matched by `css` in `doc`, resolved, filtered by an optional regex,
/// deduplicated in document order, with their titles.
pub fn find_links(
    doc: &Html,
    css: &str,
    base: &Url,
    pattern: Option<&regex::Regex>,
) -> Vec<(Url, String)> {
    let Some(sel) = selector(css) else {
        return vec![];
    };
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for el in doc.select(&sel) {
        let Some(u) = link_target(el, base) else {
            continue;
        };
        if pattern.is_some_and(|p| !p.is_match(u.as_str())) {
            continue;
        }
        if seen.insert(u.to_string()) {
            out.push((u, link_title(el)));
        } else if let Some(existing) = out.iter_mut().find(|(x, _)| *x == u)
            && existing.1.is_empty()
        {
            // An image-map hotspot came first; the list link has the title.
            existing.1 = link_title(el);
        }
    }
    out
}

/// `find_links`, and when the configured selector finds nothing (the site's
/// markup moved) but a URL pattern is known, every link matching the pattern.
/// The flag tells whether the pattern had to stand in for the selector.
pub fn find_links_or_pattern(
    doc: &Html,
    css: &str,
    base: &Url,
    pattern: Option<&regex::Regex>,
) -> (Vec<(Url, String)>, bool) {
    let found = find_links(doc, css, base, pattern);
    if !found.is_empty() || pattern.is_none() {
        return (found, false);
    }
    let fallback = find_links(doc, "a[href], area[href]", base, pattern);
    if fallback.is_empty() {
        return (fallback, false);
    }
    tracing::warn!(selector = css, page = %base, links = fallback.len(), "selector found nothing; links taken by URL pattern");
    (fallback, true)
}

/// A source's pattern, compiled once per process (definitions are checked
/// by `radar check`; an invalid one matches nothing). `Regex` clones share
/// the compiled program, so pages pay no compilation.
pub fn compile(re: Option<&str>) -> Option<regex::Regex> {
    static CACHE: std::sync::LazyLock<
        std::sync::Mutex<std::collections::HashMap<String, Option<regex::Regex>>>,
    > = std::sync::LazyLock::new(Default::default);
    let re = re?;
    let mut cache = CACHE.lock().unwrap_or_else(|p| p.into_inner());
    cache
        .entry(re.to_string())
        .or_insert_with(|| regex::Regex::new(re).ok())
        .clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(s: &str) -> String {
        canonical_url(&Url::parse(s).expect("url"))
    }

    #[test]
    fn twins_share_a_canonical_url() {
        assert_eq!(
            canon("https://www.cq.gov.cn/ywdt/jrcq/202603/t20260303_1.html?spm=zm1.2"),
            canon("http://www.cq.gov.cn/ywdt/jrcq/202603/t20260303_1_wap.html")
        );
        assert_eq!(
            canon("http://paper.people.com.cn/rmrb/pad/content/202603/03/content_1.html#x"),
            canon("http://paper.people.com.cn/rmrb/pc/content/202603/03/content_1.html")
        );
        assert_ne!(canon("http://a.cn/x?id=1"), canon("http://a.cn/x?id=2"));
    }
}
