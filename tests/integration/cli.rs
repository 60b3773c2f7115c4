//! The command line as documented in `INTERFACE.md`, through the real
//! binary: which files `run` writes and their exact columns, shapes and
//! number formats; the manifest; `--force`; `check` and `check --resolved`;
//! `states`; and refusing bad input (bad scenarios with their golden error
//! text, bad options) without writing anything.

use crate::common::{
    EU_SPLIT_2018, OEWG_2018, ResultDir, STATES, TABLE_FILES, Table, dir_files, entry_names, fixture_overrides,
    package_path, run_command, temp_dir, text, toml_files, ungasim, ungasim_process,
};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::process::Stdio;

/// Runs of the batches checked here: enough for every table to fill, fast.
const RUNS: u64 = 2000;
const RUNS_ARG: &str = "2000";
const PROPOSALS: [&str; 2] = ["A/RES/73/27", "A/RES/73/266"];
const MEASURES: [&str; 5] = ["yes", "no", "abstain", "absent", "margin"];

fn summary_header() -> Vec<String> {
    let mut header: Vec<String> =
        ["proposal", "runs", "p_adopted", "p_adopted_lo", "p_adopted_hi", "p_consensus"].map(String::from).into();
    for measure in MEASURES {
        for statistic in ["mean", "sd", "q05", "q25", "q50", "q75", "q95"] {
            header.push(format!("{measure}_{statistic}"));
        }
    }
    header.extend(["recorded_yes", "recorded_no", "recorded_abstain", "recorded_absent"].map(String::from));
    header
}

fn header(columns: &str) -> Vec<String> {
    columns.split(',').map(String::from).collect()
}

/// A number written with exactly six decimals, `.` as decimal point.
fn is_fixed6(value: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let unsigned = value.strip_prefix('-').unwrap_or(value);
    unsigned.split_once('.').is_some_and(|(int, frac)| digits(int) && digits(frac) && frac.len() == 6)
}

/// Asserts that every value of `columns` is a probability with six decimals.
fn assert_probabilities(table: &Table, file: &str, columns: &[&str]) {
    for column in columns {
        for value in table.column(column) {
            let p: f64 = value.parse().unwrap_or(f64::NAN);
            assert!(
                is_fixed6(value) && (0.0..=1.0).contains(&p),
                "{file} {column}: `{value}` is not a 6-decimal probability"
            );
        }
    }
}

/// The proposals of `table`, one per contiguous group of rows, in file
/// order (so rows of one proposal that are not together show up twice).
fn proposals_of(table: &Table) -> Vec<&str> {
    let mut seen = Vec::new();
    for proposal in table.column("proposal") {
        if seen.last() != Some(&proposal) {
            seen.push(proposal);
        }
    }
    seen
}

/// Checks the table files, `scenario.json`, `membership.csv` and the
/// manifest of a batch of `OEWG_2018` with `RUNS` runs against the interface.
fn assert_documented_tables(result: &ResultDir, per_run: bool) {
    assert_summary(&result.table("summary.csv"));
    assert_distribution(&result.table("distribution.csv"));
    assert_states(&result.table("states.csv"));
    assert_blocs(&result.table("blocs.csv"));
    assert_scenario_files(result);
    assert_manifest(&result.manifest(), per_run);
}

/// `scenario.json` is what `check --resolved` prints, byte for byte;
/// `membership.csv` holds the pairs `ungasim states --date` gives (an
/// independent path through the roster), blocs in the scenario's order,
/// members in roster order.
fn assert_scenario_files(result: &ResultDir) {
    let check = ungasim().args(["check", OEWG_2018, "--resolved"]).assert().success();
    assert_eq!(result.read("scenario.json").as_bytes(), check.get_output().stdout, "scenario.json vs check --resolved");
    let membership = result.table("membership.csv");
    assert_eq!(membership.header, header("bloc,iso3,name"));
    let roster = ungasim().args(["states", "--date", "2018-12-05"]).assert().success();
    let roster = Table::parse(&text(&roster.get_output().stdout));
    let iso3 = roster.column("iso3");
    let mut expected = BTreeSet::new();
    for (state, blocs) in iso3.iter().zip(roster.column("blocs")) {
        expected.extend(blocs.split(';').filter(|b| !b.is_empty()).map(|b| (b.to_string(), state.to_string())));
    }
    let pairs: Vec<(String, String)> = membership.rows.iter().map(|r| (r[0].clone(), r[1].clone())).collect();
    assert_eq!(pairs.iter().cloned().collect::<BTreeSet<_>>(), expected, "membership.csv vs states --date");
    assert_eq!(pairs.len(), expected.len(), "membership.csv repeats a pair");
    let resolved: serde_json::Value = serde_json::from_str(&result.read("scenario.json")).unwrap();
    let bloc_order: Vec<&str> =
        resolved["blocs"].as_array().unwrap().iter().map(|b| b["id"].as_str().unwrap()).collect();
    let position = |pair: &(String, String)| {
        let bloc = bloc_order.iter().position(|b| *b == pair.0).unwrap();
        (bloc, iso3.iter().position(|s| *s == pair.1).unwrap())
    };
    assert!(pairs.windows(2).all(|w| position(&w[0]) < position(&w[1])), "membership.csv is not in bloc, roster order");
    let eu = membership.rows.iter().find(|r| r[0] == "EU").unwrap();
    assert_eq!(eu[2], "European Union");
}

