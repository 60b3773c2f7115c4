//! Scenario files and `--set` overrides. Valid TOML trees over the real
//! keys (values in range, numeric edges such as -0.0, subnormals and
//! +-f64::MAX included), the same trees with one or two mistakes (a value
//! replaced by anything: another type, NaN, infinities, i64 edges, deep
//! nesting, a huge array; a key removed or added), arbitrary text, and
//! arbitrary or valid `--set PATH=VALUE`s.
//!
//! A refusal is one line starting with the file (or `--set ...`) and
//! naming a line or a field. An accepted scenario resolves to JSON without
//! a non-finite number (JSON writes those as `null`), resolves again to the
//! same JSON, and, written back as a scenario file (`resolved.rs`),
//! resolves once more to the same JSON.

use super::resolved::scenario_file;
use super::{assert_one_line, config, edge_float, edge_integer, tricky_text};
use proptest::prelude::*;
use serde_json::Value as Json;
use toml::{Table, Value};
use ungasim::scenario::{self, ScenarioError};

/// The name the generated scenarios are parsed under.
const FILE: &str = "generated.toml";

/// A valid base for the `--set` properties: two proposals, an uncertain
/// cohesion, a forced vote.
const BASE: &str = r#"
[scenario]
name = "base"
date = "2018-12-05"
runs = 100

[[proposals]]
id = "A/RES/73/27"
sponsors = ["RUS", "CHN"]
position = [0.9, 0.4]

[[proposals]]
id = "P.2"
like = "A/RES/73/266"

[[uncertain]]
param = "blocs.EU.cohesion"
dist = "beta"
a = 8
b = 2

[[force]]
state = "HUN"
proposal = "P.2"
vote = "abstain"
"#;

fn pool(words: &[&'static str]) -> impl Strategy<Value = String> + use<> {
    prop::sample::select(words.to_vec()).prop_map(String::from)
}

fn iso3() -> impl Strategy<Value = String> {
    prop_oneof![
        15 => pool(&["DEU", "FRA", "USA", "RUS", "CHN", "IND", "BRA", "HUN", "ITA", "SWE", "FIN", "TUR", "JPN", "AUS"]),
        1 => pool(&["", "deu", "DUE", "ZZZ", "Germany", "NA", "Ä"]),
        1 => tricky_text(),
    ]
}

fn proposal_id() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => pool(&["A/RES/73/27", "A/RES/73/266", "P.2", "new"]),
        1 => tricky_text(),
    ]
}

fn param_path() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => pool(&[
            "model.noise", "model.noise_scale", "model.position_jitter", "model.abstain_band", "model.rounds",
            "model.conformity", "model.capacity_weight", "model.tie_weight", "model.attendance_scale",
            "blocs.EU.cohesion", "blocs.EU.leader", "blocs.EU.add", "blocs.NATO.remove", "blocs.QUAD.cohesion",
            "states.IND.position", "states.IND.position.sovereignty", "states.IND.position.1",
            "states.IND.position.9", "states.DEU.attendance", "states.HUN.conformity", "states.USA.abstain_band",
            "states.RUS.capacity", "proposals.A/RES/73/27.salience", "proposals.A/RES/73/27.position",
            "proposals.A/RES/73/27.position.development", "proposals.A/RES/73/27.sponsors",
            "proposals.P.2.majority", "proposals.P.2.consensus", "proposals.P.2.status_quo.0",
            "proposals.P.2.capacity_building", "scenario.date", "scenario.runs", "scenario.seed", "scenario.name",
            "scenario.description",
        ]),
        1 => pool(&["", "scenario", "model", "model.", "blocs..cohesion", "states.Ä.capacity", "proposals..salience"]),
        1 => tricky_text(),
    ]
}

/// A number, a string, a boolean, a date or an arbitrary scalar.
fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        4 => edge_float().prop_map(Value::Float),
        3 => edge_integer().prop_map(Value::Integer),
        2 => tricky_text().prop_map(Value::String),
        1 => any::<bool>().prop_map(Value::Boolean),
        1 => pool(&["2018-12-05", "1979-05-27T07:32:00Z", "07:32:00", "2020-02-29T00:00:00"])
            .prop_map(|d| Value::Datetime(d.parse().expect("a TOML datetime"))),
    ]
}

