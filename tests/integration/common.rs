//! Helpers shared by the integration tests: the `ungasim` binary run from
//! the package root, batches written into temporary result directories, and
//! result files read back as bytes, CSV tables or JSON.
//!
//! Every batch goes to an explicit `--out` inside a fresh temporary
//! directory, so no test writes into the package's `results/`.

use assert_cmd::Command;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

/// Shipped scenario: two proposals, position jitter, no `[[uncertain]]`.
pub const OEWG_2018: &str = "scenarios/oewg-vs-gge-2018.toml";
/// Shipped scenario: `[[uncertain]]` parameters and forced votes.
pub const EU_SPLIT_2018: &str = "scenarios/eu-split-2018.toml";

/// Member states in the embedded roster.
pub const STATES: usize = 193;

/// What `run` writes without `--per-run`, `--per-state` or `--given`, sorted.
pub const TABLE_FILES: [&str; 8] = [
    "blocs.csv",
    "distribution.csv",
    "manifest.json",
    "membership.csv",
    "scenario.json",
    "states.csv",
    "summary.csv",
    "tally.json",
];

/// Manifest fields that describe how a batch ran, not what it computed.
pub const EXECUTION_FIELDS: [&str; 5] = ["threads", "started", "finished", "wall_seconds", "command_line"];

/// The `ungasim` binary as a plain process, with the package root as
/// working directory, so scenario paths are relative as in the docs and in
/// the golden error texts.
pub fn ungasim_process() -> std::process::Command {
    let mut command = std::process::Command::new(assert_cmd::cargo::cargo_bin("ungasim"));
    command.current_dir(env!("CARGO_MANIFEST_DIR"));
    command
}

/// [`ungasim_process`] with `assert_cmd`'s assertions.
pub fn ungasim() -> Command {
    Command::from_std(ungasim_process())
}

/// `path` (relative to the package root) as a path usable from any directory.
pub fn package_path(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// `ungasim run SCENARIO --out OUT --quiet ARGS...`, not yet run.
pub fn run_command(scenario: &str, out: &Path, args: &[&str]) -> Command {
    let mut command = ungasim();
    command.arg("run").arg(scenario).arg("--out").arg(out).arg("--quiet").args(args);
    command
}

/// A fresh temporary directory (removed on drop).
pub fn temp_dir() -> TempDir {
    tempfile::tempdir().expect("cannot create a temporary directory")
}

/// Text of a process output stream.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("ungasim writes UTF-8")
}

/// The `.toml` files of `dir` (relative to the package root), sorted.
pub fn toml_files(dir: &str) -> Vec<String> {
    let mut paths: Vec<String> = entry_names(&package_path(dir))
        .into_iter()
        .filter(|name| name.ends_with(".toml"))
        .map(|name| format!("{dir}/{name}"))
        .collect();
    paths.sort();
    paths
}

/// Names of every entry of `dir`, hidden ones included, sorted.
pub fn entry_names(dir: &Path) -> Vec<String> {
    let entries = fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let mut names: Vec<String> =
        entries.map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

/// The `--set PATH=VALUE` overrides a scenario fixture asks for, one per
/// comment line `# --set PATH=VALUE` (so a bad fixture can hold a bad `--set`).
pub fn fixture_overrides(path: &Path) -> Vec<String> {
    // Lossy: a fixture may hold bytes that are not UTF-8 (on purpose).
    let bytes = fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    String::from_utf8_lossy(&bytes).lines().filter_map(|line| line.strip_prefix("# --set ")).map(String::from).collect()
}

/// Every file of `dir` by name, with its bytes.
pub fn dir_files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    entry_names(dir)
        .into_iter()
        .map(|name| {
            let bytes = fs::read(dir.join(&name)).unwrap_or_else(|e| panic!("{}/{name}: {e}", dir.display()));
            (name, bytes)
        })
        .collect()
}

/// A finished batch's result directory, inside its own temporary directory.
pub struct ResultDir {
    _tmp: TempDir,
    /// The result directory (`--out`).
    pub path: PathBuf,
}

impl ResultDir {
    /// Runs `ungasim run SCENARIO ARGS...` into a fresh directory and
    /// asserts that it succeeded.
    pub fn run(scenario: &str, args: &[&str]) -> ResultDir {
        let tmp = temp_dir();
        let path = tmp.path().join("out");
        run_command(scenario, &path, args).assert().success();
        ResultDir { _tmp: tmp, path }
    }

    /// Every file written, by name.
    pub fn files(&self) -> BTreeMap<String, Vec<u8>> {
        dir_files(&self.path)
    }

