//! A progress bar on a terminal (indicatif), nothing otherwise.

use crate::pipeline::Progress;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;

pub struct Bar(ProgressBar);

impl Bar {
    pub fn new(what: &str) -> Bar {
        let bar = if std::io::stderr().is_terminal() {
            ProgressBar::new(0)
        } else {
            ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::hidden())
        };
        let style =
            ProgressStyle::with_template("{spinner} {prefix} [{bar:30}] {pos}/{len} {wide_msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> ");
        bar.set_style(style);
        bar.set_prefix(what.to_string());
        Bar(bar)
    }
    pub fn finish(&self) {
        self.0.finish_and_clear();
    }
}

impl Progress for Bar {
    fn set_total(&self, total: u64) {
        self.0.set_length(total.max(self.0.position()));
    }
    fn advance(&self, url: &str) {
        self.0.inc(1);
        self.0.set_message(url.to_string());
    }
}