/// Anything: scalars, arrays (some huge), tables with random keys, and
/// nesting deeper than TOML parsers allow.
fn junk() -> impl Strategy<Value = Value> {
    let tree = scalar().prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(tricky_text(), inner, 0..4).prop_map(|m| Value::Table(m.into_iter().collect())),
        ]
    });
    prop_oneof![
        8 => tree,
        1 => prop::collection::vec(edge_float().prop_map(Value::Float), 500..3000).prop_map(Value::Array),
        1 => (1..120usize, scalar()).prop_map(|(depth, leaf)| deep(depth, leaf)),
    ]
}

/// `leaf` inside `depth` alternating arrays and tables.
fn deep(depth: usize, leaf: Value) -> Value {
    (0..depth).fold(leaf, |inner, k| {
        if k % 2 == 0 {
            Value::Array(vec![inner])
        } else {
            Value::Table([("k".to_string(), inner)].into_iter().collect())
        }
    })
}

/// A number in `[0, 1]`, or one of its edges: signed zero, a subnormal, the
/// smallest normal number, 1.
fn unit() -> BoxedStrategy<Value> {
    prop_oneof![
        6 => 0.0..=1.0f64,
        1 => prop::sample::select(vec![0.0, -0.0, 5e-324, f64::MIN_POSITIVE, f64::EPSILON, 1.0, 0.1 + 0.2]),
    ]
    .prop_map(Value::Float)
    .boxed()
}

/// A position: two finite coordinates, some at the edges of `f64`.
fn position() -> BoxedStrategy<Value> {
    let coordinate = prop_oneof![
        6 => -1.5..1.5f64,
        1 => prop::sample::select(vec![-0.0, 5e-324, 1e308, -1e308, f64::MAX, f64::MIN, 1e-300]),
    ];
    prop::collection::vec(coordinate.prop_map(Value::Float), 2).prop_map(Value::Array).boxed()
}

/// Distinct ISO3 codes.
fn codes(max: usize) -> BoxedStrategy<Value> {
    let states = ["DEU", "FRA", "USA", "RUS", "CHN", "IND", "BRA", "HUN", "ITA", "JPN", "AUS", "NOR", "ISL", "CHE"];
    prop::sample::subsequence(states.to_vec(), 0..=max)
        .prop_map(|codes| Value::Array(codes.into_iter().map(|c| Value::String(c.into())).collect()))
        .boxed()
}

