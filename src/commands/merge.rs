//! `ungasim merge`: the result directories of the shards of one batch
//! (`run --shard I/N`) -> the result directory of the whole batch.
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

use crate::aggregate::Shape;
use crate::export::{self, Commit, Manifest, OutputDir, TallyFile, manifest};
use crate::model::Scenario;
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
    /// The manifest written.
    pub manifest: Manifest,
    /// Number of shards merged.
    pub shards: usize,
}

/// One shard directory, read and checked on its own.
struct ShardDir {
    dir: PathBuf,
    manifest: Manifest,
    tally: TallyFile,
}

impl ShardDir {
    /// Reads `dir`'s manifest and tally and checks that they agree.
    fn read(dir: &Path) -> anyhow::Result<ShardDir> {
        for name in ["manifest.json", "tally.json"] {
            if !dir.join(name).is_file() {
                bail!("{} holds no {name}: not the result directory of a finished batch", dir.display());
            }
        }
        let manifest = Manifest::read(&dir.join("manifest.json"))?;
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

    /// `[start, end)` as `start..end`, for messages.
    fn range(&self) -> String {
        let [start, end] = self.tally.run_range;
        format!("runs {start}..{end}")
    }

    fn has_runs_csv(&self) -> bool {
        self.manifest.per_run && self.dir.join("runs.csv").is_file()
    }

    fn has_votes_csv(&self) -> bool {
        self.manifest.per_state && self.dir.join("votes.csv").is_file()
    }
}

/// Merges the shard directories of `settings` into `settings.out`.
pub fn merge(settings: &MergeSettings) -> anyhow::Result<MergeReport> {
    let started = SystemTime::now();
    let clock = Instant::now();
    anyhow::ensure!(!settings.dirs.is_empty(), "no directory to merge");
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
    check_coverage(&shards, identity.runs)?;

    let mut tally = shards[0].tally.tally.clone();
    for shard in &shards[1..] {
        tally.merge(&shard.tally.tally).with_context(|| {
            format!("{}/tally.json does not match {}/tally.json", shard.dir.display(), shards[0].dir.display())
        })?;
    }
    let reference = &shards[0];
    let scenario = load_scenario(reference)?;
    tally.check(&Shape::of(&scenario)).with_context(|| {
        format!("{}/tally.json does not fit the scenario {}", reference.dir.display(), reference.manifest.scenario_path)
    })?;

    for shard in &shards {
        if same_dir(&shard.dir, &settings.out) {
            bail!("--out {} is one of the directories to merge; choose another", settings.out.display());
        }
    }
    let mut out = OutputDir::create(&settings.out, settings.force)?;
    let per_run = shards.iter().all(ShardDir::has_runs_csv);
    if per_run {
        let parts: Vec<PathBuf> = shards.iter().map(|shard| shard.dir.join("runs.csv")).collect();
        export::concatenate_runs(&mut out, &scenario, &parts)?;
    }
    let per_state = shards.iter().all(ShardDir::has_votes_csv);
    if per_state {
        let parts: Vec<PathBuf> = shards.iter().map(|shard| shard.dir.join("votes.csv")).collect();
        export::concatenate_votes(&mut out, &parts)?;
    }
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
    let commit = export::write_batch(out, &scenario, &tally, &manifest, || false)?;
    debug_assert_eq!(commit, Commit::Done);
    Ok(MergeReport { out: settings.out.clone(), manifest, shards: shards.len() })
}

/// Checks that the ranges of `shards` (sorted by start) are disjoint and
/// together exactly `0..runs`.
fn check_coverage(shards: &[ShardDir], runs: u64) -> anyhow::Result<()> {
    let mut next = 0;
    let mut previous: Option<&ShardDir> = None;
    for shard in shards {
        let [start, end] = shard.tally.run_range;
        match previous {
            Some(before) if start < next => bail!(
                "{} ({}) overlaps {} ({})",
                shard.dir.display(),
                shard.range(),
                before.dir.display(),
                before.range()
            ),
            Some(before) if start > next => bail!(
                "runs {next}..{start} are in no directory given (between {} and {}); merge needs every shard",
                before.dir.display(),
                shard.dir.display()
            ),
            None if start > 0 => bail!(
                "runs 0..{start} are in no directory given (before {}); merge needs every shard",
                shard.dir.display()
            ),
            _ => {}
        }
        next = end;
        previous = Some(shard);
    }
    if next < runs {
        let last = previous.expect("at least one shard");
        bail!("runs {next}..{runs} are in no directory given (after {}); merge needs every shard", last.dir.display());
    }
    Ok(())
}

/// The scenario of `shard`'s batch: its scenario file with its overrides and
/// roster, refused if the file has changed since (its SHA-256).
fn load_scenario(shard: &ShardDir) -> anyhow::Result<Scenario> {
    let (identity, manifest) = (&shard.tally.identity, &shard.manifest);
    let path = Path::new(&manifest.scenario_path);
    let context = || format!("the scenario of {} ({})", shard.dir.display(), path.display());
    let (mut scenario, mut text) = scenario::load_with_text(path, &identity.overrides, None).with_context(context)?;
    if scenario.roster != identity.roster {
        (scenario, text) = scenario::load_with_text(path, &identity.overrides, Some(Path::new(&identity.roster)))
            .with_context(context)?;
    }
    let sha256 = manifest::sha256_hex(text.as_bytes());
    if sha256 != identity.scenario_sha256 {
        bail!(
            "{} has changed since the batch in {} ran: its SHA-256 is {sha256}, the batch's {}",
            path.display(),
            shard.dir.display(),
            identity.scenario_sha256
        );
    }
    scenario.seed = identity.seed;
    Ok(scenario)
}

/// Whether `a` and `b` name the same existing directory.
fn same_dir(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
