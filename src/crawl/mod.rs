//! The polite fetcher: transports (network or replay), per-host pacing,
//! robots.txt, retries, redirects (HTTP, meta refresh and JS), body limits and
//! charset decoding. Every exchange is handed to the archive.

pub mod decode;