fn assert_summary(summary: &Table) {
    assert_eq!(summary.header, summary_header());
    assert_eq!(summary.column("proposal"), PROPOSALS);
    assert!(summary.column("runs").iter().all(|r| *r == RUNS.to_string()));
    assert_probabilities(summary, "summary.csv", &["p_adopted", "p_adopted_lo", "p_adopted_hi", "p_consensus"]);
    // Both texts are recorded roll calls (data/tallies.csv).
    let recorded: Vec<Vec<&str>> =
        summary.rows.iter().map(|r| r[r.len() - 4..].iter().map(String::as_str).collect()).collect();
    assert_eq!(recorded, [["119", "46", "14", "14"], ["138", "12", "16", "27"]]);
    for row in &summary.rows {
        let p = |column| row[summary.index(column)].parse::<f64>().unwrap();
        assert!(p("p_adopted_lo") <= p("p_adopted") && p("p_adopted") <= p("p_adopted_hi"), "summary.csv {row:?}");
    }
    for measure in MEASURES {
        for column in [format!("{measure}_mean"), format!("{measure}_sd")] {
            assert!(summary.column(&column).iter().all(|v| is_fixed6(v)), "summary.csv {column}");
        }
        for q in ["q05", "q25", "q50", "q75", "q95"] {
            let column = format!("{measure}_{q}");
            assert!(summary.column(&column).iter().all(|v| v.parse::<i64>().is_ok()), "summary.csv {column}");
        }
    }
}

fn assert_distribution(distribution: &Table) {
    assert_eq!(distribution.header, header("proposal,measure,value,runs"));
    assert_eq!(proposals_of(distribution), PROPOSALS);
    let mut totals: BTreeMap<(String, String), u64> = BTreeMap::new();
    for row in &distribution.rows {
        let (value, runs): (i64, u64) = (row[2].parse().unwrap(), row[3].parse().unwrap());
        let lowest = if row[1] == "margin" { -(STATES as i64) } else { 0 };
        assert!((lowest..=STATES as i64).contains(&value) && runs > 0, "distribution.csv row {row:?}");
        *totals.entry((row[0].clone(), row[1].clone())).or_default() += runs;
    }
    let expected: BTreeMap<(String, String), u64> =
        PROPOSALS.iter().flat_map(|p| MEASURES.map(|m| ((p.to_string(), m.to_string()), RUNS))).collect();
    assert_eq!(totals, expected, "distribution.csv: counts per (proposal, measure) must sum to the runs");
}

fn assert_states(states: &Table) {
    assert_eq!(
        states.header,
        header("proposal,iso3,name,group,p_yes,p_no,p_abstain,p_absent,p_decisive,p_tipping,recorded_vote")
    );
    assert_eq!(states.rows.len(), STATES * PROPOSALS.len());
    assert_eq!(proposals_of(states), PROPOSALS);
    assert_eq!(states.column("iso3").into_iter().collect::<BTreeSet<_>>().len(), STATES);
    assert_probabilities(states, "states.csv", &["p_yes", "p_no", "p_abstain", "p_absent", "p_decisive", "p_tipping"]);
    for row in &states.rows {
        let total: f64 = row[4..8].iter().map(|p| p.parse::<f64>().unwrap()).sum();
        assert!((total - 1.0).abs() < 5e-6, "states.csv: the four vote probabilities of {row:?} sum to {total}");
    }
    // Every run with a vote has exactly one tipping point.
    for proposal in PROPOSALS {
        let tipping: f64 = (states.rows.iter().filter(|r| r[0] == proposal))
            .map(|r| r[states.index("p_tipping")].parse::<f64>().unwrap())
            .sum();
        assert!((tipping - 1.0).abs() < 1e-3, "states.csv: P(tipping) of {proposal} sums to {tipping}");
    }
    let recorded = states.column("recorded_vote");
    assert!(recorded.iter().all(|v| ["yes", "no", "abstain", "absent"].contains(v)), "states.csv recorded_vote");
    let usa = states.rows.iter().find(|r| r[0] == "A/RES/73/27" && r[1] == "USA").unwrap();
    assert_eq!(usa[states.index("recorded_vote")], "no");
}

