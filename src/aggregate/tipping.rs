//! The tipping point of one proposal in one run.
//!
//! The states present and voting (Yes or No) are ordered by their final
//! stance on the proposal, highest first: sponsors and states forced to
//! Yes first, states forced to No last, ties (equal stances, and the
//! fixed votes among themselves) broken by roster order. With V such states
//! and k the fewest Yes votes out of V that pass the text under its rule
//! ([`Rule::tipping_yes`]), the k-th state in that order is the tipping
//! point: the voter whose support the k-th Yes vote needs, were the text's
//! support to build up from its strongest supporters. There is none when
//! nobody votes.
//!
//! Only the free voters (neither sponsoring nor forced) need ranking, and
//! only the k-th of them needs finding: an O(V) selection
//! (`select_nth_unstable`) over integer keys, not a sort; when the stances
//! are the same in every run, a walk along their order, sorted once.

use crate::engine::rule::Rule;
use crate::model::{Scenario, Vote};

/// The order of one proposal's voters, and the scratch that finding the
/// tipping point in a run needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranking {
    /// States fixed to Yes (sponsors, forced Yes), roster order: the first voters.
    yes: Vec<usize>,
    /// States fixed to No, roster order: the last voters.
    no: Vec<usize>,
    /// Per state, whether it votes freely (neither sponsoring nor forced).
    free: Vec<bool>,
    /// Whether the stances differ from run to run ([`Scenario::stances_vary`]).
    vary: bool,
    /// With stances the same in every run: the free states sorted by
    /// [`key`], from the first run seen; a walk along it finds the tipping
    /// point, no selection needed.
    sorted: Option<Vec<usize>>,
    /// Scratch: the stance keys ([`descending`]) of the free voters of a run.
    keys: Vec<u64>,
}

impl Ranking {
    /// The ranking of proposal `j` of `scenario`: its fixed votes
    /// ([`Scenario::fixed_votes`]; states fixed to abstain or to be absent
    /// never vote, and are in no part) and whether its stances vary.
    pub fn new(scenario: &Scenario, j: usize) -> Ranking {
        Ranking::with(&scenario.fixed_votes(j), scenario.stances_vary())
    }

    /// The ranking of a proposal with the `fixed` votes (roster order),
    /// whose stances `vary` from run to run or not.
    fn with(fixed: &[Option<Vote>], vary: bool) -> Ranking {
        let fixed_to =
            |vote: Vote| fixed.iter().enumerate().filter(|(_, f)| **f == Some(vote)).map(|(i, _)| i).collect();
        Ranking {
            yes: fixed_to(Vote::Yes),
            no: fixed_to(Vote::No),
            free: fixed.iter().map(Option::is_none).collect(),
            vary,
            sorted: None,
            keys: vec![0; fixed.len()],
        }
    }

    /// The tipping point of a run with `votes` and final `stances` (roster
    /// order) and `counts` (`[yes, no, abstain, absent]`), under `rule`.
    pub fn tipping(&mut self, rule: Rule, votes: &[Vote], stances: &[f64], counts: [u32; 4]) -> Option<usize> {
        let voting = counts[0] + counts[1];
        let k = rule.tipping_yes(voting)? as usize;
        let fixed_yes = self.yes.len();
        if k <= fixed_yes {
            return Some(self.yes[k - 1]);
        }
        // Every fixed voter votes; the free ones voting are the rest.
        let free_voting = voting as usize - fixed_yes - self.no.len();
        if k > fixed_yes + free_voting {
            return self.no.get(k - fixed_yes - free_voting - 1).copied();
        }
        let nth = k - fixed_yes; // 1-based among the free voters
        if !self.vary {
            let is_voting = |vote: Vote| usize::from(matches!(vote, Vote::Yes | Vote::No));
            let free = &self.free;
            let sorted = self.sorted.get_or_insert_with(|| {
                let mut sorted: Vec<usize> = (0..free.len()).filter(|&i| free[i]).collect();
                sorted.sort_unstable_by_key(|&i| key(stances[i], i));
                sorted
            });
            let mut seen = 0;
            for &i in sorted.iter() {
                seen += is_voting(votes[i]);
                if seen == nth {
                    return Some(i);
                }
            }
            unreachable!("the free voters number at least {nth}");
        }
        Some(self.nth_by_selection(votes, stances, nth))
    }

