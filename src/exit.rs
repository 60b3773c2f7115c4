//! Exit statuses of the `ungasim` binary, one per kind of failure, so a
//! script (or a Slurm array) can tell a wrong input from a full disk.
//!
//! | status | meaning |
//! |---|---|
//! | 0 | success (a closed stdout, as in `ungasim states \| head`, included) |
//! | 1 | the input is wrong: scenario, roster, roll-call file, design table, shard directories, an option's value |
//! | 2 | the command line cannot be parsed: unknown option, missing argument (one line on stderr) |
//! | 3 | the results could not be written: the directory is locked by another run, not writable, or a write failed (disk full) |
//! | 130, 143 | the batch was stopped by SIGINT or SIGTERM (128 + signal); a checkpoint was kept |

use crate::batch::BatchError;
use crate::commands::Interrupted;
use crate::export::ExportError;
use std::io::ErrorKind;

/// Success.
pub const OK: u8 = 0;
/// A wrong input.
pub const BAD_INPUT: u8 = 1;
/// A command line that cannot be parsed.
pub const USAGE: u8 = 2;
/// The results could not be written.
pub const OUTPUT: u8 = 3;

/// The exit status for `error` (see the module's table).
pub fn status(error: &anyhow::Error) -> u8 {
    if let Some(interrupted) = error.downcast_ref::<Interrupted>() {
        return interrupted.exit_status();
    }
    if is_broken_pipe(error) {
        return OK;
    }
    let output = error.chain().any(|cause| {
        let export = cause.downcast_ref::<ExportError>().or_else(|| match cause.downcast_ref::<BatchError>() {
            Some(BatchError::Sink(inner)) => inner.downcast_ref::<ExportError>(),
            _ => None,
        });
        match export {
            Some(ExportError::Locked { .. } | ExportError::Unwritable { .. }) => true,
            // Reading a results directory is reading input.
            Some(ExportError::Io { action, .. }) => *action != "read",
            _ => false,
        }
    });
    if output { OUTPUT } else { BAD_INPUT }
}

/// A closed stdout (`ungasim states | head`) is a normal end, not an error.
pub fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        let io = cause.downcast_ref::<std::io::Error>().map(std::io::Error::kind);
        let csv = cause.downcast_ref::<csv::Error>().and_then(|e| match e.kind() {
            csv::ErrorKind::Io(io) => Some(io.kind()),
            _ => None,
        });
        let json = cause.downcast_ref::<serde_json::Error>().and_then(serde_json::Error::io_error_kind);
        [io, csv, json].contains(&Some(ErrorKind::BrokenPipe))
    })
}

/// The one line printed for a command line clap cannot parse: its message
/// without the usage block, and where to look instead.
pub fn usage_line(error: &clap::Error) -> String {
    let rendered = error.render().to_string();
    // The message is the first paragraph (a list of missing arguments
    // continues on indented lines); the usage block follows a blank line.
    let message: Vec<&str> = rendered.lines().take_while(|line| !line.trim().is_empty()).map(str::trim).collect();
    let message = if message.is_empty() { "error: invalid command line".to_string() } else { message.join(" ") };
    let command = rendered.lines().find_map(|line| line.trim().strip_prefix("Usage: ")).map(|usage| {
        usage.split_whitespace().take_while(|word| !word.starts_with(['[', '<'])).collect::<Vec<_>>().join(" ")
    });
    match command {
        Some(command) => format!("{message} (see `{command} --help`)"),
        None => format!("{message} (see --help)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn write_failures_are_status_3_and_other_errors_status_1() {
        let disk_full = ExportError::io("write", &PathBuf::from("out/summary.csv"), std::io::Error::other("disk full"));
        assert_eq!(status(&anyhow::Error::new(disk_full).context("writing the results")), OUTPUT);
        let locked = ExportError::Locked { dir: PathBuf::from("out"), pid: Some(7) };
        let sink = BatchError::Sink(Box::new(locked));
        assert_eq!(status(&anyhow::Error::new(sink)), OUTPUT);
        let unreadable = ExportError::io("read", &PathBuf::from("out/states.csv"), std::io::Error::other("missing"));
        assert_eq!(status(&anyhow::Error::new(unreadable)), BAD_INPUT);
        let exists = ExportError::Exists { dir: PathBuf::from("out"), leftovers: vec![] };
        assert_eq!(status(&anyhow::Error::new(exists)), BAD_INPUT);
        assert_eq!(status(&anyhow::anyhow!("s.toml:3:5: model.noise_scale: must be > 0")), BAD_INPUT);
        let pipe = std::io::Error::from(ErrorKind::BrokenPipe);
        assert_eq!(status(&anyhow::Error::new(pipe)), OK);
    }

    #[test]
    fn a_usage_error_is_one_line_naming_the_subcommand_help() {
        use clap::Parser;
        let error = crate::cli::Cli::try_parse_from(["ungasim", "run", "--bogus", "s.toml"]).unwrap_err();
        let line = usage_line(&error);
        assert!(!line.contains('\n'), "{line}");
        assert!(line.starts_with("error: unexpected argument '--bogus' found"), "{line}");
        assert!(line.ends_with("(see `ungasim run --help`)"), "{line}");
        assert_eq!(error.exit_code(), i32::from(USAGE));
        let missing = crate::cli::Cli::try_parse_from(["ungasim", "run"]).unwrap_err();
        let line = usage_line(&missing);
        assert!(!line.contains('\n') && line.contains("<SCENARIO>"), "{line}");
    }
}
