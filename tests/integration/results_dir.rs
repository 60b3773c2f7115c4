//! The result directory as a place results can trust (issue 8): one writer
//! at a time, leftovers of an interrupted batch listed and removed by
//! `--force`, an empty run range refused before anything is written, every
//! CSV file with its header, and an interrupted batch that writes nothing
//! and says so. What needs root (read-only mounts, a full disk) or
//! `kill -9` is in `tests/trust.sh`.

use crate::common::{
    OEWG_2018, TABLE_FILES, dir_files, entry_names, package_path, run_command, temp_dir, text, ungasim_process,
};
use std::fs;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};
use ungasim::aggregate::Tally;
use ungasim::commands::{self, Interrupted, RunSettings};
use ungasim::export::{self, DirLock, LOCK_FILE, OutputDir, RunsWriter};
use ungasim::interrupt::Interrupt;

#[test]
fn a_directory_locked_by_another_process_is_refused_naming_its_pid() {
    let tmp = temp_dir();
    let out = tmp.path().join("out");
    run_command(OEWG_2018, &out, &["--runs", "200"]).assert().success();
    let before = dir_files(&out);
    // This test's process holds the lock, as a running batch would.
    let held = DirLock::acquire(&out).unwrap();
    let pid = format!("PID {}", std::process::id());
    for args in [&["--runs", "200"][..], &["--runs", "200", "--seed", "2", "--force", "--per-run"]] {
        let refused = run_command(OEWG_2018, &out, args).assert().code(3);
        let stderr = text(&refused.get_output().stderr);
        assert!(stderr.contains(&pid) && stderr.contains("another ungasim run"), "{args:?}: {stderr}");
    }
    drop(held);
    assert_eq!(dir_files(&out), before, "a refused writer changed the results (or the lock file stayed)");
}

#[test]
fn a_lock_file_left_by_a_killed_run_does_not_block() {
    let tmp = temp_dir();
    let out = tmp.path().join("out");
    fs::create_dir(&out).unwrap();
    // kill -9 leaves the file (with a dead PID) but not the lock.
    fs::write(out.join(LOCK_FILE), "4000000000\n").unwrap();
    run_command(OEWG_2018, &out, &["--runs", "10"]).assert().success();
    assert_eq!(entry_names(&out), TABLE_FILES, "the stale lock file should be taken over and removed");
}

#[test]
fn leftovers_of_an_interrupted_batch_are_listed_and_removed_by_force() {
    let tmp = temp_dir();
    let out = tmp.path().join("out");
    fs::create_dir(&out).unwrap();
    fs::write(out.join(".runs.csv.partial"), "run,proposal,yes,no,abstain,absent,outcome\n0,A/RES/73/2").unwrap();
    fs::write(out.join(".summary.csv.partial"), "").unwrap();
    let before = dir_files(&out);

    let refused = run_command(OEWG_2018, &out, &["--runs", "10"]).assert().code(1);
    let stderr = text(&refused.get_output().stderr);
    for expected in ["not empty", ".runs.csv.partial", ".summary.csv.partial", "--force"] {
        assert!(stderr.contains(expected), "the refusal should name `{expected}`: {stderr}");
    }
    assert_eq!(dir_files(&out), before, "a refused run changed the directory");

    run_command(OEWG_2018, &out, &["--runs", "10", "--force"]).assert().success();
    assert_eq!(entry_names(&out), TABLE_FILES, "--force left a stale partial file");
}

#[test]
fn an_empty_run_range_is_refused_up_front() {
    let tmp = temp_dir();
    let out = tmp.path().join("out");
    for (shard, runs) in [("1/3", "2"), ("3/5", "3"), ("6/7", "1")] {
        let refused = run_command(OEWG_2018, &out, &["--shard", shard, "--runs", runs]).assert().code(1);
        let stderr = text(&refused.get_output().stderr);
        assert!(stderr.contains(&format!("--shard {shard}")) && stderr.contains("empty"), "{shard}: {stderr}");
        assert!(!out.exists(), "--shard {shard} --runs {runs} created the result directory");
    }
    // The shards around an empty one are not empty, and are run.
    run_command(OEWG_2018, &out, &["--shard", "2/3", "--runs", "2"]).assert().success();
}

