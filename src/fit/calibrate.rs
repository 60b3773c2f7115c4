//! `calibrate`: the maximum a posteriori fit of the roster to recorded votes.
//!
//! For each point of a small conformity x cohesion grid, the texts are
//! fitted through that point's influence rounds ([`super::likelihood`]) and
//! scored by leave-one-resolution-out forecasts: each text of a series of
//! two or more is refitted away and forecast from the rest of its series,
//! the way `like = [...]` forecasts a new text (the series' mean direction
//! and offset, integrated over the pooled between-text spread). The point
//! with the lowest forecast log loss wins; per-state band offsets are then
//! kept only if they lower that score too. The final fit on all texts gives
//! the [`Calibration`].
//!
//! Everything is deterministic: each fit is sequential `f64` arithmetic from
//! a fixed start, grid points run in parallel but are collected in grid
//! order, so the output has the same bytes for any thread count.

use super::lbfgs::{self, Minimum};
use super::likelihood::{FitText, Params, Posterior};
use super::rounds::LinearRounds;
use crate::date::Date;
use crate::engine::noise;
use crate::engine::rng::SimRng;
use crate::history::RollCalls;
use crate::model::{Noise, Vote};
use crate::roster::Roster;
use crate::roster::calibration::{
    CalibratedModel, CalibratedState, CalibratedText, Calibration, GridPoint, TextGeometry, rounded,
};
use rand::SeedableRng;
use rand_distr::{Distribution, StandardNormal};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Pseudo-count of the attendance estimate's shrinkage toward the overall rate.
pub const ATTENDANCE_SHRINKAGE: f64 = 2.0;
/// Draws of a series' spread used to score a leave-one-out forecast.
pub const FORECAST_DRAWS: usize = 64;
/// Name of the third dimension when `--dims 3`.
pub const THIRD_DIMENSION: &str = "third";

/// How to calibrate.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Free dimensions K (1..=3): 1 fits `sovereignty` and keeps `development`
    /// at its capacity-derived value; 2 fits both; 3 adds a third.
    pub dims: usize,
    /// Worker threads (the result does not depend on it).
    pub threads: usize,
    /// Influence rounds R.
    pub rounds: u32,
    /// Weight beta_tie of the ties to the sponsor.
    pub tie_weight: f64,
    /// Conformity values tried.
    pub conformity_grid: Vec<f64>,
    /// Cohesion factors tried (with conformity > 0).
    pub cohesion_grid: Vec<f64>,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            dims: 1,
            threads: 1,
            rounds: 3,
            tie_weight: 0.5,
            conformity_grid: vec![0.0, 0.2, 0.4, 0.6, 0.8],
            cohesion_grid: vec![0.5, 1.0],
        }
    }
}

/// Scores of fitted or forecast votes (present states, sponsors left out).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Score {
    /// Votes scored.
    pub votes: usize,
    /// Sum of log P(recorded vote).
    pub log_likelihood: f64,
    /// Votes whose most probable vote was the recorded one.
    pub correct: usize,
    /// Votes not in the text's most common recorded vote (for APRE).
    pub minority: usize,
    /// Sum of the 3-class Brier scores.
    pub brier_sum: f64,
    /// Recorded abstentions.
    pub abstentions: usize,
    /// Recorded abstentions whose most probable vote was Abstain.
    pub abstentions_predicted: usize,
}

impl Score {
    /// Scores one text's recorded votes against per-state `[yes, no, abstain]` probabilities.
    pub fn of(votes: &[Option<u8>], probabilities: &[[f64; 3]]) -> Score {
        let mut score = Score::default();
        let mut counts = [0usize; 3];
        for (vote, p) in votes.iter().zip(probabilities) {
            let Some(vote) = vote.map(usize::from) else { continue };
            counts[vote] += 1;
            score.votes += 1;
            score.log_likelihood += p[vote].max(1e-300).ln();
            let modal = (0..3).fold(0, |best, c| if p[c] > p[best] { c } else { best });
            score.correct += usize::from(modal == vote);
            score.brier_sum += (0..3).map(|c| (p[c] - f64::from(u8::from(c == vote))).powi(2)).sum::<f64>();
            if vote == 2 {
                score.abstentions += 1;
                score.abstentions_predicted += usize::from(modal == 2);
            }
        }
        score.minority = score.votes - counts.iter().max().copied().unwrap_or(0);
        score
    }

