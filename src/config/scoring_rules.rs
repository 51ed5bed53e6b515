//! Loading and validating `rules.toml`, the scorecard rules
//! ([`crate::model::Rules`]). Beyond its shape (unknown keys, types) the file
//! must make sense: unique category ids, item codes and outlet names, items in
//! known categories, each category scoring per item or against a target,
//! points finite and in range with the right sign, outlets mapped to known
//! items, and a `[validity]` once there are items. Every problem is reported
//! as `file:line: field: what is wrong`, the line being where the key is.

use super::check::{check_numbers, sort_from};
use super::limits::rules_numbers;
use super::problems::Problems;
use super::read::{Read, read_collecting};
use crate::model::{Rules, Scheme, outlet_key};
use std::collections::HashMap;
use std::path::Path;

/// Read and check a home's `rules.toml`. Rules are required: a missing
/// file, or one without items, is a problem (an empty scorecard is never a
/// silent default).
pub(crate) fn read_rules(path: &Path, problems: &mut Problems) -> Rules {
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let start = problems.0.len();
            let rules = rules_from_text(path, &text, problems);
            if rules.item.is_empty() && problems.0.len() == start {
                problems.push(
                    path,
                    None,
                    "item",
                    "no [[item]]: the rules score nothing (restore the commission's rules; `radar init` writes the defaults into a home without one)",
                );
            }
            rules
        }
        Err(_) => {
            if path.exists() {
                problems.push(path, None, "(file)", "cannot be read (not UTF-8 text?)");
            } else {
                problems.push(
                    path,
                    None,
                    "(file)",
                    "missing: the scorecard rules are required (`radar init` writes the defaults)",
                );
            }
            Rules::default()
        }
    }
}

/// Parse and check a rules text; `path` names it in problems.
pub fn parse_rules(path: &Path, text: &str) -> Result<Rules, Problems> {
    let mut problems = Problems::default();
    let rules = rules_from_text(path, text, &mut problems);
    if problems.is_empty() {
        Ok(rules)
    } else {
        Err(problems)
    }
}

fn rules_from_text(path: &Path, text: &str, problems: &mut Problems) -> Rules {
    let start = problems.0.len();
    let mut read = read_collecting::<Rules>(path, text, problems);
    let rules = read.value.take().unwrap_or_default();
    let index = Index::new(&read, &rules);
    check_numbers(
        &rules_numbers(&rules, |t, i| index.original(t, i)),
        path,
        &read,
        problems,
    );
    RulesCheck {
        path,
        read: &read,
        index: &index,
        problems,
    }
    .check(&rules);
    sort_from(problems, start);
    rules
}

/// An array element left out for a problem (a missing required key) shifts
/// the elements after it: `original` maps an index of the value read back to
/// the index in the file, so that lines and key paths stay right.
struct Index {
    tables: HashMap<&'static str, Vec<usize>>,
}

impl Index {
    fn new(read: &Read<Rules>, rules: &Rules) -> Index {
        let lens = [
            ("category", rules.category.len()),
            ("item", rules.item.len()),
            ("outlet", rules.outlet.len()),
            ("lead", rules.lead.len()),
        ];
        let tables = lens
            .into_iter()
            .map(|(table, len)| {
                let kept = (0..)
                    .filter(|j| !read.dropped.contains(&format!("{table}[{j}]")))
                    .take(len)
                    .collect();
                (table, kept)
            })
            .collect();
        Index { tables }
    }
    fn original(&self, table: &str, i: usize) -> usize {
        self.tables
            .get(table)
            .and_then(|v| v.get(i))
            .copied()
            .unwrap_or(i)
    }
}

struct RulesCheck<'a> {
    path: &'a Path,
    read: &'a Read<Rules>,
    index: &'a Index,
    problems: &'a mut Problems,
}

