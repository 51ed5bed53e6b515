//! Authors as a reader sees them. A `<meta name="author">` often holds a
//! content system's code (`L_104485`, `105464`, `2909`) or the site's
//! name: it is taken only when it looks like a name or a byline. The
//! printed byline (本报记者 王明, 新华社记者 李华, 通讯员 赵强, the
//! dateline's （记者 王明）) is found in the lines under the headline and
//! at the top of the body.

use super::text::clean_author;
use regex::Regex;
use std::sync::LazyLock;

/// Who writes: the reporter's title as printed.
const ROLE: &str = r"(?:本报(?:特约)?记者|本报通讯员|本报评论员|新华社(?:特约)?记者|新华社通讯员|人民日报(?:特约)?记者|中新社记者|央视记者|总台记者|[^\s，。：:（）()]{1,12}?记者|特约记者|实习记者|通讯员|记者|评论员|特约撰稿人|撰稿|文|图|作者)";
/// A line that is a byline and nothing else: roles and names (2–4 Han
/// characters, or a name with a middle dot), separated by spaces or 、，.
static BYLINE_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^(?:(?:{ROLE})\s*[：:]?\s*(?:[\p{{Han}}·]{{1,5}}(?:\s[\p{{Han}}]{{1,2}})?(?:[\s、，,]+|$))+)+$"
    ))
    .expect("static regex")
});
/// A dateline's bracket: 本报重庆6月11日电（记者 王明）, 新华社重庆6月1日电（记者李华、赵强）.
static DATELINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(本报|新华社|中新社|人民网|新华网)?[^（(\n]{0,20}?(?:电|讯)\s*[（(]\s*((?:本报|新华社)?(?:记者|通讯员)[^）)\n]{1,40})[）)]")
        .expect("static regex")
});
/// An internal code in place of a name.
static CODE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[A-Za-z]{0,4}[_\-]?[0-9][0-9A-Za-z_\-]*$").expect("static regex")
});

/// Does a metadata author look like a name or a byline?
pub fn plausible_author(s: &str) -> bool {
    let s = s.trim();
    let n = s.chars().count();
    if n == 0 || n > 40 || CODE.is_match(s) {
        return false;
    }
    let digits = s.chars().filter(char::is_ascii_digit).count();
    if digits * 3 > n {
        return false;
    }
    let han = s.chars().filter(|c| is_han(*c)).count();
    let letters = s.chars().filter(char::is_ascii_alphabetic).count();
    if han == 0 && letters < 3 {
        return false;
    }
    // The site's own name (人民网, 新华网) is a source, not an author.
    if han > 0 && n <= 8 && (s.ends_with('网') || s.ends_with("客户端") || s.ends_with("网站"))
    {
        return false;
    }
    true
}

fn is_han(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c) || ('\u{3400}'..='\u{4dbf}').contains(&c)
}

/// A metadata author, cleaned, when it looks like one.
pub fn meta_author(s: &str) -> Option<String> {
    clean_author(s).filter(|a| plausible_author(a))
}

/// Whether a line is a printed byline and nothing else.
pub fn is_byline_line(line: &str) -> bool {
    let l = line.trim();
    let n = l.chars().count();
    (2..=48).contains(&n) && !l.ends_with('。') && BYLINE_LINE.is_match(l) && has_role(l)
}

fn has_role(l: &str) -> bool {
    [
        "记者",
        "通讯员",
        "评论员",
        "撰稿",
        "作者",
        "文／",
        "文/",
        "文：",
    ]
    .iter()
    .any(|r| l.contains(r))
}

/// The printed byline among the first lines of `text` (a body, or the page
/// text under the headline): a byline line, or a dateline's （记者 …）.
pub fn printed_byline(text: &str, lines: usize) -> Option<String> {
    for line in text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .take(lines)
    {
        let line = line.trim_start_matches(['\u{3000}', ' ']);
        if is_byline_line(line) {
            return clean_author(line);
        }
        if let Some(c) = DATELINE.captures(line) {
            let who = c.get(2).map_or("", |m| m.as_str()).trim();
            let who = match c.get(1).map(|m| m.as_str()) {
                Some(org @ ("本报" | "新华社" | "中新社")) if !who.starts_with(org) => {
                    format!("{org}{who}")
                }
                _ => who.to_string(),
            };
            return clean_author(&who);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_site_names_are_not_authors() {
        for code in [
            "L_104485",
            "105464",
            "2909",
            "rmw_01",
            "xh-2024",
            "人民网",
            "新华网",
            " ",
        ] {
            assert!(!plausible_author(code), "{code}");
        }
        for name in [
            "王明",
            "本报记者 王乐文 方敏",
            "新华社记者 李华",
            "Zhang Wei",
            "欧阳·木兰",
        ] {
            assert!(plausible_author(name), "{name}");
        }
        assert_eq!(meta_author("L_104485"), None);
        assert_eq!(meta_author("作者：王明").as_deref(), Some("王明"));
    }

    #[test]
    fn printed_bylines_in_the_text() {
        assert_eq!(
            printed_byline("本报记者 王乐文 方 敏\n河南着力培育新动能", 3).as_deref(),
            Some("本报记者 王乐文 方 敏")
        );
        assert_eq!(
            printed_byline("新华社记者 李华 赵强\n正文", 3).as_deref(),
            Some("新华社记者 李华 赵强")
        );
        assert_eq!(
            printed_byline("本报记者 王明 通讯员 李强\n正文", 3).as_deref(),
            Some("本报记者 王明 通讯员 李强")
        );
        assert_eq!(
            printed_byline("《瞭望》新闻周刊记者 吴凡\n在三峡库区", 3).as_deref(),
            Some("《瞭望》新闻周刊记者 吴凡")
        );
        assert_eq!(
            printed_byline(
                "本报重庆6月11日电（记者 王明）走进万州，墙上的公示栏格外醒目。",
                3
            )
            .as_deref(),
            Some("本报记者 王明")
        );
        assert_eq!(
            printed_byline("新华社重庆6月1日电（记者李华、赵强）近日，万州区……", 3).as_deref(),
            Some("新华社记者李华、赵强")
        );
        // Sentences that mention a reporter are not bylines.
        assert_eq!(
            printed_byline("记者走进万州城投集团，看到了改革的成果。", 3),
            None
        );
        assert_eq!(
            printed_byline("近年来，万州区推进改革。\n记者了解到，改革成效明显。", 3),
            None
        );
    }
}
