//! The command line: clap definitions whose doc comments are the `--help`
//! text, turned into the library's typed settings in one place.

use crate::commands::{RunSettings, Shard};
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// Simulate UN General Assembly votes on cyber-security and cybercrime resolutions.
#[derive(Debug, Parser)]
#[command(name = "ungasim", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run one Monte Carlo batch of a scenario and write its result files.
    Run(RunArgs),
    /// Merge the result directories of the shards of one batch (`run --shard I/N`) or sweep
    /// (`sweep --shard I/N`) into the whole batch's or sweep's.
    Merge(MergeArgs),
    /// Validate a scenario and print what it would simulate (exit 0 only if valid).
    Check(CheckArgs),
    /// Print the embedded roster as CSV on stdout.
    States(StatesArgs),
    /// Run one batch per point of a design (grid, zip, Latin hypercube, random, or a table) and write sweep.csv.
    Sweep(SweepArgs),
    /// Simulate the same runs under two scenarios (or one and its --set variant) and compare them, paired.
    Compare(CompareArgs),
    /// Fit the roster to recorded votes (through the influence rounds) and write a roster directory.
    Calibrate(CalibrateArgs),
    /// Simulate recorded texts and score the votes against the record, beside three baselines.
    Backtest(BacktestArgs),
    /// Write the HTML report of a result directory (batch, sweep or comparison) and its charts as SVG files.
    Report(ReportArgs),
}

/// Arguments of `ungasim report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The result directory (of `run`, `merge`, `sweep` or `compare`).
    pub dir: PathBuf,
    /// The page to write (default: DIR/report.html); the SVG files go into the
    /// directory of the same name without the extension (DIR/report/).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

impl ReportArgs {
    /// The typed settings.
    pub fn settings(&self) -> crate::commands::ReportSettings {
        crate::commands::ReportSettings { dir: self.dir.clone(), out: self.out.clone() }
    }
}

