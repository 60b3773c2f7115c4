//! Calibration against the record: the embedded roster is exactly what
//! `ungasim calibrate` makes of the 2018-2020 roll calls, it meets the
//! in-sample targets, the same bytes come out for any thread count, a
//! user's own roll-call file gives a roster that `run --roster` uses, and
//! every history scenario reproduces its recorded outcome.

use crate::common::{ResultDir, Table, dir_files, file_differences, package_path, temp_dir, text, toml_files, ungasim};
use std::fs;

const ROLLCALLS: &str = "data/rollcalls_2018_2020.csv";

/// Runs `ungasim calibrate ROLLCALLS --out DIR ARGS...` and returns the directory's files.
fn calibrate(dir: &std::path::Path, files: &[&str], args: &[&str]) -> std::collections::BTreeMap<String, Vec<u8>> {
    let output =
        ungasim().arg("calibrate").args(files).arg("--out").arg(dir).arg("--quiet").args(args).output().unwrap();
    assert!(output.status.success(), "calibrate failed: {}", text(&output.stderr));
    dir_files(dir)
}

/// Acceptance 1 and the regeneration check: the committed `data/calibration/`
/// is byte for byte the output of the documented command, with one thread
/// and with two; in sample it classifies >= 93% of present votes right with
/// Brier <= 0.12, predicts at least a third of the recorded abstentions, and
/// puts the USA and Russia on opposite sides of `sovereignty`.
#[test]
fn embedded_calibration_is_the_calibrate_output_and_fits_the_record() {
    let committed = dir_files(&package_path("data/calibration"));
    let (one, two) = (temp_dir(), temp_dir());
    let single = calibrate(one.path(), &[ROLLCALLS], &["--threads", "1"]);
    let double = calibrate(two.path(), &[ROLLCALLS], &["--threads", "2"]);
    assert_eq!(file_differences(&single, &double), Vec::<String>::new(), "--threads 1 and 2 differ");
    let differences = file_differences(&committed, &single);
    assert!(
        differences.is_empty(),
        "data/calibration is not the output of `ungasim calibrate {ROLLCALLS} --out data/calibration --force`: {differences:?}"
    );

    let fit = Table::parse(&String::from_utf8(single["fit.csv"].clone()).unwrap());
    let overall = fit.rows.iter().find(|r| r[0] == "overall").expect("overall row");
    let value = |name: &str| overall[fit.index(name)].parse::<f64>().unwrap();
    assert!(value("accuracy") >= 0.93, "accuracy {}", value("accuracy"));
    assert!(value("brier") <= 0.12, "Brier {}", value("brier"));
    assert!(3.0 * value("abstentions_predicted") >= value("abstentions"), "abstentions {overall:?}");
    let report = String::from_utf8(single["report.txt"].clone()).unwrap();
    assert!(report.contains(", converged"), "{report}");

    let states = Table::parse(&String::from_utf8(single["states.csv"].clone()).unwrap());
    let sovereignty = |iso3: &str| {
        let row = states.rows.iter().find(|r| r[0] == iso3).unwrap();
        row[states.index("sovereignty")].parse::<f64>().unwrap()
    };
    assert!(
        sovereignty("USA") < 0.0 && sovereignty("RUS") > 0.0,
        "USA {} RUS {}",
        sovereignty("USA"),
        sovereignty("RUS")
    );
}

/// Acceptance 4: a user's roll calls in the `unvotes` layout (three texts,
/// ISO-2 codes, absent states missing) calibrate with one free dimension,
/// and the roster runs with `--roster` and with `scenario.roster`.
#[test]
fn a_users_unvotes_file_calibrates_into_a_roster_that_runs() {
    let work = temp_dir();
    let long = fs::read_to_string(package_path(ROLLCALLS)).unwrap();
    let table = Table::parse(&long);
    let iso2 = Table::parse(&fs::read_to_string(package_path("data/iso2.csv")).unwrap());
    let code = |iso3: &str| iso2.rows.iter().find(|r| r[0] == iso3).map(|r| r[1].clone()).unwrap();
    let mut unvotes = String::from("rcid,country,country_code,vote,unres,date\n");
    for (rcid, id) in [(1, "A/RES/73/27"), (2, "A/RES/74/29"), (3, "A/RES/74/28")] {
        for row in table.rows.iter().filter(|r| r[table.index("resolution")] == id) {
            let vote = match row[table.index("vote")].as_str() {
                "Y" => "yes",
                "N" => "no",
                "A" => "abstain",
                _ => continue,
            };
            let country = row[table.index("country")].replace(',', " ");
            let date = &row[table.index("date")];
            unvotes += &format!("{rcid},{country},{},{vote},{id},{date}\n", code(&row[table.index("iso3")]));
        }
    }
    let file = work.path().join("mine.csv");
    fs::write(&file, unvotes).unwrap();
    let roster = work.path().join("roster");
    let files = calibrate(&roster, &[file.to_str().unwrap()], &["--dims", "1"]);
    for name in ["states.csv", "texts.csv", "model.json", "fit.csv", "report.txt"] {
        assert!(files.contains_key(name), "{name} missing");
    }
    let scenario = work.path().join("next.toml");
    fs::write(
        &scenario,
        "[scenario]\nname = \"next\"\nroster = \"roster\"\n\n[[proposals]]\nid = \"next\"\nlike = \"A/RES/74/28\"\nsponsors = [\"USA\"]\n",
    )
    .unwrap();
    let with_key = ResultDir::run(scenario.to_str().unwrap(), &["--runs", "500"]);
    assert_eq!(with_key.manifest()["roster"], roster.display().to_string());
    let summary = with_key.table("summary.csv");
    assert_eq!(summary.column("p_adopted"), ["1.000000"], "the US text passes on the user's roster");
    // A sweep loads that roster once, for every point.
    let swept = work.path().join("swept");
    let output = ungasim()
        .args(["sweep", scenario.to_str().unwrap(), "--vary", "model.conformity=0.4,0.6", "--runs", "300", "--quiet"])
        .arg("--out")
        .arg(&swept)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", text(&output.stderr));
    let sweep = Table::parse(&fs::read_to_string(swept.join("sweep.csv")).unwrap());
    assert_eq!(sweep.column("p_adopted"), ["1.000000", "1.000000"], "every point runs on the user's roster");

    let out = work.path().join("out");
    let output = ungasim()
        .args(["run", "scenarios/history/res-74-28.toml", "--runs", "300", "--quiet", "--roster"])
        .arg(&roster)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", text(&output.stderr));
    let unknown =
        ungasim().args(["check", "scenarios/history/res-73-187.toml", "--roster"]).arg(&roster).output().unwrap();
    assert!(!unknown.status.success());
    assert!(text(&unknown.stderr).contains("unknown text `A/RES/73/187`"), "{}", text(&unknown.stderr));
}

