//! Records out of uncompressed bytes: finding each `WARC/` version line,
//! parsing the record's headers and its HTTP response (chunked bodies
//! de-chunked), and describing what is wrong with one that does not parse.
//! Every length comes from the file, so each is checked before use, and no
//! message quotes more than a short escaped prefix of the bytes.

/// A response (or error metadata) record read back from the archive.
#[derive(Debug, Clone, PartialEq)]
pub struct ArchivedResponse {
    pub record_type: String,
    pub url: String,
    pub date: String,
    /// HTTP status; None for a metadata (fetch error) record.
    pub status: Option<u16>,
    pub headers: Vec<(String, String)>,
    /// The payload exactly as received.
    pub body: Vec<u8>,
    pub payload_digest: Option<String>,
    /// The record carries a `WARC-Truncated` header (any value): the payload
    /// is not the whole response (cut at a size limit, a timeout, …).
    pub truncated: bool,
}

impl ArchivedResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// How many bytes of a file an error message may quote.
const PREFIX: usize = 40;

/// A short, escaped, printable prefix of some bytes from a file.
pub(crate) fn preview(bytes: &[u8]) -> String {
    let head = bytes.get(..PREFIX).unwrap_or(bytes);
    let text: String = String::from_utf8_lossy(head).escape_debug().collect();
    if bytes.len() > head.len() {
        format!("\"{text}\"… ({} bytes)", bytes.len())
    } else {
        format!("\"{text}\"")
    }
}

/// One step of a walk over an uncompressed buffer.
pub(super) enum Item {
    /// A record spanning `start..end` of the buffer.
    Record {
        start: usize,
        end: usize,
        record: ArchivedResponse,
    },
    /// An unparseable record starting at `start`.
    Bad { start: usize, reason: String },
}

pub(super) fn skip_blank(raw: &[u8], mut pos: usize) -> usize {
    while raw.get(pos).is_some_and(|b| b.is_ascii_whitespace()) {
        pos += 1;
    }
    pos
}

/// The next `WARC/1.` at a line start strictly after `from`.
fn next_version_line(raw: &[u8], from: usize) -> Option<usize> {
    let tail = raw.get(from..)?;
    tail.windows(8)
        .position(|w| w == b"\nWARC/1.")
        .and_then(|p| from.checked_add(p)?.checked_add(1))
}

/// Every record of an uncompressed buffer (one for our own files, one gzip
/// member per record; several for a whole-file gzip or a plain `.warc`). A
/// record that does not parse is reported and the walk resyncs at the next
/// `WARC/1.` line.
pub(super) fn walk(raw: &[u8], mut each: impl FnMut(Item)) {
    let mut pos = 0usize;
    loop {
        pos = skip_blank(raw, pos);
        let Some(rest) = raw.get(pos..).filter(|r| !r.is_empty()) else {
            return;
        };
        match parse_one(rest) {
            Ok((used, record)) => {
                let end = pos.saturating_add(used);
                each(Item::Record {
                    start: pos,
                    end,
                    record,
                });
                pos = end;
            }
            Err(reason) => {
                each(Item::Bad { start: pos, reason });
                match next_version_line(raw, pos) {
                    Some(next) => pos = next,
                    None => return,
                }
            }
        }
    }
}

/// Why the WARC header at the start of `raw` did not parse. The parser's own
/// error is not used: its `Debug` form prints the whole rest of the input as
/// decimal numbers.
fn describe_bad_header(raw: &[u8]) -> String {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .or_else(|| raw.windows(2).position(|w| w == b"\n\n"));
    let Some(end) = end else {
        return "WARC header is cut short (no blank line after it)".into();
    };
    let head = raw.get(..end).unwrap_or(raw);
    let bad_line = head.split(|b| *b == b'\n').skip(1).find(|line| {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let Some(colon) = line.iter().position(|b| *b == b':') else {
            return true;
        };
        let (name, value) = line.split_at(colon);
        let value = value.get(1..).unwrap_or(&[]).trim_ascii();
        name.eq_ignore_ascii_case(b"content-length")
            && std::str::from_utf8(value).map_or(true, |v| v.parse::<usize>().is_err())
    });
    match bad_line {
        Some(line) => format!("bad WARC header line {}", preview(line)),
        None => "bad WARC header".into(),
    }
}

fn strip_line_ending(b: &[u8]) -> Option<&[u8]> {
    b.strip_prefix(b"\r\n").or_else(|| b.strip_prefix(b"\n"))
}

