//! Throughput benchmark: state-votes per second (runs x proposals x 193 /
//! wall time) for the shipped 2018 scenario (full model) and for the
//! simplest model (rounds 0, jitter 0), on all cores and on one.
//!
//! Run with `cargo bench` (optionally `cargo bench -- RUNS`).

use std::time::Instant;
use ungasim::batch::{self, BatchPlan};
use ungasim::interrupt::Interrupt;
use ungasim::scenario;

const SCENARIO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/oewg-vs-gge-2018.toml");

fn main() {
    let runs: u64 = std::env::args().skip(1).find_map(|a| a.parse().ok()).unwrap_or(400_000);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let simplest = ["model.rounds=0".to_string(), "model.position_jitter=0".to_string()];
    println!("ungasim throughput, {runs} runs, {cores} cores available");
    println!("{:<28} {:>8} {:>10} {:>22}", "model", "threads", "seconds", "state-votes/s");
    for (label, overrides) in [("full (oewg-vs-gge-2018)", &[][..]), ("simplest (rounds 0, jitter 0)", &simplest[..])] {
        let scenario = scenario::load(SCENARIO.as_ref(), overrides).expect("shipped scenario loads");
        let votes_per_run = (scenario.proposals.len() * scenario.states.len()) as f64;
        let mut threads_list = vec![cores];
        if cores > 1 {
            threads_list.push(1);
        }
        for threads in threads_list {
            let plan = BatchPlan { runs: 0..runs, threads, per_run: false, per_state: false };
            let clock = Instant::now();
            let tally = batch::run(&scenario, &plan, &Interrupt::new(), &|_| {}, |_| Ok(batch::Flow::Continue))
                .expect("batch runs");
            let seconds = clock.elapsed().as_secs_f64();
            assert_eq!(tally.runs(), runs);
            let rate = runs as f64 * votes_per_run / seconds;
            println!("{label:<28} {threads:>8} {seconds:>10.3} {:>20.1} M", rate / 1e6);
        }
    }
}