fn assert_blocs(blocs: &Table) {
    assert_eq!(blocs.header, header("proposal,bloc,members,agreement_mean,p_swing,p_majority_yes"));
    assert_eq!(proposals_of(blocs), PROPOSALS);
    assert!(blocs.rows.iter().any(|r| r[..3] == ["A/RES/73/27", "EU", "28"]), "blocs.csv: no 28-member EU in 2018");
    assert!(blocs.column("members").iter().all(|m| m.parse::<usize>().is_ok_and(|m| (1..=STATES).contains(&m))));
    assert_probabilities(blocs, "blocs.csv", &["agreement_mean", "p_swing", "p_majority_yes"]);
}

fn assert_manifest(manifest: &serde_json::Value, per_run: bool) {
    for key in [
        "tool_version",
        "model_version",
        "scenario_path",
        "scenario_sha256",
        "seed",
        "runs",
        "run_range",
        "threads",
        "started",
        "finished",
        "wall_seconds",
        "command_line",
    ] {
        assert!(manifest.get(key).is_some(), "manifest.json lacks `{key}`: {manifest}");
    }
    let scenario_bytes = fs::read(package_path(OEWG_2018)).unwrap();
    let sha256: String = Sha256::digest(&scenario_bytes).iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(manifest["scenario_sha256"], sha256.as_str());
    assert_eq!(manifest["scenario_path"], OEWG_2018);
    assert_eq!(manifest["tool_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(manifest["seed"], 73, "the seed comes from the scenario file");
    assert_eq!(manifest["runs"], RUNS);
    assert_eq!(manifest["run_range"], serde_json::json!([0, RUNS]));
    assert_eq!(manifest["per_run"], per_run);
    assert!(manifest["threads"].as_u64().is_some_and(|t| t >= 1));
    assert!(manifest["wall_seconds"].as_f64().is_some_and(|s| s >= 0.0));
    for time in ["started", "finished"] {
        let stamp = manifest[time].as_str().unwrap();
        assert!(stamp.len() == 20 && stamp.ends_with('Z') && stamp.as_bytes()[10] == b'T', "{time}: {stamp}");
    }
    let command_line: Vec<&str> =
        manifest["command_line"].as_array().unwrap().iter().map(|a| a.as_str().unwrap()).collect();
    assert!(command_line.windows(2).any(|w| w == ["--runs", RUNS_ARG]), "command_line {command_line:?}");
    assert!(command_line.contains(&OEWG_2018), "command_line {command_line:?}");
}

#[test]
fn run_writes_exactly_the_documented_files() {
    let result = ResultDir::run(OEWG_2018, &["--runs", RUNS_ARG]);
    assert_eq!(entry_names(&result.path), TABLE_FILES, "unexpected files (or a leftover .partial)");
    assert_documented_tables(&result, false);
}

#[test]
fn per_run_adds_runs_csv_that_agrees_with_the_tables() {
    let result = ResultDir::run(OEWG_2018, &["--runs", RUNS_ARG, "--per-run"]);
    let mut expected_files = TABLE_FILES.to_vec();
    expected_files.push("runs.csv");
    expected_files.sort();
    assert_eq!(entry_names(&result.path), expected_files, "unexpected files (or a leftover .partial)");
    assert_documented_tables(&result, true);

    let runs = result.table("runs.csv");
    assert_eq!(runs.header, header("run,proposal,yes,no,abstain,absent,outcome"));
    assert_eq!(runs.rows.len() as u64, RUNS * PROPOSALS.len() as u64);
    // Run-major order; the histogram and outcome counts rebuilt from the runs.
    let mut histogram: BTreeMap<(String, &str, i64), u64> = BTreeMap::new();
    let mut passed: BTreeMap<(&str, &str), u64> = BTreeMap::new();
    for (k, row) in runs.rows.iter().enumerate() {
        assert_eq!(
            (row[0].as_str(), row[1].as_str()),
            ((k / PROPOSALS.len()).to_string().as_str(), PROPOSALS[k % PROPOSALS.len()])
        );
        let counts: Vec<i64> = row[2..6].iter().map(|c| c.parse().unwrap()).collect();
        assert_eq!(counts.iter().sum::<i64>(), STATES as i64, "runs.csv row {row:?}");
        for (measure, value) in MEASURES.iter().zip(counts.iter().copied().chain([counts[0] - counts[1]])) {
            *histogram.entry((row[1].clone(), measure, value)).or_default() += 1;
        }
        let outcome = row[6].as_str();
        assert!(["adopted", "rejected", "consensus"].contains(&outcome), "runs.csv outcome `{outcome}`");
        *passed.entry((PROPOSALS[k % PROPOSALS.len()], outcome)).or_default() += 1;
    }
    let distribution = result.table("distribution.csv");
    let listed: BTreeMap<(String, &str, i64), u64> = distribution
        .rows
        .iter()
        .map(|r| {
            let measure = MEASURES.iter().find(|m| **m == r[1]).expect("a documented measure");
            ((r[0].clone(), *measure, r[2].parse().unwrap()), r[3].parse().unwrap())
        })
        .collect();
    assert_eq!(listed, histogram, "distribution.csv is not the histogram of runs.csv");
    let summary = result.table("summary.csv");
    for (row, proposal) in summary.rows.iter().zip(PROPOSALS) {
        let count = |outcome| passed.get(&(proposal, outcome)).copied().unwrap_or(0) as f64;
        let p_adopted = (count("adopted") + count("consensus")) / RUNS as f64;
        assert_eq!(row[summary.index("p_adopted")], format!("{p_adopted:.6}"), "{proposal}");
        assert_eq!(row[summary.index("p_consensus")], format!("{:.6}", count("consensus") / RUNS as f64));
    }
}

#[test]
fn per_run_records_each_runs_uncertain_draws() {
    let result = ResultDir::run(EU_SPLIT_2018, &["--runs", "600", "--per-run"]);
    let runs = result.table("runs.csv");
    // One column per [[uncertain]] entry, named by its path, in the scenario's order.
    assert_eq!(runs.header, header("run,proposal,yes,no,abstain,absent,outcome,blocs.EU.cohesion,model.conformity"));
    assert_eq!(runs.rows.len(), 600);
    let mut distinct = BTreeSet::new();
    for row in &runs.rows {
        for (field, (low, high)) in row[7..].iter().zip([(0.0, 1.0), (0.2, 0.7)]) {
            assert_eq!(field.split('.').nth(1).map(str::len), Some(6), "six decimals: {row:?}");
            let value: f64 = field.parse().unwrap();
            assert!((low..=high).contains(&value), "a draw outside its distribution's support: {row:?}");
        }
        distinct.insert(row[7].clone());
    }
    assert!(distinct.len() > 500, "the draws vary from run to run ({} distinct)", distinct.len());
}

#[test]
fn per_state_writes_votes_csv_whose_letters_agree_with_runs_csv_and_forced_votes() {
    let result = ResultDir::run(EU_SPLIT_2018, &["--runs", "600", "--per-run", "--per-state"]);
    assert!(entry_names(&result.path).contains(&"votes.csv".to_string()));
    assert_eq!(result.manifest()["per_state"], true);
    let votes = result.table("votes.csv");
    let runs = result.table("runs.csv");
    assert_eq!(votes.header, header("run,proposal,votes"));
    assert_eq!(votes.rows.len(), runs.rows.len());
    // Roster order is that of states.csv; HUN is forced to vote Yes, ITA to abstain.
    let states = result.table("states.csv");
    let roster: Vec<&str> = states.column("iso3");
    assert_eq!(roster.len(), STATES, "one proposal: states.csv lists the roster once");
    let position = |iso3| roster.iter().position(|s| *s == iso3).unwrap();
    let (hungary, italy) = (position("HUN"), position("ITA"));
    for (vote_row, run_row) in votes.rows.iter().zip(&runs.rows) {
        assert_eq!(vote_row[..2], run_row[..2], "the same run and proposal, in the same order");
        let letters = vote_row[2].as_bytes();
        assert_eq!(letters.len(), STATES, "{vote_row:?}");
        let count = |letter: u8| letters.iter().filter(|&&l| l == letter).count().to_string();
        assert_eq!([count(b'Y'), count(b'N'), count(b'A'), count(b'X')], run_row[2..6], "run {}", run_row[0]);
        assert_eq!((letters[hungary], letters[italy]), (b'Y', b'A'), "forced votes, run {}", run_row[0]);
    }
    // Without --per-run, votes.csv alone, the same bytes.
    let alone = ResultDir::run(EU_SPLIT_2018, &["--runs", "600", "--per-state"]);
    assert!(!entry_names(&alone.path).contains(&"runs.csv".to_string()));
    assert_eq!(alone.read("votes.csv"), result.read("votes.csv"));
}

#[test]
fn existing_results_are_kept_without_force_and_replaced_with_it() {
    let tmp = temp_dir();
    let out = tmp.path().join("out");
    run_command(OEWG_2018, &out, &["--runs", "200", "--per-run"]).assert().success();
    let before = dir_files(&out);

    let refused = run_command(OEWG_2018, &out, &["--runs", "200", "--seed", "1"]).assert().failure();
    let stderr = text(&refused.get_output().stderr);
    assert!(stderr.contains("--force"), "the refusal should mention --force: {stderr}");
    assert_eq!(dir_files(&out), before, "a refused run changed the old results");

    run_command(OEWG_2018, &out, &["--runs", "200", "--seed", "1", "--force"]).assert().success();
    let after = dir_files(&out);
    assert_eq!(after.keys().map(String::as_str).collect::<Vec<_>>(), TABLE_FILES, "stale runs.csv left behind");
    assert_ne!(after["distribution.csv"], before["distribution.csv"], "--force did not overwrite");
    let manifest: serde_json::Value = serde_json::from_slice(&after["manifest.json"]).unwrap();
    assert_eq!(manifest["seed"], 1);
}

#[test]
fn any_non_empty_directory_is_refused_but_an_empty_one_is_used() {
    let tmp = temp_dir();
    let notes = tmp.path().join("notes");
    fs::create_dir(&notes).unwrap();
    fs::write(notes.join("notes.txt"), "mine").unwrap();
    run_command(OEWG_2018, &notes, &["--runs", "10"]).assert().failure();
    assert_eq!(entry_names(&notes), ["notes.txt"]);

    let empty = tmp.path().join("empty");
    fs::create_dir(&empty).unwrap();
    run_command(OEWG_2018, &empty, &["--runs", "10"]).assert().success();
    assert_eq!(entry_names(&empty), TABLE_FILES);
}

/// `ungasim check SCENARIO --resolved ARGS...`, parsed.
fn resolved(scenario: &str, args: &[&str]) -> serde_json::Value {
    let assert = ungasim().args(["check", scenario, "--resolved"]).args(args).assert().success();
    serde_json::from_slice(&assert.get_output().stdout).expect("check --resolved prints JSON")
}

fn keys(value: &serde_json::Value) -> BTreeSet<&str> {
    value.as_object().expect("a JSON object").keys().map(String::as_str).collect()
}

#[test]
fn check_resolved_prints_the_whole_scenario_as_json() {
    let json = resolved(OEWG_2018, &[]);
    let top = ["scenario", "dimensions", "model", "states", "blocs", "ties", "proposals", "uncertain", "force"];
    assert_eq!(keys(&json), top.into());
    let dimensions = json["dimensions"].as_array().unwrap().len();
    let states = json["states"].as_array().unwrap();
    assert_eq!(states.len(), STATES);
    let fields = ["iso3", "name", "group", "position", "capacity", "attendance", "abstain_band", "conformity"];
    for state in states {
        assert_eq!(keys(state), fields.into(), "{state}");
        assert_eq!(state["position"].as_array().unwrap().len(), dimensions, "{state}");
    }
    for bloc in json["blocs"].as_array().unwrap() {
        assert_eq!(keys(bloc), ["id", "name", "cohesion", "leader", "members"].into(), "{bloc}");
    }
    let eu = json["blocs"].as_array().unwrap().iter().find(|b| b["id"] == "EU").expect("EU in force in 2018");
    assert!(eu["members"].as_array().unwrap().iter().any(|m| m == "GBR"), "GBR was in the EU in December 2018");
    for tie in json["ties"].as_array().unwrap() {
        assert_eq!(keys(tie), ["from", "to", "weight"].into(), "{tie}");
    }
    let ids: Vec<&str> = json["proposals"].as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap()).collect();
    assert_eq!(ids, PROPOSALS);
    assert_eq!(json["model"]["noise_scale"], 1.0);

    let split = resolved(EU_SPLIT_2018, &[]);
    assert_eq!((split["uncertain"].as_array().unwrap().len(), split["force"].as_array().unwrap().len()), (2, 2));
}

#[test]
fn check_set_changes_the_resolved_scenario() {
    let json = resolved(OEWG_2018, &["--set", "model.noise_scale=0.8", "--set", "blocs.EU.cohesion=0.5"]);
    assert_eq!(json["model"]["noise_scale"], 0.8);
    let eu = json["blocs"].as_array().unwrap().iter().find(|b| b["id"] == "EU").unwrap();
    assert_eq!(eu["cohesion"], 0.5);
    let bad = ungasim().args(["check", OEWG_2018, "--set", "model.noise_scale=-1"]).assert().failure();
    assert!(text(&bad.get_output().stderr).contains("model.noise_scale"));
}

/// The `--set` paths for a sweep: a proposal's majority, consensus and
/// sponsors, a bloc's members and leader, `model.attendance_scale`; a run
/// takes them too (the manifest records them).
#[test]
fn check_and_run_take_the_new_set_paths() {
    let sets = [
        "proposals.A/RES/73/27.majority=two_thirds",
        "proposals.A/RES/73/27.consensus=true",
        "proposals.A/RES/73/27.sponsors=[RUS,CHN]",
        "blocs.NATO.add=[SWE,FIN]",
        "blocs.NATO.remove=TUR",
        "blocs.EU.leader=FRA",
        "model.attendance_scale=0.9",
    ];
    let args: Vec<&str> = sets.iter().flat_map(|s| ["--set", s]).collect();
    let json = resolved(OEWG_2018, &args);
    let proposal = &json["proposals"][0];
    assert_eq!((proposal["majority"].as_str(), proposal["consensus"].as_bool()), (Some("two_thirds"), Some(true)));
    assert_eq!(proposal["sponsors"], serde_json::json!(["RUS", "CHN"]));
    let bloc = |id: &str| json["blocs"].as_array().unwrap().iter().find(|b| b["id"] == id).unwrap();
    let nato: Vec<&str> = bloc("NATO")["members"].as_array().unwrap().iter().map(|m| m.as_str().unwrap()).collect();
    assert!(nato.contains(&"SWE") && nato.contains(&"FIN") && !nato.contains(&"TUR"), "{nato:?}");
    assert_eq!(bloc("EU")["leader"], "FRA");
    assert_eq!(json["model"]["attendance_scale"], 0.9);
    let summary = ungasim().args(["check", OEWG_2018]).args(&args).assert().success();
    assert!(text(&summary.get_output().stdout).contains("attendance_scale 0.9"));

    let result = ResultDir::run(OEWG_2018, &[&["--runs", "50"], args.as_slice()].concat());
    let overrides = result.manifest()["overrides"].clone();
    assert_eq!(overrides, serde_json::json!(sets));
}

#[test]
fn check_accepts_every_shipped_scenario() {
    let scenarios: Vec<String> =
        ["scenarios", "tests/fixtures/good", "tests/golden"].iter().flat_map(|d| toml_files(d)).collect();
    assert!(scenarios.len() >= 6, "scenarios missing: {scenarios:?}");
    for scenario in scenarios {
        let assert = ungasim().args(["check", &scenario]).assert().success();
        assert!(!assert.get_output().stdout.is_empty(), "{scenario}: check printed nothing");
    }
}

#[test]
fn bad_scenarios_fail_with_their_golden_error_and_write_nothing() {
    let fixtures = toml_files("tests/fixtures/bad");
    assert!(fixtures.len() >= 24, "only {} bad fixtures", fixtures.len());
    let tmp = temp_dir();
    let mut failures = Vec::new();
    for (i, fixture) in fixtures.iter().enumerate() {
        let expected_path = package_path(fixture).with_extension("expected");
        let expected =
            fs::read_to_string(&expected_path).unwrap_or_else(|e| panic!("{}: {e}", expected_path.display()));
        let expected = expected.trim_end();
        let out = tmp.path().join(format!("out{i}"));
        let sets: Vec<String> =
            fixture_overrides(&package_path(fixture)).into_iter().flat_map(|s| ["--set".to_string(), s]).collect();
        let sets: Vec<&str> = sets.iter().map(String::as_str).collect();
        let mut check = ungasim();
        check.args(["check", fixture]).args(&sets);
        for (command, mut process) in [("run", run_command(fixture, &out, &sets)), ("check", check)] {
            let output = process.output().unwrap();
            let stderr = text(&output.stderr);
            if output.status.success() || !stderr.contains(expected) {
                failures.push(format!(
                    "{command} {fixture}: {}\n  expected: {expected}\n  stderr:   {stderr}",
                    output.status
                ));
            }
        }
        if out.exists() {
            failures.push(format!("run {fixture}: created {}", out.display()));
        }
    }
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}

/// `ungasim states ARGS...` on success, parsed.
fn states(args: &[&str]) -> Table {
    let assert = ungasim().arg("states").args(args).assert().success();
    Table::parse(&text(&assert.get_output().stdout))
}

/// ISO3 codes of the members of `bloc` at `date`, per `ungasim states`.
fn members(date: &str, bloc: &str) -> Vec<String> {
    let table = states(&["--date", date, "--bloc", bloc]);
    for blocs in table.column("blocs") {
        assert!(blocs.split(';').any(|b| b == bloc), "a listed state is not in {bloc}: `{blocs}`");
    }
    table.column("iso3").into_iter().map(String::from).collect()
}

#[test]
fn states_prints_the_roster_as_csv() {
    let assert = ungasim().arg("states").assert().success();
    let stdout = text(&assert.get_output().stdout);
    assert_eq!(stdout.lines().count(), STATES + 1);
    let table = Table::parse(&stdout);
    assert_eq!(table.header, header("iso3,name,group,capacity,attendance,sovereignty,development,blocs"));
    let iso3: BTreeSet<&str> = table.column("iso3").into_iter().collect();
    assert_eq!(iso3.len(), STATES);
    assert!(iso3.iter().all(|c| c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase())));
}

