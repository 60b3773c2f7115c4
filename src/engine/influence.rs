//! Friedkin-Johnsen influence rounds through blocs and ties.
//!
//! y(t+1)_i = (1 - lambda_i) y0_i + lambda_i m_i(t), where m_i(t) averages
//! the stances of i's blocs (the members' mean, or the leader's stance) with
//! weights kappa_b and of i's tied states with weights T_ik; a state with
//! neither keeps y0. Each state reads a list of *sources* (its blocs and
//! tied states) with weights lambda_i w / W_i.
//!
//! The rounds are computed in bloc space. Every state's update reads only
//! bloc stances and the stances of *tracked* states (bloc leaders and tie
//! targets), and a bloc's next stance is the mean of its members' updates:
//!
//!   S_b(t+1) = mean_{i in b} (1 - lambda_i) y0_i + sum_b' G[b][b'] S_b'(t) + sum_u H[b][u] y_u(t)
//!
//! with G and H the members' mean source weights. So one pass over the
//! memberships gives S(0) and the first term, R - 1 small dense steps give
//! S(R-1) and the tracked stances, and one pass over the sources gives every
//! y(R): O(memberships + ties) per run whatever R, instead of per round.
//! All proposals of a run go through together (stances are state-major,
//! `[i * m + j]`), so each source read serves every proposal. The direct
//! round-by-round computation is the reference of the integration tests
//! (`tests/integration/statistics.rs`), which compare it with
//! [`crate::engine::Engine::stances`] to 1e-12.

use super::Inputs;
use crate::model::Scenario;

/// Proposals handled together in the innermost loops (local accumulators).
const LANES: usize = 4;

/// Compressed rows: `items[start[r]..start[r + 1]]` belong to row `r`.
#[derive(Debug, Clone, Default)]
struct Rows<T> {
    start: Vec<usize>,
    items: Vec<T>,
}

impl<T> Rows<T> {
    fn from_rows(rows: impl IntoIterator<Item = Vec<T>>) -> Rows<T> {
        let mut out = Rows { start: vec![0], items: Vec::new() };
        for row in rows {
            out.items.extend(row);
            out.start.push(out.items.len());
        }
        out
    }

    fn row(&self, r: usize) -> &[T] {
        &self.items[self.range(r)]
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
    /// A state it is tied to, and the tie's index in the scenario's ties.
    Tie(u32, u32),
}

/// The influence network of a scenario.
#[derive(Debug, Clone)]
pub(super) struct Network {
    states: usize,
    bloc_members: Rows<u32>,
    bloc_leader: Vec<Option<u32>>,
    /// State -> its sources.
    sources: Rows<Source>,
    /// Per source, its index in the stance buffer (states first, then blocs).
    source_index: Vec<u32>,
    tie_weight: Vec<f64>,
    /// Bloc leaders and tie targets, ascending: the only states whose
    /// stances other states read.
    tracked: Vec<u32>,
    /// Position of a tracked state in `tracked`, by state.
    tracked_position: Vec<Option<u32>>,
}

/// Per-run weights of the network: `keep[i] = 1 - lambda_i` (1 for a state
/// without pull), `weight[s]` = lambda_i w_s / W_i per source, and per bloc
/// without a leader the non-zero entries of its rows of G and H, as
/// (index in the stance buffer, weight).
#[derive(Debug, Clone, Default)]
pub(super) struct Weights {
    keep: Vec<f64>,
    weight: Vec<f64>,
    bloc_rows: Rows<(u32, f64)>,
    /// Per bloc, the members' common `keep` when they all share one (the
    /// usual case), so the kept term is that times the mean stance.
    bloc_keep: Vec<Option<f64>>,
}

/// Buffers of [`Network::run`]: stances of states then blocs, `(n + blocs) * m`
/// each, and the blocs' kept term.
#[derive(Debug, Clone, Default)]
pub(super) struct Buffers {
    /// After [`Network::run`], y(R) in the first `n * m` values.
    pub(super) current: Vec<f64>,
    next: Vec<f64>,
    kept: Vec<f64>,
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
        let source_index = (sources.items.iter())
            .map(|s| match *s {
                Source::Bloc(b) => n as u32 + b,
                Source::Tie(k, _) => k,
            })
            .collect();
        let mut tracked: Vec<u32> = (scenario.blocs.iter().filter_map(|b| b.leader.map(|l| l as u32)))
            .chain(scenario.ties.iter().map(|t| t.to as u32))
            .collect();
        tracked.sort_unstable();
        tracked.dedup();
        let mut tracked_position = vec![None; n];
        for (u, &k) in tracked.iter().enumerate() {
            tracked_position[k as usize] = Some(u as u32);
        }
        Network {
            states: n,
            bloc_members: Rows::from_rows(
                scenario.blocs.iter().map(|b| b.members.iter().map(|&i| i as u32).collect::<Vec<_>>()),
            ),
            bloc_leader: scenario.blocs.iter().map(|b| b.leader.map(|l| l as u32)).collect(),
            sources,
            source_index,
            tie_weight: scenario.ties.iter().map(|t| t.weight).collect(),
            tracked,
            tracked_position,
        }
    }

