//! The Founder (方正) e-paper metadata comment:
//! `<!--enpproperty <articleid>…</articleid><date>2026-03-04 00:00:00.0</date>
//! <author>…</author><title><p>…</p></title><subtitle>…</subtitle>
//! <introtitle>…</introtitle>…/enpproperty-->`. Newer sites prefix the tags
//! (`<founder-title>`, `<founder-date>`). Values may be wrapped in `<p>`. Used
//! as cross-check and fallback for title, subtitle, pre-title, author and date.

use super::dates::parse_date;
use super::text::clean_inline;
use chrono::NaiveDate;
use regex::Regex;
use std::sync::LazyLock;

/// The fields read from an `enpproperty` comment (empty values are `None`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EnpProperty {
    pub title: Option<String>,
    pub subtitle: Option<String>,
    /// 引题 (pre-title).
    pub introtitle: Option<String>,
    pub author: Option<String>,
    pub date: Option<NaiveDate>,
}

fn field_re(name: &str) -> Regex {
    Regex::new(&format!(
        r"(?is)<(?:founder-)?{name}>(.*?)</(?:founder-)?{name}>"
    ))
    .expect("static regex")
}

static TITLE: LazyLock<Regex> = LazyLock::new(|| field_re("title"));
static SUBTITLE: LazyLock<Regex> = LazyLock::new(|| field_re("subtitle"));
static INTROTITLE: LazyLock<Regex> = LazyLock::new(|| field_re("introtitle"));
static AUTHOR: LazyLock<Regex> = LazyLock::new(|| field_re("author"));
static DATE: LazyLock<Regex> = LazyLock::new(|| field_re("date"));
static FOUNDER_TAG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?is)<founder-(?:title|date|author|subtitle|introtitle)>").expect("static regex")
});
static TAG: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?s)<[^>]*>").expect("static regex"));

/// Decode the few entities that occur in these comments.
fn decode_entities(s: &str) -> String {
    s.replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

fn value(re: &Regex, block: &str) -> Option<String> {
    let raw = re.captures(block)?.get(1)?.as_str();
    let v = clean_inline(&decode_entities(&TAG.replace_all(raw, " ")));
    (!v.is_empty()).then_some(v)
}

/// The metadata block: the `enpproperty` comment, or (newer sites) the
/// region holding `<founder-…>` tags.
fn block(html: &str) -> Option<&str> {
    if let Some(start) = html.find("<!--enpproperty") {
        let rest = &html[start..];
        let end = rest
            .find("/enpproperty-->")
            .or_else(|| rest.find("-->"))
            .unwrap_or(rest.len());
        return Some(&rest[..end]);
    }
    let m = FOUNDER_TAG.find(html)?;
    let end = html[m.start()..]
        .char_indices()
        .nth(4000)
        .map_or(html.len(), |(i, _)| m.start() + i);
    Some(&html[m.start()..end])
}

/// Parse the Founder metadata of a page; `None` when the page has none.
pub fn parse_enp(html: &str) -> Option<EnpProperty> {
    let b = block(html)?;
    let p = EnpProperty {
        title: value(&TITLE, b),
        subtitle: value(&SUBTITLE, b),
        introtitle: value(&INTROTITLE, b),
        author: value(&AUTHOR, b),
        date: value(&DATE, b).and_then(|d| parse_date(&d)),
    };
    (p != EnpProperty::default()).then_some(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn people_daily_comment() {
        let html = "<div id=ozoom><!--enpproperty <articleid>30012345</articleid><date>2026-03-04 00:00:00.0</date>\
            <author>本报记者 张三</author><title><p>国企改革&nbsp;深化提升</p></title><keyword></keyword>\
            <subtitle></subtitle><introtitle><p>聚焦高质量发展</p></introtitle><siteid>1</siteid>/enpproperty-->";
        let p = parse_enp(html).expect("enp");
        assert_eq!(p.title.as_deref(), Some("国企改革 深化提升"));
        assert_eq!(p.introtitle.as_deref(), Some("聚焦高质量发展"));
        assert_eq!(p.subtitle, None);
        assert_eq!(p.author.as_deref(), Some("本报记者 张三"));
        assert_eq!(p.date, NaiveDate::from_ymd_opt(2026, 3, 4));
    }

    #[test]
    fn founder_prefixed_tags() {
        let html = "<html><head><title>页面</title></head><!--<founder-title>三峡库区新变化</founder-title>\
            <founder-date>2026-02-01</founder-date><founder-subtitle><p>副题</p></founder-subtitle>-->";
        let p = parse_enp(html).expect("enp");
        assert_eq!(p.title.as_deref(), Some("三峡库区新变化"));
        assert_eq!(p.subtitle.as_deref(), Some("副题"));
        assert_eq!(p.date, NaiveDate::from_ymd_opt(2026, 2, 1));
    }

    #[test]
    fn absent() {
        assert_eq!(
            parse_enp("<html><title>x</title><p>无元数据</p></html>"),
            None
        );
    }
}
