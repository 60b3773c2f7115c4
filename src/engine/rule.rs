//! The vote rule and the outcome: GA rules of procedure 83-86.
//!
//! Only Yes and No count as "present and voting"; abstentions and absences
//! change nothing but the turnout.

use crate::model::{Majority, Proposal, Vote};
use serde::Serialize;

/// How a proposal fared in one run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// Adopted by a recorded vote.
    Adopted,
    /// Not adopted.
    Rejected,
    /// Adopted without a vote: a consensus proposal no state voted against.
    Consensus,
}

impl Outcome {
    /// Whether the proposal passed (by vote or by consensus).
    pub fn passed(self) -> bool {
        self != Outcome::Rejected
    }

    /// Lower-case name as in `runs.csv`.
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Adopted => "adopted",
            Outcome::Rejected => "rejected",
            Outcome::Consensus => "consensus",
        }
    }
}

/// The voting rule of one proposal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// Majority required in a recorded vote.
    pub majority: Majority,
    /// Whether a run without a No vote is an adoption without a vote.
    pub consensus: bool,
}

impl Rule {
    /// The rule of `proposal`.
    pub fn of(proposal: &Proposal) -> Rule {
        Rule { majority: proposal.majority, consensus: proposal.consensus }
    }

    /// The outcome with `yes` votes in favour and `no` against.
    pub fn outcome(self, yes: u32, no: u32) -> Outcome {
        let majority = match self.majority {
            Majority::Simple => yes > no,
            Majority::TwoThirds => yes >= 2 * no && yes > 0,
        };
        if self.consensus && no == 0 {
            Outcome::Consensus
        } else if majority {
            Outcome::Adopted
        } else {
            Outcome::Rejected
        }
    }

    /// For each vote a state may have cast (in [`Vote`] order), whether the
    /// state is decisive: whether adoption would differ had it voted Yes
    /// rather than No, all other votes as in `counts` (`[yes, no, abstain, absent]`).
    /// "Differ" compares passing (adopted or consensus) with rejection.
    pub fn decisive(self, counts: [u32; 4]) -> [bool; 4] {
        Vote::ALL.map(|vote| {
            // saturating: a kind of vote nobody cast has no state to be decisive.
            let others_yes = counts[0].saturating_sub(u32::from(vote == Vote::Yes));
            let others_no = counts[1].saturating_sub(u32::from(vote == Vote::No));
            self.swing(others_yes, others_no, 1)
        })
    }

    /// Whether `members` votes cast as one decide the outcome: whether the
    /// proposal passes (adopted or consensus) with `others_yes + members`
    /// Yes and `others_no` No but not with `others_yes` Yes and
    /// `others_no + members` No, or the other way round. A state's
    /// decisiveness is the swing of one vote; a bloc's, of its members present.
    pub fn swing(self, others_yes: u32, others_no: u32, members: u32) -> bool {
        self.outcome(others_yes + members, others_no).passed() != self.outcome(others_yes, others_no + members).passed()
    }

