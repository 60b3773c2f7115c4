//! Limited-memory BFGS for the fit: deterministic, single-threaded, plain
//! `f64` arithmetic in a fixed order, so the same input gives the same bits
//! on every run and thread count.

/// Settings of [`minimize`].
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// Pairs of past steps kept for the inverse Hessian.
    pub memory: usize,
    /// Stop when the largest gradient component is below this.
    pub gradient_tolerance: f64,
    /// Stop (not converged, unless the gradient test holds there) after
    /// [`STALLED_STEPS`] iterations in a row that lower f by less than this times max(1, |f|).
    pub value_tolerance: f64,
    /// Stop after this many iterations.
    pub max_iterations: usize,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings { memory: 12, gradient_tolerance: 1e-5, value_tolerance: 1e-15, max_iterations: 10_000 }
    }
}

/// What [`minimize`] found.
#[derive(Debug, Clone)]
pub struct Minimum {
    /// The minimiser.
    pub x: Vec<f64>,
    /// f there.
    pub value: f64,
    /// Largest gradient component there.
    pub gradient_norm: f64,
    /// Iterations taken.
    pub iterations: usize,
    /// Whether the gradient tolerance was met.
    pub converged: bool,
}

/// Consecutive steps below the value tolerance after which the search stops.
const STALLED_STEPS: usize = 5;

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn max_abs(a: &[f64]) -> f64 {
    a.iter().fold(0.0, |m, x| m.max(x.abs()))
}

/// Minimises `f` (returning value and gradient) from `start`.
pub fn minimize(f: impl Fn(&[f64]) -> (f64, Vec<f64>), start: Vec<f64>, settings: Settings) -> Minimum {
    let mut x = start;
    let (mut value, mut gradient) = f(&x);
    let mut steps: Vec<(Vec<f64>, Vec<f64>, f64)> = Vec::new();
    let mut iterations = 0;
    let mut converged = false;
    let mut stalled = 0;
    while iterations < settings.max_iterations {
        if max_abs(&gradient) < settings.gradient_tolerance {
            converged = true;
            break;
        }
        iterations += 1;
        // Two-loop recursion: direction = -H g.
        let mut q = gradient.clone();
        let mut alphas = Vec::with_capacity(steps.len());
        for (s, y, rho) in steps.iter().rev() {
            let alpha = rho * dot(s, &q);
            for (qi, yi) in q.iter_mut().zip(y) {
                *qi -= alpha * yi;
            }
            alphas.push(alpha);
        }
        let scale = match steps.last() {
            Some((s, y, _)) => dot(s, y) / dot(y, y),
            None => 1.0 / max_abs(&gradient).max(1.0),
        };
        for qi in &mut q {
            *qi *= scale;
        }
        for ((s, y, rho), alpha) in steps.iter().zip(alphas.iter().rev()) {
            let beta = rho * dot(y, &q);
            for (qi, si) in q.iter_mut().zip(s) {
                *qi += (alpha - beta) * si;
            }
        }
        let mut direction: Vec<f64> = q.iter().map(|v| -v).collect();
        let mut slope = dot(&gradient, &direction);
        if slope >= 0.0 {
            // Not a descent direction: restart from steepest descent.
            steps.clear();
            let scale = 1.0 / max_abs(&gradient).max(1.0);
            direction = gradient.iter().map(|g| -g * scale).collect();
            slope = dot(&gradient, &direction);
        }
        // Backtracking line search (Armijo).
        let mut step = 1.0;
        let mut accepted = None;
        for _ in 0..60 {
            let trial: Vec<f64> = x.iter().zip(&direction).map(|(xi, di)| xi + step * di).collect();
            let (trial_value, trial_gradient) = f(&trial);
            if trial_value.is_finite() && trial_value <= value + 1e-4 * step * slope {
                accepted = Some((trial, trial_value, trial_gradient));
                break;
            }
            step *= 0.5;
        }
        let Some((next, next_value, next_gradient)) = accepted else { break };
        let s: Vec<f64> = next.iter().zip(&x).map(|(a, b)| a - b).collect();
        let y: Vec<f64> = next_gradient.iter().zip(&gradient).map(|(a, b)| a - b).collect();
        let sy = dot(&s, &y);
        if sy > 1e-12 * dot(&y, &y).sqrt() * dot(&s, &s).sqrt() {
            if steps.len() == settings.memory {
                steps.remove(0);
            }
            steps.push((s, y, 1.0 / sy));
        }
        let decrease = value - next_value;
        x = next;
        value = next_value;
        gradient = next_gradient;
        // Stalled: several steps in a row that change f by less than rounding noise.
        stalled = if decrease < settings.value_tolerance * value.abs().max(1.0) { stalled + 1 } else { 0 };
        if stalled == STALLED_STEPS {
            break;
        }
    }
    if max_abs(&gradient) < settings.gradient_tolerance {
        converged = true;
    }
    Minimum { gradient_norm: max_abs(&gradient), x, value, iterations, converged }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The Rosenbrock function's minimum at (1, 1), from the classic start.
    #[test]
    fn finds_the_rosenbrock_minimum() {
        let rosenbrock = |x: &[f64]| {
            let (a, b) = (1.0 - x[0], x[1] - x[0] * x[0]);
            (a * a + 100.0 * b * b, vec![-2.0 * a - 400.0 * x[0] * b, 200.0 * b])
        };
        let min = minimize(rosenbrock, vec![-1.2, 1.0], Settings::default());
        assert!(min.converged, "{min:?}");
        assert!((min.x[0] - 1.0).abs() < 1e-5 && (min.x[1] - 1.0).abs() < 1e-5, "{min:?}");
    }

    /// A quadratic with a known minimiser, in 50 dimensions.
    #[test]
    fn solves_a_quadratic() {
        let n = 50;
        let f = |x: &[f64]| {
            let mut value = 0.0;
            let mut g = vec![0.0; n];
            for i in 0..n {
                let w = 1.0 + i as f64;
                let z = x[i] - (i as f64).sin();
                value += 0.5 * w * z * z;
                g[i] = w * z;
            }
            (value, g)
        };
        let min = minimize(f, vec![0.0; n], Settings { gradient_tolerance: 1e-7, ..Settings::default() });
        assert!(min.converged);
        for (i, xi) in min.x.iter().enumerate() {
            assert!((xi - (i as f64).sin()).abs() < 1e-6);
        }
    }
}
