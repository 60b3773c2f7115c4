//! The instruction set the engine runs on, chosen once at run time.
//!
//! The engine's run ([`super::Engine::run`]) is compiled twice from the same
//! source: for the baseline of the target (SSE2 on x86-64) and, on x86-64,
//! with AVX2 enabled, which widens the loops over states from two numbers at
//! a time to four. Both compute the same bits: Rust never contracts a
//! multiply and an add into a fused multiply-add nor reorders floating-point
//! operations, so each number goes through the same IEEE operations in the
//! same order whatever the vector width. The AVX2 build is used when the
//! processor has AVX2, unless the environment variable [`SCALAR_ENV`] is set
//! to `1`, which forces the baseline (how CI tests that both agree). The
//! tipping point's selection (`aggregate::tipping`) is dispatched the same way.

use std::sync::OnceLock;

/// Setting this environment variable to `1` forces the baseline path.
pub const SCALAR_ENV: &str = "UNGASIM_SCALAR";

/// A compiled version of the engine's run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Path {
    /// The target's baseline instructions (SSE2 on x86-64).
    Baseline,
    /// AVX2 (x86-64 processors since about 2013).
    Avx2,
}

impl Path {
    /// Lower-case name, as `cargo bench` prints it.
    pub fn name(self) -> &'static str {
        match self {
            Path::Baseline => "baseline",
            Path::Avx2 => "avx2",
        }
    }

    /// Whether this processor can run the path.
    pub fn available(self) -> bool {
        match self {
            Path::Baseline => true,
            #[cfg(target_arch = "x86_64")]
            Path::Avx2 => std::arch::is_x86_feature_detected!("avx2"),
            #[cfg(not(target_arch = "x86_64"))]
            Path::Avx2 => false,
        }
    }
}

/// The path this process uses: AVX2 when available, unless [`SCALAR_ENV`] is `1`.
pub fn path() -> Path {
    static PATH: OnceLock<Path> = OnceLock::new();
    *PATH.get_or_init(|| {
        let forced = std::env::var_os(SCALAR_ENV).is_some_and(|v| v == "1");
        if !forced && Path::Avx2.available() { Path::Avx2 } else { Path::Baseline }
    })
}
