//! The fit's objective: minus the log-posterior of the roll calls, with its
//! analytic gradient.
//!
//! State i's stance on text j is the spatial stance after the influence
//! rounds, y_j = M_j (X a_j + b_j 1 + o_j), which is
//! y_ij = a_j . (M_j X)_i + b_j + (M_j o_j)_i since M_j keeps constants
//! (see [`super::rounds`]). a_j = 2 s_j (p_j - q_j) is the text's cutting
//! direction times its salience, b_j = s_j (|q_j|^2 - |p_j|^2) its offset,
//! o_j the pull of ties to the lead sponsor (beta_tie T_ik). The vote is the
//! ordered logit of the engine with noise scale 1 and band
//! tau_i = exp(theta + delta_i). Absent states and the lead sponsor (who
//! votes Yes by rule) are left out.
//!
//! Priors (all Gaussian): x_id ~ N(mu_id, 1) with mu the capacity-derived
//! development coordinate on `development` and 0 elsewhere; a_jd ~ N(0, 2^2)
//! and b_j ~ N(0, 5^2) (see [`TEXT_DIRECTION_PRIOR_SD`]); theta ~ N(ln 0.5, 1);
//! delta_i ~ N(0, 0.5^2).

use super::rounds::LinearRounds;
use crate::engine::noise::logistic_log_likelihood;

/// Prior standard deviation of each coordinate of a text's direction a_j:
/// shrinks the cutting lines, which is what makes forecasts of new texts
/// good (chosen by the leave-one-out score among 1, 1.5, 2, 3, 5 and 10).
pub const TEXT_DIRECTION_PRIOR_SD: f64 = 2.0;
/// Prior standard deviation of a text's offset b_j: weak, since the tally
/// pins it down and lopsided texts need a large one.
pub const TEXT_OFFSET_PRIOR_SD: f64 = 5.0;
/// Prior mean of theta = ln tau (tau = 0.5, the model default).
pub const LOG_BAND_PRIOR_MEAN: f64 = -std::f64::consts::LN_2;
/// Prior standard deviation of theta.
pub const LOG_BAND_PRIOR_SD: f64 = 1.0;
/// Prior standard deviation of a state's band offset delta_i (shrinkage toward the common band).
pub const BAND_OFFSET_PRIOR_SD: f64 = 0.5;

/// One text as the fit sees it.
#[derive(Debug, Clone)]
pub struct FitText {
    /// Per state: 0 Yes, 1 No, 2 Abstain, or `None` (absent, or the lead sponsor).
    pub votes: Vec<Option<u8>>,
    /// The rounds in force at the text's date.
    pub rounds: LinearRounds,
    /// M_j o_j: the sponsor-tie pull after the rounds.
    pub offset: Vec<f64>,
}

/// The posterior of one fit: the data, the priors, and the parameter layout.
#[derive(Debug, Clone)]
pub struct Posterior {
    /// The texts fitted.
    pub texts: Vec<FitText>,
    /// Dimensions of the positions (D >= 2).
    pub dims: usize,
    /// How many of them are free (K); the others stay at their prior mean.
    pub free_dims: usize,
    /// Prior mean of every state's position, state-major `[i * dims + d]`.
    pub prior_mean: Vec<f64>,
    /// Whether per-state band offsets are estimated.
    pub band_offsets: bool,
}

/// A parameter vector unpacked.
#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    /// Positions, state-major `[i * dims + d]` (fixed dimensions included).
    pub position: Vec<f64>,
    /// Per text, a_j (dims values) then b_j.
    pub text: Vec<Vec<f64>>,
    /// theta = ln tau.
    pub log_band: f64,
    /// delta_i (all 0 without band offsets).
    pub band_offset: Vec<f64>,
}

impl Params {
    /// tau_i = exp(theta + delta_i).
    pub fn band(&self, i: usize) -> f64 {
        (self.log_band + self.band_offset[i]).exp()
    }
}

impl Posterior {
    /// Number of states.
    pub fn states(&self) -> usize {
        self.prior_mean.len() / self.dims
    }

    /// Length of the parameter vector.
    pub fn len(&self) -> usize {
        let n = self.states();
        n * self.free_dims + self.texts.len() * (self.dims + 1) + 1 + if self.band_offsets { n } else { 0 }
    }

