//! Reading a result directory for the report: CSV files by header name (a
//! column the file lacks reads as "not available", like an empty cell) and
//! JSON files as loose values, so the report reads directories written by
//! older and newer versions alike. Every error names its file (and line).

use anyhow::{Context, bail};
use serde_json::Value;
use std::path::Path;

/// A CSV file with a header row, read whole.
pub struct Csv {
    /// The file, as displayed in errors.
    pub file: String,
    header: Vec<String>,
    rows: Vec<(u64, csv::StringRecord)>,
}

impl Csv {
    /// Reads `dir/name`; a missing or unreadable file, a malformed record or
    /// a missing `required` column is an error naming the file.
    pub fn read(dir: &Path, name: &str, required: &[&str]) -> anyhow::Result<Csv> {
        let path = dir.join(name);
        let bytes = std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
        Csv::parse(&path.display().to_string(), &bytes, required)
    }

    /// [`Csv::read`], or `None` when the file does not exist.
    pub fn read_optional(dir: &Path, name: &str, required: &[&str]) -> anyhow::Result<Option<Csv>> {
        match dir.join(name).exists() {
            true => Csv::read(dir, name, required).map(Some),
            false => Ok(None),
        }
    }

    /// Parses `bytes`, the contents of `file`.
    pub fn parse(file: &str, bytes: &[u8], required: &[&str]) -> anyhow::Result<Csv> {
        let mut reader = csv::ReaderBuilder::new().from_reader(bytes);
        let header: Vec<String> =
            reader.headers().with_context(|| file.to_string())?.iter().map(String::from).collect();
        if let Some(missing) = required.iter().find(|c| !header.iter().any(|h| h == *c)) {
            bail!("{file}: no column `{missing}` in the header");
        }
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = record.with_context(|| file.to_string())?;
            let line = record.position().map_or(0, |p| p.line());
            rows.push((line, record));
        }
        Ok(Csv { file: file.to_string(), header, rows })
    }

    /// Whether the file has column `name`.
    pub fn has(&self, name: &str) -> bool {
        self.header.iter().any(|h| h == name)
    }

    /// The columns of the header, in order.
    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// The records, in file order.
    pub fn records(&self) -> impl Iterator<Item = Record<'_>> {
        self.rows.iter().map(move |(line, record)| Record { csv: self, line: *line, record })
    }
}

/// One record of a [`Csv`].
#[derive(Clone, Copy)]
pub struct Record<'a> {
    csv: &'a Csv,
    line: u64,
    record: &'a csv::StringRecord,
}

impl<'a> Record<'a> {
    /// The cell of column `name` ("" when the file lacks the column).
    pub fn text(&self, name: &str) -> &'a str {
        self.csv.header.iter().position(|h| h == name).and_then(|i| self.record.get(i)).unwrap_or("")
    }

    /// The cell of column `name`, `None` when empty or the column is missing.
    pub fn optional(&self, name: &str) -> Option<&'a str> {
        Some(self.text(name)).filter(|t| !t.is_empty())
    }

    /// The cell of column `name` as a finite number; `None` when empty or
    /// the column is missing; anything else is an error naming file, line
    /// and column.
    pub fn number(&self, name: &str) -> anyhow::Result<Option<f64>> {
        self.optional(name)
            .map(|t| t.parse::<f64>().ok().filter(|x| x.is_finite()).ok_or_else(|| self.bad(name, t, "a number")))
            .transpose()
    }

    /// The cell of column `name` as an integer (see [`Record::number`]).
    pub fn integer(&self, name: &str) -> anyhow::Result<Option<i64>> {
        self.optional(name).map(|t| t.parse::<i64>().map_err(|_| self.bad(name, t, "an integer"))).transpose()
    }

    fn bad(&self, name: &str, text: &str, what: &str) -> anyhow::Error {
        anyhow::anyhow!("{}: line {}: column `{name}`: `{text}` is not {what}", self.csv.file, self.line)
    }
}

/// `dir/name` parsed as JSON, or `None` when the file does not exist; a
/// file that does not parse is an error naming it (with line and column).
pub fn json(dir: &Path, name: &str) -> anyhow::Result<Option<Value>> {
    let path = dir.join(name);
    if !path.exists() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
    let value = serde_json::from_str(&text).with_context(|| path.display().to_string())?;
    Ok(Some(value))
}

/// A JSON value for display: strings as they are, `null` as `None`,
/// anything else as compact JSON.
pub fn shown(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::Null => None,
        Value::String(text) => Some(text.clone()),
        other => Some(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_read_by_name_and_missing_ones_are_empty() {
        let csv = Csv::parse("t.csv", b"b,a\n2,\n3,x\n", &["a"]).unwrap();
        let rows: Vec<Record> = csv.records().collect();
        assert_eq!(rows[0].number("b").unwrap(), Some(2.0));
        assert_eq!(rows[0].number("a").unwrap(), None, "empty is undefined");
        assert_eq!(rows[0].number("missing").unwrap(), None, "a missing column is not available");
        assert_eq!(rows[1].number("a").unwrap_err().to_string(), "t.csv: line 3: column `a`: `x` is not a number");
        assert!(!csv.has("missing") && csv.has("b"));
        let error = Csv::parse("t.csv", b"b\n1\n", &["a"]).err().unwrap();
        assert_eq!(error.to_string(), "t.csv: no column `a` in the header");
        let error = Csv::parse("t.csv", b"a,b\n1\n", &[]).err().unwrap();
        assert!(format!("{error:#}").starts_with("t.csv: "), "{error:#}");
        assert!(Csv::parse("t.csv", b"a\nNaN\n", &[]).unwrap().records().next().unwrap().number("a").is_err());
    }
}
