//! Source/date metadata that sites print in or right under the headline
//! block: `文章来源：国资委网站 发布时间：2026-03-03`, `来源：… 时间：…`,
//! `作者：…`, `字号：大 中 小`, `浏览次数：…`, `打印 关闭`, bare dates. A title
//! never contains it: [`title_text`] takes a title element's headline without
//! its metadata blocks, [`strip_trailing_meta`] cuts such a tail off any
//! title string, and [`strip_body_meta`] drops it from the edges of a body.
//! What is cut is returned, so the date it holds stays usable.

use super::text::{block_text, clean_inline};
use regex::Regex;
use scraper::ElementRef;
use std::collections::HashSet;
use std::sync::LazyLock;

/// Labels that only ever introduce metadata.
const STRONG_LABELS: &str = "文章来源|信息来源|稿件来源|新闻来源|发布时间|发布日期|发表时间|更新时间|浏览次数|阅读次数|浏览量|阅读量|点击数|点击量|访问量|责任编辑";
/// Short labels that also occur in ordinary words; inside a title string
/// they count only after a space, separator or bracket.
const WEAK_LABELS: &str = "来源|时间|日期|作者|编辑|责编|字号";

/// A line that begins with a metadata label.
static LABEL_START: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^[\[【（(]?\s*(?:{STRONG_LABELS}|{WEAK_LABELS})\s*[：:]"
    ))
    .expect("static regex")
});
/// A line of page tools only: `字号 大 中 小`, `【打印】【关闭】`, `打印本页 关闭窗口`.
static TOOLS_ONLY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:[\s\[\]【】()（）|｜/·•:：]|字号|打印本页|打印|关闭窗口|关闭|分享到|分享|收藏|返回顶部|默认|大|中|小)+$")
        .expect("static regex")
});
/// A date (with optional time), optionally bracketed.
const DATE: &str = r"\d{4}\s*(?:[-/.]\s*\d{1,2}\s*[-/.]\s*\d{1,2}|年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?";
/// A line that is a date, or a short name followed by a date
/// (`国资委网站 2026-03-03`).
static DATE_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^(?:[^\s]{{1,20}}\s+)?[\[【(]?\s*{DATE}\s*[\]】)]?$"
    ))
    .expect("static regex")
});
/// Where a metadata tail starts inside a title string.
static TAIL_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?:{STRONG_LABELS})\s*[：:]|(?:^|[\s|｜/【\[（(])(?:{WEAK_LABELS})\s*[：:]"
    ))
    .expect("static regex")
});
/// A trailing date: bare, in `[]`/`【】`, or glued only in the numeric form.
static TAIL_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?:[\s|｜]+[\[【]?\s*{DATE}\s*[\]】]?|\d{{4}}[-/.]\d{{1,2}}[-/.]\d{{1,2}}(?:\s+\d{{1,2}}:\d{{2}}(?::\d{{2}})?)?)\s*$"
    ))
    .expect("static regex")
});
/// Trailing page tools, after a space, separator or bracket.
static TAIL_TOOLS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:[\s|｜]+|[\[【])[\[【]?(?:字号|打印本页|打印|关闭窗口|关闭|分享到|分享|收藏|大\s*中\s*小)[\]】]?\s*$")
        .expect("static regex")
});

/// Titles shorter than this are never cut (the cut would leave no headline).
const MIN_TITLE: usize = 4;

/// Whether `line` is metadata rather than headline or article text.
pub fn is_meta_line(line: &str) -> bool {
    let t = clean_inline(line);
    !t.is_empty() && (LABEL_START.is_match(&t) || TOOLS_ONLY.is_match(&t) || DATE_LINE.is_match(&t))
}

fn trim_separators(s: &str) -> &str {
    s.trim_end_matches(|c: char| {
        c.is_whitespace()
            || matches!(
                c,
                '|' | '｜' | '/' | '·' | '-' | '—' | '_' | ',' | '，' | '\u{3000}' | '\u{a0}'
            )
    })
}

/// Cut a metadata tail (`… 来源：国资委 2026-03-03`, `…发布时间：…`, a trailing
/// date, `打印 关闭`) off a title. Returns the headline and what was cut.
pub fn strip_trailing_meta(title: &str) -> (String, Option<String>) {
    let t = clean_inline(title);
    let mut head: &str = &t;
    // the first label at least MIN_TITLE characters in
    if let Some(m) = TAIL_LABEL
        .find_iter(&t)
        .find(|m| t[..m.start()].trim().chars().count() >= MIN_TITLE)
    {
        head = &t[..m.start()];
    }
    loop {
        let before = head;
        for re in [&*TAIL_DATE, &*TAIL_TOOLS] {
            if let Some(m) = re.find(head) {
                let rest = trim_separators(&head[..m.start()]);
                if rest.chars().count() >= MIN_TITLE {
                    head = rest;
                }
            }
        }
        head = trim_separators(head);
        if head == before {
            break;
        }
    }
    let cut = clean_inline(&t[head.len()..]);
    (head.to_string(), (!cut.is_empty()).then_some(cut))
}

