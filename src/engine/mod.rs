//! One Monte Carlo run of the model of MODEL.md.
//!
//! [`Engine::new`] flattens a validated [`Scenario`] into arrays (the
//! influence network in compressed-row form, see [`influence`]);
//! [`Engine::run`] simulates run `r` from its own random stream and hands
//! each proposal's votes to a sink.

mod draws;
mod influence;
pub mod noise;
pub mod rng;
pub mod rule;
pub mod simd;

use crate::model::registry::Recompute;
use crate::model::{Noise, ParamPath, Scenario, Vote};
use influence::{Buffers, Network, Weights};
use rand::Rng;
use rand::distr::Distribution;
use rand_distr::StandardNormal;
use rng::{Phase, SimRng};
use rule::{Outcome, Rule};

/// 2^32: the range of the uniform `u32` that decides each vote.
const U32_RANGE: f64 = 4_294_967_296.0;

/// The vote of a uniform below 0, 1, 2 or 3 of a state's thresholds.
const BY_RANK: [Vote; 4] = [Vote::No, Vote::Abstain, Vote::Yes, Vote::Absent];

/// A state's thresholds from `[P(No), P(No or Abstain)]` of a present state,
/// its attendance a_i and `model.attendance_scale` s: present with probability min(1, s a_i).
#[inline]
fn threshold([no, not_yes]: [f64; 2], attendance: f64, scale: f64) -> [f64; 3] {
    let present = (attendance * scale).min(1.0);
    [present * no, present * not_yes, present].map(|t| t * U32_RANGE)
}

/// `[yes, no, abstain, absent]` counts, with register counters rather than
/// an indexed array (whose increments would wait on each other).
pub fn count_votes(votes: &[Vote]) -> [u32; 4] {
    let (mut yes, mut no, mut abstain) = (0u32, 0u32, 0u32);
    for &vote in votes {
        yes += u32::from(vote == Vote::Yes);
        no += u32::from(vote == Vote::No);
        abstain += u32::from(vote == Vote::Abstain);
    }
    [yes, no, abstain, votes.len() as u32 - yes - no - abstain]
}

/// The numeric parameters of one run: the scenario's values, patched by the
/// run's `[[uncertain]]` draws.
#[derive(Debug, Clone, PartialEq)]
pub struct Inputs {
    /// x_i, state-major: `position[i * k + d]`.
    pub position: Vec<f64>,
    /// c_i.
    pub capacity: Vec<f64>,
    /// a_i.
    pub attendance: Vec<f64>,
    /// tau_i.
    pub abstain_band: Vec<f64>,
    /// lambda_i.
    pub conformity: Vec<f64>,
    /// kappa_b.
    pub cohesion: Vec<f64>,
    /// p_j, proposal-major.
    pub proposal_position: Vec<f64>,
    /// q_j, proposal-major.
    pub status_quo: Vec<f64>,
    /// s_j.
    pub salience: Vec<f64>,
    /// cb_j.
    pub capacity_building: Vec<f64>,
    /// sigma.
    pub noise_scale: f64,
    /// sigma_x.
    pub position_jitter: f64,
    /// beta_cap.
    pub capacity_weight: f64,
    /// beta_tie.
    pub tie_weight: f64,
    /// s, the factor on every a_i.
    pub attendance_scale: f64,
}

/// Which states follow the `[model]` defaults, for draws of a model-wide
/// parameter (see [`crate::model::registry`]).
#[derive(Debug, Clone)]
pub struct Follows {
    /// K, the number of dimensions (positions are state-major).
    pub dims: usize,
    /// States whose tau follows `model.abstain_band`.
    pub band_follows_model: Vec<bool>,
    /// tau_i / model.abstain_band of the states that follow it.
    pub band_factor: Vec<f64>,
    /// States whose lambda follows `model.conformity`.
    pub conformity_follows_model: Vec<bool>,
}

/// A distribution ready to sample, for one `[[uncertain]]` entry.
#[derive(Debug, Clone)]
enum Sampler {
    Beta(rand_distr::Beta<f64>),
    Uniform(rand::distr::Uniform<f64>),
    Normal(rand_distr::Normal<f64>),
    Triangular(rand_distr::Triangular<f64>),
}