    /// Adds another score.
    pub fn add(&mut self, other: &Score) {
        self.votes += other.votes;
        self.log_likelihood += other.log_likelihood;
        self.correct += other.correct;
        self.minority += other.minority;
        self.brier_sum += other.brier_sum;
        self.abstentions += other.abstentions;
        self.abstentions_predicted += other.abstentions_predicted;
    }

    /// Share of votes predicted right.
    pub fn accuracy(&self) -> f64 {
        self.correct as f64 / self.votes.max(1) as f64
    }

    /// Aggregate proportional reduction in error against "everyone votes the majority's vote".
    pub fn apre(&self) -> f64 {
        let errors = self.votes - self.correct;
        if self.minority == 0 { 0.0 } else { (self.minority as f64 - errors as f64) / self.minority as f64 }
    }

    /// Mean 3-class Brier score.
    pub fn brier(&self) -> f64 {
        self.brier_sum / self.votes.max(1) as f64
    }

    /// Mean log loss.
    pub fn log_loss(&self) -> f64 {
        -self.log_likelihood / self.votes.max(1) as f64
    }
}

/// The fit's account of itself.
#[derive(Debug, Clone)]
pub struct FitReport {
    /// Per text, in input order: id and in-sample score.
    pub texts: Vec<(String, Score)>,
    /// All texts together.
    pub overall: Score,
    /// L-BFGS iterations of the final fit.
    pub iterations: usize,
    /// Whether it converged.
    pub converged: bool,
    /// Largest gradient component at the end.
    pub gradient_norm: f64,
    /// Texts without a date (fitted at the roster's latest membership).
    pub undated: usize,
}

/// The result of [`calibrate`].
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The calibrated roster values.
    pub calibration: Calibration,
    /// How well they fit.
    pub report: FitReport,
}

/// Why a calibration cannot be done.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FitError {
    /// No text to fit.
    #[error("no recorded text to fit")]
    NoTexts,
    /// Bad settings.
    #[error("{0}")]
    Settings(String),
}

/// The texts and roster as the fit needs them.
struct Data<'a> {
    roster: &'a Roster,
    ids: Vec<String>,
    dates: Vec<Date>,
    sponsors: Vec<Option<usize>>,
    series: Vec<Option<String>>,
    votes: Vec<Vec<Option<u8>>>,
    dims: usize,
    free_dims: usize,
    prior_mean: Vec<f64>,
    settings: Settings,
}

/// Capacity-derived development coordinate 2 (mean capacity - c_i): low
/// capacity means a capacity-building agenda (the prior mean of `development`).
pub fn development_prior(capacity: &[f64]) -> Vec<f64> {
    let mean = capacity.iter().sum::<f64>() / capacity.len() as f64;
    capacity.iter().map(|c| 2.0 * (mean - c)).collect()
}

/// Fits `roster` to the recorded votes `calls`; `series` maps text ids to series names.
pub fn calibrate(
    roster: &Roster,
    calls: &RollCalls,
    series: &BTreeMap<String, String>,
    settings: &Settings,
) -> Result<Outcome, FitError> {
    let data = Data::new(roster, calls, series, settings)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(settings.threads.max(1))
        .build()
        .map_err(|e| FitError::Settings(format!("cannot start {} threads: {e}", settings.threads)))?;
    let mut points: Vec<(f64, f64)> = Vec::new();
    for &lambda in &settings.conformity_grid {
        if lambda == 0.0 {
            points.push((0.0, 1.0));
        } else {
            points.extend(settings.cohesion_grid.iter().map(|&kappa| (lambda, kappa)));
        }
    }
    let mut grid: Vec<GridPoint> =
        pool.install(|| points.par_iter().map(|&(lambda, kappa)| data.grid_point(lambda, kappa, false)).collect());
    let best =
        grid.iter().enumerate().fold(0, |best, (k, g)| if g.loo_log_loss < grid[best].loo_log_loss { k } else { best });
    let (lambda, kappa) = (grid[best].conformity, grid[best].cohesion_scale);
    let with_offsets = data.grid_point(lambda, kappa, true);
    let band_offsets = with_offsets.loo_log_loss < grid[best].loo_log_loss;
    grid.push(with_offsets);

    let choice = Choice { conformity: lambda, cohesion_scale: kappa, band_offsets };
    Ok(data.final_fit(calls, &choice, grid))
}

