//! Sweep designs: which parameter values each point of a sweep takes.
//!
//! A design is a table: one column per parameter path (anything `--set`
//! accepts), one row per point, each cell a value as `--set` reads it. It
//! comes from `--vary PATH=SPEC` options (a full grid, or a zip of paired
//! lists), from `--samples N` with `lhs` or `random` over `--vary
//! PATH=LOW:HIGH` ranges (their own design seed), or from a CSV table.

use crate::csvlines::{self, Lines};
use crate::engine::rng::SimRng;
use crate::oneline::one_line;
use rand::{RngExt, SeedableRng};
use std::fmt;
use std::path::PathBuf;

/// Where a sweep's design comes from: the command line (`--vary`,
/// `--samples`, `--design`) or the scenario file's `[sweep]` table, which
/// is converted to the same `--vary PATH=SPEC` texts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DesignSpec {
    /// `--vary PATH=SPEC` lists, as a grid or zipped.
    Vary(Vec<String>, Combine),
    /// `--samples N --design lhs|random` in `--vary PATH=LOW:HIGH` ranges.
    Sampled {
        /// The ranges.
        varies: Vec<String>,
        /// Number of points.
        samples: usize,
        /// Latin hypercube or random.
        sampling: Sampling,
        /// The design's own seed.
        seed: u64,
    },
    /// `--design FILE.csv`.
    Table(PathBuf),
}

/// The parameter values of every point of a sweep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Design {
    /// Parameter paths, one per column.
    pub params: Vec<String>,
    /// One row per point, a value per parameter (as `--set` reads it).
    pub points: Vec<Vec<String>>,
    /// For a design table: the file as named in errors and each point's line.
    pub table: Option<(String, Vec<usize>)>,
}

/// How `--vary` lists combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Combine {
    /// Every combination; the first `--vary` changes slowest.
    Grid,
    /// The lists side by side (all of one length): point k takes the k-th value of each.
    Zip,
}

/// How `--samples` draws points in the `--vary` ranges.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sampling {
    /// Latin hypercube: each range cut into N equal strata, each stratum used once per parameter.
    LatinHypercube,
    /// Independent uniform draws.
    Random,
}

/// A design mistake, naming the option or file and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct DesignError {
    /// `--vary PATH=SPEC`, or `FILE:LINE`.
    pub place: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for DesignError {
    /// One line: control characters of the quoted input are escaped.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", one_line(&self.place), one_line(&self.message))
    }
}

/// The most points a design may have (a guard against typing `0:1:1e-9`).
pub const MAX_POINTS: usize = 1_000_000;

/// One `--vary PATH=SPEC`, split.
fn split_vary(vary: &str) -> Result<(String, String), DesignError> {
    let error = |message: &str| DesignError { place: format!("--vary {vary}"), message: message.to_string() };
    let (path, spec) =
        vary.split_once('=').ok_or_else(|| error("expected PATH=VALUES, e.g. model.conformity=0.2,0.4"))?;
    if path.trim().is_empty() || spec.trim().is_empty() {
        return Err(error("expected PATH=VALUES, e.g. model.conformity=0.2,0.4"));
    }
    Ok((path.trim().to_string(), spec.trim().to_string()))
}

