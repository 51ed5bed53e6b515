//! The documents fit to file, read back as a clerk's software reads them:
//! the quarterly report and case draft (python-docx: GB/T 9704 page and
//! margins, the official fonts, page numbers, no internal id, no full digest
//! in a table cell), the XLSX scorecard (openpyxl: a title row, A4
//! landscape one page wide with repeated header rows, Beijing times), and
//! `radar score --format json` saying what is missing and pending.

use crate::support::{new_home, python, radar_ok as ok};
use reform_radar::config::Home;
use std::path::Path;

fn home_with_items() -> (tempfile::TempDir, Home) {
    let (dir, home) = new_home();
    ok(&home, &["init"]);
    for (n, (enterprise, item, on, title)) in [
        (
            "wz-ctjt",
            "C1",
            "2026-02-01",
            "关于城投集团国企改革经验的批示",
        ),
        (
            "wz-ctjt",
            "B1",
            "2026-05-10",
            "万州城投：以改革激发国企活力",
        ),
        (
            "wz-ctjt",
            "A2",
            "2026-06-20",
            "全国国企改革经验交流会发言材料",
        ),
        (
            "sx-water",
            "C4",
            "2026-04-01",
            "市政府办公厅推广三峡水务经验的通知",
        ),
    ]
    .into_iter()
    .enumerate()
    {
        let file = dir.path().join(format!("evidence-{n}.pdf"));
        std::fs::write(&file, format!("%PDF-1.4 evidence {n} {enterprise} {item}")).expect("file");
        ok(
            &home,
            &[
                "evidence",
                "add",
                "--enterprise",
                enterprise,
                "--item",
                item,
                "--date",
                on,
                "--title",
                title,
                "--issuer",
                "市委改革办",
                "--file",
                file.to_str().expect("utf-8"),
                "--reviewer",
                "张三",
            ],
        );
    }
    (dir, home)
}

const READ_DOCX: &str = r#"
import sys, json, re, docx
from docx.oxml.ns import qn
d = docx.Document(sys.argv[1])
s = d.sections[0]
runs = [r for p in d.paragraphs for r in p.runs] + [r for t in d.tables for row in t.rows for c in row.cells for p in c.paragraphs for r in p.runs]
def east_asia(r):
    rpr = r._element.rPr
    fonts = None if rpr is None else rpr.find(qn("w:rFonts"))
    return None if fonts is None else fonts.get(qn("w:eastAsia"))
cells = [c.text for t in d.tables for row in t.rows for c in row.cells]
footer_xml = s.footer._element.xml
print(json.dumps({
  "text": "\n".join(p.text for p in d.paragraphs),
  "cells": cells,
  "fonts": sorted(set(f for f in (east_asia(r) for r in runs) if f)),
  "without_east_asia": sum(1 for r in runs if r.text and not east_asia(r)),
  "page": [s.page_width.mm, s.page_height.mm],
  "margins": [s.top_margin.mm, s.bottom_margin.mm, s.left_margin.mm, s.right_margin.mm],
  "page_field": "PAGE" in footer_xml and "—" in footer_xml,
  "even_footer": s.even_page_footer._element is not None and "PAGE" in s.even_page_footer._element.xml,
  "longest_hex_in_a_cell": max([max([len(x) for x in re.findall(r"[0-9a-f]+", c)] or [0]) for c in cells] or [0]),
}, ensure_ascii=False))
"#;

