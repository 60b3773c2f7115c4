//! Provisional roster values derived from the 2018-2020 roll calls.
//!
//! This module is a **provisional rule**: it fills the per-state roster
//! columns (capacity, attendance and the two ideal-point coordinates) and the
//! positions of the eight recorded resolutions until the `calibrate` command
//! lands. Its output is checked in as `data/derived.csv` and
//! `data/fitted_proposals.csv` and regenerated with
//! `cargo run --release --example provisional_positions`.
//!
//! Rules, for the 193 states in `states.csv` order:
//!
//! * **capacity** `c_i = ict_idi_score / 100`; where the ITU ICT Development
//!   Index is missing, the mean capacity of the scored states of the same UN
//!   regional group (`un_group`).
//! * **attendance** `a_i = (p_i + m * abar) / (R + m)`, where `p_i` is the
//!   number of the `R` roll calls in which the state voted Y, N or A (X =
//!   absent), `abar` the present share over all `R x 193` cells and
//!   `m = 2` ([`ATTENDANCE_SHRINKAGE`]): a shrinkage toward the overall rate so
//!   that 0/8 or 8/8 do not become 0 or 1.
//! * **development** `x_i2 = 2 * (cbar - c_i)`, `cbar` the mean capacity of
//!   all states: low capacity means a positive development agenda. Not fitted.
//! * **sovereignty** `x_i1`: maximum a posteriori on the roll calls, with
//!   development fixed, under the simulator's vote model without influence
//!   rounds. The stance of state `i` on resolution `j` is
//!   `y_ij = |x_i - q|^2 - |x_i - p_j|^2` with the status quo `q` at the
//!   origin ([`stance`]); the vote is Yes if `y + eps > tau`, No if
//!   `y + eps < -tau`, Abstain otherwise, `eps ~ Logistic(0, 1)`,
//!   `tau = 0.5` ([`TAU`], see [`vote_probabilities`]). Absent cells are left
//!   out. Unknowns: `x_i1` for every state and the 2-D position `p_j` of every
//!   resolution, with priors `x_i1 ~ N(0, 1)` and `p_jk ~ N(0, 1)` (weak, for
//!   identification).
//!
//! The optimizer is deterministic (plain `f64`, no randomness, no threads):
//! sweeps of one damped 2-D Newton step on each `p_j` followed by one damped
//! 1-D Newton step on each `x_i1`. A step is Levenberg-regularised when the
//! block Hessian is not negative definite and halved until the block's
//! log-posterior does not decrease, so the log-posterior never decreases.
//! Start: `x_i1 = +1` for states that voted Y on A/RES/73/27 and N on
//! A/RES/73/266, `-1` for the reverse, 0 otherwise; `p_j = (0, 0.5)`. The
//! sweeps stop when the log-posterior improves by less than [`TOLERANCE`] or
//! after [`MAX_SWEEPS`]. The likelihood is invariant to flipping the signs of
//! all `x_i1` and `p_j1`.
//!
//! **Reported frame.** All eight texts passed with large majorities, and a
//! state at the status quo never prefers a proposal (`y = -|p|^2 <= 0`), so
//! the maximum puts every state and every proposal on the same side of the
//! fitted status quo: USA and Russia differ by distance from it, not by
//! side. The stance `|x - q|^2 - |x - p|^2` is unchanged by moving `x`, `p`
//! and `q` together and by reflecting an axis, so the values are reported in
//! the frame that gives the axis its meaning in MODEL.md: sovereignty is
//! centred on the mean state (`x_i1 - mean`), its sign is chosen so that the
//! anchor USA is negative (state-centric is +), and the fitted status quo of
//! the recorded resolutions moves with it, to [`Derived::status_quo`]
//! (`(-mean, 0)` up to the sign, i.e. beyond the multistakeholder end: every
//! recorded text moved the Assembly toward more state-led rules). Scenarios
//! that model the recorded resolutions give that status quo explicitly.

use std::collections::{HashMap, HashSet};
use std::ops::Add;

use serde::Deserialize;

/// Half-width `tau` of the abstention band used in the fit.
pub const TAU: f64 = 0.5;

/// Pseudo-count `m` of the attendance shrinkage toward the overall rate.
pub const ATTENDANCE_SHRINKAGE: f64 = 2.0;

/// The fit stops when a sweep improves the log-posterior by less than this.
pub const TOLERANCE: f64 = 1e-10;

/// The fit stops after this many sweeps at the latest.
pub const MAX_SWEEPS: usize = 10_000;

/// Resolution whose Yes voters (with No on [`SEED_CONTRA`]) start at `x_i1 = +1`.
pub const SEED_PRO: &str = "A/RES/73/27";

/// Resolution whose Yes voters (with No on [`SEED_PRO`]) start at `x_i1 = -1`.
pub const SEED_CONTRA: &str = "A/RES/73/266";

/// State whose sovereignty coordinate is made negative to fix the sign.
pub const SIGN_ANCHOR: &str = "USA";

/// Start position of every resolution.
const START_PROPOSAL: [f64; 2] = [0.0, 0.5];

/// Maximum number of step halvings in one damped Newton step.
const MAX_HALVINGS: usize = 60;

/// A recorded vote of a present state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecordedVote {
    /// In favour (`Y`).
    Yes,
    /// Against (`N`).
    No,
    /// Abstaining (`A`).
    Abstain,
}

impl RecordedVote {
    /// The three votes in the order of [`vote_probabilities`].
    const ALL: [RecordedVote; 3] = [RecordedVote::Yes, RecordedVote::No, RecordedVote::Abstain];

