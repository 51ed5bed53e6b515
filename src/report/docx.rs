//! The quarterly report (季度报送) and the annex-2 typical-case draft as Word
//! documents laid out as official documents (GB/T 9704-2012): A4 with a
//! 37 mm top and 28 mm left margin (a 156 × 225 mm type area), the title in
//! 方正小标宋简体 二号, first-level headings in 黑体 and second-level in
//! 楷体_GB2312, the body in 仿宋_GB2312 三号 on a 29 pt line (22 lines a
//! page), page numbers as `— 1 —` in 宋体 四号 on the outer side. Where a
//! machine lacks these faces, the free ones named at the end of the document
//! stand in. Every run names its East Asian font (`w:eastAsia`) as well as
//! its Latin ones: a run with only a Latin font makes Word show Chinese in a
//! Japanese face. Evidence is cited as people cite it (`citation`), with a
//! short reference in the tables and the full digests in the annex; no
//! internal id appears.

use super::citation::{
    CHECKPOINT_PROOF, annex_line, checkpoint_sentence, cite, evidence_ref, item_label,
};
use super::markdown::{
    CASE_LIST_INTRO, CASE_SECTIONS, CASE_TEMPLATE, CASE_TITLE, FONT_NOTE, ITEM_HEADERS,
    case_groups, case_line, empty_quarter, ordinal, quarterly_title, score_heading,
};
use super::table::{SCORE_HEADERS, c_words, cn_date, score_cells};
use super::{CaseDraft, QuarterlyReport, ReportError};
use docx_rs::{
    AlignmentType, Docx, FieldCharType, Footer, InstrPAGE, InstrText, LineSpacing, LineSpacingType,
    PageMargin, Paragraph, Run, RunFonts, Table, TableCell, TableLayoutType, TableRow, WidthType,
};
use std::io::Cursor;

/// The faces GB/T 9704 names.
pub const TITLE_FONT: &str = "方正小标宋简体";
pub const HEADING_FONT: &str = "黑体";
pub const SUBHEADING_FONT: &str = "楷体_GB2312";
pub const BODY_FONT: &str = "仿宋_GB2312";
const PAGE_NUMBER_FONT: &str = "宋体";
const LATIN_FONT: &str = "Times New Roman";
const MONO_FONT: &str = "Courier New";

/// Sizes in half-points: 二号 22 pt, 三号 16 pt, 四号 14 pt, 小四 12 pt, 五号 10.5 pt.
const TITLE_SIZE: usize = 44;
const BODY_SIZE: usize = 32;
const PAGE_NUMBER_SIZE: usize = 28;
const TABLE_SIZE: usize = 24;
const MONO_SIZE: usize = 18;

/// A4 in twips (1 mm = 56.7 twips); margins: top 37 mm, bottom 35 mm,
/// left 28 mm, right 26 mm, leaving 156 × 225 mm.
pub const A4: (u32, u32) = (11906, 16838);
pub const MARGINS: (i32, i32, i32, i32) = (2098, 1984, 1588, 1474);
const TEXT_WIDTH: usize = 11906 - 1588 - 1474;
/// 225 mm over 22 lines: an exact 28.9 pt line.
const BODY_LINE: i32 = 578;

