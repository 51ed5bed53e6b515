//! Bytes to text. The HTTP header's charset first; then a `<meta>` charset,
//! trusted only if a trial decode with it is clean; then UTF-8 if the bytes are
//! valid UTF-8; then GB18030 (a superset of GBK and GB2312) as the fallback.
//! Everything downstream is UTF-8.

use encoding_rs::{Encoding, GB18030, UTF_8};
use regex::bytes::Regex;
use std::sync::LazyLock;

/// Decoded text and the name of the encoding that produced it.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    pub text: String,
    pub encoding: &'static str,
    /// What was not clean (invalid bytes replaced), for the article's warnings.
    pub warnings: Vec<String>,
}

/// Share of invalid sequences (among non-ASCII characters) below which
/// UTF-8 bytes are taken as UTF-8 with damage, not as another encoding.
const MOSTLY_UTF8: f64 = 0.05;

/// Decode as UTF-8 with replacement if the damage is small: returns the text
/// and the number of invalid sequences.
fn mostly_utf8(bytes: &[u8]) -> Option<(String, usize)> {
    let text = String::from_utf8_lossy(bytes);
    let bad = text
        .chars()
        .filter(|c| *c == char::REPLACEMENT_CHARACTER)
        .count();
    let non_ascii = text.chars().filter(|c| !c.is_ascii()).count();
    (non_ascii > 0 && (bad as f64) <= MOSTLY_UTF8 * non_ascii as f64)
        .then(|| (text.into_owned(), bad))
}

fn decoded(text: String, enc: &'static Encoding) -> Decoded {
    Decoded {
        text,
        encoding: enc.name(),
        warnings: vec![],
    }
}

fn damaged_utf8(text: String, bad: usize) -> Decoded {
    tracing::warn!(
        invalid = bad,
        "UTF-8 page with invalid bytes; decoded with replacement"
    );
    Decoded {
        text,
        encoding: UTF_8.name(),
        warnings: vec![format!(
            "{bad} invalid UTF-8 byte sequence(s) replaced with U+FFFD"
        )],
    }
}

static META_CHARSET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)<meta[^>]+charset\s*=\s*["']?\s*([a-z0-9_\-]+)"#).expect("static regex")
});

/// The charset named in a `Content-Type` header value, if any.
pub fn header_charset(content_type: &str) -> Option<&str> {
    content_type.split(';').skip(1).find_map(|part| {
        let (k, v) = part.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| v.trim().trim_matches('"').trim_matches('\''))
    })
}

/// Map a label to an encoding; every GB label becomes GB18030.
fn lookup(label: &str) -> Option<&'static Encoding> {
    let enc = Encoding::for_label(label.trim().as_bytes())?;
    if enc == encoding_rs::GBK || label.eq_ignore_ascii_case("gb2312") {
        return Some(GB18030);
    }
    Some(enc)
}

fn clean_decode(enc: &'static Encoding, bytes: &[u8]) -> Option<String> {
    let (text, had_errors) = enc.decode_without_bom_handling(bytes);
    (!had_errors).then(|| text.into_owned())
}

