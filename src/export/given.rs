//! `given.csv` (with `run --given`): per proposal, how many runs met the
//! what-if condition on that proposal's votes, and the `summary.csv`
//! statistics over those runs alone (empty fields when no run met it).

use super::csvfmt::ratio;
use super::summary::{statistics, statistics_header};
use crate::aggregate::Tally;
use crate::aggregate::summary;
use crate::model::Scenario;

/// The header row: `proposal,given,runs_total,runs,p_given`, then the
/// statistics of `summary.csv`.
pub fn header() -> Vec<String> {
    let mut header: Vec<String> = ["proposal", "given", "runs_total", "runs", "p_given"].map(String::from).into();
    header.extend(statistics_header());
    header
}

/// One record per proposal, matching [`header`]; none without a condition.
pub fn rows<'a>(scenario: &'a Scenario, tally: &'a Tally) -> impl Iterator<Item = Vec<String>> + 'a {
    let condition = scenario.given.as_ref().map_or("", |c| c.text());
    let given = tally.given.as_deref().unwrap_or_default();
    summary::of_proposals(scenario, given).into_iter().zip(&tally.proposals).map(move |(p, all)| {
        let mut row = vec![p.proposal.clone(), condition.to_string(), all.runs.to_string(), p.runs.to_string()];
        row.push(ratio(p.runs, all.runs).to_string());
        row.extend(statistics(&p));
        row
    })
}
