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
//! rows, and every I/O error names its path. [`write_batch`] is that
//! sequence (tables, `tally.json`, manifest, commit), shared by every
//! command that writes a batch.
//!
//! An unfinished batch may checkpoint its exact tally into the directory
//! ([`CHECKPOINT_FILE`], replaced atomically after every wave); a stopped
//! batch keeps it, with the partial `runs.csv` and `votes.csv`, for `run --resume`.

mod blocs;
pub mod csvfmt;
mod distribution;
mod given;
pub mod lock;
pub mod manifest;
mod membership;
mod runs;
mod states;
mod streamed;
mod summary;
mod sweep;
pub mod tally;
pub mod votes;

pub use lock::{DirLock, LOCK_FILE};
pub use manifest::Manifest;
pub use runs::{Part, RunsWriter, concatenate_runs};
pub use sweep::{SWEEP_TABLES, SweepBytes, SweepCheckpoint, SweepIdentity, SweepWriter, concatenate_sweep_table};
pub use tally::{Checkpoint, Identity, TallyFile};
pub use votes::{VotesWriter, concatenate_votes};

use crate::aggregate::Tally;
use crate::limits::{self, FileLimit, JsonError, ReadError};
use crate::model::Scenario;
use serde::Serialize;

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Every file a batch may write, in the order they are renamed into place.
pub const OUTPUT_FILES: [&str; 14] = [
    "summary.csv",
    "distribution.csv",
    "states.csv",
    "blocs.csv",
    "given.csv",
    "scenario.json",
    "membership.csv",
    "runs.csv",
    "votes.csv",
    "tally.json",
    "sweep.csv",
    "sweep_states.csv",
    "sweep_blocs.csv",
    "manifest.json",
];

/// The outputs streamed while a batch or sweep runs, whose partial files a
/// checkpoint covers (and keeps for `--resume`).
const STREAMED: [&str; 5] = ["runs.csv", "votes.csv", "sweep.csv", "sweep_states.csv", "sweep_blocs.csv"];

/// The report's page in a result directory (`ungasim report`, `run --report`).
pub const REPORT_HTML: &str = "report.html";

/// The directory of the report's figures beside [`REPORT_HTML`].
pub const REPORT_FIGURES: &str = "report";

/// The checkpoint of an unfinished batch ([`Checkpoint`]), in its result directory.
pub const CHECKPOINT_FILE: &str = ".checkpoint.json";

