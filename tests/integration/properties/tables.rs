//! CSV inputs: roll-call files (long and `unvotes` layouts) and sweep
//! design tables, arbitrary and mutated from valid ones; and `--vary`
//! specs.
//!
//! A refused file gives one line naming the file and, for anything about a
//! row, its line (a roll-call error about a value also names the column);
//! an accepted one holds what its reader promises.

use super::{Mutation, assert_one_line, config, mutate, mutations, tricky_text};
use proptest::prelude::*;
use std::sync::LazyLock;
use ungasim::history::{self, HistoryError, RollCalls};
use ungasim::model::Vote;
use ungasim::roster::Roster;
use ungasim::sweep::design::{self, Combine, MAX_POINTS};

/// The name the generated files are read under.
const FILE: &str = "generated.csv";

/// Two texts of the embedded roll calls, in the long layout.
static LONG: LazyLock<String> = LazyLock::new(|| {
    let text = std::fs::read_to_string(crate::common::package_path(history::EMBEDDED_ROLLCALLS_FILE)).unwrap();
    let ids = ["A/RES/73/27,", "A/RES/73/266,"];
    let rows = text.lines().skip(1).filter(|l| ids.iter().any(|id| l.starts_with(id)));
    text.lines().take(1).chain(rows).collect::<Vec<_>>().join("\n") + "\n"
});

/// The same two texts in the `unvotes` layout (absent states have no row).
static UNVOTES: LazyLock<String> = LazyLock::new(|| {
    let calls = RollCalls::parse(&LONG, "long.csv", Roster::embedded()).unwrap();
    let mut text = "rcid,country_code,vote,unres,date\n".to_string();
    for (t, votes) in calls.votes.iter().enumerate() {
        let id = &calls.texts[t].id;
        for (i, vote) in votes.iter().enumerate().filter(|(_, v)| **v != Vote::Absent) {
            let iso2 = history::iso2_code(&Roster::embedded().states[i].iso3).unwrap();
            text.push_str(&format!("{},{iso2},{},{id},2018-12-05\n", 100 + t, vote.name()));
        }
    }
    text
});

/// A valid design table of three points.
const DESIGN: &str = "model.conformity,blocs.EU.cohesion,scenario.date\n0.2,0.5,2018-12-05\n0.4,0.9,2019-12-18\n\
                      0.6,0.7,2020-06-01\n";

/// Roll-call errors without a line: the file as a whole.
const WHOLE_FILE: [&str; 2] = ["the file is empty", "no rows"];

/// Checks the roll-call file `bytes`, read as text (invalid UTF-8 replaced)
/// and, if `file` is given, from that file, written with the bytes as they are.
fn check_rollcalls(bytes: &[u8], file: Option<&std::path::Path>) {
    let text = String::from_utf8_lossy(bytes);
    let read = match file {
        Some(path) => {
            std::fs::write(path, bytes).unwrap();
            RollCalls::read_files(&[path], Roster::embedded())
        }
        None => RollCalls::parse(&text, FILE, Roster::embedded()),
    };
    match read {
        Ok(calls) => {
            assert!(!calls.texts.is_empty());
            for (t, votes) in calls.votes.iter().enumerate() {
                assert_eq!(votes.len(), Roster::embedded().states.len());
                assert!(votes.iter().any(|&v| v != Vote::Absent), "text {t} has no present voter");
            }
        }
        Err(error) => {
            let name = file.map_or(FILE.to_string(), |f| f.display().to_string());
            check_rollcall_error(&error, &text, &name);
        }
    }
}

fn check_rollcall_error(error: &HistoryError, text: &str, file: &str) {
    let message = error.to_string();
    assert_one_line(&message, text);
    assert!(message.starts_with(file), "{message}");
    if error.line == 0 {
        assert!(WHOLE_FILE.iter().any(|m| error.message.starts_with(m)), "no line: {message}\n{text:?}");
    } else if error.field.is_empty() {
        let whole_row = ["the row has", "not readable as CSV", "not UTF-8 text"];
        assert!(whole_row.iter().any(|m| error.message.starts_with(m)), "no field: {message}\n{text:?}");
    }
}

/// Checks a design table: refused in one line `FILE:LINE: ...` (LINE > 0),
/// or points of one value per parameter, none empty.
fn check_design(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    match design::from_table(&text, FILE) {
        Ok(d) => {
            assert!(!d.params.is_empty() && !d.points.is_empty());
            assert!(d.params.iter().all(|p| !p.is_empty()), "{:?}", d.params);
            for point in &d.points {
                assert_eq!(point.len(), d.params.len(), "{text:?}");
                assert!(point.iter().all(|v| !v.is_empty()), "{text:?}");
            }
        }
        Err(error) => {
            let message = error.to_string();
            assert_one_line(&message, &text);
            let line = error.place.strip_prefix(&format!("{FILE}:")).and_then(|l| l.parse::<usize>().ok());
            // `\n`, `\r\n` and a lone `\r` end a line.
            let lines = text.split(['\n', '\r']).count();
            assert!(line.is_some_and(|l| l > 0 && l <= lines), "{message}\n{text:?}");
        }
    }
}

