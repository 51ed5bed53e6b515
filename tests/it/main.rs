//! The integration test binary: one module per area.

mod sample;
mod search;
mod support;
