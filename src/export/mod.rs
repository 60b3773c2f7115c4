//! Writing a batch's result directory: one module per output file, and the
//! atomic-write discipline they share.
//!
//! Every file is written under a hidden partial name in the result
//! directory and renamed into place only when the whole batch succeeded, so
//! an interrupted or failed batch never leaves a file that looks complete.
//! `manifest.json` is renamed last: a directory with a manifest is whole.

mod blocs;
mod csvfmt;
mod distribution;
pub mod manifest;
mod runs;
mod states;
mod summary;

pub use manifest::Manifest;
pub use runs::RunsWriter;

use crate::aggregate::Tally;
use crate::model::Scenario;
use serde::Serialize;

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Every file a batch may write, in the order they are renamed into place.
pub const OUTPUT_FILES: [&str; 6] =
    ["summary.csv", "distribution.csv", "states.csv", "blocs.csv", "runs.csv", "manifest.json"];

/// Errors of the result directory.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The directory holds results and `--force` was not given.
    #[error("{dir} already exists and is not empty; choose another --out or pass --force to overwrite it")]
    Exists {
        /// The directory.
        dir: PathBuf,
    },
    /// A file could not be written.
    #[error("cannot write {path}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// Cause.
        source: io::Error,
    },
}

/// A result directory being written. Dropping it without [`OutputDir::commit`]
/// removes the partial files.
#[derive(Debug)]
pub struct OutputDir {
    dir: PathBuf,
    staged: Vec<&'static str>,
    committed: bool,
}

impl OutputDir {
    /// Prepares `dir`: refuses a non-empty directory unless `force`, creates it if needed.
    pub fn create(dir: &Path, force: bool) -> Result<OutputDir, ExportError> {
        let io_error = |source| ExportError::Io { path: dir.to_path_buf(), source };
        match fs::read_dir(dir) {
            Ok(entries) => {
                if entries.count() > 0 && !force {
                    return Err(ExportError::Exists { dir: dir.to_path_buf() });
                }
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => fs::create_dir_all(dir).map_err(io_error)?,
            Err(e) => return Err(io_error(e)),
        }
        Ok(OutputDir { dir: dir.to_path_buf(), staged: Vec::new(), committed: false })
    }

    /// Opens the partial file for output `name` (one of [`OUTPUT_FILES`]).
    pub fn stage(&mut self, name: &'static str) -> Result<(fs::File, PathBuf), ExportError> {
        let path = self.partial(name);
        let file = fs::File::create(&path).map_err(|source| ExportError::Io { path: path.clone(), source })?;
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
            Err(e) if e.kind() != io::ErrorKind::NotFound => {
                return Err(ExportError::Io { path: manifest, source: e });
            }
            _ => {}
        }
        for name in OUTPUT_FILES {
            let target = self.dir.join(name);
            if self.staged.contains(&name) {
                fs::rename(self.partial(name), &target).map_err(|source| ExportError::Io { path: target, source })?;
            } else if target.exists() {
                fs::remove_file(&target).map_err(|source| ExportError::Io { path: target, source })?;
            }
        }
        self.committed = true;
        Ok(())
    }

    fn partial(&self, name: &str) -> PathBuf {
        self.dir.join(format!(".{name}.partial"))
    }
}

/// Stages the four table files of a batch (`summary.csv`, `distribution.csv`,
/// `states.csv`, `blocs.csv`).
pub fn write_tables(out: &mut OutputDir, scenario: &Scenario, tally: &Tally) -> Result<(), ExportError> {
    write_csv(out, "summary.csv", summary::header(), summary::rows(scenario, tally))?;
    write_csv(out, "distribution.csv", None, distribution::rows(scenario, tally))?;
    write_csv(out, "states.csv", None, states::rows(scenario, tally))?;
    write_csv(out, "blocs.csv", None, blocs::rows(scenario, tally))
}

/// Stages one CSV file from serializable rows; `header` is needed only when
/// the rows are plain records rather than structs (which carry their header).
fn write_csv<R: Serialize>(
    out: &mut OutputDir,
    name: &'static str,
    header: Option<Vec<String>>,
    rows: impl IntoIterator<Item = R>,
) -> Result<(), ExportError> {
    let (file, path) = out.stage(name)?;
    let io_error = |e: csv::Error| ExportError::Io { path: path.clone(), source: e.into() };
    let mut writer = csv::Writer::from_writer(io::BufWriter::new(file));
    if let Some(header) = header {
        writer.write_record(header).map_err(io_error)?;
    }
    for row in rows {
        writer.serialize(row).map_err(io_error)?;
    }
    writer.flush().map_err(|source| ExportError::Io { path: path.clone(), source })
}

impl Drop for OutputDir {
    fn drop(&mut self) {
        if !self.committed {
            for name in &self.staged {
                let _ = fs::remove_file(self.partial(name));
            }
        }
    }
}
