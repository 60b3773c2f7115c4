//! Reading recorded roll calls from files: the `unvotes` layout and several
//! files at once must give the same vote grid as the embedded long file.
//!
//! The files are written here from the rows of
//! `data/rollcalls_2018_2020.csv` (not from the parsed grid), so a reading
//! mistake cannot cancel itself out.

use crate::common::{self, Table};
use std::fs;
use std::path::{Path, PathBuf};
use ungasim::history::{self, RollCalls};
use ungasim::roster::Roster;

const LONG_FILE: &str = "data/rollcalls_2018_2020.csv";

/// The embedded long file as a table.
fn long_table() -> Table {
    Table::parse(&fs::read_to_string(common::package_path(LONG_FILE)).unwrap())
}

/// The embedded roll calls as the library reads them.
fn embedded() -> RollCalls {
    history::embedded_rollcalls(Roster::embedded())
}

/// Writes CSV `rows` under `header` to `dir/name`.
fn write_csv(dir: &Path, name: &str, header: &[&str], rows: &[Vec<String>]) -> PathBuf {
    let path = dir.join(name);
    let mut writer = csv::Writer::from_path(&path).unwrap();
    writer.write_record(header).unwrap();
    for row in rows {
        writer.write_record(row).unwrap();
    }
    writer.flush().unwrap();
    path
}

/// The long file's rows in the `unvotes` layout: absent rows dropped,
/// ISO-2 codes, vote words, columns in an unusual order, rows in reverse
/// order, one rcid per resolution (6000 + its index), `unres` only when asked.
fn unvotes_rows(with_unres: bool) -> Vec<Vec<String>> {
    let table = long_table();
    let (resolution, date, iso3, country, vote) = (
        table.index("resolution"),
        table.index("date"),
        table.index("iso3"),
        table.index("country"),
        table.index("vote"),
    );
    let mut resolutions: Vec<&str> = Vec::new();
    let mut rows = Vec::new();
    for row in &table.rows {
        if !resolutions.contains(&row[resolution].as_str()) {
            resolutions.push(&row[resolution]);
        }
        let rcid = 6000 + resolutions.iter().position(|r| *r == row[resolution]).unwrap();
        let word = match row[vote].as_str() {
            "Y" => "yes",
            "N" => "No",
            "A" => "ABSTAIN",
            "X" => continue,
            other => panic!("vote {other}"),
        };
        let iso2 = history::iso2_code(&row[iso3]).unwrap_or_else(|| panic!("no ISO-2 code for {}", row[iso3]));
        let unres = if with_unres { row[resolution].clone() } else { String::new() };
        rows.push(vec![
            word.to_string(),
            iso2.to_string(),
            rcid.to_string(),
            row[country].clone(),
            unres,
            row[date].clone(),
            "73".to_string(),
        ]);
    }
    rows.reverse();
    rows
}

const UNVOTES_HEADER: [&str; 7] = ["vote", "country_code", "rcid", "country", "unres", "date", "session"];

/// `(id, date)` of every text.
fn ids(calls: &RollCalls) -> Vec<(String, Option<ungasim::date::Date>)> {
    calls.texts.iter().map(|t| (t.id.clone(), t.date)).collect()
}