    /// Whether there is nothing to fit.
    pub fn is_empty(&self) -> bool {
        self.texts.is_empty()
    }

    /// Unpacks a parameter vector.
    pub fn unpack(&self, v: &[f64]) -> Params {
        let (n, d, k) = (self.states(), self.dims, self.free_dims);
        let mut position = self.prior_mean.clone();
        for i in 0..n {
            position[i * d..i * d + k].copy_from_slice(&v[i * k..(i + 1) * k]);
        }
        let mut at = n * k;
        let text = (0..self.texts.len())
            .map(|_| {
                let t = v[at..at + d + 1].to_vec();
                at += d + 1;
                t
            })
            .collect();
        let log_band = v[at];
        let band_offset = if self.band_offsets { v[at + 1..at + 1 + n].to_vec() } else { vec![0.0; n] };
        Params { position, text, log_band, band_offset }
    }

    /// Packs parameters into a vector (the inverse of [`Posterior::unpack`]).
    pub fn pack(&self, p: &Params) -> Vec<f64> {
        let (n, d, k) = (self.states(), self.dims, self.free_dims);
        let mut v = Vec::with_capacity(self.len());
        for i in 0..n {
            v.extend_from_slice(&p.position[i * d..i * d + k]);
        }
        for t in &p.text {
            v.extend_from_slice(t);
        }
        v.push(p.log_band);
        if self.band_offsets {
            v.extend_from_slice(&p.band_offset);
        }
        v
    }

    /// M_j X: every state's position after text j's rounds, `[d][i]`.
    pub fn smoothed_positions(&self, text: &FitText, position: &[f64]) -> Vec<Vec<f64>> {
        let (n, d) = (self.states(), self.dims);
        (0..d).map(|dim| text.rounds.apply(&(0..n).map(|i| position[i * d + dim]).collect::<Vec<_>>())).collect()
    }

    /// Final stances y_ij of every state on text `j` under `p`.
    pub fn stances(&self, j: usize, p: &Params) -> Vec<f64> {
        let text = &self.texts[j];
        let smoothed = self.smoothed_positions(text, &p.position);
        stances_from(&smoothed, &p.text[j], &text.offset)
    }

    /// Minus the log-posterior at `v` and its gradient.
    pub fn objective(&self, v: &[f64]) -> (f64, Vec<f64>) {
        let p = self.unpack(v);
        let (n, d, k) = (self.states(), self.dims, self.free_dims);
        let mut log_post = 0.0;
        let mut grad_position = vec![0.0; n * d];
        let mut grad_text = Vec::with_capacity(self.texts.len());
        let mut grad_band = vec![0.0; n];
        for (j, text) in self.texts.iter().enumerate() {
            let smoothed = self.smoothed_positions(text, &p.position);
            let stance = stances_from(&smoothed, &p.text[j], &text.offset);
            let mut g = vec![0.0; n];
            let mut gt = vec![0.0; d + 1];
            for i in 0..n {
                let Some(vote) = text.votes[i] else { continue };
                let tau = p.band(i);
                let (value, d_stance, d_tau) = logistic_log_likelihood(usize::from(vote), stance[i], tau);
                log_post += value;
                g[i] = d_stance;
                grad_band[i] += d_tau * tau;
                for (dim, s) in smoothed.iter().enumerate() {
                    gt[dim] += d_stance * s[i];
                }
                gt[d] += d_stance;
            }
            let back = text.rounds.apply_transpose(&g);
            for i in 0..n {
                for dim in 0..d {
                    grad_position[i * d + dim] += p.text[j][dim] * back[i];
                }
            }
            grad_text.push(gt);
        }
        // Priors.
        for i in 0..n {
            for dim in 0..k {
                let z = p.position[i * d + dim] - self.prior_mean[i * d + dim];
                log_post -= 0.5 * z * z;
                grad_position[i * d + dim] -= z;
            }
        }
        for (t, gt) in p.text.iter().zip(&mut grad_text) {
            for (k, (value, g)) in t.iter().zip(gt.iter_mut()).enumerate() {
                let sd = if k == d { TEXT_OFFSET_PRIOR_SD } else { TEXT_DIRECTION_PRIOR_SD };
                let text_precision = 1.0 / (sd * sd);
                log_post -= 0.5 * value * value * text_precision;
                *g -= value * text_precision;
            }
        }
        let z = (p.log_band - LOG_BAND_PRIOR_MEAN) / LOG_BAND_PRIOR_SD;
        log_post -= 0.5 * z * z;
        let mut grad_log_band: f64 = grad_band.iter().sum();
        grad_log_band -= z / LOG_BAND_PRIOR_SD;
        let mut grad_offset = grad_band;
        if self.band_offsets {
            let precision = 1.0 / (BAND_OFFSET_PRIOR_SD * BAND_OFFSET_PRIOR_SD);
            for (g, delta) in grad_offset.iter_mut().zip(&p.band_offset) {
                log_post -= 0.5 * delta * delta * precision;
                *g -= delta * precision;
            }
        }
        let grad =
            Params { position: grad_position, text: grad_text, log_band: grad_log_band, band_offset: grad_offset };
        let mut gradient = self.pack(&grad);
        for g in &mut gradient {
            *g = -*g;
        }
        (-log_post, gradient)
    }
}