/// Splits `a,b,c` at the commas outside brackets and quotes.
fn split_list(spec: &str) -> Vec<String> {
    let (mut items, mut current, mut depth, mut quoted) = (Vec::new(), String::new(), 0i32, false);
    for c in spec.chars() {
        match c {
            '"' => quoted = !quoted,
            '[' if !quoted => depth += 1,
            ']' if !quoted => depth -= 1,
            ',' if depth == 0 && !quoted => {
                items.push(current.trim().to_string());
                current.clear();
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    items.push(current.trim().to_string());
    items
}

fn number(text: &str, place: &str) -> Result<f64, DesignError> {
    let value: f64 = text
        .trim()
        .parse()
        .map_err(|_| DesignError { place: place.to_string(), message: format!("`{text}` is not a number") })?;
    if !value.is_finite() {
        return Err(DesignError { place: place.to_string(), message: format!("`{text}` is not a finite number") });
    }
    Ok(value)
}

/// Decimal places written in a number (`0.25` 2, `1e-3` 3, `5` 0).
fn decimals_of(text: &str) -> i32 {
    let text = text.trim().to_ascii_lowercase();
    let (mantissa, exponent) = text.split_once('e').map_or((text.as_str(), 0), |(m, e)| (m, e.parse().unwrap_or(0)));
    let fraction = mantissa.split_once('.').map_or(0, |(_, f)| f.len() as i32);
    fraction.saturating_sub(exponent).clamp(0, 15)
}

/// `x` rounded to `decimals` places (`x` itself where scaling it overflows).
fn round_to(x: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    let scaled = x * scale;
    if scaled.is_finite() { scaled.round() / scale } else { x }
}

/// Formats a number the shortest way that reads back the same.
fn format_number(x: f64) -> String {
    let x = if x == 0.0 { 0.0 } else { x };
    format!("{x}")
}

/// The parameter path and values of one `--vary PATH=SPEC`: SPEC is
/// `a,b,c`, or `start:stop:step` (stop included when a step lands on it, to
/// a relative 1e-9).
pub fn values(vary: &str) -> Result<(String, Vec<String>), DesignError> {
    let (path, spec) = split_vary(vary)?;
    let place = format!("--vary {vary}");
    let parts: Vec<&str> = spec.split(':').collect();
    if parts.len() == 3 && !spec.contains(',') {
        let (start, stop, step) = (number(parts[0], &place)?, number(parts[1], &place)?, number(parts[2], &place)?);
        if step <= 0.0 {
            return Err(DesignError { place, message: format!("the step must be > 0, not {}", parts[2]) });
        }
        if stop < start {
            return Err(DesignError { place, message: "stop is below start".to_string() });
        }
        // In floating point: `stop - start` may overflow to infinity (never
        // NaN: both are finite, the step > 0), and the count must be bounded
        // before it becomes an integer.
        let count = ((stop - start) / step * (1.0 + 1e-9)).floor() + 1.0;
        if count > MAX_POINTS as f64 {
            let count = if count.is_finite() { format!("{count}") } else { "infinitely many".to_string() };
            return Err(DesignError { place, message: format!("{count} values, more than {MAX_POINTS}") });
        }
        let count = count as usize;
        // Values as written: start + k step rounded to the decimals given
        // (0.1:0.3:0.1 is 0.1, 0.2, 0.3, not 0.30000000000000004).
        let decimals = parts.iter().map(|p| decimals_of(p)).max().unwrap_or(0);
        let value = |k: usize| format_number(round_to(start + k as f64 * step, decimals));
        return Ok((path, (0..count).map(value).collect()));
    }
    let items = split_list(&spec);
    if items.iter().any(String::is_empty) {
        return Err(DesignError { place, message: "an empty value in the list".to_string() });
    }
    Ok((path, items))
}

/// Rejects a parameter named twice.
fn check_unique(params: &[String], place: impl Fn(&str) -> String) -> Result<(), DesignError> {
    for (k, p) in params.iter().enumerate() {
        if params[..k].contains(p) {
            return Err(DesignError { place: place(p), message: format!("`{p}` is varied twice") });
        }
    }
    Ok(())
}

/// A grid or zip design from `--vary` options.
pub fn from_vary(varies: &[String], combine: Combine) -> Result<Design, DesignError> {
    let lists: Vec<(String, Vec<String>)> = varies.iter().map(|v| values(v)).collect::<Result<_, _>>()?;
    let params: Vec<String> = lists.iter().map(|(p, _)| p.clone()).collect();
    check_unique(&params, |p| format!("--vary {p}"))?;
    let points = match combine {
        Combine::Zip => {
            let length = lists.first().map_or(0, |(_, v)| v.len());
            if let Some((path, v)) = lists.iter().find(|(_, v)| v.len() != length) {
                return Err(DesignError {
                    place: format!("--vary {path}"),
                    message: format!("{} values, but --zip needs {length} like the first --vary", v.len()),
                });
            }
            (0..length).map(|k| lists.iter().map(|(_, v)| v[k].clone()).collect()).collect()
        }
        Combine::Grid => {
            let total = lists.iter().try_fold(1usize, |n, (_, v)| n.checked_mul(v.len())).unwrap_or(usize::MAX);
            if total > MAX_POINTS {
                return Err(DesignError {
                    place: "--vary".to_string(),
                    message: format!("the grid has {total} points, more than {MAX_POINTS}"),
                });
            }
            let mut points: Vec<Vec<String>> = vec![Vec::new()];
            for (_, v) in &lists {
                points = points
                    .into_iter()
                    .flat_map(|p| v.iter().map(move |x| [p.clone(), vec![x.clone()]].concat()))
                    .collect();
            }
            if lists.is_empty() { Vec::new() } else { points }
        }
    };
    Ok(Design { params, points, table: None })
}

/// `samples` points drawn in the `--vary PATH=LOW:HIGH` ranges, with the design's own seed.
pub fn sampled(varies: &[String], samples: usize, sampling: Sampling, seed: u64) -> Result<Design, DesignError> {
    if samples == 0 || samples > MAX_POINTS {
        return Err(DesignError {
            place: "--samples".to_string(),
            message: format!("must be 1..={MAX_POINTS}, not {samples}"),
        });
    }
    let mut ranges = Vec::new();
    for vary in varies {
        let (path, spec) = split_vary(vary)?;
        let place = format!("--vary {vary}");
        let bounds: Vec<&str> = spec.split(':').collect();
        if bounds.len() != 2 {
            return Err(DesignError { place, message: "with --samples, give a range LOW:HIGH".to_string() });
        }
        let (low, high) = (number(bounds[0], &place)?, number(bounds[1], &place)?);
        if high <= low {
            return Err(DesignError { place, message: "HIGH must be above LOW".to_string() });
        }
        ranges.push((path, low, high));
    }
    let params: Vec<String> = ranges.iter().map(|(p, _, _)| p.clone()).collect();
    check_unique(&params, |p| format!("--vary {p}"))?;
    let mut rng = SimRng::seed_from_u64(seed);
    // Column by column, so each parameter's draws do not depend on the others'.
    let columns: Vec<Vec<f64>> = ranges
        .iter()
        .map(|&(_, low, high)| {
            let unit: Vec<f64> = match sampling {
                Sampling::Random => (0..samples).map(|_| rng.random::<f64>()).collect(),
                Sampling::LatinHypercube => {
                    let mut strata: Vec<usize> = (0..samples).collect();
                    for k in (1..samples).rev() {
                        strata.swap(k, rng.random_range(0..=k));
                    }
                    strata.iter().map(|&s| (s as f64 + rng.random::<f64>()) / samples as f64).collect()
                }
            };
            // `high - low` overflows only for bounds near +-f64::MAX; then the
            // convex combination keeps the values finite.
            let width = high - low;
            let at = |u: f64| if width.is_finite() { low + u * width } else { low * (1.0 - u) + high * u };
            unit.iter().map(|&u| at(u)).collect()
        })
        .collect();
    let points = (0..samples).map(|k| columns.iter().map(|c| format_number(c[k])).collect()).collect();
    Ok(Design { params, points, table: None })
}

/// A design table: a CSV file whose header names the parameters and whose
/// rows are the points; `file` names it in errors, with the line.
pub fn from_table(text: &str, file: &str) -> Result<Design, DesignError> {
    let at = |line: usize, message: String| DesignError { place: format!("{file}:{line}"), message };
    let mut lines = Lines::new(text.as_bytes());
    let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(text.as_bytes());
    let params: Vec<String> = match reader.headers() {
        Ok(header) => header.iter().map(String::from).collect(),
        Err(e) => return Err(at(lines.of_error(&e).max(1), csvlines::message(&e))),
    };
    if params.is_empty() || params.iter().any(String::is_empty) {
        return Err(at(1, "the header must name a parameter path in every column".to_string()));
    }
    check_unique(&params, |_| format!("{file}:1"))?;
    let (mut points, mut point_lines) = (Vec::new(), Vec::new());
    for record in reader.records() {
        let record = record.map_err(|e| at(lines.of_error(&e).max(1), csvlines::message(&e)))?;
        let line = record.position().map_or(0, |p| lines.at(p.byte()));
        if let Some(k) = record.iter().position(str::is_empty) {
            return Err(at(line, format!("{}: empty value", params[k])));
        }
        points.push(record.iter().map(String::from).collect());
        point_lines.push(line);
        if points.len() > MAX_POINTS {
            return Err(at(line, format!("more than {MAX_POINTS} points")));
        }
    }
    if points.is_empty() {
        return Err(at(1, "no point: the table has a header but no row".to_string()));
    }
    Ok(Design { params, points, table: Some((file.to_string(), point_lines)) })
}

impl Design {
    /// Where point `k` comes from, for errors: `FILE:LINE (point k)` for a
    /// design table, else `point k (PATH=VALUE, ...)`.
    pub fn place(&self, k: usize) -> String {
        match &self.table {
            Some((file, lines)) => format!("{file}:{} (point {k})", lines[k]),
            None => format!("point {k} ({})", self.overrides(k).join(", ")),
        }
    }

    /// Point `k` as `--set PATH=VALUE` overrides.
    pub fn overrides(&self, k: usize) -> Vec<String> {
        self.params.iter().zip(&self.points[k]).map(|(p, v)| format!("{p}={v}")).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vary(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn grid_is_the_cartesian_product_first_slowest() {
        let d =
            from_vary(&vary(&["model.conformity=0.2,0.4", "blocs.EU.cohesion=0.5:0.7:0.1"]), Combine::Grid).unwrap();
        assert_eq!(d.params, ["model.conformity", "blocs.EU.cohesion"]);
        let rows: Vec<String> = d.points.iter().map(|p| p.join(" ")).collect();
        assert_eq!(rows, ["0.2 0.5", "0.2 0.6", "0.2 0.7", "0.4 0.5", "0.4 0.6", "0.4 0.7"]);
        assert_eq!(d.overrides(4), ["model.conformity=0.4", "blocs.EU.cohesion=0.6"]);
    }

    #[test]
    fn ranges_keep_the_decimals_written() {
        let d = from_vary(&vary(&["a=0.1:0.3:0.1", "b=1e-3:3e-3:1e-3", "c=0:10:5"]), Combine::Zip).unwrap();
        assert_eq!(d.points, [vec!["0.1", "0.001", "0"], vec!["0.2", "0.002", "5"], vec!["0.3", "0.003", "10"]]);
    }

    #[test]
    fn lists_keep_brackets_and_words_whole() {
        let d =
            from_vary(&vary(&["states.IND.position=[0.1,0.2],[0.3,0.4]", "model.noise=logistic,normal"]), Combine::Zip)
                .unwrap();
        assert_eq!(d.points, [vec!["[0.1,0.2]", "logistic"], vec!["[0.3,0.4]", "normal"]]);
    }

    #[test]
    fn mistakes_are_named() {
        let error = |v: &[&str], c| from_vary(&vary(v), c).unwrap_err().to_string();
        assert_eq!(
            error(&["model.conformity"], Combine::Grid),
            "--vary model.conformity: expected PATH=VALUES, e.g. model.conformity=0.2,0.4"
        );
        assert_eq!(error(&["a=0:1:0"], Combine::Grid), "--vary a=0:1:0: the step must be > 0, not 0");
        assert_eq!(
            error(&["a=1,2", "b=1"], Combine::Zip),
            "--vary b: 1 values, but --zip needs 2 like the first --vary"
        );
        assert_eq!(error(&["a=1,2", "a=3"], Combine::Grid), "--vary a: `a` is varied twice");
        assert!(error(&["a=0:1:1e-9"], Combine::Grid).contains("more than"));
    }

    #[test]
    fn ranges_at_the_edges_of_f64_are_refused_or_finite() {
        // Regression (property tests): the count overflowed to 0 values, or the values to infinity.
        for spec in ["a=0:1e300:1e-300", "a=-1e308:1e308:1", "a=-1.7e308:1.7e308:1e308"] {
            let error = values(spec).unwrap_err().to_string();
            assert!(error.contains("more than 1000000"), "{spec}: {error}");
        }
        let (_, v) = values("a=1e-2147483648:1:1").unwrap();
        assert_eq!(v, ["0", "1"]);
        let (_, v) = values("a=0.000000000000001:1e300:1e299").unwrap();
        assert!(v.iter().all(|x| x.parse::<f64>().is_ok_and(f64::is_finite)), "{v:?}");
        let d = sampled(&vary(&["a=-1.7e308:1.7e308"]), 50, Sampling::LatinHypercube, 1).unwrap();
        assert!(d.points.iter().all(|p| p[0].parse::<f64>().is_ok_and(f64::is_finite)), "{:?}", d.points);
    }

    #[test]
    fn latin_hypercube_uses_every_stratum_once() {
        let d = sampled(&vary(&["a=0:1", "b=10:20"]), 20, Sampling::LatinHypercube, 7).unwrap();
        assert_eq!(d.points.len(), 20);
        for (column, (low, high)) in [(0, (0.0, 1.0)), (1, (10.0, 20.0))] {
            let mut strata: Vec<usize> = d
                .points
                .iter()
                .map(|p| ((p[column].parse::<f64>().unwrap() - low) / (high - low) * 20.0).floor() as usize)
                .collect();
            strata.sort_unstable();
            assert_eq!(strata, (0..20).collect::<Vec<_>>(), "column {column}");
        }
        assert_eq!(d, sampled(&vary(&["a=0:1", "b=10:20"]), 20, Sampling::LatinHypercube, 7).unwrap(), "seeded");
        assert_ne!(d, sampled(&vary(&["a=0:1", "b=10:20"]), 20, Sampling::LatinHypercube, 8).unwrap());
    }

    #[test]
    fn random_samples_lie_in_their_ranges() {
        let d = sampled(&vary(&["a=-1:1"]), 200, Sampling::Random, 1).unwrap();
        let values: Vec<f64> = d.points.iter().map(|p| p[0].parse().unwrap()).collect();
        assert!(values.iter().all(|v| (-1.0..1.0).contains(v)));
        // Mean of 200 uniforms on [-1, 1]: sd 0.041; 5 sd.
        assert!((values.iter().sum::<f64>() / 200.0).abs() < 0.2);
        assert!(sampled(&vary(&["a=1,2"]), 5, Sampling::Random, 1).is_err());
    }

    #[test]
    fn tables_name_their_lines() {
        let d = from_table("model.conformity,blocs.EU.cohesion\n0.2,0.5\n0.4,0.9\n", "d.csv").unwrap();
        assert_eq!(d.points, [vec!["0.2", "0.5"], vec!["0.4", "0.9"]]);
        assert_eq!(from_table("a,b\n1,\n", "d.csv").unwrap_err().to_string(), "d.csv:2: b: empty value");
        assert_eq!(
            from_table("a,b\n", "d.csv").unwrap_err().to_string(),
            "d.csv:1: no point: the table has a header but no row"
        );
        assert!(from_table("a,b\n1,2,3\n", "d.csv").unwrap_err().to_string().starts_with("d.csv:2"));
        // Lines are counted as written: CRLF, blank lines, a BOM.
        let error = from_table("\u{feff}a\r\n1\r\n\r\n\r\n2,3\r\n", "d.csv").unwrap_err();
        assert_eq!(error.to_string(), "d.csv:5: the row has 2 fields, but the header has 1");
        let d = from_table("a\r\n1\r\n\r\n2\r\n", "d.csv").unwrap();
        assert_eq!((d.place(0), d.place(1)), ("d.csv:2 (point 0)".to_string(), "d.csv:4 (point 1)".to_string()));
    }
}
