//! What-if conditions: `run --given WHO=WHAT`, repeatable and ANDed.
//!
//! WHO is a state (ISO3) or a bloc id, case-insensitive (`states.ID` or
//! `blocs.ID` when an id is both, as Namibia and the Non-Aligned Movement
//! are `NAM`). WHAT for a state is its vote: `yes`, `no`, `abstain`,
//! `absent`, `present` (Yes, No or Abstain) or `voting` (Yes or No); for a
//! bloc `yes`, `no` or `abstain` (at least one member present, and every
//! member present cast that vote), `united` (at least one member present,
//! all present cast the same vote) or `split` (the members present cast at
//! least two different votes). A condition is evaluated on each proposal's
//! own votes in a run; a batch tallies the runs meeting it apart (see
//! [`crate::aggregate::Tally::given`]).
//!
//! [`Condition::parse`] checks every term against the scenario before
//! anything is simulated, and gives the normalised text (`IND=no;EU=split`)
//! that names the condition in `given.csv` and in the batch's identity;
//! parsing that text again gives the same condition.

use crate::model::{Scenario, Vote};
use crate::suggest;

/// What a state did, for a condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateIs {
    /// Cast this vote (or was absent).
    Cast(Vote),
    /// Present: Yes, No or Abstain.
    Present,
    /// Present and voting: Yes or No.
    Voting,
}

/// What a bloc's members present did, for a condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlocIs {
    /// At least one member present, every member present cast this vote (Yes, No or Abstain).
    All(Vote),
    /// At least one member present, all cast the same vote.
    United,
    /// The members present cast at least two different votes.
    Split,
}

/// One term of a condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Term {
    /// A state (roster index) and what it did.
    State(usize, StateIs),
    /// A bloc (scenario index) and what its members present did.
    Bloc(usize, BlocIs),
}

/// A condition on one proposal's votes in a run: every term must hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    /// The terms, in the order given.
    pub terms: Vec<Term>,
    /// The normalised text, terms joined by `;`.
    text: String,
}

/// The words a state's term accepts.
const STATE_WORDS: [&str; 6] = ["yes", "no", "abstain", "absent", "present", "voting"];
/// The words a bloc's term accepts.
const BLOC_WORDS: [&str; 5] = ["yes", "no", "abstain", "united", "split"];

fn state_is(word: &str) -> Option<StateIs> {
    Some(match word {
        "yes" => StateIs::Cast(Vote::Yes),
        "no" => StateIs::Cast(Vote::No),
        "abstain" => StateIs::Cast(Vote::Abstain),
        "absent" => StateIs::Cast(Vote::Absent),
        "present" => StateIs::Present,
        "voting" => StateIs::Voting,
        _ => return None,
    })
}

fn bloc_is(word: &str) -> Option<BlocIs> {
    Some(match word {
        "yes" => BlocIs::All(Vote::Yes),
        "no" => BlocIs::All(Vote::No),
        "abstain" => BlocIs::All(Vote::Abstain),
        "united" => BlocIs::United,
        "split" => BlocIs::Split,
        _ => return None,
    })
}

impl Condition {
    /// Parses the `--given` terms `specs` against `scenario`: `None` for
    /// none. An error is one line naming the term (`--given IDN=maybe:
    /// ...`), with the closest valid name for a misspelling.
    pub fn parse(specs: &[String], scenario: &Scenario) -> Result<Option<Condition>, String> {
        if specs.is_empty() {
            return Ok(None);
        }
        let mut terms = Vec::new();
        let mut texts = Vec::new();
        for spec in specs {
            let (term, text) = parse_term(spec, scenario).map_err(|message| format!("--given {spec}: {message}"))?;
            terms.push(term);
            texts.push(text);
        }
        Ok(Some(Condition { terms, text: texts.join(";") }))
    }

    /// Parses a normalised text ([`Condition::text`]) again, e.g. from a
    /// batch's `tally.json`.
    pub fn parse_text(text: &str, scenario: &Scenario) -> Result<Condition, String> {
        let specs: Vec<String> = text.split(';').map(String::from).collect();
        Condition::parse(&specs, scenario).map(|c| c.expect("a text has at least one term"))
    }

