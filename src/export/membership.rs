//! `membership.csv`: which states are in which bloc, as the batch
//! simulated them (at the scenario's date, after its bloc changes), so
//! that a notebook can join `blocs.csv` and `states.csv` without the roster.

use crate::model::Scenario;
use serde::Serialize;

/// The header row: [`Row`]'s fields.
pub const HEADER: [&str; 3] = ["bloc", "iso3", "name"];

/// One membership.
#[derive(Serialize)]
pub struct Row<'a> {
    bloc: &'a str,
    iso3: &'a str,
    /// The bloc's name.
    name: &'a str,
}

/// One row per member of each bloc: blocs in scenario order, members in roster order.
pub fn rows(scenario: &Scenario) -> impl Iterator<Item = Row<'_>> {
    scenario.blocs.iter().flat_map(move |bloc| {
        bloc.members.iter().map(move |&i| Row { bloc: &bloc.id, iso3: &scenario.states[i].iso3, name: &bloc.name })
    })
}
