//! One roll-call file, text in, [`RollCalls`] out: the layout is chosen from
//! the header row, then one pass over the rows checks each value once and
//! fills the vote grid; a last pass checks every text has a present voter.

use super::codes::{Code, Codes};
use super::{HistoryError, RecordedText, RollCalls};
use crate::csvlines::{self, Lines};
use crate::date::Date;
use crate::model::Vote;
use crate::roster::Roster;
use std::collections::HashMap;

/// The columns a long-layout file must have.
const LONG_COLUMNS: [&str; 3] = ["resolution", "iso3", "vote"];
/// The columns an `unvotes`-layout file must have.
const UNVOTES_COLUMNS: [&str; 3] = ["rcid", "country_code", "vote"];

/// A parsed file, with what [`RollCalls::read_files`] needs to name a text
/// found in two files: the line of each text's first row and the column of
/// the text id.
pub(super) struct ParsedFile {
    pub calls: RollCalls,
    pub first_lines: Vec<usize>,
    pub id_column: &'static str,
}

/// The column indices of a file's layout.
enum Layout {
    Long { resolution: usize, iso3: usize, vote: usize, date: Option<usize>, sponsor: Option<usize> },
    Unvotes { rcid: usize, code: usize, vote: usize, unres: Option<usize>, date: Option<usize>, country: Option<usize> },
}

/// One row, checked, before it is matched with its text.
struct Row {
    /// What groups the rows of one text: the resolution, or `rcid:N`.
    key: String,
    /// The text id: the resolution, the `unres`, or `rcid:N`.
    id: String,
    date: Option<Date>,
    sponsor: Option<usize>,
    /// `None` for a row to skip.
    state: Option<usize>,
    vote: Vote,
}

/// Parses one file's contents (`file` names it in messages).
pub(super) fn parse_file(text: &str, file: &str, roster: &Roster) -> Result<ParsedFile, HistoryError> {
    let error = |line: usize, field: &str, message: String| HistoryError {
        file: file.to_string(),
        line,
        field: field.to_string(),
        message,
    };
    if text.trim().is_empty() {
        return Err(error(0, "", "the file is empty".to_string()));
    }
    let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(text.as_bytes());
    let mut lines = Lines::new(text.as_bytes());
    let headers: Vec<String> = match reader.headers() {
        Ok(headers) => headers.iter().map(String::from).collect(),
        Err(e) => return Err(csv_error(file, &e, &mut lines)),
    };
    let header_line = lines.at(0);
    let layout = layout(&headers).map_err(|message| error(header_line, "header", message))?;
    let (id_column, state_column) = match layout {
        Layout::Long { .. } => ("resolution", "iso3"),
        Layout::Unvotes { unres: Some(_), .. } => ("unres", "country_code"),
        Layout::Unvotes { unres: None, .. } => ("rcid", "country_code"),
    };
    let codes = Codes::new(roster);
    let states = roster.states.len();

    let mut calls = RollCalls::default();
    // `row_lines[text][state]`: the line of the state's row on the text; 0 for none yet.
    let mut row_lines: Vec<Vec<usize>> = Vec::new();
    let mut first_lines: Vec<usize> = Vec::new();
    let mut by_key: HashMap<String, usize> = HashMap::new();
    let mut by_id: HashMap<String, usize> = HashMap::new();
    let mut keys: Vec<String> = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(file, &e, &mut lines))?;
        let line = record.position().map_or(0, |p| lines.at(p.byte()));
        let row = read_row(&layout, &record, &codes).map_err(|(field, message)| error(line, field, message))?;
        let t = match by_key.get(&row.key) {
            Some(&t) => {
                let (text, first) = (&calls.texts[t], first_lines[t]);
                if row.id != text.id {
                    let show = |id: &str| if id == row.key { "no unres".to_string() } else { format!("unres `{id}`") };
                    let (here, there) = (show(&row.id), show(&text.id));
                    let message = format!("`{}` has {here} here but {there} at line {first}", row.key);
                    return Err(error(line, id_column, message));
                }
                if row.date != text.date {
                    let (here, there) = (show_date(row.date), show_date(text.date));
                    let message = format!("`{}` has {here} here but {there} at line {first}", row.id);
                    return Err(error(line, "date", message));
                }
                if row.sponsor != text.sponsor {
                    let show = |s: Option<usize>| s.map_or("none".to_string(), |i| roster.states[i].iso3.clone());
                    let (here, there) = (show(row.sponsor), show(text.sponsor));
                    let message = format!("`{}` has lead sponsor {here} here but {there} at line {first}", row.id);
                    return Err(error(line, "sponsor_lead", message));
                }
                t
            }
            // A skipped row alone does not make a text.
            None if row.state.is_none() => {
                calls.skipped_rows += 1;
                continue;
            }
            None => {
                if let Some(&other) = by_id.get(&row.id) {
                    let message = format!(
                        "`{}` is also the unres of `{}` (line {}); drop the `unres` column to name texts by rcid",
                        row.id, keys[other], first_lines[other]
                    );
                    return Err(error(line, id_column, message));
                }
                let t = calls.texts.len();
                by_key.insert(row.key.clone(), t);
                keys.push(row.key.clone());
                by_id.insert(row.id.clone(), t);
                calls.texts.push(RecordedText {
                    id: row.id.clone(),
                    date: row.date,
                    sponsor: row.sponsor,
                    origin: format!("{file}:{line}"),
                });
                calls.votes.push(vec![Vote::Absent; states]);
                row_lines.push(vec![0; states]);
                first_lines.push(line);
                t
            }
        };
        let Some(state) = row.state else {
            calls.skipped_rows += 1;
            continue;
        };
        let first = row_lines[t][state];
        if first > 0 {
            let message = format!(
                "second row of `{}` on `{}` (first at line {first})",
                roster.states[state].iso3, calls.texts[t].id
            );
            return Err(error(line, state_column, message));
        }
        row_lines[t][state] = line;
        calls.votes[t][state] = row.vote;
    }
    if calls.texts.is_empty() {
        let message = match calls.skipped_rows {
            0 => "no rows after the header".to_string(),
            n => format!("no rows of member states after the header ({n} rows of former seats skipped)"),
        };
        return Err(error(0, "", message));
    }
    for (t, votes) in calls.votes.iter().enumerate() {
        if votes.iter().all(|&v| v == Vote::Absent) {
            let message = format!("`{}` has no present voter: every state is absent", calls.texts[t].id);
            return Err(error(first_lines[t], "vote", message));
        }
    }
    Ok(ParsedFile { calls, first_lines, id_column })
}

