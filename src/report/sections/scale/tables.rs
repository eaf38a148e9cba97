//! The scale section's tables, under the group's own: memory per task beside the bare program and the
//! published figures (what the harness adds per task, against its 10 % goal), the spawn cost per unit
//! of every case beside jimblandy/context-switch's, and io at scale with its failures, the kernel's
//! listen overflows and SYN retransmissions, CPU per request on both sides, and the kernel's memory for
//! the sockets beside the case's RSS.

use super::anchors::{self, MB_IN_KIB};
use super::data::{self as scale, Origin, RssSeries, OVERHEAD_GOAL};
use crate::names::Group;
use crate::render::fmt::{count, kib, pct, secs};
use crate::render::table::Table;
use crate::report::data::ReportData;

/// The scale section's further tables.
pub fn tables(data: &ReportData, group: Group) -> Vec<Table> {
    let cases = data.group(group);
    let series = scale::memory(data);
    let mut out = Vec::new();
    if series
        .iter()
        .any(|s| matches!(s.origin, Origin::Harness(_)))
    {
        out.push(memory_table(&series, data));
    }
    let spawn = scale::spawn_rows(&cases);
    if !spawn.is_empty() {
        out.push(spawn_table(&spawn));
    }
    let io = scale::io_rows(&cases, data.cores());
    if !io.is_empty() {
        out.push(io_table(&io));
    }
    out
}

/// A figure per task in bytes below a KiB, where a task's few hundred bytes read best.
pub fn per_task(k: f64) -> String {
    match k.abs() < 1.0 {
        true => format!("{:.0} B", k * 1024.0),
        false => kib(k),
    }
}

/// Microseconds with the precision a spawn cost needs: 0.31 µs, 17.4 µs, 212 µs, 5.7 ms.
pub fn micros(us: f64) -> String {
    match us.abs() {
        a if a < 10.0 => format!("{us:.2} µs"),
        a if a < 100.0 => format!("{us:.1} µs"),
        a if a < 1000.0 => format!("{us:.0} µs"),
        _ => format!("{:.1} ms", us / 1000.0),
    }
}

/// What every memory figure of the section includes: the sentence the table and the chart share.
pub const INCLUDES: &str = "Memory per task is the growth of peak RSS above the series' own base, \
    divided by the tasks added — (peak at N − peak at the base) / (N − base N) — as in the memory \
    suite: the runtime, binary and libraries every process pays once are subtracted, not spread over \
    the tasks. This machine's series (the harness's models and the bare programs) take N = 1 as base \
    and count the units actually started (threads the OS refused are not in N); the published series \
    take their smallest N, 10,000, since they give no N = 1 figure, and a published series of one \
    point gets peak / N, its base included (an upper bound, marked ≤). Published MB are taken as 10⁶ \
    bytes.";

