//! Results depend only on the scenario, the seed and the run indices: never
//! on the number of threads, on sharding, or on anything else about how a
//! batch ran (every file, `votes.csv`, `given.csv`, `scenario.json` and
//! `membership.csv` included). Checked byte for byte through the binary, and on the exact
//! tallies through the library (shard tallies merge into the whole batch's;
//! merging is associative and commutative; parallel equals sequential).
//! Also: a result directory never holds a complete-looking file from an
//! unfinished batch.

use crate::common::{
    EU_SPLIT_2018, OEWG_2018, ResultDir, entry_names, file_differences, package_path, run_command, temp_dir, text,
};
use std::fs;
use std::io::Write;
use std::ops::Range;
use ungasim::aggregate::Tally;
use ungasim::batch::{self, BatchPlan, RunRecord};
use ungasim::export::OutputDir;
use ungasim::interrupt::Interrupt;
use ungasim::model::Scenario;

/// Runs per batch: more than eight chunks of 512 (so one thread works
/// through several waves) and not a multiple of 512 (a partial last chunk).
const RUNS: u64 = 5001;
const RUNS_ARG: &str = "5001";

/// Asserts that two batches wrote the same CSV files, byte for byte, and
/// the same manifest apart from the execution fields.
fn assert_same_results(reference: &ResultDir, other: &ResultDir, what: &str) {
    let differences = file_differences(&reference.csv_files(), &other.csv_files());
    assert!(differences.is_empty(), "{what}:\n{}", differences.join("\n"));
    assert_eq!(reference.manifest_result(), other.manifest_result(), "{what}: manifest.json");
}

#[test]
fn threads_do_not_change_any_output() {
    for scenario in [OEWG_2018, EU_SPLIT_2018] {
        let args = ["--runs", RUNS_ARG, "--per-run", "--per-state", "--given", "DEU=no", "--threads"];
        let batches = ["1", "2", "4"].map(|t| (t, ResultDir::run(scenario, &[&args[..], &[t]].concat())));
        let (_, reference) = &batches[0];
        for (threads, batch) in &batches {
            assert_eq!(batch.manifest()["threads"].to_string(), *threads, "--threads did not reach the batch");
            assert_same_results(reference, batch, &format!("{scenario} --threads 1 vs --threads {threads}"));
        }
    }
}

#[test]
fn shards_concatenate_to_the_unsharded_runs_csv() {
    for scenario in [OEWG_2018, EU_SPLIT_2018] {
        let whole = ResultDir::run(scenario, &["--runs", RUNS_ARG, "--per-run"]);
        let whole_runs = whole.read("runs.csv");
        let header = whole_runs.lines().next().unwrap();
        let mut concatenated = format!("{header}\n");
        let mut next_run = 0;
        for index in 1..=3 {
            let shard = ResultDir::run(scenario, &["--runs", RUNS_ARG, "--per-run", "--shard", &format!("{index}/3")]);
            let manifest = shard.manifest();
            assert_eq!(manifest["shard"], serde_json::json!([index, 3]));
            assert_eq!(manifest["runs"], RUNS);
            assert_eq!(manifest["run_range"][0], next_run, "shards must be contiguous");
            next_run = manifest["run_range"][1].as_u64().unwrap();
            let runs = shard.read("runs.csv");
            let (shard_header, rows) = runs.split_once('\n').unwrap();
            assert_eq!(shard_header, header);
            concatenated.push_str(rows);
        }
        assert_eq!(next_run, RUNS, "shards must cover every run");
        assert!(
            concatenated == whole_runs,
            "{scenario}: shards 1/3, 2/3, 3/3 concatenated differ from the whole batch"
        );
    }
}

fn load(path: &str) -> Scenario {
    ungasim::scenario::load(&package_path(path), &[]).unwrap_or_else(|e| panic!("{e}"))
}

/// `batch::run` over `runs` on `threads` threads: the tally and the per-run records.
fn simulate(scenario: &Scenario, runs: Range<u64>, threads: usize) -> (Tally, Vec<RunRecord>) {
    let mut records = Vec::new();
    let plan = BatchPlan { runs, threads, per_run: true, per_state: true };
    let tally = batch::run(scenario, &plan, &Interrupt::new(), &|_| {}, |wave| {
        records.extend_from_slice(wave.records);
        Ok(batch::Flow::Continue)
    })
    .unwrap();
    (tally, records)
}

/// Asserts `actual == expected`. Not `assert_eq!`: a Tally's Debug output
/// is huge.
fn assert_same_tally(actual: &Tally, expected: &Tally, what: &str) {
    assert!(actual == expected, "{what}: the counts differ");
}

fn sum(a: &Tally, b: &Tally) -> Tally {
    let mut total = a.clone();
    total.merge(b).expect("tallies of one scenario");
    total
}

