//! Vote analytics through the binary: the tipping point, P(decisive |
//! present), bloc swing power, undefined statistics left empty, what-if
//! conditioning (`--given`) against a filter of the per-run output done
//! here by hand, and `--given` refused up front.
//!
//! The hand-computed scenario ([`HAND`]) makes every vote certain: no
//! jitter, no rounds, no abstention band, noise 1e-4 (a free state with
//! stance |y| >= 0.4 votes its sign except with probability below 1e-1000),
//! every state absent (attendance 0) but five free voters with attendance 1
//! and stances y = 4 x (the text at [1, 0], the status quo at [-1, 0]),
//! RUS sponsoring, the USA forced to No and India to abstain:
//!
//! | order | state | stance | vote |
//! |---|---|---|---|
//! | 1 | RUS | sponsor | Yes |
//! | 2 | FRA | 4.0 | Yes |
//! | 3 | DEU | 2.0 | Yes |
//! | 4 | BRA | 0.4 | Yes |
//! | 5 | ZAF | -2.0 | No |
//! | 6 | JPN | -4.0 | No |
//! | 7 | USA | forced | No |
//!
//! 4-3 with 7 voting: `SIMPLE` passes (k = 4, BRA tips it), `TWO_THIRDS`
//! fails (k = 5, ZAF). Every expectation below is worked out by hand in
//! its comment.

use crate::common::{OEWG_2018, ResultDir, Table, run_command, temp_dir, text};
use std::collections::BTreeSet;
use std::fs;

/// The free voters and their sovereignty coordinate (stance 4 x).
const FREE: [(&str, f64); 5] = [("FRA", 1.0), ("DEU", 0.5), ("BRA", 0.1), ("ZAF", -0.5), ("JPN", -1.0)];

const RUNS: &str = "500";

/// The scenario of the module's table, as TOML.
fn hand_scenario() -> String {
    let mut toml = String::from(
        r#"
[scenario]
name = "hand"
date = "2018-12-05"
seed = 1

[model]
position_jitter = 0.0
rounds = 0
abstain_band = 0.0
noise_scale = 0.0001
tie_weight = 0.0

[[proposals]]
id = "SIMPLE"
position = [1.0, 0.0]
status_quo = [-1.0, 0.0]
sponsors = ["RUS"]

[[proposals]]
id = "TWO_THIRDS"
position = [1.0, 0.0]
status_quo = [-1.0, 0.0]
sponsors = ["RUS"]
majority = "two_thirds"

[[force]]
state = "USA"
proposal = "SIMPLE"
vote = "no"

[[force]]
state = "USA"
proposal = "TWO_THIRDS"
vote = "no"

[[force]]
state = "IND"
proposal = "SIMPLE"
vote = "abstain"

[[force]]
state = "IND"
proposal = "TWO_THIRDS"
vote = "abstain"

[blocs.TRIO]
members = ["FRA", "DEU", "BRA"]

[blocs.DUO]
members = ["ZAF", "JPN"]

[blocs.HALF]
members = ["ZAF", "CHE"]

[blocs.GHOST]
members = ["CHE", "AUT"]
"#,
    );
    for state in &ungasim::roster::Roster::embedded().states {
        match FREE.iter().find(|(iso3, _)| *iso3 == state.iso3) {
            Some((iso3, x)) => toml.push_str(&format!("\n[states.{iso3}]\nposition = [{x}, 0.0]\nattendance = 1.0\n")),
            None => toml.push_str(&format!("\n[states.{}]\nattendance = 0.0\n", state.iso3)),
        }
    }
    toml
}

/// A batch of [`hand_scenario`] with `args`, written into a temporary directory.
fn hand_batch(args: &[&str]) -> (tempfile::TempDir, ResultDir) {
    let tmp = temp_dir();
    let path = tmp.path().join("hand.toml");
    fs::write(&path, hand_scenario()).unwrap();
    let result = ResultDir::run(path.to_str().unwrap(), &[&["--runs", RUNS][..], args].concat());
    (tmp, result)
}

/// The value of `column` in the row of `table` whose first two fields are `key`.
fn cell<'a>(table: &'a Table, key: [&str; 2], column: &str) -> &'a str {
    let row = table.rows.iter().find(|r| r[0] == key[0] && r[1] == key[1]).unwrap_or_else(|| panic!("no row {key:?}"));
    &row[table.index(column)]
}

