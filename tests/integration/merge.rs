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

/// Golden errors of malformed shard directories: each case of
/// [`malformed_shards_give_their_expected_errors`] is refused with exit
/// status 1 and exactly the line in `tests/fixtures/merge/bad/CASE.expected`
/// (the temporary directory written `SHARDS`, the version `VERSION`),
/// before the output directory is created.
/// `UPDATE_EXPECTED=1 cargo test --release --test integration merge` rewrites them.
const MERGE_BAD_DIR: &str = "tests/fixtures/merge/bad";

/// A malformed-shards case: the directories to merge.
type Case = (&'static str, Vec<PathBuf>);

/// The offset of the manifest's `"seed"` key.
fn seed_offset(manifest: &[u8]) -> usize {
    manifest.windows(6).position(|w| w == b"\"seed\"").expect("a manifest names its seed")
}

/// `dir/name` cut to its first `keep(length)` bytes.
fn truncate(dir: &Path, name: &str, keep: impl FnOnce(&[u8]) -> usize) {
    let bytes = fs::read(dir.join(name)).unwrap();
    fs::write(dir.join(name), &bytes[..keep(&bytes)]).unwrap();
}

/// The cases of batch shards: three shards with `runs.csv` and `votes.csv`.
fn batch_cases(root: &Path) -> Vec<Case> {
    let parts = shards("tests/fixtures/good/minimal.toml", root, "shard", &["--per-run", "--per-state"]);
    let other = shards("tests/fixtures/good/full.toml", root, "other", &["--per-run", "--per-state"]);
    let [a, b, c] = [&parts[0], &parts[1], &parts[2]].map(PathBuf::as_path);
    let edited = |name: &str, edit: &dyn Fn(&Path)| {
        let dir = copy(b, root, name);
        edit(&dir);
        vec![a.to_path_buf(), dir, c.to_path_buf()]
    };
    let both = |dir: &Path, edit: fn(&mut serde_json::Value)| {
        edit_json(dir, "manifest.json", edit);
        edit_json(dir, "tally.json", |t| edit(&mut t["identity"]));
    };
    // Every shard edited alike: only the scenario file or the binary can tell.
    let all_edited = |name: &str, edit: fn(&mut serde_json::Value)| {
        parts
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let dir = copy(p, root, &format!("{name}{}", i + 1));
                both(&dir, edit);
                dir
            })
            .collect::<Vec<_>>()
    };
    vec![
        ("runs_csv_cut_mid_line", edited("runs_cut", &|d| truncate(d, "runs.csv", |b| b.len() - 3))),
        (
            "runs_csv_cut_at_line_end",
            edited("runs_line", &|d| {
                truncate(d, "runs.csv", |b| b[..b.len() - 1].iter().rposition(|&c| c == b'\n').unwrap() + 1)
            }),
        ),
        (
            "runs_csv_edited_run",
            edited("runs_edit", &|d| {
                let text = fs::read_to_string(d.join("runs.csv")).unwrap();
                let line = text.lines().nth(5).unwrap().to_string();
                let run = line.split(',').next().unwrap();
                fs::write(d.join("runs.csv"), text.replacen(&line, &line.replacen(run, "99999", 1), 1)).unwrap();
            }),
        ),
        ("votes_csv_cut_mid_line", edited("votes_cut", &|d| truncate(d, "votes.csv", |b| b.len() / 2))),
        (
            "votes_csv_header_only",
            edited("votes_header", &|d| truncate(d, "votes.csv", |b| b.iter().position(|&c| c == b'\n').unwrap() + 1)),
        ),
        ("tally_json_cut", edited("tally_cut", &|d| truncate(d, "tally.json", |b| b.len() / 3))),
        ("tally_json_empty", edited("tally_empty", &|d| truncate(d, "tally.json", |_| 0))),
        (
            "tally_json_adopted_edited",
            edited("tally_adopted", &|d| {
                edit_json(d, "tally.json", |t| t["tally"]["proposals"][0]["adopted"] = 5000.into());
            }),
        ),
        (
            "tally_json_state_votes_edited",
            edited("tally_votes", &|d| {
                edit_json(d, "tally.json", |t| t["tally"]["proposals"][0]["state_votes"][3][0] = 0.into());
            }),
        ),
        ("manifest_seed_edited", edited("seed", &|d| edit_json(d, "manifest.json", |m| m["seed"] = 74.into()))),
        ("manifest_and_tally_seed_edited", edited("seed_both", &|d| both(d, |v| v["seed"] = 74.into()))),
        (
            "manifest_scenario_hash_edited",
            edited("hash", &|d| both(d, |v| v["scenario_sha256"] = "0".repeat(64).into())),
        ),
        ("manifest_model_version_edited", edited("model", &|d| both(d, |v| v["model_version"] = "1".into()))),
        (
            "manifest_tool_version_edited",
            edited("tool", &|d| edit_json(d, "manifest.json", |m| m["tool_version"] = "0.0.9".into())),
        ),
        // Cut before `"seed"`: what precedes it has the same length in every run (no time, no path of the run).
        ("manifest_json_cut", edited("manifest_cut", &|d| truncate(d, "manifest.json", seed_offset))),
        ("mixed_versions", all_edited("versions", |v| v["model_version"] = "1".into())),
        ("every_shard_hash_edited", all_edited("hashes", |v| v["scenario_sha256"] = "0".repeat(64).into())),
        ("missing_tally_json", edited("no_tally", &|d| fs::remove_file(d.join("tally.json")).unwrap())),
        ("missing_manifest_json", edited("no_manifest", &|d| fs::remove_file(d.join("manifest.json")).unwrap())),
        ("shard_of_another_scenario", vec![a.to_path_buf(), other[1].clone(), c.to_path_buf()]),
        ("duplicate_shard", vec![a.to_path_buf(), b.to_path_buf(), b.to_path_buf(), c.to_path_buf()]),
        ("missing_shard", vec![a.to_path_buf(), c.to_path_buf()]),
    ]
}

