//! `distribution.csv`: the exact distribution of every tally, one row per
//! (proposal, measure, value) with a non-zero count.

use crate::aggregate::Tally;
use crate::model::Scenario;
use serde::Serialize;

/// The header row: [`Row`]'s fields.
pub const HEADER: [&str; 4] = ["proposal", "measure", "value", "runs"];

/// One row of `distribution.csv`.
#[derive(Serialize)]
pub struct Row<'a> {
    proposal: &'a str,
    measure: &'static str,
    value: i64,
    runs: u64,
}

/// Rows in proposal order, then yes, no, abstain, absent, margin, then value.
pub fn rows<'a>(scenario: &'a Scenario, tally: &'a Tally) -> impl Iterator<Item = Row<'a>> + 'a {
    let n = scenario.states.len() as i64;
    scenario.proposals.iter().zip(&tally.proposals).flat_map(move |(proposal, p)| {
        let measures = ["yes", "no", "abstain", "absent"].into_iter().zip(p.histograms.iter().map(|h| (h, 0)));
        measures.chain([("margin", (&p.margin, -n))]).flat_map(move |(measure, (histogram, offset))| {
            histogram.iter().enumerate().filter(|(_, c)| **c > 0).map(move |(v, &runs)| Row {
                proposal: &proposal.id,
                measure,
                value: v as i64 + offset,
                runs,
            })
        })
    })
}