/// `date 2018-12-05` or `no date`.
fn show_date(date: Option<Date>) -> String {
    date.map_or("no date".to_string(), |d| format!("date {d}"))
}

/// A CSV-level error (a row with the wrong number of fields, bad quoting) as one line.
fn csv_error(file: &str, e: &csv::Error, lines: &mut Lines) -> HistoryError {
    HistoryError {
        file: file.to_string(),
        line: lines.of_error(e),
        field: String::new(),
        message: csvlines::message(e),
    }
}

/// `a`, `b`, `c`: names quoted for a message.
fn quoted(names: &[impl AsRef<str>]) -> String {
    names.iter().map(|n| format!("`{}`", n.as_ref())).collect::<Vec<_>>().join(", ")
}

/// The layout of a file with header row `headers`, or what is wrong with it.
///
/// A layout whose required columns are all present is chosen (the other's
/// columns are then ignored like any other). When neither is complete and the
/// header has a column only one layout knows, the missing columns of that
/// layout are named; otherwise both layouts' needs are.
fn layout(headers: &[String]) -> Result<Layout, String> {
    for (i, name) in headers.iter().enumerate() {
        if !name.is_empty() && headers[..i].contains(name) {
            return Err(format!("column `{name}` appears twice"));
        }
    }
    let find = |name: &str| headers.iter().position(|h| h == name);
    let complete = |columns: &[&str]| columns.iter().all(|c| find(c).is_some());
    match (complete(&LONG_COLUMNS), complete(&UNVOTES_COLUMNS)) {
        (true, true) => Err(format!(
            "has the columns of both layouts (long: {}; unvotes: {}); a file has one layout",
            quoted(&LONG_COLUMNS),
            quoted(&UNVOTES_COLUMNS)
        )),
        (true, false) => Ok(Layout::Long {
            resolution: find("resolution").unwrap_or_default(),
            iso3: find("iso3").unwrap_or_default(),
            vote: find("vote").unwrap_or_default(),
            date: find("date"),
            sponsor: find("sponsor_lead"),
        }),
        (false, true) => Ok(Layout::Unvotes {
            rcid: find("rcid").unwrap_or_default(),
            code: find("country_code").unwrap_or_default(),
            vote: find("vote").unwrap_or_default(),
            unres: find("unres"),
            date: find("date"),
            country: find("country"),
        }),
        (false, false) => {
            let marks = |columns: &[&str]| columns[..2].iter().any(|c| find(c).is_some());
            let layout = match (marks(&LONG_COLUMNS), marks(&UNVOTES_COLUMNS)) {
                (true, false) => Some(("long", LONG_COLUMNS)),
                (false, true) => Some(("unvotes", UNVOTES_COLUMNS)),
                _ => None,
            };
            let Some((name, columns)) = layout else {
                return Err(format!(
                    "neither layout: the long layout needs {}, the unvotes layout {}; found {}",
                    quoted(&LONG_COLUMNS),
                    quoted(&UNVOTES_COLUMNS),
                    quoted(headers)
                ));
            };
            let missing = columns.iter().find(|c| find(c).is_none()).copied().unwrap_or_default();
            let unknown = headers.iter().filter(|h| !LONG_COLUMNS.contains(&h.as_str()));
            let unknown = unknown.filter(|h| !UNVOTES_COLUMNS.contains(&h.as_str()));
            let tail = match crate::suggest::closest(missing, unknown.map(String::as_str)) {
                Some(close) => format!("; is `{close}` meant to be `{missing}`?"),
                None => String::new(),
            };
            Err(format!("missing column `{missing}` of the {name} layout ({}){tail}", quoted(&columns)))
        }
    }
}

