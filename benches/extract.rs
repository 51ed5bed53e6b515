//! Extraction throughput over generated pages: a 人民日报-like e-paper article
//! page (with the `enpproperty` comment and sibling-article list) and a TRS
//! government article page (metas, navigation, related links), each with
//! varied Chinese text. Runs the selector path and the generic path.
//!
//! `cargo bench --bench extract` prints pages/s for one pass over 10,000
//! pages per path, then criterion's figures. With `EXTRACT_BENCH_DUMP=DIR` it
//! writes the pages, their truth (`truth.jsonl`) and our output on both paths
//! (`ours-*.jsonl`) to DIR and exits, for the side-by-side run of trafilatura
//! (`bench/extract-trafilatura.py`).

use criterion::{Criterion, Throughput};
use reform_radar::extract::{Hints, PageInput, extract_article};
use reform_radar::model::FieldSelectors;
use std::hint::black_box;
use std::time::Instant;

#[path = "extract/pages.rs"]
mod gen_pages;
use gen_pages::{Page, generate};

const PAGES: usize = 10_000;

fn fields_for(page: &Page) -> FieldSelectors {
    let s = |x: &str| Some(x.to_string());
    if page.kind == "rmrb" {
        FieldSelectors {
            pretitle: s("div.article h3"),
            title: s("div.article h1"),
            subtitle: s("div.article h2"),
            date: s("div.article p.sec span.newstime, div.article p.sec span.date"),
            body: s("#articleContent, #ozoom"),
            strip: vec!["script".into(), "style".into()],
            ..Default::default()
        }
    } else {
        FieldSelectors {
            title: s("div.document h1, div.zwxl-title p.tit"),
            body: s("div.trs_paper_default, div.view, .document"),
            strip: vec!["script".into(), "style".into()],
            ..Default::default()
        }
    }
}

fn run_pass(pages: &[Page], urls: &[url::Url], generic: bool) -> (f64, usize) {
    let empty = FieldSelectors::default();
    let hints = Hints::default();
    let started = Instant::now();
    let mut chars = 0;
    for (p, u) in pages.iter().zip(urls) {
        let fields = if generic {
            empty.clone()
        } else {
            fields_for(p)
        };
        let ex = extract_article(
            &PageInput {
                url: u,
                html: &p.html,
            },
            &fields,
            &hints,
        );
        chars += ex.body.len();
    }
    (started.elapsed().as_secs_f64(), chars)
}

fn dump(dir: &str, pages: &[Page]) -> std::io::Result<()> {
    use std::io::Write;
    std::fs::create_dir_all(dir)?;
    let mut truth = std::fs::File::create(format!("{dir}/truth.jsonl"))?;
    let mut ours_sel = std::fs::File::create(format!("{dir}/ours-selectors.jsonl"))?;
    let mut ours_gen = std::fs::File::create(format!("{dir}/ours-generic.jsonl"))?;
    let empty = FieldSelectors::default();
    for (i, p) in pages.iter().enumerate() {
        let name = format!("{i:05}.html");
        std::fs::write(format!("{dir}/{name}"), &p.html)?;
        let row = serde_json::json!({"file": name, "url": p.url, "kind": p.kind, "title": p.title,
            "date": p.date.to_string(), "body": p.body});
        writeln!(truth, "{row}")?;
        let Ok(url) = url::Url::parse(&p.url) else {
            continue;
        };
        let input = PageInput {
            url: &url,
            html: &p.html,
        };
        for (out, fields) in [
            (&mut ours_sel, fields_for(p)),
            (&mut ours_gen, empty.clone()),
        ] {
            let ex = extract_article(&input, &fields, &Hints::default());
            let row = serde_json::json!({"file": name, "text": ex.body, "title": ex.title,
                "date": ex.published.map(|d| d.to_string())});
            writeln!(out, "{row}")?;
        }
    }
    Ok(())
}

fn main() {
    let pages = generate(PAGES, 20_260_304);
    if let Ok(dir) = std::env::var("EXTRACT_BENCH_DUMP") {
        if let Err(e) = dump(&dir, &pages) {
            eprintln!("dump to {dir}: {e}");
            std::process::exit(1);
        }
        println!("wrote {} pages to {dir}", pages.len());
        return;
    }
    let urls: Vec<url::Url> = pages
        .iter()
        .filter_map(|p| url::Url::parse(&p.url).ok())
        .collect();
    let mb = pages.iter().map(|p| p.html.len()).sum::<usize>() as f64 / 1e6;
    for (label, generic) in [("selectors", false), ("generic", true)] {
        let (secs, chars) = run_pass(&pages, &urls, generic);
        println!(
            "{label:9}: {} pages ({mb:.1} MB) in {secs:.2} s = {:.0} pages/s on one core ({chars} body bytes)",
            pages.len(),
            pages.len() as f64 / secs
        );
    }
    let mut c = Criterion::default().configure_from_args().sample_size(10);
    let sample = &pages[..200];
    let sample_urls = &urls[..200];
    let mut g = c.benchmark_group("extract");
    g.throughput(Throughput::Elements(sample.len() as u64));
    g.bench_function("selectors_200_pages", |b| {
        b.iter(|| black_box(run_pass(sample, sample_urls, false)))
    });
    g.bench_function("generic_200_pages", |b| {
        b.iter(|| black_box(run_pass(sample, sample_urls, true)))
    });
    g.finish();
    c.final_summary();
}
