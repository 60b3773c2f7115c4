//! Golden tests of roll-call file errors: every
//! `tests/fixtures/rollcalls/bad/X.csv` holds one mistake, and `X.expected`
//! the exact error line `history::RollCalls::read_files` gives for it (file,
//! line, column, message).
//!
//! `UPDATE_EXPECTED=1 cargo test --test integration rollcall_errors` rewrites
//! the `.expected` files; review every change by eye before keeping it.

use crate::common;
use std::fs;
use std::path::PathBuf;
use ungasim::history::RollCalls;
use ungasim::roster::Roster;

const BAD_DIR: &str = "tests/fixtures/rollcalls/bad";

/// Fewer fixtures than this means some were lost.
const MIN_BAD_FIXTURES: usize = 24;

/// The `.csv` fixtures of [`BAD_DIR`], relative to the package root, sorted.
fn bad_fixtures() -> Vec<PathBuf> {
    let names = common::entry_names(&common::package_path(BAD_DIR));
    names.into_iter().filter(|name| name.ends_with(".csv")).map(|name| PathBuf::from(BAD_DIR).join(name)).collect()
}

#[test]
fn every_bad_rollcall_fixture_gives_its_expected_error() {
    let update = std::env::var_os("UPDATE_EXPECTED").is_some_and(|v| v == "1");
    let paths = bad_fixtures();
    assert!(paths.len() >= MIN_BAD_FIXTURES, "only {} bad fixtures, expected at least {MIN_BAD_FIXTURES}", paths.len());
    let mut failures = Vec::new();
    for path in &paths {
        let actual = match RollCalls::read_files(&[path], Roster::embedded()) {
            Ok(_) => format!("{}: read without error", path.display()),
            Err(error) => error.to_string(),
        };
        assert!(!actual.contains('\n'), "{}: the error is not one line: {actual}", path.display());
        let expected_path = path.with_extension("expected");
        if update {
            fs::write(&expected_path, format!("{actual}\n")).unwrap();
            continue;
        }
        let expected = fs::read_to_string(&expected_path)
            .unwrap_or_else(|e| panic!("{}: {e} (run with UPDATE_EXPECTED=1)", expected_path.display()));
        if actual != expected.trim_end() {
            failures.push(format!("{}\n  expected: {}\n  actual:   {actual}", path.display(), expected.trim_end()));
        }
    }
    assert!(failures.is_empty(), "{} of {} fixtures differ:\n{}", failures.len(), paths.len(), failures.join("\n"));
}

#[test]
fn every_expected_rollcall_error_has_its_fixture() {
    for name in common::entry_names(&common::package_path(BAD_DIR)) {
        let path = PathBuf::from(BAD_DIR).join(&name);
        if name.ends_with(".expected") {
            assert!(path.with_extension("csv").exists(), "{} has no .csv", path.display());
        } else {
            assert!(name.ends_with(".csv"), "{}: neither .csv nor .expected", path.display());
        }
    }
}
