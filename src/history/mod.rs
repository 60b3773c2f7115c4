//! Recorded roll-call votes: the texts the General Assembly voted on and how
//! each member state of the roster voted on them.
//!
//! The simulator is to be calibrated on what states actually did, and this
//! module is where recorded votes enter. [`RollCalls::read_files`] reads CSV
//! files in either of two layouts, told apart by the header row:
//!
//! * the **long** layout of `data/rollcalls_2018_2020.csv`: columns
//!   `resolution`, `iso3`, `vote` (`Y`, `N`, `A`, or `X` for absent or not
//!   voting), optional `date` (`YYYY-MM-DD`) and `sponsor_lead` (ISO3);
//! * the **`unvotes`** layout of Erik Voeten's UNGA voting data as packaged
//!   by the R package `unvotes`: columns `rcid`, `country_code` (ISO 3166-1
//!   alpha-2; `NA` is Namibia), `vote` (`yes`, `no`, `abstain`), optional
//!   `unres` (the text's symbol) and `date`. Absent states have no row.
//!
//! Columns are found by header name, in any order; other columns are
//! ignored. Values are trimmed and vote words are case-insensitive;
//! everything else is strict, and every mistake is a [`HistoryError`]
//! naming the file, line and column. The module also holds the embedded
//! 2018-2020 roll calls ([`embedded_rollcalls`]) and the recorded outcomes
//! of `data/tallies.csv` ([`recorded_tallies`]); [`record`] looks a
//! proposal up in them.

mod codes;
mod read;
pub mod record;
#[cfg(test)]
mod tests;

pub use codes::{HISTORICAL_CODES, RENAMED_CODES};

use crate::date::Date;
use crate::limits::{self, ReadError};
use crate::model::Vote;
use crate::oneline::one_line;
use crate::roster::Roster;
use serde::Deserialize;
use std::collections::HashMap;
use std::fmt;
use std::path::Path;

/// Name of the embedded roll calls in messages and [`RecordedText::origin`].
pub const EMBEDDED_ROLLCALLS_FILE: &str = "data/rollcalls_2018_2020.csv";
const ROLLCALLS_CSV: &str = include_str!("../../data/rollcalls_2018_2020.csv");
const TALLIES_CSV: &str = include_str!("../../data/tallies.csv");

/// A mistake in a roll-call file, located as precisely as the input allows.
///
/// Displayed as `{file}:{line}: {field}: {message}`. An error without a line
/// (the file cannot be read, or is empty) has `line` 0 and leaves out
/// `:{line}`; an error about a whole row (wrong number of fields) has an
/// empty `field` and leaves out `: {field}`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct HistoryError {
    /// The file as given.
    pub file: String,
    /// 1-based line of the offending row (1 for the header); 0 when there is none.
    pub line: usize,
    /// Column name of the offending value, `header` for the header row; may be empty.
    pub field: String,
    /// What is wrong, with the closest valid code for a misspelling.
    pub message: String,
}

impl fmt::Display for HistoryError {
    /// One line: control characters of the quoted input are escaped.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", one_line(&self.file))?;
        if self.line > 0 {
            write!(f, ":{}", self.line)?;
        }
        if !self.field.is_empty() {
            write!(f, ": {}", one_line(&self.field))?;
        }
        write!(f, ": {}", one_line(&self.message))
    }
}

/// One recorded text: one roll call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedText {
    /// The text's id: the resolution symbol (e.g. `A/RES/73/27`), or
    /// `rcid:N` for an `unvotes` roll call without `unres`.
    pub id: String,
    /// The date of the vote; `None` when the file has no `date` column or the value is empty.
    pub date: Option<Date>,
    /// Roster index of the lead sponsor (long layout column `sponsor_lead`), if given.
    pub sponsor: Option<usize>,
    /// `FILE:LINE` of the text's first row, for messages.
    pub origin: String,
}

/// Recorded votes: texts x roster states.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RollCalls {
    /// The texts in first-appearance order, files in the order given.
    pub texts: Vec<RecordedText>,
    /// `votes[text][state]`, `state` the index in `roster.states`; a state
    /// without a row is [`Vote::Absent`].
    pub votes: Vec<Vec<Vote>>,
    /// Rows skipped because their code is a seat that no longer exists
    /// ([`HISTORICAL_CODES`], or `NA` on a row whose `country` is not Namibia).
    pub skipped_rows: usize,
}

