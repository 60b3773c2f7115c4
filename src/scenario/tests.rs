//! Happy-path and `--set` tests of scenario loading (the error corpus is in
//! `tests/scenario_errors.rs`). Positions come from `data/` and may change,
//! so no test pins a roster position.

use super::*;
use crate::model::registry::{self, Scope};
use crate::model::{Dist, Majority, Noise, Vote};

const MINIMAL: &str = r#"
[scenario]
name = "minimal"

[[proposals]]
id = "A/RES/73/27"
position = [0.9, 0.4]
"#;

const RICH: &str = r#"
[scenario]
name = "rich"
description = "every kind of table"
date = 2018-12-05
seed = 73
runs = 200

[model]
noise = "normal"
noise_scale = 0.8
rounds = 2

[[proposals]]
id = "A/RES/73/27"
title = "ICTs, Russian draft"
sponsors = ["RUS", "CHN"]
position = [0.9, 0.4]
majority = "two_thirds"
consensus = true

[[proposals]]
id = "A/RES/73/266"
position = [-0.8, 0.1]
status_quo = [0.1, 0.0]
salience = 2
capacity_building = 0.3

[blocs.EU]
cohesion = 0.95
leader = "DEU"

[blocs.QUAD]
name = "Quadrilateral Security Dialogue"
members = ["USA", "JPN", "IND", "AUS"]
leader = "USA"

[states.IND]
attendance = 1.0
conformity = 0.1

[[ties]]
from = "RUS"
to = ["BLR", "KAZ"]
weight = 0.5
symmetric = true

[[ties]]
from = "RUS"
to = "CHN"
weight = 0.7

[[uncertain]]
param = "blocs.EU.cohesion"
dist = "beta"
a = 18.0
b = 2.0

[[uncertain]]
param = "states.IND.position.sovereignty"
dist = "normal"
mean = 0.0
sd = 0.3

[[force]]
state = "IND"
proposal = "A/RES/73/27"
vote = "no"
"#;

fn parsed(text: &str, overrides: &[&str]) -> Result<Scenario, ScenarioError> {
    let overrides: Vec<String> = overrides.iter().map(|s| s.to_string()).collect();
    parse(text, "test.toml", &overrides)
}

fn members<'s>(scenario: &'s Scenario, bloc: &str) -> Vec<&'s str> {
    let bloc = &scenario.blocs[scenario.bloc_index(bloc).unwrap()];
    bloc.members.iter().map(|&i| scenario.states[i].iso3.as_str()).collect()
}

fn state<'s>(scenario: &'s Scenario, iso3: &str) -> &'s crate::model::State {
    &scenario.states[scenario.state_index(iso3).unwrap()]
}

#[test]
fn minimal_scenario_takes_every_default() {
    let scenario = parsed(MINIMAL, &[]).unwrap();
    let roster = crate::roster::Roster::embedded();
    assert_eq!(scenario.name, "minimal");
    assert_eq!(scenario.description, "");
    assert_eq!(scenario.date, roster.latest_date());
    assert_eq!((scenario.seed, scenario.runs), (0, 10_000));
    // The model defaults are the embedded calibration's.
    assert_eq!(scenario.model, roster.model_defaults());
    assert_eq!(scenario.dimensions, ["sovereignty", "development"]);
    assert_eq!(scenario.states.len(), roster.states.len());
    let p = &scenario.proposals[0];
    assert_eq!((p.title.as_str(), p.salience, p.capacity_building), ("A/RES/73/27", 1.0, 0.0));
    assert_eq!((p.majority, p.consensus), (Majority::Simple, false));
    assert_eq!(p.status_quo, [0.0, 0.0]);
    assert!(p.sponsors.is_empty());
    assert!(scenario.uncertain.is_empty() && scenario.force.is_empty());
}

