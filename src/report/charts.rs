//! The report's generic charts, as standalone SVG documents: a histogram
//! of counts with marker lines, horizontal bars (with optional intervals)
//! and a scatter of probabilities with interval error bars.

use super::svg::{Frame, Svg, colour, esc, labelled_ticks, num, ticks};
use std::fmt::Write as _;

/// Width of every chart but the board, in pixels.
const WIDTH: f64 = 640.0;

/// One series of a histogram: integer values and the share of runs at each.
pub struct Bars<'a> {
    /// Legend entry.
    pub name: &'a str,
    /// Fill colour.
    pub fill: &'a str,
    /// (value, share of runs), shares in [0, 1].
    pub points: Vec<(i64, f64)>,
    /// Runs at each value, for the tooltips (same order as `points`).
    pub runs: Vec<u64>,
}

/// A vertical line across a chart at a value of the x axis.
pub struct Marker {
    /// Where (in data units).
    pub at: f64,
    /// What it marks (written beside it).
    pub label: String,
    /// Its class (`threshold`, `recorded`), for styling and tests.
    pub class: &'static str,
    /// Drawn dashed (recorded values) rather than solid (rules).
    pub dashed: bool,
}

/// A histogram of integer counts, one or more series side by side on one
/// axis, with marker lines.
pub struct Histogram<'a> {
    /// The chart's accessible title.
    pub title: &'a str,
    /// Its description.
    pub desc: &'a str,
    /// The x axis' label.
    pub x_label: &'a str,
    /// The series.
    pub series: Vec<Bars<'a>>,
    /// Marker lines.
    pub markers: Vec<Marker>,
}

/// The histogram as an SVG document.
pub fn histogram(h: &Histogram) -> String {
    let frame = Frame { left: 64.0, top: 30.0, width: WIDTH - 84.0, height: 210.0 };
    let values = h.series.iter().flat_map(|s| s.points.iter().map(|p| p.0 as f64));
    let marks = h.markers.iter().map(|m| m.at);
    let (lo, hi) = values.chain(marks).fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(v), b.max(v)));
    let (lo, hi) = if lo.is_finite() { (lo, hi) } else { (0.0, 1.0) };
    let pad = ((hi - lo) * 0.04).max(1.0);
    let x = frame.x((lo - 0.5 - pad, hi + 0.5 + pad));
    let top = h.series.iter().flat_map(|s| s.points.iter().map(|p| p.1)).fold(0.0, f64::max);
    let y_ticks = labelled_ticks(0.0, nice_top(top), 4, false);
    let y = frame.y((0.0, nice_top(top)));
    let mut svg = Svg::new(WIDTH, frame.bottom() + 44.0, h.title, h.desc);
    frame.y_axis(&mut svg, &y, &y_ticks, "share of runs", true);
    // Series side by side within each value's slot.
    let k = h.series.len().max(1) as f64;
    let width = (x.unit() * 0.9 / k).max(0.6);
    for (i, series) in h.series.iter().enumerate() {
        let offset = (i as f64 - (k - 1.0) / 2.0) * width;
        svg.raw(&format!("<g class=\"bars\" fill=\"{}\">\n", series.fill));
        let mut out = String::new();
        for (&(value, share), runs) in series.points.iter().zip(&series.runs) {
            let (left, top) = (x.at(value as f64) + offset - width / 2.0, y.at(share));
            writeln!(
                out,
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"><title>{} {value}: {runs} runs ({:.2}%)</title></rect>",
                num(left),
                num(top),
                num(width),
                num(frame.bottom() - top),
                esc(series.name),
                share * 100.0
            )
            .unwrap();
        }
        svg.raw(&out);
        svg.raw("</g>\n");
    }
    frame.x_axis(&mut svg, &x, &labelled_ticks(lo, hi, 8, true), h.x_label, false);
    for (i, marker) in h.markers.iter().enumerate() {
        let at = x.at(marker.at);
        let dash = if marker.dashed { " stroke-dasharray=\"5 3\"" } else { "" };
        svg.raw(&format!("<g class=\"marker {}\">\n", marker.class));
        svg.line((at, frame.top), (at, frame.bottom()), colour::INK, &format!("stroke-width=\"1.5\"{dash}"));
        let right = at > frame.left + frame.width * 0.6;
        let (tx, anchor) = if right { (at - 4.0, "end") } else { (at + 4.0, "start") };
        // A white halo keeps the label legible over the bars.
        let halo = "font-size=\"11\" paint-order=\"stroke\" stroke=\"#FFFFFF\" stroke-width=\"3\"";
        svg.text((tx, frame.top + 12.0 + 14.0 * i as f64), anchor, halo, &marker.label);
        svg.raw("</g>\n");
    }
    let legend: Vec<(&str, &str)> = h.series.iter().map(|s| (s.fill, s.name)).collect();
    svg.legend((frame.left, 16.0), &legend);
    svg.finish()
}

