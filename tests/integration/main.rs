//! The integration tests, in one binary (one link instead of one per file).
//!
//! Paths are relative to the package root, where `cargo test` runs them.

mod backtest;
mod cli;
mod common;
mod golden;
mod reproducibility;
mod scenario_errors;
mod statistics;
