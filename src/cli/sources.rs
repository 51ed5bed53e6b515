//! `radar sources`: the sources with kind, outlet, item and schedule; with
//! `--health`, how each has been doing.

use crate::config::Home;
use crate::store::Store;

#[derive(Debug, Clone, clap::Args)]
pub struct SourcesArgs {
    /// Show last success, yield, error rate and layout-change alarms.
    #[arg(long)]
    pub health: bool,
    #[arg(long)]
    pub json: bool,
}

pub fn run(home: &Home, args: &SourcesArgs) -> anyhow::Result<()> {
    let checked = super::load(home)?;
    let default_schedule = checked.settings.schedule.default.clone();
    let store = if args.health {
        Some(Store::open_reader(&home.existing_db_path()?)?)
    } else {
        None
    };
    let mut rows = Vec::new();
    let mut alarms = 0;
    for s in &checked.sources {
        let schedule = s
            .schedule
            .clone()
            .unwrap_or_else(|| default_schedule.clone());
        let health = match &store {
            Some(st) => Some(st.source_health(&s.id, 10)?),
            None => None,
        };
        alarms += health.as_ref().map_or(0, |h| h.alarms.len());
        rows.push((s, schedule, health));
    }
    if args.json {
        let v: Vec<_> = rows
            .iter()
            .map(|(s, schedule, h)| {
                serde_json::json!({
                    "id": s.id, "kind": s.kind.as_str(), "outlet": s.outlet, "item": s.item,
                    "schedule": schedule, "enabled": s.enabled, "health": h,
                })
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        for (s, schedule, h) in &rows {
            let flag = if s.enabled { "" } else { " (disabled)" };
            println!(
                "{:<18} {:<9} {:<6} {:<14} {}{}",
                s.id,
                s.kind.as_str(),
                s.item,
                s.outlet,
                schedule,
                flag
            );
            if let Some(h) = h {
                println!(
                    "    runs {}, last success {}, {:.1} articles/run, error rate {:.0}%",
                    h.runs,
                    h.last_success.as_deref().unwrap_or("never"),
                    h.articles_per_run,
                    h.error_rate * 100.0
                );
                if h.non_reports.total() > 0 {
                    println!(
                        "    not reports (never candidates): {} advertisements, {} notices, {} pictures",
                        h.non_reports.advertisements, h.non_reports.notices, h.non_reports.pictures
                    );
                }
                if h.browser_pages > 0 || h.challenges_met > 0 {
                    println!(
                        "    browser: {} page(s) fetched through headless Chromium; challenges met {}, solved {}",
                        h.browser_pages, h.challenges_met, h.challenges_solved
                    );
                }
                for a in &h.alarms {
                    println!("    ALARM: {a}");
                }
            }
        }
    }
    let enabled = checked.sources.iter().filter(|s| s.enabled).count();
    let mut summary = format!("{} sources ({} enabled)", checked.sources.len(), enabled);
    if args.health {
        summary.push_str(&format!(", {alarms} alarm(s)"));
    }
    if args.json {
        // stdout stays one JSON array.
        eprintln!("{summary}");
    } else {
        println!("{summary}");
    }
    Ok(())
}
