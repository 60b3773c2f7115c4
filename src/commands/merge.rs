//! `ungasim merge`: the result directories of the shards of one batch
//! (`run --shard I/N`) -> the result directory of the whole batch; those of
//! the shards of one sweep (`sweep --shard I/N`, manifest `command: "sweep"`)
//! -> the whole sweep's.
//!
//! Tallies are exact counts, so the merged directory holds exactly what one
//! unsharded batch writes: the same CSV files and `tally.json` byte for
//! byte, the same manifest but for the execution fields, and `runs.csv`
//! when every shard has one. Everything is checked before anything is
//! written: that the directories are finished batches of one identity
//! (scenario, seed, overrides, roster, runs, versions), that their run
//! ranges are disjoint and cover the batch, and that their tallies hold
//! together and fit the scenario. Each refusal is one line naming the
//! directory (or file) and the field.
//!
//! A sweep's rows are written per point, so its shards' tables are joined
//! as they are: one header, then each shard's rows in point order, which is
//! exactly the unsharded sweep's table; the per-point tables only when every
//! shard has them. The shards must share one [`SweepIdentity`] and their
//! point ranges cover the design once; batches and sweeps do not mix.

use super::sweep::SweepManifest;
use crate::aggregate::Shape;
use crate::export::{self, Commit, Identity, Manifest, OutputDir, Part, SweepIdentity, TallyFile, manifest};
use crate::given::Condition;
use crate::limits::MANIFEST_FILE;
use crate::model::{MODEL_VERSION, Scenario};
use crate::scenario;
use anyhow::{Context, bail};
use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime};

/// Everything `merge` needs, checked by the CLI.
#[derive(Debug, Clone)]
pub struct MergeSettings {
    /// The shard directories, in any order.
    pub dirs: Vec<PathBuf>,
    /// The result directory to write.
    pub out: PathBuf,
    /// Overwrite an existing result directory.
    pub force: bool,
    /// For the manifest.
    pub command_line: Vec<String>,
}

/// What a merge did.
#[derive(Debug, Clone)]
pub struct MergeReport {
    /// The result directory.
    pub out: PathBuf,
    /// What the merged directory holds: `5001 runs`, `9 points x 300 runs`.
    pub holds: String,
    /// Number of shards merged.
    pub shards: usize,
}

/// Refuses a result directory written by another ungasim or model version:
/// its tables are rewritten, or joined, as this binary writes them.
fn check_versions(manifest: &Path, tool: &str, tool_version: &str, model_version: &str) -> anyhow::Result<()> {
    let ours = [("tool", "ungasim"), ("tool_version", env!("CARGO_PKG_VERSION")), ("model_version", MODEL_VERSION)];
    for ((field, ours), theirs) in ours.into_iter().zip([tool, tool_version, model_version]) {
        if theirs != ours {
            bail!(
                "{}: `{field}` is {theirs}, but this ungasim writes {ours}: merge the shards with the ungasim that \
                 wrote them",
                manifest.display()
            );
        }
    }
    Ok(())
}

/// One shard directory, read and checked on its own.
struct ShardDir {
    dir: PathBuf,
    manifest: Manifest,
    tally: TallyFile,
}

impl ShardDir {
    /// Reads `dir`'s manifest and tally (the manifest known to be there) and checks that they agree.
    fn read(dir: &Path) -> anyhow::Result<ShardDir> {
        if !dir.join("tally.json").is_file() {
            bail!("{} holds no tally.json: not the result directory of a finished batch", dir.display());
        }
        let manifest = Manifest::read(&dir.join("manifest.json"))?;
        check_versions(&dir.join("manifest.json"), &manifest.tool, &manifest.tool_version, &manifest.model_version)?;
        let tally = TallyFile::read(&dir.join("tally.json"))?;
        if let Some((field, in_manifest, in_tally)) = manifest.identity().difference(&tally.identity) {
            bail!(
                "{}: manifest.json and tally.json disagree on `{field}` ({in_manifest} and {in_tally})",
                dir.display()
            );
        }
        if manifest.run_range != tally.run_range {
            bail!("{}: manifest.json and tally.json disagree on `run_range`", dir.display());
        }
        Ok(ShardDir { dir: dir.to_path_buf(), manifest, tally })
    }

    fn has_runs_csv(&self) -> bool {
        self.manifest.per_run && self.dir.join("runs.csv").is_file()
    }

    fn has_votes_csv(&self) -> bool {
        self.manifest.per_state && self.dir.join("votes.csv").is_file()
    }
}

