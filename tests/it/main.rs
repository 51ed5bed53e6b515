//! The integration test binary: one module per area.

mod check;
mod cli;
mod extract;
mod feed;
mod fetch;
mod hardening;
mod matching;
mod outlets;
mod pipeline;
mod replay_input;
mod resume;
mod sample;
mod search;
mod server;
mod site;
mod support;
mod tidy;
