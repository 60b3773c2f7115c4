//! `ungasim report` and `run --report`: the page and its SVG figures for a
//! real batch, sweep and comparison, and for a hand-written batch directory
//! with the columns a later version writes (`tests/fixtures/report/batch`);
//! one-line errors naming the file; atomic writes; the same bytes twice.
//!
//! Every page must parse as XML (it is polyglot HTML5), hold unique ids, no
//! script, and no external reference at all (the SVG namespace apart); every
//! SVG file must parse and be the very chart inlined in the page.

use crate::common::{OEWG_2018, ResultDir, Table, dir_files, entry_names, package_path, temp_dir, text, ungasim};
use roxmltree::{Document, Node, ParsingOptions};
use std::fs;
use std::path::{Path, PathBuf};

/// The SVG namespace, the one `http` reference a report may hold.
const SVG_NS: &str = "xmlns=\"http://www.w3.org/2000/svg\"";

/// `ungasim report DIR ARGS...`, asserted to succeed.
fn report(dir: &Path, args: &[&str]) {
    let output = ungasim().arg("report").arg(dir).args(args).output().unwrap();
    assert!(output.status.success(), "report {}: {}", dir.display(), text(&output.stderr));
}

/// The page at `html`, checked (see the module's doc), with its figures in
/// `figures`; returns its text.
fn checked_page(html: &Path, figures: &Path) -> String {
    let page = fs::read_to_string(html).unwrap_or_else(|e| panic!("{}: {e}", html.display()));
    let options = ParsingOptions { allow_dtd: true, ..ParsingOptions::default() };
    let doc = Document::parse_with_options(&page, options).unwrap_or_else(|e| panic!("not well-formed: {e}"));
    assert!(page.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    let mut ids: Vec<&str> = doc.descendants().filter_map(|n| n.attribute("id")).collect();
    let count = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), count, "duplicate ids");
    for forbidden in ["<script", "<link", "<img", "<iframe", "@import", "url(", "@font-face"] {
        assert!(!page.contains(forbidden), "the page holds {forbidden}");
    }
    let stripped = page.replace(SVG_NS, "");
    assert!(
        !stripped.contains("http://") && !stripped.contains("https://") && !stripped.contains("//"),
        "an external reference"
    );
    for node in doc.descendants().filter(|n| n.has_tag_name("a")) {
        let href = node.attribute("href").unwrap();
        assert!(href.starts_with('#') || !href.contains(':'), "{href}");
    }
    let files = entry_names(figures);
    let figures_inline: Vec<Node> = doc.descendants().filter(|n| n.has_tag_name("figure")).collect();
    assert_eq!(figures_inline.len(), files.len(), "one file per figure: {files:?}");
    for name in &files {
        assert!(name.ends_with(".svg"), "{name}");
        let svg = fs::read_to_string(figures.join(name)).unwrap();
        let parsed = Document::parse(&svg).unwrap_or_else(|e| panic!("{name} is not well-formed: {e}"));
        assert_eq!(parsed.root_element().tag_name().namespace(), Some("http://www.w3.org/2000/svg"), "{name}");
        assert!(page.contains(&svg), "{name} is not the chart inlined in the page");
        assert!(!svg.replace(SVG_NS, "").contains("http"), "{name}: an external reference");
    }
    page
}

/// [`checked_page`] of the default `DIR/report.html`.
fn checked_report(dir: &Path) -> String {
    checked_page(&dir.join("report.html"), &dir.join("report"))
}

/// The page parsed (the text must outlive the document).
fn parse(page: &str) -> Document<'_> {
    Document::parse_with_options(page, ParsingOptions { allow_dtd: true, ..ParsingOptions::default() }).unwrap()
}

/// Whether `node` has `class` among its classes.
fn has_class(node: &Node, class: &str) -> bool {
    node.attribute("class").is_some_and(|c| c.split(' ').any(|x| x == class))
}

/// The descendants of `node` with `tag` and `class`.
fn with_class<'a, 'i>(
    node: Node<'a, 'i>,
    tag: &'static str,
    class: &'static str,
) -> impl Iterator<Item = Node<'a, 'i>> {
    node.descendants().filter(move |n| n.has_tag_name(tag) && has_class(n, class))
}

