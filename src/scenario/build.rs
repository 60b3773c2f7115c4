//! Raw scenario -> validated [`Scenario`]: every semantic check, in one place.
//!
//! The roster is resolved at the scenario date, then the file's tables are
//! applied in a fixed order (`[model]`, `[states.*]`, `[blocs.*]`,
//! `[[ties]]`, `[[proposals]]`, `[[uncertain]]`, `[[force]]`; within a
//! table, in file order). `[model]` is read through the parameter registry
//! and every parameter value goes through [`ParamPath::set`], so a name and a
//! range are checked by the same code whether they come from the file, from
//! `--set` or from `[[uncertain]]`.

use super::ScenarioError;
use super::overrides::{self, Override};
use super::raw::{Numbers, RawBloc, RawFile, RawForce, RawMeta, RawModel, RawProposal, RawState, RawTie, RawUncertain};
use super::source::Source;
use crate::date::Date;
use crate::limits;
use crate::model::registry::{self, Scope};
use crate::model::{
    Bloc, Dist, Force, Majority, Noise, ParamPath, ParamTarget, ParamValue, Proposal, Scenario, State, TextDraw, Tie,
    Uncertain, Vote,
};

/// What a proposal's `like` resolves to: the ids, the geometry, the per-run draw of a series.
type LikeResolved = (Vec<String>, TextGeometry, Option<TextDraw>);
use crate::roster::calibration::TextGeometry;
use crate::roster::{Roster, expand_ties};
use crate::suggest::alternatives;
use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use toml::Spanned;

/// `scenario.runs` when not given.
pub const DEFAULT_RUNS: u64 = 10_000;
/// Cohesion of a bloc defined by a scenario that does not give one.
pub const NEW_BLOC_COHESION: f64 = 0.5;

/// The names of `model.noise`.
pub(super) const NOISES: [(&str, Noise); 2] = [("logistic", Noise::Logistic), ("normal", Noise::Normal)];
/// The names of a proposal's `majority`.
pub(super) const MAJORITIES: [(&str, Majority); 2] =
    [("simple", Majority::Simple), ("two_thirds", Majority::TwoThirds)];
/// Each distribution with the keys it takes, in the order of its parameters.
const DISTS: [(&str, &[&str]); 4] = [
    ("beta", &["a", "b"]),
    ("uniform", &["low", "high"]),
    ("normal", &["mean", "sd"]),
    ("triangular", &["low", "mode", "high"]),
];

const FINITE: ParamTarget = ParamTarget::Real { min: f64::NEG_INFINITY, max: f64::INFINITY, min_open: false };
const POSITIVE: ParamTarget = ParamTarget::Real { min: 0.0, max: f64::INFINITY, min_open: true };
const NON_NEGATIVE: ParamTarget = ParamTarget::Real { min: 0.0, max: f64::INFINITY, min_open: false };

/// `[scenario]`, checked, before the roster is resolved.
pub(super) struct Meta {
    pub name: String,
    pub description: String,
    pub date: Date,
    pub seed: u64,
    pub runs: u64,
}

