//! The report of a batch (`ungasim run`): per proposal the headline
//! probabilities, the tally histogram, the margin against the majority
//! threshold, the voting board, the bloc table and the tipping-point states;
//! the run's identity from `manifest.json` (and `scenario.json`).
//!
//! Columns are read by name; one the directory lacks (written by an older
//! version) leaves its element out with a note. The proposals' titles and
//! majority rules come from `scenario.json`; a directory without one gets
//! them from the scenario file its manifest names, through `fallback`, if
//! that file is still there unchanged; else the threshold is left out, with
//! a note saying why.

use super::board::{self, Tile};
use super::charts::{self, Bars, HBar, HBars, Histogram, Marker};
use super::html::{self, Cell, DASH, Figures, Page, Row, Slugs, count, interval, note, prob};
use super::read::{self, Csv, Record};
use super::svg::{colour, esc};
use crate::engine::rule::Rule;
use crate::model::Majority;
use anyhow::Context;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// A proposal's title and voting rule.
#[derive(Debug, Clone, PartialEq)]
pub struct ProposalMeta {
    /// Title.
    pub title: String,
    /// Its voting rule (`None`: not known).
    pub rule: Option<Rule>,
}

/// Reads the proposals' titles and rules when the directory has no
/// `scenario.json`: given the manifest, by proposal id.
pub type Fallback<'a> = &'a dyn Fn(&Value) -> anyhow::Result<BTreeMap<String, ProposalMeta>>;

/// Number of tipping-point states listed.
const TOP_TIPPING: usize = 10;

/// The four vote measures of `distribution.csv` and `summary.csv`, in order.
const VOTES: [&str; 4] = ["yes", "no", "abstain", "absent"];

/// One proposal, read.
struct Proposal<'a> {
    id: &'a str,
    numbers: Numbers,
    /// Per measure, (value, runs) in file order.
    distribution: BTreeMap<&'a str, Vec<(i64, u64)>>,
    states: Vec<Record<'a>>,
    blocs: Vec<Record<'a>>,
}

/// A proposal's numbers from `summary.csv`; `None` where a cell is empty
/// or the column missing.
struct Numbers {
    runs: Option<i64>,
    p_adopted: Option<f64>,
    interval: (Option<f64>, Option<f64>),
    p_consensus: Option<f64>,
    /// Median Yes, No, Abstain, Absent.
    median: [Option<i64>; 4],
    /// The recorded Yes, No, Abstain, Absent, for a recorded text.
    recorded: Option<[Option<i64>; 4]>,
}

impl Numbers {
    fn read(s: &Record) -> anyhow::Result<Numbers> {
        let counts = |pattern: &str| -> anyhow::Result<[Option<i64>; 4]> {
            let mut out = [None; 4];
            for (slot, vote) in out.iter_mut().zip(VOTES) {
                *slot = s.integer(&pattern.replace('*', vote))?;
            }
            Ok(out)
        };
        let recorded = counts("recorded_*")?;
        Ok(Numbers {
            runs: s.integer("runs")?,
            p_adopted: s.number("p_adopted")?,
            interval: (s.number("p_adopted_lo")?, s.number("p_adopted_hi")?),
            p_consensus: s.number("p_consensus")?,
            median: counts("*_q50")?,
            recorded: (recorded[0].is_some() && recorded[1].is_some()).then_some(recorded),
        })
    }
}

/// The directory's tables, read.
struct Tables {
    summary: Csv,
    distribution: Csv,
    states: Csv,
    blocs: Csv,
    membership: Option<Csv>,
}