impl RulesCheck<'_> {
    /// The key path of `key` of element `i` (as read) of `table`.
    fn field(&self, table: &str, i: usize, key: &str) -> String {
        let i = self.index.original(table, i);
        if key.is_empty() {
            format!("{table}[{i}]")
        } else {
            format!("{table}[{i}].{key}")
        }
    }
    fn line(&self, field: &str) -> Option<usize> {
        self.read.keys.line_or_parent(field)
    }
    fn bad(&mut self, field: &str, msg: impl Into<String>) {
        // A key left out for a type problem was reported already.
        if self.read.was_dropped(field) {
            return;
        }
        let line = self.line(field);
        self.problems.push(self.path, line, field, msg);
    }
    fn at_line(&self, field: &str) -> String {
        self.line(field)
            .map(|l| format!(" (line {l})"))
            .unwrap_or_default()
    }

    fn check(&mut self, r: &Rules) {
        self.categories(r);
        self.items(r);
        self.typical_case(r);
        self.outlets(r);
        if let Some(v) = r.validity
            && let Some(u) = v.until_year
            && u < v.from_year
        {
            self.bad(
                "validity.until_year",
                format!("{u} is before from_year {}", v.from_year),
            );
        }
        if r.validity.is_none() && !r.item.is_empty() && !self.read.was_dropped("validity") {
            self.bad(
                "validity",
                "a [validity] table with `from_year` is required: without it no year counts",
            );
        }
    }

    fn categories(&mut self, r: &Rules) {
        let mut seen: HashMap<&str, String> = HashMap::new();
        for (i, c) in r.category.iter().enumerate() {
            let id = self.field("category", i, "id");
            if let Some(first) = seen.get(c.id.as_str()) {
                let msg = format!("duplicate category id `{}`{}", c.id, self.at_line(first));
                self.bad(&id, msg);
            } else {
                seen.insert(&c.id, id);
            }
            let key = |k: &str| self.field("category", i, k);
            let (ppi, target, short, beyond) = (
                key("points_per_item"),
                key("yearly_target"),
                key("points_short"),
                key("points_beyond"),
            );
            if [&ppi, &target].iter().any(|f| self.read.was_dropped(f)) {
                continue;
            }
            match c.scheme() {
                None if c.points_per_item.is_some() => self.bad(
                    &ppi,
                    "a category scores either per item (`points_per_item`) or against \
                     a `yearly_target`, not both",
                ),
                None => self.bad(
                    &self.field("category", i, ""),
                    "needs `points_per_item` (points per item) or `yearly_target` \
                     (with `points_short` and `points_beyond`)",
                ),
                Some(Scheme::PerItem { .. }) => {
                    for (f, v) in [(&short, c.points_short), (&beyond, c.points_beyond)] {
                        if v.is_some() {
                            self.bad(f, "belongs to a category with a `yearly_target`");
                        }
                    }
                }
                Some(Scheme::Target { .. }) => {
                    if let Some(s) = c.points_short.filter(|s| *s > 0.0) {
                        self.bad(
                            &short,
                            format!(
                                "is added per missing item, so it must not be more than 0 \
                                 (-1.0 deducts a point; found {s})"
                            ),
                        );
                    }
                    if let Some(b) = c.points_beyond.filter(|b| *b < 0.0) {
                        self.bad(
                            &beyond,
                            format!(
                                "is added per item over the target, so it must not be \
                                 negative (found {b})"
                            ),
                        );
                    }
                    if c.points_short.is_none() && c.points_beyond.is_none() {
                        self.bad(
                            &target,
                            "a target needs `points_short` and/or `points_beyond`, \
                             else it never changes the score",
                        );
                    }
                }
            }
        }
    }

    fn items(&mut self, r: &Rules) {
        let ids: Vec<&str> = r.category.iter().map(|c| c.id.as_str()).collect();
        let mut seen: HashMap<&str, String> = HashMap::new();
        for (i, item) in r.item.iter().enumerate() {
            let code = self.field("item", i, "code");
            if item.code.trim().is_empty() || item.code == "lead" {
                self.bad(
                    &code,
                    format!(
                        "`{}` cannot be an item code (empty, or `lead`, which sources use for leads)",
                        item.code
                    ),
                );
            } else if let Some(first) = seen.get(item.code.as_str()) {
                let msg = format!("duplicate item code `{}`{}", item.code, self.at_line(first));
                self.bad(&code, msg);
            } else {
                seen.insert(&item.code, code);
            }
            let category = self.field("item", i, "category");
            match r.category(&item.category) {
                None => self.bad(
                    &category,
                    format!(
                        "`{}` is not a category of this file ({})",
                        item.category,
                        ids.join(", ")
                    ),
                ),
                Some(c) => {
                    if item.points.is_some() && matches!(c.scheme(), Some(Scheme::Target { .. })) {
                        self.bad(
                            &self.field("item", i, "points"),
                            format!(
                                "items of category `{}` score against its yearly target, \
                                 not by points of their own",
                                c.id
                            ),
                        );
                    }
                }
            }
        }
    }

    fn typical_case(&mut self, r: &Rules) {
        if let Some(t) = &r.typical_case
            && r.has_item(&t.code)
        {
            self.bad(
                "typical_case.code",
                format!("`{}` is also an item code", t.code),
            );
        }
    }

    fn outlets(&mut self, r: &Rules) {
        // Every name and alias of outlets and leads, compared as outlet keys.
        let mut seen: HashMap<String, String> = HashMap::new();
        let mut names: Vec<(String, &str)> = Vec::new();
        for (i, o) in r.outlet.iter().enumerate() {
            names.push((self.field("outlet", i, "name"), &o.name));
            for (j, a) in o.aliases.iter().enumerate() {
                names.push((self.field("outlet", i, &format!("aliases[{j}]")), a));
            }
            if !r.has_item(&o.item) {
                self.bad(
                    &self.field("outlet", i, "item"),
                    format!("`{}` is not an item of this file", o.item),
                );
            }
        }
        for (i, l) in r.lead.iter().enumerate() {
            names.push((self.field("lead", i, "name"), &l.name));
            for (j, a) in l.aliases.iter().enumerate() {
                names.push((self.field("lead", i, &format!("aliases[{j}]")), a));
            }
        }
        for (field, name) in names {
            let key = outlet_key(name);
            if key.is_empty() {
                self.bad(&field, "an outlet name must not be empty");
            } else if let Some(first) = seen.get(&key) {
                let msg = format!(
                    "`{name}` is already named at {first}{} (names are compared without \
                     spaces and 《》)",
                    self.at_line(first)
                );
                self.bad(&field, msg);
            } else {
                seen.insert(key, field);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::defaults::DEFAULT_RULES;

    fn problems(text: &str) -> Vec<String> {
        match parse_rules(Path::new("rules.toml"), text) {
            Ok(_) => Vec::new(),
            Err(p) => p.0.iter().map(|p| p.to_string()).collect(),
        }
    }

    /// The default rules with `from` replaced by `to` (which must be there).
    fn edited(from: &str, to: &str) -> String {
        assert!(DEFAULT_RULES.contains(from), "defaults lack {from:?}");
        DEFAULT_RULES.replacen(from, to, 1)
    }

    /// The 1-based line of the first line of the text containing `needle`.
    fn line(text: &str, needle: &str) -> usize {
        text.lines()
            .position(|l| l.contains(needle))
            .map_or(0, |i| i + 1)
    }

    #[test]
    fn the_defaults_encode_the_2023_notice() {
        let r = parse_rules(Path::new("rules.toml"), DEFAULT_RULES).expect("defaults are valid");
        let codes: Vec<&str> = r.item.iter().map(|i| i.code.as_str()).collect();
        assert_eq!(
            codes,
            [
                "A1", "A2", "A3", "A4", "A5", "A6", "A7", "B1", "B2", "B3", "B4", "B5", "C1", "C2",
                "C3", "C4", "C5", "C6", "C7", "C8"
            ]
        );
        assert_eq!(r.category_of("A3").map(|c| c.id.as_str()), Some("A"));
        assert!(r.counts_in_year(2023) && !r.counts_in_year(2022));
        let manual: Vec<&str> = r
            .item
            .iter()
            .filter(|i| i.manual_only)
            .map(|i| i.code.as_str())
            .collect();
        assert_eq!(manual, ["A1", "C1", "C8"]);
        for (outlet, item) in [
            ("人民日报", "B1"),
            ("光明日报", "B2"),
            ("经济日报", "B3"),
            ("半月谈", "B4"),
            ("瞭望", "B4"),
            ("内部参考", "B4"),
            ("新闻联播", "B5"),
            ("中央广播电视总台", "B5"),
        ] {
            let got = r.item_for_outlet(outlet).map(|i| i.code.as_str());
            assert_eq!(got, Some(item), "{outlet}");
        }
        assert!(r.outlet("国内动态清样").is_some_and(|o| o.manual_only));
        for lead in [
            "人民网",
            "新华网",
            "新华社客户端",
            "光明网",
            "中国经济网",
            "央视网",
            "万州时报",
            "三峡都市报",
            "人民日报海外版",
        ] {
            assert!(r.is_lead_outlet(lead), "{lead}");
            assert!(r.item_for_outlet(lead).is_none(), "{lead}");
        }
    }

    #[test]
    fn a_duplicate_item_code_names_both_lines() {
        let first = line(DEFAULT_RULES, "code = \"B1\"");
        let dup = line(DEFAULT_RULES, "code = \"B2\"");
        let text = edited("code = \"B2\"", "code = \"B1\"");
        assert_eq!(
            problems(&text),
            [
                format!("rules.toml:{dup}: item[8].code: duplicate item code `B1` (line {first})"),
                // B2 is gone with it.
                format!(
                    "rules.toml:{}: outlet[1].item: `B2` is not an item of this file",
                    line(&text, "item = \"B2\"")
                ),
            ]
        );
    }

    #[test]
    fn an_item_in_an_unknown_category_and_an_outlet_of_an_unknown_item() {
        let text = edited(
            "category = \"B\"\nname = \"《光明日报》",
            "category = \"Z\"\nname = \"《光明日报》",
        );
        let text = text.replacen("item = \"B3\"", "item = \"B9\"", 1);
        assert_eq!(
            problems(&text),
            [
                format!(
                    "rules.toml:{}: item[8].category: `Z` is not a category of this file (A, B, C)",
                    line(&text, "category = \"Z\"")
                ),
                format!(
                    "rules.toml:{}: outlet[2].item: `B9` is not an item of this file",
                    line(&text, "item = \"B9\"")
                ),
            ]
        );
    }

    #[test]
    fn unknown_keys_bad_numbers_and_a_negative_target_are_reported() {
        let text = edited("points_beyond = 0.5", "points_beyond = inf\nbonus = 2");
        let text = text.replacen("yearly_target = 1", "yearly_target = -1", 1);
        let text = text.replacen(
            "id = \"A\"\nname = \"改革经验获全国性肯定评价\"\npoints_per_item = 1.0",
            "id = \"A\"\nname = \"改革经验获全国性肯定评价\"\npoints_per_item = 1000.0",
            1,
        );
        let p = problems(&text);
        let at = |needle: &str| line(&text, needle);
        assert_eq!(
            p,
            [
                format!(
                    "rules.toml:{}: category[0].points_per_item: must be at most 100 (found 1000)",
                    at("points_per_item = 1000.0")
                ),
                format!(
                    "rules.toml:{}: category[2].yearly_target: expected a whole number (0 or more), found -1",
                    at("yearly_target = -1")
                ),
                format!(
                    "rules.toml:{}: category[2].points_beyond: must be a finite number, not inf",
                    at("points_beyond = inf")
                ),
                format!(
                    "rules.toml:{}: category[2].bonus: unknown field `bonus`, expected one of `id`, `name`, `points_per_item`, `yearly_target`, `points_short`, `points_beyond`",
                    at("bonus = 2")
                ),
            ],
            "{p:#?}"
        );
    }

    #[test]
    fn signs_of_target_points_and_years_are_checked() {
        let text = edited("points_short = -1.0", "points_short = 1.0");
        let text = text.replacen("points_beyond = 0.5", "points_beyond = -0.5", 1);
        let text = text.replacen("# until_year = 2025", "until_year = 2022", 1);
        let p = problems(&text);
        assert_eq!(p.len(), 3, "{p:#?}");
        assert!(
            p[0].contains(": validity.until_year: 2022 is before from_year 2023"),
            "{p:#?}"
        );
        assert!(
            p[1].contains(": category[2].points_short: is added per missing item"),
            "{p:#?}"
        );
        assert!(p[2].contains(": category[2].points_beyond: is added per item over the target, so it must not be negative (found -0.5)"), "{p:#?}");
    }

    #[test]
    fn duplicate_outlet_names_are_caught_across_outlets_leads_and_aliases() {
        let text = edited(
            "[[lead]]\nname = \"人民网\"",
            "[[lead]]\nname = \"《人民日报》\"",
        );
        let text = text.replacen(
            "aliases = [\"瞭望新闻周刊\"]",
            "aliases = [\"瞭望新闻周刊\", \"半月谈\"]",
            1,
        );
        let p = problems(&text);
        assert_eq!(p.len(), 2, "{p:#?}");
        assert!(
            p[0].contains(": outlet[4].aliases[1]: `半月谈` is already named at outlet[3].name"),
            "{p:#?}"
        );
        assert!(
            p[1].contains(": lead[0].name: `《人民日报》` is already named at outlet[0].name"),
            "{p:#?}"
        );
    }

    #[test]
    fn a_category_scores_one_way_and_target_items_have_no_points() {
        let p = problems(&edited(
            "yearly_target = 1",
            "yearly_target = 1\npoints_per_item = 1.0",
        ));
        assert_eq!(p.len(), 1, "{p:#?}");
        assert!(
            p[0].contains("category[2].points_per_item: a category scores either per item"),
            "{p:#?}"
        );
        let p = problems(&edited(
            "code = \"C2\"\ncategory = \"C\"",
            "code = \"C2\"\ncategory = \"C\"\npoints = 2.0",
        ));
        assert_eq!(p.len(), 1, "{p:#?}");
        assert!(
            p[0].contains("item[13].points: items of category `C` score against its yearly target"),
            "{p:#?}"
        );
    }

    #[test]
    fn a_table_left_out_does_not_shift_the_lines_of_the_rest() {
        // item[0] lacks its name: it is left out, and the duplicate below is
        // still named item[2] with its own line.
        let text = "[validity]\nfrom_year = 2023\n[[category]]\nid = \"A\"\nname = \"a\"\npoints_per_item = 1.0\n[[item]]\ncode = \"A1\"\ncategory = \"A\"\n[[item]]\ncode = \"A2\"\ncategory = \"A\"\nname = \"x\"\n[[item]]\ncode = \"A2\"\ncategory = \"A\"\nname = \"y\"\n";
        assert_eq!(
            problems(text),
            [
                "rules.toml:7: item[0].name: is required but missing",
                "rules.toml:15: item[2].code: duplicate item code `A2` (line 11)",
            ]
        );
    }

    #[test]
    fn items_need_a_validity() {
        let text = "[[category]]\nid = \"A\"\nname = \"a\"\npoints_per_item = 1.0\n[[item]]\ncode = \"A1\"\ncategory = \"A\"\nname = \"x\"\n";
        let p = problems(text);
        assert_eq!(p.len(), 1, "{p:#?}");
        assert!(
            p[0].starts_with("rules.toml: validity: a [validity] table"),
            "{p:#?}"
        );
    }
}
