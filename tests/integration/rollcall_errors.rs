//! Golden tests of roll-call file errors: every
//! `tests/fixtures/rollcalls/bad/X.csv` holds one mistake, and `X.expected`
//! the exact error line `history::RollCalls::read_files` gives for it (file,
//! line, column, message).
//!
//! `UPDATE_EXPECTED=1 cargo test --test integration rollcall_errors` rewrites
//! the `.expected` files; review every change by eye before keeping it.

use crate::common;
use ungasim::history::RollCalls;
use ungasim::roster::Roster;

const BAD_DIR: &str = "tests/fixtures/rollcalls/bad";

/// Fewer fixtures than this means some were lost.
const MIN_BAD_FIXTURES: usize = 24;

#[test]
fn every_bad_rollcall_fixture_gives_its_expected_error() {
    common::check_golden_errors(
        &common::fixtures(BAD_DIR, "csv"),
        MIN_BAD_FIXTURES,
        |path| match RollCalls::read_files(&[path], Roster::embedded()) {
            Ok(_) => format!("{}: read without error", path.display()),
            Err(error) => error.to_string(),
        },
    );
}

#[test]
fn every_expected_rollcall_error_has_its_fixture() {
    common::check_fixture_pairs(BAD_DIR, "csv");
}
