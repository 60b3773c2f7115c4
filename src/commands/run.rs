//! `ungasim run`: scenario -> batch -> result directory.

use crate::batch::{self, BatchPlan};
use crate::export::{self, Manifest, OutputDir, RunsWriter, manifest};
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

/// The default result directory of a scenario file: `results/<file stem>`.
pub fn default_out(scenario: &Path) -> PathBuf {
    let stem = scenario.file_stem().map_or_else(|| "scenario".into(), |s| s.to_string_lossy().into_owned());
    Path::new("results").join(stem)
}

/// Loads the scenario, runs the batch and writes the result directory.
/// `on_start(runs)` is called once before simulating; `progress(n)` after
/// every chunk of `n` runs (from worker threads).
pub fn run(
    settings: &RunSettings,
    on_start: impl FnOnce(u64),
    progress: &(dyn Fn(u64) + Sync),
) -> anyhow::Result<RunReport> {
    let started = SystemTime::now();
    let clock = Instant::now();
    let (mut scenario, text): (Scenario, String) = scenario::load_with_text(&settings.scenario, &settings.overrides)?;
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
    let mut runs_writer = if settings.per_run { Some(RunsWriter::create(&mut out, &scenario)?) } else { None };
    let plan = BatchPlan { runs: range.clone(), threads: settings.threads, per_run: settings.per_run };
    on_start(range.end - range.start);
    let tally = batch::run(&scenario, &plan, progress, |records| match runs_writer.as_mut() {
        Some(writer) => Ok(writer.write(records)?),
        None => Ok(()),
    })?;
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
    out.commit()?;
    Ok(RunReport { out: out_path, manifest, proposals: scenario.proposals.len(), states: scenario.states.len() })
}
