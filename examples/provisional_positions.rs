//! Regenerates `data/derived.csv` and `data/fitted_proposals.csv` from
//! `data/states.csv` and `data/rollcalls_2018_2020.csv` with the provisional
//! rule of `ungasim::roster::provisional` (see its module docs and
//! `data/SOURCES.md`), then prints the fitted resolution positions with the
//! in-sample expected vote counts next to the recorded ones.
//!
//! ```text
//! cargo run --release --example provisional_positions
//! ```

use std::path::Path;

use ungasim::roster::provisional::{Derived, RollCalls, derive, expected_counts, parse_rollcalls};

fn main() -> Result<(), String> {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let states = read(&data.join("states.csv"))?;
    let rollcalls = read(&data.join("rollcalls_2018_2020.csv"))?;
    let calls = parse_rollcalls(&rollcalls)?;
    let derived = derive(&states, &rollcalls)?;

    write_derived(&data.join("derived.csv"), &derived)?;
    write_proposals(&data.join("fitted_proposals.csv"), &derived, &calls)?;
    print_report(&derived, &calls);
    Ok(())
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// A value with 6 decimals, without a negative zero.
fn fixed6(value: f64) -> String {
    let text = format!("{value:.6}");
    if text == "-0.000000" { "0.000000".to_string() } else { text }
}

/// Writes a header and rows of already formatted fields.
fn write_table(path: &Path, header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> Result<(), String> {
    let fail = |e: csv::Error| format!("{}: {e}", path.display());
    let mut writer = csv::Writer::from_path(path).map_err(fail)?;
    writer.write_record(header).map_err(fail)?;
    for row in rows {
        writer.write_record(&row).map_err(fail)?;
    }
    writer.flush().map_err(|e| format!("{}: {e}", path.display()))
}

fn write_derived(path: &Path, derived: &Derived) -> Result<(), String> {
    let rows = derived.iso3.iter().enumerate().map(|(i, iso3)| {
        let values = [derived.capacity[i], derived.attendance[i], derived.sovereignty[i], derived.development[i]];
        std::iter::once(iso3.clone()).chain(values.map(fixed6)).collect()
    });
    write_table(path, &["iso3", "capacity", "attendance", "sovereignty", "development"], rows)
}

fn write_proposals(path: &Path, derived: &Derived, calls: &RollCalls) -> Result<(), String> {
    let rows = (0..calls.resolutions.len()).map(|j| {
        let metadata = [&calls.resolutions[j], &calls.dates[j], &calls.sponsor_lead[j]].map(String::clone);
        let position = derived.proposals[j].map(fixed6);
        let status_quo = derived.status_quo.map(fixed6);
        let tally = calls.tally(j).map(|n| n.to_string());
        metadata.into_iter().chain(position).chain(status_quo).chain(tally).collect()
    });
    let header = [
        "resolution",
        "date",
        "sponsor_lead",
        "sovereignty",
        "development",
        "status_quo_sovereignty",
        "status_quo_development",
        "yes",
        "no",
        "abstain",
        "absent",
    ];
    write_table(path, &header, rows)
}

fn print_report(derived: &Derived, calls: &RollCalls) {
    println!("MAP fit: log-posterior {:.6} after {} sweeps", derived.log_posterior, derived.sweeps);
    println!(
        "{:<13} {:>4} {:>10} {:>10}   expected (recorded) yes / no / abstain / absent",
        "resolution", "lead", "p_sov", "p_dev"
    );
    for (j, resolution) in calls.resolutions.iter().enumerate() {
        let expected = expected_counts(derived, j);
        let recorded = calls.tally(j);
        let counts: Vec<String> = expected.iter().zip(recorded).map(|(e, r)| format!("{e:6.1} ({r:3})")).collect();
        println!(
            "{:<13} {:>4} {:>10.6} {:>10.6}   {}",
            resolution,
            calls.sponsor_lead[j],
            derived.proposals[j][0],
            derived.proposals[j][1],
            counts.join(" / ")
        );
    }
    for iso3 in ["USA", "RUS", "CHN", "IND", "BRA", "DEU"] {
        if let Some(i) = derived.iso3.iter().position(|s| s == iso3) {
            println!(
                "{iso3}: x = ({:.6}, {:.6}), capacity {:.6}, attendance {:.6}",
                derived.sovereignty[i], derived.development[i], derived.capacity[i], derived.attendance[i]
            );
        }
    }
}
