//! `ungasim backtest`: the recorded 2018-2020 texts simulated from their
//! history scenarios and scored against the record, in sample and out of
//! sample (`--loo`), against the three baselines; its files do not depend
//! on the thread count; a backtest with nothing to compare is an error.

use crate::common::{Table, dir_files, package_path, temp_dir, text, ungasim};
use std::path::PathBuf;
use ungasim::commands::{self, BacktestReport, BacktestSettings, Method};
use ungasim::fit::forecast::Baseline;

const ROLLCALLS: &str = "data/rollcalls_2018_2020.csv";
const SCENARIOS: [&str; 2] = ["scenarios/history/res-73-27.toml", "scenarios/history/res-74-28.toml"];
const RUNS: u64 = 2000;

fn settings(out: PathBuf, threads: usize, loo: bool) -> BacktestSettings {
    BacktestSettings {
        rollcalls: package_path(ROLLCALLS),
        scenarios: SCENARIOS.iter().map(|s| package_path(s)).collect(),
        runs: RUNS,
        threads,
        roster: None,
        out,
        loo,
    }
}

/// Asserts that the simulation's overall log loss is below that of each of
/// `baselines`, naming the numbers.
fn assert_beats(report: &BacktestReport, baselines: &[Baseline]) {
    let model = report.overall.log_loss();
    for &b in baselines {
        let k = Baseline::ALL.iter().position(|&a| a == b).unwrap();
        let baseline = &report.overall_baselines[k];
        assert!(
            model < baseline.log_loss(),
            "{} log loss {model:.4} is not below {}'s {:.4}\n{}",
            report.method.name(),
            b.name(),
            baseline.log_loss(),
            report.render()
        );
        assert_eq!(baseline.votes, report.overall.votes, "the baselines are scored on the same votes");
    }
}

#[test]
fn backtest_in_sample_beats_the_baselines_and_ignores_threads() {
    let tmp = temp_dir();
    let one = commands::backtest(&settings(tmp.path().join("one"), 1, false)).unwrap();
    commands::backtest(&settings(tmp.path().join("two"), 2, false)).unwrap();
    assert_eq!(one.method, Method::Model);
    assert_eq!(one.texts.iter().map(|t| t.text.as_str()).collect::<Vec<_>>(), ["A/RES/73/27", "A/RES/74/28"]);
    assert!(one.unmatched.is_empty() && one.skipped.is_empty());
    assert_beats(&one, &Baseline::ALL);
    let (files_one, files_two) = (dir_files(&tmp.path().join("one")), dir_files(&tmp.path().join("two")));
    assert_eq!(files_one.keys().collect::<Vec<_>>(), ["backtest.csv", "backtest_summary.csv"]);
    assert!(files_one == files_two, "--threads 1 and --threads 2 wrote different files");

    // The per-state file: 193 rows per text, sponsors simulated as certain Yes.
    let states = Table::parse(&String::from_utf8(files_one["backtest.csv"].clone()).unwrap());
    assert_eq!(
        states.header,
        "text,iso3,recorded,p_yes,p_no,p_abstain,p_absent,predicted,previous,frequent,group"
            .split(',')
            .collect::<Vec<_>>()
    );
    assert_eq!(states.rows.len(), 2 * 193);
    let rus = states.rows.iter().find(|r| r[0] == "A/RES/73/27" && r[1] == "RUS").unwrap();
    assert_eq!(&rus[2..8], ["Y", "1.000000", "0.000000", "0.000000", "0.000000", "Y"]);

    // The summary: four methods per text, then the overall rows; the
    // recorded counts are the record's.
    let summary = Table::parse(&String::from_utf8(files_one["backtest_summary.csv"].clone()).unwrap());
    let keys: Vec<String> = summary.rows.iter().map(|r| format!("{} {}", r[0], r[1])).collect();
    assert_eq!(keys[..4], ["A/RES/73/27 model", "A/RES/73/27 previous", "A/RES/73/27 frequent", "A/RES/73/27 group"]);
    assert_eq!(keys[8..], ["overall model", "overall previous", "overall frequent", "overall group"]);
    let first = &summary.rows[0];
    let recorded: Vec<&str> = [6, 9, 12, 15].iter().map(|&c| first[c].as_str()).collect();
    assert_eq!(recorded, ["119", "46", "14", "14"]);
    assert!(summary.rows[1][6..].iter().all(String::is_empty), "baselines have no tally");
    let t = &one.texts[0];
    assert_eq!(t.model.votes, 193 - 14 - 1, "present states, the sponsor left out");
    assert!(t.counts.iter().all(|c| c.lo <= c.hi));
}

/// The eight recorded texts of 2018-2020, each in its history scenario.
fn history_scenarios() -> Vec<PathBuf> {
    crate::common::toml_files("scenarios/history")
        .into_iter()
        .filter(|path| !["75-282", "76-19", "79-237", "79-243", "80-16"].iter().any(|c| path.contains(c)))
        .map(|path| package_path(&path))
        .collect()
}

/// The leave-one-out backtest of all eight texts with `threads`.
fn leave_one_out_with(threads: usize) -> BacktestReport {
    let tmp = temp_dir();
    let mut settings = settings(tmp.path().join("loo"), threads, true);
    settings.scenarios = history_scenarios();
    let report = commands::backtest(&settings).unwrap();
    let summary = Table::parse(&std::fs::read_to_string(tmp.path().join("loo/backtest_summary.csv")).unwrap());
    assert_eq!(summary.column("method")[..2], ["loo", "previous"]);
    report
}

/// [`leave_one_out_with`] two threads, run once per test binary (every
/// text refitted away and forecast from the rest of its series).
fn leave_one_out() -> &'static BacktestReport {
    static REPORT: std::sync::OnceLock<BacktestReport> = std::sync::OnceLock::new();
    REPORT.get_or_init(|| leave_one_out_with(2))
}

#[test]
fn backtest_leave_one_out_ignores_threads() {
    let one = leave_one_out_with(1);
    let two = leave_one_out();
    assert!(one.backtest_csv() == two.backtest_csv(), "backtest.csv differs between 1 and 2 threads");
    assert_eq!(one.summary_csv(), two.summary_csv());
}

/// Acceptance: forecast from the rest of its series, the recorded texts'
/// votes are predicted with a lower log loss than by every baseline (each
/// given its hit rate in hindsight as confidence), and with an accuracy
/// above the baselines' average.
#[test]
fn backtest_leave_one_out_forecasts_beat_the_baselines() {
    let report = leave_one_out();
    assert_eq!(report.method, Method::Loo);
    assert_eq!(report.texts.len(), 8);
    assert!(report.skipped.is_empty());
    assert_beats(report, &Baseline::ALL);
    let baselines = report.overall_baselines.iter().map(|b| b.accuracy()).sum::<f64>() / 3.0;
    let accuracy = report.overall.accuracy();
    assert!(accuracy > baselines, "accuracy {accuracy} vs the baselines' mean {baselines}\n{}", report.render());
}

#[test]
fn backtest_without_a_matching_proposal_fails_in_one_line() {
    let tmp = temp_dir();
    let output = ungasim()
        .args(["backtest", ROLLCALLS, "scenarios/history/res-76-19.toml", "--runs", "10", "--out"])
        .arg(tmp.path().join("out"))
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = text(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("error: no proposal of scenarios/history/res-76-19.toml matches"), "{stderr}");
    assert!(!tmp.path().join("out").exists(), "nothing is written");
}
