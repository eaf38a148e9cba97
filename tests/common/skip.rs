//! A test that cannot run here (no PostgreSQL, no python env, ...), or a timing check a busy machine
//! would decide, is left out with a pass, says why, and is written down, so that a green `make test`
//! still tells what it did not check. Each skip is one file in the directory `CONCBENCH_TEST_SKIPS`
//! names (the Makefile empties it first and sums it up last, in tests/skipped.sh): a file of its own
//! per skip, so test threads and test binaries running at once never write into the same one. Without
//! the variable (a plain `cargo test`) the reason is printed only.

use std::fmt::Display;
use std::io::Write;
use std::panic::Location;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Why a test, or a check inside one, did not run; the words are the summary's, so every file says
/// it alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    /// No initdb and postgres (`make postgres-env`).
    NoPostgres,
    /// No python/.venv (`make python-env`).
    NoPythonEnv,
    /// No redis-server (`make redis-env`).
    NoRedis,
    /// The tests may use one CPU only: nothing to compare or restrict.
    OneCpu,
    /// No private mount namespace (`unshare -rm`) for a small tmpfs.
    NoMountNamespace,
    /// Other work on the machine (or a host that slows its vCPUs) would decide a timing check.
    Busy,
}

impl Why {
    fn words(self) -> &'static str {
        match self {
            Why::NoPostgres => "PostgreSQL not installed",
            Why::NoPythonEnv => "python env missing",
            Why::NoRedis => "Redis not installed",
            Why::OneCpu => "fewer than 2 CPUs",
            Why::NoMountNamespace => "no private mount namespace",
            Why::Busy => "a busy machine",
        }
    }
}

/// The calling test stops here (return right after): print why, with `detail`, and write it down.
#[track_caller]
pub fn skip(why: Why, detail: impl Display) {
    eprintln!("skipped: {}: {detail}", why.words());
    record("test", why.words(), Location::caller());
}

/// The calling test leaves out `check`, which could not mean anything here (`detail` says why); what
/// it checks besides stands.
#[track_caller]
pub fn skip_check(check: &str, why: Why, detail: impl Display) {
    eprintln!("skipped {check}: {detail}");
    record("check", why.words(), Location::caller());
}

/// One line `kind<TAB>why<TAB>file<TAB>test` in a new file of its own.
fn record(kind: &str, why: &str, at: &Location) {
    let Some(dir) = std::env::var_os("CONCBENCH_TEST_SKIPS") else {
        return;
    };
    static N: AtomicUsize = AtomicUsize::new(0);
    let test = std::thread::current()
        .name()
        .unwrap_or("?")
        .replace(['\t', '\n'], " ");
    let name = format!(
        "{}-{}-{}.skip",
        env!("CARGO_CRATE_NAME"),
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    );
    let dir = std::path::Path::new(&dir);
    let written = std::fs::create_dir_all(dir).and_then(|()| {
        std::fs::File::create_new(dir.join(name))?
            .write_all(format!("{kind}\t{why}\t{}\t{test}\n", at.file()).as_bytes())
    });
    // Unrecorded, the summary would claim less was skipped than was: that is a failure.
    written.unwrap_or_else(|e| panic!("cannot record the skip in {}: {e}", dir.display()));
}
