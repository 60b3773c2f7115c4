//! `ungasim merge` (issue 6): the shards of a batch merge into exactly the
//! unsharded batch's directory (`scenario.json`, `membership.csv` and, with
//! `--given`, `given.csv` included), and everything that is not the shards
//! of one batch is refused in one line naming the directory and the field,
//! with nothing written.

use crate::common::{EU_SPLIT_2018, OEWG_2018, assert_same_batch, dir_files, run_command, temp_dir, text, ungasim};
use std::fs;
use std::path::{Path, PathBuf};

const RUNS: &str = "5001";

/// `run --shard I/3` of `scenario` into `root/NAME` for I = 1, 2, 3, with `args`.
fn shards(scenario: &str, root: &Path, name: &str, args: &[&str]) -> Vec<PathBuf> {
    (1..=3)
        .map(|i| {
            let dir = root.join(format!("{name}{i}"));
            let shard = format!("{i}/3");
            run_command(scenario, &dir, &[&["--runs", RUNS, "--shard", &shard][..], args].concat()).assert().success();
            dir
        })
        .collect()
}

/// `ungasim merge DIRS... --out OUT --quiet`, run.
fn merge(dirs: &[&Path], out: &Path) -> assert_cmd::assert::Assert {
    ungasim().arg("merge").args(dirs).arg("--out").arg(out).arg("--quiet").assert()
}

#[test]
fn merged_shards_are_the_unsharded_batch_byte_for_byte() {
    let tmp = temp_dir();
    let cases = [
        (EU_SPLIT_2018, &["--per-run", "--per-state", "--given", "DEU=no"][..]),
        (OEWG_2018, &["--given", "BRA=abstain", "--given", "EU=united"][..]),
    ];
    for (scenario, args) in cases {
        let whole = tmp.path().join("whole");
        run_command(scenario, &whole, &[&["--runs", RUNS][..], args].concat()).assert().success();
        let parts = shards(scenario, tmp.path(), "shard", args);
        let merged = tmp.path().join("merged");
        // In any order.
        merge(&[&parts[2], &parts[0], &parts[1]], &merged).success();
        assert_same_batch(&whole, &merged, &format!("{scenario} {args:?}: merged shards vs the whole batch"));
        for name in ["given.csv", "scenario.json", "membership.csv"] {
            assert!(merged.join(name).is_file(), "{scenario}: the merge wrote no {name}");
        }
        for dir in [&whole, &merged] {
            fs::remove_dir_all(dir).unwrap();
        }
        parts.iter().for_each(|dir| fs::remove_dir_all(dir).unwrap());
    }
}

#[test]
fn runs_csv_is_left_out_unless_every_shard_has_it() {
    let tmp = temp_dir();
    let parts = shards(OEWG_2018, tmp.path(), "shard", &["--per-run"]);
    fs::remove_file(parts[1].join("runs.csv")).unwrap();
    let merged = tmp.path().join("merged");
    merge(&[&parts[0], &parts[1], &parts[2]], &merged).success();
    let whole = tmp.path().join("whole");
    run_command(OEWG_2018, &whole, &["--runs", RUNS]).assert().success();
    assert_same_batch(&whole, &merged, "merged shards, one without runs.csv, vs the whole batch without --per-run");
}

/// Edits `dir/name` as JSON.
fn edit_json(dir: &Path, name: &str, edit: impl FnOnce(&mut serde_json::Value)) {
    let path = dir.join(name);
    let mut value: serde_json::Value = serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
    edit(&mut value);
    fs::write(&path, serde_json::to_string_pretty(&value).unwrap()).unwrap();
}

/// A copy of the shard directory `dir` as `root/name`.
fn copy(dir: &Path, root: &Path, name: &str) -> PathBuf {
    let copy = root.join(name);
    fs::create_dir(&copy).unwrap();
    for (file, bytes) in dir_files(dir) {
        fs::write(copy.join(file), bytes).unwrap();
    }
    copy
}

