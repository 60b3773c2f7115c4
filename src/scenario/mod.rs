//! Scenario files: a TOML file (plus `--set` overrides) in, a validated
//! [`Scenario`] out.
//!
//! This is the one place where user input is checked. Parsing goes through
//! strict raw structs (`raw`, every key known, every value with its span),
//! then `build` resolves the roster at the scenario date and applies the
//! file's overrides and the command line's `--set`s, checking each value
//! once. Every mistake becomes a [`ScenarioError`] naming the file, line,
//! column and dotted TOML path, with the closest valid name for a
//! misspelling; nothing is silently ignored. The engine only ever sees the
//! result.

mod build;
mod overrides;
mod raw;
mod report;
mod source;
mod sweep;
#[cfg(test)]
mod tests;

use crate::limits::{self, ReadError};
use crate::model::Scenario;
use crate::oneline::one_line;
use crate::roster::Roster;
use std::fmt;
use std::path::Path;

pub use build::{DEFAULT_RUNS, NEW_BLOC_COHESION};
pub use report::{describe, resolved_document, resolved_json};
pub use sweep::{FileSweep, sweep_of};

/// A scenario mistake, located as precisely as the input allows.
///
/// Displayed as `{file}:{line}:{column}: {field}: {message}`. Errors without
/// a location in a file (the file cannot be read, or a `--set` override is
/// wrong) have `line` 0 and leave out `:{line}:{column}`; a `--set` error has
/// `--set PATH=VALUE` as its `file` and an empty `field`, so it reads
/// `--set PATH=VALUE: message`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ScenarioError {
    /// The file as given (or `--set PATH=VALUE` for an override).
    pub file: String,
    /// 1-based line of the offending value or key; 0 when there is none.
    pub line: usize,
    /// 1-based column (in characters) of the offending value or key; 0 when there is none.
    pub column: usize,
    /// Dotted TOML path of the value, e.g. `model.noise_scale`, `proposals[2].sponsors[1]`; may be empty.
    pub field: String,
    /// What is wrong, with the closest valid name for a misspelling.
    pub message: String,
}

impl fmt::Display for ScenarioError {
    /// One line: control characters of the quoted input are escaped.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", one_line(&self.file))?;
        if self.line > 0 {
            write!(f, ":{}:{}", self.line, self.column)?;
        }
        if !self.field.is_empty() {
            write!(f, ": {}", one_line(&self.field))?;
        }
        write!(f, ": {}", one_line(&self.message))
    }
}

/// Reads, parses and validates the scenario file at `path`, then applies the
/// `--set PATH=VALUE` `overrides` in order.
///
/// Errors name the file as `path` displays.
pub fn load(path: &Path, overrides: &[String]) -> Result<Scenario, ScenarioError> {
    load_with_text(path, overrides, None).map(|(scenario, _)| scenario)
}

/// [`load`] with a roster directory (`--roster DIR`) that wins over the
/// file's `scenario.roster`; also returns the file's text (for the manifest's hash).
/// A date outside the roster's membership record is warned about on stderr.
pub fn load_with_text(
    path: &Path,
    overrides: &[String],
    roster: Option<&Path>,
) -> Result<(Scenario, String), ScenarioError> {
    let file = path.display().to_string();
    let text = read_text(path)?;
    let scenario = parse_with_roster(&text, &file, overrides, roster)?;
    if let Some(warning) = Roster::embedded().date_warning(scenario.date) {
        eprintln!("warning: {file}: {warning}");
    }
    Ok((scenario, text))
}

/// Reads the scenario file at `path`, refusing one larger than
/// [`limits::SCENARIO_FILE`] before reading it, or one that is not UTF-8;
/// errors name the file as `path` displays.
pub fn read_text(path: &Path) -> Result<String, ScenarioError> {
    limits::read_to_string(path, limits::SCENARIO_FILE).map_err(|e| {
        let (line, column) = e.place();
        let message = match e {
            ReadError::Io(e) => format!("cannot read the scenario file: {e}"),
            other => other.to_string(),
        };
        ScenarioError { file: path.display().to_string(), line, column, field: String::new(), message }
    })
}

/// Parses and validates scenario `text` (named `file` in errors), then
/// applies the `--set PATH=VALUE` `overrides` in order.
///
/// `scenario.*` overrides (`name`, `description`, `date`, `seed`, `runs`)
/// are applied before the roster is resolved, so `--set scenario.date=...`
/// changes the bloc membership in force; every other override is applied
/// after the file has been validated, through [`crate::model::ParamPath`].
pub fn parse(text: &str, file: &str, overrides: &[String]) -> Result<Scenario, ScenarioError> {
    parse_with_roster(text, file, overrides, None)
}

/// [`parse`] on the calibrated roster in directory `roster` (`--roster`),
/// which wins over the file's `scenario.roster` (a directory relative to the
/// file); with neither, the embedded roster.
pub fn parse_with_roster(
    text: &str,
    file: &str,
    overrides: &[String],
    roster: Option<&Path>,
) -> Result<Scenario, ScenarioError> {
    let overrides = overrides::parse_all(overrides)?;
    let source = source::Source::new(file, text);
    let raw = source.deserialize::<raw::RawFile>()?;
    let loaded = load_roster(&source, file, &raw, roster)?;
    build::build(&source, raw, &overrides, loaded.as_ref().unwrap_or_else(|| Roster::embedded()))
}

/// The roster a scenario runs on, loaded: the one in directory `roster`
/// (`--roster`), else the one the file's `scenario.roster` names (a
/// directory relative to the file); `None` for the embedded roster.
pub fn named_roster(text: &str, file: &str, roster: Option<&Path>) -> Result<Option<Roster>, ScenarioError> {
    let source = source::Source::new(file, text);
    let raw = source.deserialize::<raw::RawFile>()?;
    load_roster(&source, file, &raw, roster)
}

/// [`named_roster`] of the file `raw`, read from `source` (the file `file`).
fn load_roster(
    source: &source::Source,
    file: &str,
    raw: &raw::RawFile,
    roster: Option<&Path>,
) -> Result<Option<Roster>, ScenarioError> {
    Ok(match (roster, &raw.scenario.roster) {
        (Some(dir), _) => Some(Roster::load_dir(dir).map_err(|e| ScenarioError {
            file: "--roster".to_string(),
            line: 0,
            column: 0,
            field: String::new(),
            message: e.to_string(),
        })?),
        (None, Some(dir)) => {
            let base = Path::new(file).parent().unwrap_or(Path::new(""));
            let path = base.join(dir.get_ref());
            Some(Roster::load_dir(&path).map_err(|e| source.error(dir.span(), e.to_string()))?)
        }
        (None, None) => None,
    })
}

/// [`parse`] on `roster` itself, a roster built in memory (a leave-one-out
/// refit, for example); the file's `scenario.roster` is ignored.
pub fn parse_on_roster(
    text: &str,
    file: &str,
    overrides: &[String],
    roster: &Roster,
) -> Result<Scenario, ScenarioError> {
    let overrides = overrides::parse_all(overrides)?;
    let source = source::Source::new(file, text);
    let raw = source.deserialize::<raw::RawFile>()?;
    build::build(&source, raw, &overrides, roster)
}
