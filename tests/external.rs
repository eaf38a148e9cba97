//! External models through the task protocol, always: stand-in programs (tiny shell scripts) in place
//! of Python — one that answers, one that crashes, one that prints garbage and one that hangs until
//! the deadline kills it — and what a run does when the Python env is missing (skips with one line).
//! The real Python models run when `make python-env` has built their env; otherwise those tests say
//! why they skipped, and `make test` lists them.

mod common;

use common::*;
use concbench::model::ModelKind;
use concbench::run::case::CaseSpec;
use concbench::run::external::{python_env, run_program};
use concbench::workload::{IoParams, Params, SleepParams};
use std::process::Command;
use std::time::{Duration, Instant};

/// A stand-in model: a shell script with `body`, which may read the spec from stdin. Run by `sh`, not
/// executed itself: a child forked meanwhile by another test's thread may still hold the just-written
/// file open for writing, and exec of a file open for writing fails (ETXTBSY).
fn stand_in(dir: &std::path::Path, body: &str) -> Command {
    let path = dir.join("model.sh");
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    let mut sh = Command::new("sh");
    sh.arg(path);
    sh
}

fn spec(tasks: usize) -> CaseSpec {
    let sleep = Params::Sleep(SleepParams::new(Duration::from_millis(10)));
    case_spec(ModelKind::PyThreads, sleep, "", tasks, tasks)
}

const ANSWER: &str = r#"{"protocol":1,"setup_s":0.25,"peak_rss_kib":9000,"threads_peak":3,"tasks":[{"start":0.0,"end":0.5,"failure":null,"service":null},{"start":0.1,"end":0.7,"failure":"timeout","service":null}]}"#;

#[test]
fn an_answer_becomes_a_case_output_and_the_spec_is_the_protocols() {
    let d = tmpdir("answer");
    let seen = d.join("spec.json");
    let cmd = stand_in(
        &d,
        &format!(
            "/bin/cat > '{}'\necho 'a log line first'\necho '{ANSWER}'",
            seen.display()
        ),
    );
    let (out, usage) = run_program(cmd, &spec(2), Duration::from_secs(10)).unwrap();
    assert_eq!((out.ok, out.makespan_s, out.setup_s), (1, 0.7, 0.25));
    assert_eq!(out.failures.get("timeout"), Some(&1));
    assert_eq!(out.peak_rss_kib, Some(9000));
    assert!(
        (out.task_latency.max - 0.7).abs() < 1e-3,
        "{:?}",
        out.task_latency
    );
    assert!(usage.user + usage.sys < Duration::from_secs(5));
    let sent: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&seen).unwrap()).unwrap();
    assert_eq!(sent["protocol"], 1);
    assert_eq!(sent["model"], "py-threads");
    assert_eq!(sent["workload"], "sleep");
    assert_eq!(sent["tasks"], 2);
    assert_eq!(sent["delay_s"], 0.01);
    let _ = std::fs::remove_dir_all(d);
}

#[test]
fn a_crash_garbage_and_a_hang_each_fail_with_one_line() {
    let d = tmpdir("faults");
    let crash = stand_in(&d, "echo 'Traceback: boom' >&2\nexit 3");
    let err = format!(
        "{:#}",
        run_program(crash, &spec(2), Duration::from_secs(10)).unwrap_err()
    );
    assert!(
        err.contains("exited with 3") && err.contains("Traceback: boom"),
        "{err}"
    );

    let garbage = stand_in(&d, "echo 'hello, I am not JSON'");
    let err = format!(
        "{:#}",
        run_program(garbage, &spec(2), Duration::from_secs(10)).unwrap_err()
    );
    assert!(
        err.contains("not the task protocol") && err.contains("hello, I am not JSON"),
        "{err}"
    );

    // The wrong number of tasks is garbage too.
    let short = stand_in(&d, &format!("echo '{ANSWER}'"));
    let err = format!(
        "{:#}",
        run_program(short, &spec(3), Duration::from_secs(10)).unwrap_err()
    );
    assert!(err.contains("2 tasks answered, 3 asked"), "{err}");

    // `exec`: the sleep is the process the harness started, so killing it ends the program.
    let hang = stand_in(&d, "exec sleep 30");
    let t0 = Instant::now();
    let err = format!(
        "{:#}",
        run_program(hang, &spec(2), Duration::from_millis(500)).unwrap_err()
    );
    assert!(err.contains("still running after 500ms: killed"), "{err}");
    assert!(t0.elapsed() < Duration::from_secs(5), "{:?}", t0.elapsed());
    let _ = std::fs::remove_dir_all(d);
}

#[test]
fn without_a_python_env_the_python_cases_are_skipped_with_one_line() {
    let out = Command::new(EXE)
        .args([
            "run",
            "--workload",
            "sleep",
            "--model",
            "py-threads,threads",
            "--tasks",
            "2",
            "--delay",
            "10ms",
            "--repeat",
            "1",
            "--warmup",
            "0",
            "--quiet",
            "--out",
        ])
        .arg(tmpdir("skip").join("run.json"))
        .env("CONCBENCH_PYTHON", "/nonexistent/python")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("skipped 1 Python case(s) (py-* models, --server gunicorn): no python env (/nonexistent/python is missing: run `make python-env`)"),
        "{stderr}"
    );
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.contains("ad-hoc/sleep/threads/n2-10ms"), "{table}");
    assert!(!table.contains("py-threads"), "{table}");
}

