//! A Monte Carlo batch: runs split into index ranges, simulated in
//! parallel on a local rayon pool, aggregated exactly, in memory that does
//! not grow with the number of runs.
//!
//! Runs are simulated in waves of chunks ([`Layout`]); every worker thread
//! records its chunks into one long-lived [`Recorder`] of its own, which is
//! added into the batch's total after each wave and cleared (not
//! reallocated). So a batch holds `threads + 1` tallies whatever its
//! number of runs, and the per-run records of one wave (`--per-run`,
//! `--per-state`) stay under [`RECORDS_BUDGET`]. Each run draws from its own
//! random stream, tallies are integer counts and per-run records are
//! handed on in run order, so the output is the same for any `--threads`
//! and any cut into waves and chunks. After every wave a hook sees the
//! wave's per-run records and the exact tally so far, so it can stream
//! `runs.csv`, checkpoint, or cancel the batch ([`Flow::Stop`]). A stop
//! request ([`Interrupt`]) is looked at before every run: a wave it cuts
//! short is dropped whole, so a stopped batch has handed on only whole
//! waves, and stops within one run.

use crate::aggregate::{Recorder, Shape, ShapeError, Tally};
use crate::engine::rule::Outcome;
use crate::engine::{Engine, Workspace};
use crate::interrupt::Interrupt;
use crate::model::{Scenario, Vote};
use std::ops::Range;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Runs per chunk, at most: the unit of parallel work.
pub const CHUNK_RUNS: u64 = 512;

/// Chunks per thread in one wave.
const CHUNKS_PER_THREAD: u64 = 8;

/// Bytes of per-run records (`--per-run`, `--per-state`) a batch may hold at
/// once, about: a wave's records twice (as its chunks made them, then in run
/// order for the hook). A wave has fewer runs when its records would take
/// more (but at least one run per thread).
pub const RECORDS_BUDGET: u64 = 64 << 20;

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

/// How a batch is cut into waves and chunks: wave `w` holds runs
/// `w * wave_runs ..` and chunk `c` runs `c * chunk_runs ..` (absolute run
/// indices, clipped to the batch's range). It depends on the scenario's
/// size, the threads and the records kept, never on the number of runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    /// Runs of a whole wave (a multiple of `chunk_runs`).
    pub wave_runs: u64,
    /// Runs of a whole chunk (1..=[`CHUNK_RUNS`]).
    pub chunk_runs: u64,
}

impl Layout {
    /// The layout of `plan` on `scenario`: `threads` x 8 chunks of
    /// [`CHUNK_RUNS`] a wave, fewer and smaller ones when the wave's per-run
    /// records would exceed [`RECORDS_BUDGET`] (never below one run per thread).
    pub fn of(scenario: &Scenario, plan: &BatchPlan) -> Layout {
        let threads = plan.threads.max(1) as u64;
        let chunks = threads * CHUNKS_PER_THREAD;
        let budget_runs = match record_bytes(scenario, plan.records()) {
            0 => u64::MAX,
            bytes => RECORDS_BUDGET / (2 * bytes * scenario.proposals.len().max(1) as u64),
        };
        let chunk_runs = (budget_runs / chunks).clamp(1, CHUNK_RUNS);
        let chunks = if chunk_runs == 1 { budget_runs.clamp(threads, chunks) } else { chunks };
        Layout { wave_runs: chunk_runs * chunks, chunk_runs }
    }

    /// Bytes of the per-run records a batch of `plan` on `scenario` holds at
    /// once, about: a whole wave's, twice (0 without records).
    pub fn records_bytes(&self, scenario: &Scenario, plan: &BatchPlan) -> u64 {
        2 * self.wave_runs * scenario.proposals.len() as u64 * record_bytes(scenario, plan.records())
    }

    /// The waves of `runs`, in order.
    pub fn waves(&self, runs: &Range<u64>) -> impl Iterator<Item = Range<u64>> {
        cut(runs.clone(), self.wave_runs)
    }

