//! `run --resume` (issue 6): a batch stopped anywhere (SIGINT, a stop
//! request, `kill -9`) and continued from its checkpoint writes exactly the
//! bytes of an uninterrupted batch, `runs.csv` and `votes.csv` included, for any threads in
//! any session; a checkpoint of another batch is refused and kept.

use crate::common::{
    EU_SPLIT_2018, OEWG_2018, assert_same_batch, entry_names, package_path, run_command, temp_dir, text,
    ungasim_process,
};
use std::fs;
use std::path::Path;
use std::process::Stdio;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use ungasim::commands::{self, Interrupted, RunSettings};
use ungasim::interrupt::Interrupt;

/// Runs: several waves at 1 to 3 threads, and a partial last chunk.
const RUNS: u64 = 30_001;

fn settings(out: &Path, threads: usize, resume: bool) -> RunSettings {
    RunSettings {
        scenario: package_path(EU_SPLIT_2018),
        runs: Some(RUNS),
        seed: None,
        threads,
        out: Some(out.to_path_buf()),
        overrides: Vec::new(),
        // A what-if condition: its tally is checkpointed and resumed with the rest.
        given: vec!["EU=split".into()],
        roster: None,
        per_run: true,
        per_state: true,
        report: false,
        shard: None,
        force: false,
        resume,
        command_line: Vec::new(),
    }
}

/// `run` (with `--resume`) on `threads` threads, stopped by a request once
/// `stop_after` runs of this session are done (None: not stopped); the
/// `Interrupted` error, if stopped.
fn session(out: &Path, threads: usize, stop_after: Option<u64>) -> Option<Interrupted> {
    let interrupt = Interrupt::new();
    let done = AtomicU64::new(0);
    let progress = |n: u64| {
        if stop_after.is_some_and(|stop| done.fetch_add(n, Ordering::SeqCst) + n >= stop) {
            interrupt.request(2);
        }
    };
    match commands::run(&settings(out, threads, true), &interrupt, |_| {}, &progress) {
        Ok(_) => None,
        Err(error) => Some(error.downcast::<Interrupted>().expect("only interrupted")),
    }
}

#[test]
fn stopped_anywhere_and_resumed_the_batch_writes_the_uninterrupted_bytes() {
    let tmp = temp_dir();
    let whole = tmp.path().join("whole");
    commands::run(&settings(&whole, 2, false), &Interrupt::new(), |_| {}, &|_| {}).unwrap();

    let out = tmp.path().join("out");
    // Stopped in the first wave: nothing to resume, nothing kept.
    let first = session(&out, 2, Some(1)).expect("stopped");
    assert!(!first.checkpoint && first.done == 0, "{first}");
    assert_eq!(entry_names(&out), Vec::<String>::new());
    // Stopped after some waves, resumed on other thread counts, stopped again.
    let mut done = 0;
    for (threads, stop_after) in [(2, 9_000), (1, 5_000), (3, 13_000)] {
        let stopped = session(&out, threads, Some(stop_after)).expect("stopped");
        assert!(stopped.checkpoint && stopped.done > done && stopped.done < RUNS, "{stopped}");
        assert!(stopped.to_string().contains("--resume"), "{stopped}");
        assert_eq!(entry_names(&out), [".checkpoint.json", ".runs.csv.partial", ".votes.csv.partial"]);
        done = stopped.done;
    }
    assert!(session(&out, 2, None).is_none(), "the last session finishes");
    assert_same_batch(&whole, &out, "stopped 4 times and resumed vs uninterrupted");
}

