//! Packing a sample folder into a WARC for replay: `<dir>/<source>/manifest.toml`
//! lists pages by their real URL with the file holding the body, the status,
//! the content type and extra headers. Used by `radar demo` and the tests, so
//! the real source definitions run, with their real URLs, without a network.

use super::{ArchiveError, ArchiveWriter, Exchange};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum SampleError {
    #[error("{path}: {message}")]
    Manifest { path: String, message: String },
    #[error(transparent)]
    Archive(#[from] ArchiveError),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    #[serde(default)]
    page: Vec<Page>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Page {
    url: String,
    #[serde(default)]
    file: Option<String>,
    #[serde(default = "ok")]
    status: u16,
    #[serde(default)]
    content_type: Option<String>,
    #[serde(default)]
    headers: BTreeMap<String, String>,
}

fn ok() -> u16 {
    200
}

/// Pack every `manifest.toml` under `dir` (one level of source folders, or `dir`
/// itself) into one new WARC file in `out_dir`. Returns the file and page count.
pub fn pack_sample_dir(dir: &Path, out_dir: &Path) -> Result<(PathBuf, usize), SampleError> {
    let mut manifests = Vec::new();
    if dir.join("manifest.toml").is_file() {
        manifests.push(dir.join("manifest.toml"));
    }
    let mut subdirs: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| ArchiveError::io(dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("manifest.toml").is_file())
        .collect();
    subdirs.sort();
    manifests.extend(subdirs.into_iter().map(|d| d.join("manifest.toml")));
    let mut writer = ArchiveWriter::open(out_dir, u64::MAX)?;
    let mut count = 0;
    let mut file_name = None;
    for manifest in manifests {
        let text =
            std::fs::read_to_string(&manifest).map_err(|e| ArchiveError::io(&manifest, e))?;
        let m: Manifest = toml::from_str(&text).map_err(|e| SampleError::Manifest {
            path: manifest.display().to_string(),
            message: e.to_string(),
        })?;
        let base = manifest.parent().unwrap_or(dir);
        for p in m.page {
            let body = match &p.file {
                Some(f) => std::fs::read(base.join(f)).map_err(|e| SampleError::Manifest {
                    path: manifest.display().to_string(),
                    message: format!("page {}: file {f}: {e}", p.url),
                })?,
                None => Vec::new(),
            };
            let mut headers: Vec<(String, String)> = vec![(
                "Content-Type".into(),
                p.content_type
                    .clone()
                    .unwrap_or_else(|| "text/html; charset=utf-8".into()),
            )];
            headers.extend(p.headers.iter().map(|(k, v)| (k.clone(), v.clone())));
            let loc = writer.write_exchange(&Exchange {
                url: &p.url,
                method: "GET",
                request_headers: &[],
                status: Some(p.status),
                reason: "",
                response_headers: &headers,
                body: &body,
                truncated: false,
                error: None,
                fetched_at: chrono::Utc::now(),
            })?;
            file_name = Some(loc.file);
            count += 1;
        }
    }
    writer.sync()?;
    let file = file_name
        .map(|f| out_dir.join(f))
        .ok_or_else(|| SampleError::Manifest {
            path: dir.display().to_string(),
            message: "no pages in any manifest.toml".into(),
        })?;
    Ok((file, count))
}