/// The name a checkpoint is written under before it is renamed over [`CHECKPOINT_FILE`].
const CHECKPOINT_TEMP: &str = ".checkpoint.json.tmp";

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
    /// A JSON file could not be parsed (a truncated or edited file); the
    /// cause, with line and column, follows in the error chain.
    #[error("{path}")]
    Json {
        /// The file.
        path: PathBuf,
        /// Cause (with line and column).
        source: serde_json::Error,
    },
    /// A file parsed but does not hold together.
    #[error("{path}: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
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
    } else if leftovers.iter().any(|name| name == CHECKPOINT_FILE) {
        format!(
            "it holds the checkpoint of an interrupted batch ({}): run the same command with --resume to \
             continue it, or pass --force to discard it",
            leftovers.join(", ")
        )
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
    /// Keep the checkpoint and the partial runs.csv on drop ([`OutputDir::suspend`]).
    suspended: bool,
    /// Whether this batch has written a checkpoint (one it only read, and
    /// did not replace, is left as it is when the batch fails).
    wrote_checkpoint: bool,
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
        OutputDir::open(dir, force, false).map(|(out, _)| out)
    }

    /// [`OutputDir::create`] for `run --resume`: a checkpoint in `dir` (and
    /// the partial `runs.csv` beside it) is not a reason to refuse the
    /// directory; it is read and returned, and kept. Other leftovers are
    /// removed. Without a checkpoint, the same as `create`.
    pub fn resume(dir: &Path, force: bool) -> Result<(OutputDir, Option<Checkpoint>), ExportError> {
        OutputDir::open(dir, force, true)
    }

    /// [`OutputDir::resume`] with a checkpoint of another kind, read by
    /// `read` (`sweep --resume` and its [`SweepCheckpoint`]).
    pub fn resume_with<T>(
        dir: &Path,
        force: bool,
        read: impl FnOnce(&Path) -> Result<T, ExportError>,
    ) -> Result<(OutputDir, Option<T>), ExportError> {
        OutputDir::open_with(dir, force, true, read)
    }

    fn open(dir: &Path, force: bool, resume: bool) -> Result<(OutputDir, Option<Checkpoint>), ExportError> {
        OutputDir::open_with(dir, force, resume, Checkpoint::read)
    }

    fn open_with<T>(
        dir: &Path,
        force: bool,
        resume: bool,
        read: impl FnOnce(&Path) -> Result<T, ExportError>,
    ) -> Result<(OutputDir, Option<T>), ExportError> {
        fs::create_dir_all(dir).map_err(|source| ExportError::io("create directory", dir, source))?;
        let lock = DirLock::acquire(dir)?;
        let (mut leftovers, results) = contents(dir)?;
        let checkpoint_path = dir.join(CHECKPOINT_FILE);
        let checkpoint = match resume && checkpoint_path.exists() {
            true => Some(read(&checkpoint_path)?),
            false => None,
        };
        if checkpoint.is_some() {
            leftovers.retain(|name| name != CHECKPOINT_FILE && !STREAMED.iter().any(|f| *name == partial_name(f)));
        }
        // With --resume, leftovers without a checkpoint are stale and go.
        let blocked = !results.is_empty() || (!leftovers.is_empty() && !resume);
        if blocked && !force {
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
        let out = OutputDir {
            dir: dir.to_path_buf(),
            staged: Vec::new(),
            committed: false,
            suspended: false,
            wrote_checkpoint: false,
            had_results: !results.is_empty(),
            _lock: lock,
        };
        Ok((out, checkpoint))
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// Writes `checkpoint` as [`CHECKPOINT_FILE`], atomically: under a
    /// temporary name first, then renamed over the previous one, so a
    /// `kill -9` at any moment leaves a whole checkpoint or the one before.
    pub fn checkpoint(&mut self, checkpoint: &impl Serialize) -> Result<(), ExportError> {
        let (temp, path) = (self.dir.join(CHECKPOINT_TEMP), self.dir.join(CHECKPOINT_FILE));
        let file = fs::File::create(&temp).map_err(|source| ExportError::io("create", &temp, source))?;
        self.wrote_checkpoint = true;
        write_json(file, &temp, checkpoint, false)?;
        fs::rename(&temp, &path).map_err(|source| ExportError::io("rename into place", &path, source))
    }

    /// Whether a checkpoint is in the directory (this batch's or the one
    /// it resumes).
    pub fn has_checkpoint(&self) -> bool {
        self.dir.join(CHECKPOINT_FILE).exists()
    }

    /// Ends an unfinished batch keeping its checkpoint and partial
    /// `runs.csv` and `votes.csv` (for `--resume`); other partial files are removed, the
    /// lock released. Without a checkpoint nothing is kept, as on drop.
    /// Returns whether a checkpoint was kept.
    pub fn suspend(mut self) -> bool {
        self.suspended = self.has_checkpoint();
        self.suspended
    }

    /// Reopens the partial streamed output `name` (`runs.csv`,
    /// `votes.csv`, or a sweep's tables) of a checkpoint for appending, cut to the checkpoint's
    /// `bytes` (rows written after it are dropped). Refused if the file is
    /// missing or shorter.
    pub fn reopen_partial(&mut self, name: &'static str, bytes: u64) -> Result<(fs::File, PathBuf), ExportError> {
        debug_assert!(STREAMED.contains(&name));
        let path = self.dir.join(partial_name(name));
        let invalid = |message: String| ExportError::Invalid { path: path.clone(), message };
        let file = fs::OpenOptions::new().write(true).open(&path).map_err(|e| {
            invalid(format!("cannot open the partial {name} of the checkpoint ({e}); --force discards the checkpoint"))
        })?;
        let length = file.metadata().map_err(|source| ExportError::io("read", &path, source))?.len();
        if length < bytes {
            return Err(invalid(format!(
                "{length} bytes, but the checkpoint counts {bytes}; --force discards the checkpoint"
            )));
        }
        file.set_len(bytes).map_err(|source| ExportError::io("truncate", &path, source))?;
        let mut file = file;
        io::Seek::seek(&mut file, io::SeekFrom::End(0)).map_err(|source| ExportError::io("write", &path, source))?;
        self.staged.push(name);
        Ok((file, path))
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

    /// Stages output `name` as `value` in pretty JSON and a newline.
    pub fn stage_json(&mut self, name: &'static str, value: &impl Serialize) -> Result<(), ExportError> {
        let (file, path) = self.stage(name)?;
        write_json(file, &path, value, true)
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
        remove_stale_report(&self.dir)?;
        remove_checkpoint(&self.dir)
    }
}

/// Removes the report of an earlier batch from `dir` (the page, its SVG
/// figures, and their directory once empty): it describes results that
/// are gone. A report is written after the results are committed.
fn remove_stale_report(dir: &Path) -> Result<(), ExportError> {
    let remove = |path: &Path| match fs::remove_file(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(ExportError::io("remove", path, e)),
        _ => Ok(()),
    };
    remove(&dir.join(REPORT_HTML))?;
    let figures = dir.join(REPORT_FIGURES);
    if let Ok(entries) = fs::read_dir(&figures) {
        for entry in entries.flatten() {
            if entry.file_name().to_string_lossy().ends_with(".svg") {
                remove(&entry.path())?;
            }
        }
        let _ = fs::remove_dir(&figures);
    }
    Ok(())
}

/// Removes the checkpoint (and a temporary one) from `dir`, if there.
fn remove_checkpoint(dir: &Path) -> Result<(), ExportError> {
    for name in [CHECKPOINT_FILE, CHECKPOINT_TEMP] {
        let path = dir.join(name);
        match fs::remove_file(&path) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(ExportError::io("remove", &path, e)),
            _ => {}
        }
    }
    Ok(())
}

/// Writes `value` as JSON (pretty or compact) and a newline into `file` (at `path`).
fn write_json(file: fs::File, path: &Path, value: &impl Serialize, pretty: bool) -> Result<(), ExportError> {
    let io_error = |source| ExportError::io("write", path, source);
    let mut writer = io::BufWriter::new(file);
    match pretty {
        true => serde_json::to_writer_pretty(&mut writer, value),
        false => serde_json::to_writer(&mut writer, value),
    }
    .map_err(|e| io_error(e.into()))?;
    io::Write::write_all(&mut writer, b"\n").map_err(io_error)?;
    io::Write::flush(&mut writer).map_err(io_error)
}

/// Reads the JSON file `path` as a `T`, refusing a file larger than
/// `limit` before reading it; errors name the path (and line and column).
pub fn read_json<T: serde::de::DeserializeOwned>(path: &Path, limit: FileLimit) -> Result<T, ExportError> {
    limits::read_json(path, limit).map_err(|error| match error {
        JsonError::Json(source) => ExportError::Json { path: path.to_path_buf(), source },
        JsonError::Read(ReadError::Io(source)) => ExportError::io("read", path, source),
        JsonError::Read(too_large) => ExportError::Invalid { path: path.to_path_buf(), message: too_large.to_string() },
    })
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
    let is_leftover = |name: &String| {
        [PROBE_FILE, CHECKPOINT_FILE, CHECKPOINT_TEMP].contains(&name.as_str())
            || OUTPUT_FILES.iter().any(|f| *name == partial_name(f))
    };
    Ok(names.into_iter().partition(is_leftover))
}

/// Stages the table files of a batch computed from its tally
/// (`summary.csv`, `distribution.csv`, `states.csv`, `blocs.csv`, and
/// `given.csv` when it has a what-if condition).
pub fn write_tables(out: &mut OutputDir, scenario: &Scenario, tally: &Tally) -> Result<(), ExportError> {
    write_csv(out, "summary.csv", &summary::header(), summary::rows(scenario, tally))?;
    write_csv(out, "distribution.csv", &distribution::HEADER, distribution::rows(scenario, tally))?;
    write_csv(out, "states.csv", &states::HEADER, states::rows(scenario, tally))?;
    write_csv(out, "blocs.csv", &blocs::HEADER, blocs::rows(scenario, tally))?;
    if tally.given.is_some() {
        write_csv(out, "given.csv", &given::header(), given::rows(scenario, tally))?;
    }
    Ok(())
}

/// Stages what a batch simulated, for a notebook to need nothing else:
/// `scenario.json` (`resolved`, what `ungasim check --resolved` prints for
/// the scenario file with the batch's `--set`s and roster) and `membership.csv`.
pub fn write_scenario(
    out: &mut OutputDir,
    scenario: &Scenario,
    resolved: &serde_json::Value,
) -> Result<(), ExportError> {
    out.stage_json("scenario.json", resolved)?;
    write_csv(out, "membership.csv", &membership::HEADER, membership::rows(scenario))
}

/// How [`write_batch`] ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Commit {
    /// The batch's files are in place.
    Done,
    /// Stopped before the files were renamed into place: nothing new is
    /// visible; the checkpoint, if any, is kept ([`OutputDir::suspend`]).
    Cancelled {
        /// Whether a checkpoint was kept.
        checkpoint: bool,
    },
}

