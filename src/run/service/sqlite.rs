//! SQLite as a service of the run: no process, only a private temporary directory in which each
//! repetition's case process makes a fresh database file, started before the first case that writes
//! to it (like every service: its making is never measured) and removed when the run ends. Cases are
//! given the file's path as their URL.

use super::temp_dir::TempDir;
use super::Service;

/// The directory SQLite cases write their file in.
pub struct SqliteDir {
    url: String,
    // Removed when dropped, the file with it.
    _dir: TempDir,
}

impl SqliteDir {
    pub fn start() -> anyhow::Result<SqliteDir> {
        let dir = TempDir::new()?;
        Ok(SqliteDir {
            url: dir.path().join("concbench.sqlite").display().to_string(),
            _dir: dir,
        })
    }
}

impl Service for SqliteDir {
    fn name(&self) -> &'static str {
        "SQLite"
    }

    fn url(&self) -> &str {
        &self.url
    }
}
