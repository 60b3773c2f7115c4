//! Sweeps: one batch per point of a design, with common random numbers.

pub mod design;
