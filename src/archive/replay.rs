//! The replay index: URL → the last response archived for it, across the given
//! WARC files. Replay answers requests from it instead of the network.

use super::{ArchiveError, ArchivedResponse, Skipped, read_record_nth, scan_file_with};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Default)]
pub struct ReplayIndex {
    map: HashMap<String, (usize, u64, usize)>,
    files: Vec<PathBuf>,
    skipped: Vec<Skipped>,
}

impl ReplayIndex {
    /// Index every response record of the given files; later records win.
    /// Bad records are skipped (each warned about with its file and offset,
    /// and listed in `skipped`); a file that is empty or not a WARC at all is
    /// an error naming it.
    pub fn build(files: &[PathBuf]) -> Result<ReplayIndex, ArchiveError> {
        let mut idx = ReplayIndex::default();
        for path in files {
            let n = idx.files.len();
            idx.files.push(path.clone());
            let skipped = scan_file_with(path, |s| {
                if s.record.record_type == "response" {
                    idx.map.insert(s.record.url, (n, s.offset, s.nth));
                }
            })?;
            if !skipped.is_empty() {
                let offsets: Vec<String> = skipped.iter().map(|s| s.offset.to_string()).collect();
                tracing::warn!(
                    file = %path.display(),
                    skipped = skipped.len(),
                    offsets = %offsets.join(","),
                    "replay: bad records skipped"
                );
            }
            idx.skipped.extend(skipped);
        }
        Ok(idx)
    }

    /// The records that could not be read, with file, offset and reason.
    pub fn skipped(&self) -> &[Skipped] {
        &self.skipped
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    pub fn urls(&self) -> impl Iterator<Item = &str> {
        self.map.keys().map(String::as_str)
    }

    /// The archived response for a URL, read from disk. A URL archived under
    /// the other scheme (http/https) also answers: sites move between them
    /// and archives from other tools record whichever they used.
    pub fn get(&self, url: &str) -> Result<Option<ArchivedResponse>, ArchiveError> {
        let other = if let Some(rest) = url.strip_prefix("http://") {
            Some(format!("https://{rest}"))
        } else {
            url.strip_prefix("https://")
                .map(|rest| format!("http://{rest}"))
        };
        let found = self
            .map
            .get(url)
            .or_else(|| other.as_ref().and_then(|o| self.map.get(o)));
        let Some((file, offset, nth)) = found else {
            return Ok(None);
        };
        let path: &Path = &self.files[*file];
        read_record_nth(path, *offset, *nth).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// A WARC/1.0 response record as other tools write it.
    fn record(uri: &str, http: &[u8]) -> Vec<u8> {
        let mut r = format!(
            "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {uri}\r\nWARC-Date: 2026-03-04T00:00:00Z\r\n\
             WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000000>\r\nContent-Type: application/http;msgtype=response\r\n\
             Content-Length: {}\r\n\r\n",
            http.len()
        )
        .into_bytes();
        r.extend_from_slice(http);
        r.extend_from_slice(b"\r\n\r\n");
        r
    }

    fn foreign_warc() -> Vec<u8> {
        let body = "<p>万州港口集团</p>".as_bytes();
        let mut plain =
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n".to_vec();
        plain.extend_from_slice(body);
        let mut chunked =
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n"
                .to_vec();
        chunked.extend_from_slice(format!("{:x}\r\n", 8).as_bytes());
        chunked.extend_from_slice(&body[..8]);
        chunked.extend_from_slice(format!("\r\n{:x}\r\n", body.len() - 8).as_bytes());
        chunked.extend_from_slice(&body[8..]);
        chunked.extend_from_slice(b"\r\n0\r\n\r\n");
        let mut warc = record("<http://a.example.cn/plain.html>", &plain);
        warc.extend(record("http://a.example.cn/chunked.html", &chunked));
        warc
    }

    /// A record with a wrong Content-Length between two good ones, in a plain
    /// file and a whole-file gzip: the index holds the good ones, answers
    /// them with the right bodies, and lists the bad one with its offset.
    #[test]
    fn a_bad_record_is_skipped_and_listed_and_the_others_answer() {
        let dir = tempfile::tempdir().expect("tmp");
        let http = |n: u32| {
            format!("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>{n}</p>").into_bytes()
        };
        let first = record("http://a.example.cn/1.html", &http(1));
        let mut bad = record("http://a.example.cn/2.html", &http(2));
        let at = bad
            .windows(16)
            .position(|w| w == b"Content-Length: ")
            .expect("length header")
            + 16;
        bad.insert(at, b'9');
        let warc = [
            first.clone(),
            bad,
            record("http://a.example.cn/3.html", &http(3)),
        ]
        .concat();
        let plain = dir.path().join("bad.warc");
        std::fs::write(&plain, &warc).expect("write");
        let gz = dir.path().join("bad-whole.warc.gz");
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(&warc).expect("gzip");
        std::fs::write(&gz, enc.finish().expect("finish")).expect("write");
        for (file, offset) in [(plain, first.len() as u64), (gz, 0)] {
            let idx = ReplayIndex::build(std::slice::from_ref(&file)).expect("index");
            assert_eq!(idx.len(), 2, "{}", file.display());
            assert_eq!(idx.skipped().len(), 1, "{:?}", idx.skipped());
            assert_eq!(idx.skipped()[0].file, file);
            assert_eq!(idx.skipped()[0].offset, offset);
            for n in [1, 3] {
                let rec = idx
                    .get(&format!("http://a.example.cn/{n}.html"))
                    .expect("read")
                    .expect("found");
                assert_eq!(rec.body, format!("<p>{n}</p>").as_bytes());
            }
            assert!(
                idx.get("http://a.example.cn/2.html")
                    .expect("read")
                    .is_none()
            );
        }
    }

    #[test]
    fn plain_and_whole_file_gzip_warcs_from_other_tools_replay() {
        let dir = tempfile::tempdir().expect("tmp");
        let plain = dir.path().join("other.warc");
        std::fs::write(&plain, foreign_warc()).expect("write");
        let gz = dir.path().join("other-whole.warc.gz");
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(&foreign_warc()).expect("gzip");
        std::fs::write(&gz, enc.finish().expect("finish")).expect("write");
        for file in [plain, gz] {
            let idx = ReplayIndex::build(std::slice::from_ref(&file)).expect("index");
            assert_eq!(idx.len(), 2, "{}", file.display());
            for url in [
                "http://a.example.cn/plain.html",
                "http://a.example.cn/chunked.html",
            ] {
                let rec = idx.get(url).expect("read").expect("found");
                assert_eq!(
                    rec.body,
                    "<p>万州港口集团</p>".as_bytes(),
                    "{url} in {}",
                    file.display()
                );
                assert!(rec.header("transfer-encoding").is_none());
            }
        }
    }
}
