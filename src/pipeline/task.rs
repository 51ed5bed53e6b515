//! One task's outcome applied to the store: resources for every archived
//! exchange, the task's new state, discovered links, extracted articles
//! (with syndication links) and the run's counters. Runs inside the batch's
//! transaction; knows nothing of fetching.

use super::PipelineError;
use super::article::build_article;
use super::outcome::CrawlSummary;
use crate::crawl::{FetchError, FetchReport, Fetched};
use crate::dedup;
use crate::discover::{self, Scope, TaskContext};
use crate::extract::detect_challenge;
use crate::index::SearchIndex;
use crate::model::{Article, SourceDef};
use crate::store::{FrontierItem, NewResource, Role, SourceRunStats, StoredArticle, TaskState, Tx};
use std::collections::HashMap;

/// The running state of a crawl.
pub(super) struct Run {
    pub(super) summary: CrawlSummary,
    pub(super) stats: HashMap<String, SourceRunStats>,
    pub(super) to_index: Vec<(i64, Article)>,
    pub(super) run_id: i64,
}

impl Run {
    /// Hand the run's stored articles to the index; while it is busy they stay queued.
    pub(super) fn flush_index(&mut self, index: &SearchIndex) -> Result<(), PipelineError> {
        if super::index_unless_busy(index, &self.to_index)? {
            self.to_index.clear();
        }
        Ok(())
    }

    /// Record one task's outcome inside the batch's transaction.
    pub(super) fn handle(
        &mut self,
        tx: &Tx<'_>,
        source: &SourceDef,
        scope: &Scope,
        item: FrontierItem,
        report: FetchReport,
    ) -> Result<(), crate::store::StoreError> {
        let FetchReport { journal, result } = report;
        if matches!(result, Err(FetchError::Shutdown)) && journal.is_empty() {
            return Ok(()); // never started: stays pending for the next run
        }
        let ctx = TaskContext::from_json(&item.context);
        let run_id = self.run_id;
        let stats = self.stats.entry(source.id.clone()).or_default();
        let summary = &mut self.summary;
        let to_index = &mut self.to_index;
        {
            // Every exchange of the fetch (redirect hops, retries) records where
            // the fetch ended up.
            let final_url = result.as_ref().ok().map(|f| f.final_url.to_string());
            for j in &journal {
                tx.insert_resource(&NewResource {
                    run_id: Some(run_id),
                    source: Some(source.id.clone()),
                    url: j.url.clone(),
                    final_url: match &final_url {
                        Some(f) if !j.url.ends_with("/robots.txt") => f.clone(),
                        _ => j.url.clone(),
                    },
                    status: j.status,
                    content_type: j.content_type.clone(),
                    fetched_at: j.fetched_at.clone(),
                    warc_file: j.location.file.clone(),
                    warc_offset: j.location.offset,
                    warc_length: j.location.length,
                    payload_sha256: j.location.payload_sha256.clone(),
                    error: j.error.clone(),
                })?;
            }
            let resource_id = last_resource_id(tx, &journal)?;
            let settled = ctx.date.is_none_or(|d| scope.is_settled(d));
            let fetched = match result {
                Ok(f) => f,
                Err(FetchError::RobotsDisallowed) => {
                    summary.disallowed += 1;
                    return tx.finish_task(
                        item.id,
                        TaskState::Done,
                        None,
                        Some("disallowed by robots.txt"),
                    );
                }
                Err(FetchError::Shutdown) => return Ok(()),
                Err(e) => {
                    tracing::warn!(url = %item.url, error = %e, "fetch failed");
                    count_error(summary, stats);
                    let state = if e.is_transient() {
                        TaskState::Failed
                    } else {
                        TaskState::Done
                    };
                    let status = match e {
                        FetchError::Status(s) => Some(s),
                        _ => None,
                    };
                    return tx.finish_task(item.id, state, status, Some(&e.to_string()));
                }
            };
            summary.fetched += 1;
            stats.fetched += 1;
            if fetched.not_modified {
                summary.unchanged += 1;
                return tx.finish_task(item.id, TaskState::Done, Some(304), None);
            }
            let text = fetched.text.as_ref().map(|d| d.text.as_str()).unwrap_or("");
            if let Some(why) = detect_challenge(fetched.status, text) {
                tracing::warn!(url = %item.url, status = fetched.status, %why, "script challenge page, not stored");
                summary.challenges += 1;
                stats.challenges += 1;
                count_error(summary, stats);
                return tx.finish_task(
                    item.id,
                    TaskState::Failed,
                    Some(fetched.status),
                    Some(&format!("challenge page: {why}")),
                );
            }
            if matches!(fetched.status, 404 | 410) && item.role != Role::Article {
                if let Some((next, rest)) = ctx.alternates.split_first() {
                    // The old (or new) URL scheme may have this date.
                    let c = TaskContext {
                        alternates: rest.to_vec(),
                        ..ctx.clone()
                    };
                    tx.enqueue(&crate::store::NewTask {
                        source: source.id.clone(),
                        url: next.clone(),
                        role: item.role,
                        context: c.to_json(),
                        recheck: !settled,
                    })?;
                    return tx.finish_task(
                        item.id,
                        TaskState::Done,
                        Some(fetched.status),
                        Some("tried the next URL template"),
                    );
                }
                // A day without an edition, or a list page past the end.
                summary.not_found += 1;
                let state = if settled {
                    TaskState::Done
                } else {
                    TaskState::Later
                };
                return tx.finish_task(item.id, state, Some(fetched.status), None);
            }
            if !(200..300).contains(&fetched.status) {
                count_error(summary, stats);
                return tx.finish_task(
                    item.id,
                    TaskState::Failed,
                    Some(fetched.status),
                    Some(&format!("HTTP {}", fetched.status)),
                );
            }
            let later = if settled {
                TaskState::Done
            } else {
                TaskState::Later
            };
            match item.role {
                Role::Index | Role::Page => {
                    let unchanged = tx_validators_same(store_validators(tx, &item.url)?, &fetched);
                    tx.set_validators(&item.url, &fetched.validators())?;
                    let found = discover::discover(
                        source,
                        item.role,
                        &ctx,
                        &fetched.final_url,
                        text,
                        scope,
                    );
                    if item.role == Role::Index {
                        stats.listing_pages += 1;
                        if found.links_seen == 0 {
                            stats.empty_listings += 1;
                        }
                    }
                    stats.links += found.links_seen as u64;
                    if found.by_pattern {
                        stats.pattern_fallbacks += 1;
                    }
                    let mut added = 0;
                    for t in &found.tasks {
                        if tx.enqueue(t)? {
                            added += 1;
                        }
                    }
                    for e in found.entries {
                        let article = feed_article(source, e);
                        store_article(tx, &article, resource_id, summary, stats, to_index)?;
                    }
                    if unchanged && added == 0 {
                        summary.unchanged += 1;
                    }
                    let state = if item.role == Role::Index && ctx.page_no.is_some() {
                        TaskState::Done
                    } else {
                        later
                    };
                    tx.finish_task(item.id, state, Some(fetched.status), None)
                }
                Role::Article => {
                    let (article, ex) = build_article(source, &ctx, &fetched.final_url, text);
                    for f in &ex.empty_fields {
                        stats.empty_fields.entry((*f).to_string()).or_default().1 += 1;
                    }
                    for f in configured_fields(source) {
                        stats.empty_fields.entry(f.to_string()).or_default().0 += 1;
                    }
                    if article.body.trim().is_empty() && article.title.trim().is_empty() {
                        count_error(summary, stats);
                        return tx.finish_task(
                            item.id,
                            TaskState::Done,
                            Some(fetched.status),
                            Some("no article found on the page"),
                        );
                    }
                    store_article(tx, &article, resource_id, summary, stats, to_index)?;
                    tx.finish_task(item.id, TaskState::Done, Some(fetched.status), None)
                }
            }
        }
    }
}

