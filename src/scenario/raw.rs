//! The scenario file as written: strict serde structs, one per table.
//!
//! Every struct denies unknown keys and every value keeps its span, so the
//! checks in `build` can point at the exact line and column. Words with a
//! fixed vocabulary (`noise`, `majority`, `vote`, `dist`) are read as plain
//! strings and checked in `build`, which gives a better message than serde's
//! for a misspelling. Nothing here is validated beyond its TOML type.

use serde::Deserialize;
use serde::de::{Deserializer, SeqAccess, Unexpected, Visitor};
use std::collections::BTreeMap;
use std::fmt;
use toml::Spanned;

/// A list of ISO3 codes with the span of each.
pub(super) type Names = Spanned<Vec<Spanned<String>>>;
/// A list of numbers with the span of each (a position).
pub(super) type Numbers = Spanned<Vec<Spanned<f64>>>;

/// The whole file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawFile {
    pub scenario: RawMeta,
    pub model: Option<RawModel>,
    pub proposals: Option<Spanned<Vec<Spanned<RawProposal>>>>,
    #[serde(default)]
    pub blocs: BTreeMap<Spanned<String>, Spanned<RawBloc>>,
    #[serde(default)]
    pub states: BTreeMap<Spanned<String>, Spanned<RawState>>,
    #[serde(default)]
    pub ties: Vec<Spanned<RawTie>>,
    #[serde(default)]
    pub uncertain: Vec<Spanned<RawUncertain>>,
    #[serde(default)]
    pub force: Vec<Spanned<RawForce>>,
    pub sweep: Option<Spanned<RawSweep>>,
}

/// `[sweep]`: the design of `ungasim sweep` (`run` checks it and ignores it).
/// One of `vary`, `zip`, `ranges` (with `samples`) or `table`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSweep {
    pub vary: Option<Spanned<RawSweepTable>>,
    pub zip: Option<Spanned<RawSweepTable>>,
    pub ranges: Option<Spanned<RawSweepTable>>,
    pub samples: Option<Spanned<u64>>,
    pub design: Option<Spanned<String>>,
    pub design_seed: Option<Spanned<u64>>,
    pub table: Option<Spanned<String>>,
    pub independent_seeds: Option<Spanned<bool>>,
}

/// Parameter path -> values (a list, or a string as `--vary` reads it).
pub(super) type RawSweepTable = BTreeMap<Spanned<String>, Spanned<toml::Value>>;

/// `[scenario]`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawMeta {
    pub name: Spanned<String>,
    pub description: Option<Spanned<String>>,
    /// A `"YYYY-MM-DD"` string or a TOML local date.
    pub date: Option<Spanned<toml::Value>>,
    pub seed: Option<Spanned<Seed>>,
    pub runs: Option<Spanned<u64>>,
    /// A calibrated roster directory, relative to the scenario file.
    pub roster: Option<Spanned<String>>,
}

/// `seed`: a non-negative integer; one above 2^63 - 1, which a TOML
/// integer cannot hold, as a string of decimal digits (`"18446744073709551615"`).
pub(super) struct Seed(pub u64);

/// Decimal digits only (no sign, no space) as a `u64`.
pub(super) fn decimal_u64(text: &str) -> Option<u64> {
    text.bytes().all(|b| b.is_ascii_digit()).then(|| text.parse().ok()).flatten()
}

impl<'de> Deserialize<'de> for Seed {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Seed, D::Error> {
        struct SeedVisitor;

        impl Visitor<'_> for SeedVisitor {
            type Value = Seed;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("u64")
            }

            fn visit_u64<E: serde::de::Error>(self, seed: u64) -> Result<Seed, E> {
                Ok(Seed(seed))
            }

            fn visit_i64<E: serde::de::Error>(self, seed: i64) -> Result<Seed, E> {
                u64::try_from(seed).map(Seed).map_err(|_| E::invalid_value(Unexpected::Signed(seed), &self))
            }

            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Seed, E> {
                decimal_u64(text).map(Seed).ok_or_else(|| E::invalid_value(Unexpected::Str(text), &self))
            }
        }

        deserializer.deserialize_any(SeedVisitor)
    }
}