/// Builds the scenario from the raw file and the parsed `--set` overrides.
pub(super) fn build(
    source: &Source<'_>,
    raw: RawFile,
    overrides: &[Override],
    roster: &Roster,
) -> Result<Scenario, ScenarioError> {
    let mut meta = meta(source, &raw.scenario, roster)?;
    overrides::apply_meta(&mut meta, overrides)?;
    let (states, mut blocs, roster_ties) = roster.resolve(meta.date);
    let cohesion_scale = roster.calibration.model.cohesion_scale;
    for bloc in &mut blocs {
        bloc.cohesion = (bloc.cohesion * cohesion_scale).min(1.0);
    }
    let scenario = Scenario {
        name: meta.name,
        description: meta.description,
        date: meta.date,
        seed: meta.seed,
        runs: meta.runs,
        roster: roster.source.clone(),
        dimensions: roster.dimensions().to_vec(),
        model: roster.model_defaults(),
        states,
        blocs,
        ties: Vec::new(),
        proposals: Vec::new(),
        uncertain: Vec::new(),
        force: Vec::new(),
        given: None,
    };
    let mut builder = Builder { source, scenario, roster };
    if let Some(model) = &raw.model {
        builder.model(model)?;
    }
    for (iso3, state) in in_file_order(&raw.states) {
        builder.state(iso3, state)?;
    }
    for (id, bloc) in in_file_order(&raw.blocs) {
        builder.bloc(id, bloc)?;
    }
    builder.ties(&roster_ties, &raw.ties)?;
    builder.proposals(raw.proposals.as_ref())?;
    if let Some(extra) = raw.uncertain.get(limits::MAX_UNCERTAIN) {
        let count = limits::check_count(raw.uncertain.len(), limits::MAX_UNCERTAIN, "[[uncertain]] entries");
        return Err(source.error(extra.span(), count.unwrap_err()));
    }
    for k in 0..raw.uncertain.len() {
        builder.uncertain(&raw.uncertain, k)?;
    }
    for k in 0..raw.force.len() {
        builder.force(&raw.force, k)?;
    }
    if let Some(sweep) = &raw.sweep {
        super::sweep::convert(source, sweep)?;
    }
    let mut scenario = builder.scenario;
    overrides::apply_params(&mut scenario, overrides)?;
    Ok(scenario)
}

/// Checks `[scenario]`, filling in the defaults.
fn meta(source: &Source<'_>, raw: &RawMeta, roster: &Roster) -> Result<Meta, ScenarioError> {
    let located = |span: Range<usize>| move |message: String| source.error(span, message);
    let name = check_name(raw.name.get_ref()).map_err(located(raw.name.span()))?;
    let date = match &raw.date {
        Some(date) => date_of(date.get_ref()).map_err(located(date.span()))?,
        None => roster.latest_date(),
    };
    let runs = match &raw.runs {
        Some(runs) => check_runs(*runs.get_ref()).map_err(located(runs.span()))?,
        None => DEFAULT_RUNS,
    };
    Ok(Meta {
        name,
        description: raw.description.as_ref().map(|d| d.get_ref().clone()).unwrap_or_default(),
        date,
        seed: raw.seed.as_ref().map_or(0, |s| s.get_ref().0),
        runs,
    })
}

/// A scenario name: not blank.
pub(super) fn check_name(name: &str) -> Result<String, String> {
    if name.trim().is_empty() { Err("must not be empty".to_string()) } else { Ok(name.to_string()) }
}

/// A scenario date: a `"YYYY-MM-DD"` string or a TOML local date (no time, no offset).
pub(super) fn date_of(value: &toml::Value) -> Result<Date, String> {
    match value {
        toml::Value::String(text) => text.parse(),
        toml::Value::Datetime(datetime) => match (datetime.date, datetime.time, datetime.offset) {
            (Some(date), None, None) => Date::new(i32::from(date.year), date.month, date.day),
            _ => Err(format!("must be a date YYYY-MM-DD without a time, not {datetime}")),
        },
        other => Err(format!("must be a date YYYY-MM-DD, not {other}")),
    }
}

/// A number of runs: 1..=[`limits::MAX_RUNS`].
pub(super) fn check_runs(runs: u64) -> Result<u64, String> {
    limits::check_runs(runs)
}

/// The option named `word`, or an error naming the closest option.
pub(super) fn choice<T: Copy>(what: &str, word: &str, options: &[(&str, T)]) -> Result<T, String> {
    options
        .iter()
        .find(|(name, _)| *name == word)
        .map(|&(_, value)| value)
        .ok_or_else(|| format!("unknown {what} `{word}`{}", alternatives(word, options.iter().map(|o| o.0))))
}

