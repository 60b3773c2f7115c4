//! `ungasim compare`: two scenarios (or one and its `--set` variant) on the
//! same runs, paired.

use crate::compare::{self, Paired};
use crate::export::csvfmt::{Fixed6, field};
use crate::roster::calibration::write_atomic;
use crate::scenario;
use anyhow::Context;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Everything `compare` needs, checked by the CLI.
#[derive(Debug, Clone)]
pub struct CompareSettings {
    /// Scenario A.
    pub a: PathBuf,
    /// Scenario B (default: A itself, changed by `overrides`).
    pub b: Option<PathBuf>,
    /// `--set PATH=VALUE` overrides applied to B.
    pub overrides: Vec<String>,
    /// `--runs` (default: A's `scenario.runs`).
    pub runs: Option<u64>,
    /// `--seed` (default: A's seed); both scenarios run with it.
    pub seed: Option<u64>,
    /// Worker threads.
    pub threads: usize,
    /// `--roster DIR` for both.
    pub roster: Option<PathBuf>,
    /// Output directory (default `results/compare-<A stem>-vs-<B stem or "set">`).
    pub out: Option<PathBuf>,
    /// Replace an existing `compare.csv`.
    pub force: bool,
}

/// What a comparison found.
#[derive(Debug, Clone)]
pub struct CompareReport {
    /// The directory written.
    pub out: PathBuf,
    /// Names of A and B.
    pub names: [String; 2],
    /// ISO3 codes in roster order.
    pub iso3: Vec<String>,
    /// Bloc ids and members (A's), for the bloc rows.
    pub blocs: Vec<(String, Vec<usize>)>,
    /// The paired counts.
    pub paired: Paired,
}

/// Loads A and B, simulates the same runs under both and writes `compare.csv`.
pub fn compare(settings: &CompareSettings) -> anyhow::Result<CompareReport> {
    super::check_runs_option(settings.runs)?;
    let roster = settings.roster.as_deref();
    let (mut a, _) = scenario::load_with_text(&settings.a, &[], roster)?;
    let b_path = settings.b.as_deref().unwrap_or(&settings.a);
    let (mut b, _) = scenario::load_with_text(b_path, &settings.overrides, roster)?;
    if settings.b.is_none() && settings.overrides.is_empty() {
        anyhow::bail!("compare needs a second scenario or at least one --set for B");
    }
    let seed = settings.seed.unwrap_or(a.seed);
    (a.seed, b.seed) = (seed, seed);
    let runs = settings.runs.unwrap_or(a.runs);
    let out = settings.out.clone().unwrap_or_else(|| {
        let stem = |p: &Path| p.file_stem().map_or_else(|| "scenario".into(), |s| s.to_string_lossy().into_owned());
        let b_name = settings.b.as_deref().map_or_else(|| "set".to_string(), stem);
        PathBuf::from("results").join(format!("compare-{}-vs-{b_name}", stem(&settings.a)))
    });
    if out.join("compare.csv").exists() && !settings.force {
        anyhow::bail!("{} already holds a compare.csv; use --force to replace it", out.display());
    }
    let paired = compare::compare(&a, &b, 0..runs, settings.threads)?;
    let report = CompareReport {
        out: out.clone(),
        names: [a.name.clone(), {
            let sets = settings.overrides.iter().map(|o| format!("--set {o}")).collect::<Vec<_>>().join(" ");
            if sets.is_empty() { b.name.clone() } else { format!("{} with {sets}", b.name) }
        }],
        iso3: a.states.iter().map(|s| s.iso3.clone()).collect(),
        blocs: a
            .blocs
            .iter()
            .filter(|bl| !bl.members.is_empty())
            .map(|bl| (bl.id.clone(), bl.members.clone()))
            .collect(),
        paired,
    };
    std::fs::create_dir_all(&out).with_context(|| format!("cannot create {}", out.display()))?;
    write_atomic(&out, "compare.csv", &report.csv())?;
    Ok(report)
}

fn p(count: u64, runs: u64) -> f64 {
    count as f64 / runs.max(1) as f64
}