/// The quarterly report as DOCX bytes.
pub fn quarterly_docx(r: &QuarterlyReport) -> Result<Vec<u8>, ReportError> {
    let e = &r.enterprise;
    let mut doc = document().add_paragraph(title(&quarterly_title(r)));
    let mut lines = vec![
        format!("报送单位：{}", e.name),
        format!("报送对象：{}", r.commission),
        format!("报送日期：{}", cn_date(r.made_on)),
    ];
    if let Some(n) = &r.period_note {
        lines.push(n.clone());
    }
    for line in lines {
        doc = doc.add_paragraph(body(&line));
    }

    doc = doc.add_paragraph(heading(&score_heading(r)));
    doc = doc.add_table(table(
        &SCORE_HEADERS,
        &[score_cells(e).to_vec()],
        &[TEXT_WIDTH / SCORE_HEADERS.len(); 7],
    ));
    doc = doc.add_paragraph(
        body(&format!(
            "年内累计计入项目 {} 项，其中本季度 {} 项；{}。",
            e.items.len(),
            r.quarter_items.len(),
            c_words(e)
        ))
        .first_line_chars(200),
    );

    doc = doc.add_paragraph(heading(&format!(
        "二、本季度项目（{}年第{}季度）",
        r.year,
        r.quarter.number()
    )));
    if r.quarter_items.is_empty() {
        doc = doc.add_paragraph(body(&empty_quarter(r)).first_line_chars(200));
    } else {
        let rows: Vec<Vec<String>> = r
            .quarter_items
            .iter()
            .enumerate()
            .map(|(n, i)| {
                vec![
                    (n + 1).to_string(),
                    item_label(i),
                    cite(i),
                    evidence_ref(n + 1, &i.evidence),
                ]
            })
            .collect();
        // 序号, 项目, 出处, 证据.
        let widths = [600, 2100, 4544, 1600];
        doc = doc.add_table(table(&ITEM_HEADERS, &rows, &widths));
    }

    doc = doc.add_paragraph(heading("三、台账检查点"));
    doc = doc.add_paragraph(body(&checkpoint_sentence(&r.checkpoint)).first_line_chars(200));

    doc = annex(
        doc,
        r.quarter_items
            .iter()
            .enumerate()
            .map(|(n, i)| annex_line(n + 1, i)),
        &r.checkpoint,
    );
    pack(doc)
}

/// The annex: the evidence digests in full, the signed checkpoint, and the
/// fonts with their stand-ins.
fn annex(mut doc: Docx, lines: impl Iterator<Item = String>, checkpoint: &str) -> Docx {
    doc = doc.add_paragraph(heading("附件：证据摘要与台账检查点").page_break_before(true));
    doc = doc.add_paragraph(small(
        "下列 SHA-256 摘要是各项证据原始字节的指纹：证据文件的摘要与此一致，即证明其未被改动。",
    ));
    for line in lines {
        doc = doc.add_paragraph(mono(&line));
    }
    if !checkpoint.trim().is_empty() {
        doc = doc.add_paragraph(small(&format!("签名检查点全文。{CHECKPOINT_PROOF}")));
        for line in checkpoint.lines() {
            doc = doc.add_paragraph(mono(line));
        }
    }
    doc.add_paragraph(small(FONT_NOTE))
}

/// The annex-2 case draft as DOCX bytes.
pub fn case_docx(c: &CaseDraft) -> Result<Vec<u8>, ReportError> {
    let mut doc = document().add_paragraph(title(CASE_TITLE));
    doc = doc.add_paragraph(Paragraph::new().align(AlignmentType::Center).add_run(run(
        &format!(
            "{CASE_TEMPLATE}（草稿）：{}，{}年度",
            c.enterprise_name, c.year
        ),
        BODY_FONT,
        TABLE_SIZE,
    )));
    for (h, prose) in CASE_SECTIONS {
        doc = doc.add_paragraph(heading(h));
        doc = doc.add_paragraph(body(prose).first_line_chars(200));
    }
    doc = doc.add_paragraph(body(CASE_LIST_INTRO).first_line_chars(200));
    let mut cited = Vec::new();
    for (n, (label, items)) in case_groups(c).into_iter().enumerate() {
        doc = doc.add_paragraph(Paragraph::new().line_spacing(line()).add_run(run(
            &format!("{}{label}", ordinal(n)),
            SUBHEADING_FONT,
            BODY_SIZE,
        )));
        if items.is_empty() {
            doc = doc.add_paragraph(body("（无）").first_line_chars(200));
        }
        for (k, i) in items.iter().enumerate() {
            cited.push(*i);
            let r = evidence_ref(cited.len(), &i.evidence);
            doc = doc.add_paragraph(
                body(&format!(
                    "{}. {}（{}；{}）",
                    k + 1,
                    case_line(i),
                    item_label(i),
                    r
                ))
                .first_line_chars(200),
            );
        }
    }
    doc = doc.add_paragraph(body(""));
    for line in [
        format!("申报单位：{}", c.enterprise_name),
        "【  年  月  日】".to_string(),
        "（联系人：【XXX】；电话：【XXXXXXXX】）".to_string(),
    ] {
        doc = doc.add_paragraph(body(&line));
    }
    doc = doc.add_paragraph(small(&format!(
        "草稿生成于{}。{}",
        cn_date(c.made_on),
        checkpoint_sentence(&c.checkpoint)
    )));
    doc = annex(
        doc,
        cited.iter().enumerate().map(|(n, i)| annex_line(n + 1, i)),
        &c.checkpoint,
    );
    pack(doc)
}