fn string(words: &[&'static str]) -> BoxedStrategy<Value> {
    pool(words).prop_map(Value::String).boxed()
}

/// A table with some of the `optional` fields and every `required` one.
fn table_of(
    required: Vec<(&'static str, BoxedStrategy<Value>)>,
    optional: Vec<(&'static str, BoxedStrategy<Value>)>,
) -> BoxedStrategy<Value> {
    let optional: Vec<_> = optional
        .into_iter()
        .map(|(key, value)| prop::option::of(value.prop_map(move |v| (key.to_string(), v))))
        .collect();
    let required: Vec<_> =
        required.into_iter().map(|(key, value)| value.prop_map(move |v| (key.to_string(), v))).collect();
    (required, optional)
        .prop_map(|(required, optional)| {
            Value::Table(required.into_iter().chain(optional.into_iter().flatten()).collect())
        })
        .boxed()
}

fn meta() -> BoxedStrategy<Value> {
    let date = prop_oneof![
        string(&["2018-12-05", "2015-01-01", "2024-06-30", "2020-02-29"]),
        Just(Value::Datetime("2019-12-18".parse().expect("a date"))),
    ];
    let seed = prop_oneof![Just(0), Just(i64::MAX), 0..=i64::MAX].prop_map(Value::Integer);
    table_of(
        vec![(
            "name",
            prop_oneof![
                string(&["a scenario", "名前", "x"]),
                "\\PC{1,20}".prop_map(|s| Value::String(format!("n{s}")))
            ]
            .boxed(),
        )],
        vec![
            ("description", tricky_text().prop_map(Value::String).boxed()),
            ("date", date.boxed()),
            ("seed", seed.boxed()),
            ("runs", (1..500i64).prop_map(Value::Integer).boxed()),
        ],
    )
}

fn model() -> BoxedStrategy<Value> {
    let mut fields =
        vec![("noise", string(&["logistic", "normal"])), ("rounds", (0..20i64).prop_map(Value::Integer).boxed())];
    for name in [
        "noise_scale",
        "position_jitter",
        "abstain_band",
        "conformity",
        "capacity_weight",
        "tie_weight",
        "attendance_scale",
    ] {
        fields.push((name, unit()));
    }
    table_of(vec![], fields)
}

/// One proposal: a position, or a recorded text `like` (one, or a series).
fn proposal(id: &'static str) -> BoxedStrategy<Value> {
    let texts = vec!["A/RES/73/27", "A/RES/74/29", "A/RES/75/240", "A/RES/73/266", "A/RES/74/247"];
    let series = prop::sample::subsequence(texts.clone(), 2..=3)
        .prop_map(|ids| Value::Array(ids.into_iter().map(|i| Value::String(i.into())).collect()));
    let optional = vec![
        ("title", tricky_text().prop_map(Value::String).boxed()),
        ("sponsors", codes(4)),
        ("capacity_building", unit()),
        ("majority", string(&["simple", "two_thirds"])),
        ("consensus", any::<bool>().prop_map(Value::Boolean).boxed()),
    ];
    let geometry = vec![("status_quo", position()), ("salience", prop_oneof![unit(), Just(Value::Float(2.5))].boxed())];
    let with = |mut table: Value, key: &str, value: Value| {
        table.as_table_mut().expect("a table").insert(key.to_string(), value);
        table
    };
    prop_oneof![
        (table_of(vec![("position", position())], [optional.clone(), geometry.clone()].concat()))
            .prop_map(move |t| with(t, "id", Value::String(id.into()))),
        (table_of(vec![], [optional.clone(), geometry].concat()), prop::sample::select(texts)).prop_map(
            move |(t, like)| with(with(t, "id", Value::String(id.into())), "like", Value::String(like.into()))
        ),
        (table_of(vec![], optional), series).prop_map(move |(t, like)| with(
            with(t, "id", Value::String(id.into())),
            "like",
            like
        )),
    ]
    .boxed()
}

/// An `[[uncertain]]` entry whose distribution fits its parameter.
fn uncertain() -> BoxedStrategy<Value> {
    let entry = |param: &'static str, dist: &'static str, numbers: Vec<(&'static str, f64)>| {
        let mut table = Table::new();
        table.insert("param".into(), Value::String(param.into()));
        table.insert("dist".into(), Value::String(dist.into()));
        table.extend(numbers.into_iter().map(|(k, x)| (k.to_string(), Value::Float(x))));
        Value::Table(table)
    };
    prop_oneof![
        (0.1..20.0f64, 0.1..20.0f64).prop_map(move |(a, b)| entry(
            "model.conformity",
            "beta",
            vec![("a", a), ("b", b)]
        )),
        (0.0..0.5f64, 0.5..1.0f64).prop_map(move |(l, h)| entry(
            "blocs.EU.cohesion",
            "uniform",
            vec![("low", l), ("high", h)]
        )),
        (-1.0..1.0f64, 1e-3..1.0f64).prop_map(move |(m, sd)| entry(
            "states.IND.position.sovereignty",
            "normal",
            vec![("mean", m), ("sd", sd)]
        )),
        (0.1..1.0f64, 0.0..1.0f64).prop_map(move |(l, u)| {
            entry("model.noise_scale", "triangular", vec![("low", l), ("mode", l + u), ("high", l + 1.0)])
        }),
    ]
    .boxed()
}

fn sweep() -> BoxedStrategy<Value> {
    let table = |key: &'static str, value: Value| Value::Table([(key.to_string(), value)].into_iter().collect());
    prop_oneof![
        unit().prop_map(move |x| table("vary", table("model.conformity", Value::Array(vec![x, Value::Float(0.5)])))),
        Just(table("zip", table("model.noise", Value::String("logistic,normal".into())))),
        (1..50i64).prop_map(move |n| {
            let mut sweep = table("ranges", table("blocs.EU.cohesion", Value::String("0.2:0.9".into())));
            sweep.as_table_mut().expect("a table").insert("samples".into(), Value::Integer(n));
            sweep
        }),
    ]
    .boxed()
}

/// A valid scenario file as a TOML tree: every table, with values in their
/// ranges (numeric edges included).
fn valid_tree() -> impl Strategy<Value = Value> {
    let bloc = table_of(vec![], vec![("name", tricky_text().prop_map(Value::String).boxed()), ("cohesion", unit())]);
    let quad = table_of(
        vec![(
            "members",
            codes(4).prop_filter("a new bloc has members", |m| m.as_array().is_some_and(|a| !a.is_empty())).boxed(),
        )],
        vec![("cohesion", unit())],
    );
    let state = table_of(
        vec![],
        vec![
            ("position", position()),
            ("capacity", unit()),
            ("attendance", unit()),
            ("abstain_band", unit()),
            ("conformity", unit()),
        ],
    );
    let tie = table_of(
        vec![
            ("from", string(&["USA", "RUS"])),
            ("to", prop_oneof![string(&["GBR", "BLR"]), codes(3)].boxed()),
            ("weight", unit()),
        ],
        vec![("symmetric", any::<bool>().prop_map(Value::Boolean).boxed())],
    );
    let force = table_of(
        vec![
            ("state", string(&["HUN", "ITA", "IND"])),
            ("proposal", Just(Value::String("A/RES/73/27".into())).boxed()),
            ("vote", string(&["yes", "no", "abstain", "absent"])),
        ],
        vec![],
    );
    let proposals = prop::sample::subsequence(vec!["A/RES/73/27", "P.2", "new text", "Ä/1"], 1..=3)
        .prop_flat_map(|ids| {
            // The first proposal is always A/RES/73/27, which [[force]] names.
            let ids = [&["A/RES/73/27"][..], &ids[..]].concat();
            let mut unique = ids.clone();
            unique.dedup();
            unique.into_iter().map(proposal).collect::<Vec<_>>()
        })
        .prop_map(Value::Array);
    let keyed = |keys: Vec<&'static str>, item: BoxedStrategy<Value>| {
        prop::collection::btree_map(prop::sample::select(keys).prop_map(String::from), item, 0..3)
            .prop_map(|m| Value::Table(m.into_iter().collect()))
    };
    let sections = (
        prop::option::of(model()),
        prop::option::of(keyed(vec!["EU", "NATO", "SCO"], bloc)),
        prop::option::of(quad),
        prop::option::of(keyed(vec!["DEU", "IND", "USA", "RUS", "BRA"], state)),
        prop::option::of(prop::collection::vec(tie, 1..3).prop_map(Value::Array)),
        prop::option::of(prop::collection::vec(uncertain(), 1..3).prop_map(Value::Array)),
        prop::option::of(prop::collection::vec(force, 1..2).prop_map(Value::Array)),
        prop::option::weighted(0.2, sweep()),
    );
    (meta(), proposals, sections).prop_map(
        |(meta, proposals, (model, blocs, quad, states, ties, uncertain, force, sweep))| {
            let mut file = Table::new();
            file.insert("scenario".into(), meta);
            file.insert("proposals".into(), proposals);
            let mut blocs = blocs.unwrap_or_else(|| Value::Table(Table::new()));
            if let Some(quad) = quad {
                blocs.as_table_mut().expect("a table").insert("QUAD".into(), quad);
            }
            let sections = [("model", model), ("blocs", Some(blocs)), ("states", states), ("ties", ties)];
            let more = [("uncertain", uncertain), ("force", force), ("sweep", sweep)];
            file.extend(sections.into_iter().chain(more).filter_map(|(k, v)| v.map(|v| (k.to_string(), v))));
            Value::Table(file)
        },
    )
}

/// One mistake put into a tree: a value replaced by anything, a key
/// removed, or a key added.
#[derive(Debug, Clone)]
enum Mistake {
    Replace(prop::sample::Index, Value),
    Remove(prop::sample::Index),
    Add(prop::sample::Index, String, Value),
}

fn mistake() -> impl Strategy<Value = Mistake> {
    let index = any::<prop::sample::Index>;
    let key = prop_oneof![4 => param_path().prop_map(|p| p.rsplit('.').next().unwrap_or_default().to_string()), 1 => tricky_text()];
    prop_oneof![
        4 => (index(), junk()).prop_map(|(i, v)| Mistake::Replace(i, v)),
        2 => (index(), prop_oneof![scalar(), iso3().prop_map(Value::String), proposal_id().prop_map(Value::String)]).prop_map(|(i, v)| Mistake::Replace(i, v)),
        1 => index().prop_map(Mistake::Remove),
        1 => (index(), key, junk()).prop_map(|(i, k, v)| Mistake::Add(i, k, v)),
    ]
}

/// The number of values in `value` (itself included; only tables if `tables`).
fn count(value: &Value, tables: bool) -> usize {
    let own = usize::from(!tables || value.is_table());
    own + match value {
        Value::Table(t) => t.values().map(|v| count(v, tables)).sum(),
        Value::Array(a) => a.iter().map(|v| count(v, tables)).sum(),
        _ => 0,
    }
}

/// Calls `f` on the `k`-th value of `value` (depth first, itself first;
/// only tables if `tables`); whether it was found.
fn visit(value: &mut Value, k: &mut usize, tables: bool, f: &mut dyn FnMut(&mut Value)) -> bool {
    if !tables || value.is_table() {
        if *k == 0 {
            f(value);
            return true;
        }
        *k -= 1;
    }
    match value {
        Value::Table(t) => t.iter_mut().any(|(_, v)| visit(v, k, tables, f)),
        Value::Array(a) => a.iter_mut().any(|v| visit(v, k, tables, f)),
        _ => false,
    }
}

/// `tree` with `mistake` in it.
fn with_mistake(mut tree: Value, mistake: &Mistake) -> Value {
    match mistake {
        Mistake::Replace(i, junk) => {
            // Any value but the document itself.
            let n = count(&tree, false);
            let mut k = if n > 1 { 1 + i.index(n - 1) } else { 0 };
            visit(&mut tree, &mut k, false, &mut |v| *v = junk.clone());
        }
        Mistake::Remove(i) => {
            let mut k = i.index(count(&tree, true));
            visit(&mut tree, &mut k, true, &mut |v| {
                let table = v.as_table_mut().expect("a table");
                if let Some(key) = table.keys().nth(i.index(table.len().max(1))).cloned() {
                    table.remove(&key);
                }
            });
        }
        Mistake::Add(i, key, junk) => {
            let mut k = i.index(count(&tree, true));
            visit(&mut tree, &mut k, true, &mut |v| {
                v.as_table_mut().expect("a table").insert(key.clone(), junk.clone());
            });
        }
    }
    tree
}

/// A `--set PATH=VALUE`: a path, a value, or anything at all.
fn override_text() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => (param_path(), tricky_text()).prop_map(|(p, v)| format!("{p}={v}")),
        2 => (param_path(), edge_float()).prop_map(|(p, x)| format!("{p}={x}")),
        1 => (param_path(), edge_float(), edge_float()).prop_map(|(p, x, y)| format!("{p}=[{x},{y}]")),
        1 => tricky_text(),
    ]
}