    /// Parses a vote code of `rollcalls_2018_2020.csv`; `X` (absent) is `None`.
    fn from_code(code: &str) -> Result<Option<RecordedVote>, String> {
        match code {
            "Y" => Ok(Some(RecordedVote::Yes)),
            "N" => Ok(Some(RecordedVote::No)),
            "A" => Ok(Some(RecordedVote::Abstain)),
            "X" => Ok(None),
            other => Err(format!("vote `{other}` is not one of Y, N, A, X")),
        }
    }
}

/// The recorded votes of `rollcalls_2018_2020.csv` as a resolution x state grid.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RollCalls {
    /// Resolution symbols (e.g. `A/RES/73/27`) in first-appearance order.
    pub resolutions: Vec<String>,
    /// ISO3 code of the lead sponsor of each resolution.
    pub sponsor_lead: Vec<String>,
    /// Adoption date (`YYYY-MM-DD`) of each resolution.
    pub dates: Vec<String>,
    /// ISO3 codes of the states in first-appearance order.
    pub iso3: Vec<String>,
    /// `votes[resolution][state]`; `None` = absent or not voting (also when
    /// the file has no row for the pair).
    pub votes: Vec<Vec<Option<RecordedVote>>>,
}

impl RollCalls {
    /// Counts `[yes, no, abstain, absent]` of one resolution (by index).
    pub fn tally(&self, resolution: usize) -> [usize; 4] {
        let mut counts = [0; 4];
        for vote in &self.votes[resolution] {
            let slot = match vote {
                Some(RecordedVote::Yes) => 0,
                Some(RecordedVote::No) => 1,
                Some(RecordedVote::Abstain) => 2,
                None => 3,
            };
            counts[slot] += 1;
        }
        counts
    }

    /// Index of a resolution by its symbol.
    fn resolution_index(&self, symbol: &str) -> Result<usize, String> {
        self.resolutions
            .iter()
            .position(|r| r == symbol)
            .ok_or_else(|| format!("roll calls: resolution {symbol} is missing"))
    }
}

/// One row of `rollcalls_2018_2020.csv` (other columns are ignored).
#[derive(Deserialize)]
struct RollCallRow {
    resolution: String,
    date: String,
    sponsor_lead: String,
    iso3: String,
    vote: String,
}

/// Parses `rollcalls_2018_2020.csv` (columns `resolution`, `date`,
/// `sponsor_lead`, `iso3`, `vote` by header name; others are ignored).
///
/// Resolutions and states are kept in first-appearance order. A duplicate
/// (resolution, state) pair, a vote code other than Y/N/A/X, or a date or lead
/// sponsor that differs between rows of one resolution is an error naming
/// the line.
pub fn parse_rollcalls(csv_text: &str) -> Result<RollCalls, String> {
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let headers = reader.headers().map_err(|e| format!("roll calls: {e}"))?.clone();
    let mut calls = RollCalls::default();
    let mut state_index: HashMap<String, usize> = HashMap::new();
    let mut seen: HashSet<(usize, usize)> = HashSet::new();
    for record in reader.records() {
        let record = record.map_err(|e| format!("roll calls: {e}"))?;
        let line = record.position().map_or(0, |p| p.line());
        let at_line = |message: String| format!("roll calls line {line}: {message}");
        let row: RollCallRow = record.deserialize(Some(&headers)).map_err(|e| at_line(e.to_string()))?;
        let vote = RecordedVote::from_code(&row.vote).map_err(at_line)?;

        let resolution = match calls.resolutions.iter().position(|r| *r == row.resolution) {
            Some(r) => {
                if calls.dates[r] != row.date || calls.sponsor_lead[r] != row.sponsor_lead {
                    return Err(at_line(format!(
                        "{} has date {} and lead sponsor {} here but {} and {} above",
                        row.resolution, row.date, row.sponsor_lead, calls.dates[r], calls.sponsor_lead[r]
                    )));
                }
                r
            }
            None => {
                calls.resolutions.push(row.resolution.clone());
                calls.dates.push(row.date);
                calls.sponsor_lead.push(row.sponsor_lead);
                calls.votes.push(vec![None; calls.iso3.len()]);
                calls.resolutions.len() - 1
            }
        };
        let state = *state_index.entry(row.iso3.clone()).or_insert_with(|| {
            calls.iso3.push(row.iso3.clone());
            calls.votes.iter_mut().for_each(|votes| votes.push(None));
            calls.iso3.len() - 1
        });
        if !seen.insert((resolution, state)) {
            return Err(at_line(format!("second vote of {} on {}", row.iso3, row.resolution)));
        }
        calls.votes[resolution][state] = vote;
    }
    if calls.resolutions.is_empty() {
        return Err("roll calls: no rows".to_string());
    }
    Ok(calls)
}

/// The derived roster values and the fitted resolution positions.
#[derive(Debug, Clone, PartialEq)]
pub struct Derived {
    /// ISO3 codes in `states.csv` order.
    pub iso3: Vec<String>,
    /// Capacity `c_i` in [0, 1].
    pub capacity: Vec<f64>,
    /// Attendance probability `a_i` in (0, 1).
    pub attendance: Vec<f64>,
    /// Fitted sovereignty coordinate `x_i1` (USA < 0).
    pub sovereignty: Vec<f64>,
    /// Development coordinate `x_i2 = 2 (cbar - c_i)`.
    pub development: Vec<f64>,
    /// Fitted position `p_j = (sovereignty, development)` of each roll call,
    /// in roll-call file order.
    pub proposals: Vec<[f64; 2]>,
    /// The status quo `q` of the recorded roll calls in the reported frame.
    pub status_quo: [f64; 2],
    /// Log-posterior at the returned values (up to the normalising constant).
    pub log_posterior: f64,
    /// Number of optimizer sweeps performed.
    pub sweeps: usize,
}

