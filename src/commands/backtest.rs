//! `ungasim backtest`: simulate recorded texts and score the simulated
//! votes against the record, beside three baselines built from the record
//! alone.
//!
//! Every proposal of the scenarios whose id (or, failing that, its single
//! `like` id) is a text of the roll calls is simulated, and each state's
//! simulated P(yes, no, abstain, absent) is scored against its recorded
//! vote: over the states present in the record, with the probabilities
//! conditioned on presence and floored ([`forecast::present_probabilities`]),
//! the proposal's sponsors left out (they vote Yes by rule), as in the
//! calibration. The recorded Yes, No, Abstain and Absent counts are set
//! against the simulated 90% intervals (5% and 95% quantiles of the count
//! histograms, as in `summary.csv`).
//!
//! The same votes are scored under the [`Baseline`]s; each turns its
//! predicted vote into probabilities with its own hit rate over all the
//! votes it predicts (the log-loss-optimal constant confidence, chosen in
//! hindsight, which favours the baseline), and falls back on the text's
//! recorded shares where it has no prediction (again information it could
//! not have had). See [`crate::fit::forecast`].
//!
//! With `loo`, each text is instead forecast out of sample: the roster is
//! refitted without it at the roster's chosen grid point
//! ([`crate::fit::calibrate::fit_at`]) and the proposal's `like` becomes the
//! other texts of its series, so every run draws the text from the
//! series' distribution. A text alone in its series cannot be forecast
//! this way and is skipped (the report says so).
//!
//! Everything is deterministic: batches give the same tallies for any
//! thread count, refits are sequential arithmetic run in parallel but
//! collected in input order, and the files hold no timing.

use super::{SERIES_CSV, parse_series};
use crate::aggregate::stats;
use crate::aggregate::{ProposalTally, Tally};
use crate::batch::{self, BatchPlan};
use crate::fit::calibrate::{self, Choice, Score, Settings};
use crate::fit::forecast::{self, Baseline, Baselines};
use crate::history::RollCalls;
use crate::model::{Scenario, Vote};
use crate::roster::Roster;
use crate::scenario;
use anyhow::Context;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Runs per simulated scenario unless `--runs` says otherwise.
pub const DEFAULT_RUNS: u64 = 10_000;
/// The per-state file.
pub const BACKTEST_CSV: &str = "backtest.csv";
/// The per-text and overall scores.
pub const SUMMARY_CSV: &str = "backtest_summary.csv";

/// Everything `backtest` needs, checked by the CLI.
#[derive(Debug, Clone)]
pub struct BacktestSettings {
    /// The recorded votes (long or `unvotes` layout).
    pub rollcalls: PathBuf,
    /// Scenario files whose proposals are matched to recorded texts.
    pub scenarios: Vec<PathBuf>,
    /// Runs per scenario (>= 1).
    pub runs: u64,
    /// Worker threads (the results do not depend on it).
    pub threads: usize,
    /// A calibrated roster directory instead of each scenario's.
    pub roster: Option<PathBuf>,
    /// Output directory (created if needed; the two files are replaced).
    pub out: PathBuf,
    /// Forecast each text from a refit without it instead of in sample.
    pub loo: bool,
}

/// What produced a set of probabilities.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// The simulation on the scenario's roster (in sample).
    Model,
    /// The simulation on a refit without the text (out of sample).
    Loo,
    /// A baseline.
    Baseline(Baseline),
}

impl Method {
    /// Name in `backtest_summary.csv`.
    pub fn name(self) -> &'static str {
        match self {
            Method::Model => "model",
            Method::Loo => "loo",
            Method::Baseline(b) => b.name(),
        }
    }
}

/// A recorded count against its simulated 90% interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CountInterval {
    /// The recorded count.
    pub recorded: u32,
    /// 5% quantile of the simulated count.
    pub lo: u32,
    /// 95% quantile of the simulated count.
    pub hi: u32,
}

impl CountInterval {
    /// Whether the recorded count lies in `[lo, hi]`.
    pub fn inside(&self) -> bool {
        (self.lo..=self.hi).contains(&self.recorded)
    }

    /// `hi - lo`.
    pub fn width(&self) -> u32 {
        self.hi - self.lo
    }
}

