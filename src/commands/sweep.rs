//! `ungasim sweep`: one batch per design point, `sweep.csv` in point order.
//!
//! The rows of every finished point are flushed and checkpointed (the
//! number of points done and the tables' lengths, [`SweepCheckpoint`]); a
//! stopped sweep keeps the checkpoint and `--resume` continues at the next
//! point, writing the bytes an uninterrupted sweep would. With `--shard`
//! only a contiguous range of the points is simulated (point indices stay
//! global, the manifest records `point_range` and `shard`); `merge` joins
//! the shards' directories into the whole sweep's.

use super::{Interrupted, Shard};
use crate::batch::{self, BatchError};
use crate::export::{self, ExportError, OutputDir, SweepCheckpoint, SweepIdentity, SweepWriter, manifest};
use crate::interrupt::Interrupt;
use crate::limits;
use crate::limits::ReadError;
use crate::model::MODEL_VERSION;
use crate::scenario;
pub use crate::sweep::design::DesignSpec;
use crate::sweep::design::{self, Design};
use crate::sweep::{self, SweepError, SweepPlan};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
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
    /// Only one shard of the points (`--shard I/N`).
    pub shard: Option<Shard>,
    /// Result directory (default `results/<stem>-sweep`).
    pub out: Option<PathBuf>,
    /// Replace an existing result directory.
    pub force: bool,
    /// Continue from the directory's checkpoint, if it holds one.
    pub resume: bool,
    /// For the manifest.
    pub command_line: Vec<String>,
}

/// A finished sweep.
#[derive(Debug, Clone)]
pub struct SweepReport {
    /// The result directory.
    pub out: PathBuf,
    /// Points simulated by this command (with `--resume`, those after the checkpoint).
    pub points: usize,
    /// Runs per point.
    pub runs: u64,
    /// Wall time in seconds.
    pub wall_seconds: f64,
}

/// `manifest.json` of a sweep.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct SweepManifest {
    /// `sweep`.
    pub command: String,
    /// The base scenario file.
    pub scenario_path: String,
    /// What the rows are the rows of.
    #[serde(flatten)]
    pub identity: SweepIdentity,
    /// Whether `sweep_states.csv` and `sweep_blocs.csv` were written.
    pub per_point: bool,
    /// The points whose rows the directory holds, `[start, end)`.
    pub point_range: [usize; 2],
    /// `[I, N]` of `--shard I/N`.
    pub shard: Option<[u64; 2]>,
    pub threads: usize,
    pub started: String,
    pub finished: String,
    pub wall_seconds: f64,
    pub command_line: Vec<String>,
}

impl SweepManifest {
    /// Stages the manifest in `out`.
    pub(crate) fn write(&self, out: &mut OutputDir) -> Result<(), ExportError> {
        out.stage_json("manifest.json", self)
    }
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
            let text = limits::read_to_string(path, limits::DESIGN_FILE).map_err(|e| match e {
                ReadError::Io(e) => anyhow::Error::new(e).context(format!("cannot read {}", path.display())),
                ReadError::NotUtf8 { line, .. } => anyhow::anyhow!("{}:{line}: {e}", path.display()),
                too_large => anyhow::anyhow!("{}: {too_large}", path.display()),
            })?;
            design::from_table(&text, &path.display().to_string())?
        }
    })
}

