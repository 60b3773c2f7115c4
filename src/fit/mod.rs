//! Calibration: the maximum a posteriori fit of the model to recorded votes,
//! through the influence rounds (MODEL.md, "Calibration").
//!
//! [`rounds`] exposes the rounds as a linear operator and its transpose,
//! [`likelihood`] the log-posterior with its analytic gradient, [`lbfgs`]
//! the optimiser. [`forecast`] holds what `ungasim backtest` scores
//! forecasts with: presence-conditioned probabilities and the baselines.

pub mod calibrate;
pub mod forecast;
pub mod lbfgs;
pub mod likelihood;
pub mod rounds;
