//! Text cleaning for Chinese pages: the DOM walk that turns an element into
//! paragraphs (block elements and `<br>` break lines, scripts and styles are
//! skipped), the cleaning of full-width spaces, `　　` paragraph indents and
//! `&nbsp;`, whitespace collapsing that keeps paragraphs, and the author-line
//! cleanup (`作者：`, `《人民日报》（…版）` tails; `本报记者` is kept).

use ego_tree::NodeId;
use ego_tree::iter::Edge;
use regex::Regex;
use scraper::{ElementRef, Node};
use std::collections::HashSet;
use std::sync::LazyLock;

/// Elements whose content is never text.
pub(crate) fn is_skipped_tag(name: &str) -> bool {
    matches!(
        name,
        "script"
            | "style"
            | "noscript"
            | "template"
            | "iframe"
            | "svg"
            | "canvas"
            | "object"
            | "embed"
            | "select"
            | "option"
            | "button"
            | "input"
            | "textarea"
            | "head"
            | "title"
            | "meta"
            | "link"
    )
}

/// Elements that start a new line.
pub(crate) fn is_block_tag(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "br"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "li"
            | "ul"
            | "ol"
            | "tr"
            | "table"
            | "tbody"
            | "thead"
            | "section"
            | "article"
            | "main"
            | "header"
            | "footer"
            | "blockquote"
            | "pre"
            | "dd"
            | "dt"
            | "dl"
            | "figure"
            | "figcaption"
            | "center"
            | "hr"
            | "form"
            | "aside"
            | "nav"
            | "address"
            | "founder-content"
    )
}

/// An element a reader never sees: `hidden`, or `display:none` /
/// `visibility:hidden` in its style (a hidden 原标题 line, an empty
/// subtitle kept for the template).
fn is_hidden(e: &scraper::node::Element) -> bool {
    if e.attr("hidden").is_some() {
        return true;
    }
    e.attr("style").is_some_and(|s| {
        let s: String = s
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        s.contains("display:none") || s.contains("visibility:hidden")
    })
}

/// The text of `el` with one line per block, skipping the subtrees in `skip`.
/// Lines are not yet cleaned; pass the result through [`clean_text`].
/// Iterative, so deeply nested broken HTML cannot overflow the stack.
pub fn block_text(el: ElementRef<'_>, skip: &HashSet<NodeId>) -> String {
    let mut out = String::new();
    let mut skipping: Option<NodeId> = None;
    for edge in el.traverse() {
        match edge {
            Edge::Open(node) => {
                if skipping.is_some() {
                    continue;
                }
                match node.value() {
                    Node::Text(t) => out.push_str(t),
                    Node::Element(e) => {
                        if node.id() != el.id()
                            && (skip.contains(&node.id())
                                || is_skipped_tag(e.name())
                                || is_hidden(e))
                        {
                            skipping = Some(node.id());
                        } else if is_block_tag(e.name()) {
                            out.push('\n');
                        }
                    }
                    _ => {}
                }
            }
            Edge::Close(node) => {
                if skipping == Some(node.id()) {
                    skipping = None;
                } else if skipping.is_none()
                    && let Node::Element(e) = node.value()
                    && is_block_tag(e.name())
                {
                    out.push('\n');
                }
            }
        }
    }
    out
}

/// Inline text of an element (title, author): all whitespace collapsed.
pub fn inline_text(el: ElementRef<'_>) -> String {
    clean_inline(&block_text(el, &HashSet::new()))
}

fn is_space(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '\u{3000}' | '\u{a0}' | '\u{200b}' | '\u{feff}' | '\u{2002}' | '\u{2003}'
        )
}

/// Collapse every run of whitespace (full-width spaces, `&nbsp;`, newlines)
/// to one space and trim the ends.
pub fn clean_inline(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.replace("&nbsp;", " ").chars() {
        if is_space(c) {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(c);
    }
    out
}

/// Clean a multi-line text: each line cleaned like [`clean_inline`] (so the
/// `　　` indents go), empty lines dropped, lines joined by `\n`.
pub fn clean_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for line in s.split(['\n', '\r']) {
        let l = clean_inline(line);
        if l.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&l);
    }
    out
}