/// Arguments of `ungasim backtest`.
#[derive(Debug, Args)]
pub struct BacktestArgs {
    /// Recorded votes: long format (`resolution,iso3,vote`) or the `unvotes` layout.
    pub rollcalls: PathBuf,
    /// Scenario files; each proposal whose id (or single `like`) is a recorded text is backtested.
    #[arg(required = true)]
    pub scenarios: Vec<PathBuf>,
    /// Runs per scenario.
    #[arg(long, default_value_t = crate::commands::BACKTEST_RUNS, value_parser = clap::value_parser!(u64).range(1..))]
    pub runs: u64,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,
    /// A calibrated roster directory instead of each scenario's `roster` or the embedded one.
    #[arg(long, value_name = "DIR")]
    pub roster: Option<PathBuf>,
    /// Output directory for backtest.csv and backtest_summary.csv (replaced if present).
    #[arg(long, default_value = "results/backtest")]
    pub out: PathBuf,
    /// Forecast each text out of sample: refit the roster without it and draw
    /// the text from the rest of its series.
    #[arg(long)]
    pub loo: bool,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

impl BacktestArgs {
    /// The typed settings.
    pub fn settings(&self) -> crate::commands::BacktestSettings {
        crate::commands::BacktestSettings {
            rollcalls: self.rollcalls.clone(),
            scenarios: self.scenarios.clone(),
            runs: self.runs,
            threads: threads(self.threads),
            roster: self.roster.clone(),
            out: self.out.clone(),
            loo: self.loo,
        }
    }
}

/// Arguments of `ungasim sweep`.
#[derive(Debug, Args)]
pub struct SweepArgs {
    /// The base scenario file (TOML).
    pub scenario: PathBuf,
    /// A parameter to vary, `PATH=a,b,c` or `PATH=start:stop:step` (with
    /// --samples: `PATH=low:high`), any path --set accepts (repeatable).
    /// Without --vary, --samples or --design, the scenario's `[sweep]` table.
    #[arg(long, value_name = "PATH=VALUES")]
    pub vary: Vec<String>,
    /// Pair the --vary lists point by point instead of crossing them (all of one length).
    #[arg(long, conflicts_with_all = ["samples", "design"])]
    pub zip: bool,
    /// Draw this many points in the --vary ranges (with --design lhs or random).
    #[arg(long, requires = "design")]
    pub samples: Option<usize>,
    /// `lhs` or `random` (with --samples), or a CSV table of points (header: parameter paths).
    #[arg(long, value_name = "lhs|random|FILE.csv")]
    pub design: Option<String>,
    /// Seed of the --samples design (not of the runs).
    #[arg(long, default_value_t = 0)]
    pub design_seed: u64,
    /// Give point k the seed + k instead of the same seed (no common random
    /// numbers); also on when the file's `[sweep]` says `independent_seeds = true`.
    #[arg(long)]
    pub independent_seeds: bool,
    /// Also write sweep_states.csv and sweep_blocs.csv: the states.csv and
    /// blocs.csv rows of every point.
    #[arg(long)]
    pub per_point: bool,
    /// Runs per point (default: the scenario's `runs`).
    #[arg(long)]
    pub runs: Option<u64>,
    /// Simulate only shard I of N (1-based) of the points, e.g. `--shard 2/4`;
    /// `ungasim merge` joins the shards' directories.
    #[arg(long, value_name = "I/N", value_parser = parse_shard)]
    pub shard: Option<Shard>,
    /// Master seed (default: the scenario's).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,
    /// Result directory (default: results/<scenario file stem>-sweep).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Continue an interrupted sweep from the checkpoint in its result
    /// directory (the same command otherwise); without a checkpoint, start.
    #[arg(long)]
    pub resume: bool,
    /// Override a base scenario value before each point's values (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<String>,
    /// A calibrated roster directory for every point.
    #[arg(long, value_name = "DIR")]
    pub roster: Option<PathBuf>,
    /// Overwrite an existing result directory.
    #[arg(long)]
    pub force: bool,
    /// No progress bar.
    #[arg(long, short)]
    pub quiet: bool,
    /// Print the estimated time, memory and output size (from a short timed probe) and exit; write nothing.
    #[arg(long)]
    pub dry_run: bool,
}

impl SweepArgs {
    /// The typed settings; `command_line` goes into the manifest.
    pub fn settings(&self, command_line: Vec<String>) -> Result<crate::commands::SweepSettings, String> {
        use crate::commands::DesignSpec;
        use crate::sweep::design::{Combine, Sampling};
        let from_file = self.vary.is_empty() && self.samples.is_none() && self.design.is_none() && !self.zip;
        let design = match (self.samples, self.design.as_deref()) {
            _ if from_file => None,
            (Some(samples), Some(kind)) => {
                let sampling = match kind {
                    "lhs" => Sampling::LatinHypercube,
                    "random" => Sampling::Random,
                    other => return Err(format!("--design {other}: with --samples, use lhs or random")),
                };
                Some(DesignSpec::Sampled { varies: self.vary.clone(), samples, sampling, seed: self.design_seed })
            }
            (None, Some(kind @ ("lhs" | "random"))) => return Err(format!("--design {kind} needs --samples N")),
            (None, Some(file)) => {
                if !self.vary.is_empty() {
                    return Err("--design FILE.csv and --vary cannot be combined".to_string());
                }
                Some(DesignSpec::Table(PathBuf::from(file)))
            }
            _ => Some(DesignSpec::Vary(self.vary.clone(), if self.zip { Combine::Zip } else { Combine::Grid })),
        };
        Ok(crate::commands::SweepSettings {
            plan: crate::sweep::SweepPlan {
                scenario: self.scenario.clone(),
                overrides: self.set.clone(),
                roster: self.roster.clone(),
                seed: self.seed,
                runs: self.runs,
                threads: threads(self.threads),
                independent_seeds: self.independent_seeds,
            },
            design,
            per_point: self.per_point,
            shard: self.shard,
            out: self.out.clone(),
            force: self.force,
            resume: self.resume,
            command_line,
        })
    }
}

/// Arguments of `ungasim compare`.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// Scenario A (the baseline).
    pub a: PathBuf,
    /// Scenario B (default: A changed by the --set options).
    pub b: Option<PathBuf>,
    /// Change B: `--set PATH=VALUE` (repeatable), applied to B (to A's file when B is not given).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<String>,
    /// Number of paired runs (default: A's `scenario.runs`).
    #[arg(long)]
    pub runs: Option<u64>,
    /// Master seed of both (default: A's), so run r of A and of B share their random numbers.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,
    /// A calibrated roster directory for both scenarios.
    #[arg(long, value_name = "DIR")]
    pub roster: Option<PathBuf>,
    /// Output directory (default: results/compare-<A>-vs-<B>).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Replace an existing compare.csv.
    #[arg(long)]
    pub force: bool,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

impl CompareArgs {
    /// The typed settings.
    pub fn settings(&self) -> crate::commands::CompareSettings {
        crate::commands::CompareSettings {
            a: self.a.clone(),
            b: self.b.clone(),
            overrides: self.set.clone(),
            runs: self.runs,
            seed: self.seed,
            threads: threads(self.threads),
            roster: self.roster.clone(),
            out: self.out.clone(),
            force: self.force,
        }
    }
}

/// Arguments of `ungasim calibrate`.
#[derive(Debug, Args)]
pub struct CalibrateArgs {
    /// Roll-call files: long format (`resolution,iso3,vote` with Y/N/A/X) or the
    /// `unvotes` layout (`rcid,country_code,vote` with yes/no/abstain).
    #[arg(required = true)]
    pub rollcalls: Vec<PathBuf>,
    /// Free dimensions: 1 (sovereignty; development fixed to capacity, the
    /// default, which forecasts best), 2 or 3.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u8).range(1..=3))]
    pub dims: u8,
    /// Roster directory to write.
    #[arg(long, default_value = "roster")]
    pub out: PathBuf,
    /// Series table (`id,series` columns): which texts are versions of one
    /// question (default: the embedded table of the 2018-2020 texts).
    #[arg(long)]
    pub series: Option<PathBuf>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,
    /// Replace an existing roster directory.
    #[arg(long)]
    pub force: bool,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

impl CalibrateArgs {
    /// The typed settings.
    pub fn settings(&self) -> crate::commands::CalibrateSettings {
        crate::commands::CalibrateSettings {
            rollcalls: self.rollcalls.clone(),
            series: self.series.clone(),
            out: self.out.clone(),
            force: self.force,
            fit: crate::fit::calibrate::Settings {
                dims: usize::from(self.dims),
                threads: threads(self.threads),
                ..Default::default()
            },
        }
    }
}

/// `--threads`, or all cores.
pub fn threads(threads: Option<u16>) -> usize {
    threads.map(usize::from).unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// Arguments of `ungasim run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    /// Number of runs (default: `scenario.runs`, else 10000).
    #[arg(long)]
    pub runs: Option<u64>,
    /// Master seed (default: `scenario.seed`, else 0).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,
    /// Result directory (default: results/<scenario file stem>).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Override a scenario value, e.g. `--set model.noise_scale=0.8` (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<String>,
    /// Also write runs.csv with the tallies of every run.
    #[arg(long)]
    pub per_run: bool,
    /// Also write votes.csv with every state's vote in every run.
    #[arg(long)]
    pub per_state: bool,
    /// When the results are written, also write the HTML report (DIR/report.html and DIR/report/*.svg).
    #[arg(long)]
    pub report: bool,
    /// What-if condition (repeatable, ANDed): also tally the runs in which
    /// WHO (a state's ISO3 or a bloc id) did WHAT on a proposal, into given.csv.
    /// A state: yes, no, abstain, absent, present or voting; a bloc: yes, no,
    /// abstain (every member present), united or split. E.g. `--given IND=no`.
    #[arg(long, value_name = "WHO=WHAT")]
    pub given: Vec<String>,
    /// A calibrated roster directory (from `ungasim calibrate`) instead of the
    /// scenario's `roster` or the embedded one.
    #[arg(long, value_name = "DIR")]
    pub roster: Option<PathBuf>,
    /// Simulate only shard I of N (1-based), e.g. `--shard 2/4`.
    #[arg(long, value_name = "I/N", value_parser = parse_shard)]
    pub shard: Option<Shard>,
    /// Overwrite an existing result directory.
    #[arg(long)]
    pub force: bool,
    /// Continue an interrupted batch from the checkpoint in its result
    /// directory (the same command otherwise); without a checkpoint, start.
    #[arg(long)]
    pub resume: bool,
    /// No progress bar.
    #[arg(long, short)]
    pub quiet: bool,
    /// Print the estimated time, memory and output size (from a short timed probe) and exit; write nothing.
    #[arg(long)]
    pub dry_run: bool,
}

/// Arguments of `ungasim merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The shards' result directories, in any order; together they must hold every run (or sweep point) once.
    #[arg(required = true)]
    pub dirs: Vec<PathBuf>,
    /// Result directory of the whole batch (or sweep).
    #[arg(long)]
    pub out: PathBuf,
    /// Overwrite an existing result directory.
    #[arg(long)]
    pub force: bool,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

impl MergeArgs {
    /// The typed settings; `command_line` goes into the manifest.
    pub fn settings(&self, command_line: Vec<String>) -> crate::commands::MergeSettings {
        crate::commands::MergeSettings {
            dirs: self.dirs.clone(),
            out: self.out.clone(),
            force: self.force,
            command_line,
        }
    }
}

/// Arguments of `ungasim check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    /// Print the fully resolved scenario as JSON on stdout.
    #[arg(long)]
    pub resolved: bool,
    /// Override a scenario value before checking (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<String>,
    /// A calibrated roster directory instead of the scenario's or the embedded one.
    #[arg(long, value_name = "DIR")]
    pub roster: Option<PathBuf>,
}

/// Arguments of `ungasim states`.
#[derive(Debug, Args)]
pub struct StatesArgs {
    /// Bloc membership in force on this date, YYYY-MM-DD (default: the roster's latest).
    #[arg(long)]
    pub date: Option<String>,
    /// Only the members of this bloc (e.g. EU, NATO, AFRICAN).
    #[arg(long)]
    pub bloc: Option<String>,
    /// A calibrated roster directory instead of the embedded one.
    #[arg(long, value_name = "DIR")]
    pub roster: Option<PathBuf>,
}

impl RunArgs {
    /// The typed settings of this run; `command_line` goes into the manifest.
    pub fn settings(self, command_line: Vec<String>) -> RunSettings {
        let threads = threads(self.threads);
        RunSettings {
            scenario: self.scenario,
            runs: self.runs,
            seed: self.seed,
            threads,
            out: self.out,
            overrides: self.set,
            given: self.given,
            roster: self.roster,
            per_run: self.per_run,
            per_state: self.per_state,
            report: self.report,
            shard: self.shard,
            force: self.force,
            resume: self.resume,
            command_line,
        }
    }
}

fn parse_shard(text: &str) -> Result<Shard, String> {
    let bad = || format!("`{text}` is not I/N with 1 <= I <= N, e.g. 2/4");
    let (index, count) = text.split_once('/').ok_or_else(bad)?;
    let (index, count): (u64, u64) = (index.parse().map_err(|_| bad())?, count.parse().map_err(|_| bad())?);
    if index == 0 || index > count {
        return Err(bad());
    }
    Ok(Shard { index, count })
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn shards_parse_strictly() {
        assert_eq!(parse_shard("2/4"), Ok(Shard { index: 2, count: 4 }));
        for bad in ["0/4", "5/4", "2", "a/b", "2/0"] {
            assert!(parse_shard(bad).is_err(), "{bad}");
        }
    }
}
