//! The `radar` binary: parse the command line, set up logging, run, and turn
//! an error into its message chain and a non-zero exit code.

use reform_radar::cli::{parse, run};

/// Logs go to stderr: as JSON lines (one object per event, for journald,
/// Loki or a file) with `RADAR_LOG_FORMAT=json`, else as text, coloured only
/// when stderr is a terminal (never ANSI codes in a file or the journal).
fn init_logging() {
    use std::io::IsTerminal;
    let filter = tracing_subscriber::EnvFilter::try_from_env("RADAR_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if std::env::var("RADAR_LOG_FORMAT").is_ok_and(|f| f.eq_ignore_ascii_case("json")) {
        builder
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .init();
    } else {
        let colour = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
        builder.with_ansi(colour).init();
    }
}

fn main() {
    // Two rustls providers are compiled in (ring and aws-lc-rs): choose one.
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    init_logging();
    let cli = parse();
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
