//! Checks made before anything is measured, so a run that cannot succeed fails at once with the
//! numbers and the fix: open-file descriptors for the concurrency asked for (after the run raised its
//! limit as far as it may), ephemeral ports for that many connections to one address from the source
//! addresses the case's client connects from, and what the case would hold — its threads, tasks and
//! processes at their measured sizes (`model::footprint`), each request's client buffers — against
//! the memory available and the kernel's thread limits. These, not a constant, bound how many tasks
//! a run may ask for. Cases whose service is not installed here (PostgreSQL, the python env) are left
//! out with one line, never failed.

use crate::client::sources;
use crate::error::UsageError;
use crate::fmt::count;
use crate::model::footprint::PER_TASK_BYTES;
use crate::plan::Case;
use crate::thread_room::Room;

use concbench_server::limits::{Nofile, RESERVED as SPARE_FDS};

/// The ephemeral port range for outgoing connections, from the kernel.
pub fn ephemeral_ports() -> (u64, u64) {
    std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
        .ok()
        .and_then(|s| {
            let mut it = s.split_whitespace().filter_map(|v| v.parse().ok());
            Some((it.next()?, it.next()?))
        })
        .unwrap_or((32768, 60999))
}

/// Ports in the ephemeral range.
pub fn port_count() -> u64 {
    let (lo, hi) = ephemeral_ports();
    hi.saturating_sub(lo) + 1
}

/// Connections one case process may hold open at once.
fn sockets(case: &Case, cores: usize) -> u64 {
    case.workload.describe().sockets(&case.shape(cores))
}

/// Give every case's client the source addresses its concurrency needs (one up to `sources::PER_SOURCE` connections).
pub fn spread_sources(cases: &mut [Case], cores: usize) {
    let ports = port_count();
    for case in cases {
        let n = sockets(case, cores);
        case.workload
            .describe_mut()
            .set_sources(sources::count_for(n, ports));
    }
}

/// The share of its open-file room each process of a spread server is planned to fill: SO_REUSEPORT
/// hashes connections over the listeners, not evenly, so a process is given 3/4 of its room and the
/// rest is headroom for the imbalance.
pub const SERVER_FILL: (u64, u64) = (3, 4);

/// Processes a server needs for `sockets` connections when one process may hold `room` (the open-file
/// limit less the reserve): one while they fit, else one more per [`SERVER_FILL`] of the room.
pub fn server_processes_for(sockets: u64, room: u64) -> usize {
    let planned = room * SERVER_FILL.0 / SERVER_FILL.1;
    match sockets <= room || planned == 0 {
        true => 1,
        false => sockets.div_ceil(planned) as usize,
    }
}

/// Connections the server of a case holds at once, when the run starts it: every one of the client's
/// against the unbounded server, at most W against W sync workers (the rest wait in the kernel's
/// backlog, holding no descriptor of the server's); none when the case starts no server.
fn server_sockets(case: &Case, cores: usize) -> u64 {
    match case.workload.describe().server() {
        Some(plan) if plan.workers == 0 => sockets(case, cores),
        Some(plan) => sockets(case, cores).min(plan.workers as u64),
        None => 0,
    }
}

/// Give every case the server processes its connections need with the open-file limit `limit` (see
/// [`server_processes_for`]); only the slow server's unbounded mode is spread, so every other case
/// keeps one (the check then says what it cannot hold).
pub fn spread_server(cases: &mut [Case], cores: usize, limit: Nofile) {
    for case in cases {
        let n = server_sockets(case, cores);
        case.workload
            .describe_mut()
            .set_server_processes(server_processes_for(n, limit.connections()));
    }
}

/// A side of a case's connections, each holding a descriptor per connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Client,
    Server,
}

/// Descriptors one process of a side holds: `sockets` connections spread evenly over `processes`.
pub fn per_process(sockets: u64, processes: usize) -> u64 {
    sockets.div_ceil(processes.max(1) as u64)
}

