//! The report of a paired comparison (`ungasim compare`): per proposal
//! P(adopted) under A and B with the paired 95% interval of the difference,
//! the states whose P(Yes) changes most and those most likely to flip, and
//! the blocs' mean changes.

use super::charts::{self, HBar, HBars};
use super::html::{self, Cell, Figures, Page, Row, Slugs, interval, note, prob, signed};
use super::read::{Csv, Record};
use super::svg::{colour, esc};
use crate::roster::Roster;
use std::path::Path;

/// States listed per chart.
const TOP: usize = 10;

/// One proposal's rows of `compare.csv`.
struct Proposal<'a> {
    id: &'a str,
    rows: Vec<Record<'a>>,
}

impl<'a> Proposal<'a> {
    /// The rows of `level` and `measure`.
    fn rows(&self, level: &str, measure: &str) -> impl Iterator<Item = &Record<'a>> {
        let (level, measure) = (level.to_string(), measure.to_string());
        self.rows.iter().filter(move |r| r.text("level") == level && r.text("measure") == measure)
    }
}

/// The compare report of `dir`: the page, with its figures added to `figures`.
pub fn render(dir: &Path, figures: &mut Figures) -> anyhow::Result<String> {
    let csv = Csv::read(dir, "compare.csv", &["proposal", "level", "id", "measure", "difference"])?;
    let mut proposals: Vec<Proposal> = Vec::new();
    for record in csv.records() {
        let id = record.text("proposal");
        match proposals.iter_mut().find(|p| p.id == id) {
            Some(p) => p.rows.push(record),
            None => proposals.push(Proposal { id, rows: vec![record] }),
        }
    }
    let mut page = Page::new("compare", "Paired comparison of two scenarios");
    page.intro(&format!(
        "{}<p>The same runs simulated under scenario A and scenario B (same seed: common random numbers), so the \
         differences are the change's effect, not noise. B − A is the difference; the interval is the paired 95% \
         interval of the difference in P(adopted).</p>\n",
        note("compare.csv does not record the scenarios' names or the command that wrote it.")
    ));
    let mut slugs = Slugs::default();
    page.section(("overview", "overview"), None, "P(adopted) under A and B", &overview(&proposals, figures)?);
    for p in &proposals {
        let slug = slugs.of(p.id);
        let mut body = format!("<h2>{}</h2>\n", esc(p.id));
        body.push_str(&states(p, &slug, figures)?);
        body.push_str(&blocs(p)?);
        page.section((&format!("compare-{slug}"), "compare"), Some(p.id), p.id, &body);
    }
    Ok(page.finish(&format!(
        "<p>Written by ungasim {} from compare.csv alone; every chart is also a standalone SVG file.</p>\n",
        env!("CARGO_PKG_VERSION")
    )))
}

/// P(adopted) under A and B and the paired difference: chart and table.
fn overview(proposals: &[Proposal], figures: &mut Figures) -> anyhow::Result<String> {
    let mut bars = Vec::new();
    let mut rows = Vec::new();
    for p in proposals {
        let Some(r) = p.rows("proposal", "p_adopted").next() else { continue };
        let (a, b, d, lo, hi) =
            (r.number("a")?, r.number("b")?, r.number("difference")?, r.number("lo")?, r.number("hi")?);
        if let Some(d) = d {
            bars.push(HBar {
                label: p.id.to_string(),
                value: d,
                interval: lo.zip(hi),
                tooltip: format!(
                    "{}: P(adopted) A {} B {}, B − A {} {}",
                    p.id,
                    prob(a),
                    prob(b),
                    signed(Some(d)),
                    interval(lo, hi, signed)
                ),
                fill: if d < 0.0 { colour::NO } else { colour::YES },
            });
        }
        rows.push(Row {
            attrs: format!("data-proposal=\"{}\"", esc(p.id)),
            cells: vec![
                Cell::Text(p.id.to_string()),
                Cell::Num(prob(a)),
                Cell::Num(prob(b)),
                Cell::Num(signed(d)),
                Cell::Num(interval(lo, hi, signed)),
            ],
        });
    }
    let mut out = String::from("<h2>P(adopted) under A and B</h2>\n");
    if !bars.is_empty() {
        let svg = charts::hbars(&HBars {
            title: "Difference in P(adopted), B − A, with the paired 95% interval",
            desc: "One bar per proposal: the difference in P(adopted) and its paired 95% interval.",
            x_label: "P(adopted) under B − under A",
            rows: bars,
        });
        let caption = "<strong>P(adopted), B − A.</strong> The difference per proposal, with the paired 95% interval \
                       (whiskers) of the difference.";
        out.push_str(&figures.add("compare-p-adopted", "compare-p-adopted", svg, caption));
    }
    let head = ["Proposal", "P(adopted) A", "P(adopted) B", "B − A", "paired 95% interval"];
    out.push_str(&html::table("compare", &head, &head[1..], &rows));
    Ok(out)
}

