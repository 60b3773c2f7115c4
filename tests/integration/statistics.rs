//! Statistical tests: simulated frequencies against closed forms.
//!
//! The oracle below re-derives, from the resolved [`Scenario`] alone, what
//! MODEL.md says the vote probabilities are: initial stances, the
//! Friedkin-Johnsen rounds written the plain O(states x blocs) way, the
//! ordered logit / probit, sponsorship and `[[force]]`. It calls none of the
//! engine's own probability code, so an engine bug cannot cancel out.
//!
//! With `position_jitter = 0` and no `[[uncertain]]` entry, states vote
//! independently with these exact probabilities, so every batch aggregate
//! has a closed form:
//!
//! - per-state P(Yes / No / Abstain / Absent), against `state_votes`;
//! - the mean Yes count (a sum of Bernoulli means), against `histograms[0]`;
//! - P(adopted) and P(consensus) (Poisson-trinomial dynamic programme on the
//!   joint Yes / No counts), against `adopted` and `consensus`;
//! - the whole distribution of each count and of the margin, against the
//!   histograms (Dvoretzky-Kiefer-Wolfowitz bound on the CDF);
//! - P(decisive | present) of single states (the same programme without
//!   the state), against `decisive`;
//! - P(tipping point) of every state (Poisson-binomials of the voters
//!   before and after it in the stance order), against `tipping`;
//! - the influence rounds themselves (rounds = 0 against rounds = 5 under
//!   strong conformity);
//! - `[[uncertain]]` attendance by conditioning (linear in a_i), and
//!   reproducibility under an uncertain bloc cohesion;
//! - `model.attendance_scale`, fixed and `[[uncertain]]`: absence
//!   1 - min(1, s a_i).
//!
//! Every check has a fixed seed, so the tests are deterministic; tolerances
//! are stated where they are used.

use std::sync::OnceLock;
use ungasim::aggregate::{ProposalTally, Tally};
use ungasim::batch::{self, BatchPlan};
use ungasim::engine::Engine;
use ungasim::interrupt::Interrupt;
use ungasim::model::{Majority, Noise, Scenario, Vote};
use ungasim::scenario;

// ---------------------------------------------------------------------------
// Oracle: stances, vote probabilities, exact count distributions.
// ---------------------------------------------------------------------------

/// `[P(Yes), P(No), P(Abstain), P(Absent)]` of one state on one proposal (tally column order).
type VoteProbabilities = [f64; 4];

/// The CDF of the standardised noise.
fn noise_cdf(noise: Noise, x: f64) -> f64 {
    match noise {
        Noise::Logistic => 1.0 / (1.0 + (-x).exp()),
        Noise::Normal => 0.5 * libm::erfc(-x / std::f64::consts::SQRT_2),
    }
}

/// y0_i = s (|x_i - q|^2 - |x_i - p|^2) + beta_cap (1 - c_i) cb + beta_tie sum_{k in sponsors} T_ik.
fn initial_stances(sc: &Scenario, j: usize) -> Vec<f64> {
    let p = &sc.proposals[j];
    let squared_distance = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(u, v)| (u - v) * (u - v)).sum::<f64>();
    sc.states
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let spatial = squared_distance(&s.position, &p.status_quo) - squared_distance(&s.position, &p.position);
            let ties_to_sponsors: f64 =
                sc.ties.iter().filter(|t| t.from == i && p.sponsors.contains(&t.to)).map(|t| t.weight).sum();
            p.salience * spatial
                + sc.model.capacity_weight * (1.0 - s.capacity) * p.capacity_building
                + sc.model.tie_weight * ties_to_sponsors
        })
        .collect()
}

/// `model.rounds` Friedkin-Johnsen rounds from `y0`: each state's pull is the
/// cohesion-weighted stance of its blocs (the leader's, else the members'
/// mean) together with its ties; a state without weight keeps y0.
fn influence_rounds(sc: &Scenario, y0: &[f64]) -> Vec<f64> {
    let mut y = y0.to_vec();
    for _ in 0..sc.model.rounds {
        let bloc_stance: Vec<f64> = sc
            .blocs
            .iter()
            .map(|b| match b.leader {
                Some(leader) => y[leader],
                None if b.members.is_empty() => 0.0,
                None => b.members.iter().map(|&m| y[m]).sum::<f64>() / b.members.len() as f64,
            })
            .collect();
        y = (0..sc.states.len())
            .map(|i| {
                let (mut pull, mut total) = (0.0, 0.0);
                for (b, bloc) in sc.blocs.iter().enumerate().filter(|(_, b)| b.members.contains(&i)) {
                    pull += bloc.cohesion * bloc_stance[b];
                    total += bloc.cohesion;
                }
                for tie in sc.ties.iter().filter(|t| t.from == i) {
                    pull += tie.weight * y[tie.to];
                    total += tie.weight;
                }
                if total > 0.0 {
                    let lambda = sc.states[i].conformity(&sc.model);
                    (1.0 - lambda) * y0[i] + lambda * pull / total
                } else {
                    y0[i]
                }
            })
            .collect();
    }
    y
}