#[test]
fn states_bloc_membership_follows_the_date() {
    let eu_2018 = members("2018-12-05", "EU");
    assert_eq!(eu_2018.len(), 28);
    assert!(eu_2018.iter().any(|m| m == "GBR"));
    let eu_2021 = members("2021-01-01", "EU");
    assert_eq!(eu_2021.len(), 27);
    assert!(!eu_2021.iter().any(|m| m == "GBR"));
}

#[test]
fn states_rejects_unknown_blocs_and_bad_dates() {
    let assert = ungasim().args(["states", "--bloc", "NATOO"]).assert().failure();
    let stderr = text(&assert.get_output().stderr);
    assert!(stderr.contains("NATOO") && stderr.contains("`NATO`"), "should suggest NATO: {stderr}");
    assert!(assert.get_output().stdout.is_empty());
    for date in ["2018-13-01", "2018-02-30", "yesterday", "2018-12-05T00:00"] {
        let assert = ungasim().args(["states", "--date", date]).assert().failure();
        assert!(text(&assert.get_output().stderr).contains("--date"), "{date}");
    }
}

#[test]
fn identifiers_are_upper_case_everywhere_with_a_hint_for_lower_case() {
    let assert = ungasim().args(["states", "--bloc", "eu"]).assert().code(1);
    let stderr = text(&assert.get_output().stderr);
    assert!(stderr.contains("unknown bloc `eu`") && stderr.contains("did you mean `EU`"), "{stderr}");
    let assert = ungasim().args(["check", OEWG_2018, "--set", "blocs.eu.cohesion=0.5"]).assert().code(1);
    assert!(text(&assert.get_output().stderr).contains("did you mean `EU`"));
}