impl Sampler {
    fn new(dist: &crate::model::Dist) -> Sampler {
        use crate::model::Dist;
        // Shapes were validated by the scenario parser.
        let invalid = "distribution validated by the scenario parser";
        match *dist {
            Dist::Beta { a, b } => Sampler::Beta(rand_distr::Beta::new(a, b).expect(invalid)),
            Dist::Uniform { low, high } => Sampler::Uniform(rand::distr::Uniform::new(low, high).expect(invalid)),
            Dist::Normal { mean, sd } => Sampler::Normal(rand_distr::Normal::new(mean, sd).expect(invalid)),
            Dist::Triangular { low, mode, high } => {
                Sampler::Triangular(rand_distr::Triangular::new(low, high, mode).expect(invalid))
            }
        }
    }

    fn sample(&self, rng: &mut SimRng) -> f64 {
        match self {
            Sampler::Beta(d) => d.sample(rng),
            Sampler::Uniform(d) => d.sample(rng),
            Sampler::Normal(d) => d.sample(rng),
            Sampler::Triangular(d) => d.sample(rng),
        }
    }
}

/// The votes of one proposal in one run, as handed to the sink.
#[derive(Debug, Clone, Copy)]
pub struct ProposalVotes<'a> {
    /// Proposal index.
    pub proposal: usize,
    /// Every state's vote, roster order.
    pub votes: &'a [Vote],
    /// `[yes, no, abstain, absent]`.
    pub counts: [u32; 4],
    /// The outcome.
    pub outcome: Outcome,
    /// Whether a state that cast each kind of vote was decisive (see [`Rule::decisive`]).
    pub decisive: [bool; 4],
    /// Every state's final stance y(R) on the proposal in this run, roster
    /// order: the stance after the influence rounds that set its vote
    /// probabilities (also for sponsors and forced states, whose votes it
    /// does not decide).
    pub stances: &'a [f64],
    /// The run's `[[uncertain]]` draws, in the scenario's order (empty without any).
    pub draws: &'a [f64],
}

/// A scenario flattened for simulation. Cheap to share between threads.
#[derive(Debug, Clone)]
pub struct Engine {
    seed: u64,
    states: usize,
    dims: usize,
    rounds: u32,
    noise: Noise,
    base: Inputs,
    /// The network weights under the base inputs.
    base_weights: Weights,
    /// `exp(-2 tau_i / sigma)` under the base inputs (see [`noise::logistic_cumulative`]).
    base_band_factor: Vec<f64>,
    /// States whose tau / lambda follow the model default (for uncertain model.* draws).
    follows: Follows,
    network: Network,
    /// `[proposal][state]`: sum over sponsors k of T_ik.
    sponsor_pull: Vec<Vec<f64>>,
    /// `[proposal][state]`: a vote fixed by `[[force]]` or sponsorship.
    fixed_votes: Vec<Vec<Option<Vote>>>,
    rules: Vec<Rule>,
    uncertain: Vec<(ParamPath, Sampler)>,
    /// Proposals whose text each run draws from a series (`like = [...]`).
    text_draws: Vec<(usize, crate::model::TextDraw)>,
    /// Whether an uncertain parameter changes the network weights (cohesion,
    /// conformity) or the band factors (abstain band, noise scale), which
    /// must then be recomputed every run.
    uncertain_weights: bool,
    uncertain_bands: bool,
    /// The vote thresholds and stances of every proposal, when no stance varies between runs.
    fixed: Option<Fixed>,
}

/// What does not change from run to run when nothing in the stances is
/// random (no jitter, no `[[uncertain]]`, no series text): `[proposal][state]`.
#[derive(Debug, Clone)]
struct Fixed {
    thresholds: Vec<Vec<[f64; 3]>>,
    stances: Vec<Vec<f64>>,
}

/// Per-thread buffers, reused from run to run.
#[derive(Debug, Clone)]
pub struct Workspace {
    /// The run's parameters (base values patched by uncertain draws).
    inputs: Inputs,
    /// Network weights and band factors under `inputs`.
    weights: Weights,
    band_factor: Vec<f64>,
    /// The run's (jittered) positions, dimension-major: `columns[d * n + i]`.
    columns: Vec<f64>,
    /// The run's `[[uncertain]]` draws, in the scenario's order.
    draws: Vec<f64>,
    /// The run's standard normals for the jitter, state-major like `Inputs::position`.
    normals: Vec<f64>,
    /// Scratch for drawing them.
    normal_draws: draws::Normals,
    scratch: Scratch,
}

