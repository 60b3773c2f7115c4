//! `ungasim run`: scenario -> batch -> result directory.
//!
//! Everything that can be refused is refused before simulating: the
//! scenario, the run range, the result directory (locked for the whole
//! batch, empty or `--force`, writable), and with `--resume` the checkpoint
//! (of this very batch). The exact tally is checkpointed after every wave;
//! an interrupted batch writes no result file, keeps the checkpoint and
//! says so ([`Interrupted`]); `--resume` continues from it and writes the
//! bytes an uninterrupted batch would.

use super::Start;
use crate::aggregate::Tally;
use crate::batch::{self, BatchError, BatchPlan, Flow};
use crate::export::{
    self, Checkpoint, Commit, Identity, Manifest, OutputDir, RunsWriter, TallyFile, VotesWriter, manifest,
};
use crate::given::Condition;
use crate::interrupt::{Interrupt, signal_name};
use crate::model::{MODEL_VERSION, Scenario};
use crate::scenario;
use anyhow::Context;
use std::ops::Range;
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
    /// `--given WHO=WHAT` terms of the what-if condition (ANDed; none: no condition).
    pub given: Vec<String>,
    /// `--roster DIR`: a calibrated roster instead of the scenario's or the embedded one.
    pub roster: Option<PathBuf>,
    /// Write runs.csv.
    pub per_run: bool,
    /// Write votes.csv.
    pub per_state: bool,
    /// Write the HTML report once the results are committed.
    pub report: bool,
    /// Only one shard of the runs.
    pub shard: Option<Shard>,
    /// Overwrite an existing result directory.
    pub force: bool,
    /// Continue from the directory's checkpoint, if it holds one.
    pub resume: bool,
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
    /// Runs simulated by this command (with `--resume`, those after the checkpoint).
    pub simulated: u64,
    /// Number of proposals.
    pub proposals: usize,
    /// Number of states.
    pub states: usize,
    /// Per proposal: id, P(adopted) with its 95% Wilson interval, and the
    /// median Yes, No, Abstain and Absent counts (the whole batch's, with
    /// `--resume` the checkpoint's runs included).
    pub headline: Vec<Headline>,
    /// The report written (with `--report`).
    pub report: Option<super::ReportOutcome>,
}

/// One proposal's result in a line: what `run` prints when it ends.
#[derive(Debug, Clone, PartialEq)]
pub struct Headline {
    /// Proposal id.
    pub proposal: String,
    /// P(adopted) (by a vote or by consensus).
    pub p_adopted: f64,
    /// Its 95% Wilson interval.
    pub interval: (f64, f64),
    /// Median Yes, No, Abstain, Absent (`None` for an empty batch).
    pub median: [Option<i64>; 4],
    /// With `--given`: the result over the runs meeting the condition.
    pub given: Option<GivenHeadline>,
}

/// A proposal's result over the runs meeting the what-if condition.
#[derive(Debug, Clone, PartialEq)]
pub struct GivenHeadline {
    /// The condition, normalised.
    pub condition: String,
    /// P(adopted) over the runs meeting it (NaN for none).
    pub p_adopted: f64,
    /// Runs that met it.
    pub runs: u64,
    /// Runs in all.
    pub total: u64,
}

impl std::fmt::Display for Headline {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let m = self.median.map(|c| c.map_or_else(|| "-".to_string(), |c| c.to_string()));
        write!(
            f,
            "{}: P(adopted) {:.3} [{:.3}, {:.3}]; median {} yes, {} no, {} abstain, {} absent",
            self.proposal, self.p_adopted, self.interval.0, self.interval.1, m[0], m[1], m[2], m[3]
        )?;
        if let Some(given) = &self.given {
            let p = if given.runs == 0 { "-".to_string() } else { format!("{:.3}", given.p_adopted) };
            write!(f, "; given {}: P(adopted) {p} ({} of {} runs met it)", given.condition, given.runs, given.total)?;
        }
        Ok(())
    }
}

