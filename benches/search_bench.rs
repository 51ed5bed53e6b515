//! Search benchmark: generates N realistic Chinese articles (default
//! 100,000, ~2,000 characters each), indexes them with [`SearchIndex`]
//! (the same `rebuild` path as `radar reindex`) and with SQLite FTS5
//! (trigram tokenizer), runs 20 fixed queries against both and prints a
//! Markdown report: documents/s, size on disk, peak memory, latency p50/p99
//! and, per query, how many of the relevant articles each engine finds.
//!
//! `cargo bench --bench search_bench -- --docs 100000 [--runs 10] [--dir D] [--tantivy-only] [--reuse]`
//!
//! `--reuse` keeps a tantivy index of the same size built by an earlier run
//! in `--dir` (only the queries are timed again; the indexing rows then say
//! "reused").
//!
//! Relevance is judged by a brute-force oracle over the folded text (see
//! `QUERIES`): e.g. for 国企 an article is relevant if it says 国企 or
//! 国有企业, in either script, other than inside 中国企业 or 我国企业.

#[path = "search/corpus.rs"]
mod corpus;
#[path = "search/fts5.rs"]
mod fts5;

use reform_radar::index::{ArticleFeed, FeedError, SearchIndex, SearchRequest, fold};
use reform_radar::model::Article;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// (query, FTS5 query, relevant: every group needs one form, none of `not`).
struct Q {
    q: &'static str,
    fts: &'static str,
    all: &'static [&'static [&'static str]],
    not: &'static [&'static str],
    /// Occurrences inside these words do not count (中国企业 is not 国企).
    mask: &'static [&'static str],
}

const QUERIES: &[Q] = &[
    Q {
        q: "国企",
        fts: "\"国企\"",
        all: &[&["国企", "国有企业"]],
        not: &[],
        mask: &["中国企业", "我国企业"],
    },
    Q {
        q: "国有企业改革",
        fts: "\"国有企业改革\"",
        all: &[&["国企改革", "国有企业改革"]],
        not: &[],
        mask: &[],
    },
    Q {
        q: "混改",
        fts: "\"混改\"",
        all: &[&["混改", "混合所有制改革"]],
        not: &[],
        mask: &[],
    },
    Q {
        q: "央视",
        fts: "\"央视\"",
        all: &[&["央视", "中央广播电视总台", "cctv", "中央电视台"]],
        not: &[],
        mask: &[],
    },
    Q {
        q: "国资委",
        fts: "\"国资委\"",
        all: &[&["国资委", "国有资产监督管理委员会"]],
        not: &[],
        mask: &[],
    },
    Q {
        q: "重庆三峡银行",
        fts: "\"重庆三峡银行\"",
        all: &[&["重庆三峡银行"]],
        not: &[],
        mask: &[],
    },
    Q {
        q: "三峡银行",
        fts: "\"三峡银行\"",
        all: &[&["三峡银行"]],
        not: &[],
        mask: &[],
    },
    Q {
        q: "万州城投",
        fts: "\"万州城投\"",
        all: &[&["万州城投"]],
        not: &[],
        mask: &[],
    },
    Q {
        q: "渝富集团",
        fts: "\"渝富集团\"",
        all: &[&["渝富集团", "重庆渝富控股集团"]],
        not: &[],
        mask: &[],
    },
    Q {
        q: "专精特新",
        fts: "\"专精特新\"",
        all: &[&["专精特新"]],
        not: &[],
        mask: &[],
    },
    Q {
        q: "长安汽车",
        fts: "\"长安汽车\"",
        all: &[&["长安汽车"]],
        not: &[],
        mask: &[],
    },
    Q {
        q: "重慶三峽銀行",
        fts: "\"重慶三峽銀行\"",
        all: &[&["重庆三峡银行"]],
        not: &[],
        mask: &[],
    },
    Q {
        q: "科技创新",
        fts: "\"科技创新\"",
        all: &[&["科技创新"]],
        not: &[],
        mask: &[],
    },
    Q {
        q: "智能制造 两江新区",
        fts: "\"智能制造\" AND \"两江新区\"",
        all: &[&["智能制造"], &["两江新区"]],
        not: &[],
        mask: &[],
    },
    Q {
        q: "混改 OR 员工持股",
        fts: "\"混改\" OR \"员工持股\"",
        all: &[&["混改", "混合所有制改革", "员工持股"]],
        not: &[],
        mask: &[],
    },
    Q {
        q: "营商环境 -招商",
        fts: "\"营商环境\" NOT \"招商\"",
        all: &[&["营商环境"]],
        not: &["招商"],
        mask: &[],
    },
    Q {
        q: "数字经济",
        fts: "\"数字经济\"",
        all: &[&["数字经济"]],
        not: &[],
        mask: &[],
    },
    Q {
        q: "高质量发展",
        fts: "\"高质量发展\"",
        all: &[&["高质量发展"]],
        not: &[],
        mask: &[],
    },
    Q {
        q: "煤",
        fts: "\"煤\"",
        all: &[&["煤"]],
        not: &[],
        mask: &[],
    },
    Q {
        q: "ＣＣＴＶ",
        fts: "\"ＣＣＴＶ\"",
        all: &[&["cctv", "央视", "中央广播电视总台", "中央电视台"]],
        not: &[],
        mask: &[],
    },
];