#[test]
fn shard_tallies_merge_into_the_whole_batch_in_any_order() {
    let scenario = load(EU_SPLIT_2018);
    let (whole, whole_records) = simulate(&scenario, 0..RUNS, 2);
    assert_eq!(whole.runs(), RUNS);
    let shards: Vec<(Tally, Vec<RunRecord>)> =
        (0..3).map(|i| simulate(&scenario, batch::shard_range(RUNS, i, 3), 2)).collect();
    let [(a, _), (b, _), (c, _)] = &shards[..] else { unreachable!() };
    assert!(a != b && b != c, "shards should differ, or the merge checks below prove nothing");
    assert_same_tally(&sum(&sum(a, b), c), &whole, "(a+b)+c vs the whole batch");
    assert_same_tally(&sum(a, &sum(b, c)), &whole, "a+(b+c) vs the whole batch");
    assert_same_tally(&sum(c, &sum(a, b)), &whole, "c+(a+b) vs the whole batch");
    assert_same_tally(&sum(&sum(b, a), c), &whole, "(b+a)+c vs the whole batch");
    assert_same_tally(&sum(&Tally::new(&scenario), &whole), &whole, "empty+whole vs the whole batch");
    let records: Vec<RunRecord> = shards.iter().flat_map(|(_, r)| r.iter().cloned()).collect();
    assert!(records == whole_records, "shard records concatenated differ from the whole batch's");
}

#[test]
fn parallel_batches_equal_the_sequential_reference() {
    let scenario = load(OEWG_2018);
    for runs in [0..RUNS, 700..1900] {
        let (sequential, sequential_records) = batch::run_sequential(&scenario, runs.clone());
        for threads in [1, 3] {
            let (parallel, records) = simulate(&scenario, runs.clone(), threads);
            assert_same_tally(&parallel, &sequential, &format!("runs {runs:?} on {threads} threads vs sequential"));
            assert!(records == sequential_records, "runs {runs:?} on {threads} threads: records differ");
        }
    }
}

#[test]
fn the_seed_alone_decides_the_numbers() {
    let args = ["--runs", "500", "--per-run"];
    let first = ResultDir::run(OEWG_2018, &args);
    let again = ResultDir::run(OEWG_2018, &args);
    assert_same_results(&first, &again, "the same command twice");
    // The scenario's seed is 73: saying so changes nothing.
    let explicit = ResultDir::run(OEWG_2018, &[&args[..], &["--seed", "73"]].concat());
    assert_same_results(&first, &explicit, "no --seed vs --seed 73 (the file's seed)");
    let other = ResultDir::run(OEWG_2018, &[&args[..], &["--seed", "74"]].concat());
    assert_eq!(other.manifest()["seed"], 74);
    for file in ["distribution.csv", "runs.csv", "states.csv"] {
        assert_ne!(first.read(file), other.read(file), "{file}: --seed 74 gave the same as 73");
    }
}

/// Names in `dir` that are partial files or the manifest.
fn partial_or_manifest(dir: &std::path::Path) -> Vec<String> {
    entry_names(dir).into_iter().filter(|n| n.ends_with(".partial") || n == "manifest.json").collect()
}

#[test]
fn an_output_dir_dropped_without_commit_leaves_no_files() {
    let tmp = temp_dir();
    let dir = tmp.path().join("out");
    {
        let mut out = OutputDir::create(&dir, false).unwrap();
        let (mut file, partial) = out.stage("summary.csv").unwrap();
        file.write_all(b"proposal,runs\n").unwrap();
        drop(file);
        assert!(partial.exists(), "staged file not written");
        assert!(!dir.join("summary.csv").exists(), "a staged file is visible under its final name");
    }
    assert_eq!(entry_names(&dir), Vec::<String>::new(), "an uncommitted batch left files behind");
}

#[test]
fn a_failed_batch_leaves_no_manifest_and_no_partial_files() {
    let tmp = temp_dir();
    let out = tmp.path().join("out");
    // A directory where blocs.csv belongs makes renaming it into place fail.
    fs::create_dir_all(out.join("blocs.csv")).unwrap();
    let failed = run_command(OEWG_2018, &out, &["--runs", "100", "--per-run", "--force"]).assert().failure();
    assert!(text(&failed.get_output().stderr).contains("blocs.csv"));
    assert_eq!(partial_or_manifest(&out), Vec::<String>::new(), "a failed batch looks complete or left partial files");
}

/// Regression: `OutputDir::commit` used to keep the old manifest.json until
/// the end, so a failed --force batch left new CSV files beside the previous
/// batch's manifest.
#[test]
fn a_failed_forced_batch_does_not_keep_the_old_manifest() {
    let tmp = temp_dir();
    let out = tmp.path().join("out");
    run_command(OEWG_2018, &out, &["--runs", "100"]).assert().success();
    fs::remove_file(out.join("blocs.csv")).unwrap();
    fs::create_dir(out.join("blocs.csv")).unwrap();
    run_command(OEWG_2018, &out, &["--runs", "100", "--seed", "5", "--force"]).assert().failure();
    assert_eq!(partial_or_manifest(&out), Vec::<String>::new(), "the old manifest vouches for new, incomplete results");
}
