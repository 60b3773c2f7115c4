//! `runs.csv` (with `--per-run`): the tallies and outcome of every run,
//! streamed in run order while the batch runs, or concatenated from the
//! shards of a batch by `merge`.

use super::csvfmt::Fixed6;
use super::streamed::StreamedCsv;
use super::{ExportError, OutputDir};
use crate::batch::RunRecord;
use crate::model::Scenario;
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;

/// The columns every `runs.csv` starts with; one column per `[[uncertain]]`
/// entry follows (see [`header`]).
pub const HEADER: [&str; 7] = ["run", "proposal", "yes", "no", "abstain", "absent", "outcome"];

/// The header row of `scenario`'s `runs.csv`: [`HEADER`], then each
/// `[[uncertain]]` entry's parameter path (e.g. `blocs.EU.cohesion`), in
/// the scenario's order.
pub fn header(scenario: &Scenario) -> Vec<String> {
    let uncertain = scenario.uncertain.iter().map(|u| u.param.clone());
    HEADER.iter().map(|c| c.to_string()).chain(uncertain).collect()
}

/// The fields of `record`'s row: its tallies and outcome, then the run's
/// `[[uncertain]]` draws with six decimals.
pub fn row(record: &RunRecord, scenario: &Scenario) -> Vec<String> {
    let [yes, no, abstain, absent] = record.counts;
    let fixed = [
        record.run.to_string(),
        scenario.proposals[record.proposal].id.clone(),
        yes.to_string(),
        no.to_string(),
        abstain.to_string(),
        absent.to_string(),
        record.outcome.name().to_string(),
    ];
    fixed.into_iter().chain(record.draws.iter().map(|&d| Fixed6(d).to_string())).collect()
}

/// A staged `runs.csv` that records are appended to.
pub struct RunsWriter<'s> {
    csv: StreamedCsv,
    scenario: &'s Scenario,
}

impl<'s> RunsWriter<'s> {
    /// Stages `runs.csv` in `out` and writes its header.
    pub fn create(out: &mut OutputDir, scenario: &'s Scenario) -> Result<RunsWriter<'s>, ExportError> {
        Ok(RunsWriter { csv: StreamedCsv::create(out, "runs.csv", &header(scenario))?, scenario })
    }

    /// Continues the partial `runs.csv` of a checkpoint, cut to its first
    /// `bytes` (see [`OutputDir::reopen_partial`]).
    pub fn reopen(out: &mut OutputDir, scenario: &'s Scenario, bytes: u64) -> Result<RunsWriter<'s>, ExportError> {
        Ok(RunsWriter { csv: StreamedCsv::reopen(out, "runs.csv", bytes)?, scenario })
    }

    /// Flushes what was appended and returns the file's length in bytes
    /// (for a checkpoint).
    pub fn flush(&mut self) -> Result<u64, ExportError> {
        self.csv.len()
    }

    /// Appends records (already in run order).
    pub fn write(&mut self, records: &[RunRecord]) -> Result<(), ExportError> {
        for record in records {
            self.csv.write_record(row(record, self.scenario))?;
        }
        Ok(())
    }

    /// Flushes the file.
    pub fn finish(mut self) -> Result<(), ExportError> {
        self.csv.flush()
    }
}

/// Stages `runs.csv` in `out` as `scenario`'s header and then the rows of
/// `parts` (the `runs.csv` files of consecutive run ranges, in run order),
/// each of which must start with that header.
pub fn concatenate_runs(
    out: &mut OutputDir,
    scenario: &Scenario,
    parts: &[impl AsRef<Path>],
) -> Result<(), ExportError> {
    concatenate(out, "runs.csv", &header_line(&header(scenario)), parts)
}

/// `fields` as one CSV line, as the CSV writers write it.
pub(super) fn header_line(fields: &[impl AsRef<[u8]>]) -> String {
    let mut writer = csv::WriterBuilder::new().has_headers(false).from_writer(Vec::new());
    writer.write_record(fields).expect("writing into memory");
    String::from_utf8(writer.into_inner().expect("writing into memory")).expect("UTF-8 fields")
}

/// Stages output `name` in `out` as `header` (a whole line) and then the
/// rows of `parts`, each of which must start with `header`.
pub(super) fn concatenate(
    out: &mut OutputDir,
    name: &'static str,
    header: &str,
    parts: &[impl AsRef<Path>],
) -> Result<(), ExportError> {
    let (file, path) = out.stage(name)?;
    let write_error = |source| ExportError::io("write", &path, source);
    let mut writer = BufWriter::new(file);
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
