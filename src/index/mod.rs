//! Full-text search of articles with tantivy. This is the only module that
//! imports tantivy; the schema is defined once in [`schema`].
//!
//! The index lives in the home (`home.index_dir()`). The pipeline calls
//! [`SearchIndex::upsert`] right after storing articles; each commit records
//! the highest store sequence number indexed as its payload, so that
//! [`SearchIndex::catch_up`] after a crash indexes exactly what is missing,
//! and [`SearchIndex::rebuild`] (`radar reindex`) rebuilds everything from
//! the store. [`SearchIndex::search`] is what the CLI and the web UI call.

mod bigram;
mod facets;
mod feed;
mod fold;
mod jieba;
mod merging;
mod query;
mod readonly;
mod render;
mod schema;
mod search;
mod snippet;
mod synonyms;
mod types;

pub use feed::{ArticleFeed, FeedError, VecFeed};
pub use fold::fold;
pub use query::QuerySyntaxError;
pub use render::render_plain;
pub use snippet::for_terminal;
pub use synonyms::Synonyms;
pub use types::{Facets, Hit, SearchRequest, SearchResults, Sort};

use crate::model::Article;
use schema::{Fields, SCHEMA_VERSION};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

/// Articles read from the store per batch.
const BATCH: usize = 500;
/// Indexing memory budget per writer thread (at most 2 threads): with the
/// bounded merges of [`merging`], building a million articles stays under
/// 1 GiB resident.
const BUDGET_PER_THREAD: usize = 64 << 20;
/// The file beside the index recording its schema version.
const VERSION_FILE: &str = "radar-index-version";

/// What can go wrong with the index.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error(transparent)]
    Query(#[from] QuerySyntaxError),
    #[error(
        "the index in {0} is locked by another process (is `radar crawl` or `radar reindex` running?)"
    )]
    Locked(PathBuf),
    #[error("index I/O on {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("reading articles from the store: {0}")]
    Store(FeedError),
    #[error("tantivy: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    #[error("opening the index: {0}")]
    Open(#[from] tantivy::directory::error::OpenDirectoryError),
    #[error("the search index in {0} is opened read-only")]
    ReadOnly(PathBuf),
    #[error(
        "the search index in {dir} is damaged ({detail}); run `radar reindex` to rebuild it from the store (a crawl also rebuilds it)"
    )]
    Damaged { dir: PathBuf, detail: String },
}

/// The web UI shares one index between request handlers.
const _: () = {
    const fn send_sync<T: Send + Sync>() {}
    send_sync::<SearchIndex>();
};

/// The commit payload.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Payload {
    seq: i64,
}

/// An open search index.
pub struct SearchIndex {
    dir: PathBuf,
    index: Index,
    fields: Fields,
    reader: IndexReader,
    writer: Mutex<Option<IndexWriter>>,
    /// Highest store sequence number committed.
    seq: Mutex<i64>,
    /// Highest store sequence number added to the writer, committed or not
    /// (see [`SearchIndex::follow`]); never below `seq`.
    staged: Mutex<i64>,
    /// Opened by [`SearchIndex::open_read_only`]: never written.
    read_only: bool,
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> IndexError + '_ {
    move |source| IndexError::Io {
        path: path.to_path_buf(),
        source,
    }
}