/// The section about `proposal` of class `class`.
fn section<'a, 'i>(doc: &'a Document<'i>, class: &'static str, proposal: &str) -> Node<'a, 'i> {
    with_class(doc.root(), "section", class)
        .find(|n| n.attribute("data-proposal") == Some(proposal))
        .unwrap_or_else(|| panic!("no {class} section of {proposal}"))
}

/// All the text under `node`.
fn text_of(node: Node) -> String {
    node.descendants().filter(Node::is_text).filter_map(|n| n.text()).collect()
}

/// The cells' texts of the body rows of `table`.
fn rows(table: Node) -> Vec<Vec<String>> {
    table
        .descendants()
        .filter(|n| n.has_tag_name("tbody"))
        .flat_map(|b| b.children().filter(|r| r.has_tag_name("tr")))
        .map(|r| r.children().filter(|c| c.has_tag_name("td")).map(text_of).collect())
        .collect()
}

/// A probability cell as the report shows it: three decimals, or "–".
fn shown(cell: &str) -> String {
    if cell.is_empty() { "–".into() } else { format!("{:.3}", cell.parse::<f64>().unwrap()) }
}

/// A copy of the fixture batch directory (in a fresh temporary directory).
fn fixture() -> (tempfile::TempDir, PathBuf) {
    let tmp = temp_dir();
    let dir = tmp.path().join("batch");
    fs::create_dir(&dir).unwrap();
    for (name, bytes) in dir_files(&package_path("tests/fixtures/report/batch")) {
        fs::write(dir.join(name), bytes).unwrap();
    }
    (tmp, dir)
}

#[test]
fn the_report_of_a_real_run_shows_every_proposal_and_is_the_same_twice() {
    let batch = ResultDir::run(OEWG_2018, &["--runs", "2000", "--report"]);
    let page = checked_report(&batch.path);
    let doc = parse(&page);
    let blocs = batch.table("blocs.csv");
    let states = batch.table("states.csv");
    let proposals = batch.table("summary.csv");
    assert_eq!(proposals.rows.len(), 2);
    for id in proposals.column("proposal") {
        let s = section(&doc, "proposal", id);
        assert_eq!(with_class(s, "figure", "tally").count(), 1, "{id}: tally histogram");
        let margin = with_class(s, "figure", "margin").next().unwrap();
        assert_eq!(with_class(margin, "g", "threshold").count(), 1, "{id}: the simple-majority threshold");
        let board = with_class(s, "figure", "board").next().unwrap();
        assert_eq!(with_class(board, "g", "tile").count(), 193, "{id}: one tile per member state");
        let usa = with_class(board, "g", "tile").find(|t| t.attribute("data-iso3") == Some("USA")).unwrap();
        let tooltip = text_of(usa.first_element_child().unwrap());
        let row = states.rows.iter().find(|r| r[0] == id && r[1] == "USA").unwrap();
        let p_no = shown(&row[states.index("p_no")]);
        assert!(
            tooltip.starts_with("United States of America (USA)\n") && tooltip.contains(&format!("P(No) {p_no}")),
            "{tooltip}"
        );
        // The bloc table is blocs.csv's rows of this proposal, in order.
        let table = with_class(s, "table", "blocs").next().unwrap();
        let expected: Vec<Vec<String>> = blocs
            .rows
            .iter()
            .filter(|r| r[0] == id)
            .map(|r| {
                let cell = |name: &str| r[blocs.index(name)].clone();
                vec![cell("bloc"), cell("members"), shown(&cell("agreement_mean")), shown(&cell("p_majority_yes"))]
            })
            .collect();
        let shown_rows: Vec<Vec<String>> = rows(table).into_iter().map(|r| r[..4].to_vec()).collect();
        assert_eq!(shown_rows, expected, "{id}: bloc table");
        // Tipping points when states.csv has them, else a note saying so.
        let tipping = with_class(s, "table", "tipping").count() == 1;
        let noted = with_class(s, "p", "note").any(|n| text_of(n).contains("no p_tipping column"));
        assert!(if states.header.iter().any(|h| h == "p_tipping") { tipping } else { noted && !tipping });
    }
    let manifest = batch.manifest();
    let identity = text_of(doc.descendants().find(|n| n.attribute("id") == Some("identity")).unwrap());
    assert!(
        identity.contains("OEWG vs GGE, 73rd session") && identity.contains(manifest["finished"].as_str().unwrap())
    );
    // `report DIR` writes the very bytes `run --report` wrote.
    let before = (fs::read(batch.path.join("report.html")).unwrap(), dir_files(&batch.path.join("report")));
    report(&batch.path, &["--quiet"]);
    let after = (fs::read(batch.path.join("report.html")).unwrap(), dir_files(&batch.path.join("report")));
    assert!(before == after, "the report differs the second time");
    let names: Vec<String> = after.1.keys().cloned().collect();
    assert_eq!(
        names,
        [
            "board-a-res-73-266.svg",
            "board-a-res-73-27.svg",
            "margin-a-res-73-266.svg",
            "margin-a-res-73-27.svg",
            "tally-a-res-73-266.svg",
            "tally-a-res-73-27.svg",
            "tipping-a-res-73-266.svg",
            "tipping-a-res-73-27.svg"
        ]
        .map(String::from)
    );
}

