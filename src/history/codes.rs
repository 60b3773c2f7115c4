//! State codes of roll-call files: ISO3 codes of the roster (long layout) and
//! ISO 3166-1 alpha-2 codes (`unvotes` layout) mapped onto roster indices.
//!
//! `unvotes` covers the General Assembly since 1946, so its codes include
//! seats that no longer exist and codes ISO has withdrawn. Both are listed
//! here, each with the reason, so that reading decades of data neither fails
//! on them nor silently invents votes: a seat that no longer exists is
//! skipped (and counted), a withdrawn code of a seat that still exists is
//! read as that seat. Every other unknown code is an error.

use crate::roster::Roster;
use std::collections::HashMap;
use std::sync::OnceLock;

const ISO2_CSV: &str = include_str!("../../data/iso2.csv");

/// Codes of `unvotes` data for General Assembly seats that no longer exist
/// and have no single continuing member: rows with them are skipped (and
/// counted in [`super::RollCalls::skipped_rows`]), not errors.
pub const HISTORICAL_CODES: [(&str, &str); 5] = [
    ("CS", "Czechoslovakia (member to 1992; ISO reused CS for Serbia and Montenegro 2003-2006)"),
    ("DD", "German Democratic Republic (member 1973-1990)"),
    ("YU", "Yugoslavia (member to 1992)"),
    ("YD", "Democratic Yemen (member 1967-1990)"),
    ("TW", "Republic of China (held China's seat to 1971)"),
];

/// ISO-2 codes that ISO has withdrawn, of seats that still exist under a
/// new code: rows with them are read as the seat's current member state
/// (the ISO3 code given here).
pub const RENAMED_CODES: [(&str, &str, &str); 5] = [
    ("SU", "RUS", "USSR; the Russian Federation continues its membership (1991)"),
    ("ZR", "COD", "Zaire, renamed Democratic Republic of the Congo (1997)"),
    ("BU", "MMR", "Burma, renamed Myanmar (1989)"),
    ("DY", "BEN", "Dahomey, renamed Benin (1975)"),
    ("HV", "BFA", "Upper Volta, renamed Burkina Faso (1984)"),
];

/// The `(iso3, iso2)` pairs of `data/iso2.csv`, in file order.
pub fn iso2_table() -> &'static [(String, String)] {
    static TABLE: OnceLock<Vec<(String, String)>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut reader = csv::Reader::from_reader(ISO2_CSV.as_bytes());
        let rows: Result<Vec<(String, String)>, csv::Error> = reader.deserialize().collect();
        rows.unwrap_or_else(|e| panic!("the embedded data/iso2.csv is invalid: {e}"))
    })
}

/// What a state code of a file stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Code {
    /// The roster state with this index.
    State(usize),
    /// A seat that no longer exists ([`HISTORICAL_CODES`]): skip the row.
    Historical,
}

/// Looks up the state codes of files against one roster.
pub(super) struct Codes<'r> {
    roster: &'r Roster,
    iso3: HashMap<&'r str, usize>,
    iso2: HashMap<&'static str, &'static str>,
}

impl<'r> Codes<'r> {
    /// The lookup tables for `roster`.
    pub fn new(roster: &'r Roster) -> Codes<'r> {
        let iso3 = roster.states.iter().enumerate().map(|(i, s)| (s.iso3.as_str(), i)).collect();
        let iso2 = iso2_table().iter().map(|(iso3, iso2)| (iso2.as_str(), iso3.as_str())).collect();
        Codes { roster, iso3, iso2 }
    }

    /// The index of the state with ISO3 code `code` (exact, upper case).
    pub fn iso3(&self, code: &str) -> Result<usize, String> {
        if let Some(&i) = self.iso3.get(code) {
            return Ok(i);
        }
        let states = &self.roster.states;
        let tail = if let Some(&iso3) = self.iso2.get(code) {
            format!("; did you mean `{iso3}`? (`{code}` is its ISO-2 code)")
        } else if let Some(state) = states.iter().find(|s| s.name.eq_ignore_ascii_case(code)) {
            format!("; did you mean `{}` ({})?", state.iso3, state.name)
        } else {
            match crate::suggest::hint(code, states.iter().map(|s| s.iso3.as_str())) {
                hint if hint.is_empty() => "; states are ISO 3166-1 alpha-3 codes such as `DEU`".to_string(),
                hint => hint,
            }
        };
        Err(format!("unknown state `{code}`{tail}"))
    }

    /// What the ISO-2 code `code` (exact, upper case) stands for.
    pub fn iso2(&self, code: &str) -> Result<Code, String> {
        let iso3 = match self.iso2.get(code) {
            Some(&iso3) => iso3,
            None => match RENAMED_CODES.iter().find(|(old, _, _)| *old == code) {
                Some(&(_, iso3, _)) => iso3,
                None if HISTORICAL_CODES.iter().any(|(old, _)| *old == code) => return Ok(Code::Historical),
                None => return Err(self.unknown_iso2(code)),
            },
        };
        match self.iso3.get(iso3) {
            Some(&i) => Ok(Code::State(i)),
            None => Err(format!("`{code}` is the code of `{iso3}`, which is not a state of the roster")),
        }
    }

    fn unknown_iso2(&self, code: &str) -> String {
        let upper = code.to_ascii_uppercase();
        let iso3_match = self.iso3.get(upper.as_str()).map(|&i| self.roster.states[i].iso3.as_str());
        let tail = if upper != code && self.iso2.contains_key(upper.as_str()) {
            format!("; did you mean `{upper}`?")
        } else if let Some(iso2) = iso3_match.and_then(|iso3| iso2_table().iter().find(|(three, _)| three == iso3)) {
            format!("; did you mean `{}`? (this layout uses ISO-2 codes)", iso2.1)
        } else {
            ": not the ISO-2 code of a member state or of a former seat".to_string()
        };
        format!("unknown country code `{code}`{tail}")
    }
}
