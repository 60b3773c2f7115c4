//! `tally.json` and the checkpoint: a batch's exact counts together with
//! what they count, so that shards can be merged (`ungasim merge`) and an
//! interrupted batch continued (`run --resume`) without redoing a run.
//!
//! The CSV files are computed from the counts, so a merged or resumed batch
//! writes them byte for byte as one uninterrupted batch would; the identity
//! block is what two tallies must share to be added up.

use super::ExportError;
use crate::aggregate::Tally;
use crate::limits::TALLY_FILE;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// What a tally is a tally of: the runs of one batch are the same numbers
/// only if all of these agree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Identity {
    /// Always `ungasim`.
    pub tool: String,
    /// Version of the binary.
    pub tool_version: String,
    /// Version of the model semantics.
    pub model_version: String,
    /// SHA-256 of the scenario file's bytes.
    pub scenario_sha256: String,
    /// `--set` overrides, in order.
    pub overrides: Vec<String>,
    /// Master seed.
    pub seed: u64,
    /// Runs of the whole batch (all shards).
    pub runs: u64,
    /// The roster: `embedded`, or the calibrated roster directory.
    pub roster: String,
    /// The what-if condition (`run --given`), normalised (`IND=no;EU=split`); null without one.
    #[serde(default)]
    pub given: Option<String>,
}

impl Identity {
    /// The first field in which `other` differs: its name, this identity's
    /// value and `other`'s, as compact JSON.
    pub fn difference(&self, other: &Identity) -> Option<(String, String, String)> {
        first_difference(self, other)
    }
}

/// The first field in which two values serialising to JSON objects differ:
/// its name, `mine`'s value and `theirs`', as compact JSON.
pub fn first_difference(mine: &impl Serialize, theirs: &impl Serialize) -> Option<(String, String, String)> {
    let (serde_json::Value::Object(mine), serde_json::Value::Object(theirs)) =
        (serde_json::json!(mine), serde_json::json!(theirs))
    else {
        unreachable!("an identity serialises to a JSON object");
    };
    // serde_json's map keeps the struct's field order only with
    // `preserve_order`; the order of the fields does not matter here.
    mine.into_iter().find_map(|(name, value)| {
        let other_value = &theirs[&name];
        (value != *other_value).then(|| (name, value.to_string(), other_value.to_string()))
    })
}

/// The contents of `tally.json`: the exact tally of the runs `run_range` of
/// the batch `identity`. `T` is the tally or a reference to it (a batch
/// writes its checkpoints from the tally it keeps, without a copy).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TallyFile<T = Tally> {
    /// The batch.
    pub identity: Identity,
    /// Run indices counted, `[start, end)`.
    pub run_range: [u64; 2],
    /// The counts.
    pub tally: T,
}

impl TallyFile {
    /// Reads a `tally.json` (or a checkpoint's) at `path` and checks that it
    /// holds together: the counts add up, and count `run_range`'s runs.
    /// Errors name the path (and, for JSON, line and column).
    pub fn read(path: &Path) -> Result<TallyFile, ExportError> {
        let file: TallyFile = super::read_json(path, TALLY_FILE)?;
        file.check().map_err(|message| ExportError::Invalid { path: path.to_path_buf(), message })?;
        Ok(file)
    }

    /// Whether the tally is whole and counts exactly `run_range`.
    fn check(&self) -> Result<(), String> {
        let [start, end] = self.run_range;
        if start > end || end > self.identity.runs {
            return Err(format!("run_range [{start}, {end}) is not within the batch's {} runs", self.identity.runs));
        }
        self.tally.check(&self.tally.shape()).map_err(|e| e.to_string())?;
        if !self.tally.proposals.is_empty() && self.tally.runs() != end - start {
            return Err(format!(
                "the tally counts {} runs, run_range [{start}, {end}) {}",
                self.tally.runs(),
                end - start
            ));
        }
        Ok(())
    }
}

/// The checkpoint of an unfinished batch (`.checkpoint.json`), written
/// after every wave: the tally of the runs done so far, and how much of the
/// partial `runs.csv` holds exactly those runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Checkpoint<T = Tally> {
    /// The runs the batch (or shard) is to simulate, `[start, end)`.
    pub batch_range: [u64; 2],
    /// With `--per-run`: the length in bytes of the partial `runs.csv`
    /// holding the header and the rows of the runs done.
    pub runs_csv_bytes: Option<u64>,
    /// With `--per-state`: the same for the partial `votes.csv`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub votes_csv_bytes: Option<u64>,
    /// The runs done, `[batch start, done)`, and their tally.
    pub done: TallyFile<T>,
}

impl Checkpoint {
    /// Reads and checks a checkpoint; errors name the path.
    pub fn read(path: &Path) -> Result<Checkpoint, ExportError> {
        let checkpoint: Checkpoint = super::read_json(path, TALLY_FILE)?;
        let invalid = |message: String| ExportError::Invalid { path: path.to_path_buf(), message };
        checkpoint.done.check().map_err(invalid)?;
        let ([start, end], [from, done]) = (checkpoint.batch_range, checkpoint.done.run_range);
        if from != start || done > end {
            return Err(invalid(format!("the runs done, [{from}, {done}), are not a beginning of [{start}, {end})")));
        }
        Ok(checkpoint)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn identity() -> Identity {
        Identity {
            tool: "ungasim".into(),
            tool_version: "0.1.0".into(),
            model_version: "2".into(),
            scenario_sha256: "ab".into(),
            overrides: vec!["model.noise=normal".into()],
            seed: 7,
            runs: 10,
            roster: "embedded".into(),
            given: None,
        }
    }

    #[test]
    fn the_first_differing_field_is_named() {
        let mut other = identity();
        assert_eq!(identity().difference(&other), None);
        other.seed = 8;
        other.roster = "r".into();
        let (field, _, _) = identity().difference(&other).unwrap();
        assert!(field == "seed" || field == "roster", "{field}");
        other.roster = "embedded".into();
        assert_eq!(identity().difference(&other), Some(("seed".into(), "7".into(), "8".into())));
        other = identity();
        other.overrides.clear();
        let expected = ("overrides".into(), r#"["model.noise=normal"]"#.into(), "[]".into());
        assert_eq!(identity().difference(&other), Some(expected));
    }
}