/// A point of the grid: conformity, cohesion factor, per-state bands or not.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Choice {
    /// Conformity of every state.
    pub conformity: f64,
    /// Factor on the blocs' default cohesion.
    pub cohesion_scale: f64,
    /// Whether states get their own bands.
    pub band_offsets: bool,
}

/// Fits at one grid point, without the grid search (a leave-one-out refit
/// at the chosen point, for example); the calibration's grid is `grid`.
pub fn fit_at(
    roster: &Roster,
    calls: &RollCalls,
    series: &BTreeMap<String, String>,
    settings: &Settings,
    choice: &Choice,
    grid: Vec<GridPoint>,
) -> Result<Outcome, FitError> {
    let data = Data::new(roster, calls, series, settings)?;
    Ok(data.final_fit(calls, choice, grid))
}

impl Data<'_> {
    fn final_fit(&self, calls: &RollCalls, choice: &Choice, grid: Vec<GridPoint>) -> Outcome {
        let data = self;
        let (lambda, kappa, band_offsets) = (choice.conformity, choice.cohesion_scale, choice.band_offsets);
        let (roster, n, dims) = (data.roster, data.roster.states.len(), data.dims);
        let networks = data.networks(lambda, kappa, &(0..data.ids.len()).collect::<Vec<_>>());
        let posterior = data.posterior(networks, band_offsets);
        let minimum = data.fit(&posterior, None);
        let mut params = posterior.unpack(&minimum.x);
        let usa = roster.states.iter().position(|s| s.iso3 == "USA");
        if let Some(usa) = usa
            && params.position[usa * dims] > 0.0
        {
            for i in 0..n {
                params.position[i * dims] = -params.position[i * dims];
            }
            for t in &mut params.text {
                t[0] = -t[0];
            }
        }
        let mut report = FitReport {
            texts: Vec::new(),
            overall: Score::default(),
            iterations: minimum.iterations,
            converged: minimum.converged,
            gradient_norm: minimum.gradient_norm,
            undated: calls.texts.iter().filter(|t| t.date.is_none()).count(),
        };
        for j in 0..data.ids.len() {
            let probabilities = probabilities(&posterior.stances(j, &params), &params);
            let score = Score::of(&data.votes[j], &probabilities);
            report.overall.add(&score);
            report.texts.push((data.ids[j].clone(), score));
        }
        let calibration = data.calibration(calls, &params, lambda, kappa, band_offsets, grid);
        Outcome { calibration, report }
    }
}

impl<'a> Data<'a> {
    fn new(
        roster: &'a Roster,
        calls: &RollCalls,
        series: &BTreeMap<String, String>,
        settings: &Settings,
    ) -> Result<Data<'a>, FitError> {
        if calls.texts.is_empty() {
            return Err(FitError::NoTexts);
        }
        if !(1..=3).contains(&settings.dims) {
            return Err(FitError::Settings(format!("--dims must be 1, 2 or 3, not {}", settings.dims)));
        }
        let n = roster.states.len();
        let dims = settings.dims.max(2);
        let development = development_prior(&roster.states.iter().map(|s| s.capacity).collect::<Vec<_>>());
        let mut prior_mean = vec![0.0; n * dims];
        for i in 0..n {
            prior_mean[i * dims + 1] = development[i];
        }
        let latest = roster.latest_date();
        Ok(Data {
            roster,
            ids: calls.texts.iter().map(|t| t.id.clone()).collect(),
            dates: calls.texts.iter().map(|t| t.date.unwrap_or(latest)).collect(),
            sponsors: calls.texts.iter().map(|t| t.sponsor).collect(),
            series: calls.texts.iter().map(|t| series.get(&t.id).cloned()).collect(),
            votes: calls
                .votes
                .iter()
                .zip(&calls.texts)
                .map(|(votes, text)| {
                    votes
                        .iter()
                        .enumerate()
                        .map(|(i, v)| match v {
                            _ if Some(i) == text.sponsor => None,
                            Vote::Yes => Some(0),
                            Vote::No => Some(1),
                            Vote::Abstain => Some(2),
                            Vote::Absent => None,
                        })
                        .collect()
                })
                .collect(),
            dims,
            free_dims: settings.dims,
            prior_mean,
            settings: settings.clone(),
        })
    }
}

