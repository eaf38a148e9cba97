//! What the integration tests share, so that a helper, a new field of a struct the tests build, or a
//! new reason to skip is written once: the binary and how to run it, a slow server in this process,
//! builders that default the fields a test rarely sets, process and file helpers, the report's
//! fixtures and readers, and the record of what was skipped. Each test file takes it with `mod common;`.
// Every test binary compiles all of it and uses a part.
#![allow(dead_code)]

mod builders;
mod compare;
mod labels;
mod process;
mod report;
mod server;
mod skip;

// Not every test binary uses each part.
#[allow(unused_imports)]
pub use {builders::*, compare::*, labels::*, process::*, report::*, server::*, skip::*};

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

/// The concbench binary, re-executed by process pools and run by the CLI tests.
pub const EXE: &str = env!("CARGO_BIN_EXE_concbench");

/// Timing tests take this so they do not compete with each other for the 2 cores.
pub fn timing_lock() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|p| p.into_inner())
}

/// An empty directory of this test's own under the system's temporary directory, removed when the
/// returned guard drops: a test that passes leaves nothing behind. One whose thread is panicking (a
/// failed assertion) keeps it, for whoever looks into the failure. The test binary's name and its pid
/// are in the path, so binaries and runs side by side never share one, and a number of its own, so
/// neither do two tests of one binary running at once that ask for the same name.
pub fn tmpdir(name: &str) -> TmpDir {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!(
        "concbench-{}-{}-{n}-{name}",
        env!("CARGO_CRATE_NAME"),
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    TmpDir(dir)
}

/// A test's directory (see [`tmpdir`]); it derefs to its path.
#[derive(Debug)]
pub struct TmpDir(PathBuf);

impl std::ops::Deref for TmpDir {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl AsRef<Path> for TmpDir {
    fn as_ref(&self) -> &Path {
        &self.0
    }
}

impl AsRef<std::ffi::OsStr> for TmpDir {
    fn as_ref(&self) -> &std::ffi::OsStr {
        self.0.as_os_str()
    }
}

impl Drop for TmpDir {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

/// Most tasks in flight at one instant, from the recorded start/end times.
pub fn max_overlap(spans: &[(Duration, Duration)]) -> usize {
    let mut events: Vec<(Duration, i32)> =
        spans.iter().flat_map(|&(s, e)| [(s, 1), (e, -1)]).collect();
    // Ends sort before starts at the same instant, so touching spans do not count as overlapping.
    events.sort();
    let (mut now, mut max) = (0i32, 0i32);
    for (_, d) in events {
        now += d;
        max = max.max(now);
    }
    max as usize
}
