//! What a model's run holds at once — threads, async tasks, processes — and what each costs in memory,
//! so an ad-hoc run is bounded by what the machine holds (`run::capacity`) rather than by a constant.
//! Each size is an upper bound above what was measured (peak RSS growth per unit, the sleep and io
//! workloads, release build, on the Intel Xeon VM of 2026-12-05; tests/capacity.rs measures the Rust
//! ones again) plus the kernel's own share, which RSS does not show: a thread's 16 KiB kernel stack and
//! task struct, a process's page tables, a socket's buffers on both ends of loopback.

/// One kind of thing a model starts per task or per worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unit {
    /// Its name in a refusal: `threads`, `tokio tasks`.
    pub name: &'static str,
    /// Memory it holds, bytes (an upper bound, kernel's share included).
    pub bytes: u64,
    /// Whether each one is a thread of the case process (vm.max_map_count bounds those).
    pub thread: bool,
    /// Whether each one is a kernel task (pid_max and threads-max bound those).
    pub pid: bool,
}

const KIB: u64 = 1024;
const MIB: u64 = 1024 * KIB;

/// A std thread: 9.3 KiB of RSS measured (2,000 sleeping threads), 16 KiB of kernel stack, the task
/// struct.
pub const THREAD: Unit = Unit {
    name: "threads",
    bytes: 40 * KIB,
    thread: true,
    pid: true,
};

/// A spawned tokio task or a joined future: 0.44 KiB measured (20,000 sleeping tasks).
pub const TASK: Unit = Unit {
    name: "tokio tasks",
    bytes: 2 * KIB,
    thread: false,
    pid: false,
};

/// A may coroutine: its stack (`coroutines::STACK_WORDS`, 64 KiB) mapped whole, the most it can touch.
/// Each stack is its own mappings (the stack and its guard page), so vm.max_map_count bounds them as
/// it bounds threads: counted with threads, whose four mappings are more than a stack's two.
pub const COROUTINE: Unit = Unit {
    name: "may coroutines",
    bytes: 64 * KIB,
    thread: true,
    pid: false,
};

/// A worker process of this binary: 3.8 MiB of RSS measured per worker (16 workers; 11.5 MiB in a
/// debug build).
pub const PROCESS: Unit = Unit {
    name: "worker processes",
    bytes: 16 * MIB,
    thread: false,
    pid: true,
};

/// A Python thread: 15.5 KiB of RSS measured (1,000 sleeping threads), the kernel's share.
pub const PY_THREAD: Unit = Unit {
    name: "Python threads",
    bytes: 64 * KIB,
    thread: true,
    pid: true,
};

/// A Python coroutine on an asyncio loop: 2.0 KiB measured (10,000 sleeping tasks).
pub const PY_TASK: Unit = Unit {
    name: "asyncio tasks",
    bytes: 8 * KIB,
    thread: false,
    pid: false,
};

/// A Python worker process: the interpreter with the task module, 13–35 MiB of RSS measured.
pub const PY_PROCESS: Unit = Unit {
    name: "Python worker processes",
    bytes: 64 * MIB,
    thread: false,
    pid: true,
};

/// What the harness keeps of every task however it runs: its record (start, end, result), the
/// counters it is folded into, Python's own record of it.
pub const PER_TASK_BYTES: u64 = 512;

/// What one run holds at once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Holds {
    /// Each kind of unit with its count.
    pub units: Vec<(Unit, usize)>,
    /// Whether its tasks make requests with the blocking face of a client (a thread or process
    /// waits on each), not from tasks on an event loop.
    pub blocking: bool,
}

impl Holds {
    /// Units that wait on blocking calls.
    pub fn blocking(units: Vec<(Unit, usize)>) -> Holds {
        Holds {
            units,
            blocking: true,
        }
    }

    /// Units on an event loop.
    pub fn on_a_loop(units: Vec<(Unit, usize)>) -> Holds {
        Holds {
            units,
            blocking: false,
        }
    }
}