    /// Empty buffers sized for `m` proposals.
    pub(super) fn buffers(&self, m: usize) -> Buffers {
        let size = (self.states + self.bloc_leader.len()) * m;
        Buffers { current: vec![0.0; size], next: vec![0.0; size], kept: vec![0.0; self.bloc_leader.len() * m] }
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
        out.bloc_keep.clear();
        out.bloc_keep.extend((0..self.bloc_leader.len()).map(|b| {
            let mut keeps = self.bloc_members.row(b).iter().map(|&i| out.keep[i as usize]);
            let first = keeps.next().unwrap_or(1.0);
            keeps.all(|k| k == first).then_some(first)
        }));
        // Bloc-space rows: a dense row of G (blocs) then H (tracked states) per
        // bloc, kept sparse.
        let (n, blocs) = (self.states, self.bloc_leader.len());
        let mut dense = vec![0.0; blocs + self.tracked.len()];
        let rows = &mut out.bloc_rows;
        rows.start.clear();
        rows.start.push(0);
        rows.items.clear();
        for b in 0..blocs {
            if self.bloc_leader[b].is_some() {
                rows.start.push(rows.items.len());
                continue;
            }
            dense.fill(0.0);
            let members = self.bloc_members.row(b);
            let share = 1.0 / members.len().max(1) as f64;
            for &i in members {
                let range = self.sources.range(i as usize);
                for (source, w) in self.sources.items[range.clone()].iter().zip(&out.weight[range]) {
                    let column = match *source {
                        Source::Bloc(c) => c as usize,
                        Source::Tie(k, _) => {
                            blocs + self.tracked_position[k as usize].expect("tie targets are tracked") as usize
                        }
                    };
                    dense[column] += share * w;
                }
            }
            let index = |column: usize| match column.checked_sub(blocs) {
                None => (n + column) as u32,
                Some(u) => self.tracked[u],
            };
            rows.items
                .extend((dense.iter().enumerate()).filter(|(_, w)| **w != 0.0).map(|(column, &w)| (index(column), w)));
            rows.start.push(rows.items.len());
        }
    }

    /// Runs `rounds` rounds for `m` proposals at once from `initial` (y0,
    /// `n * m`); the result is in `buffers.current[..n * m]`.
    pub(super) fn run(&self, rounds: u32, m: usize, weights: &Weights, initial: &[f64], buffers: &mut Buffers) {
        // Compile the loops for the common numbers of proposals, so the
        // per-proposal inner loops have constant trip counts.
        match m {
            1 => self.run_width::<1>(rounds, m, weights, initial, buffers),
            2 => self.run_width::<2>(rounds, m, weights, initial, buffers),
            3 => self.run_width::<3>(rounds, m, weights, initial, buffers),
            4 => self.run_width::<4>(rounds, m, weights, initial, buffers),
            _ => self.run_width::<0>(rounds, m, weights, initial, buffers),
        }
    }

    /// [`Network::run`] with `m` known at compile time as `M` (0: not known).
    fn run_width<const M: usize>(
        &self,
        rounds: u32,
        m: usize,
        weights: &Weights,
        initial: &[f64],
        buffers: &mut Buffers,
    ) {
        let m = if M > 0 { M } else { m };
        let (n, blocs) = (self.states, self.bloc_leader.len());
        let Buffers { current, next, kept } = buffers;
        current[..n * m].copy_from_slice(initial);
        if rounds == 0 {
            return;
        }
        self.initial_bloc_stances::<M>(m, weights, initial, current, kept);
        for _ in 1..rounds {
            for &k in &self.tracked {
                self.update_state::<M>(k as usize, m, weights, initial, current, next);
            }
            self.update_blocs::<M>(m, weights, kept, current, next);
            std::mem::swap(current, next);
        }
        for i in 0..n {
            self.update_state::<M>(i, m, weights, initial, current, next);
        }
        current[..n * m].copy_from_slice(&next[..n * m]);
        debug_assert_eq!(current.len(), (n + blocs) * m);
    }