/// Per state `[yes, no, abstain]` of a present state at `stances`.
fn probabilities(stances: &[f64], params: &Params) -> Vec<[f64; 3]> {
    stances
        .iter()
        .enumerate()
        .map(|(i, &y)| noise::vote_probabilities(Noise::Logistic, y, params.band(i), 1.0))
        .collect()
}

impl Data<'_> {
    /// Each listed text's rounds and sponsor-tie offset under conformity
    /// `lambda` and cohesion factor `kappa`.
    fn networks(&self, lambda: f64, kappa: f64, texts: &[usize]) -> Vec<FitText> {
        let n = self.roster.states.len();
        texts
            .iter()
            .map(|&j| {
                let (_, mut blocs, ties) = self.roster.resolve(self.dates[j]);
                for b in &mut blocs {
                    b.cohesion = (b.cohesion * kappa).min(1.0);
                }
                let rounds = LinearRounds::new(&vec![lambda; n], &blocs, &ties, self.settings.rounds);
                let mut pull = vec![0.0; n];
                if let Some(sponsor) = self.sponsors[j] {
                    for tie in ties.iter().filter(|t| t.to == sponsor) {
                        pull[tie.from] += self.settings.tie_weight * tie.weight;
                    }
                }
                let offset = rounds.apply(&pull);
                FitText { votes: self.votes[j].clone(), rounds, offset }
            })
            .collect()
    }

    fn posterior(&self, texts: Vec<FitText>, band_offsets: bool) -> Posterior {
        Posterior {
            texts,
            dims: self.dims,
            free_dims: self.free_dims,
            prior_mean: self.prior_mean.clone(),
            band_offsets,
        }
    }

    /// The fit's deterministic start: the first principal component of the
    /// votes (Yes +1, No -1, otherwise 0) on `sovereignty`, the prior mean
    /// elsewhere (plus the second component on a third dimension), texts at 0.
    fn start(&self, posterior: &Posterior) -> Vec<f64> {
        let n = posterior.states();
        let texts: Vec<&Vec<Option<u8>>> = posterior.texts.iter().map(|t| &t.votes).collect();
        let columns: Vec<Vec<f64>> = texts
            .iter()
            .map(|votes| {
                let raw: Vec<f64> = votes
                    .iter()
                    .map(|v| match v {
                        Some(0) => 1.0,
                        Some(1) => -1.0,
                        _ => 0.0,
                    })
                    .collect();
                let mean = raw.iter().sum::<f64>() / n as f64;
                raw.iter().map(|x| x - mean).collect()
            })
            .collect();
        let first = principal_component(&columns, n, None);
        let second = principal_component(&columns, n, Some(&first));
        let mut position = self.prior_mean.clone();
        for i in 0..n {
            position[i * self.dims] = first[i];
            if self.dims > 2 {
                position[i * self.dims + 2] = 0.5 * second[i];
            }
        }
        let params = Params {
            position,
            text: vec![vec![0.0; self.dims + 1]; posterior.texts.len()],
            log_band: super::likelihood::LOG_BAND_PRIOR_MEAN,
            band_offset: vec![0.0; n],
        };
        posterior.pack(&params)
    }

    fn fit(&self, posterior: &Posterior, start: Option<Vec<f64>>) -> Minimum {
        let start = start.unwrap_or_else(|| self.start(posterior));
        lbfgs::minimize(|v| posterior.objective(v), start, lbfgs::Settings::default())
    }

    /// Fits all texts at one grid point and scores its leave-one-out forecasts.
    fn grid_point(&self, lambda: f64, kappa: f64, band_offsets: bool) -> GridPoint {
        let all: Vec<usize> = (0..self.ids.len()).collect();
        let full_posterior = self.posterior(self.networks(lambda, kappa, &all), band_offsets);
        let full = self.fit(&full_posterior, None);
        let full_params = full_posterior.unpack(&full.x);
        let mut score = Score::default();
        for j in 0..self.ids.len() {
            let Some(series) = &self.series[j] else { continue };
            let rest: Vec<usize> = all.iter().copied().filter(|&k| k != j).collect();
            if !rest.iter().any(|&k| self.series[k].as_ref() == Some(series)) {
                continue;
            }
            let posterior = self.posterior(self.networks(lambda, kappa, &rest), band_offsets);
            let mut warm = full_params.clone();
            warm.text.remove(j);
            let minimum = self.fit(&posterior, Some(posterior.pack(&warm)));
            let params = posterior.unpack(&minimum.x);
            let coefficients: Vec<(Option<&String>, &Vec<f64>)> =
                rest.iter().map(|&k| self.series[k].as_ref()).zip(&params.text).collect();
            let (mean, covariance) = series_distribution(&coefficients, series);
            let held_out = &self.networks(lambda, kappa, &[j])[0];
            let probabilities = forecast(&posterior, held_out, &params, &mean, &covariance);
            score.add(&Score::of(&self.votes[j], &probabilities));
        }
        GridPoint {
            conformity: lambda,
            cohesion_scale: kappa,
            band_offsets,
            loo_log_loss: rounded(score.log_loss()),
            loo_accuracy: rounded(score.accuracy()),
        }
    }

    fn calibration(
        &self,
        calls: &RollCalls,
        params: &Params,
        lambda: f64,
        kappa: f64,
        band_offsets: bool,
        grid: Vec<GridPoint>,
    ) -> Calibration {
        let (n, d) = (self.roster.states.len(), self.dims);
        // Attendance: present share over the texts each state did not sponsor, shrunk.
        let mut present = vec![0.0; n];
        let mut cast = vec![0.0; n];
        for (votes, text) in calls.votes.iter().zip(&calls.texts) {
            for (i, v) in votes.iter().enumerate() {
                if Some(i) != text.sponsor {
                    cast[i] += 1.0;
                    present[i] += f64::from(u8::from(*v != Vote::Absent));
                }
            }
        }
        let overall = present.iter().sum::<f64>() / cast.iter().sum::<f64>().max(1.0);
        let mut dimensions = vec!["sovereignty".to_string(), "development".to_string()];
        if d > 2 {
            dimensions.push(THIRD_DIMENSION.to_string());
        }
        let states = (0..n)
            .map(|i| CalibratedState {
                iso3: self.roster.states[i].iso3.clone(),
                attendance: (present[i] + ATTENDANCE_SHRINKAGE * overall) / (cast[i] + ATTENDANCE_SHRINKAGE),
                abstain_band: band_offsets.then(|| params.band(i)),
                position: params.position[i * d..(i + 1) * d].to_vec(),
            })
            .collect();
        let texts = (0..self.ids.len())
            .map(|j| {
                let t = &params.text[j];
                let recorded = calls.tally(j);
                CalibratedText {
                    id: self.ids[j].clone(),
                    date: self.dates[j],
                    series: self.series[j].clone(),
                    sponsor: self.sponsors[j].map(|s| self.roster.states[s].iso3.clone()),
                    geometry: TextGeometry::from_coefficients(&t[..d], t[d]),
                    recorded,
                }
            })
            .collect();
        let coefficients: Vec<(Option<&String>, &Vec<f64>)> =
            self.series.iter().map(Option::as_ref).zip(&params.text).collect();
        let covariance = pooled_covariance(&coefficients);
        let model = CalibratedModel {
            dimensions,
            free_dimensions: self.free_dims,
            rounds: self.settings.rounds,
            conformity: lambda,
            cohesion_scale: kappa,
            abstain_band: rounded(params.log_band.exp()),
            band_offsets,
            tie_weight: self.settings.tie_weight,
            series_covariance: covariance.iter().map(|row| row.iter().map(|&v| rounded(v)).collect()).collect(),
            grid,
        };
        Calibration { model, states, texts }
    }
}

