//! Measurement primitives: resource use from outside a process (wait4), the peak thread count from
//! inside, latency percentiles, the machine's metadata, and its floors of moving data.

pub mod bandwidth;
pub mod latency;
pub mod machine;
pub mod noise;
pub mod process_cpu;
pub mod rusage;
pub mod series;
pub mod threads;