/// One state on one text.
#[derive(Debug, Clone, PartialEq)]
pub struct StateForecast {
    /// ISO3 code.
    pub iso3: String,
    /// The recorded vote.
    pub recorded: Vote,
    /// Simulated `[yes, no, abstain, absent]` shares of the runs.
    pub simulated: [f64; 4],
    /// `[yes, no, abstain]` conditioned on presence and floored.
    pub probabilities: [f64; 3],
    /// Whether the vote is scored (present in the record, not a sponsor).
    pub scored: bool,
    /// The baselines' predicted votes (Yes 0, No 1, Abstain 2), [`Baseline::ALL`] order.
    pub baselines: [Option<u8>; 3],
}

/// The backtest of one recorded text.
#[derive(Debug, Clone, PartialEq)]
pub struct TextBacktest {
    /// The text's id in the roll calls.
    pub text: String,
    /// The scenario file.
    pub scenario: PathBuf,
    /// The proposal's id.
    pub proposal: String,
    /// The simulation's score.
    pub model: Score,
    /// The baselines' scores, [`Baseline::ALL`] order.
    pub baselines: [Score; 3],
    /// Recorded Yes, No, Abstain and Absent against their intervals.
    pub counts: [CountInterval; 4],
    /// Per state, roster order.
    pub states: Vec<StateForecast>,
}

/// A proposal that matches no recorded text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unmatched {
    /// The scenario file.
    pub scenario: PathBuf,
    /// The proposal's id.
    pub proposal: String,
}

/// A matched text left out of a leave-one-out backtest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The text's id.
    pub text: String,
    /// Why.
    pub reason: String,
}

/// What a backtest found.
#[derive(Debug, Clone, PartialEq)]
pub struct BacktestReport {
    /// The output directory.
    pub out: PathBuf,
    /// [`Method::Model`] or [`Method::Loo`].
    pub method: Method,
    /// Runs per scenario.
    pub runs: u64,
    /// The texts backtested, in scenario and proposal order.
    pub texts: Vec<TextBacktest>,
    /// The simulation's score over all texts.
    pub overall: Score,
    /// The baselines' scores over all texts.
    pub overall_baselines: [Score; 3],
    /// Each baseline's hit rate over the votes it predicted (its confidence).
    pub hit_rates: [Option<f64>; 3],
    /// Proposals that match no recorded text.
    pub unmatched: Vec<Unmatched>,
    /// Matched texts not forecast (leave-one-out only).
    pub skipped: Vec<Skipped>,
    /// Wall time of the whole command.
    pub wall_seconds: f64,
}

/// A proposal matched to a recorded text.
struct Match {
    scenario: usize,
    proposal: usize,
    text: usize,
}

/// A loaded scenario file.
struct Loaded {
    path: PathBuf,
    scenario: Scenario,
    text: String,
    roster: usize,
}