/// The top principal component (unit variance, deterministic start) of the
/// columns, orthogonal to `deflate` when given.
fn principal_component(columns: &[Vec<f64>], n: usize, deflate: Option<&[f64]>) -> Vec<f64> {
    let mut u: Vec<f64> = (0..n).map(|i| 1.0 + (i % 7) as f64 / 7.0).collect();
    for _ in 0..200 {
        if let Some(f) = deflate {
            let projection =
                u.iter().zip(f).map(|(a, b)| a * b).sum::<f64>() / f.iter().map(|b| b * b).sum::<f64>().max(1e-300);
            for (a, b) in u.iter_mut().zip(f) {
                *a -= projection * b;
            }
        }
        let mut next = vec![0.0; n];
        for column in columns {
            let weight: f64 = column.iter().zip(&u).map(|(c, x)| c * x).sum();
            for (x, c) in next.iter_mut().zip(column) {
                *x += weight * c;
            }
        }
        let norm = next.iter().map(|x| x * x).sum::<f64>().sqrt();
        if norm == 0.0 {
            return vec![0.0; n];
        }
        u = next.iter().map(|x| x / norm).collect();
    }
    let sd = (u.iter().map(|x| x * x).sum::<f64>() / n as f64).sqrt().max(1e-300);
    u.iter().map(|x| x / sd).collect()
}

