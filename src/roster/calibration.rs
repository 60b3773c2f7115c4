//! A calibrated roster: what `ungasim calibrate` estimates from recorded
//! votes, as a directory of plain files (`states.csv`, `texts.csv`,
//! `model.json`) that `--roster DIR` reads and that the embedded roster
//! ships in `data/calibration/`.
//!
//! The fit estimates each text's cutting direction a = 2 s (p - q) and
//! offset b = s (|q|^2 - |p|^2); only those enter a stance. The files give
//! them as a position p, a status quo q and a salience s in the convention
//! |p - q| = 1 with p and q symmetric about the cutting plane's foot
//! ([`TextGeometry`]), so a scenario can write them back unchanged.

use crate::date::Date;
use crate::export::csvfmt::{Fixed6, field};
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;
use std::path::Path;

/// Per-state calibrated values, roster order.
#[derive(Debug, Clone, PartialEq)]
pub struct CalibratedState {
    /// ISO3 code.
    pub iso3: String,
    /// Probability of being present, from the recorded absences.
    pub attendance: f64,
    /// The state's own abstention band, when the fit kept per-state offsets.
    pub abstain_band: Option<f64>,
    /// Ideal point, one coordinate per dimension.
    pub position: Vec<f64>,
}

/// A recorded text's fitted parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct CalibratedText {
    /// Resolution symbol (or the roll call's id).
    pub id: String,
    /// Date of the vote.
    pub date: Date,
    /// Series (texts on the same question), if known.
    pub series: Option<String>,
    /// Lead sponsor's ISO3, if known.
    pub sponsor: Option<String>,
    /// Where the text splits the Assembly.
    pub geometry: TextGeometry,
    /// Recorded `[yes, no, abstain, absent]`.
    pub recorded: [u32; 4],
}

/// A text's position, status quo and salience.
#[derive(Debug, Clone, PartialEq)]
pub struct TextGeometry {
    /// p_j.
    pub position: Vec<f64>,
    /// q_j.
    pub status_quo: Vec<f64>,
    /// s_j (> 0).
    pub salience: f64,
}

impl TextGeometry {
    /// The geometry with stance coefficients `a` (direction times 2 s) and `b`:
    /// s = |a| / 2, p - q the unit vector along a, and the midpoint of p and q
    /// on a's line where a . x + b = 0.
    pub fn from_coefficients(a: &[f64], b: f64) -> TextGeometry {
        let norm = a.iter().map(|v| v * v).sum::<f64>().sqrt().max(1e-12);
        let salience = norm / 2.0;
        let unit: Vec<f64> = a.iter().map(|v| v / norm).collect();
        // a . m + b = 0 with m = t unit: t = -b / |a|.
        let t = -b / norm;
        let position = unit.iter().map(|u| t * u + u / 2.0).collect();
        let status_quo = unit.iter().map(|u| t * u - u / 2.0).collect();
        TextGeometry { position, status_quo, salience }
    }

    /// The stance coefficients: a = 2 s (p - q), b = s (|q|^2 - |p|^2).
    pub fn coefficients(&self) -> (Vec<f64>, f64) {
        let s = self.salience;
        let a = self.position.iter().zip(&self.status_quo).map(|(p, q)| 2.0 * s * (p - q)).collect();
        let square = |v: &[f64]| v.iter().map(|x| x * x).sum::<f64>();
        (a, s * (square(&self.status_quo) - square(&self.position)))
    }
}

impl Default for CalibratedModel {
    /// No calibration: two dimensions, the documented model defaults, no series spread.
    fn default() -> CalibratedModel {
        let defaults = crate::model::ModelParams::default();
        CalibratedModel {
            dimensions: vec!["sovereignty".to_string(), "development".to_string()],
            free_dimensions: 2,
            rounds: defaults.rounds,
            conformity: defaults.conformity,
            cohesion_scale: 1.0,
            abstain_band: defaults.abstain_band,
            band_offsets: false,
            tie_weight: defaults.tie_weight,
            series_covariance: vec![vec![0.0; 3]; 3],
            grid: Vec::new(),
        }
    }
}

/// One point of the conformity x cohesion grid, with its leave-one-out score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GridPoint {
    /// Conformity lambda of every state.
    pub conformity: f64,
    /// Factor on every bloc's default cohesion (capped at 1).
    pub cohesion_scale: f64,
    /// Whether per-state band offsets were fitted.
    pub band_offsets: bool,
    /// Mean leave-one-resolution-out log loss over the present votes forecast.
    pub loo_log_loss: f64,
    /// Share of those votes whose modal forecast was right.
    pub loo_accuracy: f64,
}

