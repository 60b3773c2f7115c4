//! Mergeable, exact batch aggregates.
//!
//! Everything a batch reports is an integer count: histograms of the
//! tallies, per-state vote counts, per-bloc agreement numerators. Counts add
//! up the same in any order, so a batch's result is identical for any
//! number of threads and for shards merged. Statistics (means, quantiles,
//! intervals) are computed from the counts only at the end, in [`stats`].
//!
//! A [`Tally`] is the counts alone: plain data, serialisable (a batch
//! writes it as `tally.json`, and checkpoints it), and merged only with a
//! tally of its own shape. Adding one run to it takes per-run scratch (the
//! votes as bit sets, the voters ranked for the tipping point), which
//! lives in a [`Recorder`].
//!
//! Per run and proposal a recorder counts, besides the tallies and each
//! state's vote: whether each state present was decisive ([`Rule::decisive`]),
//! which state was the tipping point ([`tipping`]), and whether each bloc's
//! members present, voting as one, would swing the outcome ([`Rule::swing`]).
//! With a what-if condition ([`Scenario::given`]) the runs meeting it are
//! tallied a second time, apart.

pub mod stats;
pub mod summary;

pub mod tipping;

use crate::engine::ProposalVotes;
use crate::engine::rule::{Outcome, Rule};
use crate::given::Condition;
use crate::model::{Scenario, Vote};
use serde::{Deserialize, Serialize};
use tipping::Ranking;

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
    /// Runs in which the members present, all voting Yes or all voting No
    /// (the other states' votes as cast), would give different outcomes.
    pub swing: u64,
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
    /// `decisive[i]`: runs in which state i was present (Yes, No or
    /// Abstain) and decisive.
    pub decisive: Vec<u64>,
    /// `tipping[i]`: runs in which state i was the tipping point.
    pub tipping: Vec<u64>,
    /// One per bloc, scenario order.
    pub blocs: Vec<BlocTally>,
}

/// Aggregates of a whole batch (or of a range of its runs): counts only, so
/// it can be written (`tally.json`), read back and merged. Its shape (number
/// of proposals, states, blocs and bloc members) comes from the scenario;
/// [`Tally::merge`] refuses tallies of another shape, and [`Tally::check`]
/// tells a tally read from a file that does not hold together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    /// One per proposal, scenario order.
    pub proposals: Vec<ProposalTally>,
    /// With a what-if condition ([`Scenario::given`]): per proposal, the
    /// tally of the runs in which the condition held on that proposal's votes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub given: Option<Vec<ProposalTally>>,
}

/// The shape of a tally: what two tallies must share to be merged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shape {
    /// Number of states.
    pub states: usize,
    /// Members of each bloc, scenario order.
    pub bloc_members: Vec<usize>,
    /// Number of proposals.
    pub proposals: usize,
    /// Whether the tally has a conditional part ([`Tally::given`]).
    pub given: bool,
}

impl Shape {
    /// The shape of `scenario`'s tallies.
    pub fn of(scenario: &Scenario) -> Shape {
        Shape {
            states: scenario.states.len(),
            bloc_members: scenario.blocs.iter().map(|b| b.members.len()).collect(),
            proposals: scenario.proposals.len(),
            given: scenario.given.is_some(),
        }
    }

    /// Bytes of the counts of a tally of this shape (8 a count; the
    /// vectors' headers aside).
    pub fn tally_bytes(&self) -> u64 {
        let n = self.states as u64;
        let blocs: u64 = self.bloc_members.iter().map(|&members| 2 * (members as u64 + 1) + 2).sum();
        // runs, adopted, consensus; 4 histograms of n + 1; the margin, 2n + 1;
        // 4 vote counts, 1 decisive and 1 tipping count per state; then the
        // blocs (agreement, presence, majority Yes, swing).
        let per_proposal = 3 + 4 * (n + 1) + 2 * n + 1 + 6 * n + blocs;
        // A what-if condition keeps a second, conditional tally.
        let tallies = if self.given { 2 } else { 1 };
        8 * tallies * self.proposals as u64 * per_proposal
    }
}

