//! Parameter paths: `model.noise_scale`, `blocs.EU.cohesion`,
//! `states.IND.position.sovereignty`, `proposals.A/RES/73/27.salience`, ...
//! resolved against a scenario to a row of the [`registry`](super::registry)
//! and the bloc, state or proposal (and dimension) it addresses.
//!
//! Used by the scenario file's `[model]`, by `[[uncertain]]`, by `--set`
//! and (later) by `sweep`, so a path means the same thing everywhere and is
//! checked against the same ranges. What a parameter is, and what it
//! changes, is said once, in the registry.

use super::registry::{self, Param, Scope};
use super::{Majority, Noise, Scenario};
use crate::suggest::alternatives;

/// The largest number of influence rounds accepted (the stances have long
/// converged by then; a typo like `1e9` should be an error, not a hang).
pub const MAX_ROUNDS: u32 = 10_000;

/// A resolved address of one scenario value: a registry row, the index of
/// the bloc, state or proposal it belongs to (0 for `model.*`) and, for one
/// coordinate of a position, the dimension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParamPath {
    /// Index of the row in [`registry::PARAMS`].
    param: usize,
    /// Index of the bloc, state or proposal; 0 for a `[model]` field.
    pub at: usize,
    /// The dimension of one coordinate of a vector (`position.sovereignty`).
    pub dim: Option<usize>,
}

/// What kind of value a path holds, and its valid range.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ParamTarget {
    /// A real number in [min, max] (`min_open`: strictly greater than min).
    Real {
        /// Lower bound.
        min: f64,
        /// Upper bound.
        max: f64,
        /// Whether the lower bound itself is excluded.
        min_open: bool,
    },
    /// An integer in 0..=[`MAX_ROUNDS`].
    Count,
    /// A vector with one real per dimension.
    Vector,
    /// A noise name, `logistic` or `normal`.
    NoiseName,
    /// A majority name, `simple` or `two_thirds`.
    MajorityName,
    /// `true` or `false`.
    Bool,
    /// ISO3 codes of distinct states: one code or a list.
    States,
    /// The ISO3 code of one state, or `""` for none.
    StateOrNone,
}

/// A real number in [0, 1].
pub const PROBABILITY: ParamTarget = ParamTarget::Real { min: 0.0, max: 1.0, min_open: false };
/// A real number >= 0.
pub const NON_NEGATIVE: ParamTarget = ParamTarget::Real { min: 0.0, max: f64::INFINITY, min_open: false };
/// A real number > 0.
pub const POSITIVE: ParamTarget = ParamTarget::Real { min: 0.0, max: f64::INFINITY, min_open: true };
/// Any finite real number.
pub const ANY_REAL: ParamTarget = ParamTarget::Real { min: f64::NEG_INFINITY, max: f64::INFINITY, min_open: false };

impl ParamPath {
    /// The path of registry row `param` at bloc, state or proposal `at`.
    pub(super) fn new(param: usize, at: usize, dim: Option<usize>) -> ParamPath {
        ParamPath { param, at, dim }
    }

    /// Resolves `text` against a scenario's states, blocs, proposals and
    /// dimensions; the error says what is wrong and suggests the closest name.
    pub fn parse(scenario: &Scenario, text: &str) -> Result<ParamPath, String> {
        let (section, rest) = text.split_once('.').unwrap_or((text, ""));
        let scope = Scope::ALL
            .into_iter()
            .find(|s| s.section() == section)
            .ok_or_else(|| unknown("section", section, Scope::ALL.map(Scope::section)))?;
        let (at, field) = match scope {
            Scope::Model => return ParamPath::find(scope, rest, 0, None),
            Scope::Bloc => {
                let (id, field) = rest.rsplit_once('.').unwrap_or((rest, ""));
                let bloc = scenario
                    .bloc_index(id)
                    .ok_or_else(|| unknown("bloc", id, scenario.blocs.iter().map(|b| b.id.as_str())))?;
                return ParamPath::find(scope, field, bloc, None);
            }
            Scope::State => {
                let (iso3, field) = rest.split_once('.').unwrap_or((rest, ""));
                let state = scenario
                    .state_index(iso3)
                    .ok_or_else(|| unknown("state", iso3, scenario.states.iter().map(|s| s.iso3.as_str())))?;
                (state, field)
            }
            Scope::Proposal => {
                // Proposal ids contain '/' and may contain '.', so match the longest id prefix.
                scenario
                    .proposals
                    .iter()
                    .enumerate()
                    .filter_map(|(j, p)| {
                        rest.strip_prefix(p.id.as_str()).and_then(|f| f.strip_prefix('.')).map(|f| (j, p.id.len(), f))
                    })
                    .max_by_key(|&(_, len, _)| len)
                    .map(|(j, _, f)| (j, f))
                    .ok_or_else(|| {
                        let id = scope.names().find_map(|f| rest.strip_suffix(&format!(".{f}"))).unwrap_or(rest);
                        unknown("proposal", id, scenario.proposals.iter().map(|p| p.id.as_str()))
                    })?
            }
        };
        let (name, dim) = split_dimension(scenario, field)?;
        ParamPath::find(scope, name, at, dim)
    }

