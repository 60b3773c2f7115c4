//! The report of a sweep (`ungasim sweep`): per proposal, P(adopted) with
//! its interval against each varied parameter, and the table of points.

use super::charts::{self, Point, Scatter, XAxis};
use super::html::{self, Cell, Figures, Page, Row, Slugs, interval, note, prob};
use super::read::{self, Csv, Record};
use super::svg::esc;
use serde_json::Value;
use std::path::Path;

/// The sweep report of `dir`, whose manifest is `manifest`: the page, with
/// its figures added to `figures`.
pub fn render(dir: &Path, manifest: &Value, figures: &mut Figures) -> anyhow::Result<String> {
    let sweep = Csv::read(dir, "sweep.csv", &["point", "proposal", "p_adopted"])?;
    let header = sweep.header();
    let first = header.iter().position(|h| h == "point").unwrap_or(0) + 1;
    let last = header.iter().position(|h| h == "proposal").unwrap_or(first).max(first);
    let params: Vec<&str> = header[first..last].iter().map(String::as_str).collect();
    let mut proposals: Vec<(&str, Vec<Record>)> = Vec::new();
    for record in sweep.records() {
        let id = record.text("proposal");
        match proposals.iter_mut().find(|(p, _)| *p == id) {
            Some((_, rows)) => rows.push(record),
            None => proposals.push((id, vec![record])),
        }
    }
    let titles = read::json(dir, "scenario.json")?;
    let title_of = |id: &str| {
        let list = titles.as_ref().and_then(|s| s.get("proposals")).and_then(Value::as_array);
        list.and_then(|l| l.iter().find(|p| p.get("id").and_then(Value::as_str) == Some(id)))
            .and_then(|p| p.get("title")?.as_str().map(String::from))
    };
    let mut page =
        Page::new("sweep", &format!("Sweep of {}", read::shown(manifest.get("scenario_path")).unwrap_or_default()));
    page.identity(&identity(manifest, &params));
    let mut slugs = Slugs::default();
    let param_slugs: Vec<String> = params.iter().map(|p| slugs.of(p)).collect();
    for (id, rows) in &proposals {
        let slug = slugs.of(id);
        let title = title_of(id);
        let mut body = match &title {
            Some(title) => format!("<h2>{}</h2>\n<p class=\"proposal-id\">{}</p>\n", esc(title), esc(id)),
            None => format!("<h2>{}</h2>\n", esc(id)),
        };
        if params.is_empty() {
            body.push_str(&note(
                "sweep.csv names no parameter column (between `point` and `proposal`): nothing to plot.",
            ));
        }
        for (param, param_slug) in params.iter().zip(&param_slugs) {
            body.push_str(&curve(id, param, &params, rows, figures, &format!("sweep-{slug}-{param_slug}"))?);
        }
        body.push_str(&points_table(&params, rows)?);
        page.section((&format!("sweep-{slug}"), "sweep"), Some(id), id, &body);
    }
    Ok(page.finish(&format!(
        "<p>Written by ungasim {} from the files of this result directory alone; every chart is also a standalone \
         SVG file.</p>\n",
        env!("CARGO_PKG_VERSION")
    )))
}

/// The identity list of a sweep.
fn identity(manifest: &Value, params: &[&str]) -> Vec<(&'static str, Option<String>)> {
    let m = |key: &str| read::shown(manifest.get(key));
    let points = manifest.get("points").and_then(Value::as_array).map(|p| p.len().to_string());
    vec![
        ("Scenario file", m("scenario_path")),
        ("Parameters varied", Some(params.join(", "))),
        ("Points", points),
        ("Runs per point", m("runs")),
        ("Seed", Some(m("seed").unwrap_or_else(|| "the scenario's".into()))),
        ("Independent seeds", m("independent_seeds")),
        ("Point range in this directory", m("point_range")),
        ("Tool", m("tool").map(|t| format!("{t} {}", m("tool_version").unwrap_or_default()))),
        ("Model version", m("model_version")),
        ("Results written (UTC)", m("finished")),
    ]
}

/// One chart: P(adopted) of proposal `id` against `param`, every point.
fn curve(
    id: &str,
    param: &str,
    params: &[&str],
    rows: &[Record],
    figures: &mut Figures,
    name: &str,
) -> anyhow::Result<String> {
    let values: Vec<&str> = rows.iter().map(|r| r.text(param)).collect();
    let numeric = values.iter().all(|v| v.parse::<f64>().is_ok_and(f64::is_finite));
    let mut categories: Vec<String> = Vec::new();
    let mut points = Vec::new();
    for (row, value) in rows.iter().zip(&values) {
        let x = if numeric {
            value.parse::<f64>().unwrap_or(0.0)
        } else {
            match categories.iter().position(|c| c == value) {
                Some(i) => i as f64,
                None => {
                    categories.push(value.to_string());
                    (categories.len() - 1) as f64
                }
            }
        };
        let Some(y) = row.number("p_adopted")? else { continue };
        let (lo, hi) = (row.number("p_adopted_lo")?, row.number("p_adopted_hi")?);
        let setting: Vec<String> = params.iter().map(|p| format!("{p}={}", row.text(p))).collect();
        points.push(Point {
            x,
            y,
            interval: lo.zip(hi),
            tooltip: format!(
                "point {}: {}\nP(adopted) {} {}",
                row.text("point"),
                setting.join(", "),
                prob(Some(y)),
                interval(lo, hi, prob)
            ),
        });
    }
    let title = format!("{id}: P(adopted) against {param}");
    let svg = charts::scatter(&Scatter {
        title: &title,
        desc: "P(adopted) at each point of the design, with its 95% interval.",
        x_label: param,
        y_label: "P(adopted)",
        x: if numeric { XAxis::Numeric } else { XAxis::Categories(categories) },
        connect: params.len() == 1,
        points,
    });
    let others = if params.len() > 1 {
        format!(
            " Every point of the design is shown whatever the other parameters' values ({}), so the spread at one \
             value of {} is their effect.",
            esc(&params.iter().filter(|p| **p != param).copied().collect::<Vec<_>>().join(", ")),
            esc(param)
        )
    } else {
        String::new()
    };
    let caption = format!(
        "<strong>{}.</strong> P(adopted) of {} at each point of the sweep, with its 95% Wilson interval as an error \
         bar.{others}",
        esc(param),
        esc(id)
    );
    Ok(figures.add(name, "sweep", svg, &caption))
}

/// Every point's row, folded away under a `<details>`.
fn points_table(params: &[&str], rows: &[Record]) -> anyhow::Result<String> {
    let mut head = vec!["Point"];
    head.extend(params);
    head.extend(["P(adopted)", "95% interval", "P(consensus)"]);
    let mut table_rows = Vec::new();
    for row in rows {
        let mut cells = vec![Cell::Num(row.text("point").to_string())];
        cells.extend(params.iter().map(|p| Cell::Text(row.text(p).to_string())));
        cells.push(Cell::Num(prob(row.number("p_adopted")?)));
        cells.push(Cell::Num(interval(row.number("p_adopted_lo")?, row.number("p_adopted_hi")?, prob)));
        cells.push(Cell::Num(prob(row.number("p_consensus")?)));
        table_rows.push(Row { attrs: format!("data-point=\"{}\"", esc(row.text("point"))), cells });
    }
    Ok(format!(
        "<details>\n<summary>All {} points</summary>\n{}</details>\n",
        rows.len(),
        html::table("sweep-points", &head, &["Point", "P(adopted)", "95% interval", "P(consensus)"], &table_rows)
    ))
}
