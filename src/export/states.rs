//! `states.csv`: each state's vote probabilities and P(decisive), per proposal.

use super::csvfmt::{Fixed6, ratio};
use crate::aggregate::Tally;
use crate::model::Scenario;
use serde::Serialize;

/// The header row: [`Row`]'s fields.
pub const HEADER: [&str; 9] =
    ["proposal", "iso3", "name", "group", "p_yes", "p_no", "p_abstain", "p_absent", "p_decisive"];

/// One row of `states.csv`.
#[derive(Serialize)]
pub struct Row<'a> {
    proposal: &'a str,
    iso3: &'a str,
    name: &'a str,
    group: &'a str,
    p_yes: Fixed6,
    p_no: Fixed6,
    p_abstain: Fixed6,
    p_absent: Fixed6,
    p_decisive: Fixed6,
}

/// Rows in proposal order, then roster order.
pub fn rows<'a>(scenario: &'a Scenario, tally: &'a Tally) -> impl Iterator<Item = Row<'a>> + 'a {
    scenario.proposals.iter().zip(&tally.proposals).flat_map(move |(proposal, p)| {
        scenario.states.iter().zip(&p.state_votes).zip(&p.decisive).map(move |((state, votes), &decisive)| Row {
            proposal: &proposal.id,
            iso3: &state.iso3,
            name: &state.name,
            group: &state.group,
            p_yes: ratio(votes[0], p.runs),
            p_no: ratio(votes[1], p.runs),
            p_abstain: ratio(votes[2], p.runs),
            p_absent: ratio(votes[3], p.runs),
            p_decisive: ratio(decisive, p.runs),
        })
    })
}
