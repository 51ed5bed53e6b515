//! The quarterly report and the case draft, as Markdown and as DOCX
//! (unzipped, with East Asian fonts on every run).

use super::*;

/// The text under each `### ` heading of a Markdown document.
fn sections(md: &str, marker: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in md.lines() {
        if let Some(h) = line.strip_prefix(marker) {
            out.push((h.to_string(), String::new()));
        } else if line.starts_with("## ") || line.starts_with("---") {
            out.push((String::new(), String::new()));
        } else if let Some((_, body)) = out.last_mut() {
            body.push_str(line);
            body.push('\n');
        }
    }
    out
}

#[test]
fn quarterly_markdown_has_scorecard_items_and_checkpoint() {
    let r = quarterly();
    let md = quarterly_markdown(&r);
    let title = md.lines().next().expect("title");
    assert!(title.starts_with("# "));
    assert!(title.contains(&r.enterprise.name));
    assert!(title.contains(&format!("{}年第{}季度", r.year, r.quarter.number())));
    assert!(md.contains(&r.commission));

    let secs = sections(&md, "## ");
    let body = |prefix: &str| {
        secs.iter()
            .find(|(h, _)| h.starts_with(prefix))
            .map(|(_, b)| b.clone())
            .expect(prefix)
    };
    let score = body("一、");
    let e = &r.enterprise;
    let row = score
        .lines()
        .filter(|l| l.starts_with('|'))
        .nth(2)
        .expect("score row");
    let cells: Vec<&str> = row.trim_matches('|').split('|').map(str::trim).collect();
    assert_eq!(cells.first(), Some(&e.a.to_string().as_str()));
    assert_eq!(cells.last(), Some(&fmt_num(e.total).as_str()));

    let items = body("二、");
    assert!(items.contains("出处"));
    assert!(!r.quarter_items.is_empty());
    for i in &r.quarter_items {
        let line = items
            .lines()
            .find(|l| l.contains(&i.title))
            .expect("item row");
        assert!(line.contains(&i.source));
        assert!(line.contains(&cn(i.date)));
        assert!(line.contains(&sha(&i.evidence)[..8]), "{line}");
        assert!(
            !line.contains(sha(&i.evidence)),
            "no full digest in the table: {line}"
        );
        assert!(
            line.contains(&format!("{} {}", i.code, i.item_short)),
            "{line}"
        );
        assert!(!line.contains(&r.enterprise.id), "{line}");
    }
    assert!(!md.contains(&r.enterprise.id), "no internal id");
    for i in e.items.iter().filter(|i| !r.quarter_items.contains(i)) {
        assert!(
            !items.contains(&i.title),
            "{} is not of the quarter",
            i.title
        );
    }

    let cp = body("三、");
    assert!(cp.contains("根哈希指纹") && cp.contains("只增不改"), "{cp}");
    let annex = body("附件");
    assert!(
        annex.contains(&format!("```text\n{CHECKPOINT}```")),
        "{annex}"
    );
    for i in &r.quarter_items {
        assert!(
            annex.contains(sha(&i.evidence)),
            "the full digest in the annex"
        );
    }
}

#[test]
fn case_markdown_follows_the_template_with_items_by_kind() {
    let c = case();
    let md = case_markdown(&c);
    assert!(md.starts_with("# 【××××】（改革案例名称）\n"));
    let headings: Vec<&str> = md.lines().filter_map(|l| l.strip_prefix("## ")).collect();
    assert_eq!(
        headings,
        [
            "一、改革前的问题",
            "二、改革举措",
            "三、改革成效（成果）",
            "附件：证据摘要与台账检查点"
        ]
    );
    assert!(md.contains("【一是XX"));
    assert!(md.contains(&c.enterprise_name));
    assert!(md.contains(&format!("```text\n{CHECKPOINT}```")));

    let groups: Vec<(String, String)> = sections(&md, "### ")
        .into_iter()
        .filter(|(h, _)| !h.is_empty())
        .collect();
    let labels: Vec<String> = groups
        .iter()
        .map(|(h, _)| h.chars().skip(3).collect())
        .collect();
    let mut expected: Vec<String> = ["领导批示", "会议推广", "媒体报道", "文件刊载"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    if c.items.iter().any(|i| i.kind.is_none()) {
        expected.push("其他".into());
    }
    assert_eq!(labels, expected);
    for i in &c.items {
        let label = i.kind.map(ItemKind::label).unwrap_or("其他");
        for (h, body) in &groups {
            let here = h.ends_with(label);
            let line = body.lines().find(|l| l.contains(&i.title));
            assert_eq!(line.is_some(), here, "{} under {h}", i.title);
            if let Some(line) = line {
                assert!(
                    line.contains(&cn(i.date)) && line.contains(&i.source),
                    "{line}"
                );
            }
        }
    }
}

// ---- docx ----

fn document_xml(bytes: Vec<u8>) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("zip");
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .expect("document.xml")
        .read_to_string(&mut xml)
        .expect("utf-8");
    xml
}