#[test]
fn the_columns_of_a_later_version_are_shown_and_markup_is_escaped() {
    let (_tmp, dir) = fixture();
    report(&dir, &[]);
    let page = checked_report(&dir);
    let doc = parse(&page);
    assert!(page.contains("Draft &lt;b&gt;&quot;bold&quot;&lt;/b&gt; &amp; co") && !page.contains("<b>\"bold\""));
    assert!(page.contains("<h1>Fixture &lt;with&gt; &quot;markup&quot; &amp; more</h1>"));
    assert!(!page.contains("written by an older ungasim"), "every column is there");
    let names = entry_names(&dir.join("report"));
    let expected = ["board", "margin", "tally", "tipping"]
        .iter()
        .flat_map(|k| [format!("{k}-a-res-1.svg"), format!("{k}-x-2.svg")]);
    let mut expected: Vec<String> = expected.collect();
    expected.sort();
    assert_eq!(names, expected);

    // A recorded simple-majority text: recorded Yes and No, recorded margin, rings.
    let first = section(&doc, "proposal", "A/RES/1");
    let tally = with_class(first, "figure", "tally").next().unwrap();
    assert_eq!(with_class(tally, "g", "recorded").count(), 2, "recorded Yes and No");
    let margin = with_class(first, "figure", "margin").next().unwrap();
    assert_eq!(with_class(margin, "g", "threshold").count(), 1);
    assert!(text_of(margin).contains("recorded +3"));
    let board = with_class(first, "figure", "board").next().unwrap();
    assert_eq!(with_class(board, "g", "tile").count(), 6);
    assert_eq!(with_class(board, "circle", "recorded-vote").count(), 6);
    let order: Vec<&str> = with_class(board, "g", "tile").filter_map(|t| t.attribute("data-iso3")).collect();
    assert_eq!(order, ["AFG", "CRI", "CIV", "CUB", "TUR", "ZWE"], "English alphabetical order, diacritics folded");
    let tur = with_class(board, "g", "tile").find(|t| t.attribute("data-iso3") == Some("TUR")).unwrap();
    let tooltip = text_of(tur);
    for line in
        ["Türkiye (TUR)", "P(Abstain) 0.300", "P(tipping point) 0.150", "P(decisive) 0.400", "recorded vote: abstain"]
    {
        assert!(tooltip.contains(line), "{tooltip}");
    }
    let civ = with_class(board, "g", "tile").find(|t| t.attribute("data-iso3") == Some("CIV")).unwrap();
    assert!(text_of(civ).contains("blocs: AFRICAN"), "membership.csv");
    let blocs = rows(with_class(first, "table", "blocs").next().unwrap());
    assert_eq!(
        blocs,
        [["AFRICAN", "2", "0.850", "0.900", "0.125"], ["GRULAC", "2", "–", "0.500", "0.250"]]
            .map(|r| r.map(String::from).to_vec())
    );
    let tipping = rows(with_class(first, "table", "tipping").next().unwrap());
    let ranked: Vec<&str> = tipping.iter().map(|r| r[1].as_str()).collect();
    assert_eq!(ranked, ["AFG", "CUB", "TUR", "CRI", "ZWE"], "by P(tipping point), zeros left out");
    assert_eq!(tipping[2][6], "abstain");

    // A two-thirds text without a record: Yes - 2 No from runs.csv, empty cells as "–".
    let second = section(&doc, "proposal", "X/2");
    let margin = with_class(second, "figure", "margin").next().unwrap();
    assert_eq!(with_class(margin, "g", "threshold").count(), 1);
    assert_eq!(with_class(margin, "g", "recorded").count(), 0);
    assert!(text_of(margin).contains("Yes − 2 No") && text_of(margin).contains("threshold: Yes = 2 No"));
    let tally = with_class(second, "figure", "tally").next().unwrap();
    assert!(text_of(tally).contains("not a recorded text"));
    let zwe = with_class(second, "g", "tile").find(|t| t.attribute("data-iso3") == Some("ZWE")).unwrap();
    assert!(text_of(zwe).contains("P(decisive) –"), "an empty cell is undefined, not 0");
    let blocs = rows(with_class(second, "table", "blocs").next().unwrap());
    assert_eq!(blocs[0][4], "–");
    let overview = rows(with_class(doc.root(), "table", "overview").next().unwrap());
    assert_eq!(overview[1][4], "–", "P(consensus) of X/2 is empty");
    assert_eq!(overview[0][5], "4 Yes, 1 No, 1 abstaining, 0 absent");
}