/// A `--set PATH=VALUE` that the base scenario takes: a value in the path's
/// range (numeric edges included), written as a user would.
fn valid_override() -> impl Strategy<Value = String> {
    let real = prop::sample::select(vec![
        "model.noise_scale",
        "model.position_jitter",
        "model.abstain_band",
        "model.conformity",
        "model.capacity_weight",
        "model.tie_weight",
        "model.attendance_scale",
        "blocs.NATO.cohesion",
        "states.DEU.attendance",
        "states.HUN.conformity",
        "states.USA.abstain_band",
        "states.RUS.capacity",
        "proposals.A/RES/73/27.salience",
        "proposals.P.2.capacity_building",
    ]);
    let unit = prop_oneof![
        3 => (0.0..=1.0f64).prop_map(|x| x.to_string()),
        1 => pool(&["1", "1.0", "0.5", "5e-324", "2.2250738585072014e-308", "1e-300", "+0.25"]),
    ];
    let coordinate =
        prop_oneof![3 => -1.5..1.5f64, 1 => prop::sample::select(vec![-0.0, 1e308, -1e308, f64::MAX, 5e-324])];
    let vector = prop::sample::select(vec![
        "states.IND.position",
        "proposals.A/RES/73/27.position",
        "proposals.A/RES/73/27.status_quo",
    ]);
    let coordinate_path = prop::sample::select(vec![
        "states.IND.position.sovereignty",
        "states.IND.position.1",
        "proposals.A/RES/73/27.position.development",
    ]);
    prop_oneof![
        4 => (real, unit).prop_map(|(p, v)| format!("{p}={v}")),
        2 => (vector, coordinate.clone(), coordinate.clone()).prop_map(|(p, x, y)| format!("{p}=[{x:?}, {y:?}]")),
        2 => (coordinate_path, coordinate).prop_map(|(p, x)| format!("{p}={x:?}")),
        3 => pool(&[
            "model.noise=normal", "model.noise=\"logistic\"", "model.rounds=0", "model.rounds=10000",
            "proposals.A/RES/73/27.majority=two_thirds", "proposals.P.2.consensus=true",
            "proposals.A/RES/73/27.sponsors=[RUS,CHN,IND]", "proposals.A/RES/73/27.sponsors=BRA",
            "proposals.A/RES/73/27.sponsors=[]", "blocs.EU.add=[NOR,ISL]", "blocs.NATO.remove=TUR",
            "blocs.EU.leader=DEU", "blocs.EU.leader=", "scenario.date=2019-12-18", "scenario.date=\"2015-01-01\"",
            "scenario.runs=1", "scenario.seed=9223372036854775807", "scenario.name=名前", "scenario.description=",
            " model.conformity = 0.3 ",
        ]),
    ]
}

