//! Throughput benchmark: state-votes per second (runs x proposals x 193 /
//! wall time) for the shipped 2018 scenario (full model) and for the
//! simplest model (rounds 0, jitter 0), on all cores and on one, and the
//! ratio full / simplest for each (the cost of the model beyond drawing one
//! random number per state-vote).
//!
//! Run with `cargo bench` (optionally `cargo bench -- RUNS`); set
//! `UNGASIM_SCALAR=1` to measure the baseline path instead of AVX2.

use std::time::Instant;
use ungasim::batch::{self, BatchPlan};
use ungasim::engine::simd;
use ungasim::interrupt::Interrupt;
use ungasim::scenario;

const SCENARIO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/oewg-vs-gge-2018.toml");

/// State-votes per second of `runs` runs of the 2018 scenario with `overrides` on `threads` threads.
fn rate(overrides: &[String], runs: u64, threads: usize) -> (f64, f64) {
    let scenario = scenario::load(SCENARIO.as_ref(), overrides).expect("shipped scenario loads");
    let votes_per_run = (scenario.proposals.len() * scenario.states.len()) as f64;
    let plan = BatchPlan { runs: 0..runs, threads, per_run: false, per_state: false };
    let clock = Instant::now();
    let tally =
        batch::run(&scenario, &plan, &Interrupt::new(), &|_| {}, |_| Ok(batch::Flow::Continue)).expect("batch runs");
    let seconds = clock.elapsed().as_secs_f64();
    assert_eq!(tally.runs(), runs);
    (seconds, runs as f64 * votes_per_run / seconds)
}

fn main() {
    let runs: u64 = std::env::args().skip(1).find_map(|a| a.parse().ok()).unwrap_or(400_000);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let simplest = ["model.rounds=0".to_string(), "model.position_jitter=0".to_string()];
    let mut threads_list = vec![cores];
    if cores > 1 {
        threads_list.push(1);
    }
    println!("ungasim throughput, {runs} runs, {cores} cores available, engine path {}", simd::path().name());
    println!("{:<30} {:>8} {:>10} {:>16}", "model", "threads", "seconds", "state-votes/s");
    let mut ratios = Vec::new();
    for &threads in &threads_list {
        let mut rates = [0.0; 2];
        for (k, (label, overrides)) in
            [("full (oewg-vs-gge-2018)", &[][..]), ("simplest (rounds 0, jitter 0)", &simplest[..])].iter().enumerate()
        {
            let (seconds, rate) = rate(overrides, runs, threads);
            rates[k] = rate;
            println!("{label:<30} {threads:>8} {seconds:>10.3} {:>14.1} M", rate / 1e6);
        }
        ratios.push((threads, rates[0] / rates[1]));
    }
    for (threads, ratio) in ratios {
        println!("full / simplest on {threads} thread{}: {ratio:.2}", if threads == 1 { "" } else { "s" });
    }
}