/// Decode an HTML (or any text) body.
pub fn decode_html(bytes: &[u8], content_type: Option<&str>) -> Decoded {
    // A byte-order mark is the strongest signal of all.
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let (text, _) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        return decoded(text.into_owned(), enc);
    }
    let declared_utf8 = |enc: &'static Encoding| enc == UTF_8;
    if let Some(enc) = content_type.and_then(header_charset).and_then(lookup) {
        // The header is trusted, but a header claiming UTF-8 over GBK bytes is
        // common enough on old sites to check.
        if let Some(text) = clean_decode(enc, bytes) {
            return decoded(text, enc);
        }
        if declared_utf8(enc)
            && let Some((text, bad)) = mostly_utf8(bytes)
        {
            return damaged_utf8(text, bad);
        }
    }
    let valid_utf8 = std::str::from_utf8(bytes).is_ok();
    let head = &bytes[..bytes.len().min(4096)];
    if let Some(enc) = META_CHARSET
        .captures(head)
        .and_then(|c| c.get(1))
        .and_then(|m| std::str::from_utf8(m.as_bytes()).ok())
        .and_then(lookup)
        // Valid UTF-8 with non-ASCII bytes is almost never GBK by chance: a
        // `gb2312` meta over UTF-8 bytes is a known mislabel, not the truth.
        && (enc == UTF_8 || !valid_utf8 || bytes.is_ascii())
        && let Some(text) = clean_decode(enc, bytes)
    {
        return decoded(text, enc);
    }
    if valid_utf8 {
        return decoded(String::from_utf8_lossy(bytes).into_owned(), UTF_8);
    }
    if let Some(text) = clean_decode(GB18030, bytes) {
        return decoded(text, GB18030);
    }
    // Neither decodes cleanly: a few stray bytes in UTF-8 beat mojibake.
    if let Some((text, bad)) = mostly_utf8(bytes) {
        return damaged_utf8(text, bad);
    }
    let (text, _) = GB18030.decode_without_bom_handling(bytes);
    Decoded {
        text: text.into_owned(),
        encoding: GB18030.name(),
        warnings: vec!["neither UTF-8 nor GB18030 decodes cleanly; read as GB18030".into()],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gbk(s: &str) -> Vec<u8> {
        GB18030.encode(s).0.into_owned()
    }

    #[test]
    fn header_charset_is_read() {
        assert_eq!(header_charset("text/html; charset=GBK"), Some("GBK"));
        assert_eq!(header_charset("text/html;charset=\"utf-8\""), Some("utf-8"));
        assert_eq!(header_charset("text/html"), None);
    }

    #[test]
    fn gbk_page_with_wrong_meta_falls_back_to_gb18030() {
        let html = "<html><head><meta charset=\"utf-8\"></head><body>万州城投集团深化国企改革</body></html>";
        let d = decode_html(&gbk(html), None);
        assert_eq!(d.encoding, "gb18030");
        assert!(d.text.contains("万州城投集团深化国企改革"));
    }

    #[test]
    fn header_wins_when_it_decodes_cleanly() {
        let html = "<meta charset=utf-8><p>混合所有制改革</p>";
        let d = decode_html(&gbk(html), Some("text/html; charset=gb2312"));
        assert_eq!(d.encoding, "gb18030");
        assert!(d.text.contains("混合所有制改革"));
    }

    #[test]
    fn utf8_page_labelled_gb2312_in_meta_stays_utf8() {
        let html =
            "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\"><p>国资委</p>";
        let d = decode_html(html.as_bytes(), None);
        assert_eq!(d.encoding, "UTF-8");
        assert!(d.text.contains("国资委"));
    }

    #[test]
    fn meta_charset_used_when_header_absent() {
        let html = "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gbk\"></head><body>三峡水务</body></html>";
        let d = decode_html(&gbk(html), Some("text/html"));
        assert_eq!(d.encoding, "gb18030");
        assert!(d.text.contains("三峡水务"));
    }

    #[test]
    fn one_stray_byte_in_declared_utf8_stays_utf8_with_a_warning() {
        let mut html = "<html><head><meta charset=\"utf-8\"></head><body><p>无效字节之后仍是万州城投集团的改革报道。</p>".as_bytes().to_vec();
        html.push(0xFF);
        html.extend_from_slice(
            "<p>深化国有企业改革，推进混合所有制改革。</p></body></html>".as_bytes(),
        );
        for ct in [Some("text/html; charset=utf-8"), None] {
            let d = decode_html(&html, ct);
            assert_eq!(d.encoding, "UTF-8", "{ct:?}");
            assert!(d.text.contains("万州城投集团的改革报道"), "{}", d.text);
            assert!(d.text.contains("推进混合所有制改革"));
            assert_eq!(d.warnings.len(), 1, "{:?}", d.warnings);
        }
    }

    #[test]
    fn gbk_under_a_utf8_header_is_still_gbk() {
        let html =
            "<html><body><p>万州区国资委召开国企改革推进会，部署三项制度改革。</p></body></html>";
        let d = decode_html(&gbk(html), Some("text/html; charset=utf-8"));
        assert_eq!(d.encoding, "gb18030");
        assert!(d.text.contains("部署三项制度改革"));
        assert!(d.warnings.is_empty());
    }
}
