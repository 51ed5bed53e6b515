//! The polite fetcher: transports (network or replay), per-host pacing,
//! robots.txt, retries, redirects (HTTP, meta refresh and JS), body limits and
//! charset decoding. Every exchange is handed to the archive.

mod archiving;
mod body;
pub mod browser;
mod browser_fetch;
pub mod decode;
mod fetched;
mod fetcher;
mod politeness;
mod redirect;
mod retry;
mod robots;
mod transport;

pub use body::{BodyError, decode_content};
pub use browser_fetch::BROWSER_PROTOCOL;
pub use fetched::{
    BrowserNote, FetchError, FetchOptions, FetchReport, Fetched, Journaled, RobotsAnswer, host_key,
};
pub use fetcher::{ChallengeDetector, Fetcher, is_text};
pub use redirect::html_redirect;
pub use transport::{NetworkOptions, RawResponse, Transport, TransportError};