    /// The `nth` (1-based) free voter by [`key`]: an O(V) selection
    /// (`select_nth_unstable`) of the nth stance among the free voters'
    /// ([`descending`] bits, 64-bit keys), then, among the voters with that
    /// stance, the one its place falls on in roster order.
    fn nth_by_selection(&mut self, votes: &[Vote], stances: &[f64], nth: usize) -> usize {
        // Yes and No are the votes 0 and 1; written branch-free.
        let voters = || {
            (stances.iter().zip(votes).zip(&self.free))
                .map(|((&stance, &vote), &free)| (descending(stance), free & ((vote as u8) < 2)))
        };
        let mut len = 0;
        for (key, voting) in voters() {
            self.keys[len] = key;
            len += usize::from(voting);
        }
        let (before, &mut kth, _) = self.keys[..len].select_nth_unstable(nth - 1);
        let ahead = before.iter().filter(|&&key| key < kth).count();
        let same = voters().enumerate().filter(|&(_, (key, voting))| voting && key == kth);
        same.map(|(i, _)| i).nth(nth - ahead - 1).expect("the selected stance is some voter's")
    }
}

/// The sort key of a free voter: ascending keys are descending stances,
/// then ascending roster index (the tie break), the stance's
/// [`descending`] bits above the index.
#[inline]
pub fn key(stance: f64, state: usize) -> u128 {
    (u128::from(descending(stance)) << 64) | state as u128
}

