//! RSS, Atom and RDF feeds (feed-rs). Entries become article tasks, or the
//! articles themselves when the source does not fetch pages.

use super::{Discovery, FeedEntry, TaskContext, task};
use crate::model::Role;
use crate::model::{BEIJING, SourceDef};

pub fn seeds(source: &SourceDef) -> Vec<crate::model::NewTask> {
    let Some(spec) = &source.feed else {
        return vec![];
    };
    spec.urls
        .iter()
        .map(|u| {
            task(
                source,
                u.clone(),
                Role::Index,
                &TaskContext::default(),
                true,
            )
        })
        .collect()
}

pub fn discover(source: &SourceDef, _ctx: &TaskContext, url: &url::Url, text: &str) -> Discovery {
    let Some(spec) = &source.feed else {
        return Discovery::default();
    };
    let mut out = Discovery::default();
    let feed = match feed_rs::parser::parse(text.as_bytes()) {
        Ok(f) => f,
        Err(e) => {
            tracing::warn!(source = %source.id, error = %e, "not a feed");
            return out;
        }
    };
    for entry in feed.entries {
        // Relative entry links are resolved against the feed's own URL.
        let Some(link) = entry
            .links
            .first()
            .and_then(|l| url.join(l.href.trim()).ok())
            .map(|u| u.to_string())
        else {
            continue;
        };
        out.links_seen += 1;
        let title = entry
            .title
            .map(|t| t.content.trim().to_string())
            .unwrap_or_default();
        let date = entry
            .published
            .or(entry.updated)
            .map(|d| d.with_timezone(&BEIJING).date_naive());
        if spec.fetch_pages {
            let c = TaskContext {
                date,
                title: (!title.is_empty()).then_some(title),
                ..Default::default()
            };
            out.tasks.push(task(source, link, Role::Article, &c, false));
        } else {
            let body = entry
                .content
                .and_then(|c| c.body)
                .or(entry.summary.map(|s| s.content))
                .map(|html| html_text(&html))
                .unwrap_or_default();
            out.entries.push(FeedEntry {
                url: link,
                title,
                date,
                body,
            });
        }
    }
    out
}

/// Text of an HTML fragment (a feed entry's content), paragraphs kept.
fn html_text(html: &str) -> String {
    let doc = scraper::Html::parse_fragment(html);
    crate::extract::text::block_text(doc.root_element(), &std::collections::HashSet::new())
}
