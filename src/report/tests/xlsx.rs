//! The XLSX scorecard read back with calamine.

use super::*;
use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use std::io::Cursor;

fn workbook(bytes: Vec<u8>) -> Xlsx<Cursor<Vec<u8>>> {
    open_workbook_from_rs(Cursor::new(bytes)).expect("open xlsx")
}

#[test]
fn xlsx_has_summary_detail_and_checkpoint() {
    let s = sheet(Some(Quarter::Q2), Some(CHECKPOINT));
    let mut wb = workbook(score_xlsx(&s).expect("xlsx"));
    assert_eq!(wb.sheet_names(), vec!["汇总", "明细", "台账检查点"]);

    let sum = wb.worksheet_range("汇总").expect("汇总");
    let header: Vec<String> = (0..9)
        .map(|c| sum.get_value((1, c)).expect("cell").to_string())
        .collect();
    assert_eq!(
        header,
        [
            "企业编号",
            "企业名称",
            "A类",
            "B类",
            "C类",
            "C类目标",
            "C类增减分",
            "典型案例加分",
            "合计"
        ]
    );
    for (r, e) in s.enterprises.iter().enumerate() {
        let r = r as u32 + 2;
        assert_eq!(sum.get_value((r, 0)), Some(&Data::String(e.id.clone())));
        assert_eq!(sum.get_value((r, 1)), Some(&Data::String(e.name.clone())));
        assert_eq!(sum.get_value((r, 2)), Some(&Data::Float(f64::from(e.a))));
        assert_eq!(
            sum.get_value((r, 5)),
            Some(&Data::Float(f64::from(e.c_target)))
        );
        assert_eq!(sum.get_value((r, 6)), Some(&Data::Float(e.c_delta)));
        assert_eq!(sum.get_value((r, 7)), Some(&Data::Float(e.bonus)));
        assert_eq!(sum.get_value((r, 8)), Some(&Data::Float(e.total)));
    }

    let det = wb.worksheet_range("明细").expect("明细");
    let all: Vec<(&EnterpriseScore, &ReportItem)> = s
        .enterprises
        .iter()
        .flat_map(|e| e.items.iter().map(move |i| (e, i)))
        .collect();
    assert_eq!(det.height(), all.len() + 2);
    assert_eq!(det.get_value((1, 6)), Some(&Data::String("日期".into())));
    let epoch = d(1899, 12, 30);
    for (r, (e, i)) in all.iter().enumerate() {
        let r = r as u32 + 2;
        assert_eq!(det.get_value((r, 0)), Some(&Data::String(e.id.clone())));
        assert_eq!(det.get_value((r, 2)), Some(&Data::Float(i.entry as f64)));
        assert_eq!(det.get_value((r, 3)), Some(&Data::String(i.code.clone())));
        match det.get_value((r, 6)) {
            Some(Data::DateTime(dt)) => {
                assert_eq!(dt.as_f64(), (i.date - epoch).num_days() as f64)
            }
            other => panic!("date cell of {}: {other:?}", i.code),
        }
        assert_eq!(det.get_value((r, 8)), Some(&Data::String(i.title.clone())));
        assert_eq!(
            det.get_value((r, 12)),
            Some(&Data::String(sha(&i.evidence).to_string()))
        );
        let page = det.get_value((r, 9)).cloned().unwrap_or(Data::Empty);
        match &i.page {
            Some(p) => assert_eq!(page, Data::String(p.clone())),
            None => assert_eq!(page, Data::Empty),
        }
    }

    let cp = wb.worksheet_range("台账检查点").expect("checkpoint");
    let text: Vec<String> = cp
        .rows()
        .skip(1)
        .map(|r| r.first().map(|c| c.to_string()).unwrap_or_default())
        .collect();
    assert_eq!(text, CHECKPOINT.lines().collect::<Vec<_>>());
}

#[test]
fn xlsx_without_checkpoint_has_two_sheets() {
    let wb = workbook(score_xlsx(&sheet(None, None)).expect("xlsx"));
    assert_eq!(wb.sheet_names(), vec!["汇总", "明细"]);
}
