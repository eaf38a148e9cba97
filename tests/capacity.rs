//! What an ad-hoc run may ask for rests on the sizes `model::footprint` and the clients declare for a
//! thread, a tokio task, a worker process and a request in flight: here each is measured again — the
//! growth of a real case's peak RSS per unit, above the same case at N = 1 — and must stay below its
//! bound, or the bound would let a run past what the machine holds.

mod common;

use common::*;
use concbench::client::ClientKind;
use concbench::model::footprint::{PROCESS, TASK, THREAD};

/// The case's peak RSS, bytes, and its workers' largest, when it had any.
fn peak(args: &[&str]) -> (f64, Option<f64>) {
    let dir = tmpdir("capacity");
    let file = run_ok(&[args, &["--repeat", "1"]].concat(), &dir.join("run.json"));
    let _ = std::fs::remove_dir_all(&dir);
    let s = &file.cases[0].samples[0];
    assert_eq!(s.ok as usize, file.cases[0].params.tasks, "every task done");
    let workers = s
        .workers
        .as_ref()
        .map(|w| w.rss_max_kib)
        .map(|k| k as f64 * 1024.0);
    (s.max_rss_kib as f64 * 1024.0, workers)
}

/// Peak RSS per unit between N = 1 and N = n of the same case.
fn per_unit(args: &[&str], n: usize) -> f64 {
    let one = peak(&[args, &["--tasks", "1"]].concat()).0;
    let many = peak(&[args, &["--tasks", &n.to_string()]].concat()).0;
    (many - one) / (n - 1) as f64
}

const SLEEP: [&str; 4] = ["--workload", "sleep", "--delay", "300ms"];
const IO: [&str; 6] = [
    "--workload",
    "io",
    "--server-workers",
    "0",
    "--delay",
    "300ms",
];

#[test]
fn a_thread_a_task_and_a_worker_process_stay_below_their_bounds() {
    let thread = per_unit(&[&SLEEP[..], &["--model", "threads"]].concat(), 1_000);
    let task = per_unit(&[&SLEEP[..], &["--model", "async"]].concat(), 10_000);
    eprintln!("per thread {thread:.0} B, per task {task:.0} B");
    assert!(
        thread > 0.0 && thread < THREAD.bytes as f64,
        "{thread} B a thread"
    );
    assert!(task > 0.0 && task < TASK.bytes as f64, "{task} B a task");
    let (_, worker) = peak(
        &[
            &SLEEP[..],
            &["--model", "process-pool", "--tasks", "4", "--limit", "4"],
        ]
        .concat(),
    );
    let worker = worker.expect("a pool's workers' peaks");
    eprintln!("per worker process {worker:.0} B");
    assert!(worker < PROCESS.bytes as f64, "{worker} B a worker");
}

#[test]
fn a_request_in_flight_stays_below_its_clients_bound() {
    for (model, client, n, unit) in [
        ("async", ClientKind::Direct, 1_000, TASK),
        ("async", ClientKind::Library, 1_000, TASK),
        ("threads", ClientKind::Library, 300, THREAD),
    ] {
        let blocking = model == "threads";
        let bound = (unit.bytes + client.bytes_per_request(blocking, false)) as f64;
        let args = [&IO[..], &["--model", model, "--client", client.name()]].concat();
        let each = per_unit(&args, n);
        eprintln!("{model} {client}: {each:.0} B a request in flight, bound {bound}");
        assert!(
            each > 0.0 && each < bound,
            "{model} {client}: {each} B, bound {bound}"
        );
    }
}
