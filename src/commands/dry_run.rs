//! What a batch or sweep would cost, from a short timed probe, without
//! writing anything: all of it for `--dry-run`, the time before a long
//! batch or sweep starts ([`Start`]).

use crate::aggregate::Shape;
use crate::batch::{self, BatchPlan, Flow, Layout};
use crate::interrupt::Interrupt;
use crate::model::Scenario;
use std::fmt;
use std::time::{Duration, Instant};

/// Runs timed to estimate the rate (fewer if the batch is smaller).
pub const PROBE_RUNS: u64 = 4096;

/// How long the quick probe before a batch runs, about.
const QUICK_PROBE: Duration = Duration::from_millis(50);

/// Bytes of a `runs.csv` row, about (run index, ids and counts).
const RUNS_ROW_BYTES: u64 = 40;

/// How a scenario is timed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Probe {
    /// `--dry-run`: an untimed warm-up, then up to [`PROBE_RUNS`] runs on
    /// every thread.
    Thorough,
    /// Before a batch: runs on one thread until about 50 ms have passed (or
    /// [`PROBE_RUNS`] runs, or the batch's), set-up aside, the rate then
    /// scaled by the threads.
    Quick,
}

/// What a batch would cost.
#[derive(Debug, Clone, PartialEq)]
pub struct Estimate {
    /// Points (1 for `run`).
    pub points: usize,
    /// Runs per point.
    pub runs: u64,
    /// Proposals and states of the (first) scenario.
    pub proposals: usize,
    /// Member states.
    pub states: usize,
    /// Worker threads.
    pub threads: usize,
    /// Runs timed.
    pub probe_runs: u64,
    /// Runs per second, from the probe.
    pub runs_per_second: f64,
    /// Estimated wall time in seconds.
    pub seconds: f64,
    /// Bytes of the result files, about.
    pub output_bytes: u64,
    /// Bytes of one exact tally; a batch holds `threads + 1` of them (one per
    /// worker thread and the total), one point of a sweep at a time.
    pub tally_bytes: u64,
    /// Bytes of per-run records a batch holds at once, about (0 without
    /// `--per-run` or `--per-state`).
    pub records_bytes: u64,
}

/// Times `scenario` with `probe` and scales the rate to `points` batches of
/// `plan` (its runs, threads and records).
pub fn estimate(scenario: &Scenario, plan: &BatchPlan, points: usize, probe: Probe) -> anyhow::Result<Estimate> {
    let runs = plan.runs.end - plan.runs.start;
    let (probe_runs, runs_per_second) = rate(scenario, runs, plan.threads, probe)?;
    let (m, n, blocs) = (scenario.proposals.len() as u64, scenario.states.len() as u64, scenario.blocs.len() as u64);
    let tally_bytes = Shape::of(scenario).tally_bytes();
    // The tables: summary (a row per proposal), distribution (up to 5 (n + 1)
    // rows per proposal), states (n), blocs, each about 60 bytes a row.
    let mut output_bytes = 60 * m * (1 + 5 * (n + 1) + n + blocs) + tally_bytes * 3;
    if plan.per_run {
        output_bytes += runs * m * RUNS_ROW_BYTES;
    }
    if plan.per_state {
        output_bytes += runs * m * (RUNS_ROW_BYTES / 2 + n);
    }
    let total = runs as f64 * points as f64;
    Ok(Estimate {
        points,
        runs,
        proposals: m as usize,
        states: n as usize,
        threads: plan.threads,
        probe_runs,
        runs_per_second,
        seconds: total / runs_per_second,
        output_bytes: output_bytes * points as u64,
        tally_bytes,
        records_bytes: Layout::of(scenario, plan).records_bytes(scenario, plan),
    })
}

/// Runs timed and runs per second of `scenario` on `threads` threads, for
/// a batch of `runs`.
fn rate(scenario: &Scenario, runs: u64, threads: usize, probe: Probe) -> anyhow::Result<(u64, f64)> {
    let simulate = |runs: u64| -> anyhow::Result<Duration> {
        let plan = BatchPlan { runs: 0..runs, threads, per_run: false, per_state: false };
        let clock = Instant::now();
        batch::run(scenario, &plan, &Interrupt::new(), &|_| {}, |_| Ok(Flow::Continue))?;
        Ok(clock.elapsed())
    };
    let per_second = |runs: u64, time: Duration| runs as f64 / time.as_secs_f64().max(1e-9);
    match probe {
        Probe::Thorough => {
            let probe = runs.clamp(1, PROBE_RUNS);
            // A short untimed warm-up first (caches, thread start), then the probe.
            simulate(probe.min(512))?;
            Ok((probe, per_second(probe, simulate(probe)?)))
        }
        Probe::Quick => {
            let (probe, time) = batch::time_runs(scenario, PROBE_RUNS.min(runs), QUICK_PROBE);
            Ok((probe, per_second(probe, time) * threads as f64))
        }
    }
}

