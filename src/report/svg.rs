//! Hand-written SVG: escaping, a document builder, linear scales with
//! "nice" ticks, axes and legends. Every chart of the report is built from
//! these; each SVG is standalone (its own `xmlns`, fonts and colours as
//! presentation attributes, no stylesheet, no external reference), so the
//! same bytes serve inline in the page and as a file for a paper.

use std::fmt::Write as _;

/// The system font stack (no font is fetched).
pub const FONT: &str = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";

/// Okabe-Ito colours (safe for the common colour-vision deficiencies).
pub mod colour {
    /// Yes votes: bluish green.
    pub const YES: &str = "#009E73";
    /// No votes: vermillion.
    pub const NO: &str = "#D55E00";
    /// Abstentions: orange.
    pub const ABSTAIN: &str = "#E69F00";
    /// Absences: light grey.
    pub const ABSENT: &str = "#C8C8C8";
    /// A neutral series (bars, points): blue.
    pub const BLUE: &str = "#0072B2";
    /// A second neutral series: sky blue.
    pub const SKY: &str = "#56B4E9";
    /// Text and markers.
    pub const INK: &str = "#222222";
    /// Axes, grid and secondary text.
    pub const MUTED: &str = "#6B6B6B";
    /// Grid lines.
    pub const GRID: &str = "#E4E4E4";
}

/// `text` escaped for XML and HTML text and attribute values (`&`, `<`,
/// `>`, `"`, `'`).
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A coordinate with one decimal (never `-0.0`).
pub fn num(x: f64) -> String {
    let text = format!("{x:.1}");
    if text == "-0.0" { "0.0".into() } else { text }
}

/// An SVG document being built.
pub struct Svg {
    out: String,
}

impl Svg {
    /// A `width` x `height` document whose accessible title is `title` and
    /// description `desc`.
    pub fn new(width: f64, height: f64, title: &str, desc: &str) -> Svg {
        let mut out = String::new();
        write!(
            out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" \
             role=\"img\" font-family=\"{FONT}\" font-size=\"12\" fill=\"{ink}\">\n<title>{}</title>\n<desc>{}</desc>\n\
             <rect class=\"background\" x=\"0\" y=\"0\" width=\"{w}\" height=\"{h}\" fill=\"#FFFFFF\"/>\n",
            esc(title),
            esc(desc),
            w = num(width),
            h = num(height),
            ink = colour::INK,
        )
        .unwrap();
        Svg { out }
    }

    /// Appends raw markup (already escaped).
    pub fn raw(&mut self, markup: &str) {
        self.out.push_str(markup);
    }

    /// A rectangle; `extra` holds further attributes (already escaped).
    pub fn rect(&mut self, x: f64, y: f64, width: f64, height: f64, fill: &str, extra: &str) {
        writeln!(
            self.out,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{fill}\"{}/>",
            num(x),
            num(y),
            num(width.max(0.0)),
            num(height.max(0.0)),
            space(extra)
        )
        .unwrap();
    }

    /// A line; `extra` holds further attributes (already escaped).
    pub fn line(&mut self, (x1, y1): (f64, f64), (x2, y2): (f64, f64), stroke: &str, extra: &str) {
        writeln!(
            self.out,
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{stroke}\"{}/>",
            num(x1),
            num(y1),
            num(x2),
            num(y2),
            space(extra)
        )
        .unwrap();
    }

    /// Text at (`x`, `y`), anchored `anchor` (`start`, `middle`, `end`); the
    /// content is escaped here, `extra` holds further attributes.
    pub fn text(&mut self, (x, y): (f64, f64), anchor: &str, extra: &str, content: &str) {
        writeln!(
            self.out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"{anchor}\"{}>{}</text>",
            num(x),
            num(y),
            space(extra),
            esc(content)
        )
        .unwrap();
    }

