//! `blocs.csv`: each bloc's mean Agreement Index, the probability that its
//! members present swing the outcome, and that its majority votes Yes, per proposal.

use super::csvfmt::Fixed6;
use crate::aggregate::Tally;
use crate::aggregate::summary;
use crate::model::Scenario;
use serde::Serialize;

/// The header row: [`Row`]'s fields.
pub const HEADER: [&str; 6] = ["proposal", "bloc", "members", "agreement_mean", "p_swing", "p_majority_yes"];

/// One row of `blocs.csv`.
#[derive(Serialize)]
pub struct Row<'a> {
    proposal: &'a str,
    bloc: &'a str,
    members: usize,
    agreement_mean: Fixed6,
    p_swing: Fixed6,
    p_majority_yes: Fixed6,
}

/// Rows in proposal order, then bloc order; blocs without members at the date are left out.
pub fn rows<'a>(scenario: &'a Scenario, tally: &'a Tally) -> impl Iterator<Item = Row<'a>> + 'a {
    summary::blocs(scenario, tally).into_iter().map(move |b| Row {
        proposal: &scenario.proposals[b.proposal].id,
        bloc: &scenario.blocs[b.bloc].id,
        members: b.members,
        agreement_mean: Fixed6(b.agreement_mean),
        p_swing: Fixed6(b.p_swing),
        p_majority_yes: Fixed6(b.p_majority_yes),
    })
}
