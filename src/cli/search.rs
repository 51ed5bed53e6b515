//! `radar search`: full-text search of the stored articles from the command
//! line. Before searching, the index catches up with the store (unless
//! another process holds the index writer, e.g. a running crawl that keeps
//! it current itself). Prints ranked hits with highlighted snippets and a
//! one-line summary, or with `--json` one object
//! `{total, hits:[{id,url,outlet,title,published,score,snippet}], facets:{outlet,year}}`.

use crate::config::Home;
use crate::index::{IndexError, SearchIndex, SearchRequest, Sort, render_plain};
use anyhow::Context;
use chrono::NaiveDate;
use std::io::{IsTerminal, Write};

#[derive(Debug, Clone, clap::Args)]
pub struct SearchArgs {
    /// Words (all must match), `a OR b`, `-word` to exclude, "exact phrase".
    pub query: String,
    /// Only this outlet (e.g. 人民日报).
    #[arg(long)]
    pub outlet: Option<String>,
    /// Only this scoring item (B1, C7, …) or `lead`.
    #[arg(long)]
    pub item: Option<String>,
    /// First publication date (YYYY-MM-DD), included.
    #[arg(long, value_parser = parse_date)]
    pub from: Option<NaiveDate>,
    /// Last publication date (YYYY-MM-DD), included.
    #[arg(long, value_parser = parse_date)]
    pub to: Option<NaiveDate>,
    /// Only articles matched to this enterprise id.
    #[arg(long)]
    pub enterprise: Option<String>,
    /// Number of hits to show (at least 1).
    #[arg(long, default_value_t = 20, value_parser = parse_limit)]
    pub limit: usize,
    /// Order: relevance or date (newest first).
    #[arg(long, default_value = "relevance", value_parser = parse_sort)]
    pub sort: Sort,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("`{s}` is not a date like 2025-03-04"))
}

/// Most hits one search shows.
const MAX_LIMIT: usize = 10_000;

fn parse_limit(s: &str) -> Result<usize, String> {
    let n: usize = s
        .trim()
        .parse()
        .map_err(|_| format!("`{s}` is not a whole number"))?;
    match n {
        0 => Err("must be at least 1".into()),
        n if n > MAX_LIMIT => Err(format!("must be at most {MAX_LIMIT}")),
        n => Ok(n),
    }
}

fn parse_sort(s: &str) -> Result<Sort, String> {
    Sort::parse(s).ok_or_else(|| format!("`{s}`: sort by relevance or date"))
}

/// An open index; a temporary one (a read-only home without a current
/// index) is removed when this is dropped.
pub(crate) struct OpenIndex {
    pub index: SearchIndex,
    temporary: Option<std::path::PathBuf>,
}

impl Drop for OpenIndex {
    fn drop(&mut self) {
        if let Some(dir) = &self.temporary {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// Opens the index of a home that has a store and brings it up to date with
/// the store. A home with nothing crawled is an error, not a new index. On a
/// read-only home the index is only read; when it is missing or behind the
/// store, a temporary one is built outside the home for this search.
pub(crate) fn open_current_index(home: &Home) -> anyhow::Result<OpenIndex> {
    let db = home.existing_db_path()?;
    let dir = home.index_dir();
    if !crate::store::is_writable(home.root()) {
        let store = crate::store::Store::open_reader(&db)
            .with_context(|| format!("opening the store {}", db.display()))?;
        let max = crate::index::ArticleFeed::max_article_seq(&crate::pipeline::MatchedFeed(&store))
            .unwrap_or(i64::MAX);
        match SearchIndex::open_read_only(&dir) {
            Ok(index) if index.indexed_seq() >= max => {
                return Ok(OpenIndex {
                    index,
                    temporary: None,
                });
            }
            Ok(_) => {
                tracing::warn!(dir = %dir.display(), "the read-only home's search index is behind its store; indexing into a temporary index")
            }
            Err(e) => {
                tracing::warn!(error = %e, "the read-only home has no usable search index; indexing into a temporary index")
            }
        }
        let tmp = std::env::temp_dir().join(format!("radar-index-{}", std::process::id()));
        let open = OpenIndex {
            index: SearchIndex::open_or_recreate(&tmp)
                .with_context(|| format!("a temporary index in {}", tmp.display()))?,
            temporary: Some(tmp),
        };
        open.index
            .catch_up(&crate::pipeline::MatchedFeed(&store))
            .context("indexing the read-only home's articles")?;
        open.index
            .close_writer()
            .context("finishing index merges")?;
        return Ok(open);
    }
    let index = SearchIndex::open(&dir)
        .with_context(|| format!("opening the search index in {}", dir.display()))?;
    let store = crate::store::Store::open(&db)
        .with_context(|| format!("opening the store {}", db.display()))?;
    let open = |index| OpenIndex {
        index,
        temporary: None,
    };
    // A running writer (crawl, reindex) keeps the index current itself; a
    // reader never takes the index writer from under it.
    if crate::store::HomeLock::is_held(home.root()) {
        tracing::debug!("another radar process is writing this home; searching what is committed");
        return Ok(open(index));
    }
    match index.catch_up(&crate::pipeline::MatchedFeed(&store)) {
        Ok(n) if n > 0 => tracing::info!(articles = n, "search index caught up with the store"),
        Ok(_) => {}
        Err(IndexError::Locked(_)) => {
            tracing::debug!("index writer busy; searching what is committed")
        }
        Err(e) => return Err(e).context("bringing the search index up to date"),
    }
    index.close_writer().context("finishing index merges")?;
    Ok(open(index))
}

pub fn run(home: &Home, args: &SearchArgs) -> anyhow::Result<()> {
    if let (Some(from), Some(to)) = (args.from, args.to) {
        anyhow::ensure!(from <= to, "--from {from} is after --to {to}");
    }
    let open = open_current_index(home)?;
    let index = &open.index;
    let req = SearchRequest {
        query: args.query.clone(),
        outlet: args.outlet.clone(),
        item: args.item.clone(),
        from: args.from,
        to: args.to,
        enterprise: args.enterprise.clone(),
        offset: 0,
        limit: args.limit,
        sort: args.sort,
    };
    let results = match index.search(&req) {
        Ok(r) => r,
        Err(IndexError::Query(e)) => anyhow::bail!("{e}"),
        Err(e) => return Err(e).context("searching"),
    };
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer(&mut out, &results)?;
        writeln!(out)?;
        // The summary goes to stderr so that stdout stays one JSON object.
        eprintln!(
            "{} matching articles, {} shown",
            results.total,
            results.hits.len()
        );
    } else {
        let colour = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
        write!(out, "{}", render_plain(&results, colour))?;
    }
    Ok(())
}
