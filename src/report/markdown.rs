//! The quarterly report (季度报送) and the annex-2 typical-case draft
//! (改革典型案例申报模板) as Markdown. The quarterly report has the year-to-date
//! scorecard, a table of the quarter's items with their evidence, and the
//! signed checkpoint of the ledger it was made from. The case draft follows
//! the template of 万州国资发〔2023〕182号 annex 2: a title placeholder, the
//! three sections with placeholder prose in 【】 for the enterprise to write,
//! and the itemised list at the end of 三、 filled from the ledger, grouped as
//! 领导批示, 会议推广, 媒体报道, 文件刊载 (items without a kind under 其他).
//! The DOCX renderers share the text pieces defined here.

use super::citation::{
    CHECKPOINT_PROOF, annex_line, checkpoint_sentence, cite, evidence_ref, item_label,
};
use super::table::{SCORE_HEADERS, c_words, cn_date, score_cells};
use super::{CaseDraft, QuarterlyReport, ReportItem};
use crate::model::ItemKind;

/// The annex-2 kinds in the template's order.
pub(super) const KINDS: [ItemKind; 4] = [
    ItemKind::Instruction,
    ItemKind::Meeting,
    ItemKind::Media,
    ItemKind::Document,
];

/// The heading of items without a kind.
pub(super) const OTHER: &str = "其他";

pub(super) const CASE_TITLE: &str = "【××××】（改革案例名称）";
pub(super) const CASE_TEMPLATE: &str = "改革典型案例申报模板";

/// The three sections of the template with their placeholder prose.
pub(super) const CASE_SECTIONS: [(&str, &str); 3] = [
    ("一、改革前的问题", "【一是XX；二是XX。（篇幅500字左右）】"),
    ("二、改革举措", "【一是XX；二是XX。（篇幅1000字左右）】"),
    (
        "三、改革成效（成果）",
        "【一是XX；二是XX；三是XX。1.陈述针对存在问题，经改革后产生的变化，重在改革前后有关情况对比分析；2.侧重在体制机制创新、政策文件制定、体系流程再造等方面取得的成果。（篇幅500字左右）】",
    ),
];

/// The sentence before the itemised list.
pub(super) const CASE_LIST_INTRO: &str =
    "改革工作获领导批示、会议推广、媒体报道、纳入文件等情况（据改革报表台账）：";

/// The quarterly report's title.
pub(super) fn quarterly_title(r: &QuarterlyReport) -> String {
    format!(
        "{}{}年第{}季度改革报表情况报送",
        r.enterprise.name,
        r.year,
        r.quarter.number()
    )
}

/// The heading of the year-to-date scorecard.
pub(super) fn score_heading(r: &QuarterlyReport) -> String {
    format!(
        "一、年度累计得分（截至{}年第{}季度末）",
        r.year,
        r.quarter.number()
    )
}

/// The quarter's item table headers.
pub(super) const ITEM_HEADERS: [&str; 4] = ["序号", "项目", "出处", "证据"];

/// The fonts of the documents and the free faces that stand in for them.
pub(super) const FONT_NOTE: &str = "字体说明：标题用方正小标宋简体，一级标题用黑体，二级标题用楷体_GB2312，正文用仿宋_GB2312，页码用宋体；本机无此字体时，可分别以 Noto Serif CJK SC（思源宋体）、Noto Sans CJK SC（思源黑体）、AR PL UKai（文鼎楷体）和 FangSong（仿宋）代替。";

/// Why a quarter has no items: where the year's items are, and what is
/// still under review.
pub(super) fn empty_quarter(r: &QuarterlyReport) -> String {
    let e = &r.enterprise;
    let mut s = format!(
        "本季度（{}年第{}季度）无新增计入项目：",
        r.year,
        r.quarter.number()
    );
    if e.items.is_empty() {
        s.push_str(&format!(
            "本年度截至第{}季度末尚无计入台账的项目",
            r.quarter.number()
        ));
    } else {
        let mut per = [0usize; 4];
        for i in &e.items {
            per[usize::from(crate::scoring::Quarter::of(i.date).number() - 1)] += 1;
        }
        let parts: Vec<String> = per
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .map(|(q, n)| format!("第{}季度 {n} 项", q + 1))
            .collect();
        s.push_str(&format!(
            "本年度已计入的 {} 项在其他季度（{}），请按需要选择相应季度报送",
            e.items.len(),
            parts.join("、")
        ));
    }
    if e.pending > 0 {
        s.push_str(&format!(
            "；另有 {} 项材料待审核，审核通过后计入",
            e.pending
        ));
    }
    s.push('。');
    s
}

/// One line of the case draft's itemised list: the evidence as people cite it.
pub(super) fn case_line(i: &ReportItem) -> String {
    cite(i)
}

/// The case draft's items grouped for the list: the four kinds in order
/// (possibly empty), then 其他 when some item has no kind.
pub(super) fn case_groups(c: &CaseDraft) -> Vec<(&'static str, Vec<&ReportItem>)> {
    let mut groups: Vec<(&'static str, Vec<&ReportItem>)> = KINDS
        .iter()
        .map(|k| {
            (
                k.label(),
                c.items.iter().filter(|i| i.kind == Some(*k)).collect(),
            )
        })
        .collect();
    let other: Vec<&ReportItem> = c.items.iter().filter(|i| i.kind.is_none()).collect();
    if !other.is_empty() {
        groups.push((OTHER, other));
    }
    groups
}

/// Chinese ordinal for list headings: （一）, （二）…
pub(super) fn ordinal(n: usize) -> &'static str {
    ["（一）", "（二）", "（三）", "（四）", "（五）", "（六）"]
        .get(n)
        .copied()
        .unwrap_or("")
}