/// Simulates the matched proposals, scores them and the baselines, and
/// writes [`BACKTEST_CSV`] and [`SUMMARY_CSV`] into `settings.out`.
pub fn backtest(settings: &BacktestSettings) -> anyhow::Result<BacktestReport> {
    let clock = Instant::now();
    super::check_runs_option(Some(settings.runs))?;
    anyhow::ensure!(settings.threads > 0, "--threads must be at least 1");
    let facts = Roster::embedded();
    let calls = RollCalls::read_files(std::slice::from_ref(&settings.rollcalls), facts)?;

    let mut rosters: Vec<Roster> = Vec::new();
    let mut loaded = Vec::new();
    for path in &settings.scenarios {
        let (scenario, text) = scenario::load_with_text(path, &[], settings.roster.as_deref())?;
        let iso3: Vec<&str> = scenario.states.iter().map(|s| s.iso3.as_str()).collect();
        anyhow::ensure!(
            iso3.iter().copied().eq(facts.states.iter().map(|s| s.iso3.as_str())),
            "{}: its states are not the roster's, in the roster's order",
            path.display()
        );
        let roster = match rosters.iter().position(|r| r.source == scenario.roster) {
            Some(k) => k,
            None => {
                rosters.push(load_roster(&scenario.roster)?);
                rosters.len() - 1
            }
        };
        loaded.push(Loaded { path: path.clone(), scenario, text, roster });
    }

    let (matches, unmatched) = match_proposals(&loaded, &calls)?;
    if matches.is_empty() {
        let names: Vec<String> = settings.scenarios.iter().map(|p| p.display().to_string()).collect();
        anyhow::bail!(
            "no proposal of {} matches a text of {} (by id, or by its single `like`)",
            names.join(", "),
            settings.rollcalls.display()
        );
    }
    let series = series_map(&calls, &rosters)?;
    let groups: Vec<String> = facts.states.iter().map(|s| s.group.clone()).collect();
    let baselines = Baselines::new(&calls, &series, groups);
    let pool = rayon::ThreadPoolBuilder::new().num_threads(settings.threads).build()?;

    let mut texts = Vec::new();
    let mut skipped = Vec::new();
    if settings.loo {
        let mut jobs = Vec::new();
        for m in &matches {
            let id = &calls.texts[m.text].id;
            let others: Vec<String> = baselines.siblings(m.text).iter().map(|&k| calls.texts[k].id.clone()).collect();
            if others.is_empty() {
                let reason = match series.get(id) {
                    Some(name) => format!("alone in its series `{name}`"),
                    None => "no series".to_string(),
                };
                skipped.push(Skipped { text: id.clone(), reason });
            } else {
                jobs.push((m, others));
            }
        }
        let refits: Vec<anyhow::Result<Roster>> = pool.install(|| {
            jobs.par_iter().map(|(m, _)| refit(&rosters[loaded[m.scenario].roster], &calls, m.text, &series)).collect()
        });
        for ((m, others), roster) in jobs.iter().zip(refits) {
            let roster = roster?;
            let source = &loaded[m.scenario];
            let proposal = &source.scenario.proposals[m.proposal];
            let file = format!("{} (leave-one-out of {})", source.path.display(), calls.texts[m.text].id);
            let text = with_like(&source.text, &file, &proposal.id, others)?;
            let scenario = scenario::parse_on_roster(&text, &file, &[], &roster)?;
            let tally = simulate(&scenario, settings)?;
            texts.push(text_backtest(&calls, m, source, &scenario, &tally.proposals[m.proposal]));
        }
    } else {
        let mut tallies: Vec<Option<Tally>> = vec![None; loaded.len()];
        for m in &matches {
            if tallies[m.scenario].is_none() {
                tallies[m.scenario] = Some(simulate(&loaded[m.scenario].scenario, settings)?);
            }
            let (source, tally) = (&loaded[m.scenario], tallies[m.scenario].as_ref().expect("simulated"));
            texts.push(text_backtest(&calls, m, source, &source.scenario, &tally.proposals[m.proposal]));
        }
    }

    let forecast_matches: Vec<&Match> =
        matches.iter().filter(|m| !skipped.iter().any(|s| s.text == calls.texts[m.text].id)).collect();
    let hit_rates = score_baselines(&calls, &baselines, &forecast_matches, &mut texts);
    let mut overall = Score::default();
    let mut overall_baselines: [Score; 3] = Default::default();
    for t in &texts {
        overall.add(&t.model);
        for (total, score) in overall_baselines.iter_mut().zip(&t.baselines) {
            total.add(score);
        }
    }
    let method = if settings.loo { Method::Loo } else { Method::Model };
    let mut report = BacktestReport {
        out: settings.out.clone(),
        method,
        runs: settings.runs,
        texts,
        overall,
        overall_baselines,
        hit_rates,
        unmatched,
        skipped,
        wall_seconds: 0.0,
    };
    write_files(&report)?;
    report.wall_seconds = clock.elapsed().as_secs_f64();
    Ok(report)
}

/// The roster a scenario was built on, by its source name.
fn load_roster(source: &str) -> anyhow::Result<Roster> {
    if source == Roster::embedded().source {
        return Ok(Roster::embedded().clone());
    }
    Ok(Roster::load_dir(Path::new(source))?)
}

/// Each proposal's recorded text, or why it has none; a text matched twice is an error.
fn match_proposals(loaded: &[Loaded], calls: &RollCalls) -> anyhow::Result<(Vec<Match>, Vec<Unmatched>)> {
    let mut matches: Vec<Match> = Vec::new();
    let mut unmatched = Vec::new();
    for (s, source) in loaded.iter().enumerate() {
        for (p, proposal) in source.scenario.proposals.iter().enumerate() {
            let Some(text) = crate::history::record::recorded_text(calls, proposal) else {
                unmatched.push(Unmatched { scenario: source.path.clone(), proposal: proposal.id.clone() });
                continue;
            };
            if let Some(first) = matches.iter().find(|m| m.text == text) {
                let other = &loaded[first.scenario];
                anyhow::bail!(
                    "text `{}` is matched by proposal `{}` of {} and by proposal `{}` of {}",
                    calls.texts[text].id,
                    other.scenario.proposals[first.proposal].id,
                    other.path.display(),
                    proposal.id,
                    source.path.display()
                );
            }
            matches.push(Match { scenario: s, proposal: p, text });
        }
    }
    Ok((matches, unmatched))
}