/// The headline of a title element: its text without descendant blocks or
/// lines that are metadata, and without a metadata tail. The second value
/// is the metadata text that was left out (for the date). Empty when the
/// element holds nothing but metadata.
pub fn title_text(el: ElementRef<'_>) -> (String, Option<String>) {
    let mut skip = HashSet::new();
    let mut meta: Vec<String> = Vec::new();
    for d in el.descendants().skip(1) {
        let Some(child) = ElementRef::wrap(d) else {
            continue;
        };
        if child.ancestors().any(|a| skip.contains(&a.id())) {
            continue;
        }
        let t = clean_inline(&block_text(child, &HashSet::new()));
        if is_meta_line(&t) {
            skip.insert(child.id());
            meta.push(t);
        }
    }
    let mut lines: Vec<String> = Vec::new();
    for line in block_text(el, &skip).lines() {
        let l = clean_inline(line);
        if l.is_empty() {
            continue;
        }
        if is_meta_line(&l) {
            meta.push(l);
        } else {
            lines.push(l);
        }
    }
    let (head, tail) = strip_trailing_meta(&lines.join(" "));
    // the tail belongs before the blocks that followed the headline
    if let Some(t) = tail {
        meta.insert(0, t);
    }
    let meta = meta.join(" ");
    (head, (!meta.is_empty()).then_some(meta))
}

/// Drop metadata lines (and a line repeating the title) from the start of a
/// body, and page-tool lines (`打印本页 关闭窗口`) from its end.
pub fn strip_body_meta(body: &str, title: &str) -> String {
    let title = clean_inline(title);
    let lines: Vec<&str> = body.lines().collect();
    let mut start = 0;
    while start < lines.len().min(4) {
        let l = clean_inline(lines[start]);
        if (!title.is_empty() && l == title) || (l.chars().count() <= 80 && is_meta_line(&l)) {
            start += 1;
        } else {
            break;
        }
    }
    let mut end = lines.len();
    while end > start && TOOLS_ONLY.is_match(&clean_inline(lines[end - 1])) {
        end -= 1;
    }
    lines[start..end].join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use scraper::{Html, Selector};

    fn first(html: &str, sel: &str) -> (String, Option<String>) {
        let doc = Html::parse_document(html);
        let s = Selector::parse(sel).expect("valid");
        let el = doc.select(&s).next().expect("element");
        title_text(el)
    }

    #[test]
    fn meta_lines_recognised() {
        for l in [
            "文章来源：国资委网站 发布时间：2026-03-03",
            "来源：重庆市国资委",
            "【字号：大 中 小】",
            "字号 大 中 小",
            "打印本页 关闭窗口",
            "【打印】【关闭】",
            "2026年3月3日",
            "[2026-03-03 10:30]",
            "国资委网站 2026-03-03",
            "浏览次数：128",
            "作者：张三",
        ] {
            assert!(is_meta_line(l), "{l}");
        }
        for l in [
            "国资委召开中央企业负责人会议",
            "关于关闭落后产能的通知",
            "2026年国企改革推进会召开",
            "中小企业发展提速",
            "时间就是效益 来源于改革",
        ] {
            assert!(!is_meta_line(l), "{l}");
        }
    }

    #[test]
    fn title_element_without_its_metadata_blocks() {
        let (t, m) = first(
            "<div class=t>国资委召开推进会<p>文章来源：国资委网站&nbsp;&nbsp;发布时间：2026-03-03</p></div>",
            ".t",
        );
        assert_eq!(t, "国资委召开推进会");
        assert_eq!(
            m.as_deref(),
            Some("文章来源：国资委网站 发布时间：2026-03-03")
        );
        let (t, _) = first(
            "<div class=t>国资委召开推进会<span>来源：国资委</span><span>2026年3月3日</span><span>【打印】</span></div>",
            ".t",
        );
        assert_eq!(t, "国资委召开推进会");
        let (t, m) = first(
            "<h1 class=t>国资委召开推进会<br>时间：2026-03-03</h1>",
            ".t",
        );
        assert_eq!(t, "国资委召开推进会");
        assert_eq!(m.as_deref(), Some("时间：2026-03-03"));
        // a two-line headline stays whole
        let (t, m) = first("<h1 class=t>深化改革<br>激发活力</h1>", ".t");
        assert_eq!(t, "深化改革 激发活力");
        assert_eq!(m, None);
        // only metadata: no title
        let (t, _) = first("<div class=t><p>发布时间：2026-03-03</p></div>", ".t");
        assert_eq!(t, "");
    }

    #[test]
    fn trailing_metadata_cut_from_title_strings() {
        let cut = |s: &str| strip_trailing_meta(s).0;
        assert_eq!(
            cut("国资委召开推进会 来源：国资委 2026-03-03"),
            "国资委召开推进会"
        );
        assert_eq!(
            cut("国资委召开推进会文章来源：国资委网站"),
            "国资委召开推进会"
        );
        assert_eq!(cut("国资委召开推进会 2026年3月3日"), "国资委召开推进会");
        assert_eq!(cut("国资委召开推进会2026-03-03 10:30"), "国资委召开推进会");
        assert_eq!(cut("国资委召开推进会 | 打印 | 关闭"), "国资委召开推进会");
        assert_eq!(
            strip_trailing_meta("国资委召开推进会 发布时间：2026-03-03")
                .1
                .as_deref(),
            Some("发布时间：2026-03-03")
        );
        // ordinary titles are left alone
        for t in [
            "2026年国企改革推进会召开",
            "某煤矿宣布关闭",
            "关于调整工作时间的通知",
            "在国资委新闻发布会上的讲话（2026年3月3日）",
            "时间：一个新开始",
        ] {
            assert_eq!(cut(t), t);
        }
    }

    #[test]
    fn body_edges_lose_metadata() {
        let body = "国资委召开推进会\n文章来源：国资委网站 发布时间：2026-03-03\n会议指出，要深化改革。\n打印本页 关闭窗口";
        assert_eq!(
            strip_body_meta(body, "国资委召开推进会"),
            "会议指出，要深化改革。"
        );
        let body = "会议指出，要深化改革。\n来源：国资委";
        assert_eq!(strip_body_meta(body, "x"), body);
    }
}