    /// The chunks of `wave`, in order.
    pub fn chunks(&self, wave: Range<u64>) -> impl Iterator<Item = Range<u64>> {
        cut(wave, self.chunk_runs)
    }
}

/// Bytes of one [`RunRecord`] kept as `kept` says, with its heap parts, about.
fn record_bytes(scenario: &Scenario, kept: Records) -> u64 {
    let draws = 8 * scenario.uncertain.len() as u64;
    match kept {
        Records::None => 0,
        Records::PerRun => size_of::<RunRecord>() as u64 + draws + 16,
        Records::PerState => size_of::<RunRecord>() as u64 + draws + scenario.states.len() as u64 + 32,
    }
}

/// Splits `runs` at the multiples of `size`.
fn cut(runs: Range<u64>, size: u64) -> impl Iterator<Item = Range<u64>> {
    let mut start = runs.start;
    std::iter::from_fn(move || {
        (start < runs.end).then(|| {
            let end = (start / size).saturating_add(1).saturating_mul(size).min(runs.end);
            let range = start..end;
            start = end;
            range
        })
    })
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
/// every run has its own random stream and counts add exactly, the result
/// is the same as that of one uninterrupted batch.
pub fn run_from(
    scenario: &Scenario,
    plan: &BatchPlan,
    start: Tally,
    interrupt: &Interrupt,
    progress: &(dyn Fn(u64) + Sync),
    hook: impl FnMut(&Wave<'_>) -> Result<Flow, SinkError>,
) -> Result<Tally, BatchError> {
    run_with(scenario, plan, start, interrupt, progress, hook, &|| Recorder::new(scenario))
}

/// [`run_from`] with the workers' recorders made by `new_recorder` (one per
/// thread, for the whole batch).
fn run_with(
    scenario: &Scenario,
    plan: &BatchPlan,
    start: Tally,
    interrupt: &Interrupt,
    progress: &(dyn Fn(u64) + Sync),
    mut hook: impl FnMut(&Wave<'_>) -> Result<Flow, SinkError>,
    new_recorder: &dyn Fn() -> Recorder,
) -> Result<Tally, BatchError> {
    start.check(&Shape::of(scenario))?;
    let engine = Engine::new(scenario);
    let pool = pool(plan.threads)?;
    let layout = Layout::of(scenario, plan);
    let kept = plan.records();
    let workers = per_thread(plan.threads, || (new_recorder(), engine.workspace()));
    let mut total = start;
    let mut done = 0;
    let mut records = Vec::new();
    for runs in layout.waves(&plan.runs) {
        let chunk_records = on_threads(&pool, &workers, layout.chunks(runs.clone()), |worker, chunk| {
            let (recorder, workspace) = worker;
            let chunk_records = run_chunk(&engine, recorder, workspace, chunk.clone(), kept, interrupt);
            progress(chunk.end - chunk.start);
            chunk_records
        });
        if interrupt.is_requested() {
            return Err(BatchError::Interrupted { done });
        }
        records.clear();
        records.reserve_exact(chunk_records.iter().map(Vec::len).sum());
        records.extend(chunk_records.into_iter().flatten());
        for worker in &workers {
            let (recorder, _) = &mut *lock(worker);
            total.merge(recorder.tally()).expect("every worker's tally has the scenario's shape");
            recorder.clear();
        }
        done += runs.end - runs.start;
        match hook(&Wave { runs, records: &records, tally: &total }).map_err(BatchError::Sink)? {
            Flow::Continue => {}
            Flow::Stop => return Err(BatchError::Stopped { done }),
        }
    }
    Ok(total)
}

/// A local pool of `threads` worker threads.
pub fn pool(threads: usize) -> Result<rayon::ThreadPool, BatchError> {
    rayon::ThreadPoolBuilder::new().num_threads(threads).build().map_err(|source| BatchError::Pool { threads, source })
}

/// One state per worker thread of a pool of `threads`, made by `make`.
pub fn per_thread<S>(threads: usize, mut make: impl FnMut() -> S) -> Vec<Mutex<S>> {
    (0..threads.max(1)).map(|_| Mutex::new(make())).collect()
}

/// The state of one worker (a panic in another worker does not make it unusable).
fn lock<S>(state: &Mutex<S>) -> std::sync::MutexGuard<'_, S> {
    state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Runs `work` on every chunk of `chunks`, spread over `pool`'s threads,
/// and returns the chunks' results in chunk order. Thread `i` works with
/// `states[i]` only (one per thread, see [`per_thread`]), so the states are
/// accumulators that outlive the chunks: whatever the number of chunks, the
/// memory is that of `states` and of the results.
pub fn on_threads<S: Send, R: Send>(
    pool: &rayon::ThreadPool,
    states: &[Mutex<S>],
    chunks: impl Iterator<Item = Range<u64>>,
    work: impl Fn(&mut S, Range<u64>) -> R + Sync,
) -> Vec<R> {
    let chunks: Vec<Range<u64>> = chunks.collect();
    let next = AtomicUsize::new(0);
    let mut results: Vec<(usize, R)> = pool
        .broadcast(|context| {
            let mut state = lock(&states[context.index() % states.len()]);
            let mut mine = Vec::new();
            loop {
                let k = next.fetch_add(1, Ordering::Relaxed);
                let Some(chunk) = chunks.get(k) else { break };
                mine.push((k, work(&mut state, chunk.clone())));
            }
            mine
        })
        .into_iter()
        .flatten()
        .collect();
    results.sort_unstable_by_key(|&(k, _)| k);
    results.into_iter().map(|(_, result)| result).collect()
}

/// Simulates `runs` sequentially on the calling thread: the reference the
/// parallel path is tested against (records with every state's vote).
pub fn run_sequential(scenario: &Scenario, runs: Range<u64>) -> (Tally, Vec<RunRecord>) {
    let engine = Engine::new(scenario);
    let mut recorder = Recorder::new(scenario);
    let records =
        run_chunk(&engine, &mut recorder, &mut engine.workspace(), runs, Records::PerState, &Interrupt::new());
    (recorder.into_tally(), records)
}

/// Times runs `0, 1, 2, ...` of `scenario` on the calling thread, recorded
/// as a batch records them, until `time` has passed or `max_runs` are done
/// (at least one): returns the runs done and the time they took, set-up
/// aside. For estimates; the tally is dropped.
pub fn time_runs(scenario: &Scenario, max_runs: u64, time: std::time::Duration) -> (u64, std::time::Duration) {
    let engine = Engine::new(scenario);
    let mut recorder = Recorder::new(scenario);
    let mut workspace = engine.workspace();
    let clock = std::time::Instant::now();
    let mut runs = 0;
    while runs == 0 || (runs < max_runs && clock.elapsed() < time) {
        engine.run(runs, &mut workspace, |votes| recorder.record(&votes));
        runs += 1;
    }
    (runs, clock.elapsed())
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

/// Simulates `runs` into `recorder`, or fewer if `interrupt` is raised
/// meanwhile (the caller then drops the wave), and returns the records kept.
fn run_chunk(
    engine: &Engine,
    recorder: &mut Recorder,
    workspace: &mut Workspace,
    runs: Range<u64>,
    kept: Records,
    interrupt: &Interrupt,
) -> Vec<RunRecord> {
    let wanted = if kept == Records::None { 0 } else { (runs.end - runs.start) as usize * engine.proposals() };
    let mut records = Vec::with_capacity(wanted);
    for r in runs {
        if interrupt.is_requested() {
            break;
        }
        engine.run(r, workspace, |votes| {
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
    records
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_are_aligned_to_absolute_run_indices() {
        assert_eq!(cut(0..1100, 512).collect::<Vec<_>>(), vec![0..512, 512..1024, 1024..1100]);
        assert_eq!(cut(500..1030, 512).collect::<Vec<_>>(), vec![500..512, 512..1024, 1024..1030]);
        assert_eq!(cut(7..7, 512).count(), 0);
        assert_eq!(cut(u64::MAX - 3..u64::MAX, 512).collect::<Vec<_>>(), vec![u64::MAX - 3..u64::MAX]);
    }

    /// A scenario of `proposals` proposals with one `[[uncertain]]` entry.
    fn scenario(proposals: usize) -> Scenario {
        let mut toml = "[scenario]\nname = \"m\"\n[[uncertain]]\nparam = \"model.conformity\"\n\
                        dist = \"uniform\"\nlow = 0.2\nhigh = 0.8\n"
            .to_string();
        for j in 0..proposals {
            toml += &format!("[[proposals]]\nid = \"P{j}\"\nposition = [0.5, 0.0]\n");
        }
        crate::scenario::parse(&toml, "m.toml", &[]).unwrap()
    }

    #[test]
    fn a_wave_keeps_its_records_under_the_budget() {
        let big = scenario(1000);
        for (per_run, per_state) in [(true, false), (true, true)] {
            for threads in [1, 2, 16] {
                let plan = BatchPlan { runs: 0..1, threads, per_run, per_state };
                let layout = Layout::of(&big, &plan);
                let one_run = layout.records_bytes(&big, &plan) / layout.wave_runs;
                assert!(layout.wave_runs >= threads as u64, "{layout:?}: a run per thread");
                assert!(
                    layout.records_bytes(&big, &plan) <= RECORDS_BUDGET.max(threads as u64 * one_run),
                    "{layout:?}"
                );
                assert_eq!(layout.wave_runs % layout.chunk_runs, 0);
            }
        }
        // Without records, or with few proposals, waves are threads x 8 chunks of 512.
        let plan = BatchPlan { runs: 0..1, threads: 2, per_run: false, per_state: false };
        assert_eq!(Layout::of(&big, &plan), Layout { wave_runs: 16 * CHUNK_RUNS, chunk_runs: CHUNK_RUNS });
        let plan = BatchPlan { per_run: true, per_state: true, ..plan };
        assert_eq!(Layout::of(&scenario(2), &plan), Layout { wave_runs: 16 * CHUNK_RUNS, chunk_runs: CHUNK_RUNS });
    }

    /// The batch makes one recorder per thread whatever its number of runs,
    /// and every wave's records stay within the layout: the memory does not
    /// grow with the runs (and the result is the sequential one).
    #[test]
    fn memory_does_not_grow_with_the_runs() {
        let sc = scenario(40);
        for threads in [1, 3] {
            let mut seen = Vec::new();
            for runs in [50, 3000] {
                let plan = BatchPlan { runs: 0..runs, threads, per_run: true, per_state: true };
                let layout = Layout::of(&sc, &plan);
                let made = AtomicUsize::new(0);
                let new_recorder = || {
                    made.fetch_add(1, Ordering::Relaxed);
                    Recorder::new(&sc)
                };
                let mut most_records = 0;
                let tally = run_with(
                    &sc,
                    &plan,
                    Tally::new(&sc),
                    &Interrupt::new(),
                    &|_| {},
                    |wave| {
                        most_records = most_records.max(wave.records.len());
                        Ok(Flow::Continue)
                    },
                    &new_recorder,
                )
                .unwrap();
                assert!(most_records as u64 <= layout.wave_runs * 40, "{most_records} records in a wave");
                seen.push(made.into_inner());
                if runs == 50 {
                    assert_eq!(tally, run_sequential(&sc, 0..50).0);
                }
            }
            assert_eq!(seen, [threads, threads], "recorders made at 50 and 3000 runs");
        }
    }

    #[test]
    fn the_hook_sees_every_wave_in_order_and_can_stop_the_batch() {
        let toml = "[scenario]\nname = \"h\"\n[[proposals]]\nid = \"P\"\nposition = [0.5, 0.0]\n";
        let scenario = crate::scenario::parse(toml, "h.toml", &[]).unwrap();
        let plan = BatchPlan { runs: 100..20_000, threads: 1, per_run: true, per_state: false };
        let wave_runs = CHUNKS_PER_THREAD * CHUNK_RUNS;
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
