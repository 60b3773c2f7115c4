//! `ungasim report`: one self-contained HTML page (inline CSS and SVG, no
//! script, font, image or link fetched from elsewhere) describing a result
//! directory, and every chart of it as a standalone SVG file beside it.
//!
//! The kind of directory is read from its files: a `manifest.json` with
//! `"command": "sweep"` is a sweep's ([`sweep`]), any other manifest a
//! batch's ([`batch`]), a directory with `compare.csv` and no manifest a
//! comparison's ([`compare`]). The page depends on nothing but the files (no
//! clock: the date shown is the manifest's `finished`), so the same
//! directory gives the same bytes. The figures are written first, each under
//! a temporary name renamed into place, then the page the same way: a
//! failure leaves no half-written `report.html`.

pub mod batch;
mod board;
mod charts;
mod compare;
mod html;
mod read;
mod svg;
mod sweep;

pub use batch::{Fallback, ProposalMeta};

use crate::roster::calibration::write_atomic;
use anyhow::Context;
use std::path::{Path, PathBuf};

/// What kind of result directory a report describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A batch (`ungasim run` or `merge` of its shards).
    Batch,
    /// A sweep (`ungasim sweep`).
    Sweep,
    /// A paired comparison (`ungasim compare`).
    Compare,
}

impl Kind {
    /// `batch`, `sweep` or `compare`.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Batch => "batch",
            Kind::Sweep => "sweep",
            Kind::Compare => "compare",
        }
    }
}

/// A report, rendered but not yet written.
pub struct Report {
    /// The kind of directory it describes.
    pub kind: Kind,
    /// The page.
    pub html: String,
    /// The figures: (file name, SVG document), in page order.
    pub figures: Vec<(String, String)>,
}

/// The directory of the figures of the page at `html`: its path without
/// the extension (`DIR/report.html` -> `DIR/report/`).
pub fn figure_dir(html: &Path) -> PathBuf {
    html.with_extension("")
}

/// Renders the report of result directory `dir` for a page to be written
/// at `html` (which names the figures' directory, see [`figure_dir`]).
/// `fallback` gives a batch's proposal titles and rules when the directory
/// has no `scenario.json`. Errors name the file at fault.
pub fn render(dir: &Path, html: &Path, fallback: Fallback) -> anyhow::Result<Report> {
    if !dir.is_dir() {
        anyhow::bail!("{} is not a directory", dir.display());
    }
    let figure_dir_name =
        figure_dir(html).file_name().map_or_else(|| "report".into(), |n| n.to_string_lossy().into_owned());
    let mut figures = html::Figures::new(&figure_dir_name);
    let manifest = read::json(dir, "manifest.json")?;
    let (kind, page) = match &manifest {
        Some(m) if m.get("command").and_then(serde_json::Value::as_str) == Some("sweep") => {
            (Kind::Sweep, sweep::render(dir, m, &mut figures)?)
        }
        Some(m) => (Kind::Batch, batch::render(dir, m, fallback, &mut figures)?),
        None if dir.join("compare.csv").exists() => (Kind::Compare, compare::render(dir, &mut figures)?),
        None if ["summary.csv", "sweep.csv"].iter().any(|f| dir.join(f).exists()) => anyhow::bail!(
            "cannot read {}: the directory holds results but no manifest.json (an unfinished batch?)",
            dir.join("manifest.json").display()
        ),
        None => {
            anyhow::bail!("{} holds no results: no manifest.json (of a run or sweep) and no compare.csv", dir.display())
        }
    };
    Ok(Report { kind, html: page, figures: figures.files })
}

impl Report {
    /// Writes the figures into [`figure_dir`]`(html)` and then the page at
    /// `html`, each under a temporary name renamed into place; returns the
    /// figures' paths.
    pub fn write(&self, html: &Path) -> anyhow::Result<Vec<PathBuf>> {
        let dir = figure_dir(html);
        std::fs::create_dir_all(&dir).with_context(|| format!("cannot create the directory {}", dir.display()))?;
        let mut paths = Vec::new();
        for (name, svg) in &self.figures {
            write_atomic(&dir, name, svg).context("cannot write a figure")?;
            paths.push(dir.join(name));
        }
        let parent = html.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let name = html.file_name().with_context(|| format!("{} is not a file name", html.display()))?;
        write_atomic(parent, &name.to_string_lossy(), &self.html).context("cannot write the report")?;
        Ok(paths)
    }
}
