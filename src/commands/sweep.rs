//! `ungasim sweep`: one batch per design point, `sweep.csv` in point order.

use crate::export::{ExportError, OutputDir, SweepWriter, manifest};
use crate::interrupt::Interrupt;
use crate::model::MODEL_VERSION;
use crate::scenario;
pub use crate::sweep::design::DesignSpec;
use crate::sweep::design::{self, Design};
use crate::sweep::{self, SweepPlan};
use anyhow::Context;
use serde::Serialize;
use std::path::PathBuf;
use std::time::{Instant, SystemTime};

/// Everything `sweep` needs, checked by the CLI.
#[derive(Debug, Clone)]
pub struct SweepSettings {
    /// What every point shares.
    pub plan: SweepPlan,
    /// The design; `None`: the scenario file's `[sweep]` table.
    pub design: Option<DesignSpec>,
    /// Also write `sweep_states.csv` and `sweep_blocs.csv`.
    pub per_point: bool,
    /// Result directory (default `results/<stem>-sweep`).
    pub out: Option<PathBuf>,
    /// Replace an existing result directory.
    pub force: bool,
    /// For the manifest.
    pub command_line: Vec<String>,
}

/// A finished sweep.
#[derive(Debug, Clone)]
pub struct SweepReport {
    /// The result directory.
    pub out: PathBuf,
    /// Points simulated.
    pub points: usize,
    /// Runs per point.
    pub runs: u64,
    /// Wall time in seconds.
    pub wall_seconds: f64,
}

/// `manifest.json` of a sweep.
#[derive(Debug, Serialize)]
struct SweepManifest<'a> {
    tool: &'static str,
    tool_version: &'static str,
    model_version: &'static str,
    command: &'static str,
    scenario_path: String,
    scenario_sha256: String,
    roster: Option<String>,
    overrides: &'a [String],
    parameters: &'a [String],
    points: &'a [Vec<String>],
    seed: Option<u64>,
    independent_seeds: bool,
    runs: u64,
    threads: usize,
    started: String,
    finished: String,
    wall_seconds: f64,
    command_line: &'a [String],
}

/// The design of `spec`.
pub fn resolve_design(spec: &DesignSpec) -> anyhow::Result<Design> {
    Ok(match spec {
        DesignSpec::Vary(varies, combine) => {
            anyhow::ensure!(!varies.is_empty(), "a sweep needs --vary PATH=VALUES, --samples or --design FILE.csv");
            design::from_vary(varies, *combine)?
        }
        DesignSpec::Sampled { varies, samples, sampling, seed } => {
            anyhow::ensure!(!varies.is_empty(), "--samples needs at least one --vary PATH=LOW:HIGH range");
            design::sampled(varies, *samples, *sampling, *seed)?
        }
        DesignSpec::Table(path) => {
            let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
            design::from_table(&text, &path.display().to_string())?
        }
    })
}

/// The plan and design a sweep of `settings` uses: the command line's
/// design, else the scenario file's `[sweep]` table (whose
/// `independent_seeds` then counts too); `text` is the scenario file's.
pub fn plan_and_design(settings: &SweepSettings, text: &str) -> anyhow::Result<(SweepPlan, Design)> {
    let mut plan = settings.plan.clone();
    let spec = match &settings.design {
        Some(spec) => spec.clone(),
        None => {
            let file = scenario::sweep_of(text, &plan.scenario.display().to_string())?.ok_or_else(|| {
                anyhow::anyhow!(
                    "a sweep needs --vary PATH=VALUES, --samples or --design FILE.csv, or a [sweep] table in {}",
                    plan.scenario.display()
                )
            })?;
            plan.independent_seeds |= file.independent_seeds;
            file.design
        }
    };
    let design = resolve_design(&spec)?;
    Ok((plan, design))
}

/// Checks every point, then simulates them in order into the result
/// directory: `sweep.csv` written as points finish, `manifest.json` last.
pub fn sweep(
    settings: &SweepSettings,
    interrupt: &Interrupt,
    on_start: impl FnOnce(u64),
    progress: &(dyn Fn(u64) + Sync),
) -> anyhow::Result<SweepReport> {
    let started = SystemTime::now();
    let clock = Instant::now();
    let text = std::fs::read_to_string(&settings.plan.scenario)
        .with_context(|| format!("cannot read {}", settings.plan.scenario.display()))?;
    let (plan, design) = plan_and_design(settings, &text)?;
    let plan = &plan;
    let runs = sweep::check_points(plan, &design)?;
    anyhow::ensure!(runs > 0, "--runs must be at least 1");
    let out_path = settings.out.clone().unwrap_or_else(|| sweep::default_out(&plan.scenario));
    let mut out = OutputDir::create(&out_path, settings.force)?;
    let mut writer = SweepWriter::create(&mut out, &design.params, settings.per_point)?;
    on_start(runs * design.points.len() as u64);
    sweep::run(plan, &design, runs, interrupt, progress, |k, sc, tally| {
        writer.write_point(k, &design.points[k], sc, tally)?;
        Ok(())
    })?;
    drop(writer);
    let manifest = SweepManifest {
        tool: "ungasim",
        tool_version: env!("CARGO_PKG_VERSION"),
        model_version: MODEL_VERSION,
        command: "sweep",
        scenario_path: plan.scenario.display().to_string(),
        scenario_sha256: manifest::sha256_hex(text.as_bytes()),
        roster: plan.roster.as_ref().map(|r| r.display().to_string()),
        overrides: &plan.overrides,
        parameters: &design.params,
        points: &design.points,
        seed: plan.seed,
        independent_seeds: plan.independent_seeds,
        runs,
        threads: plan.threads,
        started: manifest::utc_timestamp(started),
        finished: manifest::utc_timestamp(SystemTime::now()),
        wall_seconds: clock.elapsed().as_secs_f64(),
        command_line: &settings.command_line,
    };
    let (file, path) = out.stage("manifest.json")?;
    let io_error = |source| ExportError::io("write", &path, source);
    let mut buffer = std::io::BufWriter::new(file);
    serde_json::to_writer_pretty(&mut buffer, &manifest).map_err(|e| io_error(e.into()))?;
    std::io::Write::write_all(&mut buffer, b"\n").map_err(io_error)?;
    std::io::Write::flush(&mut buffer).map_err(io_error)?;
    drop(buffer);
    anyhow::ensure!(!interrupt.is_requested(), "interrupted: nothing was written (partial files removed)");
    out.commit()?;
    Ok(SweepReport { out: out_path, points: design.points.len(), runs, wall_seconds: manifest.wall_seconds })
}
