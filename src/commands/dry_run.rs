//! `--dry-run`: what a batch or sweep would cost, from a short timed probe,
//! without writing anything.

use crate::batch::{self, BatchPlan, Flow};
use crate::interrupt::Interrupt;
use crate::model::Scenario;
use std::fmt;
use std::time::Instant;

/// Runs timed to estimate the rate (fewer if the batch is smaller).
pub const PROBE_RUNS: u64 = 4096;

/// Bytes of a `runs.csv` row, about (run index, ids and counts).
const RUNS_ROW_BYTES: u64 = 40;

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
    /// Runs per second measured on the probe.
    pub runs_per_second: f64,
    /// Estimated wall time in seconds.
    pub seconds: f64,
    /// Bytes of the result files, about.
    pub output_bytes: u64,
    /// Bytes of the exact tally kept in memory (one per point at a time).
    pub tally_bytes: u64,
}

/// Times a probe of `scenario` and scales it to `points` x `runs`.
pub fn estimate(
    scenario: &Scenario,
    runs: u64,
    threads: usize,
    per_run: bool,
    points: usize,
) -> anyhow::Result<Estimate> {
    let probe = runs.clamp(1, PROBE_RUNS);
    let plan = BatchPlan { runs: 0..probe, threads, per_run: false, per_state: false };
    let simulate = |plan: &BatchPlan| batch::run(scenario, plan, &Interrupt::new(), &|_| {}, |_| Ok(Flow::Continue));
    // A short untimed warm-up first (caches, thread start), then the probe.
    simulate(&BatchPlan { runs: 0..probe.min(512), ..plan.clone() })?;
    let clock = Instant::now();
    simulate(&plan)?;
    let runs_per_second = probe as f64 / clock.elapsed().as_secs_f64().max(1e-9);
    let (m, n, blocs) = (scenario.proposals.len() as u64, scenario.states.len() as u64, scenario.blocs.len() as u64);
    // Per proposal: 5 histograms of n + 1 (2n + 1 for the margin) counts,
    // 4 vote, 1 decisive and 1 tipping count per state, a few per bloc; 8
    // bytes each; twice with a what-if condition.
    let parts = if scenario.given.is_some() { 2 } else { 1 };
    let tally_bytes = parts * 8 * m * (5 * (n + 1) + n + 6 * n + 5 * blocs + 8);
    // The tables: summary (a row per proposal), distribution (up to 5 (n + 1)
    // rows per proposal), states (n), blocs, each about 60 bytes a row.
    let mut output_bytes = 60 * m * (1 + 5 * (n + 1) + n + blocs) + tally_bytes * 3;
    if per_run {
        output_bytes += runs * m * RUNS_ROW_BYTES;
    }
    let total = runs as f64 * points as f64;
    Ok(Estimate {
        points,
        runs,
        proposals: m as usize,
        states: n as usize,
        threads,
        runs_per_second,
        seconds: total / runs_per_second,
        output_bytes: output_bytes * points as u64,
        tally_bytes,
    })
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
        writeln!(
            f,
            "  rate      {:.0} runs/s (timed on a probe of {} runs)",
            self.runs_per_second,
            self.runs.min(PROBE_RUNS)
        )?;
        writeln!(f, "  time      about {:.1} s", self.seconds)?;
        writeln!(f, "  memory    about {} of tallies per point, whatever the number of runs", bytes(self.tally_bytes))?;
        write!(f, "  output    about {}; nothing was written", bytes(self.output_bytes))
    }
}

/// `run --dry-run`: the estimate of the batch `settings` describe.
pub fn run_estimate(settings: &super::RunSettings) -> anyhow::Result<Estimate> {
    let (mut scenario, _) =
        crate::scenario::load_with_text(&settings.scenario, &settings.overrides, settings.roster.as_deref())?;
    scenario.given = crate::given::Condition::parse(&settings.given, &scenario).map_err(anyhow::Error::msg)?;
    if let Some(seed) = settings.seed {
        scenario.seed = seed;
    }
    let runs = settings.runs.unwrap_or(scenario.runs);
    let runs = match settings.shard {
        Some(shard) => {
            let range = batch::shard_range(runs, shard.index - 1, shard.count);
            range.end - range.start
        }
        None => runs,
    };
    estimate(&scenario, runs, settings.threads, settings.per_run, 1)
}

/// `sweep --dry-run`: the estimate of the sweep `settings` describe (every
/// point checked, the first of its shard's timed, its shard's points counted).
pub fn sweep_estimate(settings: &super::SweepSettings) -> anyhow::Result<Estimate> {
    let path = &settings.plan.scenario;
    let text = std::fs::read_to_string(path).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
    let (plan, design) = super::sweep::plan_and_design(settings, &text)?;
    let range = super::sweep::shard_points(settings.shard, design.points.len())?;
    let runs = crate::sweep::check_points(&plan, &design)?;
    let first = crate::sweep::point_scenario(&plan, &design, range.start)?;
    estimate(&first, runs, plan.threads, false, range.len())
}
