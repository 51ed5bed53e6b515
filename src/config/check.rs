//! Loading and validating the whole home. Problems are collected, never
//! thrown one at a time: `radar check` prints them all.

use super::problems::{Problems, from_toml_error, line_of_key};
use super::rules::{EnterprisesFile, Rules};
use super::{Home, Settings};
use crate::model::{SourceDef, SourceKind};
use chrono::NaiveDate;
use serde::de::DeserializeOwned;
use std::path::Path;
use std::str::FromStr;

/// Everything a home configures, validated.
#[derive(Debug, Clone)]
pub struct Checked {
    pub settings: Settings,
    pub sources: Vec<SourceDef>,
    pub rules: Rules,
    pub enterprises: EnterprisesFile,
}

fn read_toml<T: DeserializeOwned + Default>(path: &Path, problems: &mut Problems) -> (T, String) {
    let Ok(text) = std::fs::read_to_string(path) else {
        return (T::default(), String::new());
    };
    match toml::from_str(&text) {
        Ok(v) => (v, text),
        Err(e) => {
            problems.0.push(from_toml_error(path, &text, &e));
            (T::default(), text)
        }
    }
}

/// Validate the whole home, returning every problem.
pub fn check_home(home: &Home) -> Result<Checked, Problems> {
    let mut problems = Problems::default();
    let settings_path = home.settings_path();
    let (settings, text): (Settings, String) = read_toml(&settings_path, &mut problems);
    check_settings(&settings, &settings_path, &text, &mut problems);
    let (rules, _): (Rules, String) = read_toml(&home.rules_path(), &mut problems);
    let (enterprises, etext): (EnterprisesFile, String) =
        read_toml(&home.enterprises_path(), &mut problems);
    let mut seen = std::collections::HashSet::new();
    for e in &enterprises.enterprise {
        if !seen.insert(e.id.clone()) {
            let line = etext
                .find(&format!("\"{}\"", e.id))
                .map(|o| super::problems::line_of_offset(&etext, o));
            problems.push(
                &home.enterprises_path(),
                line,
                "id",
                format!("duplicate enterprise id `{}`", e.id),
            );
        }
    }
    let sources = load_sources_into(&home.sources_dir(), &rules, &mut problems);
    if problems.is_empty() {
        Ok(Checked {
            settings,
            sources,
            rules,
            enterprises,
        })
    } else {
        Err(problems)
    }
}

/// Load and validate the sources of a home (rules from the home, if readable).
pub fn load_sources(home: &Home) -> Result<Vec<SourceDef>, Problems> {
    let mut problems = Problems::default();
    let (rules, _): (Rules, String) = read_toml(&home.rules_path(), &mut problems);
    let sources = load_sources_into(&home.sources_dir(), &rules, &mut problems);
    if problems.is_empty() {
        Ok(sources)
    } else {
        Err(problems)
    }
}

fn load_sources_into(dir: &Path, rules: &Rules, problems: &mut Problems) -> Vec<SourceDef> {
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    paths.retain(|p| p.extension().is_some_and(|e| e == "toml"));
    paths.sort();
    let mut sources = Vec::new();
    for path in paths {
        let Ok(text) = std::fs::read_to_string(&path) else {
            problems.push(&path, None, "(file)", "cannot be read");
            continue;
        };
        match toml::from_str::<SourceDef>(&text) {
            Ok(def) => {
                check_source(&def, &path, &text, rules, problems);
                sources.push(def);
            }
            Err(e) => problems.0.push(from_toml_error(&path, &text, &e)),
        }
    }
    sources
}

fn check_settings(s: &Settings, path: &Path, text: &str, problems: &mut Problems) {
    if !(s.user_agent.contains('@') || s.user_agent.contains("http")) {
        problems.push(
            path,
            line_of_key(text, "", "user_agent"),
            "user_agent",
            "must name a contact (an e-mail address or a URL)",
        );
    }
    if s.politeness.pace_secs < 0.0 {
        problems.push(
            path,
            line_of_key(text, "politeness", "pace_secs"),
            "politeness.pace_secs",
            "must not be negative",
        );
    }
    if s.politeness.concurrency == 0 {
        problems.push(
            path,
            line_of_key(text, "politeness", "concurrency"),
            "politeness.concurrency",
            "must be at least 1",
        );
    }
    if let Err(e) = cron::Schedule::from_str(&s.schedule.default) {
        problems.push(
            path,
            line_of_key(text, "schedule", "default"),
            "schedule.default",
            format!("not a cron expression: {e}"),
        );
    }
}

/// Where a source's problems go, with the file text for line numbers.
struct SourceCheck<'a> {
    path: &'a Path,
    text: &'a str,
    problems: &'a mut Problems,
}

