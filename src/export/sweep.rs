//! `sweep.csv`: one row per design point and proposal, the point's
//! parameter values first, then the `summary.csv` columns; written point by
//! point as the points finish. With `--per-point`, also `sweep_states.csv`
//! and `sweep_blocs.csv`: the `states.csv` and `blocs.csv` rows of every
//! point, after the same `point` and parameter columns.

use super::runs::{Part, Rows, concatenate, header_line};
use super::streamed::StreamedCsv;
use super::{ExportError, OutputDir, blocs, states, summary};
use crate::aggregate::Tally;
use crate::model::Scenario;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// What a sweep's rows are the rows of: two sweeps (or shards, or a
/// checkpoint and a sweep) are the same only if all of these agree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SweepIdentity {
    /// Always `ungasim`.
    pub tool: String,
    /// Version of the binary.
    pub tool_version: String,
    /// Version of the model semantics.
    pub model_version: String,
    /// SHA-256 of the base scenario file's bytes.
    pub scenario_sha256: String,
    /// The `--roster` directory, if any.
    pub roster: Option<String>,
    /// Base `--set` overrides, in order.
    pub overrides: Vec<String>,
    /// The design's parameter paths.
    pub parameters: Vec<String>,
    /// The design's points (values in parameter order).
    pub points: Vec<Vec<String>>,
    /// `--seed`, if given.
    pub seed: Option<u64>,
    /// Point k uses seed + k.
    pub independent_seeds: bool,
    /// Runs per point.
    pub runs: u64,
}

/// The byte lengths of a sweep's partial tables after the points done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SweepBytes {
    /// `sweep.csv`.
    pub sweep_csv: u64,
    /// `sweep_states.csv` (with `--per-point`).
    pub sweep_states_csv: Option<u64>,
    /// `sweep_blocs.csv` (with `--per-point`).
    pub sweep_blocs_csv: Option<u64>,
}

/// The checkpoint of an unfinished sweep (`.checkpoint.json`), replaced
/// after every point: the points done and how much of the partial tables
/// holds exactly their rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SweepCheckpoint {
    /// The sweep.
    pub identity: SweepIdentity,
    /// The points the sweep (or shard) is to simulate, `[start, end)`.
    pub point_range: [usize; 2],
    /// Points `start..points_done` are done.
    pub points_done: usize,
    /// The partial tables' lengths.
    pub bytes: SweepBytes,
}

impl SweepCheckpoint {
    /// Reads and checks a sweep checkpoint; errors name the path.
    pub fn read(path: &Path) -> Result<SweepCheckpoint, ExportError> {
        let checkpoint: SweepCheckpoint = super::read_json(path, crate::limits::MANIFEST_FILE)?;
        let [start, end] = checkpoint.point_range;
        if !(start <= checkpoint.points_done
            && checkpoint.points_done <= end
            && end <= checkpoint.identity.points.len())
        {
            return Err(ExportError::Invalid {
                path: path.to_path_buf(),
                message: format!(
                    "points_done {} is not within the point range [{start}, {end}) of {} points",
                    checkpoint.points_done,
                    checkpoint.identity.points.len()
                ),
            });
        }
        Ok(checkpoint)
    }
}

/// One staged CSV file of a sweep.
struct Table {
    csv: StreamedCsv,
}

impl Table {
    /// Stages `name` in `out` with the header `point`, the parameter paths, then `columns`.
    fn create(
        out: &mut OutputDir,
        name: &'static str,
        params: &[String],
        columns: impl IntoIterator<Item = String>,
    ) -> Result<Table, ExportError> {
        let header: Vec<String> =
            std::iter::once("point".to_string()).chain(params.iter().cloned()).chain(columns).collect();
        Ok(Table { csv: StreamedCsv::create(out, name, &header)? })
    }

    /// Reopens the partial `name` of a checkpoint, cut to `bytes`.
    fn reopen(out: &mut OutputDir, name: &'static str, bytes: u64) -> Result<Table, ExportError> {
        Ok(Table { csv: StreamedCsv::reopen(out, name, bytes)? })
    }

    /// Flushes and returns the file's length.
    fn len(&mut self) -> Result<u64, ExportError> {
        self.csv.len()
    }

    /// Writes `rows` (each serialised as its own file's row) after the point's columns, and flushes.
    fn write<R: Serialize>(
        &mut self,
        point: usize,
        values: &[String],
        rows: impl IntoIterator<Item = R>,
    ) -> Result<(), ExportError> {
        for row in rows {
            self.csv.serialize((point, values, row))?;
        }
        self.csv.flush()
    }
}

