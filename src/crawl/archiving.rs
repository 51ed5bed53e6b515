//! Archiving an exchange before its outcome is used: the request and the
//! response (or the transport error) become WARC records, and the fetch's
//! journal gets the record's location for the store.

use super::fetched::{FetchError, Journaled};
use super::transport::{RawResponse, TransportError};
use crate::archive::{ArchiveWriter, Exchange};
use chrono::{DateTime, Utc};
use std::sync::Mutex;
use url::Url;

/// Write one exchange to the archive and journal it. An archive failure is
/// returned as [`FetchError::Archive`]: nothing may be used without its record.
pub fn archive_exchange(
    archive: &Mutex<ArchiveWriter>,
    url: &Url,
    request_headers: &[(String, String)],
    res: &Result<RawResponse, TransportError>,
    fetched_at: DateTime<Utc>,
    journal: &mut Vec<Journaled>,
) -> Result<(), FetchError> {
    archive_noted(
        archive,
        url,
        request_headers,
        res,
        fetched_at,
        journal,
        None,
    )
}

/// How an exchange made by another client than reqwest is described: the
/// `WARC-Protocol` value and the `application/warc-fields` body of the
/// metadata record written after its response.
pub struct ViaNote<'a> {
    pub protocol: &'a str,
    pub fields: &'a str,
}

/// [`archive_exchange`] for an exchange another client made (the browser):
/// its response is followed by a metadata record saying so.
pub fn archive_exchange_via(
    archive: &Mutex<ArchiveWriter>,
    url: &Url,
    request_headers: &[(String, String)],
    res: &Result<RawResponse, TransportError>,
    fetched_at: DateTime<Utc>,
    journal: &mut Vec<Journaled>,
    via: &ViaNote<'_>,
) -> Result<(), FetchError> {
    archive_noted(
        archive,
        url,
        request_headers,
        res,
        fetched_at,
        journal,
        Some(via),
    )
}

fn archive_noted(
    archive: &Mutex<ArchiveWriter>,
    url: &Url,
    request_headers: &[(String, String)],
    res: &Result<RawResponse, TransportError>,
    fetched_at: DateTime<Utc>,
    journal: &mut Vec<Journaled>,
    via: Option<&ViaNote<'_>>,
) -> Result<(), FetchError> {
    let empty = Vec::new();
    let (status, error) = match res {
        Ok(r) => (Some(r.status), None),
        Err(e) => (None, Some(e.to_string())),
    };
    let (resp_headers, body, reason, truncated) = match res {
        Ok(r) => (
            &r.headers,
            r.body.as_slice(),
            r.reason.as_str(),
            r.truncated,
        ),
        Err(_) => (&empty, &[][..], "", false),
    };
    let exchange = Exchange {
        url: url.as_str(),
        method: "GET",
        request_headers,
        status,
        reason,
        response_headers: resp_headers,
        body,
        truncated,
        error: error.as_deref(),
        fetched_at,
    };
    let mut writer = archive.lock().unwrap_or_else(|p| p.into_inner());
    let written = match via {
        None => writer.write_exchange(&exchange),
        Some(v) => writer.write_exchange_noted(&exchange, v.protocol, v.fields),
    };
    drop(writer);
    let location = written.map_err(|e| FetchError::Archive(e.to_string()))?;
    journal.push(Journaled {
        url: url.to_string(),
        status,
        content_type: res
            .as_ref()
            .ok()
            .and_then(|r| r.header("content-type"))
            .map(str::to_string),
        fetched_at: fetched_at.to_rfc3339(),
        location,
        error,
    });
    Ok(())
}