/// Whether one process of `side` can hold its share of `sockets` connections spread over `processes`
/// under the open-file limit `limit`; why not, with the figures and the processes it would take.
pub fn open_files(side: Side, sockets: u64, processes: usize, limit: Nofile) -> Result<(), String> {
    let need = per_process(sockets, processes);
    let want = need + SPARE_FDS;
    if want <= limit.soft {
        return Ok(());
    }
    let (spread, each) = match processes > 1 {
        true => (
            format!(" over {processes} {side} processes"),
            "in each".to_string(),
        ),
        false => (String::new(), format!("in one {side} process")),
    };
    let room = limit.connections();
    let fix = match side {
        Side::Client => {
            let shards = sockets.div_ceil(room.max(1));
            format!(
                "spread the client over {shards} processes (use --model async-sharded --limit {shards}), or"
            )
        }
        Side::Server => format!(
            "the server would need {} processes, or",
            server_processes_for(sockets, room)
        ),
    };
    Err(format!(
        "{sockets} concurrent connections{spread} need about {want} open files {each}, but the limit is {} (hard {}); {fix} raise it with `ulimit -n {want}` before the run \
         (above the hard limit that needs root with CAP_SYS_RESOURCE, which a container may withhold; \
         so privileged, concbench raises both itself, up to fs.nr_open)",
        limit.soft, limit.hard,
    ))
}

impl std::fmt::Display for Side {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Side::Client => "client",
            Side::Server => "server",
        })
    }
}

/// Refuse, up front and with the numbers, a plan this machine cannot run with the open-file limit
/// `limit` (the case's processes and the server's each hold one descriptor per connection, spread
/// over however many processes each side runs as; `to_target`: the run starts no server, whose side is
/// then none of its business) or the room it has now for memory and threads.
pub fn check(cases: &[Case], cores: usize, limit: Nofile, to_target: bool) -> anyhow::Result<()> {
    let room = Capacity::now();
    for case in cases {
        room.check(case, cores)
            .map_err(|e| UsageError(format!("{}: {e}", case.id())))?;
    }
    let (lo, hi) = ephemeral_ports();
    let ports = port_count();
    for case in cases {
        let need = sockets(case, cores);
        let from = case.workload.describe().sources() as u64;
        if need > ports * from {
            return Err(UsageError(format!(
                "{}: {need} concurrent connections to one address from {from} source address(es) need \
                 {need} ephemeral ports, but there are {ports} per address ({lo}-{hi}); use the direct \
                 client (--client direct), which spreads over loopback addresses, fewer tasks, or a \
                 model with --limit",
                case.id()
            ))
            .into());
        }
    }
    for case in cases {
        let clients = case.model.model().client_processes(case.k());
        let servers = case.workload.describe().server_processes();
        open_files(Side::Client, sockets(case, cores), clients, limit)
            .and_then(|()| {
                // Against a --target no server of the run holds the connections.
                let held = if to_target {
                    0
                } else {
                    server_sockets(case, cores)
                };
                open_files(Side::Server, held, servers, limit)
            })
            .map_err(|e| UsageError(format!("{}: {e}", case.id())))?;
    }
    Ok(())
}

/// What a case would hold at once, from what its model starts and its workload keeps per request.
#[derive(Debug, Clone, PartialEq)]
pub struct Footprint {
    /// Memory, bytes (an upper bound).
    pub bytes: u64,
    /// Threads of the case process.
    pub threads: usize,
    /// Kernel tasks: threads and processes.
    pub pids: usize,
    /// Where the bytes go, in words: `20,000 threads × 40 KiB`.
    pub parts: Vec<String>,
}

impl Footprint {
    pub fn of(case: &Case, cores: usize) -> Footprint {
        let describe = case.workload.describe();
        // A staged workload's model starts its stage workers, whatever the items; `--max-threads`
        // stops the threads model there.
        let tasks = case.max_threads.map_or(case.tasks, |m| m.min(case.tasks));
        let units = describe.stage_workers().unwrap_or(tasks);
        let holds = case.model.model().holds(units, case.k(), case.per_worker());
        let mut f = Footprint {
            bytes: 0,
            threads: 0,
            pids: 0,
            parts: Vec::new(),
        };
        let mut add = |n: u64, each: u64, what: &str| {
            if n > 0 && each > 0 {
                f.bytes = f.bytes.saturating_add(n.saturating_mul(each));
                f.parts
                    .push(format!("{} {what} × {}", count(n), size(each)));
            }
        };
        add(case.tasks as u64, PER_TASK_BYTES, "task records");
        for (unit, count) in &holds.units {
            add(*count as u64, unit.bytes, unit.name);
        }
        let requests = describe.sockets(&case.shape(cores));
        let per_request = describe.bytes_per_request(holds.blocking, case.model.is_python());
        add(requests, per_request, "requests in flight");
        for (unit, count) in &holds.units {
            if unit.thread {
                f.threads += count;
            }
            if unit.pid {
                f.pids += count;
            }
        }
        f
    }
}

