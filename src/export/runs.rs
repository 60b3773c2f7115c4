//! `runs.csv` (with `--per-run`): the tallies and outcome of every run,
//! streamed in run order while the batch runs, or concatenated from the
//! shards of a batch by `merge`.

use super::{ExportError, OutputDir, csv_error, csv_writer};
use crate::batch::RunRecord;
use crate::model::Scenario;
use serde::Serialize;
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

/// The header row: [`Row`]'s fields.
pub const HEADER: [&str; 7] = ["run", "proposal", "yes", "no", "abstain", "absent", "outcome"];

/// One row of `runs.csv`.
#[derive(Serialize)]
pub struct Row<'a> {
    run: u64,
    proposal: &'a str,
    yes: u32,
    no: u32,
    abstain: u32,
    absent: u32,
    outcome: &'static str,
}

impl<'a> Row<'a> {
    /// The row of `record`.
    pub fn new(record: &RunRecord, scenario: &'a Scenario) -> Row<'a> {
        Row {
            run: record.run,
            proposal: &scenario.proposals[record.proposal].id,
            yes: record.counts[0],
            no: record.counts[1],
            abstain: record.counts[2],
            absent: record.counts[3],
            outcome: record.outcome.name(),
        }
    }
}

/// A staged `runs.csv` that records are appended to.
pub struct RunsWriter<'s> {
    writer: csv::Writer<BufWriter<File>>,
    path: PathBuf,
    scenario: &'s Scenario,
}

impl<'s> RunsWriter<'s> {
    /// Stages `runs.csv` in `out` and writes its header.
    pub fn create(out: &mut OutputDir, scenario: &'s Scenario) -> Result<RunsWriter<'s>, ExportError> {
        let (file, path) = out.stage("runs.csv")?;
        let writer = csv_writer(file, &HEADER).map_err(|e| csv_error(&path, e))?;
        Ok(RunsWriter { writer, path, scenario })
    }

    /// Continues the partial `runs.csv` of a checkpoint, cut to its first
    /// `bytes` (see [`OutputDir::reopen_runs`]).
    pub fn reopen(out: &mut OutputDir, scenario: &'s Scenario, bytes: u64) -> Result<RunsWriter<'s>, ExportError> {
        let (file, path) = out.reopen_runs(bytes)?;
        let writer = csv::WriterBuilder::new().has_headers(false).from_writer(BufWriter::new(file));
        Ok(RunsWriter { writer, path, scenario })
    }

    /// Flushes what was appended and returns the file's length in bytes
    /// (for a checkpoint).
    pub fn flush(&mut self) -> Result<u64, ExportError> {
        let io_error = |source| ExportError::io("write", &self.path, source);
        self.writer.flush().map_err(io_error)?;
        Ok(self.writer.get_ref().get_ref().metadata().map_err(io_error)?.len())
    }

    /// Appends records (already in run order).
    pub fn write(&mut self, records: &[RunRecord]) -> Result<(), ExportError> {
        for record in records {
            self.writer.serialize(Row::new(record, self.scenario)).map_err(|e| csv_error(&self.path, e))?;
        }
        Ok(())
    }

    /// Flushes the file.
    pub fn finish(mut self) -> Result<(), ExportError> {
        self.writer.flush().map_err(|source| ExportError::io("write", &self.path, source))
    }
}

/// Stages `runs.csv` in `out` as the header and then the rows of `parts`
/// (the `runs.csv` files of consecutive run ranges, in run order), each of
/// which must start with the header.
pub fn concatenate_runs(out: &mut OutputDir, parts: &[impl AsRef<Path>]) -> Result<(), ExportError> {
    let (file, path) = out.stage("runs.csv")?;
    let write_error = |source| ExportError::io("write", &path, source);
    let mut writer = BufWriter::new(file);
    let header = format!("{}\n", HEADER.join(","));
    writer.write_all(header.as_bytes()).map_err(write_error)?;
    for part in parts {
        let part = part.as_ref();
        let read_error = |source| ExportError::io("read", part, source);
        let mut reader = BufReader::new(File::open(part).map_err(read_error)?);
        let mut first = String::new();
        reader.read_line(&mut first).map_err(read_error)?;
        if first != header {
            let message = format!("does not start with the header {}", header.trim_end());
            return Err(ExportError::Invalid { path: part.to_path_buf(), message });
        }
        std::io::copy(&mut reader, &mut writer).map_err(write_error)?;
    }
    writer.flush().map_err(write_error)
}