/// One row of `states.csv` (other columns are ignored).
#[derive(Deserialize)]
struct StateRow {
    iso3: String,
    un_group: String,
    ict_idi_score: Option<f64>,
}

/// Derives every value of the module rules from the texts of `states.csv`
/// and `rollcalls_2018_2020.csv`.
///
/// Errors: unreadable rows, duplicate states, a roll-call state missing from
/// `states.csv`, a regional group without any scored state, a missing seed
/// resolution ([`SEED_PRO`], [`SEED_CONTRA`]) or a missing [`SIGN_ANCHOR`].
pub fn derive(states_csv: &str, rollcalls_csv: &str) -> Result<Derived, String> {
    derive_traced(states_csv, rollcalls_csv).map(|(derived, _)| derived)
}

/// [`derive`], also returning the log-posterior at the start and after each
/// sweep.
fn derive_traced(states_csv: &str, rollcalls_csv: &str) -> Result<(Derived, Vec<f64>), String> {
    let states = parse_states(states_csv)?;
    let calls = parse_rollcalls(rollcalls_csv)?;
    let iso3: Vec<String> = states.iter().map(|s| s.iso3.clone()).collect();
    let votes = align_votes(&calls, &iso3)?;

    let capacity = capacity(&states)?;
    let attendance = attendance(&votes, iso3.len());
    let mean_capacity = mean(&capacity);
    let development: Vec<f64> = capacity.iter().map(|c| 2.0 * (mean_capacity - c)).collect();

    let model = Model { votes: &votes, development: &development, tau: TAU };
    let start = seed_sovereignty(&votes, calls.resolution_index(SEED_PRO)?, calls.resolution_index(SEED_CONTRA)?);
    let mut fit = model.fit(start, vec![START_PROPOSAL; votes.len()]);
    let anchor = iso3
        .iter()
        .position(|s| s == SIGN_ANCHOR)
        .ok_or_else(|| format!("states: sign anchor {SIGN_ANCHOR} is missing"))?;
    // Re-express in the reported frame (module docs): centre, then orient by the anchor.
    let centre = mean(&fit.sovereignty);
    fit.sovereignty.iter_mut().for_each(|x| *x -= centre);
    fit.proposals.iter_mut().for_each(|p| p[0] -= centre);
    let mut status_quo = [-centre, 0.0];
    if fit.sovereignty[anchor] > 0.0 {
        fit.flip_sovereignty();
        status_quo[0] = -status_quo[0];
    }

    let derived = Derived {
        iso3,
        capacity,
        attendance,
        sovereignty: fit.sovereignty,
        development,
        proposals: fit.proposals,
        status_quo,
        log_posterior: fit.log_posterior,
        sweeps: fit.sweeps,
    };
    Ok((derived, fit.trace))
}

/// Expected `[yes, no, abstain, absent]` counts of roll call `proposal` under
/// the derived values: `sum_i a_i P(vote | y_ij)` for each vote and
/// `sum_i (1 - a_i)` absent.
pub fn expected_counts(derived: &Derived, proposal: usize) -> [f64; 4] {
    // Stances are taken relative to the status quo: |x - q|^2 - |x - p|^2 = stance(x - q, p - q).
    let q = derived.status_quo;
    let p = [derived.proposals[proposal][0] - q[0], derived.proposals[proposal][1] - q[1]];
    let mut counts = [0.0; 4];
    for (i, &attendance) in derived.attendance.iter().enumerate() {
        let x = [derived.sovereignty[i] - q[0], derived.development[i] - q[1]];
        let probabilities = vote_probabilities(stance(x, p), TAU);
        for (count, probability) in counts.iter_mut().zip(probabilities) {
            *count += attendance * probability;
        }
        counts[3] += 1.0 - attendance;
    }
    counts
}

/// Stance `y = |x - q|^2 - |x - p|^2` of a state at `x` on a proposal at `p`
/// with the status quo `q` at the origin, i.e. `2 x.p - |p|^2`: positive when
/// the proposal is closer to the state than the status quo.
pub fn stance(x: [f64; 2], p: [f64; 2]) -> f64 {
    2.0 * dot(x, p) - dot(p, p)
}

/// Probabilities `[yes, no, abstain]` of the vote for stance `y` and band
/// half-width `tau >= 0`, with logistic noise of scale 1:
/// `P(No) = F(-tau - y)`, `P(Yes) = 1 - F(tau - y)`, `P(Abstain)` the rest.
pub fn vote_probabilities(y: f64, tau: f64) -> [f64; 3] {
    RecordedVote::ALL.map(|vote| vote_log_likelihood(vote, y, tau).value.exp())
}

fn dot(a: [f64; 2], b: [f64; 2]) -> f64 {
    a[0] * b[0] + a[1] * b[1]
}

fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

fn parse_states(csv_text: &str) -> Result<Vec<StateRow>, String> {
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let mut states: Vec<StateRow> = Vec::new();
    for row in reader.deserialize() {
        let row: StateRow = row.map_err(|e| format!("states: {e}"))?;
        if states.iter().any(|s| s.iso3 == row.iso3) {
            return Err(format!("states: {} appears twice", row.iso3));
        }
        states.push(row);
    }
    Ok(states)
}

