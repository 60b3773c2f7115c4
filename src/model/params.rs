//! Parameter paths: the one place that maps `model.noise_scale`,
//! `blocs.EU.cohesion`, `states.IND.position.sovereignty`,
//! `proposals.A/RES/73/27.salience`, ... to a value of a scenario.
//!
//! Used by `[[uncertain]]`, by `--set` and (later) by `sweep --vary`, so a
//! path means the same thing everywhere and is checked against the same
//! ranges.

use super::{Noise, Scenario};
use crate::suggest::alternatives;

/// The largest number of influence rounds accepted (the stances have long
/// converged by then; a typo like `1e9` should be an error, not a hang).
pub const MAX_ROUNDS: u32 = 10_000;

/// A resolved address of one scenario value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamPath {
    /// A field of `[model]`.
    Model(ModelField),
    /// `blocs.ID.cohesion` (bloc index).
    BlocCohesion(usize),
    /// A field of one state (state index).
    State(usize, StateField),
    /// A field of one proposal (proposal index).
    Proposal(usize, ProposalField),
}

/// Addressable fields of `[model]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelField {
    /// `noise` (a name, not a number).
    Noise,
    /// `noise_scale`.
    NoiseScale,
    /// `position_jitter`.
    PositionJitter,
    /// `abstain_band`.
    AbstainBand,
    /// `rounds` (an integer).
    Rounds,
    /// `conformity`.
    Conformity,
    /// `capacity_weight`.
    CapacityWeight,
    /// `tie_weight`.
    TieWeight,
}

/// Addressable fields of a state; `Position(Some(k))` is one coordinate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateField {
    /// `position` or `position.DIM`.
    Position(Option<usize>),
    /// `capacity`.
    Capacity,
    /// `attendance`.
    Attendance,
    /// `abstain_band`.
    AbstainBand,
    /// `conformity`.
    Conformity,
}

/// Addressable fields of a proposal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProposalField {
    /// `position` or `position.DIM`.
    Position(Option<usize>),
    /// `status_quo` or `status_quo.DIM`.
    StatusQuo(Option<usize>),
    /// `salience`.
    Salience,
    /// `capacity_building`.
    CapacityBuilding,
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
}

const MODEL_FIELDS: [(&str, ModelField); 8] = [
    ("noise", ModelField::Noise),
    ("noise_scale", ModelField::NoiseScale),
    ("position_jitter", ModelField::PositionJitter),
    ("abstain_band", ModelField::AbstainBand),
    ("rounds", ModelField::Rounds),
    ("conformity", ModelField::Conformity),
    ("capacity_weight", ModelField::CapacityWeight),
    ("tie_weight", ModelField::TieWeight),
];
const STATE_FIELDS: [&str; 5] = ["position", "capacity", "attendance", "abstain_band", "conformity"];
const PROPOSAL_FIELDS: [&str; 4] = ["position", "status_quo", "salience", "capacity_building"];

const PROBABILITY: ParamTarget = ParamTarget::Real { min: 0.0, max: 1.0, min_open: false };
const NON_NEGATIVE: ParamTarget = ParamTarget::Real { min: 0.0, max: f64::INFINITY, min_open: false };
const POSITIVE: ParamTarget = ParamTarget::Real { min: 0.0, max: f64::INFINITY, min_open: true };
const ANY_REAL: ParamTarget = ParamTarget::Real { min: f64::NEG_INFINITY, max: f64::INFINITY, min_open: false };

