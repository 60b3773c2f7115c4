//! The page: one self-contained HTML5 document (polyglot markup, so it also
//! parses as XML) with inline CSS and inline SVG; no script, font, image or
//! any other resource from elsewhere. Also the small pieces every kind of
//! report shares: numbers (undefined as "–"), tables, figures, notes, slugs.

use super::svg::esc;
use std::collections::BTreeSet;
use std::fmt::Write as _;

/// What an undefined value (an empty cell) is shown as.
pub const DASH: &str = "–";

/// A probability with three decimals, or [`DASH`].
pub fn prob(value: Option<f64>) -> String {
    value.map_or_else(|| DASH.to_string(), |v| format!("{v:.3}"))
}

/// A signed difference with three decimals, or [`DASH`].
pub fn signed(value: Option<f64>) -> String {
    value.map_or_else(|| DASH.to_string(), |v| if v.abs() < 5e-4 { "0.000".into() } else { format!("{v:+.3}") })
}

/// An interval `[lo, hi]` of probabilities, or [`DASH`] when an end is undefined.
pub fn interval(lo: Option<f64>, hi: Option<f64>, show: fn(Option<f64>) -> String) -> String {
    match (lo, hi) {
        (Some(_), Some(_)) => format!("[{}, {}]", show(lo), show(hi)),
        _ => DASH.to_string(),
    }
}

/// A count, or [`DASH`].
pub fn count(value: Option<i64>) -> String {
    value.map_or_else(|| DASH.to_string(), |v| v.to_string())
}

/// `<p class="note">`: an element left out, and why.
pub fn note(text: &str) -> String {
    format!("<p class=\"note\">{}</p>\n", esc(text))
}

/// One table cell.
pub enum Cell {
    /// Text, left-aligned.
    Text(String),
    /// A number, right-aligned (tabular figures).
    Num(String),
    /// Markup already escaped.
    Html(String),
}

/// A table row: its attributes (already escaped, e.g. `data-bloc="EU"`) and cells.
pub struct Row {
    /// Attributes of the `<tr>`.
    pub attrs: String,
    /// The cells.
    pub cells: Vec<Cell>,
}