/// Asserts what every scenario error must be: one line, starting with the
/// file (or the `--set`), naming a line or a field.
fn check_error(error: &ScenarioError, text: &str) {
    let message = error.to_string();
    assert_one_line(&message, text);
    if error.file.starts_with("--set ") {
        assert!(message.starts_with("--set "), "{message}");
    } else {
        assert_eq!(error.file, FILE, "{message}");
        assert!(error.line > 0 || !error.field.is_empty(), "neither a line nor a field: {message}\n{text}");
    }
}

/// Every place where the resolved JSON holds `null` (a non-finite number, or
/// a bloc without a leader).
fn nulls(json: &Json, path: &str, found: &mut Vec<String>) {
    match json {
        Json::Null => found.push(path.to_string()),
        Json::Array(items) => items.iter().enumerate().for_each(|(i, v)| nulls(v, &format!("{path}[{i}]"), found)),
        Json::Object(map) => map.iter().for_each(|(k, v)| nulls(v, &format!("{path}.{k}"), found)),
        _ => {}
    }
}

/// Parses `text` with `overrides` and checks the property; the resolved
/// JSON of an accepted scenario.
fn check_scenario(text: &str, overrides: &[String]) -> Option<Json> {
    let resolved = match scenario::parse(text, FILE, overrides) {
        Err(error) => {
            check_error(&error, text);
            return None;
        }
        Ok(s) => {
            scenario::describe(&s);
            scenario::resolved_json(&s)
        }
    };
    let mut found = Vec::new();
    nulls(&resolved, "", &mut found);
    found.retain(|path| !(path.starts_with(".blocs[") && path.ends_with(".leader")));
    assert!(found.is_empty(), "null (a non-finite number?) at {found:?}\n{text}\n{overrides:?}");
    let again = scenario::resolved_json(&scenario::parse(text, FILE, overrides).expect("parsed before"));
    assert_eq!(resolved, again, "resolving twice differs");
    let written = scenario_file(&resolved);
    let back = scenario::parse(&written, "written.toml", &[]).unwrap_or_else(|e| panic!("{e}\n{written}"));
    assert_eq!(scenario::resolved_json(&back), resolved, "written back, it resolves differently:\n{written}");
    Some(resolved)
}

