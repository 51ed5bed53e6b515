//! Extraction on fixture pages that imitate the real sites' skeletons
//! (sites.md), with article text written for the tests: selectors, the
//! generic fallback, `enpproperty`, dates, print citations, challenge pages
//! and broken HTML. Each field is asserted on its own.

use chrono::NaiveDate;
use reform_radar::extract::{Extracted, Hints, PageInput, extract_article};
use reform_radar::model::FieldSelectors;

pub(super) fn fixture(name: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/extract/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {path}: {e}"))
}

pub(super) fn run(name: &str, url: &str, fields: &FieldSelectors, hints: &Hints) -> Extracted {
    let html = fixture(name);
    let url = url::Url::parse(url).expect("test url");
    extract_article(
        &PageInput {
            url: &url,
            html: &html,
        },
        fields,
        hints,
    )
}

pub(super) fn sel(s: &str) -> Option<String> {
    Some(s.to_string())
}

pub(super) fn date(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

pub(super) fn strip(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

mod channels;
mod epaper;
mod sasac;
mod web;