/// The batch report of `dir`, whose manifest is `manifest`: the page, with
/// its figures added to `figures`.
pub fn render(dir: &Path, manifest: &Value, fallback: Fallback, figures: &mut Figures) -> anyhow::Result<String> {
    let tables = Tables {
        summary: Csv::read(dir, "summary.csv", &["proposal"])?,
        distribution: Csv::read(dir, "distribution.csv", &["proposal", "measure", "value", "runs"])?,
        states: Csv::read(dir, "states.csv", &["proposal", "iso3", "name"])?,
        blocs: Csv::read(dir, "blocs.csv", &["proposal", "bloc"])?,
        membership: Csv::read_optional(dir, "membership.csv", &["bloc", "iso3"])?,
    };
    let scenario = read::json(dir, "scenario.json")?;
    let meta = match &scenario {
        Some(scenario) => Ok(meta_of_scenario_json(scenario)),
        None => fallback(manifest).map_err(|e| {
            format!("this directory has no scenario.json, and the scenario file its manifest names cannot serve instead ({e:#})")
        }),
    };
    let proposals = proposals(&tables)?;
    let two_thirds = two_thirds_margins(dir, &proposals, &meta)?;
    let blocs_of = blocs_of_states(tables.membership.as_ref());
    let name = read::shown(manifest.get("scenario_name")).unwrap_or_else(|| "ungasim batch".into());
    let mut page = Page::new("batch", &name);
    page.identity(&identity(manifest, scenario.as_ref()));
    let mut slugs = Slugs::default();
    let slugged: Vec<(String, &Proposal)> = proposals.iter().map(|p| (slugs.of(p.id), p)).collect();
    page.section(("overview", "overview"), None, "Overview", &overview(&slugged, &meta, &tables));
    for (slug, proposal) in &slugged {
        let known = meta.as_ref().ok().and_then(|m| m.get(proposal.id));
        let section = Section { proposal, slug, meta: known, unknown_rule: meta.as_ref().err(), tables: &tables };
        let body = section.render(two_thirds.get(proposal.id), &blocs_of, figures)?;
        let label = known.map_or_else(|| proposal.id.to_string(), |m| format!("{} ({})", proposal.id, m.title));
        page.section((&format!("proposal-{slug}"), "proposal"), Some(proposal.id), &label, &body);
    }
    Ok(page.finish(&footer(figures)))
}

/// The footer: what wrote the page and where the figures are.
fn footer(figures: &Figures) -> String {
    format!(
        "<p>Written by ungasim {} from the files of this result directory alone; every chart is also a \
         standalone SVG file ({} files, linked under each chart).</p>\n",
        env!("CARGO_PKG_VERSION"),
        figures.files.len() + 1
    )
}

/// The proposals of `summary.csv`, in its order, with their rows of the other tables.
fn proposals(tables: &Tables) -> anyhow::Result<Vec<Proposal<'_>>> {
    let mut proposals = Vec::new();
    for summary in tables.summary.records() {
        proposals.push(Proposal {
            id: summary.text("proposal"),
            numbers: Numbers::read(&summary)?,
            distribution: BTreeMap::new(),
            states: Vec::new(),
            blocs: Vec::new(),
        });
    }
    let index: BTreeMap<&str, usize> = proposals.iter().enumerate().map(|(i, p)| (p.id, i)).collect();
    for record in tables.distribution.records() {
        let Some(&i) = index.get(record.text("proposal")) else { continue };
        let value =
            record.integer("value")?.with_context(|| format!("{}: an empty `value`", tables.distribution.file))?;
        let runs = record.integer("runs")?.unwrap_or(0).max(0) as u64;
        proposals[i].distribution.entry(record.text("measure")).or_default().push((value, runs));
    }
    for record in tables.states.records() {
        if let Some(&i) = index.get(record.text("proposal")) {
            proposals[i].states.push(record);
        }
    }
    for record in tables.blocs.records() {
        if let Some(&i) = index.get(record.text("proposal")) {
            proposals[i].blocs.push(record);
        }
    }
    Ok(proposals)
}