fn memory_table(series: &[RssSeries], data: &ReportData) -> Table {
    let overheads = scale::overheads(series, data);
    let mut rows = Vec::new();
    for own in series {
        let Origin::Harness(model) = own.origin else {
            continue;
        };
        let bare = series.iter().find(|s| s.origin == Origin::Bare(model));
        let published: Vec<&RssSeries> = series
            .iter()
            .filter(|s| match s.origin {
                Origin::Published(p) => Some(p.shape) == scale::shape_of(model),
                _ => false,
            })
            .collect();
        for p in &own.points {
            let b = bare.and_then(|b| b.at(p.asked));
            let o = overheads.iter().find(|o| Some(&o.id) == p.id.as_ref());
            let anchor: Vec<String> = published
                .iter()
                .filter_map(|s| {
                    let a = s.at(p.asked)?;
                    Some(match (a.per_task_kib, a.upper_bound) {
                        (Some(k), true) => format!("{}: ≤ {}", s.label, per_task(k)),
                        (Some(k), false) => format!("{}: {}", s.label, per_task(k)),
                        (None, _) => {
                            format!("{}: base ({:.1} MB)", s.label, a.peak_kib / MB_IN_KIB)
                        }
                    })
                })
                .chain(
                    published
                        .iter()
                        .filter(|s| s.failed_at == Some(p.asked))
                        .map(|s| format!("{}: failed", s.label)),
                )
                .collect();
            rows.push(vec![
                p.flags.label(&model.to_string()),
                count(p.asked as u64),
                count(p.units as u64),
                kib(p.peak_kib),
                p.per_task_kib.map_or("base".into(), per_task),
                b.map_or("–".into(), |b| kib(b.peak_kib)),
                b.and_then(|b| b.per_task_kib).map_or_else(
                    || {
                        if b.is_some() {
                            "base".into()
                        } else {
                            "–".into()
                        }
                    },
                    per_task,
                ),
                o.map_or("–".into(), |o| {
                    let verdict = match o.added <= OVERHEAD_GOAL {
                        true => "within",
                        false => "over",
                    };
                    format!(
                        "{:+.1} % ({verdict} {})",
                        o.added * 100.0,
                        pct(OVERHEAD_GOAL)
                    )
                }),
                o.map_or("–".into(), |o| {
                    format!("{} / {}", secs(o.makespan_s), secs(o.bare_makespan_s))
                }),
                match anchor.is_empty() {
                    true => "–".into(),
                    false => anchor.join("; "),
                },
            ]);
        }
    }
    let header = [
        "model",
        "N",
        "started",
        "peak RSS",
        "per task",
        "bare peak RSS",
        "bare per task",
        "harness adds per task (goal)",
        "makespan / bare",
        "published per task (other machines)",
    ];
    Table {
        group: format!("{}: memory per task beside the bare program", Group::Scale),
        header: header.iter().map(|s| s.to_string()).collect(),
        rows,
        note: format!(
            "{INCLUDES} The bare program runs the same shape with no harness at all (concbench-bare: \
             tokio::spawn, join_all on one loop, std threads) right after each repetition, measured \
             the same way, so \"harness adds\" is ours / bare − 1 per task: what the harness's own \
             records, sampler and protocol cost each task (goal at most {}). Published: {}.",
            pct(OVERHEAD_GOAL),
            sources(anchors::MEMORY.iter().map(|s| s.source))
        ),
    }
}

/// Each source once, named with its address.
fn sources(all: impl Iterator<Item = anchors::Source>) -> String {
    let mut seen: Vec<anchors::Source> = Vec::new();
    for s in all {
        if !seen.contains(&s) {
            seen.push(s);
        }
    }
    seen.iter()
        .map(|s| format!("{} ({})", s.name, s.url))
        .collect::<Vec<_>>()
        .join(", ")
}

fn spawn_table(rows: &[scale::SpawnRow]) -> Table {
    let header = [
        "case",
        "unit",
        "started of N",
        "starting them took",
        "per unit",
        "published per unit",
        "refused",
    ];
    let rows = rows
        .iter()
        .map(|r| {
            vec![
                r.flags.label(&r.id),
                r.unit.name().to_string(),
                format!("{} of {}", count(r.units as u64), count(r.asked as u64)),
                secs(r.spawn_s),
                micros(r.per_unit_us),
                r.unit.published().map_or("–".into(), |p| {
                    format!("~{} µs per {} ({})", p.micros, p.unit, p.source.name)
                }),
                r.refused.clone().unwrap_or_else(|| "–".into()),
            ]
        })
        .collect();
    Table {
        group: format!("{}: spawn cost per unit", Group::Scale),
        header: header.iter().map(|s| s.to_string()).collect(),
        rows,
        note: format!(
            "What starting every unit took the model, divided by the units started (median over \
             samples): tokio::spawn of each task (async models, the tasks' first polls running \
             meanwhile on the runtime's other workers), making each future (async-join-all: \
             nothing is spawned), std::thread spawn of each thread (threads), and a pool's k \
             threads or k processes started before the first task (a process counts its exec and \
             its ready message). A thread the OS refused stops the spawning there: the started \
             count and the refusal are the result. Published: {}.",
            sources(anchors::SPAWN.iter().map(|s| s.source))
        ),
    }
}

