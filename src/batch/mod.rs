//! A Monte Carlo batch: runs split into fixed index ranges, simulated in
//! parallel on a local rayon pool, aggregated exactly.
//!
//! Chunk `c` always holds runs `c * CHUNK_RUNS ..` (clipped to the batch's
//! range), whatever the number of threads, and chunks are processed in
//! waves whose results are consumed in chunk order. Tallies are integer
//! counts and per-run records are written in run order, so the output is
//! the same for any `--threads`. Memory is bounded by one wave of chunks,
//! not by the number of runs. After every wave a hook sees the wave's
//! per-run records and the exact tally so far, so it can stream `runs.csv`,
//! checkpoint, or cancel the batch ([`Flow::Stop`]). A stop request
//! ([`Interrupt`]) is looked at before every run: a wave it cuts short is
//! dropped whole, so a stopped batch has handed on only whole waves, and
//! stops within one run.

use crate::aggregate::{Recorder, Shape, ShapeError, Tally};
use crate::engine::Engine;
use crate::engine::rule::Outcome;
use crate::interrupt::Interrupt;
use crate::model::{Scenario, Vote};
use rayon::prelude::*;
use std::ops::Range;

/// Runs per chunk: the unit of parallel work.
pub const CHUNK_RUNS: u64 = 512;

/// Chunks per thread in one wave.
const CHUNKS_PER_THREAD: usize = 8;

/// The tallies of one proposal in one run (`runs.csv`).
#[derive(Debug, Clone, PartialEq)]
pub struct RunRecord {
    /// Run index.
    pub run: u64,
    /// Proposal index.
    pub proposal: usize,
    /// `[yes, no, abstain, absent]`.
    pub counts: [u32; 4],
    /// Outcome.
    pub outcome: Outcome,
    /// The run's `[[uncertain]]` draws, in the scenario's order (the same
    /// for every proposal of the run; empty without `[[uncertain]]`).
    pub draws: Vec<f64>,
    /// Every state's vote, roster order (`votes.csv`; empty unless
    /// [`BatchPlan::per_state`]).
    pub votes: Vec<Vote>,
}

/// What a batch simulates and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchPlan {
    /// The run indices to simulate (a shard is a sub-range).
    pub runs: Range<u64>,
    /// Worker threads (>= 1).
    pub threads: usize,
    /// Whether to hand per-run records to the caller.
    pub per_run: bool,
    /// Whether those records carry every state's vote (implies `per_run`).
    pub per_state: bool,
}

/// A finished wave, as the batch hook sees it.
#[derive(Debug, Clone)]
pub struct Wave<'a> {
    /// Run indices of this wave (the batch is done up to `runs.end`).
    pub runs: Range<u64>,
    /// The wave's per-run records in run order (empty without `per_run`).
    pub records: &'a [RunRecord],
    /// The exact tally of every run done so far, this wave included (and
    /// the starting tally of [`run_from`]).
    pub tally: &'a Tally,
}

/// What the batch hook tells the batch after a wave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Go on with the next wave.
    Continue,
    /// Stop here: the batch ends with [`BatchError::Stopped`].
    Stop,
}

/// Errors of a batch.
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    /// The thread pool could not be built.
    #[error("cannot start {threads} worker threads")]
    Pool {
        /// Threads requested.
        threads: usize,
        /// Cause.
        source: rayon::ThreadPoolBuildError,
    },
    /// The hook failed (e.g. writing `runs.csv` or a checkpoint).
    #[error(transparent)]
    Sink(SinkError),
    /// A stop was requested before the batch was done.
    #[error("interrupted after {done} runs")]
    Interrupted {
        /// Runs of the whole waves simulated (and handed to the hook) before stopping.
        done: u64,
    },
    /// The starting tally of [`run_from`] is not of the scenario's shape.
    #[error("the starting tally does not fit the scenario: {0}")]
    Start(#[from] ShapeError),
    /// The hook stopped the batch after a wave.
    #[error("stopped by its hook after {done} runs")]
    Stopped {
        /// Runs of the whole waves simulated (and handed to the hook).
        done: u64,
    },
}

/// What the batch hook may fail with (it names its own file).
pub type SinkError = Box<dyn std::error::Error + Send + Sync>;

/// The run range of shard `index` (0-based) of `count` over `0..runs`:
/// contiguous, as equal as possible, together covering every run once.
pub fn shard_range(runs: u64, index: u64, count: u64) -> Range<u64> {
    let bound = |i: u64| ((runs as u128 * i as u128) / count as u128) as u64;
    bound(index)..bound(index + 1)
}