#[test]
fn rich_scenario_applies_every_table() {
    let s = parsed(RICH, &[]).unwrap();
    assert_eq!((s.seed, s.runs, s.date.to_string().as_str()), (73, 200, "2018-12-05"));
    assert_eq!((s.model.noise, s.model.noise_scale, s.model.rounds), (Noise::Normal, 0.8, 2));
    assert_eq!(s.model.conformity, crate::roster::Roster::embedded().model_defaults().conformity);

    let (a, b) = (&s.proposals[0], &s.proposals[1]);
    assert_eq!(a.title, "ICTs, Russian draft");
    assert_eq!(a.sponsors, [s.state_index("RUS").unwrap(), s.state_index("CHN").unwrap()]);
    assert_eq!((a.majority, a.consensus), (Majority::TwoThirds, true));
    assert_eq!((b.position.as_slice(), b.status_quo.as_slice()), ([-0.8, 0.1].as_slice(), [0.1, 0.0].as_slice()));
    assert_eq!((b.salience, b.capacity_building), (2.0, 0.3));

    let eu = &s.blocs[s.bloc_index("EU").unwrap()];
    assert_eq!((eu.cohesion, eu.leader), (0.95, s.state_index("DEU")));
    let quad = &s.blocs[s.bloc_index("QUAD").unwrap()];
    assert_eq!(quad.name, "Quadrilateral Security Dialogue");
    assert_eq!(quad.cohesion, build::NEW_BLOC_COHESION);
    assert_eq!(quad.leader, s.state_index("USA"));
    let mut quad_members = members(&s, "QUAD");
    quad_members.sort_unstable();
    assert_eq!(quad_members, ["AUS", "IND", "JPN", "USA"]);

    let ind = state(&s, "IND");
    assert_eq!((ind.attendance, ind.conformity), (1.0, Some(0.1)));
    // IND follows the model's band, scaled by its calibrated factor.
    let roster = crate::roster::Roster::embedded();
    assert_eq!(ind.abstain_band, None);
    assert_eq!(ind.band_factor, roster.states[s.state_index("IND").unwrap()].band_factor);

    // RUS->CHN 0.7 (replaces the roster's 0.5), CHN->RUS 0.5 (the roster's),
    // RUS<->BLR and RUS<->KAZ 0.5.
    let weight = |from: &str, to: &str| {
        let (from, to) = (s.state_index(from).unwrap(), s.state_index(to).unwrap());
        s.ties.iter().find(|t| t.from == from && t.to == to).map(|t| t.weight)
    };
    assert_eq!(weight("RUS", "CHN"), Some(0.7));
    assert_eq!(weight("CHN", "RUS"), Some(0.5));
    assert_eq!(weight("RUS", "BLR"), Some(0.5));
    assert_eq!(weight("BLR", "RUS"), Some(0.5));
    assert_eq!(weight("KAZ", "RUS"), Some(0.5));
    assert_eq!(weight("RUS", "KAZ"), Some(0.5));

    assert_eq!(s.uncertain.len(), 2);
    assert_eq!(s.uncertain[0].dist, Dist::Beta { a: 18.0, b: 2.0 });
    assert_eq!(s.uncertain[0].target, registry::path(Scope::Bloc, "cohesion", s.bloc_index("EU").unwrap()));
    assert_eq!(s.force.len(), 1);
    assert_eq!((s.force[0].state, s.force[0].proposal, s.force[0].vote), (s.state_index("IND").unwrap(), 0, Vote::No));
}

#[test]
fn the_date_selects_the_membership_in_force() {
    let at = |date: &str| {
        let text = MINIMAL.replace("name = \"minimal\"", &format!("name = \"x\"\ndate = \"{date}\""));
        parsed(&text, &[]).unwrap()
    };
    let before = at("2018-12-05");
    let after = at("2021-01-01");
    assert_eq!(members(&before, "EU").len(), 28);
    assert_eq!(members(&after, "EU").len(), 27);
    assert!(members(&before, "EU").contains(&"GBR"));
    assert!(!members(&after, "EU").contains(&"GBR"));
    // The same through --set, which applies before the roster is resolved.
    let moved = parsed(MINIMAL, &["scenario.date=2018-12-05"]).unwrap();
    assert_eq!(members(&moved, "EU").len(), 28);
}

