//! Friedkin-Johnsen influence rounds through blocs and ties.
//!
//! y(t+1)_i = (1 - lambda_i) y0_i + lambda_i m_i(t), where m_i(t) averages
//! the stances of i's blocs (the members' mean, or the leader's stance) with
//! weights kappa_b and of i's tied states with weights T_ik. Each state's
//! update reads a list of *sources* (its blocs and tied states) with
//! precomputed weights lambda_i w / W_i, so one round costs
//! O(memberships + ties). All proposals of a run go through the rounds
//! together: stances are stored state-major, `[i * m + j]`, so each source
//! read serves every proposal.

use super::Inputs;
use crate::model::Scenario;

/// Proposals handled together in the innermost loops (local accumulators).
const LANES: usize = 4;

/// Compressed rows: `items[start[r]..start[r + 1]]` belong to row `r`.
#[derive(Debug, Clone, Default)]
pub(super) struct Rows<T> {
    start: Vec<usize>,
    items: Vec<T>,
}

impl<T> Rows<T> {
    pub(super) fn from_rows(rows: impl IntoIterator<Item = Vec<T>>) -> Rows<T> {
        let mut out = Rows { start: vec![0], items: Vec::new() };
        for row in rows {
            out.items.extend(row);
            out.start.push(out.items.len());
        }
        out
    }

    pub(super) fn row(&self, r: usize) -> &[T] {
        &self.items[self.start[r]..self.start[r + 1]]
    }

    fn range(&self, r: usize) -> std::ops::Range<usize> {
        self.start[r]..self.start[r + 1]
    }
}

/// Where a state's pull comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    /// A bloc (index) the state belongs to.
    Bloc(u32),
    /// A state (index) it is tied to, with tie index into the scenario's ties.
    Tie(u32, u32),
}

/// The influence network of a scenario.
#[derive(Debug, Clone)]
pub(super) struct Network {
    states: usize,
    /// Bloc -> members (only blocs that are someone's source).
    bloc_members: Rows<u32>,
    bloc_leader: Vec<Option<u32>>,
    /// State -> its sources.
    sources: Rows<Source>,
    /// Source -> index into the stance buffer (states first, then blocs), in `sources` order.
    source_index: Vec<u32>,
    tie_weight: Vec<f64>,
}

/// Per-run weights of the network: `keep[i] = 1 - lambda_i` (or 1 for a
/// state without pull) and `weight[s]` = lambda_i w_s / W_i for each source.
#[derive(Debug, Clone, PartialEq, Default)]
pub(super) struct Weights {
    keep: Vec<f64>,
    weight: Vec<f64>,
}

impl Network {
    pub(super) fn new(scenario: &Scenario) -> Network {
        let n = scenario.states.len();
        let sources = Rows::from_rows((0..n).map(|i| {
            let blocs = (0..scenario.blocs.len())
                .filter(|&b| scenario.blocs[b].members.binary_search(&i).is_ok())
                .map(|b| Source::Bloc(b as u32));
            let ties = (scenario.ties.iter().enumerate())
                .filter(|(_, t)| t.from == i)
                .map(|(t, tie)| Source::Tie(tie.to as u32, t as u32));
            blocs.chain(ties).collect::<Vec<_>>()
        }));
        let source_index = sources
            .items
            .iter()
            .map(|s| match *s {
                Source::Bloc(b) => n as u32 + b,
                Source::Tie(k, _) => k,
            })
            .collect();
        Network {
            states: n,
            bloc_members: Rows::from_rows(
                scenario.blocs.iter().map(|b| b.members.iter().map(|&i| i as u32).collect::<Vec<_>>()),
            ),
            bloc_leader: scenario.blocs.iter().map(|b| b.leader.map(|l| l as u32)).collect(),
            sources,
            source_index,
            tie_weight: scenario.ties.iter().map(|t| t.weight).collect(),
        }
    }

    /// Number of blocs (the stance buffer holds `(states + blocs) * m` values).
    pub(super) fn blocs(&self) -> usize {
        self.bloc_leader.len()
    }

