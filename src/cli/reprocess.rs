//! `radar reprocess`: re-extract every article from the home's own archive.

use super::progress::Bar;
use crate::config::Home;

pub fn run(home: &Home) -> anyhow::Result<()> {
    let checked = super::load(home)?;
    let bar = Bar::new("reprocess");
    let summary = crate::pipeline::reprocess(home, &checked, &bar)?;
    bar.finish();
    println!("{}", summary.line());
    Ok(())
}
