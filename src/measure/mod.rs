//! Measurement primitives: resource use from outside a process (wait4), the peak thread count from
//! inside, latency percentiles, the machine's metadata, its floors of moving data, and the kernel's
//! memory for TCP sockets.

pub mod bandwidth;
pub mod latency;
pub mod machine;
pub mod noise;
pub mod process_cpu;
pub mod rusage;
pub mod series;
pub mod sockstat;
pub mod threads;
