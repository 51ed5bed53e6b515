//! Loading and validating the whole home. Problems are collected, never
//! thrown one at a time: `radar check` prints them all.

use super::limits::{Number, settings_numbers, source_numbers};
use super::patterns::{cron_problem, css_problem, regex_problem, regex_with_group_problem};
use super::problems::Problems;
use super::read::{Read, read_collecting};
use super::scoring_rules::read_rules;
use super::{Home, Settings};
use crate::model::Rules;
use crate::model::{SourceDef, SourceKind};
use chrono::NaiveDate;
use serde::de::DeserializeOwned;
use std::path::Path;

/// Everything a home configures, validated.
#[derive(Debug, Clone)]
pub struct Checked {
    pub settings: Settings,
    pub sources: Vec<SourceDef>,
    pub rules: Rules,
}

/// Read an optional file of the home (absent: defaults), every problem in it
/// pushed to `problems`.
fn read_optional<T: DeserializeOwned + Default>(
    path: &Path,
    problems: &mut Problems,
) -> (T, Read<T>) {
    let Ok(text) = std::fs::read_to_string(path) else {
        if path.exists() {
            problems.push(path, None, "(file)", "cannot be read (not UTF-8 text?)");
        }
        return (T::default(), Read::empty());
    };
    let mut read = read_collecting::<T>(path, &text, problems);
    (read.value.take().unwrap_or_default(), read)
}

/// Push range problems of numbers whose keys were read (a key left out for a
/// type problem is not reported again).
pub(super) fn check_numbers<T>(
    numbers: &[Number],
    path: &Path,
    read: &Read<T>,
    problems: &mut Problems,
) {
    for n in numbers {
        if read.was_dropped(&n.field) {
            continue;
        }
        if let Some(msg) = super::limits::problem(n) {
            problems.push(path, read.keys.line_or_parent(&n.field), &n.field, msg);
        }
    }
}

/// Sort the problems from `start` on (one file's) by line.
pub(super) fn sort_from(problems: &mut Problems, start: usize) {
    problems.0[start..].sort_by_key(|p| p.line);
}

/// Read and check `radar.toml` (defaults when absent).
pub(crate) fn read_settings(path: &Path, problems: &mut Problems) -> Settings {
    let start = problems.0.len();
    let (settings, read): (Settings, _) = read_optional(path, problems);
    check_settings(&settings, path, &read, problems);
    sort_from(problems, start);
    settings
}

/// Validate the home's settings, rules and sources, returning every problem
/// (`registry::check_home` adds `enterprises.toml`).
pub fn check_home(home: &Home) -> Result<Checked, Problems> {
    let mut problems = Problems::default();
    let settings = read_settings(&home.settings_path(), &mut problems);
    let rules = read_rules(&home.rules_path(), &mut problems);
    let sources = load_sources_into(&home.sources_dir(), &rules, &mut problems);
    if problems.is_empty() {
        Ok(Checked {
            settings,
            sources,
            rules,
        })
    } else {
        Err(problems)
    }
}

/// Load and validate the sources of a home (rules from the home, if readable).
pub fn load_sources(home: &Home) -> Result<Vec<SourceDef>, Problems> {
    let mut problems = Problems::default();
    let rules = read_rules(&home.rules_path(), &mut problems);
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
        let start = problems.0.len();
        let mut read = read_collecting::<SourceDef>(&path, &text, problems);
        if let Some(def) = read.value.take() {
            check_source(&def, &path, &read, rules, problems);
            sources.push(def);
        }
        sort_from(problems, start);
    }
    sources
}

fn check_settings(s: &Settings, path: &Path, read: &Read<Settings>, problems: &mut Problems) {
    let line = |field: &str| read.keys.line_or_parent(field);
    let has_contact = s.user_agent.contains('@') || s.user_agent.contains("http");
    if !has_contact && !read.was_dropped("user_agent") {
        problems.push(
            path,
            line("user_agent"),
            "user_agent",
            "must name a contact (an e-mail address or a URL)",
        );
    }
    check_numbers(&settings_numbers(s), path, read, problems);
    super::notify::check_notify(s, path, read, problems);
    let id = &s.ledger.commission_id;
    if !read.was_dropped("ledger.commission_id")
        && (id.is_empty()
            || id.len() > 64
            || !id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
    {
        problems.push(
            path,
            line("ledger.commission_id"),
            "ledger.commission_id",
            "must be 1 to 64 ASCII letters, digits, '-', '_' or '.'",
        );
    }
    if !read.was_dropped("schedule.default")
        && let Some(msg) = cron_problem(&s.schedule.default)
    {
        problems.push(path, line("schedule.default"), "schedule.default", msg);
    }
    if !read.was_dropped("web.trusted_proxies") {
        for (i, a) in s.web.trusted_proxies.iter().enumerate() {
            if a.trim().parse::<std::net::IpAddr>().is_err() {
                problems.push(
                    path,
                    line("web.trusted_proxies"),
                    "web.trusted_proxies",
                    format!(
                        "entry {}: `{a}` is not an IP address (one proxy address each, e.g. \"127.0.0.1\")",
                        i + 1
                    ),
                );
            }
        }
    }
}

/// A further-page template may hold only `{n}` and `{id}` (a date
/// placeholder like `{yyyyy}` would be fetched as written).
fn page_url_problem(template: &str) -> Option<String> {
    let rest = template.replace("{n}", "").replace("{id}", "");
    (rest.contains('{') || rest.contains('}'))
        .then(|| format!("`{template}` has an unknown placeholder (only {{n}} and {{id}})"))
}

/// What keeps a request header from being sent as written, if anything.
fn header_problem(name: &str, value: &str) -> Option<String> {
    // RFC 9110 token characters.
    let token = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
    if name.is_empty() || !name.chars().all(token) {
        return Some(format!("{name:?} is not a header name"));
    }
    // Visible ASCII, spaces and tabs only (a non-ASCII Referer must be
    // percent-encoded).
    if !value.chars().all(|c| c == '\t' || (' '..='~').contains(&c)) {
        return Some(format!(
            "header value {value:?} must be visible ASCII (percent-encode other characters)"
        ));
    }
    None
}

/// Where a source's problems go, with where its keys are for line numbers.
struct SourceCheck<'a> {
    path: &'a Path,
    read: &'a Read<SourceDef>,
    problems: &'a mut Problems,
}