/// Each recorded text's series: from the first roster whose calibration
/// gives it one, else from the embedded `data/series.csv`.
fn series_map(calls: &RollCalls, rosters: &[Roster]) -> anyhow::Result<BTreeMap<String, String>> {
    let table = parse_series(SERIES_CSV, "data/series.csv")?;
    let mut series = BTreeMap::new();
    for text in &calls.texts {
        let from_roster = rosters.iter().find_map(|r| r.calibration.text(&text.id).and_then(|t| t.series.clone()));
        if let Some(name) = from_roster.or_else(|| table.get(&text.id).cloned()) {
            series.insert(text.id.clone(), name);
        }
    }
    Ok(series)
}

/// `roster` refitted without text `text` at its chosen grid point, as the
/// embedded facts with the refit's calibration.
fn refit(roster: &Roster, calls: &RollCalls, text: usize, series: &BTreeMap<String, String>) -> anyhow::Result<Roster> {
    let model = &roster.calibration.model;
    let choice =
        Choice { conformity: model.conformity, cohesion_scale: model.cohesion_scale, band_offsets: model.band_offsets };
    let settings = Settings {
        dims: model.free_dimensions,
        threads: 1,
        rounds: model.rounds,
        tie_weight: model.tie_weight,
        ..Settings::default()
    };
    let outcome = calibrate::fit_at(roster, &calls.without(text), series, &settings, &choice, model.grid.clone())
        .with_context(|| format!("refit without {}", calls.texts[text].id))?;
    Ok(Roster::embedded().clone().with_calibration(outcome.calibration, "leave-one-out"))
}

/// The scenario text with proposal `proposal`'s `like` set to `like` (and
/// any `position`, `status_quo` and `salience` removed, which a series
/// `like` draws instead).
fn with_like(text: &str, file: &str, proposal: &str, like: &[String]) -> anyhow::Result<String> {
    let mut table: toml::Table = text.parse().with_context(|| format!("{file}: not a TOML table"))?;
    let entry = table
        .get_mut("proposals")
        .and_then(toml::Value::as_array_mut)
        .and_then(|list| {
            list.iter_mut()
                .filter_map(toml::Value::as_table_mut)
                .find(|p| p.get("id").and_then(toml::Value::as_str) == Some(proposal))
        })
        .with_context(|| format!("{file}: no proposal `{proposal}`"))?;
    entry.insert("like".to_string(), toml::Value::Array(like.iter().cloned().map(toml::Value::String).collect()));
    for key in ["position", "status_quo", "salience"] {
        entry.remove(key);
    }
    Ok(toml::to_string(&table)?)
}

/// The batch of `scenario` over runs `0..settings.runs`.
fn simulate(scenario: &Scenario, settings: &BacktestSettings) -> anyhow::Result<Tally> {
    let plan = BatchPlan { runs: 0..settings.runs, threads: settings.threads, per_run: false, per_state: false };
    Ok(batch::run(scenario, &plan, &crate::interrupt::Interrupt::new(), &|_| {}, |_| Ok(batch::Flow::Continue))?)
}

/// The simulation's part of a text's backtest (the baselines come later).
fn text_backtest(
    calls: &RollCalls,
    m: &Match,
    source: &Loaded,
    scenario: &Scenario,
    tally: &ProposalTally,
) -> TextBacktest {
    let proposal = &scenario.proposals[m.proposal];
    let recorded = &calls.votes[m.text];
    let runs = tally.runs as f64;
    let states: Vec<StateForecast> = scenario
        .states
        .iter()
        .enumerate()
        .map(|(i, state)| {
            let simulated = tally.state_votes[i].map(|c| c as f64 / runs);
            StateForecast {
                iso3: state.iso3.clone(),
                recorded: recorded[i],
                simulated,
                probabilities: forecast::present_probabilities(simulated),
                scored: recorded[i] != Vote::Absent && !proposal.sponsors.contains(&i),
                baselines: [None; 3],
            }
        })
        .collect();
    let (votes, probabilities) = scored_votes(&states);
    let model = Score::of(&votes, &probabilities);
    let record = calls.tally(m.text);
    let counts = std::array::from_fn(|v| {
        let quantiles = stats::moments(&tally.histograms[v], 0).quantiles;
        let at = |q: Option<i64>| q.expect("a batch has runs") as u32;
        CountInterval { recorded: record[v], lo: at(quantiles[0]), hi: at(quantiles[4]) }
    });
    TextBacktest {
        text: calls.texts[m.text].id.clone(),
        scenario: source.path.clone(),
        proposal: proposal.id.clone(),
        model,
        baselines: Default::default(),
        counts,
        states,
    }
}

