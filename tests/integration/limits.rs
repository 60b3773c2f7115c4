//! The documented limits (README, "Limits"), through the real binary: every
//! input file past its size limit is refused before it is read, counts past
//! theirs after parsing, and runs past 2^40 by every route, each in one line
//! naming the file or option and the limit, with status 1 and nothing
//! written; seeds take the whole u64 range by every route; a long batch
//! shows its estimated time first, and the estimate changes no output.

use crate::common::{OEWG_2018, ResultDir, entry_names, package_path, run_command, temp_dir, text, ungasim};
use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::Stdio;

/// A sparse file of `bytes` bytes (nothing is written to disk).
fn sparse(path: &Path, bytes: u64) -> PathBuf {
    fs::File::create(path).unwrap().set_len(bytes).unwrap();
    path.to_path_buf()
}

/// Runs `ungasim ARGS` and asserts it failed with status 1, one line on
/// stderr containing every one of `needles`, and left `out` unwritten.
fn refused(args: &[&str], out: &Path, needles: &[&str]) {
    let output = ungasim().args(args).output().unwrap();
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{args:?}: {stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{args:?}: one line, not {stderr}");
    for needle in needles {
        assert!(stderr.contains(needle), "{args:?}: `{needle}` not in {stderr}");
    }
    assert!(!out.exists(), "{args:?} wrote {}", out.display());
}

#[test]
fn input_files_past_their_limits_are_refused_before_reading() {
    let tmp = temp_dir();
    let dir = tmp.path();
    let out = dir.join("out");
    let o = out.to_str().unwrap();
    let file = |name: &str, bytes: u64| sparse(&dir.join(name), bytes).display().to_string();

    let scenario = file("big.toml", (8 << 20) + 1);
    let need = [scenario.as_str(), "8 MiB", "scenario file"];
    refused(&["check", &scenario], &out, &need);
    refused(&["run", &scenario, "--out", o], &out, &need);
    refused(&["run", &scenario, "--dry-run", "--out", o], &out, &need);
    refused(&["sweep", &scenario, "--vary", "model.conformity=0.2,0.4", "--out", o], &out, &need);
    refused(&["compare", &scenario, OEWG_2018, "--out", o], &out, &need);
    refused(&["compare", OEWG_2018, &scenario, "--out", o], &out, &need);

    let rollcalls = file("big.csv", (1 << 30) + 1);
    let need = [rollcalls.as_str(), "1 GiB", "roll-call file"];
    refused(&["calibrate", &rollcalls, "--out", o], &out, &need);
    refused(&["backtest", &rollcalls, OEWG_2018, "--out", o], &out, &need);

    let design = file("design.csv", (64 << 20) + 1);
    refused(&["sweep", OEWG_2018, "--design", &design, "--out", o], &out, &[&design, "64 MiB", "design table"]);

    let series = file("series.csv", (16 << 20) + 1);
    let args = ["calibrate", "data/rollcalls_2018_2020.csv", "--series", &series, "--out", o];
    refused(&args, &out, &[&series, "16 MiB", "series table"]);

    let roster = dir.join("roster");
    fs::create_dir(&roster).unwrap();
    for name in ["model.json", "states.csv", "texts.csv"] {
        fs::copy(package_path("data/calibration").join(name), roster.join(name)).unwrap();
    }
    let states = sparse(&roster.join("states.csv"), (16 << 20) + 1).display().to_string();
    let args = ["run", OEWG_2018, "--roster", roster.to_str().unwrap(), "--out", o];
    refused(&args, &out, &[&states, "16 MiB", "roster file"]);
}

#[test]
fn result_files_past_their_limits_are_refused_by_merge_and_resume() {
    let tmp = temp_dir();
    let shards: Vec<PathBuf> = (1..=2).map(|i| tmp.path().join(format!("shard{i}"))).collect();
    for (i, shard) in shards.iter().enumerate() {
        run_command(OEWG_2018, shard, &["--runs", "20", "--shard", &format!("{}/2", i + 1)]).assert().success();
    }
    let out = tmp.path().join("merged");
    let merge = |needles: &[&str]| {
        let mut args = vec!["merge", shards[0].to_str().unwrap(), shards[1].to_str().unwrap(), "--out"];
        args.push(out.to_str().unwrap());
        refused(&args, &out, needles);
    };
    let tally = sparse(&shards[1].join("tally.json"), (2 << 30) + 1).display().to_string();
    merge(&[&tally, "2 GiB", "tally file"]);
    let manifest = sparse(&shards[0].join("manifest.json"), (256 << 20) + 1).display().to_string();
    merge(&[&manifest, "256 MiB", "manifest"]);

    // A checkpoint past the limit: refused, named, and kept.
    let dir = tmp.path().join("resumed");
    fs::create_dir(&dir).unwrap();
    let checkpoint = sparse(&dir.join(".checkpoint.json"), (2 << 30) + 1);
    let output = run_command(OEWG_2018, &dir, &["--runs", "20", "--resume"]).output().unwrap();
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains(&checkpoint.display().to_string()) && stderr.contains("2 GiB"), "{stderr}");
    assert_eq!(entry_names(&dir), [".checkpoint.json"], "nothing but the checkpoint");
}