impl RollCalls {
    /// Reads and checks roll-call files (either layout, each file on its
    /// own) and puts their texts together, in the order given.
    ///
    /// Errors name each file as its path displays. The same text id in two
    /// files is an error naming both places. No paths give no texts.
    pub fn read_files(paths: &[impl AsRef<Path>], roster: &Roster) -> Result<RollCalls, HistoryError> {
        let mut all = RollCalls::default();
        let mut seen: HashMap<String, (String, usize)> = HashMap::new();
        for path in paths {
            let file = path.as_ref().display().to_string();
            let text = limits::read_to_string(path.as_ref(), limits::ROLLCALL_FILE).map_err(|e| {
                let (line, message) = match e {
                    ReadError::Io(e) => (0, format!("cannot read the roll-call file: {e}")),
                    other => (other.place().0, other.to_string()),
                };
                HistoryError { file: file.clone(), line, field: String::new(), message }
            })?;
            let parsed = read::parse_file(&text, &file, roster)?;
            for (text, &line) in parsed.calls.texts.iter().zip(&parsed.first_lines) {
                if let Some((other_file, other_line)) = seen.get(&text.id) {
                    return Err(HistoryError {
                        file,
                        line,
                        field: parsed.id_column.to_string(),
                        message: format!("`{}` is also in {other_file}:{other_line}", text.id),
                    });
                }
                seen.insert(text.id.clone(), (file.clone(), line));
            }
            all.texts.extend(parsed.calls.texts);
            all.votes.extend(parsed.calls.votes);
            all.skipped_rows += parsed.calls.skipped_rows;
        }
        Ok(all)
    }

    /// Parses and checks the contents `text` of one roll-call file, named `file` in messages.
    pub fn parse(text: &str, file: &str, roster: &Roster) -> Result<RollCalls, HistoryError> {
        read::parse_file(text, file, roster).map(|parsed| parsed.calls)
    }

    /// The counts `[yes, no, abstain, absent]` of text `text` (by index).
    pub fn tally(&self, text: usize) -> [u32; 4] {
        let mut counts = [0; 4];
        for &vote in &self.votes[text] {
            counts[vote as usize] += 1;
        }
        counts
    }

    /// The index of the text with id `id` (a linear search).
    pub fn text_index(&self, id: &str) -> Option<usize> {
        self.texts.iter().position(|t| t.id == id)
    }

    /// A copy without text `text` (by index), for leave-one-out fits.
    pub fn without(&self, text: usize) -> RollCalls {
        let mut copy = self.clone();
        copy.texts.remove(text);
        copy.votes.remove(text);
        copy
    }
}

/// The embedded 2018-2020 roll calls (`data/rollcalls_2018_2020.csv`), on `roster`.
///
/// # Panics
///
/// If `roster` lacks one of the file's states (never for [`Roster::embedded`]).
pub fn embedded_rollcalls(roster: &Roster) -> RollCalls {
    RollCalls::parse(ROLLCALLS_CSV, EMBEDDED_ROLLCALLS_FILE, roster)
        .unwrap_or_else(|e| panic!("the embedded roll calls do not fit the roster: {e}"))
}

/// The ISO 3166-1 alpha-2 code of the member state with ISO3 code `iso3`
/// (`data/iso2.csv`), as the `unvotes` layout writes it.
pub fn iso2_code(iso3: &str) -> Option<&'static str> {
    codes::iso2_table().iter().find(|(three, _)| three == iso3).map(|(_, two)| two.as_str())
}

/// A recorded outcome of `data/tallies.csv`: a recorded vote with its
/// totals, or an adoption without a vote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedTally {
    /// The resolution symbol, e.g. `A/RES/73/27`.
    pub resolution: String,
    /// The date of adoption.
    pub date: Date,
    /// Whether the text was adopted without a vote (then there are no counts).
    pub adopted_without_vote: bool,
    /// `[yes, no, abstain, absent]` of a recorded vote.
    pub counts: Option<[u32; 4]>,
}

#[derive(Deserialize)]
struct TallyRow {
    resolution: String,
    date: String,
    outcome: String,
    yes: Option<u32>,
    no: Option<u32>,
    abstain: Option<u32>,
    absent: Option<u32>,
}

/// The recorded outcomes of the embedded `data/tallies.csv`, in file order.
///
/// # Panics
///
/// If the embedded file is malformed (checked by the unit tests).
pub fn recorded_tallies() -> Vec<RecordedTally> {
    let rows: Result<Vec<TallyRow>, csv::Error> =
        csv::Reader::from_reader(TALLIES_CSV.as_bytes()).deserialize().collect();
    let rows = rows.unwrap_or_else(|e| panic!("the embedded data/tallies.csv is invalid: {e}"));
    rows.into_iter().map(|row| tally(row).unwrap_or_else(|why| panic!("data/tallies.csv: {why}"))).collect()
}

/// One row of `data/tallies.csv`, checked.
fn tally(row: TallyRow) -> Result<RecordedTally, String> {
    let date = row.date.parse().map_err(|e| format!("{}: {e}", row.resolution))?;
    let (adopted_without_vote, counts) = match (row.outcome.as_str(), [row.yes, row.no, row.abstain, row.absent]) {
        ("recorded_vote", [Some(y), Some(n), Some(a), Some(x)]) => (false, Some([y, n, a, x])),
        ("adopted_without_vote", [None, None, None, None]) => (true, None),
        (outcome, _) => return Err(format!("{}: counts do not fit the outcome `{outcome}`", row.resolution)),
    };
    Ok(RecordedTally { resolution: row.resolution, date, adopted_without_vote, counts })
}
