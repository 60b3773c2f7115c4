//! Validated domain types: what the engine simulates.
//!
//! Everything here has passed every check of `scenario` (parse, validate
//! once, never again): indices are in range, probabilities lie in [0, 1],
//! scales are non-negative and finite, positions have the roster's number of
//! dimensions. The engine and the exporters only ever see these types.

mod params;
pub mod registry;

pub use params::{ANY_REAL, MAX_ROUNDS, NON_NEGATIVE, POSITIVE, PROBABILITY, ParamPath, ParamTarget, ParamValue};
pub use registry::{PARAMS, Param, Scope};

use crate::date::Date;
use serde::Serialize;

/// Version of the model semantics (MODEL.md); recorded in every manifest.
pub const MODEL_VERSION: &str = "2";

/// How the vote noise eps is distributed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Noise {
    /// eps ~ Logistic(0, sigma): an ordered logit.
    Logistic,
    /// eps ~ Normal(0, sigma^2): an ordered probit.
    Normal,
}

/// Global model parameters (`[model]` of a scenario).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelParams {
    /// Distribution of the vote noise.
    pub noise: Noise,
    /// Scale sigma of the vote noise (> 0).
    pub noise_scale: f64,
    /// Standard deviation sigma_x of the per-run position jitter (>= 0).
    pub position_jitter: f64,
    /// Default half-width tau of the abstention band (>= 0).
    pub abstain_band: f64,
    /// Number R of Friedkin-Johnsen influence rounds.
    pub rounds: u32,
    /// Default conformity lambda in [0, 1].
    pub conformity: f64,
    /// Weight beta_cap of the capacity-building pull (>= 0).
    pub capacity_weight: f64,
    /// Weight beta_tie of the pull of ties to sponsors (>= 0).
    pub tie_weight: f64,
    /// Factor s on every state's attendance (>= 0): a state is present with
    /// probability min(1, s a_i).
    pub attendance_scale: f64,
}

impl Default for ModelParams {
    /// Fallback values for a roster without a calibration; a calibrated roster
    /// (the embedded one) replaces `abstain_band`, `conformity`, `rounds` and
    /// `tie_weight` with its fitted values, which the README documents.
    fn default() -> ModelParams {
        ModelParams {
            noise: Noise::Logistic,
            noise_scale: 1.0,
            position_jitter: 0.15,
            abstain_band: 0.5,
            rounds: 3,
            conformity: 0.4,
            capacity_weight: 0.5,
            tie_weight: 0.5,
            attendance_scale: 1.0,
        }
    }
}

/// A UN member state as simulated.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct State {
    /// ISO 3166-1 alpha-3 code.
    pub iso3: String,
    /// Name as used in UN voting records.
    pub name: String,
    /// UN regional group id (AFRICAN, ASIA_PACIFIC, EASTERN_EUROPEAN, GRULAC, WEOG).
    pub group: String,
    /// Ideal point x_i, one coordinate per dimension.
    pub position: Vec<f64>,
    /// Digital development c_i in [0, 1].
    pub capacity: f64,
    /// Probability a_i of being present and voting.
    pub attendance: f64,
    /// Half-width tau_i of the abstention band set for this state; `None`
    /// follows `model.abstain_band` times [`State::band_factor`].
    #[serde(skip)]
    pub abstain_band: Option<f64>,
    /// The calibrated ratio of this state's band to the common one (1 when
    /// the calibration kept no per-state bands), so `model.abstain_band`
    /// still scales every state that has no band of its own.
    #[serde(skip)]
    pub band_factor: f64,
    /// Conformity lambda_i; `None` follows `model.conformity`.
    #[serde(skip)]
    pub conformity: Option<f64>,
}

impl State {
    /// tau_i: the state's own band or the model default.
    pub fn abstain_band(&self, model: &ModelParams) -> f64 {
        self.abstain_band.unwrap_or(model.abstain_band * self.band_factor)
    }

    /// lambda_i: the state's own conformity or the model default.
    pub fn conformity(&self, model: &ModelParams) -> f64 {
        self.conformity.unwrap_or(model.conformity)
    }
}

/// A bloc with the membership in force at the scenario date.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bloc {
    /// Upper-case id (EU, NATO, ..., or a scenario-defined one).
    pub id: String,
    /// Full name.
    pub name: String,
    /// Cohesion kappa_b in [0, 1]: weight of the bloc's pull on its members.
    pub cohesion: f64,
    /// Index of the leading state, whose stance is the bloc's stance.
    #[serde(skip)]
    pub leader: Option<usize>,
    /// Indices of the member states, ascending.
    #[serde(skip)]
    pub members: Vec<usize>,
}