    /// One pass over the memberships: S(0) (members' mean of y0, or the
    /// leader's y0) after the state stances, and the blocs' kept term
    /// mean (1 - lambda_i) y0_i.
    fn initial_bloc_stances<const M: usize>(
        &self,
        m: usize,
        weights: &Weights,
        initial: &[f64],
        current: &mut [f64],
        kept: &mut [f64],
    ) {
        let m = if M > 0 { M } else { m };
        let stances = &mut current[self.states * m..];
        for (b, (out, kept)) in stances.chunks_exact_mut(m).zip(kept.chunks_exact_mut(m)).enumerate() {
            if let Some(leader) = self.bloc_leader[b] {
                out.copy_from_slice(&initial[leader as usize * m..][..m]);
                continue;
            }
            let members = self.bloc_members.row(b);
            let share = 1.0 / members.len().max(1) as f64;
            for j0 in (0..m).step_by(LANES) {
                let width = (m - j0).min(LANES);
                let (mut sum, mut kept_sum) = ([0.0; LANES], [0.0; LANES]);
                let common_keep = weights.bloc_keep[b];
                for &i in members {
                    let stances = &initial[i as usize * m + j0..][..width];
                    if common_keep.is_some() {
                        for (s, y) in sum.iter_mut().zip(stances) {
                            *s += y;
                        }
                    } else {
                        let keep = weights.keep[i as usize];
                        for ((s, k), y) in sum.iter_mut().zip(&mut kept_sum).zip(stances) {
                            *s += y;
                            *k += keep * y;
                        }
                    }
                }
                if let Some(keep) = common_keep {
                    kept_sum = sum.map(|s| keep * s);
                }
                for (o, s) in out[j0..j0 + width].iter_mut().zip(sum) {
                    *o = s * share;
                }
                for (o, s) in kept[j0..j0 + width].iter_mut().zip(kept_sum) {
                    *o = s * share;
                }
            }
        }
    }

    /// y_i(t+1) = (1 - lambda_i) y0_i + sum over sources of weight x stance(t), into `next`.
    fn update_state<const M: usize>(
        &self,
        i: usize,
        m: usize,
        weights: &Weights,
        initial: &[f64],
        current: &[f64],
        next: &mut [f64],
    ) {
        let m = if M > 0 { M } else { m };
        let range = self.sources.range(i);
        let sources = self.source_index[range.clone()].iter().copied().zip(weights.weight[range].iter().copied());
        let keep = weights.keep[i];
        let base = initial[i * m..][..m].iter().map(|y0| keep * y0);
        mix::<M>(m, base, sources, current, &mut next[i * m..][..m]);
    }

    /// S(t+1) in bloc space: kept + G S(t) + H y_tracked(t) for blocs without
    /// a leader; the leader's (already updated) stance for the others.
    fn update_blocs<const M: usize>(
        &self,
        m: usize,
        weights: &Weights,
        kept: &[f64],
        current: &[f64],
        next: &mut [f64],
    ) {
        let m = if M > 0 { M } else { m };
        let n = self.states;
        for b in 0..self.bloc_leader.len() {
            let out = n * m + b * m;
            if let Some(leader) = self.bloc_leader[b] {
                next.copy_within(leader as usize * m..(leader as usize + 1) * m, out);
            } else {
                let row = weights.bloc_rows.row(b).iter().copied();
                mix::<M>(m, kept[b * m..][..m].iter().copied(), row, current, &mut next[out..][..m]);
            }
        }
    }
}

/// `out[j] = base[j] + sum over (index, w) of w * stances[index * m + j]`,
/// for `m` proposals (`M` when known at compile time), with local accumulators.
fn mix<const M: usize>(
    m: usize,
    base: impl Iterator<Item = f64> + Clone,
    sources: impl Iterator<Item = (u32, f64)> + Clone,
    stances: &[f64],
    out: &mut [f64],
) {
    let m = if M > 0 { M } else { m };
    for j0 in (0..m).step_by(LANES) {
        let width = (m - j0).min(LANES);
        let mut acc = [0.0; LANES];
        for (a, b) in acc.iter_mut().zip(base.clone().skip(j0).take(width)) {
            *a = b;
        }
        for (index, w) in sources.clone() {
            for (a, y) in acc.iter_mut().zip(&stances[index as usize * m + j0..][..width]) {
                *a += w * y;
            }
        }
        out[j0..j0 + width].copy_from_slice(&acc[..width]);
    }
}
