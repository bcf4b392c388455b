//! Writing a small file so that a power cut leaves the old contents or the new, never neither.
//!
//! `rename` alone is not enough: the new file's bytes may still be in the cache when the name
//! already points at them (after a power cut: an empty or half file under the real name), and
//! the rename itself lives in the folder, which has its own cache. So [`replace_file`] writes a
//! temporary file beside the target, syncs it, renames it over the target, then syncs the folder.
//!
//! **Windows** cannot open a folder as a `std::fs::File`, so there is no folder sync there. The
//! same promise holds another way: `File::sync_all` is `FlushFileBuffers`, so the new bytes are
//! on disk before the rename; `std::fs::rename` is `MoveFileExW` with
//! `MOVEFILE_REPLACE_EXISTING` inside one folder (so `MOVEFILE_WRITE_THROUGH`, which only
//! flushes a move done as copy-and-delete across volumes, would add nothing), and NTFS records
//! that rename in its metadata journal, which a power cut replays whole or not at all. The
//! worst case after a power cut is the *old* file under the name, never a damaged one.
//!
//! Windows also refuses to replace a file that another program holds open without sharing
//! its deletion (a virus scanner or a search indexer reading the new file, another Haven
//! process reading the key file, or any open handle on a FAT-formatted USB stick, where Rust's
//! POSIX-style rename is not available): the rename fails with "access denied" for as long
//! as the handle is open, which is usually milliseconds. [`rename_replacing`] tries again for
//! a short while there instead of failing the user's work.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::{Error, Result};

/// The temporary file [`replace_file`] writes before renaming it over `path`.
pub fn temp_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".tmp");
    path.with_file_name(name)
}

/// Replaces `path` with `bytes` durably: a temporary file beside it, synced, renamed over it,
/// and the folder synced. A crash or power cut at any moment leaves the old or the new
/// contents. The temporary file is removed if the write fails.
pub fn replace_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = temp_path(path);
    let written = (|| -> std::io::Result<()> {
        let mut file = File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        rename_replacing(&tmp, path)
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(Error::Io(std::io::Error::new(
            e.kind(),
            format!("could not write {}: {e}", path.display()),
        )));
    }
    sync_folder_of(path)
}

/// Flushes a file that was written and closed to disk. It is opened for writing: Windows
/// flushes (`FlushFileBuffers`) only through a handle with write access, and refuses a
/// read-only one with "access denied".
pub fn sync_file(path: &Path) -> std::io::Result<()> {
    std::fs::OpenOptions::new().write(true).open(path)?.sync_all()
}

/// How long [`rename_replacing`] keeps trying while another program holds the target open.
const RENAME_PATIENCE: Duration = Duration::from_secs(2);

/// `std::fs::rename(from, to)`, replacing `to`. On Windows a refusal because `to` (or `from`)
/// is open elsewhere ("access denied", a sharing violation) is tried again every few
/// milliseconds for up to two seconds, since such handles are short-lived; any other error, or
/// the same one past that time, is returned. Elsewhere it is one rename: POSIX systems replace
/// an open file.
pub fn rename_replacing(from: &Path, to: &Path) -> std::io::Result<()> {
    let started = Instant::now();
    let mut wait = Duration::from_millis(2);
    loop {
        match std::fs::rename(from, to) {
            Err(e) if cfg!(windows) && held_open(&e) && started.elapsed() < RENAME_PATIENCE => {
                std::thread::sleep(wait);
                wait = (wait * 2).min(Duration::from_millis(100));
            }
            done => return done,
        }
    }
}

/// Whether a failed rename on Windows means a handle open elsewhere: `ERROR_ACCESS_DENIED` (5)
/// or `ERROR_SHARING_VIOLATION` (32).
fn held_open(e: &std::io::Error) -> bool {
    matches!(e.raw_os_error(), Some(5) | Some(32))
}

/// Makes a rename or a new file in `path`'s folder survive a power cut (see the module docs
/// for Windows, where this does nothing).
pub fn sync_folder_of(path: &Path) -> Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    sync_folder(dir)
}

#[cfg(unix)]
fn sync_folder(dir: &Path) -> Result<()> {
    File::open(dir).and_then(|d| d.sync_all()).map_err(|e| {
        Error::Io(std::io::Error::new(e.kind(), format!("could not sync {}: {e}", dir.display())))
    })
}

#[cfg(not(unix))]
fn sync_folder(_dir: &Path) -> Result<()> {
    // No folder handle to sync on Windows: the rename is made durable by NTFS's journal.
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_then_replaces_and_leaves_no_temporary_file() -> Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("haven.keys");
        replace_file(&path, b"first")?;
        assert_eq!(std::fs::read(&path)?, b"first");
        replace_file(&path, b"second, longer")?;
        assert_eq!(std::fs::read(&path)?, b"second, longer", "the file is replaced whole");
        assert!(!temp_path(&path).exists(), "the temporary file is renamed away");
        let names: Vec<_> =
            std::fs::read_dir(dir.path())?.filter_map(|e| e.ok()).map(|e| e.file_name()).collect();
        assert_eq!(names, vec![std::ffi::OsString::from("haven.keys")], "nothing else is left behind");
        Ok(())
    }

    #[test]
    fn a_failed_write_leaves_the_old_file_and_no_temporary_file() -> Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("haven.keys");
        replace_file(&path, b"old")?;
        // A folder where the temporary file should go: the write fails before the rename.
        std::fs::create_dir(temp_path(&path))?;
        assert!(replace_file(&path, b"new").is_err());
        assert_eq!(std::fs::read(&path)?, b"old", "the old contents stay");
        Ok(())
    }

    #[test]
    fn a_written_and_closed_file_is_synced() -> Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("haven.db");
        std::fs::write(&path, b"whole")?;
        sync_file(&path)?;
        assert_eq!(std::fs::read(&path)?, b"whole", "syncing leaves the contents as they were");
        assert!(sync_file(&dir.path().join("missing.db")).is_err(), "a missing file is an error");
        Ok(())
    }

    #[test]
    fn replaces_a_file_that_a_reader_holds_open_for_a_moment() -> Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("haven.keys");
        replace_file(&path, b"old")?;
        // Another process reading the key file (or a virus scanner): open while the new one is
        // renamed over it, closed a moment later. Windows refuses the rename while it is open.
        let reader = File::open(&path)?;
        let closer = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(150));
            drop(reader);
        });
        let replaced = replace_file(&path, b"new");
        let _ = closer.join();
        replaced?;
        assert_eq!(std::fs::read(&path)?, b"new", "the file is replaced once the reader is gone");
        assert!(!temp_path(&path).exists(), "the temporary file is renamed away");
        Ok(())
    }

    #[test]
    fn the_folder_sync_runs_on_a_real_folder_and_reports_a_missing_one() -> Result<()> {
        let dir = tempfile::tempdir()?;
        sync_folder_of(&dir.path().join("haven.keys"))?;
        sync_folder_of(Path::new("haven.keys"))?;
        if cfg!(unix) {
            let gone = dir.path().join("gone").join("haven.keys");
            assert!(sync_folder_of(&gone).is_err(), "a folder that is not there is an error");
        }
        Ok(())
    }
}