proptest! {
    #![proptest_config(config(1024))]

    #[test]
    fn valid_scenario_trees_round_trip(tree in valid_tree()) {
        let text = toml::to_string(&tree).expect("a TOML document");
        check_scenario(&text, &[]);
    }

    #[test]
    fn scenario_trees_with_mistakes_are_refused_in_one_line_or_round_trip(
        tree in valid_tree(),
        mistakes in prop::collection::vec(mistake(), 1..3),
        set in prop::option::weighted(0.2, override_text()),
    ) {
        let tree = mistakes.iter().fold(tree, with_mistake);
        // Some trees (a date among numbers, a key on a non-table) have no TOML text.
        if let Ok(text) = toml::to_string(&tree) {
            check_scenario(&text, &Vec::from_iter(set));
        }
    }

    #[test]
    fn arbitrary_text_is_refused_in_one_line(text in prop_oneof!["\\PC{0,200}", any::<String>(), "[a-z\\[\\]=\".\\n 0-9]{0,80}"]) {
        check_scenario(&text, &[]);
    }

    #[test]
    fn set_overrides_are_refused_in_one_line_or_take_effect(
        sets in prop::collection::vec(prop_oneof![4 => valid_override(), 1 => override_text()], 1..4),
    ) {
        let Some(resolved) = check_scenario(BASE, &sets) else { return Ok(()) };
        // The last `--set` of a [model] number is what the model holds.
        let last = sets.last().expect("one --set");
        if let Some((field, value)) = last.split_once('=').and_then(|(p, v)| Some((p.trim().strip_prefix("model.")?, v)))
            && let (Ok(x), Some(held)) = (value.trim().parse::<f64>(), resolved["model"][field].as_f64())
        {
            prop_assert_eq!(held, x, "--set {}", last);
        }
    }
}

