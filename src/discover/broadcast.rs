//! Broadcast day lists (新闻联播): one article per broadcast item, skipping the
//! full-programme entry; an item's date is the broadcast date.

use super::links::{element_text, link_target, selector};
use super::{Discovery, Scope, TaskContext, task};
use crate::model::SourceDef;
use crate::store::Role;
use scraper::Html;
use url::Url;

pub fn seeds(source: &SourceDef, scope: &Scope) -> Vec<crate::store::NewTask> {
    let Some(spec) = &source.broadcast else {
        return vec![];
    };
    scope
        .dates()
        .days()
        .map(|date| {
            let url = crate::model::fill_date_template(&spec.day, date);
            let ctx = TaskContext {
                date: Some(date),
                ..Default::default()
            };
            task(source, url, Role::Index, &ctx, !scope.is_settled(date))
        })
        .collect()
}

pub fn discover(source: &SourceDef, ctx: &TaskContext, url: &Url, text: &str) -> Discovery {
    let Some(spec) = &source.broadcast else {
        return Discovery::default();
    };
    // Day lists are fragments without <html>; parse them as one.
    let doc = Html::parse_fragment(text);
    let mut out = Discovery::default();
    let (Some(items), Some(link_sel)) = (
        selector(&spec.items),
        selector(spec.link.as_deref().unwrap_or("a")),
    ) else {
        return out;
    };
    let title_sel = selector(".title");
    let mut seen = std::collections::HashSet::new();
    for item in doc.select(&items) {
        let Some(a) = item.select(&link_sel).next() else {
            continue;
        };
        let Some(u) = link_target(a, url) else {
            continue;
        };
        out.links_seen += 1;
        let raw = a
            .value()
            .attr("title")
            .map(str::to_string)
            .filter(|t| !t.trim().is_empty())
            .or_else(|| {
                title_sel
                    .as_ref()
                    .and_then(|s| item.select(s).next())
                    .map(element_text)
            })
            .unwrap_or_else(|| element_text(a));
        let mut title = raw.trim().to_string();
        for p in &spec.strip_prefixes {
            if let Some(rest) = title.strip_prefix(p.as_str()) {
                title = rest.trim().to_string();
            }
        }
        if spec
            .skip_prefixes
            .iter()
            .any(|p| title.starts_with(p.as_str()) || raw.trim().starts_with(p.as_str()))
        {
            continue;
        }
        if !seen.insert(u.to_string()) {
            continue;
        }
        let c = TaskContext {
            date: ctx.date,
            title: (!title.is_empty()).then_some(title),
            ..Default::default()
        };
        out.tasks
            .push(task(source, u.to_string(), Role::Article, &c, false));
    }
    out
}