struct GenFeed {
    docs: u64,
    s2t: HashMap<char, char>,
}

impl ArticleFeed for GenFeed {
    fn max_article_seq(&self) -> Result<i64, FeedError> {
        Ok(self.docs as i64)
    }
    fn articles_after_seq(
        &self,
        after: i64,
        limit: usize,
    ) -> Result<Vec<(i64, Article)>, FeedError> {
        let from = after.max(0) as u64 + 1;
        let to = (after.max(0) as u64 + limit as u64).min(self.docs);
        Ok((from..=to)
            .map(|n| (n as i64, corpus::article(n, &self.s2t)))
            .collect())
    }
}

fn status_kb(key: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

/// CPU seconds (user + system, all threads) used by this process so far.
pub fn cpu_secs() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which is in parentheses).
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    // `rest` starts at field 3 (state); utime and stime are fields 14 and 15.
    let field = |i: usize| f.get(i).and_then(|x| x.parse::<u64>().ok()).unwrap_or(0);
    let ticks = field(11) + field(12);
    ticks as f64 / 100.0
}

fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn dir_size(p: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(p) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| match e.metadata() {
            Ok(m) if m.is_dir() => dir_size(&e.path()),
            Ok(m) => m.len(),
            Err(_) => 0,
        })
        .sum()
}

fn percentile(v: &mut [f64], p: f64) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    if v.is_empty() {
        return 0.0;
    }
    v[((v.len() as f64 - 1.0) * p).round() as usize]
}