#[test]
fn a_checkpoint_of_another_batch_is_refused_and_kept() {
    let tmp = temp_dir();
    let out = tmp.path().join("out");
    assert!(session(&out, 2, Some(9_000)).expect("stopped").checkpoint);
    let checkpoint = fs::read(out.join(".checkpoint.json")).unwrap();
    let runs = RUNS.to_string();
    let base = ["--runs", runs.as_str(), "--per-run", "--resume", "--given", "EU=split"];
    let cases: [(&str, &[&str], &[&str]); 6] = [
        (EU_SPLIT_2018, &["--seed", "74"], &["seed", "73", "74"]),
        (OEWG_2018, &[], &["scenario_sha256"]),
        (EU_SPLIT_2018, &["--set", "model.noise_scale=0.9"], &["overrides"]),
        (EU_SPLIT_2018, &["--shard", "1/2"], &["runs 0..30001", "--shard"]),
        (EU_SPLIT_2018, &["--set", "scenario.runs=5"], &["overrides"]),
        (EU_SPLIT_2018, &["--given", "DEU=no"], &["given", "EU=split;DEU=no"]),
    ];
    for (scenario, extra, expected) in cases {
        let args = [&base[..], extra].concat();
        let refused = run_command(scenario, &out, &args).assert().code(1);
        let stderr = text(&refused.get_output().stderr);
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        for word in expected.iter().chain(&[".checkpoint.json", "another"]) {
            assert!(stderr.contains(word), "{extra:?}: `{word}` not in {stderr}");
        }
        assert_eq!(fs::read(out.join(".checkpoint.json")).unwrap(), checkpoint, "a refusal changed the checkpoint");
    }
    let without_given =
        run_command(EU_SPLIT_2018, &out, &["--runs", &runs, "--per-run", "--per-state", "--resume"]).assert().code(1);
    assert!(text(&without_given.get_output().stderr).contains("its given is \"EU=split\", this command's null"));
    let without_per_run =
        run_command(EU_SPLIT_2018, &out, &["--runs", &runs, "--resume", "--given", "EU=split"]).assert().code(1);
    assert!(text(&without_per_run.get_output().stderr).contains("--per-run"));
    // The checkpoint was made with --per-state (votes.csv), `base` is without it.
    let without_per_state = run_command(EU_SPLIT_2018, &out, &base).assert().code(1);
    assert!(text(&without_per_state.get_output().stderr).contains("--per-state"));
    assert_eq!(fs::read(out.join(".checkpoint.json")).unwrap(), checkpoint, "a refusal changed the checkpoint");
    // A truncated checkpoint: a JSON error naming the file.
    fs::write(out.join(".checkpoint.json"), &checkpoint[..checkpoint.len() / 2]).unwrap();
    let truncated = run_command(EU_SPLIT_2018, &out, &base).assert().code(1);
    let stderr = text(&truncated.get_output().stderr);
    assert!(stderr.contains(".checkpoint.json") && stderr.contains("line 1"), "{stderr}");
    // --force (without --resume) discards it.
    run_command(EU_SPLIT_2018, &out, &["--runs", "100", "--force"]).assert().success();
    assert!(!out.join(".checkpoint.json").exists());
}

/// Waits until `path` exists and has been replaced `times` more times (by
/// its modification time and size), while `child` runs.
fn wait_for_checkpoints(child: &mut std::process::Child, path: &Path, times: usize) {
    let deadline = Instant::now() + Duration::from_secs(60);
    let stamp = || fs::metadata(path).ok().map(|m| (m.modified().unwrap(), m.ino_or_len()));
    let mut seen = 0;
    let mut last = None;
    while seen <= times {
        assert!(Instant::now() < deadline && child.try_wait().unwrap().is_none(), "too few checkpoints");
        let now = stamp();
        if now.is_some() && now != last {
            seen += 1;
            last = now;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// The inode of a file where there is one (a replaced checkpoint is a new file).
trait InoOrLen {
    fn ino_or_len(&self) -> u64;
}

impl InoOrLen for fs::Metadata {
    #[cfg(unix)]
    fn ino_or_len(&self) -> u64 {
        std::os::unix::fs::MetadataExt::ino(self)
    }
    #[cfg(not(unix))]
    fn ino_or_len(&self) -> u64 {
        self.len()
    }
}

#[test]
fn kill_9_at_several_points_then_resume_gives_the_uninterrupted_bytes() {
    let tmp = temp_dir();
    let args = ["--runs", "200000", "--per-run", "--seed", "5"];
    let whole = tmp.path().join("whole");
    run_command(OEWG_2018, &whole, &args).assert().success();
    let out = tmp.path().join("out");
    let checkpoint = out.join(".checkpoint.json");
    // Killed after the first checkpoint, then twice more a few waves on.
    for checkpoints in [0, 3, 7] {
        let mut child = ungasim_process()
            .args(["run", OEWG_2018, "--quiet", "--threads", "1", "--resume", "--out"])
            .arg(&out)
            .args(args)
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Only a session that continues counts its checkpoints.
        wait_for_checkpoints(&mut child, &checkpoint, checkpoints);
        child.kill().unwrap();
        child.wait().unwrap();
        assert!(!out.join("manifest.json").exists(), "a killed batch looks complete");
    }
    run_command(OEWG_2018, &out, &[&args[..], &["--resume"]].concat()).assert().success();
    assert_same_batch(&whole, &out, "kill -9 three times and --resume vs uninterrupted");
}