#[test]
fn without_runs_csv_or_scenario_json_the_threshold_is_left_out_with_a_note() {
    let (_tmp, dir) = fixture();
    fs::remove_file(dir.join("runs.csv")).unwrap();
    report(&dir, &[]);
    let page = checked_report(&dir);
    let doc = parse(&page);
    let second = section(&doc, "proposal", "X/2");
    let margin = with_class(second, "figure", "margin").next().unwrap();
    assert_eq!(with_class(margin, "g", "threshold").count(), 0);
    assert!(with_class(second, "p", "note").any(|n| text_of(n).contains("--per-run")));
    assert_eq!(with_class(section(&doc, "proposal", "A/RES/1"), "g", "threshold").count(), 1);

    // No scenario.json, and the scenario file the manifest names is not there.
    fs::remove_file(dir.join("scenario.json")).unwrap();
    report(&dir, &[]);
    let page = checked_report(&dir);
    let doc = parse(&page);
    assert_eq!(with_class(doc.root(), "g", "threshold").count(), 0);
    let note = with_class(section(&doc, "proposal", "A/RES/1"), "p", "note")
        .map(text_of)
        .find(|n| n.contains("majority rule of A/RES/1 is not known"))
        .unwrap();
    assert!(note.contains("no scenario.json") && note.contains("fixture-that-is-not-there.toml"), "{note}");
}

#[test]
fn a_sweep_gets_a_chart_per_proposal_and_parameter() {
    let tmp = temp_dir();
    let out = tmp.path().join("sweep");
    let args = ["--vary", "model.conformity=0.2,0.6", "--vary", "blocs.EU.cohesion=0.5,1", "--runs", "300", "--quiet"];
    ungasim().arg("sweep").arg(OEWG_2018).args(args).arg("--out").arg(&out).assert().success();
    report(&out, &[]);
    let page = checked_report(&out);
    let doc = parse(&page);
    let sweep = Table::parse(&fs::read_to_string(out.join("sweep.csv")).unwrap());
    for id in ["A/RES/73/27", "A/RES/73/266"] {
        let s = section(&doc, "sweep", id);
        let charts: Vec<Node> = with_class(s, "figure", "sweep").collect();
        assert_eq!(charts.len(), 2, "{id}: one chart per parameter");
        for chart in charts {
            assert_eq!(with_class(chart, "g", "point").count(), 4, "{id}: every point of the grid");
            assert_eq!(with_class(chart, "line", "error-bar").count(), 4, "{id}: the intervals");
            assert_eq!(with_class(chart, "polyline", "curve").count(), 0, "several parameters: a scatter");
        }
        let table = rows(with_class(s, "table", "sweep-points").next().unwrap());
        let (proposal, p_adopted) = (sweep.index("proposal"), sweep.index("p_adopted"));
        let expected: Vec<String> =
            sweep.rows.iter().filter(|r| r[proposal] == id).map(|r| shown(&r[p_adopted])).collect();
        assert_eq!(table.iter().map(|r| r[3].clone()).collect::<Vec<_>>(), expected);
    }
    assert!(out.join("report/sweep-a-res-73-27-model-conformity.svg").exists());
    assert!(out.join("report/sweep-a-res-73-266-blocs-eu-cohesion.svg").exists());

    // One parameter: the points are joined.
    let one = tmp.path().join("one");
    ungasim()
        .arg("sweep")
        .arg(OEWG_2018)
        .args(["--vary", "model.conformity=0:0.8:0.4", "--runs", "200", "--quiet", "--out"])
        .arg(&one)
        .assert()
        .success();
    report(&one, &[]);
    let page = checked_report(&one);
    let doc = parse(&page);
    assert_eq!(with_class(doc.root(), "polyline", "curve").count(), 2);
    assert_eq!(
        doc.root_element().descendants().find(|n| n.has_tag_name("body")).unwrap().attribute("data-kind"),
        Some("sweep")
    );
}

