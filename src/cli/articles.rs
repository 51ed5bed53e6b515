//! `radar articles`: the stored articles, as a table or one JSON array.

use crate::config::Home;
use crate::store::Store;

#[derive(Debug, Clone, clap::Args)]
pub struct ArticlesArgs {
    /// Only these sources (repeatable).
    #[arg(long = "source")]
    pub sources: Vec<String>,
    /// Print one JSON array.
    #[arg(long)]
    pub json: bool,
}

pub fn run(home: &Home, args: &ArticlesArgs) -> anyhow::Result<()> {
    let store = Store::open(&home.db_path())?;
    let rows = store.articles(&args.sources)?;
    if args.json {
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let mut v = serde_json::to_value(&r.article)?;
            let location = match r.resource_id {
                Some(id) => store.resource(id)?,
                None => None,
            };
            if let Some(obj) = v.as_object_mut() {
                obj.insert("first_seen".into(), r.first_seen.clone().into());
                obj.insert(
                    "syndicated_with".into(),
                    serde_json::to_value(store.syndicated_copies(&r.article.id)?)?,
                );
                obj.insert("evidence".into(), match location {
                    Some(l) => serde_json::json!({"warc_file": l.warc_file, "offset": l.warc_offset, "length": l.warc_length, "payload_sha256": l.payload_sha256}),
                    None => serde_json::Value::Null,
                });
            }
            out.push(v);
        }
        println!("{}", serde_json::to_string_pretty(&out)?);
        // The summary goes to stderr so that stdout stays one JSON array.
        eprintln!("{} article(s)", rows.len());
        return Ok(());
    }
    for r in &rows {
        let a = &r.article;
        let date = a
            .published
            .map(|d| d.to_string())
            .unwrap_or_else(|| "----------".into());
        let page = a
            .page
            .as_deref()
            .map(|p| format!(" [{p}]"))
            .unwrap_or_default();
        println!(
            "{date}  {:<16} {}{page}  ({})",
            a.source.as_str(),
            a.title,
            a.id
        );
    }
    println!("{} article(s)", rows.len());
    Ok(())
}