#[test]
fn tipping_point_decisive_and_swing_by_hand() {
    let (_tmp, result) = hand_batch(&[]);
    let summary = result.table("summary.csv");
    assert_eq!(summary.column("p_adopted"), ["1.000000", "0.000000"], "4-3: simple passes, two thirds fail");
    assert_eq!(summary.column("yes_q50"), ["4", "4"]);
    assert_eq!(summary.column("no_q50"), ["3", "3"]);

    let states = result.table("states.csv");
    // The tipping point: BRA (4th of 7) for a simple majority, ZAF (5th: 5 >= 2 x 2) for two thirds.
    for (proposal, tipping) in [("SIMPLE", "BRA"), ("TWO_THIRDS", "ZAF")] {
        for row in states.rows.iter().filter(|r| r[0] == proposal) {
            let expected = if row[1] == tipping { "1.000000" } else { "0.000000" };
            assert_eq!(row[states.index("p_tipping")], expected, "{proposal} {}", row[1]);
        }
    }
    // Decisive, among the runs present. SIMPLE at 4-3: a Yes voter's No makes
    // 3-4 (decisive); a No voter's Yes makes 5-2, its No 4-3 (not); India,
    // abstaining: 5-3 against 4-4 (decisive). TWO_THIRDS at 4-3, rejected: a
    // Yes voter gives 4-3 or 3-4, both fail; a No voter 5-2 (5 >= 4, passes)
    // or 4-3 (decisive); India 5-3 or 4-4, both fail.
    let decisive = [
        ("RUS", "1.000000", "0.000000"),
        ("FRA", "1.000000", "0.000000"),
        ("BRA", "1.000000", "0.000000"),
        ("ZAF", "0.000000", "1.000000"),
        ("USA", "0.000000", "1.000000"),
        ("IND", "1.000000", "0.000000"),
    ];
    for (iso3, simple, two_thirds) in decisive {
        assert_eq!(cell(&states, ["SIMPLE", iso3], "p_decisive"), simple, "SIMPLE {iso3}");
        assert_eq!(cell(&states, ["TWO_THIRDS", iso3], "p_decisive"), two_thirds, "TWO_THIRDS {iso3}");
    }

    let blocs = result.table("blocs.csv");
    // Swing: the members present all Yes against all No, the others as cast.
    // TRIO (3 Yes) against others 1-3: SIMPLE 4-3 / 1-6 swings; TWO_THIRDS 4-3 / 1-6 both fail.
    // DUO (2 No) against others 4-1: SIMPLE 6-1 / 4-3 both pass; TWO_THIRDS 6-1 passes, 4-3 fails.
    // HALF (ZAF No; CHE absent stays absent) against others 4-2: SIMPLE 5-2 / 4-3 both pass
    // (with CHE it would be 6-2 / 4-4, a swing); TWO_THIRDS 5-2 passes, 4-3 fails.
    let expected = [
        ("TRIO", ["1.000000", "0.000000"], "1.000000", "1.000000"),
        ("DUO", ["0.000000", "1.000000"], "1.000000", "0.000000"),
        ("HALF", ["0.000000", "1.000000"], "1.000000", "0.000000"),
    ];
    for (bloc, swing, agreement, majority_yes) in expected {
        for (proposal, swing) in ["SIMPLE", "TWO_THIRDS"].into_iter().zip(swing) {
            assert_eq!(cell(&blocs, [proposal, bloc], "p_swing"), swing, "{proposal} {bloc} p_swing");
            assert_eq!(cell(&blocs, [proposal, bloc], "agreement_mean"), agreement, "{proposal} {bloc}");
            assert_eq!(cell(&blocs, [proposal, bloc], "p_majority_yes"), majority_yes, "{proposal} {bloc}");
        }
    }
    // Not recorded texts: the record's columns are empty.
    assert!(summary.rows.iter().all(|r| r[r.len() - 4..].iter().all(String::is_empty)));
    assert!(states.column("recorded_vote").iter().all(|v| v.is_empty()));
}

