//! Paired comparison of two scenarios: the same runs (same seed, so the same
//! random stream for run r) simulated under both, counted pair by pair.
//!
//! Because run r of A and run r of B share their random numbers wherever
//! the scenarios agree (common random numbers), the difference in
//! P(adopted) has a paired interval far narrower than two independent
//! batches would give, and a state's vote can be followed from A to B in
//! the same run ("flips"). All counts are integers summed over runs, so the
//! result does not depend on threads.

use crate::aggregate::stats::wilson;
use crate::batch::{self, BatchPlan, Layout};
use crate::engine::{Engine, ProposalVotes, Workspace};
use crate::model::{Scenario, Vote};
use std::ops::Range;

/// What one worker thread keeps for the whole comparison.
struct Worker {
    /// Its share of the paired counts, one per shared proposal.
    counts: Vec<PairedProposal>,
    /// Scratch of A's engine and of B's.
    workspaces: (Workspace, Workspace),
    /// Per proposal of A, the current run's votes, whether it passed, and
    /// which kinds of vote were decisive.
    under_a: Vec<(Vec<Vote>, bool, [bool; 4])>,
}

/// Why two scenarios cannot be compared.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CompareError {
    /// The scenarios have different states (different rosters).
    #[error("the scenarios have different member states (different rosters?)")]
    States,
    /// No proposal id is in both.
    #[error("no proposal id is in both scenarios ({0})")]
    NoCommonProposal(String),
    /// The thread pool could not start.
    #[error("cannot start {0} threads")]
    Pool(usize),
}

/// Counts of one proposal over the paired runs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PairedProposal {
    /// Runs.
    pub runs: u64,
    /// Runs in which it passed under A, under B, under both.
    pub passed: [u64; 3],
    /// Per state: `[yes A, yes B, no A, no B, decisive A, decisive B, flips,
    /// present A, present B]`, a flip being a run in which the state's vote
    /// under B differs from A, decisive counting only runs with the state
    /// present (as in `states.csv`).
    pub states: Vec<[u64; 9]>,
}

impl PairedProposal {
    /// P(passed under B) - P(passed under A).
    pub fn difference(&self) -> f64 {
        (self.passed[1] as f64 - self.passed[0] as f64) / self.runs.max(1) as f64
    }

    /// The paired 95% interval of [`PairedProposal::difference`]: the
    /// normal interval of a difference of paired proportions (the runs where
    /// only A passed and only B passed carry the information).
    pub fn paired_interval(&self) -> (f64, f64) {
        let n = self.runs.max(1) as f64;
        let only_b = (self.passed[1] - self.passed[2]) as f64;
        let only_a = (self.passed[0] - self.passed[2]) as f64;
        let d = (only_b - only_a) / n;
        let variance = ((only_a + only_b) / n - d * d) / n;
        let half = 1.959_963_984_540_054 * variance.max(0.0).sqrt();
        (d - half, d + half)
    }

    /// The interval two independent batches of the same size would give:
    /// the normal interval with the two Wilson-free binomial variances added.
    pub fn unpaired_interval(&self) -> (f64, f64) {
        let n = self.runs.max(1) as f64;
        let (a, b) = (self.passed[0] as f64 / n, self.passed[1] as f64 / n);
        let half = 1.959_963_984_540_054 * ((a * (1.0 - a) + b * (1.0 - b)) / n).sqrt();
        (b - a - half, b - a + half)
    }

    /// P(passed) under A and B, with Wilson intervals.
    pub fn passed_with_intervals(&self) -> [(f64, (f64, f64)); 2] {
        let n = self.runs.max(1) as f64;
        [0, 1].map(|k| (self.passed[k] as f64 / n, wilson(self.passed[k], self.runs)))
    }

    fn merge(&mut self, other: &PairedProposal) {
        self.runs += other.runs;
        for k in 0..3 {
            self.passed[k] += other.passed[k];
        }
        for (mine, theirs) in self.states.iter_mut().zip(&other.states) {
            for k in 0..9 {
                mine[k] += theirs[k];
            }
        }
    }
}

/// The paired counts of every proposal the two scenarios share.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paired {
    /// Ids of the shared proposals, in A's order.
    pub proposals: Vec<String>,
    /// Their counts.
    pub counts: Vec<PairedProposal>,
}

