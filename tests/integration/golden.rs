//! Golden output: `tests/golden/tiny.toml` (two proposals, a forced vote, an
//! uncertain parameter, 300 runs, seed 7) must write exactly the files in
//! `tests/golden/tiny/`, byte for byte.
//!
//! This pins the numbers themselves, which no other test does: any change to
//! the engine, the random generator or how it is seeded, a dependency that
//! draws or computes differently (rand, rand_chacha, rand_distr, libm), the
//! aggregation or the number formats fails here. Such a change must be
//! deliberate (a change of the model's semantics also bumps
//! `MODEL_VERSION`), never a side effect of an optimisation. After
//! reviewing the difference, regenerate the files with
//!
//! ```text
//! UPDATE_GOLDEN=1 cargo test --release --test integration golden
//! ```
//!
//! and commit them together with the change that caused them, saying why.

use crate::common::{ResultDir, dir_files, file_differences, package_path};
use std::fs;

const SCENARIO: &str = "tests/golden/tiny.toml";
const EXPECTED_DIR: &str = "tests/golden/tiny";
const FILES: [&str; 8] = [
    "blocs.csv",
    "distribution.csv",
    "membership.csv",
    "runs.csv",
    "scenario.json",
    "states.csv",
    "summary.csv",
    "tally.json",
];

#[test]
fn tiny_scenario_output_is_pinned() {
    let result = ResultDir::run(SCENARIO, &["--per-run"]);
    let manifest = result.manifest();
    assert_eq!(
        (manifest["runs"].as_u64(), manifest["seed"].as_u64()),
        (Some(300), Some(7)),
        "runs and seed come from the file"
    );
    let actual = result.csv_files();
    assert_eq!(actual.keys().collect::<Vec<_>>(), FILES, "unexpected result files");

    let expected_dir = package_path(EXPECTED_DIR);
    if std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| v == "1") {
        fs::create_dir_all(&expected_dir).unwrap();
        for (name, bytes) in &actual {
            fs::write(expected_dir.join(name), bytes).unwrap();
        }
        eprintln!("UPDATE_GOLDEN=1: rewrote {EXPECTED_DIR}/; review the diff before committing it");
        return;
    }
    let differences = file_differences(&dir_files(&expected_dir), &actual);
    assert!(
        differences.is_empty(),
        "{SCENARIO} no longer writes the pinned output in {EXPECTED_DIR}/:\n{}\n\n\
         If (and only if) this is a deliberate change of the model, the generator, a dependency or the \
         output format, regenerate with\n    UPDATE_GOLDEN=1 cargo test --release --test integration golden\n\
         and commit the new files with that change.",
        differences.join("\n")
    );
}

/// Digests of the shipped scenarios' outputs: `LABEL FILE SHA-256` per line.
const SHIPPED_DIGESTS: &str = "tests/golden/shipped.sha256";

/// Runs of each shipped case: enough that every state votes on every
/// proposal hundreds of times (a single flipped vote changes `votes.csv`).
const SHIPPED_RUNS: &str = "1500";

/// The shipped cases: every scenario under `scenarios/` as written, plus the
/// 2018 scenario through each path of the engine that the files alone do not
/// take (normal noise; no jitter, so stances fixed for the batch; one
/// proposal; an uncertain noise scale, so per-run band factors).
fn shipped_cases() -> Vec<(String, String, Vec<String>)> {
    let mut cases: Vec<(String, String, Vec<String>)> = ["scenarios", "scenarios/history"]
        .iter()
        .flat_map(|dir| crate::common::toml_files(dir))
        .map(|path| (path.clone(), path, Vec::new()))
        .collect();
    let base = "scenarios/oewg-vs-gge-2018.toml";
    for (label, sets) in [
        ("normal-noise", &["model.noise=\"normal\""][..]),
        ("no-jitter", &["model.position_jitter=0"][..]),
        ("rounds-0", &["model.rounds=0"][..]),
        ("rounds-1-conformity-0.9", &["model.rounds=1", "model.conformity=0.9"][..]),
    ] {
        cases.push((format!("{base}+{label}"), base.into(), sets.iter().map(|s| s.to_string()).collect()));
    }
    cases
}

/// Speed work changes no result: the outputs of every shipped scenario
/// (`--per-run --per-state`, so every vote of every run) hash to the
/// digests pinned before the engine was optimised. Regenerate only with a
/// deliberate change, as for [`tiny_scenario_output_is_pinned`].
#[test]
fn shipped_scenarios_output_is_pinned() {
    use sha2::{Digest, Sha256};
    let mut lines = Vec::new();
    for (label, scenario, sets) in shipped_cases() {
        let mut args = vec!["--runs", SHIPPED_RUNS, "--per-run", "--per-state", "--threads", "2"];
        for set in &sets {
            args.extend(["--set", set.as_str()]);
        }
        let result = ResultDir::run(&scenario, &args);
        for (name, bytes) in result.csv_files() {
            let digest: String = Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
            lines.push(format!("{label} {name} {digest}"));
        }
    }
    let actual = lines.join("\n") + "\n";
    let path = package_path(SHIPPED_DIGESTS);
    if std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| v == "1") {
        fs::write(&path, &actual).unwrap();
        eprintln!("UPDATE_GOLDEN=1: rewrote {SHIPPED_DIGESTS}; review the diff before committing it");
        return;
    }
    let expected = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{SHIPPED_DIGESTS}: {e}"));
    let differences: Vec<String> = expected
        .lines()
        .zip(actual.lines())
        .filter(|(e, a)| e != a)
        .map(|(e, a)| format!("  expected {e}\n  found    {a}"))
        .collect();
    assert!(
        differences.is_empty() && expected.lines().count() == actual.lines().count(),
        "the shipped scenarios no longer write the pinned output ({SHIPPED_DIGESTS}):\n{}\n({} lines expected, {} found)",
        differences.join("\n"),
        expected.lines().count(),
        actual.lines().count()
    );
}
