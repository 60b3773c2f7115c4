//! Writing a batch's result directory: one module per output file, and the
//! discipline they share.
//!
//! A batch locks the directory for its whole length ([`lock`]), checks it
//! (empty, or `--force`; leftovers of an interrupted batch are listed, and
//! removed with `--force`) and that it can create files in it, all before
//! simulating. Every file is written under a hidden partial name in the
//! result directory and renamed into place only when the whole batch
//! succeeded, so an interrupted or failed batch never leaves a file that
//! looks complete. `manifest.json` is renamed last: a directory with a
//! manifest is whole. Every CSV file starts with its header, even with no
//! rows, and every I/O error names its path.

mod blocs;
pub mod csvfmt;
mod distribution;
pub mod lock;
pub mod manifest;
mod runs;
mod states;
mod summary;
mod sweep;

pub use lock::{DirLock, LOCK_FILE};
pub use manifest::Manifest;
pub use runs::RunsWriter;
pub use sweep::SweepWriter;

use crate::aggregate::Tally;
use crate::model::Scenario;
use serde::Serialize;

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Every file a batch may write, in the order they are renamed into place.
pub const OUTPUT_FILES: [&str; 7] =
    ["summary.csv", "distribution.csv", "states.csv", "blocs.csv", "runs.csv", "sweep.csv", "manifest.json"];

/// The file created and removed in a result directory to check, before
/// simulating, that files can be created there.
pub const PROBE_FILE: &str = ".ungasim.probe";

/// Errors of the result directory.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The directory holds something and `--force` was not given.
    #[error("{dir} already exists and is not empty; {}", exists_advice(.leftovers))]
    Exists {
        /// The directory.
        dir: PathBuf,
        /// Leftovers of an interrupted batch found in it (partial files).
        leftovers: Vec<String>,
    },
    /// Another process is writing the directory.
    #[error(
        "{dir} is being written by another ungasim run ({}); wait for it to finish or choose another --out",
        .pid.map_or_else(|| "PID not yet recorded".to_string(), |pid| format!("PID {pid}"))
    )]
    Locked {
        /// The directory.
        dir: PathBuf,
        /// The holder's PID, as it wrote it into the lock file.
        pid: Option<u32>,
    },
    /// No file can be created in the directory (read-only, no permission).
    #[error("{dir} is not writable: cannot create {path}")]
    Unwritable {
        /// The directory.
        dir: PathBuf,
        /// The file that could not be created.
        path: PathBuf,
        /// Cause.
        source: io::Error,
    },
    /// A file or directory could not be created, written, renamed or removed.
    #[error("cannot {action} {path}")]
    Io {
        /// What failed: `create`, `write`, `remove`, ...
        action: &'static str,
        /// The file or directory.
        path: PathBuf,
        /// Cause.
        source: io::Error,
    },
}

impl ExportError {
    /// An [`ExportError::Io`] of `action` on `path`.
    pub fn io(action: &'static str, path: &Path, source: io::Error) -> ExportError {
        ExportError::Io { action, path: path.to_path_buf(), source }
    }
}

fn exists_advice(leftovers: &[String]) -> String {
    let advice = "choose another --out or pass --force to overwrite it";
    if leftovers.is_empty() {
        advice.to_string()
    } else {
        format!(
            "it holds partial files of an interrupted batch ({}), which --force removes; {advice}",
            leftovers.join(", ")
        )
    }
}

/// A result directory being written, locked until dropped. Dropping it
/// without [`OutputDir::commit`] removes the partial files; results of an
/// earlier batch stay as they were.
#[derive(Debug)]
pub struct OutputDir {
    dir: PathBuf,
    staged: Vec<&'static str>,
    committed: bool,
    had_results: bool,
    // Dropped after `Drop::drop` has removed the partial files.
    _lock: DirLock,
}

impl OutputDir {
    /// Prepares `dir` before anything is simulated: creates it if needed,
    /// locks it, refuses it if it is not empty unless `force` (which
    /// removes leftovers of an interrupted batch and keeps earlier results
    /// until [`OutputDir::commit`]), and checks that files can be created in it.
    pub fn create(dir: &Path, force: bool) -> Result<OutputDir, ExportError> {
        fs::create_dir_all(dir).map_err(|source| ExportError::io("create directory", dir, source))?;
        let lock = DirLock::acquire(dir)?;
        let (leftovers, results) = contents(dir)?;
        let empty = leftovers.is_empty() && results.is_empty();
        if !empty && !force {
            return Err(ExportError::Exists { dir: dir.to_path_buf(), leftovers });
        }
        for name in &leftovers {
            let path = dir.join(name);
            fs::remove_file(&path).map_err(|source| ExportError::io("remove", &path, source))?;
        }
        let probe = dir.join(PROBE_FILE);
        fs::File::create(&probe).map_err(|source| ExportError::Unwritable {
            dir: dir.to_path_buf(),
            path: probe.clone(),
            source,
        })?;
        fs::remove_file(&probe).map_err(|source| ExportError::io("remove", &probe, source))?;
        Ok(OutputDir {
            dir: dir.to_path_buf(),
            staged: Vec::new(),
            committed: false,
            had_results: !results.is_empty(),
            _lock: lock,
        })
    }

    /// Whether the directory held something other than leftovers when it
    /// was prepared (results of an earlier batch, replaced on commit).
    pub fn had_results(&self) -> bool {
        self.had_results
    }

