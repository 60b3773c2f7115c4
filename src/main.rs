//! The `ungasim` binary: parse the command line, call the library, report
//! errors once. All logic lives in the library.
//!
//! Exit statuses: see [`ungasim::exit`] (0 success, 1 bad input, 2 usage,
//! 3 results not written, 130/143 interrupted).

use anyhow::Context;
use clap::Parser;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::Write;
use std::process::ExitCode;
use ungasim::cli::{Cli, Command};
use ungasim::interrupt::Interrupt;
use ungasim::{commands, exit, scenario};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // --help and --version print and exit 0; a command line clap
        // cannot parse gets one line and status 2.
        Err(error)
            if !error.use_stderr()
                || error.kind() == clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand =>
        {
            error.exit()
        }
        Err(error) => {
            eprintln!("{}", exit::usage_line(&error));
            return ExitCode::from(exit::USAGE);
        }
    };
    match dispatch(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            let status = exit::status(&error);
            match error.downcast_ref::<commands::Interrupted>() {
                Some(interrupted) => eprintln!("{interrupted}"),
                None if status == exit::OK => {}
                None => eprintln!("error: {}", ungasim::oneline::one_line(&format!("{error:#}"))),
            }
            ExitCode::from(status)
        }
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
            let result = commands::run(&settings, &interrupt, |start| starting(start, &bar, quiet), &|n| bar.inc(n));
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
                if let Some(written) = &report.report {
                    eprintln!("{}", report_line(written));
                }
            }
        }
        Command::Sweep(args) => {
            let settings = args.settings(std::env::args().collect()).map_err(anyhow::Error::msg)?;
            let bar = progress_bar(args.quiet);
            let interrupt = Interrupt::on_termination_signals().context("cannot install the signal handlers")?;
            let quiet = args.quiet;
            let result = commands::sweep(&settings, &interrupt, |start| starting(start, &bar, quiet), &|n| bar.inc(n));
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
        Command::Report(args) => {
            let written = commands::report(&args.settings())?;
            if !args.quiet {
                eprintln!("{}", report_line(&written));
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

/// `wrote DIR/report.html (batch report, 8 SVG figures in DIR/report)`.
fn report_line(written: &commands::ReportOutcome) -> String {
    format!(
        "wrote {} ({} report, {} SVG figures in {})",
        written.html.display(),
        written.kind.name(),
        written.figures.len(),
        ungasim::report::figure_dir(&written.html).display()
    )
}

/// Before a batch or sweep: sizes the progress bar and, unless `quiet`,
/// prints the estimated time when it is long (from a quick probe of about
/// 50 ms; nothing is written, the results do not change).
fn starting(start: &commands::Start<'_>, bar: &ProgressBar, quiet: bool) {
    /// Batches estimated to take longer than this get their estimate printed.
    const LONG: f64 = 10.0;
    bar.set_length(start.runs);
    if !quiet {
        match start.estimate() {
            Ok(estimate) if estimate.seconds > LONG => bar.suspend(|| eprintln!("{}", estimate.time_line())),
            _ => {}
        }
    }
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
