//! queue-workers on loopback, against both brokers: a connection without the key (or with a wrong
//! one) is refused; a worker killed inside a task has that task requeued once and the job completes;
//! a task lost twice fails as worker-lost; io stays within physics and every task's hop is measured,
//! as process-pool's is; and `concbench run` records the hop and the broker's CPU. The Redis
//! variants skip with one line where redis-server is not installed (`make redis-env`). Every worker
//! and broker started here is gone when each test ends.

mod common;

use common::*;
use concbench::model::own_broker::BrokerChild;
use concbench::model::queue_protocol::BrokerAddr;
use concbench::model::{Execution, Job, ModelKind};
use concbench::names::{BrokerKind, Group};
use concbench::plan::Case;
use concbench::report::sections::queue_workers::{data, table};
use concbench::run::service::redis::{self, RedisChild};
use concbench::workload::{FailureKind, IoParams, Params, WorkloadKind};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::{Duration, Instant};

const KEY: &str = "the-right-key";

fn own() -> (BrokerChild, BrokerAddr) {
    let b = BrokerChild::start(Path::new(EXE), KEY, None).unwrap();
    let addr = BrokerAddr {
        kind: BrokerKind::Own,
        addr: b.addr.clone(),
        key: KEY.into(),
    };
    (b, addr)
}

/// Redis requiring [`KEY`], or None (the test skipped, saying so) where it is not installed.
#[track_caller]
fn redis() -> Option<(RedisChild, BrokerAddr)> {
    if let Err(why) = redis::find() {
        skip(Why::NoRedis, why);
        return None;
    }
    let r = RedisChild::start(KEY, None).unwrap();
    let addr = BrokerAddr {
        kind: BrokerKind::Redis,
        addr: concbench::run::service::Service::url(&r).to_string(),
        key: KEY.into(),
    };
    Some((r, addr))
}

/// The queue workers this test process started.
fn queue_workers() -> Vec<u32> {
    children(std::process::id())
        .into_iter()
        .filter(|&p| cmdline(p).contains(" worker --connect"))
        .collect()
}

/// Whether worker `pid` is inside a sleep task (not waiting on the broker for one).
fn in_a_task(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/wchan")).is_ok_and(|w| w.contains("nanosleep"))
}

/// Kill the first worker found inside a task, other than `spare`; its pid.
fn kill_one_in_a_task(spare: Option<u32>) -> u32 {
    let mut victim = None;
    until(
        Duration::from_secs(10),
        "a queue worker inside a task",
        || {
            victim = queue_workers()
                .into_iter()
                .find(|&p| Some(p) != spare && in_a_task(p));
            victim.is_some()
        },
    );
    let pid = victim.unwrap();
    // SAFETY: a child of this process, not reaped yet (the model reaps it after seeing it exit).
    unsafe { libc::kill(pid as i32, libc::SIGKILL) };
    pid
}

fn queue_job(tasks: usize, k: usize, sleep_ms: u64, broker: &BrokerAddr) -> Job {
    Job {
        broker: Some(broker.clone()),
        ..job(Spec::sleeping(Duration::from_millis(sleep_ms)), tasks, k)
    }
}

/// Every broker this machine has: the own one, and Redis when installed.
fn brokers() -> Vec<(Box<dyn std::any::Any>, BrokerAddr)> {
    let (b, addr) = own();
    let mut all: Vec<(Box<dyn std::any::Any>, BrokerAddr)> = vec![(Box::new(b), addr)];
    if let Some((r, addr)) = redis() {
        all.push((Box::new(r), addr));
    }
    all
}

fn read_line_within(stream: &TcpStream, limit: Duration) -> String {
    stream.set_read_timeout(Some(limit)).unwrap();
    let mut line = String::new();
    BufReader::new(stream).read_line(&mut line).unwrap();
    line
}

/// Whether the peer closed the connection (a read of 0 bytes) within `limit`.
fn closed_within(mut stream: &TcpStream, limit: Duration) -> bool {
    stream.set_read_timeout(Some(limit)).unwrap();
    let mut rest = Vec::new();
    stream.read_to_end(&mut rest).is_ok() && rest.is_empty()
}

