//! Golden tests of roll-call file errors: every
//! `tests/fixtures/rollcalls/bad/X.csv` holds one mistake, and `X.expected`
//! the exact error line `history::RollCalls::read_files` gives for it (file,
//! line, column, message).
//!
//! `UPDATE_EXPECTED=1 cargo test --test integration rollcall_errors` rewrites
//! the `.expected` files; review every change by eye before keeping it.

use crate::common;
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
    common::check_golden_errors(&bad_fixtures(), MIN_BAD_FIXTURES, |path| {
        match RollCalls::read_files(&[path], Roster::embedded()) {
            Ok(_) => format!("{}: read without error", path.display()),
            Err(error) => error.to_string(),
        }
    });
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