#[test]
fn usage_errors_are_one_line_with_status_2() {
    let cases: [&[&str]; 4] =
        [&["run", "--bogus", OEWG_2018], &["run"], &["frobnicate"], &["run", OEWG_2018, "--runs", "many"]];
    for args in cases {
        let assert = ungasim().args(args).assert().code(2);
        let stderr = text(&assert.get_output().stderr);
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.starts_with("error: ") && stderr.contains("--help"), "{args:?}: {stderr}");
    }
    ungasim().args(["--help"]).assert().code(0);
}

#[test]
fn a_date_outside_the_membership_record_is_warned_about() {
    for date in ["1990-01-01", "2040-06-30"] {
        let set = format!("scenario.date={date}");
        let assert = ungasim().args(["check", OEWG_2018, "--set", &set]).assert().success();
        let stderr = text(&assert.get_output().stderr);
        assert!(stderr.starts_with("warning: ") && stderr.contains(date) && stderr.contains("not known"), "{stderr}");
    }
    let assert = ungasim().args(["check", OEWG_2018]).assert().success();
    assert!(assert.get_output().stderr.is_empty(), "no warning inside the record");
}

#[test]
fn bad_options_are_refused_before_anything_is_written() {
    let tmp = temp_dir();
    let out = tmp.path().join("out");
    let bad: [&[&str]; 8] = [
        &["--shard", "0/4"],
        &["--shard", "5/4"],
        &["--shard", "2"],
        &["--threads", "0"],
        &["--runs", "0"],
        &["--runs", "-5"],
        &["--set", "model.noise_scale=-1"],
        &["--set", "model.noise_scal=1"],
    ];
    for args in bad {
        run_command(OEWG_2018, &out, args).assert().failure();
        assert!(!out.exists(), "{args:?} created the result directory");
    }
    ungasim().arg("frobnicate").assert().failure();
    ungasim().assert().failure();
}

