//! The generic main-content extractor, used when a source's selectors find no
//! body. A text-density method in the spirit of GNE: one pass over the DOM
//! gathers, per element, its text, link text, punctuation and tag counts;
//! the element with the best density score is the article container; its
//! text is then taken without link-heavy blocks and boilerplate
//! (share bars, related lists, comment boxes). Measured on the Chinese
//! magic-html set, see `bench/EXTRACT.md`.

use super::text::{block_text, clean_text, is_block_tag, is_skipped_tag};
use super::title::headline;
use ego_tree::NodeId;
use ego_tree::iter::Edge;
use regex::Regex;
use scraper::{ElementRef, Html, Node};
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

#[derive(Debug, Default, Clone, Copy)]
struct Stats {
    text: u32,
    link: u32,
    punct: u32,
    tags: u32,
    link_tags: u32,
}

impl Stats {
    fn add(&mut self, o: &Stats) {
        self.text += o.text;
        self.link += o.link;
        self.punct += o.punct;
        self.tags += o.tags;
        self.link_tags += o.link_tags;
    }
}

fn is_punct(c: char) -> bool {
    matches!(
        c,
        '，' | '。'
            | '！'
            | '？'
            | '；'
            | '、'
            | '：'
            | '“'
            | '”'
            | '（'
            | '）'
            | '《'
            | '》'
            | ','
            | '.'
            | '!'
            | '?'
            | ';'
    )
}

static BOILERPLATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)share|comment|related|recommend|footer|copyright|sidebar|breadcrumb|crumb|navbar|\bnav\b|menu|toolbar|advert|\bad\b|banner|qrcode|erweima|pinglun|xiangguan|tuijian|fenxiang|hot-?news|paging|pagination")
        .expect("static regex")
});

/// What the generic extractor found.
#[derive(Debug, Clone, Default)]
pub struct GenericResult {
    /// Cleaned body, paragraphs separated by `\n`; empty when nothing was found.
    pub body: String,
}

/// Per-element statistics plus the "direct" text of every block (the text
/// whose nearest block ancestor it is), gathered in one iterative pass.
struct Gathered {
    stats: HashMap<NodeId, Stats>,
    /// block id -> (chars, commas) of its direct text.
    direct: Vec<(NodeId, u32, u32)>,
}

struct Frame {
    id: NodeId,
    st: Stats,
    in_link: bool,
    skipped: bool,
    block: bool,
    direct: u32,
    commas: u32,
}

fn gather(doc: &Html) -> Gathered {
    let mut stats = HashMap::new();
    let mut direct = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    for edge in doc.root_element().traverse() {
        match edge {
            Edge::Open(node) => match node.value() {
                Node::Element(e) => {
                    let (in_link, skipped) = stack
                        .last()
                        .map(|f| (f.in_link, f.skipped))
                        .unwrap_or((false, false));
                    let name = e.name();
                    stack.push(Frame {
                        id: node.id(),
                        st: Stats::default(),
                        in_link: in_link || name == "a",
                        skipped: skipped || is_skipped_tag(name),
                        block: is_block_tag(name) || name == "td",
                        direct: 0,
                        commas: 0,
                    });
                }
                Node::Text(t) => {
                    let Some(top) = stack.last_mut() else {
                        continue;
                    };
                    if top.skipped {
                        continue;
                    }
                    let (mut n, mut p, mut commas) = (0, 0, 0);
                    for c in t.chars() {
                        if !c.is_whitespace() && c != '\u{3000}' && c != '\u{a0}' {
                            n += 1;
                            if is_punct(c) {
                                p += 1;
                                if matches!(c, '，' | '。' | '、' | '；' | ',') {
                                    commas += 1;
                                }
                            }
                        }
                    }
                    top.st.text += n;
                    top.st.punct += p;
                    if top.in_link {
                        top.st.link += n;
                    }
                    if let Some(b) = stack.iter_mut().rev().find(|f| f.block) {
                        b.direct += n;
                        b.commas += commas;
                    }
                }
                _ => {}
            },
            Edge::Close(node) => {
                if let Node::Element(e) = node.value()
                    && let Some(mut f) = stack.pop()
                {
                    if f.skipped {
                        continue;
                    }
                    let name = e.name();
                    f.st.tags += 1;
                    if name == "a" {
                        f.st.link_tags += 1;
                    }
                    if let Some(parent) = stack.last_mut() {
                        parent.st.add(&f.st);
                    }
                    if f.block && f.direct > 0 {
                        direct.push((f.id, f.direct, f.commas));
                    }
                    stats.insert(f.id, f.st);
                }
            }
        }
    }
    Gathered { stats, direct }
}

static POSITIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)article|body|content|entry|main|page|post|text|story|zoom|detail|cont|txt|zhengwen|wenzhang|neirong|ozoom|trs_|view")
        .expect("static regex")
});

