//! `sweep.csv`: one row per design point and proposal, the point's
//! parameter values first, then the `summary.csv` columns; written point by
//! point as the points finish.

use super::{ExportError, OutputDir, csv_error, csv_writer, summary};
use crate::aggregate::Tally;
use crate::model::Scenario;
use std::fs;
use std::io;
use std::path::PathBuf;

/// Writes `sweep.csv` point by point.
pub struct SweepWriter {
    writer: csv::Writer<io::BufWriter<fs::File>>,
    path: PathBuf,
}

impl SweepWriter {
    /// Stages `sweep.csv` in `out` with its header: `point`, the parameter
    /// paths, then the summary columns.
    pub fn create(out: &mut OutputDir, params: &[String]) -> Result<SweepWriter, ExportError> {
        let (file, path) = out.stage("sweep.csv")?;
        let mut header = vec!["point".to_string()];
        header.extend(params.iter().cloned());
        header.extend(summary::header());
        let writer = csv_writer(file, &header).map_err(|e| csv_error(&path, e))?;
        Ok(SweepWriter { writer, path })
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
            self.writer.write_record(record).map_err(|e| csv_error(&self.path, e))?;
        }
        self.writer.flush().map_err(|source| ExportError::io("write", &self.path, source))
    }
}