#[test]
fn anything_but_the_shards_of_one_batch_is_refused_naming_directory_and_field() {
    let tmp = temp_dir();
    let root = tmp.path();
    let parts = shards(EU_SPLIT_2018, root, "shard", &[]);
    let [a, b, c] = [&parts[0], &parts[1], &parts[2]].map(PathBuf::as_path);
    let other_seed = shards(EU_SPLIT_2018, root, "seed", &["--seed", "74"]);
    let other_set = shards(EU_SPLIT_2018, root, "set", &["--set", "model.noise_scale=0.9"]);
    let other_scenario = shards(OEWG_2018, root, "oewg", &[]);
    let other_given = shards(EU_SPLIT_2018, root, "given", &["--given", "DEU=no"]);
    let other_runs = root.join("runs");
    run_command(EU_SPLIT_2018, &other_runs, &["--runs", "5002", "--shard", "2/3"]).assert().success();

    let edited = |name: &str, file: &str, edit: fn(&mut serde_json::Value)| {
        let dir = copy(b, root, name);
        edit_json(&dir, file, edit);
        dir
    };
    let both = |name: &str, edit: fn(&mut serde_json::Value)| {
        let dir = copy(b, root, name);
        edit_json(&dir, "manifest.json", edit);
        edit_json(&dir, "tally.json", |t| edit(&mut t["identity"]));
        dir
    };
    let version = both("version", |v| v["tool_version"] = "0.0.9".into());
    let roster = both("roster", |v| v["roster"] = "my_roster".into());
    let disagreeing = edited("disagree", "tally.json", |t| t["identity"]["seed"] = 1.into());
    let shape = edited("shape", "tally.json", |t| {
        t["tally"]["proposals"][0]["blocs"].as_array_mut().unwrap().pop();
    });
    let count = edited("count", "tally.json", |t| t["tally"]["proposals"][0]["margin"][0] = 7.into());
    let truncated = copy(b, root, "truncated");
    let bytes = fs::read(truncated.join("tally.json")).unwrap();
    fs::write(truncated.join("tally.json"), &bytes[..bytes.len() / 3]).unwrap();
    let no_tally = copy(b, root, "no_tally");
    fs::remove_file(no_tally.join("tally.json")).unwrap();
    let no_manifest = copy(b, root, "no_manifest");
    fs::remove_file(no_manifest.join("manifest.json")).unwrap();

    let cases: Vec<(Vec<&Path>, Vec<&str>)> = vec![
        (vec![a, &other_seed[1], c], vec!["seed2", "seed", "74", "73"]),
        (vec![a, &other_set[1], c], vec!["set2", "overrides", "noise_scale"]),
        (vec![a, &other_scenario[1], c], vec!["oewg2", "scenario_sha256"]),
        (vec![a, &other_given[1], c], vec!["given2", "`given`", "DEU=no", "null"]),
        (vec![a, &other_runs, c], vec!["runs", "5002", "5001"]),
        (vec![a, &version, c], vec!["version", "tool_version", "0.0.9"]),
        (vec![a, &roster, c], vec!["roster", "my_roster"]),
        (vec![a, b, b, c], vec!["shard2", "overlaps", "runs 1667..3334"]),
        (vec![a, c], vec!["runs 1667..3334", "no directory", "shard1", "shard3"]),
        (vec![b, c], vec!["runs 0..1667", "no directory", "shard2"]),
        (vec![a, b], vec!["runs 3334..5001", "no directory", "shard2"]),
        (vec![a, &disagreeing, c], vec!["disagree", "manifest.json", "tally.json", "seed"]),
        (vec![a, &shape, c], vec!["shape/tally.json", "does not match", "proposals[0].blocs"]),
        (vec![a, &count, c], vec!["count/tally.json", "proposals[0].margin"]),
        (vec![a, &truncated, c], vec!["truncated/tally.json", "EOF", "line"]),
        (vec![a, &no_tally, c], vec!["no_tally", "no tally.json"]),
        (vec![a, &no_manifest, c], vec!["no_manifest", "no manifest.json"]),
    ];
    let out = root.join("merged");
    for (dirs, expected) in cases {
        let refused = merge(&dirs, &out).code(1);
        let stderr = text(&refused.get_output().stderr);
        assert_eq!(stderr.lines().count(), 1, "{dirs:?}: not one line: {stderr}");
        for word in expected {
            assert!(stderr.contains(word), "{dirs:?}: `{word}` not in {stderr}");
        }
        assert!(!out.exists(), "{dirs:?}: a refused merge wrote {}", out.display());
    }
    merge(&[a, b, c], &out).success();
    let again = merge(&[a, b, c], &out).code(1);
    assert!(text(&again.get_output().stderr).contains("--force"));
    merge(&[a, b, c], a).code(1);
}

const SWEEP_SCENARIO: &str = "scenarios/oewg-vs-gge-2018.toml";
/// Eight points, 200 runs each, with the per-point tables.
const SWEEP_ARGS: [&str; 7] = [
    "--vary",
    "model.conformity=0.2,0.4,0.6,0.8",
    "--vary",
    "blocs.EU.cohesion=0.5,0.9",
    "--runs",
    "200",
    "--per-point",
];