    /// The normalised text: `WHO=WHAT` per term, WHO upper case (prefixed
    /// `states.` or `blocs.` only when the id is both), WHAT lower case,
    /// joined by `;` in the order given.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Whether the condition holds for one proposal's `votes` (roster
    /// order), with `bloc(b)` the `[yes, no, abstain]` counts of bloc `b`'s
    /// members in the same votes.
    pub fn holds(&self, votes: &[Vote], bloc: impl Fn(usize) -> [u32; 3]) -> bool {
        self.terms.iter().all(|&term| match term {
            Term::State(i, what) => {
                let vote = votes[i];
                match what {
                    StateIs::Cast(v) => vote == v,
                    StateIs::Present => vote != Vote::Absent,
                    StateIs::Voting => matches!(vote, Vote::Yes | Vote::No),
                }
            }
            Term::Bloc(b, what) => {
                let counts = bloc(b);
                let present: u32 = counts.iter().sum();
                let most = counts.iter().copied().max().unwrap_or(0);
                match what {
                    BlocIs::All(v) => present > 0 && counts[v as usize] == present,
                    BlocIs::United => present > 0 && most == present,
                    BlocIs::Split => most < present,
                }
            }
        })
    }
}

/// One `WHO=WHAT`: the term and its normalised text.
fn parse_term(spec: &str, scenario: &Scenario) -> Result<(Term, String), String> {
    let (who, what) = spec
        .split_once('=')
        .map(|(who, what)| (who.trim(), what.trim()))
        .filter(|(who, what)| !who.is_empty() && !what.is_empty())
        .ok_or("expected WHO=WHAT, a state or bloc and what it did, e.g. IND=no or EU=split")?;
    // Ids are upper case and words lower case, as everywhere else (a
    // lower-case `ind` gets "did you mean `IND`?").
    let what = what.to_string();
    let (kind, id) = match who.split_once('.') {
        Some(("states", id)) => (Some(Kind::State), id),
        Some(("blocs", id)) => (Some(Kind::Bloc), id),
        _ => (None, who),
    };
    let id = id.to_string();
    let state = scenario.state_index(&id);
    let bloc = scenario.bloc_index(&id);
    let kind = match (kind, state, bloc) {
        (Some(Kind::State), None, _) => return Err(unknown("state", &id, scenario, Some(Kind::State))),
        (Some(Kind::Bloc), _, None) => return Err(unknown("bloc", &id, scenario, Some(Kind::Bloc))),
        (Some(kind), _, _) => kind,
        (None, Some(_), None) => Kind::State,
        (None, None, Some(_)) => Kind::Bloc,
        (None, None, None) => return Err(unknown("state or bloc", &id, scenario, None)),
        // Both: the word decides if only one of them takes it.
        (None, Some(i), Some(b)) => match (state_is(&what).is_some(), bloc_is(&what).is_some()) {
            (true, false) => Kind::State,
            (false, true) => Kind::Bloc,
            _ => {
                return Err(format!(
                    "`{id}` is both a state ({}) and a bloc ({}); write states.{id}={what} or blocs.{id}={what}",
                    scenario.states[i].name, scenario.blocs[b].name
                ));
            }
        },
    };
    let prefix = match (state.is_some() && bloc.is_some(), kind) {
        (false, _) => "",
        (true, Kind::State) => "states.",
        (true, Kind::Bloc) => "blocs.",
    };
    let text = format!("{prefix}{id}={what}");
    match kind {
        Kind::State => {
            let i = state.expect("resolved above");
            let is = state_is(&what).ok_or_else(|| {
                format!("`{what}` is not what a state can do{}", suggest::alternatives(&what, STATE_WORDS))
            })?;
            Ok((Term::State(i, is), text))
        }
        Kind::Bloc => {
            let b = bloc.expect("resolved above");
            let bloc = &scenario.blocs[b];
            if bloc.members.is_empty() {
                return Err(format!("the bloc {id} has no members on {}", scenario.date));
            }
            let is = bloc_is(&what).ok_or_else(|| {
                format!("`{what}` is not what a bloc can do{}", suggest::alternatives(&what, BLOC_WORDS))
            })?;
            Ok((Term::Bloc(b, is), text))
        }
    }
}

/// A state or a bloc.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    State,
    Bloc,
}