#[test]
fn bloc_members_can_be_replaced_added_and_removed() {
    let text = format!(
        "{MINIMAL}\n[blocs.NATO]\nadd = [\"SWE\"]\nremove = [\"TUR\"]\n[blocs.FIVE_EYES]\nmembers = [\"USA\", \"GBR\"]\n"
    );
    let s = parsed(&text, &["scenario.date=\"2020-06-01\""]).unwrap();
    let nato = members(&s, "NATO");
    assert!(nato.contains(&"SWE") && !nato.contains(&"TUR") && nato.contains(&"USA"));
    let mut five_eyes = members(&s, "FIVE_EYES");
    five_eyes.sort_unstable();
    assert_eq!(five_eyes, ["GBR", "USA"]);
}

#[test]
fn set_overrides_apply_in_order_after_the_file() {
    let s = parsed(
        RICH,
        &[
            "model.noise_scale=0.5",
            "model.noise=logistic",
            "model.noise_scale=0.6",
            "model.rounds=5",
            "states.BRA.position=[0.1, -0.2]",
            "states.BRA.position.development=0.3",
            "states.IND.position.development=0.4",
            "proposals.A/RES/73/266.salience=3",
            "blocs.NATO.cohesion=0.5",
            "scenario.runs=7",
            "scenario.seed=9",
            "scenario.name=\"renamed\"",
        ],
    )
    .unwrap();
    assert_eq!((s.model.noise, s.model.noise_scale, s.model.rounds), (Noise::Logistic, 0.6, 5));
    assert_eq!(state(&s, "BRA").position, [0.1, 0.3]);
    assert_eq!(state(&s, "IND").position[1], 0.4);
    assert_eq!(s.proposals[1].salience, 3.0);
    assert_eq!(s.blocs[s.bloc_index("NATO").unwrap()].cohesion, 0.5);
    assert_eq!((s.runs, s.seed, s.name.as_str()), (7, 9, "renamed"));
}

/// The line of RICH's `[[uncertain]]` entry on `param`.
fn uncertain_line(param: &str) -> usize {
    RICH.lines().position(|l| l == format!("param = \"{param}\"")).unwrap() + 1
}

#[test]
fn set_cannot_hold_what_uncertain_redraws() {
    let error = |set: &str| parsed(RICH, &[set]).unwrap_err().to_string();
    let eu = uncertain_line("blocs.EU.cohesion");
    assert_eq!(
        error("blocs.EU.cohesion=0.5"),
        format!(
            "--set blocs.EU.cohesion=0.5: blocs.EU.cohesion is redrawn every run by [[uncertain]] at line {eu}; remove one"
        )
    );
    // A whole vector overlaps its uncertain coordinate; the same coordinate by number too.
    let ind = uncertain_line("states.IND.position.sovereignty");
    for set in ["states.IND.position=[0.1, 0.2]", "states.IND.position.0=0.1"] {
        assert_eq!(
            error(set),
            format!(
                "--set {set}: states.IND.position.sovereignty is redrawn every run by [[uncertain]] at line {ind}; \
                 remove one"
            )
        );
    }
    assert!(describe(&parsed(RICH, &[]).unwrap()).contains("a draw replaces the file's value"));
}

