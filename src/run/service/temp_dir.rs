//! The private temporary directory the database services keep their files in — SQLite's file, a
//! PostgreSQL cluster's data and socket — removed with everything in it when the service stops, and,
//! when a killed harness (SIGKILL leaves no time to clean up) left one behind, by the next run of any
//! workload. Its name ends in 64 random bits, so another local user cannot guess it and put something
//! in its place first.

use anyhow::Context;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// What every directory this module makes is named after: `concbench-db-<pid>-<random>`. The prefix is
/// the one earlier harnesses gave theirs: a harness removes what another left behind only under it.
const PREFIX: &str = "concbench-db-";

/// A private directory under the system's temporary directory, removed with everything in it when
/// dropped. One left behind by a harness that was killed (SIGKILL leaves no time to clean up) is
/// removed by the next one that makes a directory here.
pub struct TempDir {
    path: PathBuf,
}

impl TempDir {
    pub fn new() -> anyhow::Result<TempDir> {
        let base = std::env::temp_dir();
        remove_stale(&base);
        let path = base.join(format!("{PREFIX}{}-{:016x}", std::process::id(), random()?));
        // create_dir refuses a path that exists, a symlink planted there included.
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

/// 64 bits from the kernel's random source.
fn random() -> anyhow::Result<u64> {
    let mut bytes = [0u8; 8];
    // SAFETY: the buffer is ours and as long as said.
    let got = unsafe { libc::getrandom(bytes.as_mut_ptr().cast(), bytes.len(), 0) };
    anyhow::ensure!(
        got == bytes.len() as isize,
        "cannot read the kernel's random source: {}",
        std::io::Error::last_os_error()
    );
    Ok(u64::from_ne_bytes(bytes))
}

/// Remove the directories under `base` whose harness is gone: real directories (not a link to
/// elsewhere) of this user's — or any, for root, whose harness gives its cluster's directory to the
/// `postgres` user (and root may remove any dead harness's leavings). A process that still exists (or
/// that this user may not signal) keeps its directories.
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
        // SAFETY: geteuid cannot fail.
        let me = unsafe { libc::geteuid() };
        let mine = std::fs::symlink_metadata(entry.path())
            .is_ok_and(|m| m.is_dir() && (m.uid() == me || me == 0));
        // SAFETY: signal 0 only asks whether the process exists.
        let gone = unsafe { libc::kill(pid, 0) } != 0
            && std::io::Error::last_os_error().raw_os_error() == Some(libc::ESRCH);
        if mine && gone {
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
        // A link with a dead harness's name is no directory of ours: it stays, and so does its target.
        let target =
            std::env::temp_dir().join(format!("concbench-link-target-{}", std::process::id()));
        std::fs::create_dir_all(&target).unwrap();
        let link = std::env::temp_dir().join(format!("{PREFIX}999999998-0"));
        let _ = std::fs::remove_file(&link);
        std::os::unix::fs::symlink(&target, &link).unwrap();
        remove_stale(&std::env::temp_dir());
        assert!(!stale.exists(), "a dead harness's directory is removed");
        assert!(path.exists(), "a live one's stays");
        assert!(
            link.symlink_metadata().is_ok() && target.exists(),
            "a link is left alone"
        );
        std::fs::remove_file(&link).unwrap();
        std::fs::remove_dir(&target).unwrap();
        drop(dir);
        assert!(!path.exists());
    }

    #[test]
    fn a_directory_name_cannot_be_guessed() {
        let (a, b) = (TempDir::new().unwrap(), TempDir::new().unwrap());
        let suffix = |d: &TempDir| {
            d.path()
                .file_name()
                .unwrap()
                .to_string_lossy()
                .rsplit('-')
                .next()
                .unwrap()
                .to_string()
        };
        let (x, y) = (suffix(&a), suffix(&b));
        assert_eq!((x.len(), y.len()), (16, 16), "{x} {y}");
        assert_ne!(
            x, y,
            "two directories of one process are not numbered in turn"
        );
    }
}