struct Engine {
    docs_per_s: f64,
    index_secs: f64,
    size: u64,
    peak_kb: u64,
    /// VmHWM right after indexing and merging, before any query.
    build_peak_kb: u64,
    /// Anonymous (heap) RSS right after indexing, excluding mapped files.
    anon_kb: u64,
    /// Seconds spent after the commit waiting for background merges.
    merge_secs: f64,
    /// CPU seconds (all threads) spent indexing, merges included.
    cpu: f64,
    latencies: Vec<f64>,
    per_query: Vec<(f64, Option<BTreeSet<i64>>)>,
}

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn run_tantivy(dir: &Path, feed: &GenFeed, runs: usize, reuse: bool) -> Engine {
    let reusable = reuse
        && SearchIndex::open(dir)
            .map(|i| i.num_docs() == feed.docs && i.indexed_seq() == feed.docs as i64)
            .unwrap_or(false);
    reset_peak();
    let (mut n, mut index_secs, mut merge_secs, mut cpu, mut anon_kb) = (0, 0.0, 0.0, 0.0, 0);
    if reusable {
        eprintln!(
            "  tantivy: reusing the index of {} docs in {}",
            feed.docs,
            dir.display()
        );
    } else {
        let _ = std::fs::remove_dir_all(dir);
        let index = SearchIndex::open(dir).expect("open index");
        let cpu0 = cpu_secs();
        let started = Instant::now();
        let step = (feed.docs / 10).max(1);
        n = index
            .rebuild(feed, &|done, total| {
                if done % step < 500 {
                    eprintln!(
                        "  tantivy: {done}/{total} in {:.0} s, VmHWM {} MiB",
                        started.elapsed().as_secs_f64(),
                        status_kb("VmHWM:") / 1024
                    );
                }
            })
            .expect("rebuild");
        index_secs = started.elapsed().as_secs_f64();
        anon_kb = status_kb("RssAnon:");
        index.close_writer().expect("merge");
        merge_secs = started.elapsed().as_secs_f64() - index_secs;
        cpu = cpu_secs() - cpu0;
        eprintln!("  tantivy: {n} docs in {index_secs:.1} s (+{merge_secs:.1} s merging)");
    }
    let build_peak_kb = status_kb("VmHWM:");
    let size = dir_size(dir);
    let index = SearchIndex::open(dir).expect("reopen");
    let mut latencies = Vec::new();
    let mut per_query = Vec::new();
    for q in QUERIES {
        let req = SearchRequest::new(q.q);
        let _ = index.search(&req).expect(q.q);
        let mut mine = Vec::new();
        for _ in 0..runs {
            let t = Instant::now();
            let r = index.search(&req).expect(q.q);
            mine.push(t.elapsed().as_secs_f64() * 1000.0);
            std::hint::black_box(r);
        }
        let seqs: BTreeSet<i64> = index.matching_seqs(&req).expect(q.q).into_iter().collect();
        latencies.extend(&mine);
        per_query.push((percentile(&mut mine, 0.5), Some(seqs)));
    }
    Engine {
        docs_per_s: n as f64 / index_secs,
        index_secs,
        size,
        peak_kb: status_kb("VmHWM:"),
        build_peak_kb,
        anon_kb,
        merge_secs,
        cpu,
        latencies,
        per_query,
    }
}

fn oracle(feed: &GenFeed) -> Vec<BTreeSet<i64>> {
    let mut out = vec![BTreeSet::new(); QUERIES.len()];
    let folded: Vec<(Vec<Vec<String>>, Vec<String>)> = QUERIES
        .iter()
        .map(|q| {
            (
                q.all
                    .iter()
                    .map(|g| g.iter().map(|f| fold(f)).collect())
                    .collect(),
                q.not.iter().map(|f| fold(f)).collect(),
            )
        })
        .collect();
    for n in 1..=feed.docs {
        let a = corpus::article(n, &feed.s2t);
        let (title, body) = (fold(&a.title), fold(&a.body));
        for (i, (all, not)) in folded.iter().enumerate() {
            let (mut t, mut b) = (title.clone(), body.clone());
            for m in QUERIES[i].mask {
                t = t.replace(m, "#");
                b = b.replace(m, "#");
            }
            let has = |f: &String| t.contains(f.as_str()) || b.contains(f.as_str());
            if all.iter().all(|g| g.iter().any(has)) && !not.iter().any(has) {
                out[i].insert(n as i64);
            }
        }
    }
    out
}

fn found(set: &Option<BTreeSet<i64>>, relevant: &BTreeSet<i64>) -> String {
    match set {
        None => "error".into(),
        Some(s) => {
            let hit = s.intersection(relevant).count();
            let extra = s.len() - hit;
            if extra > 0 {
                format!("{hit} (+{extra} other)")
            } else {
                hit.to_string()
            }
        }
    }
}