/// One shard directory of a sweep, read and checked on its own.
struct SweepShard {
    dir: PathBuf,
    manifest: SweepManifest,
}

impl SweepShard {
    /// Reads `dir`'s manifest and checks that `sweep.csv` is there.
    fn read(dir: &Path) -> anyhow::Result<SweepShard> {
        if !dir.join("sweep.csv").is_file() {
            bail!("{} holds no sweep.csv: not the result directory of a finished sweep", dir.display());
        }
        let path = dir.join("manifest.json");
        let manifest: SweepManifest = export::read_json(&path, MANIFEST_FILE)?;
        let identity = &manifest.identity;
        check_versions(&path, &identity.tool, &identity.tool_version, &identity.model_version)?;
        let [start, end] = manifest.point_range;
        let points = manifest.identity.points.len();
        if !(start <= end && end <= points) {
            bail!("{}: `point_range` [{start}, {end}] is not within the sweep's {points} points", path.display());
        }
        Ok(SweepShard { dir: dir.to_path_buf(), manifest })
    }

    /// Whether the shard holds `sweep_states.csv` and `sweep_blocs.csv`.
    fn has_per_point(&self) -> bool {
        self.manifest.per_point && export::SWEEP_TABLES.iter().all(|name| self.dir.join(name).is_file())
    }
}

/// Whether `dir` holds a sweep (its manifest's `command` is `sweep`) rather than a batch.
fn is_sweep(dir: &Path) -> anyhow::Result<bool> {
    let path = dir.join("manifest.json");
    if !path.is_file() {
        bail!("{} holds no manifest.json: not the result directory of a finished batch or sweep", dir.display());
    }
    let manifest: serde_json::Value = export::read_json(&path, MANIFEST_FILE)?;
    Ok(manifest.get("command").and_then(serde_json::Value::as_str) == Some("sweep"))
}

/// Merges the shard directories of `settings` into `settings.out`: the
/// shards of one batch, or of one sweep.
pub fn merge(settings: &MergeSettings) -> anyhow::Result<MergeReport> {
    let started = SystemTime::now();
    let clock = Instant::now();
    anyhow::ensure!(!settings.dirs.is_empty(), "no directory to merge");
    let sweeps = settings.dirs.iter().map(|dir| is_sweep(dir)).collect::<anyhow::Result<Vec<_>>>()?;
    let sweep = sweeps.iter().position(|&sweep| sweep);
    let batch = sweeps.iter().position(|&sweep| !sweep);
    match (sweep, batch) {
        (Some(sweep), Some(batch)) => bail!(
            "{} is the result directory of a sweep and {} that of a batch: merge joins the shards of one batch \
             or of one sweep, not both",
            settings.dirs[sweep].display(),
            settings.dirs[batch].display()
        ),
        (Some(_), None) => return merge_sweep(settings, started, clock),
        _ => {}
    }
    let mut shards = settings.dirs.iter().map(|dir| ShardDir::read(dir)).collect::<anyhow::Result<Vec<_>>>()?;
    let first = &shards[0];
    for shard in &shards[1..] {
        if let Some((field, theirs, ours)) = first.tally.identity.difference(&shard.tally.identity) {
            bail!(
                "{} is not a shard of the batch in {}: its `{field}` is {ours}, not {theirs}",
                shard.dir.display(),
                first.dir.display()
            );
        }
    }
    let identity = first.tally.identity.clone();
    shards.sort_by_key(|shard| shard.tally.run_range);
    let ranges: Vec<(&Path, [u64; 2])> = shards.iter().map(|s| (s.dir.as_path(), s.tally.run_range)).collect();
    check_coverage(&ranges, identity.runs, "runs")?;

    let mut tally = shards[0].tally.tally.clone();
    for shard in &shards[1..] {
        tally.merge(&shard.tally.tally).with_context(|| {
            format!("{}/tally.json does not match {}/tally.json", shard.dir.display(), shards[0].dir.display())
        })?;
    }
    let reference = &shards[0];
    let (scenario, resolved) = load_scenario(reference)?;
    tally.check(&Shape::of(&scenario)).with_context(|| {
        format!("{}/tally.json does not fit the scenario {}", reference.dir.display(), reference.manifest.scenario_path)
    })?;

    let parts = |name: &str| -> Vec<Part> {
        shards.iter().map(|shard| Part { path: shard.dir.join(name), range: shard.tally.run_range }).collect()
    };
    let per_run = shards.iter().all(ShardDir::has_runs_csv);
    let per_state = shards.iter().all(ShardDir::has_votes_csv);
    // Checked (`None`) before the directory is created, then written.
    let join = |mut out: Option<&mut OutputDir>| -> Result<(), export::ExportError> {
        if per_run {
            export::concatenate_runs(out.as_deref_mut(), &scenario, &parts("runs.csv"))?;
        }
        if per_state {
            export::concatenate_votes(out, &scenario, &parts("votes.csv"))?;
        }
        Ok(())
    };
    join(None)?;
    check_out(settings)?;
    let mut out = OutputDir::create(&settings.out, settings.force)?;
    join(Some(&mut out))?;
    let manifest = Manifest {
        run_range: [0, identity.runs],
        shard: None,
        per_run,
        per_state,
        threads: 1,
        started: manifest::utc_timestamp(started),
        finished: manifest::utc_timestamp(SystemTime::now()),
        wall_seconds: clock.elapsed().as_secs_f64(),
        command_line: settings.command_line.clone(),
        ..reference.manifest.clone()
    };
    let tally = TallyFile { identity: identity.clone(), run_range: [0, identity.runs], tally };
    let commit = export::write_batch(out, &scenario, &resolved, &tally, &manifest, || false)?;
    debug_assert_eq!(commit, Commit::Done);
    Ok(MergeReport { out: settings.out.clone(), holds: format!("{} runs", manifest.runs), shards: shards.len() })
}

