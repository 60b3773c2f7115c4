//! `states.csv`: each state's vote probabilities and P(decisive), per proposal.

use super::csvfmt::Fixed6;
use crate::aggregate::Tally;
use crate::aggregate::summary;
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
    summary::states(tally).into_iter().map(move |s| {
        let state = &scenario.states[s.state];
        Row {
            proposal: &scenario.proposals[s.proposal].id,
            iso3: &state.iso3,
            name: &state.name,
            group: &state.group,
            p_yes: Fixed6(s.p_vote[0]),
            p_no: Fixed6(s.p_vote[1]),
            p_abstain: Fixed6(s.p_vote[2]),
            p_absent: Fixed6(s.p_vote[3]),
            p_decisive: Fixed6(s.p_decisive),
        }
    })
}
