//! `runs.csv` (with `--per-run`): the tallies and outcome of every run,
//! streamed in run order while the batch runs.

use super::{ExportError, OutputDir};
use crate::batch::RunRecord;
use crate::model::Scenario;
use serde::Serialize;
use std::io::BufWriter;
use std::path::PathBuf;

#[derive(Serialize)]
struct Row<'a> {
    run: u64,
    proposal: &'a str,
    yes: u32,
    no: u32,
    abstain: u32,
    absent: u32,
    outcome: &'static str,
}

/// A staged `runs.csv` that records are appended to.
pub struct RunsWriter<'s> {
    writer: csv::Writer<BufWriter<std::fs::File>>,
    path: PathBuf,
    scenario: &'s Scenario,
}

impl<'s> RunsWriter<'s> {
    /// Stages `runs.csv` in `out`.
    pub fn create(out: &mut OutputDir, scenario: &'s Scenario) -> Result<RunsWriter<'s>, ExportError> {
        let (file, path) = out.stage("runs.csv")?;
        Ok(RunsWriter { writer: csv::Writer::from_writer(BufWriter::new(file)), path, scenario })
    }

    /// Appends records (already in run order).
    pub fn write(&mut self, records: &[RunRecord]) -> std::io::Result<()> {
        for r in records {
            self.writer.serialize(Row {
                run: r.run,
                proposal: &self.scenario.proposals[r.proposal].id,
                yes: r.counts[0],
                no: r.counts[1],
                abstain: r.counts[2],
                absent: r.counts[3],
                outcome: r.outcome.name(),
            })?;
        }
        Ok(())
    }

    /// Flushes the file.
    pub fn finish(mut self) -> Result<(), ExportError> {
        self.writer.flush().map_err(|source| ExportError::Io { path: self.path.clone(), source })
    }
}
