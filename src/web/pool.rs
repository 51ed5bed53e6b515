//! Connections for the web server: a bounded pool of readers beside the one
//! writer. SQLite in WAL mode lets readers run beside a writer, so pages,
//! searches and sign-ins never wait behind a confirmation; writes (reviews,
//! uploads, sign-ins) still go one at a time through `AppState::with_store`.

use super::WebError;
use crate::store::Store;
use std::path::PathBuf;
use std::sync::{Condvar, Mutex};

/// At most `max` reader connections, opened on first need and kept.
pub(crate) struct ReadPool {
    path: PathBuf,
    max: usize,
    state: Mutex<Slots>,
    freed: Condvar,
}

struct Slots {
    idle: Vec<Store>,
    open: usize,
}

impl ReadPool {
    /// A pool of up to twice the machine's cores, at least four.
    pub(crate) fn new(path: PathBuf) -> ReadPool {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        ReadPool::with_max(path, (cores * 2).max(4))
    }

    pub(crate) fn with_max(path: PathBuf, max: usize) -> ReadPool {
        ReadPool {
            path,
            max: max.max(1),
            state: Mutex::new(Slots {
                idle: Vec::new(),
                open: 0,
            }),
            freed: Condvar::new(),
        }
    }

    /// Run `f` on a reader, waiting for one when all are busy.
    pub(crate) fn read<T>(
        &self,
        f: impl FnOnce(&Store) -> Result<T, WebError>,
    ) -> Result<T, WebError> {
        let store = self.take()?;
        let out = f(&store);
        self.give_back(store);
        out
    }

    fn take(&self) -> Result<Store, WebError> {
        let poisoned = || WebError::Internal("the reader pool is poisoned".into());
        let mut slots = self.state.lock().map_err(|_| poisoned())?;
        loop {
            if let Some(store) = slots.idle.pop() {
                return Ok(store);
            }
            if slots.open < self.max {
                slots.open += 1;
                drop(slots);
                return Store::open(&self.path).map_err(|e| {
                    if let Ok(mut s) = self.state.lock() {
                        s.open -= 1;
                    }
                    self.freed.notify_one();
                    WebError::Store(e)
                });
            }
            slots = self.freed.wait(slots).map_err(|_| poisoned())?;
        }
    }

    fn give_back(&self, store: Store) {
        if let Ok(mut slots) = self.state.lock() {
            slots.idle.push(store);
        }
        self.freed.notify_one();
    }

    /// Connections open now (idle or in use).
    #[cfg(test)]
    fn open(&self) -> usize {
        self.state.lock().map_or(0, |s| s.open)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn readers_are_bounded_and_reused() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("radar.sqlite");
        Store::open(&path).expect("create");
        let pool = Arc::new(ReadPool::with_max(path, 2));
        let busy = Arc::new(AtomicUsize::new(0));
        let peak = Arc::new(AtomicUsize::new(0));
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let (pool, busy, peak) = (pool.clone(), busy.clone(), peak.clone());
                std::thread::spawn(move || {
                    pool.read(|store| {
                        let now = busy.fetch_add(1, Ordering::SeqCst) + 1;
                        peak.fetch_max(now, Ordering::SeqCst);
                        std::thread::sleep(std::time::Duration::from_millis(20));
                        busy.fetch_sub(1, Ordering::SeqCst);
                        Ok(store.users()?.len())
                    })
                })
            })
            .collect();
        for t in threads {
            assert_eq!(t.join().expect("thread").expect("read"), 0);
        }
        assert_eq!(
            peak.load(Ordering::SeqCst),
            2,
            "two readers at most, both used"
        );
        assert_eq!(pool.open(), 2);
    }

    #[test]
    fn a_reader_that_cannot_open_frees_its_slot() {
        let dir = tempfile::tempdir().expect("dir");
        // A directory where the database should be: every open fails.
        let pool = ReadPool::with_max(dir.path().to_path_buf(), 1);
        for _ in 0..3 {
            assert!(pool.read(|s| Ok(s.users()?.len())).is_err());
        }
        assert_eq!(pool.open(), 0);
    }
}
