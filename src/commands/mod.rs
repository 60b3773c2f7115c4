//! The commands behind the CLI, as library functions: they take typed
//! settings and writers, return typed results, and never parse arguments
//! or print to the terminal on their own.

mod calibrate;
mod run;
mod states;

pub use calibrate::{CalibrateSettings, ROSTER_FILES, SERIES_CSV, calibrate, parse_series};
pub use run::{Interrupted, RunReport, RunSettings, Shard, run};
pub use states::states_csv;