#[test]
fn every_csv_file_has_its_header_even_without_rows() {
    let scenario = ungasim::scenario::load(&package_path(OEWG_2018), &[]).unwrap();
    let tmp = temp_dir();
    let dir = tmp.path().join("out");
    let mut out = OutputDir::create(&dir, false).unwrap();
    RunsWriter::create(&mut out, &scenario).unwrap().finish().unwrap();
    // No run at all: no histogram entries, no per-run rows, undefined shares.
    export::write_tables(&mut out, &scenario, &Tally::new(&scenario)).unwrap();
    out.commit().unwrap();

    let read = |name: &str| fs::read_to_string(dir.join(name)).unwrap();
    assert_eq!(read("distribution.csv"), "proposal,measure,value,runs\n");
    assert_eq!(read("runs.csv"), "run,proposal,yes,no,abstain,absent,outcome\n");
    for (name, header) in [
        ("summary.csv", "proposal,runs,p_adopted,p_adopted_lo,p_adopted_hi,p_consensus,yes_mean,"),
        ("states.csv", "proposal,iso3,name,group,p_yes,p_no,p_abstain,p_absent,p_decisive,p_tipping,recorded_vote\n"),
        ("blocs.csv", "proposal,bloc,members,agreement_mean,p_swing,p_majority_yes\n"),
    ] {
        assert!(read(name).starts_with(header), "{name} does not start with its header");
    }
    // Shares of no runs are not defined: empty fields, the interval too.
    let summary = read("summary.csv");
    let first_row: Vec<&str> = summary.lines().nth(1).unwrap().split(',').collect();
    assert_eq!(first_row[1..6], ["0", "", "", "", ""], "summary.csv {first_row:?}");
}

/// `run` settings for `OEWG_2018` into `out`.
fn settings(out: &Path, runs: u64, force: bool) -> RunSettings {
    RunSettings {
        scenario: package_path(OEWG_2018),
        runs: Some(runs),
        seed: None,
        threads: 2,
        out: Some(out.to_path_buf()),
        overrides: Vec::new(),
        given: Vec::new(),
        roster: None,
        per_run: true,
        per_state: false,
        report: false,
        shard: None,
        force,
        resume: false,
        command_line: Vec::new(),
    }
}

#[test]
fn an_interrupted_batch_writes_nothing_and_keeps_earlier_results() {
    let tmp = temp_dir();
    let out = tmp.path().join("out");
    let interrupt = Interrupt::new();
    interrupt.request(2);
    let error = commands::run(&settings(&out, 5000, false), &interrupt, |_| {}, &|_| {}).unwrap_err();
    let interrupted = error.downcast_ref::<Interrupted>().expect("an Interrupted error");
    assert_eq!((interrupted.signal, interrupted.done, interrupted.runs), (Some(2), 0, 5000));
    assert_eq!(interrupted.exit_status(), 130);
    assert!(!interrupted.kept_results);
    assert_eq!(entry_names(&out), Vec::<String>::new(), "an interrupted batch left files");

    run_command(OEWG_2018, &out, &["--runs", "100"]).assert().success();
    let before = dir_files(&out);
    let error = commands::run(&settings(&out, 5000, true), &interrupt, |_| {}, &|_| {}).unwrap_err();
    let interrupted = error.downcast_ref::<Interrupted>().expect("an Interrupted error");
    assert!(interrupted.kept_results);
    let message = interrupted.to_string();
    assert!(message.contains("SIGINT") && message.contains("unchanged") && message.contains("again"), "{message}");
    assert_eq!(dir_files(&out), before, "an interrupted --force batch changed the earlier results");
}

#[test]
fn sigint_keeps_the_checkpoint_and_resume_finishes_the_batch() {
    let tmp = temp_dir();
    let out = tmp.path().join("out");
    let args = ["--runs", "300000", "--per-run"];
    let mut child = ungasim_process()
        .args(["run", OEWG_2018, "--quiet", "--threads", "1", "--out"])
        .arg(&out)
        .args(args)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let checkpoint = out.join(".checkpoint.json");
    let deadline = Instant::now() + Duration::from_secs(60);
    while !checkpoint.exists() {
        assert!(Instant::now() < deadline && child.try_wait().unwrap().is_none(), "no checkpoint was written");
        std::thread::sleep(Duration::from_millis(5));
    }
    let kill = std::process::Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(kill.success());
    let output = child.wait_with_output().unwrap();
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("interrupted by SIGINT") && stderr.contains("again with --resume"), "{stderr}");
    assert_eq!(entry_names(&out), [".checkpoint.json", ".runs.csv.partial"], "what SIGINT keeps");

    // Without --resume the checkpoint is not silently discarded.
    let refused = run_command(OEWG_2018, &out, &args).assert().code(1);
    assert!(text(&refused.get_output().stderr).contains("--resume"));
    run_command(OEWG_2018, &out, &[&args[..], &["--resume"]].concat()).assert().success();
    let whole = tmp.path().join("whole");
    run_command(OEWG_2018, &whole, &args).assert().success();
    crate::common::assert_same_batch(&whole, &out, "SIGINT, then --resume, vs an uninterrupted batch");
}