#[test]
fn a_comparison_gets_its_differences_and_flips() {
    let tmp = temp_dir();
    let out = tmp.path().join("compare");
    ungasim()
        .arg("compare")
        .arg(OEWG_2018)
        .args(["--set", "model.conformity=0.9", "--runs", "500", "--quiet", "--out"])
        .arg(&out)
        .assert()
        .success();
    report(&out, &[]);
    let page = checked_report(&out);
    let doc = parse(&page);
    let compare = Table::parse(&fs::read_to_string(out.join("compare.csv")).unwrap());
    assert_eq!(rows(with_class(doc.root(), "table", "compare").next().unwrap()).len(), 2);
    assert_eq!(with_class(doc.root(), "figure", "compare-p-adopted").count(), 1);
    for id in ["A/RES/73/27", "A/RES/73/266"] {
        let s = section(&doc, "compare", id);
        let flips: Vec<(f64, &str)> = compare
            .rows
            .iter()
            .filter(|r| r[0] == id && r[3] == "p_flip")
            .map(|r| (r[6].parse::<f64>().unwrap(), r[2].as_str()))
            .collect();
        let top = flips.iter().fold((0.0, ""), |best, &(p, iso3)| if p > best.0 { (p, iso3) } else { best });
        let table = rows(with_class(s, "table", "compare-p-flip").next().unwrap());
        assert_eq!((table[0][0].as_str(), table[0][2].clone()), (top.1, format!("{:.3}", top.0)), "{id}");
        assert!(table.len() <= 10);
        assert_eq!(with_class(s, "figure", "compare-p-yes").count(), 1);
        assert_eq!(with_class(s, "figure", "compare-p-flip").count(), 1);
    }
    let mut names = entry_names(&out.join("report"));
    names.sort();
    assert_eq!(
        names,
        [
            "compare-p-adopted.svg",
            "compare-p-flip-a-res-73-266.svg",
            "compare-p-flip-a-res-73-27.svg",
            "compare-p-yes-a-res-73-266.svg",
            "compare-p-yes-a-res-73-27.svg"
        ]
    );
}

/// `ungasim report DIR` expected to fail with status 1 (bad input): its one line of stderr.
fn report_error(dir: &Path) -> String {
    report_failure(dir, 1)
}

