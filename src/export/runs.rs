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
use std::path::PathBuf;

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
/// each of which must start with that header and hold one row per run of
/// its range and proposal; with `out` `None`, only checks the parts.
pub fn concatenate_runs(out: Option<&mut OutputDir>, scenario: &Scenario, parts: &[Part]) -> Result<(), ExportError> {
    let rows = Rows { index: "run", per_index: Some(scenario.proposals.len() as u64) };
    concatenate(out, "runs.csv", &header_line(&header(scenario)), parts, &rows)
}

/// `fields` as one CSV line, as the CSV writers write it.
pub(super) fn header_line(fields: &[impl AsRef<[u8]>]) -> String {
    let mut writer = csv::WriterBuilder::new().has_headers(false).from_writer(Vec::new());
    writer.write_record(fields).expect("writing into memory");
    String::from_utf8(writer.into_inner().expect("writing into memory")).expect("UTF-8 fields")
}

/// One shard's streamed table (`runs.csv`, `votes.csv`, a sweep table) and
/// the run or point indices its rows must cover, `[start, end)`.
#[derive(Debug, Clone)]
pub struct Part {
    /// The file.
    pub path: PathBuf,
    /// The runs (or points) of its shard.
    pub range: [u64; 2],
}

/// What the rows of a streamed table are: the name of its first column,
/// the run or point index, and how many rows each index has, when that is
/// fixed.
pub(super) struct Rows {
    /// `run` or `point`.
    pub index: &'static str,
    /// Rows of each index (one per proposal, say), if fixed.
    pub per_index: Option<u64>,
}

/// Stages output `name` in `out` as `header` (a whole line) and then the
/// rows of `parts`, each of which must start with `header` and hold whole
/// lines whose first field runs through the part's range in order, every
/// index there (`rows.per_index` times, if given): a truncated, cut or
/// edited part is refused, naming the file and line. With `out` `None`,
/// only checks the parts (so that a refusal comes before anything is written).
pub(super) fn concatenate(
    out: Option<&mut OutputDir>,
    name: &'static str,
    header: &str,
    parts: &[Part],
    rows: &Rows,
) -> Result<(), ExportError> {
    let (file, path) = match out {
        Some(out) => {
            let (file, path) = out.stage(name)?;
            (Some(file), path)
        }
        None => (None, PathBuf::from(name)),
    };
    let write_error = |source| ExportError::io("write", &path, source);
    let mut writer = file.map(BufWriter::new);
    let mut write = |bytes: &[u8]| writer.as_mut().map_or(Ok(()), |w| w.write_all(bytes)).map_err(write_error);
    write(header.as_bytes())?;
    for part in parts {
        let read_error = |source| ExportError::io("read", &part.path, source);
        let invalid = |message: String| ExportError::Invalid { path: part.path.clone(), message };
        let mut reader = BufReader::new(File::open(&part.path).map_err(read_error)?);
        let mut first = String::new();
        reader.read_line(&mut first).map_err(read_error)?;
        if first != header {
            return Err(invalid(format!("does not start with the header {}", header.trim_end())));
        }
        let mut check = RowCheck::new(rows, part.range);
        let mut line = Vec::new();
        for number in 2.. {
            line.clear();
            if reader.read_until(b'\n', &mut line).map_err(read_error)? == 0 {
                break;
            }
            check.row(&line, number).map_err(|m| invalid(format!("line {number}: {m}")))?;
            write(&line)?;
        }
        check.end().map_err(invalid)?;
    }
    writer.map_or(Ok(()), |mut w| w.flush()).map_err(write_error)
}

/// The check of one part's rows, row by row.
struct RowCheck<'r> {
    rows: &'r Rows,
    range: [u64; 2],
    /// The index of the rows so far, and how many rows it has.
    current: Option<(u64, u64)>,
    /// The line of the last row.
    line: usize,
}

impl<'r> RowCheck<'r> {
    fn new(rows: &'r Rows, range: [u64; 2]) -> RowCheck<'r> {
        RowCheck { rows, range, current: None, line: 1 }
    }

    /// Checks the row `line` (with its line end) at line `number`.
    fn row(&mut self, line: &[u8], number: usize) -> Result<(), String> {
        let (name, [start, end]) = (self.rows.index, self.range);
        self.line = number;
        if !line.ends_with(b"\n") {
            return Err("the last line has no line end: the file is truncated".to_string());
        }
        let field = line.split(|&b| b == b',').next().unwrap_or_default();
        let text = String::from_utf8_lossy(field);
        let index: u64 =
            text.trim_end().parse().map_err(|_| format!("`{}` is not a {name} number", text.trim_end()))?;
        if !(start..end).contains(&index) {
            return Err(format!("{name} {index} is not among this directory's {name}s {start}..{end}"));
        }
        let next = match self.current {
            None if index != start => return Err(format!("the first {name} is {index}, not {start}")),
            None => (index, 1),
            Some((previous, count)) if index == previous => (index, count + 1),
            Some((previous, count)) => {
                self.complete(previous, count).map_err(|m| format!("before this line, {m}"))?;
                if index != previous + 1 {
                    return Err(format!("{name} {index} follows {name} {previous}: rows missing or out of order"));
                }
                (index, 1)
            }
        };
        self.current = Some(next);
        Ok(())
    }

    /// Checks that index `index` has its rows.
    fn complete(&self, index: u64, count: u64) -> Result<(), String> {
        match self.rows.per_index {
            Some(expected) if count != expected => {
                Err(format!("{} {index} has {count} rows, not {expected}", self.rows.index))
            }
            _ => Ok(()),
        }
    }

    /// Checks that the rows reached the end of the range.
    fn end(&self) -> Result<(), String> {
        let (name, [start, end]) = (self.rows.index, self.range);
        let last = match self.current {
            Some((index, count)) => {
                self.complete(index, count).map_err(|m| format!("line {}: {m}: the file is truncated", self.line))?;
                index + 1
            }
            None => start,
        };
        if last < end {
            return Err(format!("{name}s {last}..{end} have no row after line {}: the file is truncated", self.line));
        }
        Ok(())
    }
}
