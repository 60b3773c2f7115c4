//! The record beside the simulation: for a proposal that is a recorded
//! roll call of the embedded data (`data/rollcalls_2018_2020.csv`, whose
//! counts are those of `data/tallies.csv`, tested), how the Assembly and
//! each state actually voted. `summary.csv` and `states.csv` print it
//! next to the simulated distribution.
//!
//! A proposal is matched by its id, or failing that by its single `like`
//! id ([`recorded_text`], the rule `backtest` uses too).

use super::{RollCalls, embedded_rollcalls};
use crate::model::{Proposal, State, Vote};
use crate::roster::Roster;
use std::sync::OnceLock;

/// The index in `calls` of the recorded text that `proposal` is: the one
/// with its id, else the one its single `like` id names.
pub fn recorded_text(calls: &RollCalls, proposal: &Proposal) -> Option<usize> {
    calls.text_index(&proposal.id).or_else(|| match proposal.like.as_slice() {
        [one] => calls.text_index(one),
        _ => None,
    })
}

/// A proposal's recorded vote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    /// The recorded text's id.
    pub text: String,
    /// `[yes, no, abstain, absent]` of the record.
    pub counts: [u32; 4],
    /// Each state's recorded vote, in the order of the states asked about
    /// (`None` for a state the record does not hold).
    pub votes: Vec<Option<Vote>>,
}

/// The embedded roll calls, read once.
fn embedded() -> &'static RollCalls {
    static CALLS: OnceLock<RollCalls> = OnceLock::new();
    CALLS.get_or_init(|| embedded_rollcalls(Roster::embedded()))
}

/// The recorded vote of `proposal` in the embedded roll calls, with the
/// votes of `states` (matched by ISO3 code); `None` if it is not a
/// recorded roll call.
pub fn recorded(proposal: &Proposal, states: &[State]) -> Option<Recorded> {
    let calls = embedded();
    let t = recorded_text(calls, proposal)?;
    let roster = &Roster::embedded().states;
    let votes = states
        .iter()
        .map(|state| roster.iter().position(|s| s.iso3 == state.iso3).map(|i| calls.votes[t][i]))
        .collect();
    Some(Recorded { text: calls.texts[t].id.clone(), counts: calls.tally(t), votes })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A proposal `id` with the further `fields` (TOML lines).
    fn proposal(id: &str, fields: &str) -> Proposal {
        let toml = format!("[scenario]\nname = \"r\"\n[[proposals]]\nid = \"{id}\"\n{fields}\n");
        crate::scenario::parse(&toml, "r.toml", &[]).unwrap_or_else(|e| panic!("{e}")).proposals.remove(0)
    }

    #[test]
    fn matched_by_id_or_single_like() {
        let toml = "[scenario]\nname = \"s\"\n[[proposals]]\nid = \"P\"\nposition = [0.1, 0.0]\n";
        let states = &crate::scenario::parse(toml, "s.toml", &[]).unwrap().states;
        let by_id = recorded(&proposal("A/RES/73/27", "position = [0.1, 0.0]"), states).unwrap();
        // data/tallies.csv: 119-46-14, 14 absent.
        assert_eq!(by_id.counts, [119, 46, 14, 14]);
        let usa = states.iter().position(|s| s.iso3 == "USA").unwrap();
        assert_eq!(by_id.votes[usa], Some(Vote::No), "the USA voted against A/RES/73/27");
        let by_like = recorded(&proposal("NEW", "like = \"A/RES/73/266\""), states).unwrap();
        assert_eq!((by_like.text.as_str(), by_like.counts), ("A/RES/73/266", [138, 12, 16, 27]));
        assert_eq!(recorded(&proposal("NEW", "position = [0.1, 0.0]"), states), None);
        assert_eq!(
            recorded(&proposal("NEW", "like = [\"A/RES/73/27\", \"A/RES/74/29\"]"), states),
            None,
            "a series is not a record"
        );
        // Adopted without a vote: no roll call.
        assert_eq!(recorded(&proposal("A/RES/76/19", "position = [0.1, 0.0]"), states), None);
        // A state the record does not hold.
        let mut few = states[..2].to_vec();
        few[1].iso3 = "XXX".into();
        assert_eq!(recorded(&proposal("A/RES/73/27", "position = [0.1, 0.0]"), &few).unwrap().votes[1], None);
    }
}
