//! The influence rounds as a linear operator, for the fit.
//!
//! For fixed conformity, cohesion and ties, R Friedkin-Johnsen rounds map
//! the initial stances y0 linearly to the final ones: y(R) = M y0. The
//! engine computes M y0 in bloc space for speed; the fit also needs the
//! transpose M^T (the gradient of the likelihood in the state positions
//! flows back through the rounds), so this module applies both round by
//! round. One round is y' = K y0 + A y with K = diag(keep_i) and
//! A = diag(lambda_i / W_i) (sum_b kappa_b P_b + T), where P_b reads bloc
//! b's stance (its leader's, or its members' mean); so
//! M = A^R + sum_{t < R} A^t K and M^T g = (A^T)^R g + K sum_{t < R} (A^T)^t g.
//! Each application costs O(R (memberships + ties)).
//!
//! Rows of M sum to 1 (a constant stance stays constant), so a text's offset
//! passes through the rounds unchanged.

use crate::model::{Bloc, Tie};

/// One pull on a state: a bloc or a tied state, with its weight lambda_i w / W_i.
#[derive(Debug, Clone, Copy)]
enum Pull {
    Bloc(usize, f64),
    State(usize, f64),
}

/// The operator M of R influence rounds on one network.
#[derive(Debug, Clone)]
pub struct LinearRounds {
    rounds: u32,
    /// 1 - lambda_i, or 1 for a state without pull.
    keep: Vec<f64>,
    /// Per state, its pulls.
    pulls: Vec<Vec<Pull>>,
    /// Per bloc: the leader, or the members (whose mean is the bloc's stance).
    bloc_reads: Vec<BlocRead>,
}

#[derive(Debug, Clone)]
enum BlocRead {
    Leader(usize),
    Mean(Vec<usize>),
}

impl LinearRounds {
    /// The rounds of MODEL.md for `conformity[i]` = lambda_i, the blocs
    /// (cohesion, leader, members) and the directed ties.
    pub fn new(conformity: &[f64], blocs: &[Bloc], ties: &[Tie], rounds: u32) -> LinearRounds {
        let n = conformity.len();
        let mut raw: Vec<Vec<Pull>> = vec![Vec::new(); n];
        for (b, bloc) in blocs.iter().enumerate() {
            for &i in &bloc.members {
                raw[i].push(Pull::Bloc(b, bloc.cohesion));
            }
        }
        for tie in ties {
            raw[tie.from].push(Pull::State(tie.to, tie.weight));
        }
        let mut keep = vec![1.0; n];
        let pulls = raw
            .into_iter()
            .enumerate()
            .map(|(i, pulls)| {
                let total: f64 = pulls.iter().map(|p| weight(*p)).sum();
                if total <= 0.0 {
                    return Vec::new();
                }
                let lambda = conformity[i];
                keep[i] = 1.0 - lambda;
                pulls
                    .into_iter()
                    .map(|p| match p {
                        Pull::Bloc(b, w) => Pull::Bloc(b, lambda * w / total),
                        Pull::State(k, w) => Pull::State(k, lambda * w / total),
                    })
                    .collect()
            })
            .collect();
        let bloc_reads = blocs
            .iter()
            .map(|b| match b.leader {
                Some(leader) => BlocRead::Leader(leader),
                None => BlocRead::Mean(b.members.clone()),
            })
            .collect();
        LinearRounds { rounds, keep, pulls, bloc_reads }
    }

    /// Number of states.
    pub fn states(&self) -> usize {
        self.keep.len()
    }

    /// y(R) = M y0.
    pub fn apply(&self, y0: &[f64]) -> Vec<f64> {
        let mut y = y0.to_vec();
        let mut bloc = vec![0.0; self.bloc_reads.len()];
        for _ in 0..self.rounds {
            for (s, read) in bloc.iter_mut().zip(&self.bloc_reads) {
                *s = match read {
                    BlocRead::Leader(l) => y[*l],
                    BlocRead::Mean(members) if members.is_empty() => 0.0,
                    BlocRead::Mean(members) => members.iter().map(|&m| y[m]).sum::<f64>() / members.len() as f64,
                };
            }
            y = (0..y.len())
                .map(|i| {
                    let pulled: f64 = self.pulls[i]
                        .iter()
                        .map(|p| match *p {
                            Pull::Bloc(b, w) => w * bloc[b],
                            Pull::State(k, w) => w * y[k],
                        })
                        .sum();
                    self.keep[i] * y0[i] + pulled
                })
                .collect();
        }
        y
    }

