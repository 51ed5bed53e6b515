//! Reading records back: one record from its offset, or every record of a file
//! with its offset (for replay indexes and `warcio`-style checks).
//!
//! Input files may come from anywhere (`radar crawl --replay FILE`), so every
//! length read from a file is checked before it is used, a bad record is
//! skipped (and reported with its file and offset) rather than ending the
//! scan, and no message ever carries more than a short escaped prefix of the
//! file's bytes.

use super::ArchiveError;
use super::record::{ArchivedResponse, Item, parse_one, preview, skip_blank, walk};
use flate2::bufread::GzDecoder;
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

/// A record a scan could not use: the file, where the record (or, in a gzip
/// file, its gzip member) starts, and why it was skipped.
#[derive(Debug, Clone, PartialEq)]
pub struct Skipped {
    pub file: PathBuf,
    pub offset: u64,
    pub reason: String,
}

fn is_gzip(path: &Path) -> Result<bool, ArchiveError> {
    let mut magic = [0u8; 2];
    let mut f = File::open(path).map_err(|e| ArchiveError::io(path, e))?;
    let n = f.read(&mut magic).map_err(|e| ArchiveError::io(path, e))?;
    Ok(n == 2 && magic == [0x1f, 0x8b])
}

/// One gzip member decoded from the reader's position: its uncompressed
/// bytes (as far as they decoded), the compressed bytes consumed, and the
/// error that stopped it, if one did.
fn decode_member<R: BufRead>(reader: &mut R) -> (Vec<u8>, u64, Option<std::io::Error>) {
    let mut raw = Vec::new();
    let mut counting = CountingBufRead {
        inner: reader,
        count: 0,
    };
    let res = GzDecoder::new(&mut counting).read_to_end(&mut raw);
    (raw, counting.count, res.err())
}

/// Read the record whose gzip member starts at `offset`.
pub fn read_record_at(path: &Path, offset: u64) -> Result<ArchivedResponse, ArchiveError> {
    read_record_nth(path, offset, 0)
}

/// Read the `nth` record of the gzip member at `offset` (a whole-file gzip
/// holds many records in one member), or the record at `offset` of a plain,
/// uncompressed WARC file. Records are counted as a scan counts them (bad
/// ones skipped), so a scan's `(offset, nth)` reads back the same record.
pub fn read_record_nth(
    path: &Path,
    offset: u64,
    nth: usize,
) -> Result<ArchivedResponse, ArchiveError> {
    let gzip = is_gzip(path)?;
    let mut file = File::open(path).map_err(|e| ArchiveError::io(path, e))?;
    file.seek(SeekFrom::Start(offset))
        .map_err(|e| ArchiveError::io(path, e))?;
    let malformed = |message: String| ArchiveError::Malformed {
        path: path.display().to_string(),
        offset,
        message,
    };
    if !gzip {
        let mut raw = Vec::new();
        file.read_to_end(&mut raw)
            .map_err(|e| ArchiveError::io(path, e))?;
        return parse_one(&raw).map(|(_, r)| r).map_err(malformed);
    }
    let (raw, _, err) = decode_member(&mut BufReader::new(file));
    let mut found = None;
    let mut first_bad = None;
    let mut n = 0usize;
    walk(&raw, |item| match item {
        Item::Record { record, .. } => {
            if n == nth {
                found = Some(record);
            }
            n += 1;
        }
        Item::Bad { reason, .. } => {
            first_bad.get_or_insert(reason);
        }
    });
    if let Some(record) = found {
        return Ok(record);
    }
    if let Some(e) = err {
        return Err(malformed(format!("gzip member does not decompress: {e}")));
    }
    Err(malformed(first_bad.unwrap_or_else(|| {
        format!("no record #{nth} in this gzip member")
    })))
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

/// Collects what a scan skipped, warning once per bad record.
struct Skips<'a> {
    path: &'a Path,
    list: Vec<Skipped>,
}

impl Skips<'_> {
    fn push(&mut self, offset: u64, reason: String) {
        tracing::warn!(file = %self.path.display(), offset, reason = %reason, "bad WARC record skipped");
        self.list.push(Skipped {
            file: self.path.to_path_buf(),
            offset,
            reason,
        });
    }
}