/// Pooled within-series covariance of the text coefficients: the sum over
/// series of two or more texts of the outer products of the deviations from
/// the series mean, over the summed degrees of freedom (zero if none).
pub fn pooled_covariance(coefficients: &[(Option<&String>, &Vec<f64>)]) -> Vec<Vec<f64>> {
    let size = coefficients.first().map_or(0, |(_, c)| c.len());
    let mut sum = vec![vec![0.0; size]; size];
    let mut dof = 0usize;
    let mut names: Vec<&String> = coefficients.iter().filter_map(|(s, _)| *s).collect();
    names.sort();
    names.dedup();
    for name in names {
        let members: Vec<&Vec<f64>> = coefficients.iter().filter(|(s, _)| *s == Some(name)).map(|(_, c)| *c).collect();
        if members.len() < 2 {
            continue;
        }
        let mean = mean_of(&members);
        for m in &members {
            for r in 0..size {
                for c in 0..size {
                    sum[r][c] += (m[r] - mean[r]) * (m[c] - mean[c]);
                }
            }
        }
        dof += members.len() - 1;
    }
    if dof > 0 {
        for row in &mut sum {
            for v in row.iter_mut() {
                *v /= dof as f64;
            }
        }
    }
    sum
}

fn mean_of(members: &[&Vec<f64>]) -> Vec<f64> {
    let size = members[0].len();
    (0..size).map(|r| members.iter().map(|m| m[r]).sum::<f64>() / members.len() as f64).collect()
}

/// Mean of `series`' texts and the pooled covariance of all series.
fn series_distribution(coefficients: &[(Option<&String>, &Vec<f64>)], series: &String) -> (Vec<f64>, Vec<Vec<f64>>) {
    let members: Vec<&Vec<f64>> = coefficients.iter().filter(|(s, _)| *s == Some(series)).map(|(_, c)| *c).collect();
    (mean_of(&members), pooled_covariance(coefficients))
}

/// Lower Cholesky factor of a covariance matrix (a tiny ridge keeps a
/// singular one usable; a zero matrix gives zero).
pub fn cholesky(covariance: &[Vec<f64>]) -> Vec<Vec<f64>> {
    let size = covariance.len();
    let ridge = 1e-10 * (0..size).map(|r| covariance[r][r]).sum::<f64>().max(0.0);
    let mut l = vec![vec![0.0; size]; size];
    for r in 0..size {
        for c in 0..=r {
            let dot: f64 = l[r][..c].iter().zip(&l[c][..c]).map(|(a, b)| a * b).sum();
            let s = covariance[r][c] + if r == c { ridge } else { 0.0 } - dot;
            l[r][c] = if r == c {
                s.max(0.0).sqrt()
            } else if l[c][c] > 0.0 {
                s / l[c][c]
            } else {
                0.0
            };
        }
    }
    l
}

