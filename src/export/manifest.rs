//! `manifest.json`: everything needed to reproduce a batch, and when and how
//! it ran.
//!
//! The fields `threads`, `started`, `finished`, `wall_seconds` and
//! `command_line` describe the execution, not the result; every other field,
//! and every CSV file, is the same for any number of threads.

use super::tally::Identity;
use super::{ExportError, OutputDir};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::time::SystemTime;

/// The contents of `manifest.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Always `ungasim`.
    pub tool: String,
    /// Version of the binary that ran the batch.
    pub tool_version: String,
    /// Version of the model semantics.
    pub model_version: String,
    /// The scenario file as given.
    pub scenario_path: String,
    /// SHA-256 of the scenario file's bytes.
    pub scenario_sha256: String,
    /// `scenario.name`.
    pub scenario_name: String,
    /// The roster: `embedded`, or the calibrated roster directory used.
    pub roster: String,
    /// `--set` overrides, in order.
    pub overrides: Vec<String>,
    /// The what-if condition (`--given`), normalised; null without one.
    #[serde(default)]
    pub given: Option<String>,
    /// Master seed.
    pub seed: u64,
    /// Runs of the whole batch (all shards).
    pub runs: u64,
    /// Run indices simulated here, `[start, end)`.
    pub run_range: [u64; 2],
    /// `[index, count]` (1-based index) when `--shard` was given.
    pub shard: Option<[u64; 2]>,
    /// Whether `runs.csv` was written.
    pub per_run: bool,
    /// Whether `votes.csv` was written (`false` in manifests written before it existed).
    #[serde(default)]
    pub per_state: bool,
    /// Worker threads used.
    pub threads: usize,
    /// Start time, UTC, RFC 3339.
    pub started: String,
    /// End time, UTC, RFC 3339.
    pub finished: String,
    /// Wall-clock seconds.
    pub wall_seconds: f64,
    /// The full command line.
    pub command_line: Vec<String>,
}

impl Manifest {
    /// Stages `manifest.json` in `out`.
    pub fn write(&self, out: &mut OutputDir) -> Result<(), ExportError> {
        out.stage_json("manifest.json", self)
    }

    /// Reads `path` (a `manifest.json`); errors name the path.
    pub fn read(path: &std::path::Path) -> Result<Manifest, ExportError> {
        super::read_json(path, crate::limits::MANIFEST_FILE)
    }

    /// What the batch is a batch of (as in its `tally.json`).
    pub fn identity(&self) -> Identity {
        Identity {
            tool: self.tool.clone(),
            tool_version: self.tool_version.clone(),
            model_version: self.model_version.clone(),
            scenario_sha256: self.scenario_sha256.clone(),
            overrides: self.overrides.clone(),
            seed: self.seed,
            runs: self.runs,
            roster: self.roster.clone(),
            given: self.given.clone(),
        }
    }
}

/// Lower-case hexadecimal SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// `time` as `YYYY-MM-DDTHH:MM:SSZ` (UTC).
pub fn utc_timestamp(time: SystemTime) -> String {
    let secs = time.duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (days, rest) = (secs / 86_400, secs % 86_400);
    // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z", rest / 3600, rest % 3600 / 60, rest % 60)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn timestamps_and_hashes() {
        let at = |s| utc_timestamp(SystemTime::UNIX_EPOCH + Duration::from_secs(s));
        assert_eq!(at(0), "1970-01-01T00:00:00Z");
        assert_eq!(at(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(at(1_798_761_599), "2026-12-31T23:59:59Z");
        assert_eq!(sha256_hex(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
