//! The SQLite FTS5 side of the search benchmark: a trigram-tokenized FTS5
//! table over the same generated articles, the same 20 queries written in
//! FTS5 syntax, top-20 by bm25 with a snippet plus the match count.

use crate::{Engine, GenFeed, QUERIES, cpu_secs, percentile, reset_peak, status_kb};
use reform_radar::index::ArticleFeed;
use std::collections::BTreeSet;
use std::path::Path;
use std::time::Instant;

pub fn run(path: &Path, feed: &GenFeed, runs: usize) -> Engine {
    let _ = std::fs::remove_file(path);
    reset_peak();
    let mut db = rusqlite::Connection::open(path).expect("sqlite");
    db.execute_batch(
        "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;
         CREATE VIRTUAL TABLE docs USING fts5(title, body, tokenize='trigram');",
    )
    .expect("create");
    let cpu0 = cpu_secs();
    let started = Instant::now();
    let tx = db.transaction().expect("tx");
    {
        let mut insert = tx
            .prepare("INSERT INTO docs(rowid, title, body) VALUES (?1, ?2, ?3)")
            .expect("prepare");
        let mut after = 0i64;
        loop {
            let batch = feed.articles_after_seq(after, 1000).expect("gen");
            let Some(last) = batch.last().map(|(s, _)| *s) else {
                break;
            };
            for (seq, a) in &batch {
                insert
                    .execute(rusqlite::params![seq, a.title, a.body])
                    .expect("insert");
            }
            after = last;
        }
    }
    tx.commit().expect("commit");
    db.execute_batch("INSERT INTO docs(docs) VALUES('optimize');")
        .expect("optimize");
    let index_secs = started.elapsed().as_secs_f64();
    let anon_kb = status_kb("RssAnon:");
    let cpu = cpu_secs() - cpu0;
    eprintln!("  fts5: {} docs in {index_secs:.1} s", feed.docs);
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let mut latencies = Vec::new();
    let mut per_query = Vec::new();
    for q in QUERIES {
        let mut top = db
            .prepare("SELECT rowid, snippet(docs, 1, '<mark>', '</mark>', '…', 24) FROM docs WHERE docs MATCH ?1 ORDER BY rank LIMIT 20")
            .expect("prepare");
        let mut count = db
            .prepare("SELECT count(*) FROM docs WHERE docs MATCH ?1")
            .expect("prepare");
        let once = |top: &mut rusqlite::Statement,
                    count: &mut rusqlite::Statement|
         -> rusqlite::Result<usize> {
            let rows: Vec<(i64, String)> = top
                .query_map([q.fts], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<Result<_, _>>()?;
            let n: i64 = count.query_row([q.fts], |r| r.get(0))?;
            Ok(rows.len() + n as usize)
        };
        if let Err(e) = once(&mut top, &mut count) {
            eprintln!("  fts5: {}: {e}", q.fts);
            per_query.push((f64::NAN, None));
            continue;
        }
        let mut mine = Vec::new();
        for _ in 0..runs {
            let t = Instant::now();
            std::hint::black_box(once(&mut top, &mut count).ok());
            mine.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        let mut all = db
            .prepare("SELECT rowid FROM docs WHERE docs MATCH ?1")
            .expect("prepare");
        let seqs: BTreeSet<i64> = all
            .query_map([q.fts], |r| r.get(0))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows");
        latencies.extend(&mine);
        per_query.push((percentile(&mut mine, 0.5), Some(seqs)));
    }
    Engine {
        docs_per_s: feed.docs as f64 / index_secs,
        index_secs,
        size,
        peak_kb: status_kb("VmHWM:"),
        build_peak_kb: status_kb("VmHWM:"),
        anon_kb,
        merge_secs: 0.0,
        cpu,
        latencies,
        per_query,
    }
}
