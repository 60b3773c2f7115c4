//! The `ungasim` binary: parse the command line, call the library, report
//! errors once. All logic lives in the library.
//!
//! Exit status: 0 success (a closed stdout included), 1 error, 128 + signal
//! for a batch stopped by SIGINT (130) or SIGTERM (143).

use anyhow::Context;
use clap::Parser;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::Write;
use std::process::ExitCode;
use ungasim::cli::{Cli, Command};
use ungasim::interrupt::Interrupt;
use ungasim::{commands, scenario};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match dispatch(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) if is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => match error.downcast_ref::<commands::Interrupted>() {
            Some(interrupted) => {
                eprintln!("{interrupted}");
                ExitCode::from(interrupted.exit_status())
            }
            None => {
                eprintln!("error: {error:#}");
                ExitCode::FAILURE
            }
        },
    }
}

fn dispatch(cli: Cli) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    match cli.command {
        Command::Run(args) if args.dry_run => {
            writeln!(stdout, "{}", commands::run_estimate(&args.settings(std::env::args().collect()))?)?;
        }
        Command::Sweep(args) if args.dry_run => {
            let settings = args.settings(std::env::args().collect()).map_err(anyhow::Error::msg)?;
            writeln!(stdout, "{}", commands::sweep_estimate(&settings)?)?;
        }
        Command::Run(args) => {
            let quiet = args.quiet;
            let settings = args.settings(std::env::args().collect());
            let bar = progress_bar(quiet);
            let interrupt = Interrupt::on_termination_signals().context("cannot install the signal handlers")?;
            let result = commands::run(&settings, &interrupt, |runs| bar.set_length(runs), &|n| bar.inc(n));
            bar.finish_and_clear();
            let report = result?;
            if !quiet {
                for line in &report.headline {
                    eprintln!("{line}");
                }
                eprintln!(
                    "wrote {} ({} runs in {:.2} s, {:.1}M state-votes/s)",
                    report.out.display(),
                    report.simulated,
                    report.manifest.wall_seconds,
                    report.state_votes_per_second() / 1e6
                );
            }
        }
        Command::Sweep(args) => {
            let settings = args.settings(std::env::args().collect()).map_err(anyhow::Error::msg)?;
            let bar = progress_bar(args.quiet);
            let interrupt = Interrupt::on_termination_signals().context("cannot install the signal handlers")?;
            let result = commands::sweep(&settings, &interrupt, |runs| bar.set_length(runs), &|n| bar.inc(n));
            bar.finish_and_clear();
            let report = result?;
            if !args.quiet {
                eprintln!(
                    "wrote {} ({} points x {} runs in {:.2} s)",
                    report.out.join("sweep.csv").display(),
                    report.points,
                    report.runs,
                    report.wall_seconds
                );
            }
        }
        Command::Merge(args) => {
            let report = commands::merge(&args.settings(std::env::args().collect()))?;
            if !args.quiet {
                eprintln!("wrote {} ({} shards, {})", report.out.display(), report.shards, report.holds);
            }
        }
        Command::Check(args) => {
            let (scenario, text) = scenario::load_with_text(&args.scenario, &args.set, args.roster.as_deref())?;
            let file = args.scenario.display().to_string();
            let sweep = scenario::sweep_of(&text, &file)?;
            if args.resolved {
                serde_json::to_writer_pretty(&mut stdout, &scenario::resolved_document(&scenario, &text, &file)?)?;
                writeln!(stdout)?;
            } else {
                write!(stdout, "{}", scenario::describe(&scenario))?;
                if let Some(sweep) = &sweep {
                    write!(stdout, "{}", sweep.describe())?;
                }
            }
        }
        Command::Compare(args) => {
            let report = commands::compare(&args.settings())?;
            if !args.quiet {
                write!(stdout, "{}", report.render())?;
                eprintln!("wrote {}", report.out.join("compare.csv").display());
            }
        }
        Command::Calibrate(args) => {
            let outcome = commands::calibrate(&args.settings(), ungasim::roster::Roster::embedded())?;
            if !args.quiet {
                eprint!("{}", outcome.report.render(&outcome.calibration));
                eprintln!("wrote {}", args.out.display());
            }
        }
        Command::Backtest(args) => {
            let report = commands::backtest(&args.settings())?;
            if !args.quiet {
                write!(stdout, "{}", report.render())?;
                stdout.flush()?;
                eprintln!("wrote {} ({:.1} s)", report.out.display(), report.wall_seconds);
            }
        }
        Command::States(args) => {
            let loaded = args.roster.as_deref().map(ungasim::roster::Roster::load_dir).transpose()?;
            let roster = loaded.as_ref().unwrap_or_else(|| ungasim::roster::Roster::embedded());
            commands::states_csv(&mut stdout, roster, args.date.as_deref(), args.bloc.as_deref())?
        }
    }
    stdout.flush()?;
    Ok(())
}

/// The runs progress bar of a batch or sweep (see [`progress_target`]).
fn progress_bar(quiet: bool) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(None, progress_target(quiet));
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} runs ({eta})")
            .expect("valid template"),
    );
    bar
}

/// The progress bar draws on stderr, and only on a terminal (indicatif
/// hides itself otherwise) and without `--quiet`.
fn progress_target(quiet: bool) -> ProgressDrawTarget {
    if quiet { ProgressDrawTarget::hidden() } else { ProgressDrawTarget::stderr() }
}

/// A closed stdout (`ungasim states | head`) is a normal end, not an error.
fn is_broken_pipe(error: &anyhow::Error) -> bool {
    use std::io::ErrorKind::BrokenPipe;
    error.chain().any(|cause| {
        let io = cause.downcast_ref::<std::io::Error>().map(std::io::Error::kind);
        let csv = cause.downcast_ref::<csv::Error>().and_then(|e| match e.kind() {
            csv::ErrorKind::Io(io) => Some(io.kind()),
            _ => None,
        });
        let json = cause.downcast_ref::<serde_json::Error>().and_then(serde_json::Error::io_error_kind);
        [io, csv, json].contains(&Some(BrokenPipe))
    })
}
