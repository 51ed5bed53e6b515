//! `radar extract`: what radar extracts from saved pages, decoding the bytes
//! as the fetcher would. One file prints one object; several files or a
//! folder print one JSON object a line, with the file name in each.

use crate::config::Home;
use crate::crawl::decode::decode_html;
use crate::discover::TaskContext;
use crate::model::{FieldSelectors, SourceDef, SourceKind};
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

fn find_source(home: &Home, id: &str) -> anyhow::Result<SourceDef> {
    if home.exists()
        && let Ok(sources) = crate::config::load_sources(home)
        && let Some(s) = sources.into_iter().find(|s| s.id == id)
    {
        return Ok(s);
    }
    let file = crate::config::DEFAULT_SOURCES
        .get_file(format!("{id}.toml"))
        .ok_or_else(|| anyhow::anyhow!("unknown source `{id}`"))?;
    let text = file
        .contents_utf8()
        .ok_or_else(|| anyhow::anyhow!("source `{id}` is not UTF-8"))?;
    Ok(toml::from_str(text)?)
}

fn generic_source() -> SourceDef {
    SourceDef {
        id: "generic".into(),
        name: "generic".into(),
        outlet: String::new(),
        item: "lead".into(),
        kind: SourceKind::Listing,
        schedule: None,
        pace_secs: None,
        enabled: true,
        notes: None,
        headers: Default::default(),
        feed: None,
        listing: None,
        epaper: None,
        broadcast: None,
        fields: FieldSelectors::default(),
    }
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
    let source = match &args.source {
        Some(id) => find_source(home, id)?,
        None => generic_source(),
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