/// Runs `ungasim ARGS...` with stdout closed before it writes, as in
/// `ungasim states | head -0`: a closed pipe is a normal end (exit 0, no
/// error message).
fn assert_closed_stdout_is_not_an_error(args: &[&str]) {
    let mut child = ungasim_process().args(args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success() && output.stderr.is_empty(),
        "{args:?}: {} {}",
        output.status,
        text(&output.stderr)
    );
}

#[test]
fn closed_stdout_is_a_normal_end() {
    assert_closed_stdout_is_not_an_error(&["states"]);
    assert_closed_stdout_is_not_an_error(&["check", OEWG_2018, "--resolved"]);
}

/// `run` ends with a headline per proposal on stderr (P(adopted) with its
/// interval and the median tally, as in summary.csv); `--quiet` prints nothing.
#[test]
fn run_prints_a_headline_unless_quiet() {
    let tmp = temp_dir();
    let output =
        ungasim().args(["run", OEWG_2018, "--runs", "500", "--out"]).arg(tmp.path().join("loud")).output().unwrap();
    assert!(output.status.success());
    let stderr = text(&output.stderr);
    let summary = Table::parse(&std::fs::read_to_string(tmp.path().join("loud/summary.csv")).unwrap());
    for row in &summary.rows {
        let p: f64 = row[summary.index("p_adopted")].parse().unwrap();
        let expected = format!(
            "{}: P(adopted) {p:.3} [{:.3}, {:.3}]; median {} yes, {} no, {} abstain, {} absent",
            row[0],
            row[summary.index("p_adopted_lo")].parse::<f64>().unwrap(),
            row[summary.index("p_adopted_hi")].parse::<f64>().unwrap(),
            row[summary.index("yes_q50")],
            row[summary.index("no_q50")],
            row[summary.index("abstain_q50")],
            row[summary.index("absent_q50")]
        );
        assert!(stderr.lines().any(|l| l == expected), "{expected} not in:\n{stderr}");
    }
    let quiet = ungasim()
        .args(["run", OEWG_2018, "--runs", "500", "--quiet", "--out"])
        .arg(tmp.path().join("quiet"))
        .output()
        .unwrap();
    assert!(quiet.status.success() && quiet.stderr.is_empty() && quiet.stdout.is_empty());
}