/// "unknown state `XYZ`; did you mean `XYK`?" among the states, blocs or both.
fn unknown(what: &str, id: &str, scenario: &Scenario, kind: Option<Kind>) -> String {
    let states = scenario.states.iter().map(|s| s.iso3.as_str()).filter(|_| kind != Some(Kind::Bloc));
    let blocs = scenario.blocs.iter().map(|b| b.id.as_str()).filter(|_| kind != Some(Kind::State));
    format!("unknown {what} `{id}`{}", suggest::hint(id, states.chain(blocs)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scenario() -> Scenario {
        let toml = "[scenario]\nname = \"g\"\ndate = \"2018-12-05\"\n[[proposals]]\nid = \"P\"\nposition = [0.5, 0.0]\n\
                    [blocs.EMPTY]\nmembers = [\"FRA\"]\nremove = [\"FRA\"]\n";
        crate::scenario::parse(toml, "g.toml", &[]).unwrap_or_else(|e| panic!("{e}"))
    }

    fn parse(specs: &[&str]) -> Result<Condition, String> {
        let specs: Vec<String> = specs.iter().map(|s| s.to_string()).collect();
        Condition::parse(&specs, &scenario()).map(Option::unwrap)
    }

    #[test]
    fn terms_are_normalised_and_read_back() {
        let sc = scenario();
        let c = parse(&["IND=no", " EU = split ", "NAM=present", "NAM=united", "blocs.NAM=yes"]).unwrap();
        assert_eq!(c.text(), "IND=no;EU=split;states.NAM=present;blocs.NAM=united;blocs.NAM=yes");
        let (ind, eu, nam) = (sc.state_index("IND").unwrap(), sc.bloc_index("EU").unwrap(), sc.state_index("NAM"));
        assert_eq!(c.terms[0], Term::State(ind, StateIs::Cast(Vote::No)));
        assert_eq!(c.terms[1], Term::Bloc(eu, BlocIs::Split));
        assert_eq!(c.terms[2], Term::State(nam.unwrap(), StateIs::Present));
        assert_eq!(Condition::parse_text(c.text(), &sc).unwrap(), c);
        assert_eq!(Condition::parse(&[], &sc), Ok(None));
    }

    #[test]
    fn bad_terms_are_refused_in_one_line() {
        let cases = [
            ("IND", "expected WHO=WHAT"),
            ("=no", "expected WHO=WHAT"),
            ("IDN=maybe", "`maybe` is not what a state can do; expected one of `yes`"),
            ("IMD=no", "unknown state or bloc `IMD`; did you mean `IND`?"),
            ("IND=split", "`split` is not what a state can do"),
            ("EU=absent", "`absent` is not what a bloc can do"),
            ("EU=unitd", "did you mean `united`?"),
            ("NAM=yes", "`NAM` is both a state (Namibia) and a bloc (Non-Aligned Movement); write states.NAM=yes"),
            ("states.EU=yes", "unknown state `EU`"),
            ("blocs.IND=yes", "unknown bloc `IND`"),
            ("ind=no", "unknown state or bloc `ind`; did you mean `IND`?"),
            ("IND=No", "`No` is not what a state can do; did you mean `no`?"),
            ("EMPTY=yes", "the bloc EMPTY has no members on 2018-12-05"),
        ];
        for (spec, expected) in cases {
            let error = parse(&[spec]).unwrap_err();
            assert!(error.starts_with(&format!("--given {spec}: ")), "{error}");
            assert!(error.contains(expected), "{spec}: {error}");
            assert!(!error.contains('\n'));
        }
    }

    #[test]
    fn bloc_terms_need_members_present() {
        let c = |what: &str| parse(&[&format!("EU={what}")]).unwrap();
        let votes = vec![Vote::Absent; 193];
        // [yes, no, abstain] of the EU's members present.
        let holds = |what: &str, counts: [u32; 3]| c(what).holds(&votes, |_| counts);
        assert!(holds("yes", [3, 0, 0]) && !holds("yes", [3, 1, 0]) && !holds("yes", [0, 0, 0]));
        assert!(holds("abstain", [0, 0, 2]) && !holds("no", [0, 0, 2]));
        assert!(holds("united", [0, 4, 0]) && !holds("united", [1, 4, 0]) && !holds("united", [0, 0, 0]));
        assert!(holds("split", [1, 4, 0]) && !holds("split", [0, 4, 0]) && !holds("split", [0, 0, 0]));
    }

    #[test]
    fn state_terms_and_conjunction() {
        let sc = scenario();
        let (ind, usa) = (sc.state_index("IND").unwrap(), sc.state_index("USA").unwrap());
        let mut votes = vec![Vote::Absent; 193];
        votes[ind] = Vote::Abstain;
        votes[usa] = Vote::No;
        let holds = |specs: &[&str]| parse(specs).unwrap().holds(&votes, |_| [0, 0, 0]);
        assert!(holds(&["IND=abstain"]) && holds(&["IND=present"]) && !holds(&["IND=voting"]));
        assert!(holds(&["USA=voting", "USA=no"]) && !holds(&["USA=no", "IND=absent"]));
        assert!(holds(&["FRA=absent"]) && !holds(&["FRA=present"]));
    }
}