#[test]
fn undefined_statistics_are_empty() {
    let (_tmp, result) = hand_batch(&["--given", "CHE=present"]);
    // CHE and GBR have attendance 0: P(decisive | present) is not defined;
    // they are never the tipping point.
    let states = result.table("states.csv");
    for proposal in ["SIMPLE", "TWO_THIRDS"] {
        for iso3 in ["CHE", "GBR"] {
            assert_eq!(cell(&states, [proposal, iso3], "p_decisive"), "", "{proposal} {iso3}");
            assert_eq!(cell(&states, [proposal, iso3], "p_absent"), "1.000000");
            assert_eq!(cell(&states, [proposal, iso3], "p_tipping"), "0.000000");
        }
    }
    // GHOST's members are never present: no agreement, no majority to speak
    // of; its swing is 0 (no vote to cast as one), a share of all runs.
    let blocs = result.table("blocs.csv");
    for proposal in ["SIMPLE", "TWO_THIRDS"] {
        assert_eq!(cell(&blocs, [proposal, "GHOST"], "agreement_mean"), "");
        assert_eq!(cell(&blocs, [proposal, "GHOST"], "p_majority_yes"), "");
        assert_eq!(cell(&blocs, [proposal, "GHOST"], "p_swing"), "0.000000");
    }
    // CHE is never present, so the condition never holds: every statistic
    // over the runs that met it is undefined, and said so with empty fields.
    let given = result.table("given.csv");
    assert_eq!(given.column("given"), ["CHE=present", "CHE=present"]);
    assert_eq!(given.column("runs_total"), [RUNS, RUNS]);
    assert_eq!(given.column("runs"), ["0", "0"]);
    assert_eq!(given.column("p_given"), ["0.000000", "0.000000"]);
    for row in &given.rows {
        assert!(row[5..].iter().all(String::is_empty), "given.csv {row:?}");
    }
    // A condition that always holds (BRA always Yes, DUO always No): given.csv
    // repeats summary.csv's statistics.
    let (_tmp, always) = hand_batch(&["--given", "BRA=yes", "--given", "DUO=no"]);
    let (given, summary) = (always.table("given.csv"), always.table("summary.csv"));
    assert_eq!(given.column("runs"), [RUNS, RUNS]);
    assert_eq!(given.column("p_given"), ["1.000000", "1.000000"]);
    for (g, s) in given.rows.iter().zip(&summary.rows) {
        assert_eq!(g[5..], s[2..s.len() - 4], "given.csv vs summary.csv");
    }
}

