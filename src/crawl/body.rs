//! Content decoding with a hard limit on the decoded size, so that a gzip bomb
//! stops at the limit instead of exhausting memory.

use std::io::Read;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BodyError {
    #[error("body exceeds the limit of {0} bytes after decompression")]
    TooLarge(u64),
    #[error("cannot decode {encoding} body: {message}")]
    Corrupt { encoding: String, message: String },
}

/// Decode a body by its Content-Encoding, reading at most `max` bytes out.
pub fn decode_content(
    raw: &[u8],
    content_encoding: Option<&str>,
    max: u64,
) -> Result<Vec<u8>, BodyError> {
    let enc = content_encoding.unwrap_or("").trim().to_ascii_lowercase();
    let reader: Box<dyn Read + '_> = match enc.as_str() {
        "" | "identity" => {
            if raw.len() as u64 > max {
                return Err(BodyError::TooLarge(max));
            }
            return Ok(raw.to_vec());
        }
        "gzip" | "x-gzip" => Box::new(flate2::read::MultiGzDecoder::new(raw)),
        "deflate" => {
            // "deflate" is zlib-wrapped by the spec, raw deflate in practice: try both.
            if raw.first().is_some_and(|b| b & 0x0f == 8) {
                Box::new(flate2::read::ZlibDecoder::new(raw))
            } else {
                Box::new(flate2::read::DeflateDecoder::new(raw))
            }
        }
        "br" => Box::new(brotli_decompressor::Decompressor::new(raw, 4096)),
        other => {
            return Err(BodyError::Corrupt {
                encoding: other.into(),
                message: "unsupported content encoding".into(),
            });
        }
    };
    let mut out = Vec::new();
    reader
        .take(max + 1)
        .read_to_end(&mut out)
        .map_err(|e| BodyError::Corrupt {
            encoding: enc.clone(),
            message: e.to_string(),
        })?;
    if out.len() as u64 > max {
        return Err(BodyError::TooLarge(max));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::{Compression, write::GzEncoder};
    use std::io::Write;

    #[test]
    fn gzip_bomb_stops_at_the_limit() {
        let mut gz = GzEncoder::new(Vec::new(), Compression::best());
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..64 {
            gz.write_all(&zeros).expect("compress");
        }
        let bomb = gz.finish().expect("finish");
        assert!(bomb.len() < 200_000);
        let err = decode_content(&bomb, Some("gzip"), 4 << 20).expect_err("must refuse");
        assert_eq!(err, BodyError::TooLarge(4 << 20));
    }

    #[test]
    fn gzip_within_limit_decodes() {
        let mut gz = GzEncoder::new(Vec::new(), Compression::fast());
        gz.write_all("国企改革".as_bytes()).expect("compress");
        let out =
            decode_content(&gz.finish().expect("finish"), Some("gzip"), 1000).expect("decode");
        assert_eq!(out, "国企改革".as_bytes());
    }
}