    /// A legend row at (`x`, `y`): a swatch and a label per item, left to right.
    pub fn legend(&mut self, (x, y): (f64, f64), items: &[(&str, &str)]) {
        let mut at = x;
        self.raw("<g class=\"legend\">\n");
        for (fill, label) in items {
            self.rect(at, y - 9.0, 12.0, 12.0, fill, "stroke=\"#FFFFFF\"");
            self.text((at + 16.0, y + 1.0), "start", "", label);
            at += 28.0 + 6.5 * label.chars().count() as f64;
        }
        self.raw("</g>\n");
    }

    /// The finished document.
    pub fn finish(mut self) -> String {
        self.out.push_str("</svg>\n");
        self.out
    }
}

fn space(extra: &str) -> String {
    if extra.is_empty() { String::new() } else { format!(" {extra}") }
}

/// A linear map from a data interval to a pixel interval.
#[derive(Debug, Clone, Copy)]
pub struct Scale {
    /// Data interval.
    pub domain: (f64, f64),
    /// Pixel interval (may run backwards, as a y axis does).
    pub range: (f64, f64),
}

impl Scale {
    /// The pixel position of `value`.
    pub fn at(&self, value: f64) -> f64 {
        let (d0, d1) = self.domain;
        let (r0, r1) = self.range;
        if d1 == d0 { (r0 + r1) / 2.0 } else { r0 + (value - d0) / (d1 - d0) * (r1 - r0) }
    }

    /// Pixels per data unit (absolute).
    pub fn unit(&self) -> f64 {
        let (d0, d1) = self.domain;
        if d1 == d0 { 0.0 } else { ((self.range.1 - self.range.0) / (d1 - d0)).abs() }
    }
}

/// At most about `count` round tick values (steps of 1, 2 or 5 times a
/// power of ten) within `[lo, hi]`; with `integer`, steps of at least 1.
pub fn ticks(lo: f64, hi: f64, count: usize, integer: bool) -> Vec<f64> {
    if !(lo.is_finite() && hi.is_finite()) || hi < lo {
        return Vec::new();
    }
    if hi == lo {
        return vec![lo];
    }
    let raw = (hi - lo) / count.max(1) as f64;
    let power = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0].into_iter().map(|m| m * power).find(|s| *s >= raw).unwrap_or(10.0 * power);
    let step = if integer { step.max(1.0).round() } else { step };
    // A little slack, so that a bound which is a multiple of the step is one.
    let first = (lo / step - 1e-9).ceil() as i64;
    let last = (hi / step + 1e-9).floor() as i64;
    (first..=last).map(|k| k as f64 * step).collect()
}

/// A tick label: as an integer when whole, else with the decimals the step needs.
pub fn tick_label(value: f64, step: f64) -> String {
    if step >= 1.0 || value.fract() == 0.0 && step.fract() == 0.0 {
        return format!("{}", value.round() as i64);
    }
    let decimals = (-step.log10().floor()).max(0.0) as usize;
    let text = format!("{value:.decimals$}");
    if text.starts_with('-') && text.trim_start_matches(['-', '0', '.']).is_empty() { text[1..].into() } else { text }
}

/// The plot area of a chart, in pixels.
#[derive(Debug, Clone, Copy)]
pub struct Frame {
    /// Left edge.
    pub left: f64,
    /// Top edge.
    pub top: f64,
    /// Width.
    pub width: f64,
    /// Height.
    pub height: f64,
}

impl Frame {
    /// Right edge.
    pub fn right(&self) -> f64 {
        self.left + self.width
    }

    /// Bottom edge.
    pub fn bottom(&self) -> f64 {
        self.top + self.height
    }

    /// The x scale of `domain` across the frame.
    pub fn x(&self, domain: (f64, f64)) -> Scale {
        Scale { domain, range: (self.left, self.right()) }
    }

    /// The y scale of `domain` up the frame.
    pub fn y(&self, domain: (f64, f64)) -> Scale {
        Scale { domain, range: (self.bottom(), self.top) }
    }

