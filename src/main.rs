//! The `radar` binary: parse the command line, set up logging, run, and turn
//! an error into its message chain and a non-zero exit code.

use clap::Parser;
use reform_radar::cli::{Cli, run};

fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("RADAR_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    // `radar candidates | head` must end quietly when the pipe closes, not
    // panic; commands that talk to the network keep SIGPIPE ignored (a
    // closed socket is an error to handle, not a reason to die).
    #[cfg(unix)]
    if !matches!(
        cli.command,
        reform_radar::cli::Command::Crawl(_) | reform_radar::cli::Command::Serve(_)
    ) {
        // SAFETY: setting a signal's disposition to the default at start-up,
        // before any thread is spawned.
        unsafe {
            libc::signal(libc::SIGPIPE, libc::SIG_DFL);
        }
    }
    if let Err(e) = run(cli) {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}
