//! `radar extract`: what radar extracts from saved pages, decoding the bytes
//! as the fetcher would. One file prints one object; several files or a
//! folder print one JSON object a line, with the file name in each.

use crate::config::Home;
use crate::crawl::decode::decode_html;
use crate::discover::TaskContext;
use crate::model::{SourceDef, SourceKind};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, clap::Args)]
pub struct ExtractArgs {
    /// HTML files or folders of them.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// The page's URL (dates in the path, relative links).
    #[arg(long)]
    pub url: Option<String>,
    /// Use this source's selectors (from the home, or the built-in definitions).
    #[arg(long)]
    pub source: Option<String>,
    /// Print JSON (the default output is JSON too; kept for scripts that say so).
    #[arg(long)]
    pub json: bool,
}

/// The home's sources if there is a home, else the built-in definitions.
fn all_sources(home: &Home) -> Vec<SourceDef> {
    if home.exists()
        && let Ok(sources) = crate::config::load_sources(home)
    {
        return sources;
    }
    crate::config::DEFAULT_SOURCES
        .files()
        .filter_map(|f| toml::from_str::<SourceDef>(f.contents_utf8()?).ok())
        .collect()
}

fn find_source(home: &Home, id: &str) -> anyhow::Result<SourceDef> {
    all_sources(home)
        .into_iter()
        .find(|s| s.id == id)
        .ok_or_else(|| anyhow::anyhow!("unknown source `{id}` (see `radar sources`)"))
}

/// Every URL a source definition names: entry pages, templates, feeds.
fn source_urls(s: &SourceDef) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(e) = &s.epaper {
        out.extend(e.editions.iter().map(|t| t.url.clone()));
        out.extend(e.latest.clone());
    }
    if let Some(l) = &s.listing {
        out.extend(l.start.clone());
    }
    if let Some(b) = &s.broadcast {
        out.push(b.day.clone());
    }
    if let Some(f) = &s.feed {
        out.extend(f.urls.clone());
    }
    out
}

/// The source whose pages live on the URL's host (the first, if several do).
fn source_for_url(home: &Home, url: &url::Url) -> Option<SourceDef> {
    let host = url.host_str()?.trim_start_matches("www.").to_string();
    all_sources(home).into_iter().find(|s| {
        source_urls(s).iter().any(|u| {
            url::Url::parse(&crate::model::fill_date_template(
                u,
                chrono::NaiveDate::default(),
            ))
            .ok()
            .and_then(|p| p.host_str().map(|h| h.trim_start_matches("www.") == host))
            .unwrap_or(false)
        })
    })
}

fn generic_source() -> SourceDef {
    SourceDef::bare("generic", SourceKind::Listing)
}

fn collect(paths: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut files: Vec<PathBuf> = std::fs::read_dir(p)?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| {
                    f.extension()
                        .is_some_and(|e| e == "html" || e == "htm" || e == "shtml")
                })
                .collect();
            files.sort();
            out.extend(files);
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

fn one(path: &Path, source: &SourceDef, url: &url::Url) -> anyhow::Result<serde_json::Value> {
    let bytes = std::fs::read(path).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let decoded = decode_html(&bytes, None);
    let (article, ex) =
        crate::pipeline::build_article(source, &TaskContext::default(), url, &decoded.text);
    Ok(serde_json::json!({
        "file": path.file_name().map(|f| f.to_string_lossy().into_owned()),
        "url": url.as_str(),
        "source": source.id,
        "encoding": decoded.encoding,
        "title": article.title,
        "pretitle": article.pretitle,
        "subtitle": article.subtitle,
        "author": article.author,
        "published": article.published.map(|d| d.to_string()),
        "page": article.page,
        "citation": article.citation,
        "extractor": article.extractor,
        "body": article.body,
        "text": article.body,
        "warnings": ex.warnings,
    }))
}

pub fn run(home: &Home, args: &ExtractArgs) -> anyhow::Result<()> {
    let given_url = args.url.as_deref().map(url::Url::parse).transpose()?;
    let source = match (&args.source, &given_url) {
        (Some(id), _) => find_source(home, id)?,
        (None, Some(u)) => source_for_url(home, u).unwrap_or_else(generic_source),
        (None, None) => generic_source(),
    };
    let files = collect(&args.files)?;
    let many = files.len() > 1 || args.files.iter().any(|p| p.is_dir());
    let mut errors = 0;
    for f in &files {
        let url = match &args.url {
            Some(u) => url::Url::parse(u)?,
            None => url::Url::from_file_path(std::fs::canonicalize(f)?)
                .map_err(|_| anyhow::anyhow!("{}: no URL", f.display()))?,
        };
        match one(f, &source, &url) {
            Ok(v) if many => println!("{}", serde_json::to_string(&v)?),
            Ok(v) => println!("{}", serde_json::to_string_pretty(&v)?),
            Err(e) => {
                errors += 1;
                eprintln!("{e:#}");
            }
        }
    }
    eprintln!(
        "extracted {} page(s), {} error(s)",
        files.len() - errors,
        errors
    );
    anyhow::ensure!(errors == 0, "{errors} file(s) could not be read");
    Ok(())
}
