//! Unit tests of `history`: the ISO-2 table, the embedded data files, and
//! the reading rules on small inline files (the error corpus is an
//! integration test, `tests/integration/rollcall_errors.rs`).

use super::*;
use std::collections::HashSet;

fn roster() -> &'static Roster {
    Roster::embedded()
}

fn index(iso3: &str) -> usize {
    roster().states.iter().position(|s| s.iso3 == iso3).unwrap()
}

#[test]
fn iso2_table_covers_the_roster_once() {
    let table = codes::iso2_table();
    let iso3: Vec<&str> = table.iter().map(|(three, _)| three.as_str()).collect();
    let roster_iso3: Vec<&str> = roster().states.iter().map(|s| s.iso3.as_str()).collect();
    assert_eq!(table.len(), 193);
    assert_eq!(iso3, roster_iso3, "data/iso2.csv must list the states of data/states.csv in the same order");
    let iso2: HashSet<&str> = table.iter().map(|(_, two)| two.as_str()).collect();
    assert_eq!(iso2.len(), 193, "duplicate ISO-2 code in data/iso2.csv");
    assert!(iso2.iter().all(|c| c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase())));
    for (three, two) in [
        ("USA", "US"),
        ("GBR", "GB"),
        ("RUS", "RU"),
        ("CHN", "CN"),
        ("NAM", "NA"),
        ("COD", "CD"),
        ("COG", "CG"),
        ("PRK", "KP"),
        ("KOR", "KR"),
        ("SSD", "SS"),
        ("TLS", "TL"),
        ("MKD", "MK"),
        ("SWZ", "SZ"),
        ("CPV", "CV"),
        ("CIV", "CI"),
        ("SRB", "RS"),
        ("MNE", "ME"),
    ] {
        assert_eq!(iso2_code(three), Some(two), "{three}");
    }
    assert!(!iso2.contains("PS"), "the State of Palestine is not a member state");
    assert!(!iso2.contains("VA"), "the Holy See is not a member state");
}

#[test]
fn former_and_renamed_codes_are_not_current_codes() {
    let iso2: HashSet<&str> = codes::iso2_table().iter().map(|(_, two)| two.as_str()).collect();
    let mut seen = HashSet::new();
    for code in HISTORICAL_CODES.iter().map(|(c, _)| *c).chain(RENAMED_CODES.iter().map(|(c, _, _)| *c)) {
        assert!(!iso2.contains(code), "{code} is a current code");
        assert!(seen.insert(code), "{code} listed twice");
    }
    for (_, iso3, _) in RENAMED_CODES {
        index(iso3);
    }
}

#[test]
fn recorded_tallies_parse() {
    let tallies = recorded_tallies();
    assert_eq!(tallies.len(), 13);
    let voted: Vec<&RecordedTally> = tallies.iter().filter(|t| !t.adopted_without_vote).collect();
    assert_eq!(voted.len(), 8);
    for t in &voted {
        assert_eq!(t.counts.unwrap().iter().sum::<u32>(), 193, "{}", t.resolution);
    }
    assert!(tallies.iter().filter(|t| t.adopted_without_vote).all(|t| t.counts.is_none()));
    assert_eq!(tallies[0].resolution, "A/RES/73/27");
    assert_eq!(tallies[0].date.to_string(), "2018-12-05");
}

#[test]
fn embedded_rollcalls_equal_the_recorded_tallies() {
    let calls = embedded_rollcalls(roster());
    let recorded: Vec<RecordedTally> = recorded_tallies().into_iter().filter(|t| !t.adopted_without_vote).collect();
    assert_eq!(calls.texts.len(), recorded.len());
    for tally in &recorded {
        let t = calls.text_index(&tally.resolution).unwrap_or_else(|| panic!("{} missing", tally.resolution));
        assert_eq!(Some(calls.tally(t)), tally.counts, "{}", tally.resolution);
        assert_eq!(calls.texts[t].date, Some(tally.date), "{}", tally.resolution);
    }
    assert_eq!(calls.skipped_rows, 0);
    let first = &calls.texts[0];
    assert_eq!((first.id.as_str(), first.origin.as_str()), ("A/RES/73/27", "data/rollcalls_2018_2020.csv:2"));
    assert_eq!(first.sponsor, Some(index("RUS")));
    let usa_text = calls.texts.iter().find(|t| t.sponsor == Some(index("USA")));
    assert!(usa_text.is_some(), "the US-led texts have USA as lead sponsor");
}

#[test]
fn without_removes_exactly_one_text() {
    let calls = embedded_rollcalls(roster());
    for t in 0..calls.texts.len() {
        let rest = calls.without(t);
        assert_eq!(rest.texts.len(), calls.texts.len() - 1);
        assert_eq!(rest.text_index(&calls.texts[t].id), None);
        let kept: Vec<usize> = (0..calls.texts.len()).filter(|&u| u != t).collect();
        for (r, &u) in kept.iter().enumerate() {
            assert_eq!(rest.texts[r], calls.texts[u]);
            assert_eq!(rest.votes[r], calls.votes[u]);
        }
    }
}

#[test]
fn long_layout_columns_in_any_order_optional_ones_missing() {
    let text = "vote,iso3,note,resolution\nY,USA,x,T1\n y ,RUS,,T1\nn,CHN,,T2\nX,USA,,T2\n";
    let calls = RollCalls::parse(text, "f.csv", roster()).unwrap();
    assert_eq!(calls.texts.len(), 2);
    assert_eq!((calls.texts[1].id.as_str(), calls.texts[1].origin.as_str()), ("T2", "f.csv:4"));
    assert_eq!((calls.texts[0].date, calls.texts[0].sponsor), (None, None));
    assert_eq!(calls.tally(0), [2, 0, 0, 191]);
    assert_eq!(calls.tally(1), [0, 1, 0, 192]);
    assert_eq!(calls.votes[0][index("RUS")], Vote::Yes);
}

