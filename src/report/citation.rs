//! How the documents cite evidence and the ledger, as people write it: a
//! newspaper as 《人民日报》2026年3月4日 第5版《标题》, any other source as
//! 市委改革办 2026年3月4日《标题》; each piece of evidence by a short
//! reference (证1 · 1a2b3c4d) whose full SHA-256 is in the annex; the
//! checkpoint by its tree size and a short fingerprint of its root, with one
//! sentence on what it proves.

use super::ReportItem;
use super::table::{cn_date, digest};
use crate::ledger::Evidence;

/// What a signed checkpoint proves, in one sentence.
pub const CHECKPOINT_PROOF: &str = "该检查点由台账签名密钥签署，凭它可以核验本文所列项目均已记入台账，且台账此后只增不改（核验方法：radar ledger verify，或用证据包中的 verify.py）。";

/// The page number in a page label: `第05版：要闻` → 5.
fn page_number(label: &str) -> Option<u32> {
    let after = label.split_once('第').map_or(label, |(_, r)| r);
    let digits: String = after
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// An item's evidence as people cite it.
pub fn cite(i: &ReportItem) -> String {
    let date = cn_date(i.date);
    match i.page.as_deref().filter(|p| !p.trim().is_empty()) {
        Some(p) => {
            let page = page_number(p).map_or_else(|| p.to_string(), |n| format!("第{n}版"));
            format!("《{}》{date} {page}《{}》", i.source, i.title)
        }
        None => format!("{} {date}《{}》", i.source, i.title),
    }
}

/// The first 8 hex digits of the evidence's SHA-256.
pub fn short_digest(e: &Evidence) -> String {
    digest(e).chars().take(8).collect()
}

/// The short reference of the `n`th piece of evidence (from 1): `证1 · 1a2b3c4d`.
pub fn evidence_ref(n: usize, e: &Evidence) -> String {
    format!("证{n} · {}", short_digest(e))
}

/// The annex line of the `n`th piece of evidence: what it is and its full digest.
pub fn annex_line(n: usize, i: &ReportItem) -> String {
    let what = match &i.evidence {
        Evidence::Archive { .. } => "网页存档（原始网页字节）".to_string(),
        Evidence::File { file_name, .. } => format!("上传文件 {file_name}"),
    };
    format!("证{n}：{what}，SHA-256 {}", digest(&i.evidence))
}

/// An item's code and short name: `B1 人民日报报道`.
pub fn item_label(i: &ReportItem) -> String {
    format!("{} {}", i.code, i.item_short)
}

/// A checkpoint's tree size and a short fingerprint of its root
/// (`1a2b 3c4d 5e6f 7a8b`), if it reads as a signed note.
pub fn fingerprint(note: &str) -> Option<(u64, String)> {
    use base64::Engine;
    // The body (origin, size, root) is what the fingerprint is of; the
    // signature is checked by `radar ledger verify`, not here.
    let mut lines = note.lines();
    let _origin = lines.next()?;
    let size: u64 = lines.next()?.trim().parse().ok()?;
    let root = base64::engine::general_purpose::STANDARD
        .decode(lines.next()?.trim())
        .ok()
        .filter(|r| r.len() == 32)?;
    let hex = hex::encode(root);
    let groups: Vec<&str> = (0..4).filter_map(|k| hex.get(k * 4..k * 4 + 4)).collect();
    Some((size, groups.join(" ")))
}

/// The sentence naming the checkpoint a document was made from.
pub fn checkpoint_sentence(note: &str) -> String {
    match fingerprint(note) {
        Some((size, fp)) => format!(
            "本文依据台账检查点生成：台账共 {size} 条记录，根哈希指纹 {fp}。{CHECKPOINT_PROOF}"
        ),
        None => "台账尚无记录，本文未引用检查点。".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_labels_become_page_numbers() {
        assert_eq!(page_number("第05版：要闻"), Some(5));
        assert_eq!(page_number("05版"), Some(5));
        assert_eq!(page_number("要闻"), None);
    }
}
