//! The published figures the scale section sets beside this machine's, in one place with their
//! sources: peak memory of N tasks each sleeping 10 s (Rust tokio and Rust threads, from two blog
//! posts that ran the same program on other machines), and what starting one async task or one thread
//! costs (a microbenchmark's README). The figures are copied as published; `data` converts them to
//! per-task figures the same way as this machine's.

/// Where a figure was published.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Source {
    /// How the report names it: author and year.
    pub name: &'static str,
    pub url: &'static str,
}

pub const PKOLACZK_2023: Source = Source {
    name: "pkolaczk 2023",
    url: "https://pkolaczk.github.io/memory-consumption-of-async/",
};

pub const HEZ2010_2024: Source = Source {
    name: "hez2010 2024",
    url: "https://hez2010.github.io/async-runtimes-benchmarks-2024",
};

pub const CONTEXT_SWITCH: Source = Source {
    name: "jimblandy/context-switch",
    url: "https://github.com/jimblandy/context-switch",
};

crate::names::name_enum! {
    /// What a published program ran, as the shape of this machine's bare programs it matches.
    pub enum Shape {
        /// N `tokio::spawn`ed sleeps, handles awaited (pkolaczk's tokio program; `concbench-bare
        /// spawn`).
        Spawn = "tokio spawn",
        /// N sleeps joined with `join_all` under `#[tokio::main]`, nothing spawned (hez2010's
        /// program; `concbench-bare join-all`, which runs them on a current-thread loop).
        JoinAll = "tokio join_all",
        /// N `std::thread`s sleeping (pkolaczk's threads program; `concbench-bare threads`).
        Threads = "threads",
    }
}

/// One published memory series: peak memory at N tasks, MB as printed, and the N at which the
/// program failed, if it did.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MemorySeries {
    pub source: Source,
    pub shape: Shape,
    /// (N, peak MB). The posts print "MB" from peak RSS without saying 10⁶ or 2²⁰ bytes; taken as
    /// 10⁶ (see [`MB_IN_KIB`]).
    pub points: &'static [(usize, f64)],
    pub failed_at: Option<usize>,
}

/// One published MB in KiB: 10⁶ bytes. Were they MiB, every anchor would be 4.9 % larger — far
/// less than the gaps the report shows between machines and shapes.
pub const MB_IN_KIB: f64 = 1e6 / 1024.0;

/// The memory anchors: N tasks each sleeping 10 s, peak memory of the whole program.
pub static MEMORY: [MemorySeries; 3] = [
    MemorySeries {
        source: PKOLACZK_2023,
        shape: Shape::Spawn,
        points: &[(10_000, 4.6), (100_000, 23.7), (1_000_000, 213.6)],
        failed_at: None,
    },
    MemorySeries {
        source: PKOLACZK_2023,
        shape: Shape::Threads,
        points: &[(10_000, 48.3)],
        failed_at: Some(100_000),
    },
    MemorySeries {
        source: HEZ2010_2024,
        shape: Shape::JoinAll,
        points: &[(10_000, 9.0), (100_000, 46.2), (1_000_000, 439.1)],
        failed_at: None,
    },
];

/// What starting one unit costs, as published: microseconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SpawnCost {
    pub source: Source,
    /// What was started, in the published words.
    pub unit: &'static str,
    pub micros: f64,
}

/// jimblandy/context-switch's summary: "Creating a new task takes ~0.3µs for an async task, versus
/// ~17µs for a new kernel thread."
pub static SPAWN: [SpawnCost; 2] = [
    SpawnCost {
        source: CONTEXT_SWITCH,
        unit: "async task",
        micros: 0.3,
    },
    SpawnCost {
        source: CONTEXT_SWITCH,
        unit: "kernel thread",
        micros: 17.0,
    },
];
