//! reform-radar: a media-monitoring crawler and evidence collector for the
//! district SOE reform scorecard (改革报表).
//!
//! # Layout
//! - [`model`]: shared domain types (no I/O).
//! - [`config`]: the deployment home, `radar.toml`, source definitions, validation.
//! - [`store`]: SQLite; the only module that runs SQL.
//! - [`archive`]: the WARC evidence archive (write, read back, replay lookup).
//! - [`crawl`]: the polite fetcher (transport, pacing, robots, retries, redirects, charsets).
//! - [`discover`]: source kinds turning pages into links and article hints.
//! - [`extract`]: article fields from HTML (selectors, generic extractor, dates, citations).
//! - [`dedup`]: SimHash near-duplicate detection (syndicated copies).
//! - [`index`]: Chinese full-text search (tantivy); the only module that imports it.
//! - [`registry`]: the enterprise registry (`enterprises.toml`, spreadsheet import).
//! - [`pipeline`]: the only code that knows the order of the stages.
//! - [`schedule`]: per-source cron schedules in Beijing time.
//! - [`scoring`]: the scorecard arithmetic (pure, over `model` types and the rules).
//! - [`web`]: the reviewers' web UI and JSON API (axum); the only module that imports it.
//! - [`cli`]: the `radar` command line; the only module that imports clap.

pub mod archive;
pub mod cli;
pub mod config;
pub mod crawl;
pub mod dedup;
pub mod discover;
pub mod extract;
pub mod index;
pub mod ledger;
pub mod matching;
pub mod model;
pub mod notify;
pub mod pipeline;
pub mod registry;
pub mod report;
pub mod schedule;
pub mod scoring;
pub mod store;
pub mod web;