impl Workspace {
    /// The `[[uncertain]]` draws of the last run simulated with this
    /// workspace, in the scenario's order (empty without `[[uncertain]]`).
    pub fn draws(&self) -> &[f64] {
        &self.draws
    }
}

/// Buffers written while computing a run's votes.
#[derive(Debug, Clone)]
struct Scratch {
    /// The gradient 2 s_j (p_j - q_j) of the proposal at hand's stance in x.
    slope: Vec<f64>,
    /// y0, proposal-major `[j * n + i]`.
    initial: Vec<f64>,
    /// The influence rounds' buffers.
    network: Buffers,
    /// y(R), proposal-major `[j * n + i]`: every state's final stance on
    /// each proposal, contiguous per proposal.
    stances: Vec<f64>,
    /// exp((tau_i + y_i) / sigma) of the proposal at hand (logistic noise).
    exp: Vec<f64>,
    /// Per state, 2^32 times P(No), P(No or Abstain), P(present): a uniform
    /// `u32` below the first votes No, and so on; at or above the last, absent.
    thresholds: Vec<[f64; 3]>,
    votes: Vec<Vote>,
}

/// The parameters a run reads: the base ones, or the workspace's patched copy.
struct RunInputs<'a> {
    inputs: &'a Inputs,
    weights: &'a Weights,
    band_factor: &'a [f64],
}

impl Engine {
    /// Flattens `scenario` for simulation with master seed `scenario.seed`.
    pub fn new(scenario: &Scenario) -> Engine {
        let n = scenario.states.len();
        let k = scenario.dimensions.len();
        let model = &scenario.model;
        let base = Inputs {
            position: scenario.states.iter().flat_map(|s| s.position.iter().copied()).collect(),
            capacity: scenario.states.iter().map(|s| s.capacity).collect(),
            attendance: scenario.states.iter().map(|s| s.attendance).collect(),
            abstain_band: scenario.states.iter().map(|s| s.abstain_band(model)).collect(),
            conformity: scenario.states.iter().map(|s| s.conformity(model)).collect(),
            cohesion: scenario.blocs.iter().map(|b| b.cohesion).collect(),
            proposal_position: scenario.proposals.iter().flat_map(|p| p.position.iter().copied()).collect(),
            status_quo: scenario.proposals.iter().flat_map(|p| p.status_quo.iter().copied()).collect(),
            salience: scenario.proposals.iter().map(|p| p.salience).collect(),
            capacity_building: scenario.proposals.iter().map(|p| p.capacity_building).collect(),
            noise_scale: model.noise_scale,
            position_jitter: model.position_jitter,
            capacity_weight: model.capacity_weight,
            tie_weight: model.tie_weight,
            attendance_scale: model.attendance_scale,
        };
        let sponsor_pull = scenario
            .proposals
            .iter()
            .map(|p| {
                let mut pull = vec![0.0; n];
                for tie in scenario.ties.iter().filter(|t| p.sponsors.contains(&t.to)) {
                    pull[tie.from] += tie.weight;
                }
                pull
            })
            .collect();
        let fixed_votes = (0..scenario.proposals.len()).map(|j| scenario.fixed_votes(j)).collect();
        let network = Network::new(scenario);
        let mut base_weights = Weights::default();
        network.weights(&base, &mut base_weights);
        let mut engine = Engine {
            seed: scenario.seed,
            states: n,
            dims: k,
            rounds: model.rounds,
            noise: model.noise,
            base_band_factor: Vec::new(),
            base,
            base_weights,
            follows: Follows {
                dims: k,
                band_follows_model: scenario.states.iter().map(|s| s.abstain_band.is_none()).collect(),
                band_factor: scenario.states.iter().map(|s| s.band_factor).collect(),
                conformity_follows_model: scenario.states.iter().map(|s| s.conformity.is_none()).collect(),
            },
            network,
            sponsor_pull,
            fixed_votes,
            rules: scenario.proposals.iter().map(Rule::of).collect(),
            uncertain: scenario.uncertain.iter().map(|u| (u.target, Sampler::new(&u.dist))).collect(),
            text_draws: (scenario.proposals.iter().enumerate())
                .filter_map(|(j, p)| p.draw.clone().map(|d| (j, d)))
                .collect(),
            uncertain_weights: scenario.uncertain.iter().any(|u| u.target.param().recompute == Recompute::Weights),
            uncertain_bands: scenario.uncertain.iter().any(|u| u.target.param().recompute == Recompute::Bands),
            fixed: None,
        };
        noise::band_factors(&engine.base, &mut engine.base_band_factor);
        if !scenario.stances_vary() {
            let mut scratch = engine.workspace().scratch;
            let run_inputs = engine.base_run_inputs();
            let columns = engine.columns(&engine.base.position);
            engine.stances_into(&run_inputs, &columns, &mut scratch);
            let (thresholds, stances) = (0..engine.proposals())
                .map(|j| {
                    engine.thresholds(&run_inputs, j, &mut scratch);
                    (scratch.thresholds.clone(), scratch.stances[j * n..][..n].to_vec())
                })
                .unzip();
            engine.fixed = Some(Fixed { thresholds, stances });
        }
        engine
    }