fn io_table(rows: &[scale::IoRow]) -> Table {
    let header = [
        "case",
        "n",
        "median",
        "ideal",
        "efficiency",
        "failures",
        "ListenOverflows",
        "TCPSynRetrans",
        "client CPU per request",
        "bare: median / CPU per request",
        "server CPU per request",
        "both CPU / cores",
        "of makespan − ideal",
        "peak RSS (case + workers)",
        "kernel socket memory",
        "kernel per connection",
    ];
    let rows = rows
        .iter()
        .map(|r| {
            let p = &r.point;
            vec![
                p.flags.label(&r.id),
                r.samples.to_string(),
                secs(p.median),
                p.ideal.map_or("–".into(), secs),
                match (p.efficiency, p.flags.failures) {
                    (Some(e), _) => pct(e),
                    (None, f) if f > 0 => "– (tasks failed)".into(),
                    (None, _) => "–".into(),
                },
                match r.failure_kinds.is_empty() {
                    true => "0".into(),
                    false => r.failure_kinds.clone(),
                },
                count(r.listen_overflows),
                count(r.syn_retrans),
                r.client_cpu_per_request.map_or("–".into(), secs),
                match (r.bare_makespan, r.bare_cpu_per_request) {
                    (Some(m), Some(c)) => format!("{} / {}", secs(m), secs(c)),
                    _ => "–".into(),
                },
                r.server_cpu_per_request.map_or("–".into(), secs),
                r.cpu_per_core.map_or("–".into(), secs),
                r.setup_share.map_or("–".into(), pct),
                match r.rss_upper_bound {
                    true => format!("≤ {}", kib(r.rss_kib)),
                    false => kib(r.rss_kib),
                },
                r.kernel_kib.map_or("–".into(), |k| {
                    let only = if r.kernel_buffers_only { " (buffers only)" } else { "" };
                    format!("{:.1} MiB{only}", k / 1024.0)
                }),
                r.kernel_per_connection_kib
                    .map_or("–".into(), |k| format!("{k:.2} KiB")),
            ]
        })
        .collect();
    Table {
        group: format!("{}: io at scale", Group::Scale),
        header: header.iter().map(|s| s.to_string()).collect(),
        rows,
        note: "Every connection opened at once against the unbounded server, one request each: \
               the ideal is the server's delay itself. Failures are over all samples, by kind. \
               ListenOverflows and TCPSynRetrans are the kernel's TcpExt counters summed over the \
               samples (connections the listen queue had no room for, and SYNs sent again): non-zero \
               means connection set-up, not the model, held tasks back. CPU per request is user + \
               sys over the requests served, median over samples; the server's is read from its \
               process around each repetition (– when not recorded). The bare program (concbench-bare \
               get: tokio tasks that connect, write the GET and read to the close, no HTTP parsing, \
               no timeout) runs after each repetition of an async case up to 20,000 connections \
               against the same server, and beside async-sharded as k copies at once, each its \
               share from the same source addresses (first start to last end; CPU summed): its \
               makespan and CPU per request are the floor of the io shape on this machine that day, \
               beside which the model's are read. Both CPU / cores is the client's and \
               the server's CPU spread over the cores they share, (client + server CPU) / cores: the \
               least wall time that work needs. With one request per connection and a server that only \
               waits, that CPU is connection set-up, request and tear-down. The last column is how much \
               of the time beyond the ideal it fills, at most 100 %: at 100 % the whole excess is the \
               cores busy connecting (part of that CPU ran during the wait itself), not the model. \
               Peak RSS is the case process's with its workers' peaks added (peaks need not \
               coincide; marked ≤ where the case process's own peak is not known, being below its \
               largest worker's, which is then counted twice). Kernel socket memory is what no process's RSS \
               shows: the TCP socket structures (/proc/slabinfo's TCP cache, when readable) and their \
               buffers (/proc/net/sockstat's mem), sampled every 20 ms over the repetition for the \
               whole machine — both ends of every loopback connection, the server's too — as the \
               growth of their peak over the repetition's start (median over samples; cases of 1,000 \
               connections and more), and that growth per connection open at the peak (over half \
               the sockets added: where set-up is CPU-bound, fewer than N are ever open at once)."
            .into(),
    }
}
