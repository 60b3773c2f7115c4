//! Documented limits on what ungasim reads and simulates (README, "Limits").
//!
//! Every input file is refused before it is read when it is larger than its
//! limit (from the file's metadata, and again while reading, for a file
//! that grows or has no size, such as a pipe), so memory stays bounded by a
//! small multiple of the limit whatever the input. Counts that are cheap to
//! check after parsing (proposals, `[[uncertain]]` entries, runs, sweep
//! points) have limits of their own.

use std::fmt;
use std::io::Read;
use std::path::Path;

/// A size limit on one kind of input file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileLimit {
    /// What the file is, for messages: `a scenario file`.
    pub what: &'static str,
    /// The largest size accepted, in bytes.
    pub bytes: u64,
}

/// Scenario files (`run`, `check`, `sweep`, `compare`, `backtest`): the
/// largest sensible one (every tie between the 193 states one by one,
/// 10 000 proposals with titles) is about 3.8 MB. Parsing takes about 50
/// times the file's size (the TOML parser's tokens and document tree).
pub const SCENARIO_FILE: FileLimit = FileLimit { what: "a scenario file", bytes: 8 << 20 };
/// Roll-call CSV files (`calibrate`, `backtest`): the whole `unvotes` data
/// set is about 100 MB.
pub const ROLLCALL_FILE: FileLimit = FileLimit { what: "a roll-call file", bytes: 1 << 30 };
/// Sweep design tables (`sweep --design FILE.csv`, `[sweep] table`).
pub const DESIGN_FILE: FileLimit = FileLimit { what: "a design table", bytes: 64 << 20 };
/// The series table of `calibrate --series`.
pub const SERIES_FILE: FileLimit = FileLimit { what: "a series table", bytes: 16 << 20 };
/// Each file of a roster directory (`states.csv`, `texts.csv`, `model.json`).
pub const ROSTER_FILE: FileLimit = FileLimit { what: "a roster file", bytes: 16 << 20 };
/// `tally.json` and a batch's `.checkpoint.json` (`merge`, `run --resume`),
/// read streaming: `tally.json` takes about 65 kB per proposal (pretty
/// printed), more with large counts, so 10 000 proposals stay below 2 GiB.
pub const TALLY_FILE: FileLimit = FileLimit { what: "a tally file", bytes: 2 << 30 };
/// `manifest.json` and a sweep's `.checkpoint.json` (`merge`, `sweep
/// --resume`), which list a sweep's points.
pub const MANIFEST_FILE: FileLimit = FileLimit { what: "a manifest or sweep checkpoint", bytes: 256 << 20 };

/// The most proposals a scenario may have.
pub const MAX_PROPOSALS: usize = 10_000;
/// The most `[[uncertain]]` entries a scenario may have.
pub const MAX_UNCERTAIN: usize = 1_000;
/// The most runs a batch may have: 2^40. Run r draws from stream r of the
/// generator, which has 2^64 streams; 2^40 keeps every count of a tally,
/// and of `tally.json`, exact in a double (2^53) with room to spare, and is
/// beyond any batch that finishes (weeks on a large machine).
pub const MAX_RUNS: u64 = 1 << 40;

/// A byte count as a power of two: `16 MiB`, `1 GiB`, else bytes.
pub fn binary_size(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 30 && b % (1 << 30) == 0 => format!("{} GiB", b >> 30),
        b if b >= 1 << 20 && b % (1 << 20) == 0 => format!("{} MiB", b >> 20),
        b => format!("{b} bytes"),
    }
}

/// Why an input file was not read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The file is larger than its limit.
    #[error(
        "{}more than the limit of {limit} (see Limits in the README)",
        .size.map_or_else(String::new, |size| format!("{size} bytes, "))
    )]
    TooLarge {
        /// Its size, when known before reading (`None`: it grew past the limit while read).
        size: Option<u64>,
        /// The limit.
        limit: FileLimit,
    },
    /// The file could not be opened or read.
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// The file is not UTF-8 text: where its first bad byte is.
    #[error("not UTF-8 text (byte 0x{byte:02x}): save the file as UTF-8")]
    NotUtf8 {
        /// 1-based line of the byte.
        line: usize,
        /// 1-based column (in characters) of the byte.
        column: usize,
        /// The byte.
        byte: u8,
    },
}

impl ReadError {
    /// The 1-based line and column of the error in the file, or (0, 0).
    pub fn place(&self) -> (usize, usize) {
        match *self {
            ReadError::NotUtf8 { line, column, .. } => (line, column),
            _ => (0, 0),
        }
    }
}

impl fmt::Display for FileLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} on {}", binary_size(self.bytes), self.what)
    }
}

