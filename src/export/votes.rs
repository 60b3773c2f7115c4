//! `votes.csv` (with `--per-state`): every state's vote in every run,
//! compactly: one row per run and proposal, `run,proposal,votes`, where
//! `votes` holds one letter per state in roster order (`Y`, `N`, `A`, `X`
//! for absent). Streamed in run order while the batch runs, checkpointed
//! with the batch, or concatenated from the shards of a batch by `merge`,
//! exactly as `runs.csv`.

use super::runs::{concatenate, header_line};
use super::{ExportError, OutputDir, csv_error, csv_writer};
use crate::batch::RunRecord;
use crate::model::{Scenario, Vote};
use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

/// The header row.
pub const HEADER: [&str; 3] = ["run", "proposal", "votes"];

/// The letter of `vote` in the `votes` column.
pub fn letter(vote: Vote) -> u8 {
    match vote {
        Vote::Yes => b'Y',
        Vote::No => b'N',
        Vote::Abstain => b'A',
        Vote::Absent => b'X',
    }
}

/// The `votes` field of every state's `votes`, roster order.
pub fn letters(votes: &[Vote]) -> String {
    votes.iter().map(|&v| char::from(letter(v))).collect()
}

/// A staged `votes.csv` that records are appended to.
pub struct VotesWriter<'s> {
    writer: csv::Writer<BufWriter<File>>,
    path: PathBuf,
    scenario: &'s Scenario,
}

impl<'s> VotesWriter<'s> {
    /// Stages `votes.csv` in `out` and writes its header.
    pub fn create(out: &mut OutputDir, scenario: &'s Scenario) -> Result<VotesWriter<'s>, ExportError> {
        let (file, path) = out.stage("votes.csv")?;
        let writer = csv_writer(file, &HEADER).map_err(|e| csv_error(&path, e))?;
        Ok(VotesWriter { writer, path, scenario })
    }

    /// Continues the partial `votes.csv` of a checkpoint, cut to its first
    /// `bytes` (see [`OutputDir::reopen_partial`]).
    pub fn reopen(out: &mut OutputDir, scenario: &'s Scenario, bytes: u64) -> Result<VotesWriter<'s>, ExportError> {
        let (file, path) = out.reopen_partial("votes.csv", bytes)?;
        let writer = csv::WriterBuilder::new().has_headers(false).from_writer(BufWriter::new(file));
        Ok(VotesWriter { writer, path, scenario })
    }

    /// Flushes what was appended and returns the file's length in bytes
    /// (for a checkpoint).
    pub fn flush(&mut self) -> Result<u64, ExportError> {
        let io_error = |source| ExportError::io("write", &self.path, source);
        self.writer.flush().map_err(io_error)?;
        Ok(self.writer.get_ref().get_ref().metadata().map_err(io_error)?.len())
    }

    /// Appends records (already in run order, with their votes).
    pub fn write(&mut self, records: &[RunRecord]) -> Result<(), ExportError> {
        for record in records {
            let row =
                [record.run.to_string(), self.scenario.proposals[record.proposal].id.clone(), letters(&record.votes)];
            self.writer.write_record(&row).map_err(|e| csv_error(&self.path, e))?;
        }
        Ok(())
    }

    /// Flushes the file.
    pub fn finish(mut self) -> Result<(), ExportError> {
        self.writer.flush().map_err(|source| ExportError::io("write", &self.path, source))
    }
}

/// Stages `votes.csv` in `out` as the header and then the rows of `parts`
/// (the `votes.csv` files of consecutive run ranges, in run order), each of
/// which must start with the header.
pub fn concatenate_votes(out: &mut OutputDir, parts: &[impl AsRef<Path>]) -> Result<(), ExportError> {
    concatenate(out, "votes.csv", &header_line(&HEADER), parts)
}
