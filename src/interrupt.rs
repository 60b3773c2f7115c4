//! Stopping a batch early and cleanly: a flag that SIGINT or SIGTERM sets
//! and that the batch polls between waves of chunks.
//!
//! A signal handler may do almost nothing safely, so it only records that
//! (and which) signal arrived; the batch notices at its next wave, returns,
//! and the result directory's guards remove the partial files and the lock
//! on the way out. A second termination signal ends the process at once
//! (exit status 128 + signal), for when the clean way takes too long.

use signal_hook::consts::{SIGINT, SIGTERM};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// A request to stop, shared between whoever raises it (a signal handler,
/// a caller) and the batch that polls it. Clones share the same request.
#[derive(Debug, Clone, Default)]
pub struct Interrupt {
    /// Set by the first request; arms the immediate exit on a second signal.
    requested: Arc<AtomicBool>,
    /// The signal number of the last request (0: none, or not by a signal).
    signal: Arc<AtomicUsize>,
}

impl Interrupt {
    /// A request that only [`Interrupt::request`] raises (no signal handlers).
    pub fn new() -> Interrupt {
        Interrupt::default()
    }

    /// Installs process-wide handlers for SIGINT and SIGTERM that raise this
    /// request; once it is raised, a second such signal exits at once with
    /// status 128 + signal. Meant for a binary, once, before a long batch.
    pub fn on_termination_signals() -> std::io::Result<Interrupt> {
        let interrupt = Interrupt::new();
        for signal in [SIGINT, SIGTERM] {
            // Registration order is execution order: the exit must look at
            // the flag before this signal sets it.
            signal_hook::flag::register_conditional_shutdown(signal, 128 + signal, Arc::clone(&interrupt.requested))?;
            signal_hook::flag::register_usize(signal, Arc::clone(&interrupt.signal), signal as usize)?;
            signal_hook::flag::register(signal, Arc::clone(&interrupt.requested))?;
        }
        Ok(interrupt)
    }

    /// Raises the request as if `signal` had arrived (0: not a signal).
    pub fn request(&self, signal: i32) {
        self.signal.store(usize::try_from(signal).unwrap_or(0), Ordering::SeqCst);
        self.requested.store(true, Ordering::SeqCst);
    }

    /// Whether a stop was requested.
    pub fn is_requested(&self) -> bool {
        self.requested.load(Ordering::SeqCst)
    }

    /// The signal that requested the stop, if it was one.
    pub fn signal(&self) -> Option<i32> {
        match self.signal.load(Ordering::SeqCst) {
            0 => None,
            signal => i32::try_from(signal).ok(),
        }
    }
}

/// The conventional name of `signal` (`SIGINT`, `SIGTERM`), else `signal N`.
pub fn signal_name(signal: i32) -> String {
    match signal {
        SIGINT => "SIGINT".into(),
        SIGTERM => "SIGTERM".into(),
        other => format!("signal {other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_is_seen_by_every_clone() {
        let interrupt = Interrupt::new();
        let seen_by = interrupt.clone();
        assert!(!seen_by.is_requested() && seen_by.signal().is_none());
        interrupt.request(SIGTERM);
        assert!(seen_by.is_requested());
        assert_eq!(seen_by.signal(), Some(SIGTERM));
        assert_eq!(signal_name(SIGTERM), "SIGTERM");
    }
}