/// Writes a finished batch into `out`, the one sequence every command that
/// writes a batch goes through: stages the tables (computed from `tally`),
/// `scenario.json` (`resolved`) and `membership.csv`, `tally.json`, then
/// `manifest.json`, and renames them into place, manifest last, removing
/// the checkpoint. A `runs.csv` is staged by the caller before, if there
/// is one. If `cancelled()` is true once everything is staged, nothing is
/// renamed ([`Commit::Cancelled`]).
pub fn write_batch(
    mut out: OutputDir,
    scenario: &Scenario,
    resolved: &serde_json::Value,
    tally: &TallyFile,
    manifest: &Manifest,
    cancelled: impl FnOnce() -> bool,
) -> Result<Commit, ExportError> {
    write_tables(&mut out, scenario, &tally.tally)?;
    write_scenario(&mut out, scenario, resolved)?;
    out.stage_json("tally.json", tally)?;
    manifest.write(&mut out)?;
    if cancelled() {
        return Ok(Commit::Cancelled { checkpoint: out.suspend() });
    }
    out.commit()?;
    Ok(Commit::Done)
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
                if !(self.suspended && STREAMED.contains(name)) {
                    let _ = fs::remove_file(self.dir.join(partial_name(name)));
                }
            }
            if !self.suspended && self.wrote_checkpoint {
                let _ = remove_checkpoint(&self.dir);
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
            (header_of(membership::rows(&scenario).next().unwrap()), membership::HEADER.join(",")),
        ];
        for (fields, header) in cases {
            assert_eq!(fields, header);
        }
        assert_eq!(summary::rows(&scenario, &tally).next().unwrap().len(), summary::header().len());
        assert_eq!(runs::header(&scenario), runs::HEADER);
        assert_eq!(runs::row(&records[0], &scenario).len(), runs::HEADER.len());
    }

    #[test]
    fn runs_csv_has_a_column_per_uncertain_parameter() {
        let toml = "[scenario]\nname = \"h\"\n[[proposals]]\nid = \"P\"\nposition = [0.5, 0.0]\n\
                    [[uncertain]]\nparam = \"model.noise_scale\"\ndist = \"uniform\"\nlow = 0.5\nhigh = 1.5\n";
        let scenario = scenario::parse(toml, "h.toml", &[]).unwrap();
        let (_, records) = batch::run_sequential(&scenario, 0..10);
        assert_eq!(runs::header(&scenario).last().unwrap(), "model.noise_scale");
        for record in &records {
            let row = runs::row(record, &scenario);
            assert_eq!(row.len(), runs::HEADER.len() + 1);
            let drawn: f64 = row.last().unwrap().parse().unwrap();
            assert!((0.5..=1.5).contains(&drawn), "{drawn}");
            assert_eq!(row.last().unwrap().split('.').nth(1).unwrap().len(), 6, "six decimals");
        }
    }
}