/// Every shipped scenario and good fixture, resolved, written back and
/// resolved again, gives the same JSON.
#[test]
fn shipped_scenarios_round_trip() {
    let mut paths = crate::common::toml_files("scenarios");
    paths.extend(crate::common::toml_files("scenarios/history"));
    paths.extend(crate::common::toml_files("tests/fixtures/good"));
    assert!(paths.len() >= 10, "scenarios missing: {paths:?}");
    for path in paths {
        let text = std::fs::read_to_string(&path).unwrap();
        let resolved = check_scenario(&text, &[]).unwrap_or_else(|| panic!("{path} does not load"));
        assert_eq!(resolved["scenario"]["roster"], "embedded", "{path}");
    }
}

/// Inputs the properties found refused in several lines (a line break in
/// a `--set`, in a quoted name, in a CSV header): now one line each.
#[test]
fn regressions_quoted_line_breaks_stay_on_one_line() {
    for set in ["\r", "\n", "model.noise=a\nb", "states.A\u{2028}B.capacity=1"] {
        let error = scenario::parse(BASE, FILE, &[set.to_string()]).unwrap_err();
        check_error(&error, BASE);
    }
    let text = BASE.replace(r#"sponsors = ["RUS", "CHN"]"#, r#"sponsors = ["RUS", "C\nHN"]"#);
    let error = scenario::parse(&text, FILE, &[]).unwrap_err();
    check_error(&error, &text);
    assert!(error.to_string().contains(r"`C\nHN`"), "{error}");
    let long = format!("model.conformity={}", "1".repeat(10_000));
    let error = scenario::parse(BASE, FILE, &[long]).unwrap_err().to_string();
    assert!(error.chars().count() < 1300 && error.contains("(10017 characters)"), "{error}");
}

/// A bare word in any script is a string, as an ASCII one is (the
/// properties found `--set scenario.name=名前` refused as "not a TOML value").
#[test]
fn regression_bare_words_in_any_script_are_strings() {
    let s =
        scenario::parse(BASE, FILE, &["scenario.name=名前".to_string(), "scenario.description=Übung-1".to_string()]);
    let s = s.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((s.name.as_str(), s.description.as_str()), ("名前", "Übung-1"));
}