/// A tally whose shape is not the one expected, or whose counts do not add
/// up: the first field found wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShapeError {
    /// A vector of the wrong length.
    #[error("`{field}` has {found} entries where {expected} are expected")]
    Length {
        /// The field, e.g. `proposals[1].blocs[3].present`.
        field: String,
        /// Length expected.
        expected: usize,
        /// Length found.
        found: usize,
    },
    /// A conditional part where none is expected, or none where one is.
    #[error("`given` is {}, but the tally is expected {}", if *.found { "there" } else { "missing" }, if *.found { "without one" } else { "with one" })]
    Given {
        /// Whether the tally has a conditional part.
        found: bool,
    },
    /// Counts that do not add up to the runs of the tally.
    #[error("`{field}` counts {found} runs where the tally has {expected}")]
    Count {
        /// The field, e.g. `proposals[0].margin`.
        field: String,
        /// Runs of the tally.
        expected: u64,
        /// Runs counted by the field.
        found: u128,
    },
    /// A count larger than the runs (or the members present) allow.
    #[error("`{field}` is {found}, more than the {limit} possible")]
    Bound {
        /// The field, e.g. `proposals[0].adopted`.
        field: String,
        /// The largest possible value.
        limit: u128,
        /// The value found.
        found: u128,
    },
    /// Two tallies whose sum does not fit the counters.
    #[error("`{field}` overflows when the tallies are added")]
    Overflow {
        /// The field, e.g. `proposals[0].margin`.
        field: String,
    },
}

impl ShapeError {
    /// The field found wrong.
    pub fn field(&self) -> &str {
        match self {
            ShapeError::Length { field, .. }
            | ShapeError::Count { field, .. }
            | ShapeError::Bound { field, .. }
            | ShapeError::Overflow { field } => field,
            ShapeError::Given { .. } => "given",
        }
    }
}

/// Ok if `found == expected`, else a [`ShapeError`] on `field`.
fn same_len(field: impl FnOnce() -> String, expected: usize, found: usize) -> Result<(), ShapeError> {
    if expected == found { Ok(()) } else { Err(ShapeError::Length { field: field(), expected, found }) }
}

impl Tally {
    /// An empty tally shaped for `scenario`.
    pub fn new(scenario: &Scenario) -> Tally {
        Tally::empty(&Shape::of(scenario))
    }

