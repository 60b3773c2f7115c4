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
//! Proposals go through up to [`LANES`] at a time, their stances as rows
//! of one number per proposal (`[[f64; M]]` per state and bloc), so each
//! source read serves every proposal of the group. The members' sums of
//! [`SUMMED`] blocs advance side by side, each in its own members' order,
//! so that the additions of different blocs overlap. The direct
//! round-by-round computation is the reference of the integration tests
//! (`tests/integration/statistics.rs`), which compare it with
//! [`crate::engine::Engine::stances`] to 1e-12.

use super::Inputs;
use crate::model::Scenario;

/// Proposals handled together in the innermost loops (local accumulators):
/// one AVX vector of stances.
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

/// Blocs whose member sums advance together, one member of each a step:
/// independent additions in flight at once, where one bloc's sum alone
/// would wait on each addition in turn.
const SUMMED: usize = 4;

/// [`SUMMED`] blocs without a leader (fewer in the last set) and their
/// members, interleaved: `members[t * SUMMED + lane]` is the `t`-th member
/// of `blocs[lane]`, or the zero row past its last (adding +0 to a sum
/// that starts from +0 changes no bit of it).
#[derive(Debug, Clone)]
struct Summed {
    blocs: Vec<u32>,
    members: Vec<u32>,
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
    /// The blocs without a leader in sets of [`SUMMED`] of similar size,
    /// whose member sums advance together (see [`Network::initial_bloc_stances`]).
    summed: Vec<Summed>,
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
/// without pull), per source (index in the stance buffer, lambda_i w_s / W_i), and per bloc
/// without a leader the non-zero entries of its rows of G and H, as
/// (index in the stance buffer, weight).
#[derive(Debug, Clone, Default)]
pub(super) struct Weights {
    keep: Vec<f64>,
    sources: Vec<(u32, f64)>,
    bloc_rows: Rows<(u32, f64)>,
    /// Per bloc, the members' common `keep` when they all share one (the
    /// usual case), so the kept term is that times the mean stance.
    bloc_keep: Vec<Option<f64>>,
}

/// Buffers of [`Network::run`]: stances of states then blocs for up to
/// [`LANES`] proposals, the blocs' kept term, and (with more proposals than
/// that) a group of proposals' initial stances.
#[derive(Debug, Clone, Default)]
pub(super) struct Buffers {
    current: Vec<f64>,
    next: Vec<f64>,
    kept: Vec<f64>,
    group: Vec<f64>,
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
        let mut leaderless: Vec<usize> =
            (0..scenario.blocs.len()).filter(|&b| scenario.blocs[b].leader.is_none()).collect();
        leaderless.sort_by_key(|&b| std::cmp::Reverse(scenario.blocs[b].members.len()));
        let summed = leaderless
            .chunks(SUMMED)
            .map(|blocs| {
                let steps = blocs.iter().map(|&b| scenario.blocs[b].members.len()).max().unwrap_or(0);
                let members = (0..steps)
                    .flat_map(|t| (0..SUMMED).map(move |lane| (t, lane)))
                    .map(|(t, lane)| {
                        let member = blocs.get(lane).and_then(|&b| scenario.blocs[b].members.get(t));
                        member.map_or(n, |&i| i) as u32
                    })
                    .collect();
                Summed { blocs: blocs.iter().map(|&b| b as u32).collect(), members }
            })
            .collect();
        Network {
            states: n,
            bloc_members: Rows::from_rows(
                scenario.blocs.iter().map(|b| b.members.iter().map(|&i| i as u32).collect::<Vec<_>>()),
            ),
            summed,
            bloc_leader: scenario.blocs.iter().map(|b| b.leader.map(|l| l as u32)).collect(),
            sources,
            source_index,
            tie_weight: scenario.ties.iter().map(|t| t.weight).collect(),
            tracked,
            tracked_position,
        }
    }