/// Every record of a WARC file with its location, handed to `visit` as it is
/// read so that a large archive is never held in memory at once: our own
/// `.warc.gz` (one gzip member per record), a whole-file gzip, or a plain
/// `.warc`. A bad record (wrong Content-Length, broken chunking, a corrupt
/// gzip member, a record cut by a killed writer) is skipped, warned about and
/// returned in the list; the scan goes on at the next gzip member (or, inside
/// a plain file or a whole-file gzip, at the next `WARC/1.` line).
///
/// A file that is empty, or whose first record is not a WARC record at all,
/// is an error naming the file.
pub fn scan_file_with(
    path: &Path,
    mut visit: impl FnMut(Scanned),
) -> Result<Vec<Skipped>, ArchiveError> {
    let mut file = File::open(path).map_err(|e| ArchiveError::io(path, e))?;
    let total = file
        .metadata()
        .map_err(|e| ArchiveError::io(path, e))?
        .len();
    let empty = || ArchiveError::Empty {
        path: path.display().to_string(),
    };
    if total == 0 {
        return Err(empty());
    }
    let not_a_warc = |detail: String| ArchiveError::NotAWarc {
        path: path.display().to_string(),
        detail,
    };
    let mut skips = Skips {
        path,
        list: Vec::new(),
    };
    let mut records = 0usize;
    if !is_gzip(path)? {
        let mut raw = Vec::new();
        file.read_to_end(&mut raw)
            .map_err(|e| ArchiveError::io(path, e))?;
        let start = skip_blank(&raw, 0);
        if start < raw.len() && !raw.get(start..).is_some_and(|r| r.starts_with(b"WARC/")) {
            return Err(not_a_warc(format!(
                "no WARC/ version line: starts with {}",
                preview(&raw)
            )));
        }
        walk(&raw, |item| match item {
            Item::Record { start, end, record } => {
                records += 1;
                visit(Scanned {
                    offset: start as u64,
                    length: end.saturating_sub(start) as u64,
                    nth: 0,
                    record,
                });
            }
            Item::Bad { start, reason } => skips.push(start as u64, reason),
        });
    } else {
        let mut reader = BufReader::with_capacity(1 << 16, file);
        let mut offset = 0u64;
        while offset < total {
            let (raw, used, err) = decode_member(&mut reader);
            let looks_like_warc = raw
                .get(skip_blank(&raw, 0)..)
                .is_some_and(|r| r.starts_with(b"WARC/"));
            let blank = err.is_none() && skip_blank(&raw, 0) == raw.len();
            if offset == 0 && !looks_like_warc && !blank {
                return Err(not_a_warc(match &err {
                    Some(e) => format!("gzip data does not decompress: {e}"),
                    None => format!(
                        "no WARC/ version line: its gzip data starts with {}",
                        preview(&raw)
                    ),
                }));
            }
            let mut nth = 0usize;
            walk(&raw, |item| match item {
                Item::Record { record, .. } => {
                    records += 1;
                    visit(Scanned {
                        offset,
                        length: used,
                        nth,
                        record,
                    });
                    nth += 1;
                }
                // A member cut by a decompression error is reported once, below.
                Item::Bad { start, reason } if err.is_none() => {
                    let place = if start == 0 {
                        String::new()
                    } else {
                        format!(" (at byte {start} of the uncompressed member)")
                    };
                    skips.push(offset, format!("{reason}{place}"));
                }
                Item::Bad { .. } => {}
            });
            match err {
                None if used > 0 => match offset.checked_add(used) {
                    Some(next) => offset = next,
                    None => break,
                },
                other => {
                    let why = other.map_or_else(
                        || "gzip member is empty".to_string(),
                        |e| format!("gzip member does not decompress: {e}"),
                    );
                    skips.push(offset, why);
                    match next_member(&mut reader, path, offset, total)? {
                        Some(next) => offset = next,
                        None => break,
                    }
                }
            }
        }
    }
    if records == 0 && skips.list.is_empty() {
        return Err(empty());
    }
    Ok(skips.list)
}

/// After a corrupt gzip member at `bad`: the offset of the next member that
/// decodes to a WARC record (the reader left positioned there), or None.
fn next_member<R: BufRead + Seek>(
    reader: &mut R,
    path: &Path,
    bad: u64,
    total: u64,
) -> Result<Option<u64>, ArchiveError> {
    let io = |e| ArchiveError::io(path, e);
    let mut from = bad.saturating_add(1);
    while from < total {
        let Some(candidate) = find_magic(reader, from).map_err(io)? else {
            return Ok(None);
        };
        reader.seek(SeekFrom::Start(candidate)).map_err(io)?;
        let (raw, _, _) = decode_member(reader);
        if raw
            .get(skip_blank(&raw, 0)..)
            .is_some_and(|r| r.starts_with(b"WARC/"))
        {
            reader.seek(SeekFrom::Start(candidate)).map_err(io)?;
            return Ok(Some(candidate));
        }
        from = candidate.saturating_add(1);
    }
    Ok(None)
}

