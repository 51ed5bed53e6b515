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

/// Parse one uncompressed WARC record.
fn parse_record(raw: &[u8], path: &Path, offset: u64) -> Result<ArchivedResponse, ArchiveError> {
    let bad = |message: String| ArchiveError::Malformed {
        path: path.display().to_string(),
        offset,
        message,
    };
    let (_, (_version, headers, block)) =
        warc::parser::record(raw).map_err(|e| bad(format!("not a WARC record: {e:?}")))?;
    let get = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| String::from_utf8_lossy(v).into_owned())
    };
    let record_type = get("WARC-Type").unwrap_or_default();
    let url = get("WARC-Target-URI").unwrap_or_default();
    let date = get("WARC-Date").unwrap_or_default();
    let payload_digest = get("WARC-Payload-Digest");
    if record_type != "response" {
        return Ok(ArchivedResponse {
            record_type,
            url,
            date,
            status: None,
            headers: vec![],
            body: block.to_vec(),
            payload_digest,
        });
    }
    let mut hs = [httparse::EMPTY_HEADER; 128];
    let mut resp = httparse::Response::new(&mut hs);
    let head_len = match resp.parse(block) {
        Ok(httparse::Status::Complete(n)) => n,
        Ok(httparse::Status::Partial) => return Err(bad("HTTP head is cut".into())),
        Err(e) => return Err(bad(format!("HTTP head: {e}"))),
    };
    let status = resp.code;
    let headers = resp
        .headers
        .iter()
        .map(|h| {
            (
                h.name.to_string(),
                String::from_utf8_lossy(h.value).into_owned(),
            )
        })
        .collect();
    Ok(ArchivedResponse {
        record_type,
        url,
        date,
        status,
        headers,
        body: block[head_len..].to_vec(),
        payload_digest,
    })
}

/// Read the record whose gzip member starts at `offset`.
pub fn read_record_at(path: &Path, offset: u64) -> Result<ArchivedResponse, ArchiveError> {
    let mut file = File::open(path).map_err(|e| ArchiveError::io(path, e))?;
    file.seek(SeekFrom::Start(offset))
        .map_err(|e| ArchiveError::io(path, e))?;
    let mut raw = Vec::new();
    GzDecoder::new(BufReader::new(file))
        .read_to_end(&mut raw)
        .map_err(|e| ArchiveError::io(path, e))?;
    parse_record(&raw, path, offset)
}

/// Every record of a `.warc.gz` file (one gzip member per record) with its
/// offset and compressed length. A cut record at the end (a killed writer) ends
/// the scan without error.
pub fn scan_file(path: &Path) -> Result<Vec<(u64, u64, ArchivedResponse)>, ArchiveError> {
    let file = File::open(path).map_err(|e| ArchiveError::io(path, e))?;
    let total = file
        .metadata()
        .map_err(|e| ArchiveError::io(path, e))?
        .len();
    let mut reader = BufReader::with_capacity(1 << 16, file);
    let mut out = Vec::new();
    let mut offset = 0u64;
    while offset < total {
        let mut raw = Vec::new();
        let consumed_before = offset;
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
        out.push((
            consumed_before,
            used,
            parse_record(&raw, path, consumed_before)?,
        ));
        offset += used;
    }
    Ok(out)
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