    /// The path of field `name` of `scope`; a dimension only on a vector.
    fn find(scope: Scope, name: &str, at: usize, dim: Option<usize>) -> Result<ParamPath, String> {
        match registry::find(scope, name) {
            Some(param) if dim.is_none() || registry::PARAMS[param].target == ParamTarget::Vector => {
                Ok(ParamPath { param, at, dim })
            }
            _ => Err(unknown(scope.field_noun(), name, scope.names())),
        }
    }

    /// The registry row of this path.
    pub fn param(self) -> &'static Param {
        &registry::PARAMS[self.param]
    }

    /// Whether every run redraws this parameter from its proposal's series
    /// `like` (position, status quo or salience of such a proposal), so that
    /// no `--set` or `[[uncertain]]` can hold it.
    pub fn drawn_by_series(self, scenario: &Scenario) -> bool {
        let param = self.param();
        param.by_series && param.scope == Scope::Proposal && scenario.proposals[self.at].draw.is_some()
    }

    /// Whether setting `self` would write (part of) the value at `other`:
    /// the same parameter of the same bloc, state or proposal, and the same
    /// coordinate or a whole vector.
    pub fn overlaps(self, other: ParamPath) -> bool {
        self.param == other.param
            && self.at == other.at
            && (self.dim == other.dim || self.dim.is_none() || other.dim.is_none())
    }

    /// The kind of value at this path and its valid range (one coordinate of
    /// a vector is any finite real).
    pub fn target(self) -> ParamTarget {
        match (self.param().target, self.dim) {
            (ParamTarget::Vector, Some(_)) => ANY_REAL,
            (target, _) => target,
        }
    }

    /// Sets the value at this path in `scenario`, after checking its kind
    /// and range; the error reads "must be ..." (or says why the change
    /// contradicts the scenario, e.g. adding a member twice).
    pub fn set(self, scenario: &mut Scenario, value: ParamValue) -> Result<(), String> {
        let target = self.target();
        let dims = scenario.dimensions.len();
        match (target, &value) {
            (ParamTarget::Real { .. } | ParamTarget::Count, ParamValue::Real(x)) => target.check(*x)?,
            (ParamTarget::Vector, ParamValue::Vector(v)) if v.len() != dims => {
                return Err(format!(
                    "must have {dims} coordinates ({}), not {}",
                    scenario.dimensions.join(", "),
                    v.len()
                ));
            }
            (ParamTarget::Vector, ParamValue::Vector(v)) => {
                for &x in v {
                    ANY_REAL.check(x)?;
                }
            }
            (ParamTarget::NoiseName, ParamValue::Noise(_))
            | (ParamTarget::MajorityName, ParamValue::Majority(_))
            | (ParamTarget::Bool, ParamValue::Bool(_))
            | (ParamTarget::States, ParamValue::States(_))
            | (ParamTarget::StateOrNone, ParamValue::State(_)) => {}
            _ => return Err(format!("must be {}", target.describe())),
        }
        (self.param().put)(scenario, self, value)
    }
}

/// A value to put at a [`ParamPath`] (from a file, `--set` or a sweep grid).
#[derive(Debug, Clone, PartialEq)]
pub enum ParamValue {
    /// A number.
    Real(f64),
    /// One number per dimension.
    Vector(Vec<f64>),
    /// A noise distribution.
    Noise(Noise),
    /// A majority rule.
    Majority(Majority),
    /// A flag.
    Bool(bool),
    /// State indices, distinct.
    States(Vec<usize>),
    /// A state index, or none.
    State(Option<usize>),
}

