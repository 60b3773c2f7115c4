//! `ungasim states`: the embedded roster as CSV.

use crate::date::Date;
use crate::roster::Roster;
use crate::suggest::hint;
use std::io::Write;

/// Writes `roster` at `date` (default: the latest membership) as CSV:
/// `iso3,name,group,capacity,attendance,<dimensions>,blocs`, optionally only
/// the members of `bloc`.
pub fn states_csv(out: impl Write, roster: &Roster, date: Option<&str>, bloc: Option<&str>) -> anyhow::Result<()> {
    let date: Date = match date {
        Some(text) => text.parse().map_err(|e| anyhow::anyhow!("--date: {e}"))?,
        None => roster.latest_date(),
    };
    let (states, blocs, _) = roster.resolve(date);
    let only = match bloc {
        Some(id) => Some(blocs.iter().find(|b| b.id == id).ok_or_else(|| {
            anyhow::anyhow!("--bloc: unknown bloc `{id}`{}", hint(id, blocs.iter().map(|b| b.id.as_str())))
        })?),
        None => None,
    };
    let mut writer = csv::Writer::from_writer(out);
    let mut header = vec!["iso3", "name", "group", "capacity", "attendance"];
    header.extend(roster.dimensions().iter().map(String::as_str));
    header.push("blocs");
    writer.write_record(&header)?;
    for (i, state) in states.iter().enumerate() {
        if only.is_some_and(|b| !b.members.contains(&i)) {
            continue;
        }
        let member_of: Vec<&str> =
            blocs.iter().filter(|b| b.members.binary_search(&i).is_ok()).map(|b| b.id.as_str()).collect();
        let mut record = vec![
            state.iso3.clone(),
            state.name.clone(),
            state.group.clone(),
            format!("{:.6}", state.capacity),
            format!("{:.6}", state.attendance),
        ];
        record.extend(state.position.iter().map(|x| format!("{x:.6}")));
        record.push(member_of.join(";"));
        writer.write_record(&record)?;
    }
    writer.flush()?;
    Ok(())
}
