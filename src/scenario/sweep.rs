//! `[sweep]`: a sweep declared in the scenario file, converted to the
//! [`DesignSpec`] that `ungasim sweep` builds from its options, so there is
//! one design code path ([`crate::sweep::design`]).
//!
//! ```toml
//! [sweep]
//! vary = { "model.conformity" = [0.2, 0.4, 0.6], "blocs.EU.cohesion" = "0.5:0.9:0.2" }
//! independent_seeds = false
//! ```
//!
//! Exactly one design: `vary` (a grid, the first key changing slowest),
//! `zip` (the lists side by side), `ranges` with `samples` (and `design =
//! "lhs"` or `"random"`, default `lhs`, and `design_seed`, default 0), or
//! `table` (a CSV file relative to the scenario file). A value of `vary` or
//! `zip` is a list of values (numbers, words, dates, lists) or a string as
//! `--vary` reads it (`"0.5:0.9:0.2"`); a range is `[low, high]` or
//! `"low:high"`. Keys keep the file's order. Every value is checked here,
//! with the file's line and column; `run` checks the table and ignores it.

use super::ScenarioError;
use super::build::in_file_order;
use super::raw::{RawFile, RawSweep, RawSweepTable};
use super::source::Source;
use crate::sweep::design::{self, Combine, DesignSpec, MAX_POINTS, Sampling};
use serde_json::{Value, json};
use std::path::Path;
use toml::Spanned;

/// The words of `design`.
const SAMPLINGS: [(&str, Sampling); 2] = [("lhs", Sampling::LatinHypercube), ("random", Sampling::Random)];

/// The `[sweep]` table of a scenario file, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileSweep {
    /// The design, as the command-line options would give it.
    pub design: DesignSpec,
    /// `independent_seeds` (default false).
    pub independent_seeds: bool,
}

/// The `[sweep]` of scenario `text` (named `file` in errors), if it has one.
pub fn sweep_of(text: &str, file: &str) -> Result<Option<FileSweep>, ScenarioError> {
    let source = Source::new(file, text);
    let raw = source.deserialize::<RawFile>()?;
    raw.sweep.as_ref().map(|sweep| convert(&source, sweep)).transpose()
}

/// Checks `[sweep]` and converts it.
pub(super) fn convert(source: &Source<'_>, raw: &Spanned<RawSweep>) -> Result<FileSweep, ScenarioError> {
    let sweep = raw.get_ref();
    let designs: Vec<(&str, std::ops::Range<usize>)> = [
        ("vary", sweep.vary.as_ref().map(Spanned::span)),
        ("zip", sweep.zip.as_ref().map(Spanned::span)),
        ("ranges", sweep.ranges.as_ref().map(Spanned::span)),
        ("table", sweep.table.as_ref().map(Spanned::span)),
    ]
    .into_iter()
    .filter_map(|(name, span)| span.map(|s| (name, s)))
    .collect();
    let (kind, _) = match designs.as_slice() {
        [] => {
            return Err(source.missing(
                raw.span(),
                "vary",
                "give one design: `vary` (a grid), `zip`, `ranges` with `samples`, or `table`",
            ));
        }
        [one] => one.clone(),
        [first, second, ..] => {
            return Err(source.error(
                second.1.clone(),
                format!("`{}` and `{}` cannot be combined: give one design", first.0, second.0),
            ));
        }
    };
    if kind != "ranges" {
        for (name, span) in [
            ("samples", sweep.samples.as_ref().map(Spanned::span)),
            ("design", sweep.design.as_ref().map(Spanned::span)),
            ("design_seed", sweep.design_seed.as_ref().map(Spanned::span)),
        ] {
            if let Some(span) = span {
                return Err(source.error(span, format!("`{name}` goes with `ranges`, not with `{kind}`")));
            }
        }
    }
    let design = match kind {
        "vary" => DesignSpec::Vary(lists(source, sweep.vary.as_ref().expect("given"), false)?, Combine::Grid),
        "zip" => DesignSpec::Vary(lists(source, sweep.zip.as_ref().expect("given"), true)?, Combine::Zip),
        "ranges" => {
            let samples = sweep.samples.as_ref().ok_or_else(|| {
                source.missing(raw.span(), "samples", "`ranges` needs `samples = N`, the number of points")
            })?;
            let count = usize::try_from(*samples.get_ref()).unwrap_or(usize::MAX);
            if count == 0 || count > MAX_POINTS {
                return Err(source.error(samples.span(), format!("must be 1..={MAX_POINTS}")));
            }
            let sampling = match &sweep.design {
                Some(word) => super::build::choice("design", word.get_ref(), &SAMPLINGS)
                    .map_err(|message| source.error(word.span(), message))?,
                None => Sampling::LatinHypercube,
            };
            DesignSpec::Sampled {
                varies: ranges(source, sweep.ranges.as_ref().expect("given"))?,
                samples: count,
                sampling,
                seed: sweep.design_seed.as_ref().map_or(0, |s| *s.get_ref()),
            }
        }
        _ => {
            let table = sweep.table.as_ref().expect("given");
            if table.get_ref().trim().is_empty() {
                return Err(source.error(table.span(), "must name a CSV file"));
            }
            let base = Path::new(source.file()).parent().unwrap_or(Path::new(""));
            DesignSpec::Table(base.join(table.get_ref()))
        }
    };
    Ok(FileSweep { design, independent_seeds: sweep.independent_seeds.as_ref().is_some_and(|b| *b.get_ref()) })
}