/// The plan and design a sweep of `settings` uses: the command line's
/// design, else the scenario file's `[sweep]` table (whose
/// `independent_seeds` then counts too); `text` is the scenario file's.
pub fn plan_and_design(settings: &SweepSettings, text: &str) -> anyhow::Result<(SweepPlan, Design)> {
    super::check_runs_option(settings.plan.runs)?;
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

/// The points of shard `shard` of `count` points (all without a shard);
/// an empty shard (more shards than points) is refused.
pub(crate) fn shard_points(shard: Option<Shard>, count: usize) -> anyhow::Result<std::ops::Range<usize>> {
    match shard {
        Some(Shard { index, count: shards }) => {
            let range = batch::shard_range(count as u64, index - 1, shards);
            anyhow::ensure!(
                !range.is_empty(),
                "--shard {index}/{shards} of {count} points is empty: {shards} shards need at least {shards} points \
                 (use fewer shards)"
            );
            Ok(range.start as usize..range.end as usize)
        }
        None => Ok(0..count),
    }
}

/// Checks every point, then simulates them in order into the result
/// directory: the rows of each point written, flushed and checkpointed as
/// it finishes, `manifest.json` last. A stop request ends it with
/// [`Interrupted`], the checkpoint kept for `--resume`.
pub fn sweep(
    settings: &SweepSettings,
    interrupt: &Interrupt,
    on_start: impl FnOnce(&super::Start<'_>),
    progress: &(dyn Fn(u64) + Sync),
) -> anyhow::Result<SweepReport> {
    let started = SystemTime::now();
    let clock = Instant::now();
    let text = scenario::read_text(&settings.plan.scenario)?;
    let (plan, design) = plan_and_design(settings, &text)?;
    let plan = &plan;
    let range = shard_points(settings.shard, design.points.len())?;
    let base = sweep::Base::new(plan, text.clone())?;
    let runs = sweep::check_points(&base, &design)?;
    let identity = SweepIdentity {
        tool: "ungasim".into(),
        tool_version: env!("CARGO_PKG_VERSION").into(),
        model_version: MODEL_VERSION.into(),
        scenario_sha256: manifest::sha256_hex(text.as_bytes()),
        roster: plan.roster.as_ref().map(|r| r.display().to_string()),
        overrides: plan.overrides.clone(),
        parameters: design.params.clone(),
        points: design.points.clone(),
        seed: plan.seed,
        independent_seeds: plan.independent_seeds,
        runs,
    };
    let out_path = settings.out.clone().unwrap_or_else(|| sweep::default_out(&plan.scenario));
    let (mut out, checkpoint) = if settings.resume {
        OutputDir::resume_with(&out_path, settings.force, SweepCheckpoint::read)?
    } else {
        (OutputDir::create(&out_path, settings.force)?, None)
    };
    if let Some(checkpoint) = &checkpoint {
        check_resumable(checkpoint, &identity, &range, settings.per_point, &out_path)?;
    }
    let kept_results = out.had_results();
    let mut writer = match &checkpoint {
        Some(c) => SweepWriter::reopen(&mut out, &c.bytes)?,
        None => SweepWriter::create(&mut out, &design.params, settings.per_point)?,
    };
    let resumed_at = checkpoint.map_or(range.start, |c| c.points_done);
    let mut done = resumed_at;
    let interrupted = |done: usize, checkpoint| Interrupted {
        signal: interrupt.signal(),
        done: (done - range.start) as u64 * runs,
        runs: range.len() as u64 * runs,
        out: out_path.clone(),
        kept_results,
        checkpoint,
    };
    if resumed_at < range.end {
        let first = sweep::point_scenario(&base, &design, resumed_at)?;
        let points = range.end - resumed_at;
        on_start(&super::Start { runs: runs * points as u64, scenario: &first, points, threads: plan.threads });
    }
    let result = sweep::run(&base, &design, resumed_at..range.end, runs, interrupt, progress, |k, sc, tally| {
        writer.write_point(k, &design.points[k], sc, tally)?;
        let bytes = writer.bytes()?;
        out.checkpoint(&SweepCheckpoint {
            identity: identity.clone(),
            point_range: [range.start, range.end],
            points_done: k + 1,
            bytes,
        })?;
        done = k + 1;
        Ok(())
    });
    if let Err(error) = result {
        if let Some(SweepError::Batch(BatchError::Interrupted { .. })) = error.downcast_ref::<SweepError>() {
            drop(writer);
            return Err(interrupted(done, out.suspend()).into());
        }
        return Err(error);
    }
    drop(writer);
    let manifest = SweepManifest {
        command: "sweep".into(),
        scenario_path: plan.scenario.display().to_string(),
        identity,
        per_point: settings.per_point,
        point_range: [range.start, range.end],
        shard: settings.shard.map(|s| [s.index, s.count]),
        threads: plan.threads,
        started: manifest::utc_timestamp(started),
        finished: manifest::utc_timestamp(SystemTime::now()),
        wall_seconds: clock.elapsed().as_secs_f64(),
        command_line: settings.command_line.clone(),
    };
    manifest.write(&mut out)?;
    if interrupt.is_requested() {
        return Err(interrupted(range.end, out.suspend()).into());
    }
    out.commit()?;
    Ok(SweepReport { out: out_path, points: range.end - resumed_at, runs, wall_seconds: manifest.wall_seconds })
}

/// Refuses to resume from a checkpoint of another sweep: another scenario,
/// design, seed, overrides, roster, runs or version, another shard, or with
/// `--per-point` on one side only.
fn check_resumable(
    checkpoint: &SweepCheckpoint,
    identity: &SweepIdentity,
    range: &std::ops::Range<usize>,
    per_point: bool,
    out: &Path,
) -> anyhow::Result<()> {
    super::run::refuse_another_checkpoint(
        out,
        ("sweep", "points"),
        export::tally::first_difference(&checkpoint.identity, identity),
        (checkpoint.point_range, [range.start, range.end]),
        &[("--per-point", checkpoint.bytes.sweep_states_csv.is_some(), per_point)],
    )
}
