//! Broadcast day lists (新闻联播): one article per broadcast item, skipping the
//! full-programme entry; an item's date is the broadcast date.

use super::links::{element_text, link_target, selector};
use super::{Discovery, Scope, TaskContext, task};
use crate::model::Role;
use crate::model::SourceDef;
use scraper::Html;
use url::Url;

pub fn seeds(source: &SourceDef, scope: &Scope) -> Vec<crate::model::NewTask> {
    let Some(spec) = &source.broadcast else {
        return vec![];
    };
    // Today's list is incomplete until the programme is over: leave it to a later run.
    let complete_after = spec
        .complete_after
        .as_deref()
        .and_then(|t| chrono::NaiveTime::parse_from_str(t, "%H:%M").ok());
    scope
        .dates()
        .days()
        .filter(|date| !(*date == scope.today && complete_after.is_some_and(|t| scope.time < t)))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{BroadcastSpec, SourceKind};
    use chrono::{NaiveDate, NaiveTime};

    fn xwlb() -> SourceDef {
        SourceDef {
            outlet: "中央广播电视总台".into(),
            item: "B5".into(),
            broadcast: Some(BroadcastSpec {
                day: "https://tv.cctv.com/lm/xwlb/day/{yyyymmdd}.shtml".into(),
                items: "li".into(),
                link: None,
                skip_prefixes: vec!["《新闻联播》".into()],
                strip_prefixes: vec!["[视频]".into()],
                complete_after: Some("21:00".into()),
            }),
            ..SourceDef::bare("xwlb", SourceKind::Broadcast)
        }
    }

    fn scope(time: &str) -> Scope {
        Scope {
            range: None,
            today: NaiveDate::from_ymd_opt(2026, 3, 4).expect("date"),
            time: NaiveTime::parse_from_str(time, "%H:%M").expect("time"),
        }
    }

    #[test]
    fn todays_list_waits_until_the_programme_is_over() {
        let early: Vec<_> = seeds(&xwlb(), &scope("19:30"))
            .into_iter()
            .map(|t| t.url)
            .collect();
        assert_eq!(
            early,
            vec!["https://tv.cctv.com/lm/xwlb/day/20260303.shtml"]
        );
        let late = seeds(&xwlb(), &scope("21:30"));
        assert_eq!(late.len(), 2);
        assert!(late[1].url.ends_with("20260304.shtml"));
    }

    #[test]
    fn the_full_programme_is_skipped_and_titles_cleaned() {
        let html = r#"<li><a href="https://tv.cctv.com/2026/03/04/VIDEa.shtml" title="[视频]《新闻联播》 20260304 19:00">x</a></li>
<li><a href="https://tv.cctv.com/2026/03/04/VIDEb.shtml" title="[视频]万州港口改革见成效">x</a></li>"#;
        let ctx = TaskContext {
            date: NaiveDate::from_ymd_opt(2026, 3, 4),
            ..Default::default()
        };
        let url = Url::parse("https://tv.cctv.com/lm/xwlb/day/20260304.shtml").expect("url");
        let found = discover(&xwlb(), &ctx, &url, html);
        assert_eq!(found.tasks.len(), 1);
        let c = TaskContext::from_json(&found.tasks[0].context);
        assert_eq!(c.title.as_deref(), Some("万州港口改革见成效"));
        assert_eq!(c.date, NaiveDate::from_ymd_opt(2026, 3, 4));
    }
}