fn class_weight(el: &ElementRef<'_>) -> f64 {
    let a = attr_text(el);
    let mut w = 0.0;
    if BOILERPLATE.is_match(&a) {
        w -= 25.0;
    }
    if POSITIVE.is_match(&a) {
        w += 25.0;
    }
    w
}

fn tag_weight(name: &str) -> f64 {
    match name {
        "div" | "article" | "section" | "main" => 5.0,
        "pre" | "td" | "blockquote" => 3.0,
        "address" | "ol" | "ul" | "dl" | "dd" | "dt" | "li" | "form" => -3.0,
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "th" => -5.0,
        _ => 0.0,
    }
}

fn attr_text(el: &ElementRef<'_>) -> String {
    let v = el.value();
    format!(
        "{} {}",
        v.attr("class").unwrap_or(""),
        v.attr("id").unwrap_or("")
    )
}

fn link_density(st: &Stats) -> f64 {
    if st.text == 0 {
        0.0
    } else {
        st.link as f64 / st.text as f64
    }
}

/// Extract the main content of a parsed page.
pub fn extract_generic(doc: &Html) -> GenericResult {
    extract_generic_titled(doc, None)
}

/// Like [`extract_generic`], with the title already known (from selectors or
/// `enpproperty`): the element showing it anchors the search, and a body
/// line repeating it is dropped.
pub fn extract_generic_titled(doc: &Html, title: Option<&str>) -> GenericResult {
    let g = gather(doc);
    let title = title.filter(|t| !t.trim().is_empty());
    let head = match title {
        Some(t) => element_showing(doc, &g, t).or_else(|| headline(doc)),
        None => headline(doc),
    };
    let mut scores: HashMap<NodeId, f64> = HashMap::new();
    for &(id, chars, commas) in &g.direct {
        if chars < MIN_PARA {
            continue;
        }
        let cs = 1.0 + commas as f64 + (chars as f64 / 100.0).min(3.0);
        let Some(node) = doc.tree.get(id) else {
            continue;
        };
        let mut cur = Some(node);
        for level in 0..5 {
            let Some(n) = cur else { break };
            let Some(el) = ElementRef::wrap(n) else { break };
            let name = el.value().name();
            if name == "html" {
                break;
            }
            let div = match level {
                0 | 1 => 1.0,
                2 => 2.0,
                l => (l as f64 - 1.0) * 3.0,
            };
            let entry = scores
                .entry(n.id())
                .or_insert_with(|| tag_weight(name) + class_weight(&el));
            *entry += cs / div;
            cur = n.parent();
        }
    }
    let anchor: Vec<NodeId> = head.map_or_else(Vec::new, |h| {
        h.ancestors().take(8).map(|a| a.id()).collect()
    });
    let mut best: Option<(f64, NodeId)> = None;
    for (id, s) in &scores {
        let Some(st) = g.stats.get(id) else { continue };
        let fin = s * (1.0 - link_density(st)) * anchor_bonus(doc, &anchor, *id);
        if best.is_none_or(|(b, _)| fin > b) {
            best = Some((fin, *id));
        }
    }
    let Some((top_score, top_id)) = best else {
        return GenericResult::default();
    };
    let Some(top) = doc.tree.get(top_id).and_then(ElementRef::wrap) else {
        return GenericResult::default();
    };
    // siblings that look like part of the article
    let threshold = (top_score * 0.2).max(10.0);
    let mut parts: Vec<ElementRef<'_>> = Vec::new();
    match top.parent().and_then(ElementRef::wrap) {
        Some(parent) if parent.value().name() != "html" => {
            for sib in parent.children().filter_map(ElementRef::wrap) {
                if sib.id() == top_id {
                    parts.push(sib);
                    continue;
                }
                let st = g.stats.get(&sib.id()).copied().unwrap_or_default();
                let ld = link_density(&st);
                let s = scores.get(&sib.id()).map(|s| s * (1.0 - ld)).unwrap_or(0.0);
                let ok = s >= threshold
                    || (sib.value().name() == "p" && st.text > 80 && ld < 0.25)
                    || (sib.value().name() == "p" && st.text > 0 && ld == 0.0 && st.punct > 0);
                if ok {
                    parts.push(sib);
                }
            }
        }
        _ => parts.push(top),
    }
    let mut skip = HashSet::new();
    for part in &parts {
        for node in part.descendants().skip(1) {
            let Some(el) = ElementRef::wrap(node) else {
                continue;
            };
            let name = el.value().name();
            let Some(st) = g.stats.get(&node.id()) else {
                continue;
            };
            if name == "a" || name == "p" {
                continue;
            }
            let link_heavy = st.text > 0 && link_density(st) > 0.5 && st.link_tags >= 1;
            let boiler = BOILERPLATE.is_match(&attr_text(&el)) && st.text < 400;
            if link_heavy || boiler {
                skip.insert(node.id());
            }
        }
    }
    let mut raw = String::new();
    for part in &parts {
        raw.push_str(&block_text(*part, &skip));
        raw.push('\n');
    }
    let title = title
        .map(str::to_string)
        .or_else(|| head.map(|h| clean_text(&block_text(h, &HashSet::new()))));
    GenericResult {
        body: drop_stray_lines(&clean_text(&raw), title.as_deref()),
    }
}