    /// Empty buffers for `m` proposals.
    pub(super) fn buffers(&self, m: usize) -> Buffers {
        let (width, blocs) = (m.min(LANES), self.bloc_leader.len());
        let size = (self.states + blocs) * width;
        // The initial stances, and a row of zeros after them.
        let group = (self.states + 1) * width;
        Buffers {
            current: vec![0.0; size],
            next: vec![0.0; size],
            kept: vec![0.0; blocs * width],
            group: vec![0.0; group],
        }
    }

    /// The weights under `inputs` (cohesion and conformity may vary by run).
    pub(super) fn weights(&self, inputs: &Inputs, out: &mut Weights) {
        out.keep.resize(self.states, 1.0);
        out.sources.clear();
        out.sources.extend(self.source_index.iter().map(|&index| (index, 0.0)));
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
                    out.sources[s].1 = lambda * raw(&self.sources.items[s]) / total;
                }
            } else {
                // No bloc and no tie (or all weights zero): the state keeps y0.
                out.keep[i] = 1.0;
                out.sources[range].iter_mut().for_each(|(_, w)| *w = 0.0);
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
                for (source, (_, w)) in self.sources.items[range.clone()].iter().zip(&out.sources[range]) {
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

    /// Runs `rounds` rounds for `m` proposals from `initial` (y0,
    /// proposal-major `[j * n + i]`), and writes y(R) into `stances`, also
    /// proposal-major (each proposal's stances contiguous for the vote).
    ///
    /// Proposals go through [`LANES`] at a time, as rows of one stance per
    /// proposal (state-major, so one source read serves them all). Each
    /// proposal's numbers are computed alone, so the grouping changes no bit.
    #[inline(always)]
    pub(super) fn run(
        &self,
        rounds: u32,
        m: usize,
        weights: &Weights,
        initial: &[f64],
        buffers: &mut Buffers,
        stances: &mut [f64],
    ) {
        let n = self.states;
        if rounds == 0 {
            stances.copy_from_slice(initial);
            return;
        }
        let mut group = std::mem::take(&mut buffers.group);
        for j0 in (0..m).step_by(LANES) {
            let width = (m - j0).min(LANES);
            let rows = &mut group[..(n + 1) * width];
            for (a, column) in initial[j0 * n..(j0 + width) * n].chunks_exact(n).enumerate() {
                for (row, &y0) in rows.chunks_exact_mut(width).zip(column) {
                    row[a] = y0;
                }
            }
            rows[n * width..].fill(0.0);
            // One compiled body per width, so the lane loops have constant trip counts.
            let out = &mut stances[j0 * n..(j0 + width) * n];
            match width {
                1 => self.run_width::<1>(rounds, weights, rows, buffers, out),
                2 => self.run_width::<2>(rounds, weights, rows, buffers, out),
                3 => self.run_width::<3>(rounds, weights, rows, buffers, out),
                _ => self.run_width::<LANES>(rounds, weights, rows, buffers, out),
            }
        }
        buffers.group = group;
    }

    /// The rounds (at least one) for `M` proposals, every stance buffer
    /// seen as rows of `M` (one row per state, then one per bloc).
    #[inline(always)]
    fn run_width<const M: usize>(
        &self,
        rounds: u32,
        weights: &Weights,
        initial: &[f64],
        buffers: &mut Buffers,
        stances: &mut [f64],
    ) {
        let n = self.states;
        let size = (n + self.bloc_leader.len()) * M;
        let initial = initial.as_chunks::<M>().0;
        let mut current = buffers.current[..size].as_chunks_mut::<M>().0;
        let mut next = buffers.next[..size].as_chunks_mut::<M>().0;
        let kept = buffers.kept[..self.bloc_leader.len() * M].as_chunks_mut::<M>().0;
        current[..n].copy_from_slice(&initial[..n]);
        self.initial_bloc_stances(weights, initial, current, kept);
        for _ in 1..rounds {
            for &k in &self.tracked {
                next[k as usize] = self.update_state(k as usize, weights, initial, current);
            }
            self.update_blocs(weights, kept, current, next);
            std::mem::swap(&mut current, &mut next);
        }
        // y(R), written straight into each proposal's column.
        let mut columns = super::split_columns::<M>(stances, n);
        for i in 0..n {
            let y = self.update_state(i, weights, initial, current);
            for (column, y) in columns.iter_mut().zip(y) {
                column[i] = y;
            }
        }
    }

    /// One pass over the memberships: S(0) (members' mean of y0, or the
    /// leader's y0) after the state stances, and the blocs' kept term
    /// mean (1 - lambda_i) y0_i. `initial` ends with a row of zeros.
    #[inline(always)]
    fn initial_bloc_stances<const M: usize>(
        &self,
        weights: &Weights,
        initial: &[[f64; M]],
        current: &mut [[f64; M]],
        kept: &mut [[f64; M]],
    ) {
        let n = self.states;
        for (b, leader) in self.bloc_leader.iter().enumerate() {
            if let Some(leader) = leader {
                current[n + b] = initial[*leader as usize];
            }
        }
        for summed in &self.summed {
            // Each lane's sum adds its bloc's members in order, as alone.
            let mut sums = [[0.0; M]; SUMMED];
            for step in summed.members.as_chunks::<SUMMED>().0 {
                for (sum, &i) in sums.iter_mut().zip(step) {
                    let y0 = &initial[i as usize];
                    for j in 0..M {
                        sum[j] += y0[j];
                    }
                }
            }
            for (&b, sum) in summed.blocs.iter().zip(sums) {
                let b = b as usize;
                let members = self.bloc_members.row(b);
                let share = 1.0 / members.len().max(1) as f64;
                current[n + b] = sum.map(|s| s * share);
                kept[b] = match weights.bloc_keep[b] {
                    Some(keep) => sum.map(|s| (keep * s) * share),
                    None => {
                        let mut kept_sum = [0.0; M];
                        for &i in members {
                            let (keep, y0) = (weights.keep[i as usize], &initial[i as usize]);
                            for j in 0..M {
                                kept_sum[j] += keep * y0[j];
                            }
                        }
                        kept_sum.map(|s| s * share)
                    }
                };
            }
        }
    }

    /// y_i(t+1) = (1 - lambda_i) y0_i + sum over sources of weight x stance(t).
    #[inline(always)]
    fn update_state<const M: usize>(
        &self,
        i: usize,
        weights: &Weights,
        initial: &[[f64; M]],
        current: &[[f64; M]],
    ) -> [f64; M] {
        let keep = weights.keep[i];
        mix(initial[i].map(|y0| keep * y0), &weights.sources[self.sources.range(i)], current)
    }

    /// S(t+1) in bloc space: kept + G S(t) + H y_tracked(t) for blocs without
    /// a leader; the leader's (already updated) stance for the others.
    #[inline(always)]
    fn update_blocs<const M: usize>(
        &self,
        weights: &Weights,
        kept: &[[f64; M]],
        current: &[[f64; M]],
        next: &mut [[f64; M]],
    ) {
        let n = self.states;
        for b in 0..self.bloc_leader.len() {
            next[n + b] = match self.bloc_leader[b] {
                Some(leader) => next[leader as usize],
                None => mix(kept[b], weights.bloc_rows.row(b), current),
            };
        }
    }
}

/// `base + sum over (index, w) of w * stances[index]`, lane by lane, summed
/// in the sources' order.
#[inline(always)]
fn mix<const M: usize>(base: [f64; M], sources: &[(u32, f64)], stances: &[[f64; M]]) -> [f64; M] {
    let mut acc = base;
    for &(index, w) in sources {
        let y = &stances[index as usize];
        for j in 0..M {
            acc[j] += w * y[j];
        }
    }
    acc
}