/// Vote probabilities of every state on every proposal, `[proposal][state]`.
fn vote_probabilities(sc: &Scenario) -> Vec<Vec<VoteProbabilities>> {
    let sigma = sc.model.noise_scale;
    (0..sc.proposals.len())
        .map(|j| {
            let stances = influence_rounds(sc, &initial_stances(sc, j));
            let mut probabilities: Vec<VoteProbabilities> = sc
                .states
                .iter()
                .zip(&stances)
                .map(|(s, &y)| {
                    let (a, tau) = (s.attendance, s.abstain_band(&sc.model));
                    let no = a * noise_cdf(sc.model.noise, (-tau - y) / sigma);
                    let yes = a * (1.0 - noise_cdf(sc.model.noise, (tau - y) / sigma));
                    [yes, no, a - yes - no, 1.0 - a]
                })
                .collect();
            let certain = |vote: Vote| {
                let mut p = [0.0; 4];
                p[vote as usize] = 1.0;
                p
            };
            for &k in &sc.proposals[j].sponsors {
                probabilities[k] = certain(Vote::Yes);
            }
            for f in sc.force.iter().filter(|f| f.proposal == j) {
                probabilities[f.state] = certain(f.vote);
            }
            probabilities
        })
        .collect()
}

/// The exact joint distribution of the (Yes, No) counts of independent
/// voters: `p[yes * (n + 1) + no]`, a Poisson-trinomial by dynamic programming.
struct YesNo {
    n: usize,
    p: Vec<f64>,
}

impl YesNo {
    fn new(voters: &[VoteProbabilities]) -> YesNo {
        let n = voters.len();
        let width = n + 1;
        let mut p = vec![0.0; width * width];
        p[0] = 1.0;
        for (seen, v) in voters.iter().enumerate() {
            let other = 1.0 - v[0] - v[1];
            // Descending, so each cell reads the previous voter's values.
            for yes in (0..=seen + 1).rev() {
                for no in (0..=seen + 1 - yes).rev() {
                    let mut q = other * p[yes * width + no];
                    if yes > 0 {
                        q += v[0] * p[(yes - 1) * width + no];
                    }
                    if no > 0 {
                        q += v[1] * p[yes * width + no - 1];
                    }
                    p[yes * width + no] = q;
                }
            }
        }
        YesNo { n, p }
    }

    /// Every (yes, no, probability) with yes + no <= n.
    fn cells(&self) -> impl Iterator<Item = (usize, usize, f64)> + '_ {
        let width = self.n + 1;
        (0..=self.n).flat_map(move |yes| (0..=self.n - yes).map(move |no| (yes, no, self.p[yes * width + no])))
    }

    /// P(the pair satisfies `event`).
    fn probability(&self, event: impl Fn(usize, usize) -> bool) -> f64 {
        self.cells().filter(|&(yes, no, _)| event(yes, no)).map(|(_, _, p)| p).sum()
    }

    /// pmf of Yes - No, indexed by margin + n.
    fn margin_pmf(&self) -> Vec<f64> {
        let mut pmf = vec![0.0; 2 * self.n + 1];
        for (yes, no, p) in self.cells() {
            pmf[self.n + yes - no] += p;
        }
        pmf
    }
}

/// pmf of the number of successes of independent Bernoulli(p_i) trials.
fn poisson_binomial(ps: impl Iterator<Item = f64>) -> Vec<f64> {
    let mut pmf = vec![1.0];
    for p in ps {
        pmf.push(0.0);
        for k in (0..pmf.len()).rev() {
            pmf[k] = (1.0 - p) * pmf[k] + if k > 0 { p * pmf[k - 1] } else { 0.0 };
        }
    }
    pmf
}

/// GA rules 83-86 as MODEL.md states them: whether a proposal passes
/// (adopted by vote, or by consensus when nobody voted No).
fn passes(majority: Majority, consensus: bool, yes: usize, no: usize) -> bool {
    let by_vote = match majority {
        Majority::Simple => yes > no,
        Majority::TwoThirds => yes >= 2 * no && yes > 0,
    };
    by_vote || (consensus && no == 0)
}

// ---------------------------------------------------------------------------
// Simulation and the comparisons.
// ---------------------------------------------------------------------------

/// Runs per batch: the binomial SE of a frequency is at most 0.5 / sqrt(R) = 0.0025.
const RUNS: u64 = 40_000;

/// Tolerance in binomial standard errors: a false alarm on one comparison has
/// probability about 7e-6, so a few thousand comparisons stay quiet.
const Z: f64 = 4.5;

