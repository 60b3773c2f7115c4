//! `--set PATH=VALUE` overrides from the command line.
//!
//! VALUE is read as a TOML value (`0.9`, `"normal"`, `[0.1, 0.2]`,
//! `2021-01-01`); a bare word such as `normal` is taken as a string, a list
//! of bare words (`[RUS,CHN]`) as a list of strings and an empty VALUE as
//! `""`, since shells eat the quotes. `scenario.*` paths change
//! `[scenario]` before the roster is resolved (so `scenario.date` changes
//! the membership in force); every other path is resolved with
//! [`ParamPath::parse`] against the built scenario and set with
//! [`ParamPath::set`], after the file is validated. A path that an
//! `[[uncertain]]` entry redraws every run cannot be set: the error names
//! the entry's line.

use super::ScenarioError;
use super::build::{MAJORITIES, Meta, NOISES, check_name, check_runs, choice, date_of, unknown_state};
use super::raw::decimal_u64;
use crate::model::registry::Scope;
use crate::model::{ParamPath, ParamTarget, ParamValue, Scenario};
use crate::suggest::alternatives;

/// Fields of `[scenario]` that `--set scenario.FIELD=...` may change.
const META_FIELDS: [&str; 5] = ["name", "description", "date", "seed", "runs"];

/// One parsed `--set PATH=VALUE`.
pub(super) struct Override {
    /// The argument as given, for error messages.
    text: String,
    path: String,
    value: toml::Value,
}

impl Override {
    fn error(&self, message: impl Into<String>) -> ScenarioError {
        set_error(&self.text, message)
    }

    /// The field of `[scenario]` this override changes, if it is a `scenario.*` one.
    fn meta_field(&self) -> Option<&str> {
        if self.path == "scenario" { Some("") } else { self.path.strip_prefix("scenario.") }
    }
}

fn set_error(text: &str, message: impl Into<String>) -> ScenarioError {
    let file = format!("--set {}", abbreviated(text));
    ScenarioError { file, line: 0, column: 0, field: String::new(), message: message.into() }
}

/// The longest `--set` argument quoted whole in an error.
const QUOTED_CHARS: usize = 120;

/// `text`, or for a longer one its first [`QUOTED_CHARS`] characters and its length.
fn abbreviated(text: &str) -> String {
    match text.char_indices().nth(QUOTED_CHARS) {
        Some((cut, _)) => format!("{}... ({} characters)", &text[..cut], text.chars().count()),
        None => text.to_string(),
    }
}

/// Splits every `PATH=VALUE` and reads its value.
pub(super) fn parse_all(texts: &[String]) -> Result<Vec<Override>, ScenarioError> {
    texts
        .iter()
        .map(|text| {
            let (path, value) = text
                .split_once('=')
                .ok_or_else(|| set_error(text, "expected PATH=VALUE, e.g. model.noise_scale=0.8"))?;
            let value = value.trim();
            let value = match value.parse::<toml::Value>() {
                Ok(value) => value,
                Err(_) if value.is_empty() || is_bare_word(value) => toml::Value::String(value.to_string()),
                Err(e) => match bare_list(value) {
                    Some(list) => list,
                    None => return Err(set_error(text, format!("VALUE is not a TOML value: {}", e.message()))),
                },
            };
            let path = path.trim();
            check_section(path).map_err(|m| set_error(text, m))?;
            Ok(Override { text: text.clone(), path: path.to_string(), value })
        })
        .collect()
}

/// Ok if `path` starts with a section `--set` knows (`scenario` or a
/// parameter scope); the error lists them all.
fn check_section(path: &str) -> Result<(), String> {
    if path.is_empty() {
        return Err("PATH is empty; expected PATH=VALUE, e.g. model.noise_scale=0.8".to_string());
    }
    let section = path.split_once('.').map_or(path, |(section, _)| section);
    let sections = || std::iter::once("scenario").chain(Scope::ALL.map(Scope::section));
    if sections().any(|s| s == section) {
        Ok(())
    } else {
        Err(format!("unknown section `{section}`{}", alternatives(section, sections())))
    }
}

/// A word the shell may have left unquoted: letters (any script), digits, `_` and `-`.
fn is_bare_word(text: &str) -> bool {
    !text.is_empty() && text.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-')
}

/// `[RUS, CHN]` (bare words, the shell ate the quotes) as a list of strings.
fn bare_list(text: &str) -> Option<toml::Value> {
    let inner = text.strip_prefix('[')?.strip_suffix(']')?;
    let words: Vec<&str> = inner.split(',').map(str::trim).collect();
    let strings = || words.iter().map(|w| toml::Value::String(w.to_string())).collect();
    words.iter().all(|w| is_bare_word(w)).then(|| toml::Value::Array(strings()))
}