    fn base_run_inputs(&self) -> RunInputs<'_> {
        RunInputs { inputs: &self.base, weights: &self.base_weights, band_factor: &self.base_band_factor }
    }

    /// Number of proposals.
    pub fn proposals(&self) -> usize {
        self.rules.len()
    }

    /// The scenario's parameters before any run's draws.
    pub fn base_inputs(&self) -> &Inputs {
        &self.base
    }

    /// Every state's stance y(R) on every proposal, `[proposal][state]`,
    /// under the scenario's own parameters and positions (no jitter, no
    /// uncertain draws): what the vote probabilities come from when nothing
    /// in the stance is random. Lets tests check the influence rounds exactly.
    pub fn stances(&self) -> Vec<Vec<f64>> {
        let mut scratch = self.workspace().scratch;
        self.stances_into(&self.base_run_inputs(), &self.columns(&self.base.position), &mut scratch);
        scratch.stances.chunks_exact(self.states).map(<[f64]>::to_vec).collect()
    }

    /// Fresh scratch buffers for [`Engine::run`].
    pub fn workspace(&self) -> Workspace {
        let (n, m) = (self.states, self.proposals());
        Workspace {
            inputs: self.base.clone(),
            weights: self.base_weights.clone(),
            band_factor: self.base_band_factor.clone(),
            columns: self.columns(&self.base.position),
            draws: vec![0.0; self.uncertain.len()],
            normals: vec![0.0; self.base.position.len()],
            normal_draws: draws::Normals::default(),
            scratch: Scratch {
                slope: vec![0.0; self.dims],
                initial: vec![0.0; n * m],
                network: self.network.buffers(m),
                stances: vec![0.0; n * m],
                exp: vec![0.0; n],
                thresholds: vec![[0.0; 3]; n],
                votes: vec![Vote::Absent; n],
            },
        }
    }

    /// Simulates run `run`: every proposal, in order, handed to `sink`
    /// (with the run's `[[uncertain]]` draws, recorded as they are made: no
    /// extra random number is drawn). Runs on [`simd::path`].
    pub fn run(&self, run: u64, ws: &mut Workspace, sink: impl FnMut(ProposalVotes<'_>)) {
        self.run_on(simd::path(), run, ws, sink);
    }

    /// [`Engine::run`] on the compiled `path` (the baseline if this
    /// processor cannot run it): the same numbers on every path.
    pub fn run_on(&self, path: simd::Path, run: u64, ws: &mut Workspace, sink: impl FnMut(ProposalVotes<'_>)) {
        #[cfg(target_arch = "x86_64")]
        if path == simd::Path::Avx2 && path.available() {
            // SAFETY: the processor has AVX2, checked just above.
            return unsafe { self.run_avx2(run, ws, sink) };
        }
        let _ = path;
        self.run_inline(run, ws, sink);
    }

    /// [`Engine::run_inline`] compiled with AVX2.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn run_avx2(&self, run: u64, ws: &mut Workspace, sink: impl FnMut(ProposalVotes<'_>)) {
        self.run_inline(run, ws, sink);
    }

    /// The body of [`Engine::run`], inlined (with the loops it calls) into
    /// each compiled path.
    #[inline(always)]
    fn run_inline(&self, run: u64, ws: &mut Workspace, mut sink: impl FnMut(ProposalVotes<'_>)) {
        let mut rng = rng::run_rng(self.seed, run);
        let uncertain = !self.uncertain.is_empty() || !self.text_draws.is_empty();
        if uncertain {
            ws.inputs.clone_from(&self.base);
            if !self.uncertain.is_empty() {
                rng::enter(&mut rng, Phase::Uncertain);
                for ((path, sampler), drawn) in self.uncertain.iter().zip(&mut ws.draws) {
                    let value = sampler.sample(&mut rng);
                    *drawn = value;
                    self.apply(&mut ws.inputs, *path, value);
                }
            }
            if !self.text_draws.is_empty() {
                rng::enter(&mut rng, Phase::Texts);
                for (j, draw) in &self.text_draws {
                    self.draw_text(&mut ws.inputs, *j, draw, &mut rng);
                }
            }
            if self.uncertain_weights {
                self.network.weights(&ws.inputs, &mut ws.weights);
            }
            if self.uncertain_bands {
                noise::band_factors(&ws.inputs, &mut ws.band_factor);
            }
        }
        let run_inputs = if uncertain {
            RunInputs { inputs: &ws.inputs, weights: &ws.weights, band_factor: &ws.band_factor }
        } else {
            self.base_run_inputs()
        };
        let inputs = run_inputs.inputs;
        let scratch = &mut ws.scratch;
        if self.fixed.is_none() {
            let jitter = (inputs.position_jitter > 0.0).then(|| {
                rng::enter(&mut rng, Phase::Jitter);
                ws.normal_draws.fill(&mut rng, &mut ws.normals);
                (inputs.position_jitter, &ws.normals[..])
            });
            self.columns_into(&inputs.position, jitter, &mut ws.columns);
            self.stances_into(&run_inputs, &ws.columns, scratch);
        }
        for j in 0..self.proposals() {
            let (thresholds, stances) = match &self.fixed {
                Some(fixed) => (&fixed.thresholds[j][..], &fixed.stances[j][..]),
                None => {
                    self.thresholds(&run_inputs, j, scratch);
                    (&scratch.thresholds[..], &scratch.stances[j * self.states..][..self.states])
                }
            };
            rng::enter(&mut rng, Phase::Votes(j));
            for ((vote, t), fixed) in scratch.votes.iter_mut().zip(thresholds).zip(&self.fixed_votes[j]) {
                // Branch-free: the uniform's rank among the thresholds picks the vote.
                let u = f64::from(rng.next_u32());
                let rank = usize::from(u >= t[0]) + usize::from(u >= t[1]) + usize::from(u >= t[2]);
                *vote = fixed.unwrap_or(BY_RANK[rank]);
            }
            let counts = count_votes(&scratch.votes);
            let rule = self.rules[j];
            sink(ProposalVotes {
                proposal: j,
                votes: &scratch.votes,
                counts,
                outcome: rule.outcome(counts[0], counts[1]),
                decisive: rule.decisive(counts),
                stances,
                draws: &ws.draws,
            });
        }
    }

    /// The positions `position` (state-major), moved by `sigma_x z` when
    /// `jitter` is `Some((sigma_x, z))` (z state-major too), dimension-major.
    #[inline(always)]
    fn columns_into(&self, position: &[f64], jitter: Option<(f64, &[f64])>, columns: &mut [f64]) {
        // One compiled body per common number of dimensions, so that the
        // transposition is a constant shuffle rather than strided loads.
        match self.dims {
            1 => columns_of::<1>(position, jitter, columns),
            2 => columns_of::<2>(position, jitter, columns),
            3 => columns_of::<3>(position, jitter, columns),
            k => columns_of_any(k, position, jitter, columns),
        }
    }

    /// The positions `position` (state-major) dimension-major, unmoved.
    fn columns(&self, position: &[f64]) -> Vec<f64> {
        let mut columns = vec![0.0; position.len()];
        self.columns_into(position, None, &mut columns);
        columns
    }

    /// Initial stances of every proposal from the positions' `columns` (see
    /// [`Engine::columns_into`]), then the influence rounds; y(R) in `scratch.stances`.
    #[inline(always)]
    fn stances_into(&self, run: &RunInputs<'_>, columns: &[f64], scratch: &mut Scratch) {
        let (n, k, m) = (self.states, self.dims, self.proposals());
        let inputs = run.inputs;
        for j in 0..m {
            let p = &inputs.proposal_position[j * k..(j + 1) * k];
            let q = &inputs.status_quo[j * k..(j + 1) * k];
            let s = inputs.salience[j];
            // s (|x - q|^2 - |x - p|^2) = sum_d 2 s (p_d - q_d) x_d + s (|q|^2 - |p|^2)
            let slope = &mut scratch.slope;
            for ((a, p), q) in slope.iter_mut().zip(p).zip(q) {
                *a = 2.0 * s * (p - q);
            }
            let slope = &scratch.slope;
            let intercept = s * (q.iter().map(|q| q * q).sum::<f64>() - p.iter().map(|p| p * p).sum::<f64>());
            let capacity_pull = inputs.capacity_weight * inputs.capacity_building[j];
            // Dimension by dimension over all states: the terms of sum_d x_d a_d
            // (from -0, as `Iterator::sum`), in order, with contiguous loads.
            let y0 = &mut scratch.initial[j * n..][..n];
            y0.fill(-0.0);
            for (x, &a) in columns.chunks_exact(n).zip(slope) {
                for (y, &x) in y0.iter_mut().zip(x) {
                    *y += x * a;
                }
            }
            for ((y, capacity), pull) in y0.iter_mut().zip(&inputs.capacity).zip(&self.sponsor_pull[j]) {
                *y = *y + intercept + capacity_pull * (1.0 - capacity) + inputs.tie_weight * pull;
            }
        }
        let network = &mut scratch.network;
        self.network.run(self.rounds, m, run.weights, &scratch.initial, network, &mut scratch.stances);
    }

    /// Vote thresholds of proposal `j` from its stances in `scratch.stances`.
    #[inline(always)]
    fn thresholds(&self, run: &RunInputs<'_>, j: usize, scratch: &mut Scratch) {
        let inputs = run.inputs;
        let sigma = inputs.noise_scale;
        let stances = scratch.stances[j * self.states..][..self.states].iter();
        match self.noise {
            Noise::Logistic => {
                // Separate branch-free passes over contiguous buffers, so that the
                // compiler vectorises them; saturated exponentials are redone apart.
                let inverse_sigma = 1.0 / sigma;
                for ((e, stance), tau) in scratch.exp.iter_mut().zip(stances.clone()).zip(&inputs.abstain_band) {
                    *e = (tau + stance) * inverse_sigma;
                }
                for e in scratch.exp.iter_mut() {
                    *e = noise::exp(*e);
                }
                let mut all_unsaturated = true;
                for (((t, &e), &factor), &a) in
                    scratch.thresholds.iter_mut().zip(&scratch.exp).zip(run.band_factor).zip(&inputs.attendance)
                {
                    *t = threshold(noise::logistic_from_exp(e, factor), a, inputs.attendance_scale);
                    all_unsaturated &= noise::unsaturated(e, factor);
                }
                if !all_unsaturated {
                    for (i, &stance) in stances.enumerate() {
                        if !noise::unsaturated(scratch.exp[i], run.band_factor[i]) {
                            let cumulative = noise::cumulative(Noise::Logistic, stance, inputs.abstain_band[i], sigma);
                            scratch.thresholds[i] =
                                threshold(cumulative, inputs.attendance[i], inputs.attendance_scale);
                        }
                    }
                }
            }
            Noise::Normal => {
                for (i, stance) in stances.enumerate() {
                    let cumulative = noise::cumulative(Noise::Normal, *stance, inputs.abstain_band[i], sigma);
                    scratch.thresholds[i] = threshold(cumulative, inputs.attendance[i], inputs.attendance_scale);
                }
            }
        }
    }

    /// Draws proposal `j`'s text from its series: coefficients (a, b) =
    /// mean + L z with z standard normal, written back as position, status
    /// quo and salience.
    fn draw_text(&self, inputs: &mut Inputs, j: usize, draw: &crate::model::TextDraw, rng: &mut SimRng) {
        let size = draw.mean.len();
        let z: Vec<f64> = (0..size).map(|_| StandardNormal.sample(rng)).collect();
        let v: Vec<f64> =
            (0..size).map(|r| draw.mean[r] + (0..=r).map(|c| draw.factor[r][c] * z[c]).sum::<f64>()).collect();
        let k = self.dims;
        let geometry = crate::roster::calibration::TextGeometry::from_coefficients(&v[..k], v[k]);
        inputs.proposal_position[j * k..(j + 1) * k].copy_from_slice(&geometry.position);
        inputs.status_quo[j * k..(j + 1) * k].copy_from_slice(&geometry.status_quo);
        inputs.salience[j] = geometry.salience;
    }

    /// Writes one uncertain draw into the run's inputs: the registry row's engine effect.
    fn apply(&self, inputs: &mut Inputs, path: ParamPath, value: f64) {
        let draw = path.param().draw.expect("the scenario parser admits as uncertain only parameters with a draw");
        draw(inputs, &self.follows, path, value);
    }
}

/// The first `K` runs of `n` numbers of `buffer`, apart.
#[inline(always)]
fn split_columns<const K: usize>(buffer: &mut [f64], n: usize) -> [&mut [f64]; K] {
    let mut rest = buffer;
    std::array::from_fn(|_| {
        let (column, tail) = std::mem::take(&mut rest).split_at_mut(n);
        rest = tail;
        column
    })
}

/// [`Engine::columns_into`] for `k` dimensions, whatever `k`.
fn columns_of_any(k: usize, position: &[f64], jitter: Option<(f64, &[f64])>, columns: &mut [f64]) {
    let n = position.len() / k;
    for (d, column) in columns.chunks_exact_mut(n).enumerate() {
        for (i, x) in column.iter_mut().enumerate() {
            *x = match jitter {
                Some((sigma, z)) => position[i * k + d] + sigma * z[i * k + d],
                None => position[i * k + d],
            };
        }
    }
}

/// [`Engine::columns_into`] for `K` dimensions.
#[inline(always)]
fn columns_of<const K: usize>(position: &[f64], jitter: Option<(f64, &[f64])>, columns: &mut [f64]) {
    let position = position.as_chunks::<K>().0;
    let columns = split_columns::<K>(columns, position.len());
    match jitter {
        Some((sigma, z)) => {
            for (i, (x0, z)) in position.iter().zip(z.as_chunks::<K>().0).enumerate() {
                for d in 0..K {
                    columns[d][i] = x0[d] + sigma * z[d];
                }
            }
        }
        None => {
            for (i, x0) in position.iter().enumerate() {
                for d in 0..K {
                    columns[d][i] = x0[d];
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOML: &str = "[scenario]\nname = \"s\"\n[model]\nposition_jitter = 0.0\nrounds = 3\n\
                        [[proposals]]\nid = \"P\"\nposition = [0.5, 0.0]\nsponsors = [\"RUS\"]\n\
                        [[proposals]]\nid = \"Q\"\nposition = [-0.3, 0.4]\n";

    /// Everything the sink sees in runs 0..20 on `path`, as bits.
    fn sink_bits(engine: &Engine, path: simd::Path) -> Vec<(Vec<u8>, Vec<u64>, [u32; 4])> {
        let mut seen = Vec::new();
        let mut ws = engine.workspace();
        for run in 0..20 {
            engine.run_on(path, run, &mut ws, |v| {
                let votes = v.votes.iter().map(|&vote| vote as u8).collect();
                seen.push((votes, v.stances.iter().map(|y| y.to_bits()).collect(), v.counts));
            });
        }
        seen
    }

    /// The AVX2 build and the baseline compute the same bits, for 1 to 7
    /// proposals (each width of the influence rounds, and groups of them),
    /// both noises, jitter, an uncertain cohesion (weights per run) and a
    /// state whose conformity differs from its blocs' (no common keep).
    #[test]
    fn every_compiled_path_gives_the_same_bits() {
        if !simd::Path::Avx2.available() {
            eprintln!("no AVX2 on this processor: only the baseline path exists");
            return;
        }
        let proposal = |j: usize| {
            format!(
                "[[proposals]]\nid = \"P{j}\"\nposition = [{}, {}]\nsalience = 2.5\nsponsors = [\"RUS\"]\n",
                0.1 * j as f64 - 0.3,
                0.2 - 0.05 * j as f64
            )
        };
        let uncertain = "[[uncertain]]\nparam = \"blocs.EU.cohesion\"\ndist = \"uniform\"\nlow = 0.1\nhigh = 0.9\n";
        for proposals in 1..=7 {
            for noise in ["logistic", "normal"] {
                let text = format!(
                    "[scenario]\nname = \"s\"\n[model]\nnoise = \"{noise}\"\nrounds = 4\n\
                     [states.FRA]\nconformity = 0.9\n{}{uncertain}",
                    (0..proposals).map(proposal).collect::<String>()
                );
                let engine = Engine::new(&crate::scenario::parse(&text, "s.toml", &[]).unwrap());
                let (baseline, avx2) = (sink_bits(&engine, simd::Path::Baseline), sink_bits(&engine, simd::Path::Avx2));
                assert_eq!(baseline.len(), 20 * proposals);
                assert!(baseline == avx2, "{proposals} proposals, {noise} noise: the paths differ");
            }
        }
    }

    /// The positions come out dimension-major, moved by the jitter, for
    /// every number of dimensions (the compiled widths and the general loop).
    #[test]
    fn columns_transpose_the_positions() {
        for k in 1..=5 {
            let n = 7;
            let position: Vec<f64> = (0..n * k).map(|t| t as f64 * 0.5 - 3.0).collect();
            let z: Vec<f64> = (0..n * k).map(|t| (t as f64).sin()).collect();
            for jitter in [None, Some((0.15, &z[..]))] {
                let expected: Vec<f64> = (0..k)
                    .flat_map(|d| (0..n).map(move |i| (d, i)))
                    .map(|(d, i)| position[i * k + d] + jitter.map_or(0.0, |(sigma, z)| sigma * z[i * k + d]))
                    .collect();
                let (mut fast, mut general) = (vec![0.0; n * k], vec![0.0; n * k]);
                match k {
                    1 => columns_of::<1>(&position, jitter, &mut fast),
                    2 => columns_of::<2>(&position, jitter, &mut fast),
                    3 => columns_of::<3>(&position, jitter, &mut fast),
                    _ => columns_of_any(k, &position, jitter, &mut fast),
                }
                columns_of_any(k, &position, jitter, &mut general);
                assert_eq!(fast, expected, "{k} dimensions");
                assert_eq!(general, expected, "{k} dimensions");
            }
        }
    }

    /// Every proposal's stances as the sink sees them in run `run`.
    fn sink_stances(engine: &Engine, run: u64) -> Vec<Vec<f64>> {
        let mut seen = Vec::new();
        engine.run(run, &mut engine.workspace(), |votes| seen.push(votes.stances.to_vec()));
        seen
    }

    /// The stances handed to the sink are y(R): with nothing random in them
    /// (the fixed thresholds' path) exactly [`Engine::stances`], in every
    /// run; with an uncertain noise scale, which leaves the stances alone
    /// but takes the per-run path, the same numbers; with jitter, other
    /// numbers in every run.
    #[test]
    fn the_sink_sees_the_final_stances() {
        let fixed = Engine::new(&crate::scenario::parse(TOML, "s.toml", &[]).unwrap());
        assert!(fixed.fixed.is_some());
        let expected = fixed.stances();
        assert_eq!(expected.len(), 2);
        assert_eq!(sink_stances(&fixed, 0), expected);
        assert_eq!(sink_stances(&fixed, 7), expected);
        let uncertain =
            format!("{TOML}[[uncertain]]\nparam = \"model.noise_scale\"\ndist = \"uniform\"\nlow = 0.5\nhigh = 1.5\n");
        let per_run = Engine::new(&crate::scenario::parse(&uncertain, "s.toml", &[]).unwrap());
        assert!(per_run.fixed.is_none());
        assert_eq!(sink_stances(&per_run, 3), expected);
        let jittered =
            Engine::new(&crate::scenario::parse(TOML, "s.toml", &["model.position_jitter=0.2".into()]).unwrap());
        let (first, second) = (sink_stances(&jittered, 0), sink_stances(&jittered, 1));
        assert!(first != expected && first != second && first[0].len() == 193);
    }
}