impl SourceCheck<'_> {
    fn bad(&mut self, table: &str, key: &str, msg: String) {
        let field = if table.is_empty() {
            key.to_string()
        } else if table == key {
            table.to_string()
        } else {
            format!("{table}.{key}")
        };
        // A key left out for a type problem was reported already.
        if self.read.was_dropped(&field) {
            return;
        }
        let line = self.read.keys.line_or_parent(&field);
        self.problems.push(self.path, line, &field, msg);
    }
    fn css(&mut self, table: &str, key: &str, sel: Option<&str>) {
        if let Some(msg) = sel.and_then(css_problem) {
            self.bad(table, key, msg);
        }
    }
    fn regex(&mut self, table: &str, key: &str, re: Option<&str>) {
        if let Some(msg) = re.and_then(regex_problem) {
            self.bad(table, key, msg);
        }
    }
    /// A regex whose first capture group is read (`page_count`, `page_id`).
    fn regex_group(&mut self, table: &str, key: &str, re: Option<&str>) {
        if let Some(msg) = re.and_then(regex_with_group_problem) {
            self.bad(table, key, msg);
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

fn check_source(
    def: &SourceDef,
    path: &Path,
    read: &Read<SourceDef>,
    rules: &Rules,
    problems: &mut Problems,
) {
    let mut c = SourceCheck {
        path,
        read,
        problems,
    };
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    if let Some(problem) = crate::model::names::id_problem(&def.id) {
        c.bad("", "id", problem);
    } else if def.id != stem {
        c.bad(
            "",
            "id",
            format!("`{}` must equal the file name `{stem}`", def.id),
        );
    }
    if def.item != "lead" && !rules.has_item(&def.item) {
        c.bad(
            "",
            "item",
            format!("`{}` is neither `lead` nor an item of rules.toml", def.item),
        );
    }
    match rules.item_for_outlet(&def.outlet) {
        Some(item) if item.code != def.item => {
            let msg = format!(
                "outlet `{}` evidences {} in rules.toml, not `{}`",
                def.outlet, item.code, def.item
            );
            c.bad("", "item", msg);
        }
        None if rules.is_lead_outlet(&def.outlet) && def.item != "lead" => {
            let msg = format!(
                "outlet `{}` is a lead in rules.toml: item must be `lead`",
                def.outlet
            );
            c.bad("", "item", msg);
        }
        _ => {}
    }
    if let Some(msg) = def.schedule.as_deref().and_then(cron_problem) {
        c.bad("", "schedule", msg);
    }
    for n in source_numbers(def) {
        if let Some(msg) = super::limits::problem(&n) {
            c.bad("", &n.field, msg);
        }
    }
    let tables = [
        (SourceKind::Feed, "feed", def.feed.is_some()),
        (SourceKind::Listing, "listing", def.listing.is_some()),
        (SourceKind::Epaper, "epaper", def.epaper.is_some()),
        (SourceKind::Broadcast, "broadcast", def.broadcast.is_some()),
    ];
    for (kind, name, present) in tables {
        if read.was_dropped(name) {
            // Its problems were reported; a missing table would say it again.
        } else if kind == def.kind && !present {
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
    for (name, value) in &def.headers {
        let key = format!("headers.{name}");
        if let Some(msg) = header_problem(name, value) {
            c.bad("", &key, msg);
        }
    }
    let f = &def.fields;
    for (k, v) in f.named() {
        c.css("fields", k, v);
    }
    for (i, s) in f.strip.iter().enumerate() {
        c.css("fields", &format!("strip[{i}]"), Some(s));
    }
    if let Some(l) = &def.listing {
        c.regex("listing", "link_pattern", l.link_pattern.as_deref());
        c.regex_group("listing", "page_count", l.page_count.as_deref());
        c.regex_group("listing", "page_id", l.page_id.as_deref());
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
        for (i, u) in l.start.iter().enumerate() {
            c.url("listing", &format!("start[{i}]"), u);
        }
        if let Some(p) = &l.page_url
            && let Some(msg) = page_url_problem(p)
        {
            c.bad("listing", "page_url", msg);
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
        for (i, t) in e.editions.iter().enumerate() {
            c.url("epaper", &format!("editions[{i}].url"), &t.url);
            if let (Some(from), Some(until)) = (t.from, t.until)
                && from > until
            {
                c.bad(
                    "epaper",
                    &format!("editions[{i}].until"),
                    format!("{until} is before `from` {from}"),
                );
            }
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
        for (i, u) in f.urls.iter().enumerate() {
            c.url("feed", &format!("urls[{i}]"), u);
        }
    }
}
