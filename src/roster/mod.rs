//! The roster: the 193 member states, the blocs with their dated
//! membership and the roster's ties (facts compiled into the binary from
//! `data/`), with a [`Calibration`] giving the fitted positions, bands,
//! attendance, recorded texts and model defaults: the embedded one
//! (`data/calibration/`) or a directory written by `ungasim calibrate`.
//!
//! Bloc flags in `data/states.csv` hold on [`SNAPSHOT`] (2024-12-31); the
//! membership at any other date is rebuilt by replaying
//! `data/membership_changes.csv` (see `data/SOURCES.md`).

pub mod calibration;

use crate::date::Date;
use crate::model::{Bloc, ModelParams, State, Tie};
use calibration::{Calibration, CalibrationError};
use serde::Deserialize;
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::path::Path;
use std::sync::OnceLock;

/// The date on which the bloc flags of `data/states.csv` hold.
pub const SNAPSHOT: &str = "2024-12-31";

/// The five UN regional groups, which are also blocs.
pub const REGIONAL_GROUPS: [&str; 5] = ["AFRICAN", "ASIA_PACIFIC", "EASTERN_EUROPEAN", "GRULAC", "WEOG"];

/// Change-log rows that record the end of participation by a state that was
/// never a member (Ukraine in the CIS); replaying them would invent a membership.
const PARTICIPATION_ONLY: [(&str, &str); 1] = [("CIS", "UKR")];

const STATES_CSV: &str = include_str!("../../data/states.csv");
const CALIBRATION_MODEL: &str = include_str!("../../data/calibration/model.json");
const CALIBRATION_STATES: &str = include_str!("../../data/calibration/states.csv");
const CALIBRATION_TEXTS: &str = include_str!("../../data/calibration/texts.csv");
const BLOCS_CSV: &str = include_str!("../../data/blocs.csv");
const TIES_CSV: &str = include_str!("../../data/ties.csv");
const CHANGES_CSV: &str = include_str!("../../data/membership_changes.csv");

/// One member state as the roster knows it.
#[derive(Debug, Clone)]
pub struct RosterState {
    /// ISO3 code.
    pub iso3: String,
    /// UN short name.
    pub name: String,
    /// UN regional group id.
    pub group: String,
    /// Digital development in [0, 1].
    pub capacity: f64,
    /// Probability of being present (calibrated).
    pub attendance: f64,
    /// Ideal point, one coordinate per dimension (calibrated).
    pub position: Vec<f64>,
    /// Ratio of the state's calibrated band to the common band (1 without per-state bands).
    pub band_factor: f64,
}

/// A bloc's defaults (`data/blocs.csv`).
#[derive(Debug, Clone)]
pub struct RosterBloc {
    /// Upper-case id.
    pub id: String,
    /// Full name.
    pub name: String,
    /// Default cohesion.
    pub cohesion: f64,
    /// ISO3 of the default leader, if any.
    pub leader: Option<String>,
    /// Members at [`SNAPSHOT`], as state indices.
    snapshot: Vec<bool>,
}

/// A membership event of the change log.
#[derive(Debug, Clone)]
struct Change {
    bloc: usize,
    state: usize,
    date: Date,
    joins: bool,
}

/// A roster tie (`data/ties.csv`), by state index.
#[derive(Debug, Clone)]
pub struct RosterTie {
    /// Index of the state pulled.
    pub from: usize,
    /// Index of the state pulling.
    pub to: usize,
    /// Weight T_ik.
    pub weight: f64,
    /// Whether the tie also runs from `to` to `from`.
    pub symmetric: bool,
    /// Date from which the tie is in force (signature of the agreement).
    pub since: Date,
}

/// The whole embedded roster.
#[derive(Debug, Clone)]
pub struct Roster {
    /// The 193 member states in `data/states.csv` order.
    pub states: Vec<RosterState>,
    /// The blocs in `data/blocs.csv` order.
    pub blocs: Vec<RosterBloc>,
    /// The roster's ties.
    pub ties: Vec<RosterTie>,
    changes: Vec<Change>,
    snapshot: Date,
    /// The fitted values in use.
    pub calibration: Calibration,
    /// `embedded`, or the calibration directory as given.
    pub source: String,
}