/// The quarterly report as Markdown.
pub fn quarterly_markdown(r: &QuarterlyReport) -> String {
    let e = &r.enterprise;
    let mut out = format!("# {}\n\n", quarterly_title(r));
    out.push_str(&format!("- 报送单位：{}\n", e.name));
    out.push_str(&format!("- 报送对象：{}\n", r.commission));
    out.push_str(&format!("- 报送日期：{}\n", cn_date(r.made_on)));
    if let Some(n) = &r.period_note {
        out.push_str(&format!("- {}\n", inline(n)));
    }
    out.push('\n');

    out.push_str(&format!("## {}\n\n", score_heading(r)));
    push_row(&mut out, &SCORE_HEADERS);
    push_rule(&mut out, SCORE_HEADERS.len());
    push_row(&mut out, &score_cells(e));
    out.push_str(&format!(
        "\n年内累计计入项目 {} 项，其中本季度 {} 项；{}。\n\n",
        e.items.len(),
        r.quarter_items.len(),
        c_words(e)
    ));

    out.push_str(&format!(
        "## 二、本季度项目（{}年第{}季度）\n\n",
        r.year,
        r.quarter.number()
    ));
    if r.quarter_items.is_empty() {
        out.push_str(&empty_quarter(r));
        out.push_str("\n\n");
    } else {
        push_row(&mut out, &ITEM_HEADERS);
        push_rule(&mut out, ITEM_HEADERS.len());
        for (n, i) in r.quarter_items.iter().enumerate() {
            push_row(
                &mut out,
                &[
                    (n + 1).to_string(),
                    item_label(i),
                    cite(i),
                    evidence_ref(n + 1, &i.evidence),
                ],
            );
        }
        out.push('\n');
    }

    out.push_str("## 三、台账检查点\n\n");
    out.push_str(&checkpoint_sentence(&r.checkpoint));
    out.push_str("\n\n");
    push_annex(
        &mut out,
        r.quarter_items
            .iter()
            .enumerate()
            .map(|(n, i)| annex_line(n + 1, i)),
        &r.checkpoint,
    );
    out
}

/// The annex: every digest in full and the signed checkpoint.
fn push_annex(out: &mut String, lines: impl Iterator<Item = String>, checkpoint: &str) {
    out.push_str("## 附件：证据摘要与台账检查点\n\n");
    for line in lines {
        out.push_str(&format!("- {}\n", inline(&line)));
    }
    out.push('\n');
    if !checkpoint.trim().is_empty() {
        out.push_str(&format!("签名检查点全文。{CHECKPOINT_PROOF}\n\n"));
        push_fenced(out, checkpoint);
    }
}

/// The annex-2 case draft as Markdown.
pub fn case_markdown(c: &CaseDraft) -> String {
    let mut out = format!("# {CASE_TITLE}\n\n");
    out.push_str(&format!(
        "> {CASE_TEMPLATE}（草稿）：{}，{}年度。【】内为待填写内容，条目据改革报表台账生成。\n\n",
        c.enterprise_name, c.year
    ));
    for (heading, prose) in CASE_SECTIONS {
        out.push_str(&format!("## {heading}\n\n{prose}\n\n"));
    }
    out.push_str(CASE_LIST_INTRO);
    out.push_str("\n\n");
    let mut cited = Vec::new();
    for (n, (label, items)) in case_groups(c).into_iter().enumerate() {
        out.push_str(&format!("### {}{label}\n\n", ordinal(n)));
        if items.is_empty() {
            out.push_str("（无）\n\n");
            continue;
        }
        for (k, i) in items.iter().enumerate() {
            cited.push(*i);
            let r = evidence_ref(cited.len(), &i.evidence);
            out.push_str(&format!(
                "{}. {}（{}；{}）\n",
                k + 1,
                inline(&case_line(i)),
                inline(&item_label(i)),
                r
            ));
        }
        out.push('\n');
    }
    out.push_str(&format!("申报单位：{}\n\n", c.enterprise_name));
    out.push_str("【  年  月  日】\n\n");
    out.push_str("（联系人：【XXX】；电话：【XXXXXXXX】）\n\n");
    out.push_str("---\n\n");
    out.push_str(&format!(
        "草稿生成于{}。{}\n\n",
        cn_date(c.made_on),
        checkpoint_sentence(&c.checkpoint)
    ));
    push_annex(
        &mut out,
        cited.iter().enumerate().map(|(n, i)| annex_line(n + 1, i)),
        &c.checkpoint,
    );
    out
}

fn push_row<S: AsRef<str>>(out: &mut String, cells: &[S]) {
    out.push('|');
    for c in cells {
        out.push(' ');
        out.push_str(&cell(c.as_ref()));
        out.push_str(" |");
    }
    out.push('\n');
}

fn push_rule(out: &mut String, n: usize) {
    out.push('|');
    for _ in 0..n {
        out.push_str(" --- |");
    }
    out.push('\n');
}

/// A table cell: one line, pipes escaped.
fn cell(s: &str) -> String {
    inline(s).replace('|', "\\|")
}

/// Text on one line, Markdown's inline markers escaped.
fn inline(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '\r' | '\n' => out.push(' '),
            '\\' | '*' | '_' | '`' | '[' | ']' | '<' | '>' => {
                out.push('\\');
                out.push(ch);
            }
            _ => out.push(ch),
        }
    }
    out
}

/// A fenced block longer than any backtick run inside it.
fn push_fenced(out: &mut String, text: &str) {
    let mut longest = 0;
    let mut run = 0;
    for ch in text.chars() {
        run = if ch == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat((longest + 1).max(3));
    out.push_str(&format!("{fence}text\n{}", text));
    if !text.ends_with('\n') {
        out.push('\n');
    }
    out.push_str(&format!("{fence}\n"));
}
