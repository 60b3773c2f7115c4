//! Vote probabilities of the ordered-response vote rule.
//!
//! A present state with stance y votes Yes if y + eps > tau, No if
//! y + eps < -tau, and abstains otherwise. The engine draws the vote by
//! inversion: one uniform per state and proposal, compared with the
//! cumulative probabilities computed here, which is the same distribution
//! as drawing eps and comparing.

use super::Inputs;
use crate::model::Noise;

/// The CDF of the standardised noise at `x`.
pub fn cdf(noise: Noise, x: f64) -> f64 {
    match noise {
        Noise::Logistic => 1.0 / (1.0 + exp(-x)),
        Noise::Normal => 0.5 * libm::erfc(-x / std::f64::consts::SQRT_2),
    }
}

/// `[P(No), P(No or Abstain)]` of a present state with stance `stance`,
/// band `tau` and noise scale `sigma` (> 0).
pub fn cumulative(noise: Noise, stance: f64, tau: f64, sigma: f64) -> [f64; 2] {
    [cdf(noise, (-tau - stance) / sigma), cdf(noise, (tau - stance) / sigma)]
}

/// [`cumulative`] for logistic noise with one exponential instead of two:
/// with `e = exp((tau + y) / sigma)` and `band_factor = exp(-2 tau / sigma)`
/// (computed once per run by [`band_factors`]), P(No) = 1 / (1 + e) and
/// P(No or Abstain) = 1 / (1 + e * band_factor). Exact only where
/// [`unsaturated`] holds.
#[inline]
pub fn logistic_from_exp(e: f64, band_factor: f64) -> [f64; 2] {
    // One division for both: 1/(1+a) = (1+b) / ((1+a)(1+b)), and vice versa.
    let (no_denominator, not_yes_denominator) = (1.0 + e, 1.0 + e * band_factor);
    let inverse = 1.0 / (no_denominator * not_yes_denominator);
    [not_yes_denominator * inverse, no_denominator * inverse]
}

/// Whether [`logistic_from_exp`] is exact to rounding for these factors:
/// neither has saturated in [`exp`] and their product cannot overflow.
#[inline]
pub fn unsaturated(e: f64, band_factor: f64) -> bool {
    e < 1e150 && band_factor > 1e-150
}

/// `exp(-2 tau_i / sigma)` for every state, into `out`.
pub fn band_factors(inputs: &Inputs, out: &mut Vec<f64>) {
    out.clear();
    out.extend(inputs.abstain_band.iter().map(|tau| exp(-2.0 * tau / inputs.noise_scale)));
}

/// e^x for probabilities, computed the same way on every platform (the
/// system `exp` differs between C libraries in the last bit), branch-free
/// and with a short dependency chain so that a loop of them runs at
/// throughput: x = k ln 2 + r with |r| <= ln 2 / 2, e^r by its Taylor series
/// to degree 13 in Estrin's scheme, times 2^k. Relative error below 2e-15 on
/// [-708, 709]; outside, the argument saturates at those bounds (e^-708 is
/// 3e-308, e^709 is 8e307), which is all a probability needs.
#[inline]
pub fn exp(x: f64) -> f64 {
    const LN2_HI: f64 = 0.693_147_180_369_123_8; // ln 2 rounded to 32 significant bits
    const LN2_LO: f64 = 1.908_214_929_270_587_7e-10; // ln 2 - LN2_HI
    // Adding 1.5 * 2^52 rounds to an integer k and leaves k in the low bits of
    // the sum: plain arithmetic and integer ops, so loops of exp vectorise.
    const ROUNDER: f64 = 6_755_399_441_055_744.0;
    let x = x.clamp(-708.0, 709.0);
    let shifted = x * std::f64::consts::LOG2_E + ROUNDER;
    let k = shifted - ROUNDER;
    let r = (x - k * LN2_HI) - k * LN2_LO;
    let c = &INVERSE_FACTORIALS;
    let r2 = r * r;
    let r4 = r2 * r2;
    let r8 = r4 * r4;
    let p0_3 = (c[0] + c[1] * r) + (c[2] + c[3] * r) * r2;
    let p4_7 = (c[4] + c[5] * r) + (c[6] + c[7] * r) * r2;
    let p8_11 = (c[8] + c[9] * r) + (c[10] + c[11] * r) * r2;
    let p12_13 = c[12] + c[13] * r;
    let p = (p0_3 + p4_7 * r4) + (p8_11 + p12_13 * r4) * r8;
    // 2^k with k in [-1022, 1023]: k + 1023 in the exponent field.
    let k_bits = shifted.to_bits().wrapping_sub(ROUNDER.to_bits());
    p * f64::from_bits(k_bits.wrapping_add(1023) << 52)
}

/// 1 / n! for n = 0..=13.
const INVERSE_FACTORIALS: [f64; 14] = [
    1.0,
    1.0,
    1.0 / 2.0,
    1.0 / 6.0,
    1.0 / 24.0,
    1.0 / 120.0,
    1.0 / 720.0,
    1.0 / 5_040.0,
    1.0 / 40_320.0,
    1.0 / 362_880.0,
    1.0 / 3_628_800.0,
    1.0 / 39_916_800.0,
    1.0 / 479_001_600.0,
    1.0 / 6_227_020_800.0,
];

/// `[P(Yes), P(No), P(Abstain)]` of a present state.
pub fn vote_probabilities(noise: Noise, stance: f64, tau: f64, sigma: f64) -> [f64; 3] {
    let [no, not_yes] = cumulative(noise, stance, tau, sigma);
    [1.0 - not_yes, no, not_yes - no]
}