    /// An empty tally of `shape`.
    pub fn empty(shape: &Shape) -> Tally {
        let n = shape.states;
        let blocs: Vec<BlocTally> = shape
            .bloc_members
            .iter()
            .map(|&members| BlocTally {
                agreement: vec![0; members + 1],
                present: vec![0; members + 1],
                majority_yes: 0,
                swing: 0,
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
            tipping: vec![0; n],
            blocs,
        };
        let proposals = vec![proposal; shape.proposals];
        Tally { given: shape.given.then(|| proposals.clone()), proposals }
    }

    /// Number of runs aggregated (the same for every proposal).
    pub fn runs(&self) -> u64 {
        self.proposals.first().map_or(0, |p| p.runs)
    }

    /// Checks that the tally has `shape` (every vector the length the
    /// shape gives) and holds together: every proposal counts the same
    /// runs (a conditional one at most those); each histogram, each
    /// state's votes and each bloc's presence counts each of its runs once;
    /// and no count exceeds what the runs allow (adoptions, decisive votes,
    /// tipping points, swings, a bloc's agreement).
    pub fn check(&self, shape: &Shape) -> Result<(), ShapeError> {
        self.check_lengths(shape)?;
        let runs = self.runs();
        for (j, p) in self.proposals.iter().enumerate() {
            // Counts that must add up to the runs (a hand-edited file).
            if p.runs != runs {
                let field = format!("proposals[{j}].runs");
                return Err(ShapeError::Count { field, expected: runs, found: p.runs.into() });
            }
            p.check(&format!("proposals[{j}]"))?;
        }
        for (j, p) in self.given.iter().flatten().enumerate() {
            if p.runs > runs {
                let field = format!("given[{j}].runs");
                return Err(ShapeError::Count { field, expected: runs, found: p.runs.into() });
            }
            p.check(&format!("given[{j}]"))?;
        }
        Ok(())
    }

    /// The part of [`Tally::check`] that merging needs: the lengths.
    fn check_lengths(&self, shape: &Shape) -> Result<(), ShapeError> {
        check_proposal_lengths(&self.proposals, "proposals", shape)?;
        match &self.given {
            Some(given) if shape.given => check_proposal_lengths(given, "given", shape),
            None if !shape.given => Ok(()),
            given => Err(ShapeError::Given { found: given.is_some() }),
        }
    }

    /// The shape of this tally, taken from its first proposal (checked
    /// against every other by [`Tally::check`]).
    pub fn shape(&self) -> Shape {
        let first = self.proposals.first();
        Shape {
            states: first.map_or(0, |p| p.decisive.len()),
            bloc_members: first
                .map_or_else(Vec::new, |p| p.blocs.iter().map(|b| b.present.len().saturating_sub(1)).collect()),
            proposals: self.proposals.len(),
            given: self.given.is_some(),
        }
    }

    /// Sets every count to zero, keeping the shape (and the memory).
    pub fn clear(&mut self) {
        for p in self.proposals.iter_mut().chain(self.given.iter_mut().flatten()) {
            (p.runs, p.adopted, p.consensus) = (0, 0, 0);
            p.histograms.iter_mut().for_each(|h| h.fill(0));
            p.margin.fill(0);
            p.state_votes.fill([0; 4]);
            p.decisive.fill(0);
            p.tipping.fill(0);
            for b in &mut p.blocs {
                b.agreement.fill(0);
                b.present.fill(0);
                b.majority_yes = 0;
                b.swing = 0;
            }
        }
    }

    /// Adds another tally of the same shape (commutative and associative).
    /// A tally of another shape is refused, and `self` is left unchanged.
    pub fn merge(&mut self, other: &Tally) -> Result<(), ShapeError> {
        let shape = self.shape();
        self.check_lengths(&shape)?;
        other.check_lengths(&shape)?;
        let mut sum = self.clone();
        for (j, (p, o)) in sum.proposals.iter_mut().zip(&other.proposals).enumerate() {
            p.add(o, &format!("proposals[{j}]"))?;
        }
        if let (Some(given), Some(other_given)) = (&mut sum.given, &other.given) {
            for (j, (p, o)) in given.iter_mut().zip(other_given).enumerate() {
                p.add(o, &format!("given[{j}]"))?;
            }
        }
        *self = sum;
        Ok(())
    }
}

/// Checks the lengths of the proposal tallies `proposals` (the field `part`) against `shape`.
fn check_proposal_lengths(proposals: &[ProposalTally], part: &str, shape: &Shape) -> Result<(), ShapeError> {
    let n = shape.states;
    same_len(|| part.into(), shape.proposals, proposals.len())?;
    for (j, p) in proposals.iter().enumerate() {
        let field = |name: &str| format!("{part}[{j}].{name}");
        for (v, histogram) in p.histograms.iter().enumerate() {
            same_len(|| field(&format!("histograms[{v}]")), n + 1, histogram.len())?;
        }
        same_len(|| field("margin"), 2 * n + 1, p.margin.len())?;
        same_len(|| field("state_votes"), n, p.state_votes.len())?;
        same_len(|| field("decisive"), n, p.decisive.len())?;
        same_len(|| field("tipping"), n, p.tipping.len())?;
        same_len(|| field("blocs"), shape.bloc_members.len(), p.blocs.len())?;
        for (b, (bloc, &members)) in p.blocs.iter().zip(&shape.bloc_members).enumerate() {
            same_len(|| field(&format!("blocs[{b}].agreement")), members + 1, bloc.agreement.len())?;
            same_len(|| field(&format!("blocs[{b}].present")), members + 1, bloc.present.len())?;
        }
    }
    Ok(())
}

impl ProposalTally {
    /// Checks that the counts hold together (the field `part` names this
    /// tally in errors): each histogram, each state's votes and each bloc's
    /// presence counts each of its runs once, and no count exceeds what the
    /// runs allow.
    fn check(&self, part: &str) -> Result<(), ShapeError> {
        let runs = self.runs;
        let field = |name: &str| format!("{part}.{name}");
        let bound = |name: String, found: u64, limit: u128| match u128::from(found) <= limit {
            true => Ok(()),
            false => Err(ShapeError::Bound { field: field(&name), limit, found: found.into() }),
        };
        let histograms = self.histograms.iter().enumerate().map(|(v, h)| (format!("histograms[{v}]"), &h[..]));
        let states = self.state_votes.iter().enumerate().map(|(i, votes)| (format!("state_votes[{i}]"), &votes[..]));
        let present = self.blocs.iter().enumerate().map(|(b, bloc)| (format!("blocs[{b}].present"), &bloc.present[..]));
        for (name, counts) in histograms.chain([("margin".to_string(), &self.margin[..])]).chain(states).chain(present)
        {
            let total: u128 = counts.iter().map(|&c| u128::from(c)).sum();
            if total != u128::from(runs) {
                return Err(ShapeError::Count { field: field(&name), expected: runs, found: total });
            }
        }
        bound("adopted".into(), self.adopted, runs.into())?;
        bound("consensus".into(), self.consensus, u128::from(runs - self.adopted))?;
        for (i, &decisive) in self.decisive.iter().enumerate() {
            bound(format!("decisive[{i}]"), decisive, runs.into())?;
        }
        // A run has at most one tipping point.
        let tipping: u128 = self.tipping.iter().map(|&c| u128::from(c)).sum();
        if tipping > u128::from(runs) {
            return Err(ShapeError::Bound { field: field("tipping"), limit: runs.into(), found: tipping });
        }
        for (b, bloc) in self.blocs.iter().enumerate() {
            bound(format!("blocs[{b}].majority_yes"), bloc.majority_yes, runs.into())?;
            bound(format!("blocs[{b}].swing"), bloc.swing, runs.into())?;
            // A run with n members present adds at most 3n - n = 2n.
            for (n, (&agreement, &present)) in bloc.agreement.iter().zip(&bloc.present).enumerate() {
                let limit = 2 * n as u128 * u128::from(present);
                bound(format!("blocs[{b}].agreement[{n}]"), agreement, limit)?;
            }
        }
        Ok(())
    }