/// An A4 document with GB/T 9704 margins, the body font as default, and
/// page numbers on the outer side (odd pages right, even pages left).
fn document() -> Docx {
    Docx::new()
        .page_size(A4.0, A4.1)
        .page_margin(
            PageMargin::new()
                .top(MARGINS.0)
                .bottom(MARGINS.1)
                .left(MARGINS.2)
                .right(MARGINS.3)
                .header(851)
                .footer(992),
        )
        .default_fonts(fonts(BODY_FONT))
        .default_size(BODY_SIZE)
        .footer(Footer::new().add_paragraph(page_number(AlignmentType::Right)))
        .even_footer(Footer::new().add_paragraph(page_number(AlignmentType::Left)))
}

/// `— 1 —`: the page number field between dashes, 宋体 四号.
fn page_number(side: AlignmentType) -> Paragraph {
    let f = || fonts(PAGE_NUMBER_FONT);
    Paragraph::new()
        .align(side)
        .add_run(Run::new().add_text("— ").fonts(f()).size(PAGE_NUMBER_SIZE))
        .add_run(
            Run::new()
                .fonts(f())
                .size(PAGE_NUMBER_SIZE)
                .add_field_char(FieldCharType::Begin, false)
                .add_instr_text(InstrText::PAGE(InstrPAGE::new()))
                .add_field_char(FieldCharType::Separate, false)
                .add_text("1")
                .add_field_char(FieldCharType::End, false),
        )
        .add_run(Run::new().add_text(" —").fonts(f()).size(PAGE_NUMBER_SIZE))
}

fn fonts(east_asia: &str) -> RunFonts {
    RunFonts::new()
        .east_asia(east_asia)
        .ascii(LATIN_FONT)
        .hi_ansi(LATIN_FONT)
        .cs(LATIN_FONT)
}

/// A run with its East Asian and Latin fonts.
fn run(text: &str, east_asia: &str, size: usize) -> Run {
    Run::new().add_text(text).fonts(fonts(east_asia)).size(size)
}

/// The exact line of the body.
fn line() -> LineSpacing {
    LineSpacing::new()
        .line_rule(LineSpacingType::Exact)
        .line(BODY_LINE)
}

fn title(text: &str) -> Paragraph {
    Paragraph::new()
        .align(AlignmentType::Center)
        .line_spacing(LineSpacing::new().before(0).after(BODY_LINE as u32))
        .add_run(run(text, TITLE_FONT, TITLE_SIZE))
}

fn heading(text: &str) -> Paragraph {
    Paragraph::new()
        .line_spacing(line())
        .keep_next(true)
        .add_run(run(text, HEADING_FONT, BODY_SIZE))
}

fn body(text: &str) -> Paragraph {
    Paragraph::new()
        .line_spacing(line())
        .add_run(run(text, BODY_FONT, BODY_SIZE))
}

/// Explanations in the annex: the body font, 小四.
fn small(text: &str) -> Paragraph {
    Paragraph::new().add_run(run(text, BODY_FONT, TABLE_SIZE))
}

