//! `ungasim sweep`: a 3x3 grid, a 20-point Latin hypercube and a table
//! design write the right rows of `sweep.csv`; the bytes do not depend on
//! the thread count; with common random numbers a parameter that changes
//! nothing gives identical summaries at every point, and each point equals
//! the `run` of the same scenario with the point's `--set`s. A `[sweep]`
//! table in the scenario file gives the same sweep as the options (which
//! win over it); `--per-point` tables hold each point's `states.csv` and
//! `blocs.csv` rows.

use crate::common::{ResultDir, Table, entry_names, temp_dir, text, ungasim};
use std::fs;
use std::path::Path;

const SCENARIO: &str = "scenarios/oewg-vs-gge-2018.toml";

/// Runs `ungasim sweep SCENARIO --out OUT --quiet ARGS...` and returns sweep.csv's text.
fn sweep(out: &Path, args: &[&str]) -> String {
    sweep_of(Path::new(SCENARIO), out, args)
}

/// [`sweep`] of the scenario file `scenario`.
fn sweep_of(scenario: &Path, out: &Path, args: &[&str]) -> String {
    let output = ungasim().arg("sweep").arg(scenario).args(["--quiet", "--out"]).arg(out).args(args).output().unwrap();
    assert!(output.status.success(), "{}", text(&output.stderr));
    fs::read_to_string(out.join("sweep.csv")).unwrap()
}

/// A copy of SCENARIO in `dir` with `sweep` appended (a `[sweep]` table).
fn with_sweep(dir: &Path, name: &str, sweep: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    fs::write(&path, format!("{}\n[sweep]\n{sweep}\n", fs::read_to_string(SCENARIO).unwrap())).unwrap();
    path
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
    assert_eq!(stderr.matches("--set").count(), 1, "the scenario error is said once: {stderr}");
    assert!(!out.exists(), "nothing is written");
}

#[test]
fn a_sweep_table_in_the_file_is_the_same_sweep_as_the_options() {
    let tmp = temp_dir();
    // Keys in file order, not sorted: conformity changes slowest.
    let file = with_sweep(
        tmp.path(),
        "grid.toml",
        r#"vary = { "model.conformity" = [0.2, 0.6], "blocs.EU.cohesion" = "0.5:0.9:0.4" }"#,
    );
    let from_file = sweep_of(&file, &tmp.path().join("file"), &["--runs", "200"]);
    let from_options = sweep(
        &tmp.path().join("options"),
        &["--vary", "model.conformity=0.2,0.6", "--vary", "blocs.EU.cohesion=0.5:0.9:0.4", "--runs", "200"],
    );
    assert_eq!(from_file, from_options);

    // The options win over the file's [sweep].
    let options = Table::parse(&sweep_of(
        &file,
        &tmp.path().join("wins"),
        &["--vary", "model.noise_scale=0.5,1", "--runs", "50"],
    ));
    assert_eq!(options.header[..3], ["point", "model.noise_scale", "proposal"]);

    // `check` shows it; `run` ignores it.
    let check = ungasim().arg("check").arg(&file).output().unwrap();
    assert!(
        text(&check.stdout)
            .contains("sweep       grid of 4 points: model.conformity=0.2,0.6; blocs.EU.cohesion=0.5:0.9:0.4")
    );
    let resolved = ungasim().args(["check", "--resolved"]).arg(&file).output().unwrap();
    let resolved: serde_json::Value = serde_json::from_slice(&resolved.stdout).unwrap();
    assert_eq!(resolved["sweep"]["design"], "grid");
    let run_file = ResultDir::run(file.to_str().unwrap(), &["--runs", "100"]);
    let run_plain = ResultDir::run(SCENARIO, &["--runs", "100"]);
    assert_eq!(run_file.read("summary.csv"), run_plain.read("summary.csv"));
}

