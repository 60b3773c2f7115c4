//! `ungasim calibrate`: recorded votes in, a roster directory out.

use crate::fit::calibrate::{self, Outcome, Settings};
use crate::history::RollCalls;
use crate::roster::Roster;
use crate::roster::calibration::write_atomic;
use anyhow::Context;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The series of the embedded roll calls (`data/series.csv`: `id,series,title`).
pub const SERIES_CSV: &str = include_str!("../../data/series.csv");

/// Everything `calibrate` needs, checked by the CLI.
#[derive(Debug, Clone)]
pub struct CalibrateSettings {
    /// Roll-call files (long or `unvotes` layout).
    pub rollcalls: Vec<PathBuf>,
    /// Series table (`id,series`); default: the embedded one.
    pub series: Option<PathBuf>,
    /// Output directory.
    pub out: PathBuf,
    /// Replace the files of an existing roster directory.
    pub force: bool,
    /// The fit's settings.
    pub fit: Settings,
}

/// The files a roster directory holds.
pub const ROSTER_FILES: [&str; 5] = ["states.csv", "texts.csv", "model.json", "fit.csv", "report.txt"];

/// Parses a series table: `id,series` columns (others ignored); `file` names it in errors.
pub fn parse_series(text: &str, file: &str) -> anyhow::Result<BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().with_context(|| format!("{file}:1"))?.clone();
    let column = |name: &str| {
        headers.iter().position(|h| h == name).with_context(|| format!("{file}:1: header: no column `{name}`"))
    };
    let (id, series) = (column("id")?, column("series")?);
    let mut map = BTreeMap::new();
    for record in reader.records() {
        let record = record.with_context(|| file.to_string())?;
        let line = record.position().map_or(0, |p| p.line());
        let key = record[id].trim().to_string();
        if map.insert(key.clone(), record[series].trim().to_string()).is_some() {
            anyhow::bail!("{file}:{line}: id: `{key}` appears twice");
        }
    }
    Ok(map)
}

/// Runs the fit and writes the roster directory; returns the outcome.
pub fn calibrate(settings: &CalibrateSettings, roster: &Roster) -> anyhow::Result<Outcome> {
    let calls = RollCalls::read_files(&settings.rollcalls, roster)?;
    let series = match &settings.series {
        Some(path) => {
            let text = crate::limits::read_to_string(path, crate::limits::SERIES_FILE)
                .with_context(|| format!("cannot read {}", path.display()))?;
            parse_series(&text, &path.display().to_string())?
        }
        None => parse_series(SERIES_CSV, "data/series.csv")?,
    };
    check_out(&settings.out, settings.force)?;
    let outcome = calibrate::calibrate(roster, &calls, &series, &settings.fit)?;
    write(&settings.out, &outcome)?;
    Ok(outcome)
}

/// Refuses a directory holding anything but a roster's files, or those without `force`.
fn check_out(out: &Path, force: bool) -> anyhow::Result<()> {
    if out.exists() && !out.is_dir() {
        anyhow::bail!("{}: exists and is not a directory; choose another --out", out.display());
    }
    let Ok(entries) = std::fs::read_dir(out) else { return Ok(()) };
    let mut names: Vec<String> =
        entries.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    let foreign: Vec<&String> = names.iter().filter(|n| !ROSTER_FILES.contains(&n.as_str())).collect();
    if !foreign.is_empty() {
        anyhow::bail!("{}: not a roster directory (holds {}); choose another --out", out.display(), join(&foreign));
    }
    if !names.is_empty() && !force {
        anyhow::bail!("{}: already holds a roster; use --force to replace it", out.display());
    }
    Ok(())
}

fn join(names: &[&String]) -> String {
    names.iter().map(|n| n.as_str()).collect::<Vec<_>>().join(", ")
}

/// Writes the roster files and the fit report into `out`.
pub fn write(out: &Path, outcome: &Outcome) -> anyhow::Result<()> {
    outcome.calibration.write_dir(out)?;
    write_atomic(out, "fit.csv", &outcome.report.csv())?;
    write_atomic(out, "report.txt", &outcome.report.render(&outcome.calibration))?;
    Ok(())
}