/// (runs, runs naming an East Asian font).
fn runs(xml: &str) -> (usize, usize) {
    let mut total = 0;
    let mut east = 0;
    let mut rest = xml;
    while let Some(at) = [rest.find("<w:r>"), rest.find("<w:r ")]
        .into_iter()
        .flatten()
        .min()
    {
        let run = &rest[at..];
        let end = run.find("</w:r>").unwrap_or(run.len());
        total += 1;
        if run[..end].contains("w:eastAsia=\"") {
            east += 1;
        }
        rest = &run[end..];
    }
    (total, east)
}

#[test]
fn quarterly_docx_has_titles_tables_and_east_asian_fonts() {
    let r = quarterly();
    let xml = document_xml(quarterly_docx(&r).expect("docx"));
    assert!(xml.contains(&r.enterprise.name));
    assert!(xml.contains(&format!("{}年第{}季度", r.year, r.quarter.number())));
    for i in &r.quarter_items {
        assert!(xml.contains(&i.title), "{}", i.title);
        assert!(xml.contains(sha(&i.evidence)));
    }
    assert!(xml.contains("<w:tbl>"));
    assert!(
        xml.contains("w:w=\"11906\"") && xml.contains("w:h=\"16838\""),
        "A4"
    );
    assert!(xml.contains(CHECKPOINT.lines().nth(2).expect("root line")));
    for cell in xml.split("<w:tc>").skip(1) {
        let cell = &cell[..cell.find("</w:tc>").expect("cell closes")];
        let longest_hex = cell
            .split(|c: char| !c.is_ascii_hexdigit())
            .map(str::len)
            .max()
            .unwrap_or(0);
        assert!(longest_hex < 64, "a digest in a table cell: {cell}");
    }
    assert!(
        !xml.contains(&format!("（{}）", r.enterprise.id)),
        "no internal id"
    );
    for font in ["方正小标宋简体", "仿宋_GB2312", "黑体"] {
        assert!(xml.contains(font), "{font}");
    }
    let (total, east) = runs(&xml);
    assert!(total > r.quarter_items.len() * 4);
    assert_eq!(total, east, "every run names its East Asian font");
    assert_schema_order(&xml);
}

#[test]
fn case_docx_has_template_headings_items_and_east_asian_fonts() {
    let c = case();
    let xml = document_xml(case_docx(&c).expect("docx"));
    for h in [
        "一、改革前的问题",
        "二、改革举措",
        "三、改革成效（成果）",
        "（改革案例名称）",
        "领导批示",
        "会议推广",
        "媒体报道",
        "文件刊载",
    ] {
        assert!(xml.contains(h), "{h}");
    }
    for i in &c.items {
        assert!(xml.contains(&i.title), "{}", i.title);
    }
    let (total, east) = runs(&xml);
    assert!(total > c.items.len());
    assert_eq!(total, east, "every run names its East Asian font");
    assert_schema_order(&xml);
}

/// Word drops a run property written after one later in the schema's
/// sequence: `w:rFonts` must open every run's properties, and a
/// paragraph's `w:jc` and `w:ind` come before its mark's `w:rPr`.
fn assert_schema_order(xml: &str) {
    let mut rpr = 0;
    for (at, _) in xml.match_indices("<w:rPr>") {
        rpr += 1;
        assert!(
            xml[at + "<w:rPr>".len()..].starts_with("<w:rFonts "),
            "{}",
            &xml[at..(at + 200).min(xml.len())]
        );
    }
    assert!(rpr > 0);
    for (at, _) in xml.match_indices("<w:pPr>") {
        let block = &xml[at..at + xml[at..].find("</w:pPr>").expect("pPr closes")];
        if let Some(mark) = block.find("<w:rPr") {
            for earlier in ["<w:jc ", "<w:ind "] {
                if let Some(i) = block.find(earlier) {
                    assert!(i < mark, "{block}");
                }
            }
        }
    }
}

#[test]
fn reorder_sorts_run_and_paragraph_properties_and_keeps_the_rest() {
    let sz = r#"<w:sz w:val="24" />"#;
    let b = "<w:b />";
    let fonts = r#"<w:rFonts w:ascii="Times New Roman" w:eastAsia="仿宋" />"#;
    let jc = r#"<w:jc w:val="center" />"#;
    let ind = r#"<w:ind w:firstLineChars="200" />"#;
    let mark = format!("<w:rPr>{sz}{fonts}</w:rPr>");
    let text = r#"<w:t xml:space="preserve">正文</w:t>"#;
    let input = format!(
        "<w:p><w:pPr>{mark}{jc}{ind}</w:pPr><w:r><w:rPr>{sz}{b}{fonts}</w:rPr>{text}</w:r></w:p>"
    );
    let out = super::docx::reorder(&input);
    let expected = format!(
        "<w:p><w:pPr>{ind}{jc}<w:rPr>{fonts}{sz}</w:rPr></w:pPr><w:r><w:rPr>{fonts}{b}{sz}</w:rPr>{text}</w:r></w:p>"
    );
    assert_eq!(out, expected);
    // Nothing to sort, or not properties: unchanged.
    let plain = "<w:p><w:pPr><w:rPr /></w:pPr><w:r><w:t>x</w:t></w:r></w:p>";
    assert_eq!(super::docx::reorder(plain), plain);
    assert_eq!(super::docx::reorder("<w:rPr><w:b />"), "<w:rPr><w:b />");
}