/// Titles and rules from `scenario.json`'s `proposals` (each with `id`,
/// `title`, `majority`, `consensus`); a field it lacks is not known.
fn meta_of_scenario_json(scenario: &Value) -> BTreeMap<String, ProposalMeta> {
    let list = scenario.get("proposals").and_then(Value::as_array).map_or(&[][..], Vec::as_slice);
    list.iter()
        .filter_map(|p| {
            let id = p.get("id")?.as_str()?.to_string();
            let title = p.get("title").and_then(Value::as_str).unwrap_or(&id).to_string();
            let majority = match p.get("majority").and_then(Value::as_str) {
                Some("simple") => Some(Majority::Simple),
                Some("two_thirds") => Some(Majority::TwoThirds),
                _ => None,
            };
            let consensus = p.get("consensus").and_then(Value::as_bool).unwrap_or(false);
            Some((id, ProposalMeta { title, rule: majority.map(|majority| Rule { majority, consensus }) }))
        })
        .collect()
}

/// Per two-thirds proposal, the distribution of Yes - 2 No with the runs
/// that passed and failed at each value, from `runs.csv` (streamed), when
/// the directory has one.
fn two_thirds_margins(
    dir: &Path,
    proposals: &[Proposal],
    meta: &Result<BTreeMap<String, ProposalMeta>, String>,
) -> anyhow::Result<BTreeMap<String, BTreeMap<i64, [u64; 2]>>> {
    let Ok(meta) = meta else { return Ok(BTreeMap::new()) };
    let rules: BTreeMap<&str, Rule> = proposals
        .iter()
        .filter_map(|p| meta.get(p.id).and_then(|m| m.rule).map(|r| (p.id, r)))
        .filter(|(_, r)| r.majority == Majority::TwoThirds)
        .collect();
    let path = dir.join("runs.csv");
    let mut out = BTreeMap::new();
    if rules.is_empty() || !path.exists() {
        return Ok(out);
    }
    let file = std::fs::File::open(&path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut reader = csv::Reader::from_reader(std::io::BufReader::new(file));
    let name = path.display().to_string();
    let header = reader.headers().with_context(|| name.clone())?.clone();
    let column =
        |c: &str| header.iter().position(|h| h == c).with_context(|| format!("{name}: no column `{c}` in the header"));
    let (proposal, yes, no) = (column("proposal")?, column("yes")?, column("no")?);
    let mut record = csv::StringRecord::new();
    while reader.read_record(&mut record).with_context(|| name.clone())? {
        let Some(rule) = rules.get(&record[proposal]) else { continue };
        let number = |i: usize| {
            record[i].parse::<u32>().with_context(|| {
                let line = record.position().map_or(0, |p| p.line());
                format!("{name}: line {line}: `{}` is not a count", &record[i])
            })
        };
        let (y, n) = (number(yes)?, number(no)?);
        let counts: &mut [u64; 2] = out
            .entry(record[proposal].to_string())
            .or_insert_with(BTreeMap::new)
            .entry(i64::from(y) - 2 * i64::from(n))
            .or_default();
        counts[usize::from(!rule.outcome(y, n).passed())] += 1;
    }
    Ok(out)
}

/// Each state's blocs (from `membership.csv`), by ISO3.
fn blocs_of_states(membership: Option<&Csv>) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for record in membership.into_iter().flat_map(Csv::records) {
        out.entry(record.text("iso3").to_string()).or_default().push(record.text("bloc").to_string());
    }
    out
}