    /// One file as text.
    pub fn read(&self, name: &str) -> String {
        fs::read_to_string(self.path.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
    }

    /// One CSV file, parsed.
    pub fn table(&self, name: &str) -> Table {
        Table::parse(&self.read(name))
    }

    /// `manifest.json`, parsed.
    pub fn manifest(&self) -> serde_json::Value {
        serde_json::from_str(&self.read("manifest.json")).expect("manifest.json is JSON")
    }

    /// The CSV files (every file but the manifest), by name.
    pub fn csv_files(&self) -> BTreeMap<String, Vec<u8>> {
        let mut files = self.files();
        files.remove("manifest.json");
        files
    }

    /// The manifest without [`EXECUTION_FIELDS`]: what must not depend on
    /// threads, timing or how the command was spelled.
    pub fn manifest_result(&self) -> serde_json::Value {
        manifest_result(&self.path)
    }
}

/// `manifest.json` of `dir` without [`EXECUTION_FIELDS`].
pub fn manifest_result(dir: &Path) -> serde_json::Value {
    let text = fs::read_to_string(dir.join("manifest.json")).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let mut manifest: serde_json::Value = serde_json::from_str(&text).expect("manifest.json is JSON");
    let object = manifest.as_object_mut().expect("manifest.json is an object");
    for field in EXECUTION_FIELDS {
        assert!(object.remove(field).is_some(), "manifest.json lacks `{field}`");
    }
    manifest
}

/// Asserts that the result directory `actual` holds what `expected` does:
/// the same files, byte for byte but `manifest.json`, which must be the
/// same apart from [`EXECUTION_FIELDS`].
pub fn assert_same_batch(expected: &Path, actual: &Path, what: &str) {
    let (mut expected_files, mut actual_files) = (dir_files(expected), dir_files(actual));
    assert!(expected_files.contains_key("manifest.json"), "{what}: the reference has no manifest");
    expected_files.remove("manifest.json");
    assert!(actual_files.remove("manifest.json").is_some(), "{what}: no manifest.json");
    let differences = file_differences(&expected_files, &actual_files);
    assert!(differences.is_empty(), "{what}:\n{}", differences.join("\n"));
    assert_eq!(manifest_result(expected), manifest_result(actual), "{what}: manifest.json");
}

/// A parsed CSV file: its header and its records as strings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// The header row.
    pub header: Vec<String>,
    /// The records.
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// Parses CSV text with a header row.
    pub fn parse(text: &str) -> Table {
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let header = reader.headers().expect("a header row").iter().map(String::from).collect();
        let rows = reader.records().map(|r| r.expect("a CSV record").iter().map(String::from).collect()).collect();
        Table { header, rows }
    }

    /// Index of column `name`.
    pub fn index(&self, name: &str) -> usize {
        self.header.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column `{name}` in {:?}", self.header))
    }

    /// Every value of column `name`.
    pub fn column(&self, name: &str) -> Vec<&str> {
        let i = self.index(name);
        self.rows.iter().map(|row| row[i].as_str()).collect()
    }
}

/// The differences between two sets of files, one message per differing
/// file naming its first differing line (never the whole contents); empty
/// when they are byte for byte the same.
pub fn file_differences(expected: &BTreeMap<String, Vec<u8>>, actual: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
    let names: std::collections::BTreeSet<&String> = expected.keys().chain(actual.keys()).collect();
    names
        .into_iter()
        .filter_map(|name| match (expected.get(name), actual.get(name)) {
            (Some(e), Some(a)) if e == a => None,
            (Some(e), Some(a)) => Some(format!("{name}: {}", first_difference(e, a))),
            (Some(_), None) => Some(format!("{name}: missing")),
            _ => Some(format!("{name}: not expected")),
        })
        .collect()
}

fn first_difference(expected: &[u8], actual: &[u8]) -> String {
    let (expected, actual) = (String::from_utf8_lossy(expected), String::from_utf8_lossy(actual));
    let mut lines = expected.split('\n').zip(actual.split('\n')).enumerate();
    match lines.find(|(_, (e, a))| e != a) {
        Some((i, (e, a))) => format!("line {} differs\n    expected: {e}\n    actual:   {a}", i + 1),
        None => format!("{} lines expected, {} written", expected.lines().count(), actual.lines().count()),
    }
}

/// The files of `dir` (relative to the package root) ending in `.{ext}`, as
/// paths relative to the package root, sorted: a malformed-input corpus.
pub fn fixtures(dir: &str, ext: &str) -> Vec<PathBuf> {
    let suffix = format!(".{ext}");
    let names = entry_names(&package_path(dir));
    names.into_iter().filter(|name| name.ends_with(&suffix)).map(|name| PathBuf::from(dir).join(name)).collect()
}

/// Asserts that `dir` holds only `.{ext}` fixtures and their `.expected`
/// files, and that every `.expected` file has its fixture.
pub fn check_fixture_pairs(dir: &str, ext: &str) {
    for name in entry_names(&package_path(dir)) {
        let path = PathBuf::from(dir).join(&name);
        if name.ends_with(".expected") {
            assert!(path.with_extension(ext).exists(), "{} has no .{ext}", path.display());
        } else {
            assert!(name.ends_with(&format!(".{ext}")), "{}: neither .{ext} nor .expected", path.display());
        }
    }
}

/// The golden-error check of a malformed-input corpus: every path in
/// `paths` (at least `min` of them) must give, through `error_of`, exactly
/// the one line in its `.expected` file. `UPDATE_EXPECTED=1` rewrites the
/// `.expected` files instead (review every change by eye before keeping it).
pub fn check_golden_errors(paths: &[PathBuf], min: usize, error_of: impl Fn(&Path) -> String) {
    let update = std::env::var_os("UPDATE_EXPECTED").is_some_and(|v| v == "1");
    assert!(paths.len() >= min, "only {} bad fixtures, expected at least {min}", paths.len());
    let mut failures = Vec::new();
    for path in paths {
        let actual = error_of(path);
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
