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