/// The identity list: what ran, when, with what.
fn identity(manifest: &Value, scenario: Option<&Value>) -> Vec<(&'static str, Option<String>)> {
    let m = |key: &str| read::shown(manifest.get(key));
    let s = |key: &str| read::shown(scenario.and_then(|s| s.get("scenario")).and_then(|s| s.get(key)));
    let runs = match (m("runs"), manifest.get("run_range").and_then(Value::as_array)) {
        (Some(runs), Some(range)) if range.len() == 2 && range[0] != 0 || m("shard").is_some() => {
            Some(format!("{runs} (this directory: runs {} to {})", range_of(manifest, 0), range_of(manifest, 1)))
        }
        (runs, _) => runs,
    };
    let overrides = manifest.get("overrides").and_then(Value::as_array).map(|list| {
        let sets: Vec<String> =
            list.iter().filter_map(|v| read::shown(Some(v))).map(|v| format!("--set {v}")).collect();
        if sets.is_empty() { "none".to_string() } else { sets.join(" ") }
    });
    let mut items = vec![("Scenario", m("scenario_name")), ("Scenario file", m("scenario_path"))];
    if scenario.is_some() {
        items.push(("Description", s("description").filter(|d| !d.is_empty())));
        items.push(("Date (membership in force)", s("date")));
    }
    items.extend([
        ("Overrides", overrides),
        ("Seed", m("seed")),
        ("Runs", runs),
        ("Roster", m("roster")),
        ("Tool", m("tool").map(|t| format!("{t} {}", m("tool_version").unwrap_or_else(|| DASH.into())))),
        ("Model version", m("model_version")),
        ("Scenario SHA-256", m("scenario_sha256")),
        ("Results written (UTC)", m("finished")),
    ]);
    items
}

fn range_of(manifest: &Value, i: usize) -> String {
    read::shown(manifest.get("run_range").and_then(|r| r.get(i))).unwrap_or_else(|| DASH.into())
}

/// The overview table: one row per proposal.
fn overview(
    proposals: &[(String, &Proposal)],
    meta: &Result<BTreeMap<String, ProposalMeta>, String>,
    tables: &Tables,
) -> String {
    let mut rows = Vec::new();
    for (slug, p) in proposals {
        let n = &p.numbers;
        let title = meta.as_ref().ok().and_then(|m| m.get(p.id)).map_or(DASH.to_string(), |m| m.title.clone());
        rows.push(Row {
            attrs: format!("data-proposal=\"{}\"", esc(p.id)),
            cells: vec![
                Cell::Html(format!("<a href=\"#proposal-{slug}\">{}</a>", esc(p.id))),
                Cell::Text(title),
                Cell::Num(prob(n.p_adopted)),
                Cell::Num(interval(n.interval.0, n.interval.1, prob)),
                Cell::Num(prob(n.p_consensus)),
                Cell::Num(n.recorded.as_ref().map_or_else(|| DASH.to_string(), tally_text)),
            ],
        });
    }
    let mut out = String::from("<h2>Overview</h2>\n");
    out.push_str(&html::table(
        "overview",
        &["Proposal", "Title", "P(adopted)", "95% interval", "P(consensus)", "Recorded tally"],
        &["P(adopted)", "95% interval", "P(consensus)", "Recorded tally"],
        &rows,
    ));
    if !tables.summary.has("recorded_yes") {
        out.push_str(&note(
            "summary.csv has no recorded_yes, recorded_no, recorded_abstain and recorded_absent columns (written by \
             an older ungasim): recorded tallies are not shown.",
        ));
    }
    out
}

/// `119 Yes, 46 No, 14 abstaining, 14 absent`.
fn tally_text(counts: &[Option<i64>; 4]) -> String {
    format!(
        "{} Yes, {} No, {} abstaining, {} absent",
        count(counts[0]),
        count(counts[1]),
        count(counts[2]),
        count(counts[3])
    )
}

/// One proposal's section being rendered.
struct Section<'a> {
    proposal: &'a Proposal<'a>,
    slug: &'a str,
    meta: Option<&'a ProposalMeta>,
    /// Why no rule is known for any proposal, if so.
    unknown_rule: Option<&'a String>,
    tables: &'a Tables,
}

