//! The private temporary directory the database services keep their files in — SQLite's file, a
//! PostgreSQL cluster's data and socket — removed with everything in it when the service stops, and,
//! when a killed harness (SIGKILL leaves no time to clean up) left one behind, by the next harness.

use anyhow::Context;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// What every directory this module makes is named after: `concbench-db-<pid>-<n>`. The name is the
/// one earlier harnesses gave theirs: a harness removes what another left behind only under it.
const PREFIX: &str = "concbench-db-";

/// A private directory under the system's temporary directory, removed with everything in it when
/// dropped. One left behind by a harness that was killed (SIGKILL leaves no time to clean up) is
/// removed by the next one that makes a directory here.
pub struct TempDir {
    path: PathBuf,
}

impl TempDir {
    pub fn new() -> anyhow::Result<TempDir> {
        static SEQ: AtomicUsize = AtomicUsize::new(0);
        let base = std::env::temp_dir();
        remove_stale(&base);
        let name = format!(
            "{PREFIX}{}-{}",
            std::process::id(),
            SEQ.fetch_add(1, Ordering::Relaxed)
        );
        let path = base.join(name);
        std::fs::create_dir(&path)
            .with_context(|| format!("cannot create the directory {}", path.display()))?;
        std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o700))
            .with_context(|| format!("cannot make {} private", path.display()))?;
        Ok(TempDir { path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// Remove the directories under `base` whose harness is gone. A process that still exists (or that
/// this user may not signal) keeps its directories.
pub fn remove_stale(base: &Path) {
    let Ok(entries) = std::fs::read_dir(base) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix(PREFIX))
            .and_then(|rest| rest.split('-').next())
            .and_then(|pid| pid.parse::<libc::pid_t>().ok())
        else {
            continue;
        };
        // SAFETY: signal 0 only asks whether the process exists.
        let gone = unsafe { libc::kill(pid, 0) } != 0
            && std::io::Error::last_os_error().raw_os_error() == Some(libc::ESRCH);
        if gone {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_directory_goes_with_its_owner() {
        let dir = TempDir::new().unwrap();
        let path = dir.path().to_path_buf();
        std::fs::write(path.join("f"), b"x").unwrap();
        // A harness that no longer runs: a pid above pid_max never does.
        let stale = std::env::temp_dir().join(format!("{PREFIX}999999999-0"));
        std::fs::create_dir_all(stale.join("data")).unwrap();
        remove_stale(&std::env::temp_dir());
        assert!(!stale.exists(), "a dead harness's directory is removed");
        assert!(path.exists(), "a live one's stays");
        drop(dir);
        assert!(!path.exists());
    }
}
