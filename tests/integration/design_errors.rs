//! Golden tests of design-table errors: every
//! `tests/fixtures/designs/bad/X.csv` holds one mistake, and `X.expected`
//! the exact line `ungasim sweep tests/fixtures/good/minimal.toml --design
//! X.csv` prints for it (file, line, column or `--set`, message). The sweep
//! exits with status 1 and writes nothing.
//!
//! `UPDATE_EXPECTED=1 cargo test --release --test integration design_errors`
//! rewrites the `.expected` files; review every change by eye before keeping it.

use crate::common::{self, text, ungasim};

const BAD_DIR: &str = "tests/fixtures/designs/bad";

/// Fewer fixtures than this means some were lost.
const MIN_BAD_FIXTURES: usize = 20;

#[test]
fn every_bad_design_table_gives_its_expected_error() {
    let tmp = common::temp_dir();
    common::check_golden_errors(&common::fixtures(BAD_DIR, "csv"), MIN_BAD_FIXTURES, |path| {
        let out = tmp.path().join("out");
        let output = ungasim()
            .args(["sweep", "tests/fixtures/good/minimal.toml", "--runs", "10", "--quiet", "--design"])
            .arg(path)
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1), "{}: {output:?}", path.display());
        assert!(!out.exists(), "{}: a refused sweep wrote {}", path.display(), out.display());
        text(&output.stderr).trim_end().to_string()
    });
}

#[test]
fn every_expected_design_error_has_its_fixture() {
    common::check_fixture_pairs(BAD_DIR, "csv");
}
