//! The parameter registry: one row per parameter a scenario path can
//! address, and the only place that says what it is.
//!
//! A row gives the parameter's scope (`[model]`, a bloc, a state, a
//! proposal) and name, the kind and range of its value, what it changes,
//! how a checked value is stored in the [`Scenario`] (`put`) and, for a
//! real-valued parameter, how a per-run `[[uncertain]]` draw reaches the
//! engine's [`Inputs`] (`draw`; without one it cannot be uncertain). The
//! scenario file's `[model]` table, `--set`, `[[uncertain]]` (and a future
//! `sweep`, which applies each design point as `--set`s) resolve names here
//! through [`ParamPath`]; the engine applies draws through `draw`.
//!
//! Adding a parameter is adding a row (plus, for a new kind of effect, the
//! storage it writes and the engine code that reads it); see
//! `model.attendance_scale`.

use super::Scenario;
use super::params::{NON_NEGATIVE, POSITIVE, PROBABILITY, ParamPath, ParamTarget, ParamValue};
use crate::engine::{Follows, Inputs};

/// Where a parameter lives, the first part of its path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// `model.FIELD`.
    Model,
    /// `blocs.ID.FIELD`.
    Bloc,
    /// `states.ISO3.FIELD`.
    State,
    /// `proposals.ID.FIELD`.
    Proposal,
}

impl Scope {
    /// Every scope, in path-section order.
    pub const ALL: [Scope; 4] = [Scope::Model, Scope::Bloc, Scope::State, Scope::Proposal];

    /// The first part of a path: `model`, `blocs`, `states`, `proposals`.
    pub fn section(self) -> &'static str {
        match self {
            Scope::Model => "model",
            Scope::Bloc => "blocs",
            Scope::State => "states",
            Scope::Proposal => "proposals",
        }
    }

    /// How an unknown field of this scope is called in errors.
    pub(super) fn field_noun(self) -> &'static str {
        match self {
            Scope::Model => "field of [model]",
            Scope::Bloc => "bloc field",
            Scope::State => "state field",
            Scope::Proposal => "proposal field",
        }
    }

    /// The names of this scope's parameters, in registry order.
    pub fn names(self) -> impl Iterator<Item = &'static str> + Clone {
        PARAMS.iter().filter(move |p| p.scope == self).map(|p| p.name)
    }
}

/// What must be recomputed in a run whose draw changes a parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recompute {
    /// Nothing beyond the run's stances and thresholds.
    Nothing,
    /// The influence network's weights (cohesion, conformity).
    Weights,
    /// The abstention band factors (band, noise scale).
    Bands,
}

/// Stores a value whose kind and range [`ParamPath::set`] has checked.
pub type Put = fn(&mut Scenario, ParamPath, ParamValue) -> Result<(), String>;
/// Writes one `[[uncertain]]` draw into a run's inputs.
pub type Draw = fn(&mut Inputs, &Follows, ParamPath, f64);

/// One parameter: a row of [`PARAMS`].
#[derive(Debug)]
pub struct Param {
    /// Where it lives.
    pub scope: Scope,
    /// Its field name (`cohesion`).
    pub name: &'static str,
    /// Kind and range of its value; a `Vector` also takes `name.DIM` paths (any real).
    pub target: ParamTarget,
    /// What it changes, in a few words (MODEL.md has the rest).
    pub about: &'static str,
    /// Whether a proposal's series `like` draws it in every run.
    pub by_series: bool,
    /// What a run must recompute after drawing it.
    pub recompute: Recompute,
    /// Stores a checked value in the scenario.
    pub put: Put,
    /// Its engine effect as an `[[uncertain]]` draw; `None`: it cannot be uncertain.
    pub draw: Option<Draw>,
}

impl Param {
    /// A parameter that cannot be uncertain.
    const fn new(scope: Scope, name: &'static str, target: ParamTarget, about: &'static str, put: Put) -> Param {
        Param { scope, name, target, about, by_series: false, recompute: Recompute::Nothing, put, draw: None }
    }

    /// The same parameter, which `[[uncertain]]` may redraw with `draw`.
    const fn drawn(self, draw: Draw) -> Param {
        Param { draw: Some(draw), ..self }
    }

    /// The same parameter, whose draws require `recompute`.
    const fn recomputes(self, recompute: Recompute) -> Param {
        Param { recompute, ..self }
    }

    /// The same parameter, drawn every run by a series `like`.
    const fn series(self) -> Param {
        Param { by_series: true, ..self }
    }

    /// Whether `[[uncertain]]` may redraw it (every parameter can be `--set`, so swept).
    pub fn may_be_uncertain(&self) -> bool {
        self.draw.is_some()
    }
}

use Scope::{Bloc, Model, Proposal, State};

