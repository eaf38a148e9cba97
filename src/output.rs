//! How a command's output leaves the process so that a failure never leaves half of it. A file is
//! written to a temporary file beside it and renamed over it ([`write_atomically`]), so a reader, a
//! crash or a full disk sees the old file or the new one, never an empty or truncated one: result
//! files, the report and the machines page. Standard output whose reader has gone
//! (`concbench list | head -1`) ends the printing quietly instead of panicking ([`print`]): every
//! command main prints for. It sits below every layer so that compare's page and text can use it too.

use anyhow::Context;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Write `bytes` to `path` whole or not at all: see [`write_atomically_with`].
pub fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    write_atomically_with(path, |tmp| {
        std::fs::File::create(tmp)
            .and_then(|mut f| f.write_all(bytes))
            .map_err(anyhow::Error::new)
    })
}

/// Let `write` create the file at a temporary path in `path`'s directory, flush it to the disk, and
/// rename it over `path`. When anything fails (a full disk most often) the temporary file is removed
/// and `path` is as it was; the error names `path`. The directory must exist.
pub fn write_atomically_with(
    path: &Path,
    write: impl FnOnce(&Path) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let tmp = temp_path(path);
    let written = write(&tmp)
        // Data on disk before the rename: a crash after it must not leave the new name empty.
        .and_then(|_| {
            std::fs::File::open(&tmp)
                .and_then(|f| f.sync_data())
                .map_err(anyhow::Error::new)
        })
        .and_then(|_| std::fs::rename(&tmp, path).map_err(anyhow::Error::new));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(e.context(format!("cannot write {}", path.display())));
    }
    Ok(())
}

/// `dir/.NAME.PID.tmp.EXT` for `dir/NAME.EXT`: hidden (the store's listings skip it), one per process
/// (two runs writing beside each other never share one), and with the extension last, because some
/// writers choose the format from it (plotters' PNG encoder does).
fn temp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".into());
    let ext = path
        .extension()
        .map(|e| format!(".{}", e.to_string_lossy()))
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.{}.tmp{ext}", std::process::id()))
}

/// Print `text` on standard output. A reader that has gone (a closed pipe: `| head`, `| true`) is
/// not an error: the command's work is done, and its exit code stays what it would have been had the
/// output been read. Any other failure to write (a full disk behind a redirection) is one.
pub fn print(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(e).context("cannot write to standard output")
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(name: &str) -> PathBuf {
        let d =
            std::env::temp_dir().join(format!("concbench-output-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn a_failed_write_leaves_the_old_file_and_no_temp_file() {
        let d = dir("failed");
        let path = d.join("index.html");
        std::fs::write(&path, "old").unwrap();
        let err = write_atomically_with(&path, |tmp| {
            std::fs::write(tmp, "half")?;
            anyhow::bail!("No space left on device")
        })
        .unwrap_err();
        assert!(format!("{err:#}").contains("cannot write"), "{err:#}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old");
        assert_eq!(std::fs::read_dir(&d).unwrap().count(), 1, "no temp file");
        write_atomically(&path, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        assert_eq!(std::fs::read_dir(&d).unwrap().count(), 1, "no temp file");
        let _ = std::fs::remove_dir_all(d);
    }

    #[test]
    fn the_temp_file_is_hidden_and_keeps_the_extension() {
        let tmp = temp_path(Path::new("r/charts/seed.png"));
        let name = tmp.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            name.starts_with(".seed.png.") && name.ends_with(".tmp.png"),
            "{name}"
        );
        assert_eq!(tmp.parent(), Some(Path::new("r/charts")));
        let bare = temp_path(Path::new("out"));
        assert!(
            bare.to_string_lossy().ends_with(".tmp"),
            "{}",
            bare.display()
        );
    }
}