/// Simulates runs `runs` of `a` and of `b` (each with its own seed; give
/// them the same seed for common random numbers) with `threads` workers.
pub fn compare(a: &Scenario, b: &Scenario, runs: Range<u64>, threads: usize) -> Result<Paired, CompareError> {
    if a.states.iter().map(|s| &s.iso3).ne(b.states.iter().map(|s| &s.iso3)) {
        return Err(CompareError::States);
    }
    let pairs: Vec<(usize, usize)> =
        (a.proposals.iter().enumerate()).filter_map(|(j, p)| b.proposal_index(&p.id).map(|k| (j, k))).collect();
    if pairs.is_empty() {
        let ids: Vec<&str> = a.proposals.iter().chain(&b.proposals).map(|p| p.id.as_str()).collect();
        return Err(CompareError::NoCommonProposal(ids.join(", ")));
    }
    let (engine_a, engine_b) = (Engine::new(a), Engine::new(b));
    let n = a.states.len();
    let empty = || PairedProposal { states: vec![[0; 9]; n], ..Default::default() };
    let pool = batch::pool(threads).map_err(|_| CompareError::Pool(threads))?;
    let plan = BatchPlan { runs: runs.clone(), threads, per_run: false, per_state: false };
    let layout = Layout::of(a, &plan);
    // One accumulator per thread for the whole comparison, added up at the end.
    let workers = batch::per_thread(threads, || Worker {
        counts: pairs.iter().map(|_| empty()).collect(),
        workspaces: (engine_a.workspace(), engine_b.workspace()),
        under_a: vec![(vec![Vote::Absent; n], false, [false; 4]); a.proposals.len()],
    });
    for wave in layout.waves(&runs) {
        batch::on_threads(&pool, &workers, layout.chunks(wave), |worker, chunk| {
            let Worker { counts, workspaces: (ws_a, ws_b), under_a } = worker;
            for run in chunk {
                engine_a.run(run, ws_a, |v: ProposalVotes<'_>| {
                    let slot = &mut under_a[v.proposal];
                    slot.0.copy_from_slice(v.votes);
                    slot.1 = v.outcome.passed();
                    slot.2 = v.decisive;
                });
                engine_b.run(run, ws_b, |v: ProposalVotes<'_>| {
                    let Some(k) = pairs.iter().position(|&(_, kb)| kb == v.proposal) else { return };
                    let (votes_a, passed_a, decisive_a) = &under_a[pairs[k].0];
                    let c = &mut counts[k];
                    let passed_b = v.outcome.passed();
                    c.runs += 1;
                    c.passed[0] += u64::from(*passed_a);
                    c.passed[1] += u64::from(passed_b);
                    c.passed[2] += u64::from(*passed_a && passed_b);
                    for (i, (&vote_a, &vote_b)) in votes_a.iter().zip(v.votes).enumerate() {
                        let s = &mut c.states[i];
                        s[0] += u64::from(vote_a == Vote::Yes);
                        s[1] += u64::from(vote_b == Vote::Yes);
                        s[2] += u64::from(vote_a == Vote::No);
                        s[3] += u64::from(vote_b == Vote::No);
                        let (present_a, present_b) = (vote_a != Vote::Absent, vote_b != Vote::Absent);
                        s[4] += u64::from(present_a && decisive_a[vote_a as usize]);
                        s[5] += u64::from(present_b && v.decisive[vote_b as usize]);
                        s[6] += u64::from(vote_a != vote_b);
                        s[7] += u64::from(present_a);
                        s[8] += u64::from(present_b);
                    }
                });
            }
        });
    }
    let mut total: Vec<PairedProposal> = pairs.iter().map(|_| empty()).collect();
    for worker in workers {
        let worker = worker.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
        for (t, p) in total.iter_mut().zip(&worker.counts) {
            t.merge(p);
        }
    }
    Ok(Paired { proposals: pairs.iter().map(|&(j, _)| a.proposals[j].id.clone()).collect(), counts: total })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scenario(extra: &str) -> Scenario {
        let text = format!(
            "[scenario]\nname = \"c\"\ndate = \"2019-12-12\"\nseed = 5\n[model]\nposition_jitter = 0.0\n\
             [[proposals]]\nid = \"t\"\nlike = \"A/RES/74/247\"\nsponsors = [\"RUS\"]\n{extra}"
        );
        crate::scenario::parse(&text, "c.toml", &[]).unwrap()
    }

    /// The same scenario twice: every run agrees, no flip, zero-width interval.
    #[test]
    fn a_scenario_against_itself_agrees_in_every_run() {
        let a = scenario("");
        let paired = compare(&a, &a, 0..700, 2).unwrap();
        let c = &paired.counts[0];
        assert_eq!(c.runs, 700);
        assert_eq!(c.passed[0], c.passed[1]);
        assert_eq!(c.passed[0], c.passed[2]);
        assert!(c.states.iter().all(|s| s[6] == 0 && s[0] == s[1] && s[4] == s[5]));
        assert_eq!(c.paired_interval(), (0.0, 0.0));
    }

    /// Forcing one state changes only that state's votes (common random
    /// numbers): every other state's votes are identical run by run, and the
    /// forced state flips exactly when it would not have voted No anyway.
    #[test]
    fn a_forced_vote_flips_only_that_state() {
        let a = scenario("");
        let b = scenario("[[force]]\nstate = \"IND\"\nproposal = \"t\"\nvote = \"no\"\n");
        let paired = compare(&a, &b, 0..1000, 1).unwrap();
        let c = &paired.counts[0];
        let ind = a.state_index("IND").unwrap();
        for (i, s) in c.states.iter().enumerate() {
            if i != ind {
                assert_eq!(s[6], 0, "{} flipped", a.states[i].iso3);
            }
        }
        assert_eq!(c.states[ind][3], 1000);
        assert_eq!(c.states[ind][6], 1000 - c.states[ind][2]);
        let threads = compare(&a, &b, 0..1000, 2).unwrap();
        assert_eq!(threads, paired, "thread count changes nothing");
    }
}