#[test]
fn a_connection_without_the_key_or_with_a_wrong_one_is_refused() {
    let (_broker, addr) = own();
    for (first, says) in [
        (
            "{\"join\":{\"worker\":\"x\"}}\n",
            "first line must be its key",
        ),
        ("{\"auth\":{\"key\":\"nope\"}}\n", "wrong key"),
    ] {
        let mut s = TcpStream::connect(&addr.addr).unwrap();
        s.write_all(first.as_bytes()).unwrap();
        let line = read_line_within(&s, Duration::from_secs(5));
        assert!(
            line.contains("refused") && line.contains(says),
            "{first}: {line}"
        );
        assert!(
            closed_within(&s, Duration::from_secs(5)),
            "{first}: closed after"
        );
    }
    // The worker as a user runs it: one line saying why, exit 1, at once.
    let t0 = Instant::now();
    let out = concbench(&["worker", "--connect", &addr.addr, "--key", "nope"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("the broker refused: wrong key"),
        "{}",
        stderr(&out)
    );
    assert!(t0.elapsed() < Duration::from_secs(5));

    let Some((_redis, addr)) = redis() else {
        return;
    };
    let mut s = TcpStream::connect(&addr.addr).unwrap();
    s.write_all(b"*3\r\n$5\r\nLPUSH\r\n$1\r\nq\r\n$1\r\n1\r\n")
        .unwrap();
    let line = read_line_within(&s, Duration::from_secs(5));
    assert!(line.starts_with("-NOAUTH"), "{line}");
    let out = concbench(&[
        "worker",
        "--broker",
        "redis",
        "--connect",
        &addr.addr,
        "--key",
        "nope",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("Redis refused the key"),
        "{}",
        stderr(&out)
    );
}

/// Run `job` on queue-workers in a thread while `meanwhile` runs here.
fn run_while(job: Job, meanwhile: impl FnOnce()) -> Execution {
    let run = std::thread::spawn(move || ModelKind::QueueWorkers.model().run(&job).unwrap());
    meanwhile();
    run.join().unwrap()
}

#[test]
fn a_worker_killed_mid_task_has_its_task_requeued_once() {
    let _t = timing_lock();
    for (_broker, addr) in brokers() {
        let exec = run_while(queue_job(6, 2, 400, &addr), || {
            kill_one_in_a_task(None);
        });
        let what = addr.kind;
        assert!(
            exec.records.iter().all(|r| r.result.outcome.is_ok()),
            "{what}: every task done: {:?}",
            exec.records
        );
        let attempts: Vec<u32> = exec.records.iter().map(|r| r.attempts).collect();
        assert_eq!(
            attempts.iter().sum::<u32>(),
            7,
            "{what}: six tasks, one twice: {attempts:?}"
        );
        assert_eq!(
            exec.workers.unwrap().processes,
            3,
            "{what}: two workers and one replacement"
        );
        assert!(queue_workers().is_empty(), "{what}: workers reaped");
    }
}

#[test]
fn a_task_lost_twice_fails_as_worker_lost() {
    let _t = timing_lock();
    for (_broker, addr) in brokers() {
        let exec = run_while(queue_job(1, 2, 400, &addr), || {
            let first = kill_one_in_a_task(None);
            kill_one_in_a_task(Some(first));
        });
        let what = addr.kind;
        assert_eq!(exec.records.len(), 1);
        let r = exec.records[0];
        assert_eq!(
            r.result.outcome,
            Err(FailureKind::WorkerLost),
            "{what}: lost twice"
        );
        assert_eq!(r.attempts, 2, "{what}: handed out twice");
        assert!(queue_workers().is_empty(), "{what}: workers reaped");
    }
}

#[test]
fn io_stays_within_physics_and_every_hop_is_measured_as_process_pools() {
    let _t = timing_lock();
    let delay = Duration::from_millis(50);
    let server = TestServer::start(3, delay);
    let (n, k) = (6, 3);
    let io = Params::Io(IoParams::new(plan(3, delay)));
    let ideal = Case::new(Group::AdHoc, ModelKind::QueueWorkers, n, Some(k), io)
        .ideal(2, None)
        .unwrap();
    let ideal = Duration::from_secs_f64(ideal);
    let mut runs = vec![(
        "process-pool".to_string(),
        None::<BrokerAddr>,
        ModelKind::ProcessPool,
    )];
    let brokers = brokers();
    for (_, addr) in &brokers {
        runs.push((
            format!("queue-workers {}", addr.kind),
            Some(addr.clone()),
            ModelKind::QueueWorkers,
        ));
    }
    for (what, broker, model) in runs {
        let job = Job {
            broker,
            ..job(spec(WorkloadKind::Io, &server.url()), n, k)
        };
        let exec = model.model().run(&job).unwrap();
        assert!(
            exec.records.iter().all(|r| r.result.outcome == Ok(22)),
            "{what}: every GET returned its body"
        );
        let makespan = exec.makespan();
        assert!(
            makespan >= ideal,
            "{what} beat physics: {makespan:?} < {ideal:?}"
        );
        assert!(
            makespan < ideal.mul_f64(2.0) + Duration::from_millis(500),
            "{what}: {makespan:?} vs ideal {ideal:?}"
        );
        let hops = exec.hops.expect("a hop per task");
        assert_eq!(hops.len(), n);
        for hop in hops {
            // A round trip takes some time, and far less than the job.
            let hop = hop.expect("no task was lost");
            assert!(
                hop > Duration::ZERO && hop < makespan,
                "{what}: hop {hop:?}"
            );
        }
    }
    assert!(queue_workers().is_empty(), "workers reaped");
}

#[test]
fn a_run_records_the_hop_and_the_brokers_cpu_and_refuses_a_broker_without_queue_workers() {
    let dir = tmpdir("queue-run");
    let mut brokers = vec!["own"];
    if redis::find().is_ok() {
        brokers.push("redis");
    } else {
        skip_check("the Redis run", Why::NoRedis, "no redis-server");
    }
    for broker in brokers {
        let out = dir.join(format!("{broker}.json"));
        let file = run_ok(
            &[
                "--workload",
                "sleep",
                "--delay",
                "5ms",
                "--model",
                "queue-workers,process-pool",
                "--broker",
                broker,
                "--tasks",
                "8",
                "--limit",
                "2",
                "--repeat",
                "1",
            ],
            &out,
        );
        assert_eq!(file.cases.len(), 2);
        for c in &file.cases {
            let s = &c.samples[0];
            assert_eq!(s.ok, 8, "{}", c.id);
            let hop = s.hop.expect("a hop per sample");
            assert!(hop.p50 > 0.0 && hop.p50 <= hop.p99, "{}: {hop:?}", c.id);
            match c.params.model {
                ModelKind::QueueWorkers => {
                    assert!(c.id.contains(&format!("-{broker}-")), "{}", c.id);
                    assert_eq!(c.params.broker.map(|b| b.name()), Some(broker));
                    assert!(s.broker_cpu_s.is_some_and(|cpu| cpu >= 0.0), "{}", c.id);
                }
                _ => assert_eq!(s.broker_cpu_s, None, "{}", c.id),
            }
        }
    }
    refused(
        &[
            "run",
            "--workload",
            "sleep",
            "--model",
            "threads",
            "--broker",
            "redis",
        ],
        "--broker applies to queue-workers, not threads",
    );
}

#[test]
fn the_section_sets_each_brokers_hop_against_the_pools_from_the_fixture() {
    let rows = data::rows(&data_from(QUEUE_WORKERS_FIXTURE));
    assert_eq!(rows.len(), 12, "four shapes, the pool and two brokers each");
    for r in &rows {
        let (p50, p99) = (r.hop_p50.unwrap(), r.hop_p99.unwrap());
        assert!(p50 > 0.0 && p50 <= p99, "{}: {p50} {p99}", r.name());
        assert_eq!(r.broker_cpu.is_some(), r.broker.is_some(), "{}", r.name());
        if let Some(plus) = r.ideal_plus_hops() {
            assert!(plus >= r.ideal.unwrap(), "{}", r.name());
        }
    }
    let t = table::table(&rows).expect("a table");
    assert_eq!(t.rows.len(), 12);
    // One sentence per shape, each naming both brokers against the pool.
    for shape in ["sleep 0s", "sleep 10ms", "io winf-100ms", "cpu i10000000"] {
        assert!(
            t.note.contains(&format!("On {shape} (N = ")),
            "{shape}: {}",
            t.note
        );
    }
    assert_eq!(t.note.matches("× process-pool's").count(), 8, "{}", t.note);
    assert!(t.note.contains("through the own broker") && t.note.contains("through Redis"));
}