/// "unknown state `X`" with the state whose name it is, a close ISO3 code,
/// or what a state code looks like.
pub(super) fn unknown_state(states: &[State], name: &str) -> String {
    let tail = match states.iter().find(|s| s.name.eq_ignore_ascii_case(name)) {
        Some(state) => format!("; did you mean `{}` ({})?", state.iso3, state.name),
        None => match crate::suggest::hint(name, states.iter().map(|s| s.iso3.as_str())) {
            hint if hint.is_empty() => "; states are ISO 3166-1 alpha-3 codes such as `DEU`".to_string(),
            hint => hint,
        },
    };
    format!("unknown state `{name}`{tail}")
}

/// The entries of a `[model]`, `[states.*]` or `[blocs.*]` table in file order (TOML tables are sorted by key).
pub(super) fn in_file_order<V>(table: &BTreeMap<Spanned<String>, Spanned<V>>) -> Vec<(&Spanned<String>, &Spanned<V>)> {
    let mut entries: Vec<_> = table.iter().collect();
    entries.sort_by_key(|(key, _)| key.span().start);
    entries
}

/// The scenario being built, with the source for locating errors.
struct Builder<'s, 'a> {
    source: &'s Source<'a>,
    scenario: Scenario,
    roster: &'s Roster,
}

impl Builder<'_, '_> {
    fn error(&self, span: Range<usize>, message: impl Into<String>) -> ScenarioError {
        self.source.error(span, message)
    }

    /// Sets `path` to `value` through [`ParamPath::set`], which checks the range.
    fn put(&mut self, path: ParamPath, value: ParamValue, span: Range<usize>) -> Result<(), ScenarioError> {
        path.set(&mut self.scenario, value).map_err(|message| self.source.error(span, message))
    }

    fn put_real(&mut self, path: ParamPath, value: Option<&Spanned<f64>>) -> Result<(), ScenarioError> {
        match value {
            Some(value) => self.put(path, ParamValue::Real(*value.get_ref()), value.span()),
            None => Ok(()),
        }
    }

    fn put_vector(&mut self, path: ParamPath, value: Option<&Numbers>) -> Result<(), ScenarioError> {
        let Some(value) = value else { return Ok(()) };
        for x in value.get_ref() {
            self.check(FINITE, x)?;
        }
        let coordinates = value.get_ref().iter().map(|x| *x.get_ref()).collect();
        self.put(path, ParamValue::Vector(coordinates), value.span())
    }

    /// `value` checked against `target`, located at its span.
    fn check(&self, target: ParamTarget, value: &Spanned<f64>) -> Result<f64, ScenarioError> {
        target.check(*value.get_ref()).map(|()| *value.get_ref()).map_err(|m| self.error(value.span(), m))
    }

    fn choose<T: Copy>(&self, what: &str, word: &Spanned<String>, options: &[(&str, T)]) -> Result<T, ScenarioError> {
        choice(what, word.get_ref(), options).map_err(|m| self.error(word.span(), m))
    }

    /// The index of the state with ISO3 code `code`.
    fn state_index(&self, code: &Spanned<String>) -> Result<usize, ScenarioError> {
        let name = code.get_ref();
        (self.scenario.state_index(name))
            .ok_or_else(|| self.error(code.span(), unknown_state(&self.scenario.states, name)))
    }

    /// The indices of a list of ISO3 codes, each known and listed once.
    fn state_list(&self, codes: &[Spanned<String>]) -> Result<Vec<usize>, ScenarioError> {
        let mut indices = Vec::with_capacity(codes.len());
        for code in codes {
            let index = self.state_index(code)?;
            if indices.contains(&index) {
                return Err(self.error(code.span(), format!("`{}` is listed twice", code.get_ref())));
            }
            indices.push(index);
        }
        Ok(indices)
    }

    /// `[model]`: every key a `[model]` parameter of the registry, its value
    /// read as `--set` reads one.
    fn model(&mut self, model: &RawModel) -> Result<(), ScenarioError> {
        let mut entries: Vec<_> = model.iter().collect();
        entries.sort_by_key(|(key, _)| key.span().start);
        for (key, value) in entries {
            let name = key.get_ref();
            let path = registry::model_path(name).ok_or_else(|| {
                // Worded as serde words an unknown key of the other tables.
                self.error(key.span(), format!("unknown key{}", alternatives(name, Scope::Model.names())))
            })?;
            let converted = overrides::param_value(&self.scenario, path.target(), value.get_ref())
                .map_err(|m| self.error(value.span(), m))?;
            self.put(path, converted, value.span())?;
        }
        Ok(())
    }