impl Estimate {
    /// State-votes per second at the estimated rate.
    pub fn state_votes_per_second(&self) -> f64 {
        self.runs_per_second * (self.proposals * self.states) as f64
    }

    /// The line shown before a long batch or sweep: `estimated time: ~N s
    /// (M runs x P proposals x S states at ~R state-votes/s)`.
    pub fn time_line(&self) -> String {
        format!(
            "estimated time: ~{:.0} s ({} runs x {} proposals x {} states at ~{:.1}M state-votes/s)",
            self.seconds,
            self.runs * self.points as u64,
            self.proposals,
            self.states,
            self.state_votes_per_second() / 1e6
        )
    }
}

/// What a batch or sweep is about to simulate, as its `on_start` callback
/// sees it (before the first run).
#[derive(Debug, Clone, Copy)]
pub struct Start<'a> {
    /// Runs left to simulate (a sweep's: points left x runs per point).
    pub runs: u64,
    /// The scenario (a sweep's first point left).
    pub scenario: &'a Scenario,
    /// Points left (1 for a batch).
    pub points: usize,
    /// Worker threads.
    pub threads: usize,
}

impl Start<'_> {
    /// The time the batch or sweep will take, from a quick probe (about
    /// 50 ms on one thread; [`Probe::Quick`]). Writes nothing, changes nothing.
    pub fn estimate(&self) -> anyhow::Result<Estimate> {
        let runs = self.runs / self.points.max(1) as u64;
        let plan = BatchPlan { runs: 0..runs, threads: self.threads, per_run: false, per_state: false };
        estimate(self.scenario, &plan, self.points, Probe::Quick)
    }
}

/// A byte count in B, kB, MB or GB.
fn bytes(b: u64) -> String {
    let b = b as f64;
    match b {
        _ if b < 1e3 => format!("{b} B"),
        _ if b < 1e6 => format!("{:.1} kB", b / 1e3),
        _ if b < 1e9 => format!("{:.1} MB", b / 1e6),
        _ => format!("{:.1} GB", b / 1e9),
    }
}

impl fmt::Display for Estimate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "dry run: {} point(s) x {} runs of {} proposal(s) x {} states on {} thread(s)",
            self.points, self.runs, self.proposals, self.states, self.threads
        )?;
        writeln!(f, "  rate      {:.0} runs/s (timed on a probe of {} runs)", self.runs_per_second, self.probe_runs)?;
        writeln!(f, "  time      about {:.1} s", self.seconds)?;
        let tallies = (self.threads as u64 + 1) * self.tally_bytes;
        write!(
            f,
            "  memory    about {} of tallies ({} threads + 1 of {})",
            bytes(tallies),
            self.threads,
            bytes(self.tally_bytes)
        )?;
        if self.records_bytes > 0 {
            write!(f, " and at most {} of per-run records", bytes(self.records_bytes))?;
        }
        writeln!(f, ", whatever the number of runs")?;
        write!(f, "  output    about {}; nothing was written", bytes(self.output_bytes))
    }
}

/// `run --dry-run`: the estimate of the batch `settings` describe.
pub fn run_estimate(settings: &super::RunSettings) -> anyhow::Result<Estimate> {
    let batch = super::run::LoadedBatch::load(settings)?;
    let plan = BatchPlan {
        runs: 0..batch.range.end - batch.range.start,
        threads: settings.threads,
        per_run: settings.per_run,
        per_state: settings.per_state,
    };
    estimate(&batch.scenario, &plan, 1, Probe::Thorough)
}

/// `sweep --dry-run`: the estimate of the sweep `settings` describe (every
/// point checked, the first of its shard's timed, its shard's points counted).
pub fn sweep_estimate(settings: &super::SweepSettings) -> anyhow::Result<Estimate> {
    let path = &settings.plan.scenario;
    let text = crate::scenario::read_text(path)?;
    let (plan, design) = super::sweep::plan_and_design(settings, &text)?;
    let range = super::sweep::shard_points(settings.shard, design.points.len())?;
    let base = crate::sweep::Base::new(&plan, text.clone())?;
    let runs = crate::sweep::check_points(&base, &design)?;
    let first = crate::sweep::point_scenario(&base, &design, range.start)?;
    let batch = BatchPlan { runs: 0..runs, threads: plan.threads, per_run: false, per_state: false };
    estimate(&first, &batch, range.len(), Probe::Thorough)
}
