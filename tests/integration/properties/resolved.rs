//! The resolved scenario (`check --resolved`) written back as a scenario
//! file, for the round trip "resolve, write, resolve again: the same JSON".
//!
//! The resolved JSON is not itself a scenario file, so the tests write one:
//! every state, bloc (in force), tie, proposal, `[[uncertain]]` and
//! `[[force]]` entry of the JSON as an explicit override of the embedded
//! roster. A resolved value that the file cannot say back, or that the
//! parser reads differently, breaks the round trip.

use serde_json::Value as Json;
use toml::{Table, Value};

/// A JSON value as TOML (`null` has no TOML form: `None`).
fn toml_of(json: &Json) -> Option<Value> {
    Some(match json {
        Json::Null => return None,
        Json::Bool(b) => Value::Boolean(*b),
        Json::Number(n) => match n.as_i64() {
            Some(i) if !n.is_f64() => Value::Integer(i),
            _ => Value::Float(n.as_f64().expect("a JSON number")),
        },
        Json::String(s) => Value::String(s.clone()),
        Json::Array(items) => Value::Array(items.iter().filter_map(toml_of).collect()),
        Json::Object(map) => Value::Table(table(map.iter().map(|(k, v)| (k.as_str(), v)))),
    })
}

/// The non-null `fields` as a TOML table.
fn table<'a>(fields: impl IntoIterator<Item = (&'a str, &'a Json)>) -> Table {
    fields.into_iter().filter_map(|(k, v)| toml_of(v).map(|v| (k.to_string(), v))).collect()
}

/// `object`'s `keys` (those present) as a TOML table.
fn pick(object: &Json, keys: &[&str]) -> Table {
    table(keys.iter().filter_map(|&k| object.get(k).map(|v| (k, v))))
}

/// A scenario file that resolves, on the embedded roster, to `resolved`.
pub fn scenario_file(resolved: &Json) -> String {
    let mut file = Table::new();
    let meta = pick(&resolved["scenario"], &["name", "description", "date", "seed", "runs"]);
    assert_eq!(resolved["scenario"]["roster"], "embedded", "only the embedded roster is written back");
    file.insert("scenario".into(), Value::Table(meta));
    file.insert("model".into(), toml_of(&resolved["model"]).expect("a [model] table"));

    let keyed = |section: &str, key: &str, keys: &[&str]| -> Table {
        let items = resolved[section].as_array().expect("a JSON array");
        items
            .iter()
            .map(|item| (item[key].as_str().expect("an id").to_string(), Value::Table(pick(item, keys))))
            .collect()
    };
    let state_fields = ["position", "capacity", "attendance", "abstain_band", "conformity"];
    file.insert("states".into(), Value::Table(keyed("states", "iso3", &state_fields)));
    let mut blocs = keyed("blocs", "id", &["name", "cohesion", "members"]);
    for bloc in resolved["blocs"].as_array().expect("blocs") {
        let leader = bloc["leader"].as_str().unwrap_or_default().to_string();
        let id = bloc["id"].as_str().expect("an id");
        blocs[id].as_table_mut().expect("a table").insert("leader".into(), Value::String(leader));
    }
    file.insert("blocs".into(), Value::Table(blocs));

    let proposals = resolved["proposals"].as_array().expect("proposals").iter().map(|p| {
        let mut proposal = pick(p, &["id", "title", "sponsors", "capacity_building", "majority", "consensus"]);
        let like = p["like"].as_array().expect("like ids");
        let geometry = pick(p, &["position", "status_quo", "salience"]);
        match like.as_slice() {
            [] => proposal.extend(geometry),
            [one] => {
                proposal.insert("like".into(), toml_of(one).expect("an id"));
                proposal.extend(geometry);
            }
            series => {
                proposal.insert("like".into(), Value::Array(series.iter().filter_map(toml_of).collect()));
            }
        }
        Value::Table(proposal)
    });
    file.insert("proposals".into(), Value::Array(proposals.collect()));
    for section in ["ties", "uncertain", "force"] {
        file.insert(section.into(), toml_of(&resolved[section]).expect("an array"));
    }
    toml::to_string(&file).expect("a TOML document")
}
