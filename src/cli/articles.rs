//! `radar articles`: the stored articles, as a table or one JSON array.

use crate::config::Home;
use crate::store::Store;

#[derive(Debug, Clone, clap::Args)]
pub struct ArticlesArgs {
    /// Only these sources (repeatable).
    #[arg(long = "source")]
    pub sources: Vec<String>,
    /// Only this scoring item (`B1`, …) or `lead`.
    #[arg(long)]
    pub item: Option<String>,
    /// Only this outlet (e.g. `人民日报`).
    #[arg(long)]
    pub outlet: Option<String>,
    /// Published on or after this Beijing date.
    #[arg(long)]
    pub from: Option<chrono::NaiveDate>,
    /// Published on or before this Beijing date.
    #[arg(long)]
    pub to: Option<chrono::NaiveDate>,
    /// Print one JSON array.
    #[arg(long)]
    pub json: bool,
}

pub fn run(home: &Home, args: &ArticlesArgs) -> anyhow::Result<()> {
    if let (Some(from), Some(to)) = (args.from, args.to) {
        anyhow::ensure!(from <= to, "--from {from} is after --to {to}");
    }
    let store = Store::open_reader(&home.existing_db_path()?)?;
    let mut rows = store.article_listing(&args.sources)?;
    rows.retain(|l| {
        let a = &l.row.article;
        args.item.as_ref().is_none_or(|i| &a.item == i)
            && args.outlet.as_ref().is_none_or(|o| &a.outlet == o)
            && args
                .from
                .is_none_or(|f| a.published.is_some_and(|p| p >= f))
            && args.to.is_none_or(|t| a.published.is_some_and(|p| p <= t))
    });
    if args.json {
        let mut out = Vec::with_capacity(rows.len());
        for l in &rows {
            let mut v = serde_json::to_value(&l.row.article)?;
            if let Some(obj) = v.as_object_mut() {
                obj.insert("first_seen".into(), l.row.first_seen.clone().into());
                obj.insert(
                    "syndicated_with".into(),
                    serde_json::to_value(&l.syndicated_with)?,
                );
                obj.insert("evidence".into(), match &l.evidence {
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
    let rows: Vec<_> = rows.into_iter().map(|l| l.row).collect();
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