/// Checks one record; an error is `(column, message)`.
fn read_row(layout: &Layout, record: &csv::StringRecord, codes: &Codes) -> Result<Row, (&'static str, String)> {
    let get = |i: usize| record.get(i).unwrap_or_default();
    let date = |column: Option<usize>| -> Result<Option<Date>, (&'static str, String)> {
        match column.map(get) {
            None | Some("") => Ok(None),
            Some(text) => text.parse().map(Some).map_err(|e| ("date", e)),
        }
    };
    match *layout {
        Layout::Long { resolution, iso3, vote, date: date_column, sponsor } => {
            let id = get(resolution);
            if id.is_empty() {
                return Err(("resolution", "must not be empty".to_string()));
            }
            let state = codes.iso3(get(iso3)).map_err(|m| ("iso3", m))?;
            let vote = long_vote(get(vote)).map_err(|m| ("vote", m))?;
            let date = date(date_column)?;
            let sponsor = match sponsor.map(get) {
                None | Some("") => None,
                Some(code) => Some(codes.iso3(code).map_err(|m| ("sponsor_lead", m))?),
            };
            Ok(Row { key: id.to_string(), id: id.to_string(), date, sponsor, state: Some(state), vote })
        }
        Layout::Unvotes { rcid, code, vote, unres, date: date_column, country } => {
            let rcid_text = get(rcid);
            let number: u64 = match rcid_text.bytes().all(|b| b.is_ascii_digit()) {
                true => rcid_text.parse().ok(),
                false => None,
            }
            .ok_or_else(|| ("rcid", format!("`{rcid_text}` is not a non-negative integer")))?;
            let key = format!("rcid:{number}");
            let id = match unres.map(get) {
                None | Some("") => key.clone(),
                Some(symbol) => symbol.to_string(),
            };
            let vote = unvotes_vote(get(vote)).map_err(|m| ("vote", m))?;
            let date = date(date_column)?;
            let code = get(code);
            let state = match codes.iso2(code).map_err(|m| ("country_code", m))? {
                Code::Historical => None,
                // `NA` written for a missing code (R's NA) on a former seat such as Zanzibar.
                Code::State(_) if code == "NA" && country.is_some_and(|c| !is_namibia(get(c))) => None,
                Code::State(i) => Some(i),
            };
            Ok(Row { key, id, date, sponsor: None, state, vote })
        }
    }
}

/// Whether a `country` value names Namibia (or is empty).
fn is_namibia(country: &str) -> bool {
    country.is_empty() || country.to_ascii_lowercase().contains("namibia")
}

/// A vote of the long layout: `Y`, `N`, `A`, `X` (any case).
fn long_vote(word: &str) -> Result<Vote, String> {
    match word.to_ascii_uppercase().as_str() {
        "Y" => Ok(Vote::Yes),
        "N" => Ok(Vote::No),
        "A" => Ok(Vote::Abstain),
        "X" => Ok(Vote::Absent),
        _ => {
            let tail = match unvotes_vote(word) {
                Ok(vote) => {
                    format!(" (the long layout writes {} as `{}`)", vote.name(), &vote.name()[..1].to_uppercase())
                }
                Err(_) => String::new(),
            };
            Err(format!("`{word}` is not one of Y, N, A, X{tail}"))
        }
    }
}

/// A vote of the `unvotes` layout: `yes`, `no`, `abstain` (any case).
fn unvotes_vote(word: &str) -> Result<Vote, String> {
    match word.to_ascii_lowercase().as_str() {
        "yes" => Ok(Vote::Yes),
        "no" => Ok(Vote::No),
        "abstain" => Ok(Vote::Abstain),
        _ => Err(format!("`{word}` is not one of yes, no, abstain (absent states have no row)")),
    }
}