/// The votes to score (`None`: not scored) and the model's probabilities.
fn scored_votes(states: &[StateForecast]) -> (Vec<Option<u8>>, Vec<[f64; 3]>) {
    states.iter().map(|s| (if s.scored { forecast::present(s.recorded) } else { None }, s.probabilities)).unzip()
}

/// Fills in the baselines' predictions and scores of `texts` (one per
/// match, same order); returns their hit rates.
fn score_baselines(
    calls: &RollCalls,
    baselines: &Baselines<'_>,
    matches: &[&Match],
    texts: &mut [TextBacktest],
) -> [Option<f64>; 3] {
    for (m, t) in matches.iter().zip(texts.iter_mut()) {
        for (k, &b) in Baseline::ALL.iter().enumerate() {
            for (state, prediction) in t.states.iter_mut().zip(baselines.predictions(b, m.text)) {
                state.baselines[k] = prediction;
            }
        }
    }
    let hit_rates: [Option<f64>; 3] = std::array::from_fn(|k| {
        forecast::hit_rate(texts.iter().flat_map(|t| {
            t.states
                .iter()
                .filter(|s| s.scored)
                .filter_map(move |s| Some((s.baselines[k], forecast::present(s.recorded)?)))
        }))
    });
    for (m, t) in matches.iter().zip(texts.iter_mut()) {
        let shares = forecast::recorded_shares(&calls.votes[m.text]);
        let (votes, _) = scored_votes(&t.states);
        for (k, hit_rate) in hit_rates.iter().enumerate() {
            let probabilities: Vec<[f64; 3]> = t
                .states
                .iter()
                .map(|s| forecast::baseline_probabilities(s.baselines[k], hit_rate.unwrap_or(0.0), shares))
                .collect();
            t.baselines[k] = Score::of(&votes, &probabilities);
        }
    }
    hit_rates
}

/// Y, N, A or X.
fn letter(vote: Vote) -> &'static str {
    ["Y", "N", "A", "X"][vote as usize]
}

/// A scored vote's letter (Y, N or A); empty for none.
fn vote_letter(vote: Option<u8>) -> &'static str {
    vote.map_or("", |v| ["Y", "N", "A"][usize::from(v)])
}

impl BacktestReport {
    /// `backtest.csv`: one row per text and state.
    pub fn backtest_csv(&self) -> String {
        let mut out =
            String::from("text,iso3,recorded,p_yes,p_no,p_abstain,p_absent,predicted,previous,frequent,group\n");
        for t in &self.texts {
            for s in &t.states {
                let p = s.simulated;
                writeln!(
                    out,
                    "{},{},{},{:.6},{:.6},{:.6},{:.6},{},{},{},{}",
                    t.text,
                    s.iso3,
                    letter(s.recorded),
                    p[0],
                    p[1],
                    p[2],
                    p[3],
                    vote_letter(Some(forecast::modal(&s.probabilities))),
                    vote_letter(s.baselines[0]),
                    vote_letter(s.baselines[1]),
                    vote_letter(s.baselines[2]),
                )
                .unwrap();
            }
        }
        out
    }

    /// `backtest_summary.csv`: per text one row per method (the tally
    /// columns only on the simulation's), then the `overall` rows.
    pub fn summary_csv(&self) -> String {
        let mut out = String::from("text,method,votes,accuracy,brier,log_loss");
        for v in ["yes", "no", "abstain", "absent"] {
            write!(out, ",{v},{v}_lo,{v}_hi").unwrap();
        }
        out.push('\n');
        let row = |out: &mut String, text: &str, method: Method, s: &Score, counts: Option<&[CountInterval; 4]>| {
            write!(
                out,
                "{text},{},{},{:.6},{:.6},{:.6}",
                method.name(),
                s.votes,
                s.accuracy(),
                s.brier(),
                s.log_loss()
            )
            .unwrap();
            for v in 0..4 {
                match counts {
                    Some(c) => write!(out, ",{},{},{}", c[v].recorded, c[v].lo, c[v].hi).unwrap(),
                    None => out.push_str(",,,"),
                }
            }
            out.push('\n');
        };
        for t in &self.texts {
            row(&mut out, &t.text, self.method, &t.model, Some(&t.counts));
            for (b, s) in Baseline::ALL.iter().zip(&t.baselines) {
                row(&mut out, &t.text, Method::Baseline(*b), s, None);
            }
        }
        row(&mut out, "overall", self.method, &self.overall, None);
        for (b, s) in Baseline::ALL.iter().zip(&self.overall_baselines) {
            row(&mut out, "overall", Method::Baseline(*b), s, None);
        }
        out
    }

