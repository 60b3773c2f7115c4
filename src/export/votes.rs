//! `votes.csv` (with `--per-state`): every state's vote in every run,
//! compactly: one row per run and proposal, `run,proposal,votes`, where
//! `votes` holds one letter per state in roster order (`Y`, `N`, `A`, `X`
//! for absent). Streamed in run order while the batch runs, checkpointed
//! with the batch, or concatenated from the shards of a batch by `merge`,
//! exactly as `runs.csv`.

use super::runs::{Part, Rows, concatenate, header_line};
use super::streamed::StreamedCsv;
use super::{ExportError, OutputDir};
use crate::batch::RunRecord;
use crate::model::{Scenario, Vote};

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
    csv: StreamedCsv,
    scenario: &'s Scenario,
}

impl<'s> VotesWriter<'s> {
    /// Stages `votes.csv` in `out` and writes its header.
    pub fn create(out: &mut OutputDir, scenario: &'s Scenario) -> Result<VotesWriter<'s>, ExportError> {
        Ok(VotesWriter { csv: StreamedCsv::create(out, "votes.csv", &HEADER)?, scenario })
    }

    /// Continues the partial `votes.csv` of a checkpoint, cut to its first
    /// `bytes` (see [`OutputDir::reopen_partial`]).
    pub fn reopen(out: &mut OutputDir, scenario: &'s Scenario, bytes: u64) -> Result<VotesWriter<'s>, ExportError> {
        Ok(VotesWriter { csv: StreamedCsv::reopen(out, "votes.csv", bytes)?, scenario })
    }

    /// Flushes what was appended and returns the file's length in bytes
    /// (for a checkpoint).
    pub fn flush(&mut self) -> Result<u64, ExportError> {
        self.csv.len()
    }

    /// Appends records (already in run order, with their votes).
    pub fn write(&mut self, records: &[RunRecord]) -> Result<(), ExportError> {
        for record in records {
            let id = &self.scenario.proposals[record.proposal].id;
            self.csv.write_record([record.run.to_string().as_str(), id, &letters(&record.votes)])?;
        }
        Ok(())
    }

    /// Flushes the file.
    pub fn finish(mut self) -> Result<(), ExportError> {
        self.csv.flush()
    }
}

/// Stages `votes.csv` in `out` as the header and then the rows of `parts`
/// (the `votes.csv` files of consecutive run ranges, in run order), each of
/// which must start with the header and hold one row per run of its range
/// and proposal; with `out` `None`, only checks the parts.
pub fn concatenate_votes(out: Option<&mut OutputDir>, scenario: &Scenario, parts: &[Part]) -> Result<(), ExportError> {
    let rows = Rows { index: "run", per_index: Some(scenario.proposals.len() as u64) };
    concatenate(out, "votes.csv", &header_line(&HEADER), parts, &rows)
}