/// The offset of the next gzip header (1f 8b 08) at or after `from`.
fn find_magic<R: BufRead + Seek>(reader: &mut R, from: u64) -> std::io::Result<Option<u64>> {
    const MAGIC: [u8; 3] = [0x1f, 0x8b, 0x08];
    reader.seek(SeekFrom::Start(from))?;
    let mut pos = from;
    let mut carry: Vec<u8> = Vec::new();
    loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            return Ok(None);
        }
        let n = buf.len();
        let mut window = std::mem::take(&mut carry);
        let carried = window.len() as u64;
        window.extend_from_slice(buf);
        reader.consume(n);
        if let Some(p) = window.windows(MAGIC.len()).position(|w| w == MAGIC) {
            return Ok(pos
                .checked_sub(carried)
                .and_then(|s| s.checked_add(p as u64)));
        }
        pos = pos.saturating_add(n as u64);
        let keep = window.len().saturating_sub(MAGIC.len() - 1);
        carry = window.get(keep..).unwrap_or(&[]).to_vec();
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// A WARC/1.0 response record as other tools write it, with the given
    /// Content-Length (None: the right one) and extra WARC headers.
    fn record_with(uri: &str, http: &[u8], length: Option<usize>, extra: &str) -> Vec<u8> {
        let mut r = format!(
            "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {uri}\r\nWARC-Date: 2026-03-04T00:00:00Z\r\n\
             {extra}Content-Type: application/http;msgtype=response\r\nContent-Length: {}\r\n\r\n",
            length.unwrap_or(http.len())
        )
        .into_bytes();
        r.extend_from_slice(http);
        r.extend_from_slice(b"\r\n\r\n");
        r
    }

    fn page(n: usize) -> Vec<u8> {
        format!("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>第{n}篇</p>").into_bytes()
    }

    fn url(n: usize) -> String {
        format!("http://a.example.cn/{n}.html")
    }

    fn good(n: usize) -> Vec<u8> {
        record_with(&url(n), &page(n), None, "")
    }

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(data).expect("gzip");
        enc.finish().expect("finish")
    }

    type Found = Vec<(String, Vec<u8>)>;

    /// Every record of a file: (url, body), and what was skipped.
    fn scan(path: &Path) -> Result<(Found, Vec<Skipped>), ArchiveError> {
        let mut found = Vec::new();
        let skipped = scan_file_with(path, |s| {
            // Every location a scan hands out reads back the same record.
            let again = read_record_nth(path, s.offset, s.nth).expect("reads back");
            assert_eq!(again, s.record);
            found.push((s.record.url, s.record.body));
        })?;
        Ok((found, skipped))
    }

    fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, bytes).expect("write");
        p
    }

    fn urls(found: &[(String, Vec<u8>)]) -> Vec<&str> {
        found.iter().map(|(u, _)| u.as_str()).collect()
    }

    /// A middle record whose Content-Length is too small, and one too large:
    /// as a plain file, a whole-file gzip, and one gzip member per record.
    #[test]
    fn a_bad_content_length_in_the_middle_skips_that_record_only() {
        let dir = tempfile::tempdir().expect("tmp");
        for wrong in [page(2).len() - 7, page(2).len() + 9] {
            let bad = record_with(&url(2), &page(2), Some(wrong), "");
            let records = [good(1), bad, good(3)];
            let plain = records.concat();
            let bad_at = good(1).len() as u64;
            let members: Vec<Vec<u8>> = records.iter().map(|r| gzip(r)).collect();
            let member_at = members[0].len() as u64;
            let cases = [
                (write(dir.path(), "plain.warc", &plain), bad_at),
                (write(dir.path(), "whole.warc.gz", &gzip(&plain)), 0),
                (
                    write(dir.path(), "members.warc.gz", &members.concat()),
                    member_at,
                ),
            ];
            for (path, offset) in cases {
                let (found, skipped) = scan(&path).expect("scan");
                assert_eq!(
                    urls(&found),
                    [url(1), url(3)],
                    "{} (Content-Length {wrong})",
                    path.display()
                );
                assert_eq!(found[1].1, "<p>第3篇</p>".as_bytes());
                assert_eq!(skipped.len(), 1, "{skipped:?}");
                assert_eq!(skipped[0].file, path);
                assert_eq!(skipped[0].offset, offset, "{skipped:?}");
                assert!(skipped[0].reason.contains("Content-Length"), "{skipped:?}");
            }
        }
    }

    /// A gzip member whose compressed bytes are damaged: the scan finds the
    /// next member and goes on.
    #[test]
    fn a_corrupt_gzip_member_is_skipped_and_the_next_member_read() {
        let dir = tempfile::tempdir().expect("tmp");
        let mut members: Vec<Vec<u8>> = (1..=3).map(|n| gzip(&good(n))).collect();
        let mid = members[1].len() / 2;
        for b in &mut members[1][10..mid] {
            *b ^= 0x5a;
        }
        let path = write(dir.path(), "damaged.warc.gz", &members.concat());
        let (found, skipped) = scan(&path).expect("scan");
        assert_eq!(urls(&found), [url(1), url(3)]);
        assert_eq!(skipped.len(), 1, "{skipped:?}");
        assert_eq!(skipped[0].offset, members[0].len() as u64);
    }

    #[test]
    fn a_crafted_chunk_size_is_a_bad_record_not_a_panic() {
        let dir = tempfile::tempdir().expect("tmp");
        for size in ["ffffffffffffffff", "ffffffffffffffffff", "fffffffffffffff0"] {
            let mut http = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
            http.extend_from_slice(format!("{size}\r\nabc\r\n0\r\n\r\n").as_bytes());
            let bad = record_with(&url(2), &http, None, "");
            let members = [gzip(&good(1)), gzip(&bad), gzip(&good(3))];
            let path = write(dir.path(), "chunks.warc.gz", &members.concat());
            let (found, skipped) = scan(&path).expect("scan");
            assert_eq!(urls(&found), [url(1), url(3)], "chunk size {size}");
            assert_eq!(skipped.len(), 1, "{skipped:?}");
            assert!(skipped[0].reason.contains("chunk"), "{skipped:?}");
            assert!(skipped[0].reason.len() < 200, "{skipped:?}");
        }
    }

    #[test]
    fn binary_garbage_is_not_a_warc_and_the_error_is_short() {
        let dir = tempfile::tempdir().expect("tmp");
        // Deterministic noise, with a WARC line buried in it.
        let mut noise: Vec<u8> = (0u32..200_000)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        noise.extend_from_slice(b"\nWARC/1.0\r\n");
        noise[0] = 0x7f;
        let mut gz_noise = vec![0x1f, 0x8b, 0x08];
        gz_noise.extend_from_slice(&noise);
        let not_warc_gz = gzip(b"<html>not a WARC</html>");
        for (name, bytes) in [
            ("noise.bin", &noise),
            ("noise.warc.gz", &gz_noise),
            ("html.warc.gz", &not_warc_gz),
        ] {
            let path = write(dir.path(), name, bytes);
            let err = scan(&path).expect_err("not a WARC");
            assert!(matches!(err, ArchiveError::NotAWarc { .. }), "{err:?}");
            let text = err.to_string();
            assert!(
                text.starts_with(&format!("{}: not a WARC file", path.display())),
                "{text}"
            );
            assert!(text.len() < 400, "{} bytes: {text}", text.len());
        }
    }

    #[test]
    fn an_empty_file_is_an_error_naming_it() {
        let dir = tempfile::tempdir().expect("tmp");
        for (name, bytes) in [
            ("empty.warc.gz", Vec::new()),
            ("blank.warc", b"\r\n\r\n".to_vec()),
            ("empty-gzip.warc.gz", gzip(b"")),
        ] {
            let path = write(dir.path(), name, &bytes);
            let err = scan(&path).expect_err("empty");
            assert!(matches!(err, ArchiveError::Empty { .. }), "{name}: {err:?}");
            assert_eq!(
                err.to_string(),
                format!("{}: empty file, no WARC records", path.display())
            );
        }
    }

    #[test]
    fn a_warc_truncated_header_marks_the_record() {
        let dir = tempfile::tempdir().expect("tmp");
        let cut = record_with(&url(2), &page(2), None, "WARC-Truncated: length\r\n");
        let path = write(dir.path(), "cut.warc", &[good(1), cut].concat());
        let mut seen = Vec::new();
        scan_file_with(&path, |s| seen.push((s.record.url, s.record.truncated))).expect("scan");
        assert_eq!(seen, [(url(1), false), (url(2), true)]);
    }

    #[test]
    fn an_error_about_a_bad_record_quotes_no_more_than_a_short_prefix() {
        let dir = tempfile::tempdir().expect("tmp");
        // A WARC version line followed by a megabyte of junk.
        let mut junk = b"WARC/1.1\r\n".to_vec();
        junk.extend(std::iter::repeat_n(0xffu8, 1 << 20));
        let path = write(dir.path(), "junk.warc", &[good(1), junk].concat());
        let (found, skipped) = scan(&path).expect("scan");
        assert_eq!(urls(&found), [url(1)]);
        assert_eq!(skipped.len(), 1);
        assert!(skipped[0].reason.len() < 200, "{}", skipped[0].reason);
        let err = read_record_at(&path, skipped[0].offset).expect_err("bad record");
        assert!(err.to_string().len() < 300, "{err}");
    }
}
