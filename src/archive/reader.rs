//! Reading records back: one record from its offset, or every record of a file
//! with its offset (for replay indexes and `warcio`-style checks).

use super::ArchiveError;
use flate2::bufread::GzDecoder;
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::Path;

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
}

impl ArchivedResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Parse every record of an uncompressed buffer: one for our own files (one
/// gzip member per record), several for a whole-file gzip or a plain `.warc`.
fn parse_records(
    raw: &[u8],
    path: &Path,
    offset: u64,
) -> Result<Vec<ArchivedResponse>, ArchiveError> {
    let mut rest = raw;
    let mut out = Vec::new();
    loop {
        // Skip blank lines between records.
        while let Some((first, tail)) = rest.split_first() {
            if first.is_ascii_whitespace() {
                rest = tail;
            } else {
                break;
            }
        }
        if rest.is_empty() {
            return Ok(out);
        }
        let (tail, rec) = parse_one(rest, path, offset)?;
        out.push(rec);
        rest = tail;
    }
}

/// Parse the first record of a buffer.
fn parse_record(raw: &[u8], path: &Path, offset: u64) -> Result<ArchivedResponse, ArchiveError> {
    parse_one(raw, path, offset).map(|(_, r)| r)
}

fn parse_one<'a>(
    raw: &'a [u8],
    path: &Path,
    offset: u64,
) -> Result<(&'a [u8], ArchivedResponse), ArchiveError> {
    let bad = |message: String| ArchiveError::Malformed {
        path: path.display().to_string(),
        offset,
        message,
    };
    let (tail, (_version, headers, block)) =
        warc::parser::record(raw).map_err(|e| bad(format!("not a WARC record: {e:?}")))?;
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
    if record_type != "response" {
        let rec = ArchivedResponse {
            record_type,
            url,
            date,
            status: None,
            headers: vec![],
            body: block.to_vec(),
            payload_digest,
        };
        return Ok((tail, rec));
    }
    let mut hs = [httparse::EMPTY_HEADER; 128];
    let mut resp = httparse::Response::new(&mut hs);
    let head_len = match resp.parse(block) {
        Ok(httparse::Status::Complete(n)) => n,
        Ok(httparse::Status::Partial) => return Err(bad("HTTP head is cut".into())),
        Err(e) => return Err(bad(format!("HTTP head: {e}"))),
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
    let mut body = block[head_len..].to_vec();
    // Some writers keep the body chunked as it came over the wire.
    let chunked = headers.iter().any(|(k, v)| {
        k.eq_ignore_ascii_case("transfer-encoding") && v.to_ascii_lowercase().contains("chunked")
    });
    if chunked && let Some(plain) = dechunk(&body) {
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
    };
    Ok((tail, rec))
}

/// Undo HTTP/1.1 chunked transfer coding; None if the body is not chunked after all.
fn dechunk(mut data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(data.len());
    loop {
        let line_end = data.windows(2).position(|w| w == b"\r\n")?;
        let size_text = std::str::from_utf8(&data[..line_end]).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        data = &data[line_end + 2..];
        if size == 0 {
            return Some(out);
        }
        if data.len() < size + 2 {
            return None;
        }
        out.extend_from_slice(&data[..size]);
        data = &data[size + 2..];
    }
}

fn is_gzip(path: &Path) -> Result<bool, ArchiveError> {
    let mut magic = [0u8; 2];
    let mut f = File::open(path).map_err(|e| ArchiveError::io(path, e))?;
    let n = f.read(&mut magic).map_err(|e| ArchiveError::io(path, e))?;
    Ok(n == 2 && magic == [0x1f, 0x8b])
}

/// Read the record whose gzip member starts at `offset`.
pub fn read_record_at(path: &Path, offset: u64) -> Result<ArchivedResponse, ArchiveError> {
    read_record_nth(path, offset, 0)
}

/// Read the `nth` record of the gzip member at `offset` (a whole-file gzip
/// holds many records in one member), or the record at `offset` of a plain,
/// uncompressed WARC file.
pub fn read_record_nth(
    path: &Path,
    offset: u64,
    nth: usize,
) -> Result<ArchivedResponse, ArchiveError> {
    let gzip = is_gzip(path)?;
    let mut file = File::open(path).map_err(|e| ArchiveError::io(path, e))?;
    file.seek(SeekFrom::Start(offset))
        .map_err(|e| ArchiveError::io(path, e))?;
    let mut raw = Vec::new();
    if gzip {
        GzDecoder::new(BufReader::new(file))
            .read_to_end(&mut raw)
            .map_err(|e| ArchiveError::io(path, e))?;
        let mut records = parse_records(&raw, path, offset)?;
        if nth >= records.len() {
            return Err(ArchiveError::Malformed {
                path: path.display().to_string(),
                offset,
                message: format!("no record #{nth}"),
            });
        }
        Ok(records.swap_remove(nth))
    } else {
        file.read_to_end(&mut raw)
            .map_err(|e| ArchiveError::io(path, e))?;
        parse_record(&raw, path, offset)
    }
}

/// A record found by a scan: where its gzip member (or, in a plain file, the
/// record itself) starts, how long the member is, and its place in the member.
#[derive(Debug, Clone)]
pub struct Scanned {
    pub offset: u64,
    pub length: u64,
    pub nth: usize,
    pub record: ArchivedResponse,
}

/// Every record of a WARC file with its location, handed to `visit` as it is
/// read so that a large archive is never held in memory at once: our own
/// `.warc.gz` (one gzip member per record), a whole-file gzip, or a plain
/// `.warc`. A cut record at the end (a killed writer) ends the scan without error.
pub fn scan_file_with(path: &Path, mut visit: impl FnMut(Scanned)) -> Result<(), ArchiveError> {
    if !is_gzip(path)? {
        let raw = std::fs::read(path).map_err(|e| ArchiveError::io(path, e))?;
        let mut rest: &[u8] = &raw;
        loop {
            while rest.first().is_some_and(|b| b.is_ascii_whitespace()) {
                rest = &rest[1..];
            }
            if rest.is_empty() {
                break;
            }
            let offset = (raw.len() - rest.len()) as u64;
            match parse_one(rest, path, offset) {
                Ok((tail, record)) => {
                    visit(Scanned {
                        offset,
                        length: (rest.len() - tail.len()) as u64,
                        nth: 0,
                        record,
                    });
                    rest = tail;
                }
                Err(e) => {
                    tracing::warn!(file = %path.display(), offset, error = %e, "cut or corrupt record; scan stops");
                    break;
                }
            }
        }
        return Ok(());
    }
    let file = File::open(path).map_err(|e| ArchiveError::io(path, e))?;
    let total = file
        .metadata()
        .map_err(|e| ArchiveError::io(path, e))?
        .len();
    let mut reader = BufReader::with_capacity(1 << 16, file);
    let mut offset = 0u64;
    while offset < total {
        let mut raw = Vec::new();
        let mut counting = CountingBufRead {
            inner: &mut reader,
            count: 0,
        };
        let res = GzDecoder::new(&mut counting).read_to_end(&mut raw);
        let used = counting.count;
        if res.is_err() || used == 0 {
            tracing::warn!(file = %path.display(), offset, "cut or corrupt record at the end of the archive file");
            break;
        }
        for (nth, record) in parse_records(&raw, path, offset)?.into_iter().enumerate() {
            visit(Scanned {
                offset,
                length: used,
                nth,
                record,
            });
        }
        offset += used;
    }
    Ok(())
}

/// A BufRead that counts the bytes its user consumed.
struct CountingBufRead<'a, R: BufRead> {
    inner: &'a mut R,
    count: u64,
}

impl<R: BufRead> Read for CountingBufRead<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count += n as u64;
        Ok(n)
    }
}

impl<R: BufRead> BufRead for CountingBufRead<'_, R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        self.inner.fill_buf()
    }
    fn consume(&mut self, amt: usize) {
        self.count += amt as u64;
        self.inner.consume(amt)
    }
}