/// A directed bilateral affinity T_ik >= 0 of state `from` (i) to state `to` (k).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Tie {
    /// Index of i, the state that is pulled.
    #[serde(skip)]
    pub from: usize,
    /// Index of k, the state that pulls.
    #[serde(skip)]
    pub to: usize,
    /// T_ik.
    pub weight: f64,
}

/// The majority a proposal needs (GA rules of procedure 83-86).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Majority {
    /// Adopted iff Yes > No.
    Simple,
    /// Adopted iff Yes >= 2 No and Yes > 0.
    TwoThirds,
}

/// A draft resolution put to the vote.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Proposal {
    /// Identifier, e.g. `A/RES/73/27`.
    pub id: String,
    /// Title (defaults to the id).
    pub title: String,
    /// Indices of the sponsoring states (they vote Yes and are present).
    #[serde(skip)]
    pub sponsors: Vec<usize>,
    /// Position p_j.
    pub position: Vec<f64>,
    /// Status quo q_j (default: the origin).
    pub status_quo: Vec<f64>,
    /// Salience s_j > 0.
    pub salience: f64,
    /// Capacity-building content cb_j in [0, 1].
    pub capacity_building: f64,
    /// Majority required.
    pub majority: Majority,
    /// Whether a run with no No vote counts as adoption without a vote.
    pub consensus: bool,
    /// The recorded texts it is `like` (empty: none).
    pub like: Vec<String>,
    /// With a series `like`, the distribution each run draws the text from.
    #[serde(skip)]
    pub draw: Option<TextDraw>,
}

/// A series `like`: each run draws the stance coefficients (a, b), a the
/// cutting direction times 2 s and b the offset, from N(mean, L L^T).
#[derive(Debug, Clone, PartialEq)]
pub struct TextDraw {
    /// The series' mean coefficients (dimensions + 1 values).
    pub mean: Vec<f64>,
    /// Lower Cholesky factor of the pooled between-text covariance.
    pub factor: Vec<Vec<f64>>,
}

/// A recorded vote of one state on one proposal (the `u8` order is the column order of the output).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
#[repr(u8)]
pub enum Vote {
    /// In favour.
    Yes = 0,
    /// Against.
    No = 1,
    /// Present, abstaining.
    Abstain = 2,
    /// Absent or not voting.
    Absent = 3,
}

impl Vote {
    /// All votes in column order.
    pub const ALL: [Vote; 4] = [Vote::Yes, Vote::No, Vote::Abstain, Vote::Absent];

    /// Lower-case name as in scenario files and CSV headers.
    pub fn name(self) -> &'static str {
        match self {
            Vote::Yes => "yes",
            Vote::No => "no",
            Vote::Abstain => "abstain",
            Vote::Absent => "absent",
        }
    }
}

/// A probability distribution for an `[[uncertain]]` parameter.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "dist", rename_all = "lowercase")]
pub enum Dist {
    /// Beta(a, b), a, b > 0.
    Beta {
        /// First shape.
        a: f64,
        /// Second shape.
        b: f64,
    },
    /// Uniform on [low, high).
    Uniform {
        /// Lower bound.
        low: f64,
        /// Upper bound (> low).
        high: f64,
    },
    /// Normal(mean, sd^2), sd > 0.
    Normal {
        /// Mean.
        mean: f64,
        /// Standard deviation.
        sd: f64,
    },
    /// Triangular on [low, high] with the given mode.
    Triangular {
        /// Lower bound.
        low: f64,
        /// Mode, low <= mode <= high.
        mode: f64,
        /// Upper bound (> low).
        high: f64,
    },
}

impl Dist {
    /// Smallest and largest value the distribution can produce.
    pub fn support(&self) -> (f64, f64) {
        match *self {
            Dist::Beta { .. } => (0.0, 1.0),
            Dist::Uniform { low, high } | Dist::Triangular { low, high, .. } => (low, high),
            Dist::Normal { .. } => (f64::NEG_INFINITY, f64::INFINITY),
        }
    }
}

/// One `[[uncertain]]` entry: a parameter redrawn once per run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Uncertain {
    /// The parameter, as written (`blocs.EU.cohesion`).
    pub param: String,
    /// The parameter, resolved.
    #[serde(skip)]
    pub target: ParamPath,
    /// The line of the entry's `param` in the scenario file (for errors).
    #[serde(skip)]
    pub line: usize,
    /// Its distribution.
    #[serde(flatten)]
    pub dist: Dist,
}

