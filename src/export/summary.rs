//! `summary.csv`: one row per proposal with P(adopted), its Wilson
//! interval, P(consensus), and mean, sd and quantiles of every tally.

use super::csvfmt::{Fixed6, ratio};
use crate::aggregate::Tally;
use crate::aggregate::stats::QUANTILES;
use crate::aggregate::summary::{self, MEASURES};
use crate::model::Scenario;

/// The header row.
pub fn header() -> Vec<String> {
    let mut header: Vec<String> =
        ["proposal", "runs", "p_adopted", "p_adopted_lo", "p_adopted_hi", "p_consensus"].map(String::from).into();
    for measure in MEASURES {
        header.push(format!("{measure}_mean"));
        header.push(format!("{measure}_sd"));
        header.extend(QUANTILES.iter().map(|(_, q)| format!("{measure}_{q}")));
    }
    header
}

/// One record per proposal, matching [`header`].
pub fn rows<'a>(scenario: &'a Scenario, tally: &'a Tally) -> impl Iterator<Item = Vec<String>> + 'a {
    summary::proposals(scenario, tally).into_iter().map(|p| {
        let mut row = vec![
            p.proposal,
            p.runs.to_string(),
            ratio(p.passed, p.runs).to_string(),
            Fixed6(p.interval.0).to_string(),
            Fixed6(p.interval.1).to_string(),
            ratio(p.consensus, p.runs).to_string(),
        ];
        for m in &p.measures {
            row.push(Fixed6(m.mean).to_string());
            row.push(Fixed6(m.sd).to_string());
            row.extend(m.quantiles.iter().map(|q| q.map_or_else(String::new, |q| q.to_string())));
        }
        row
    })
}