/// Simulates `plan.runs` of `scenario`. `progress` is called with the number
/// of runs finished after each chunk (from worker threads); `hook` after
/// each wave, in run order (see [`Wave`]), and may stop the batch. A raised
/// `interrupt` ends the batch with [`BatchError::Interrupted`] (even one
/// raised after the last run).
pub fn run(
    scenario: &Scenario,
    plan: &BatchPlan,
    interrupt: &Interrupt,
    progress: &(dyn Fn(u64) + Sync),
    hook: impl FnMut(&Wave<'_>) -> Result<Flow, SinkError>,
) -> Result<Tally, BatchError> {
    run_from(scenario, plan, Tally::new(scenario), interrupt, progress, hook)
}

/// [`run`] continuing a batch: `start` is the tally of the runs done before
/// `plan.runs` (a checkpoint), and the result adds `plan.runs` to it. As
/// chunks are aligned to absolute run indices and counts add exactly, the
/// result is the same as that of one uninterrupted batch.
pub fn run_from(
    scenario: &Scenario,
    plan: &BatchPlan,
    start: Tally,
    interrupt: &Interrupt,
    progress: &(dyn Fn(u64) + Sync),
    mut hook: impl FnMut(&Wave<'_>) -> Result<Flow, SinkError>,
) -> Result<Tally, BatchError> {
    start.check(&Shape::of(scenario))?;
    let engine = Engine::new(scenario);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(plan.threads)
        .build()
        .map_err(|source| BatchError::Pool { threads: plan.threads, source })?;
    let chunks = chunks(&plan.runs);
    let mut total = start;
    let mut done = 0;
    let mut records = Vec::new();
    for wave in chunks.chunks(plan.threads * CHUNKS_PER_THREAD) {
        let results: Vec<(Tally, Vec<RunRecord>)> = pool.install(|| {
            wave.par_iter()
                .map(|range| {
                    let result = run_chunk(&engine, scenario, range.clone(), plan.records(), interrupt);
                    progress(range.end - range.start);
                    result
                })
                .collect()
        });
        if interrupt.is_requested() {
            return Err(BatchError::Interrupted { done });
        }
        records.clear();
        for (tally, chunk_records) in results {
            total.merge(&tally).expect("every chunk's tally has the scenario's shape");
            records.extend(chunk_records);
        }
        let runs = wave[0].start..wave[wave.len() - 1].end;
        done += runs.end - runs.start;
        match hook(&Wave { runs, records: &records, tally: &total }).map_err(BatchError::Sink)? {
            Flow::Continue => {}
            Flow::Stop => return Err(BatchError::Stopped { done }),
        }
    }
    Ok(total)
}

/// Simulates `runs` sequentially on the calling thread: the reference the
/// parallel path is tested against (records with every state's vote).
pub fn run_sequential(scenario: &Scenario, runs: Range<u64>) -> (Tally, Vec<RunRecord>) {
    run_chunk(&Engine::new(scenario), scenario, runs, Records::PerState, &Interrupt::new())
}

/// Which per-run records a chunk keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Records {
    None,
    PerRun,
    PerState,
}

impl BatchPlan {
    fn records(&self) -> Records {
        match (self.per_run, self.per_state) {
            (_, true) => Records::PerState,
            (true, false) => Records::PerRun,
            (false, false) => Records::None,
        }
    }
}

/// Splits `runs` at multiples of [`CHUNK_RUNS`].
fn chunks(runs: &Range<u64>) -> Vec<Range<u64>> {
    let mut out = Vec::new();
    let mut start = runs.start;
    while start < runs.end {
        let end = ((start / CHUNK_RUNS + 1) * CHUNK_RUNS).min(runs.end);
        out.push(start..end);
        start = end;
    }
    out
}

/// Simulates `runs`, or fewer if `interrupt` is raised meanwhile (the
/// caller then drops the result).
fn run_chunk(
    engine: &Engine,
    scenario: &Scenario,
    runs: Range<u64>,
    kept: Records,
    interrupt: &Interrupt,
) -> (Tally, Vec<RunRecord>) {
    let mut recorder = Recorder::new(scenario);
    let mut records = Vec::new();
    let mut workspace = engine.workspace();
    for r in runs {
        if interrupt.is_requested() {
            break;
        }
        engine.run(r, &mut workspace, |votes| {
            recorder.record(&votes);
            if kept != Records::None {
                records.push(RunRecord {
                    run: r,
                    proposal: votes.proposal,
                    counts: votes.counts,
                    outcome: votes.outcome,
                    draws: votes.draws.to_vec(),
                    votes: if kept == Records::PerState { votes.votes.to_vec() } else { Vec::new() },
                });
            }
        });
    }
    (recorder.into_tally(), records)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_are_aligned_to_absolute_run_indices() {
        assert_eq!(chunks(&(0..1100)), vec![0..512, 512..1024, 1024..1100]);
        assert_eq!(chunks(&(500..1030)), vec![500..512, 512..1024, 1024..1030]);
        assert!(chunks(&(7..7)).is_empty());
    }

    #[test]
    fn the_hook_sees_every_wave_in_order_and_can_stop_the_batch() {
        let toml = "[scenario]\nname = \"h\"\n[[proposals]]\nid = \"P\"\nposition = [0.5, 0.0]\n";
        let scenario = crate::scenario::parse(toml, "h.toml", &[]).unwrap();
        let plan = BatchPlan { runs: 100..20_000, threads: 1, per_run: true, per_state: false };
        let wave_runs = (CHUNKS_PER_THREAD as u64) * CHUNK_RUNS;
        let mut seen = Vec::new();
        let result = run(&scenario, &plan, &Interrupt::new(), &|_| {}, |wave| {
            assert_eq!(wave.tally.runs(), wave.runs.end - 100, "the tally of every run so far");
            assert_eq!(wave.records.len() as u64, wave.runs.end - wave.runs.start);
            assert_eq!(wave.records.first().map(|r| r.run), Some(wave.runs.start));
            seen.push(wave.runs.clone());
            Ok(if seen.len() == 2 { Flow::Stop } else { Flow::Continue })
        });
        assert!(matches!(result, Err(BatchError::Stopped { done }) if done == 2 * wave_runs - 100));
        assert_eq!(seen, [100..wave_runs, wave_runs..2 * wave_runs]);
    }

    #[test]
    fn shards_partition_the_runs() {
        for (runs, count) in [(10u64, 3u64), (20_000, 7), (5, 8), (u64::MAX, 3)] {
            let ranges: Vec<_> = (0..count).map(|i| shard_range(runs, i, count)).collect();
            assert_eq!(ranges[0].start, 0);
            assert_eq!(ranges.last().unwrap().end, runs);
            for pair in ranges.windows(2) {
                assert_eq!(pair[0].end, pair[1].start);
            }
        }
    }
}