/// `[model]`: any keys, each looked up in the parameter registry by `build`
/// (so a new `[model]` parameter needs no change here).
pub(super) type RawModel = BTreeMap<Spanned<String>, Spanned<toml::Value>>;

/// One `[[proposals]]` entry.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawProposal {
    pub id: Spanned<String>,
    pub title: Option<Spanned<String>>,
    pub sponsors: Option<Names>,
    pub position: Option<Numbers>,
    /// Not supported yet; present only to say so clearly.
    pub like: Option<Spanned<toml::Value>>,
    pub status_quo: Option<Numbers>,
    pub salience: Option<Spanned<f64>>,
    pub capacity_building: Option<Spanned<f64>>,
    pub majority: Option<Spanned<String>>,
    pub consensus: Option<Spanned<bool>>,
}

/// One `[blocs.ID]` table.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawBloc {
    pub name: Option<Spanned<String>>,
    pub cohesion: Option<Spanned<f64>>,
    /// ISO3 of the leader; `""` for none.
    pub leader: Option<Spanned<String>>,
    pub members: Option<Names>,
    pub add: Option<Names>,
    pub remove: Option<Names>,
}

/// One `[states.ISO3]` table.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawState {
    pub position: Option<Numbers>,
    pub capacity: Option<Spanned<f64>>,
    pub attendance: Option<Spanned<f64>>,
    pub abstain_band: Option<Spanned<f64>>,
    pub conformity: Option<Spanned<f64>>,
}

/// One `[[ties]]` entry.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawTie {
    pub from: Spanned<String>,
    pub to: Spanned<OneOrMany>,
    pub weight: Spanned<f64>,
    #[serde(default)]
    pub symmetric: bool,
}

/// One `[[uncertain]]` entry; which of the numbers must be present depends on `dist`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawUncertain {
    pub param: Spanned<String>,
    pub dist: Spanned<String>,
    pub a: Option<Spanned<f64>>,
    pub b: Option<Spanned<f64>>,
    pub low: Option<Spanned<f64>>,
    pub mode: Option<Spanned<f64>>,
    pub high: Option<Spanned<f64>>,
    pub mean: Option<Spanned<f64>>,
    pub sd: Option<Spanned<f64>>,
}

impl RawUncertain {
    /// Every distribution parameter key with its value, if given.
    pub fn numbers(&self) -> [(&'static str, Option<&Spanned<f64>>); 7] {
        [
            ("a", self.a.as_ref()),
            ("b", self.b.as_ref()),
            ("low", self.low.as_ref()),
            ("mode", self.mode.as_ref()),
            ("high", self.high.as_ref()),
            ("mean", self.mean.as_ref()),
            ("sd", self.sd.as_ref()),
        ]
    }
}

/// One `[[force]]` entry.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawForce {
    pub state: Spanned<String>,
    pub proposal: Spanned<String>,
    pub vote: Spanned<String>,
}

/// `to = "BLR"` or `to = ["BLR", "KAZ"]`.
pub(super) enum OneOrMany {
    /// A single code (its span is the span of the whole value).
    One(String),
    /// A list of codes, each with its span.
    Many(Vec<Spanned<String>>),
}

impl OneOrMany {
    /// The codes, each with its span; `span` is the span of the whole value.
    pub fn names(&self, span: std::ops::Range<usize>) -> Vec<Spanned<String>> {
        match self {
            OneOrMany::One(name) => vec![Spanned::new(span, name.clone())],
            OneOrMany::Many(names) => names.clone(),
        }
    }
}

impl<'de> Deserialize<'de> for OneOrMany {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<OneOrMany, D::Error> {
        struct OneOrManyVisitor;

        impl<'de> Visitor<'de> for OneOrManyVisitor {
            type Value = OneOrMany;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an ISO3 code or a list of ISO3 codes")
            }

            fn visit_str<E: serde::de::Error>(self, name: &str) -> Result<OneOrMany, E> {
                Ok(OneOrMany::One(name.to_string()))
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<OneOrMany, A::Error> {
                let mut names = Vec::new();
                while let Some(name) = seq.next_element()? {
                    names.push(name);
                }
                Ok(OneOrMany::Many(names))
            }
        }

        deserializer.deserialize_any(OneOrManyVisitor)
    }
}
