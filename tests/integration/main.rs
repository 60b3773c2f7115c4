//! The integration tests, in one binary (one link instead of one per file).
//!
//! Paths are relative to the package root, where `cargo test` runs them.

mod analytics;
mod backtest;
mod calibration;
mod cli;
mod common;
mod compare;
mod design_errors;
mod golden;
mod limits;
mod merge;
mod properties;
mod report;
mod reproducibility;
mod results_dir;
mod resume;
mod rollcall_errors;
mod rollcalls;
mod scenario_errors;
mod statistics;
mod sweep;