/// Writes `sweep.csv` (and with per-point tables `sweep_states.csv` and
/// `sweep_blocs.csv`) point by point.
pub struct SweepWriter {
    summary: Table,
    per_point: Option<(Table, Table)>,
}

impl SweepWriter {
    /// Stages `sweep.csv` in `out` with its header: `point`, the parameter
    /// paths, then the summary columns; with `per_point`, also the two
    /// per-point tables.
    pub fn create(out: &mut OutputDir, params: &[String], per_point: bool) -> Result<SweepWriter, ExportError> {
        let summary = Table::create(out, "sweep.csv", params, summary::header())?;
        let per_point = match per_point {
            true => Some((
                Table::create(out, "sweep_states.csv", params, states::HEADER.map(String::from))?,
                Table::create(out, "sweep_blocs.csv", params, blocs::HEADER.map(String::from))?,
            )),
            false => None,
        };
        Ok(SweepWriter { summary, per_point })
    }

    /// Reopens the partial tables of a checkpoint, cut to its `bytes` (the
    /// per-point tables if it has them).
    pub fn reopen(out: &mut OutputDir, bytes: &SweepBytes) -> Result<SweepWriter, ExportError> {
        let summary = Table::reopen(out, "sweep.csv", bytes.sweep_csv)?;
        let per_point = match (bytes.sweep_states_csv, bytes.sweep_blocs_csv) {
            (Some(states_bytes), Some(blocs_bytes)) => Some((
                Table::reopen(out, "sweep_states.csv", states_bytes)?,
                Table::reopen(out, "sweep_blocs.csv", blocs_bytes)?,
            )),
            _ => None,
        };
        Ok(SweepWriter { summary, per_point })
    }

    /// Flushes every table and returns their lengths (for a checkpoint).
    pub fn bytes(&mut self) -> Result<SweepBytes, ExportError> {
        let sweep_csv = self.summary.len()?;
        let (sweep_states_csv, sweep_blocs_csv) = match &mut self.per_point {
            Some((states_table, blocs_table)) => (Some(states_table.len()?), Some(blocs_table.len()?)),
            None => (None, None),
        };
        Ok(SweepBytes { sweep_csv, sweep_states_csv, sweep_blocs_csv })
    }

    /// The rows of point `point` (0-based) with parameter `values`.
    pub fn write_point(
        &mut self,
        point: usize,
        values: &[String],
        scenario: &Scenario,
        tally: &Tally,
    ) -> Result<(), ExportError> {
        for row in summary::rows(scenario, tally) {
            let record = std::iter::once(point.to_string()).chain(values.iter().cloned()).chain(row);
            self.summary.csv.write_record(record)?;
        }
        self.summary.csv.flush()?;
        if let Some((states_table, blocs_table)) = &mut self.per_point {
            states_table.write(point, values, states::rows(scenario, tally))?;
            blocs_table.write(point, values, blocs::rows(scenario, tally))?;
        }
        Ok(())
    }
}

/// A sweep's tables: `sweep.csv`, and with `--per-point` the other two.
pub const SWEEP_TABLES: [&str; 3] = ["sweep.csv", "sweep_states.csv", "sweep_blocs.csv"];

/// Stages the sweep table `name` (one of [`SWEEP_TABLES`]) of a sweep over
/// `params` in `out`: its header once, then the rows of `parts` (the shards'
/// tables, each starting with that header and holding the rows of every
/// point of its range, `per_point` rows each when that is fixed) in order;
/// with `out` `None`, only checks the parts.
pub fn concatenate_sweep_table(
    out: Option<&mut OutputDir>,
    name: &'static str,
    params: &[String],
    parts: &[Part],
    per_point: Option<u64>,
) -> Result<(), ExportError> {
    let columns: Vec<String> = match name {
        "sweep.csv" => summary::header(),
        "sweep_states.csv" => states::HEADER.map(String::from).to_vec(),
        "sweep_blocs.csv" => blocs::HEADER.map(String::from).to_vec(),
        other => unreachable!("{other} is not a sweep table"),
    };
    let header: Vec<String> =
        std::iter::once("point".to_string()).chain(params.iter().cloned()).chain(columns).collect();
    let rows = Rows { index: "point", per_index: per_point };
    concatenate(out, name, &header_line(&header), parts, &rows)
}