/// Every parameter. A path names a row by scope and name; the order is the
/// order of suggestions and of the README's lists.
pub static PARAMS: &[Param] = &[
    // [model]
    Param::new(Model, "noise", ParamTarget::NoiseName, "the distribution of the vote noise", |s, _, v| {
        s.model.noise = if let ParamValue::Noise(n) = v { n } else { unreachable!("ParamPath::set checks the kind") };
        Ok(())
    }),
    Param::new(Model, "noise_scale", POSITIVE, "sigma, the scale of the vote noise", |s, _, v| {
        s.model.noise_scale = v.real();
        Ok(())
    })
    .drawn(|x, _, _, v| x.noise_scale = v)
    .recomputes(Recompute::Bands),
    Param::new(
        Model,
        "position_jitter",
        NON_NEGATIVE,
        "sigma_x, the per-run jitter of every ideal point",
        |s, _, v| {
            s.model.position_jitter = v.real();
            Ok(())
        },
    )
    .drawn(|x, _, _, v| x.position_jitter = v),
    Param::new(Model, "abstain_band", NON_NEGATIVE, "tau, the default half-width of the abstention band", |s, _, v| {
        s.model.abstain_band = v.real();
        Ok(())
    })
    .drawn(|x, f, _, v| {
        let states = x.abstain_band.iter_mut().zip(&f.band_follows_model).zip(&f.band_factor);
        for ((band, _), factor) in states.filter(|((_, follows), _)| **follows) {
            *band = v * factor;
        }
    })
    .recomputes(Recompute::Bands),
    Param::new(Model, "rounds", ParamTarget::Count, "R, the number of influence rounds", |s, _, v| {
        s.model.rounds = v.real() as u32;
        Ok(())
    }),
    Param::new(Model, "conformity", PROBABILITY, "lambda, how far a state moves toward its blocs", |s, _, v| {
        s.model.conformity = v.real();
        Ok(())
    })
    .drawn(|x, f, _, v| {
        for (c, _) in x.conformity.iter_mut().zip(&f.conformity_follows_model).filter(|(_, follows)| **follows) {
            *c = v;
        }
    })
    .recomputes(Recompute::Weights),
    Param::new(Model, "capacity_weight", NON_NEGATIVE, "beta_cap, the pull of capacity-building content", |s, _, v| {
        s.model.capacity_weight = v.real();
        Ok(())
    })
    .drawn(|x, _, _, v| x.capacity_weight = v),
    Param::new(Model, "tie_weight", NON_NEGATIVE, "beta_tie, the pull of a tie to a sponsor", |s, _, v| {
        s.model.tie_weight = v.real();
        Ok(())
    })
    .drawn(|x, _, _, v| x.tie_weight = v),
    Param::new(Model, "attendance_scale", NON_NEGATIVE, "every state's attendance times it, capped at 1", |s, _, v| {
        s.model.attendance_scale = v.real();
        Ok(())
    })
    .drawn(|x, _, _, v| x.attendance_scale = v),
    // [blocs.ID]
    Param::new(Bloc, "cohesion", PROBABILITY, "kappa_b, the weight of the bloc's pull on its members", |s, p, v| {
        s.blocs[p.at].cohesion = v.real();
        Ok(())
    })
    .drawn(|x, _, p, v| x.cohesion[p.at] = v)
    .recomputes(Recompute::Weights),
    Param::new(Bloc, "leader", ParamTarget::StateOrNone, "the member whose stance is the bloc's", |s, p, v| {
        s.blocs[p.at].leader =
            if let ParamValue::State(l) = v { l } else { unreachable!("ParamPath::set checks the kind") };
        s.check_leader(p.at).map_err(|e| format!("{e}; add it first"))
    }),
    Param::new(Bloc, "add", ParamTarget::States, "states that join the bloc", |s, p, v| {
        v.states().into_iter().try_for_each(|i| s.add_member(p.at, i))
    }),
    Param::new(Bloc, "remove", ParamTarget::States, "states that leave the bloc", |s, p, v| {
        v.states().into_iter().try_for_each(|i| s.remove_member(p.at, i))?;
        let id = &s.blocs[p.at].id;
        s.check_leader(p.at).map_err(|e| format!("{e}; set `blocs.{id}.leader` first (\"\" for none)"))
    }),
    // [states.ISO3]
    Param::new(State, "position", ParamTarget::Vector, "x_i, the state's ideal point", |s, p, v| {
        let position = &mut s.states[p.at].position;
        match p.dim {
            Some(k) => position[k] = v.real(),
            None => *position = v.vector(),
        }
        Ok(())
    })
    .drawn(|x, f, p, v| x.position[p.at * f.dims + p.dim.expect("a coordinate")] = v),
    Param::new(State, "capacity", PROBABILITY, "c_i, digital development", |s, p, v| {
        s.states[p.at].capacity = v.real();
        Ok(())
    })
    .drawn(|x, _, p, v| x.capacity[p.at] = v),
    Param::new(State, "attendance", PROBABILITY, "a_i, the probability of being present", |s, p, v| {
        s.states[p.at].attendance = v.real();
        Ok(())
    })
    .drawn(|x, _, p, v| x.attendance[p.at] = v),
    Param::new(State, "abstain_band", NON_NEGATIVE, "tau_i, the state's own abstention band", |s, p, v| {
        s.states[p.at].abstain_band = Some(v.real());
        Ok(())
    })
    .drawn(|x, _, p, v| x.abstain_band[p.at] = v)
    .recomputes(Recompute::Bands),
    Param::new(State, "conformity", PROBABILITY, "lambda_i, the state's own conformity", |s, p, v| {
        s.states[p.at].conformity = Some(v.real());
        Ok(())
    })
    .drawn(|x, _, p, v| x.conformity[p.at] = v)
    .recomputes(Recompute::Weights),
    // [[proposals]]
    Param::new(Proposal, "position", ParamTarget::Vector, "p_j, the proposal's position", |s, p, v| {
        let position = &mut s.proposals[p.at].position;
        match p.dim {
            Some(k) => position[k] = v.real(),
            None => *position = v.vector(),
        }
        Ok(())
    })
    .drawn(|x, f, p, v| x.proposal_position[p.at * f.dims + p.dim.expect("a coordinate")] = v)
    .series(),
    Param::new(Proposal, "status_quo", ParamTarget::Vector, "q_j, the status quo", |s, p, v| {
        let status_quo = &mut s.proposals[p.at].status_quo;
        match p.dim {
            Some(k) => status_quo[k] = v.real(),
            None => *status_quo = v.vector(),
        }
        Ok(())
    })
    .drawn(|x, f, p, v| x.status_quo[p.at * f.dims + p.dim.expect("a coordinate")] = v)
    .series(),
    Param::new(Proposal, "salience", POSITIVE, "s_j, how much the proposal matters", |s, p, v| {
        s.proposals[p.at].salience = v.real();
        Ok(())
    })
    .drawn(|x, _, p, v| x.salience[p.at] = v)
    .series(),
    Param::new(Proposal, "capacity_building", PROBABILITY, "cb_j, capacity-building content", |s, p, v| {
        s.proposals[p.at].capacity_building = v.real();
        Ok(())
    })
    .drawn(|x, _, p, v| x.capacity_building[p.at] = v),
    Param::new(Proposal, "majority", ParamTarget::MajorityName, "the majority required", |s, p, v| {
        s.proposals[p.at].majority =
            if let ParamValue::Majority(m) = v { m } else { unreachable!("ParamPath::set checks the kind") };
        Ok(())
    }),
    Param::new(Proposal, "consensus", ParamTarget::Bool, "whether a run without No is an adoption", |s, p, v| {
        s.proposals[p.at].consensus = v == ParamValue::Bool(true);
        Ok(())
    }),
    Param::new(Proposal, "sponsors", ParamTarget::States, "the sponsors, who vote Yes and are present", |s, p, v| {
        s.proposals[p.at].sponsors = v.states();
        Ok(())
    }),
];