/// A round upper bound for an axis from 0 to `top` (1 for an empty chart).
fn nice_top(top: f64) -> f64 {
    if top <= 0.0 {
        return 1.0;
    }
    let values = ticks(0.0, top, 4, false);
    let step = if values.len() > 1 { values[1] - values[0] } else { top };
    (top / step).ceil() * step
}

/// One bar of a horizontal bar chart.
pub struct HBar {
    /// The row's label (left of the bar).
    pub label: String,
    /// The bar's value.
    pub value: f64,
    /// An interval drawn as a whisker over the bar.
    pub interval: Option<(f64, f64)>,
    /// The row's tooltip.
    pub tooltip: String,
    /// Fill colour.
    pub fill: &'static str,
}

/// Horizontal bars, one per row, from 0 (with a zero line when values are
/// of both signs).
pub struct HBars<'a> {
    /// The chart's accessible title.
    pub title: &'a str,
    /// Its description.
    pub desc: &'a str,
    /// The x axis' label.
    pub x_label: &'a str,
    /// The rows, top to bottom.
    pub rows: Vec<HBar>,
}

/// The bar chart as an SVG document.
pub fn hbars(chart: &HBars) -> String {
    let row = 22.0;
    let frame = Frame { left: 190.0, top: 12.0, width: WIDTH - 260.0, height: row * chart.rows.len().max(1) as f64 };
    let ends = chart.rows.iter().flat_map(|r| {
        let (a, b) = r.interval.unwrap_or((r.value, r.value));
        [r.value, a, b]
    });
    let (lo, hi) = ends.fold((0.0f64, 0.0f64), |(a, b), v| (a.min(v), b.max(v)));
    let lo = if lo < 0.0 { -nice_top(-lo) } else { 0.0 };
    let hi = if hi > 0.0 || lo == 0.0 { nice_top(hi) } else { 0.0 };
    // Room left of the negative bars for their value labels.
    let x = frame.x((if lo < 0.0 { lo - 0.15 * (hi - lo) } else { lo }, hi));
    let mut svg = Svg::new(WIDTH, frame.bottom() + 46.0, chart.title, chart.desc);
    frame.x_axis(&mut svg, &x, &labelled_ticks(lo, hi, 8, false), chart.x_label, true);
    for (i, bar) in chart.rows.iter().enumerate() {
        let middle = frame.top + row * (i as f64 + 0.5);
        let (from, to) = (x.at(0.0).min(x.at(bar.value)), x.at(0.0).max(x.at(bar.value)));
        svg.raw(&format!("<g class=\"bar\">\n<title>{}</title>\n", esc(&bar.tooltip)));
        svg.text((frame.left - 8.0, middle + 4.0), "end", "", &bar.label);
        svg.rect(from, middle - row * 0.35, to - from, row * 0.7, bar.fill, "");
        if let Some((a, b)) = bar.interval {
            let (a, b) = (x.at(a), x.at(b));
            svg.line((a, middle), (b, middle), colour::INK, "class=\"interval\" stroke-width=\"1.5\"");
            svg.line((a, middle - 5.0), (a, middle + 5.0), colour::INK, "stroke-width=\"1.5\"");
            svg.line((b, middle - 5.0), (b, middle + 5.0), colour::INK, "stroke-width=\"1.5\"");
        }
        let (a, b) = bar.interval.map_or((from, to), |(a, b)| (x.at(a).min(from), x.at(b).max(to)));
        let (at, anchor) = if bar.value < 0.0 { (a - 4.0, "end") } else { (b + 4.0, "start") };
        let style = format!("fill=\"{}\" font-size=\"11\"", colour::MUTED);
        svg.text((at, middle + 4.0), anchor, &style, &format!("{:.3}", bar.value));
        svg.raw("</g>\n");
    }
    if lo < 0.0 {
        svg.line((x.at(0.0), frame.top), (x.at(0.0), frame.bottom()), colour::INK, "class=\"zero\"");
    }
    svg.finish()
}

/// One point of a scatter, with an optional interval on y.
pub struct Point {
    /// Position on x (the value, or the category's index).
    pub x: f64,
    /// Value on y.
    pub y: f64,
    /// The interval on y, drawn as an error bar.
    pub interval: Option<(f64, f64)>,
    /// The point's tooltip.
    pub tooltip: String,
}

/// What the x axis of a scatter shows.
pub enum XAxis {
    /// Numbers.
    Numeric,
    /// Categories, in order (point x = index).
    Categories(Vec<String>),
}