/// The headline of every proposal of `tally`.
fn headlines(scenario: &Scenario, tally: &crate::aggregate::Tally) -> Vec<Headline> {
    let summary = crate::aggregate::summary::proposals(scenario, tally);
    let given = match (&scenario.given, &tally.given) {
        (Some(condition), Some(given)) => crate::aggregate::summary::of_proposals(scenario, given)
            .into_iter()
            .zip(&summary)
            .map(|(g, all)| {
                Some(GivenHeadline {
                    condition: condition.text().to_string(),
                    p_adopted: g.p_adopted(),
                    runs: g.runs,
                    total: all.runs,
                })
            })
            .collect(),
        _ => vec![None; summary.len()],
    };
    summary
        .into_iter()
        .zip(given)
        .map(|(p, given)| Headline {
            p_adopted: p.p_adopted(),
            interval: p.interval,
            median: std::array::from_fn(|v| p.measures[v].quantiles[2]),
            proposal: p.proposal,
            given,
        })
        .collect()
}

impl RunReport {
    /// State-votes simulated per second: runs simulated x proposals x states / wall time.
    pub fn state_votes_per_second(&self) -> f64 {
        self.simulated as f64 * (self.proposals * self.states) as f64 / self.manifest.wall_seconds
    }
}

/// A batch stopped by a stop request (SIGINT, SIGTERM) before its results
/// were committed: it wrote no result file, and the result directory holds
/// what it held before, plus the checkpoint of the runs done (if a wave
/// finished) for `--resume`.
#[derive(Debug, Clone, thiserror::Error)]
#[error(
    "interrupted by {} after {done} of {runs} runs: {}; {}. {}",
    self.signal.map_or_else(|| "a stop request".to_string(), signal_name),
    if *.checkpoint { format!("no result file was written, the runs done are checkpointed in {}", .out.join(export::CHECKPOINT_FILE).display()) }
    else { "nothing was written (partial files removed)".to_string() },
    if *.kept_results { format!("the earlier results in {} are unchanged", .out.display()) }
    else { format!("{} holds no results", .out.display()) },
    if *.checkpoint { "Run the same command again with --resume to continue" }
    else { "Run the same command again to start over (nothing to --resume)" }
)]
pub struct Interrupted {
    /// The signal that stopped the batch (None: a request not by a signal).
    pub signal: Option<i32>,
    /// Runs of the batch done before stopping (in whole waves; checkpointed if any).
    pub done: u64,
    /// Runs the batch was to simulate.
    pub runs: u64,
    /// The result directory.
    pub out: PathBuf,
    /// Whether the directory holds an earlier batch's results (kept).
    pub kept_results: bool,
    /// Whether the checkpoint was kept for `--resume`.
    pub checkpoint: bool,
}

impl Interrupted {
    /// The exit status: 128 + the signal's number (130 for SIGINT, 143 for
    /// SIGTERM), 130 for a request not by a signal.
    pub fn exit_status(&self) -> u8 {
        self.signal.and_then(|s| u8::try_from(128 + s).ok()).unwrap_or(130)
    }
}

/// The batch `settings` describe, checked: what `run` and `run --dry-run` share.
pub(super) struct LoadedBatch {
    /// The scenario, with `--set`, `--roster` and `--seed` applied.
    pub scenario: Scenario,
    /// The scenario file's text (for the manifest's hash).
    pub text: String,
    /// Runs of the whole batch (`--runs`, else the scenario's).
    pub runs: u64,
    /// The runs this command simulates (its `--shard`, else all).
    pub range: Range<u64>,
    /// What `check --resolved` prints of the scenario (`scenario.json`).
    pub resolved: serde_json::Value,
}

impl LoadedBatch {
    /// Loads the scenario (with its `--given` condition) and checks `--runs`
    /// and `--shard` (a shard with no run is refused).
    pub(super) fn load(settings: &RunSettings) -> anyhow::Result<LoadedBatch> {
        super::check_runs_option(settings.runs)?;
        let (mut scenario, text) =
            scenario::load_with_text(&settings.scenario, &settings.overrides, settings.roster.as_deref())?;
        let resolved = scenario::resolved_document(&scenario, &text, &settings.scenario.display().to_string())?;
        scenario.given = Condition::parse(&settings.given, &scenario).map_err(anyhow::Error::msg)?;
        if let Some(seed) = settings.seed {
            scenario.seed = seed;
        }
        let runs = settings.runs.unwrap_or(scenario.runs);
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
        Ok(LoadedBatch { scenario, text, runs, range, resolved })
    }
}

/// The default result directory of a scenario file: `results/<file stem>`.
pub fn default_out(scenario: &Path) -> PathBuf {
    let stem = scenario.file_stem().map_or_else(|| "scenario".into(), |s| s.to_string_lossy().into_owned());
    Path::new("results").join(stem)
}