/// A scenario file of `proposals` proposals and `uncertain` `[[uncertain]]` entries.
fn scenario_text(proposals: usize, uncertain: usize, runs: &str) -> String {
    let mut text = format!("[scenario]\nname = \"limits\"\nruns = {runs}\n");
    for j in 0..proposals {
        text += &format!("[[proposals]]\nid = \"P{j}\"\nposition = [0.5, 0.0]\n");
    }
    for _ in 0..uncertain {
        text += "[[uncertain]]\nparam = \"model.conformity\"\ndist = \"uniform\"\nlow = 0.2\nhigh = 0.8\n";
    }
    text
}

#[test]
fn counts_past_their_limits_are_refused() {
    let tmp = temp_dir();
    let out = tmp.path().join("out");
    let write = |name: &str, contents: String| {
        let path = tmp.path().join(name);
        fs::write(&path, contents).unwrap();
        path.display().to_string()
    };
    let proposals = write("proposals.toml", scenario_text(10_001, 0, "10"));
    let need = [proposals.as_str(), "proposals[10000]", "10001 proposals", "limit of 10000"];
    refused(&["check", &proposals], &out, &need);
    refused(&["run", &proposals, "--out", out.to_str().unwrap()], &out, &need);
    let uncertain = write("uncertain.toml", scenario_text(1, 1001, "10"));
    refused(&["check", &uncertain], &out, &[&uncertain, "uncertain[1000]", "1001 [[uncertain]] entries", "1000"]);
    // At the limits, both load.
    let at_limits = write("at-limits.toml", scenario_text(10_000, 0, "10"));
    ungasim().args(["check", &at_limits]).assert().success();
}

#[test]
fn runs_past_2_to_the_40_are_refused_by_every_route() {
    let tmp = temp_dir();
    let out = tmp.path().join("out");
    let o = out.to_str().unwrap();
    let over = "1099511627777";
    let need = ["--runs", "1099511627776", over];
    refused(&["run", OEWG_2018, "--runs", over, "--out", o], &out, &need);
    refused(&["run", OEWG_2018, "--runs", "18446744073709551615", "--out", o], &out, &["--runs", "1099511627776"]);
    refused(&["run", OEWG_2018, "--runs", over, "--dry-run", "--out", o], &out, &need);
    refused(&["sweep", OEWG_2018, "--vary", "model.conformity=0.2,0.4", "--runs", over, "--out", o], &out, &need);
    refused(&["compare", OEWG_2018, "--set", "model.conformity=0.3", "--runs", over, "--out", o], &out, &need);
    let backtest = ["backtest", "data/rollcalls_2018_2020.csv", OEWG_2018, "--runs", over, "--out", o];
    refused(&backtest, &out, &need);
    let set = format!("scenario.runs={over}");
    refused(&["run", OEWG_2018, "--set", &set, "--out", o], &out, &[&format!("--set {set}"), "1099511627776"]);
    let file = tmp.path().join("runs.toml");
    fs::write(&file, scenario_text(1, 0, over)).unwrap();
    let file = file.display().to_string();
    refused(&["run", &file, "--out", o], &out, &[&format!("{file}:3:8: scenario.runs"), "1099511627776"]);
    // 2^40 itself is accepted (checked without simulating it).
    ungasim().args(["check", OEWG_2018, "--set", "scenario.runs=1099511627776"]).assert().success();
}

