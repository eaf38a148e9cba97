//! What a sample records beside its makespan and its tasks' outcomes, one type per thing observed:
//! the task latency percentiles and an open loop's buckets, the machine's noise and the kernel's
//! sockets around the repetition, what the server counted, what the pool's workers used, and the bare
//! reference run after it. Part of the result file's one serde type (`results`), kept apart so that
//! file stays the file's shape: every field documented, validated and loaded there.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The kernel's TCP socket figures at a repetition's start and their peaks over it (each figure its
/// own peak: they need not have come at the same instant).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KernelSockets {
    pub start: SocketFigures,
    pub peak: SocketFigures,
}

/// The kernel's TCP socket figures at one instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SocketFigures {
    /// TCP sockets allocated (sockstat's `alloc`: open, orphaned, and not yet freed).
    pub allocated: u64,
    /// TCP sockets in TIME_WAIT (sockstat's `tw`).
    pub time_wait: u64,
    /// Memory of the sockets' buffers, KiB (sockstat's `mem`, in pages): not the socket structures.
    pub buffers_kib: u64,
    /// Memory of the TCP socket structures themselves, KiB (/proc/slabinfo's `TCP` cache: active
    /// objects × object size); absent where slabinfo cannot be read (it needs root).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slab_kib: Option<u64>,
}

/// A bare reference run: the case's shape (N sleeps spawned, joined or on threads; N GETs on tokio
/// tasks) by a program with no harness, measured the same way.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    /// `concbench-bare spawn`, `… join-all`, `… threads`, `… get`.
    pub program: String,
    pub makespan_s: f64,
    /// Its own peak RSS (VmHWM), KiB.
    pub peak_rss_kib: u64,
    /// user + sys, seconds.
    pub cpu_s: f64,
    /// Units it started; fewer than N when the OS refused one (`get`: GETs answered 2xx).
    pub started: usize,
    pub refused: Option<String>,
    /// Copies run at once, sharded as the case was (`async-sharded`: one per shard, each its share),
    /// their figures summed and the makespan from the first's start to the last's end; absent: one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub processes: Option<usize>,
}

/// The machine around one repetition: deltas of /proc/stat and /proc/net/netstat from its start to its
/// end, and the load average at its start. CPU figures are CPU-seconds summed over every CPU.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Noise {
    /// 1-minute load average when the repetition started.
    pub load_1m: f64,
    /// Wall time the deltas cover, seconds.
    pub wall_s: f64,
    /// CPUs of the machine (/proc/stat), whatever the run was allowed to use.
    pub cpus: usize,
    /// CPU time the whole machine spent busy (user, nice, system, irq, softirq).
    pub busy_s: f64,
    /// Time the hypervisor ran something else while a CPU of this machine wanted to run.
    pub steal_s: f64,
    pub iowait_s: f64,
    /// CPU time of the service (slow server, gunicorn, PostgreSQL) over the repetition, when the
    /// harness started it.
    pub server_cpu_s: Option<f64>,
    /// busy − this case's CPU − the server's CPU: what every other process of the machine took.
    pub other_busy_s: f64,
    /// TcpExt counters: connections the listen queue had no room for, and dropped.
    pub listen_overflows: u64,
    pub listen_drops: u64,
    /// TcpExt: retransmission timeouts, and SYN retransmissions.
    pub tcp_timeouts: u64,
    pub syn_retrans: u64,
}

/// One bucket (100 ms) of an open-loop repetition's time line: what was offered, what came back,
/// what was still out, and the latency (from each task's scheduled release) of what came back.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Bucket {
    /// The bucket's start, seconds from the first release.
    pub t_s: f64,
    /// Tasks scheduled for release within it.
    pub offered: u64,
    /// Tasks that succeeded within it.
    pub completed: u64,
    /// Tasks that failed within it.
    #[serde(default)]
    pub failed: u64,
    /// Tasks released and not yet done at its end.
    pub in_flight: u64,
    /// Median and 99th percentile latency of the tasks done within it (any outcome), seconds, from
    /// an HDR histogram; absent when none was.
    pub p50_s: Option<f64>,
    pub p99_s: Option<f64>,
}

/// Latency percentiles, seconds.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Percentiles {
    pub p50: f64,
    pub p90: f64,
    pub p99: f64,
    pub max: f64,
}

/// Resource use of process-pool workers, summed over workers.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkerUsage {
    /// Worker processes started (including replacements).
    pub processes: usize,
    /// Workers' own peak RSS (VmHWM each reported at exit; wait4's figure for a worker lost), summed.
    pub rss_sum_kib: u64,
    /// The largest of those peaks.
    #[serde(default)]
    pub rss_max_kib: u64,
    pub user_s: f64,
    pub sys_s: f64,
}

/// What the server counted during one repetition.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServerObservation {
    pub served: u64,
    pub max_in_flight: u64,
    /// What the slow server's misbehaviour did (its `/stats` outcomes), when it did anything: absent
    /// where every request was admitted and answered 200 after its delay.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcomes: Option<ServerOutcomes>,
}

/// The slow server's own count of what its misbehaviour did to one repetition's requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServerOutcomes {
    /// Let through by the rate limit (all requests without one).
    pub admitted: u64,
    pub ok: u64,
    /// Held longer than the delay by `--delay-dist`'s tail.
    pub slow_tail: u64,
    pub refused_429: u64,
    pub failed_500: u64,
    pub reset: u64,
    /// Admitted, but the client went away during the delay (a hedge's loser, a timed-out request), as
    /// far as the server noticed: worker mode sees a closed connection, unbounded mode does not look.
    pub cancelled: u64,
}