/// A digest or checkpoint line: Latin monospace, the East Asian slot still named.
fn mono(text: &str) -> Paragraph {
    Paragraph::new().add_run(
        Run::new()
            .add_text(text)
            .fonts(
                RunFonts::new()
                    .east_asia(BODY_FONT)
                    .ascii(MONO_FONT)
                    .hi_ansi(MONO_FONT)
                    .cs(MONO_FONT),
            )
            .size(MONO_SIZE),
    )
}

/// A fixed-layout table: a bold header row (黑体), then the rows.
fn table<S: AsRef<str>>(headers: &[&str], rows: &[Vec<S>], widths: &[usize]) -> Table {
    let cell = |text: &str, w: usize, head: bool| {
        let r = if head {
            run(text, HEADING_FONT, TABLE_SIZE)
        } else {
            run(text, BODY_FONT, TABLE_SIZE)
        };
        let mut p = Paragraph::new().add_run(r);
        if head {
            p = p.align(AlignmentType::Center);
        }
        TableCell::new().width(w, WidthType::Dxa).add_paragraph(p)
    };
    let mut all = vec![TableRow::new(
        headers
            .iter()
            .zip(widths)
            .map(|(h, w)| cell(h, *w, true))
            .collect(),
    )];
    for row in rows {
        all.push(
            TableRow::new(
                row.iter()
                    .zip(widths)
                    .map(|(c, w)| cell(c.as_ref(), *w, false))
                    .collect(),
            )
            .cant_split(),
        );
    }
    Table::new(all)
        .set_grid(widths.to_vec())
        .layout(TableLayoutType::Fixed)
        .width(widths.iter().sum(), WidthType::Dxa)
}

/// The document's bytes, its run and paragraph properties in schema order.
fn pack(doc: Docx) -> Result<Vec<u8>, ReportError> {
    let mut xml = doc.build();
    xml.document = schema_order(xml.document);
    xml.styles = schema_order(xml.styles);
    xml.footers = xml.footers.into_iter().map(schema_order).collect();
    let mut buf = Cursor::new(Vec::new());
    xml.pack(&mut buf)
        .map_err(|e| ReportError::Docx(e.to_string()))?;
    Ok(buf.into_inner())
}

/// The children of `w:rPr` (EG_RPrBase, ECMA-376 §17.3.2.28) in their
/// sequence. docx-rs writes `w:sz` and `w:b` before `w:rFonts`, and Word
/// drops a run property that comes after one later in the sequence: the
/// East Asian font would be lost on exactly the runs that need it.
const RPR_ORDER: &[&str] = &[
    "w:ins",
    "w:del",
    "w:moveFrom",
    "w:moveTo",
    "w:rStyle",
    "w:rFonts",
    "w:b",
    "w:bCs",
    "w:i",
    "w:iCs",
    "w:caps",
    "w:smallCaps",
    "w:strike",
    "w:dstrike",
    "w:outline",
    "w:shadow",
    "w:emboss",
    "w:imprint",
    "w:noProof",
    "w:snapToGrid",
    "w:vanish",
    "w:webHidden",
    "w:color",
    "w:spacing",
    "w:w",
    "w:kern",
    "w:position",
    "w:sz",
    "w:szCs",
    "w:highlight",
    "w:u",
    "w:effect",
    "w:bdr",
    "w:shd",
    "w:fitText",
    "w:vertAlign",
    "w:rtl",
    "w:cs",
    "w:em",
    "w:lang",
    "w:eastAsianLayout",
    "w:specVanish",
    "w:oMath",
    "w:rPrChange",
];

/// The children of `w:pPr` (CT_PPr, §17.3.1.26) in their sequence: docx-rs
/// writes the paragraph mark's `w:rPr` first and `w:jc` before `w:ind`.
const PPR_ORDER: &[&str] = &[
    "w:pStyle",
    "w:keepNext",
    "w:keepLines",
    "w:pageBreakBefore",
    "w:framePr",
    "w:widowControl",
    "w:numPr",
    "w:suppressLineNumbers",
    "w:pBdr",
    "w:shd",
    "w:tabs",
    "w:suppressAutoHyphens",
    "w:kinsoku",
    "w:wordWrap",
    "w:overflowPunct",
    "w:topLinePunct",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
];

