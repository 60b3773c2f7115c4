//! ungasim simulates how the 193 member states of the UN General Assembly
//! vote on cyber-security and cybercrime resolutions.
//!
//! A [`model::Scenario`] (the embedded [`roster`] plus a TOML scenario file,
//! parsed and validated by [`scenario`]) is flattened into an
//! [`engine::Engine`]; [`batch`] runs it as a reproducible, parallel Monte
//! Carlo batch into exact [`aggregate`]s, and [`export`] writes the CSV
//! files, and [`report`] the HTML report of a result directory. [`commands`]
//! are the CLI's commands as library functions.
//! [`history`] reads recorded roll-call votes, for calibration.
//!
//! ```
//! use ungasim::{aggregate::Tally, batch, scenario};
//!
//! let toml = r#"
//! [scenario]
//! name = "one resolution"
//! [[proposals]]
//! id = "A/RES/73/27"
//! position = [0.9, 0.4]
//! sponsors = ["RUS"]
//! "#;
//! let scenario = scenario::parse(toml, "example.toml", &[]).unwrap();
//! let (tally, _runs) = batch::run_sequential(&scenario, 0..100);
//! let p = &tally.proposals[0];
//! assert_eq!(p.runs, 100);
//! // Russia sponsors, so it votes Yes in every run.
//! let rus = scenario.state_index("RUS").unwrap();
//! assert_eq!(p.state_votes[rus][0], 100);
//! ```

pub mod aggregate;
pub mod batch;
pub mod cli;
pub mod commands;
pub mod compare;
pub(crate) mod csvlines;
pub mod date;
pub mod engine;
pub mod exit;
pub mod export;
pub mod fit;
pub mod given;
pub mod history;
pub mod interrupt;
pub mod limits;
pub mod model;
pub mod oneline;
pub mod report;
pub mod roster;
pub mod scenario;
pub mod suggest;
pub mod sweep;