/// Loads the scenario, runs the batch and writes the result directory.
/// `on_start` is called once before simulating, with the runs left;
/// `progress(n)` after every chunk of `n` runs (from worker threads). An
/// `interrupt` raised before the files are renamed into place stops the
/// batch (within one run) with [`Interrupted`] (downcast it from the error
/// to tell it apart).
pub fn run(
    settings: &RunSettings,
    interrupt: &Interrupt,
    on_start: impl FnOnce(&Start<'_>),
    progress: &(dyn Fn(u64) + Sync),
) -> anyhow::Result<RunReport> {
    let started = SystemTime::now();
    let clock = Instant::now();
    let LoadedBatch { scenario, text, runs, range, resolved } = LoadedBatch::load(settings)?;
    let identity = Identity {
        tool: "ungasim".into(),
        tool_version: env!("CARGO_PKG_VERSION").into(),
        model_version: MODEL_VERSION.into(),
        scenario_sha256: manifest::sha256_hex(text.as_bytes()),
        overrides: settings.overrides.clone(),
        seed: scenario.seed,
        runs,
        roster: scenario.roster.clone(),
        given: scenario.given.as_ref().map(|c| c.text().to_string()),
    };
    let out_path = settings.out.clone().unwrap_or_else(|| default_out(&settings.scenario));
    let (mut out, checkpoint) = if settings.resume {
        OutputDir::resume(&out_path, settings.force)?
    } else {
        (OutputDir::create(&out_path, settings.force)?, None)
    };
    if let Some(checkpoint) = &checkpoint {
        check_resumable(checkpoint, &identity, &range, settings, &out_path)?;
    }
    let kept_results = out.had_results();
    let resumed_at = checkpoint.as_ref().map_or(range.start, |c| c.done.run_range[1]);
    let interrupted = |done, checkpoint| Interrupted {
        signal: interrupt.signal(),
        done,
        runs: range.end - range.start,
        out: out_path.clone(),
        kept_results,
        checkpoint,
    };
    let mut runs_writer = match (settings.per_run, &checkpoint) {
        (false, _) => None,
        (true, None) => Some(RunsWriter::create(&mut out, &scenario)?),
        (true, Some(c)) => Some(RunsWriter::reopen(&mut out, &scenario, c.runs_csv_bytes.unwrap_or(0))?),
    };
    let mut votes_writer = match (settings.per_state, &checkpoint) {
        (false, _) => None,
        (true, None) => Some(VotesWriter::create(&mut out, &scenario)?),
        (true, Some(c)) => Some(VotesWriter::reopen(&mut out, &scenario, c.votes_csv_bytes.unwrap_or(0))?),
    };
    let start = checkpoint.map_or_else(|| Tally::new(&scenario), |c| c.done.tally);
    let plan = BatchPlan {
        runs: resumed_at..range.end,
        threads: settings.threads,
        per_run: settings.per_run || settings.per_state,
        per_state: settings.per_state,
    };
    on_start(&Start { runs: range.end - resumed_at, scenario: &scenario, points: 1, threads: settings.threads });
    let result = batch::run_from(&scenario, &plan, start, interrupt, progress, |wave| {
        let runs_csv_bytes = match runs_writer.as_mut() {
            Some(writer) => {
                writer.write(wave.records)?;
                Some(writer.flush()?)
            }
            None => None,
        };
        let votes_csv_bytes = match votes_writer.as_mut() {
            Some(writer) => {
                writer.write(wave.records)?;
                Some(writer.flush()?)
            }
            None => None,
        };
        out.checkpoint(&Checkpoint {
            batch_range: [range.start, range.end],
            runs_csv_bytes,
            votes_csv_bytes,
            done: TallyFile { identity: identity.clone(), run_range: [range.start, wave.runs.end], tally: wave.tally },
        })?;
        Ok(Flow::Continue)
    });
    let tally = match result {
        Err(BatchError::Interrupted { done }) => {
            let done = resumed_at - range.start + done;
            return Err(interrupted(done, out.suspend()).into());
        }
        Err(BatchError::Start(error)) => anyhow::bail!(
            "{}: {error} (an edited checkpoint?); run without --resume and with --force to discard it",
            out_path.join(export::CHECKPOINT_FILE).display()
        ),
        other => other?,
    };
    if let Some(writer) = runs_writer {
        writer.finish()?;
    }
    if let Some(writer) = votes_writer {
        writer.finish()?;
    }
    let manifest = Manifest {
        tool: identity.tool.clone(),
        tool_version: identity.tool_version.clone(),
        model_version: identity.model_version.clone(),
        scenario_path: settings.scenario.display().to_string(),
        scenario_sha256: identity.scenario_sha256.clone(),
        scenario_name: scenario.name.clone(),
        roster: scenario.roster.clone(),
        overrides: settings.overrides.clone(),
        given: identity.given.clone(),
        seed: scenario.seed,
        runs,
        run_range: [range.start, range.end],
        shard: settings.shard.map(|s| [s.index, s.count]),
        per_run: settings.per_run,
        per_state: settings.per_state,
        threads: settings.threads,
        started: manifest::utc_timestamp(started),
        finished: manifest::utc_timestamp(SystemTime::now()),
        wall_seconds: clock.elapsed().as_secs_f64(),
        command_line: settings.command_line.clone(),
    };
    let headline = headlines(&scenario, &tally);
    let tally = TallyFile { identity, run_range: [range.start, range.end], tally };
    match export::write_batch(out, &scenario, &resolved, &tally, &manifest, || interrupt.is_requested())? {
        Commit::Done => {}
        Commit::Cancelled { checkpoint } => return Err(interrupted(range.end - range.start, checkpoint).into()),
    }
    let report = match settings.report {
        true => Some(
            super::report(&super::ReportSettings { dir: out_path.clone(), out: None })
                .with_context(|| format!("the results are written in {}, but not their report", out_path.display()))?,
        ),
        false => None,
    };
    Ok(RunReport {
        out: out_path,
        manifest,
        simulated: range.end - resumed_at,
        proposals: scenario.proposals.len(),
        states: scenario.states.len(),
        headline,
        report,
    })
}

/// Refuses to resume from a checkpoint of another batch: another scenario,
/// seed, overrides, roster, version or number of runs, another shard, or
/// with `--per-run` or `--per-state` on one side only.
fn check_resumable(
    checkpoint: &Checkpoint,
    identity: &Identity,
    range: &Range<u64>,
    settings: &RunSettings,
    out: &Path,
) -> anyhow::Result<()> {
    refuse_another_checkpoint(
        out,
        ("batch", "runs"),
        checkpoint.done.identity.difference(identity),
        (checkpoint.batch_range, [range.start, range.end]),
        &[
            ("--per-run", checkpoint.runs_csv_bytes.is_some(), settings.per_run),
            ("--per-state", checkpoint.votes_csv_bytes.is_some(), settings.per_state),
        ],
    )
}

/// The refusals shared by `run --resume` and `sweep --resume`, in order: a
/// checkpoint of another `kind` (`difference` names the first identity field
/// that differs), of another range of `unit`s (`ranges`: the checkpoint's,
/// this command's), or made with an output option on one side only
/// (`options`: name, the checkpoint's, this command's).
pub(super) fn refuse_another_checkpoint<T: PartialEq + std::fmt::Display>(
    out: &Path,
    (kind, unit): (&str, &str),
    difference: Option<(String, String, String)>,
    (theirs, ours): ([T; 2], [T; 2]),
    options: &[(&str, bool, bool)],
) -> anyhow::Result<()> {
    let path = out.join(export::CHECKPOINT_FILE);
    let advice = "run without --resume and with --force to discard it";
    if let Some((field, theirs, ours)) = difference {
        anyhow::bail!(
            "{} is the checkpoint of another {kind}: its {field} is {theirs}, this command's {ours}; {advice}",
            path.display()
        );
    }
    if theirs != ours {
        let [[start, end], [from, to]] = [theirs, ours];
        anyhow::bail!(
            "{} is the checkpoint of {unit} {start}..{end}, this command simulates {unit} {from}..{to} (another --shard); {advice}",
            path.display()
        );
    }
    let with = |yes: bool| if yes { "with" } else { "without" };
    for &(option, theirs, ours) in options {
        if theirs != ours {
            anyhow::bail!(
                "{} was made {} {option}, this command is {} it; {advice}",
                path.display(),
                with(theirs),
                with(ours)
            );
        }
    }
    Ok(())
}