static AUTHOR_TAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"《\s*[^》]{2,12}\s*》\s*[（(][^）)]*[）)]?.*$|\d{4}\s*[-年/.]\s*\d{1,2}\s*[-月/.]\s*\d{1,2}.*$")
        .expect("static regex")
});
static AUTHOR_HEAD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:作者|记者|文|撰稿|来源)\s*[：:｜|]\s*|^[（(【\[]\s*|\s*[）)】\]]$")
        .expect("static regex")
});

/// Clean an author line: `作者：本报记者 张三 《人民日报》（2026年03月04日 05 版）`
/// becomes `本报记者 张三`. Returns `None` when nothing is left.
pub fn clean_author(s: &str) -> Option<String> {
    let s = clean_inline(s);
    let s = AUTHOR_TAIL.replace(&s, "");
    let mut s = s.trim().to_string();
    loop {
        let next = AUTHOR_HEAD.replace_all(&s, "").trim().to_string();
        if next == s {
            break;
        }
        s = next;
    }
    let s = s
        .trim_matches(|c: char| is_space(c) || matches!(c, '|' | '｜' | ',' | '，'))
        .to_string();
    (!s.is_empty()).then_some(s)
}

/// Prefixes broadcasters put before the first paragraph.
const BODY_PREFIXES: &[&str] = &[
    "央视网消息（新闻联播）：",
    "央视网消息(新闻联播):",
    "央视网消息（新闻联播）:",
];

/// Remove a known broadcaster prefix from the start of the body.
pub fn strip_body_prefix(body: &str) -> String {
    for p in BODY_PREFIXES {
        if let Some(rest) = body.strip_prefix(p) {
            return rest.trim_start().to_string();
        }
    }
    body.to_string()
}

/// Remove a leading `[视频]` / `【视频】` / `[组图]` tag from a title.
pub fn strip_title_prefix(title: &str) -> String {
    let t = title.trim_start();
    for p in ["[视频]", "【视频】", "[组图]", "【组图】", "[图文]"] {
        if let Some(rest) = t.strip_prefix(p) {
            return rest.trim_start().to_string();
        }
    }
    t.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use scraper::Html;

    #[test]
    fn paragraphs_kept_and_indents_removed() {
        let doc = Html::parse_fragment(
            "<div><p>\u{3000}\u{3000}第一段。</p><p>&nbsp;第二  段<br>换行</p><script>var x=1;</script></div>",
        );
        let el = doc.root_element();
        let t = clean_text(&block_text(el, &HashSet::new()));
        assert_eq!(t, "第一段。\n第二 段\n换行");
    }

    #[test]
    fn inline_collapses_whitespace() {
        assert_eq!(
            clean_inline("  人民\u{3000}\u{3000}日报&nbsp;Daily \n News "),
            "人民 日报 Daily News"
        );
    }

    #[test]
    fn author_cleanup() {
        assert_eq!(
            clean_author("作者：本报记者 张三 《 人民日报 》（ 2026年03月04日 05 版）").as_deref(),
            Some("本报记者 张三")
        );
        assert_eq!(
            clean_author("本报记者  李四  王五").as_deref(),
            Some("本报记者 李四 王五")
        );
        assert_eq!(clean_author("作者：").as_deref(), None);
    }

    #[test]
    fn title_tags_stripped() {
        assert_eq!(strip_title_prefix("[视频]国资委部署改革"), "国资委部署改革");
        assert_eq!(strip_title_prefix("国资委[视频]"), "国资委[视频]");
    }

    #[test]
    fn broadcast_prefix_stripped() {
        assert_eq!(strip_body_prefix("央视网消息（新闻联播）：今天"), "今天");
        assert_eq!(strip_body_prefix("新华社电 今天"), "新华社电 今天");
    }
}