/// Reorders the roll-call grid to the `states.csv` order; states without
/// rows count as absent.
fn align_votes(calls: &RollCalls, iso3: &[String]) -> Result<Vec<Vec<Option<RecordedVote>>>, String> {
    let index: HashMap<&str, usize> = iso3.iter().enumerate().map(|(i, s)| (s.as_str(), i)).collect();
    let mut votes = vec![vec![None; iso3.len()]; calls.resolutions.len()];
    for (column, state) in calls.iso3.iter().enumerate() {
        let &i = index.get(state.as_str()).ok_or_else(|| format!("roll calls: state {state} is not in states.csv"))?;
        for (aligned, recorded) in votes.iter_mut().zip(&calls.votes) {
            aligned[i] = recorded[column];
        }
    }
    Ok(votes)
}

/// Capacity rule: IDI / 100, else the mean of the scored states of the group.
fn capacity(states: &[StateRow]) -> Result<Vec<f64>, String> {
    let mut groups: HashMap<&str, (f64, usize)> = HashMap::new();
    for state in states {
        if let Some(score) = state.ict_idi_score {
            let entry = groups.entry(state.un_group.as_str()).or_default();
            entry.0 += score / 100.0;
            entry.1 += 1;
        }
    }
    states
        .iter()
        .map(|state| match state.ict_idi_score {
            Some(score) => Ok(score / 100.0),
            None => match groups.get(state.un_group.as_str()) {
                Some(&(sum, count)) => Ok(sum / count as f64),
                None => Err(format!(
                    "states: {} has no IDI score and group {} has no scored state",
                    state.iso3, state.un_group
                )),
            },
        })
        .collect()
}

/// Attendance rule: present count shrunk toward the overall present share.
fn attendance(votes: &[Vec<Option<RecordedVote>>], states: usize) -> Vec<f64> {
    let rounds = votes.len() as f64;
    let present: Vec<f64> = (0..states).map(|i| votes.iter().filter(|row| row[i].is_some()).count() as f64).collect();
    let overall = present.iter().sum::<f64>() / (rounds * states as f64);
    present.iter().map(|p| (p + ATTENDANCE_SHRINKAGE * overall) / (rounds + ATTENDANCE_SHRINKAGE)).collect()
}

/// Start of the sovereignty coordinates: +1 for Y on `pro` and N on
/// `contra`, -1 for the reverse, 0 otherwise.
fn seed_sovereignty(votes: &[Vec<Option<RecordedVote>>], pro: usize, contra: usize) -> Vec<f64> {
    use RecordedVote::{No, Yes};
    votes[pro]
        .iter()
        .zip(&votes[contra])
        .map(|pair| match pair {
            (Some(Yes), Some(No)) => 1.0,
            (Some(No), Some(Yes)) => -1.0,
            _ => 0.0,
        })
        .collect()
}

/// A log-likelihood term as a function of the stance `y`, with its first
/// and second derivatives in `y`.
#[derive(Debug, Clone, Copy)]
struct Curve {
    value: f64,
    slope: f64,
    curvature: f64,
}

impl Add for Curve {
    type Output = Curve;
    fn add(self, other: Curve) -> Curve {
        Curve {
            value: self.value + other.value,
            slope: self.slope + other.slope,
            curvature: self.curvature + other.curvature,
        }
    }
}

/// Logistic CDF, computed without overflow.
fn sigmoid(t: f64) -> f64 {
    if t >= 0.0 {
        1.0 / (1.0 + (-t).exp())
    } else {
        let e = t.exp();
        e / (1.0 + e)
    }
}

/// `ln F(s * y + c)` for `s = +-1`, as a [`Curve`] in `y`.
fn log_sigmoid(y: f64, s: f64, c: f64) -> Curve {
    let t = s * y + c;
    Curve {
        value: -((-t).max(0.0) + (-t.abs()).exp().ln_1p()),
        slope: s * sigmoid(-t),
        curvature: -sigmoid(t) * sigmoid(-t),
    }
}

/// `ln P(vote | y)` of the ordered logit with band `tau`. Each vote is a sum
/// of log-sigmoids: `P(Yes) = F(y - tau)`, `P(No) = F(-y - tau)` and
/// `P(Abstain) = F(tau - y) F(tau + y) (1 - e^(-2 tau))`, which is concave in
/// `y` and free of cancellation.
fn vote_log_likelihood(vote: RecordedVote, y: f64, tau: f64) -> Curve {
    match vote {
        RecordedVote::Yes => log_sigmoid(y, 1.0, -tau),
        RecordedVote::No => log_sigmoid(y, -1.0, -tau),
        RecordedVote::Abstain => {
            let band = Curve { value: (-(-2.0 * tau).exp_m1()).ln(), slope: 0.0, curvature: 0.0 };
            log_sigmoid(y, -1.0, tau) + log_sigmoid(y, 1.0, tau) + band
        }
    }
}

/// Value, gradient and Hessian of one block of the log-posterior.
#[derive(Debug, Clone, Copy)]
struct Block<const N: usize> {
    value: f64,
    gradient: [f64; N],
    hessian: [[f64; N]; N],
}

impl<const N: usize> Block<N> {
    /// The standard normal log-prior (up to a constant) of the coordinates.
    fn prior(theta: [f64; N]) -> Block<N> {
        let mut hessian = [[0.0; N]; N];
        for (k, row) in hessian.iter_mut().enumerate() {
            row[k] = -1.0;
        }
        Block { value: -0.5 * theta.iter().map(|t| t * t).sum::<f64>(), gradient: theta.map(|t| -t), hessian }
    }

    /// Adds a vote term `ell(y(theta))`, where `y` has gradient `dy` and
    /// Hessian `d2y * I` in `theta`.
    fn add_vote(&mut self, term: Curve, dy: [f64; N], d2y: f64) {
        self.value += term.value;
        for k in 0..N {
            self.gradient[k] += term.slope * dy[k];
            for l in 0..N {
                self.hessian[k][l] += term.curvature * dy[k] * dy[l];
            }
            self.hessian[k][k] += term.slope * d2y;
        }
    }
}