/// The keys of a `vary` or `zip` table as `--vary PATH=SPEC` texts, each checked.
fn lists(source: &Source<'_>, table: &Spanned<RawSweepTable>, zip: bool) -> Result<Vec<String>, ScenarioError> {
    let entries = non_empty(source, table)?;
    let mut varies = Vec::new();
    let mut first_length: Option<(usize, &str)> = None;
    for (key, value) in entries {
        let spec = match value.get_ref() {
            toml::Value::String(spec) => spec.clone(),
            toml::Value::Array(items) if items.is_empty() => {
                return Err(source.error(value.span(), "an empty list: give at least one value"));
            }
            toml::Value::Array(items) => items
                .iter()
                .map(render)
                .collect::<Result<Vec<_>, _>>()
                .map_err(|message| source.error(value.span(), message))?
                .join(","),
            other => {
                return Err(source.error(
                    value.span(),
                    format!("expected a list of values or a \"start:stop:step\" string, not {}", other.type_str()),
                ));
            }
        };
        let vary = format!("{}={spec}", key.get_ref());
        let (_, values) = design::values(&vary).map_err(|e| source.error(value.span(), e.message))?;
        if zip {
            match first_length {
                None => first_length = Some((values.len(), key.get_ref())),
                Some((length, first)) if length != values.len() => {
                    return Err(source.error(
                        value.span(),
                        format!(
                            "{} values, but `{first}` has {length}: zipped lists must be of one length",
                            values.len()
                        ),
                    ));
                }
                Some(_) => {}
            }
        }
        varies.push(vary);
    }
    Ok(varies)
}

/// The keys of `ranges` as `--vary PATH=LOW:HIGH` texts, each checked.
fn ranges(source: &Source<'_>, table: &Spanned<RawSweepTable>) -> Result<Vec<String>, ScenarioError> {
    let mut varies = Vec::new();
    for (key, value) in non_empty(source, table)? {
        let error = |message: &str| source.error(value.span(), message);
        let (low, high) = match value.get_ref() {
            toml::Value::Array(items) if items.len() == 2 => {
                let number = |v: &toml::Value| match v {
                    toml::Value::Integer(i) => Some(*i as f64),
                    toml::Value::Float(x) if x.is_finite() => Some(*x),
                    _ => None,
                };
                match (number(&items[0]), number(&items[1])) {
                    (Some(low), Some(high)) => (low, high),
                    _ => return Err(error("expected [low, high], two finite numbers")),
                }
            }
            toml::Value::String(spec) => {
                let bounds: Vec<Option<f64>> =
                    spec.split(':').map(|b| b.trim().parse::<f64>().ok().filter(|x| x.is_finite())).collect();
                match bounds.as_slice() {
                    [Some(low), Some(high)] => (*low, *high),
                    _ => return Err(error("expected \"low:high\", two finite numbers")),
                }
            }
            _ => return Err(error("expected [low, high] or \"low:high\"")),
        };
        if high <= low {
            return Err(error("high must be above low"));
        }
        varies.push(format!("{}={low}:{high}", key.get_ref()));
    }
    Ok(varies)
}

