//! Writing exchanges as WARC/1.1 records (through the `warc` crate), each
//! record its own gzip member so it can be read back from its offset alone.

use super::ArchiveError;
use chrono::{DateTime, Utc};
use flate2::{Compress, Compression, Crc, FlushCompress, Status};
use sha2::{Digest, Sha256};
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use warc::{BufferedBody, Record, RecordBuilder, RecordType, WarcHeader, WarcWriter};

/// One HTTP exchange as it happened. `status` is None when no response came.
#[derive(Debug, Clone)]
pub struct Exchange<'a> {
    pub url: &'a str,
    pub method: &'a str,
    pub request_headers: &'a [(String, String)],
    pub status: Option<u16>,
    pub reason: &'a str,
    pub response_headers: &'a [(String, String)],
    /// The payload exactly as received (still content-encoded, if it was).
    pub body: &'a [u8],
    /// The body was cut at the size limit.
    pub truncated: bool,
    /// A transport error (timeout, refused, …) when there is no response.
    pub error: Option<&'a str>,
    pub fetched_at: DateTime<Utc>,
}

/// Where a record is: a file name inside the archive folder, offset and length
/// of its gzip member, and the payload digest (hex SHA-256).
#[derive(Debug, Clone, PartialEq)]
pub struct RecordLocation {
    pub file: String,
    pub offset: u64,
    pub length: u64,
    pub payload_sha256: Option<String>,
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// A SHA-256 as a WARC digest header value (`sha256:` and base32).
fn warc_digest_of(digest: &[u8]) -> String {
    format!(
        "sha256:{}",
        base32::encode(base32::Alphabet::Rfc4648 { padding: true }, digest)
    )
}

fn warc_digest(bytes: &[u8]) -> String {
    warc_digest_of(&Sha256::digest(bytes))
}

/// The fixed gzip member header (RFC 1952): deflate, no flags, no mtime,
/// XFL 4 (fastest compression), OS unknown — what flate2's `GzEncoder`
/// writes at `Compression::fast()`.
const GZIP_HEADER: [u8; 10] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 4, 255];

/// Record buffers larger than this are not kept for the next record.
const KEEP_BUFFER: usize = 4 << 20;

/// One gzip member per record, with one deflate state reset per record
/// instead of a new one (allocating and zeroing the window and hash tables
/// per record cost more than compressing a small page).
struct Gzip {
    deflate: Compress,
}

impl Gzip {
    fn new() -> Gzip {
        Gzip {
            deflate: Compress::new(Compression::fast(), false),
        }
    }

    /// `raw` as one complete gzip member, into `out` (cleared first).
    fn member(&mut self, raw: &[u8], out: &mut Vec<u8>) -> Result<(), ArchiveError> {
        out.clear();
        // Deflate's worst case is a little over the input; rarely grown below.
        out.reserve(raw.len() + raw.len() / 16 + 64 + GZIP_HEADER.len() + 8);
        out.extend_from_slice(&GZIP_HEADER);
        self.deflate.reset();
        let mut stalls = 0;
        loop {
            let consumed = usize::try_from(self.deflate.total_in())
                .map_err(|e| ArchiveError::Record(format!("deflate: {e}")))?;
            let rest = raw.get(consumed..).unwrap_or_default();
            if out.capacity() - out.len() < 64 {
                out.reserve(out.len().max(4096));
            }
            let before = (self.deflate.total_in(), self.deflate.total_out());
            let status = self
                .deflate
                .compress_vec(rest, out, FlushCompress::Finish)
                .map_err(|e| ArchiveError::Record(format!("deflate: {e}")))?;
            if status == Status::StreamEnd {
                break;
            }
            if before == (self.deflate.total_in(), self.deflate.total_out()) {
                // No progress: give it more room, a few times at most.
                stalls += 1;
                if stalls > 8 {
                    return Err(ArchiveError::Record("deflate made no progress".into()));
                }
                out.reserve(out.capacity().max(4096));
            }
        }
        let mut crc = Crc::new();
        crc.update(raw);
        out.extend_from_slice(&crc.sum().to_le_bytes());
        // ISIZE: the input length modulo 2^32.
        out.extend_from_slice(&(raw.len() as u32).to_le_bytes());
        Ok(())
    }
}

/// Appends records to size-rotated files. A new file is started per writer, so
/// a file is never appended to by two processes, and a killed process leaves
/// at most one cut record at the end of its own file.
pub struct ArchiveWriter {
    dir: PathBuf,
    rotate_bytes: u64,
    current: Option<(File, String, u64)>,
    serial: u32,
    stem: String,
    gzip: Gzip,
    /// Buffers reused from record to record: the serialised record and its
    /// gzip member.
    raw: Vec<u8>,
    member: Vec<u8>,
}