/// Solves `a z = b` for a symmetric positive definite `a` by Cholesky;
/// `None` when `a` is not (numerically) positive definite.
fn solve_positive_definite<const N: usize>(a: [[f64; N]; N], b: [f64; N]) -> Option<[f64; N]> {
    let mut lower = [[0.0; N]; N];
    for k in 0..N {
        for l in 0..=k {
            let partial: f64 = (0..l).map(|m| lower[k][m] * lower[l][m]).sum();
            if k == l {
                let pivot = a[k][k] - partial;
                if !(pivot > 0.0 && pivot.is_finite()) {
                    return None;
                }
                lower[k][k] = pivot.sqrt();
            } else {
                lower[k][l] = (a[k][l] - partial) / lower[l][l];
            }
        }
    }
    let mut z = [0.0; N];
    for k in 0..N {
        let partial: f64 = (0..k).map(|m| lower[k][m] * z[m]).sum();
        z[k] = (b[k] - partial) / lower[k][k];
    }
    for k in (0..N).rev() {
        let partial: f64 = (k + 1..N).map(|m| lower[m][k] * z[m]).sum();
        z[k] = (z[k] - partial) / lower[k][k];
    }
    Some(z)
}

/// Ascent direction `(-H + lambda I)^-1 g` with the smallest `lambda` in
/// `0, 1e-8 s, 1e-7 s, ...` (`s = 1 + max |H_kk|`) that makes the system
/// positive definite.
fn newton_direction<const N: usize>(block: &Block<N>) -> [f64; N] {
    let scale = 1.0 + block.hessian.iter().enumerate().map(|(k, row)| row[k].abs()).fold(0.0, f64::max);
    let mut lambda = 0.0;
    loop {
        let mut system = block.hessian.map(|row| row.map(|h| -h));
        for (k, row) in system.iter_mut().enumerate() {
            row[k] += lambda;
        }
        if let Some(direction) = solve_positive_definite(system, block.gradient) {
            return direction;
        }
        lambda = if lambda == 0.0 { 1e-8 * scale } else { 10.0 * lambda };
        if !lambda.is_finite() {
            return [0.0; N];
        }
    }
}

/// One damped Newton step on a block: the Newton direction, halved until the
/// block value does not decrease (no move if no halving succeeds). Returns
/// the new coordinates and their block value.
fn damped_newton_step<const N: usize>(theta: [f64; N], evaluate: impl Fn([f64; N]) -> Block<N>) -> ([f64; N], f64) {
    let here = evaluate(theta);
    let direction = newton_direction(&here);
    let mut length = 1.0;
    for _ in 0..MAX_HALVINGS {
        let candidate: [f64; N] = std::array::from_fn(|k| theta[k] + length * direction[k]);
        let value = evaluate(candidate).value;
        if value >= here.value {
            return (candidate, value);
        }
        length *= 0.5;
    }
    (theta, here.value)
}

/// The vote model of the fit: recorded votes `[resolution][state]` and the
/// fixed development coordinates.
struct Model<'a> {
    votes: &'a [Vec<Option<RecordedVote>>],
    development: &'a [f64],
    tau: f64,
}

/// The state of the optimizer.
#[derive(Debug, Clone)]
struct Fit {
    sovereignty: Vec<f64>,
    proposals: Vec<[f64; 2]>,
    log_posterior: f64,
    sweeps: usize,
    /// Log-posterior at the start and after each sweep.
    trace: Vec<f64>,
}

impl Fit {
    /// Flips the signs of all `x_i1` and `p_j1` (the likelihood is invariant).
    fn flip_sovereignty(&mut self) {
        self.sovereignty.iter_mut().for_each(|x| *x = -*x);
        self.proposals.iter_mut().for_each(|p| p[0] = -p[0]);
    }
}