/// A key of a design table with its value.
type Entry<'t> = (&'t Spanned<String>, &'t Spanned<toml::Value>);

/// The entries of a design table in file order; refused if it is empty or a key is blank.
fn non_empty<'t>(source: &Source<'_>, table: &'t Spanned<RawSweepTable>) -> Result<Vec<Entry<'t>>, ScenarioError> {
    let entries = in_file_order(table.get_ref());
    if entries.is_empty() {
        return Err(source.error(table.span(), "no parameter: name at least one path, e.g. \"model.conformity\""));
    }
    if let Some((key, _)) = entries.iter().find(|(key, _)| key.get_ref().trim().is_empty()) {
        return Err(source.error(key.span(), "an empty parameter path"));
    }
    Ok(entries)
}

/// A value of a list as `--set` reads it.
fn render(value: &toml::Value) -> Result<String, String> {
    Ok(match value {
        toml::Value::Integer(i) => i.to_string(),
        toml::Value::Float(x) if x.is_finite() => format!("{x}"),
        toml::Value::Float(x) => return Err(format!("`{x}` is not a finite number")),
        toml::Value::Boolean(b) => b.to_string(),
        toml::Value::Datetime(d) => d.to_string(),
        toml::Value::String(s) if s.trim().is_empty() || s.contains([',', '"', '[', ']', '=']) => {
            return Err(format!("`{s}`: a word in a sweep list must not be empty nor hold , \" [ ] or ="));
        }
        toml::Value::String(s) => s.trim().to_string(),
        toml::Value::Array(items) => {
            format!("[{}]", items.iter().map(render).collect::<Result<Vec<_>, _>>()?.join(","))
        }
        toml::Value::Table(_) => return Err("a table cannot be a swept value".to_string()),
    })
}

impl FileSweep {
    /// What `ungasim check` prints about the sweep.
    pub fn describe(&self) -> String {
        let seeds = if self.independent_seeds { "independent seeds" } else { "common random numbers" };
        let design = match &self.design {
            DesignSpec::Vary(varies, combine) => {
                let points = design::from_vary(varies, *combine).map(|d| d.points.len()).unwrap_or(0);
                let kind = if *combine == Combine::Grid { "grid" } else { "zip" };
                format!("{kind} of {points} points: {}", varies.join("; "))
            }
            DesignSpec::Sampled { varies, samples, sampling, seed } => {
                let kind = if *sampling == Sampling::LatinHypercube { "lhs" } else { "random" };
                format!("{kind} of {samples} points (design seed {seed}): {}", varies.join("; "))
            }
            DesignSpec::Table(path) => format!("table {}", path.display()),
        };
        format!("sweep       {design} ({seeds})\n")
    }

    /// The sweep as `ungasim check --resolved` prints it.
    pub fn to_json(&self) -> Value {
        let mut value = match &self.design {
            DesignSpec::Vary(varies, combine) => {
                json!({"design": if *combine == Combine::Grid { "grid" } else { "zip" }, "vary": varies})
            }
            DesignSpec::Sampled { varies, samples, sampling, seed } => json!({
                "design": if *sampling == Sampling::LatinHypercube { "lhs" } else { "random" },
                "vary": varies,
                "samples": samples,
                "design_seed": seed,
            }),
            DesignSpec::Table(path) => json!({"design": "table", "table": path.display().to_string()}),
        };
        value["independent_seeds"] = json!(self.independent_seeds);
        value
    }
}
