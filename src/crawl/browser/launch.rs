//! Starting headless Chromium: the binary found (a path, or a name on PATH),
//! a fresh profile folder per crawl, `--remote-debugging-port=0` and the
//! websocket address read from the `DevTools listening on ws://…` line on
//! stderr. Dropping the process asks Chromium to quit (SIGTERM), kills it if
//! it lingers, and removes the profile.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long Chromium may take to print its DevTools address.
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// The Debian packages that provide the browser, for messages.
pub const PACKAGES: &str = "chromium and chromium-driver";

pub struct Chromium {
    child: Child,
    profile: PathBuf,
    pub ws_url: String,
}

/// The binary to run: `name` itself when it names a path, else the first
/// match on PATH.
pub fn resolve(name: &str) -> Result<PathBuf, String> {
    let missing = || {
        format!(
            "`{name}` not found; install the Debian packages {PACKAGES} (or set [browser] chromium in radar.toml)"
        )
    };
    if name.contains('/') {
        let p = Path::new(name);
        return if p.is_file() {
            Ok(p.to_path_buf())
        } else {
            Err(missing())
        };
    }
    std::env::var_os("PATH")
        .and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|d| d.join(name))
                .find(|p| p.is_file())
        })
        .ok_or_else(missing)
}

/// Start Chromium headless with a fresh profile and return once its DevTools
/// websocket is listening.
pub async fn launch(
    binary: &Path,
    user_agent: &str,
    accept_language: &str,
) -> Result<Chromium, String> {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let profile =
        std::env::temp_dir().join(format!("radar-chromium-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&profile)
        .map_err(|e| format!("profile folder {}: {e}", profile.display()))?;
    let lang = accept_language.split(',').next().unwrap_or("zh-CN").trim();
    let mut child = Command::new(binary)
        .args([
            "--headless=new",
            "--remote-debugging-port=0",
            "--remote-debugging-address=127.0.0.1",
            "--no-sandbox",
            "--disable-dev-shm-usage",
            "--disable-gpu",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-default-apps",
            "--disable-extensions",
            "--disable-sync",
            "--mute-audio",
            "--blink-settings=imagesEnabled=false",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--user-agent={user_agent}"))
        .arg(format!("--lang={lang}"))
        .arg(format!("--accept-lang={accept_language}"))
        .arg("about:blank")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            let _ = std::fs::remove_dir_all(&profile);
            format!("{}: {e}", binary.display())
        })?;
    let Some(stderr) = child.stderr.take() else {
        let _ = child.kill();
        return Err("no stderr".into());
    };
    // Chromium keeps writing to stderr: the reader drains it for the whole
    // life of the process, and hands over the DevTools address when it comes.
    let (tx, rx) = std::sync::mpsc::sync_channel::<String>(1);
    std::thread::spawn(move || {
        let mut tx = Some(tx);
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if let Some(at) = line.find("DevTools listening on ")
                && let Some(t) = tx.take()
            {
                let _ = t.send(
                    line[at + "DevTools listening on ".len()..]
                        .trim()
                        .to_string(),
                );
            } else {
                tracing::trace!(target: "chromium", "{line}");
            }
        }
    });
    let mut chromium = Chromium {
        child,
        profile,
        ws_url: String::new(),
    };
    let waited = tokio::task::spawn_blocking(move || rx.recv_timeout(START_TIMEOUT)).await;
    match waited {
        Ok(Ok(url)) if url.starts_with("ws://") => {
            chromium.ws_url = url;
            Ok(chromium)
        }
        _ => {
            let status = chromium.child.try_wait().ok().flatten();
            Err(match status {
                Some(s) => format!("{} exited at start ({s})", binary.display()),
                None => format!(
                    "{} printed no DevTools address within {START_TIMEOUT:?}",
                    binary.display()
                ),
            })
        }
    }
}

impl Drop for Chromium {
    fn drop(&mut self) {
        if let Ok(pid) = i32::try_from(self.child.id()) {
            // SAFETY: signalling our own child by its pid; it has not been
            // reaped yet (we wait for it below), so the pid is still ours.
            unsafe {
                libc::kill(pid, libc::SIGTERM);
            }
        }
        let until = Instant::now() + Duration::from_secs(3);
        while Instant::now() < until {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                break;
            }
            std::thread::sleep(Duration::from_millis(30));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_binary_names_the_packages() {
        let e = resolve("/nonexistent/chromium").expect_err("missing");
        assert!(e.contains("chromium-driver"), "{e}");
        let e = resolve("no-such-browser-binary-xyz").expect_err("missing");
        assert!(e.contains("not found"), "{e}");
        assert!(resolve("sh").is_ok(), "a name on PATH is found");
    }
}
