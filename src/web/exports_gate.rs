//! Heavy exports (the evidence bundle: a BagIt folder and its zip staged
//! under the home's `tmp/`) are limited: one at a time per user and
//! [`MAX_HEAVY_EXPORTS`] in all, and only when the home's disk has room.
//! A refusal is immediate and says why, in Chinese: 429 for a user's second
//! export, 503 when the server is busy or short of space; nothing is
//! staged before the permit is held.

use super::WebError;
use std::collections::HashSet;
use std::path::Path;
use std::sync::{Arc, Mutex};

/// Bundles built at once on the whole server.
pub const MAX_HEAVY_EXPORTS: usize = 2;
/// Free space the home's disk must keep besides an export's estimate.
pub const RESERVE_BYTES: u64 = 256 * 1024 * 1024;

#[derive(Debug, Default, Clone)]
pub(crate) struct ExportGate(Arc<Mutex<HashSet<String>>>);

/// Held while a user's heavy export runs; dropped, the slot is free.
#[derive(Debug)]
pub(crate) struct ExportPermit {
    gate: ExportGate,
    user: String,
}

impl ExportGate {
    /// A slot for `user`'s export, or a refusal.
    pub(crate) fn try_start(&self, user: &str) -> Result<ExportPermit, WebError> {
        let mut running = self
            .0
            .lock()
            .map_err(|_| WebError::Internal("the export gate is poisoned".into()))?;
        if running.contains(user) {
            return Err(WebError::TooManyRequests(
                "您已有一个证据包正在导出，请等它完成后再试".into(),
            ));
        }
        if running.len() >= MAX_HEAVY_EXPORTS {
            return Err(WebError::Unavailable(format!(
                "服务器正忙：已有 {} 个证据包正在导出，请稍后再试",
                running.len()
            )));
        }
        running.insert(user.to_string());
        Ok(ExportPermit {
            gate: self.clone(),
            user: user.to_string(),
        })
    }
}

impl Drop for ExportPermit {
    fn drop(&mut self) {
        if let Ok(mut running) = self.gate.0.lock() {
            running.remove(&self.user);
        }
    }
}

/// Bytes free for an unprivileged user on the file system of `path`.
pub(crate) fn free_bytes(path: &Path) -> Option<u64> {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).ok()?;
    let mut st: libc::statvfs = unsafe { std::mem::zeroed() };
    // SAFETY: `c` is a valid NUL-terminated path, `st` a valid out-pointer.
    let rc = unsafe { libc::statvfs(c.as_ptr(), &mut st) };
    (rc == 0).then(|| st.f_bavail as u64 * st.f_frsize as u64)
}

/// Refuse (503) when the disk of `dir` lacks `need` bytes plus the reserve
/// (twice the evidence: the bag, then its zip).
pub(crate) fn check_space(dir: &Path, need: u64) -> Result<(), WebError> {
    let Some(free) = free_bytes(dir) else {
        return Ok(());
    };
    let want = need.saturating_mul(2).saturating_add(RESERVE_BYTES);
    if free < want {
        tracing::warn!(free, want, "export refused: not enough free space");
        return Err(WebError::Unavailable(format!(
            "服务器磁盘空间不足（可用 {} MB，导出约需 {} MB），请联系管理员",
            free / (1024 * 1024),
            want / (1024 * 1024)
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_per_user_and_a_small_global_limit() {
        let gate = ExportGate::default();
        let a = gate.try_start("a").expect("first");
        let again = gate.try_start("a").expect_err("a second for a");
        assert!(matches!(again, WebError::TooManyRequests(_)));
        let b = gate.try_start("b").expect("b");
        let c = gate.try_start("c").expect_err("full");
        assert!(matches!(c, WebError::Unavailable(_)), "{c}");
        drop(a);
        let _c = gate.try_start("c").expect("a slot freed");
        drop(b);
        assert!(free_bytes(Path::new("/")).is_some());
        assert!(check_space(Path::new("/"), u64::MAX / 4).is_err());
    }
}