    /// Adds the counts of `other`, of the same shape; a count that would
    /// overflow is refused naming its field (under `part`), and `self` may
    /// then be partly added to (the caller adds into a copy).
    fn add(&mut self, other: &ProposalTally, part: &str) -> Result<(), ShapeError> {
        let add = |name: &str, into: &mut [u64], from: &[u64]| {
            for (a, b) in into.iter_mut().zip(from) {
                *a = a.checked_add(*b).ok_or_else(|| ShapeError::Overflow { field: format!("{part}.{name}") })?;
            }
            Ok::<(), ShapeError>(())
        };
        add("runs", std::slice::from_mut(&mut self.runs), &[other.runs])?;
        add("adopted", std::slice::from_mut(&mut self.adopted), &[other.adopted])?;
        add("consensus", std::slice::from_mut(&mut self.consensus), &[other.consensus])?;
        for (v, (h, oh)) in self.histograms.iter_mut().zip(&other.histograms).enumerate() {
            add(&format!("histograms[{v}]"), h, oh)?;
        }
        add("margin", &mut self.margin, &other.margin)?;
        for (i, (s, os)) in self.state_votes.iter_mut().zip(&other.state_votes).enumerate() {
            add(&format!("state_votes[{i}]"), s, os)?;
        }
        add("decisive", &mut self.decisive, &other.decisive)?;
        add("tipping", &mut self.tipping, &other.tipping)?;
        for (k, (b, ob)) in self.blocs.iter_mut().zip(&other.blocs).enumerate() {
            add(&format!("blocs[{k}].agreement"), &mut b.agreement, &ob.agreement)?;
            add(&format!("blocs[{k}].present"), &mut b.present, &ob.present)?;
            add(&format!("blocs[{k}].majority_yes"), std::slice::from_mut(&mut b.majority_yes), &[ob.majority_yes])?;
            add(&format!("blocs[{k}].swing"), std::slice::from_mut(&mut b.swing), &[ob.swing])?;
        }
        Ok(())
    }

