//! `sweep.csv`: one row per design point and proposal, the point's
//! parameter values first, then the `summary.csv` columns; written point by
//! point as the points finish. With `--per-point`, also `sweep_states.csv`
//! and `sweep_blocs.csv`: the `states.csv` and `blocs.csv` rows of every
//! point, after the same `point` and parameter columns.

use super::{ExportError, OutputDir, blocs, csv_error, csv_writer, states, summary};
use crate::aggregate::Tally;
use crate::model::Scenario;
use serde::Serialize;
use std::fs;
use std::io;
use std::path::PathBuf;

/// One staged CSV file of a sweep.
struct Table {
    writer: csv::Writer<io::BufWriter<fs::File>>,
    path: PathBuf,
}

impl Table {
    /// Stages `name` in `out` with the header `point`, the parameter paths, then `columns`.
    fn create(
        out: &mut OutputDir,
        name: &'static str,
        params: &[String],
        columns: impl IntoIterator<Item = String>,
    ) -> Result<Table, ExportError> {
        let (file, path) = out.stage(name)?;
        let header: Vec<String> =
            std::iter::once("point".to_string()).chain(params.iter().cloned()).chain(columns).collect();
        let writer = csv_writer(file, &header).map_err(|e| csv_error(&path, e))?;
        Ok(Table { writer, path })
    }

    /// Writes `rows` (each serialised as its own file's row) after the point's columns, and flushes.
    fn write<R: Serialize>(
        &mut self,
        point: usize,
        values: &[String],
        rows: impl IntoIterator<Item = R>,
    ) -> Result<(), ExportError> {
        for row in rows {
            self.writer.serialize((point, values, row)).map_err(|e| csv_error(&self.path, e))?;
        }
        self.writer.flush().map_err(|source| ExportError::io("write", &self.path, source))
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
            self.summary.writer.write_record(record).map_err(|e| csv_error(&self.summary.path, e))?;
        }
        self.summary.writer.flush().map_err(|source| ExportError::io("write", &self.summary.path, source))?;
        if let Some((states_table, blocs_table)) = &mut self.per_point {
            states_table.write(point, values, states::rows(scenario, tally))?;
            blocs_table.write(point, values, blocs::rows(scenario, tally))?;
        }
        Ok(())
    }
}