#[test]
fn the_largest_seed_is_taken_by_every_route() {
    let seed = u64::MAX.to_string();
    let tmp = temp_dir();
    let file = tmp.path().join("seeded.toml");
    let original = fs::read_to_string(package_path(OEWG_2018)).unwrap();
    assert!(original.contains("\nseed = 73\n"));
    fs::write(&file, original.replace("\nseed = 73\n", &format!("\nseed = \"{seed}\"\n"))).unwrap();
    let by_option = ResultDir::run(OEWG_2018, &["--runs", "50", "--seed", &seed]);
    let by_set = ResultDir::run(OEWG_2018, &["--runs", "50", "--set", &format!("scenario.seed={seed}")]);
    let by_file = ResultDir::run(file.to_str().unwrap(), &["--runs", "50"]);
    let default = ResultDir::run(OEWG_2018, &["--runs", "50"]);
    for dir in [&by_option, &by_set, &by_file] {
        assert_eq!(dir.manifest()["seed"], serde_json::json!(u64::MAX));
        assert_eq!(dir.read("summary.csv"), by_option.read("summary.csv"));
        assert_eq!(dir.read("states.csv"), by_option.read("states.csv"));
    }
    assert_ne!(default.read("states.csv"), by_option.read("states.csv"), "the seed changes the runs");
    let too_big = "18446744073709551616";
    let output = ungasim().args(["check", OEWG_2018, "--set", &format!("scenario.seed={too_big}")]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stderr).contains("must be a non-negative integer"), "{}", text(&output.stderr));
}

/// A batch estimated to take more than 10 s says so on stderr before it
/// starts (then it is killed); a short one does not, and the estimate
/// changes no result file.
#[test]
fn a_long_batch_shows_its_estimated_time_first() {
    let tmp = temp_dir();
    let out = tmp.path().join("long");
    let mut child = crate::common::ungasim_process()
        .args(["run", OEWG_2018, "--runs", "1000000000000", "--out"])
        .arg(&out)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let first = BufReader::new(child.stderr.take().unwrap()).lines().next().unwrap().unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    let prefix = "estimated time: ~";
    assert!(first.starts_with(prefix), "{first}");
    let seconds: f64 = first[prefix.len()..].split(' ').next().unwrap().parse().unwrap();
    assert!(seconds > 10.0, "{first}");
    assert!(first.contains(" s (1000000000000 runs x 2 proposals x 193 states at ~"), "{first}");
    assert!(first.ends_with("M state-votes/s)"), "{first}");

    let quiet = ResultDir::run(OEWG_2018, &["--runs", "3000"]);
    let shown = tmp.path().join("shown");
    let output = ungasim().args(["run", OEWG_2018, "--runs", "3000", "--out"]).arg(&shown).output().unwrap();
    assert!(output.status.success());
    assert!(!text(&output.stderr).contains("estimated time"), "a short batch: {}", text(&output.stderr));
    assert_eq!(crate::common::dir_files(&shown).len(), quiet.files().len());
    for (name, bytes) in quiet.csv_files() {
        assert_eq!(fs::read(shown.join(&name)).unwrap(), bytes, "{name}");
    }
}