impl SourceCheck<'_> {
    fn bad(&mut self, table: &str, key: &str, msg: String) {
        let field = if table.is_empty() {
            key.to_string()
        } else {
            format!("{table}.{key}")
        };
        let line = line_of_key(self.text, table, key).or_else(|| line_of_key(self.text, "", table));
        self.problems.push(self.path, line, &field, msg);
    }
    fn css(&mut self, table: &str, key: &str, sel: Option<&str>) {
        if let Some(sel) = sel
            && let Err(e) = scraper::Selector::parse(sel)
        {
            self.bad(table, key, format!("bad CSS selector `{sel}`: {e}"));
        }
    }
    fn regex(&mut self, table: &str, key: &str, re: Option<&str>) {
        if let Some(re) = re
            && let Err(e) = regex::Regex::new(re)
        {
            self.bad(table, key, format!("bad regex: {e}"));
        }
    }
    fn url(&mut self, table: &str, key: &str, template: &str) {
        let sample = NaiveDate::from_ymd_opt(2026, 3, 4).unwrap_or_default();
        let filled = crate::model::fill_date_template(template, sample).replace("{n}", "1");
        if let Err(e) = url::Url::parse(&filled) {
            self.bad(table, key, format!("`{template}` is not a URL: {e}"));
        } else if filled.contains('{') {
            self.bad(
                table,
                key,
                format!("`{template}` has an unknown placeholder"),
            );
        }
    }
}

fn check_source(def: &SourceDef, path: &Path, text: &str, rules: &Rules, problems: &mut Problems) {
    let mut c = SourceCheck {
        path,
        text,
        problems,
    };
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    if def.id != stem {
        c.bad(
            "",
            "id",
            format!("`{}` must equal the file name `{stem}`", def.id),
        );
    }
    if def.item != "lead" && !rules.item.is_empty() && !rules.has_item(&def.item) {
        c.bad(
            "",
            "item",
            format!("`{}` is neither `lead` nor an item of rules.toml", def.item),
        );
    }
    if let Some(s) = &def.schedule
        && let Err(e) = cron::Schedule::from_str(s)
    {
        c.bad(
            "",
            "schedule",
            format!("not a cron expression (sec min hour day month weekday): {e}"),
        );
    }
    if def.pace_secs.is_some_and(|p| p < 0.0) {
        c.bad("", "pace_secs", "must not be negative".into());
    }
    let tables = [
        (SourceKind::Feed, "feed", def.feed.is_some()),
        (SourceKind::Listing, "listing", def.listing.is_some()),
        (SourceKind::Epaper, "epaper", def.epaper.is_some()),
        (SourceKind::Broadcast, "broadcast", def.broadcast.is_some()),
    ];
    for (kind, name, present) in tables {
        if kind == def.kind && !present {
            c.bad("", "kind", format!("kind `{name}` needs a [{name}] table"));
        } else if kind != def.kind && present {
            c.bad(
                name,
                name,
                format!(
                    "a [{name}] table does not belong to kind `{}`",
                    def.kind.as_str()
                ),
            );
        }
    }
    let f = &def.fields;
    for (k, v) in f.named() {
        c.css("fields", k, v);
    }
    for s in &f.strip {
        c.css("fields", "strip", Some(s));
    }
    if let Some(l) = &def.listing {
        c.regex("listing", "link_pattern", l.link_pattern.as_deref());
        c.regex("listing", "page_count", l.page_count.as_deref());
        c.regex("listing", "page_id", l.page_id.as_deref());
        c.regex("listing", "sublist_pattern", l.sublist_pattern.as_deref());
        if l.descending && l.page_count.is_none() {
            c.bad(
                "listing",
                "descending",
                "descending page numbers need `page_count`".into(),
            );
        }
        if l.page_url.as_deref().is_some_and(|u| u.contains("{id}")) && l.page_id.is_none() {
            c.bad(
                "listing",
                "page_url",
                "`{id}` in page_url needs `page_id`".into(),
            );
        }
        c.css("listing", "items", l.items.as_deref());
        c.css("listing", "link", l.link.as_deref());
        c.css("listing", "date", l.date.as_deref());
        c.css("listing", "next", l.next.as_deref());
        if l.start.is_empty() {
            c.bad("listing", "start", "needs at least one URL".into());
        }
        for u in &l.start {
            c.url("listing", "start", u);
        }
        if l.format != crate::model::ListingFormat::Html && l.json_items.is_none() {
            c.bad(
                "listing",
                "format",
                "json and jsonp listings need [listing.json_items]".into(),
            );
        }
    }
    if let Some(e) = &def.epaper {
        c.regex("epaper", "page_pattern", e.page_pattern.as_deref());
        c.regex("epaper", "article_pattern", e.article_pattern.as_deref());
        c.css("epaper", "page_links", Some(&e.page_links));
        c.css("epaper", "article_links", Some(&e.article_links));
        c.css("epaper", "page_label", e.page_label.as_deref());
        if e.editions.is_empty() {
            c.bad(
                "epaper",
                "editions",
                "needs at least one URL template".into(),
            );
        }
        for t in &e.editions {
            c.url("epaper", "editions", &t.url);
        }
        if let Some(l) = &e.latest {
            c.url("epaper", "latest", l);
        }
    }
    if let Some(b) = &def.broadcast {
        c.css("broadcast", "items", Some(&b.items));
        c.css("broadcast", "link", b.link.as_deref());
        c.url("broadcast", "day", &b.day);
        if let Some(t) = &b.complete_after
            && chrono::NaiveTime::parse_from_str(t, "%H:%M").is_err()
        {
            c.bad("broadcast", "complete_after", "must be HH:MM".into());
        }
    }
    if let Some(f) = &def.feed {
        for u in &f.urls {
            c.url("feed", "urls", u);
        }
    }
}
