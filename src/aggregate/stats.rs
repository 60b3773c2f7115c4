//! Statistics computed from exact counts: the only floating-point step of a
//! batch, done once at the end in a fixed order.

/// z for a two-sided 95% interval: the 0.975 quantile of N(0, 1).
pub const Z95: f64 = 1.959_963_984_540_054;

/// The quantile levels reported for every tally.
pub const QUANTILES: [(f64, &str); 5] = [(0.05, "q05"), (0.25, "q25"), (0.50, "q50"), (0.75, "q75"), (0.95, "q95")];

/// Summary of a histogram `counts[v]` = number of runs with value `offset + v`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Moments {
    /// Mean value.
    pub mean: f64,
    /// Standard deviation (population form: the histogram is the whole batch).
    pub sd: f64,
    /// Values at the levels of [`QUANTILES`] (`None` for an empty histogram).
    pub quantiles: [Option<i64>; 5],
}

/// Mean, standard deviation and quantiles of a histogram whose index `v`
/// stands for the value `v + offset`. Quantiles are the inverse of the
/// empirical CDF (type 1 of Hyndman and Fan): the smallest value whose
/// cumulative count reaches `level * total`. An empty histogram gives NaN
/// moments and no quantiles.
pub fn moments(counts: &[u64], offset: i64) -> Moments {
    let total: u64 = counts.iter().sum();
    let value = |v: usize| v as i64 + offset;
    let n = total as f64;
    let mean = counts.iter().enumerate().map(|(v, &c)| c as f64 * value(v) as f64).sum::<f64>() / n;
    let var = counts.iter().enumerate().map(|(v, &c)| c as f64 * (value(v) as f64 - mean).powi(2)).sum::<f64>() / n;
    let quantiles = QUANTILES.map(|(level, _)| {
        // Smallest v with cumulative >= level * total, in exact integer arithmetic
        // (level * total is rounded up; the levels are multiples of 0.05).
        let needed = ((level * 100.0).round() as u128 * total as u128).div_ceil(100).max(1);
        let mut cumulative = 0u128;
        counts
            .iter()
            .position(|&c| {
                cumulative += c as u128;
                cumulative >= needed
            })
            .map(value)
    });
    Moments { mean, sd: var.sqrt(), quantiles }
}

/// The 95% Wilson score interval of `successes` out of `trials`; NaN
/// (not defined, an empty field) for no trials, like the share itself.
pub fn wilson(successes: u64, trials: u64) -> (f64, f64) {
    if trials == 0 {
        return (f64::NAN, f64::NAN);
    }
    let n = trials as f64;
    let p = successes as f64 / n;
    let z2 = Z95 * Z95;
    let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = Z95 / (1.0 + z2 / n) * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moments_of_a_small_histogram() {
        // Values 1, 2, 2, 3 (offset 1): mean 2, population sd sqrt(0.5).
        let m = moments(&[1, 2, 1], 1);
        assert_eq!(m.mean, 2.0);
        assert!((m.sd - 0.5f64.sqrt()).abs() < 1e-15);
        // Type-1 quantiles of 1,2,2,3: q05 -> 1, q25 -> 1, q50 -> 2, q75 -> 2, q95 -> 3.
        assert_eq!(m.quantiles, [1, 1, 2, 2, 3].map(Some));
    }

    #[test]
    fn quantiles_with_a_negative_offset() {
        // Margin histogram over -2..=2 with all mass on -1.
        assert_eq!(moments(&[0, 5, 0, 0, 0], -2).quantiles, [Some(-1); 5]);
        assert_eq!(moments(&[0, 0, 0], 0).quantiles, [None; 5]);
        assert!(moments(&[0, 0, 0], 0).mean.is_nan());
    }

    #[test]
    fn wilson_matches_a_reference_value() {
        // 81 of 263: (0.2553, 0.3662) (Wilson 1927 as tabulated by Newcombe 1998, example 1 has 81/263).
        let (lo, hi) = wilson(81, 263);
        assert!((lo - 0.2553).abs() < 5e-5 && (hi - 0.3662).abs() < 5e-5, "{lo} {hi}");
        assert_eq!(wilson(0, 10).0, 0.0);
        assert!(wilson(0, 0).0.is_nan() && wilson(0, 0).1.is_nan());
        assert!((wilson(10, 10).1 - 1.0).abs() < 1e-12);
        assert!(wilson(0, 10).1 > 0.0 && wilson(10, 10).0 < 1.0);
    }
}