/// The cases of sweep shards.
fn sweep_cases(root: &Path) -> Vec<Case> {
    let parts = sweep_shards(root, "sweep", &[]);
    let [a, b, c] = [&parts[0], &parts[1], &parts[2]].map(PathBuf::as_path);
    let edited = |name: &str, edit: &dyn Fn(&Path)| {
        let dir = copy(b, root, name);
        edit(&dir);
        vec![a.to_path_buf(), dir, c.to_path_buf()]
    };
    vec![
        ("sweep_csv_cut_mid_line", edited("sweep_cut", &|d| truncate(d, "sweep.csv", |b| b.len() - 5))),
        (
            "sweep_csv_cut_at_line_end",
            edited("sweep_line", &|d| {
                truncate(d, "sweep.csv", |b| b[..b.len() - 1].iter().rposition(|&c| c == b'\n').unwrap() + 1)
            }),
        ),
        (
            "sweep_states_csv_cut_at_line_end",
            edited("states_line", &|d| {
                truncate(d, "sweep_states.csv", |b| b[..b.len() - 1].iter().rposition(|&c| c == b'\n').unwrap() + 1)
            }),
        ),
        (
            "sweep_blocs_csv_rows_dropped",
            edited("blocs_rows", &|d| {
                let text = fs::read_to_string(d.join("sweep_blocs.csv")).unwrap();
                let kept: Vec<&str> = text.lines().filter(|l| !l.starts_with("3,")).collect();
                fs::write(d.join("sweep_blocs.csv"), kept.join("\n") + "\n").unwrap();
            }),
        ),
        (
            "sweep_manifest_model_version_edited",
            edited("sweep_model", &|d| {
                edit_json(d, "manifest.json", |m| m["model_version"] = "1".into());
            }),
        ),
        (
            "sweep_manifest_points_edited",
            edited("sweep_points", &|d| {
                edit_json(d, "manifest.json", |m| m["points"][0][0] = "0.3".into());
            }),
        ),
        ("sweep_manifest_cut", edited("sweep_manifest_cut", &|d| truncate(d, "manifest.json", |b| b.len() - 10))),
        ("sweep_missing_sweep_csv", edited("sweep_no_csv", &|d| fs::remove_file(d.join("sweep.csv")).unwrap())),
        ("sweep_duplicate_shard", vec![a.to_path_buf(), b.to_path_buf(), b.to_path_buf(), c.to_path_buf()]),
    ]
}

#[test]
fn malformed_shards_give_their_expected_errors() {
    let tmp = temp_dir();
    let root = tmp.path();
    let cases: std::collections::BTreeMap<&str, Vec<PathBuf>> =
        batch_cases(root).into_iter().chain(sweep_cases(root)).collect();
    let paths: Vec<PathBuf> = cases.keys().map(|name| Path::new(MERGE_BAD_DIR).join(format!("{name}.case"))).collect();
    let out = root.join("merged");
    crate::common::check_golden_errors(&paths, 30, |path| {
        let name = path.file_stem().unwrap().to_str().unwrap();
        let dirs: Vec<&Path> = cases[name].iter().map(PathBuf::as_path).collect();
        let refused = merge(&dirs, &out).code(1);
        assert!(!out.exists(), "{name}: a refused merge wrote {}", out.display());
        let stderr = text(&refused.get_output().stderr);
        let root = root.display().to_string();
        stderr.trim_end().replace(&root, "SHARDS").replace(env!("CARGO_PKG_VERSION"), "VERSION")
    });
    // Every expected line belongs to a case.
    for name in crate::common::entry_names(&crate::common::package_path(MERGE_BAD_DIR)) {
        let case = name.strip_suffix(".expected").unwrap_or_else(|| panic!("{MERGE_BAD_DIR}/{name}: not .expected"));
        assert!(cases.contains_key(case), "{MERGE_BAD_DIR}/{name} has no case");
    }
}
