//! `states.csv`: each state's vote probabilities, P(decisive | present)
//! and P(tipping point), per proposal, and its recorded vote when the
//! proposal is a recorded roll call.

use super::csvfmt::Fixed6;
use crate::aggregate::Tally;
use crate::aggregate::summary;
use crate::history::record;
use crate::model::{Scenario, Vote};
use serde::Serialize;

/// The header row: [`Row`]'s fields.
pub const HEADER: [&str; 11] = [
    "proposal",
    "iso3",
    "name",
    "group",
    "p_yes",
    "p_no",
    "p_abstain",
    "p_absent",
    "p_decisive",
    "p_tipping",
    "recorded_vote",
];

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
    p_tipping: Fixed6,
    /// `yes`, `no`, `abstain`, `absent`; empty when not recorded.
    recorded_vote: &'static str,
}

/// Rows in proposal order, then roster order.
pub fn rows<'a>(scenario: &'a Scenario, tally: &'a Tally) -> impl Iterator<Item = Row<'a>> + 'a {
    let recorded: Vec<Option<record::Recorded>> =
        scenario.proposals.iter().map(|p| record::recorded(p, &scenario.states)).collect();
    summary::states(tally).into_iter().map(move |s| {
        let state = &scenario.states[s.state];
        let vote = recorded[s.proposal].as_ref().and_then(|r| r.votes[s.state]);
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
            p_tipping: Fixed6(s.p_tipping),
            recorded_vote: vote.map_or("", Vote::name),
        }
    })
}
