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
//! only the k-th of them needs finding: an O(V) selection over integer
//! keys, not a sort; when the stances are the same in every run, a walk
//! along their order, sorted once.
//!
//! The selection starts from a guess: a window of stances around the last
//! run's k-th. One branch-free pass counts the voters above, inside and
//! below the window, a second gathers those inside it (roster order); when
//! the k-th falls inside, only the window (about twenty voters) is ranked.
//! Otherwise the whole selection runs. Either way the answer is the exact
//! k-th voter: the last run only decides how much work finding it takes,
//! so the result does not depend on which runs a thread saw before.

use crate::engine::rule::Rule;
use crate::engine::simd;
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
    /// Scratch: every state's stance in a run if it is a free voter, else NaN.
    voters: Vec<f64>,
    /// Scratch: the voters the selection runs on, roster order: their
    /// stances and states.
    chosen: Vec<(f64, u32)>,
    /// Scratch: their keys, reordered by the selection.
    keys: Vec<u64>,
    /// The guess of the next run's k-th stance: a window around it.
    window: Window,
}

/// Stances within `half_width` of `centre`: where the k-th stance of the
/// next run is looked for first (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Window {
    centre: f64,
    half_width: f64,
}

impl Window {
    /// Windows holding more voters than this narrow, so that ordering the
    /// window stays cheap.
    const CROWDED: usize = 24;

    /// Any start would do (only the first runs' misses depend on it).
    const START: Window = Window { centre: 0.0, half_width: 0.1 };

    /// The window for the next run, after a run whose k-th stance was
    /// `kth`: centred on it, widened after a miss, narrowed when `inside`
    /// voters crowded it (kept finite and non-zero, so that it can always
    /// grow or shrink again).
    fn next(self, kth: f64, hit: bool, inside: usize) -> Window {
        let half_width = if !hit {
            self.half_width * 4.0
        } else if inside > Window::CROWDED {
            self.half_width / 2.0
        } else {
            self.half_width
        };
        Window { centre: kth, half_width: half_width.clamp(1e-300, 1e300) }
    }
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
            voters: vec![0.0; fixed.len()],
            chosen: vec![(0.0, 0); fixed.len()],
            keys: vec![0; fixed.len()],
            window: Window::START,
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
        #[cfg(target_arch = "x86_64")]
        if simd::path() == simd::Path::Avx2 {
            // SAFETY: the path is AVX2 only on a processor that has it.
            return Some(unsafe { self.nth_avx2(votes, stances, nth, free_voting) });
        }
        Some(self.nth_by_selection(votes, stances, nth, free_voting))
    }

    /// [`Ranking::nth_by_selection`] compiled with AVX2 (four stances a
    /// step in its passes over the states; see [`simd`]).
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn nth_avx2(&mut self, votes: &[Vote], stances: &[f64], nth: usize, free_voting: usize) -> usize {
        self.nth_by_selection(votes, stances, nth, free_voting)
    }

    /// The `nth` (1-based) of the `free_voting` free voters by [`key`]:
    /// looked for first among those in the window (see the module
    /// documentation), else among all of them, by an O(V) selection
    /// (`select_nth_unstable`) on their [`descending`] keys; then, among
    /// the voters with its stance, the one its place falls on in roster order.
    #[inline(always)]
    fn nth_by_selection(&mut self, votes: &[Vote], stances: &[f64], nth: usize, free_voting: usize) -> usize {
        // Branch-free passes over contiguous arrays, which the compiler
        // vectorises: the stances of the free voters (Yes and No are the
        // votes 0 and 1), NaN for the others so that no comparison counts
        // them, then their places against the window.
        let voters = &mut self.voters[..stances.len()];
        for (((voter, &stance), &vote), &free) in voters.iter_mut().zip(stances).zip(votes).zip(&self.free) {
            *voter = if free & ((vote as u8) < 2) { stance } else { f64::NAN };
        }
        let Window { centre, half_width } = self.window;
        let (low, high) = (centre - half_width, centre + half_width);
        let (mut above, mut inside, mut below) = (0, 0, 0);
        for &y in voters.iter() {
            above += usize::from(y > high);
            inside += usize::from((y >= low) & (y <= high));
            below += usize::from(y < low);
        }
        // A stance that compares with nothing (NaN) leaves the three short
        // of the voters: then the keys, which order every stance, decide.
        let hit = above < nth && nth <= above + inside && above + inside + below == free_voting;
        // The voters to select from, roster order: those in the window, or all.
        let mut len = 0;
        let states = voters.iter().zip(stances).zip(votes.iter().zip(&self.free));
        for (i, ((&y, &stance), (&vote, &free))) in states.enumerate() {
            self.chosen[len] = (stance, i as u32);
            let take = if hit { (y >= low) & (y <= high) } else { free & ((vote as u8) < 2) };
            len += usize::from(take);
        }
        let chosen = &self.chosen[..len];
        let skipped = if hit { above } else { 0 };
        let keys = &mut self.keys[..len];
        for (key, &(stance, _)) in keys.iter_mut().zip(chosen.iter()) {
            *key = descending(stance);
        }
        let (kth, ahead) = nth_key(keys, nth - skipped - 1);
        let ahead = skipped + ahead;
        // Every voter with the k-th key is among the chosen, in roster order.
        let mut same = chosen.iter().filter(|&&(stance, _)| descending(stance) == kth);
        let (stance, state) = *same.nth(nth - ahead - 1).expect("the selected stance is some voter's");
        self.window = self.window.next(stance, hit, inside);
        state as usize
    }
}