#[test]
fn rollcalls_in_unvotes_layout_read_back_to_the_same_grid() {
    let tmp = common::temp_dir();
    let expected = embedded();
    // The rows were written in reverse, so the texts come in reverse order.
    let (mut expected_ids, mut expected_votes) = (ids(&expected), expected.votes.clone());
    expected_ids.reverse();
    expected_votes.reverse();

    let mut rows = unvotes_rows(true);
    // Rows of former seats are skipped and counted, not errors.
    for (code, country) in [("CS", "Czechoslovakia"), ("DD", "German Democratic Republic"), ("YU", "Yugoslavia")] {
        rows.insert(5, ["yes", code, "6003", country, "A/RES/74/28", "2019-12-12", "74"].map(String::from).to_vec());
    }
    let path = write_csv(tmp.path(), "unvotes.csv", &UNVOTES_HEADER, &rows);
    let calls = RollCalls::read_files(&[&path], Roster::embedded()).unwrap();
    assert_eq!(calls.skipped_rows, 3);
    assert_eq!(ids(&calls), expected_ids);
    assert_eq!(calls.votes, expected_votes);
    assert!(calls.texts.iter().all(|t| t.sponsor.is_none()));
    assert_eq!(calls.texts[0].origin, format!("{}:2", path.display()));

    // Without `unres`, texts are named by rcid.
    let path = write_csv(tmp.path(), "no_unres.csv", &UNVOTES_HEADER, &unvotes_rows(false));
    let calls = RollCalls::read_files(&[&path], Roster::embedded()).unwrap();
    let names: Vec<&str> = calls.texts.iter().map(|t| t.id.as_str()).collect();
    let rcids: Vec<String> = (6000..6008).rev().map(|n| format!("rcid:{n}")).collect();
    assert_eq!(names, rcids);
    assert_eq!((calls.votes, calls.skipped_rows), (expected_votes, 0));
}

/// The long file's rows split in two: rows of the first `texts` resolutions, and the rest.
fn split_long_file(dir: &Path, texts: usize) -> (PathBuf, PathBuf) {
    let table = long_table();
    let header: Vec<&str> = table.header.iter().map(String::as_str).collect();
    let resolution = table.index("resolution");
    let mut order: Vec<&str> = Vec::new();
    let (mut first, mut second) = (Vec::new(), Vec::new());
    for row in &table.rows {
        if !order.contains(&row[resolution].as_str()) {
            order.push(&row[resolution]);
        }
        let t = order.iter().position(|r| *r == row[resolution]).unwrap();
        if t < texts { first.push(row.clone()) } else { second.push(row.clone()) }
    }
    (write_csv(dir, "first.csv", &header, &first), write_csv(dir, "second.csv", &header, &second))
}

#[test]
fn rollcalls_split_over_two_files_read_to_the_same_grid() {
    let tmp = common::temp_dir();
    let expected = embedded();
    let (first, second) = split_long_file(tmp.path(), 3);
    let calls = RollCalls::read_files(&[&first, &second], Roster::embedded()).unwrap();
    assert_eq!(ids(&calls), ids(&expected));
    assert_eq!(calls.votes, expected.votes);
    let sponsors = |calls: &RollCalls| calls.texts.iter().map(|t| t.sponsor).collect::<Vec<_>>();
    assert_eq!(sponsors(&calls), sponsors(&expected));
    assert_eq!(calls.texts[3].origin, format!("{}:2", second.display()));

    // The same text in both files is an error naming both places.
    let error = RollCalls::read_files(&[&first, &second, &first], Roster::embedded()).unwrap_err();
    assert_eq!(
        error.to_string(),
        format!("{}:2: resolution: `A/RES/73/27` is also in {}:2", first.display(), first.display())
    );
}

#[test]
fn rollcall_text_split_across_files_is_an_error() {
    let tmp = common::temp_dir();
    let table = long_table();
    let header: Vec<&str> = table.header.iter().map(String::as_str).collect();
    // Rows 1-100 in one file, the rest in the other: A/RES/73/27 is in both.
    let first = write_csv(tmp.path(), "a.csv", &header, &table.rows[..100]);
    let second = write_csv(tmp.path(), "b.csv", &header, &table.rows[100..]);
    let error = RollCalls::read_files(&[&first, &second], Roster::embedded()).unwrap_err();
    assert_eq!(
        error.to_string(),
        format!("{}:2: resolution: `A/RES/73/27` is also in {}:2", second.display(), first.display())
    );
    let missing = tmp.path().join("missing.csv");
    let error = RollCalls::read_files(&[&first, &missing], Roster::embedded()).unwrap_err().to_string();
    assert!(error.starts_with(&format!("{}: cannot read the roll-call file: ", missing.display())), "{error}");
}