fn read_docx(path: &Path) -> serde_json::Value {
    let out = python(READ_DOCX, &[path.as_os_str()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("json")
}

fn near(v: &serde_json::Value, want: f64) -> bool {
    v.as_f64().is_some_and(|x| (x - want).abs() < 0.6)
}

#[test]
fn the_quarterly_report_and_case_draft_read_back_as_official_documents() {
    let (dir, home) = home_with_items();
    let q2 = dir.path().join("q2.docx");
    let case = dir.path().join("case.docx");
    ok(
        &home,
        &[
            "report",
            "quarterly",
            "--enterprise",
            "wz-ctjt",
            "--year",
            "2026",
            "--quarter",
            "2",
            "--out",
            q2.to_str().expect("utf-8"),
        ],
    );
    ok(
        &home,
        &[
            "report",
            "case",
            "--enterprise",
            "wz-ctjt",
            "--year",
            "2026",
            "--out",
            case.to_str().expect("utf-8"),
        ],
    );
    for (path, what) in [(&q2, "quarterly"), (&case, "case")] {
        let d = read_docx(path);
        let text = d["text"].as_str().expect("text");
        // A4, top 37 mm, bottom 35 mm, left 28 mm, right 26 mm.
        assert!(
            near(&d["page"][0], 210.0) && near(&d["page"][1], 297.0),
            "{what}: {}",
            d["page"]
        );
        for (i, want) in [37.0, 35.0, 28.0, 26.0].into_iter().enumerate() {
            assert!(
                near(&d["margins"][i], want),
                "{what}: margins {}",
                d["margins"]
            );
        }
        let fonts: Vec<&str> = d["fonts"]
            .as_array()
            .expect("fonts")
            .iter()
            .filter_map(|f| f.as_str())
            .collect();
        for f in ["方正小标宋简体", "黑体", "仿宋_GB2312"] {
            assert!(fonts.contains(&f), "{what}: {f} in {fonts:?}");
        }
        assert_eq!(
            d["without_east_asia"], 0,
            "{what}: every run names its East Asian font"
        );
        assert_eq!(d["page_field"], true, "{what}: page numbers — 1 —");
        assert_eq!(d["even_footer"], true, "{what}: even pages numbered too");
        assert!(
            text.contains("Noto Serif CJK SC"),
            "{what}: the stand-in fonts are named"
        );
        assert!(!text.contains("wz-ctjt"), "{what}: no internal id: {text}");
        assert!(
            text.contains("根哈希指纹"),
            "{what}: the checkpoint in one sentence"
        );
        assert!(
            text.contains("只增不改"),
            "{what}: what the checkpoint proves"
        );
        assert!(text.contains("附件：证据摘要"), "{what}: the annex");
        let digests = regex::Regex::new("[0-9a-f]{64}").expect("regex");
        assert!(digests.is_match(text), "{what}: full digests in the annex");
        assert!(
            d["longest_hex_in_a_cell"].as_u64().expect("n") < 64,
            "{what}: no 64-character digest in a table cell"
        );
    }
    let q = read_docx(&q2);
    let cells: Vec<&str> = q["cells"]
        .as_array()
        .expect("cells")
        .iter()
        .filter_map(|c| c.as_str())
        .collect();
    assert!(
        cells.contains(&"B1 人民日报报道"),
        "item code and short name: {cells:?}"
    );
    assert!(
        cells
            .iter()
            .any(|c| c.contains("2026年5月10日") && c.contains("《万州城投：以改革激发国企活力》")),
        "cited as people cite it: {cells:?}"
    );
    assert!(cells.iter().any(|c| c.starts_with("证1 · ")), "{cells:?}");

    // A quarter with nothing in it says why.
    let q4 = dir.path().join("q4.md");
    ok(
        &home,
        &[
            "report",
            "quarterly",
            "--enterprise",
            "wz-ctjt",
            "--year",
            "2026",
            "--quarter",
            "4",
            "--out",
            q4.to_str().expect("utf-8"),
        ],
    );
    let md = std::fs::read_to_string(&q4).expect("md");
    assert!(
        md.contains("本季度（2026年第4季度）无新增计入项目：本年度已计入的 3 项在其他季度（第1季度 1 项、第2季度 2 项）"),
        "{md}"
    );
}

#[test]
fn the_xlsx_scorecard_has_a_title_row_print_setup_and_beijing_times() {
    let (dir, home) = home_with_items();
    let xlsx = dir.path().join("score.xlsx");
    ok(
        &home,
        &[
            "score",
            "--year",
            "2026",
            "--format",
            "xlsx",
            "--out",
            xlsx.to_str().expect("utf-8"),
        ],
    );
    let out = python(
        r#"
import sys, json, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
out = {}
for name in ["汇总", "明细"]:
    ws = wb[name]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    out[name] = {
      "title": rows[0][0], "header": rows[1], "rows": [[str(v) if v is not None else None for v in r] for r in rows[2:]],
      "merged": [str(m) for m in ws.merged_cells.ranges],
      "orientation": ws.page_setup.orientation, "paper": ws.page_setup.paperSize,
      "fit_width": ws.page_setup.fitToWidth, "fit_height": ws.page_setup.fitToHeight,
      "fit": ws.sheet_properties.pageSetUpPr.fitToPage if ws.sheet_properties.pageSetUpPr else None,
      "title_rows": ws.print_title_rows, "freeze": ws.freeze_panes,
    }
print(json.dumps(out, ensure_ascii=False, default=str))
"#,
        &[xlsx.as_os_str()],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    for name in ["汇总", "明细"] {
        let s = &v[name];
        let title = s["title"].as_str().expect("a title row");
        assert!(
            title.contains("2026年度") && title.contains("改革报表"),
            "{name}: {title}"
        );
        assert!(
            !s["merged"].as_array().expect("merged").is_empty(),
            "{name}: the title spans the columns"
        );
        assert_eq!(s["orientation"], "landscape", "{name}");
        assert_eq!(
            s["paper"]
                .as_str()
                .map(str::to_string)
                .or_else(|| s["paper"].as_u64().map(|n| n.to_string())),
            Some("9".into()),
            "{name}: A4"
        );
        assert_eq!(s["fit"], true, "{name}: fit to page");
        // fitToWidth defaults to 1 in the schema and may be left out.
        assert_eq!(
            s["fit_width"].as_u64().unwrap_or(1),
            1,
            "{name}: one page wide"
        );
        assert_eq!(
            s["fit_height"].as_u64(),
            Some(0),
            "{name}: as tall as it takes"
        );
        assert_eq!(
            s["title_rows"].as_str().map(|t| t.replace('$', "")),
            Some("1:2".to_string()),
            "{name}: title and header on every page"
        );
        assert_eq!(s["freeze"], "A3", "{name}");
    }
    let header: Vec<String> = v["明细"]["header"]
        .as_array()
        .expect("header")
        .iter()
        .map(|h| h.as_str().unwrap_or_default().to_string())
        .collect();
    let col = header
        .iter()
        .position(|h| h.starts_with("确认时间"))
        .expect("确认时间");
    assert!(header[col].contains("北京时间"), "{header:?}");
    let store = reform_radar::store::Store::open(&home.db_path()).expect("store");
    let entries = reform_radar::pipeline::ledger::entries(&store).expect("entries");
    let utc = chrono::DateTime::parse_from_rfc3339(&entries[0].at).expect("rfc3339");
    let beijing = utc
        .with_timezone(&reform_radar::model::BEIJING)
        .format("%Y-%m-%d %H:%M")
        .to_string();
    let shown: Vec<String> = v["明细"]["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .filter_map(|r| r[col].as_str().map(str::to_string))
        .collect();
    assert!(shown.contains(&beijing), "{beijing} in {shown:?}");
    assert!(
        shown.iter().all(|t| !t.contains('T') && !t.ends_with('Z')),
        "{shown:?}"
    );
    let summary_header = v["汇总"]["header"].to_string();
    assert!(summary_header.contains("C类完成情况") && summary_header.contains("待审核"));
}

#[test]
fn score_json_says_how_many_c_items_are_missing_and_what_is_pending() {
    let (_dir, home) = home_with_items();
    let sheet: serde_json::Value =
        serde_json::from_str(&ok(&home, &["score", "--year", "2026", "--format", "json"]))
            .expect("json");
    let of = |id: &str| {
        sheet["enterprises"]
            .as_array()
            .expect("enterprises")
            .iter()
            .find(|e| e["id"] == id)
            .unwrap_or_else(|| panic!("{id} in {sheet}"))
            .clone()
    };
    // One C item on a target of one: nothing missing; none at all: one missing.
    assert_eq!(of("wz-ctjt")["c_missing"], 0);
    assert_eq!(of("wz-jkq")["c_missing"], 1);
    assert_eq!(of("wz-ctjt")["pending"], 0);
}