fn main() {
    let docs: u64 = arg("--docs")
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    let runs: usize = arg("--runs").and_then(|s| s.parse().ok()).unwrap_or(10);
    let dir = PathBuf::from(arg("--dir").unwrap_or_else(|| "target/search-bench".into()));
    let load = || std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load_before = load();
    std::fs::create_dir_all(&dir).expect("bench dir");
    let feed = GenFeed {
        docs,
        s2t: corpus::s2t(),
    };
    let t = Instant::now();
    let sample = 2000.min(docs);
    let chars: usize = (1..=sample)
        .map(|n| corpus::article(n, &feed.s2t).body.chars().count())
        .sum();
    let gen_per_s = sample as f64 / t.elapsed().as_secs_f64();
    eprintln!(
        "generating {docs} articles (~{} chars each, {gen_per_s:.0}/s)",
        chars as u64 / sample.max(1)
    );
    let reuse = std::env::args().any(|a| a == "--reuse");
    let tantivy = run_tantivy(&dir.join("tantivy"), &feed, runs, reuse);
    if std::env::args().any(|a| a == "--tantivy-only") {
        println!(
            "tantivy: {:.0} docs/s, {:.1} CPU-s, {:.0} MiB, build peak {} MiB, p50 {:.2} ms, p99 {:.2} ms",
            tantivy.docs_per_s,
            tantivy.cpu,
            tantivy.size as f64 / (1 << 20) as f64,
            tantivy.build_peak_kb / 1024,
            percentile(&mut tantivy.latencies.clone(), 0.5),
            percentile(&mut tantivy.latencies.clone(), 0.99)
        );
        for (i, q) in QUERIES.iter().enumerate() {
            println!("  {} p50 {:.2} ms", q.q, tantivy.per_query[i].0);
        }
        return;
    }
    let fts = fts5::run(&dir.join("fts5.sqlite"), &feed, runs);
    eprintln!("  oracle…");
    let relevant = oracle(&feed);
    let mib = |b: u64| b as f64 / (1 << 20) as f64;
    println!(
        "## {docs} articles, ~{} characters each, {runs} runs per query\n",
        chars as u64 / sample.max(1)
    );
    println!("| | tantivy (jieba + bigram) | SQLite FTS5 (trigram) |\n|---|---|---|");
    println!(
        "| indexing | {:.0} docs/s ({:.1} s) | {:.0} docs/s ({:.1} s) |",
        tantivy.docs_per_s, tantivy.index_secs, fts.docs_per_s, fts.index_secs
    );
    println!(
        "| size on disk | {:.0} MiB | {:.0} MiB |",
        mib(tantivy.size),
        mib(fts.size)
    );
    println!(
        "| indexing incl. waiting for merges | {:.0} docs/s (+{:.1} s) | same (optimize included) |",
        docs as f64 / (tantivy.index_secs + tantivy.merge_secs),
        tantivy.merge_secs
    );
    println!(
        "| CPU time for indexing (all threads) | {:.1} s = {:.0} docs per CPU-second | {:.1} s = {:.0} docs per CPU-second |",
        tantivy.cpu,
        docs as f64 / tantivy.cpu.max(0.01),
        fts.cpu,
        docs as f64 / fts.cpu.max(0.01)
    );
    println!(
        "| peak memory while indexing (VmHWM after indexing and merges) | {:.0} MiB | {:.0} MiB |",
        tantivy.build_peak_kb as f64 / 1024.0,
        fts.peak_kb as f64 / 1024.0
    );
    println!(
        "| peak memory incl. the queries (VmHWM) | {:.0} MiB | {:.0} MiB |",
        tantivy.peak_kb as f64 / 1024.0,
        fts.peak_kb as f64 / 1024.0
    );
    println!(
        "| heap after indexing (RssAnon) | {:.0} MiB | {:.0} MiB |",
        tantivy.anon_kb as f64 / 1024.0,
        fts.anon_kb as f64 / 1024.0
    );
    let (mut a, mut b) = (tantivy.latencies.clone(), fts.latencies.clone());
    println!(
        "| latency p50 | {:.2} ms | {:.2} ms |",
        percentile(&mut a, 0.5),
        percentile(&mut b, 0.5)
    );
    println!(
        "| latency p99 | {:.2} ms | {:.2} ms |",
        percentile(&mut a, 0.99),
        percentile(&mut b, 0.99)
    );
    println!(
        "\nload average before: {} after: {}",
        load_before
            .split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" "),
        load()
            .split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
    println!(
        "\n(article generation alone: {gen_per_s:.0} articles/s on one core, included in indexing time)\n"
    );
    println!(
        "| query | relevant | tantivy finds | p50 ms | FTS5 finds | p50 ms |\n|---|---|---|---|---|---|"
    );
    for (i, q) in QUERIES.iter().enumerate() {
        let (tl, ts) = &tantivy.per_query[i];
        let (fl, fs) = &fts.per_query[i];
        println!(
            "| `{}` | {} | {} | {tl:.2} | {} | {fl:.2} |",
            q.q,
            relevant[i].len(),
            found(ts, &relevant[i]),
            found(fs, &relevant[i])
        );
    }
}