/// Merges the shards of one sweep: `sweep.csv` (and the per-point tables
/// when every shard has them) joined in point order, and the manifest of
/// the whole sweep.
fn merge_sweep(settings: &MergeSettings, started: SystemTime, clock: Instant) -> anyhow::Result<MergeReport> {
    let mut shards = settings.dirs.iter().map(|dir| SweepShard::read(dir)).collect::<anyhow::Result<Vec<_>>>()?;
    let first = &shards[0];
    for shard in &shards[1..] {
        if let Some((field, theirs, ours)) =
            export::tally::first_difference(&first.manifest.identity, &shard.manifest.identity)
        {
            bail!(
                "{} is not a shard of the sweep in {}: its `{field}` is {ours}, not {theirs}",
                shard.dir.display(),
                first.dir.display()
            );
        }
    }
    let identity: SweepIdentity = first.manifest.identity.clone();
    let points = identity.points.len();
    shards.sort_by_key(|shard| shard.manifest.point_range);
    let ranges: Vec<(&Path, [u64; 2])> =
        shards.iter().map(|s| (s.dir.as_path(), s.manifest.point_range.map(|p| p as u64))).collect();
    check_coverage(&ranges, points as u64, "points")?;
    let reference = &shards[0];
    let base = Path::new(&reference.manifest.scenario_path);
    let roster = identity.roster.as_deref().map(Path::new);
    let context = || format!("the scenario of {} ({})", reference.dir.display(), base.display());
    let (scenario, text) = scenario::load_with_text(base, &identity.overrides, roster).with_context(context)?;
    check_unchanged(base, &text, &reference.dir, &identity.scenario_sha256, "sweep")?;
    let per_point = shards.iter().all(SweepShard::has_per_point);
    let tables = if per_point { &export::SWEEP_TABLES[..] } else { &export::SWEEP_TABLES[..1] };
    // Rows per point: one per proposal, one per proposal and state; the blocs in force vary with the point.
    let proposals = scenario.proposals.len() as u64;
    let rows = [Some(proposals), Some(proposals * scenario.states.len() as u64), None];
    // Checked (`None`) before the directory is created, then written.
    let join = |mut out: Option<&mut OutputDir>| -> Result<(), export::ExportError> {
        for (&name, rows) in tables.iter().zip(rows) {
            let parts: Vec<Part> = shards
                .iter()
                .map(|shard| Part { path: shard.dir.join(name), range: shard.manifest.point_range.map(|p| p as u64) })
                .collect();
            export::concatenate_sweep_table(out.as_deref_mut(), name, &identity.parameters, &parts, rows)?;
        }
        Ok(())
    };
    join(None)?;
    check_out(settings)?;
    let mut out = OutputDir::create(&settings.out, settings.force)?;
    join(Some(&mut out))?;
    let manifest = SweepManifest {
        command: "sweep".into(),
        scenario_path: shards[0].manifest.scenario_path.clone(),
        identity,
        per_point,
        point_range: [0, points],
        shard: None,
        threads: 1,
        started: manifest::utc_timestamp(started),
        finished: manifest::utc_timestamp(SystemTime::now()),
        wall_seconds: clock.elapsed().as_secs_f64(),
        command_line: settings.command_line.clone(),
    };
    manifest.write(&mut out)?;
    out.commit()?;
    let holds = format!("{points} points x {} runs", manifest.identity.runs);
    Ok(MergeReport { out: settings.out.clone(), holds, shards: shards.len() })
}