#[test]
fn set_changes_majority_consensus_and_sponsors() {
    let s = parsed(
        MINIMAL,
        &[
            "proposals.A/RES/73/27.majority=two_thirds",
            "proposals.A/RES/73/27.consensus=true",
            "proposals.A/RES/73/27.sponsors=[RUS, CHN]",
        ],
    )
    .unwrap();
    let p = &s.proposals[0];
    assert_eq!((p.majority, p.consensus), (Majority::TwoThirds, true));
    assert_eq!(p.sponsors, [s.state_index("RUS").unwrap(), s.state_index("CHN").unwrap()]);
    // A single code, a quoted list, and back to no sponsors.
    let one = parsed(MINIMAL, &["proposals.A/RES/73/27.sponsors=USA"]).unwrap();
    assert_eq!(one.proposals[0].sponsors, [s.state_index("USA").unwrap()]);
    let quoted = parsed(RICH, &["proposals.A/RES/73/27.sponsors=[\"DEU\"]", "proposals.A/RES/73/27.consensus=false"]);
    assert_eq!(quoted.as_ref().unwrap().proposals[0].sponsors, [s.state_index("DEU").unwrap()]);
    assert!(!quoted.unwrap().proposals[0].consensus);
    assert!(parsed(RICH, &["proposals.A/RES/73/27.sponsors=[]"]).unwrap().proposals[0].sponsors.is_empty());

    let error = |set: &str| parsed(MINIMAL, &[set]).unwrap_err().to_string();
    let p = "proposals.A/RES/73/27";
    assert_eq!(
        error(&format!("{p}.majority=three_quarters")),
        format!(
            "--set {p}.majority=three_quarters: unknown majority `three_quarters`; expected `simple` or `two_thirds`"
        )
    );
    assert_eq!(error(&format!("{p}.consensus=1")), format!("--set {p}.consensus=1: must be `true` or `false`, not 1"));
    assert_eq!(
        error(&format!("{p}.sponsors=[RUS, RUS]")),
        format!("--set {p}.sponsors=[RUS, RUS]: `RUS` is listed twice")
    );
    assert_eq!(
        error(&format!("{p}.sponsors=DUE")),
        format!("--set {p}.sponsors=DUE: unknown state `DUE`; did you mean `DEU`?")
    );
    assert_eq!(
        error(&format!("{p}.sponsors=3")),
        format!("--set {p}.sponsors=3: must be an ISO3 code or a list of ISO3 codes, not 3")
    );
}

#[test]
fn set_changes_bloc_membership_and_leader() {
    let at_2018 = "scenario.date=2018-12-05";
    let s = parsed(MINIMAL, &[at_2018, "blocs.NATO.add=SWE", "blocs.NATO.remove=[TUR, HUN]", "blocs.EU.leader=FRA"])
        .unwrap();
    let nato = members(&s, "NATO");
    assert!(nato.contains(&"SWE") && !nato.contains(&"TUR") && !nato.contains(&"HUN") && nato.contains(&"USA"));
    let nato = &s.blocs[s.bloc_index("NATO").unwrap()];
    assert!(nato.members.windows(2).all(|w| w[0] < w[1]), "members stay ascending");
    assert_eq!(s.blocs[s.bloc_index("EU").unwrap()].leader, s.state_index("FRA"));
    // An empty VALUE (the shell ate `""`) is no leader.
    let s = parsed(MINIMAL, &["blocs.EU.leader="]).unwrap();
    assert_eq!(s.blocs[s.bloc_index("EU").unwrap()].leader, None);

    let error = |sets: &[&str]| parsed(MINIMAL, &[&[at_2018], sets].concat()).unwrap_err().to_string();
    assert_eq!(
        error(&["blocs.EU.add=[\"NOR\", \"DEU\"]"]),
        "--set blocs.EU.add=[\"NOR\", \"DEU\"]: `DEU` is already a member of EU on 2018-12-05"
    );
    assert_eq!(
        error(&["blocs.NATO.remove=SWE"]),
        "--set blocs.NATO.remove=SWE: `SWE` is not a member of NATO on 2018-12-05"
    );
    assert_eq!(
        error(&["blocs.EU.leader=USA"]),
        "--set blocs.EU.leader=USA: the leader `USA` is not a member of EU on 2018-12-05; add it first"
    );
    assert!(error(&["blocs.EU.lead=DEU"]).ends_with("unknown bloc field `lead`; did you mean `leader`?"));
    let with_leader = parsed(MINIMAL, &[at_2018, "blocs.EU.leader=DEU"]).unwrap();
    assert_eq!(with_leader.blocs[with_leader.bloc_index("EU").unwrap()].leader, with_leader.state_index("DEU"));
    assert_eq!(
        error(&["blocs.EU.leader=DEU", "blocs.EU.remove=DEU"]),
        "--set blocs.EU.remove=DEU: the leader `DEU` is not a member of EU on 2018-12-05; \
         set `blocs.EU.leader` first (\"\" for none)"
    );
    // In that order it works.
    assert!(parsed(MINIMAL, &[at_2018, "blocs.EU.leader=DEU", "blocs.EU.leader=", "blocs.EU.remove=DEU"]).is_ok());
}