impl Model<'_> {
    /// Block of state `i`: its sovereignty prior and its recorded votes, as a
    /// function of `x_i1` (`dy/dx_i1 = 2 p_j1`).
    fn state_block(&self, i: usize, sovereignty: [f64; 1], proposals: &[[f64; 2]]) -> Block<1> {
        let x = [sovereignty[0], self.development[i]];
        let mut block = Block::prior(sovereignty);
        for (row, &p) in self.votes.iter().zip(proposals) {
            if let Some(vote) = row[i] {
                block.add_vote(vote_log_likelihood(vote, stance(x, p), self.tau), [2.0 * p[0]], 0.0);
            }
        }
        block
    }

    /// Block of resolution `j`: its prior and all its recorded votes, as a
    /// function of `p_j` (`dy/dp = 2 (x - p)`, `d2y/dp2 = -2 I`).
    fn proposal_block(&self, j: usize, p: [f64; 2], sovereignty: &[f64]) -> Block<2> {
        let mut block = Block::prior(p);
        for (i, vote) in self.votes[j].iter().enumerate() {
            if let Some(vote) = *vote {
                let x = [sovereignty[i], self.development[i]];
                let dy = [2.0 * (x[0] - p[0]), 2.0 * (x[1] - p[1])];
                block.add_vote(vote_log_likelihood(vote, stance(x, p), self.tau), dy, -2.0);
            }
        }
        block
    }

    /// Log-posterior: every resolution block (all votes and the proposal
    /// priors) plus the sovereignty priors.
    fn log_posterior(&self, sovereignty: &[f64], proposals: &[[f64; 2]]) -> f64 {
        let votes: f64 = proposals.iter().enumerate().map(|(j, &p)| self.proposal_block(j, p, sovereignty).value).sum();
        votes - 0.5 * sovereignty.iter().map(|x| x * x).sum::<f64>()
    }

    /// One sweep: a damped Newton step on every proposal, then on every state.
    fn sweep(&self, sovereignty: &mut [f64], proposals: &mut [[f64; 2]]) {
        for (j, p) in proposals.iter_mut().enumerate() {
            *p = damped_newton_step(*p, |q| self.proposal_block(j, q, sovereignty)).0;
        }
        for (i, x) in sovereignty.iter_mut().enumerate() {
            *x = damped_newton_step([*x], |y| self.state_block(i, y, proposals)).0[0];
        }
    }

    /// Maximum a posteriori by sweeps until the improvement is below
    /// [`TOLERANCE`] or [`MAX_SWEEPS`] sweeps were made.
    fn fit(&self, mut sovereignty: Vec<f64>, mut proposals: Vec<[f64; 2]>) -> Fit {
        let mut trace = vec![self.log_posterior(&sovereignty, &proposals)];
        for _ in 0..MAX_SWEEPS {
            self.sweep(&mut sovereignty, &mut proposals);
            let value = self.log_posterior(&sovereignty, &proposals);
            let improvement = value - trace[trace.len() - 1];
            trace.push(value);
            if improvement < TOLERANCE {
                break;
            }
        }
        Fit { sovereignty, proposals, log_posterior: trace[trace.len() - 1], sweeps: trace.len() - 1, trace }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::OnceLock;

    const STATES: &str = include_str!("../../data/states.csv");
    const ROLLCALLS: &str = include_str!("../../data/rollcalls_2018_2020.csv");
    const DERIVED_CSV: &str = include_str!("../../data/derived.csv");
    const PROPOSALS_CSV: &str = include_str!("../../data/fitted_proposals.csv");
    const TALLIES_CSV: &str = include_str!("../../data/tallies.csv");

    /// The derivation on the real data, computed once for all tests.
    fn real() -> &'static Derived {
        &real_traced().0
    }

    /// The derivation with its log-posterior trace, computed once.
    fn real_traced() -> &'static (Derived, Vec<f64>) {
        static DERIVED: OnceLock<(Derived, Vec<f64>)> = OnceLock::new();
        DERIVED.get_or_init(|| derive_traced(STATES, ROLLCALLS).expect("real data derive"))
    }

    /// Small deterministic generator (splitmix64) for synthetic data.
    struct SplitMix64(u64);

    impl SplitMix64 {
        fn next_u64(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }

        /// Uniform on the open interval (0, 1).
        fn uniform(&mut self) -> f64 {
            ((self.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
        }

        /// Standard normal by Box-Muller.
        fn normal(&mut self) -> f64 {
            let (u, v) = (self.uniform(), self.uniform());
            (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
        }

        /// Standard logistic by inversion.
        fn logistic(&mut self) -> f64 {
            let u = self.uniform();
            (u / (1.0 - u)).ln()
        }
    }

    /// Synthetic panel drawn from the model itself.
    struct Synthetic {
        sovereignty: Vec<f64>,
        development: Vec<f64>,
        proposals: Vec<[f64; 2]>,
        votes: Vec<Vec<Option<RecordedVote>>>,
    }

    fn synthetic(states: usize, resolutions: usize, seed: u64) -> Synthetic {
        let mut rng = SplitMix64(seed);
        let sovereignty: Vec<f64> = (0..states).map(|_| rng.normal()).collect();
        let development: Vec<f64> = (0..states).map(|_| 2.0 * rng.uniform() - 1.0).collect();
        let proposals: Vec<[f64; 2]> = (0..resolutions).map(|_| [rng.normal(), rng.normal()]).collect();
        let votes = proposals
            .iter()
            .map(|&p| {
                (0..states)
                    .map(|i| {
                        let z = stance([sovereignty[i], development[i]], p) + rng.logistic();
                        let absent = rng.uniform() < 0.1;
                        match () {
                            _ if absent => None,
                            _ if z > TAU => Some(RecordedVote::Yes),
                            _ if z < -TAU => Some(RecordedVote::No),
                            _ => Some(RecordedVote::Abstain),
                        }
                    })
                    .collect()
            })
            .collect();
        Synthetic { sovereignty, development, proposals, votes }
    }

    fn correlation(a: &[f64], b: &[f64]) -> f64 {
        let (ma, mb) = (mean(a), mean(b));
        let cov: f64 = a.iter().zip(b).map(|(x, y)| (x - ma) * (y - mb)).sum();
        let va: f64 = a.iter().map(|x| (x - ma).powi(2)).sum();
        let vb: f64 = b.iter().map(|y| (y - mb).powi(2)).sum();
        cov / (va * vb).sqrt()
    }

    fn parse_table(text: &str) -> Vec<csv::StringRecord> {
        csv::Reader::from_reader(text.as_bytes()).records().map(|r| r.expect("csv row")).collect()
    }

    fn number(record: &csv::StringRecord, column: usize) -> f64 {
        record[column].parse().expect("number")
    }

    #[test]
    fn vote_probabilities_sum_to_one_and_match_the_cdf_definition() {
        for &y in &[-40.0, -3.0, -0.5, 0.0, 0.2, 1.7, 40.0] {
            let [yes, no, abstain] = vote_probabilities(y, TAU);
            assert!((yes + no + abstain - 1.0).abs() < 1e-12, "y = {y}");
            assert!((yes - (1.0 - sigmoid(TAU - y))).abs() < 1e-12);
            assert!((no - sigmoid(-TAU - y)).abs() < 1e-12);
            assert!(abstain > 0.0);
        }
        assert_eq!(vote_probabilities(1.0, 0.0)[2], 0.0);
    }

    #[test]
    fn stance_is_the_distance_gain_over_the_origin() {
        let (x, p) = ([0.3, -1.2], [1.1, 0.4]);
        let sq = |a: [f64; 2]| dot(a, a);
        let expected = sq(x) - sq([x[0] - p[0], x[1] - p[1]]);
        assert!((stance(x, p) - expected).abs() < 1e-12);
    }

    #[test]
    fn block_derivatives_match_finite_differences() {
        let data = synthetic(30, 6, 7);
        let model = Model { votes: &data.votes, development: &data.development, tau: TAU };
        let h = 1e-5;
        let p = [0.4, -0.7];
        let block = model.proposal_block(2, p, &data.sovereignty);
        for k in 0..2 {
            let shifted = |d: f64| {
                let mut q = p;
                q[k] += d;
                model.proposal_block(2, q, &data.sovereignty)
            };
            let (up, down) = (shifted(h), shifted(-h));
            assert!((block.gradient[k] - (up.value - down.value) / (2.0 * h)).abs() < 1e-5);
            for l in 0..2 {
                let numeric = (up.gradient[l] - down.gradient[l]) / (2.0 * h);
                assert!((block.hessian[l][k] - numeric).abs() < 1e-4);
            }
        }
        let x = 0.8;
        let block = model.state_block(3, [x], &data.proposals);
        let (up, down) =
            (model.state_block(3, [x + h], &data.proposals), model.state_block(3, [x - h], &data.proposals));
        assert!((block.gradient[0] - (up.value - down.value) / (2.0 * h)).abs() < 1e-5);
        assert!((block.hessian[0][0] - (up.gradient[0] - down.gradient[0]) / (2.0 * h)).abs() < 1e-4);
    }

    #[test]
    fn newton_steps_never_decrease_the_log_posterior() {
        // (a) Block by block, including far-off starts where the proposal
        // Hessian is indefinite ...
        let data = synthetic(60, 10, 11);
        let model = Model { votes: &data.votes, development: &data.development, tau: TAU };
        let mut increased = 0;
        for (j, &start) in [[0.0, 0.5], [5.0, -4.0], [-8.0, 8.0], [0.01, 0.0]].iter().enumerate() {
            let before = model.proposal_block(j, start, &data.sovereignty).value;
            let (p, after) = damped_newton_step(start, |p| model.proposal_block(j, p, &data.sovereignty));
            assert!(after >= before, "proposal {j}: {before} -> {after}");
            assert_eq!(after, model.proposal_block(j, p, &data.sovereignty).value);
            increased += usize::from(after > before);
        }
        for (i, &start) in [-6.0, -1.0, 0.0, 2.5, 9.0].iter().enumerate() {
            let before = model.state_block(i, [start], &data.proposals).value;
            let (_, after) = damped_newton_step([start], |x| model.state_block(i, x, &data.proposals));
            assert!(after >= before, "state {i}: {before} -> {after}");
            increased += usize::from(after > before);
        }
        assert!(increased >= 8, "steps should make progress away from the optimum");

        // ... and sweep by sweep on the real data (up to summation rounding).
        let (derived, trace) = real_traced();
        for pair in trace.windows(2) {
            assert!(pair[1] >= pair[0] - 1e-9, "{} -> {}", pair[0], pair[1]);
        }
        assert!(trace[trace.len() - 1] > trace[0] + 100.0);
        assert_eq!(trace.len(), derived.sweeps + 1);
        assert_eq!(trace[trace.len() - 1], derived.log_posterior);
    }

    #[test]
    fn synthetic_sovereignty_is_recovered() {
        // (b) 150 states x 40 votes drawn from known positions.
        let data = synthetic(150, 40, 2024);
        let model = Model { votes: &data.votes, development: &data.development, tau: TAU };
        let by_p1 = |a: &usize, b: &usize| data.proposals[*a][0].total_cmp(&data.proposals[*b][0]);
        let pro = (0..40).max_by(by_p1).unwrap();
        let contra = (0..40).min_by(by_p1).unwrap();
        let fit = model.fit(seed_sovereignty(&data.votes, pro, contra), vec![START_PROPOSAL; 40]);
        let r = correlation(&fit.sovereignty, &data.sovereignty);
        assert!(r > 0.9, "correlation {r}");
        assert!(fit.sweeps < MAX_SWEEPS, "did not converge");
    }

    #[test]
    fn derive_reproduces_the_checked_in_files() {
        // (c) data/derived.csv and data/fitted_proposals.csv.
        let derived = real();
        let rows = parse_table(DERIVED_CSV);
        assert_eq!(rows.len(), 193);
        assert_eq!(derived.iso3.len(), 193);
        for (i, row) in rows.iter().enumerate() {
            assert_eq!(&row[0], derived.iso3[i]);
            let computed = [derived.capacity[i], derived.attendance[i], derived.sovereignty[i], derived.development[i]];
            for (k, value) in computed.iter().enumerate() {
                let stored = number(row, k + 1);
                assert!((stored - value).abs() <= 1e-6, "{} column {}: {stored} vs {value}", &row[0], k + 1);
            }
        }

        let calls = parse_rollcalls(ROLLCALLS).unwrap();
        let rows = parse_table(PROPOSALS_CSV);
        assert_eq!(rows.len(), calls.resolutions.len());
        for (j, row) in rows.iter().enumerate() {
            assert_eq!(&row[0], calls.resolutions[j]);
            assert_eq!(&row[1], calls.dates[j]);
            assert_eq!(&row[2], calls.sponsor_lead[j]);
            for k in 0..2 {
                assert!((number(row, 3 + k) - derived.proposals[j][k]).abs() <= 1e-6);
                assert!((number(row, 5 + k) - derived.status_quo[k]).abs() <= 1e-6);
            }
            let tally: Vec<usize> = (7..11).map(|c| row[c].parse().unwrap()).collect();
            assert_eq!(tally, calls.tally(j));
        }

        // The recorded tallies agree with tallies.csv.
        for row in parse_table(TALLIES_CSV).iter().filter(|r| &r[3] == "recorded_vote") {
            let j = calls.resolution_index(&row[0]).unwrap();
            let published: Vec<usize> = (4..8).map(|c| row[c].parse().unwrap()).collect();
            assert_eq!(published, calls.tally(j), "{}", &row[0]);
        }
    }

    #[test]
    fn sign_anchor_holds_and_the_axis_separates_the_camps() {
        // (d) In the reported frame the USA is negative, Russia and China
        // positive, the mean state at 0; the Russian-led texts lie on the
        // state-centric side of the US-led ones, and the status quo lies
        // beyond the multistakeholder end of the states.
        let derived = real();
        let calls = parse_rollcalls(ROLLCALLS).unwrap();
        let x = |iso3: &str| derived.sovereignty[derived.iso3.iter().position(|s| s == iso3).unwrap()];
        assert!(x("USA") < 0.0);
        assert!(x("RUS") > 0.0 && x("CHN") > 0.0);
        assert!(mean(&derived.sovereignty).abs() < 1e-9);
        let led_by = |sponsor: &str| -> Vec<f64> {
            (0..calls.resolutions.len())
                .filter(|&j| calls.sponsor_lead[j] == sponsor)
                .map(|j| derived.proposals[j][0])
                .collect()
        };
        let least_rus_led = led_by("RUS").into_iter().fold(f64::INFINITY, f64::min);
        let most_usa_led = led_by("USA").into_iter().fold(f64::NEG_INFINITY, f64::max);
        assert!(least_rus_led > most_usa_led);
        assert!(derived.sovereignty.iter().all(|&x| x > derived.status_quo[0]));
        assert!(derived.sweeps < MAX_SWEEPS, "did not converge");
    }

    #[test]
    fn in_sample_counts_are_close_to_the_recorded_ones() {
        // (e) Expected counts sum_i a_i P(vote) against the record.
        let derived = real();
        let calls = parse_rollcalls(ROLLCALLS).unwrap();
        let j = calls.resolution_index(SEED_PRO).unwrap();
        assert_eq!(calls.tally(j)[..2], [119, 46]);
        let expected = expected_counts(derived, j);
        assert!((expected[0] - 119.0).abs() <= 15.0, "yes {}", expected[0]);
        assert!((expected[1] - 46.0).abs() <= 15.0, "no {}", expected[1]);
        let total: f64 = expected.iter().sum();
        assert!((total - 193.0).abs() < 1e-9);
    }

    #[test]
    fn derived_rules_hold_on_the_real_data() {
        let derived = real();
        let states = parse_states(STATES).unwrap();
        let calls = parse_rollcalls(ROLLCALLS).unwrap();
        let cbar = mean(&derived.capacity);
        for (i, state) in states.iter().enumerate() {
            if let Some(score) = state.ict_idi_score {
                assert_eq!(derived.capacity[i], score / 100.0);
            }
            assert!((derived.development[i] - 2.0 * (cbar - derived.capacity[i])).abs() < 1e-12);
            assert!(derived.attendance[i] > 0.0 && derived.attendance[i] < 1.0);
        }
        // India has no IDI score: the mean of the scored Asia-Pacific states.
        let scored: Vec<f64> = states
            .iter()
            .filter(|s| s.un_group == "ASIA_PACIFIC")
            .filter_map(|s| s.ict_idi_score.map(|v| v / 100.0))
            .collect();
        let ind = derived.iso3.iter().position(|s| s == "IND").unwrap();
        assert!((derived.capacity[ind] - mean(&scored)).abs() < 1e-12);
        // Attendance: a state present in all 8 roll calls.
        let absent: usize = (0..calls.resolutions.len()).map(|j| calls.tally(j)[3]).sum();
        let abar = 1.0 - absent as f64 / (8.0 * 193.0);
        let usa = derived.iso3.iter().position(|s| s == "USA").unwrap();
        assert!((derived.attendance[usa] - (8.0 + 2.0 * abar) / 10.0).abs() < 1e-12);
    }

    #[test]
    fn parse_errors_name_the_line() {
        let header = "resolution,date,sponsor_lead,iso3,vote\n";
        let bad_vote = format!("{header}R1,2020-01-01,RUS,AFG,Y\nR1,2020-01-01,RUS,ALB,Q\n");
        let error = parse_rollcalls(&bad_vote).unwrap_err();
        assert!(error.contains("line 3") && error.contains("`Q`"), "{error}");
        let duplicate = format!("{header}R1,2020-01-01,RUS,AFG,Y\nR1,2020-01-01,RUS,AFG,N\n");
        assert!(parse_rollcalls(&duplicate).unwrap_err().contains("line 3"));
        let changed = format!("{header}R1,2020-01-01,RUS,AFG,Y\nR1,2020-01-02,RUS,ALB,N\n");
        assert!(parse_rollcalls(&changed).unwrap_err().contains("line 3"));
        let grid = format!("{header}R1,d1,RUS,AFG,Y\nR2,d2,USA,AFG,X\nR2,d2,USA,ALB,A\n");
        let calls = parse_rollcalls(&grid).unwrap();
        assert_eq!(calls.iso3, ["AFG", "ALB"]);
        assert_eq!(calls.votes, [vec![Some(RecordedVote::Yes), None], vec![None, Some(RecordedVote::Abstain)]]);
        assert_eq!(calls.tally(1), [0, 0, 1, 1]);
    }
}