    /// M^T g: how a change of each final stance reads back on the initial ones.
    pub fn apply_transpose(&self, g: &[f64]) -> Vec<f64> {
        let n = g.len();
        let mut out = vec![0.0; n];
        // Power t of A^T applied to g, starting at t = 0.
        let mut power = g.to_vec();
        let mut bloc = vec![0.0; self.bloc_reads.len()];
        for _ in 0..self.rounds {
            for (o, (k, p)) in out.iter_mut().zip(self.keep.iter().zip(&power)) {
                *o += k * p;
            }
            bloc.fill(0.0);
            let mut next = vec![0.0; n];
            for (i, pulls) in self.pulls.iter().enumerate() {
                for pull in pulls {
                    match *pull {
                        Pull::Bloc(b, w) => bloc[b] += w * power[i],
                        Pull::State(k, w) => next[k] += w * power[i],
                    }
                }
            }
            for (s, read) in bloc.iter().zip(&self.bloc_reads) {
                match read {
                    BlocRead::Leader(l) => next[*l] += s,
                    BlocRead::Mean(members) => {
                        let share = s / members.len().max(1) as f64;
                        for &m in members {
                            next[m] += share;
                        }
                    }
                }
            }
            power = next;
        }
        for (o, p) in out.iter_mut().zip(&power) {
            *o += p;
        }
        out
    }
}

fn weight(pull: Pull) -> f64 {
    match pull {
        Pull::Bloc(_, w) | Pull::State(_, w) => w,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Engine;

    fn scenario() -> crate::model::Scenario {
        let text = r#"
[scenario]
name = "rounds"
date = "2019-07-01"
[model]
rounds = 4
conformity = 0.7
position_jitter = 0.0
tie_weight = 0.3
capacity_weight = 0.4
[states.IND]
conformity = 0.2
[blocs.EU]
leader = "FRA"
[[ties]]
from = "BRA"
to = ["ARG", "RUS"]
weight = 0.8
[[proposals]]
id = "one"
position = [0.7, -0.3]
status_quo = [-0.2, 0.4]
salience = 1.3
capacity_building = 0.5
sponsors = ["RUS"]
[[proposals]]
id = "two"
position = [-1.0, 0.2]
"#;
        crate::scenario::parse(text, "rounds.toml", &[]).unwrap()
    }

    fn operator(sc: &crate::model::Scenario) -> LinearRounds {
        let conformity: Vec<f64> = sc.states.iter().map(|s| s.conformity(&sc.model)).collect();
        LinearRounds::new(&conformity, &sc.blocs, &sc.ties, sc.model.rounds)
    }

    /// The operator gives the engine's stances: M applied to the engine's
    /// y0 (recomputed here from the spatial formula) equals y(R).
    #[test]
    fn matches_the_engine() {
        let sc = scenario();
        let m = operator(&sc);
        let mut zero_rounds = sc.clone();
        zero_rounds.model.rounds = 0;
        let initial = Engine::new(&zero_rounds).stances();
        let finals = Engine::new(&sc).stances();
        for (y0, y) in initial.iter().zip(&finals) {
            let ours = m.apply(y0);
            for (a, b) in ours.iter().zip(y) {
                assert!((a - b).abs() < 1e-12, "{a} vs {b}");
            }
            assert!(y0.iter().zip(y).any(|(a, b)| (a - b).abs() > 1e-3), "the rounds moved nothing");
        }
    }

    /// <M u, v> = <u, M^T v> for arbitrary vectors, and M 1 = 1.
    #[test]
    fn transpose_is_the_adjoint() {
        let sc = scenario();
        let m = operator(&sc);
        let n = m.states();
        let u: Vec<f64> = (0..n).map(|i| ((i * 37 % 101) as f64 / 50.0) - 1.0).collect();
        let v: Vec<f64> = (0..n).map(|i| ((i * 53 % 97) as f64 / 40.0) - 1.2).collect();
        let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>();
        let (left, right) = (dot(&m.apply(&u), &v), dot(&u, &m.apply_transpose(&v)));
        assert!((left - right).abs() < 1e-10 * left.abs().max(1.0), "{left} vs {right}");
        for y in m.apply(&vec![1.0; n]) {
            assert!((y - 1.0).abs() < 1e-12);
        }
    }
}