/// y_i = a . (M X)_i + b + offset_i, from the smoothed positions `[d][i]`.
fn stances_from(smoothed: &[Vec<f64>], text: &[f64], offset: &[f64]) -> Vec<f64> {
    let d = smoothed.len();
    (0..offset.len())
        .map(|i| (0..d).map(|dim| text[dim] * smoothed[dim][i]).sum::<f64>() + text[d] + offset[i])
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A posterior on the real network (2019 blocs and ties, conformity 0.5,
    /// 3 rounds) with synthetic votes on three texts, band offsets on.
    fn posterior() -> Posterior {
        let roster = crate::roster::Roster::embedded();
        let n = roster.states.len();
        let (_, blocs, ties) = roster.resolve("2019-12-12".parse().unwrap());
        let rounds = LinearRounds::new(&vec![0.5; n], &blocs, &ties, 3);
        let texts = (0..3)
            .map(|j| FitText {
                votes: (0..n).map(|i| if (i + j) % 11 == 0 { None } else { Some(((i * 7 + j) % 3) as u8) }).collect(),
                offset: rounds.apply(&(0..n).map(|i| if i % 13 == j { 0.4 } else { 0.0 }).collect::<Vec<_>>()),
                rounds: rounds.clone(),
            })
            .collect();
        Posterior {
            texts,
            dims: 3,
            free_dims: 2,
            prior_mean: (0..n * 3).map(|k| if k % 3 == 1 { 0.3 - (k % 5) as f64 * 0.1 } else { 0.0 }).collect(),
            band_offsets: true,
        }
    }

    /// The analytic gradient against central finite differences, in every
    /// kind of parameter (positions, text coefficients, band, band offsets).
    #[test]
    fn gradient_matches_finite_differences() {
        let posterior = posterior();
        let len = posterior.len();
        let v: Vec<f64> = (0..len).map(|k| ((k * 37 % 101) as f64 / 101.0 - 0.5) * 1.6).collect();
        let (_, gradient) = posterior.objective(&v);
        let n = posterior.states();
        let texts_start = n * posterior.free_dims;
        let band = texts_start + 3 * (posterior.dims + 1);
        let probes = [0, 1, 2, 101, 385, texts_start, texts_start + 3, texts_start + 7, band, band + 1, band + 150];
        for &k in &probes {
            let h = 1e-6;
            let mut up = v.clone();
            up[k] += h;
            let mut down = v.clone();
            down[k] -= h;
            let numeric = (posterior.objective(&up).0 - posterior.objective(&down).0) / (2.0 * h);
            let tolerance = 1e-5 * numeric.abs().max(1.0);
            assert!(
                (numeric - gradient[k]).abs() < tolerance,
                "parameter {k}: analytic {} numeric {numeric}",
                gradient[k]
            );
        }
    }

    #[test]
    fn pack_inverts_unpack() {
        let posterior = posterior();
        let v: Vec<f64> = (0..posterior.len()).map(|k| k as f64 * 0.01).collect();
        assert_eq!(posterior.pack(&posterior.unpack(&v)), v);
    }
}
