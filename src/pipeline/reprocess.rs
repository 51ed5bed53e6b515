//! Re-extract every stored article from the home's own archive, with the
//! current source definitions, fetching nothing.

use super::PipelineError;
use super::article::build_article;
use crate::archive::read_record_at;
use crate::config::{Checked, Home};
use crate::crawl::decode::decode_html;
use crate::crawl::decode_content;
use crate::discover::TaskContext;
use crate::index::SearchIndex;
use crate::store::{Store, StoredArticle};

#[derive(Debug, Default, Clone, PartialEq)]
pub struct ReprocessSummary {
    pub articles: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub errors: u64,
}

impl ReprocessSummary {
    pub fn line(&self) -> String {
        format!(
            "reprocessed {} articles: {} updated, {} unchanged, {} errors",
            self.articles, self.updated, self.unchanged, self.errors
        )
    }
}

pub fn reprocess(
    home: &Home,
    checked: &Checked,
    progress: &dyn super::Progress,
) -> Result<ReprocessSummary, PipelineError> {
    let mut store = Store::open(&home.db_path())?;
    let index = SearchIndex::open(&home.index_dir())?;
    let rows = store.articles(&[])?;
    progress.set_total(rows.len() as u64);
    let mut out = ReprocessSummary::default();
    let mut to_index = Vec::new();
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
        let rec = match read_record_at(&home.archive_dir().join(&loc.warc_file), loc.warc_offset) {
            Ok(r) => r,
            Err(e) => {
                tracing::warn!(article = %row.article.id, error = %e, "archive record unreadable");
                out.errors += 1;
                continue;
            }
        };
        let Ok(body) = decode_content(
            &rec.body,
            rec.header("content-encoding"),
            checked.settings.politeness.max_body_bytes,
        ) else {
            out.errors += 1;
            continue;
        };
        let text = decode_html(&body, rec.header("content-type")).text;
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
            StoredArticle::Updated(seq) => {
                out.updated += 1;
                to_index.push((seq, article));
            }
            _ => out.unchanged += 1,
        }
    }
    index.upsert(&to_index)?;
    Ok(out)
}