    /// The bottom axis: `ticks` (value, label) with grid lines up the frame
    /// when `grid`, and `label` centred below.
    pub fn x_axis(&self, svg: &mut Svg, scale: &Scale, ticks: &[(f64, String)], label: &str, grid: bool) {
        svg.raw("<g class=\"axis x-axis\">\n");
        for (value, text) in ticks {
            let x = scale.at(*value);
            if grid {
                svg.line((x, self.top), (x, self.bottom()), colour::GRID, "");
            }
            svg.line((x, self.bottom()), (x, self.bottom() + 5.0), colour::MUTED, "");
            svg.text((x, self.bottom() + 17.0), "middle", &format!("fill=\"{}\"", colour::MUTED), text);
        }
        svg.line((self.left, self.bottom()), (self.right(), self.bottom()), colour::MUTED, "");
        svg.text((self.left + self.width / 2.0, self.bottom() + 34.0), "middle", "font-size=\"12\"", label);
        svg.raw("</g>\n");
    }

    /// The left axis: `ticks` (value, label) with horizontal grid lines when
    /// `grid`, and `label` written vertically at the left.
    pub fn y_axis(&self, svg: &mut Svg, scale: &Scale, ticks: &[(f64, String)], label: &str, grid: bool) {
        svg.raw("<g class=\"axis y-axis\">\n");
        for (value, text) in ticks {
            let y = scale.at(*value);
            if grid {
                svg.line((self.left, y), (self.right(), y), colour::GRID, "");
            }
            svg.line((self.left - 5.0, y), (self.left, y), colour::MUTED, "");
            svg.text((self.left - 8.0, y + 4.0), "end", &format!("fill=\"{}\"", colour::MUTED), text);
        }
        svg.line((self.left, self.top), (self.left, self.bottom()), colour::MUTED, "");
        let (x, y) = (self.left - 48.0, self.top + self.height / 2.0);
        svg.text((x, y), "middle", &format!("transform=\"rotate(-90 {} {})\"", num(x), num(y)), label);
        svg.raw("</g>\n");
    }
}

/// Ticks of `[lo, hi]` with their labels (see [`ticks`], [`tick_label`]).
pub fn labelled_ticks(lo: f64, hi: f64, count: usize, integer: bool) -> Vec<(f64, String)> {
    let values = ticks(lo, hi, count, integer);
    let step = if values.len() > 1 { values[1] - values[0] } else { 1.0 };
    values.into_iter().map(|v| (v, tick_label(v, step))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_markup_and_quotes() {
        assert_eq!(esc(r#"A/RES/1 <b>"x" & 'y'</b>"#), "A/RES/1 &lt;b&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/b&gt;");
        assert_eq!(esc("Côte d’Ivoire – ok"), "Côte d’Ivoire – ok");
    }

    #[test]
    fn ticks_are_round_and_inside() {
        assert_eq!(ticks(0.0, 1.0, 5, false).len(), 6);
        assert_eq!(ticks(55.0, 91.0, 6, true), vec![60.0, 70.0, 80.0, 90.0]);
        assert_eq!(ticks(0.0, 3.0, 10, true), vec![0.0, 1.0, 2.0, 3.0]);
        assert_eq!(ticks(-0.03, 0.05, 4, false).len(), 4);
        assert!(ticks(1.0, 0.0, 5, false).is_empty());
        let labels: Vec<String> = labelled_ticks(0.0, 1.0, 5, false).into_iter().map(|(_, l)| l).collect();
        assert_eq!(labels, ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"]);
        let labels: Vec<String> = labelled_ticks(-0.02, 0.02, 4, false).into_iter().map(|(_, l)| l).collect();
        assert_eq!(labels, ["-0.02", "-0.01", "0.00", "0.01", "0.02"]);
    }

    #[test]
    fn scales_map_and_documents_close() {
        let scale = Scale { domain: (0.0, 10.0), range: (100.0, 0.0) };
        assert_eq!((scale.at(0.0), scale.at(5.0), scale.unit()), (100.0, 50.0, 10.0));
        let mut svg = Svg::new(10.0, 10.0, "a <b>", "d");
        svg.text((1.0, 2.0), "start", "", "x & y");
        let text = svg.finish();
        assert!(text.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(text.contains("<title>a &lt;b&gt;</title>") && text.contains(">x &amp; y</text>"));
        assert!(text.ends_with("</svg>\n"));
        assert_eq!(num(-0.04), "0.0");
    }
}
