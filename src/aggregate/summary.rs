//! Typed summaries of a tally: the statistics every output reports,
//! computed once here so that the exporters, the terminal headline and
//! sweeps only format them.

use super::Tally;
use super::stats::{Moments, moments, wilson};
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
    let n = scenario.states.len() as i64;
    scenario
        .proposals
        .iter()
        .zip(&tally.proposals)
        .map(|(proposal, p)| {
            let passed = p.adopted + p.consensus;
            let h = &p.histograms;
            ProposalSummary {
                proposal: proposal.id.clone(),
                runs: p.runs,
                passed,
                interval: wilson(passed, p.runs),
                consensus: p.consensus,
                measures: [
                    moments(&h[0], 0),
                    moments(&h[1], 0),
                    moments(&h[2], 0),
                    moments(&h[3], 0),
                    moments(&p.margin, -n),
                ],
            }
        })
        .collect()
}
