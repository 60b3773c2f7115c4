//! What `ungasim check` prints: the resolved scenario as JSON (`--resolved`)
//! and as a short human summary.
//!
//! States are named by ISO3 code and proposals by id (not by index), and
//! every optional value is resolved (a state's `abstain_band` and
//! `conformity` fall back to `[model]`), so the output shows exactly what
//! the engine will simulate.

use crate::model::{Dist, Scenario};
use serde::Serialize;
use serde_json::{Value, json};

/// The fully resolved scenario, as `ungasim check --resolved` prints it.
///
/// Top-level keys: `scenario` (name, description, date, seed, runs, roster),
/// `dimensions`, `model`, `states` (every field, resolved), `blocs` (those
/// with at least one member at the date; leader and members as ISO3),
/// `ties` (directed, symmetric ones expanded), `proposals` (`like` ids and `drawn_each_run` for a series; sponsors as
/// ISO3), `uncertain` (param, dist and its parameters) and `force` (state
/// ISO3, proposal id, vote).
pub fn resolved_json(scenario: &Scenario) -> Value {
    let iso3 = |i: usize| scenario.states[i].iso3.as_str();
    let states: Vec<Value> = scenario
        .states
        .iter()
        .map(|s| {
            json!({
                "iso3": s.iso3,
                "name": s.name,
                "group": s.group,
                "position": s.position,
                "capacity": s.capacity,
                "attendance": s.attendance,
                "abstain_band": s.abstain_band(&scenario.model),
                "conformity": s.conformity(&scenario.model),
            })
        })
        .collect();
    let blocs: Vec<Value> = scenario
        .blocs
        .iter()
        .filter(|b| !b.members.is_empty())
        .map(|b| {
            json!({
                "id": b.id,
                "name": b.name,
                "cohesion": b.cohesion,
                "leader": b.leader.map(iso3),
                "members": b.members.iter().map(|&i| iso3(i)).collect::<Vec<_>>(),
            })
        })
        .collect();
    let ties: Vec<Value> =
        scenario.ties.iter().map(|t| json!({"from": iso3(t.from), "to": iso3(t.to), "weight": t.weight})).collect();
    let proposals: Vec<Value> = scenario
        .proposals
        .iter()
        .map(|p| {
            json!({
                "id": p.id,
                "title": p.title,
                "sponsors": p.sponsors.iter().map(|&i| iso3(i)).collect::<Vec<_>>(),
                "position": p.position,
                "status_quo": p.status_quo,
                "salience": p.salience,
                "capacity_building": p.capacity_building,
                "majority": p.majority,
                "consensus": p.consensus,
                "like": p.like,
                "drawn_each_run": p.draw.is_some(),
            })
        })
        .collect();
    let force: Vec<Value> = scenario
        .force
        .iter()
        .map(|f| json!({"state": iso3(f.state), "proposal": scenario.proposals[f.proposal].id, "vote": f.vote}))
        .collect();
    json!({
        "scenario": {
            "name": scenario.name,
            "description": scenario.description,
            "date": scenario.date,
            "seed": scenario.seed,
            "runs": scenario.runs,
            "roster": scenario.roster,
        },
        "dimensions": scenario.dimensions,
        "model": scenario.model,
        "states": states,
        "blocs": blocs,
        "ties": ties,
        "proposals": proposals,
        "uncertain": scenario.uncertain,
        "force": force,
    })
}

/// What `ungasim check --resolved` prints for `scenario`, built from the
/// file's `text` (named `file` in errors): [`resolved_json`], with a
/// `sweep` key when the file has a `[sweep]` table. Every batch writes it
/// as `scenario.json`.
pub fn resolved_document(scenario: &Scenario, text: &str, file: &str) -> Result<Value, super::ScenarioError> {
    let mut json = resolved_json(scenario);
    if let Some(sweep) = super::sweep_of(text, file)? {
        json["sweep"] = sweep.to_json();
    }
    Ok(json)
}

