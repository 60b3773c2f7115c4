//! Forecasts of recorded votes as `ungasim backtest` scores them: simulated
//! probabilities conditioned on presence, and three reference baselines.
//!
//! Every forecast is scored on the states present in the record (Yes, No or
//! Abstain) with [`super::calibrate::Score`], so each needs per-state
//! `[yes, no, abstain]` probabilities. A simulation gives P(yes, no,
//! abstain, absent); [`present_probabilities`] conditions it on presence.
//! The baselines ([`Baseline`]) predict one vote per state from the other
//! recorded votes; [`baseline_probabilities`] turns that vote into
//! probabilities.

use crate::history::RollCalls;
use crate::model::Vote;
use std::collections::BTreeMap;

/// The smallest probability a scored forecast gives any vote (so one
/// confident miss costs at most -ln(1e-6) = 13.8 nats of log loss).
pub const PROBABILITY_FLOOR: f64 = 1e-6;

/// The vote as the scores number it (Yes 0, No 1, Abstain 2), `None` for Absent.
pub fn present(vote: Vote) -> Option<u8> {
    match vote {
        Vote::Absent => None,
        vote => Some(vote as u8),
    }
}

/// `p` floored at [`PROBABILITY_FLOOR`] and renormalised to sum 1.
pub fn floored(p: [f64; 3]) -> [f64; 3] {
    let p = p.map(|x| x.max(PROBABILITY_FLOOR));
    let sum: f64 = p.iter().sum();
    p.map(|x| x / sum)
}

/// Simulated `[yes, no, abstain, absent]` probabilities conditioned on
/// presence (divided by 1 - P(absent)), then [`floored`]. A state never
/// present in the simulation gets 1/3 each.
pub fn present_probabilities(p: [f64; 4]) -> [f64; 3] {
    let presence = p[0] + p[1] + p[2];
    if presence <= 0.0 {
        return [1.0 / 3.0; 3];
    }
    floored([p[0] / presence, p[1] / presence, p[2] / presence])
}

/// The most probable vote (Yes 0, No 1, Abstain 2; the first of equals), as
/// [`super::calibrate::Score`] counts a forecast right.
pub fn modal(p: &[f64; 3]) -> u8 {
    (0..3).fold(0, |best, c| if p[c] > p[best] { c } else { best }) as u8
}

/// A reference forecast built from the record alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Baseline {
    /// The state's vote on the latest earlier text of the same series on
    /// which it was present; for the first text of a series (or a state
    /// absent from every earlier one), on the nearest later such text.
    Previous,
    /// The state's most frequent vote over the other texts of the series on
    /// which it was present (ties: Yes before No before Abstain).
    Frequent,
    /// The most common vote of the other present members of the state's UN
    /// regional group on the same text (ties: Yes before No before Abstain).
    Group,
}

impl Baseline {
    /// Every baseline, in report order.
    pub const ALL: [Baseline; 3] = [Baseline::Previous, Baseline::Frequent, Baseline::Group];

    /// Lower-case name, as in `backtest_summary.csv`.
    pub fn name(self) -> &'static str {
        match self {
            Baseline::Previous => "previous",
            Baseline::Frequent => "frequent",
            Baseline::Group => "group",
        }
    }
}

/// The recorded votes as the baselines see them: each text's series and
/// each state's regional group.
#[derive(Debug, Clone)]
pub struct Baselines<'a> {
    calls: &'a RollCalls,
    /// Per text: the other texts of its series in order (date, then file
    /// order; undated texts before dated ones). A text without a series is
    /// a series of its own.
    siblings: Vec<Vec<usize>>,
    /// Per text, its place in that order.
    rank: Vec<usize>,
    /// Per state: its UN regional group.
    groups: Vec<String>,
}

