//! The archived original as a reviewer sees it: the page as fetched, with
//! the images the crawl archived put back in place (as `data:` URLs, so the
//! sandboxed view still fetches nothing) and a list of those it never
//! fetched.

use super::ReviewError;
use super::review::{ArchivedPage, archived_page};
use crate::archive::{read_record_at, sha256_hex};
use crate::config::Home;
use crate::store::Store;
use base64::Engine;

/// One image of the original page: its absolute URL and whether the
/// archive holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchivedImage {
    pub url: String,
    pub archived: bool,
}

/// Images larger than this are not put back (the page would grow too big).
const MAX_IMAGE_BYTES: usize = 4 * 1024 * 1024;
/// At most this many images are looked up in a page.
const MAX_IMAGES: usize = 200;

fn img_src() -> regex::Regex {
    // `<img … src="…">` (either quote, or none).
    regex::Regex::new(r#"(?is)(<img\b[^>]*?\bsrc\s*=\s*)("([^"]*)"|'([^']*)'|([^\s>"']+))"#)
        .expect("a valid regex")
}

/// The page's text, decompressed and decoded (none: not text).
fn page_text(page: &ArchivedPage) -> Option<String> {
    let ct = page.content_type.as_deref().unwrap_or("text/html");
    if !ct.to_ascii_lowercase().starts_with("text/") {
        return None;
    }
    let raw = crate::crawl::decode_content(
        &page.body,
        page.content_encoding.as_deref(),
        32 * 1024 * 1024,
    )
    .ok()?;
    Some(crate::crawl::decode::decode_html(&raw, Some(ct)).text)
}

fn resolve(base: &str, src: &str) -> Option<String> {
    let base = url::Url::parse(base).ok()?;
    let u = base.join(src.trim()).ok()?;
    matches!(u.scheme(), "http" | "https").then(|| u.to_string())
}

/// The images of an article's archived page and whether each was archived.
pub fn archived_images(
    home: &Home,
    store: &Store,
    article: &str,
) -> Result<Vec<ArchivedImage>, ReviewError> {
    let Some(row) = store.article(article)? else {
        return Ok(Vec::new());
    };
    let Some(page) = archived_page(home, store, article)? else {
        return Ok(Vec::new());
    };
    let Some(text) = page_text(&page) else {
        return Ok(Vec::new());
    };
    let mut out: Vec<ArchivedImage> = Vec::new();
    for cap in img_src().captures_iter(&text).take(MAX_IMAGES) {
        let src = cap
            .get(3)
            .or_else(|| cap.get(4))
            .or_else(|| cap.get(5))
            .map_or("", |m| m.as_str());
        let Some(url) = resolve(&row.article.url, src) else {
            continue;
        };
        if out.iter().any(|i| i.url == url) {
            continue;
        }
        let archived = store.archived_answer(&url)?.is_some();
        out.push(ArchivedImage { url, archived });
    }
    Ok(out)
}

/// An archived image as a `data:` URL, its digest checked (none: not
/// archived, not an image, too large or damaged).
fn image_data_url(home: &Home, store: &Store, url: &str) -> Option<String> {
    let (loc, content_type) = store.archived_answer(url).ok()??;
    let rec = read_record_at(&home.archive_dir().join(&loc.warc_file), loc.warc_offset).ok()?;
    if loc.payload_sha256.as_deref() != Some(sha256_hex(&rec.body).as_str()) {
        return None;
    }
    let ct = content_type
        .or_else(|| rec.header("content-type").map(str::to_string))?
        .split(';')
        .next()?
        .trim()
        .to_ascii_lowercase();
    if !ct.starts_with("image/") || ct.contains("svg") {
        return None;
    }
    let body = crate::crawl::decode_content(
        &rec.body,
        rec.header("content-encoding"),
        MAX_IMAGE_BYTES as u64,
    )
    .ok()?;
    Some(format!(
        "data:{ct};base64,{}",
        base64::engine::general_purpose::STANDARD.encode(body)
    ))
}

/// The archived page with its archived images in place: text as UTF-8
/// (`None` content encoding), anything else as it was.
pub fn archived_page_with_images(
    home: &Home,
    store: &Store,
    article: &str,
) -> Result<Option<ArchivedPage>, ReviewError> {
    let Some(page) = archived_page(home, store, article)? else {
        return Ok(None);
    };
    let Some(row) = store.article(article)? else {
        return Ok(Some(page));
    };
    let Some(text) = page_text(&page) else {
        return Ok(Some(page));
    };
    let mut seen = 0usize;
    let rewritten = img_src().replace_all(&text, |cap: &regex::Captures<'_>| {
        let prefix = cap.get(1).map_or("", |m| m.as_str());
        let src = cap
            .get(3)
            .or_else(|| cap.get(4))
            .or_else(|| cap.get(5))
            .map_or("", |m| m.as_str());
        seen += 1;
        let data = (seen <= MAX_IMAGES)
            .then(|| resolve(&row.article.url, src))
            .flatten()
            .and_then(|u| image_data_url(home, store, &u));
        match data {
            Some(d) => format!("{prefix}\"{d}\""),
            None => cap.get(0).map_or(String::new(), |m| m.as_str().to_string()),
        }
    });
    Ok(Some(ArchivedPage {
        body: rewritten.into_owned().into_bytes(),
        content_type: Some("text/html; charset=utf-8".into()),
        content_encoding: None,
        verified: page.verified,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_sources_are_found_in_every_quoting() {
        let html = r#"<p><img class=a src="/a.jpg"><IMG SRC='b.png' alt=x><img src=c.gif></p>"#;
        let found: Vec<String> = img_src()
            .captures_iter(html)
            .map(|c| {
                c.get(3)
                    .or_else(|| c.get(4))
                    .or_else(|| c.get(5))
                    .unwrap()
                    .as_str()
                    .to_string()
            })
            .collect();
        assert_eq!(found, vec!["/a.jpg", "b.png", "c.gif"]);
        assert_eq!(
            resolve(
                "http://paper.cn/html/2026-03/04/n.htm",
                "../../../res/1.jpg"
            )
            .as_deref(),
            Some("http://paper.cn/res/1.jpg")
        );
        assert_eq!(resolve("http://paper.cn/a", "javascript:x"), None);
    }
}
