//! The enterprise registry as an operator uses it: `radar enterprises import`
//! from CSV (UTF-8 with and without BOM, GBK, and a file that is neither)
//! and from XLSX (title row, merged header, float ids, dates as numbers),
//! merging by id or replacing, row/column errors, `radar check` on a bad
//! `enterprises.toml`, and `radar enterprises list --json`. Spreadsheets are
//! written by the tests themselves into a temp dir.

use crate::support::new_home;
use reform_radar::config::Home;
use reform_radar::model::{AliasKind, Registry};
use std::path::Path;
use std::process::{Command, Output};

/// Run radar in `cwd` against `home`.
fn radar(cwd: &Path, home: &Home, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_radar"))
        .args(args)
        .arg("--home")
        .arg(home.root())
        .env_remove("RADAR_HOME")
        .current_dir(cwd)
        .output()
        .expect("run radar")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn ok(o: &Output) -> String {
    assert!(o.status.success(), "{}{}", stdout(o), stderr(o));
    stdout(o)
}

fn load(home: &Home) -> Registry {
    reform_radar::registry::load(home).unwrap_or_else(|p| panic!("{p}"))
}

/// (text, kind, ambiguous, until) of every alias of `id`.
fn aliases(reg: &Registry, id: &str) -> Vec<(String, AliasKind, bool, Option<String>)> {
    reg.get(id)
        .unwrap_or_else(|| panic!("no {id} in {reg:#?}"))
        .aliases
        .iter()
        .map(|a| {
            (
                a.text.clone(),
                a.kind,
                a.ambiguous,
                a.valid_until.map(|d| d.to_string()),
            )
        })
        .collect()
}

fn short(text: &str) -> (String, AliasKind, bool, Option<String>) {
    (text.to_string(), AliasKind::ShortName, false, None)
}

const CHINESE_CSV: &str = "\
编号,企业名称,简称/别名,上级企业,曾用名,曾用名截止日期
t-jia,重庆测试甲集团有限公司,\"测试甲；甲集团\",,,
t-yi,重庆测试乙有限公司,测试乙,t-jia,\"重庆测试乙实业公司(2021-06-30)、测试乙实业\",2019-12-31
";

fn check_chinese_import(reg: &Registry) {
    assert_eq!(reg.enterprises.len(), 2, "{reg:#?}");
    assert_eq!(
        reg.get("t-jia").map(|e| e.name.as_str()),
        Some("重庆测试甲集团有限公司")
    );
    assert_eq!(aliases(reg, "t-jia"), [short("测试甲"), short("甲集团")]);
    assert_eq!(
        aliases(reg, "t-yi"),
        [
            short("测试乙"),
            (
                "重庆测试乙实业公司".into(),
                AliasKind::FormerName,
                false,
                Some("2021-06-30".into())
            ),
            (
                "测试乙实业".into(),
                AliasKind::FormerName,
                false,
                Some("2019-12-31".into())
            ),
        ]
    );
    assert_eq!(
        reg.get("t-yi").and_then(|e| e.parent.as_deref()),
        Some("t-jia")
    );
}

#[test]
fn utf8_with_and_without_bom_and_gbk_csv_import_alike() {
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(CHINESE_CSV);
    assert!(!unmappable);
    let files: [(&str, Vec<u8>); 3] = [
        (
            "bom.csv",
            [b"\xEF\xBB\xBF".as_slice(), CHINESE_CSV.as_bytes()].concat(),
        ),
        ("plain.csv", CHINESE_CSV.as_bytes().to_vec()),
        ("gbk.csv", gbk.into_owned()),
    ];
    for (name, bytes) in files {
        let (dir, home) = new_home();
        std::fs::write(dir.path().join(name), &bytes).expect("write");
        let out = ok(&radar(
            dir.path(),
            &home,
            &["enterprises", "import", name, "--replace"],
        ));
        let expected = format!(
            "imported 2 enterprises (2 new, 0 updated, 6 removed) into {}\n",
            home.enterprises_path().display()
        );
        assert_eq!(out, expected, "{name}");
        check_chinese_import(&load(&home));
    }
}

#[test]
fn a_file_neither_utf8_nor_gbk_is_refused_naming_its_first_bad_line() {
    let (dir, home) = new_home();
    let before = std::fs::read(home.enterprises_path()).expect("read");
    let bytes = [
        "编号,企业名称\nt-a,重庆测试甲\n".as_bytes(),
        b"t-b,\xFF\xFE\xFD\n".as_slice(),
    ]
    .concat();
    std::fs::write(dir.path().join("list.csv"), bytes).expect("write");
    let o = radar(dir.path(), &home, &["enterprises", "import", "list.csv"]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("list.csv:3: neither UTF-8 nor GBK/GB18030"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        std::fs::read(home.enterprises_path()).expect("read"),
        before,
        "a refused import leaves the registry alone"
    );
}

#[test]
fn quoted_alias_cells_split_at_every_separator_under_english_headers() {
    let (dir, home) = new_home();
    let csv = "\
id,name,aliases,parent
t-1,测试一公司,\"一甲;一乙\",
t-2,测试二公司,\"二甲；二乙\",t-1
t-3,测试三公司,\"三甲、三乙\",
t-4,测试四公司,\"四甲,四乙\",测试一公司
";
    std::fs::write(dir.path().join("en.csv"), csv).expect("write");
    ok(&radar(
        dir.path(),
        &home,
        &["enterprises", "import", "en.csv", "--replace"],
    ));
    let reg = load(&home);
    for (id, a, b) in [
        ("t-1", "一甲", "一乙"),
        ("t-2", "二甲", "二乙"),
        ("t-3", "三甲", "三乙"),
        ("t-4", "四甲", "四乙"),
    ] {
        assert_eq!(aliases(&reg, id), [short(a), short(b)]);
    }
    assert_eq!(
        reg.get("t-2").and_then(|e| e.parent.as_deref()),
        Some("t-1")
    );
    // A parent named by its full name is stored by id.
    assert_eq!(
        reg.get("t-4").and_then(|e| e.parent.as_deref()),
        Some("t-1")
    );
}

/// A workbook as offices keep one: a merged title row, a header over two
/// rows (曾用名 merged over 名称 | 截止日期), ids and parents typed as
/// numbers, an end date under a Chinese date format and one as a bare
/// serial number, padded text.
fn write_workbook(path: &Path) {
    use rust_xlsxwriter::{Format, Workbook};
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let plain = Format::new();
    sheet
        .merge_range(0, 0, 0, 5, "万州区区属国有企业名录（测试）", &plain)
        .expect("title");
    for (col, label) in [
        (0, "编号"),
        (1, "企业名称"),
        (2, "简称/别名"),
        (5, "上级企业"),
    ] {
        sheet
            .merge_range(1, col, 2, col, label, &plain)
            .expect("header");
    }
    sheet
        .merge_range(1, 3, 1, 4, "曾用名", &plain)
        .expect("merged");
    sheet.write_string(2, 3, "名称").expect("sub");
    sheet.write_string(2, 4, "截止日期").expect("sub");
    // yyyy"年"m"月"d"日": a built-in Chinese date format.
    let zh_date = Format::new().set_num_format("yyyy\"年\"m\"月\"d\"日\"");
    sheet.write_number(3, 0, 1001.0).expect("id");
    sheet
        .write_string(3, 1, "  重庆测试甲集团有限公司 ")
        .expect("name");
    sheet.write_string(3, 2, "测试甲、甲集团").expect("aliases");
    sheet.write_number(4, 0, 1002.0).expect("id");
    sheet
        .write_string(4, 1, "重庆测试乙有限公司")
        .expect("name");
    sheet.write_string(4, 2, "测试乙").expect("aliases");
    sheet
        .write_string(4, 3, "重庆测试乙实业公司")
        .expect("former");
    sheet
        .write_number_with_format(4, 4, 44377.0, &zh_date)
        .expect("date");
    sheet.write_number(4, 5, 1001.0).expect("parent");
    sheet.write_number(5, 0, 1003.0).expect("id");
    sheet
        .write_string(5, 1, "重庆测试丙有限公司")
        .expect("name");
    sheet.write_string(5, 3, "丙旧名").expect("former");
    sheet.write_number(5, 4, 44196.0).expect("serial date");
    sheet.write_string(5, 5, "测试甲").expect("parent by name");
    book.save(path).expect("save xlsx");
}

#[test]
fn xlsx_with_a_title_row_merged_header_float_ids_and_date_numbers() {
    let (dir, home) = new_home();
    let path = dir.path().join("名录.xlsx");
    write_workbook(&path);
    let out = ok(&radar(
        dir.path(),
        &home,
        &["enterprises", "import", "名录.xlsx"],
    ));
    assert!(
        out.starts_with("imported 3 enterprises (3 new, 0 updated) into "),
        "{out}"
    );
    let reg = load(&home);
    assert_eq!(reg.enterprises.len(), 6 + 3, "merged into the example");
    assert_eq!(
        reg.get("1001").map(|e| e.name.as_str()),
        Some("重庆测试甲集团有限公司")
    );
    assert_eq!(aliases(&reg, "1001"), [short("测试甲"), short("甲集团")]);
    assert_eq!(
        aliases(&reg, "1002"),
        [
            short("测试乙"),
            (
                "重庆测试乙实业公司".into(),
                AliasKind::FormerName,
                false,
                Some("2021-06-30".into())
            ),
        ]
    );
    assert_eq!(
        aliases(&reg, "1003"),
        [(
            "丙旧名".into(),
            AliasKind::FormerName,
            false,
            Some("2020-12-31".into())
        )]
    );
    assert_eq!(
        reg.get("1002").and_then(|e| e.parent.as_deref()),
        Some("1001")
    );
    assert_eq!(
        reg.get("1003").and_then(|e| e.parent.as_deref()),
        Some("1001")
    );
    // The written file passes the check.
    let check = ok(&radar(dir.path(), &home, &["check"]));
    assert!(check.contains("9 enterprises"), "{check}");
}

#[test]
fn import_merges_by_id_and_replace_makes_the_file_the_registry() {
    let (dir, home) = new_home();
    let csv = "\
编号,企业名称,简称
wz-ctjt,重庆市万州区城市建设投资（集团）有限公司,\"万州城投、城投集团\"
t-new,重庆测试新公司,测试新
";
    std::fs::write(dir.path().join("list.csv"), csv).expect("write");
    let out = ok(&radar(
        dir.path(),
        &home,
        &["enterprises", "import", "list.csv"],
    ));
    assert!(
        out.starts_with("imported 2 enterprises (1 new, 1 updated) into "),
        "{out}"
    );
    let reg = load(&home);
    assert_eq!(reg.enterprises.len(), 7);
    // The short names are the file's; 城投集团 stays marked ambiguous.
    assert_eq!(
        aliases(&reg, "wz-ctjt"),
        [
            short("万州城投"),
            ("城投集团".into(), AliasKind::ShortName, true, None)
        ]
    );
    // What the file has no column for is kept: the former name, the parent,
    // the anchors.
    assert_eq!(
        reg.get("wz-xtport").and_then(|e| e.parent.as_deref()),
        Some("wz-port")
    );
    assert!(
        aliases(&reg, "wz-jtjt")
            .iter()
            .any(|a| a.1 == AliasKind::FormerName)
    );
    assert_eq!(reg.anchors, ["万州", "万州区"]);

    let out = ok(&radar(
        dir.path(),
        &home,
        &["enterprises", "import", "list.csv", "--replace"],
    ));
    assert!(
        out.starts_with("imported 2 enterprises (0 new, 2 updated, 5 removed) into "),
        "{out}"
    );
    let reg = load(&home);
    let ids: Vec<&str> = reg.enterprises.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["wz-ctjt", "t-new"]);
    assert_eq!(reg.home_sources, ["wz-gov", "wzsb", "sxdsb"]);
}

#[test]
fn bad_rows_are_named_by_line_and_column() {
    let (dir, home) = new_home();
    let csv = "\
编号,企业名称,简称/别名,上级企业,曾用名
t-a,重庆测试甲,测试甲,,
t-b,,测试乙,,
t-c,重庆测试丙,万州城投,,
t-d,重庆测试丁,,没有这家,
t-e,重庆测试戊,,,戊旧名
t-a,重庆测试甲二,,,
";
    std::fs::write(dir.path().join("list.csv"), csv).expect("write");
    let before = std::fs::read(home.enterprises_path()).expect("read");
    let o = radar(dir.path(), &home, &["enterprises", "import", "list.csv"]);
    assert!(!o.status.success());
    let err = stderr(&o);
    for needle in [
        "list.csv:3: 企业名称: empty",
        "list.csv:6: 曾用名: `戊旧名` has no end date",
        "list.csv:7: 编号: `t-a` is also the id on line 2",
    ] {
        assert!(err.contains(needle), "no {needle:?} in {err}");
    }
    assert_eq!(
        std::fs::read(home.enterprises_path()).expect("read"),
        before
    );
    // With the cell errors fixed, the registry-wide ones show.
    let csv = "\
编号,企业名称,简称/别名,上级企业
t-c,重庆测试丙,万州城投,
t-d,重庆测试丁,,没有这家
";
    std::fs::write(dir.path().join("list.csv"), csv).expect("write");
    let o = radar(dir.path(), &home, &["enterprises", "import", "list.csv"]);
    assert!(!o.status.success());
    let err = stderr(&o);
    for needle in [
        "list.csv:2: 简称/别名: `万州城投` is also the 简称 of `wz-ctjt`",
        "list.csv:3: 上级企业: `没有这家` is neither the id nor a name",
    ] {
        assert!(err.contains(needle), "no {needle:?} in {err}");
    }
    // A file without an id and a name column has no header.
    std::fs::write(dir.path().join("x.csv"), "a,b\n1,2\n").expect("write");
    let o = radar(dir.path(), &home, &["enterprises", "import", "x.csv"]);
    assert!(
        stderr(&o).contains("x.csv: no header row"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn check_reports_a_bad_enterprises_toml_with_lines() {
    let (dir, home) = new_home();
    let text = "\
anchors = [\"万州\"]
home_sources = [\"wzsb\", \"nowhere\"]

[[enterprise]]
id = \"a\"
name = \"重庆测试甲\"
short_names = [\"测试甲\"]
parent = \"b\"

[[enterprise]]
id = \"b\"
name = \"重庆测试乙\"
short_names = [\"测试甲\"]
former_names = [{ name = \"旧乙\", until = \"2021/06/30\" }]
parent = \"a\"
nickname = \"乙\"

[[enterprise]]
id = \"a\"
name = \"\"
";
    std::fs::write(home.enterprises_path(), text).expect("write");
    let o = radar(dir.path(), &home, &["check"]);
    assert!(!o.status.success());
    let out = stdout(&o);
    let file = home.enterprises_path().display().to_string();
    let expected = [
        format!("{file}:2: home_sources[1]: `nowhere` is not a source of this home"),
        format!("{file}:8: enterprise[0].parent: parents go round in a cycle: a -> b -> a"),
        format!("{file}:13: enterprise[1].short_names[0]: `测试甲` is also the 简称 of `a`"),
        format!("{file}:14: enterprise[1].former_names[0].until: `2021/06/30` is not a date"),
        format!("{file}:16: enterprise[1].nickname: unknown field `nickname`"),
        format!("{file}:19: enterprise[2].id: duplicate enterprise id `a`"),
        format!("{file}:20: enterprise[2].name: empty"),
    ];
    for e in &expected {
        assert!(
            out.lines().any(|l| l.starts_with(e.as_str())),
            "no {e:?} in\n{out}"
        );
    }
    assert!(stderr(&o).contains("problem(s) in"), "{}", stderr(&o));
}

#[test]
fn list_json_is_one_array_with_every_alias_kind() {
    let (dir, home) = new_home();
    let o = radar(dir.path(), &home, &["enterprises", "list", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&ok(&o)).expect("one JSON array");
    let list = v.as_array().expect("array");
    assert_eq!(list.len(), 6);
    let ids: Vec<&str> = list.iter().filter_map(|e| e["id"].as_str()).collect();
    for id in ["wz-ctjt", "sx-water", "wz-port", "wz-jtjt"] {
        assert!(ids.contains(&id), "{ids:?}");
    }
    let kinds: std::collections::BTreeSet<&str> = list
        .iter()
        .flat_map(|e| e["aliases"].as_array().into_iter().flatten())
        .filter_map(|a| a["kind"].as_str())
        .collect();
    assert_eq!(
        kinds.into_iter().collect::<Vec<_>>(),
        ["brand", "former_name", "short_name"]
    );
    let sub = list
        .iter()
        .find(|e| e["parent"].is_string())
        .expect("a subsidiary");
    assert_eq!(sub["scoring_unit"], sub["parent"]);
    let ambiguous: Vec<&str> = list
        .iter()
        .flat_map(|e| e["aliases"].as_array().into_iter().flatten())
        .filter(|a| a["ambiguous"] == true)
        .filter_map(|a| a["text"].as_str())
        .collect();
    assert_eq!(ambiguous, ["城投集团", "水务集团", "交投集团"]);
    let summary = stderr(&o);
    assert!(
        summary
            .trim_end()
            .ends_with("6 enterprises (1 with a parent), 17 aliases (3 need an anchor)"),
        "{summary}"
    );
    // The text listing ends with the same summary on stdout.
    let text = ok(&radar(dir.path(), &home, &["enterprises", "list"]));
    assert!(
        text.contains("曾用名: 重庆市万州区交通建设开发有限公司 (until 2018-12-31)"),
        "{text}"
    );
    assert!(text.trim_end().ends_with("need an anchor)"), "{text}");
}