impl Section<'_> {
    fn render(
        &self,
        two_thirds: Option<&BTreeMap<i64, [u64; 2]>>,
        blocs_of: &BTreeMap<String, Vec<String>>,
        figures: &mut Figures,
    ) -> anyhow::Result<String> {
        let p = self.proposal;
        let mut out = String::new();
        let title = self.meta.map_or(p.id, |m| m.title.as_str());
        out.push_str(&format!("<h2>{}</h2>\n", esc(title)));
        let rule = self.meta.and_then(|m| m.rule);
        let rule_text = match rule {
            Some(Rule { majority: Majority::Simple, consensus }) => {
                format!(
                    "simple majority{}",
                    if consensus { "; adopted without a vote when no state votes No" } else { "" }
                )
            }
            Some(Rule { majority: Majority::TwoThirds, consensus }) => {
                format!(
                    "two-thirds majority{}",
                    if consensus { "; adopted without a vote when no state votes No" } else { "" }
                )
            }
            None => "majority rule not known".into(),
        };
        out.push_str(&format!("<p class=\"proposal-id\">{} · {}</p>\n", esc(p.id), esc(&rule_text)));
        let n = &p.numbers;
        out.push_str(&format!(
            "<p class=\"headline\">P(adopted) <strong>{}</strong> (95% interval {}) · P(adopted without a vote) {} · \
             median tally {}{} · {} runs</p>\n",
            prob(n.p_adopted),
            esc(&interval(n.interval.0, n.interval.1, prob)),
            prob(n.p_consensus),
            esc(&tally_text(&n.median)),
            n.recorded.as_ref().map_or(String::new(), |r| format!(" · recorded {}", esc(&tally_text(r)))),
            count(n.runs),
        ));
        out.push_str("<h3>Tally</h3>\n");
        out.push_str(&self.tally_chart(figures));
        out.push_str(&self.margin_chart(rule, two_thirds, figures));
        out.push_str("<h3>Voting board</h3>\n");
        out.push_str(&self.board(blocs_of, figures)?);
        out.push_str("<h3>Blocs</h3>\n");
        out.push_str(&self.bloc_table()?);
        out.push_str("<h3>Tipping-point states</h3>\n");
        out.push_str(&self.tipping(figures)?);
        Ok(out)
    }

    /// The series of `measure`: (value, share) and runs, shares of the measure's total.
    fn series(&self, measure: &str) -> (Vec<(i64, f64)>, Vec<u64>) {
        let points = self.proposal.distribution.get(measure).map_or(&[][..], Vec::as_slice);
        let total: u64 = points.iter().map(|p| p.1).sum();
        let share = |runs: u64| if total == 0 { 0.0 } else { runs as f64 / total as f64 };
        (points.iter().map(|&(v, r)| (v, share(r))).collect(), points.iter().map(|p| p.1).collect())
    }

    /// The Yes and No histograms, with the recorded Yes and No.
    fn tally_chart(&self, figures: &mut Figures) -> String {
        let p = self.proposal;
        let ((yes, yes_runs), (no, no_runs)) = (self.series("yes"), self.series("no"));
        let mut markers = Vec::new();
        let recorded = p.numbers.recorded;
        if let Some(r) = recorded {
            markers.push(marker(r[0].unwrap_or(0) as f64, format!("recorded Yes {}", count(r[0])), "recorded", true));
            markers.push(marker(r[1].unwrap_or(0) as f64, format!("recorded No {}", count(r[1])), "recorded", true));
        }
        let title = format!("{}: distribution of the Yes and No counts", p.id);
        let svg = charts::histogram(&Histogram {
            title: &title,
            desc: "Share of runs with each number of Yes and of No votes.",
            x_label: "number of votes",
            series: vec![
                Bars { name: "Yes", fill: colour::YES, points: yes, runs: yes_runs },
                Bars { name: "No", fill: colour::NO, points: no, runs: no_runs },
            ],
            markers,
        });
        let caption = format!(
            "<strong>Tally.</strong> Share of the runs in which {} received each number of Yes votes \
             (green) and of No votes (red). {}Whether it passes depends on Yes and No together: see the margin below.",
            esc(p.id),
            if recorded.is_some() {
                "Dashed lines: the recorded Yes and No. "
            } else if self.tables.summary.has("recorded_yes") {
                "It is not a recorded text: no recorded tally to mark. "
            } else {
                ""
            }
        );
        figures.add(&format!("tally-{}", self.slug), "tally", svg, &caption)
    }

    /// The margin against the majority threshold: Yes - No with the line
    /// between 0 and 1 for a simple majority; Yes - 2 No (from runs.csv)
    /// with the line between -1 and 0 for two thirds.
    fn margin_chart(
        &self,
        rule: Option<Rule>,
        two_thirds: Option<&BTreeMap<i64, [u64; 2]>>,
        figures: &mut Figures,
    ) -> String {
        let p = self.proposal;
        let recorded = p.numbers.recorded;
        let rec = |k: i64| recorded.map(|r| r[0].unwrap_or(0) - k * r[1].unwrap_or(0));
        let (series, markers, caption, why) = match (rule.map(|r| r.majority), two_thirds) {
            (Some(Majority::Simple), _) => {
                let (points, runs) = self.series("margin");
                let (pass, fail) = split(&points, &runs, |v| v >= 1);
                let mut markers = vec![marker(0.5, "threshold: Yes = No".into(), "threshold", false)];
                markers.extend(rec(1).map(|m| marker(m as f64, format!("recorded {m:+}"), "recorded", true)));
                let caption = "<strong>Margin.</strong> Share of the runs with each margin Yes − No. A simple majority \
                     adopts when Yes &gt; No, that is a margin of at least 1: the solid line, between 0 and 1, is the \
                     threshold; green bars are runs in which the text passes by a vote, red ones runs in which it fails.";
                (
                    vec![pass.named("passes (Yes > No)", colour::YES), fail.named("fails (Yes ≤ No)", colour::NO)],
                    markers,
                    caption.to_string(),
                    None,
                )
            }
            (Some(Majority::TwoThirds), Some(hist)) => {
                let total: u64 = hist.values().map(|c| c[0] + c[1]).sum::<u64>().max(1);
                let mut pass = Split::default();
                let mut fail = Split::default();
                for (&v, c) in hist {
                    for (side, n) in [(&mut pass, c[0]), (&mut fail, c[1])] {
                        if n > 0 {
                            side.points.push((v, n as f64 / total as f64));
                            side.runs.push(n);
                        }
                    }
                }
                let mut markers = vec![marker(-0.5, "threshold: Yes = 2 No".into(), "threshold", false)];
                markers.extend(rec(2).map(|m| marker(m as f64, format!("recorded {m:+}"), "recorded", true)));
                let caption = "<strong>Two-thirds margin.</strong> Share of the runs with each value of Yes − 2 No \
                     (from runs.csv). A two-thirds majority adopts when Yes ≥ 2 No (and Yes &gt; 0): the solid line, \
                     between −1 and 0, is the threshold; green bars are runs in which the text passes, red ones runs \
                     in which it fails.";
                (
                    vec![pass.named("passes (Yes ≥ 2 No)", colour::YES), fail.named("fails", colour::NO)],
                    markers,
                    caption.to_string(),
                    None,
                )
            }
            (majority, _) => {
                let (points, runs) = self.series("margin");
                let why = match majority {
                    Some(_) => "A two-thirds majority (Yes ≥ 2 No) is not a line on Yes − No, and this directory has no \
                                runs.csv (run with --per-run) from which to plot Yes − 2 No: the threshold is not drawn."
                        .to_string(),
                    None => format!(
                        "The majority rule of {} is not known, so the threshold is not drawn: {}",
                        p.id,
                        self.unknown_rule.map_or("scenario.json does not give it.", |s| s.as_str())
                    ),
                };
                let mut markers = Vec::new();
                markers.extend(rec(1).map(|m| marker(m as f64, format!("recorded {m:+}"), "recorded", true)));
                let caption = "<strong>Margin.</strong> Share of the runs with each margin Yes − No.";
                (
                    vec![Bars { name: "Yes − No", fill: colour::BLUE, points, runs }],
                    markers,
                    caption.to_string(),
                    Some(why),
                )
            }
        };
        let consensus = rule.is_some_and(|r| r.consensus);
        let mut caption = caption;
        if consensus {
            caption.push_str(" Runs without a No vote pass by consensus whatever the margin.");
        }
        if markers.iter().any(|m| m.class == "recorded") {
            caption.push_str(" Dashed: the recorded value.");
        }
        let title = format!("{}: margin against the majority threshold", p.id);
        let x_label = if two_thirds.is_some() && rule.is_some_and(|r| r.majority == Majority::TwoThirds) {
            "Yes − 2 No"
        } else {
            "Yes − No"
        };
        let svg = charts::histogram(&Histogram {
            title: &title,
            desc: "Share of runs at each margin, with the majority threshold.",
            x_label,
            series,
            markers,
        });
        let mut out = figures.add(&format!("margin-{}", self.slug), "margin", svg, &caption);
        if let Some(why) = why {
            out.push_str(&note(&why));
        }
        out
    }

    /// The voting board.
    fn board(&self, blocs_of: &BTreeMap<String, Vec<String>>, figures: &mut Figures) -> anyhow::Result<String> {
        let tipping = self.tables.states.has("p_tipping");
        let mut tiles = Vec::new();
        for s in &self.proposal.states {
            tiles.push(Tile {
                iso3: s.text("iso3").to_string(),
                name: s.text("name").to_string(),
                p: [s.number("p_yes")?, s.number("p_no")?, s.number("p_abstain")?, s.number("p_absent")?],
                p_tipping: s.number("p_tipping")?,
                p_decisive: s.number("p_decisive")?,
                recorded: s.optional("recorded_vote").map(String::from),
                blocs: blocs_of.get(s.text("iso3")).cloned().unwrap_or_default(),
            });
        }
        let title = format!("{}: the General Assembly voting board", self.proposal.id);
        let svg = board::board(&tiles, &title, tipping);
        let recorded = tiles.iter().any(|t| t.recorded.is_some());
        let caption = format!(
            "<strong>Voting board.</strong> The {} member states as on the General Assembly Hall's two boards, in \
             English alphabetical order column by column. Each bar shows the share of runs in which the state voted \
             Yes (green), No (red), abstained (orange) or was absent (grey); {}hover over a tile for its numbers.",
            tiles.len(),
            if recorded { "the ring at its right end is its recorded vote; " } else { "" }
        );
        let mut out = figures.add(&format!("board-{}", self.slug), "board", svg, &caption);
        if !self.tables.states.has("recorded_vote") {
            out.push_str(&note(
                "states.csv has no recorded_vote column (written by an older ungasim): recorded votes are not shown.",
            ));
        }
        Ok(out)
    }

    /// The bloc table.
    fn bloc_table(&self) -> anyhow::Result<String> {
        let swing = self.tables.blocs.has("p_swing");
        let mut head = vec!["Bloc", "Members", "Agreement index (mean)", "P(majority Yes)"];
        if swing {
            head.push("P(swing)");
        }
        let mut rows = Vec::new();
        for b in &self.proposal.blocs {
            let mut cells = vec![
                Cell::Text(b.text("bloc").to_string()),
                Cell::Num(count(b.integer("members")?)),
                Cell::Num(prob(b.number("agreement_mean")?)),
                Cell::Num(prob(b.number("p_majority_yes")?)),
            ];
            if swing {
                cells.push(Cell::Num(prob(b.number("p_swing")?)));
            }
            rows.push(Row { attrs: format!("class=\"bloc\" data-bloc=\"{}\"", esc(b.text("bloc"))), cells });
        }
        let mut out = html::table("blocs", &head, &head[1..], &rows);
        out.push_str(
            "<p class=\"caption\">Agreement index: mean over runs of the Agreement Index of Hix, Noury and Roland over the \
             members present (1: all vote alike). P(majority Yes): share of runs in which more than half of the members \
             present voted Yes.",
        );
        out.push_str(if swing { " P(swing): the bloc's swing probability from blocs.csv.</p>\n" } else { "</p>\n" });
        if !swing {
            out.push_str(&note(
                "blocs.csv has no p_swing column (written by an older ungasim): P(swing) is not shown.",
            ));
        }
        Ok(out)
    }

    /// The top tipping-point states: bars and a table.
    fn tipping(&self, figures: &mut Figures) -> anyhow::Result<String> {
        if !self.tables.states.has("p_tipping") {
            return Ok(note(
                "states.csv has no p_tipping column (written by an older ungasim): the tipping-point states are not shown.",
            ));
        }
        let mut ranked = Vec::new();
        for s in &self.proposal.states {
            if let Some(p) = s.number("p_tipping")?.filter(|p| *p > 0.0) {
                ranked.push((p, s));
            }
        }
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.text("iso3").cmp(b.1.text("iso3"))));
        ranked.truncate(TOP_TIPPING);
        if ranked.is_empty() {
            return Ok(note("No state was the tipping point in any run."));
        }
        let bars = ranked
            .iter()
            .map(|(p, s)| HBar {
                label: format!("{} {}", s.text("iso3"), short(s.text("name"))),
                value: *p,
                interval: None,
                tooltip: format!("{} ({}): P(tipping point) {:.3}", s.text("name"), s.text("iso3"), p),
                fill: colour::BLUE,
            })
            .collect();
        let title = format!("{}: the states most often the tipping point", self.proposal.id);
        let svg = charts::hbars(&HBars {
            title: &title,
            desc: "P(tipping point) of the top states.",
            x_label: "P(tipping point)",
            rows: bars,
        });
        let caption = "<strong>Tipping-point states.</strong> The states most often the run's tipping point (P(tipping point) \
                       in states.csv), at most 10.";
        let mut out = figures.add(&format!("tipping-{}", self.slug), "tipping", svg, caption);
        let mut rows = Vec::new();
        for (rank, (p, s)) in ranked.iter().enumerate() {
            rows.push(Row {
                attrs: format!("data-iso3=\"{}\"", esc(s.text("iso3"))),
                cells: vec![
                    Cell::Num((rank + 1).to_string()),
                    Cell::Text(s.text("iso3").to_string()),
                    Cell::Text(s.text("name").to_string()),
                    Cell::Num(prob(Some(*p))),
                    Cell::Num(prob(s.number("p_decisive")?)),
                    Cell::Num(prob(s.number("p_yes")?)),
                    Cell::Text(s.optional("recorded_vote").unwrap_or(DASH).to_string()),
                ],
            });
        }
        let head = ["Rank", "State", "Name", "P(tipping point)", "P(decisive)", "P(Yes)", "Recorded vote"];
        out.push_str(&html::table("tipping", &head, &["Rank", "P(tipping point)", "P(decisive)", "P(Yes)"], &rows));
        Ok(out)
    }
}

/// A marker line.
fn marker(at: f64, label: String, class: &'static str, dashed: bool) -> Marker {
    Marker { at, label, class, dashed }
}

/// Points and their runs, one side of a threshold.
#[derive(Default)]
struct Split {
    points: Vec<(i64, f64)>,
    runs: Vec<u64>,
}

impl Split {
    fn named<'a>(self, name: &'a str, fill: &'a str) -> Bars<'a> {
        Bars { name, fill, points: self.points, runs: self.runs }
    }
}

/// `points` (with their `runs`) split into those whose value passes `passes` and the others.
fn split(points: &[(i64, f64)], runs: &[u64], passes: impl Fn(i64) -> bool) -> (Split, Split) {
    let (mut pass, mut fail) = (Split::default(), Split::default());
    for (&point, &n) in points.iter().zip(runs) {
        let side = if passes(point.0) { &mut pass } else { &mut fail };
        side.points.push(point);
        side.runs.push(n);
    }
    (pass, fail)
}

/// A name cut to 22 characters for a chart label.
fn short(name: &str) -> String {
    if name.chars().count() <= 22 {
        name.to_string()
    } else {
        format!("{}…", name.chars().take(21).collect::<String>())
    }
}