#[test]
fn unvotes_layout_ids_skips_and_namibia() {
    let text = "rcid,country,country_code,vote\n\
                7,Namibia,NA,yes\n\
                7,Czechoslovakia,CS,no\n\
                7,Zanzibar,NA,abstain\n\
                7,Zaire,ZR,ABSTAIN\n\
                8,German Democratic Republic,DD,yes\n\
                9,USSR,SU,No\n";
    let calls = RollCalls::parse(text, "u.csv", roster()).unwrap();
    let ids: Vec<&str> = calls.texts.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids, ["rcid:7", "rcid:9"], "a text with only skipped rows is left out");
    assert_eq!(calls.skipped_rows, 3);
    assert_eq!(calls.votes[0][index("NAM")], Vote::Yes);
    assert_eq!(calls.votes[0][index("COD")], Vote::Abstain);
    assert_eq!(calls.votes[1][index("RUS")], Vote::No);
    assert_eq!(calls.tally(0), [1, 0, 1, 191]);
    // Without a `country` column, NA is Namibia.
    let calls = RollCalls::parse("rcid,country_code,vote\n7,NA,no\n", "u.csv", roster()).unwrap();
    assert_eq!(calls.votes[0][index("NAM")], Vote::No);
}

#[test]
fn unvotes_unres_names_the_text_when_given() {
    let text = "rcid,unres,date,country_code,vote\n6073,A/RES/73/27,2018-12-05,RU,yes\n6074,,,US,no\n";
    let calls = RollCalls::parse(text, "u.csv", roster()).unwrap();
    assert_eq!(calls.texts[0].id, "A/RES/73/27");
    assert_eq!(calls.texts[0].date.map(|d| d.to_string()).as_deref(), Some("2018-12-05"));
    assert_eq!((calls.texts[1].id.as_str(), calls.texts[1].date), ("rcid:6074", None));
}

#[test]
fn errors_name_file_line_and_field() {
    let error = |text: &str| RollCalls::parse(text, "f.csv", roster()).unwrap_err().to_string();
    assert_eq!(error(""), "f.csv: the file is empty");
    assert_eq!(error("resolution,iso3,vote\n"), "f.csv: no rows after the header");
    assert_eq!(
        error("resolution,iso3,vote\nT,USA,Y\nT,DUE,Y\n"),
        "f.csv:3: iso3: unknown state `DUE`; did you mean `DEU`?"
    );
    assert_eq!(
        error("resolution,iso3,vote\nT,US,Y\n"),
        "f.csv:2: iso3: unknown state `US`; did you mean `USA`? (`US` is its ISO-2 code)"
    );
    assert_eq!(
        error("resolution,iso3,vote\nT,USA,yes\n"),
        "f.csv:2: vote: `yes` is not one of Y, N, A, X (the long layout writes yes as `Y`)"
    );
    assert_eq!(
        error("rcid,country_code,vote\n1,us,yes\n"),
        "f.csv:2: country_code: unknown country code `us`; did you mean `US`?"
    );
    assert_eq!(
        error("rcid,unres,country_code,vote\n1,A,US,yes\n1,B,FR,yes\n"),
        "f.csv:3: unres: `rcid:1` has unres `B` here but unres `A` at line 2"
    );
    assert_eq!(
        error("rcid,unres,country_code,vote\n1,A,US,yes\n2,A,FR,yes\n"),
        "f.csv:3: unres: `A` is also the unres of `rcid:1` (line 2); drop the `unres` column to name texts by rcid"
    );
    // Lines are counted right after \r\n and blank lines.
    assert_eq!(
        error("resolution,iso3,vote\r\nT,USA,Y\r\n\r\nT,FRA\r\n"),
        "f.csv:4: the row has 2 fields, but the header has 3"
    );
    assert_eq!(
        error("\nresolution,iso3,vote,note\n\nT,USA,Y,\nT,FRA,Y,\"a\nb\"\nT,USA,N,\n"),
        "f.csv:7: iso3: second row of `USA` on `T` (first at line 4)"
    );
    assert!(
        error("resolution,iso3,vote,vote\nT,USA,Y,Y\n").starts_with("f.csv:1: header: column `vote` appears twice")
    );
}

#[test]
fn read_files_joins_files_and_names_both_places_of_a_text() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.csv"), dir.path().join("b.csv"));
    std::fs::write(&a, "resolution,iso3,vote\nT1,USA,Y\n").unwrap();
    std::fs::write(&b, "rcid,unres,country_code,vote\n5,T2,FR,no\n").unwrap();
    let calls = RollCalls::read_files(&[&a, &b], roster()).unwrap();
    assert_eq!(calls.texts.iter().map(|t| t.id.as_str()).collect::<Vec<_>>(), ["T1", "T2"]);
    assert_eq!(calls.texts[1].origin, format!("{}:2", b.display()));
    assert_eq!(RollCalls::read_files(&[] as &[&Path], roster()).unwrap(), RollCalls::default());

    std::fs::write(&b, "rcid,unres,country_code,vote\n5,T2,FR,no\n5,T2,DE,no\n6,T1,US,yes\n").unwrap();
    let error = RollCalls::read_files(&[&a, &b], roster()).unwrap_err();
    assert_eq!(error.to_string(), format!("{}:4: unres: `T1` is also in {}:2", b.display(), a.display()));
    let missing = dir.path().join("missing.csv");
    let error = RollCalls::read_files(&[&missing], roster()).unwrap_err().to_string();
    assert!(error.starts_with(&format!("{}: cannot read the roll-call file: ", missing.display())), "{error}");
}
