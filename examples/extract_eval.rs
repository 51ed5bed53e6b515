//! Runs the generic extractor (empty selectors) over every `.html` file in a
//! folder and prints one JSON line `{"file", "text"}` per page, the format the
//! article-extraction-benchmark scorer reads. Bytes are decoded as the fetcher
//! decodes them. Timing goes to stderr.
//!
//! `cargo run --release --example extract_eval -- DIR > pred.jsonl`

use reform_radar::crawl::decode::decode_html;
use reform_radar::extract::{Hints, PageInput, extract_article};
use reform_radar::model::FieldSelectors;
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

fn main() -> anyhow::Result<()> {
    let dir = std::env::args()
        .nth(1)
        .ok_or_else(|| anyhow::anyhow!("usage: extract_eval DIR"))?;
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "html" || x == "htm"))
        .collect();
    files.sort();
    let url = url::Url::parse("http://localhost/eval.html")?;
    let fields = FieldSelectors::default();
    let hints = Hints::default();
    let mut out = std::io::stdout().lock();
    let started = Instant::now();
    for path in &files {
        let bytes = std::fs::read(path)?;
        let html = decode_html(&bytes, None).text;
        let ex = extract_article(
            &PageInput {
                url: &url,
                html: &html,
            },
            &fields,
            &hints,
        );
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        writeln!(
            out,
            "{}",
            serde_json::json!({ "file": name, "text": ex.body })
        )?;
    }
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "{} pages in {:.3} s ({:.0} pages/s)",
        files.len(),
        secs,
        files.len() as f64 / secs.max(1e-9)
    );
    Ok(())
}
