//! `ungasim compare`: two shipped scenarios print and write the paired
//! table, and on a small effect the paired interval of the difference in
//! P(adopted) is far narrower than two independent batches would give.

use crate::common::{Table, temp_dir, text, ungasim};
use std::fs;

/// A close vote (P(adopted) about 0.47) on the 2019 roster.
const CLOSE: &str = "[scenario]\nname = \"close\"\ndate = \"2019-12-12\"\nseed = 9\nruns = 4000\n\n\
[[proposals]]\nid = \"close\"\nposition = [0.45, 0.0]\nstatus_quo = [-0.55, 0.0]\nsalience = 2.0\n";

#[test]
fn compare_of_two_shipped_scenarios_prints_and_writes_the_paired_table() {
    let out = temp_dir();
    let output = ungasim()
        .args(["compare", "scenarios/oewg-vs-gge-2018.toml", "scenarios/eu-split-2018.toml", "--runs", "1000", "--out"])
        .arg(out.path())
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    assert!(stdout.contains("A/RES/73/27 (1000 paired runs)"), "{stdout}");
    assert!(stdout.contains("most likely to flip"), "{stdout}");
    // Hungary is forced to Yes and Italy to abstain in B: they flip most.
    let flips: Vec<&str> = stdout.lines().skip_while(|l| !l.contains("most likely")).skip(1).take(2).collect();
    assert!(flips[0].trim_start().starts_with("HUN") && flips[1].trim_start().starts_with("ITA"), "{flips:?}");
    let table = Table::parse(&fs::read_to_string(out.path().join("compare.csv")).unwrap());
    assert_eq!(table.header, ["proposal", "level", "id", "measure", "a", "b", "difference", "lo", "hi"]);
    let states = table.rows.iter().filter(|r| r[1] == "state").count();
    assert_eq!(states, 193 * 4, "p_yes, p_no, p_decisive and p_flip per state");
    let hun = table.rows.iter().find(|r| r[2] == "HUN" && r[3] == "p_yes").unwrap();
    assert_eq!(hun[5], "1.000000", "HUN is forced to Yes in B");
}

#[test]
fn the_paired_interval_is_narrower_than_the_unpaired_on_a_small_effect() {
    let work = temp_dir();
    let scenario = work.path().join("close.toml");
    fs::write(&scenario, CLOSE).unwrap();
    let a = ungasim::scenario::load(&scenario, &[]).unwrap();
    let b = ungasim::scenario::load(&scenario, &["model.conformity=0.65".to_string()]).unwrap();
    let paired = ungasim::compare::compare(&a, &b, 0..4000, 2).unwrap();
    let c = &paired.counts[0];
    let (pa, pb) = (c.passed[0] as f64 / 4000.0, c.passed[1] as f64 / 4000.0);
    assert!((0.2..0.8).contains(&pa) && (0.2..0.8).contains(&pb), "not a close vote: {pa} {pb}");
    let (lo, hi) = c.paired_interval();
    let (ulo, uhi) = c.unpaired_interval();
    assert!(lo <= c.difference() && c.difference() <= hi);
    assert!(hi - lo < 0.5 * (uhi - ulo), "paired width {} vs unpaired {}", hi - lo, uhi - ulo);

    // The CLI form with --set gives the same numbers and writes them.
    let out = work.path().join("out");
    let output = ungasim()
        .arg("compare")
        .arg(&scenario)
        .args(["--set", "model.conformity=0.65", "--quiet", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", text(&output.stderr));
    let table = Table::parse(&fs::read_to_string(out.join("compare.csv")).unwrap());
    let row = table.rows.iter().find(|r| r[1] == "proposal").unwrap();
    assert_eq!(row[7..9], [format!("{lo:.6}"), format!("{hi:.6}")]);
}

#[test]
fn compare_without_a_change_is_refused() {
    let output = ungasim().args(["compare", "scenarios/oewg-vs-gge-2018.toml", "--runs", "10"]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(
        text(&output.stderr).contains("compare needs a second scenario or at least one --set"),
        "{}",
        text(&output.stderr)
    );
}