#[derive(Deserialize)]
struct BlocRow {
    id: String,
    name: String,
    column: String,
    cohesion: f64,
    leader: String,
}

#[derive(Deserialize)]
struct TieRow {
    from: String,
    to: String,
    weight: f64,
    symmetric: bool,
    since: String,
}

#[derive(Deserialize)]
struct ChangeRow {
    bloc: String,
    iso3: String,
    change: String,
    date: String,
}

impl Roster {
    /// The roster compiled into this binary (parsed once, on first use).
    pub fn embedded() -> &'static Roster {
        static ROSTER: OnceLock<Roster> = OnceLock::new();
        ROSTER.get_or_init(|| {
            let facts = Roster::facts(STATES_CSV, BLOCS_CSV, TIES_CSV, CHANGES_CSV)
                .unwrap_or_else(|e| panic!("the embedded roster is invalid: {e}"));
            let calibration = Calibration::parse(
                ("data/calibration/model.json", CALIBRATION_MODEL),
                ("data/calibration/states.csv", CALIBRATION_STATES),
                ("data/calibration/texts.csv", CALIBRATION_TEXTS),
                &facts.iso3(),
            )
            .unwrap_or_else(|e| panic!("the embedded calibration is invalid: {e}"));
            facts.with_calibration(calibration, "embedded")
        })
    }

    /// The embedded facts with the calibration in directory `dir` (written by `ungasim calibrate`).
    pub fn load_dir(dir: &Path) -> Result<Roster, CalibrationError> {
        let embedded = Roster::embedded();
        let calibration = Calibration::read_dir(dir, &embedded.iso3())?;
        Ok(embedded.clone().with_calibration(calibration, &dir.display().to_string()))
    }

    /// The roster's ISO3 codes in order.
    pub fn iso3(&self) -> Vec<String> {
        self.states.iter().map(|s| s.iso3.clone()).collect()
    }

    /// The names of the issue-space dimensions.
    pub fn dimensions(&self) -> &[String] {
        &self.calibration.model.dimensions
    }

    /// The model parameters a scenario on this roster starts from: the
    /// documented defaults with the calibration's band, conformity, rounds
    /// and tie weight (noise logistic with scale 1, as fitted).
    pub fn model_defaults(&self) -> ModelParams {
        let m = &self.calibration.model;
        ModelParams {
            abstain_band: m.abstain_band,
            conformity: m.conformity,
            rounds: m.rounds,
            tie_weight: m.tie_weight,
            ..ModelParams::default()
        }
    }

    /// This roster's facts with `calibration`'s values on the states;
    /// `source` names it (in manifests and messages).
    pub fn with_calibration(mut self, calibration: Calibration, source: &str) -> Roster {
        for (state, fitted) in self.states.iter_mut().zip(&calibration.states) {
            state.attendance = fitted.attendance;
            state.position.clone_from(&fitted.position);
            state.band_factor = fitted.abstain_band.map_or(1.0, |band| band / calibration.model.abstain_band);
        }
        self.calibration = calibration;
        self.source = source.to_string();
        self
    }

    /// The roster's facts from the texts of its four data files, without a
    /// calibration: positions at the prior mean (0 on `sovereignty`, the
    /// capacity-derived value on `development`), attendance 1.
    pub fn facts(states: &str, blocs: &str, ties: &str, changes: &str) -> Result<Roster, String> {
        let table = read_table(states, "states.csv")?;
        let column =
            |name: &str| table.headers.iter().position(|h| h == name).ok_or(format!("states.csv: no column `{name}`"));
        let (iso3_col, name_col, group_col) = (column("iso3")?, column("name")?, column("un_group")?);
        let idi_col = column("ict_idi_score")?;
        let capacity = capacities(&table, group_col, idi_col)?;
        let development = crate::fit::calibrate::development_prior(&capacity);
        let mut roster_states = Vec::with_capacity(table.rows.len());
        for (r, row) in table.rows.iter().enumerate() {
            roster_states.push(RosterState {
                iso3: row[iso3_col].clone(),
                name: row[name_col].clone(),
                group: row[group_col].clone(),
                capacity: capacity[r],
                attendance: 1.0,
                position: vec![0.0, development[r]],
                band_factor: 1.0,
            });
        }
        let index =
            |iso3: &str| roster_states.iter().position(|s| s.iso3 == iso3).ok_or(format!("unknown state `{iso3}`"));

        let mut roster_blocs = Vec::new();
        for row in read_rows::<BlocRow>(blocs, "blocs.csv")? {
            let snapshot = if row.column == "un_group" {
                roster_states.iter().map(|s| s.group == row.id).collect()
            } else {
                let c = column(&row.column)?;
                table.rows.iter().map(|r| r[c] == "1").collect()
            };
            let leader = (!row.leader.is_empty()).then_some(row.leader);
            if let Some(leader) = &leader {
                index(leader)?;
            }
            roster_blocs.push(RosterBloc { id: row.id, name: row.name, cohesion: row.cohesion, leader, snapshot });
        }

        let mut roster_ties = Vec::new();
        for row in read_rows::<TieRow>(ties, "ties.csv")? {
            roster_ties.push(RosterTie {
                from: index(&row.from)?,
                to: index(&row.to)?,
                weight: row.weight,
                symmetric: row.symmetric,
                since: row.since.parse()?,
            });
        }

        let mut roster_changes = Vec::new();
        for row in read_rows::<ChangeRow>(changes, "membership_changes.csv")? {
            let bloc_id = row.bloc.to_uppercase();
            let joins = match row.change.as_str() {
                "join" => true,
                "leave" => false,
                "suspend" | "reinstate" => continue,
                other => return Err(format!("membership_changes.csv: unknown change `{other}`")),
            };
            if PARTICIPATION_ONLY.contains(&(bloc_id.as_str(), row.iso3.as_str())) {
                continue;
            }
            let bloc = roster_blocs
                .iter()
                .position(|b| b.id == bloc_id)
                .ok_or(format!("membership_changes.csv: unknown bloc `{}`", row.bloc))?;
            roster_changes.push(Change { bloc, state: index(&row.iso3)?, date: row.date.parse()?, joins });
        }
        roster_changes.sort_by_key(|c| c.date);
        Ok(Roster {
            states: roster_states,
            blocs: roster_blocs,
            ties: roster_ties,
            changes: roster_changes,
            snapshot: SNAPSHOT.parse()?,
            calibration: Calibration::default(),
            source: "facts".to_string(),
        })
    }

    /// The date of the latest membership change the roster knows: the default scenario date.
    pub fn latest_date(&self) -> Date {
        self.changes.iter().map(|c| c.date).max().unwrap_or(self.snapshot).max(self.snapshot)
    }

    /// The date of the earliest membership change the roster knows: before
    /// it, membership is that of this date.
    pub fn earliest_date(&self) -> Date {
        self.changes.iter().map(|c| c.date).min().unwrap_or(self.snapshot).min(self.snapshot)
    }

    /// A warning when `date` lies outside the dates whose bloc membership
    /// the roster knows (its earliest to its latest change).
    pub fn date_warning(&self, date: Date) -> Option<String> {
        let (first, last) = (self.earliest_date(), self.latest_date());
        let unknown = if date < first {
            format!("changes before {first} are not known, so blocs are as they were just before it")
        } else if date > last {
            format!("changes after {last} are not known, so blocs are as on that date")
        } else {
            return None;
        };
        Some(format!("the date {date} is outside the roster's membership record ({first} to {last}): bloc {unknown}"))
    }

    /// Whether each state belongs to bloc `bloc` on `date`: the snapshot flags,
    /// with later changes undone and earlier-than-date changes after the snapshot applied.
    pub fn membership_at(&self, bloc: usize, date: Date) -> Vec<bool> {
        let mut member = self.blocs[bloc].snapshot.clone();
        let changes = self.changes.iter().filter(|c| c.bloc == bloc);
        if date < self.snapshot {
            for c in changes.rev().filter(|c| c.date > date && c.date <= self.snapshot) {
                member[c.state] = !c.joins;
            }
        } else {
            for c in changes.filter(|c| c.date > self.snapshot && c.date <= date) {
                member[c.state] = c.joins;
            }
        }
        member
    }

    /// The roster as simulated on `date`: states with their defaults, blocs
    /// with the membership in force, and the ties in force (signed on or
    /// before `date`) with symmetric ones expanded.
    pub fn resolve(&self, date: Date) -> (Vec<State>, Vec<Bloc>, Vec<Tie>) {
        let states = self
            .states
            .iter()
            .map(|s| State {
                iso3: s.iso3.clone(),
                name: s.name.clone(),
                group: s.group.clone(),
                position: s.position.clone(),
                capacity: s.capacity,
                attendance: s.attendance,
                abstain_band: None,
                band_factor: s.band_factor,
                conformity: None,
            })
            .collect();
        let blocs = self
            .blocs
            .iter()
            .enumerate()
            .map(|(b, bloc)| Bloc {
                id: bloc.id.clone(),
                name: bloc.name.clone(),
                cohesion: bloc.cohesion,
                leader: bloc.leader.as_ref().and_then(|l| self.states.iter().position(|s| &s.iso3 == l)),
                members: (self.membership_at(b, date).into_iter().enumerate())
                    .filter_map(|(i, member)| member.then_some(i))
                    .collect(),
            })
            .collect();
        let in_force = self.ties.iter().filter(|t| t.since <= date);
        let ties = expand_ties(in_force.map(|t| (t.from, t.to, t.weight, t.symmetric)));
        (states, blocs, ties)
    }
}