    /// Adds one run of this proposal: its `votes`, and what the recorder
    /// found in them (`facts`).
    fn record(&mut self, votes: &ProposalVotes<'_>, facts: &RunFacts<'_>) {
        let n = votes.votes.len();
        self.runs += 1;
        match votes.outcome {
            Outcome::Adopted => self.adopted += 1,
            Outcome::Consensus => self.consensus += 1,
            Outcome::Rejected => {}
        }
        for (histogram, &count) in self.histograms.iter_mut().zip(&votes.counts) {
            histogram[count as usize] += 1;
        }
        self.margin[n + votes.counts[0] as usize - votes.counts[1] as usize] += 1;
        for ((state, decisive), &vote) in self.state_votes.iter_mut().zip(&mut self.decisive).zip(votes.votes) {
            state[vote as usize] += 1;
            *decisive += u64::from(facts.decisive[vote as usize]);
        }
        if let Some(i) = facts.tipping {
            self.tipping[i] += 1;
        }
        for (bloc, run) in self.blocs.iter_mut().zip(facts.blocs) {
            let [yes, no, abstain] = run.counts.map(|c| c as usize);
            let present = yes + no + abstain;
            bloc.present[present] += 1;
            bloc.agreement[present] += (3 * yes.max(no).max(abstain) - present) as u64;
            bloc.majority_yes += u64::from(2 * yes > present);
            bloc.swing += u64::from(run.swing);
        }
    }
}

/// The bit set (64 states a word) of the states `members`, for `states` states.
fn bit_set(members: impl IntoIterator<Item = usize>, states: usize) -> Vec<u64> {
    let mut set = vec![0u64; states.div_ceil(64)];
    for i in members {
        set[i / 64] |= 1 << (i % 64);
    }
    set
}

/// Number of states in both bit sets.
fn common(a: &[u64], b: &[u64]) -> u32 {
    a.iter().zip(b).map(|(x, y)| (x & y).count_ones()).sum()
}

/// One bloc in one run of one proposal.
#[derive(Debug, Clone, Copy, Default)]
struct BlocRun {
    /// Members voting Yes, No, Abstain.
    counts: [u32; 3],
    /// Whether the members present, voting as one, swing the outcome.
    swing: bool,
}

/// What a recorder finds in one proposal's votes of one run, for the tallies it adds them to.
struct RunFacts<'a> {
    /// Whether a state that cast each kind of vote was present and decisive.
    decisive: [bool; 4],
    /// The tipping point, if any.
    tipping: Option<usize>,
    /// Every bloc, scenario order.
    blocs: &'a [BlocRun],
}

/// Records runs into a [`Tally`]: the tally plus what counting a run
/// needs, shaped for one scenario.
#[derive(Debug, Clone)]
pub struct Recorder {
    tally: Tally,
    /// Each proposal's rule.
    rules: Vec<Rule>,
    /// Each proposal's order of the voters for the tipping point (with its scratch).
    rankings: Vec<Ranking>,
    /// The what-if condition, if any.
    given: Option<Condition>,
    /// Bloc members as bit sets over states (64 states a word), used to count
    /// a bloc's votes with a few AND and population counts per bloc.
    bloc_masks: Vec<Vec<u64>>,
    /// Scratch: the run's Yes, No and Abstain votes as bit sets, indexed by
    /// `Vote as usize` (Absent, 3, has none).
    vote_masks: [Vec<u64>; 3],
    /// Scratch: every bloc in the run at hand.
    bloc_runs: Vec<BlocRun>,
}