impl ParamPath {
    /// Resolves `text` against a scenario's states, blocs, proposals and
    /// dimensions; the error says what is wrong and suggests the closest name.
    pub fn parse(scenario: &Scenario, text: &str) -> Result<ParamPath, String> {
        let (section, rest) = text.split_once('.').unwrap_or((text, ""));
        match section {
            "model" => MODEL_FIELDS
                .iter()
                .find(|(name, _)| *name == rest)
                .map(|&(_, field)| ParamPath::Model(field))
                .ok_or_else(|| unknown("field of [model]", rest, MODEL_FIELDS.iter().map(|f| f.0))),
            "blocs" => {
                let (id, field) = rest.rsplit_once('.').unwrap_or((rest, ""));
                let bloc = scenario
                    .bloc_index(id)
                    .ok_or_else(|| unknown("bloc", id, scenario.blocs.iter().map(|b| b.id.as_str())))?;
                if field != "cohesion" {
                    return Err(unknown("bloc field", field, ["cohesion"]));
                }
                Ok(ParamPath::BlocCohesion(bloc))
            }
            "states" => {
                let (iso3, field) = rest.split_once('.').unwrap_or((rest, ""));
                let state = scenario
                    .state_index(iso3)
                    .ok_or_else(|| unknown("state", iso3, scenario.states.iter().map(|s| s.iso3.as_str())))?;
                let field = match split_dimension(scenario, field)? {
                    ("position", dim) => StateField::Position(dim),
                    ("capacity", None) => StateField::Capacity,
                    ("attendance", None) => StateField::Attendance,
                    ("abstain_band", None) => StateField::AbstainBand,
                    ("conformity", None) => StateField::Conformity,
                    (name, _) => return Err(unknown("state field", name, STATE_FIELDS)),
                };
                Ok(ParamPath::State(state, field))
            }
            "proposals" => {
                // Proposal ids contain '/' and may contain '.', so match the longest id prefix.
                let (index, field) = scenario
                    .proposals
                    .iter()
                    .enumerate()
                    .filter_map(|(j, p)| {
                        rest.strip_prefix(p.id.as_str()).and_then(|f| f.strip_prefix('.')).map(|f| (j, p.id.len(), f))
                    })
                    .max_by_key(|&(_, len, _)| len)
                    .map(|(j, _, f)| (j, f))
                    .ok_or_else(|| {
                        let id =
                            PROPOSAL_FIELDS.iter().find_map(|f| rest.strip_suffix(&format!(".{f}"))).unwrap_or(rest);
                        unknown("proposal", id, scenario.proposals.iter().map(|p| p.id.as_str()))
                    })?;
                let field = match split_dimension(scenario, field)? {
                    ("position", dim) => ProposalField::Position(dim),
                    ("status_quo", dim) => ProposalField::StatusQuo(dim),
                    ("salience", None) => ProposalField::Salience,
                    ("capacity_building", None) => ProposalField::CapacityBuilding,
                    (name, _) => return Err(unknown("proposal field", name, PROPOSAL_FIELDS)),
                };
                Ok(ParamPath::Proposal(index, field))
            }
            _ => Err(unknown("section", section, ["model", "blocs", "states", "proposals"])),
        }
    }

    /// Whether every run redraws this parameter from its proposal's series
    /// `like` (position, status quo or salience of such a proposal), so that
    /// no `--set` or `[[uncertain]]` can hold it.
    pub fn drawn_by_series(self, scenario: &Scenario) -> bool {
        matches!(
            self,
            ParamPath::Proposal(j, ProposalField::Position(_) | ProposalField::StatusQuo(_) | ProposalField::Salience)
                if scenario.proposals[j].draw.is_some()
        )
    }

    /// The kind of value at this path and its valid range.
    pub fn target(self) -> ParamTarget {
        use ModelField as M;
        match self {
            ParamPath::Model(M::Noise) => ParamTarget::NoiseName,
            ParamPath::Model(M::Rounds) => ParamTarget::Count,
            ParamPath::Model(M::NoiseScale) => POSITIVE,
            ParamPath::Model(M::Conformity) => PROBABILITY,
            ParamPath::Model(M::PositionJitter | M::AbstainBand | M::CapacityWeight | M::TieWeight) => NON_NEGATIVE,
            ParamPath::BlocCohesion(_) => PROBABILITY,
            ParamPath::State(_, StateField::Position(None)) => ParamTarget::Vector,
            ParamPath::State(_, StateField::Position(Some(_))) => ANY_REAL,
            ParamPath::State(_, StateField::Capacity | StateField::Attendance | StateField::Conformity) => PROBABILITY,
            ParamPath::State(_, StateField::AbstainBand) => NON_NEGATIVE,
            ParamPath::Proposal(_, ProposalField::Position(None) | ProposalField::StatusQuo(None)) => {
                ParamTarget::Vector
            }
            ParamPath::Proposal(_, ProposalField::Position(Some(_)) | ProposalField::StatusQuo(Some(_))) => ANY_REAL,
            ParamPath::Proposal(_, ProposalField::Salience) => POSITIVE,
            ParamPath::Proposal(_, ProposalField::CapacityBuilding) => PROBABILITY,
        }
    }