impl SearchIndex {
    /// Opens the index in `dir`, creating it if needed; an index that cannot
    /// be read is [`IndexError::Damaged`]. An index written with
    /// another schema version is discarded and recreated empty (its payload
    /// then says 0, so [`catch_up`](Self::catch_up) indexes everything).
    pub fn open(dir: &Path) -> Result<SearchIndex, IndexError> {
        std::fs::create_dir_all(dir).map_err(io_err(dir))?;
        let version_path = dir.join(VERSION_FILE);
        let version = std::fs::read_to_string(&version_path).ok();
        let current = version.as_deref().map(str::trim) == Some(&SCHEMA_VERSION.to_string());
        let has_index = dir.join("meta.json").exists();
        if has_index && !current {
            tracing::warn!(dir = %dir.display(), ?version, "index schema changed; recreating the index");
            std::fs::remove_dir_all(dir).map_err(io_err(dir))?;
            std::fs::create_dir_all(dir).map_err(io_err(dir))?;
        }
        let (schema, fields) = schema::build_schema();
        let damaged = |e: &dyn std::fmt::Display| IndexError::Damaged {
            dir: dir.to_path_buf(),
            detail: e.to_string(),
        };
        let index = if has_index && current {
            Index::open_in_dir(dir).map_err(|e| damaged(&e))?
        } else {
            let index = Index::create_in_dir(dir, schema)?;
            std::fs::write(&version_path, SCHEMA_VERSION.to_string())
                .map_err(io_err(&version_path))?;
            index
        };
        schema::register_tokenizers(&index);
        let reader: IndexReader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::OnCommitWithDelay)
            .try_into()
            .map_err(|e: tantivy::TantivyError| damaged(&e))?;
        let payload: Payload = index
            .load_metas()
            .map_err(|e| damaged(&e))?
            .payload
            .and_then(|p| serde_json::from_str(&p).ok())
            .unwrap_or_default();
        Ok(SearchIndex {
            dir: dir.to_path_buf(),
            index,
            fields,
            reader,
            writer: Mutex::new(None),
            seq: Mutex::new(payload.seq),
            staged: Mutex::new(payload.seq),
            read_only: false,
        })
    }

    /// Opens an existing, current index without writing a byte (a home on
    /// read-only media): no lock file, no writer, never recreated. A missing
    /// index or one of another schema version is [`IndexError::Damaged`].
    pub fn open_read_only(dir: &Path) -> Result<SearchIndex, IndexError> {
        let damaged = |detail: String| IndexError::Damaged {
            dir: dir.to_path_buf(),
            detail,
        };
        let version = std::fs::read_to_string(dir.join(VERSION_FILE)).ok();
        if !dir.join("meta.json").is_file()
            || version.as_deref().map(str::trim) != Some(&SCHEMA_VERSION.to_string())
        {
            return Err(damaged(
                "no index of this version of radar there".to_string(),
            ));
        }
        let (_, fields) = schema::build_schema();
        let index =
            Index::open(readonly::ReadOnlyDir::open(dir)?).map_err(|e| damaged(e.to_string()))?;
        schema::register_tokenizers(&index);
        let reader: IndexReader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(|e: tantivy::TantivyError| damaged(e.to_string()))?;
        let payload: Payload = index
            .load_metas()
            .map_err(|e| damaged(e.to_string()))?
            .payload
            .and_then(|p| serde_json::from_str(&p).ok())
            .unwrap_or_default();
        Ok(SearchIndex {
            dir: dir.to_path_buf(),
            index,
            fields,
            reader,
            writer: Mutex::new(None),
            seq: Mutex::new(payload.seq),
            staged: Mutex::new(payload.seq),
            read_only: true,
        })
    }

    /// The highest store sequence number the index has committed.
    pub fn indexed_seq(&self) -> i64 {
        *self.seq.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Number of articles in the index (as of the last reload).
    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Runs `f` with the writer (taking the lock on first use); on error the
    /// uncommitted changes are rolled back.
    fn with_writer<T>(
        &self,
        f: impl FnOnce(&mut IndexWriter) -> Result<T, IndexError>,
    ) -> Result<T, IndexError> {
        if self.read_only {
            return Err(IndexError::ReadOnly(self.dir.clone()));
        }
        let mut guard = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        if guard.is_none() {
            let threads = std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1)
                .clamp(1, 2);
            let writer = self
                .index
                .writer_with_num_threads(threads, threads * BUDGET_PER_THREAD)
                .map_err(|e| match e {
                    tantivy::TantivyError::LockFailure(..) => IndexError::Locked(self.dir.clone()),
                    e => IndexError::Tantivy(e),
                })?;
            writer.set_merge_policy(Box::new(merging::BoundedMerge));
            *guard = Some(writer);
        }
        let Some(w) = guard.as_mut() else {
            return Err(IndexError::Locked(self.dir.clone()));
        };
        let out = f(w);
        if out.is_err() {
            // Never let a later commit publish half of a failed write.
            if let Err(e) = w.rollback() {
                tracing::warn!(error = %e, "rolling back the index writer failed; dropping it");
                *guard = None;
            }
        }
        out
    }

    fn document(&self, seq: i64, a: &Article, enterprises: &[String]) -> TantivyDocument {
        let f = &self.fields;
        let mut doc = TantivyDocument::new();
        doc.add_text(f.id, a.id.as_str());
        doc.add_text(f.url, &a.url);
        doc.add_text(f.outlet, &a.outlet);
        doc.add_text(f.source, a.source.as_str());
        doc.add_text(f.item, &a.item);
        let title = match (&a.pretitle, &a.subtitle) {
            (None, None) => a.title.clone(),
            (p, s) => [p.as_deref(), Some(a.title.as_str()), s.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" "),
        };
        doc.add_text(f.title_bg, &title);
        // Pre- and subtitles are found through title_bg; the stored title stays the title.
        doc.add_text(f.title, &a.title);
        doc.add_text(f.body, &a.body);
        doc.add_text(f.body_bg, &a.body);
        if let Some(d) = a.published {
            doc.add_date(f.published, schema::date_value(d));
        }
        if let Some(p) = &a.page {
            doc.add_text(f.page, p);
        }
        for e in enterprises {
            doc.add_text(f.enterprise, e);
        }
        doc.add_i64(f.seq, seq);
        doc
    }

    fn staged_seq(&self) -> i64 {
        *self.staged.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn set_staged(&self, seq: i64) {
        *self.staged.lock().unwrap_or_else(|e| e.into_inner()) = seq;
    }

    /// Commit everything added to the writer: up to `seq`, and up to what
    /// was staged before (added in store order, so all of it is in).
    fn commit(&self, writer: &mut IndexWriter, seq: i64) -> Result<(), IndexError> {
        let seq = seq.max(self.staged_seq());
        let payload = serde_json::to_string(&Payload { seq }).unwrap_or_default();
        let mut prepared = writer.prepare_commit()?;
        prepared.set_payload(&payload);
        prepared.commit()?;
        *self.seq.lock().unwrap_or_else(|e| e.into_inner()) = seq;
        self.set_staged(seq);
        self.reader.reload()?;
        Ok(())
    }

    /// Adds or replaces articles (by article id) and commits, recording the
    /// highest sequence number as the commit payload.
    pub fn upsert(&self, articles: &[(i64, Article)]) -> Result<(), IndexError> {
        let with: Vec<(i64, &Article, &[String])> =
            articles.iter().map(|(s, a)| (*s, a, &[][..])).collect();
        self.upsert_matched(&with)
    }

    /// Like [`upsert`](Self::upsert), with the enterprise ids each article was
    /// matched to.
    pub fn upsert_matched(
        &self,
        articles: &[(i64, &Article, &[String])],
    ) -> Result<(), IndexError> {
        if articles.is_empty() {
            return Ok(());
        }
        self.with_writer(|w| {
            for (seq, a, ents) in articles {
                w.delete_term(Term::from_field_text(self.fields.id, a.id.as_str()));
                w.add_document(self.document(*seq, a, ents))?;
            }
            let top = articles
                .iter()
                .map(|(s, _, _)| *s)
                .max()
                .unwrap_or(0)
                .max(self.indexed_seq());
            self.commit(w, top)
        })?;
        tracing::debug!(
            count = articles.len(),
            seq = self.indexed_seq(),
            "indexed articles"
        );
        Ok(())
    }

    /// Indexes what the store has beyond the committed sequence number, in
    /// one commit (a tantivy commit fsyncs, and segments multiply with
    /// commits); returns the number of articles indexed. If the store is
    /// behind the index (restored from a backup), rebuilds instead.
    pub fn catch_up(&self, store: &dyn ArticleFeed) -> Result<u64, IndexError> {
        self.follow(store, true)
    }

    /// Like [`catch_up`](Self::catch_up), but without `commit` the articles
    /// are only added to the writer (and not searchable yet): a later call
    /// adds what came after them and commits everything (one segment for
    /// many calls). Uncommitted additions are not in the commit payload, so
    /// a crash before the commit only means indexing them again.
    pub fn follow(&self, store: &dyn ArticleFeed, commit: bool) -> Result<u64, IndexError> {
        let max = store.max_article_seq().map_err(IndexError::Store)?;
        let committed = self.indexed_seq();
        if max < committed {
            tracing::warn!(
                index = committed,
                store = max,
                "index is ahead of the store; rebuilding"
            );
            return self.rebuild(store, &|_, _| {});
        }
        let mut after = self.staged_seq().max(committed);
        let mut batch = store
            .articles_after_seq(after, BATCH)
            .map_err(IndexError::Store)?;
        if batch.is_empty() && (!commit || after == committed) {
            // Nothing to do: the writer (maybe another process's) is not needed.
            return Ok(0);
        }
        let done = self.with_writer(|w| {
            let mut count = 0u64;
            while let Some(last) = batch.iter().map(|(s, _)| *s).max() {
                let ents = store.enterprises_of(&batch).map_err(IndexError::Store)?;
                for (seq, a) in &batch {
                    let e = ents.get(a.id.as_str()).map(Vec::as_slice).unwrap_or(&[]);
                    w.delete_term(Term::from_field_text(self.fields.id, a.id.as_str()));
                    w.add_document(self.document(*seq, a, e))?;
                }
                count += batch.len() as u64;
                after = after.max(last);
                self.set_staged(after);
                batch = store
                    .articles_after_seq(after, BATCH)
                    .map_err(IndexError::Store)?;
            }
            // The payload says `after` only once everything up to it is in.
            if commit {
                self.commit(w, after)?;
            }
            Ok(count)
        });
        let count = match done {
            Ok(c) => c,
            Err(e) => {
                // The writer rolled back what it had not committed.
                self.set_staged(self.indexed_seq());
                return Err(e);
            }
        };
        if count > 0 {
            tracing::info!(count, seq = after, commit, "index caught up with the store");
        }
        Ok(count)
    }

    /// Rebuilds the whole index from the store in one commit (the old index
    /// stays searchable until then). `progress(seq_done, seq_max)` is called
    /// after each batch. Returns the number of articles indexed.
    pub fn rebuild(
        &self,
        store: &dyn ArticleFeed,
        progress: &dyn Fn(u64, u64),
    ) -> Result<u64, IndexError> {
        let max = store.max_article_seq().map_err(IndexError::Store)?;
        let rebuilt = self.with_writer(|w| {
            w.delete_all_documents()?;
            // Whatever was staged is deleted with the rest.
            self.set_staged(0);
            let mut seen: HashSet<String> = HashSet::new();
            let (mut after, mut count) = (0i64, 0u64);
            loop {
                let batch = store
                    .articles_after_seq(after, BATCH)
                    .map_err(IndexError::Store)?;
                if batch.is_empty() {
                    break;
                }
                let ents = store.enterprises_of(&batch).map_err(IndexError::Store)?;
                for (seq, a) in &batch {
                    if !seen.insert(a.id.0.clone()) {
                        w.delete_term(Term::from_field_text(self.fields.id, a.id.as_str()));
                    } else {
                        count += 1;
                    }
                    let e = ents.get(a.id.as_str()).map(Vec::as_slice).unwrap_or(&[]);
                    w.add_document(self.document(*seq, a, e))?;
                    after = after.max(*seq);
                }
                progress(after.max(0) as u64, max.max(after).max(0) as u64);
            }
            self.commit(w, after)?;
            Ok(count)
        });
        if rebuilt.is_err() {
            // Rolled back: only what was committed is in the writer.
            self.set_staged(self.indexed_seq());
        }
        rebuilt
    }

    /// Takes the index writer lock now (it is otherwise taken on the first
    /// write). A long-running writer such as the crawl pipeline should call
    /// this at start, so that a `radar search` catching up in between cannot
    /// hold the lock at the moment the pipeline wants to write.
    pub fn lock_writer(&self) -> Result<(), IndexError> {
        self.with_writer(|_| Ok(()))
    }

    /// Waits for background merges to finish and releases the writer lock.
    pub fn close_writer(&self) -> Result<(), IndexError> {
        let writer = self.writer.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(w) = writer {
            w.wait_merging_threads()?;
        }
        Ok(())
    }

    /// Opens the index in `dir` for a rebuild, whatever state the folder is
    /// in: a damaged index is removed and an empty one created.
    pub fn open_or_recreate(dir: &Path) -> Result<SearchIndex, IndexError> {
        match SearchIndex::open(dir) {
            Err(IndexError::Damaged { detail, .. }) => {
                tracing::warn!(dir = %dir.display(), %detail, "damaged index removed");
                std::fs::remove_dir_all(dir).map_err(io_err(dir))?;
                SearchIndex::open(dir)
            }
            other => other,
        }
    }

    /// Runs a search (see [`SearchRequest`]).
    pub fn search(&self, req: &SearchRequest) -> Result<SearchResults, IndexError> {
        search::run(&self.reader, &self.fields, req)
    }

    /// The store sequence numbers of every article matching `req` (its
    /// limit and sort are ignored), ascending.
    pub fn matching_seqs(&self, req: &SearchRequest) -> Result<Vec<i64>, IndexError> {
        search::seqs(&self.reader, &self.fields, req)
    }
}