#[test]
fn attendance_scale_in_the_file_in_set_and_in_uncertain() {
    assert_eq!(parsed(MINIMAL, &[]).unwrap().model.attendance_scale, 1.0);
    let text = MINIMAL.replace("name = \"minimal\"", "name = \"x\"\n[model]\nattendance_scale = 0.5");
    let s = parsed(&text, &[]).unwrap();
    assert_eq!(s.model.attendance_scale, 0.5);
    assert!(describe(&s).contains("attendance_scale 0.5"));
    assert_eq!(resolved_json(&s)["model"]["attendance_scale"], 0.5);
    assert_eq!(parsed(&text, &["model.attendance_scale=2"]).unwrap().model.attendance_scale, 2.0);
    assert_eq!(
        parsed(MINIMAL, &["model.attendance_scale=-1"]).unwrap_err().to_string(),
        "--set model.attendance_scale=-1: must be >= 0, not -1"
    );
    let uncertain = format!(
        "{MINIMAL}\n[[uncertain]]\nparam = \"model.attendance_scale\"\ndist = \"uniform\"\nlow = 0.5\nhigh = 1.2\n"
    );
    let s = parsed(&uncertain, &[]).unwrap();
    assert_eq!(s.uncertain[0].target, registry::model_path("attendance_scale").unwrap());
    assert_eq!(
        parsed(&uncertain, &["model.attendance_scale=1"]).unwrap_err().to_string(),
        "--set model.attendance_scale=1: model.attendance_scale is redrawn every run by [[uncertain]] at line 10; \
         remove one"
    );
}

#[test]
fn model_table_keys_are_registry_names() {
    let with = |lines: &str| MINIMAL.replace("name = \"minimal\"", &format!("name = \"x\"\n[model]\n{lines}"));
    let error = |lines: &str| parsed(&with(lines), &[]).unwrap_err().to_string();
    assert_eq!(
        error("attendance_scal = 1"),
        "test.toml:5:1: model.attendance_scal: unknown key; did you mean `attendance_scale`?"
    );
    assert_eq!(error("rounds = 2.5"), "test.toml:5:10: model.rounds: must be an integer in 0..=10000, not 2.5");
    assert_eq!(error("noise = 1"), "test.toml:5:9: model.noise: must be `logistic` or `normal`, not 1");
    let s = parsed(&with("rounds = 4\nnoise = \"normal\"\ntie_weight = 1"), &[]).unwrap();
    assert_eq!((s.model.rounds, s.model.noise, s.model.tie_weight), (4, Noise::Normal, 1.0));
}

#[test]
fn set_cannot_hold_what_a_series_like_draws() {
    let text =
        "[scenario]\nname = \"series\"\n[[proposals]]\nid = \"next\"\nlike = [\"A/RES/73/27\", \"A/RES/74/29\"]\n";
    for field in ["salience", "position", "status_quo.sovereignty"] {
        let set = format!("proposals.next.{field}={}", if field == "position" { "[0.1,0.2]" } else { "0.5" });
        let error = parsed(text, &[set.as_str()]).unwrap_err().to_string();
        assert!(error.contains("is drawn every run from the proposal's series `like`"), "{error}");
    }
    // Fields the series does not draw can still be set.
    assert!(parsed(text, &["proposals.next.capacity_building=0.5"]).is_ok());
}