/// DKW failure probability per compared distribution.
const DKW_ALPHA: f64 = 1e-6;

fn parse(text: &str, overrides: &[&str]) -> Scenario {
    let overrides: Vec<String> = overrides.iter().map(|s| s.to_string()).collect();
    scenario::parse(text, "statistics.toml", &overrides).unwrap_or_else(|e| panic!("{e}"))
}

fn simulate(sc: &Scenario, runs: u64, threads: usize) -> Tally {
    let plan = BatchPlan { runs: 0..runs, threads, per_run: false, per_state: false };
    batch::run(sc, &plan, &Interrupt::new(), &|_| {}, |_| Ok(batch::Flow::Continue)).expect("batch runs")
}

/// A scenario, its oracle probabilities and its simulated tally.
struct Case {
    sc: Scenario,
    probs: Vec<Vec<VoteProbabilities>>,
    tally: Tally,
}

impl Case {
    fn new(sc: Scenario) -> Case {
        Case { probs: vote_probabilities(&sc), tally: simulate(&sc, RUNS, 2), sc }
    }

    fn proposals(&self) -> impl Iterator<Item = (usize, &ProposalTally, &[VoteProbabilities])> {
        self.tally.proposals.iter().zip(&self.probs).enumerate().map(|(j, (t, p))| (j, t, p.as_slice()))
    }

    fn label(&self, j: usize) -> String {
        format!("{} / {}", self.sc.name, self.sc.proposals[j].id)
    }
}

/// Collects the comparisons that fail, to report them all at once.
#[derive(Default)]
struct Checks {
    failures: Vec<String>,
    compared: usize,
}

impl Checks {
    /// `count` of `runs` against probability `p`: exactly when p is 0 or 1,
    /// else within Z binomial SEs plus one count. The extra count (2.5e-5
    /// in probability) is far below the SE of a mid-range p; it covers tiny
    /// p, where R p is below 1 and the binomial is too skewed for the
    /// normal approximation (one hit at p = 1e-6 would otherwise be 5 SEs).
    fn frequency(&mut self, what: impl FnOnce() -> String, count: u64, runs: u64, p: f64) {
        self.compared += 1;
        let (k, r) = (count as f64, runs as f64);
        // The dynamic programmes may overshoot [0, 1] by rounding.
        let p = p.clamp(0.0, 1.0);
        let ok =
            if p == 0.0 || p == 1.0 { k == p * r } else { (k - r * p).abs() <= Z * (r * p * (1.0 - p)).sqrt() + 1.0 };
        if !ok {
            let se = (p * (1.0 - p) / r).sqrt();
            self.failures.push(format!(
                "{}: simulated {:.5}, exact {p:.5} ({:+.1} SE)",
                what(),
                k / r,
                (k / r - p) / se
            ));
        }
    }

    /// Dvoretzky-Kiefer-Wolfowitz: with probability at least 1 - alpha the
    /// empirical CDF of R draws is within sqrt(ln(2 / alpha) / (2 R)) of the
    /// true CDF everywhere (0.0135 for R = 40 000, alpha = 1e-6). Holds for
    /// discrete distributions too (it is conservative there).
    fn distribution(&mut self, what: impl FnOnce() -> String, histogram: &[u64], pmf: &[f64]) {
        self.compared += 1;
        assert_eq!(histogram.len(), pmf.len(), "histogram and pmf shapes");
        let runs: u64 = histogram.iter().sum();
        let bound = ((2.0 / DKW_ALPHA).ln() / (2.0 * runs as f64)).sqrt();
        let (mut empirical, mut exact, mut worst) = (0.0, 0.0, 0.0f64);
        for (&h, &p) in histogram.iter().zip(pmf) {
            empirical += h as f64 / runs as f64;
            exact += p;
            worst = worst.max((empirical - exact).abs());
        }
        if worst > bound {
            self.failures.push(format!("{}: sup |F_R - F| = {worst:.4} > DKW bound {bound:.4}", what()));
        }
    }

    /// `value` against `exact`, within Z standard errors `se`.
    fn mean(&mut self, what: impl FnOnce() -> String, value: f64, exact: f64, se: f64) {
        self.compared += 1;
        if (value - exact).abs() > Z * se {
            self.failures.push(format!("{}: simulated {value:.4}, exact {exact:.4} (SE {se:.4})", what()));
        }
    }

    fn assert_passed(self, test: &str) {
        assert!(self.compared > 0, "{test}: nothing compared");
        assert!(
            self.failures.is_empty(),
            "{test}: {} of {} comparisons failed:\n{}",
            self.failures.len(),
            self.compared,
            self.failures.join("\n")
        );
    }
}