/// A scatter of probabilities (y from 0 to 1) with error bars.
pub struct Scatter<'a> {
    /// The chart's accessible title.
    pub title: &'a str,
    /// Its description.
    pub desc: &'a str,
    /// The x axis' label.
    pub x_label: &'a str,
    /// The y axis' label.
    pub y_label: &'a str,
    /// Numeric or categorical x.
    pub x: XAxis,
    /// The points.
    pub points: Vec<Point>,
    /// Join the points in x order with a line (one parameter varied).
    pub connect: bool,
}

/// The scatter as an SVG document.
pub fn scatter(chart: &Scatter) -> String {
    let frame = Frame { left: 64.0, top: 16.0, width: WIDTH - 90.0, height: 240.0 };
    let (lo, hi) = chart.points.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| (a.min(p.x), b.max(p.x)));
    let (lo, hi) = if lo.is_finite() { (lo, hi) } else { (0.0, 1.0) };
    let pad = if hi > lo { (hi - lo) * 0.06 } else { 0.5 };
    let x = frame.x((lo - pad, hi + pad));
    let y = frame.y((0.0, 1.0));
    let x_ticks = match &chart.x {
        XAxis::Numeric => labelled_ticks(lo - pad, hi + pad, 6, false),
        XAxis::Categories(names) => names.iter().enumerate().map(|(i, n)| (i as f64, n.clone())).collect(),
    };
    let mut svg = Svg::new(WIDTH, frame.bottom() + 46.0, chart.title, chart.desc);
    frame.y_axis(&mut svg, &y, &labelled_ticks(0.0, 1.0, 5, false), chart.y_label, true);
    frame.x_axis(&mut svg, &x, &x_ticks, chart.x_label, false);
    if chart.connect && chart.points.len() > 1 {
        let mut order: Vec<&Point> = chart.points.iter().collect();
        order.sort_by(|a, b| a.x.total_cmp(&b.x));
        let path: Vec<String> = order.iter().map(|p| format!("{},{}", num(x.at(p.x)), num(y.at(p.y)))).collect();
        svg.raw(&format!(
            "<polyline class=\"curve\" points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"1.5\"/>\n",
            path.join(" "),
            colour::SKY
        ));
    }
    for point in &chart.points {
        let (px, py) = (x.at(point.x), y.at(point.y));
        svg.raw(&format!("<g class=\"point\">\n<title>{}</title>\n", esc(&point.tooltip)));
        if let Some((a, b)) = point.interval {
            let (a, b) = (y.at(a), y.at(b));
            svg.line((px, a), (px, b), colour::BLUE, "class=\"error-bar\" stroke-width=\"1.5\"");
            svg.line((px - 4.0, a), (px + 4.0, a), colour::BLUE, "stroke-width=\"1.5\"");
            svg.line((px - 4.0, b), (px + 4.0, b), colour::BLUE, "stroke-width=\"1.5\"");
        }
        svg.raw(&format!(
            "<circle cx=\"{}\" cy=\"{}\" r=\"4\" fill=\"{}\" fill-opacity=\"0.8\" stroke=\"#FFFFFF\"/>\n",
            num(px),
            num(py),
            colour::BLUE
        ));
        svg.raw("</g>\n");
    }
    svg.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_histogram_has_a_bar_per_value_and_its_markers() {
        let svg = histogram(&Histogram {
            title: "t",
            desc: "d",
            x_label: "Yes - No",
            series: vec![Bars {
                name: "margin",
                fill: colour::YES,
                points: vec![(3, 0.25), (5, 0.75)],
                runs: vec![1, 3],
            }],
            markers: vec![Marker { at: 0.5, label: "threshold".into(), class: "threshold", dashed: false }],
        });
        assert_eq!(svg.matches("</title></rect>").count(), 2, "one bar per value");
        assert!(svg.contains("<title>margin 5: 3 runs (75.00%)</title>"));
        assert!(svg.contains("class=\"marker threshold\""));
    }

    #[test]
    fn bars_of_both_signs_get_a_zero_line() {
        let bar =
            |value: f64| HBar { label: "X".into(), value, interval: None, tooltip: "x".into(), fill: colour::BLUE };
        let mixed = hbars(&HBars { title: "t", desc: "d", x_label: "x", rows: vec![bar(-0.2), bar(0.1)] });
        assert!(mixed.contains("class=\"zero\""));
        let positive = hbars(&HBars { title: "t", desc: "d", x_label: "x", rows: vec![bar(0.2)] });
        assert!(!positive.contains("class=\"zero\""));
        assert_eq!(positive.matches("<g class=\"bar\">").count(), 1);
    }
}