/// Parse the record at the start of `raw`: how many bytes it spans, and the
/// record; or why it cannot be read.
pub(super) fn parse_one(raw: &[u8]) -> Result<(usize, ArchivedResponse), String> {
    if !raw.starts_with(b"WARC/") {
        return Err(format!(
            "no WARC/ version line: starts with {}",
            preview(raw)
        ));
    }
    let (after_head, (_version, headers, len)) =
        warc::parser::headers(raw).map_err(|_| describe_bad_header(raw))?;
    let block_start = strip_line_ending(after_head)
        .ok_or_else(|| "WARC header does not end with a blank line".to_string())?;
    let block = block_start.get(..len).ok_or_else(|| {
        format!(
            "Content-Length {len} runs past the end of the data ({} bytes left)",
            block_start.len()
        )
    })?;
    let tail = block_start
        .get(len..)
        .and_then(strip_line_ending)
        .and_then(strip_line_ending)
        .ok_or_else(|| {
            format!("Content-Length {len} does not end at the end of the record (no blank line after the block)")
        })?;
    let used = raw.len().saturating_sub(tail.len());
    let get = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| String::from_utf8_lossy(v).into_owned())
    };
    let record_type = get("WARC-Type").unwrap_or_default();
    // WARC/1.0 writers sometimes wrap the URI in angle brackets.
    let url = get("WARC-Target-URI")
        .unwrap_or_default()
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .to_string();
    let date = get("WARC-Date").unwrap_or_default();
    let payload_digest = get("WARC-Payload-Digest");
    let truncated = get("WARC-Truncated").is_some();
    if record_type != "response" {
        let rec = ArchivedResponse {
            record_type,
            url,
            date,
            status: None,
            headers: vec![],
            body: block.to_vec(),
            payload_digest,
            truncated,
        };
        return Ok((used, rec));
    }
    let mut hs = [httparse::EMPTY_HEADER; 128];
    let mut resp = httparse::Response::new(&mut hs);
    let head_len = match resp.parse(block) {
        Ok(httparse::Status::Complete(n)) => n,
        Ok(httparse::Status::Partial) => return Err("HTTP head is cut".into()),
        Err(e) => return Err(format!("HTTP head: {e}")),
    };
    let status = resp.code;
    let mut headers: Vec<(String, String)> = resp
        .headers
        .iter()
        .map(|h| {
            (
                h.name.to_string(),
                String::from_utf8_lossy(h.value).into_owned(),
            )
        })
        .collect();
    let mut body = block
        .get(head_len..)
        .ok_or_else(|| "HTTP head longer than the block".to_string())?
        .to_vec();
    // Some writers keep the body chunked as it came over the wire.
    let chunked = headers.iter().any(|(k, v)| {
        k.eq_ignore_ascii_case("transfer-encoding") && v.to_ascii_lowercase().contains("chunked")
    });
    if chunked && let Some(plain) = dechunk(&body)? {
        body = plain;
        headers.retain(|(k, _)| !k.eq_ignore_ascii_case("transfer-encoding"));
    }
    let rec = ArchivedResponse {
        record_type,
        url,
        date,
        status,
        headers,
        body,
        payload_digest,
        truncated,
    };
    Ok((used, rec))
}

/// One chunk-size line: the size, or why it is not one. `Ok(None)`: not a
/// chunk-size line at all (not hex digits).
fn chunk_size(line: &[u8]) -> Result<Option<usize>, String> {
    let size = line.split(|b| *b == b';').next().unwrap_or(&[]);
    let size = size.trim_ascii();
    if size.is_empty() || !size.iter().all(u8::is_ascii_hexdigit) {
        return Ok(None);
    }
    // All hex digits, so the only way to fail is a number too large.
    let text = std::str::from_utf8(size).map_err(|_| "chunk size is not text".to_string())?;
    usize::from_str_radix(text, 16)
        .map(Some)
        .map_err(|_| format!("chunk size {} does not fit in memory", preview(size)))
}

/// Undo HTTP/1.1 chunked transfer coding. `Ok(None)`: the body is not chunked
/// after all (stored de-chunked, the header kept); an error: the chunking is
/// broken (a size too large or past the end of the data).
fn dechunk(mut data: &[u8]) -> Result<Option<Vec<u8>>, String> {
    let mut out = Vec::new();
    let mut first = true;
    loop {
        let Some(line_end) = data.windows(2).position(|w| w == b"\r\n") else {
            return if first {
                Ok(None)
            } else {
                Err("chunked body is cut (no chunk-size line)".into())
            };
        };
        let size = match chunk_size(data.get(..line_end).unwrap_or(&[]))? {
            Some(size) => size,
            None if first => return Ok(None),
            None => return Err("chunked body: bad chunk-size line".into()),
        };
        first = false;
        data = data.get(line_end.saturating_add(2)..).unwrap_or(&[]);
        if size == 0 {
            return Ok(Some(out));
        }
        let chunk = data
            .get(..size)
            .filter(|_| data.get(size..).is_some_and(|t| t.starts_with(b"\r\n")))
            .ok_or_else(|| {
                format!(
                    "chunk of {size} bytes runs past the end of the body ({} bytes left)",
                    data.len()
                )
            })?;
        out.extend_from_slice(chunk);
        data = data.get(size.saturating_add(2)..).unwrap_or(&[]);
    }
}