/// Refuses an `--out` that is one of the directories to merge.
fn check_out(settings: &MergeSettings) -> anyhow::Result<()> {
    if settings.dirs.iter().any(|dir| same_dir(dir, &settings.out)) {
        bail!("--out {} is one of the directories to merge; choose another", settings.out.display());
    }
    Ok(())
}

/// Checks that `ranges` (each directory's `[start, end)` of the `unit`,
/// `runs` or `points`, sorted by start) are disjoint and together exactly
/// `0..total`.
fn check_coverage(ranges: &[(&Path, [u64; 2])], total: u64, unit: &str) -> anyhow::Result<()> {
    let span = |[start, end]: [u64; 2]| format!("{unit} {start}..{end}");
    let mut next = 0;
    let mut previous: Option<(&Path, [u64; 2])> = None;
    for &(dir, range) in ranges {
        let [start, end] = range;
        match previous {
            Some((before, before_range)) if start < next => {
                bail!("{} ({}) overlaps {} ({})", dir.display(), span(range), before.display(), span(before_range))
            }
            Some((before, _)) if start > next => bail!(
                "{unit} {next}..{start} are in no directory given (between {} and {}); merge needs every shard",
                before.display(),
                dir.display()
            ),
            None if start > 0 => {
                bail!("{unit} 0..{start} are in no directory given (before {}); merge needs every shard", dir.display())
            }
            _ => {}
        }
        next = end;
        previous = Some((dir, range));
    }
    if next < total {
        let (last, _) = previous.expect("at least one shard");
        bail!("{unit} {next}..{total} are in no directory given (after {}); merge needs every shard", last.display());
    }
    Ok(())
}

/// The scenario of `shard`'s batch: its scenario file with its overrides,
/// roster, seed and what-if condition, refused if the file has changed
/// since (its SHA-256); with the document of its `scenario.json`.
fn load_scenario(shard: &ShardDir) -> anyhow::Result<(Scenario, serde_json::Value)> {
    let (identity, path) = (&shard.tally.identity, &shard.manifest.scenario_path);
    let (mut scenario, text) = reload_scenario_text(&shard.dir, path, identity)?;
    let resolved = scenario::resolved_document(&scenario, &text, path)
        .with_context(|| format!("the scenario of {} ({path})", shard.dir.display()))?;
    scenario.seed = identity.seed;
    if let Some(given) = &identity.given {
        let condition = Condition::parse_text(given, &scenario)
            .map_err(|e| anyhow::anyhow!("{}/tally.json: `given`: {e}", shard.dir.display()))?;
        scenario.given = Some(condition);
    }
    Ok((scenario, resolved))
}

/// The scenario the batch in `dir` ran: the file at `path` (as its manifest
/// names it, relative to the working directory) with `identity`'s overrides
/// and roster, refused if the file's SHA-256 is no longer `identity`'s.
pub(super) fn reload_scenario(dir: &Path, path: &str, identity: &Identity) -> anyhow::Result<Scenario> {
    reload_scenario_text(dir, path, identity).map(|(scenario, _)| scenario)
}

/// [`reload_scenario`], with the file's text.
fn reload_scenario_text(dir: &Path, path: &str, identity: &Identity) -> anyhow::Result<(Scenario, String)> {
    let path = Path::new(path);
    let context = || format!("the scenario of {} ({})", dir.display(), path.display());
    let (mut scenario, mut text) = scenario::load_with_text(path, &identity.overrides, None).with_context(context)?;
    if scenario.roster != identity.roster {
        (scenario, text) = scenario::load_with_text(path, &identity.overrides, Some(Path::new(&identity.roster)))
            .with_context(context)?;
    }
    check_unchanged(path, &text, dir, &identity.scenario_sha256, "batch")?;
    Ok((scenario, text))
}

/// Refuses a scenario file `path` (read as `text`) that has changed since
/// the `what` (batch or sweep) in `dir` ran: its SHA-256 is not `expected`.
fn check_unchanged(path: &Path, text: &str, dir: &Path, expected: &str, what: &str) -> anyhow::Result<()> {
    let sha256 = manifest::sha256_hex(text.as_bytes());
    if sha256 != expected {
        bail!(
            "{} has changed since the {what} in {} ran: its SHA-256 is {sha256}, the {what}'s {expected}",
            path.display(),
            dir.display(),
        );
    }
    Ok(())
}

/// Whether `a` and `b` name the same existing directory.
fn same_dir(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
