//! Anti-bot challenge pages. Chinese government sites answer scripted clients
//! with HTTP 521 or 412 and a JavaScript body that sets a cookie and reloads
//! (`__jsl_clearance`, `acw_sc__v2`, Ruishu `$_ts`). Such a page is reported,
//! never stored as an article; solving it would need a JS engine.

use regex::Regex;
use std::sync::LazyLock;

static SCRIPT_OR_STYLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?is)<script\b.*?</script\s*>|<style\b.*?</style\s*>|<!--.*?-->")
        .expect("static regex")
});
static TAG: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?s)<[^>]*>").expect("static regex"));

const MARKERS: &[&str] = &[
    "document.cookie",
    "__jsl_clearance",
    "acw_sc__",
    "$_ts",
    "_$",
    "eval(function(p,a,c,k",
];

/// Visible characters of a page (scripts, styles, comments and tags removed).
fn visible_chars(html: &str) -> usize {
    let no_script = SCRIPT_OR_STYLE.replace_all(html, " ");
    let text = TAG.replace_all(&no_script, " ");
    text.chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{3000}')
        .count()
}

/// `Some(reason)` when the response is a JavaScript cookie challenge: status
/// 521 or 412, or a body that is nothing but a cookie-setting script.
pub fn detect_challenge(status: u16, html: &str) -> Option<String> {
    if status == 521 || status == 412 {
        return Some(format!(
            "HTTP {status}: JavaScript cookie challenge (anti-bot), back off"
        ));
    }
    let lower = html.to_ascii_lowercase();
    if !lower.contains("<script") {
        return None;
    }
    let marker = MARKERS.iter().find(|m| html.contains(**m))?;
    if visible_chars(html) < 50 {
        return Some(format!(
            "script-only body with `{marker}`: JavaScript cookie challenge"
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_codes() {
        assert!(detect_challenge(521, "<html></html>").is_some_and(|r| r.contains("521")));
        assert!(detect_challenge(412, "").is_some_and(|r| r.contains("412")));
    }

    #[test]
    fn script_only_body() {
        let html = "<html><body><script>document.cookie='__jsl_clearance=1;path=/';location.href=location.pathname</script></body></html>";
        assert!(detect_challenge(200, html).is_some());
    }

    #[test]
    fn ordinary_pages_pass() {
        let article = "<html><body><script>document.cookie='a=1'</script><p>国务院国资委召开会议，研究部署深化国有企业改革工作，会议强调要坚持问题导向，扎实推进各项改革任务落地见效。</p></body></html>";
        assert_eq!(detect_challenge(200, article), None);
        let redirect =
            "<html><script>window.location.href='html/2026-03/04/node_1.htm'</script></html>";
        assert_eq!(
            detect_challenge(200, redirect),
            None,
            "a plain JS redirect is not a challenge"
        );
        assert_eq!(detect_challenge(404, "not found"), None);
    }
}