/// An XML part with the children of every `w:rPr` and `w:pPr` sorted into
/// schema order (unknown children last, in their order). A part that is
/// not UTF-8 or not shaped as expected is returned as it was.
fn schema_order(part: Vec<u8>) -> Vec<u8> {
    match String::from_utf8(part) {
        Ok(s) => reorder(&s).into_bytes(),
        Err(e) => e.into_bytes(),
    }
}

pub(super) fn reorder(xml: &str) -> String {
    let mut out = String::with_capacity(xml.len());
    let mut rest = xml;
    loop {
        let next = ["<w:rPr>", "<w:pPr>"]
            .iter()
            .filter_map(|t| rest.find(t).map(|i| (i, *t)))
            .min();
        let Some((at, open)) = next else {
            out.push_str(rest);
            return out;
        };
        let name = &open[1..open.len() - 1];
        out.push_str(&rest[..at]);
        let after = &rest[at + open.len()..];
        let Some(len) = inner_len(after, name) else {
            out.push_str(&rest[at..]);
            return out;
        };
        let inner = reorder(&after[..len]);
        let order = if name == "w:rPr" {
            RPR_ORDER
        } else {
            PPR_ORDER
        };
        out.push_str(open);
        match children(&inner) {
            Some(mut kids) => {
                kids.sort_by_key(|k| rank(order, k));
                kids.iter().for_each(|k| out.push_str(k));
            }
            None => out.push_str(&inner),
        }
        let close = format!("</{name}>");
        out.push_str(&close);
        rest = &after[len + close.len()..];
    }
}

/// The length of an element's content, `s` starting right after its start
/// tag: up to its matching end tag.
fn inner_len(s: &str, name: &str) -> Option<usize> {
    let open = format!("<{name}");
    let close = format!("</{name}>");
    let mut depth = 0usize;
    let mut pos = 0;
    loop {
        let o = s[pos..].find(&open).map(|i| pos + i);
        let c = s[pos..].find(&close).map(|i| pos + i)?;
        match o {
            Some(o) if o < c => {
                let tag_end = o + s[o..].find('>')?;
                let after_name = s[o + open.len()..].chars().next()?;
                if matches!(after_name, '>' | ' ' | '/') && !s[..tag_end].ends_with('/') {
                    depth += 1;
                }
                pos = tag_end + 1;
            }
            _ => {
                if depth == 0 {
                    return Some(c);
                }
                depth -= 1;
                pos = c + close.len();
            }
        }
    }
}

/// The child elements of an element's content; `None` if there is text
/// between them or a child does not close.
fn children(inner: &str) -> Option<Vec<&str>> {
    let mut kids = Vec::new();
    let mut pos = 0;
    while pos < inner.len() {
        let s = &inner[pos..];
        if !s.starts_with('<') {
            return None;
        }
        let tag_end = s.find('>')?;
        let name = element_name(s);
        let end = if s[..tag_end].ends_with('/') {
            tag_end + 1
        } else {
            let close = format!("</{name}>");
            tag_end + 1 + inner_len(&s[tag_end + 1..], name)? + close.len()
        };
        kids.push(&s[..end]);
        pos += end;
    }
    Some(kids)
}

/// `w:sz` of `<w:sz w:val="24" />`.
fn element_name(tag: &str) -> &str {
    let t = tag.trim_start_matches('<');
    let end = t.find([' ', '/', '>']).unwrap_or(t.len());
    &t[..end]
}

fn rank(order: &[&str], child: &str) -> usize {
    let name = element_name(child);
    order.iter().position(|n| *n == name).unwrap_or(order.len())
}