/// One `[[force]]` entry: a fixed vote (a counterfactual).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Force {
    /// Index of the state.
    #[serde(skip)]
    pub state: usize,
    /// Index of the proposal.
    #[serde(skip)]
    pub proposal: usize,
    /// The vote it casts.
    pub vote: Vote,
}

/// A fully resolved scenario: roster plus every override, at its date.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// `scenario.name`.
    pub name: String,
    /// `scenario.description` (may be empty).
    pub description: String,
    /// Date selecting the bloc membership in force.
    pub date: Date,
    /// Master seed.
    pub seed: u64,
    /// Default number of runs.
    pub runs: u64,
    /// The roster used: `embedded`, or the calibration directory.
    pub roster: String,
    /// Names of the issue-space dimensions (K of them).
    pub dimensions: Vec<String>,
    /// Global parameters.
    pub model: ModelParams,
    /// The 193 member states (roster order) with overrides applied.
    pub states: Vec<State>,
    /// Blocs with their membership at `date`.
    pub blocs: Vec<Bloc>,
    /// Directed ties, symmetric ones expanded.
    pub ties: Vec<Tie>,
    /// Proposals in file order.
    pub proposals: Vec<Proposal>,
    /// Parameters redrawn every run, in file order.
    pub uncertain: Vec<Uncertain>,
    /// Fixed votes.
    pub force: Vec<Force>,
    /// A what-if condition of the batch (`run --given`), not of the file:
    /// the runs meeting it are also tallied apart. The engine ignores it.
    pub given: Option<crate::given::Condition>,
}

impl Scenario {
    /// Index of the state with this ISO3 code.
    pub fn state_index(&self, iso3: &str) -> Option<usize> {
        self.states.iter().position(|s| s.iso3 == iso3)
    }

    /// Index of the bloc with this id.
    pub fn bloc_index(&self, id: &str) -> Option<usize> {
        self.blocs.iter().position(|b| b.id == id)
    }

    /// Index of the proposal with this id.
    pub fn proposal_index(&self, id: &str) -> Option<usize> {
        self.proposals.iter().position(|p| p.id == id)
    }

    /// Whether the final stances can differ from run to run: with position
    /// jitter, `[[uncertain]]` parameters or a series `like` they are
    /// computed anew in every run; without, they are the same in every run
    /// (and the engine computes them once).
    pub fn stances_vary(&self) -> bool {
        self.model.position_jitter > 0.0
            || !self.uncertain.is_empty()
            || self.proposals.iter().any(|p| p.draw.is_some())
    }

    /// Every state's vote on proposal `j` fixed by rule, roster order:
    /// sponsors vote Yes, and a `[[force]]` entry wins over sponsorship;
    /// `None` for a state that votes freely.
    pub fn fixed_votes(&self, j: usize) -> Vec<Option<Vote>> {
        let mut fixed = vec![None; self.states.len()];
        for &s in &self.proposals[j].sponsors {
            fixed[s] = Some(Vote::Yes);
        }
        for f in self.force.iter().filter(|f| f.proposal == j) {
            fixed[f.state] = Some(f.vote);
        }
        fixed
    }

    /// Adds state `i` to bloc `b`; an error if it is a member already.
    pub fn add_member(&mut self, b: usize, i: usize) -> Result<(), String> {
        let members = &self.blocs[b].members;
        match members.binary_search(&i) {
            Ok(_) => {
                Err(format!("`{}` is already a member of {} on {}", self.states[i].iso3, self.blocs[b].id, self.date))
            }
            Err(at) => {
                self.blocs[b].members.insert(at, i);
                Ok(())
            }
        }
    }

    /// Removes state `i` from bloc `b`; an error if it is not a member.
    pub fn remove_member(&mut self, b: usize, i: usize) -> Result<(), String> {
        let members = &self.blocs[b].members;
        match members.binary_search(&i) {
            Ok(at) => {
                self.blocs[b].members.remove(at);
                Ok(())
            }
            Err(_) => {
                Err(format!("`{}` is not a member of {} on {}", self.states[i].iso3, self.blocs[b].id, self.date))
            }
        }
    }

    /// An error if bloc `b` has a leader that is not one of its members.
    pub fn check_leader(&self, b: usize) -> Result<(), String> {
        let bloc = &self.blocs[b];
        match bloc.leader.filter(|l| bloc.members.binary_search(l).is_err()) {
            Some(l) => {
                Err(format!("the leader `{}` is not a member of {} on {}", self.states[l].iso3, bloc.id, self.date))
            }
            None => Ok(()),
        }
    }
}