/// Forecast probabilities of a held-out text: its coefficients drawn
/// [`FORECAST_DRAWS`] times from N(mean, covariance) with a fixed generator,
/// the vote probabilities averaged.
fn forecast(
    posterior: &Posterior,
    text: &FitText,
    params: &Params,
    mean: &[f64],
    covariance: &[Vec<f64>],
) -> Vec<[f64; 3]> {
    let d = posterior.dims;
    let factor = cholesky(covariance);
    let smoothed = posterior.smoothed_positions(text, &params.position);
    let n = posterior.states();
    let mut rng = SimRng::seed_from_u64(0);
    let mut total = vec![[0.0; 3]; n];
    for _ in 0..FORECAST_DRAWS {
        let z: Vec<f64> = (0..=d).map(|_| StandardNormal.sample(&mut rng)).collect();
        let draw: Vec<f64> = (0..=d).map(|r| mean[r] + (0..=r).map(|c| factor[r][c] * z[c]).sum::<f64>()).collect();
        for i in 0..n {
            let y = (0..d).map(|k| draw[k] * smoothed[k][i]).sum::<f64>() + draw[d] + text.offset[i];
            let p = noise::vote_probabilities(Noise::Logistic, y, params.band(i), 1.0);
            for c in 0..3 {
                total[i][c] += p[c] / FORECAST_DRAWS as f64;
            }
        }
    }
    total
}

impl FitReport {
    /// The report printed by `calibrate` and kept as `report.txt`.
    pub fn render(&self, calibration: &Calibration) -> String {
        let m = &calibration.model;
        let mut out = String::new();
        writeln!(
            out,
            "Calibration: {} texts, {} free dimension(s) of {}",
            self.texts.len(),
            m.free_dimensions,
            m.dimensions.join(", ")
        )
        .unwrap();
        if m.free_dimensions == 1 {
            writeln!(out, "(development is fixed at 2 x (mean capacity - capacity))").unwrap();
        }
        if self.undated > 0 {
            writeln!(
                out,
                "{} text(s) without a date were fitted with the roster's latest bloc membership",
                self.undated
            )
            .unwrap();
        }
        writeln!(out, "\nGrid (leave-one-resolution-out forecasts from the rest of each series):").unwrap();
        writeln!(
            out,
            "{:>10} {:>8} {:>12} {:>12} {:>9}",
            "conformity", "cohesion", "band_offsets", "loo_logloss", "loo_acc"
        )
        .unwrap();
        for g in &m.grid {
            writeln!(
                out,
                "{:>10.2} {:>8.2} {:>12} {:>12.4} {:>9.4}",
                g.conformity, g.cohesion_scale, g.band_offsets, g.loo_log_loss, g.loo_accuracy
            )
            .unwrap();
        }
        writeln!(
            out,
            "chosen: conformity {}, cohesion x {}, band offsets {}, common band {:.3}\n",
            m.conformity,
            m.cohesion_scale,
            if m.band_offsets { "kept" } else { "not kept" },
            m.abstain_band
        )
        .unwrap();
        writeln!(out, "In sample (present votes, sponsors left out):").unwrap();
        writeln!(
            out,
            "{:<16} {:>6} {:>10} {:>8} {:>7} {:>7} {:>11}",
            "text", "votes", "loglik", "correct", "APRE", "Brier", "abstentions"
        )
        .unwrap();
        let line = |out: &mut String, name: &str, s: &Score| {
            writeln!(
                out,
                "{:<16} {:>6} {:>10.2} {:>8.4} {:>7.4} {:>7.4} {:>5}/{:<5}",
                name,
                s.votes,
                s.log_likelihood,
                s.accuracy(),
                s.apre(),
                s.brier(),
                s.abstentions_predicted,
                s.abstentions
            )
            .unwrap();
        };
        for (id, s) in &self.texts {
            line(&mut out, id, s);
        }
        line(&mut out, "overall", &self.overall);
        writeln!(
            out,
            "\nL-BFGS: {} iterations, {} (largest gradient component {:.1e})",
            self.iterations,
            if self.converged { "converged" } else { "NOT converged" },
            self.gradient_norm
        )
        .unwrap();
        out
    }

    /// `fit.csv`: one row per text and an `overall` row.
    pub fn csv(&self) -> String {
        let mut out = String::from("text,votes,log_likelihood,accuracy,apre,brier,abstentions,abstentions_predicted\n");
        let rows = self.texts.iter().map(|(id, s)| (id.as_str(), s)).chain([("overall", &self.overall)]);
        for (id, s) in rows {
            writeln!(
                out,
                "{},{},{:.6},{:.6},{:.6},{:.6},{},{}",
                id,
                s.votes,
                s.log_likelihood,
                s.accuracy(),
                s.apre(),
                s.brier(),
                s.abstentions,
                s.abstentions_predicted
            )
            .unwrap();
        }
        out
    }
}
