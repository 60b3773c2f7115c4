//! `ungasim sweep`: a 3x3 grid, a 20-point Latin hypercube and a table
//! design write the right rows of `sweep.csv`; the bytes do not depend on
//! the thread count; with common random numbers a parameter that changes
//! nothing gives identical summaries at every point, and each point equals
//! the `run` of the same scenario with the point's `--set`s.

use crate::common::{ResultDir, Table, temp_dir, text, ungasim};
use std::fs;
use std::path::Path;

const SCENARIO: &str = "scenarios/oewg-vs-gge-2018.toml";

/// Runs `ungasim sweep SCENARIO --out OUT --quiet ARGS...` and returns sweep.csv's text.
fn sweep(out: &Path, args: &[&str]) -> String {
    let output = ungasim().args(["sweep", SCENARIO, "--quiet", "--out"]).arg(out).args(args).output().unwrap();
    assert!(output.status.success(), "{}", text(&output.stderr));
    fs::read_to_string(out.join("sweep.csv")).unwrap()
}

#[test]
fn a_grid_has_every_combination_and_ignores_threads() {
    let tmp = temp_dir();
    let args = ["--vary", "model.conformity=0.2,0.4,0.6", "--vary", "blocs.EU.cohesion=0.5:0.9:0.2", "--runs", "300"];
    let one = sweep(&tmp.path().join("one"), &[&args[..], &["--threads", "1"]].concat());
    let two = sweep(&tmp.path().join("two"), &[&args[..], &["--threads", "2"]].concat());
    assert_eq!(one, two, "--threads 1 and 2 differ");
    let table = Table::parse(&one);
    assert_eq!(table.header[..4], ["point", "model.conformity", "blocs.EU.cohesion", "proposal"]);
    assert_eq!(table.rows.len(), 9 * 2, "nine points of two proposals");
    let points: Vec<(String, String)> = table.rows.iter().step_by(2).map(|r| (r[1].clone(), r[2].clone())).collect();
    assert_eq!(points[0], ("0.2".to_string(), "0.5".to_string()));
    assert_eq!(points[5], ("0.4".to_string(), "0.9".to_string()));
    assert_eq!(points[8], ("0.6".to_string(), "0.9".to_string()));
    let manifest: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(tmp.path().join("one/manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["points"].as_array().unwrap().len(), 9);

    // A point is the run of the same scenario with the point's values set.
    let run =
        ResultDir::run(SCENARIO, &["--runs", "300", "--set", "model.conformity=0.4", "--set", "blocs.EU.cohesion=0.9"]);
    let summary = Table::parse(&run.read("summary.csv"));
    for (row, expected) in table.rows[10..12].iter().zip(&summary.rows) {
        assert_eq!(row[3..], expected[..], "point 5 differs from its run");
    }
}

#[test]
fn a_parameter_without_effect_gives_identical_points_under_common_random_numbers() {
    let tmp = temp_dir();
    // The shipped texts have no capacity-building content, so its weight changes nothing.
    let common =
        Table::parse(&sweep(&tmp.path().join("crn"), &["--vary", "model.capacity_weight=0,0.5,2", "--runs", "400"]));
    let summaries: Vec<&[String]> = common.rows.iter().map(|r| &r[2..]).collect();
    assert_eq!(summaries[0], summaries[2]);
    assert_eq!(summaries[0], summaries[4]);
    let independent = Table::parse(&sweep(
        &tmp.path().join("ind"),
        &["--vary", "model.capacity_weight=0,0.5,2", "--runs", "400", "--independent-seeds"],
    ));
    assert_ne!(independent.rows[0][2..], independent.rows[2][2..], "independent seeds should differ");
    assert_eq!(independent.rows[0][2..], common.rows[0][2..], "point 0 keeps the seed");
}

#[test]
fn latin_hypercube_and_table_designs() {
    let tmp = temp_dir();
    let lhs = Table::parse(&sweep(
        &tmp.path().join("lhs"),
        &[
            "--vary",
            "model.conformity=0:1",
            "--vary",
            "blocs.EU.cohesion=0.2:1",
            "--samples",
            "20",
            "--design",
            "lhs",
            "--runs",
            "100",
        ],
    ));
    assert_eq!(lhs.rows.len(), 20 * 2);
    let mut strata: Vec<usize> =
        lhs.rows.iter().step_by(2).map(|r| (r[1].parse::<f64>().unwrap() * 20.0).floor() as usize).collect();
    strata.sort_unstable();
    assert_eq!(strata, (0..20).collect::<Vec<_>>(), "each conformity stratum once");

    let design = tmp.path().join("design.csv");
    fs::write(&design, "model.noise,scenario.date\nlogistic,2018-12-05\nnormal,2020-06-01\n").unwrap();
    let table =
        Table::parse(&sweep(&tmp.path().join("table"), &["--design", design.to_str().unwrap(), "--runs", "100"]));
    assert_eq!(table.header[..3], ["point", "model.noise", "scenario.date"]);
    assert_eq!(table.rows.len(), 4);
    assert_eq!(table.rows[2][1..3], ["normal", "2020-06-01"]);
}

#[test]
fn a_bad_point_is_refused_before_anything_is_simulated() {
    let tmp = temp_dir();
    let out = tmp.path().join("bad");
    let output = ungasim()
        .args(["sweep", SCENARIO, "--vary", "model.conformity=0.5,1.5", "--runs", "10", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(stderr.starts_with("error: point 1 (model.conformity=1.5): --set model.conformity=1.5:"), "{stderr}");
    assert!(!out.exists(), "nothing is written");
}