    /// The weights under `inputs` (cohesion and conformity may vary by run).
    pub(super) fn weights(&self, inputs: &Inputs, out: &mut Weights) {
        out.keep.resize(self.states, 1.0);
        out.weight.resize(self.sources.items.len(), 0.0);
        for i in 0..self.states {
            let range = self.sources.range(i);
            let raw = |s: &Source| match *s {
                Source::Bloc(b) => inputs.cohesion[b as usize],
                Source::Tie(_, t) => self.tie_weight[t as usize],
            };
            let total: f64 = self.sources.items[range.clone()].iter().map(raw).sum();
            let lambda = inputs.conformity[i];
            if total > 0.0 {
                out.keep[i] = 1.0 - lambda;
                for s in range {
                    out.weight[s] = lambda * raw(&self.sources.items[s]) / total;
                }
            } else {
                // No bloc and no tie (or all weights zero): the state keeps y0.
                out.keep[i] = 1.0;
                out.weight[range].fill(0.0);
            }
        }
    }

    /// Runs `rounds` rounds for `m` proposals at once. `initial` holds y0
    /// (`n * m`); `current` and `next` are buffers of `(n + blocs) * m`;
    /// the result is in `current[..n * m]`.
    pub(super) fn run(
        &self,
        rounds: u32,
        m: usize,
        weights: &Weights,
        initial: &[f64],
        current: &mut Vec<f64>,
        next: &mut Vec<f64>,
    ) {
        // Compile the loops for the common numbers of proposals, so the inner
        // per-proposal loops have constant trip counts.
        match m {
            1 => self.run_width::<1>(rounds, m, weights, initial, current, next),
            2 => self.run_width::<2>(rounds, m, weights, initial, current, next),
            3 => self.run_width::<3>(rounds, m, weights, initial, current, next),
            4 => self.run_width::<4>(rounds, m, weights, initial, current, next),
            _ => self.run_width::<0>(rounds, m, weights, initial, current, next),
        }
    }

    /// [`Network::run`] with `m` known at compile time as `M` (0: not known).
    fn run_width<const M: usize>(
        &self,
        rounds: u32,
        m: usize,
        weights: &Weights,
        initial: &[f64],
        current: &mut Vec<f64>,
        next: &mut Vec<f64>,
    ) {
        let m = if M > 0 { M } else { m };
        let n = self.states;
        current[..n * m].copy_from_slice(initial);
        for _ in 0..rounds {
            self.bloc_stances::<M>(m, current);
            for i in 0..n {
                let range = self.sources.range(i);
                let sources = self.source_index[range.clone()].iter().zip(&weights.weight[range]);
                let keep = weights.keep[i];
                for j0 in (0..m).step_by(LANES) {
                    let width = (m - j0).min(LANES);
                    let mut acc = [0.0; LANES];
                    for (a, y0) in acc.iter_mut().zip(&initial[i * m + j0..][..width]) {
                        *a = keep * y0;
                    }
                    for (&index, &w) in sources.clone() {
                        for (a, y) in acc.iter_mut().zip(&current[index as usize * m + j0..][..width]) {
                            *a += w * y;
                        }
                    }
                    next[i * m + j0..][..width].copy_from_slice(&acc[..width]);
                }
            }
            std::mem::swap(current, next);
        }
    }

    /// Writes each bloc's stance (leader's, or members' mean) after the state stances.
    fn bloc_stances<const M: usize>(&self, m: usize, current: &mut [f64]) {
        let m = if M > 0 { M } else { m };
        let (states, blocs) = current.split_at_mut(self.states * m);
        for (b, out) in blocs.chunks_exact_mut(m).enumerate() {
            if let Some(leader) = self.bloc_leader[b] {
                out.copy_from_slice(&states[leader as usize * m..][..m]);
                continue;
            }
            let members = self.bloc_members.row(b);
            let scale = 1.0 / members.len().max(1) as f64;
            for j0 in (0..m).step_by(LANES) {
                let width = (m - j0).min(LANES);
                // Two accumulators (even and odd members) halve the dependency chain.
                let (mut even, mut odd) = ([0.0; LANES], [0.0; LANES]);
                for pair in members.chunks(2) {
                    for (acc, &i) in [&mut even, &mut odd].into_iter().zip(pair) {
                        for (a, y) in acc.iter_mut().zip(&states[i as usize * m + j0..][..width]) {
                            *a += y;
                        }
                    }
                }
                for (o, (e, d)) in out[j0..j0 + width].iter_mut().zip(even.iter().zip(&odd)) {
                    *o = (e + d) * scale;
                }
            }
        }
    }
}
