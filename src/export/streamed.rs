//! A CSV output written while a batch runs (`runs.csv`, `votes.csv`, the
//! sweep tables): staged under its partial name, flushed and measured for
//! checkpoints, and reopened cut back to a checkpoint's length on `--resume`.

use super::{ExportError, OutputDir, csv_error, csv_writer};
use serde::Serialize;
use std::fs::File;
use std::io::BufWriter;
use std::path::PathBuf;

/// A staged CSV file that rows are appended to.
pub(super) struct StreamedCsv {
    writer: csv::Writer<BufWriter<File>>,
    path: PathBuf,
}

impl StreamedCsv {
    /// Stages output `name` in `out` and writes `header`.
    pub(super) fn create(
        out: &mut OutputDir,
        name: &'static str,
        header: &[impl AsRef<[u8]>],
    ) -> Result<StreamedCsv, ExportError> {
        let (file, path) = out.stage(name)?;
        let writer = csv_writer(file, header).map_err(|e| csv_error(&path, e))?;
        Ok(StreamedCsv { writer, path })
    }

    /// Continues the partial `name` of a checkpoint, cut to its first
    /// `bytes` (see [`OutputDir::reopen_partial`]).
    pub(super) fn reopen(out: &mut OutputDir, name: &'static str, bytes: u64) -> Result<StreamedCsv, ExportError> {
        let (file, path) = out.reopen_partial(name, bytes)?;
        let writer = csv::WriterBuilder::new().has_headers(false).from_writer(BufWriter::new(file));
        Ok(StreamedCsv { writer, path })
    }

    /// Appends one row of fields.
    pub(super) fn write_record<I>(&mut self, record: I) -> Result<(), ExportError>
    where
        I: IntoIterator,
        I::Item: AsRef<[u8]>,
    {
        self.writer.write_record(record).map_err(|e| csv_error(&self.path, e))
    }

    /// Appends `row` serialised as one record.
    pub(super) fn serialize(&mut self, row: impl Serialize) -> Result<(), ExportError> {
        self.writer.serialize(row).map_err(|e| csv_error(&self.path, e))
    }

    /// Flushes what was appended.
    pub(super) fn flush(&mut self) -> Result<(), ExportError> {
        self.writer.flush().map_err(|source| ExportError::io("write", &self.path, source))
    }

    /// Flushes and returns the file's length in bytes (for a checkpoint).
    pub(super) fn len(&mut self) -> Result<u64, ExportError> {
        self.flush()?;
        let metadata = self.writer.get_ref().get_ref().metadata();
        Ok(metadata.map_err(|source| ExportError::io("write", &self.path, source))?.len())
    }
}