/// `--dry-run` estimates from a timed probe and writes nothing, for `run`
/// and for `sweep` (whose every point it checks).
#[test]
fn dry_runs_estimate_and_write_nothing() {
    let tmp = temp_dir();
    let out = tmp.path().join("never");
    let run = ungasim()
        .args(["run", OEWG_2018, "--runs", "123456", "--per-run", "--dry-run", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", text(&run.stderr));
    let stdout = text(&run.stdout);
    assert!(stdout.starts_with("dry run: 1 point(s) x 123456 runs of 2 proposal(s) x 193 states"), "{stdout}");
    assert!(stdout.contains("runs/s") && stdout.contains("nothing was written"), "{stdout}");
    let sweep = ungasim()
        .args(["sweep", OEWG_2018, "--vary", "model.conformity=0.2,0.4,0.6", "--runs", "1000", "--dry-run", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(sweep.status.success(), "{}", text(&sweep.stderr));
    assert!(text(&sweep.stdout).starts_with("dry run: 3 point(s) x 1000 runs"), "{}", text(&sweep.stdout));
    let bad = ungasim()
        .args(["sweep", OEWG_2018, "--vary", "model.conformity=0.2,7", "--dry-run", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(1), "a bad point fails the dry run too");
    assert!(!out.exists(), "a dry run wrote {}", out.display());
}