static STAMP_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:\d{4}[-/年.]\d{1,2}[-/月.]\d{1,2}日?\s*\d{1,2}:\d{2}(?::\d{2})?|发布于\s*[：:].{0,12})$")
        .expect("static regex")
});

/// Drop the headline when the container repeats it, and bare time stamps.
fn drop_stray_lines(body: &str, title: Option<&str>) -> String {
    body.lines()
        .filter(|l| Some(*l) != title && !STAMP_LINE.is_match(l))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The first element whose text is `title` (compared without whitespace);
/// candidates are filtered by character count first, so this stays linear.
fn element_showing<'a>(doc: &'a Html, g: &Gathered, title: &str) -> Option<ElementRef<'a>> {
    let want: String = title
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{3000}')
        .collect();
    let n = want.chars().count() as u32;
    for node in doc.root_element().descendants() {
        if g.stats.get(&node.id()).is_none_or(|st| st.text != n) {
            continue;
        }
        let Some(el) = ElementRef::wrap(node) else {
            continue;
        };
        let text: String = block_text(el, &HashSet::new())
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '\u{3000}' && *c != '\u{a0}')
            .collect();
        if text == want {
            return Some(el);
        }
    }
    // a headline as bare text beside its metadata block
    // (`<div>TITLE<p>文章来源：… 发布时间：…</p></div>`): the element holding it
    doc.root_element().descendants().find_map(|node| {
        let Node::Text(t) = node.value() else {
            return None;
        };
        let text: String = t
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '\u{3000}' && *c != '\u{a0}')
            .collect();
        if text == want {
            node.parent().and_then(ElementRef::wrap)
        } else {
            None
        }
    })
}

fn anchor_bonus(doc: &Html, anchor: &[NodeId], id: NodeId) -> f64 {
    if anchor.is_empty() {
        return 1.0;
    }
    let Some(node) = doc.tree.get(id) else {
        return 1.0;
    };
    for a in std::iter::once(node).chain(node.ancestors()).take(12) {
        if let Some(k) = anchor.iter().position(|x| *x == a.id()) {
            return if k <= 3 { ANCHOR_NEAR } else { ANCHOR_FAR };
        }
    }
    1.0
}

/// Score factor for a candidate sharing an ancestor with the headline at most
/// 3 levels up (near) or 4 to 8 levels up (far).
const ANCHOR_NEAR: f64 = 2.0;
const ANCHOR_FAR: f64 = 1.3;

/// Blocks with fewer direct characters do not vote for a container.
const MIN_PARA: u32 = 20;

#[cfg(test)]
mod tests {
    use super::*;

    const PARA: &str = "会议强调，要坚持问题导向，聚焦主责主业，加快推进国有企业战略性重组和专业化整合，提高国有资本配置效率。";

    #[test]
    fn short_article_beats_long_recommended_story() {
        // the story below shares only <body>, 4 levels above the headline
        let long: String = (0..5).map(|_| format!("<p>{PARA}</p>")).collect();
        let html = format!(
            "<html><head><title>库区港口改革提速_某某网</title></head><body>\
             <div class=a><div class=b><div class=c><div class=head><h1>库区港口改革提速</h1></div>\
             <div class=txt><p>港口企业完成股权调整，引入战略投资者，吞吐量同比增长一成，运营效率明显提高。</p></div></div></div></div>\
             <div class=next><div><h2>另一篇推荐文章</h2><div>{long}</div></div></div></body></html>"
        );
        let body = extract_generic(&Html::parse_document(&html)).body;
        assert!(body.starts_with("港口企业完成股权调整"), "{body}");
        assert!(!body.contains("会议强调"), "{body}");
    }

    #[test]
    fn navigation_and_share_bars_pruned() {
        let html = format!(
            "<html><body><div class=nav><a href=/>首页</a><a href=/a>新闻</a><a href=/b>政务</a></div>\
             <div class=main><p>{PARA}</p><p>{PARA}</p><div class=share>分享到：<a href=#>微信</a><a href=#>微博</a></div>\
             <ul><li><a href=/x>相关阅读一：库区发展新观察</a></li><li><a href=/y>相关阅读二：港口建设加快</a></li></ul></div></body></html>"
        );
        let body = extract_generic(&Html::parse_document(&html)).body;
        assert_eq!(body, format!("{PARA}\n{PARA}"));
    }

    #[test]
    fn known_title_dropped_from_body() {
        let html = format!(
            "<div class=art><p class=tit>专题会议召开</p><p>{PARA}</p><p>2026-03-01 10:00</p></div>"
        );
        let doc = Html::parse_document(&html);
        assert_eq!(
            extract_generic_titled(&doc, Some("专题会议召开")).body,
            PARA
        );
        assert_eq!(extract_generic(&Html::parse_document("<p>短</p>")).body, "");
    }
}