    fn state(&mut self, iso3: &Spanned<String>, state: &Spanned<RawState>) -> Result<(), ScenarioError> {
        let i = self.state_index(iso3)?;
        let state = state.get_ref();
        self.put_vector(registry::path(Scope::State, "position", i), state.position.as_ref())?;
        for (field, value) in [
            ("capacity", &state.capacity),
            ("attendance", &state.attendance),
            ("abstain_band", &state.abstain_band),
            ("conformity", &state.conformity),
        ] {
            self.put_real(registry::path(Scope::State, field, i), value.as_ref())?;
        }
        Ok(())
    }

    /// Changes a roster bloc, or defines a new one (which must list its members).
    fn bloc(&mut self, id: &Spanned<String>, raw: &Spanned<RawBloc>) -> Result<(), ScenarioError> {
        let bloc = raw.get_ref();
        let name = id.get_ref();
        let b = match self.scenario.bloc_index(name) {
            Some(b) => b,
            None => {
                let ids = self.scenario.blocs.iter().map(|b| b.id.as_str());
                let hint = crate::suggest::hint(name, ids);
                let not_in_roster = |rule: &str| {
                    self.error(id.span(), format!("`{name}` is not a bloc of the roster, and {rule}{hint}"))
                };
                let members =
                    bloc.members.as_ref().ok_or_else(|| not_in_roster("a new bloc must list its `members`"))?;
                if !name.bytes().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == b'_') {
                    return Err(not_in_roster("a new bloc id must be upper case (A-Z, 0-9, _)"));
                }
                if members.get_ref().is_empty() {
                    return Err(self.error(members.span(), "a new bloc needs at least one member"));
                }
                self.scenario.blocs.push(Bloc {
                    id: name.clone(),
                    name: name.clone(),
                    cohesion: NEW_BLOC_COHESION,
                    leader: None,
                    members: Vec::new(),
                });
                self.scenario.blocs.len() - 1
            }
        };
        if let Some(full_name) = &bloc.name {
            self.scenario.blocs[b].name = full_name.get_ref().clone();
        }
        self.put_real(registry::path(Scope::Bloc, "cohesion", b), bloc.cohesion.as_ref())?;