/// What the machine has room for now.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Capacity {
    /// Memory that can be given without swapping: MemAvailable, or less under a cgroup limit.
    pub available: u64,
    /// Threads one process can still start (vm.max_map_count, see `thread_room`), when known.
    pub threads: Option<usize>,
    /// Kernel tasks that can still start: the least of pid_max and threads-max, less every task
    /// running now.
    pub pids: Option<usize>,
}

impl Capacity {
    pub fn now() -> Capacity {
        Capacity {
            available: available_memory().unwrap_or(u64::MAX),
            threads: Room::now().map(|r| r.threads()),
            pids: free_pids(),
        }
    }

    /// Whether `case` fits; why not, with the figures and a fix.
    pub fn check(&self, case: &Case, cores: usize) -> Result<(), String> {
        let f = Footprint::of(case, cores);
        let fix = "ask for fewer tasks, or a model with --limit (thread-pool, async-semaphore, \
                   process-pool)";
        if f.bytes > self.available {
            return Err(format!(
                "{} tasks would hold about {} ({}), more than the {} this machine has available; {fix}",
                count(case.tasks as u64),
                size(f.bytes),
                f.parts.join(", "),
                size(self.available),
            ));
        }
        if let Some(room) = self.threads.filter(|&room| f.threads > room) {
            return Err(format!(
                "{} threads in one process, but the kernel would refuse more than {} (vm.max_map_count \
                 {}, {} mappings a thread); {fix}",
                count(f.threads as u64),
                count(room as u64),
                Room::now().map_or(0, |r| r.limit),
                crate::thread_room::MAPS_PER_THREAD,
            ));
        }
        if let Some(free) = self.pids.filter(|&free| f.pids > free) {
            return Err(format!(
                "{} threads and processes, but the kernel has room for {} more (kernel.pid_max and \
                 kernel.threads-max less the tasks running now); {fix}",
                count(f.pids as u64),
                count(free as u64),
            ));
        }
        Ok(())
    }
}

/// MemAvailable, or what a cgroup memory limit leaves, whichever is less.
fn available_memory() -> Option<u64> {
    let read = |p: &str| std::fs::read_to_string(p).ok();
    let meminfo = read("/proc/meminfo")?;
    let available = meminfo.lines().find_map(|l| {
        let kib: u64 = l
            .strip_prefix("MemAvailable:")?
            .trim()
            .trim_end_matches("kB")
            .trim()
            .parse()
            .ok()?;
        Some(kib * 1024)
    })?;
    let number = |p: &str| read(p)?.trim().parse::<u64>().ok();
    // cgroup v2, then v1: a container's limit, less what the group uses already.
    let cgroup = [
        ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory.current"),
        (
            "/sys/fs/cgroup/memory/memory.limit_in_bytes",
            "/sys/fs/cgroup/memory/memory.usage_in_bytes",
        ),
    ]
    .iter()
    .find_map(|(limit, used)| Some(number(limit)?.saturating_sub(number(used).unwrap_or(0))));
    Some(cgroup.map_or(available, |c| c.min(available)))
}

/// Kernel tasks that can still start: min(pid_max, threads-max) less the tasks that exist now (the
/// total in /proc/loadavg's `running/total`).
fn free_pids() -> Option<usize> {
    let number = |p: &str| {
        std::fs::read_to_string(p)
            .ok()?
            .trim()
            .parse::<usize>()
            .ok()
    };
    let most = number("/proc/sys/kernel/pid_max")?.min(number("/proc/sys/kernel/threads-max")?);
    let loadavg = std::fs::read_to_string("/proc/loadavg").ok()?;
    let now: usize = loadavg
        .split_whitespace()
        .nth(3)?
        .split('/')
        .nth(1)?
        .parse()
        .ok()?;
    Some(most.saturating_sub(now))
}