/// Model settings of the calibration, which scenarios on this roster default to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalibratedModel {
    /// Names of the dimensions.
    pub dimensions: Vec<String>,
    /// How many were estimated (the rest stay at their capacity-derived prior mean).
    pub free_dimensions: usize,
    /// Influence rounds R of the fit.
    pub rounds: u32,
    /// Conformity lambda chosen on the grid.
    pub conformity: f64,
    /// Cohesion factor chosen on the grid.
    pub cohesion_scale: f64,
    /// Common abstention band tau (noise scale 1).
    pub abstain_band: f64,
    /// Whether states carry their own bands.
    pub band_offsets: bool,
    /// Weight of ties to the sponsor in the fit.
    pub tie_weight: f64,
    /// Pooled between-text covariance of (a, b) within series, dimension D + 1.
    pub series_covariance: Vec<Vec<f64>>,
    /// The grid and its scores, in the order fitted.
    pub grid: Vec<GridPoint>,
}

/// Everything a calibration estimated.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Calibration {
    /// Model settings.
    pub model: CalibratedModel,
    /// Per state, roster order.
    pub states: Vec<CalibratedState>,
    /// The texts fitted, in input order.
    pub texts: Vec<CalibratedText>,
}

/// A mistake in a calibration directory: file, line and field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{file}{}{}: {message}",
    if *.line > 0 { format!(":{}", .line) } else { String::new() },
    if .field.is_empty() { String::new() } else { format!(": {}", .field) }
)]
pub struct CalibrationError {
    /// The file.
    pub file: String,
    /// 1-based line, 0 for the whole file.
    pub line: usize,
    /// Column or key.
    pub field: String,
    /// What is wrong.
    pub message: String,
}

/// Formats a number with 6 decimals, without a negative zero.
fn number(x: f64) -> String {
    Fixed6(x).to_string()
}

/// Rounds to 6 decimals (what the files hold).
pub fn rounded(x: f64) -> f64 {
    number(x).parse().expect("formatted number")
}

impl Calibration {
    /// `states.csv`: `iso3,attendance,abstain_band,<dimensions>`.
    pub fn states_csv(&self) -> String {
        let mut out = format!("iso3,attendance,abstain_band,{}\n", self.model.dimensions.join(","));
        for s in &self.states {
            let band = s.abstain_band.map(number).unwrap_or_default();
            let position: Vec<String> = s.position.iter().map(|&x| number(x)).collect();
            writeln!(out, "{},{},{},{}", s.iso3, number(s.attendance), band, position.join(",")).unwrap();
        }
        out
    }

    /// `texts.csv`: id, date, series, sponsor, salience, position and status
    /// quo per dimension, recorded counts.
    pub fn texts_csv(&self) -> String {
        let dims = &self.model.dimensions;
        let mut out = String::from("id,date,series,sponsor,salience");
        for prefix in ["position", "status_quo"] {
            for d in dims {
                write!(out, ",{prefix}_{d}").unwrap();
            }
        }
        out.push_str(",yes,no,abstain,absent\n");
        for t in &self.texts {
            let g = &t.geometry;
            write!(
                out,
                "{},{},{},{},{}",
                field(&t.id),
                t.date,
                field(t.series.as_deref().unwrap_or("")),
                t.sponsor.as_deref().unwrap_or(""),
                number(g.salience)
            )
            .unwrap();
            for v in g.position.iter().chain(&g.status_quo) {
                write!(out, ",{}", number(*v)).unwrap();
            }
            let [y, n, a, x] = t.recorded;
            writeln!(out, ",{y},{n},{a},{x}").unwrap();
        }
        out
    }

    /// `model.json`.
    pub fn model_json(&self) -> String {
        serde_json::to_string_pretty(&self.model).expect("serialisable") + "\n"
    }

    /// Writes the three files into `dir` (created if missing), each atomically.
    pub fn write_dir(&self, dir: &Path) -> std::io::Result<()> {
        std::fs::create_dir_all(dir).map_err(|e| with_path(e, dir))?;
        for (name, text) in
            [("states.csv", self.states_csv()), ("texts.csv", self.texts_csv()), ("model.json", self.model_json())]
        {
            write_atomic(dir, name, &text)?;
        }
        Ok(())
    }