#[test]
fn file_sweeps_zip_sample_and_read_tables_beside_the_scenario() {
    let tmp = temp_dir();
    let zip = with_sweep(
        tmp.path(),
        "zip.toml",
        "zip = { \"model.conformity\" = [0.2, 0.6], \"model.noise\" = [\"logistic\", \"normal\"] }\nindependent_seeds = true",
    );
    assert_eq!(
        sweep_of(&zip, &tmp.path().join("zip"), &["--runs", "100"]),
        sweep(
            &tmp.path().join("zip-options"),
            &[
                "--vary",
                "model.conformity=0.2,0.6",
                "--vary",
                "model.noise=logistic,normal",
                "--zip",
                "--runs",
                "100",
                "--independent-seeds"
            ],
        )
    );
    let lhs = with_sweep(
        tmp.path(),
        "lhs.toml",
        "ranges = { \"model.conformity\" = [0, 1], \"blocs.EU.cohesion\" = \"0.2:1\" }\nsamples = 6\ndesign_seed = 3",
    );
    assert_eq!(
        sweep_of(&lhs, &tmp.path().join("lhs"), &["--runs", "50"]),
        sweep(
            &tmp.path().join("lhs-options"),
            &[
                "--vary",
                "model.conformity=0:1",
                "--vary",
                "blocs.EU.cohesion=0.2:1",
                "--samples",
                "6",
                "--design",
                "lhs",
                "--design-seed",
                "3",
                "--runs",
                "50",
            ],
        )
    );
    let sub = tmp.path().join("sub");
    fs::create_dir(&sub).unwrap();
    fs::write(sub.join("points.csv"), "model.noise,scenario.date\nnormal,2020-06-01\n").unwrap();
    let table = with_sweep(&sub, "table.toml", "table = \"points.csv\"");
    let rows = Table::parse(&sweep_of(&table, &tmp.path().join("table"), &["--runs", "50"]));
    assert_eq!(rows.header[..3], ["point", "model.noise", "scenario.date"]);
    assert_eq!(rows.rows[0][1..3], ["normal", "2020-06-01"]);
}

#[test]
fn per_point_tables_hold_each_points_states_and_blocs_rows() {
    let tmp = temp_dir();
    let out = tmp.path().join("per");
    let args = ["--vary", "model.conformity=0.2,0.6", "--vary", "blocs.EU.cohesion=0.5,0.9", "--runs", "200"];
    sweep(&out, &[&args[..], &["--per-point"]].concat());
    let names = entry_names(&out);
    assert!(
        names.contains(&"sweep_states.csv".to_string()) && names.contains(&"sweep_blocs.csv".to_string()),
        "{names:?}"
    );
    let run =
        ResultDir::run(SCENARIO, &["--runs", "200", "--set", "model.conformity=0.6", "--set", "blocs.EU.cohesion=0.5"]);
    for (name, own) in [("sweep_states.csv", "states.csv"), ("sweep_blocs.csv", "blocs.csv")] {
        let table = Table::parse(&fs::read_to_string(out.join(name)).unwrap());
        let expected = run.table(own);
        assert_eq!(table.header[..3], ["point", "model.conformity", "blocs.EU.cohesion"]);
        assert_eq!(table.header[3..], expected.header[..]);
        assert_eq!(table.rows.len(), 4 * expected.rows.len(), "{name}: every point's rows");
        let point2: Vec<&[String]> = table.rows.iter().filter(|r| r[0] == "2").map(|r| &r[3..]).collect();
        assert!(table.rows.iter().filter(|r| r[0] == "2").all(|r| r[1..3] == ["0.6", "0.5"]));
        let expected: Vec<&[String]> = expected.rows.iter().map(|r| &r[..]).collect();
        assert_eq!(point2, expected, "{name}: point 2 differs from its run");
    }
    // Without --per-point they are not written.
    let plain = tmp.path().join("plain");
    sweep(&plain, &args);
    assert_eq!(entry_names(&plain), ["manifest.json", "sweep.csv"]);
}

