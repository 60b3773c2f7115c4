//! Mergeable, exact batch aggregates.
//!
//! Everything a batch reports is an integer count: histograms of the
//! tallies, per-state vote counts, per-bloc agreement numerators. Counts add
//! up the same in any order, so a batch's result is identical for any
//! number of threads and for shards merged. Statistics (means, quantiles,
//! intervals) are computed from the counts only at the end, in [`stats`].

pub mod stats;

use crate::engine::ProposalVotes;
use crate::engine::rule::Outcome;
use crate::model::Scenario;
use serde::{Deserialize, Serialize};

/// Aggregates of one bloc on one proposal.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct BlocTally {
    /// `agreement[n]`: over runs with n members present (Yes, No or Abstain),
    /// the sum of 3 max(Y, N, A) - n, so the Agreement Index of such a run is
    /// that term over 2n (Hix, Noury and Roland).
    pub agreement: Vec<u64>,
    /// `present[n]`: number of runs with n members present.
    pub present: Vec<u64>,
    /// Runs in which more than half of the members present voted Yes.
    pub majority_yes: u64,
}

/// Aggregates of one proposal over a set of runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposalTally {
    /// Runs aggregated.
    pub runs: u64,
    /// Runs in which the proposal passed by a vote.
    pub adopted: u64,
    /// Runs in which it passed without a vote.
    pub consensus: u64,
    /// `histograms[v][c]`: runs with c votes of kind v ([`crate::model::Vote`] order).
    pub histograms: [Vec<u64>; 4],
    /// `margin[m + n]`: runs with Yes - No = m.
    pub margin: Vec<u64>,
    /// `state_votes[i][v]`: runs in which state i cast vote v.
    pub state_votes: Vec<[u64; 4]>,
    /// `decisive[i]`: runs in which state i was decisive.
    pub decisive: Vec<u64>,
    /// One per bloc, scenario order.
    pub blocs: Vec<BlocTally>,
}

/// Aggregates of a whole batch (or of a range of its runs). Two tallies are
/// equal when their counts are (the bit sets are derived or scratch). Only
/// [`Tally::new`] makes one, so the bit sets always match the scenario.
#[derive(Debug, Clone)]
pub struct Tally {
    /// One per proposal, scenario order.
    pub proposals: Vec<ProposalTally>,
    /// Bloc members as bit sets over states (64 states a word), used to count
    /// a bloc's votes with a few AND and population counts per bloc.
    bloc_masks: Vec<Vec<u64>>,
    /// Scratch: the run's Yes, No and Abstain votes as bit sets, indexed by
    /// `Vote as usize` (Absent, 3, has none).
    vote_masks: [Vec<u64>; 3],
}

impl PartialEq for Tally {
    fn eq(&self, other: &Tally) -> bool {
        self.proposals == other.proposals
    }
}

impl Eq for Tally {}

/// The bit set (64 states a word) of the states `members`, for `states` states.
fn bit_set(members: impl IntoIterator<Item = usize>, states: usize) -> Vec<u64> {
    let mut set = vec![0u64; states.div_ceil(64)];
    for i in members {
        set[i / 64] |= 1 << (i % 64);
    }
    set
}

/// Number of states in both bit sets.
fn common(a: &[u64], b: &[u64]) -> usize {
    a.iter().zip(b).map(|(x, y)| (x & y).count_ones() as usize).sum()
}

impl Tally {
    /// An empty tally shaped for `scenario`.
    pub fn new(scenario: &Scenario) -> Tally {
        let n = scenario.states.len();
        let blocs: Vec<BlocTally> = scenario
            .blocs
            .iter()
            .map(|b| BlocTally {
                agreement: vec![0; b.members.len() + 1],
                present: vec![0; b.members.len() + 1],
                majority_yes: 0,
            })
            .collect();
        let proposal = ProposalTally {
            runs: 0,
            adopted: 0,
            consensus: 0,
            histograms: std::array::from_fn(|_| vec![0; n + 1]),
            margin: vec![0; 2 * n + 1],
            state_votes: vec![[0; 4]; n],
            decisive: vec![0; n],
            blocs,
        };
        Tally {
            proposals: vec![proposal; scenario.proposals.len()],
            bloc_masks: scenario.blocs.iter().map(|b| bit_set(b.members.iter().copied(), n)).collect(),
            vote_masks: std::array::from_fn(|_| bit_set([], n)),
        }
    }

    /// Number of runs aggregated (the same for every proposal).
    pub fn runs(&self) -> u64 {
        self.proposals.first().map_or(0, |p| p.runs)
    }

    /// Adds one proposal's votes of one run.
    pub fn record(&mut self, votes: &ProposalVotes<'_>) {
        let n = votes.votes.len();
        let p = &mut self.proposals[votes.proposal];
        p.runs += 1;
        match votes.outcome {
            Outcome::Adopted => p.adopted += 1,
            Outcome::Consensus => p.consensus += 1,
            Outcome::Rejected => {}
        }
        for (histogram, &count) in p.histograms.iter_mut().zip(&votes.counts) {
            histogram[count as usize] += 1;
        }
        p.margin[n + votes.counts[0] as usize - votes.counts[1] as usize] += 1;
        // One pass: per-state counts, decisiveness, and the vote bit sets
        // (Yes, No, Abstain; an absent state sets no bit).
        self.vote_masks.iter_mut().for_each(|mask| mask.fill(0));
        for (i, ((state, decisive), &vote)) in
            p.state_votes.iter_mut().zip(&mut p.decisive).zip(votes.votes).enumerate()
        {
            state[vote as usize] += 1;
            *decisive += u64::from(votes.decisive[vote as usize]);
            if let Some(mask) = self.vote_masks.get_mut(vote as usize) {
                mask[i / 64] |= 1 << (i % 64);
            }
        }
        let [yes_set, no_set, abstain_set] = &self.vote_masks;
        for (bloc, members) in p.blocs.iter_mut().zip(&self.bloc_masks) {
            let (yes, no, abstain) = (common(members, yes_set), common(members, no_set), common(members, abstain_set));
            let present = yes + no + abstain;
            let max = yes.max(no).max(abstain);
            bloc.present[present] += 1;
            bloc.agreement[present] += (3 * max - present) as u64;
            bloc.majority_yes += u64::from(2 * yes > present);
        }
    }

    /// Adds another tally of the same scenario (commutative and associative).
    pub fn merge(&mut self, other: &Tally) {
        fn add(into: &mut [u64], from: &[u64]) {
            into.iter_mut().zip(from).for_each(|(a, b)| *a += b);
        }
        for (p, o) in self.proposals.iter_mut().zip(&other.proposals) {
            p.runs += o.runs;
            p.adopted += o.adopted;
            p.consensus += o.consensus;
            for (h, oh) in p.histograms.iter_mut().zip(&o.histograms) {
                add(h, oh);
            }
            add(&mut p.margin, &o.margin);
            for (s, os) in p.state_votes.iter_mut().zip(&o.state_votes) {
                add(s, os);
            }
            add(&mut p.decisive, &o.decisive);
            for (b, ob) in p.blocs.iter_mut().zip(&o.blocs) {
                add(&mut b.agreement, &ob.agreement);
                add(&mut b.present, &ob.present);
                b.majority_yes += ob.majority_yes;
            }
        }
    }
}
