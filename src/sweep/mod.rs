//! Sweeps: one batch per point of a [`design::Design`], with common random
//! numbers by default.
//!
//! Every point is the base scenario with the point's values applied as
//! `--set` overrides (after the command line's own), so anything `--set`
//! reaches can be swept, `scenario.date` included. With common random
//! numbers every point runs with the same seed, so run r of every point
//! draws the same random numbers wherever the points agree and differences
//! between points are the parameters' effect, not noise; with independent
//! seeds point k uses seed + k.

pub mod design;

use crate::aggregate::Tally;
use crate::batch::{self, BatchError, BatchPlan};
use crate::interrupt::Interrupt;
use crate::model::Scenario;
use crate::roster::Roster;
use crate::scenario;
use design::Design;
use std::path::{Path, PathBuf};

/// What every point shares.
#[derive(Debug, Clone)]
pub struct SweepPlan {
    /// The base scenario file.
    pub scenario: PathBuf,
    /// `--set` overrides of the base, applied before each point's values.
    pub overrides: Vec<String>,
    /// A roster directory for every point.
    pub roster: Option<PathBuf>,
    /// `--seed` (default: the scenario's).
    pub seed: Option<u64>,
    /// `--runs` (default: the scenario's, at the first point).
    pub runs: Option<u64>,
    /// Worker threads of each point's batch.
    pub threads: usize,
    /// Point k uses seed + k instead of the common seed.
    pub independent_seeds: bool,
}

/// Why a sweep stopped.
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    /// A point's scenario is invalid (the message names the point and its
    /// values, or its design table's file and line).
    #[error("{place}: {error}")]
    Point {
        /// 0-based point index.
        point: usize,
        /// [`Design::place`] of the point.
        place: String,
        /// The scenario error (in the message, not a source: it is said once).
        error: scenario::ScenarioError,
    },
    /// The base scenario file does not parse, or its roster cannot be
    /// loaded (before any point: the message names the file, not a point).
    #[error(transparent)]
    Base(#[from] scenario::ScenarioError),
    /// A batch failed or was interrupted.
    #[error(transparent)]
    Batch(#[from] BatchError),
}

/// What every point of a sweep shares: the plan, and what is read once,
/// not once a point: the base scenario's text and the roster it runs on
/// (so that a point costs its runs, and every point sees the file as it
/// was when the sweep started).
#[derive(Debug, Clone)]
pub struct Base {
    plan: SweepPlan,
    /// The scenario file's name in errors.
    file: String,
    text: String,
    /// `None`: the embedded roster.
    roster: Option<Roster>,
}

impl Base {
    /// The base of `plan`, whose scenario file holds `text`.
    pub fn new(plan: &SweepPlan, text: String) -> Result<Base, SweepError> {
        let file = plan.scenario.display().to_string();
        let roster = scenario::named_roster(&text, &file, plan.roster.as_deref())?;
        Ok(Base { plan: plan.clone(), file, text, roster })
    }

    fn roster(&self) -> &Roster {
        self.roster.as_ref().unwrap_or_else(|| Roster::embedded())
    }
}

/// The scenario of point `k`: the base file with the base overrides then the point's.
pub fn point_scenario(base: &Base, design: &Design, k: usize) -> Result<Scenario, SweepError> {
    let plan = &base.plan;
    let overrides: Vec<String> = plan.overrides.iter().cloned().chain(design.overrides(k)).collect();
    let mut sc = scenario::parse_on_roster(&base.text, &base.file, &overrides, base.roster())
        .map_err(|error| SweepError::Point { point: k, place: design.place(k), error })?;
    let seed = plan.seed.unwrap_or(sc.seed);
    sc.seed = if plan.independent_seeds { seed.wrapping_add(k as u64) } else { seed };
    Ok(sc)
}

/// Checks every point's scenario before anything is simulated, and returns
/// the number of runs per point (`--runs`, else the first point's). A
/// date outside the roster's data is warned about once, not once a point.
pub fn check_points(base: &Base, design: &Design) -> Result<u64, SweepError> {
    let mut runs = base.plan.runs;
    let mut warned = std::collections::BTreeSet::new();
    for k in 0..design.points.len() {
        let sc = point_scenario(base, design, k)?;
        runs.get_or_insert(sc.runs);
        if let Some(warning) = Roster::embedded().date_warning(sc.date)
            && warned.insert(warning.clone())
        {
            eprintln!("warning: {}: {warning}", base.file);
        }
    }
    Ok(runs.unwrap_or(0))
}

/// Simulates the points `points` in order, handing each finished point's
/// index, scenario and exact tally to `on_point`.
pub fn run(
    base: &Base,
    design: &Design,
    points: std::ops::Range<usize>,
    runs: u64,
    interrupt: &Interrupt,
    progress: &(dyn Fn(u64) + Sync),
    mut on_point: impl FnMut(usize, &Scenario, &Tally) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let batch_plan = BatchPlan { runs: 0..runs, threads: base.plan.threads, per_run: false, per_state: false };
    for k in points {
        let sc = point_scenario(base, design, k)?;
        let tally = batch::run(&sc, &batch_plan, interrupt, progress, |_| Ok(batch::Flow::Continue))
            .map_err(SweepError::from)?;
        on_point(k, &sc, &tally)?;
    }
    Ok(())
}

/// The default output directory of a sweep of `scenario`: `results/<stem>-sweep`.
pub fn default_out(scenario: &Path) -> PathBuf {
    let stem = scenario.file_stem().map_or_else(|| "scenario".into(), |s| s.to_string_lossy().into_owned());
    Path::new("results").join(format!("{stem}-sweep"))
}
