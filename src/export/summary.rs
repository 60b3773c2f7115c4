//! `summary.csv`: one row per proposal with P(adopted), its Wilson
//! interval, P(consensus), mean, sd and quantiles of every tally, and the
//! recorded counts when the proposal is a recorded roll call. The
//! statistics' columns are shared with `given.csv` ([`statistics_header`]).

use super::csvfmt::{Fixed6, ratio};
use crate::aggregate::Tally;
use crate::aggregate::stats::QUANTILES;
use crate::aggregate::summary::{self, MEASURES, ProposalSummary};
use crate::history::record;
use crate::model::Scenario;

/// The recorded counts' columns, last.
const RECORDED: [&str; 4] = ["recorded_yes", "recorded_no", "recorded_abstain", "recorded_absent"];

/// The header row.
pub fn header() -> Vec<String> {
    let mut header: Vec<String> = ["proposal", "runs"].map(String::from).into();
    header.extend(statistics_header());
    header.extend(RECORDED.map(String::from));
    header
}

/// The columns of a proposal's statistics over a set of runs: P(adopted)
/// with its interval, P(consensus), and for every measure mean, sd and quantiles.
pub fn statistics_header() -> Vec<String> {
    let mut header: Vec<String> = ["p_adopted", "p_adopted_lo", "p_adopted_hi", "p_consensus"].map(String::from).into();
    for measure in MEASURES {
        header.push(format!("{measure}_mean"));
        header.push(format!("{measure}_sd"));
        header.extend(QUANTILES.iter().map(|(_, q)| format!("{measure}_{q}")));
    }
    header
}

/// The fields of [`statistics_header`] for `p` (empty where undefined, as for no run).
pub fn statistics(p: &ProposalSummary) -> Vec<String> {
    let mut row = vec![
        ratio(p.passed, p.runs).to_string(),
        Fixed6(p.interval.0).to_string(),
        Fixed6(p.interval.1).to_string(),
        ratio(p.consensus, p.runs).to_string(),
    ];
    for m in &p.measures {
        row.push(Fixed6(m.mean).to_string());
        row.push(Fixed6(m.sd).to_string());
        row.extend(m.quantiles.iter().map(|q| q.map_or_else(String::new, |q| q.to_string())));
    }
    row
}

/// One record per proposal, matching [`header`].
pub fn rows<'a>(scenario: &'a Scenario, tally: &'a Tally) -> impl Iterator<Item = Vec<String>> + 'a {
    summary::proposals(scenario, tally).into_iter().zip(&scenario.proposals).map(|(p, proposal)| {
        let mut row = vec![p.proposal.clone(), p.runs.to_string()];
        row.extend(statistics(&p));
        let counts = record::recorded(proposal, &[]).map(|r| r.counts);
        row.extend((0..4).map(|v| counts.map_or_else(String::new, |c| c[v].to_string())));
        row
    })
}
