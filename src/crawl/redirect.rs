//! Redirects that are not HTTP redirects: `<meta http-equiv=refresh>` and
//! `location.href = '…'` entry pages, as e-paper front doors use.

use regex::Regex;
use std::sync::LazyLock;
use url::Url;

static META_REFRESH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?is)<meta[^>]*http-equiv\s*=\s*["']?refresh["']?[^>]*content\s*=\s*["']\s*(\d*)\s*[;,]?\s*(?:url\s*=\s*)?['"]?([^"'>]+)"#)
        .expect("static regex")
});
static META_REFRESH_REVERSED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?is)<meta[^>]*content\s*=\s*["']\s*(\d*)\s*[;,]?\s*(?:url\s*=\s*)?['"]?([^"'>]+)["'][^>]*http-equiv\s*=\s*["']?refresh"#)
        .expect("static regex")
});
static JS_LOCATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?is)(?:window\.|document\.|top\.|self\.)?location(?:\.href)?\s*=\s*["']([^"']+)["']|location\.replace\(\s*["']([^"']+)["']\s*\)"#)
        .expect("static regex")
});
static TAGS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?is)<script.*?</script>|<style.*?</style>|<[^>]+>").expect("static regex")
});

/// Visible text length of a page, roughly: what is left without tags and scripts.
#[cfg(test)]
fn visible_chars(html: &str) -> usize {
    TAGS.replace_all(html, "")
        .chars()
        .filter(|c| !c.is_whitespace())
        .count()
}

/// Whether a page has fewer than `n` visible characters (as
/// `visible_chars`), reading only as far as it takes to tell: the text
/// between tag matches is counted until `n` is reached.
fn fewer_visible_than(html: &str, n: usize) -> bool {
    let mut seen = 0;
    let mut from = 0;
    let count = |text: &str| text.chars().filter(|c| !c.is_whitespace()).count();
    for tag in TAGS.find_iter(html) {
        seen += count(&html[from..tag.start()]);
        if seen >= n {
            return false;
        }
        from = tag.end();
    }
    seen + count(&html[from..]) < n
}

/// The target of an HTTP redirect (3xx other than 304) from `current`.
/// None when the answer names no usable Location; an error for a target
/// that is not http(s) (ftp:, file:, javascript:, data:), which no retry
/// will ever fetch.
pub fn http_redirect_target(current: &Url, location: Option<&str>) -> Result<Option<Url>, String> {
    let Some(target) = location.and_then(|l| current.join(l.trim()).ok()) else {
        return Ok(None);
    };
    if is_fetchable(&target) {
        Ok(Some(target))
    } else {
        Err(target.as_str().chars().take(200).collect())
    }
}

/// Only http and https are fetched.
pub fn is_fetchable(url: &Url) -> bool {
    matches!(url.scheme(), "http" | "https") && url.host_str().is_some()
}

/// Where an HTML page sends the browser, if it is a redirect page. With `eager`
/// (entry pages) any meta refresh or JS location is followed; otherwise only on
/// pages with almost no text of their own.
pub fn html_redirect(html: &str, base: &Url, eager: bool) -> Option<Url> {
    let small = fewer_visible_than(html, 200);
    let meta = META_REFRESH
        .captures(html)
        .or_else(|| META_REFRESH_REVERSED.captures(html));
    if let Some(c) = meta {
        let delay: u32 = c.get(1).and_then(|m| m.as_str().parse().ok()).unwrap_or(0);
        let target = c.get(2).map(|m| m.as_str().trim()).unwrap_or("");
        if !target.is_empty() && (eager || (small && delay <= 5)) {
            return base.join(target).ok().filter(is_fetchable);
        }
    }
    if eager || small {
        let c = JS_LOCATION.captures(html)?;
        let target = c.get(1).or_else(|| c.get(2))?.as_str().trim();
        if !target.is_empty() {
            return base.join(target).ok().filter(is_fetchable);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Url {
        Url::parse("http://epaper.example.cn/html/cqrb/").expect("url")
    }

    #[test]
    fn meta_refresh_is_followed() {
        let html = r#"<html><head><meta http-equiv="refresh" content="0; URL=2026-03/04/001/node.htm"></head></html>"#;
        assert_eq!(
            html_redirect(html, &base(), false)
                .map(|u| u.to_string())
                .as_deref(),
            Some("http://epaper.example.cn/html/cqrb/2026-03/04/001/node.htm")
        );
    }

    #[test]
    fn js_location_is_followed_on_tiny_pages() {
        let html =
            r#"<script>window.location.href='../pc/layout/202603/04/node_01.html';</script>"#;
        assert_eq!(
            html_redirect(html, &base(), false)
                .map(|u| u.to_string())
                .as_deref(),
            Some("http://epaper.example.cn/html/pc/layout/202603/04/node_01.html")
        );
    }

    #[test]
    fn redirects_leave_http_only() {
        let u = base();
        assert!(http_redirect_target(&u, Some("ftp://files.example.cn/a.pdf")).is_err());
        assert!(http_redirect_target(&u, Some("file:///etc/passwd")).is_err());
        assert!(http_redirect_target(&u, Some("javascript:void(0)")).is_err());
        assert_eq!(
            http_redirect_target(&u, Some("/b.html"))
                .ok()
                .flatten()
                .map(|u| u.to_string()),
            Some("http://epaper.example.cn/b.html".to_string())
        );
        assert_eq!(http_redirect_target(&u, None), Ok(None));
        let html = r#"<meta http-equiv="refresh" content="0; URL=ftp://x.example.cn/a">"#;
        assert_eq!(html_redirect(html, &u, true), None);
    }

    #[test]
    fn script_on_a_real_article_is_not_a_redirect() {
        let text = "万州城投集团深化国有企业改革，".repeat(30);
        let html = format!("<p>{text}</p><script>if(mobile){{location.href='m.html'}}</script>");
        assert_eq!(html_redirect(&html, &base(), false), None);
    }

    #[test]
    fn early_exit_count_agrees_with_the_full_count() {
        let pages = [
            String::new(),
            "<p>短</p>".to_string(),
            format!(
                "<html><script>{}</script><p>{}</p></html>",
                "x".repeat(500),
                "字".repeat(199)
            ),
            format!("<p>{}</p>", "字".repeat(200)),
            format!(
                "<style>p{{}}</style>{}<b>{}",
                "a ".repeat(150),
                "b".repeat(60)
            ),
            "<p>unclosed <script>var a = 1; ".repeat(40),
        ];
        for p in &pages {
            for n in [0, 1, 199, 200, 201, 400] {
                assert_eq!(fewer_visible_than(p, n), visible_chars(p) < n, "{n}: {p}");
            }
        }
    }
}