/// Opens `path` for reading at most `limit.bytes` (plus one, to tell a
/// file past the limit); refuses a file whose size is already past it.
pub fn open(path: &Path, limit: FileLimit) -> Result<std::io::Take<std::fs::File>, ReadError> {
    let file = std::fs::File::open(path)?;
    let size = file.metadata()?.len();
    if size > limit.bytes {
        return Err(ReadError::TooLarge { size: Some(size), limit });
    }
    Ok(file.take(limit.bytes + 1))
}

/// Reads the UTF-8 file `path` into a string, refusing a file larger than
/// `limit` before reading it, and a file that is not UTF-8 naming the line
/// and column of its first bad byte.
pub fn read_to_string(path: &Path, limit: FileLimit) -> Result<String, ReadError> {
    let mut reader = open(path, limit)?;
    let mut bytes = Vec::new();
    reader.read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit.bytes {
        return Err(ReadError::TooLarge { size: None, limit });
    }
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let byte = e.as_bytes()[valid];
        let text = std::str::from_utf8(&e.as_bytes()[..valid]).expect("valid up to here");
        let line = text.matches('\n').count() + 1;
        let column = text.rsplit('\n').next().unwrap_or_default().chars().count() + 1;
        ReadError::NotUtf8 { line, column, byte }
    })
}

/// Reads the JSON file `path` as a `T`, streaming (the text is never held
/// whole), refusing a file larger than `limit`. A file that grows past the
/// limit while read ends early, which fails as truncated JSON.
pub fn read_json<T: serde::de::DeserializeOwned>(path: &Path, limit: FileLimit) -> Result<T, JsonError> {
    let reader = std::io::BufReader::new(open(path, limit)?);
    serde_json::from_reader(reader).map_err(JsonError::Json)
}

/// Why a JSON input was not read.
#[derive(Debug, thiserror::Error)]
pub enum JsonError {
    /// Too large or unreadable.
    #[error(transparent)]
    Read(#[from] ReadError),
    /// Not the JSON expected (with line and column).
    #[error(transparent)]
    Json(serde_json::Error),
}

/// Checks a count against its limit: `Err` names `what` and the limit.
pub fn check_count(count: usize, max: usize, what: &str) -> Result<(), String> {
    if count > max {
        Err(format!("{count} {what}, more than the limit of {max} (see Limits in the README)"))
    } else {
        Ok(())
    }
}

/// A number of runs: 1..=[`MAX_RUNS`]; the message says what is wrong.
pub fn check_runs(runs: u64) -> Result<u64, String> {
    match runs {
        0 => Err("must be >= 1, not 0".to_string()),
        r if r > MAX_RUNS => Err(format!("must be at most 2^40 = {MAX_RUNS} (see Limits in the README), not {r}")),
        r => Ok(r),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_past_its_limit_is_refused_before_reading() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.toml");
        std::fs::write(&path, "0123456789").unwrap();
        let limit = FileLimit { what: "a test file", bytes: 9 };
        let error = read_to_string(&path, limit).unwrap_err().to_string();
        assert_eq!(error, "10 bytes, more than the limit of 9 bytes on a test file (see Limits in the README)");
        assert_eq!(read_to_string(&path, FileLimit { bytes: 10, ..limit }).unwrap(), "0123456789");
        assert!(matches!(read_to_string(&dir.path().join("none"), limit), Err(ReadError::Io(_))));
    }

    #[test]
    fn sizes_and_runs_are_named_plainly() {
        assert_eq!(binary_size(16 << 20), "16 MiB");
        assert_eq!(binary_size(1 << 30), "1 GiB");
        assert_eq!(binary_size(1000), "1000 bytes");
        assert_eq!(check_runs(MAX_RUNS), Ok(MAX_RUNS));
        assert!(check_runs(0).is_err());
        assert!(check_runs(MAX_RUNS + 1).unwrap_err().contains("1099511627776"));
    }

    #[test]
    fn the_first_byte_that_is_not_utf8_is_located() {
        let dir = std::env::temp_dir().join(format!("ungasim-textfile-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("latin1.csv");
        std::fs::write(&path, b"a,b\n\xc3\xa9t\xe9,1\n").unwrap();
        let error = read_to_string(&path, SCENARIO_FILE).unwrap_err();
        assert!(matches!(error, ReadError::NotUtf8 { line: 2, column: 3, byte: 0xe9 }), "{error:?}");
        assert_eq!(error.to_string(), "not UTF-8 text (byte 0xe9): save the file as UTF-8");
        std::fs::write(&path, "é\n").unwrap();
        assert_eq!(read_to_string(&path, SCENARIO_FILE).unwrap(), "é\n");
        assert!(matches!(read_to_string(&dir.join("missing"), SCENARIO_FILE), Err(ReadError::Io(_))));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