    /// Reads a calibration directory for the roster's states (`iso3` in roster order).
    pub fn read_dir(dir: &Path, iso3: &[String]) -> Result<Calibration, CalibrationError> {
        let read = |name: &str| {
            let path = dir.join(name);
            crate::limits::read_to_string(&path, crate::limits::ROSTER_FILE).map_err(|e| CalibrationError {
                file: path.display().to_string(),
                line: 0,
                field: String::new(),
                message: match e {
                    crate::limits::ReadError::Io(e) => format!("cannot read: {e}"),
                    too_large => too_large.to_string(),
                },
            })
        };
        let name = |file: &str| dir.join(file).display().to_string();
        Calibration::parse(
            (&name("model.json"), &read("model.json")?),
            (&name("states.csv"), &read("states.csv")?),
            (&name("texts.csv"), &read("texts.csv")?),
            iso3,
        )
    }

    /// Parses the three files' texts, each given with its name for messages.
    pub fn parse(
        model: (&str, &str),
        states: (&str, &str),
        texts: (&str, &str),
        iso3: &[String],
    ) -> Result<Calibration, CalibrationError> {
        let model_error =
            |message: String| CalibrationError { file: model.0.to_string(), line: 0, field: String::new(), message };
        let parsed: CalibratedModel = serde_json::from_str(model.1).map_err(|e| CalibrationError {
            file: model.0.to_string(),
            line: e.line(),
            field: String::new(),
            message: e.to_string(),
        })?;
        let d = parsed.dimensions.len();
        if !(2..=3).contains(&d) || parsed.free_dimensions == 0 || parsed.free_dimensions > d {
            return Err(model_error(format!("dimensions: {d} dimensions, {} free", parsed.free_dimensions)));
        }
        if parsed.series_covariance.len() != d + 1 || parsed.series_covariance.iter().any(|r| r.len() != d + 1) {
            return Err(model_error(format!("series_covariance: must be {0} x {0}", d + 1)));
        }
        for (field, value, min, max) in [
            ("conformity", parsed.conformity, 0.0, 1.0),
            ("abstain_band", parsed.abstain_band, 0.0, f64::INFINITY),
            ("cohesion_scale", parsed.cohesion_scale, 0.0, f64::INFINITY),
            ("tie_weight", parsed.tie_weight, 0.0, f64::INFINITY),
        ] {
            if !(value.is_finite() && value >= min && value <= max) {
                return Err(model_error(format!("{field}: {value} is outside [{min}, {max}]")));
            }
        }

        let table = Table::parse(states.0, states.1)?;
        let mut expected = vec!["iso3".to_string(), "attendance".into(), "abstain_band".into()];
        expected.extend(parsed.dimensions.iter().cloned());
        table.expect_header(&expected)?;
        if table.rows.len() != iso3.len() {
            return Err(table.error(0, "", format!("{} states, the roster has {}", table.rows.len(), iso3.len())));
        }
        let mut calibrated_states = Vec::with_capacity(iso3.len());
        for (r, (row, code)) in table.rows.iter().zip(iso3).enumerate() {
            if &row[0] != code {
                return Err(table.error(
                    r,
                    "iso3",
                    format!("`{}` where the roster has `{code}` (roster order)", row[0]),
                ));
            }
            let attendance = table.number(r, 1, 0.0, 1.0)?;
            let abstain_band = if row[2].is_empty() { None } else { Some(table.number(r, 2, 0.0, f64::INFINITY)?) };
            let position =
                (0..d).map(|k| table.number(r, 3 + k, f64::NEG_INFINITY, f64::INFINITY)).collect::<Result<_, _>>()?;
            calibrated_states.push(CalibratedState { iso3: code.clone(), attendance, abstain_band, position });
        }

        let table = Table::parse(texts.0, texts.1)?;
        let mut expected: Vec<String> = ["id", "date", "series", "sponsor", "salience"].map(String::from).to_vec();
        for prefix in ["position", "status_quo"] {
            expected.extend(parsed.dimensions.iter().map(|dim| format!("{prefix}_{dim}")));
        }
        expected.extend(["yes", "no", "abstain", "absent"].map(String::from));
        table.expect_header(&expected)?;
        let mut calibrated_texts: Vec<CalibratedText> = Vec::new();
        for (r, row) in table.rows.iter().enumerate() {
            if row[0].is_empty() || calibrated_texts.iter().any(|t| t.id == row[0]) {
                return Err(table.error(r, "id", format!("`{}` is empty or repeated", row[0])));
            }
            let date = row[1].parse().map_err(|e| table.error(r, "date", e))?;
            let sponsor = (!row[3].is_empty()).then(|| row[3].clone());
            if let Some(s) = &sponsor
                && !iso3.contains(s)
            {
                return Err(table.error(r, "sponsor", format!("unknown state `{s}`")));
            }
            let salience = table.number(r, 4, 0.0, f64::INFINITY)?;
            let coordinate = |k: usize| table.number(r, 5 + k, f64::NEG_INFINITY, f64::INFINITY);
            let position = (0..d).map(coordinate).collect::<Result<_, _>>()?;
            let status_quo = (d..2 * d).map(coordinate).collect::<Result<_, _>>()?;
            let mut recorded = [0u32; 4];
            for (k, slot) in recorded.iter_mut().enumerate() {
                let column = 5 + 2 * d + k;
                *slot = row[column]
                    .parse()
                    .map_err(|_| table.error(r, &expected[column], format!("`{}` is not a count", row[column])))?;
            }
            calibrated_texts.push(CalibratedText {
                id: row[0].clone(),
                date,
                series: (!row[2].is_empty()).then(|| row[2].clone()),
                sponsor,
                geometry: TextGeometry { position, status_quo, salience },
                recorded,
            });
        }
        Ok(Calibration { model: parsed, states: calibrated_states, texts: calibrated_texts })
    }