/// The row of field `name` of `scope`.
pub(super) fn find(scope: Scope, name: &str) -> Option<usize> {
    PARAMS.iter().position(|p| p.scope == scope && p.name == name)
}

/// The path of the `[model]` field `name`, if there is one.
pub fn model_path(name: &str) -> Option<ParamPath> {
    find(Model, name).map(|row| ParamPath::new(row, 0, None))
}

/// The path of field `name` of bloc, state or proposal `at` (a registry name).
pub fn path(scope: Scope, name: &str, at: usize) -> ParamPath {
    ParamPath::new(find(scope, name).unwrap_or_else(|| panic!("no parameter {name} in {scope:?}")), at, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_within_a_scope_and_real_scalars_may_be_uncertain() {
        for (k, param) in PARAMS.iter().enumerate() {
            assert_eq!(find(param.scope, param.name), Some(k), "{} is listed twice", param.name);
            assert!(!param.about.is_empty());
            let real = matches!(param.target, ParamTarget::Real { .. } | ParamTarget::Vector);
            assert_eq!(real, param.may_be_uncertain(), "{}: only (coordinates of) reals are drawn", param.name);
        }
    }

    #[test]
    fn the_readme_documents_every_parameter() {
        let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
        for param in PARAMS.iter().filter(|p| p.scope == Model) {
            assert!(
                readme.contains(&format!("| | `{}` |", param.name))
                    || readme.contains(&format!("| `[model]` | `{}` |", param.name)),
                "README's [model] table lacks `{}`",
                param.name
            );
        }
        for param in PARAMS.iter().filter(|p| p.scope != Model) {
            let id = if param.scope == State { "ISO3" } else { "ID" };
            let path = format!("{}.{id}.{}", param.scope.section(), param.name);
            assert!(readme.contains(&path), "README's --set paths lack `{path}`");
        }
    }
}
