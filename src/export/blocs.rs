//! `blocs.csv`: each bloc's mean Agreement Index and the probability that
//! its majority votes Yes, per proposal.

use super::csvfmt::{Fixed6, ratio};
use crate::aggregate::{BlocTally, Tally};
use crate::model::Scenario;
use serde::Serialize;

/// The header row: [`Row`]'s fields.
pub const HEADER: [&str; 5] = ["proposal", "bloc", "members", "agreement_mean", "p_majority_yes"];

/// One row of `blocs.csv`.
#[derive(Serialize)]
pub struct Row<'a> {
    proposal: &'a str,
    bloc: &'a str,
    members: usize,
    agreement_mean: Fixed6,
    p_majority_yes: Fixed6,
}

/// Rows in proposal order, then bloc order; blocs without members at the date are left out.
pub fn rows<'a>(scenario: &'a Scenario, tally: &'a Tally) -> impl Iterator<Item = Row<'a>> + 'a {
    scenario.proposals.iter().zip(&tally.proposals).flat_map(move |(proposal, p)| {
        scenario.blocs.iter().zip(&p.blocs).filter(|(b, _)| !b.members.is_empty()).map(move |(bloc, t)| Row {
            proposal: &proposal.id,
            bloc: &bloc.id,
            members: bloc.members.len(),
            agreement_mean: Fixed6(agreement_mean(t)),
            p_majority_yes: ratio(t.majority_yes, p.runs),
        })
    })
}

/// Mean Agreement Index over the runs with at least one member present
/// (NaN if there were none): the sum over n of (sum of 3 max - n) / 2n.
pub fn agreement_mean(t: &BlocTally) -> f64 {
    let runs: u64 = t.present.iter().skip(1).sum();
    let sum: f64 = t.agreement.iter().enumerate().skip(1).map(|(n, &s)| s as f64 / (2 * n) as f64).sum();
    if runs == 0 { f64::NAN } else { sum / runs as f64 }
}