impl ArchiveWriter {
    pub fn open(dir: &Path, rotate_bytes: u64) -> Result<Self, ArchiveError> {
        std::fs::create_dir_all(dir).map_err(|e| ArchiveError::io(dir, e))?;
        let stem = format!(
            "radar-{}-{}",
            Utc::now().format("%Y%m%dT%H%M%S%3f"),
            std::process::id()
        );
        Ok(ArchiveWriter {
            dir: dir.to_path_buf(),
            rotate_bytes: rotate_bytes.max(1),
            current: None,
            serial: 0,
            stem,
            gzip: Gzip::new(),
            raw: Vec::new(),
            member: Vec::new(),
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn file(&mut self) -> Result<&mut (File, String, u64), ArchiveError> {
        if self
            .current
            .as_ref()
            .is_some_and(|c| c.2 >= self.rotate_bytes)
            && let Some((f, _, _)) = self.current.take()
        {
            f.sync_all().map_err(|e| ArchiveError::io(&self.dir, e))?;
        }
        if self.current.is_none() {
            self.serial += 1;
            let name = format!("{}-{:05}.warc.gz", self.stem, self.serial);
            let path = self.dir.join(&name);
            let file = OpenOptions::new()
                .create_new(true)
                .append(true)
                .open(&path)
                .map_err(|e| ArchiveError::io(&path, e))?;
            self.current = Some((file, name, 0));
            self.write_warcinfo()?;
        }
        self.current
            .as_mut()
            .ok_or_else(|| ArchiveError::Record("no current file".into()))
    }

    fn write_warcinfo(&mut self) -> Result<(), ArchiveError> {
        let body = format!(
            "software: reform-radar/{}\r\nformat: WARC File Format 1.1\r\nconformsTo: http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/\r\n",
            env!("CARGO_PKG_VERSION")
        );
        let rec = base(RecordType::WarcInfo, Utc::now())
            .header(WarcHeader::ContentType, "application/warc-fields")
            .body(body.into_bytes());
        let name = self
            .current
            .as_ref()
            .map(|c| c.1.clone())
            .unwrap_or_default();
        let rec = rec.header(WarcHeader::Filename, name);
        self.append(&build(rec)?)?;
        Ok(())
    }

    /// Write one record as its own gzip member; returns (offset, length).
    fn append(
        &mut self,
        record: &Record<BufferedBody>,
    ) -> Result<(String, u64, u64), ArchiveError> {
        let mut raw = std::mem::take(&mut self.raw);
        raw.clear();
        let written = WarcWriter::new(&mut raw)
            .write(record)
            .map_err(|e| ArchiveError::Record(e.to_string()));
        let mut member = std::mem::take(&mut self.member);
        let packed = written.and_then(|_| self.gzip.member(&raw, &mut member));
        let out = packed.and_then(|()| self.write_member(&member));
        // Keep the buffers for the next record, unless a huge page grew them.
        if raw.capacity() <= KEEP_BUFFER {
            self.raw = raw;
        }
        if member.capacity() <= KEEP_BUFFER {
            self.member = member;
        }
        out
    }

    /// Append one gzip member to the current file; returns (file, offset, length).
    fn write_member(&mut self, member: &[u8]) -> Result<(String, u64, u64), ArchiveError> {
        let dir = self.dir.clone();
        let (file, name, size) = self.file()?;
        let offset = *size;
        // One write call per record: a kill leaves whole records behind it.
        if let Err(e) = file.write_all(member) {
            // A partial record (a full disk) must not shift the records after
            // it: cut it off if possible, and write the next record to a new
            // file either way.
            let _ = file.set_len(offset);
            let path = dir.join(name.as_str());
            self.current = None;
            if offset == 0 {
                // Nothing of it is usable (not even its warcinfo): no empty
                // archive file is left behind (a disk-full crawl left many).
                let _ = std::fs::remove_file(&path);
            }
            return Err(ArchiveError::io(&path, e));
        }
        *size += member.len() as u64;
        Ok((name.clone(), offset, member.len() as u64))
    }

    /// Archive an exchange: a request record, then a response record (or, when
    /// no response came, a metadata record describing the error). Returns the
    /// location of the response (or metadata) record.
    pub fn write_exchange(&mut self, ex: &Exchange<'_>) -> Result<RecordLocation, ArchiveError> {
        Ok(self.write_exchange_with_id(ex)?.0)
    }

    /// Archive an exchange made by another client (headless Chromium), then a
    /// metadata record referring to its response that says so: `note` is its
    /// `application/warc-fields` body (`via: …` lines), and the record carries
    /// `WARC-Protocol` naming the client. Returns the response's location
    /// (never the metadata's: the evidence is the response).
    pub fn write_exchange_noted(
        &mut self,
        ex: &Exchange<'_>,
        protocol: &str,
        note: &str,
    ) -> Result<RecordLocation, ArchiveError> {
        let (location, resp_id) = self.write_exchange_with_id(ex)?;
        let meta = base(RecordType::Metadata, ex.fetched_at)
            .header(WarcHeader::TargetURI, ex.url)
            .header(WarcHeader::ContentType, "application/warc-fields")
            .header(WarcHeader::RefersTo, resp_id)
            .header(WarcHeader::Unknown("WARC-Protocol".into()), protocol)
            .header(WarcHeader::BlockDigest, warc_digest(note.as_bytes()))
            .body(note.as_bytes().to_vec());
        self.append(&build(meta)?)?;
        Ok(location)
    }

    fn write_exchange_with_id(
        &mut self,
        ex: &Exchange<'_>,
    ) -> Result<(RecordLocation, String), ArchiveError> {
        // Open the file (and its warcinfo) before taking offsets.
        self.file()?;
        let request = http_request_block(ex);
        let req_id = Record::<BufferedBody>::generate_record_id();
        let resp_id = Record::<BufferedBody>::generate_record_id();
        let req = base(RecordType::Request, ex.fetched_at)
            .warc_id(req_id.clone())
            .header(WarcHeader::TargetURI, ex.url)
            .header(WarcHeader::ContentType, "application/http;msgtype=request")
            .header(WarcHeader::BlockDigest, warc_digest(&request))
            .header(WarcHeader::ConcurrentTo, resp_id.clone())
            .body(request);
        self.append(&build(req)?)?;
        let Some(status) = ex.status else {
            let text = format!("fetch-error: {}\r\n", ex.error.unwrap_or("no response"));
            let meta = base(RecordType::Metadata, ex.fetched_at)
                .warc_id(resp_id.clone())
                .header(WarcHeader::TargetURI, ex.url)
                .header(WarcHeader::ContentType, "application/warc-fields")
                .header(WarcHeader::ConcurrentTo, req_id)
                .header(WarcHeader::BlockDigest, warc_digest(text.as_bytes()))
                .body(text.into_bytes());
            let (file, offset, length) = self.append(&build(meta)?)?;
            let location = RecordLocation {
                file,
                offset,
                length,
                payload_sha256: None,
            };
            return Ok((location, resp_id));
        };
        let mut block = http_response_head(
            status,
            ex.reason,
            ex.response_headers,
            ex.body.len(),
            ex.truncated,
        );
        block.extend_from_slice(ex.body);
        // The payload's digest once, for the record and for the store.
        let payload = Sha256::digest(ex.body);
        let mut resp = base(RecordType::Response, ex.fetched_at)
            .warc_id(resp_id.clone())
            .header(WarcHeader::TargetURI, ex.url)
            .header(WarcHeader::ContentType, "application/http;msgtype=response")
            .header(WarcHeader::ConcurrentTo, req_id)
            .header(WarcHeader::BlockDigest, warc_digest(&block))
            .header(WarcHeader::PayloadDigest, warc_digest_of(&payload));
        if ex.truncated {
            resp = resp.header(WarcHeader::Truncated, "length");
        }
        let (file, offset, length) = self.append(&build(resp.body(block))?)?;
        let location = RecordLocation {
            file,
            offset,
            length,
            payload_sha256: Some(hex::encode(payload)),
        };
        Ok((location, resp_id))
    }

    /// Flush the current file to disk.
    pub fn sync(&mut self) -> Result<(), ArchiveError> {
        if let Some((f, _, _)) = &self.current {
            f.sync_data().map_err(|e| ArchiveError::io(&self.dir, e))?;
        }
        Ok(())
    }
}

fn base(kind: RecordType, date: DateTime<Utc>) -> RecordBuilder {
    RecordBuilder::default()
        .version("1.1".to_string())
        .warc_type(kind)
        .date(date)
}

fn build(b: RecordBuilder) -> Result<Record<BufferedBody>, ArchiveError> {
    b.build().map_err(|e| ArchiveError::Record(e.to_string()))
}

fn http_request_block(ex: &Exchange<'_>) -> Vec<u8> {
    let url = url::Url::parse(ex.url).ok();
    let path = url
        .as_ref()
        .map(|u| match u.query() {
            Some(q) => format!("{}?{q}", u.path()),
            None => u.path().to_string(),
        })
        .unwrap_or_else(|| "/".into());
    let mut out = format!("{} {} HTTP/1.1\r\n", ex.method, path);
    if let Some(host) = url.as_ref().and_then(|u| u.host_str()) {
        match url.as_ref().and_then(|u| u.port()) {
            Some(p) => out.push_str(&format!("Host: {host}:{p}\r\n")),
            None => out.push_str(&format!("Host: {host}\r\n")),
        }
    }
    for (k, v) in ex.request_headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str("\r\n");
    out.into_bytes()
}

/// The response head as HTTP/1.1. Transfer-Encoding is dropped (the body is
/// stored de-chunked) and Content-Length states the stored length.
fn http_response_head(
    status: u16,
    reason: &str,
    headers: &[(String, String)],
    len: usize,
    truncated: bool,
) -> Vec<u8> {
    let reason = if reason.is_empty() { "" } else { reason };
    let mut out = format!("HTTP/1.1 {status} {reason}\r\n");
    for (k, v) in headers {
        let lk = k.to_ascii_lowercase();
        if lk == "transfer-encoding" || lk == "content-length" {
            continue;
        }
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    let _ = truncated;
    out.push_str(&format!("Content-Length: {len}\r\n\r\n"));
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exchange<'a>(url: &'a str, body: &'a [u8], headers: &'a [(String, String)]) -> Exchange<'a> {
        Exchange {
            url,
            method: "GET",
            request_headers: &[],
            status: Some(200),
            reason: "OK",
            response_headers: headers,
            body,
            truncated: false,
            error: None,
            fetched_at: Utc::now(),
        }
    }

    /// Every record is its own valid gzip member (header, deflate, CRC32 and
    /// ISIZE checked by flate2's decoder), incompressible and empty bodies
    /// included, and the members concatenated decode to the WARC stream.
    #[test]
    fn every_record_is_a_valid_gzip_member() {
        use std::io::Read;
        let dir = tempfile::tempdir().expect("tmp");
        let mut w = ArchiveWriter::open(dir.path(), u64::MAX).expect("open");
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        let noise: Vec<u8> = (0..300_000)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect();
        let bodies: Vec<Vec<u8>> = vec![
            noise,
            vec![],
            "万州区国企改革".repeat(2000).into_bytes(),
            b"<p>short</p>".to_vec(),
        ];
        let mut locations = Vec::new();
        for (n, body) in bodies.iter().enumerate() {
            let url = format!("http://www.wz.gov.cn/zwxx/t20260303_{n}.html");
            let loc = w.write_exchange(&exchange(&url, body, &[])).expect("write");
            locations.push(loc);
        }
        w.sync().expect("sync");
        let path = dir.path().join(&locations[0].file);
        let bytes = std::fs::read(&path).expect("read");
        for (loc, body) in locations.iter().zip(&bodies) {
            let start = loc.offset as usize;
            let member = &bytes[start..start + loc.length as usize];
            assert_eq!(&member[..10], &GZIP_HEADER);
            let mut plain = Vec::new();
            flate2::read::GzDecoder::new(member)
                .read_to_end(&mut plain)
                .expect("one valid gzip member");
            assert!(plain.starts_with(b"WARC/1.1\r\n"));
            assert!(plain.ends_with(b"\r\n\r\n"));
            let rec = crate::archive::read_record_at(&path, loc.offset).expect("record");
            assert_eq!(&rec.body, body);
            assert_eq!(loc.payload_sha256, Some(sha256_hex(body)));
        }
        let mut all = Vec::new();
        flate2::read::MultiGzDecoder::new(&bytes[..])
            .read_to_end(&mut all)
            .expect("the file decodes as concatenated members");
        assert_eq!(all.windows(9).filter(|w| *w == b"WARC/1.1\r").count(), 9);
    }

    #[test]
    fn files_rotate_by_size_and_every_record_reads_back() {
        let dir = tempfile::tempdir().expect("tmp");
        let mut w = ArchiveWriter::open(dir.path(), 2_000).expect("open");
        let headers = vec![(
            "Content-Type".to_string(),
            "text/html; charset=utf-8".to_string(),
        )];
        let mut locations = Vec::new();
        for n in 0..12 {
            let body = format!(
                "<p>第{n}篇：万州区国企改革，{}</p>",
                "深化改革".repeat(n * 20)
            );
            let url = format!("http://www.wz.gov.cn/zwxx/t20260303_{n}.html");
            locations.push((
                w.write_exchange(&exchange(&url, body.as_bytes(), &headers))
                    .expect("write"),
                body,
            ));
        }
        w.sync().expect("sync");
        let files: std::collections::BTreeSet<_> =
            locations.iter().map(|(l, _)| l.file.clone()).collect();
        assert!(files.len() > 1, "rotated into several files: {files:?}");
        for (loc, body) in &locations {
            let rec = crate::archive::read_record_at(&dir.path().join(&loc.file), loc.offset)
                .expect("read");
            assert_eq!(rec.body, body.as_bytes());
            assert_eq!(
                loc.payload_sha256.as_deref(),
                Some(sha256_hex(body.as_bytes()).as_str())
            );
        }
    }
}