        if let Some(list) = &bloc.members {
            let mut members = self.state_list(list.get_ref())?;
            members.sort_unstable();
            self.scenario.blocs[b].members = members;
        }
        if let Some(list) = &bloc.add {
            for (code, i) in list.get_ref().iter().zip(self.state_list(list.get_ref())?) {
                self.scenario.add_member(b, i).map_err(|m| self.error(code.span(), m))?;
            }
        }
        if let Some(list) = &bloc.remove {
            for (code, i) in list.get_ref().iter().zip(self.state_list(list.get_ref())?) {
                self.scenario.remove_member(b, i).map_err(|m| self.error(code.span(), m))?;
            }
        }
        if let Some(leader) = &bloc.leader {
            self.scenario.blocs[b].leader =
                if leader.get_ref().is_empty() { None } else { Some(self.state_index(leader)?) };
        }
        self.scenario.check_leader(b).map_err(|message| match &bloc.leader {
            Some(given) => self.error(given.span(), message),
            None => self.error(id.span(), format!("{message}; set `leader` (\"\" for none)")),
        })
    }

    /// The roster's ties, then the scenario's (a later tie between the same pair replaces an earlier one).
    fn ties(&mut self, roster: &[Tie], raw: &[Spanned<RawTie>]) -> Result<(), ScenarioError> {
        let mut entries: Vec<(usize, usize, f64, bool)> =
            roster.iter().map(|t| (t.from, t.to, t.weight, false)).collect();
        // Directed pairs the scenario sets, with the offset of the tie that set them.
        let mut set_at: BTreeMap<(usize, usize), usize> = BTreeMap::new();
        for tie in raw {
            let tie = tie.get_ref();
            let from = self.state_index(&tie.from)?;
            let weight = self.check(NON_NEGATIVE, &tie.weight)?;
            let targets = tie.to.get_ref().names(tie.to.span());
            for (code, to) in targets.iter().zip(self.state_list(&targets)?) {
                if to == from {
                    return Err(self.error(code.span(), "a state cannot be tied to itself"));
                }
                let pairs: &[(usize, usize)] = if tie.symmetric { &[(from, to), (to, from)] } else { &[(from, to)] };
                for &(a, b) in pairs {
                    if let Some(&first) = set_at.get(&(a, b)) {
                        let (a, b) = (&self.scenario.states[a].iso3, &self.scenario.states[b].iso3);
                        let line = self.source.line(first);
                        return Err(
                            self.error(code.span(), format!("the tie {a} -> {b} is already given (line {line})"))
                        );
                    }
                    set_at.insert((a, b), code.span().start);
                }
                entries.push((from, to, weight, tie.symmetric));
            }
        }
        self.scenario.ties = expand_ties(entries);
        Ok(())
    }

    fn proposals(&mut self, raw: Option<&Spanned<Vec<Spanned<RawProposal>>>>) -> Result<(), ScenarioError> {
        let list = match raw {
            Some(list) if list.get_ref().is_empty() => {
                return Err(self.error(list.span(), "at least one proposal is required"));
            }
            Some(list) => list.get_ref(),
            None => return Err(self.source.missing(0..0, "proposals", "at least one [[proposals]] table is required")),
        };
        if let Err(message) = limits::check_count(list.len(), limits::MAX_PROPOSALS, "proposals") {
            return Err(self.error(list[limits::MAX_PROPOSALS].span(), message));
        }
        let mut first_of: HashMap<&str, usize> = HashMap::new();
        for (j, entry) in list.iter().enumerate() {
            let proposal = entry.get_ref();
            let id = proposal.id.get_ref();
            if id.trim().is_empty() {
                return Err(self.error(proposal.id.span(), "must not be empty"));
            }
            if let Some(&first) = first_of.get(id.as_str()) {
                let line = self.source.line(list[first].get_ref().id.span().start);
                return Err(
                    self.error(proposal.id.span(), format!("duplicate proposal id `{id}` (first at line {line})"))
                );
            }
            first_of.insert(id, j);
            let like = match &proposal.like {
                Some(like) => Some(self.like(like, proposal)?),
                None => None,
            };
            if like.is_none() && proposal.position.is_none() {
                return Err(self.source.missing(entry.span(), "position", "missing required key (or `like`)"));
            }
            let sponsors = match &proposal.sponsors {
                Some(list) => self.state_list(list.get_ref())?,
                None => Vec::new(),
            };
            let majority = match &proposal.majority {
                Some(word) => self.choose("majority", word, &MAJORITIES)?,
                None => Majority::Simple,
            };
            let origin = vec![0.0; self.scenario.dimensions.len()];
            let (ids, geometry, draw) = like.unwrap_or((
                Vec::new(),
                TextGeometry { position: origin.clone(), status_quo: origin, salience: 1.0 },
                None,
            ));
            self.scenario.proposals.push(Proposal {
                id: id.clone(),
                title: proposal.title.as_ref().map_or_else(|| id.clone(), |t| t.get_ref().clone()),
                sponsors,
                position: geometry.position,
                status_quo: geometry.status_quo,
                salience: geometry.salience,
                capacity_building: 0.0,
                majority,
                consensus: proposal.consensus.as_ref().is_some_and(|c| *c.get_ref()),
                like: ids,
                draw,
            });
            let path = |name| registry::path(Scope::Proposal, name, j);
            self.put_vector(path("position"), proposal.position.as_ref())?;
            self.put_vector(path("status_quo"), proposal.status_quo.as_ref())?;
            self.put_real(path("salience"), proposal.salience.as_ref())?;
            self.put_real(path("capacity_building"), proposal.capacity_building.as_ref())?;
        }
        Ok(())
    }

    /// A proposal's `like`: one recorded text's geometry, or a series' mean
    /// geometry with the distribution each run draws from.
    fn like(&self, like: &Spanned<toml::Value>, proposal: &RawProposal) -> Result<LikeResolved, ScenarioError> {
        let span = like.span();
        let ids: Vec<&str> = match like.get_ref() {
            toml::Value::String(id) => vec![id.as_str()],
            toml::Value::Array(items) if !items.is_empty() => items
                .iter()
                .map(|v| v.as_str().ok_or_else(|| self.error(span.clone(), "must be a text id or a list of text ids")))
                .collect::<Result<_, _>>()?,
            _ => return Err(self.error(span, "must be a text id or a non-empty list of text ids")),
        };
        let calibration = &self.roster.calibration;
        let mut texts = Vec::with_capacity(ids.len());
        for (k, id) in ids.iter().enumerate() {
            let Some(text) = calibration.text(id) else {
                let known = calibration.texts.iter().map(|t| t.id.as_str());
                let message = if calibration.texts.is_empty() {
                    format!("unknown text `{id}`: the roster ({}) has no recorded texts", self.roster.source)
                } else {
                    format!("unknown text `{id}`{}", alternatives(id, known))
                };
                return Err(self.error(span, message));
            };
            if ids[..k].contains(id) {
                return Err(self.error(span, format!("text `{id}` is listed twice")));
            }
            texts.push(text);
        }
        let owned: Vec<String> = ids.iter().map(|id| id.to_string()).collect();
        if texts.len() == 1 {
            return Ok((owned, texts[0].geometry.clone(), None));
        }
        if proposal.position.is_some() || proposal.status_quo.is_some() || proposal.salience.is_some() {
            return Err(self.error(
                span,
                "a series `like` draws position, status_quo and salience in every run; remove them, or like one text",
            ));
        }
        let coefficients: Vec<Vec<f64>> = texts
            .iter()
            .map(|t| {
                let (mut a, b) = t.geometry.coefficients();
                a.push(b);
                a
            })
            .collect();
        let size = coefficients[0].len();
        let mean: Vec<f64> =
            (0..size).map(|r| coefficients.iter().map(|c| c[r]).sum::<f64>() / coefficients.len() as f64).collect();
        let d = size - 1;
        let geometry = TextGeometry::from_coefficients(&mean[..d], mean[d]);
        let factor = crate::fit::calibrate::cholesky(&calibration.model.series_covariance);
        Ok((owned, geometry, Some(TextDraw { mean, factor })))
    }

    /// `all[k]`: a real-valued scalar parameter, not uncertain yet, with a
    /// distribution whose support lies in the parameter's range.
    fn uncertain(&mut self, all: &[Spanned<RawUncertain>], k: usize) -> Result<(), ScenarioError> {
        let entry = &all[k];
        let raw = entry.get_ref();
        let (param, param_span) = (raw.param.get_ref(), raw.param.span());
        let path = ParamPath::parse(&self.scenario, param).map_err(|m| self.error(param_span.clone(), m))?;
        if path.drawn_by_series(&self.scenario) {
            let message =
                format!("`{param}` is drawn every run from the proposal's series `like`; it cannot also be uncertain");
            return Err(self.error(param_span, message));
        }
        let target = path.target();
        let ParamTarget::Real { min, max, min_open } = target else {
            let why = match target {
                ParamTarget::Vector => {
                    let example = format!("{param}.{}", self.scenario.dimensions[0]);
                    format!("`{param}` is a whole vector; make one coordinate uncertain, e.g. `{example}`")
                }
                other => format!("`{param}` is {}; only real-valued parameters can be uncertain", other.noun()),
            };
            return Err(self.error(param_span, why));
        };
        debug_assert!(path.param().may_be_uncertain(), "every real parameter has an engine effect");
        let dist = self.dist(entry)?;
        let (low, high) = dist.support();
        let below = if min_open { low <= min } else { low < min };
        if below || high > max {
            let bound = match dist {
                Dist::Uniform { .. } | Dist::Triangular { .. } if below => raw.low.as_ref().map(Spanned::span),
                Dist::Uniform { .. } | Dist::Triangular { .. } => raw.high.as_ref().map(Spanned::span),
                _ => None,
            };
            let name = raw.dist.get_ref();
            return Err(self.error(
                bound.unwrap_or(raw.dist.span()),
                format!("{name} can draw values outside the range of `{param}`, which must be {}", target.describe()),
            ));
        }
        if let Some(first) = self.scenario.uncertain.iter().position(|u| u.target == path) {
            let line = self.source.line(all[first].get_ref().param.span().start);
            return Err(self.error(param_span, format!("`{param}` is already uncertain (line {line})")));
        }
        let line = self.source.line(param_span.start);
        self.scenario.uncertain.push(Uncertain { param: param.clone(), target: path, line, dist });
        Ok(())
    }

    /// The distribution of an `[[uncertain]]` entry: exactly its keys, a valid shape.
    fn dist(&self, entry: &Spanned<RawUncertain>) -> Result<Dist, ScenarioError> {
        let raw = entry.get_ref();
        let name = raw.dist.get_ref().as_str();
        let keys = self.choose("distribution", &raw.dist, &DISTS)?;
        let numbers = raw.numbers();
        for (key, value) in numbers {
            if let Some(value) = value {
                if !keys.contains(&key) {
                    return Err(self.error(value.span(), format!("{name} takes {}, not `{key}`", keys.join(", "))));
                }
                self.check(FINITE, value)?;
            }
        }
        let get = |key: &str| {
            numbers.iter().find(|(k, _)| *k == key).and_then(|(_, v)| *v).ok_or_else(|| {
                self.source.missing(entry.span(), key, format!("missing required key of {name}({})", keys.join(", ")))
            })
        };
        let above = |bound: f64| ParamTarget::Real { min: bound, max: f64::INFINITY, min_open: true };
        Ok(match name {
            "beta" => Dist::Beta { a: self.check(POSITIVE, get("a")?)?, b: self.check(POSITIVE, get("b")?)? },
            "uniform" => {
                let low = *get("low")?.get_ref();
                Dist::Uniform { low, high: self.check(above(low), get("high")?)? }
            }
            "normal" => Dist::Normal { mean: *get("mean")?.get_ref(), sd: self.check(POSITIVE, get("sd")?)? },
            _ => {
                let low = *get("low")?.get_ref();
                let high = self.check(above(low), get("high")?)?;
                let mode = self.check(ParamTarget::Real { min: low, max: high, min_open: false }, get("mode")?)?;
                Dist::Triangular { low, mode, high }
            }
        })
    }

    /// `all[k]`: a known state and proposal, a vote word, not forced before.
    fn force(&mut self, all: &[Spanned<RawForce>], k: usize) -> Result<(), ScenarioError> {
        let raw = all[k].get_ref();
        let state = self.state_index(&raw.state)?;
        let id = raw.proposal.get_ref();
        let proposal = self.scenario.proposal_index(id).ok_or_else(|| {
            let ids = self.scenario.proposals.iter().map(|p| p.id.as_str());
            self.error(raw.proposal.span(), format!("unknown proposal `{id}`{}", alternatives(id, ids)))
        })?;
        let votes = Vote::ALL.map(|v| (v.name(), v));
        let vote = self.choose("vote", &raw.vote, &votes)?;
        if let Some(first) = self.scenario.force.iter().position(|f| f.state == state && f.proposal == proposal) {
            let line = self.source.line(all[first].get_ref().state.span().start);
            let iso3 = raw.state.get_ref();
            return Err(self.error(raw.state.span(), format!("`{iso3}` is already forced on `{id}` (line {line})")));
        }
        self.scenario.force.push(Force { state, proposal, vote });
        Ok(())
    }
}