/// The panic of a registry setter handed a value [`ParamPath::set`] did not check.
const UNCHECKED: &str = "ParamPath::set checks the kind before calling a setter";

impl ParamValue {
    /// The number (the kind was checked by [`ParamPath::set`]).
    pub(super) fn real(&self) -> f64 {
        if let ParamValue::Real(x) = self { *x } else { unreachable!("{UNCHECKED}") }
    }

    /// The vector (the kind was checked by [`ParamPath::set`]).
    pub(super) fn vector(self) -> Vec<f64> {
        if let ParamValue::Vector(v) = self { v } else { unreachable!("{UNCHECKED}") }
    }

    /// The state indices (the kind was checked by [`ParamPath::set`]).
    pub(super) fn states(self) -> Vec<usize> {
        if let ParamValue::States(v) = self { v } else { unreachable!("{UNCHECKED}") }
    }
}

impl ParamTarget {
    /// Checks one real value against the range; the error reads "must be ...".
    pub fn check(self, value: f64) -> Result<(), String> {
        if !value.is_finite() {
            return Err(format!("must be a finite number, not {value}"));
        }
        match self {
            ParamTarget::Real { min, max, min_open } => {
                let below = if min_open { value <= min } else { value < min };
                if below || value > max { Err(format!("must be {}, not {value}", self.describe())) } else { Ok(()) }
            }
            ParamTarget::Count if (0.0..=MAX_ROUNDS as f64).contains(&value) && value.fract() == 0.0 => Ok(()),
            ParamTarget::Count => Err(format!("must be {}, not {value}", self.describe())),
            _ => Err(format!("must be {}, not {value}", self.describe())),
        }
    }

    /// Human-readable range, e.g. "in [0, 1]" or "> 0".
    pub fn describe(self) -> String {
        match self {
            ParamTarget::Real { min, max, min_open } => match (min.is_finite(), max.is_finite()) {
                (true, true) => format!("in [{min}, {max}]"),
                (true, false) if min_open => format!("> {min}"),
                (true, false) => format!(">= {min}"),
                _ => "a finite number".to_string(),
            },
            ParamTarget::Count => format!("an integer in 0..={MAX_ROUNDS}"),
            ParamTarget::Vector => "a list with one number per dimension".to_string(),
            ParamTarget::NoiseName => "`logistic` or `normal`".to_string(),
            ParamTarget::MajorityName => "`simple` or `two_thirds`".to_string(),
            ParamTarget::Bool => "`true` or `false`".to_string(),
            ParamTarget::States => "an ISO3 code or a list of ISO3 codes".to_string(),
            ParamTarget::StateOrNone => "an ISO3 code, or \"\" for none".to_string(),
        }
    }

    /// What a value of this kind is, for "only real-valued parameters can
    /// be uncertain" (`a name`, `an integer`, ...).
    pub fn noun(self) -> &'static str {
        match self {
            ParamTarget::Real { .. } => "a number",
            ParamTarget::Count => "an integer",
            ParamTarget::Vector => "a whole vector",
            ParamTarget::NoiseName | ParamTarget::MajorityName => "a name, not a number",
            ParamTarget::Bool => "true or false, not a number",
            ParamTarget::States | ParamTarget::StateOrNone => "ISO3 codes, not a number",
        }
    }
}

/// Splits `position.sovereignty` (or `position.0`) into the field and the dimension index.
fn split_dimension<'a>(scenario: &Scenario, field: &'a str) -> Result<(&'a str, Option<usize>), String> {
    let Some((name, dim)) = field.split_once('.') else {
        return Ok((field, None));
    };
    let index = scenario
        .dimensions
        .iter()
        .position(|d| d == dim)
        .or_else(|| dim.parse().ok().filter(|&k: &usize| k < scenario.dimensions.len()))
        .ok_or_else(|| unknown("dimension", dim, scenario.dimensions.iter().map(String::as_str)))?;
    Ok((name, Some(index)))
}

fn unknown<'a>(what: &str, name: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    format!("unknown {what} `{name}`{}", alternatives(name, candidates))
}