/// Acceptance 2: each history scenario of a recorded vote, simulated with the
/// embedded roster, has the real Yes and No counts inside its 90% interval
/// (the 5% and 95% quantiles of summary.csv; at least 15 of the 16 counts,
/// mean width at most 30); each consensus adoption comes out adopted
/// without a vote in at least 90% of runs.
#[test]
fn history_scenarios_reproduce_their_record() {
    let recorded = Table::parse(&fs::read_to_string(package_path("data/tallies.csv")).unwrap());
    let (mut inside, mut counts, mut width, mut consensus) = (0, 0, 0.0, 0);
    let mut misses = Vec::new();
    for path in toml_files("scenarios/history") {
        let result = ResultDir::run(&path, &["--runs", "4000"]);
        let summary = result.table("summary.csv");
        let row = &summary.rows[0];
        let id = &row[summary.index("proposal")];
        let record = recorded.rows.iter().find(|r| &r[0] == id).unwrap_or_else(|| panic!("{id} not in tallies.csv"));
        if record[recorded.index("outcome")] == "adopted_without_vote" {
            let p: f64 = row[summary.index("p_consensus")].parse().unwrap();
            assert!(p >= 0.9, "{path}: P(consensus) {p}");
            consensus += 1;
            continue;
        }
        for measure in ["yes", "no"] {
            let real: f64 = record[recorded.index(measure)].parse().unwrap();
            let low: f64 = row[summary.index(&format!("{measure}_q05"))].parse().unwrap();
            let high: f64 = row[summary.index(&format!("{measure}_q95"))].parse().unwrap();
            counts += 1;
            width += high - low;
            if (low..=high).contains(&real) {
                inside += 1;
            } else {
                misses.push(format!("{id} {measure}: {real} outside [{low}, {high}]"));
            }
        }
    }
    assert_eq!((counts, consensus), (16, 5), "eight recorded votes and five consensus adoptions");
    assert!(inside >= 15, "only {inside} of {counts} counts inside: {misses:?}");
    assert!(width / counts as f64 <= 30.0, "mean width {}", width / counts as f64);
}

/// A series `like` draws the text every run: the tally spreads wider than
/// with one recorded text, and the mean text sits between the series' texts.
#[test]
fn a_series_like_widens_the_tally() {
    let base = "[scenario]\nname = \"like\"\ndate = \"2021-12-01\"\nseed = 3\n\n[model]\nposition_jitter = 0.0\n\n[[proposals]]\nid = \"next\"\nsponsors = [\"RUS\"]\n";
    let one = ungasim::scenario::parse(&format!("{base}like = \"A/RES/74/29\"\n"), "one.toml", &[]).unwrap();
    let series_text = format!("{base}like = [\"A/RES/73/27\", \"A/RES/74/29\", \"A/RES/75/240\"]\n");
    let series = ungasim::scenario::parse(&series_text, "series.toml", &[]).unwrap();
    assert!(series.proposals[0].draw.is_some() && one.proposals[0].draw.is_none());
    let sd = |scenario: &ungasim::model::Scenario| {
        let (tally, _) = ungasim::batch::run_sequential(scenario, 0..3000);
        ungasim::aggregate::stats::moments(&tally.proposals[0].histograms[0], 0).sd
    };
    let (narrow, wide) = (sd(&one), sd(&series));
    assert!(wide > 1.5 * narrow, "series sd {wide} vs one text {narrow}");
}

/// A malformed roll-call file stops `calibrate` with its one-line error
/// (the corpus's expected text), exit status 1, and no roster directory.
#[test]
fn calibrate_refuses_a_malformed_file_in_one_line_and_writes_nothing() {
    let work = temp_dir();
    for name in ["duplicate_row", "no_present_voter", "unknown_country_code"] {
        let fixture = format!("tests/fixtures/rollcalls/bad/{name}.csv");
        let expected =
            fs::read_to_string(package_path(&format!("tests/fixtures/rollcalls/bad/{name}.expected"))).unwrap();
        let out = work.path().join(name);
        let output = ungasim().args(["calibrate", &fixture, "--out"]).arg(&out).output().unwrap();
        assert_eq!(output.status.code(), Some(1), "{name}");
        assert_eq!(text(&output.stderr), format!("error: {expected}"), "{name}");
        assert!(!out.exists(), "{name}: a roster directory was created");
    }
    let file = work.path().join("a-file");
    fs::write(&file, "").unwrap();
    let output = ungasim().args(["calibrate", ROLLCALLS, "--quiet", "--out"]).arg(&file).output().unwrap();
    assert!(text(&output.stderr).contains("exists and is not a directory"), "{}", text(&output.stderr));
}