    /// Sets the value at this path in `scenario`, after checking its kind
    /// and range; the error reads "must be ...".
    pub fn set(self, scenario: &mut Scenario, value: &ParamValue) -> Result<(), String> {
        use ModelField as M;
        let target = self.target();
        let dims = scenario.dimensions.len();
        let real = |value: &ParamValue| match *value {
            ParamValue::Real(x) => target.check(x).map(|()| x),
            _ => Err(format!("must be {}", target.describe())),
        };
        let vector = |value: &ParamValue| match value {
            ParamValue::Vector(v) if v.len() == dims && v.iter().all(|x| x.is_finite()) => Ok(v.clone()),
            ParamValue::Vector(v) if v.len() != dims => {
                Err(format!("must have {dims} coordinates ({}), not {}", scenario.dimensions.join(", "), v.len()))
            }
            _ => Err(format!("must be {}", target.describe())),
        };
        let model = &mut scenario.model;
        match self {
            ParamPath::Model(M::Noise) => match value {
                ParamValue::Noise(noise) => model.noise = *noise,
                _ => return Err(format!("must be {}", target.describe())),
            },
            ParamPath::Model(M::Rounds) => model.rounds = real(value)? as u32,
            ParamPath::Model(M::NoiseScale) => model.noise_scale = real(value)?,
            ParamPath::Model(M::PositionJitter) => model.position_jitter = real(value)?,
            ParamPath::Model(M::AbstainBand) => model.abstain_band = real(value)?,
            ParamPath::Model(M::Conformity) => model.conformity = real(value)?,
            ParamPath::Model(M::CapacityWeight) => model.capacity_weight = real(value)?,
            ParamPath::Model(M::TieWeight) => model.tie_weight = real(value)?,
            ParamPath::BlocCohesion(b) => scenario.blocs[b].cohesion = real(value)?,
            ParamPath::State(i, field) => {
                let state = &mut scenario.states[i];
                match field {
                    StateField::Position(Some(k)) => state.position[k] = real(value)?,
                    StateField::Position(None) => state.position = vector(value)?,
                    StateField::Capacity => state.capacity = real(value)?,
                    StateField::Attendance => state.attendance = real(value)?,
                    StateField::AbstainBand => state.abstain_band = Some(real(value)?),
                    StateField::Conformity => state.conformity = Some(real(value)?),
                }
            }
            ParamPath::Proposal(j, field) => {
                let proposal = &mut scenario.proposals[j];
                match field {
                    ProposalField::Position(Some(k)) => proposal.position[k] = real(value)?,
                    ProposalField::Position(None) => proposal.position = vector(value)?,
                    ProposalField::StatusQuo(Some(k)) => proposal.status_quo[k] = real(value)?,
                    ProposalField::StatusQuo(None) => proposal.status_quo = vector(value)?,
                    ProposalField::Salience => proposal.salience = real(value)?,
                    ProposalField::CapacityBuilding => proposal.capacity_building = real(value)?,
                }
            }
        }
        Ok(())
    }
}

/// A value to put at a [`ParamPath`] (from `--set` or a sweep grid).
#[derive(Debug, Clone, PartialEq)]
pub enum ParamValue {
    /// A number.
    Real(f64),
    /// One number per dimension.
    Vector(Vec<f64>),
    /// A noise distribution name.
    Noise(Noise),
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
            ParamTarget::Vector | ParamTarget::NoiseName => Ok(()),
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