/// A `--vary` spec: a list, a range `start:stop:step`, numbers at the edges.
fn vary_spec() -> impl Strategy<Value = String> {
    let bound = prop_oneof![
        3 => tricky_text(),
        3 => super::edge_float().prop_map(|x| x.to_string()),
        1 => Just("1e-2147483648".to_string()),
        1 => Just("0.1".to_string()),
    ];
    prop_oneof![
        (bound.clone(), bound.clone(), bound.clone()).prop_map(|(a, b, c)| format!("{a}:{b}:{c}")),
        prop::collection::vec(bound, 0..4).prop_map(|items| items.join(",")),
        tricky_text(),
    ]
}

proptest! {
    #![proptest_config(config(1024))]

    #[test]
    fn arbitrary_rollcall_bytes_are_refused_in_one_line(bytes in prop_oneof![
        prop::collection::vec(any::<u8>(), 0..400),
        "(resolution|iso3|vote|rcid|country_code|unres|date|[A-Z]{3}|Y|no|[,\\n\\r\" ]){0,60}".prop_map(String::into_bytes),
    ]) {
        check_rollcalls(&bytes, None);
        let tmp = crate::common::temp_dir();
        check_rollcalls(&bytes, Some(&tmp.path().join("rollcalls.csv")));
    }

    #[test]
    fn mutated_long_rollcalls_are_read_or_refused_in_one_line(m in mutations()) {
        check_rollcalls(&mutate(LONG.as_bytes(), &m), None);
    }

    #[test]
    fn mutated_unvotes_rollcalls_are_read_or_refused_in_one_line(m in mutations()) {
        check_rollcalls(&mutate(UNVOTES.as_bytes(), &m), None);
    }

    #[test]
    fn arbitrary_design_bytes_are_refused_in_one_line(bytes in prop_oneof![
        prop::collection::vec(any::<u8>(), 0..300),
        "(model\\.conformity|blocs\\.EU\\.cohesion|0\\.5|nan|[,\\n\\r\" ]|\u{feff}){0,40}".prop_map(String::into_bytes),
    ]) {
        check_design(&bytes);
    }

    #[test]
    fn mutated_design_tables_are_read_or_refused_in_one_line(m in mutations()) {
        check_design(&mutate(DESIGN.as_bytes(), &m));
    }

    #[test]
    fn vary_specs_give_values_or_one_line(spec in vary_spec(), path in prop_oneof![Just("model.conformity".to_string()), tricky_text()]) {
        let vary = format!("{path}={spec}");
        match design::values(&vary) {
            Ok((_, values)) => {
                prop_assert!(!values.is_empty() && values.len() <= MAX_POINTS, "{vary}: {} values", values.len());
                prop_assert!(values.iter().all(|v| !v.is_empty()), "{vary}: {values:?}");
                let range = spec.split(':').count() == 3 && !spec.contains(',');
                for value in values.iter().filter(|_| range) {
                    prop_assert!(value.parse::<f64>().is_ok_and(f64::is_finite), "{vary}: {value}");
                }
            }
            Err(error) => assert_one_line(&error.to_string(), &vary),
        }
        if let Err(error) = design::from_vary(&[vary.clone(), vary.clone()], Combine::Grid) {
            assert_one_line(&error.to_string(), &vary);
        }
    }
}

/// The mutations keep valid files valid when they change nothing: the
/// bases themselves are read.
#[test]
fn the_bases_of_the_mutations_are_valid() {
    let long = RollCalls::parse(&LONG, FILE, Roster::embedded()).unwrap();
    let unvotes = RollCalls::parse(&UNVOTES, FILE, Roster::embedded()).unwrap();
    assert_eq!(long.texts.len(), 2);
    assert_eq!(long.votes, unvotes.votes);
    assert_eq!(design::from_table(DESIGN, FILE).unwrap().points.len(), 3);
    let crlf = mutate(DESIGN.as_bytes(), &[Mutation::CrLf]);
    assert_eq!(design::from_table(&String::from_utf8(crlf).unwrap(), FILE).unwrap().points.len(), 3);
}

/// A CSV header holding a line break (found by the properties) is quoted on one line.
#[test]
fn regression_a_line_break_in_a_header_stays_on_one_line() {
    check_rollcalls(b"\"\x0e\n\x0e", None);
    check_design(b"\"a\nb\",c\n1,2\n3\n");
}