/// A short human summary of what the scenario simulates, for `ungasim check`.
pub fn describe(scenario: &Scenario) -> String {
    let iso3 = |i: usize| scenario.states[i].iso3.as_str();
    let list = |items: &mut dyn Iterator<Item = &str>| items.collect::<Vec<_>>().join(", ");
    let m = &scenario.model;
    let mut out = String::new();
    let mut line = |text: String| {
        out.push_str(&text);
        out.push('\n');
    };
    line(format!("scenario    {}", scenario.name));
    if !scenario.description.is_empty() {
        line(format!("            {}", scenario.description));
    }
    line(format!("date        {} (bloc membership in force)", scenario.date));
    line(format!("seed        {}", scenario.seed));
    line(format!("runs        {}", scenario.runs));
    line(format!("roster      {}", scenario.roster));
    line(format!("dimensions  {} ({})", scenario.dimensions.len(), scenario.dimensions.join(", ")));
    line(format!(
        "model       noise {}({}), position_jitter {}, abstain_band {}, rounds {}, conformity {}, \
         capacity_weight {}, tie_weight {}, attendance_scale {}",
        word(m.noise),
        m.noise_scale,
        m.position_jitter,
        m.abstain_band,
        m.rounds,
        m.conformity,
        m.capacity_weight,
        m.tie_weight,
        m.attendance_scale
    ));
    line(format!("states      {}", scenario.states.len()));
    let blocs: Vec<String> = scenario
        .blocs
        .iter()
        .filter(|b| !b.members.is_empty())
        .map(|b| match b.leader {
            Some(l) => format!("{} {} (led by {})", b.id, b.members.len(), iso3(l)),
            None => format!("{} {}", b.id, b.members.len()),
        })
        .collect();
    line(format!("blocs       {} in force: {}", blocs.len(), blocs.join(", ")));
    line(format!("ties        {} directed", scenario.ties.len()));
    line(format!("proposals   {}", scenario.proposals.len()));
    for p in &scenario.proposals {
        let sponsors = if p.sponsors.is_empty() {
            "no sponsors".to_string()
        } else {
            format!("sponsors {}", list(&mut p.sponsors.iter().map(|&i| iso3(i))))
        };
        let consensus = if p.consensus { ", may pass by consensus" } else { "" };
        let like = match (p.like.as_slice(), &p.draw) {
            ([], _) => String::new(),
            (ids, Some(_)) => format!("; like the series {} (text drawn each run)", ids.join(", ")),
            (ids, None) => format!("; like {}", ids.join(", ")),
        };
        line(format!("  {}: {} majority{consensus}; {sponsors}{like}", p.id, word(p.majority)));
    }
    if !scenario.uncertain.is_empty() {
        line(format!(
            "uncertain   {} (drawn once per run; a draw replaces the file's value)",
            scenario.uncertain.len()
        ));
        for u in &scenario.uncertain {
            line(format!("  {} ~ {}", u.param, dist_text(&u.dist)));
        }
    }
    if !scenario.force.is_empty() {
        line(format!("force       {}", scenario.force.len()));
        for f in &scenario.force {
            line(format!("  {} votes {} on {}", iso3(f.state), f.vote.name(), scenario.proposals[f.proposal].id));
        }
    }
    out
}

/// `beta(18, 2)`, `uniform(0.5, 1)`, ...
fn dist_text(dist: &Dist) -> String {
    match *dist {
        Dist::Beta { a, b } => format!("beta({a}, {b})"),
        Dist::Uniform { low, high } => format!("uniform({low}, {high})"),
        Dist::Normal { mean, sd } => format!("normal({mean}, {sd})"),
        Dist::Triangular { low, mode, high } => format!("triangular({low}, {mode}, {high})"),
    }
}

/// The name a unit enum variant has in scenario files (`logistic`, `two_thirds`).
fn word(value: impl Serialize) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default()
}