/// Directed ties from `(from, to, weight, symmetric)` entries: a symmetric
/// entry adds both directions; a later entry for the same pair replaces the earlier one.
pub fn expand_ties(entries: impl IntoIterator<Item = (usize, usize, f64, bool)>) -> Vec<Tie> {
    let mut ties: Vec<Tie> = Vec::new();
    let mut index: HashMap<(usize, usize), usize> = HashMap::new();
    let mut put = |from: usize, to: usize, weight: f64| match index.entry((from, to)) {
        Entry::Occupied(at) => ties[*at.get()].weight = weight,
        Entry::Vacant(at) => {
            at.insert(ties.len());
            ties.push(Tie { from, to, weight });
        }
    };
    for (from, to, weight, symmetric) in entries {
        put(from, to, weight);
        if symmetric {
            put(to, from, weight);
        }
    }
    ties
}

/// Capacity c_i = ITU ICT Development Index / 100; where the index is
/// missing, the mean capacity of the scored states of the same UN regional group.
fn capacities(table: &Table, group_col: usize, idi_col: usize) -> Result<Vec<f64>, String> {
    let mut groups: HashMap<&str, (f64, usize)> = HashMap::new();
    let mut scores = Vec::with_capacity(table.rows.len());
    for row in &table.rows {
        let score = match row[idi_col].trim() {
            "" => None,
            text => Some(text.parse::<f64>().map_err(|_| format!("states.csv: ict_idi_score `{text}`"))? / 100.0),
        };
        if let Some(c) = score {
            let entry = groups.entry(row[group_col].as_str()).or_default();
            entry.0 += c;
            entry.1 += 1;
        }
        scores.push(score);
    }
    let mut capacity = Vec::with_capacity(scores.len());
    for (row, score) in table.rows.iter().zip(scores) {
        capacity.push(match score {
            Some(c) => c,
            None => match groups.get(row[group_col].as_str()) {
                Some(&(sum, count)) => sum / count as f64,
                None => return Err(format!("states.csv: {} has no ICT index and its group no scored state", row[0])),
            },
        });
    }
    Ok(capacity)
}

struct Table {
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
}

fn read_table(text: &str, file: &str) -> Result<Table, String> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|e| format!("{file}: {e}"))?.iter().map(String::from).collect();
    let rows = reader
        .records()
        .map(|r| r.map(|r| r.iter().map(String::from).collect()).map_err(|e| format!("{file}: {e}")))
        .collect::<Result<_, _>>()?;
    Ok(Table { headers, rows })
}

fn read_rows<T: serde::de::DeserializeOwned>(text: &str, file: &str) -> Result<Vec<T>, String> {
    csv::Reader::from_reader(text.as_bytes())
        .deserialize()
        .collect::<Result<_, _>>()
        .map_err(|e| format!("{file}: {e}"))
}