/// The bits of `stance` as an unsigned integer that orders stances from
/// the highest down: made order-preserving (the sign bit flipped for a
/// positive number, every bit for a negative one; -0 counts as +0), then
/// complemented.
#[inline]
fn descending(stance: f64) -> u64 {
    let bits = (stance + 0.0).to_bits();
    !(bits ^ ((((bits as i64) >> 63) as u64) | (1 << 63)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Majority;

    const SIMPLE: Rule = Rule { majority: Majority::Simple, consensus: false };

    #[test]
    fn keys_order_by_stance_down_then_roster_up() {
        let stances = [-3.5, 2.0, 0.0, -0.0, 2.0, 1e-300, -1e300, f64::MAX];
        let mut keys: Vec<u128> = stances.iter().enumerate().map(|(i, &s)| key(s, i)).collect();
        keys.sort_unstable();
        let order: Vec<usize> = keys.iter().map(|&k| k as u64 as usize).collect();
        // MAX, then the two 2.0 by roster order, 1e-300, the zeros (equal) by roster order, -3.5, -1e300.
        assert_eq!(order, [7, 1, 4, 5, 2, 3, 0, 6]);
    }

    /// Seven states: 0 sponsors (fixed Yes), 6 forced No, 5 forced to
    /// abstain, 1..=4 free with stances 0.5, -1, 2, 0.1.
    fn ranking(vary: bool) -> Ranking {
        let mut fixed = vec![None; 7];
        fixed[0] = Some(Vote::Yes);
        fixed[5] = Some(Vote::Abstain);
        fixed[6] = Some(Vote::No);
        Ranking::with(&fixed, vary)
    }

    const STANCES: [f64; 7] = [0.0, 0.5, -1.0, 2.0, 0.1, 0.0, 0.0];

    /// The votes with `voting` voting (Yes for stance > 0, No below) and the others absent.
    fn votes(voting: &[usize]) -> (Vec<Vote>, [u32; 4]) {
        let mut votes = vec![Vote::Absent; 7];
        votes[5] = Vote::Abstain;
        for &i in voting {
            votes[i] = if i == 0 || (i != 6 && STANCES[i] > 0.0) { Vote::Yes } else { Vote::No };
        }
        let counts = crate::engine::count_votes(&votes);
        (votes, counts)
    }

    #[test]
    fn the_kth_voter_in_stance_order() {
        let two_thirds = Rule { majority: Majority::TwoThirds, consensus: false };
        // By selection (stances that vary) and by the walk along the sorted
        // order (stances that do not), twice each.
        for vary in [true, false] {
            let mut r = ranking(vary);
            let mut tipping = |rule, voting: &[usize]| {
                let (v, counts) = votes(voting);
                r.tipping(rule, &v, &STANCES, counts)
            };
            for _ in 0..2 {
                // All six voting (0, 1..=4, 6): order 0 (sponsor), 3 (2.0), 1 (0.5), 4 (0.1), 2 (-1), 6 (forced No).
                // Six voting need four Yes under a simple majority: state 4; two thirds of six is also four.
                assert_eq!(tipping(SIMPLE, &[0, 1, 2, 3, 4, 6]), Some(4));
                assert_eq!(tipping(two_thirds, &[0, 1, 2, 3, 4, 6]), Some(4));
                // Seven voting would need five; here 0, 1, 3, 4 and 6: order 0, 3, 1, 4, 6; three of five: state 1.
                assert_eq!(tipping(SIMPLE, &[0, 1, 3, 4, 6]), Some(1));
                // Only 0, 2 and 6 voting (the others absent): order 0, 2, 6; two of three: state 2.
                assert_eq!(tipping(SIMPLE, &[0, 2, 6]), Some(2));
                // Only the fixed voters 0 and 6: two need two Yes: the forced No.
                assert_eq!(tipping(SIMPLE, &[0, 6]), Some(6));
                // Only the sponsor: one Yes of one.
                assert_eq!(tipping(SIMPLE, &[0]), Some(0));
                // Nobody voting.
                assert_eq!(tipping(SIMPLE, &[]), None);
            }
        }
    }

    #[test]
    fn selection_and_the_sorted_walk_equal_sorting() {
        // Many stances, with ties and near ties (a few units in the last
        // place), everybody free, every other state voting.
        let n = 150;
        let coarse: Vec<f64> = (0..n).map(|i| ((i * 37 % 101) as f64 / 10.0).floor() - 5.0).collect();
        let near: Vec<f64> = (0..n).map(|i| f64::from_bits(1.0f64.to_bits() + (i as u64 * 7919) % 200)).collect();
        let votes: Vec<Vote> = (0..n).map(|i| [Vote::Yes, Vote::Absent, Vote::No, Vote::Abstain][i % 4]).collect();
        let counts = crate::engine::count_votes(&votes);
        // 75 voting (38 Yes, 37 No: the even states) need 38 Yes under a
        // simple majority, 50 under two thirds.
        assert_eq!(counts, [38, 37, 37, 38]);
        let two_thirds = Rule { majority: Majority::TwoThirds, consensus: false };
        // All equal (one bucket), and infinite stances (no finite width).
        let equal = vec![0.5; n];
        let infinite: Vec<f64> = (0..n).map(|i| [f64::INFINITY, -1.0, f64::NEG_INFINITY, 3.0][i % 4]).collect();
        let spread: Vec<f64> = (0..n).map(|i| ((i * 7919 % 150) as f64).powi(3) * 1e-3).collect();
        for stances in [coarse, near, equal, infinite, spread] {
            let mut sorted: Vec<usize> = (0..n).filter(|i| i % 2 == 0).collect();
            sorted.sort_by(|&a, &b| stances[b].total_cmp(&stances[a]).then(a.cmp(&b)));
            for vary in [true, false] {
                let mut ranking = Ranking::with(&vec![None; n], vary);
                for _ in 0..2 {
                    assert_eq!(ranking.tipping(SIMPLE, &votes, &stances, counts), Some(sorted[37]));
                    assert_eq!(ranking.tipping(two_thirds, &votes, &stances, counts), Some(sorted[49]));
                }
            }
        }
    }
}
