//! The integration test binary: one module per area.

mod browser;
mod browser_review;
mod candidates;
mod check;
mod cli;
mod extract;
mod feed;
mod fetch;
mod hardening;
mod ledger;
mod matching;
mod outlets;
mod pipeline;
mod registry;
mod replay_input;
mod resume;
mod rules;
mod sample;
mod search;
mod server;
mod site;
mod support;
mod tidy;
mod web;
mod web_security;
mod web_support;