/// A size in bytes, as sizes read everywhere.
fn size(b: u64) -> String {
    crate::fmt::kib(b as f64 / 1024.0)
}

/// Without PostgreSQL here, its cases are left out with one line saying so: a machine without it is
/// not a failed run.
pub fn skip_missing_postgres(cases: &mut Vec<Case>) {
    let postgres =
        |c: &Case| c.workload.describe().database() == Some(crate::workload::DbKind::Postgres);
    if !cases.iter().any(postgres) {
        return;
    }
    if let Err(why) = super::service::cluster::find() {
        let skipped = cases.iter().filter(|c| postgres(c)).count();
        eprintln!("concbench: {why} — skipping {skipped} PostgreSQL case(s)");
        cases.retain(|c| !postgres(c));
    }
}

/// Redis cases need redis-server (`make redis-env`); without it they are left out with one line
/// saying so, never a failure.
pub fn skip_missing_redis(cases: &mut Vec<Case>) {
    let redis = |c: &Case| c.broker == Some(crate::names::BrokerKind::Redis);
    if !cases.iter().any(redis) {
        return;
    }
    if let Err(why) = super::service::redis::find() {
        let skipped = cases.iter().filter(|c| redis(c)).count();
        eprintln!("concbench: {why} — skipping {skipped} Redis case(s)");
        cases.retain(|c| !redis(c));
    }
}