impl Recorder {
    /// An empty recorder for `scenario` (with its what-if condition, if any).
    pub fn new(scenario: &Scenario) -> Recorder {
        let n = scenario.states.len();
        Recorder {
            tally: Tally::new(scenario),
            rules: scenario.proposals.iter().map(Rule::of).collect(),
            rankings: (0..scenario.proposals.len()).map(|j| Ranking::new(scenario, j)).collect(),
            given: scenario.given.clone(),
            bloc_masks: scenario.blocs.iter().map(|b| bit_set(b.members.iter().copied(), n)).collect(),
            vote_masks: std::array::from_fn(|_| bit_set([], n)),
            bloc_runs: vec![BlocRun::default(); scenario.blocs.len()],
        }
    }

    /// The tally of the runs recorded so far.
    pub fn tally(&self) -> &Tally {
        &self.tally
    }

    /// Forgets the runs recorded so far (the tally is zeroed in place, not reallocated).
    pub fn clear(&mut self) {
        self.tally.clear();
    }

    /// The tally of the runs recorded.
    pub fn into_tally(self) -> Tally {
        self.tally
    }

    /// Adds one proposal's votes of one run (and, if the what-if condition
    /// holds on them, adds them to the conditional tally too).
    pub fn record(&mut self, votes: &ProposalVotes<'_>) {
        let j = votes.proposal;
        let rule = self.rules[j];
        // The vote bit sets (Yes, No, Abstain; an absent state sets no bit),
        // 64 states a word, each word built in registers.
        let [yes_set, no_set, abstain_set] = &mut self.vote_masks;
        for (((chunk, yes), no), abstain) in
            votes.votes.chunks(64).zip(yes_set.iter_mut()).zip(no_set.iter_mut()).zip(abstain_set.iter_mut())
        {
            let mut words = [0u64; 4];
            for (bit, &vote) in chunk.iter().enumerate() {
                words[vote as usize] |= 1 << bit;
            }
            (*yes, *no, *abstain) = (words[0], words[1], words[2]);
        }
        let tipping = self.rankings[j].tipping(rule, votes.votes, votes.stances, votes.counts);
        let [yes_set, no_set, abstain_set] = &self.vote_masks;
        let [yes, no, ..] = votes.counts;
        for (run, members) in self.bloc_runs.iter_mut().zip(&self.bloc_masks) {
            let counts = [common(members, yes_set), common(members, no_set), common(members, abstain_set)];
            let present = counts.iter().sum();
            run.counts = counts;
            run.swing = rule.swing(yes - counts[0], no - counts[1], present);
        }
        let mut decisive = votes.decisive;
        decisive[Vote::Absent as usize] = false;
        let facts = RunFacts { decisive, tipping, blocs: &self.bloc_runs };
        self.tally.proposals[j].record(votes, &facts);
        if let (Some(condition), Some(given)) = (&self.given, &mut self.tally.given)
            && condition.holds(votes.votes, |b| self.bloc_runs[b].counts)
        {
            given[j].record(votes, &facts);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape() -> Shape {
        Shape { states: 3, bloc_members: vec![2, 1], proposals: 2, given: false }
    }

    /// A tally of `shape()` counting one run in every proposal.
    fn one_run() -> Tally {
        let mut tally = Tally::empty(&shape());
        for p in &mut tally.proposals {
            p.runs = 1;
            p.histograms.iter_mut().for_each(|h| h[1] = 1);
            p.margin[3] = 1;
            p.state_votes.iter_mut().for_each(|votes| votes[0] = 1);
            p.blocs.iter_mut().for_each(|b| b.present[0] = 1);
        }
        tally
    }

    #[test]
    fn merge_refuses_another_shape_and_changes_nothing() {
        let mut tally = one_run();
        let before = tally.clone();
        type Change = fn(&mut Shape);
        let cases: [(Change, &str); 3] = [
            (|s| s.proposals = 3, "proposals"),
            (|s| s.states = 4, "proposals[0].histograms[0]"),
            (|s| s.bloc_members[1] = 2, "proposals[0].blocs[1].agreement"),
        ];
        for (change, field) in cases {
            let mut other_shape = shape();
            change(&mut other_shape);
            let error = tally.merge(&Tally::empty(&other_shape)).unwrap_err();
            assert_eq!(error.field(), field);
            assert_eq!(tally, before, "a refused merge changed the tally");
        }
        let mut fewer_blocs = Tally::empty(&shape());
        fewer_blocs.proposals[1].blocs.pop();
        assert_eq!(tally.merge(&fewer_blocs).unwrap_err().field(), "proposals[1].blocs");
        tally.merge(&one_run()).unwrap();
        assert_eq!(tally.runs(), 2);
    }

    #[test]
    fn check_catches_counts_that_do_not_add_up() {
        assert_eq!(one_run().check(&shape()), Ok(()));
        let mut edited = one_run();
        edited.proposals[1].margin[0] = 5;
        let error = edited.check(&shape()).unwrap_err();
        assert_eq!(error.field(), "proposals[1].margin", "{error}");
        let mut uneven = one_run();
        uneven.proposals[1].runs = 2;
        uneven.proposals[1].histograms.iter_mut().for_each(|h| h[0] = 1);
        uneven.proposals[1].margin[0] = 1;
        assert_eq!(uneven.check(&shape()).unwrap_err().field(), "proposals[1].runs");
    }

    #[test]
    fn check_catches_counts_beyond_what_the_runs_allow() {
        type Edit = fn(&mut ProposalTally);
        let cases: [(Edit, &str); 7] = [
            (|p| p.adopted = 2, "proposals[1].adopted"),
            (|p| (p.adopted, p.consensus) = (1, 1), "proposals[1].consensus"),
            (|p| p.decisive[2] = 2, "proposals[1].decisive[2]"),
            (|p| p.state_votes[1] = [1, 1, 0, 0], "proposals[1].state_votes[1]"),
            (|p| p.blocs[0].present = vec![0, 0, 0], "proposals[1].blocs[0].present"),
            (|p| p.blocs[1].majority_yes = 2, "proposals[1].blocs[1].majority_yes"),
            // One run with 1 member present adds at most 2 to agreement[1].
            (
                |p| (p.blocs[1].present, p.blocs[1].agreement) = (vec![0, 1], vec![0, 3]),
                "proposals[1].blocs[1].agreement[1]",
            ),
        ];
        for (edit, field) in cases {
            let mut tally = one_run();
            edit(&mut tally.proposals[1]);
            assert_eq!(tally.check(&shape()).unwrap_err().field(), field);
        }
    }

    #[test]
    fn merge_refuses_counts_that_overflow_and_changes_nothing() {
        let mut tally = one_run();
        tally.proposals[1].adopted = u64::MAX;
        let before = tally.clone();
        let mut other = one_run();
        other.proposals[1].adopted = 1;
        let error = tally.merge(&other).unwrap_err();
        assert_eq!(error.field(), "proposals[1].adopted", "{error}");
        assert_eq!(tally, before, "a refused merge changed the tally");
    }

    #[test]
    fn clear_zeroes_every_count_and_keeps_the_shape() {
        let mut tally = one_run();
        for p in &mut tally.proposals {
            (p.adopted, p.consensus) = (1, 1);
            p.state_votes[2] = [1, 2, 3, 4];
            p.decisive[0] = 5;
            p.blocs[1].agreement[1] = 6;
            p.blocs[1].present[0] = 7;
            p.blocs[0].majority_yes = 8;
            p.tipping[1] = 9;
            p.blocs[0].swing = 10;
        }
        tally.clear();
        assert_eq!(tally, Tally::empty(&shape()));
    }

    #[test]
    fn tally_bytes_counts_every_count() {
        let tally = one_run();
        let p = &tally.proposals[0];
        let counts = 3
            + p.histograms.iter().map(Vec::len).sum::<usize>()
            + p.margin.len()
            + 4 * p.state_votes.len()
            + p.decisive.len()
            + p.tipping.len()
            + p.blocs.iter().map(|b| b.agreement.len() + b.present.len() + 2).sum::<usize>();
        assert_eq!(shape().tally_bytes(), 8 * 2 * counts as u64);
    }

    #[test]
    fn a_tally_survives_json() {
        let tally = one_run();
        let text = serde_json::to_string(&tally).unwrap();
        assert_eq!(serde_json::from_str::<Tally>(&text).unwrap(), tally);
    }
}