#[test]
fn set_errors_name_the_override() {
    let error = |set: &str| parsed(MINIMAL, &[set]).unwrap_err().to_string();
    assert_eq!(error("model.noise_scale=-1"), "--set model.noise_scale=-1: must be > 0, not -1");
    assert_eq!(error("model.noise_scale=nan"), "--set model.noise_scale=nan: must be a finite number, not NaN");
    assert_eq!(error("model.noise_scale"), "--set model.noise_scale: expected PATH=VALUE, e.g. model.noise_scale=0.8");
    assert_eq!(
        error("model.noise=cauchy"),
        "--set model.noise=cauchy: unknown noise `cauchy`; expected `logistic` or `normal`"
    );
    assert!(
        error("model.noise_scal=1").starts_with(
            "--set model.noise_scal=1: unknown field of [model] `noise_scal`; did you mean `noise_scale`?"
        )
    );
    assert_eq!(error("model.rounds=2.5"), "--set model.rounds=2.5: must be an integer in 0..=10000, not 2.5");
    assert_eq!(
        error("model.conformity=\"high\""),
        "--set model.conformity=\"high\": `high` is not a number; expected a number in [0, 1]"
    );
    assert!(error("states.DUE.capacity=0.5").contains("did you mean `DEU`?"));
    assert!(error("states.IND.position=[1.0]").contains("must have 2 coordinates"));
    assert_eq!(error("scenario.runs=0"), "--set scenario.runs=0: must be >= 1, not 0");
    assert_eq!(
        error("scenario.sede=1"),
        "--set scenario.sede=1: unknown field of [scenario] `sede`; did you mean `seed`?"
    );
    assert!(error("scenario.date=\"2018-02-30\"").contains("day 30 is not in 1..=28"));
}

#[test]
fn resolved_json_names_states_and_resolves_defaults() {
    let s = parsed(RICH, &[]).unwrap();
    let json = resolved_json(&s);
    let keys: Vec<&str> = json.as_object().unwrap().keys().map(String::as_str).collect();
    for key in ["scenario", "dimensions", "model", "states", "blocs", "ties", "proposals", "uncertain", "force"] {
        assert!(keys.contains(&key), "missing {key}");
    }
    assert_eq!(json["scenario"]["date"], "2018-12-05");
    assert_eq!(json["scenario"]["runs"], 200);
    assert_eq!(json["model"]["noise"], "normal");
    let ind = json["states"].as_array().unwrap().iter().find(|s| s["iso3"] == "IND").unwrap();
    assert_eq!(ind["conformity"], 0.1);
    let roster = crate::roster::Roster::embedded();
    let band = s.model.abstain_band * roster.states[s.state_index("IND").unwrap()].band_factor;
    assert_eq!(ind["abstain_band"], band);
    let eu = json["blocs"].as_array().unwrap().iter().find(|b| b["id"] == "EU").unwrap();
    assert_eq!(eu["leader"], "DEU");
    assert_eq!(eu["members"].as_array().unwrap().len(), 28);
    assert!(json["blocs"].as_array().unwrap().iter().all(|b| !b["members"].as_array().unwrap().is_empty()));
    assert!(
        json["ties"].as_array().unwrap().iter().any(|t| t["from"] == "RUS" && t["to"] == "CHN" && t["weight"] == 0.7)
    );
    assert_eq!(json["proposals"][0]["sponsors"], serde_json::json!(["RUS", "CHN"]));
    assert_eq!(json["proposals"][0]["majority"], "two_thirds");
    assert_eq!(
        json["uncertain"][0],
        serde_json::json!({"param": "blocs.EU.cohesion", "dist": "beta", "a": 18.0, "b": 2.0})
    );
    assert_eq!(json["force"][0], serde_json::json!({"state": "IND", "proposal": "A/RES/73/27", "vote": "no"}));
}

#[test]
fn describe_summarises_the_scenario() {
    let text = describe(&parsed(RICH, &[]).unwrap());
    for needle in [
        "scenario    rich",
        "date        2018-12-05",
        "runs        200",
        "EU 28 (led by DEU)",
        "QUAD 4 (led by USA)",
        "A/RES/73/27: two_thirds majority, may pass by consensus; sponsors RUS, CHN",
        "blocs.EU.cohesion ~ beta(18, 2)",
        "IND votes no on A/RES/73/27",
    ] {
        assert!(text.contains(needle), "{needle:?} not in\n{text}");
    }
}

#[test]
fn errors_display_with_and_without_a_location() {
    let error = ScenarioError {
        file: "s.toml".into(),
        line: 3,
        column: 5,
        field: "model.noise_scale".into(),
        message: "must be > 0, not -1".into(),
    };
    assert_eq!(error.to_string(), "s.toml:3:5: model.noise_scale: must be > 0, not -1");
    let missing = load(std::path::Path::new("no/such/file.toml"), &[]).unwrap_err();
    assert_eq!((missing.line, missing.field.as_str()), (0, ""));
    assert!(missing.to_string().starts_with("no/such/file.toml: cannot read the scenario file: "));
}

