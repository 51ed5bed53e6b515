//! Re-extract every stored article from the home's own archive, with the
//! current source definitions, fetching nothing; and run discovery again on
//! the archived index pages, queueing article links a fixed definition now
//! finds (the next crawl fetches them).

use super::PipelineError;
use super::article::build_article;
use crate::archive::read_record_at;
use crate::config::{Checked, Home};
use crate::crawl::decode::decode_html;
use crate::crawl::decode_content;
use crate::discover::TaskContext;
use crate::store::{ResourceLocation, Store, StoredArticle};

#[derive(Debug, Default, Clone, PartialEq)]
pub struct ReprocessSummary {
    pub articles: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub errors: u64,
    /// Article links found again on archived index pages and newly queued.
    pub queued: u64,
}

impl ReprocessSummary {
    pub fn line(&self) -> String {
        let mut line = format!(
            "reprocessed {} articles: {} updated, {} unchanged, {} errors",
            self.articles, self.updated, self.unchanged, self.errors
        );
        if self.queued > 0 {
            line.push_str(&format!(
                "; {} new article links queued (run `radar crawl` to fetch them)",
                self.queued
            ));
        }
        line
    }
}

pub fn reprocess(
    home: &Home,
    checked: &Checked,
    progress: &dyn super::Progress,
) -> Result<ReprocessSummary, PipelineError> {
    let _lock = crate::store::HomeLock::acquire(home.root(), "radar reprocess")?;
    let mut store = Store::open(&home.db_path())?;
    let mut index = super::follow::open_index(home);
    let rows = store.articles(&[])?;
    progress.set_total(rows.len() as u64);
    let mut out = ReprocessSummary::default();
    for row in rows {
        progress.advance(&row.article.url);
        out.articles += 1;
        let Some(source) = checked
            .sources
            .iter()
            .find(|s| s.id == row.article.source.as_str())
        else {
            out.errors += 1;
            continue;
        };
        let Some(loc) = row
            .resource_id
            .map(|id| store.resource(id))
            .transpose()?
            .flatten()
        else {
            out.errors += 1;
            continue;
        };
        let Some(text) = archived_text(home, checked, &loc) else {
            out.errors += 1;
            continue;
        };
        let ctx = TaskContext::from_json(
            &store
                .task_context(source.id.as_str(), &row.article.url)?
                .unwrap_or_default(),
        );
        let Ok(url) = url::Url::parse(&row.article.url) else {
            out.errors += 1;
            continue;
        };
        let (mut article, _) = build_article(source, &ctx, &url, &text);
        // The id is the article's identity; keep it even if canonicalisation changed.
        article.id = row.article.id.clone();
        article.canonical_url = row.article.canonical_url.clone();
        let hash = crate::dedup::simhash(&article.body);
        match store.transaction(|tx| tx.upsert_article(&article, row.resource_id, hash))? {
            StoredArticle::Updated(_) => out.updated += 1,
            _ => out.unchanged += 1,
        }
    }
    super::candidates::MatchStage::for_home(home, checked)?.follow(&mut store)?;
    super::follow::catch_up(&mut index, &store);
    out.queued = rediscover(home, checked, &mut store)?;
    Ok(out)
}

/// Discovery again over every archived index and page answer, queueing the
/// article links that are new to the frontier. Returns how many.
fn rediscover(home: &Home, checked: &Checked, store: &mut Store) -> Result<u64, PipelineError> {
    let today = crate::model::beijing_today();
    let scope = crate::discover::Scope {
        range: None,
        today,
        time: chrono::NaiveTime::from_hms_opt(23, 59, 59).unwrap_or_default(),
    };
    let mut queued = 0;
    for source in &checked.sources {
        let mut tasks = Vec::new();
        for item in store.done_link_tasks(&source.id)? {
            let Some(loc) = store.latest_answer(&source.id, &item.url)? else {
                continue;
            };
            let Some(text) = archived_text(home, checked, &loc) else {
                continue;
            };
            let Ok(url) = url::Url::parse(&loc.url) else {
                continue;
            };
            let ctx = TaskContext::from_json(&item.context);
            let found = crate::discover::discover(source, item.role, &ctx, &url, &text, &scope);
            tasks.extend(
                found
                    .tasks
                    .into_iter()
                    .filter(|t| t.role == crate::model::Role::Article),
            );
        }
        queued += store.transaction(|tx| {
            let mut n = 0;
            for t in &tasks {
                if tx.enqueue(t, 0)? {
                    n += 1;
                }
            }
            Ok(n)
        })?;
    }
    Ok(queued)
}

/// The text of an archived answer, decoded as the fetcher would have.
fn archived_text(home: &Home, checked: &Checked, loc: &ResourceLocation) -> Option<String> {
    let rec = match read_record_at(&home.archive_file(&loc.warc_file), loc.warc_offset) {
        Ok(r) => r,
        Err(e) => {
            tracing::warn!(url = %loc.url, error = %e, "archive record unreadable");
            return None;
        }
    };
    let body = decode_content(
        &rec.body,
        rec.header("content-encoding"),
        checked.settings.politeness.max_body_bytes,
    )
    .ok()?;
    Some(decode_html(&body, rec.header("content-type")).text)
}