    /// The text with this id.
    pub fn text(&self, id: &str) -> Option<&CalibratedText> {
        self.texts.iter().find(|t| t.id == id)
    }
}

/// Writes `text` to `dir/name` through a hidden `.name.partial` file renamed
/// into place, so a reader never sees half a file; errors name the path, and
/// a failed write removes its temporary file.
pub fn write_atomic(dir: &Path, name: &str, text: &str) -> std::io::Result<()> {
    let (path, partial) = (dir.join(name), dir.join(format!(".{name}.partial")));
    let result = std::fs::write(&partial, text)
        .map_err(|e| with_path(e, &partial))
        .and_then(|()| std::fs::rename(&partial, &path).map_err(|e| with_path(e, &path)));
    if result.is_err() {
        // Whatever was written under the temporary name is no file of ours.
        let _ = std::fs::remove_file(&partial);
    }
    result
}

fn with_path(e: std::io::Error, path: &Path) -> std::io::Error {
    std::io::Error::new(e.kind(), format!("{}: {e}", path.display()))
}

/// A CSV file read as strings, for located messages.
struct Table {
    file: String,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
    lines: Vec<usize>,
}

impl Table {
    fn parse(file: &str, text: &str) -> Result<Table, CalibrationError> {
        let error = |line: usize, message: String| CalibrationError {
            file: file.to_string(),
            line,
            field: String::new(),
            message,
        };
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let header = reader.headers().map_err(|e| error(1, e.to_string()))?.iter().map(String::from).collect();
        let (mut rows, mut lines) = (Vec::new(), Vec::new());
        for record in reader.records() {
            let record = record.map_err(|e| error(e.position().map_or(0, |p| p.line() as usize), e.to_string()))?;
            lines.push(record.position().map_or(0, |p| p.line() as usize));
            rows.push(record.iter().map(String::from).collect());
        }
        Ok(Table { file: file.to_string(), header, rows, lines })
    }

    fn error(&self, row: usize, field: &str, message: String) -> CalibrationError {
        CalibrationError {
            file: self.file.clone(),
            line: self.lines.get(row).copied().unwrap_or(0),
            field: field.to_string(),
            message,
        }
    }

    fn expect_header(&self, expected: &[String]) -> Result<(), CalibrationError> {
        if self.header != expected {
            return Err(CalibrationError {
                file: self.file.clone(),
                line: 1,
                field: "header".into(),
                message: format!("expected `{}`, found `{}`", expected.join(","), self.header.join(",")),
            });
        }
        Ok(())
    }

    fn number(&self, row: usize, column: usize, min: f64, max: f64) -> Result<f64, CalibrationError> {
        let text = &self.rows[row][column];
        let value: f64 =
            text.parse().map_err(|_| self.error(row, &self.header[column], format!("`{text}` is not a number")))?;
        if !(value.is_finite() && value >= min && value <= max) {
            return Err(self.error(row, &self.header[column], format!("{value} is outside [{min}, {max}]")));
        }
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn geometry_round_trips_the_coefficients() {
        for (a, b) in [(vec![1.5, -0.4], 0.3), (vec![-3.0, 0.0], -2.0), (vec![0.2, 0.1, -0.7], 1.1)] {
            let g = TextGeometry::from_coefficients(&a, b);
            let (a2, b2) = g.coefficients();
            for (x, y) in a.iter().zip(&a2) {
                assert!((x - y).abs() < 1e-12);
            }
            assert!((b - b2).abs() < 1e-12, "{b} {b2}");
            let gap: f64 = g.position.iter().zip(&g.status_quo).map(|(p, q)| (p - q) * (p - q)).sum();
            assert!((gap - 1.0).abs() < 1e-12);
        }
    }
}