/// What a `--given` term of [`given_equals_a_filter_of_the_per_run_output`] asks.
enum Term<'a> {
    /// A state (index in the votes string) cast one of these letters.
    State(usize, &'a [u8]),
    /// The members present (indices) cast at least two different votes.
    BlocSplit(&'a [usize]),
}

#[test]
fn given_equals_a_filter_of_the_per_run_output() {
    let runs = 3000;
    let result = ResultDir::run(
        OEWG_2018,
        &["--runs", "3000", "--per-run", "--per-state", "--given", "BRA=voting", "--given", "ASEAN=split"],
    );
    // The roster order of votes.csv, and ASEAN's members, from the batch's own files.
    let states = result.table("states.csv");
    let iso3: Vec<&str> = states.rows.iter().filter(|r| r[0] == "A/RES/73/27").map(|r| r[1].as_str()).collect();
    let index = |code: &str| iso3.iter().position(|s| *s == code).unwrap();
    let membership = result.table("membership.csv");
    let asean: Vec<usize> = membership.rows.iter().filter(|r| r[0] == "ASEAN").map(|r| index(&r[1])).collect();
    assert_eq!(asean.len(), 10);
    let terms = [Term::State(index("BRA"), b"YN"), Term::BlocSplit(&asean)];
    let holds = |votes: &[u8]| {
        terms.iter().all(|term| match term {
            Term::State(i, letters) => letters.contains(&votes[*i]),
            Term::BlocSplit(members) => {
                let present: BTreeSet<u8> = members.iter().map(|&i| votes[i]).filter(|&v| v != b'X').collect();
                present.len() >= 2
            }
        })
    };
    let votes = result.table("votes.csv");
    let per_run = result.table("runs.csv");
    assert_eq!(votes.rows.len(), per_run.rows.len());
    let given = result.table("given.csv");
    assert_eq!(given.column("given"), ["BRA=voting;ASEAN=split"; 2]);
    for (j, proposal) in ["A/RES/73/27", "A/RES/73/266"].into_iter().enumerate() {
        // The rows of runs.csv whose votes.csv row meets the condition.
        let kept: Vec<&Vec<String>> = (votes.rows.iter().zip(&per_run.rows))
            .filter(|(v, r)| v[1] == proposal && holds(v[2].as_bytes()) && r[..2] == v[..2])
            .map(|(_, r)| r)
            .collect();
        let row = &given.rows[j];
        let field = |column: &str| row[given.index(column)].as_str();
        assert_eq!(field("runs_total"), runs.to_string());
        assert_eq!(field("runs"), kept.len().to_string(), "{proposal}: runs meeting the condition");
        assert!(kept.len() > 20, "{proposal}: only {} runs met the condition: choose another", kept.len());
        let n = kept.len() as f64;
        let close = |column: &str, value: f64| {
            let written: f64 = field(column).parse().unwrap();
            assert!((written - value).abs() <= 1e-6, "{proposal} {column}: given.csv {written}, by hand {value}");
        };
        close("p_given", n / runs as f64);
        close("p_adopted", kept.iter().filter(|r| r[6] != "rejected").count() as f64 / n);
        close("p_consensus", kept.iter().filter(|r| r[6] == "consensus").count() as f64 / n);
        for (k, measure) in ["yes", "no", "abstain", "absent", "margin"].into_iter().enumerate() {
            let mut values: Vec<i64> = kept
                .iter()
                .map(|r| {
                    let count = |c: usize| r[2 + c].parse::<i64>().unwrap();
                    if k < 4 { count(k) } else { count(0) - count(1) }
                })
                .collect();
            close(&format!("{measure}_mean"), values.iter().sum::<i64>() as f64 / n);
            values.sort_unstable();
            // Type-1 quantiles: the smallest value with at least ceil(L n) runs at or below it.
            for (level, q) in [(5, "q05"), (25, "q25"), (50, "q50"), (75, "q75"), (95, "q95")] {
                let needed = (level * kept.len()).div_ceil(100).max(1);
                assert_eq!(
                    field(&format!("{measure}_{q}")),
                    values[needed - 1].to_string(),
                    "{proposal} {measure}_{q}"
                );
            }
        }
    }
    let manifest = result.manifest();
    assert_eq!(manifest["given"], "BRA=voting;ASEAN=split");
    let tally: serde_json::Value = serde_json::from_str(&result.read("tally.json")).unwrap();
    assert_eq!(tally["identity"]["given"], "BRA=voting;ASEAN=split");
}

#[test]
fn the_headline_shows_the_conditional_result() {
    let tmp = temp_dir();
    let out = tmp.path().join("out");
    let assert = crate::common::ungasim()
        .args(["run", OEWG_2018, "--runs", "1000", "--given", "BRA=abstain", "--out"])
        .arg(&out)
        .assert()
        .success();
    let stderr = text(&assert.get_output().stderr);
    let given = Table::parse(&fs::read_to_string(out.join("given.csv")).unwrap());
    for row in &given.rows {
        let p: f64 = row[given.index("p_adopted")].parse().unwrap();
        let expected = format!("given BRA=abstain: P(adopted) {p:.3} ({} of 1000 runs met it)", row[3]);
        assert!(stderr.lines().any(|l| l.starts_with(&row[0]) && l.ends_with(&expected)), "{expected}\n{stderr}");
    }
}

#[test]
fn bad_given_terms_are_refused_before_anything_is_written() {
    let tmp = temp_dir();
    let out = tmp.path().join("out");
    let cases = [
        ("IND", "--given IND: expected WHO=WHAT"),
        ("IDN=maybe", "--given IDN=maybe: `maybe` is not what a state can do"),
        ("IMD=no", "--given IMD=no: unknown state or bloc `IMD`; did you mean `IND`?"),
        ("NATOO=split", "did you mean `NATO`?"),
        ("IND=split", "--given IND=split: `split` is not what a state can do"),
        ("EU=present", "--given EU=present: `present` is not what a bloc can do"),
        ("NAM=no", "`NAM` is both a state (Namibia) and a bloc (Non-Aligned Movement)"),
    ];
    for (term, expected) in cases {
        let refused =
            run_command(OEWG_2018, &out, &["--runs", "10", "--given", "EU=split", "--given", term]).assert().code(1);
        let stderr = text(&refused.get_output().stderr);
        assert_eq!(stderr.lines().count(), 1, "{term}: not one line: {stderr}");
        assert!(stderr.contains(expected), "{term}: `{expected}` not in {stderr}");
        assert!(!out.exists(), "{term}: a refused --given wrote {}", out.display());
    }
    // The prefixes settle an id that is both.
    let ok = ResultDir::run(OEWG_2018, &["--runs", "10", "--given", "states.NAM=no", "--given", "blocs.NAM=split"]);
    let given = ok.table("given.csv");
    let conditions: BTreeSet<&str> = given.column("given").into_iter().collect();
    assert_eq!(conditions, BTreeSet::from(["states.NAM=no;blocs.NAM=split"]));
}
