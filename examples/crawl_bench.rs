//! Crawl throughput: replay a generated archive of N article pages (plus their
//! listing pages) through fetch, archive, extract and store, and report
//! pages/s and peak memory. `cargo run --release --example crawl_bench -- 10000`

use reform_radar::archive::{ArchiveWriter, Exchange};
use reform_radar::config::{Home, check_home};
use reform_radar::pipeline::{CrawlRequest, crawl};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

const PER_PAGE: usize = 100;

fn article(n: usize) -> String {
    // Varied text: every article draws its own sequence of sentences.
    const SENTENCES: [&str; 12] = [
        "万州区深入推进国有企业改革深化提升行动",
        "区属国有企业聚焦主责主业，完善现代企业制度",
        "健全市场化经营机制，推进三项制度改革",
        "万州城投集团引入战略投资者，稳妥推进混合所有制改革",
        "三峡水务加快城区供水管网改造，服务民生保障",
        "万州港口集团集装箱吞吐量同比增长",
        "区国资委强化国有资产监管，防范化解重大风险",
        "经理层成员任期制和契约化管理全面推行",
        "企业科技创新投入持续加大，新兴产业布局加快",
        "全区国有企业营业收入和利润总额实现双增长",
        "干部职工干事创业热情高涨，改革成效不断显现",
        "下一步将持续深化改革，推动国有资本做强做优做大",
    ];
    let mut x = (n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let body: String = (0..8)
        .map(|i| {
            let para: String = (0..5)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    SENTENCES[(x % SENTENCES.len() as u64) as usize]
                })
                .collect::<Vec<_>>()
                .join("，");
            format!("<p>　　{para}（第{n}篇第{i}段）。</p>")
        })
        .collect();
    format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><meta name=\"ArticleTitle\" content=\"万州区国企改革报道{n}\">\
         <meta name=\"PubDate\" content=\"2026-03-0{d} 09:00\"><title>万州区国企改革报道{n}</title></head><body>\
         <div class=\"header\"><ul class=\"nav\"><li><a href=\"/\">首页</a></li><li><a href=\"/zwxx/\">政务信息</a></li></ul></div>\
         <div class=\"zwxl-title\"><p class=\"tit\">万州区国企改革报道{n}</p></div>\
         <div class=\"view TRS_UEDITOR trs_paper_default\">{body}</div><div class=\"footer\">版权所有 重庆市万州区人民政府</div></body></html>",
        d = n % 3 + 2
    )
}

fn listing(page: usize, total: usize) -> String {
    let items: String = (page * PER_PAGE..((page + 1) * PER_PAGE).min(total))
        .map(|n| format!("<li class=\"clearfix\"><a class=\"lf\" href=\"./202603/t20260302_{n}.html\">万州区国企改革报道{n}</a><span class=\"rt\">2026-03-02</span></li>"))
        .collect();
    format!("<html><body><ul class=\"right-list\">{items}</ul></body></html>")
}

fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn main() -> anyhow::Result<()> {
    let total: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(10_000);
    let dir = tempfile::tempdir()?;
    let home = Home::new(dir.path().join("home"));
    home.init()?;
    let pages = total.div_ceil(PER_PAGE);
    let source = format!(
        "id = \"bench\"\nname = \"bench\"\noutlet = \"万州区人民政府\"\nitem = \"lead\"\nkind = \"listing\"\npace_secs = 0.0\n\n\
         [listing]\nstart = [\"http://bench.example.cn/zwxx/index.html\"]\npage_url = \"index_{{n}}.html\"\nmax_pages = {pages}\n\
         items = \"ul.right-list li\"\nlink = \"a.lf\"\ndate = \"span.rt\"\n\n[fields]\ntitle = \"div.zwxl-title p.tit\"\ndate = \"meta[name=PubDate]\"\nbody = \"div.trs_paper_default\"\n"
    );
    std::fs::write(home.sources_dir().join("bench.toml"), source)?;
    // The archive to replay.
    let warc_dir = dir.path().join("input");
    let mut w = ArchiveWriter::open(&warc_dir, u64::MAX)?;
    let headers = vec![(
        "Content-Type".to_string(),
        "text/html; charset=utf-8".to_string(),
    )];
    let mut put = |url: String, body: String| -> anyhow::Result<String> {
        let loc = w.write_exchange(&Exchange {
            url: &url,
            method: "GET",
            request_headers: &[],
            status: Some(200),
            reason: "OK",
            response_headers: &headers,
            body: body.as_bytes(),
            truncated: false,
            error: None,
            fetched_at: chrono::Utc::now(),
        })?;
        Ok(loc.file)
    };
    let mut file = String::new();
    for p in 0..pages {
        let url = if p == 0 {
            "http://bench.example.cn/zwxx/index.html".to_string()
        } else {
            format!("http://bench.example.cn/zwxx/index_{p}.html")
        };
        file = put(url, listing(p, total))?;
    }
    for n in 0..total {
        file = put(
            format!("http://bench.example.cn/zwxx/202603/t20260302_{n}.html"),
            article(n),
        )?;
    }
    w.sync()?;
    let warc = warc_dir.join(file);
    let size = std::fs::metadata(&warc)?.len();
    let checked = check_home(&home).map_err(|p| anyhow::anyhow!("{p}"))?;
    let req = CrawlRequest {
        sources: vec!["bench".into()],
        range: None,
        replay: vec![warc],
        today: None,
        retry_failed: false,
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let start = Instant::now();
    let summary = rt.block_on(crawl(
        &home,
        &checked,
        &req,
        &(),
        Arc::new(AtomicBool::new(false)),
    ))?;
    let secs = start.elapsed().as_secs_f64();
    anyhow::ensure!(
        summary.new_articles as usize == total,
        "expected {total} articles, got {summary:?}"
    );
    println!(
        "replayed {} pages ({} articles, input archive {:.1} MiB) in {secs:.2} s: {:.0} pages/s, peak RSS {:.0} MiB",
        summary.fetched,
        summary.new_articles,
        size as f64 / 1048576.0,
        summary.fetched as f64 / secs,
        peak_rss_mib()
    );
    Ok(())
}