impl CompareReport {
    /// `compare.csv`: `proposal,level,id,measure,a,b,difference,lo,hi`, one
    /// row per proposal, state and bloc measure; `lo,hi` the paired 95%
    /// interval where there is one.
    pub fn csv(&self) -> String {
        let mut out = String::from("proposal,level,id,measure,a,b,difference,lo,hi\n");
        let f = |x: f64| Fixed6(x).to_string();
        for (id, c) in self.paired.proposals.iter().zip(&self.paired.counts) {
            let id = field(id);
            let (lo, hi) = c.paired_interval();
            let [pa, pb] = [p(c.passed[0], c.runs), p(c.passed[1], c.runs)];
            writeln!(out, "{id},proposal,{id},p_adopted,{},{},{},{},{}", f(pa), f(pb), f(pb - pa), f(lo), f(hi))
                .unwrap();
            for (i, s) in c.states.iter().enumerate() {
                // P(decisive) among the runs with the state present (undefined if never).
                let decisive = |k: usize, present: usize| if s[present] == 0 { f64::NAN } else { p(s[k], s[present]) };
                let shares = [("p_yes", p(s[0], c.runs), p(s[1], c.runs)), ("p_no", p(s[2], c.runs), p(s[3], c.runs))];
                for (measure, va, vb) in shares.into_iter().chain([("p_decisive", decisive(4, 7), decisive(5, 8))]) {
                    writeln!(out, "{id},state,{},{measure},{},{},{},,", self.iso3[i], f(va), f(vb), f(vb - va))
                        .unwrap();
                }
                writeln!(out, "{id},state,{},p_flip,,,{},,", self.iso3[i], f(p(s[6], c.runs))).unwrap();
            }
            for (bloc, members) in &self.blocs {
                let mean =
                    |k: usize| members.iter().map(|&i| p(c.states[i][k], c.runs)).sum::<f64>() / members.len() as f64;
                let (ya, yb) = (mean(0), mean(1));
                writeln!(out, "{id},bloc,{bloc},mean_p_yes,{},{},{},,", f(ya), f(yb), f(yb - ya)).unwrap();
                writeln!(out, "{id},bloc,{bloc},mean_p_flip,,,{},,", f(mean(6))).unwrap();
            }
        }
        out
    }

    /// The terminal table: per proposal P(adopted) under A and B and the
    /// paired difference, then the states most likely to flip.
    pub fn render(&self) -> String {
        let mut out = format!("A: {}\nB: {}\n", self.names[0], self.names[1]);
        for (id, c) in self.paired.proposals.iter().zip(&self.paired.counts) {
            let [(pa, _), (pb, _)] = c.passed_with_intervals();
            let (lo, hi) = c.paired_interval();
            let (ulo, uhi) = c.unpaired_interval();
            writeln!(
                out,
                "\n{id} ({} paired runs)\n  P(adopted)  A {pa:.4}  B {pb:.4}  B - A {:+.4}  paired 95% [{lo:+.4}, {hi:+.4}]  (unpaired would be [{ulo:+.4}, {uhi:+.4}])",
                c.runs,
                pb - pa
            )
            .unwrap();
            let mut flips: Vec<(usize, u64)> =
                c.states.iter().enumerate().map(|(i, s)| (i, s[6])).filter(|&(_, f)| f > 0).collect();
            flips.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(&y.0)));
            if flips.is_empty() {
                out.push_str("  no state votes differently in any run\n");
                continue;
            }
            out.push_str("  most likely to flip: state  P(flip)  P(Yes) A -> B  P(No) A -> B\n");
            for &(i, _) in flips.iter().take(5) {
                let s = &c.states[i];
                writeln!(
                    out,
                    "    {:<5} {:>7.4}   {:.3} -> {:.3}   {:.3} -> {:.3}",
                    self.iso3[i],
                    p(s[6], c.runs),
                    p(s[0], c.runs),
                    p(s[1], c.runs),
                    p(s[2], c.runs),
                    p(s[3], c.runs)
                )
                .unwrap();
            }
        }
        out
    }
}