/// Every state's four vote frequencies on every proposal of `case`.
fn check_state_votes(case: &Case, checks: &mut Checks) {
    for (j, tally, probs) in case.proposals() {
        for (i, (counts, p)) in tally.state_votes.iter().zip(probs).enumerate() {
            for v in Vote::ALL {
                let what = || format!("{}: {} P({})", case.label(j), case.sc.states[i].iso3, v.name());
                checks.frequency(what, counts[v as usize], tally.runs, p[v as usize]);
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Scenarios.
// ---------------------------------------------------------------------------

/// Three proposals chosen to leave many votes uncertain:
///
/// - `CLOSE` (simple majority) lies along the sovereignty axis near the
///   median state, so Yes and No are nearly even; its sponsors are RUS and
///   CHN (CHN forced to No: force wins over sponsorship), IND is forced to
///   abstain. P(adopted) is about 0.4.
/// - `TWO_THIRDS` splits the states at sovereignty 0.2 (the bisector of
///   its position and status quo), near the two-thirds line; USA sponsors it.
/// - `BROAD` (consensus allowed) improves on a far status quo for nearly
///   everybody, so a run without a No has a fair chance (about 0.3).
const PROPOSALS: &str = r#"
[[proposals]]
id = "CLOSE"
sponsors = ["RUS", "CHN"]
position = [0.1, 0.0]
salience = 4.0
capacity_building = 0.2

[[proposals]]
id = "TWO_THIRDS"
sponsors = ["USA"]
position = [-0.2, 0.0]
status_quo = [0.6, 0.0]
salience = 2.0
capacity_building = 0.5
majority = "two_thirds"

[[proposals]]
id = "BROAD"
position = [0.0, 0.3]
status_quo = [0.0, -2.0]
salience = 1.5
capacity_building = 1.0
consensus = true

[[force]]
state = "CHN"
proposal = "CLOSE"
vote = "no"

[[force]]
state = "IND"
proposal = "CLOSE"
vote = "abstain"
"#;

/// A scenario with `PROPOSALS`, no jitter, and the given extra `[model]`
/// lines and further tables.
fn scenario_text(name: &str, date: &str, seed: u64, model: &str, tables: &str) -> String {
    format!(
        "[scenario]\nname = \"{name}\"\ndate = \"{date}\"\nseed = {seed}\n\n\
         [model]\nposition_jitter = 0.0\nabstain_band = 0.5\n{model}\n{PROPOSALS}\n{tables}\n"
    )
}

/// Logistic noise, 3 rounds, default conformity, the 2018 roster (NATO led by USA).
fn logistic_case() -> &'static Case {
    static CASE: OnceLock<Case> = OnceLock::new();
    CASE.get_or_init(|| {
        let text = scenario_text("logistic", "2018-12-05", 11, "noise = \"logistic\"\nrounds = 3", "");
        Case::new(parse(&text, &[]))
    })
}

/// Normal noise on the 2024 roster (Finland and Sweden in NATO, the RUS-PRK
/// tie), with the EU led by Germany and tighter, and a scenario bloc led by Brazil.
fn normal_case() -> &'static Case {
    static CASE: OnceLock<Case> = OnceLock::new();
    CASE.get_or_init(|| {
        let tables = r#"
[blocs.EU]
cohesion = 0.95
leader = "DEU"

[blocs.MERCOSUR]
name = "Mercosur"
cohesion = 0.8
leader = "BRA"
members = ["ARG", "BRA", "PRY", "URY"]
"#;
        let text =
            scenario_text("normal", "2024-12-31", 12, "noise = \"normal\"\nnoise_scale = 0.8\nrounds = 3", tables);
        // The normal's thin tails make `BROAD` a sure consensus at salience 1.5; 0.5 keeps P(consensus) near 0.4.
        Case::new(parse(&text, &["proposals.BROAD.salience=0.5"]))
    })
}

fn cases() -> [&'static Case; 2] {
    [logistic_case(), normal_case()]
}

// ---------------------------------------------------------------------------
// Tests.
// ---------------------------------------------------------------------------

#[test]
fn scenarios_have_leaders_and_mid_range_votes() {
    for case in cases() {
        let sc = &case.sc;
        let nato = &sc.blocs[sc.bloc_index("NATO").expect("NATO")];
        assert_eq!(nato.leader, sc.state_index("USA"), "{}: NATO is led by the USA", sc.name);
        // A test of the probabilities is only as good as the probabilities are uncertain.
        for (j, _, probs) in case.proposals() {
            let uncertain = probs.iter().filter(|p| p[0] > 0.1 && p[0] < 0.9).count();
            assert!(uncertain >= 40, "{}: only {uncertain} states with 0.1 < P(Yes) < 0.9", case.label(j));
        }
    }
    let sc = &normal_case().sc;
    assert!(sc.blocs[sc.bloc_index("NATO").unwrap()].members.contains(&sc.state_index("FIN").unwrap()));
    assert_eq!(sc.blocs[sc.bloc_index("EU").unwrap()].leader, sc.state_index("DEU"));
}

/// Required test 1 (logistic): every state's P(Yes / No / Abstain / Absent)
/// within 4.5 binomial SEs (see [`Checks::frequency`]), exact for sponsors
/// and forced states.
#[test]
fn state_vote_probabilities_logistic() {
    let mut checks = Checks::default();
    check_state_votes(logistic_case(), &mut checks);
    checks.assert_passed("logistic state votes");
}

/// Required test 1 (normal noise, leaders in EU, NATO and a scenario bloc).
#[test]
fn state_vote_probabilities_normal() {
    let mut checks = Checks::default();
    check_state_votes(normal_case(), &mut checks);
    checks.assert_passed("normal state votes");
}

/// Required test 2: the mean of the Yes histogram against sum_i P_i(Yes).
/// Independent votes: Var(Yes count) = sum p(1-p), so the mean of R runs
/// has SE sqrt(sum p(1-p) / R); tolerance 4.5 SE.
#[test]
fn mean_yes_count_is_the_sum_of_probabilities() {
    let mut checks = Checks::default();
    for case in cases() {
        for (j, tally, probs) in case.proposals() {
            let runs = tally.runs as f64;
            let mean = tally.histograms[0].iter().enumerate().map(|(k, &h)| k as f64 * h as f64).sum::<f64>() / runs;
            let exact: f64 = probs.iter().map(|p| p[0]).sum();
            let variance: f64 = probs.iter().map(|p| p[0] * (1.0 - p[0])).sum();
            checks.mean(|| format!("{}: mean Yes", case.label(j)), mean, exact, (variance / runs).sqrt());
        }
    }
    checks.assert_passed("mean Yes");
}

/// Required test 3: P(passed) from the exact joint (Yes, No) distribution
/// under the proposal's majority (and consensus), P(consensus) =
/// prod_i (1 - P_i(No)); both within 4.5 binomial SEs.
#[test]
fn adoption_and_consensus_probabilities() {
    let mut checks = Checks::default();
    for case in cases() {
        for (j, tally, probs) in case.proposals() {
            let proposal = &case.sc.proposals[j];
            let joint = YesNo::new(probs);
            let passed = joint.probability(|yes, no| passes(proposal.majority, proposal.consensus, yes, no));
            let consensus = if proposal.consensus { probs.iter().map(|p| 1.0 - p[1]).product() } else { 0.0 };
            // The oracle's two routes to P(no No vote) must agree.
            assert!(
                (joint.probability(|_, no| no == 0) - probs.iter().map(|p| 1.0 - p[1]).product::<f64>()).abs() < 1e-12
            );
            let label = case.label(j);
            checks.frequency(|| format!("{label}: P(passed)"), tally.adopted + tally.consensus, tally.runs, passed);
            checks.frequency(|| format!("{label}: P(consensus)"), tally.consensus, tally.runs, consensus);
        }
    }
    checks.assert_passed("adoption");
}

/// Required test 4: the whole distribution of the Yes, No, Abstain and
/// Absent counts (Poisson-binomial) and of the margin Yes - No (from the
/// joint), each within the DKW bound of [`Checks::distribution`].
#[test]
fn count_distributions_match_the_exact_pmfs() {
    let mut checks = Checks::default();
    for case in cases() {
        for (j, tally, probs) in case.proposals() {
            for v in Vote::ALL {
                let pmf = poisson_binomial(probs.iter().map(|p| p[v as usize]));
                checks.distribution(
                    || format!("{}: {} count", case.label(j), v.name()),
                    &tally.histograms[v as usize],
                    &pmf,
                );
            }
            let margin = YesNo::new(probs).margin_pmf();
            checks.distribution(|| format!("{}: margin", case.label(j)), &tally.margin, &margin);
        }
    }
    checks.assert_passed("count distributions");
}

/// Required test 5: P(decisive | present) on the close simple-majority
/// vote. State i is decisive iff the others' Yes - No is 0 or +1 (then i's
/// Yes passes it, yes + 1 > no, and i's No does not, yes <= no + 1),
/// whatever i itself votes; the exact value comes from the joint
/// distribution without i, which does not depend on i's presence, so it is
/// also the share of decisive runs among the runs with i present. Within
/// 4.5 binomial SEs of those runs.
#[test]
fn decisiveness_on_a_close_vote() {
    let mut checks = Checks::default();
    for case in cases() {
        let sc = &case.sc;
        let j = sc.proposal_index("CLOSE").unwrap();
        assert_eq!(sc.proposals[j].majority, Majority::Simple);
        let tally = &case.tally.proposals[j];
        // RUS sponsors, CHN sponsors but is forced to No, IND is forced to abstain, the rest vote freely.
        for iso3 in ["RUS", "CHN", "IND", "BRA", "ZAF", "DEU", "IDN"] {
            let i = sc.state_index(iso3).unwrap();
            let mut others = case.probs[j].clone();
            others.remove(i);
            let decisive = YesNo::new(&others).probability(|yes, no| yes == no || yes == no + 1);
            assert!(decisive > 0.01, "{}: P(decisive) of {iso3} is only {decisive}", case.label(j));
            let present = tally.runs - tally.state_votes[i][Vote::Absent as usize];
            checks.frequency(
                || format!("{}: {iso3} P(decisive | present)", case.label(j)),
                tally.decisive[i],
                present,
                decisive,
            );
        }
    }
    checks.assert_passed("decisive");
}

/// Required test 6: the influence rounds matter and are simulated as the
/// oracle computes them. Strong conformity (0.8) and cohesive blocs; the
/// same scenario with rounds = 0 and rounds = 5, each state's four
/// frequencies within 4.5 binomial SEs of the oracle with the same rounds,
/// and the oracle's P(Yes) moving by more than 0.05 for some state between
/// the two, so an engine ignoring the rounds would fail.
#[test]
fn influence_rounds_are_simulated() {
    let tables = r#"
[blocs.EU]
cohesion = 1.0

[blocs.NATO]
cohesion = 0.95

[blocs.CSTO]
cohesion = 0.95

[blocs.AU]
cohesion = 0.9
"#;
    let model = |rounds: u32| format!("noise = \"logistic\"\nconformity = 0.8\nrounds = {rounds}");
    let [before, after] =
        [0, 5].map(|rounds| Case::new(parse(&scenario_text("rounds", "2020-06-01", 13, &model(rounds), tables), &[])));
    let mut checks = Checks::default();
    check_state_votes(&before, &mut checks);
    check_state_votes(&after, &mut checks);
    checks.assert_passed("rounds 0 and 5");
    let moved = (before.probs.iter().flatten().zip(after.probs.iter().flatten()))
        .map(|(a, b)| (a[0] - b[0]).abs())
        .fold(0.0, f64::max);
    assert!(moved > 0.05, "five rounds move P(Yes) by at most {moved}: the test could not see them");
}

/// Required test 7, first half: an `[[uncertain]]` attendance. Attendance
/// enters every vote probability linearly and nothing else, so conditioning
/// on the draw gives the marginal probabilities exactly with a_i replaced
/// by its mean (low + high) / 2: P(Absent) = 1 - (low + high) / 2 for that
/// state, every other probability as the oracle says. Within 4.5 binomial SEs.
#[test]
fn uncertain_attendance_averages_out() {
    let (low, high) = (0.2, 0.6);
    let tables =
        format!("[[uncertain]]\nparam = \"states.BRA.attendance\"\ndist = \"uniform\"\nlow = {low}\nhigh = {high}\n");
    let sc = parse(&scenario_text("uncertain", "2018-12-05", 14, "", &tables), &[]);
    let tally = simulate(&sc, RUNS, 2);
    let mut mean_sc = sc.clone();
    let bra = sc.state_index("BRA").unwrap();
    mean_sc.states[bra].attendance = (low + high) / 2.0;
    mean_sc.uncertain.clear();
    let case = Case { probs: vote_probabilities(&mean_sc), tally, sc };
    let mut checks = Checks::default();
    for (j, tally, probs) in case.proposals() {
        assert!((probs[bra][3] - (1.0 - (low + high) / 2.0)).abs() < 1e-12);
        checks.frequency(
            || format!("{}: BRA P(absent)", case.label(j)),
            tally.state_votes[bra][3],
            tally.runs,
            probs[bra][3],
        );
    }
    check_state_votes(&case, &mut checks);
    checks.assert_passed("uncertain attendance");
}

/// `model.attendance_scale` s: a state is present with probability
/// min(1, s a_i), so P(Absent) of a state that is neither a sponsor nor
/// forced is 1 - min(1, s a_i), and its other probabilities are the
/// oracle's with a_i replaced by min(1, s a_i). First s = 1.3 (some states
/// capped at 1), then s ~ uniform(0.4, 0.8) by `[[uncertain]]`, where
/// s a_i <= 0.8 never caps, so conditioning gives a_i times the mean 0.6.
/// Within 4.5 binomial SEs (see [`Checks::frequency`]).
#[test]
fn attendance_scale_scales_presence() {
    let check = |sc: Scenario, effective: &dyn Fn(f64) -> f64, label: &str| {
        let tally = simulate(&sc, RUNS, 2);
        let mut scaled = sc.clone();
        scaled.uncertain.clear();
        scaled.model.attendance_scale = 1.0;
        for state in &mut scaled.states {
            state.attendance = effective(state.attendance);
        }
        let case = Case { probs: vote_probabilities(&scaled), tally, sc };
        let mut checks = Checks::default();
        for (j, tally, probs) in case.proposals() {
            let p = &case.sc.proposals[j];
            for (i, state) in case.sc.states.iter().enumerate() {
                let fixed = p.sponsors.contains(&i) || case.sc.force.iter().any(|f| f.proposal == j && f.state == i);
                if !fixed {
                    let absent = 1.0 - effective(state.attendance);
                    assert!((probs[i][3] - absent).abs() < 1e-12, "the oracle's absence is 1 - min(1, s a_i)");
                    let what = || format!("{}: {} P(absent)", case.label(j), state.iso3);
                    checks.frequency(what, tally.state_votes[i][3], tally.runs, absent);
                }
            }
        }
        check_state_votes(&case, &mut checks);
        checks.assert_passed(label);
    };
    let text = scenario_text("attendance", "2018-12-05", 16, "", "");
    let fixed = parse(&text, &["model.attendance_scale=1.3"]);
    let capped = fixed.states.iter().filter(|s| 1.3 * s.attendance > 1.0).count();
    assert!(capped > 0 && capped < fixed.states.len(), "s = 1.3 caps {capped} states: choose another s");
    check(fixed, &|a| (1.3 * a).min(1.0), "attendance_scale 1.3");

    let tables = "[[uncertain]]\nparam = \"model.attendance_scale\"\ndist = \"uniform\"\nlow = 0.4\nhigh = 0.8\n";
    let uncertain = parse(&scenario_text("uncertain scale", "2018-12-05", 17, "", tables), &[]);
    check(uncertain, &|a| 0.6 * a, "uncertain attendance_scale");
}

/// Required test 7, second half: a Beta-distributed bloc cohesion changes
/// the stances from run to run; the batch must still be a function of the
/// seed alone: the same counts twice, for 1 and 2 threads, and from the
/// sequential reference. 10 000 runs (20 chunks, two waves at 2 threads)
/// suffice for that and keep the five batches near 2 s.
#[test]
fn uncertain_cohesion_is_reproducible() {
    const RUNS_HERE: u64 = 10_000;
    let tables = "[[uncertain]]\nparam = \"blocs.NATO.cohesion\"\ndist = \"beta\"\na = 2.0\nb = 2.0\n";
    let sc = parse(&scenario_text("beta", "2018-12-05", 15, "conformity = 0.7", tables), &[]);
    let counts = |threads: usize| simulate(&sc, RUNS_HERE, threads).proposals;
    let first = counts(2);
    assert!(first.iter().all(|p| p.runs == RUNS_HERE));
    assert!(first == counts(2), "same seed, same counts");
    assert!(first == counts(1), "one thread or two, same counts");
    assert!(first == batch::run_sequential(&sc, 0..RUNS_HERE).0.proposals, "parallel and sequential, same counts");
    // The draws must reach the votes: with the cohesion fixed at the roster's value the counts differ.
    let mut fixed = sc.clone();
    fixed.uncertain.clear();
    assert!(first != simulate(&fixed, RUNS_HERE, 2).proposals, "the uncertain cohesion changed nothing");
}

/// The engine computes the rounds in bloc space; they must equal the direct
/// round-by-round computation of the oracle to rounding (1e-12), for any
/// number of rounds and proposals, with leaders, ties and per-state
/// conformity (so that members of a bloc differ in how much they keep).
#[test]
fn bloc_space_rounds_equal_direct_rounds() {
    let text = r#"
        [scenario]
        name = "influence"
        date = "2019-06-01"
        [model]
        conformity = 0.7
        position_jitter = 0.0
        [[proposals]]
        id = "P1"
        position = [0.5, 0.2]
        sponsors = ["RUS"]
        [[proposals]]
        id = "P2"
        position = [-0.4, 0.6]
        status_quo = [-1.0, 0.0]
        capacity_building = 0.5
        [[proposals]]
        id = "P3"
        position = [1.2, -0.3]
        salience = 2.0
        [[proposals]]
        id = "P4"
        position = [0.1, -0.9]
        [[proposals]]
        id = "P5"
        position = [-1.1, -0.2]
        salience = 0.5
        [[proposals]]
        id = "P6"
        position = [0.7, 0.7]
        sponsors = ["USA"]
        [states.FRA]
        conformity = 0.2
        [states.BRA]
        conformity = 0.0
        [blocs.NEW]
        members = ["FRA", "BRA", "IND"]
        leader = "BRA"
        cohesion = 0.9
        [[ties]]
        from = "IND"
        to = ["RUS", "USA"]
        weight = 0.8
    "#;
    for rounds in [0, 1, 2, 3, 7] {
        // 6: a group of four proposals, then one of two.
        for proposals in [1, 3, 6] {
            let set = [format!("model.rounds={rounds}")];
            let mut sc = scenario::parse(text, "influence.toml", &set).unwrap();
            sc.proposals.truncate(proposals);
            let engine = Engine::new(&sc).stances();
            for (j, stances) in engine.iter().enumerate() {
                let direct = influence_rounds(&sc, &initial_stances(&sc, j));
                for (i, (got, want)) in stances.iter().zip(&direct).enumerate() {
                    assert!(
                        (got - want).abs() < 1e-12,
                        "rounds {rounds}, {proposals} proposals, proposal {j}, state {}: {got} vs {want}",
                        sc.states[i].iso3
                    );
                }
            }
        }
    }
}

/// P(tipping point) of every state on every proposal. Without jitter the
/// order of the voters is fixed: sponsors and states forced to Yes first
/// (roster order), then the others by the oracle's final stance, highest
/// first, then states forced to No; and each state votes (Yes or No)
/// independently with probability v_i = P(Yes) + P(No). The state at
/// position r is the tipping point iff it votes and, with B voters before
/// it and A after it, B + 1 = k(B + 1 + A), k(V) the fewest Yes of V
/// voters that pass the text (from [`passes`], not the engine's rule). B
/// and A are independent Poisson-binomials, so
/// P = v_i sum over b, a of P(B = b) P(A = a) [b + 1 = k(b + 1 + a)].
/// Within 4.5 binomial SEs (see [`Checks::frequency`]).
#[test]
fn tipping_point_frequencies() {
    let mut checks = Checks::default();
    for case in cases() {
        for (j, tally, probs) in case.proposals() {
            let sc = &case.sc;
            let proposal = &sc.proposals[j];
            let stances = influence_rounds(sc, &initial_stances(sc, j));
            let mut fixed: Vec<Option<Vote>> = vec![None; sc.states.len()];
            for &k in &proposal.sponsors {
                fixed[k] = Some(Vote::Yes);
            }
            for f in sc.force.iter().filter(|f| f.proposal == j) {
                fixed[f.state] = Some(f.vote);
            }
            let group = |i: usize| match fixed[i] {
                Some(Vote::Yes) => 0,
                Some(Vote::No) => 2,
                _ => 1,
            };
            let mut order: Vec<usize> = (0..sc.states.len()).collect();
            order.sort_by(|&a, &b| {
                let by_stance =
                    if group(a) == 1 { stances[b].total_cmp(&stances[a]) } else { std::cmp::Ordering::Equal };
                group(a).cmp(&group(b)).then(by_stance).then(a.cmp(&b))
            });
            let voting: Vec<f64> = order.iter().map(|&i| probs[i][0] + probs[i][1]).collect();
            let n = voting.len();
            let fewest: Vec<Option<usize>> =
                (0..=n).map(|v| (0..=v).find(|&k| passes(proposal.majority, proposal.consensus, k, v - k))).collect();
            // P(tipping) of each state, in the order.
            let tipping: Vec<f64> = (0..n)
                .map(|r| {
                    let before = poisson_binomial(voting[..r].iter().copied());
                    let after = poisson_binomial(voting[r + 1..].iter().copied());
                    let mut p = 0.0;
                    for (b, pb) in before.iter().enumerate() {
                        for (a, pa) in after.iter().enumerate() {
                            if fewest[b + 1 + a] == Some(b + 1) {
                                p += pb * pa;
                            }
                        }
                    }
                    voting[r] * p
                })
                .collect();
            let total: f64 = tipping.iter().sum();
            // States whose stances the oracle and the engine may order
            // differently by rounding (equal positions, say) are compared as
            // a block: that one of a contiguous block tips the vote does not
            // depend on the order within it.
            let mut r = 0;
            while r < n {
                let mut end = r + 1;
                while end < n
                    && group(order[r]) == 1
                    && group(order[end]) == 1
                    && stances[order[end - 1]] - stances[order[end]] < 1e-9
                {
                    end += 1;
                }
                let block = &order[r..end];
                let names: Vec<&str> = block.iter().map(|&i| sc.states[i].iso3.as_str()).collect();
                let what = || format!("{}: {} P(tipping)", case.label(j), names.join("+"));
                let count = block.iter().map(|&i| tally.tipping[i]).sum();
                checks.frequency(what, count, tally.runs, tipping[r..end].iter().sum());
                r = end;
            }
            // Every run with a voter has exactly one tipping point.
            let nobody: f64 = voting.iter().map(|v| 1.0 - v).product();
            assert!((total + nobody - 1.0).abs() < 1e-9, "{}: P(tipping) sums to {total}", case.label(j));
        }
    }
    checks.assert_passed("tipping point");
}