/// `<table class="CLASS">` with a header row; a column is numeric when the
/// header's name is in `numeric`.
pub fn table(class: &str, head: &[&str], numeric: &[&str], rows: &[Row]) -> String {
    let mut out = format!("<div class=\"table-wrap\"><table class=\"{class}\">\n<thead><tr>");
    for h in head {
        let num = if numeric.contains(h) { " class=\"num\"" } else { "" };
        write!(out, "<th scope=\"col\"{num}>{}</th>", esc(h)).unwrap();
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in rows {
        let attrs = if row.attrs.is_empty() { String::new() } else { format!(" {}", row.attrs) };
        write!(out, "<tr{attrs}>").unwrap();
        for cell in &row.cells {
            match cell {
                Cell::Text(text) => write!(out, "<td>{}</td>", esc(text)),
                Cell::Num(text) => write!(out, "<td class=\"num\">{}</td>", esc(text)),
                Cell::Html(html) => write!(out, "<td>{html}</td>"),
            }
            .unwrap();
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table></div>\n");
    out
}

/// The charts of a report: each goes inline into the page as a `<figure>`
/// and into the figure directory as `NAME.svg`.
pub struct Figures {
    /// The figure directory's name, for the links (`report`).
    dir: String,
    /// (file name, SVG document), in page order.
    pub files: Vec<(String, String)>,
}

impl Figures {
    /// No figure yet; the files go into the directory named `dir` beside the page.
    pub fn new(dir: &str) -> Figures {
        Figures { dir: dir.to_string(), files: Vec::new() }
    }

    /// Adds `svg` as `NAME.svg` and returns its `<figure class="chart CLASS">`
    /// with the caption (markup, already escaped) and a link to the file.
    pub fn add(&mut self, name: &str, class: &str, svg: String, caption: &str) -> String {
        let file = format!("{name}.svg");
        let href = esc(&format!("{}/{file}", self.dir));
        let figure = format!(
            "<figure class=\"chart {class}\" data-file=\"{href}\">\n{svg}<figcaption>{caption} \
             <a class=\"svg-link\" href=\"{href}\">SVG</a></figcaption>\n</figure>\n"
        );
        self.files.push((file, svg));
        figure
    }
}

/// Lower-case ASCII slugs (`A/RES/73/27` -> `a-res-73-27`), unique within
/// one report (a repeat gets `-2`, `-3`, ...), for element ids and file names.
#[derive(Default)]
pub struct Slugs {
    taken: BTreeSet<String>,
}

impl Slugs {
    /// The slug of `text`, not yet given out.
    pub fn of(&mut self, text: &str) -> String {
        let mut base = String::new();
        for c in text.chars() {
            if c.is_ascii_alphanumeric() {
                base.push(c.to_ascii_lowercase());
            } else if !base.ends_with('-') {
                base.push('-');
            }
        }
        let base = base.trim_matches('-');
        let base = if base.is_empty() { "x" } else { base };
        let mut slug = base.to_string();
        let mut n = 1;
        while !self.taken.insert(slug.clone()) {
            n += 1;
            slug = format!("{base}-{n}");
        }
        slug
    }
}

/// A report page being assembled.
pub struct Page {
    title: String,
    kind: &'static str,
    header: String,
    contents: Vec<(String, String)>,
    main: String,
}

impl Page {
    /// A page of `kind` (`batch`, `sweep`, `compare`) titled `title`.
    pub fn new(kind: &'static str, title: &str) -> Page {
        Page { title: title.to_string(), kind, header: String::new(), contents: Vec::new(), main: String::new() }
    }

    /// The identity list under the title: (term, value) pairs, values
    /// undefined shown as [`DASH`].
    pub fn identity(&mut self, items: &[(&str, Option<String>)]) {
        self.header.push_str("<dl class=\"identity\">\n");
        for (term, value) in items {
            let value = value.clone().unwrap_or_else(|| DASH.to_string());
            writeln!(self.header, "<dt>{}</dt><dd>{}</dd>", esc(term), esc(&value)).unwrap();
        }
        self.header.push_str("</dl>\n");
    }

    /// Markup under the identity list (already escaped).
    pub fn intro(&mut self, html: &str) {
        self.header.push_str(html);
    }

    /// A `<section id="ID" class="CLASS">` of the main part (about
    /// `proposal`, if any: its `data-proposal`), listed in the contents under `label`.
    pub fn section(&mut self, (id, class): (&str, &str), proposal: Option<&str>, label: &str, body: &str) {
        let data = proposal.map_or_else(String::new, |p| format!(" data-proposal=\"{}\"", esc(p)));
        writeln!(self.main, "<section id=\"{}\" class=\"{class}\"{data}>\n{body}</section>", esc(id)).unwrap();
        self.contents.push((id.to_string(), label.to_string()));
    }

    /// The finished document; `footer` is markup.
    pub fn finish(self, footer: &str) -> String {
        let mut out = String::new();
        writeln!(
            out,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n\
             <meta name=\"generator\" content=\"ungasim {}\"/>\n<title>{}</title>\n<style>\n{CSS}</style>\n</head>\n\
             <body class=\"report kind-{kind}\" data-kind=\"{kind}\">\n<div class=\"page\">\n\
             <header id=\"identity\">\n<h1>{}</h1>\n{}</header>",
            env!("CARGO_PKG_VERSION"),
            esc(&self.title),
            esc(&self.title),
            self.header,
            kind = self.kind,
        )
        .unwrap();
        if self.contents.len() > 1 {
            out.push_str("<nav id=\"contents\" aria-label=\"Contents\">\n<ol>\n");
            for (id, label) in &self.contents {
                writeln!(out, "<li><a href=\"#{}\">{}</a></li>", esc(id), esc(label)).unwrap();
            }
            out.push_str("</ol>\n</nav>\n");
        }
        write!(out, "<main>\n{}</main>\n<footer>\n{footer}</footer>\n</div>\n</body>\n</html>\n", self.main).unwrap();
        out
    }
}

/// The page's stylesheet: system fonts, a readable measure, tabular figures.
const CSS: &str = r#":root { color-scheme: light; }
body { margin: 0; background: #F4F4F2; color: #222222;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
.page { max-width: 1000px; margin: 0 auto; padding: 28px 32px 48px; background: #FFFFFF; }
h1 { font-size: 1.65rem; line-height: 1.25; margin: 0 0 0.6rem; }
h2 { font-size: 1.3rem; line-height: 1.3; margin: 2.4rem 0 0.2rem; padding-top: 0.9rem; border-top: 2px solid #222222; }
h3 { font-size: 1.05rem; margin: 1.8rem 0 0.4rem; }
.proposal-id, code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.92em; }
.proposal-id { color: #555555; margin: 0 0 0.6rem; }
dl.identity { display: grid; grid-template-columns: max-content 1fr; gap: 0.1rem 1.2rem; margin: 0 0 1rem; font-size: 0.93rem; }
dl.identity dt { color: #6B6B6B; }
dl.identity dd { margin: 0; overflow-wrap: anywhere; }
nav#contents ol { margin: 0.4rem 0 0; padding-left: 1.4rem; font-size: 0.93rem; }
.headline { font-size: 1.08rem; margin: 0.4rem 0 0.8rem; }
.headline strong { font-size: 1.25rem; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; margin: 0.4rem 0 0.8rem; font-size: 0.92rem; font-variant-numeric: tabular-nums; }
th, td { padding: 0.22rem 0.7rem; border-bottom: 1px solid #E4E4E4; text-align: left; vertical-align: top; }
thead th { border-bottom: 2px solid #222222; font-weight: 600; }
td.num, th.num { text-align: right; }
figure { margin: 1rem 0 1.4rem; }
figure svg { display: block; max-width: 100%; height: auto; }
figcaption, p.caption { font-size: 0.88rem; color: #444444; max-width: 48rem; margin-top: 0.3rem; }
a.svg-link { font-size: 0.8rem; color: #0072B2; }
.note { color: #555555; font-size: 0.9rem; border-left: 3px solid #E69F00; padding-left: 0.7rem; max-width: 48rem; }
details summary { cursor: pointer; color: #0072B2; }
footer { margin-top: 3rem; padding-top: 0.8rem; border-top: 1px solid #E4E4E4; font-size: 0.85rem; color: #6B6B6B; }
@media print { body { background: #FFFFFF; } .page { max-width: none; padding: 0; } a.svg-link { display: none; }
  section { break-inside: avoid-page; } }
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn undefined_values_show_as_a_dash() {
        assert_eq!(prob(None), "–");
        assert_eq!(prob(Some(0.0)), "0.000");
        assert_eq!(signed(Some(-0.0001)), "0.000");
        assert_eq!(signed(Some(0.25)), "+0.250");
        assert_eq!(interval(Some(0.1), None, prob), "–");
        assert_eq!(count(None), "–");
    }

    #[test]
    fn slugs_are_unique_and_plain() {
        let mut slugs = Slugs::default();
        assert_eq!(slugs.of("A/RES/73/27"), "a-res-73-27");
        assert_eq!(slugs.of("a-res-73-27"), "a-res-73-27-2");
        assert_eq!(slugs.of("<&>"), "x");
        assert_eq!(slugs.of("model.conformity"), "model-conformity");
    }

    #[test]
    fn tables_escape_their_cells() {
        let rows =
            [Row { attrs: "data-bloc=\"EU\"".into(), cells: vec![Cell::Text("<EU>".into()), Cell::Num("1".into())] }];
        let html = table("blocs", &["bloc", "members"], &["members"], &rows);
        assert!(html.contains("<tr data-bloc=\"EU\"><td>&lt;EU&gt;</td><td class=\"num\">1</td></tr>"));
        assert!(html.contains("<th scope=\"col\" class=\"num\">members</th>"));
    }
}