/// Applies the `scenario.*` overrides, in order.
pub(super) fn apply_meta(meta: &mut Meta, overrides: &[Override]) -> Result<(), ScenarioError> {
    for o in overrides {
        let Some(field) = o.meta_field() else { continue };
        let text = |value: &toml::Value| match value {
            toml::Value::String(s) => Ok(s.clone()),
            other => Err(format!("must be a string, not {other}")),
        };
        // Above 2^63 - 1 (a seed) a TOML integer cannot hold the number, and
        // it arrives as a bare word, that is a string of digits.
        let integer = |value: &toml::Value| {
            let number = match value {
                toml::Value::Integer(i) => u64::try_from(*i).ok(),
                toml::Value::String(digits) => decimal_u64(digits),
                _ => None,
            };
            number.ok_or_else(|| format!("must be a non-negative integer, not {value}"))
        };
        let result = match field {
            "name" => text(&o.value).and_then(|s| check_name(&s)).map(|s| meta.name = s),
            "description" => text(&o.value).map(|s| meta.description = s),
            "date" => date_of(&o.value).map(|d| meta.date = d),
            "seed" => integer(&o.value).map(|s| meta.seed = s),
            "runs" => integer(&o.value).and_then(check_runs).map(|r| meta.runs = r),
            _ => Err(format!("unknown field of [scenario] `{field}`{}", alternatives(field, META_FIELDS))),
        };
        result.map_err(|m| o.error(m))?;
    }
    Ok(())
}

/// Applies every other override, in order, to the validated scenario. A
/// parameter that `[[uncertain]]` redraws every run cannot also be set.
pub(super) fn apply_params(scenario: &mut Scenario, overrides: &[Override]) -> Result<(), ScenarioError> {
    for o in overrides.iter().filter(|o| o.meta_field().is_none()) {
        let path = ParamPath::parse(scenario, &o.path).map_err(|m| o.error(m))?;
        if path.drawn_by_series(scenario) {
            return Err(o.error(format!("`{}` is drawn every run from the proposal's series `like`", o.path)));
        }
        if let Some(u) = scenario.uncertain.iter().find(|u| u.target.overlaps(path)) {
            let message = format!("{} is redrawn every run by [[uncertain]] at line {}; remove one", u.param, u.line);
            return Err(o.error(message));
        }
        let value = param_value(scenario, path.target(), &o.value).map_err(|m| o.error(m))?;
        path.set(scenario, value).map_err(|m| o.error(m))?;
    }
    Ok(())
}

/// The TOML `value` as a value of the kind `target` holds; ISO3 codes are
/// resolved against `scenario`'s states (each known, none twice).
pub(super) fn param_value(scenario: &Scenario, target: ParamTarget, value: &toml::Value) -> Result<ParamValue, String> {
    let number = |value: &toml::Value| match *value {
        toml::Value::Integer(i) => Some(i as f64),
        toml::Value::Float(x) => Some(x),
        _ => None,
    };
    let state = |code: &str| scenario.state_index(code).ok_or_else(|| unknown_state(&scenario.states, code));
    let converted = match (target, value) {
        (ParamTarget::NoiseName, toml::Value::String(name)) => {
            return choice("noise", name, &NOISES).map(ParamValue::Noise);
        }
        (ParamTarget::MajorityName, toml::Value::String(name)) => {
            return choice("majority", name, &MAJORITIES).map(ParamValue::Majority);
        }
        (ParamTarget::Bool, toml::Value::Boolean(flag)) => Some(ParamValue::Bool(*flag)),
        (ParamTarget::StateOrNone, toml::Value::String(code)) if code.is_empty() => Some(ParamValue::State(None)),
        (ParamTarget::StateOrNone, toml::Value::String(code)) => {
            return state(code).map(|i| ParamValue::State(Some(i)));
        }
        (ParamTarget::States, toml::Value::String(code)) => return state(code).map(|i| ParamValue::States(vec![i])),
        (ParamTarget::States, toml::Value::Array(items)) => {
            let mut indices = Vec::with_capacity(items.len());
            for item in items {
                let code = item.as_str().ok_or_else(|| format!("must be {}, not {value}", target.describe()))?;
                let index = state(code)?;
                if indices.contains(&index) {
                    return Err(format!("`{code}` is listed twice"));
                }
                indices.push(index);
            }
            Some(ParamValue::States(indices))
        }
        (ParamTarget::Vector, toml::Value::Array(items)) => {
            items.iter().map(number).collect::<Option<Vec<f64>>>().map(ParamValue::Vector)
        }
        (ParamTarget::Real { .. } | ParamTarget::Count, value) => number(value).map(ParamValue::Real),
        _ => None,
    };
    converted.ok_or_else(|| match (target, value) {
        (ParamTarget::Real { .. } | ParamTarget::Count, toml::Value::String(text))
            if text.trim().parse::<f64>().is_ok_and(f64::is_finite) =>
        {
            format!("\"{text}\" is a string; write {} without quotes", expected_number(target))
        }
        (ParamTarget::Real { .. } | ParamTarget::Count, toml::Value::String(text)) => {
            format!("`{text}` is not a number; expected {}", expected_number(target))
        }
        (ParamTarget::Real { .. }, _) => format!("must be {}, not {value}", expected_number(target)),
        _ => format!("must be {}, not {value}", target.describe()),
    })
}

/// "a number > 0", "a number in [0, 1]", "an integer in 0..=10000".
fn expected_number(target: ParamTarget) -> String {
    match target.describe() {
        described if described.starts_with("a") => described,
        described => format!("a number {described}"),
    }
}