#[test]
fn columns_count_characters_not_bytes() {
    assert_eq!(source::line_column("ab\ncd", 4), (2, 2));
    assert_eq!(source::line_column("é = 1", 5), (1, 5));
    assert_eq!(source::line_column("", 0), (1, 1));
}

#[test]
fn a_removed_roster_leader_must_be_replaced() {
    let s = parsed(MINIMAL, &[]).unwrap();
    let Some(bloc) = s.blocs.iter().find(|b| b.leader.is_some()) else { return };
    let leader = &s.states[bloc.leader.unwrap()].iso3;
    let text = format!("{MINIMAL}\n[blocs.{}]\nremove = [\"{leader}\"]\n", bloc.id);
    let error = parsed(&text, &[]).unwrap_err();
    assert_eq!((error.line, error.field.as_str()), (9, format!("blocs.{}", bloc.id).as_str()));
    assert!(error.message.ends_with("; set `leader` (\"\" for none)"), "{error}");
    let text = format!("{text}leader = \"\"\n");
    assert_eq!(parsed(&text, &[]).unwrap().blocs[s.bloc_index(&bloc.id).unwrap()].leader, None);
}

#[test]
fn roster_leaders_are_members_at_every_date() {
    // Not a scenario check (the roster is not the user's), but the engine relies on it.
    for year in 2015..=2025 {
        let date = format!("{year}-06-30");
        let s = parsed(MINIMAL, &[&format!("scenario.date={date}")]).unwrap();
        for bloc in &s.blocs {
            if let Some(leader) = bloc.leader {
                assert!(
                    bloc.members.contains(&leader),
                    "{} leader {} not a member on {date}",
                    bloc.id,
                    s.states[leader].iso3
                );
            }
        }
    }
}

#[test]
fn a_sweep_table_becomes_the_design_of_the_options() {
    use crate::sweep::design::{Combine, DesignSpec, Sampling};
    let sweep = |table: &str| sweep_of(&format!("{MINIMAL}\n[sweep]\n{table}\n"), "dir/s.toml").unwrap().unwrap();
    let grid = sweep(
        r#"vary = { "model.noise" = ["normal", "logistic"], "states.IND.position" = [[0.1, 0.2], [0.3, 4]], "blocs.EU.cohesion" = "0.5:0.9:0.2", "scenario.date" = [2019-01-01] }"#,
    );
    let expected = [
        "model.noise=normal,logistic",
        "states.IND.position=[0.1,0.2],[0.3,4]",
        "blocs.EU.cohesion=0.5:0.9:0.2",
        "scenario.date=2019-01-01",
    ];
    assert_eq!(grid.design, DesignSpec::Vary(expected.map(String::from).into(), Combine::Grid), "file order");
    assert!(!grid.independent_seeds);
    let sampled =
        sweep("ranges = { \"model.conformity\" = [0, 1] }\nsamples = 4\ndesign = \"random\"\nindependent_seeds = true");
    assert_eq!(
        sampled.design,
        DesignSpec::Sampled {
            varies: vec!["model.conformity=0:1".into()],
            samples: 4,
            sampling: Sampling::Random,
            seed: 0
        }
    );
    assert!(sampled.independent_seeds);
    let table = sweep("table = \"points.csv\"");
    assert_eq!(table.design, DesignSpec::Table(std::path::Path::new("dir").join("points.csv")));
    assert_eq!(sweep_of(MINIMAL, "s.toml").unwrap(), None);
    // `run` ignores the table, but checks it.
    assert!(parse(&format!("{MINIMAL}\n[sweep]\nvary = {{ \"model.conformity\" = [0.2] }}\n"), "s.toml", &[]).is_ok());
    assert!(parse(&format!("{MINIMAL}\n[sweep]\nvary = {{ \"model.conformity\" = [] }}\n"), "s.toml", &[]).is_err());
}
