//! The result directory's lock: one batch at a time writes a directory.
//!
//! Two batches writing one directory would interleave their partial files
//! and rename each other's results into place. So a batch holds an
//! exclusive `flock` on `.ungasim.lock` in the directory from before it
//! checks the directory until after it has committed or cleaned up; a
//! second writer is refused at once, told the holder's PID (which the
//! holder writes into the file). The kernel releases the lock when its
//! holder dies, even by `kill -9`, so a stale lock file never blocks; it is
//! taken over and removed by the next batch.

use super::ExportError;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, Write};
use std::path::{Path, PathBuf};

/// Name of the lock file inside a result directory.
pub const LOCK_FILE: &str = ".ungasim.lock";

/// An exclusive lock on a result directory, released (and its file
/// removed) on drop.
#[derive(Debug)]
pub struct DirLock {
    file: File,
    path: PathBuf,
}

impl DirLock {
    /// Locks the existing directory `dir`, or fails at once with
    /// [`ExportError::Locked`] if another process holds it.
    pub fn acquire(dir: &Path) -> Result<DirLock, ExportError> {
        let path = dir.join(LOCK_FILE);
        loop {
            let file = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .map_err(|source| ExportError::Unwritable { dir: dir.to_path_buf(), path: path.clone(), source })?;
            // fs4's, not std's `File::try_lock` (Rust 1.89): the same flock,
            // but this builds with the declared rust-version.
            if let Err(error) = fs4::FileExt::try_lock(&file) {
                let error = io::Error::from(error);
                if error.kind() == io::ErrorKind::WouldBlock {
                    return Err(ExportError::Locked { dir: dir.to_path_buf(), pid: holder_pid(file) });
                }
                return Err(ExportError::io("lock", &path, error));
            }
            // A holder that finished between our open and our lock removed
            // the file we locked; lock the file at the path instead.
            if is_at_path(&file, &path) {
                let mut lock = DirLock { file, path };
                lock.write_pid().map_err(|source| ExportError::io("write", &lock.path, source))?;
                return Ok(lock);
            }
        }
    }

    fn write_pid(&mut self) -> io::Result<()> {
        self.file.set_len(0)?;
        self.file.rewind()?;
        writeln!(self.file, "{}", std::process::id())
    }
}

impl Drop for DirLock {
    fn drop(&mut self) {
        // Removed while still locked (the lock goes with the descriptor,
        // after this), so no one can lock the old file and think it current.
        let _ = fs::remove_file(&self.path);
    }
}

/// The PID written into a lock file by its holder (None while the holder
/// has yet to write it, or if the file holds anything else).
fn holder_pid(file: File) -> Option<u32> {
    let mut text = String::new();
    // A PID and a newline; anything longer is not a PID.
    file.take(32).read_to_string(&mut text).ok()?;
    text.trim().parse().ok()
}

/// Whether the open `file` is the one now at `path`.
#[cfg(unix)]
fn is_at_path(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), fs::metadata(path)) {
        (Ok(open), Ok(named)) => (open.dev(), open.ino()) == (named.dev(), named.ino()),
        _ => false,
    }
}

/// Whether the open `file` is the one now at `path` (elsewhere an open
/// file cannot be removed, so it always is).
#[cfg(not(unix))]
fn is_at_path(_file: &File, _path: &Path) -> bool {
    true
}