fn count_error(summary: &mut CrawlSummary, stats: &mut SourceRunStats) {
    summary.errors += 1;
    stats.errors += 1;
}

fn last_resource_id(
    tx: &Tx<'_>,
    journal: &[crate::crawl::Journaled],
) -> Result<Option<i64>, crate::store::StoreError> {
    if journal.is_empty() {
        return Ok(None);
    }
    tx.last_resource_id()
}

fn store_validators(
    tx: &Tx<'_>,
    url: &str,
) -> Result<Option<crate::store::Validators>, crate::store::StoreError> {
    tx.validators(url)
}

/// The page is byte-identical to the last time (by digest, which a server's
/// stale ETag cannot fake).
fn tx_validators_same(old: Option<crate::store::Validators>, f: &Fetched) -> bool {
    old.is_some_and(|o| o.payload_sha256.is_some() && o.payload_sha256 == f.location.payload_sha256)
}

fn configured_fields(source: &SourceDef) -> Vec<&'static str> {
    source
        .fields
        .named()
        .into_iter()
        .filter(|(_, v)| v.is_some())
        .map(|(k, _)| k)
        .collect()
}

fn feed_article(source: &SourceDef, e: discover::FeedEntry) -> Article {
    let url = url::Url::parse(&e.url).ok();
    let canonical = url
        .as_ref()
        .map(discover::canonical_url)
        .unwrap_or_else(|| e.url.clone());
    Article {
        id: crate::model::ArticleId::from_canonical_url(&canonical),
        url: e.url,
        canonical_url: canonical,
        source: crate::model::SourceId(source.id.clone()),
        outlet: source.outlet.clone(),
        item: source.item.clone(),
        title: e.title,
        pretitle: None,
        subtitle: None,
        author: None,
        published: e.date,
        page: None,
        body: e.body,
        extractor: crate::model::ExtractorKind::Feed,
        citation: None,
        warnings: vec![],
    }
}

/// Store an article, link syndicated copies in other outlets, queue it for the index.
fn store_article(
    tx: &Tx<'_>,
    article: &Article,
    resource_id: Option<i64>,
    summary: &mut CrawlSummary,
    stats: &mut SourceRunStats,
    to_index: &mut Vec<(i64, Article)>,
) -> Result<(), crate::store::StoreError> {
    let hash = dedup::simhash(&article.body);
    match tx.upsert_article(article, resource_id, hash)? {
        StoredArticle::New(seq) => {
            summary.new_articles += 1;
            stats.new_articles += 1;
            to_index.push((seq, article.clone()));
            if hash != 0 {
                let bands = dedup::bands(hash);
                tx.set_simhash_bands(article, hash, &bands)?;
                for (other, h) in
                    tx.simhash_candidates(article.source.as_str(), &bands, article.published, 3)?
                {
                    let d = dedup::distance(hash, h);
                    if d <= dedup::SYNDICATION_DISTANCE {
                        tx.link_syndicated(&article.id, &other, d)?;
                    }
                }
            }
        }
        StoredArticle::Updated(seq) => to_index.push((seq, article.clone())),
        StoredArticle::Unchanged => summary.unchanged += 1,
        StoredArticle::Duplicate(_) => summary.duplicates += 1,
    }
    Ok(())
}