/// The key at place `place` (0-based) of `keys` in ascending order, and
/// how many keys are smaller. A few keys (a window's) are ranked by
/// counting, branch-free; more go through `select_nth_unstable`.
#[inline(always)]
fn nth_key(keys: &mut [u64], place: usize) -> (u64, usize) {
    const COUNTED: usize = 32;
    if keys.len() <= COUNTED {
        for &key in keys.iter() {
            let smaller = keys.iter().map(|&other| usize::from(other < key)).sum::<usize>();
            let equal = keys.iter().map(|&other| usize::from(other == key)).sum::<usize>();
            if smaller <= place && place < smaller + equal {
                return (key, smaller);
            }
        }
        unreachable!("some key is at every place");
    }
    let (before, &mut key, _) = keys.select_nth_unstable(place);
    (key, before.iter().filter(|&&other| other < key).count())
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

    /// Run after run through one ranking, as a batch feeds it: stances that
    /// drift a little (the window's guess holds), then jump (it misses and
    /// widens), crowd into ties (it narrows), or are infinite. Each run's
    /// tipping point is the sort's, whatever the runs before it were.
    #[test]
    fn the_window_never_changes_the_answer() {
        let n = 193;
        let mut ranking = Ranking::with(&vec![None; n], true);
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut uniform = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let two_thirds = Rule { majority: Majority::TwoThirds, consensus: false };
        let (mut hits, mut misses) = (0, 0);
        for run in 0..3000 {
            let shift = if run % 500 < 250 { 0.0 } else { 40.0 * (run / 500) as f64 };
            let stances: Vec<f64> = (0..n)
                .map(|i| match run % 7 {
                    // Ties: stances on a coarse grid.
                    5 => (uniform() * 6.0).floor() + shift,
                    6 if i % 50 == 0 => [f64::INFINITY, f64::NEG_INFINITY][i % 2],
                    _ => (i as f64 / 20.0 - 5.0) + 0.3 * (uniform() - 0.5) + shift,
                })
                .collect();
            let votes: Vec<Vote> = (0..n)
                .map(|_| [Vote::Yes, Vote::No, Vote::Abstain, Vote::Absent][(uniform() * 3.3) as usize])
                .collect();
            let counts = crate::engine::count_votes(&votes);
            let mut sorted: Vec<usize> = (0..n).filter(|&i| matches!(votes[i], Vote::Yes | Vote::No)).collect();
            sorted.sort_by(|&a, &b| (stances[b] + 0.0).total_cmp(&(stances[a] + 0.0)).then(a.cmp(&b)));
            let rule = if run % 3 == 0 { two_thirds } else { SIMPLE };
            let k = rule.tipping_yes(counts[0] + counts[1]).unwrap() as usize;
            let before = ranking.window;
            assert_eq!(ranking.tipping(rule, &votes, &stances, counts), Some(sorted[k - 1]), "run {run}");
            let (low, high) = (before.centre - before.half_width, before.centre + before.half_width);
            let kth = stances[sorted[k - 1]];
            if (low..=high).contains(&kth) { hits += 1 } else { misses += 1 }
        }
        // Both ways of finding it were taken, many times.
        assert!(hits > 1000 && misses > 50, "{hits} hits, {misses} misses");
    }
}