/// Log-likelihood of a recorded vote of a present state under logistic noise
/// of scale 1, with its derivatives: `(log P(vote), d/d stance, d/d tau)`.
/// The ordered logit of [`vote_probabilities`], written in log form so that
/// it stays finite far in the tails (the fit's objective). `vote` is 0 for
/// Yes, 1 for No, 2 for Abstain; `tau` must be > 0.
pub fn logistic_log_likelihood(vote: usize, stance: f64, tau: f64) -> (f64, f64, f64) {
    // log sigma(z) = -ln(1 + e^-z), and d/dz log sigma(z) = sigma(-z).
    let log_sigma = |z: f64| if z > 0.0 { -(-z).exp().ln_1p() } else { z - z.exp().ln_1p() };
    let sigma = |z: f64| 1.0 / (1.0 + (-z).exp());
    match vote {
        0 => {
            let z = stance - tau;
            let d = sigma(-z);
            (log_sigma(z), d, -d)
        }
        1 => {
            let z = -tau - stance;
            let d = sigma(-z);
            (log_sigma(z), -d, -d)
        }
        _ => {
            // P(Abstain) = sigma(u) - sigma(v), u = tau - y, v = -tau - y,
            // = sigma(u) sigma(-v) (1 - e^(-2 tau)).
            let (u, v) = (tau - stance, -tau - stance);
            let log_band = (-(-2.0 * tau).exp()).ln_1p();
            let value = log_sigma(u) + log_sigma(-v) + log_band;
            let d_stance = sigma(v) - sigma(-u);
            let d_tau = sigma(-u) + sigma(v) + 2.0 / (2.0 * tau).exp_m1();
            (value, d_stance, d_tau)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cdfs_match_known_values() {
        assert!((cdf(Noise::Logistic, 0.0) - 0.5).abs() < 1e-15);
        assert!((cdf(Noise::Logistic, 2.0) - 0.880_797_077_977_882_3).abs() < 1e-15);
        assert!((cdf(Noise::Normal, 1.959_963_984_540_054) - 0.975).abs() < 1e-12);
        assert!((cdf(Noise::Normal, -1.0) - 0.158_655_253_931_457_05).abs() < 1e-12);
        assert!(cdf(Noise::Logistic, -800.0) < 1e-300);
        assert_eq!(cdf(Noise::Logistic, 800.0), 1.0);
    }

    #[test]
    fn exp_matches_the_system_exp() {
        let mut x = -708.0;
        while x < 709.0 {
            let (ours, system) = (exp(x), x.exp());
            assert!(((ours - system) / system).abs() < 2e-15, "exp({x}) = {ours}, system {system}");
            x += 0.0137;
        }
        assert_eq!(exp(0.0), 1.0);
        assert_eq!(exp(-1000.0), exp(-708.0));
        assert!(exp(1000.0).is_finite() && exp(1000.0) > 8e307);
    }

    #[test]
    fn one_exponential_gives_the_same_probabilities() {
        for (stance, tau, sigma) in [
            (0.3, 0.5, 1.0),
            (-2.0, 0.1, 0.7),
            (40.0, 2.0, 0.5),
            (-40.0, 0.0, 2.0),
            (1e6, 400.0, 1.0),
            (-1e6, 400.0, 1.0),
            (300.0, 400.0, 1.0),
        ] {
            let (e, factor) = (exp((tau + stance) / sigma), exp(-2.0 * tau / sigma));
            let slow = cumulative(Noise::Logistic, stance, tau, sigma);
            if !unsaturated(e, factor) {
                assert!(stance.abs() > 100.0 || tau > 100.0, "{stance} {tau} saturated");
                continue;
            }
            let fast = logistic_from_exp(e, factor);
            for (a, b) in fast.iter().zip(slow) {
                assert!((a - b).abs() < 1e-14, "{stance} {tau} {sigma}: {fast:?} vs {slow:?}");
            }
        }
    }

    #[test]
    fn probabilities_sum_to_one_and_are_symmetric() {
        for noise in [Noise::Logistic, Noise::Normal] {
            let [yes, no, abstain] = vote_probabilities(noise, 0.3, 0.5, 1.2);
            assert!((yes + no + abstain - 1.0).abs() < 1e-12);
            let [yes2, no2, _] = vote_probabilities(noise, -0.3, 0.5, 1.2);
            assert!((yes - no2).abs() < 1e-12 && (no - yes2).abs() < 1e-12);
            assert!(abstain > 0.0);
        }
    }

    #[test]
    fn log_likelihood_matches_probabilities_and_derivatives() {
        for (stance, tau) in [(0.3, 0.5), (-2.0, 0.1), (4.0, 1.5), (-30.0, 0.7), (0.0, 2.0)] {
            let p = vote_probabilities(Noise::Logistic, stance, tau, 1.0);
            for (vote, &probability) in p.iter().enumerate() {
                let (value, d_stance, d_tau) = logistic_log_likelihood(vote, stance, tau);
                // The probabilities lose relative precision in the far tail; the log form does not.
                assert!((value.exp() - probability).abs() < 1e-12, "{vote} {stance} {tau}");
                if probability > 1e-8 {
                    assert!((value - probability.ln()).abs() < 1e-9 * value.abs().max(1.0), "{vote} {stance} {tau}");
                }
                let h = 1e-6;
                let at = |y: f64, t: f64| logistic_log_likelihood(vote, y, t).0;
                let numeric_stance = (at(stance + h, tau) - at(stance - h, tau)) / (2.0 * h);
                let numeric_tau = (at(stance, tau + h) - at(stance, tau - h)) / (2.0 * h);
                assert!((numeric_stance - d_stance).abs() < 1e-6, "{vote} {stance} {tau}: {numeric_stance} {d_stance}");
                assert!((numeric_tau - d_tau).abs() < 1e-6, "{vote} {stance} {tau}: {numeric_tau} {d_tau}");
            }
        }
    }
}