    /// Recorded counts inside their interval, and all counts.
    pub fn counts_inside(&self) -> (usize, usize) {
        let all = self.texts.iter().flat_map(|t| &t.counts);
        (all.clone().filter(|c| c.inside()).count(), all.count())
    }

    /// The short table `ungasim backtest` prints.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let kind = match self.method {
            Method::Loo => "leave-one-out forecasts (refit without each text)",
            _ => "in sample",
        };
        writeln!(out, "Backtest, {kind}: {} text(s), {} runs each", self.texts.len(), self.runs).unwrap();
        writeln!(out, "accuracy / log loss over present votes, sponsors left out").unwrap();
        let name = self.method.name();
        writeln!(
            out,
            "{:<14} {:>5}  {:>13}  {:>13}  {:>13}  {:>13}  {:>6}  widths Y/N/A/X",
            "text", "votes", name, "previous", "frequent", "group", "in 90%"
        )
        .unwrap();
        let cell = |s: &Score| format!("{:.3} / {:.3}", s.accuracy(), s.log_loss());
        for t in &self.texts {
            let inside = t.counts.iter().filter(|c| c.inside()).count();
            let widths: Vec<String> = t.counts.iter().map(|c| c.width().to_string()).collect();
            writeln!(
                out,
                "{:<14} {:>5}  {:>13}  {:>13}  {:>13}  {:>13}  {:>6}  {}",
                t.text,
                t.model.votes,
                cell(&t.model),
                cell(&t.baselines[0]),
                cell(&t.baselines[1]),
                cell(&t.baselines[2]),
                format!("{inside}/4"),
                widths.join("/")
            )
            .unwrap();
        }
        let (inside, all) = self.counts_inside();
        writeln!(
            out,
            "{:<14} {:>5}  {:>13}  {:>13}  {:>13}  {:>13}  {:>6}",
            "overall",
            self.overall.votes,
            cell(&self.overall),
            cell(&self.overall_baselines[0]),
            cell(&self.overall_baselines[1]),
            cell(&self.overall_baselines[2]),
            format!("{inside}/{all}")
        )
        .unwrap();
        for t in &self.texts {
            for (c, v) in t.counts.iter().zip(Vote::ALL) {
                if !c.inside() {
                    writeln!(out, "  {}: {} {} outside [{}, {}]", t.text, v.name(), c.recorded, c.lo, c.hi).unwrap();
                }
            }
        }
        let rates: Vec<String> = Baseline::ALL
            .iter()
            .zip(&self.hit_rates)
            .map(|(b, h)| format!("{} {}", b.name(), h.map_or("-".to_string(), |h| format!("{h:.3}"))))
            .collect();
        writeln!(out, "baseline confidence (hit rate in hindsight): {}", rates.join(", ")).unwrap();
        for u in &self.unmatched {
            writeln!(out, "not matched: proposal `{}` of {}", u.proposal, u.scenario.display()).unwrap();
        }
        for s in &self.skipped {
            writeln!(out, "skipped: {} ({}: nothing to forecast it from)", s.text, s.reason).unwrap();
        }
        out
    }
}

/// Writes both files under hidden partial names, then renames them into place.
fn write_files(report: &BacktestReport) -> anyhow::Result<()> {
    let out = &report.out;
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let files = [(BACKTEST_CSV, report.backtest_csv()), (SUMMARY_CSV, report.summary_csv())];
    for (name, text) in &files {
        let partial = out.join(format!(".{name}.partial"));
        std::fs::write(&partial, text).with_context(|| format!("cannot write {}", partial.display()))?;
    }
    for (name, _) in &files {
        let (partial, target) = (out.join(format!(".{name}.partial")), out.join(name));
        std::fs::rename(&partial, &target).with_context(|| format!("cannot write {}", target.display()))?;
    }
    Ok(())
}
