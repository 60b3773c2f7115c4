//! Number formats shared by the CSV files: probabilities and statistics
//! with six decimals, `.` as decimal point, an empty field for "not defined".

use serde::{Serialize, Serializer};

/// A real number written with six decimals; NaN (undefined) as an empty field.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fixed6(pub f64);

impl Serialize for Fixed6 {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_string())
    }
}

impl std::fmt::Display for Fixed6 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.0.is_nan() {
            Ok(())
        } else {
            // Avoid "-0.000000" for tiny negative rounding noise.
            let text = format!("{:.6}", self.0);
            f.write_str(if text == "-0.000000" { "0.000000" } else { &text })
        }
    }
}

/// `count / total` as a [`Fixed6`] (NaN when `total` is 0).
pub fn ratio(count: u64, total: u64) -> Fixed6 {
    Fixed6(if total == 0 { f64::NAN } else { count as f64 / total as f64 })
}

/// A CSV field: quoted (with doubled quotes) when it holds a comma, quote or newline.
pub fn field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) { format!("\"{}\"", text.replace('"', "\"\"")) } else { text.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn six_decimals_no_negative_zero_empty_nan() {
        assert_eq!(Fixed6(0.1234567).to_string(), "0.123457");
        assert_eq!(Fixed6(-1e-9).to_string(), "0.000000");
        assert_eq!(Fixed6(f64::NAN).to_string(), "");
        assert_eq!(ratio(1, 3).to_string(), "0.333333");
        assert_eq!(ratio(0, 0).to_string(), "");
    }

    #[test]
    fn fields_are_quoted_only_when_needed() {
        assert_eq!(field("A/RES/73/27"), "A/RES/73/27");
        assert_eq!(field("a, \"b\""), "\"a, \"\"b\"\"\"");
    }
}
