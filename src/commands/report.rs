//! `ungasim report DIR`: the HTML report of a result directory and its
//! figures as SVG files (see [`crate::report`]).
//!
//! The directory is locked while it is read, so a batch being written into
//! it (which holds the lock) is refused rather than read half-way. A batch
//! directory without `scenario.json` (written before it existed) gets its
//! proposals' titles and majority rules from the scenario file its manifest
//! names, as `merge` reads it: with the same overrides and roster, and only
//! while its SHA-256 is still the batch's.

use super::merge::reload_scenario;
use crate::engine::rule::Rule;
use crate::export::{DirLock, ExportError, Identity, REPORT_HTML};
use crate::report::{self, Kind, ProposalMeta};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Everything `report` needs.
#[derive(Debug, Clone)]
pub struct ReportSettings {
    /// The result directory.
    pub dir: PathBuf,
    /// The page to write (default `DIR/report.html`); the figures go into
    /// the directory of the same name without the extension.
    pub out: Option<PathBuf>,
}

/// What `report` wrote.
#[derive(Debug, Clone)]
pub struct ReportOutcome {
    /// The kind of directory.
    pub kind: Kind,
    /// The page.
    pub html: PathBuf,
    /// The figures, in page order.
    pub figures: Vec<PathBuf>,
}

/// Reads the result directory and writes its report: the figures first,
/// then the page, each atomically.
pub fn report(settings: &ReportSettings) -> anyhow::Result<ReportOutcome> {
    let dir = &settings.dir;
    let html = settings.out.clone().unwrap_or_else(|| dir.join(REPORT_HTML));
    if html.extension().is_none() {
        anyhow::bail!("--out {}: the page's name needs an extension (e.g. report.html)", html.display());
    }
    // Only a writer holding the lock is a reason to stop; a directory we
    // cannot lock (read-only, with --out elsewhere) is read as it is.
    let _lock = match dir.is_dir().then(|| DirLock::acquire(dir)) {
        Some(Err(locked @ ExportError::Locked { .. })) => return Err(locked.into()),
        Some(Ok(lock)) => Some(lock),
        _ => None,
    };
    let rendered = report::render(dir, &html, &|manifest| proposals_of_scenario_file(dir, manifest))?;
    let figures = rendered.write(&html)?;
    Ok(ReportOutcome { kind: rendered.kind, html, figures })
}

/// The titles and rules of the proposals of the scenario file the batch in
/// `dir` ran (its `manifest`), refused if that file is gone or has changed.
fn proposals_of_scenario_file(dir: &Path, manifest: &Value) -> anyhow::Result<BTreeMap<String, ProposalMeta>> {
    let fields = ["tool", "tool_version", "model_version", "scenario_sha256", "overrides", "seed", "runs", "roster"];
    let identity: serde_json::Map<String, Value> =
        fields.iter().filter_map(|f| Some((f.to_string(), manifest.get(*f)?.clone()))).collect();
    let identity: Identity = serde_json::from_value(Value::Object(identity))
        .map_err(|e| anyhow::anyhow!("{}: {e}", dir.join("manifest.json").display()))?;
    let path = manifest.get("scenario_path").and_then(Value::as_str).unwrap_or_default();
    let scenario = reload_scenario(dir, path, &identity)?;
    Ok(scenario
        .proposals
        .iter()
        .map(|p| (p.id.clone(), ProposalMeta { title: p.title.clone(), rule: Some(Rule::of(p)) }))
        .collect())
}