/// One repetition of a real Python model, as a run makes it; the models here end within the minute.
fn run_real(spec: &CaseSpec) -> concbench::run::case::CaseOutput {
    concbench::run::case::run_isolated(std::path::Path::new(EXE), spec, Duration::from_secs(60))
        .unwrap()
        .0
}

/// The real Python models against the slow server: every client answers every task, none beats its
/// ideal. Needs `make python-env`.
#[test]
fn the_python_models_run_like_the_rust_ones() {
    if let Err(why) = python_env() {
        return skip(Why::NoPythonEnv, why);
    }
    let _t = timing_lock();
    let delay = Duration::from_millis(200);
    let server = TestServer::start(3, delay);
    let plan = plan(3, delay);
    for model in ModelKind::python() {
        let k = if model.model().takes_limit() { 3 } else { 6 };
        let spec = case_spec(model, Params::Io(IoParams::new(plan)), &server.url(), 6, k);
        let out = run_real(&spec);
        assert_eq!(out.ok, 6, "{model}: {:?}", out.failures);
        let ideal = if model == ModelKind::PySequential {
            1.2
        } else {
            0.4
        };
        assert!(
            out.makespan_s >= ideal * 0.999,
            "{model} beat physics: {}",
            out.makespan_s
        );
        assert!(
            out.makespan_s < ideal * 2.0 + 1.0,
            "{model}: {}",
            out.makespan_s
        );
    }
    // The GIL, run (not asserted: a shared VM's vCPUs decide the ratio): counting on threads and on
    // processes both count right.
    for model in [ModelKind::PyThreads, ModelKind::PyProcessPool] {
        let count = Params::Cpu(concbench::workload::CpuParams { cpu_iters: 200_000 });
        let spec = case_spec(model, count, "", 2, 2);
        let out = run_real(&spec);
        assert_eq!(out.ok, 2, "{model}");
    }
}

/// Mixed work in the protocol: every task's own seeded wait, the same the Rust models wait, the GET's
/// URL, and the CPU part as a time for Python to size on its own loop.
#[test]
fn a_mixed_spec_carries_the_rust_models_waits_and_the_cpu_part_as_a_time() {
    let mixed = concbench::workload::MixedParams::new(plan(0, Duration::ZERO));
    let spec = CaseSpec {
        per_worker: 16,
        ..case_spec(
            ModelKind::PyAsyncProcessPool,
            Params::Mixed(mixed.clone()),
            "http://127.0.0.1:9",
            5,
            2,
        )
    };
    let doc = concbench::run::external::protocol_spec(&spec).unwrap();
    let waits: Vec<f64> = (0..5).map(|i| mixed.wait(i).as_secs_f64()).collect();
    assert_eq!(doc["waits_s"], serde_json::json!(waits));
    assert!(waits.iter().all(|w| (0.2..0.7).contains(w)), "{waits:?}");
    assert_eq!(doc["workload"], "mixed");
    assert_eq!(doc["url"], "http://127.0.0.1:9/delay/0");
    assert_eq!(doc["cpu_s"], 0.045);
    assert_eq!(doc["per_worker"], 16);
}

/// The article's pair in Python: one asyncio loop doing every task's counting, and aiomultiprocess's
/// pool of loops. Every task answered, none sooner than its own wait. Needs `make python-env`.
#[test]
fn python_mixed_work_runs_on_one_loop_and_on_a_pool_of_loops() {
    if let Err(why) = python_env() {
        return skip(Why::NoPythonEnv, why);
    }
    let _t = timing_lock();
    let server = TestServer::start(0, Duration::ZERO);
    let mut mixed = concbench::workload::MixedParams::new(plan(0, Duration::ZERO));
    mixed.cpu_ms = 5;
    let longest = (0..8)
        .map(|i| mixed.wait(i).as_secs_f64())
        .fold(0.0, f64::max);
    for (model, k, c) in [
        (ModelKind::PyAsyncio, 8, 1),
        (ModelKind::PyAsyncProcessPool, 2, 4),
    ] {
        let spec = CaseSpec {
            per_worker: c,
            ..case_spec(model, Params::Mixed(mixed.clone()), &server.url(), 8, k)
        };
        let out = run_real(&spec);
        assert_eq!(out.ok, 8, "{model}: {:?}", out.failures);
        assert!(
            out.makespan_s >= longest,
            "{model} beat its longest wait: {} < {longest}",
            out.makespan_s
        );
    }
}

#[test]
fn a_model_killed_by_a_signal_is_reported_by_the_signal() {
    let d = tmpdir("killed");
    // The stand-in is the process the harness started (`exec`-free: `sh` itself is killed).
    let killed = stand_in(&d, "kill -KILL $$");
    let err = format!(
        "{:#}",
        run_program(killed, &spec(2), Duration::from_secs(10)).unwrap_err()
    );
    assert!(err.contains("killed by signal 9 (KILL)"), "{err}");
    assert!(!err.contains("137"), "not the shell's 128 + 9: {err}");
}
