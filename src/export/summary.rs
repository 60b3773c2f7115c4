//! `summary.csv`: one row per proposal with P(adopted), its Wilson
//! interval, P(consensus), and mean, sd and quantiles of every tally.

use super::csvfmt::{Fixed6, ratio};
use crate::aggregate::Tally;
use crate::aggregate::stats::{QUANTILES, moments, wilson};
use crate::model::Scenario;

/// The tallies summarised, in column order.
const MEASURES: [&str; 5] = ["yes", "no", "abstain", "absent", "margin"];

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
    let n = scenario.states.len() as i64;
    scenario.proposals.iter().zip(&tally.proposals).map(move |(proposal, p)| {
        let passed = p.adopted + p.consensus;
        let (lo, hi) = wilson(passed, p.runs);
        let mut row = vec![
            proposal.id.clone(),
            p.runs.to_string(),
            ratio(passed, p.runs).to_string(),
            Fixed6(lo).to_string(),
            Fixed6(hi).to_string(),
            ratio(p.consensus, p.runs).to_string(),
        ];
        let histograms = p.histograms.iter().map(|h| (h, 0)).chain([(&p.margin, -n)]);
        for (histogram, offset) in histograms {
            let m = moments(histogram, offset);
            row.push(Fixed6(m.mean).to_string());
            row.push(Fixed6(m.sd).to_string());
            row.extend(m.quantiles.iter().map(|q| q.map_or_else(String::new, |q| q.to_string())));
        }
        row
    })
}
