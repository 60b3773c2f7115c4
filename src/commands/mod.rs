//! The commands behind the CLI, as library functions: they take typed
//! settings and writers, return typed results, and never parse arguments
//! or print to the terminal on their own.

mod backtest;
mod calibrate;
mod compare;
mod dry_run;
mod merge;
mod report;
mod run;
mod states;
mod sweep;

pub use backtest::{
    BACKTEST_CSV, BacktestReport, BacktestSettings, CountInterval, DEFAULT_RUNS as BACKTEST_RUNS, Method, SUMMARY_CSV,
    Skipped, StateForecast, TextBacktest, Unmatched, backtest,
};
pub use calibrate::{CalibrateSettings, ROSTER_FILES, SERIES_CSV, calibrate, parse_series};
pub use compare::{CompareReport, CompareSettings, compare};
pub use dry_run::{Estimate, Probe, Start, run_estimate, sweep_estimate};
pub use merge::{MergeReport, MergeSettings, merge};
pub use report::{ReportOutcome, ReportSettings, report};
pub use run::{GivenHeadline, Headline, Interrupted, RunReport, RunSettings, Shard, run};
pub use states::states_csv;
pub use sweep::{DesignSpec, SweepReport, SweepSettings, resolve_design, sweep};

/// Checks `--runs` (when given) against 1..=[`crate::limits::MAX_RUNS`]; the
/// error names the option.
fn check_runs_option(runs: Option<u64>) -> anyhow::Result<()> {
    match runs {
        Some(runs) => crate::limits::check_runs(runs).map(drop).map_err(|m| anyhow::anyhow!("--runs: {m}")),
        None => Ok(()),
    }
}
