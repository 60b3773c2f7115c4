//! `ungasim run`: scenario -> batch -> result directory.
//!
//! Everything that can be refused is refused before simulating: the
//! scenario, the run range, and the result directory (locked for the whole
//! batch, empty or `--force`, writable). An interrupted batch writes
//! nothing and says so ([`Interrupted`]).

use crate::batch::{self, BatchError, BatchPlan};
use crate::export::{self, Manifest, OutputDir, RunsWriter, manifest};
use crate::interrupt::{Interrupt, signal_name};
use crate::model::{MODEL_VERSION, Scenario};
use crate::scenario;
use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime};

/// Shard `index` of `count` (1-based), from `--shard I/N`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// 1-based shard number.
    pub index: u64,
    /// Number of shards.
    pub count: u64,
}

/// Everything `run` needs, checked by the CLI.
#[derive(Debug, Clone)]
pub struct RunSettings {
    /// Scenario file.
    pub scenario: PathBuf,
    /// `--runs` (overrides `scenario.runs`).
    pub runs: Option<u64>,
    /// `--seed` (overrides `scenario.seed`).
    pub seed: Option<u64>,
    /// Worker threads.
    pub threads: usize,
    /// `--out` (default `results/<stem>`).
    pub out: Option<PathBuf>,
    /// `--set PATH=VALUE` overrides.
    pub overrides: Vec<String>,
    /// `--roster DIR`: a calibrated roster instead of the scenario's or the embedded one.
    pub roster: Option<PathBuf>,
    /// Write runs.csv.
    pub per_run: bool,
    /// Only one shard of the runs.
    pub shard: Option<Shard>,
    /// Overwrite an existing result directory.
    pub force: bool,
    /// For the manifest.
    pub command_line: Vec<String>,
}

/// What a finished batch did.
#[derive(Debug, Clone)]
pub struct RunReport {
    /// The result directory.
    pub out: PathBuf,
    /// The manifest written.
    pub manifest: Manifest,
    /// Number of proposals.
    pub proposals: usize,
    /// Number of states.
    pub states: usize,
}

impl RunReport {
    /// State-votes simulated per second: runs x proposals x states / wall time.
    pub fn state_votes_per_second(&self) -> f64 {
        let [start, end] = self.manifest.run_range;
        (end - start) as f64 * (self.proposals * self.states) as f64 / self.manifest.wall_seconds
    }
}

/// A batch stopped by a stop request (SIGINT, SIGTERM) before its results
/// were committed: it wrote nothing, and the result directory holds what it
/// held before (partial files and lock removed).
#[derive(Debug, Clone, thiserror::Error)]
#[error(
    "interrupted by {} after {done} of {runs} runs: nothing was written (partial files removed); {}. \
     Run the same command again to start over (there is no --resume yet)",
    self.signal.map_or_else(|| "a stop request".to_string(), signal_name),
    if *.kept_results { format!("the earlier results in {} are unchanged", .out.display()) }
    else { format!("{} holds no results", .out.display()) }
)]
pub struct Interrupted {
    /// The signal that stopped the batch (None: a request not by a signal).
    pub signal: Option<i32>,
    /// Runs simulated before stopping (in whole waves; none of them kept).
    pub done: u64,
    /// Runs the batch was to simulate.
    pub runs: u64,
    /// The result directory.
    pub out: PathBuf,
    /// Whether the directory holds an earlier batch's results (kept).
    pub kept_results: bool,
}

impl Interrupted {
    /// The exit status: 128 + the signal's number (130 for SIGINT, 143 for
    /// SIGTERM), 130 for a request not by a signal.
    pub fn exit_status(&self) -> u8 {
        self.signal.and_then(|s| u8::try_from(128 + s).ok()).unwrap_or(130)
    }
}

/// The default result directory of a scenario file: `results/<file stem>`.
pub fn default_out(scenario: &Path) -> PathBuf {
    let stem = scenario.file_stem().map_or_else(|| "scenario".into(), |s| s.to_string_lossy().into_owned());
    Path::new("results").join(stem)
}

/// Loads the scenario, runs the batch and writes the result directory.
/// `on_start(runs)` is called once before simulating; `progress(n)` after
/// every chunk of `n` runs (from worker threads). An `interrupt` raised
/// before the files are renamed into place stops the batch (within one
/// run) with [`Interrupted`] (downcast it from the error to tell it apart).
pub fn run(
    settings: &RunSettings,
    interrupt: &Interrupt,
    on_start: impl FnOnce(u64),
    progress: &(dyn Fn(u64) + Sync),
) -> anyhow::Result<RunReport> {
    let started = SystemTime::now();
    let clock = Instant::now();
    let (mut scenario, text): (Scenario, String) =
        scenario::load_with_text(&settings.scenario, &settings.overrides, settings.roster.as_deref())?;
    if let Some(seed) = settings.seed {
        scenario.seed = seed;
    }
    let runs = settings.runs.unwrap_or(scenario.runs);
    anyhow::ensure!(runs > 0, "--runs must be at least 1");
    let range = match settings.shard {
        Some(Shard { index, count }) => batch::shard_range(runs, index - 1, count),
        None => 0..runs,
    };
    if let Some(Shard { index, count }) = settings.shard.filter(|_| range.is_empty()) {
        anyhow::bail!(
            "--shard {index}/{count} of {runs} runs is empty: {count} shards need at least {count} runs \
             (pass more --runs or fewer shards)"
        );
    }
    let out_path = settings.out.clone().unwrap_or_else(|| default_out(&settings.scenario));
    let mut out = OutputDir::create(&out_path, settings.force)?;
    let kept_results = out.had_results();
    let interrupted = |done| Interrupted {
        signal: interrupt.signal(),
        done,
        runs: range.end - range.start,
        out: out_path.clone(),
        kept_results,
    };
    let mut runs_writer = if settings.per_run { Some(RunsWriter::create(&mut out, &scenario)?) } else { None };
    let plan = BatchPlan { runs: range.clone(), threads: settings.threads, per_run: settings.per_run };
    on_start(range.end - range.start);
    let result = batch::run(&scenario, &plan, interrupt, progress, |records| match runs_writer.as_mut() {
        Some(writer) => Ok(writer.write(records)?),
        None => Ok(()),
    });
    let tally = match result {
        Err(BatchError::Interrupted { done }) => return Err(interrupted(done).into()),
        other => other?,
    };
    if let Some(writer) = runs_writer {
        writer.finish()?;
    }
    export::write_tables(&mut out, &scenario, &tally)?;
    let manifest = Manifest {
        tool: "ungasim",
        tool_version: env!("CARGO_PKG_VERSION"),
        model_version: MODEL_VERSION,
        scenario_path: settings.scenario.display().to_string(),
        scenario_sha256: manifest::sha256_hex(text.as_bytes()),
        scenario_name: scenario.name.clone(),
        roster: scenario.roster.clone(),
        overrides: settings.overrides.clone(),
        seed: scenario.seed,
        runs,
        run_range: [range.start, range.end],
        shard: settings.shard.map(|s| [s.index, s.count]),
        per_run: settings.per_run,
        threads: settings.threads,
        started: manifest::utc_timestamp(started),
        finished: manifest::utc_timestamp(SystemTime::now()),
        wall_seconds: clock.elapsed().as_secs_f64(),
        command_line: settings.command_line.clone(),
    };
    manifest.write(&mut out)?;
    if interrupt.is_requested() {
        return Err(interrupted(range.end - range.start).into());
    }
    out.commit()?;
    Ok(RunReport { out: out_path, manifest, proposals: scenario.proposals.len(), states: scenario.states.len() })
}