/// `ungasim sweep SWEEP_SCENARIO --out OUT --quiet SWEEP_ARGS ARGS...`, run.
fn sweep_command(out: &Path, args: &[&str]) -> assert_cmd::assert::Assert {
    ungasim().arg("sweep").arg(SWEEP_SCENARIO).args(["--quiet", "--out"]).arg(out).args(SWEEP_ARGS).args(args).assert()
}

/// `sweep --shard I/3` into `root/NAME` for I = 1, 2, 3, with `args`.
fn sweep_shards(root: &Path, name: &str, args: &[&str]) -> Vec<PathBuf> {
    (1..=3)
        .map(|i| {
            let dir = root.join(format!("{name}{i}"));
            sweep_command(&dir, &[&["--shard", &format!("{i}/3")][..], args].concat()).success();
            dir
        })
        .collect()
}

#[test]
fn merged_sweep_shards_are_the_unsharded_sweep_byte_for_byte() {
    let tmp = temp_dir();
    let root = tmp.path();
    let whole = root.join("whole");
    sweep_command(&whole, &[]).success();
    let parts = sweep_shards(root, "shard", &[]);
    let ranges: Vec<serde_json::Value> = parts.iter().map(|dir| crate::common::manifest_result(dir)).collect();
    assert_eq!(ranges[1]["point_range"], serde_json::json!([2, 5]), "shard 2/3 of 8 points");
    assert_eq!(ranges[1]["shard"], serde_json::json!([2, 3]));
    let merged = root.join("merged");
    merge(&[&parts[2], &parts[0], &parts[1]], &merged).success();
    assert_same_batch(&whole, &merged, "merged sweep shards vs the whole sweep");
    for name in ["sweep.csv", "sweep_states.csv", "sweep_blocs.csv"] {
        assert!(merged.join(name).is_file(), "{name} missing");
    }

    // Without the per-point tables in one shard, they are left out.
    let partial = copy(&parts[1], root, "partial");
    fs::remove_file(partial.join("sweep_blocs.csv")).unwrap();
    let without = root.join("without");
    merge(&[&parts[0], &partial, &parts[2]], &without).success();
    let files = crate::common::entry_names(&without);
    assert_eq!(files, ["manifest.json", "sweep.csv"]);
    assert_eq!(fs::read(without.join("sweep.csv")).unwrap(), fs::read(whole.join("sweep.csv")).unwrap());
    assert_eq!(crate::common::manifest_result(&without)["per_point"], false);

    // More shards than points is refused before anything is written.
    let empty = root.join("empty");
    let refused = sweep_command(&empty, &["--shard", "1/9"]).code(1);
    assert!(text(&refused.get_output().stderr).contains("--shard 1/9 of 8 points is empty"));
    assert!(!empty.exists());
}

#[test]
fn anything_but_the_shards_of_one_sweep_is_refused() {
    let tmp = temp_dir();
    let root = tmp.path();
    let parts = sweep_shards(root, "shard", &[]);
    let [a, b, c] = [&parts[0], &parts[1], &parts[2]].map(PathBuf::as_path);
    let other_seed = root.join("seed2");
    sweep_command(&other_seed, &["--shard", "2/3", "--seed", "74"]).success();
    let run = root.join("run");
    run_command(SWEEP_SCENARIO, &run, &["--runs", "200"]).assert().success();

    let cases: Vec<(Vec<&Path>, Vec<&str>)> = vec![
        (vec![a, &other_seed, c], vec!["seed2", "not a shard of the sweep", "`seed`", "74"]),
        (vec![a, c], vec!["points 2..5 are in no directory given", "shard1", "shard3"]),
        (vec![b, c], vec!["points 0..2", "no directory", "shard2"]),
        (vec![a, b, b, c], vec!["shard2", "overlaps", "points 2..5"]),
        (vec![a, &run, c], vec!["shard1", "a sweep", "run", "a batch", "not both"]),
        (vec![&run, a, b, c], vec!["shard1", "a sweep", "run", "a batch", "not both"]),
    ];
    let out = root.join("merged");
    for (dirs, expected) in cases {
        let refused = merge(&dirs, &out).code(1);
        let stderr = text(&refused.get_output().stderr);
        assert_eq!(stderr.lines().count(), 1, "{dirs:?}: not one line: {stderr}");
        for word in expected {
            assert!(stderr.contains(word), "{dirs:?}: `{word}` not in {stderr}");
        }
        assert!(!out.exists(), "{dirs:?}: a refused merge wrote {}", out.display());
    }
    merge(&[a, b, c], &out).success();
}