impl<'a> Baselines<'a> {
    /// `series` maps text ids to series names; `groups[i]` is the regional
    /// group of state `i` (the roll calls' state order).
    pub fn new(calls: &'a RollCalls, series: &BTreeMap<String, String>, groups: Vec<String>) -> Baselines<'a> {
        let mut order: Vec<usize> = (0..calls.texts.len()).collect();
        order.sort_by_key(|&j| (calls.texts[j].date, j));
        let mut rank = vec![0; order.len()];
        for (r, &j) in order.iter().enumerate() {
            rank[j] = r;
        }
        let name = |j: usize| series.get(&calls.texts[j].id);
        let siblings = (0..calls.texts.len())
            .map(|j| {
                let Some(own) = name(j) else { return Vec::new() };
                order.iter().copied().filter(|&k| k != j && name(k) == Some(own)).collect()
            })
            .collect();
        Baselines { calls, siblings, rank, groups }
    }

    /// The other texts of text `text`'s series, in order.
    pub fn siblings(&self, text: usize) -> &[usize] {
        &self.siblings[text]
    }

    /// What `baseline` predicts state `state` votes on text `text`; `None`
    /// when the texts it would use hold no present vote of the state (or
    /// of its group).
    pub fn predict(&self, baseline: Baseline, text: usize, state: usize) -> Option<u8> {
        let vote = |k: usize| present(self.calls.votes[k][state]);
        let siblings = &self.siblings[text];
        match baseline {
            Baseline::Previous => {
                let (earlier, later): (Vec<usize>, Vec<usize>) =
                    siblings.iter().partition(|&&k| self.rank[k] < self.rank[text]);
                earlier.iter().rev().chain(&later).find_map(|&k| vote(k))
            }
            Baseline::Frequent => most_common(siblings.iter().filter_map(|&k| vote(k))),
            Baseline::Group => {
                let group = &self.groups[state];
                let votes = &self.calls.votes[text];
                most_common(
                    (0..votes.len())
                        .filter(|&i| i != state && &self.groups[i] == group)
                        .filter_map(|i| present(votes[i])),
                )
            }
        }
    }

    /// [`Baselines::predict`] for every state of text `text`.
    pub fn predictions(&self, baseline: Baseline, text: usize) -> Vec<Option<u8>> {
        (0..self.calls.votes[text].len()).map(|i| self.predict(baseline, text, i)).collect()
    }
}

/// The most common of `votes` (ties: the lowest number, Yes before No
/// before Abstain); `None` for no votes.
fn most_common(votes: impl Iterator<Item = u8>) -> Option<u8> {
    let mut counts = [0usize; 3];
    let mut any = false;
    for v in votes {
        counts[usize::from(v)] += 1;
        any = true;
    }
    any.then(|| (0..3).fold(0, |best, c| if counts[c] > counts[best] { c } else { best }) as u8)
}

/// Share of Yes, No and Abstain among the present votes of `votes` (1/3
/// each if nobody was present).
pub fn recorded_shares(votes: &[Vote]) -> [f64; 3] {
    let mut counts = [0.0; 3];
    for v in votes.iter().filter_map(|&v| present(v)) {
        counts[usize::from(v)] += 1.0;
    }
    let total: f64 = counts.iter().sum();
    if total == 0.0 { [1.0 / 3.0; 3] } else { counts.map(|c| c / total) }
}

/// A baseline's hit rate: the share of `(predicted, recorded)` pairs with a
/// prediction that are right; `None` if none has a prediction.
///
/// Giving the predicted vote this probability (and splitting the rest
/// evenly) is the constant confidence with the lowest log loss on exactly
/// these votes, chosen after seeing them: it flatters the baseline.
pub fn hit_rate(pairs: impl IntoIterator<Item = (Option<u8>, u8)>) -> Option<f64> {
    let (mut hits, mut predicted) = (0usize, 0usize);
    for (prediction, recorded) in pairs {
        if let Some(p) = prediction {
            predicted += 1;
            hits += usize::from(p == recorded);
        }
    }
    (predicted > 0).then(|| hits as f64 / predicted as f64)
}

/// A baseline's probabilities for one state: `hit_rate` on the predicted
/// vote and the rest split evenly between the other two; without a
/// prediction, the text's recorded `shares` (which the baseline could not
/// know beforehand, again in its favour). [`floored`] either way.
pub fn baseline_probabilities(prediction: Option<u8>, hit_rate: f64, shares: [f64; 3]) -> [f64; 3] {
    match prediction {
        Some(v) => {
            let mut p = [(1.0 - hit_rate) / 2.0; 3];
            p[usize::from(v)] = hit_rate;
            floored(p)
        }
        None => floored(shares),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::date::Date;
    use crate::history::RecordedText;
    use Vote::{Absent as X, Abstain as A, No as N, Yes as Y};

    /// Three texts of one series (the second dated first) and one text of
    /// its own; five states in two groups.
    fn calls() -> RollCalls {
        let text = |id: &str, date: &str| RecordedText {
            id: id.to_string(),
            date: Some(date.parse::<Date>().unwrap()),
            sponsor: None,
            origin: String::new(),
        };
        RollCalls {
            texts: vec![
                text("T2", "2019-12-01"),
                text("T1", "2018-12-01"),
                text("T3", "2020-12-01"),
                text("U", "2020-01-01"),
            ],
            votes: vec![
                // states:  0  1  2  3  4
                vec![Y, N, X, A, Y], // T2
                vec![Y, A, X, A, N], // T1
                vec![N, N, X, X, Y], // T3
                vec![Y, Y, Y, N, A], // U
            ],
            skipped_rows: 0,
        }
    }

    fn baselines(calls: &RollCalls) -> Baselines<'_> {
        let series: BTreeMap<String, String> =
            ["T1", "T2", "T3"].iter().map(|id| (id.to_string(), "s".to_string())).collect();
        let groups = ["G", "G", "G", "H", "H"].map(String::from).to_vec();
        Baselines::new(calls, &series, groups)
    }

    #[test]
    fn siblings_are_in_date_order() {
        let calls = calls();
        let b = baselines(&calls);
        assert_eq!(b.siblings(0), &[1, 2]);
        assert_eq!(b.siblings(1), &[0, 2]);
        assert_eq!(b.siblings(2), &[1, 0]);
        assert!(b.siblings(3).is_empty());
    }

    #[test]
    fn previous_takes_the_latest_earlier_present_vote_else_the_nearest_later() {
        let calls = calls();
        let b = baselines(&calls);
        let p = |text| b.predictions(Baseline::Previous, text);
        // T2 (second): T1's votes.
        assert_eq!(p(0), vec![Some(0), Some(2), None, Some(2), Some(1)]);
        // T1 (first): the nearest later text, T2.
        assert_eq!(p(1), vec![Some(0), Some(1), None, Some(2), Some(0)]);
        // T3 (last): T2; state 3 present on T2.
        assert_eq!(p(2), vec![Some(0), Some(1), None, Some(2), Some(0)]);
        // U has no series.
        assert_eq!(p(3), vec![None; 5]);
    }

    #[test]
    fn previous_skips_an_absence() {
        let mut calls = calls();
        calls.votes[0][3] = X; // state 3 absent on T2 too: T3 looks back past it to T1.
        let b = baselines(&calls);
        assert_eq!(b.predict(Baseline::Previous, 2, 3), Some(2));
        // T1 looks forward past T2 (absent) to T3 (absent): nothing.
        calls.votes[1][3] = X;
        let b = baselines(&calls);
        assert_eq!(b.predict(Baseline::Previous, 1, 3), None);
    }

    #[test]
    fn frequent_breaks_ties_yes_no_abstain() {
        let calls = calls();
        let b = baselines(&calls);
        // T3: others T1, T2. State 0: Y, Y -> Y. State 1: A, N tie -> N.
        // State 3: A, A -> A. State 4: N, Y tie -> Y.
        assert_eq!(b.predictions(Baseline::Frequent, 2), vec![Some(0), Some(1), None, Some(2), Some(0)]);
        // T1: others T2, T3. State 0: Y, N -> Y. State 1: N, N -> N. State 3: A (T3 absent). State 4: Y, Y.
        assert_eq!(b.predictions(Baseline::Frequent, 1), vec![Some(0), Some(1), None, Some(2), Some(0)]);
    }

    #[test]
    fn group_is_the_other_present_members_majority() {
        let calls = calls();
        let b = baselines(&calls);
        // T2: group G = {0: Y, 1: N, 2: absent}, group H = {3: A, 4: Y}.
        // State 0 sees {N} -> N; state 1 sees {Y} -> Y; state 2 sees {Y, N} tie -> Y.
        // State 3 sees {Y}; state 4 sees {A}.
        assert_eq!(b.predictions(Baseline::Group, 0), vec![Some(1), Some(0), Some(0), Some(0), Some(2)]);
        // T3: state 3 sees {4: Y}; state 4 sees state 3, absent: none.
        assert_eq!(b.predictions(Baseline::Group, 2)[4], None);
    }

    #[test]
    fn hit_rate_probabilities() {
        let calls = calls();
        let b = baselines(&calls);
        // Previous on T3 against the record N, N, -, -, Y (states 2 and 3 absent):
        // predicted Y, N, -, A, Y -> scored on 0, 1, 4: 2 hits of 3.
        let predictions = b.predictions(Baseline::Previous, 2);
        let pairs = predictions.iter().zip(&calls.votes[2]).filter_map(|(&p, &v)| present(v).map(|v| (p, v)));
        let h = hit_rate(pairs).unwrap();
        assert!((h - 2.0 / 3.0).abs() < 1e-15);
        let p = baseline_probabilities(Some(1), h, [0.0; 3]);
        assert!(
            (p[1] - 2.0 / 3.0).abs() < 1e-12 && (p[0] - 1.0 / 6.0).abs() < 1e-12 && (p[2] - 1.0 / 6.0).abs() < 1e-12
        );
        // No prediction: the recorded shares of T3 (N, N, Y of 3 present), floored.
        let shares = recorded_shares(&calls.votes[2]);
        let p = baseline_probabilities(None, h, shares);
        assert!((p[0] - 1.0 / 3.0).abs() < 1e-5 && (p[1] - 2.0 / 3.0).abs() < 1e-5 && p[2] > 0.0);
        // A perfect baseline keeps the floor on the other votes.
        let p = baseline_probabilities(Some(0), 1.0, shares);
        assert!((p[1] - PROBABILITY_FLOOR).abs() < 1e-9 && p[0] < 1.0);
        assert_eq!(hit_rate([(None, 0)]), None);
    }

    #[test]
    fn simulated_probabilities_are_conditioned_on_presence() {
        let p = present_probabilities([0.4, 0.1, 0.0, 0.5]);
        assert!((p[0] - 0.8).abs() < 1e-5 && (p[1] - 0.2).abs() < 1e-5);
        assert!((p[2] - PROBABILITY_FLOOR / (1.0 + PROBABILITY_FLOOR)).abs() < 1e-12);
        assert_eq!(present_probabilities([0.0, 0.0, 0.0, 1.0]), [1.0 / 3.0; 3]);
        assert_eq!(modal(&[0.2, 0.4, 0.4]), 1);
    }
}
