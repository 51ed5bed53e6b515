//! The polite fetcher: transports (network or replay), per-host pacing,
//! robots.txt, retries, redirects (HTTP, meta refresh and JS), body limits and
//! charset decoding. Every exchange is handed to the archive.

mod body;
pub mod decode;
mod fetcher;
mod politeness;
mod redirect;
mod retry;
mod transport;

pub use body::{BodyError, decode_content};
pub use fetcher::{FetchError, FetchOptions, FetchReport, Fetched, Fetcher, Journaled};
pub use redirect::html_redirect;
pub use transport::{NetworkOptions, RawResponse, Transport, TransportError};