    /// Opens the partial file for output `name` (one of [`OUTPUT_FILES`]).
    pub fn stage(&mut self, name: &'static str) -> Result<(fs::File, PathBuf), ExportError> {
        let path = self.dir.join(partial_name(name));
        let file = fs::File::create(&path).map_err(|source| ExportError::io("create", &path, source))?;
        self.staged.push(name);
        Ok((file, path))
    }

    /// Renames every staged file into place (manifest last) and removes
    /// outputs of an earlier batch that this one did not write.
    pub fn commit(mut self) -> Result<(), ExportError> {
        // An earlier batch's manifest goes first: should a rename below fail,
        // the directory must not look whole.
        let manifest = self.dir.join("manifest.json");
        match fs::remove_file(&manifest) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(ExportError::io("remove", &manifest, e)),
            _ => {}
        }
        for name in OUTPUT_FILES {
            let target = self.dir.join(name);
            if self.staged.contains(&name) {
                fs::rename(self.dir.join(partial_name(name)), &target)
                    .map_err(|source| ExportError::io("rename into place", &target, source))?;
            } else if target.exists() {
                fs::remove_file(&target).map_err(|source| ExportError::io("remove", &target, source))?;
            }
        }
        self.committed = true;
        Ok(())
    }
}

/// The hidden name output `name` is written under until the batch commits.
fn partial_name(name: &str) -> String {
    format!(".{name}.partial")
}

/// The entries of `dir` but the lock file, sorted, split into leftovers of
/// an interrupted batch (partial files, the probe) and everything else.
fn contents(dir: &Path) -> Result<(Vec<String>, Vec<String>), ExportError> {
    let read_error = |source| ExportError::io("read", dir, source);
    let mut names = Vec::new();
    for entry in fs::read_dir(dir).map_err(read_error)? {
        names.push(entry.map_err(read_error)?.file_name().to_string_lossy().into_owned());
    }
    names.sort();
    names.retain(|name| name != LOCK_FILE);
    let is_leftover = |name: &String| name == PROBE_FILE || OUTPUT_FILES.iter().any(|f| *name == partial_name(f));
    Ok(names.into_iter().partition(is_leftover))
}

/// Stages the four table files of a batch (`summary.csv`, `distribution.csv`,
/// `states.csv`, `blocs.csv`).
pub fn write_tables(out: &mut OutputDir, scenario: &Scenario, tally: &Tally) -> Result<(), ExportError> {
    write_csv(out, "summary.csv", &summary::header(), summary::rows(scenario, tally))?;
    write_csv(out, "distribution.csv", &distribution::HEADER, distribution::rows(scenario, tally))?;
    write_csv(out, "states.csv", &states::HEADER, states::rows(scenario, tally))?;
    write_csv(out, "blocs.csv", &blocs::HEADER, blocs::rows(scenario, tally))
}

/// Stages one CSV file: `header`, then the rows.
fn write_csv<R: Serialize>(
    out: &mut OutputDir,
    name: &'static str,
    header: &[impl AsRef<[u8]>],
    rows: impl IntoIterator<Item = R>,
) -> Result<(), ExportError> {
    let (file, path) = out.stage(name)?;
    let mut writer = csv_writer(file, header).map_err(|e| csv_error(&path, e))?;
    for row in rows {
        writer.serialize(row).map_err(|e| csv_error(&path, e))?;
    }
    writer.flush().map_err(|source| ExportError::io("write", &path, source))
}

/// A CSV writer on `file` that has written `header`. The header is written
/// explicitly, not taken from the first row, so a file without rows has one too.
fn csv_writer(file: fs::File, header: &[impl AsRef<[u8]>]) -> Result<csv::Writer<io::BufWriter<fs::File>>, csv::Error> {
    let mut writer = csv::WriterBuilder::new().has_headers(false).from_writer(io::BufWriter::new(file));
    writer.write_record(header)?;
    Ok(writer)
}

/// A CSV writer's error on `path` as an [`ExportError::Io`].
fn csv_error(path: &Path, error: csv::Error) -> ExportError {
    ExportError::io("write", path, error.into())
}

impl Drop for OutputDir {
    fn drop(&mut self) {
        if !self.committed {
            for name in &self.staged {
                let _ = fs::remove_file(self.dir.join(partial_name(name)));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{batch, scenario};

    /// The header a CSV writer takes from a serialized `row`'s field names.
    fn header_of(row: impl Serialize) -> String {
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer.serialize(row).unwrap();
        let text = String::from_utf8(writer.into_inner().unwrap()).unwrap();
        text.lines().next().unwrap().to_string()
    }

    #[test]
    fn header_constants_are_the_row_fields() {
        let toml = "[scenario]\nname = \"h\"\n[[proposals]]\nid = \"P\"\nposition = [0.5, 0.0]\n";
        let scenario = scenario::parse(toml, "h.toml", &[]).unwrap();
        let (tally, records) = batch::run_sequential(&scenario, 0..10);
        let cases = [
            (header_of(distribution::rows(&scenario, &tally).next().unwrap()), distribution::HEADER.join(",")),
            (header_of(states::rows(&scenario, &tally).next().unwrap()), states::HEADER.join(",")),
            (header_of(blocs::rows(&scenario, &tally).next().unwrap()), blocs::HEADER.join(",")),
            (header_of(runs::Row::new(&records[0], &scenario)), runs::HEADER.join(",")),
        ];
        for (fields, header) in cases {
            assert_eq!(fields, header);
        }
    }
}