/// The Python models and gunicorn need the python env (`make python-env`); without it their cases are
/// left out with one line saying so, never a failure.
pub fn skip_missing_python(cases: &mut Vec<Case>) {
    let python = cases.iter().filter(|c| c.needs_python()).count();
    if python == 0 {
        return;
    }
    if let Err(why) = super::external::python_env() {
        eprintln!("skipped {python} Python case(s) (py-* models, --server gunicorn): {why}");
        cases.retain(|c| !c.needs_python());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::ClientKind;
    use crate::model::footprint::{PROCESS, TASK, THREAD};
    use crate::model::ModelKind;
    use crate::names::{Group, ServerKind};
    use crate::workload::{IoParams, Params, PipelineParams, ServerPlan, SleepParams};
    use std::time::Duration;

    const GIB: u64 = 1 << 30;

    fn sleep(model: ModelKind, n: usize, k: Option<usize>) -> Case {
        let p = Params::Sleep(SleepParams::new(Duration::from_millis(10)));
        Case::new(Group::AdHoc, model, n, k, p)
    }

    fn io(model: ModelKind, n: usize, k: Option<usize>, client: ClientKind) -> Case {
        let server = ServerPlan {
            workers: 0,
            delay: Duration::from_millis(10),
        };
        let p = Params::Io(IoParams {
            client,
            ..IoParams::new(server)
        });
        Case::new(Group::AdHoc, model, n, k, p)
    }

    #[test]
    fn a_footprint_is_each_unit_at_its_size_with_the_task_records() {
        let f = Footprint::of(&sleep(ModelKind::Threads, 1_000, None), 2);
        assert_eq!(f.bytes, 1_000 * PER_TASK_BYTES + 1_000 * THREAD.bytes);
        assert_eq!((f.threads, f.pids), (1_000, 1_000));
        assert_eq!(f.parts[1], "1,000 threads × 40 KiB");
        // A pool holds k, not N.
        let f = Footprint::of(&sleep(ModelKind::ProcessPool, 1_000, Some(4)), 2);
        assert_eq!(f.bytes, 1_000 * PER_TASK_BYTES + 4 * PROCESS.bytes);
        assert_eq!((f.threads, f.pids), (0, 4));
        let f = Footprint::of(&sleep(ModelKind::AsyncSemaphore, 1_000, Some(4)), 2);
        assert_eq!(
            f.bytes,
            1_000 * (PER_TASK_BYTES + TASK.bytes),
            "every task is spawned"
        );
    }

    #[test]
    fn a_request_in_flight_costs_what_its_client_holds_on_its_face() {
        let direct = Footprint::of(&io(ModelKind::Async, 100, None, ClientKind::Direct), 2);
        let reqwest = Footprint::of(&io(ModelKind::Async, 100, None, ClientKind::Library), 2);
        let ureq = Footprint::of(&io(ModelKind::Threads, 100, None, ClientKind::Library), 2);
        let per_request = |f: &Footprint, units: u64| (f.bytes - units) / 100 - PER_TASK_BYTES;
        assert_eq!(
            per_request(&direct, 100 * TASK.bytes),
            ClientKind::Direct.bytes_per_request(false, false)
        );
        assert_eq!(
            per_request(&reqwest, 100 * TASK.bytes),
            ClientKind::Library.bytes_per_request(false, false)
        );
        assert_eq!(
            per_request(&ureq, 100 * THREAD.bytes),
            ClientKind::Library.bytes_per_request(true, false)
        );
        assert!(ureq.bytes > reqwest.bytes && reqwest.bytes > direct.bytes);
    }

    #[test]
    fn a_pipeline_holds_its_stage_workers_whatever_its_items() {
        let server = ServerPlan {
            workers: 0,
            delay: Duration::from_millis(10),
        };
        let p = Params::Pipeline(PipelineParams::new(server));
        let f = Footprint::of(
            &Case::new(Group::AdHoc, ModelKind::Threads, 1_000_000, None, p),
            2,
        );
        assert_eq!(f.threads, 3 + 4 + 5);
    }

    #[test]
    fn a_case_past_the_memory_or_the_threads_is_refused_with_both_figures() {
        let room = Capacity {
            available: GIB,
            threads: Some(16_000),
            pids: Some(30_000),
        };
        let case = sleep(ModelKind::Threads, 20_000, None);
        let why = room.check(&case, 2).unwrap_err();
        assert!(
            why.contains("20,000 threads in one process") && why.contains("16,000"),
            "{why}"
        );
        // 100,000 async tasks: 100,000 × 2.5 KiB, a quarter of a GiB.
        assert_eq!(
            room.check(&sleep(ModelKind::Async, 100_000, None), 2),
            Ok(())
        );
        let why = room
            .check(&sleep(ModelKind::Async, 1_000_000, None), 2)
            .unwrap_err();
        assert!(why.contains("1,000,000 tokio tasks × 2.0 KiB"), "{why}");
        assert!(why.contains("1.00 GiB this machine has available"), "{why}");
        let few_pids = Capacity {
            pids: Some(10),
            ..room
        };
        let why = few_pids
            .check(&sleep(ModelKind::ProcessPool, 100, Some(16)), 2)
            .unwrap_err();
        assert!(why.contains("room for 10 more"), "{why}");
    }

    const LIMIT: Nofile = Nofile {
        soft: 20_000,
        hard: 20_000,
    };

    #[test]
    fn a_server_gets_one_more_process_per_three_quarters_of_its_room() {
        let room = LIMIT.connections();
        assert_eq!(room, 19_936);
        assert_eq!(server_processes_for(0, room), 1);
        assert_eq!(
            server_processes_for(room, room),
            1,
            "what fits in one stays one"
        );
        // Past one process, each is planned at 3/4 of its room: 14,952 connections.
        assert_eq!(server_processes_for(room + 1, room), 2);
        assert_eq!(server_processes_for(29_904, room), 2);
        assert_eq!(server_processes_for(29_905, room), 3);
        assert_eq!(server_processes_for(100_000, room), 7);
        assert_eq!(
            server_processes_for(100, 0),
            1,
            "no room: the check refuses it"
        );
    }

    #[test]
    fn only_the_unbounded_slow_server_is_spread() {
        let mut cases = vec![
            io(ModelKind::Async, 100_000, None, ClientKind::Direct),
            io(ModelKind::Async, 10_000, None, ClientKind::Direct),
            io(
                ModelKind::AsyncSemaphore,
                100_000,
                Some(30_000),
                ClientKind::Direct,
            ),
        ];
        let mut workers = io(ModelKind::Async, 100_000, None, ClientKind::Direct);
        workers
            .workload
            .describe_mut()
            .io_mut()
            .unwrap()
            .server_workers = Some(3);
        let mut gunicorn = io(ModelKind::Async, 100_000, None, ClientKind::Direct);
        gunicorn.workload.describe_mut().io_mut().unwrap().server = ServerKind::Gunicorn;
        cases.extend([workers, gunicorn, sleep(ModelKind::Async, 100_000, None)]);
        spread_server(&mut cases, 2, LIMIT);
        let processes: Vec<Option<u32>> = cases
            .iter()
            .map(|c| {
                c.workload
                    .describe()
                    .io()
                    .and_then(|io| io.server_processes)
            })
            .collect();
        assert_eq!(processes, [Some(7), None, Some(3), None, None, None]);
        assert_eq!(cases[0].workload.describe().server_processes(), 7);
        assert_eq!(cases[5].workload.describe().server_processes(), 1);
    }

    #[test]
    fn open_files_are_counted_per_process_on_each_side() {
        assert_eq!(per_process(100_000, 7), 14_286);
        assert_eq!(per_process(10, 0), 10, "no process is one");
        assert_eq!(open_files(Side::Client, 19_936, 1, LIMIT), Ok(()));
        let why = open_files(Side::Client, 19_937, 1, LIMIT).unwrap_err();
        assert!(
            why.starts_with(
                "19937 concurrent connections need about 20001 open files in one client process"
            ),
            "{why}"
        );
        assert!(why.contains("--model async-sharded --limit 2"), "{why}");
        // Spread over 6 client processes, 100,000 fit; over 5 they do not (20,000 each, and the
        // reserve).
        assert_eq!(open_files(Side::Client, 100_000, 6, LIMIT), Ok(()));
        let why = open_files(Side::Client, 100_000, 5, LIMIT).unwrap_err();
        assert!(
            why.contains("over 5 client processes need about 20064 open files in each"),
            "{why}"
        );
        assert!(why.contains("--limit 6"), "{why}");
        // The server as it is spread passes; kept in one process it is refused, saying how many.
        assert_eq!(open_files(Side::Server, 100_000, 7, LIMIT), Ok(()));
        let why = open_files(Side::Server, 100_000, 1, LIMIT).unwrap_err();
        assert!(why.contains("in one server process"), "{why}");
        assert!(why.contains("the server would need 7 processes"), "{why}");
    }

    #[test]
    fn a_spread_server_leaves_only_the_client_to_refuse() {
        let mut cases = vec![io(ModelKind::Async, 30_000, None, ClientKind::Direct)];
        spread_sources(&mut cases, 2);
        spread_server(&mut cases, 2, LIMIT);
        let why = check(&cases, 2, LIMIT, false).unwrap_err().to_string();
        assert!(why.contains("in one client process"), "{why}");
        assert!(why.contains("--model async-sharded --limit 2"), "{why}");
        // A bounded client within the limit runs any N against the spread server.
        let mut cases = vec![io(
            ModelKind::AsyncSemaphore,
            30_000,
            Some(19_000),
            ClientKind::Direct,
        )];
        spread_sources(&mut cases, 2);
        spread_server(&mut cases, 2, LIMIT);
        check(&cases, 2, LIMIT, false).unwrap();
    }

    #[test]
    fn against_a_target_only_the_client_side_counts() {
        // A sharded client within the limit; no server of the run (not spread) holds 60,000.
        let mut cases = vec![io(
            ModelKind::AsyncSharded,
            60_000,
            Some(4),
            ClientKind::Direct,
        )];
        spread_sources(&mut cases, 2);
        let why = check(&cases, 2, LIMIT, false).unwrap_err().to_string();
        assert!(why.contains("server"), "{why}");
        check(&cases, 2, LIMIT, true).unwrap();
        // The client's own share still counts there.
        let mut cases = vec![io(
            ModelKind::AsyncSharded,
            60_000,
            Some(2),
            ClientKind::Direct,
        )];
        spread_sources(&mut cases, 2);
        assert!(check(&cases, 2, LIMIT, true).is_err());
    }

    #[test]
    fn this_machine_has_room_for_something() {
        let now = Capacity::now();
        assert!(now.available > 0 && now.available < u64::MAX, "{now:?}");
        assert!(now.threads.is_some_and(|t| t > 0) && now.pids.is_some_and(|p| p > 0));
    }
}