/// `ungasim report DIR` expected to fail with `status`: its one line of stderr.
fn report_failure(dir: &Path, status: i32) -> String {
    let output = ungasim().arg("report").arg(dir).output().unwrap();
    assert_eq!(output.status.code(), Some(status), "{}", text(&output.stderr));
    let stderr = text(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    stderr.trim_end().to_string()
}

#[test]
fn missing_or_corrupt_files_give_one_line_naming_the_file() {
    type Spoil = fn(&Path);
    let cases: [(&str, Spoil, &str); 6] = [
        ("states.csv missing", |d| fs::remove_file(d.join("states.csv")).unwrap(), "states.csv: No such file"),
        (
            "bad number",
            |d| {
                let text = fs::read_to_string(d.join("summary.csv")).unwrap().replace("0.900000", "ninety");
                fs::write(d.join("summary.csv"), text).unwrap();
            },
            "summary.csv: line 2: column `p_adopted`: `ninety` is not a number",
        ),
        (
            "truncated manifest",
            |d| {
                let text = fs::read_to_string(d.join("manifest.json")).unwrap();
                fs::write(d.join("manifest.json"), &text[..100]).unwrap();
            },
            "manifest.json: EOF while parsing",
        ),
        (
            "missing column",
            |d| {
                let text = fs::read_to_string(d.join("distribution.csv")).unwrap().replacen("runs", "count", 1);
                fs::write(d.join("distribution.csv"), text).unwrap();
            },
            "distribution.csv: no column `runs` in the header",
        ),
        (
            "ragged row",
            |d| {
                let mut text = fs::read_to_string(d.join("blocs.csv")).unwrap();
                text.push_str("X/2,EXTRA\n");
                fs::write(d.join("blocs.csv"), text).unwrap();
            },
            "blocs.csv: CSV error",
        ),
        (
            "corrupt scenario.json",
            |d| fs::write(d.join("scenario.json"), "{\"proposals\": [").unwrap(),
            "scenario.json: EOF",
        ),
    ];
    for (what, spoil, expected) in cases {
        let (_tmp, dir) = fixture();
        spoil(&dir);
        let error = report_error(&dir);
        assert!(error.starts_with("error: ") && error.contains(expected), "{what}: {error}");
        assert!(!dir.join("report.html").exists() && !dir.join("report").exists(), "{what}: wrote something");
    }
    // A directory a batch is writing (it holds the lock) is not read half-way.
    let (_tmp, dir) = fixture();
    let lock = ungasim::export::DirLock::acquire(&dir).unwrap();
    assert!(report_failure(&dir, 3).contains("is being written by another ungasim run"));
    drop(lock);
    let tmp = temp_dir();
    assert!(report_error(tmp.path()).contains("holds no results"));
    assert!(report_error(&tmp.path().join("nowhere")).contains("nowhere is not a directory"));
    fs::write(tmp.path().join("summary.csv"), "proposal\n").unwrap();
    assert!(report_error(tmp.path()).contains("no manifest.json"));
}

#[test]
fn the_page_is_written_last_and_atomically() {
    // The figures' directory cannot be created: the earlier page stays as it was.
    let (_tmp, dir) = fixture();
    fs::write(dir.join("report.html"), "earlier").unwrap();
    fs::write(dir.join("report"), "a file in the way").unwrap();
    assert!(report_error(&dir).contains("report"));
    assert_eq!(fs::read_to_string(dir.join("report.html")).unwrap(), "earlier");

    // The page cannot be renamed into place: no partial file is left behind.
    let (_tmp, dir) = fixture();
    fs::create_dir_all(dir.join("report.html/in-the-way")).unwrap();
    assert!(report_error(&dir).contains("report.html"));
    let names = entry_names(&dir);
    assert!(!names.iter().any(|n| n.ends_with(".partial")), "{names:?}");
    assert!(!entry_names(&dir.join("report")).iter().any(|n| n.ends_with(".partial")));

    // --out elsewhere: the page there, the figures beside it, nothing in DIR.
    let (tmp, dir) = fixture();
    let page = tmp.path().join("paper/figure.html");
    fs::create_dir(tmp.path().join("paper")).unwrap();
    report(&dir, &["--out", page.to_str().unwrap()]);
    let text = checked_page(&page, &tmp.path().join("paper/figure"));
    assert!(text.contains("href=\"figure/board-a-res-1.svg\""));
    assert!(!dir.join("report.html").exists() && !dir.join("report").exists());
}

#[test]
fn a_new_batch_removes_the_report_of_the_one_it_replaces() {
    let batch = ResultDir::run(OEWG_2018, &["--runs", "200", "--report"]);
    assert!(batch.path.join("report.html").exists() && batch.path.join("report/board-a-res-73-27.svg").exists());
    crate::common::run_command(OEWG_2018, &batch.path, &["--runs", "100", "--force"]).assert().success();
    assert!(!batch.path.join("report.html").exists() && !batch.path.join("report").exists());
}