/// Settings of a 3x3 sweep with per-point tables into `out`.
fn resumable(out: &Path, resume: bool) -> ungasim::commands::SweepSettings {
    use ungasim::commands::{DesignSpec, SweepSettings};
    use ungasim::sweep::{SweepPlan, design::Combine};
    let vary = vec!["model.conformity=0.2,0.4,0.6".to_string(), "blocs.EU.cohesion=0.5:0.9:0.2".to_string()];
    SweepSettings {
        plan: SweepPlan {
            scenario: crate::common::package_path(SCENARIO),
            overrides: Vec::new(),
            roster: None,
            seed: Some(11),
            runs: Some(200),
            threads: 2,
            independent_seeds: false,
        },
        design: Some(DesignSpec::Vary(vary, Combine::Grid)),
        per_point: true,
        shard: None,
        out: Some(out.to_path_buf()),
        force: false,
        resume,
        command_line: Vec::new(),
    }
}

#[test]
fn a_stopped_sweep_resumes_to_the_uninterrupted_bytes() {
    use std::sync::atomic::{AtomicU64, Ordering};
    use ungasim::commands::{self, Interrupted};
    use ungasim::interrupt::Interrupt;
    let tmp = temp_dir();
    let whole = tmp.path().join("whole");
    commands::sweep(&resumable(&whole, false), &Interrupt::new(), |_| {}, &|_| {}).unwrap();
    for stops in [&[1_u64][..], &[3, 2], &[7]] {
        let out = tmp.path().join(format!("out{}", stops.len() * 10 + stops[0] as usize));
        for &points in stops {
            // Stopped in the point after `points` more (200 runs each).
            let interrupt = Interrupt::new();
            let done = AtomicU64::new(0);
            let progress = |n: u64| {
                if done.fetch_add(n, Ordering::SeqCst) + n > points * 200 {
                    interrupt.request(2);
                }
            };
            let error = commands::sweep(&resumable(&out, true), &interrupt, |_| {}, &progress).unwrap_err();
            let stopped = error.downcast::<Interrupted>().expect("interrupted");
            assert!(stopped.checkpoint, "{stopped}");
            assert!(stopped.to_string().contains("--resume"), "{stopped}");
            assert_eq!(
                entry_names(&out),
                [".checkpoint.json", ".sweep.csv.partial", ".sweep_blocs.csv.partial", ".sweep_states.csv.partial"]
            );
        }
        commands::sweep(&resumable(&out, true), &Interrupt::new(), |_| {}, &|_| {}).unwrap();
        crate::common::assert_same_batch(&whole, &out, &format!("stopped after {stops:?} points and resumed"));
    }
}

#[test]
fn a_killed_sweep_resumes_and_another_sweeps_checkpoint_is_refused() {
    use std::time::{Duration, Instant};
    let tmp = temp_dir();
    let args = ["--vary", "model.conformity=0.2,0.3,0.4,0.5,0.6,0.7", "--runs", "20000", "--seed", "3"];
    let whole = tmp.path().join("whole");
    sweep(&whole, &args);
    let out = tmp.path().join("out");
    let checkpoint = out.join(".checkpoint.json");
    let mut child = crate::common::ungasim_process()
        .args(["sweep", SCENARIO, "--quiet", "--threads", "1", "--resume", "--out"])
        .arg(&out)
        .args(args)
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while !checkpoint.exists() {
        assert!(Instant::now() < deadline && child.try_wait().unwrap().is_none(), "no checkpoint");
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(!out.join("manifest.json").exists(), "a killed sweep looks complete");
    let kept = fs::read(&checkpoint).unwrap();
    let cases: [(&[&str], &str); 3] = [
        (&["--vary", "model.conformity=0.2,0.3", "--runs", "20000", "--seed", "3"], "points"),
        (&[&args[..4], &["--seed", "4"]].concat(), "seed"),
        (&[&args[..], &["--per-point"]].concat(), "--per-point"),
    ];
    for (extra, field) in cases {
        let output =
            ungasim().args(["sweep", SCENARIO, "--quiet", "--resume", "--out"]).arg(&out).args(extra).output().unwrap();
        assert_eq!(output.status.code(), Some(1));
        let stderr = text(&output.stderr);
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.contains(field) && stderr.contains(".checkpoint.json"), "{field}: {stderr}");
        assert_eq!(fs::read(&checkpoint).unwrap(), kept, "a refusal changed the checkpoint");
    }
    sweep(&out, &[&args[..], &["--resume"]].concat());
    crate::common::assert_same_batch(&whole, &out, "kill -9 and --resume vs uninterrupted");
}