/// The states whose P(Yes) changes most and those most likely to flip.
fn states(p: &Proposal, slug: &str, figures: &mut Figures) -> anyhow::Result<String> {
    let names = state_names();
    let name = |iso3: &str| names.iter().find(|(i, _)| i == iso3).map_or(iso3.to_string(), |(_, n)| n.clone());
    let flip = |iso3: &str| -> anyhow::Result<Option<f64>> {
        p.rows("state", "p_flip").find(|r| r.text("id") == iso3).map_or(Ok(None), |r| r.number("difference"))
    };
    let mut yes = Vec::new();
    for r in p.rows("state", "p_yes") {
        if let Some(d) = r.number("difference")?.filter(|d| *d != 0.0) {
            yes.push((d, *r));
        }
    }
    yes.sort_by(|x, y| y.0.abs().total_cmp(&x.0.abs()).then(x.1.text("id").cmp(y.1.text("id"))));
    yes.truncate(TOP);
    let mut flips = Vec::new();
    for r in p.rows("state", "p_flip") {
        if let Some(f) = r.number("difference")?.filter(|f| *f > 0.0) {
            flips.push((f, *r));
        }
    }
    flips.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.text("id").cmp(y.1.text("id"))));
    flips.truncate(TOP);
    let mut out = String::from("<h3>States whose P(Yes) changes most</h3>\n");
    if yes.is_empty() {
        out.push_str(&note("No state's P(Yes) differs between A and B."));
    } else {
        let bars = yes
            .iter()
            .map(|(d, r)| HBar {
                label: r.text("id").to_string(),
                value: *d,
                interval: None,
                tooltip: format!(
                    "{} ({}): P(Yes) A {} → B {}",
                    name(r.text("id")),
                    r.text("id"),
                    prob(r.number("a").ok().flatten()),
                    prob(r.number("b").ok().flatten())
                ),
                fill: if *d < 0.0 { colour::NO } else { colour::YES },
            })
            .collect();
        let title = format!("{}: largest changes in P(Yes), B − A", p.id);
        let svg = charts::hbars(&HBars {
            title: &title,
            desc: "The states with the largest |B − A| in P(Yes).",
            x_label: "P(Yes) under B − under A",
            rows: bars,
        });
        let caption = "<strong>Change in P(Yes).</strong> The states with the largest absolute difference in P(Yes) \
                       between B and A, at most 10.";
        out.push_str(&figures.add(&format!("compare-p-yes-{slug}"), "compare-p-yes", svg, caption));
        let mut rows = Vec::new();
        for (d, r) in &yes {
            rows.push(state_row(
                r,
                name(r.text("id")),
                vec![
                    Cell::Num(prob(r.number("a")?)),
                    Cell::Num(prob(r.number("b")?)),
                    Cell::Num(signed(Some(*d))),
                    Cell::Num(prob(flip(r.text("id"))?)),
                ],
            ));
        }
        let head = ["State", "Name", "P(Yes) A", "P(Yes) B", "B − A", "P(flip)"];
        out.push_str(&html::table("compare-p-yes", &head, &head[2..], &rows));
    }
    out.push_str("<h3>States most likely to flip</h3>\n");
    if flips.is_empty() {
        out.push_str(&note("No state votes differently under B than under A in any run."));
        return Ok(out);
    }
    let bars = flips
        .iter()
        .map(|(f, r)| HBar {
            label: r.text("id").to_string(),
            value: *f,
            interval: None,
            tooltip: format!("{} ({}): P(flip) {}", name(r.text("id")), r.text("id"), prob(Some(*f))),
            fill: colour::BLUE,
        })
        .collect();
    let title = format!("{}: states most likely to vote differently under B", p.id);
    let svg = charts::hbars(&HBars {
        title: &title,
        desc: "P(flip): share of runs in which the state's vote under B differs from A.",
        x_label: "P(flip)",
        rows: bars,
    });
    let caption = "<strong>Flips.</strong> P(flip): the share of runs in which the state's vote under B differs from \
                   its vote in the same run under A; at most 10 states.";
    out.push_str(&figures.add(&format!("compare-p-flip-{slug}"), "compare-p-flip", svg, caption));
    let mut rows = Vec::new();
    for (f, r) in &flips {
        let p_yes = p.rows("state", "p_yes").find(|y| y.text("id") == r.text("id"));
        let (a, b) = match p_yes {
            Some(y) => (y.number("a")?, y.number("b")?),
            None => (None, None),
        };
        rows.push(state_row(
            r,
            name(r.text("id")),
            vec![Cell::Num(prob(Some(*f))), Cell::Num(prob(a)), Cell::Num(prob(b))],
        ));
    }
    let head = ["State", "Name", "P(flip)", "P(Yes) A", "P(Yes) B"];
    out.push_str(&html::table("compare-p-flip", &head, &head[2..], &rows));
    Ok(out)
}

/// A table row of a state: code, name, then `cells`.
fn state_row(r: &Record, name: String, cells: Vec<Cell>) -> Row {
    let mut all = vec![Cell::Text(r.text("id").to_string()), Cell::Text(name)];
    all.extend(cells);
    Row { attrs: format!("data-iso3=\"{}\"", esc(r.text("id"))), cells: all }
}

/// The blocs' mean P(Yes) under A and B and mean P(flip).
fn blocs(p: &Proposal) -> anyhow::Result<String> {
    let mut rows = Vec::new();
    for r in p.rows("bloc", "mean_p_yes") {
        let flip = p.rows("bloc", "mean_p_flip").find(|f| f.text("id") == r.text("id"));
        rows.push(Row {
            attrs: format!("class=\"bloc\" data-bloc=\"{}\"", esc(r.text("id"))),
            cells: vec![
                Cell::Text(r.text("id").to_string()),
                Cell::Num(prob(r.number("a")?)),
                Cell::Num(prob(r.number("b")?)),
                Cell::Num(signed(r.number("difference")?)),
                Cell::Num(prob(flip.map_or(Ok(None), |f| f.number("difference"))?)),
            ],
        });
    }
    if rows.is_empty() {
        return Ok(String::new());
    }
    let head = ["Bloc", "mean P(Yes) A", "mean P(Yes) B", "B − A", "mean P(flip)"];
    Ok(format!("<h3>Blocs</h3>\n{}", html::table("compare-blocs", &head, &head[1..], &rows)))
}

/// (ISO3, name) of the embedded roster's states, for labels (compare.csv has codes only).
fn state_names() -> Vec<(String, String)> {
    Roster::embedded().states.iter().map(|s| (s.iso3.clone(), s.name.clone())).collect()
}