    /// The fewest Yes votes out of `voting` Yes and No votes with which the
    /// proposal passes (adopted or consensus); `None` for no vote cast (or
    /// if no number of Yes votes passes it). Passing is monotone in the Yes
    /// votes: a simple majority needs `voting / 2 + 1`, two thirds
    /// `max(1, ceil(2 voting / 3))`, and consensus (all `voting` Yes, no
    /// No) never needs fewer.
    pub fn tipping_yes(self, voting: u32) -> Option<u32> {
        if voting == 0 {
            return None;
        }
        let k = match self.majority {
            Majority::Simple => voting / 2 + 1,
            Majority::TwoThirds => (2 * voting).div_ceil(3).max(1),
        };
        (k <= voting && self.outcome(k, voting - k).passed()).then_some(k)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SIMPLE: Rule = Rule { majority: Majority::Simple, consensus: false };
    const TWO_THIRDS: Rule = Rule { majority: Majority::TwoThirds, consensus: false };
    const SIMPLE_CONSENSUS: Rule = Rule { majority: Majority::Simple, consensus: true };

    #[test]
    fn simple_majority_needs_more_yes_than_no() {
        assert_eq!(SIMPLE.outcome(10, 9), Outcome::Adopted);
        assert_eq!(SIMPLE.outcome(10, 10), Outcome::Rejected, "a tie is rejected (rule 95)");
        assert_eq!(SIMPLE.outcome(0, 0), Outcome::Rejected, "no votes cast: nothing adopted");
        assert_eq!(SIMPLE.outcome(1, 0), Outcome::Adopted);
    }

    #[test]
    fn two_thirds_boundary_is_inclusive() {
        assert_eq!(TWO_THIRDS.outcome(20, 10), Outcome::Adopted, "exactly two thirds of those voting");
        assert_eq!(TWO_THIRDS.outcome(19, 10), Outcome::Rejected);
        assert_eq!(TWO_THIRDS.outcome(0, 0), Outcome::Rejected, "needs at least one Yes");
        assert_eq!(TWO_THIRDS.outcome(1, 0), Outcome::Adopted);
        assert_eq!(TWO_THIRDS.outcome(2, 1), Outcome::Adopted);
    }

    #[test]
    fn consensus_when_nobody_objects() {
        assert_eq!(SIMPLE_CONSENSUS.outcome(150, 0), Outcome::Consensus);
        assert_eq!(SIMPLE_CONSENSUS.outcome(0, 0), Outcome::Consensus, "no objection at all");
        assert_eq!(SIMPLE_CONSENSUS.outcome(150, 1), Outcome::Adopted, "one No forces a vote");
        assert_eq!(SIMPLE_CONSENSUS.outcome(1, 1), Outcome::Rejected);
    }

    #[test]
    fn decisive_on_a_one_vote_margin() {
        // 10 Yes, 9 No: a Yes voter switching to No makes it 9-10 (rejected): decisive.
        // A No voter switching to Yes makes 11-8: still adopted, and as No it is 10-9: not decisive.
        // An abstainer: Yes gives 11-9 adopted, No gives 10-10 rejected: decisive.
        assert_eq!(SIMPLE.decisive([10, 9, 3, 1]), [true, false, true, true]);
        // 10-10 tie: a No voter switching to Yes passes it (11-9 vs 10-10); an absentee would
        // decide it too (11-10 vs 10-11), absent and abstaining states are alike.
        assert_eq!(SIMPLE.decisive([10, 10, 0, 0]), [false, true, true, true]);
        // Landslide: nobody is decisive.
        assert_eq!(SIMPLE.decisive([150, 20, 10, 13]), [false; 4]);
    }

    #[test]
    fn decisive_at_the_two_thirds_boundary() {
        // 20-10: a Yes voter switching gives 19-11 (rejected): decisive; an abstainer: 21-10 vs 20-11: decisive.
        assert_eq!(TWO_THIRDS.decisive([20, 10, 5, 0]), [true, false, true, true]);
        // 23-10: any single switch leaves Yes >= 2 No (22-11 at worst): nobody decisive.
        assert_eq!(TWO_THIRDS.decisive([23, 10, 0, 0]), [false; 4]);
        // 22-10: a Yes voter switching gives 21-11, rejected: decisive.
        assert!(TWO_THIRDS.decisive([22, 10, 0, 0])[0]);
    }

    #[test]
    fn tipping_yes_is_the_fewest_yes_votes_that_pass() {
        // By hand: 5 voting, simple majority needs 3 (3-2); 6 voting needs 4 (3-3 is a tie);
        // two thirds of 6 needs 4 (4 >= 2 x 2), of 7 needs 5 (5 >= 4, while 4 < 6).
        assert_eq!(SIMPLE.tipping_yes(5), Some(3));
        assert_eq!(SIMPLE.tipping_yes(6), Some(4));
        assert_eq!(TWO_THIRDS.tipping_yes(6), Some(4));
        assert_eq!(TWO_THIRDS.tipping_yes(7), Some(5));
        assert_eq!(SIMPLE.tipping_yes(1), Some(1));
        assert_eq!(SIMPLE.tipping_yes(0), None, "nobody voting: no tipping point");
        // Against the outcome itself, for every rule and size: the smallest passing k.
        for rule in [SIMPLE, TWO_THIRDS, SIMPLE_CONSENSUS, Rule { majority: Majority::TwoThirds, consensus: true }] {
            for voting in 1..200 {
                let smallest = (0..=voting).find(|&k| rule.outcome(k, voting - k).passed());
                assert_eq!(rule.tipping_yes(voting), smallest, "{rule:?}, {voting} voting");
            }
        }
    }

    #[test]
    fn a_bloc_swings_when_its_members_decide() {
        // Others 10-12, a bloc of 3: 13-12 passes, 10-15 fails.
        assert!(SIMPLE.swing(10, 12, 3));
        // Others 10-14: 13-14 fails either way.
        assert!(!SIMPLE.swing(10, 14, 3));
        // No member present: nothing to swing.
        assert!(!SIMPLE.swing(10, 10, 0));
        // Others 0-0 under consensus: all Yes is a consensus, all No a 0-2 rejection.
        assert!(SIMPLE_CONSENSUS.swing(0, 0, 2));
    }

    #[test]
    fn breaking_consensus_alone_is_not_decisive() {
        // 150-0 consensus: a No would still leave 149-1 adopted.
        assert_eq!(SIMPLE_CONSENSUS.decisive([150, 0, 10, 33]), [false; 4]);
        // 0-0: the single abstainer decides between consensus (Yes) and 0-1 rejection (No).
        assert!(SIMPLE_CONSENSUS.decisive([0, 0, 1, 0])[2]);
    }
}
