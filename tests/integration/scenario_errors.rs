//! Golden tests of scenario errors: every `tests/fixtures/bad/X.toml` holds
//! one mistake, in the file or in the `--set` its comment line
//! `# --set PATH=VALUE` gives, and `X.expected` the exact error line
//! `scenario::load` gives for it (file, line, column, field, message). Every
//! `tests/fixtures/good/*.toml` must load.
//!
//! `UPDATE_EXPECTED=1 cargo test --test scenario_errors` rewrites the
//! `.expected` files; review every change by eye before keeping it.

use crate::common;
use std::path::{Path, PathBuf};
use ungasim::scenario;

/// Fewer fixtures than this means some were lost.
const MIN_BAD_FIXTURES: usize = 24;

#[test]
fn every_bad_fixture_gives_its_expected_error() {
    let paths: Vec<PathBuf> = common::toml_files("tests/fixtures/bad").into_iter().map(PathBuf::from).collect();
    common::check_golden_errors(&paths, MIN_BAD_FIXTURES, |path| {
        match scenario::load(path, &common::fixture_overrides(path)) {
            Ok(_) => format!("{}: loaded without error", path.display()),
            Err(error) => error.to_string(),
        }
    });
}

#[test]
fn every_expected_file_has_its_fixture() {
    common::check_fixture_pairs("tests/fixtures/bad", "toml");
}

#[test]
fn every_good_fixture_loads() {
    let paths = common::toml_files("tests/fixtures/good");
    assert!(paths.len() >= 2, "good fixtures missing");
    for path in paths {
        let scenario = scenario::load(Path::new(&path), &[]).unwrap_or_else(|e| panic!("{e}"));
        assert!(!scenario.proposals.is_empty());
        // The summary and the JSON never fail on a valid scenario.
        assert!(scenario::describe(&scenario).contains(&scenario.name));
        assert_eq!(scenario::resolved_json(&scenario)["scenario"]["name"], scenario.name.as_str());
    }
}

#[test]
fn full_fixture_uses_what_it_says() {
    let s = scenario::load(Path::new("tests/fixtures/good/full.toml"), &[]).unwrap();
    assert_eq!((s.seed, s.runs, s.date.to_string().as_str()), (73, 20000, "2018-12-05"));
    assert_eq!((s.proposals.len(), s.uncertain.len(), s.force.len()), (2, 4, 2));
    let bloc = |id: &str| &s.blocs[s.bloc_index(id).unwrap()];
    let iso3 = |i: usize| s.states[i].iso3.as_str();
    assert_eq!(bloc("EU").leader.map(iso3), Some("DEU"));
    assert_eq!(bloc("FIVE_EYES").leader, None);
    assert_eq!(bloc("FIVE_EYES").members.len(), 5);
    let nato: Vec<&str> = bloc("NATO").members.iter().map(|&i| iso3(i)).collect();
    assert!(nato.contains(&"SWE") && nato.contains(&"FIN") && !nato.contains(&"TUR"));
    assert_eq!(bloc("QUAD").members.len(), 4);
    let ind = &s.states[s.state_index("IND").unwrap()];
    assert_eq!(
        (ind.position.as_slice(), ind.abstain_band, ind.conformity),
        ([0.2, 0.6].as_slice(), Some(0.7), Some(0.2))
    );
}

#[test]
fn overrides_reach_the_file_through_load() {
    let path = Path::new("tests/fixtures/good/minimal.toml");
    let s = scenario::load(path, &["model.noise_scale=0.7".to_string(), "scenario.runs=12".to_string()]).unwrap();
    assert_eq!((s.model.noise_scale, s.runs), (0.7, 12));
    let error = scenario::load(path, &["proposals.A/RES/73/72.salience=2".to_string()]).unwrap_err();
    assert!(error.to_string().starts_with("--set proposals.A/RES/73/72.salience=2: unknown proposal `A/RES/73/72`"));
    assert!(error.to_string().contains("did you mean `A/RES/73/27`?"), "{error}");
}
