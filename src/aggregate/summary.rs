//! Typed summaries of a tally: the statistics every output reports,
//! computed once here so that the exporters, the terminal headline and
//! sweeps only format them.
//!
//! A statistic that is not defined is NaN (an empty field in the files):
//! a share is NaN exactly when the runs it is a share of number zero (no
//! run at all, no run with the state present, no run with a member of the
//! bloc present), a mean likewise.

use super::stats::{Moments, moments, wilson};
use super::{ProposalTally, Tally};
use crate::model::Scenario;

/// The five tallies summarised, in output order.
pub const MEASURES: [&str; 5] = ["yes", "no", "abstain", "absent", "margin"];

/// One proposal's batch statistics.
#[derive(Debug, Clone, PartialEq)]
pub struct ProposalSummary {
    /// Proposal id.
    pub proposal: String,
    /// Runs tallied.
    pub runs: u64,
    /// Runs in which it passed (by a vote or by consensus).
    pub passed: u64,
    /// 95% Wilson interval of P(adopted).
    pub interval: (f64, f64),
    /// Runs in which it was adopted without a vote.
    pub consensus: u64,
    /// Mean, sd and quantiles of Yes, No, Abstain, Absent and the margin Yes - No ([`MEASURES`] order).
    pub measures: [Moments; 5],
}

impl ProposalSummary {
    /// P(adopted): the share of runs in which it passed (NaN for no run).
    pub fn p_adopted(&self) -> f64 {
        if self.runs == 0 { f64::NAN } else { self.passed as f64 / self.runs as f64 }
    }
}

/// The summary of every proposal of `tally`.
pub fn proposals(scenario: &Scenario, tally: &Tally) -> Vec<ProposalSummary> {
    of_proposals(scenario, &tally.proposals)
}

/// The summary of every proposal tally of `proposals` (a tally's, or its
/// conditional part's), scenario order.
pub fn of_proposals(scenario: &Scenario, proposals: &[ProposalTally]) -> Vec<ProposalSummary> {
    scenario.proposals.iter().zip(proposals).map(|(proposal, p)| proposal_summary(&proposal.id, p)).collect()
}

/// The summary of proposal `id`'s tally `p`.
fn proposal_summary(id: &str, p: &ProposalTally) -> ProposalSummary {
    // The margin's histogram runs from -n to n.
    let n = (p.margin.len() / 2) as i64;
    let passed = p.adopted + p.consensus;
    let h = &p.histograms;
    ProposalSummary {
        proposal: id.to_string(),
        runs: p.runs,
        passed,
        interval: wilson(passed, p.runs),
        consensus: p.consensus,
        measures: [moments(&h[0], 0), moments(&h[1], 0), moments(&h[2], 0), moments(&h[3], 0), moments(&p.margin, -n)],
    }
}

/// One state's vote probabilities on one proposal.
#[derive(Debug, Clone, PartialEq)]
pub struct StateSummary {
    /// Proposal index.
    pub proposal: usize,
    /// State index (roster order).
    pub state: usize,
    /// P(Yes), P(No), P(Abstain), P(Absent) (NaN for no run).
    pub p_vote: [f64; 4],
    /// P(decisive | present): the share of the runs with the state present
    /// in which it was decisive (NaN if it was never present).
    pub p_decisive: f64,
    /// P(tipping point): the share of runs in which it was the tipping point.
    pub p_tipping: f64,
}

/// One bloc's cohesion on one proposal.
#[derive(Debug, Clone, PartialEq)]
pub struct BlocSummary {
    /// Proposal index.
    pub proposal: usize,
    /// Bloc index.
    pub bloc: usize,
    /// Members at the scenario date.
    pub members: usize,
    /// Mean Agreement Index over the runs with a member present (NaN if none).
    pub agreement_mean: f64,
    /// The share of runs in which the members present, voting as one, swing the outcome.
    pub p_swing: f64,
    /// The share of the runs with a member present in which more than half
    /// of the members present voted Yes (NaN if none).
    pub p_majority_yes: f64,
}

/// `count / runs`, NaN for no run.
fn share(count: u64, runs: u64) -> f64 {
    if runs == 0 { f64::NAN } else { count as f64 / runs as f64 }
}

/// Every state's summary, proposal by proposal, in roster order.
pub fn states(tally: &Tally) -> Vec<StateSummary> {
    (tally.proposals.iter().enumerate())
        .flat_map(|(j, p)| {
            (p.state_votes.iter().zip(&p.decisive).zip(&p.tipping).enumerate()).map(
                move |(i, ((votes, &decisive), &tipping))| StateSummary {
                    proposal: j,
                    state: i,
                    p_vote: votes.map(|v| share(v, p.runs)),
                    p_decisive: share(decisive, p.runs - votes[3]),
                    p_tipping: share(tipping, p.runs),
                },
            )
        })
        .collect()
}

/// Every bloc with members at the date, proposal by proposal, in bloc order.
pub fn blocs(scenario: &Scenario, tally: &Tally) -> Vec<BlocSummary> {
    (tally.proposals.iter().enumerate())
        .flat_map(|(j, p)| {
            (scenario.blocs.iter().zip(&p.blocs).enumerate()).filter(|(_, (b, _))| !b.members.is_empty()).map(
                move |(b, (bloc, t))| BlocSummary {
                    proposal: j,
                    bloc: b,
                    members: bloc.members.len(),
                    agreement_mean: agreement_mean(t),
                    p_swing: share(t.swing, p.runs),
                    p_majority_yes: share(t.majority_yes, p.runs - t.present[0]),
                },
            )
        })
        .collect()
}

/// Mean Agreement Index over the runs with at least one member present
/// (NaN if there were none): the sum over n of (sum of 3 max - n) / 2n.
pub fn agreement_mean(t: &super::BlocTally) -> f64 {
    let runs: u64 = t.present.iter().skip(1).sum();
    let sum: f64 = t.agreement.iter().enumerate().skip(1).map(|(n, &s)| s as f64 / (2 * n) as f64).sum();
    if runs == 0 { f64::NAN } else { sum / runs as f64 }
}
