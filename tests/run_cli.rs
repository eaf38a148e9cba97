//! `concbench run` end to end through the binary: the result file (schema, round trip, interruption)
//! and every bad input refused with exit 2 and one line before anything starts.

mod common;

use common::*;
use concbench::results::ResultFile;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn validate(file: &Path) {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string("reports/schema/results.schema.json").unwrap(),
    )
    .unwrap();
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    let errors: Vec<String> = validator.iter_errors(&doc).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{}: {errors:?}", file.display());
}

#[test]
fn the_published_schema_is_the_one_the_types_derive() {
    let out = concbench(&["schema"]);
    assert!(out.status.success());
    let published =
        std::fs::read_to_string("reports/schema/results.schema.json").unwrap_or_default();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        published,
        "reports/schema/results.schema.json is stale: run `cargo run -- schema > reports/schema/results.schema.json`"
    );
}

#[test]
fn an_io_run_writes_a_valid_complete_file_that_round_trips() {
    let _t = timing_lock();
    let dir = tmpdir("io");
    let out_file = dir.join("run.json");
    let out = concbench(&[
        "run",
        "--workload",
        "io",
        "--model",
        "async-semaphore",
        "--tasks",
        "6",
        "--limit",
        "2",
        "--server-workers",
        "3",
        "--delay",
        "50ms",
        "--repeat",
        "2",
        "--warmup",
        "0",
        "--quiet",
        "--out",
        out_file.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(
        table.contains("ad-hoc/io/async-semaphore/n6-k2-w3-50ms"),
        "{table}"
    );
    validate(&out_file);
    let file = ResultFile::load(&out_file).unwrap();
    assert!(file.complete);
    let case = &file.cases[0];
    assert_eq!(case.samples.len(), 2);
    let ideal = case.ideal_s.expect("an io case has an ideal");
    assert!(
        (ideal - 0.15).abs() < 1e-9,
        "⌈6 / min(2, 3)⌉ × 50 ms, got {ideal}"
    );
    assert!(
        case.summary.makespan.min >= ideal,
        "no sample beats physics"
    );
    assert_eq!(case.summary.server_max_in_flight, Some(2));
    assert!(case
        .samples
        .iter()
        .all(|s| s.ok == 6 && s.server.unwrap().served == 6));
    // The first result: two permits on three workers, so the first two answers come after one
    // delay, never sooner, and the last after three.
    for s in &case.samples {
        let first = s.first_result_s.expect("a run records its first result");
        assert!(
            (0.05..s.makespan_s).contains(&first),
            "first {first} of {}",
            s.makespan_s
        );
    }
    // Round trip: what is saved loads back equal.
    let again = dir.join("again.json");
    file.save(&again).unwrap();
    assert_eq!(ResultFile::load(&again).unwrap(), file);
    let _ = std::fs::remove_dir_all(dir);
}

/// Each sample records what the unbounded server spent, and the table shows it per request.
#[test]
fn an_io_run_records_the_server_s_cpu() {
    let _t = timing_lock();
    let dir = tmpdir("server-cpu");
    let out_file = dir.join("run.json");
    let out = concbench(&[
        "run",
        "--workload",
        "io",
        "--model",
        "async",
        "--tasks",
        "200",
        "--server-workers",
        "0",
        "--delay",
        "50ms",
        "--repeat",
        "2",
        "--warmup",
        "0",
        "--quiet",
        "--out",
        out_file.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let file = ResultFile::load(&out_file).unwrap();
    let case = &file.cases[0];
    for s in &case.samples {
        assert_eq!((s.ok, s.failures.len()), (200, 0), "{s:?}");
        let cpu = s.server_cpu_s.expect("the run started the server");
        assert!(cpu > 0.0, "{cpu}");
    }
    let table = String::from_utf8(out.stdout).unwrap();
    let row = table.lines().nth(1).unwrap();
    let us = concbench::run::table::server_us_per_request(case).expect("unbounded");
    assert!(row.contains(&format!(" {us:.1} ")), "{table}");
    validate(&out_file);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn an_interrupted_run_leaves_a_readable_incomplete_file() {
    let dir = tmpdir("interrupt");
    let out_file = dir.join("run.json");
    let mut child = Command::new(EXE)
        .args([
            "run",
            "--workload",
            "sleep",
            "--model",
            "threads",
            "--tasks",
            "2",
            "--delay",
            "200ms",
        ])
        .args([
            "--repeat",
            "100",
            "--quiet",
            "--out",
            out_file.to_str().unwrap(),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // The file exists from the start of the run: that is the signal that measuring has begun.
    until(Duration::from_secs(10), "a result file", || {
        out_file.exists()
    });
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let t0 = Instant::now();
    let status = child.wait().unwrap();
    assert!(
        t0.elapsed() < Duration::from_secs(2),
        "took {:?} to stop",
        t0.elapsed()
    );
    assert_eq!(status.code(), Some(143));
    validate(&out_file);
    let file = ResultFile::load(&out_file).unwrap();
    assert!(!file.complete);
    assert!(file.interrupted.unwrap().contains("signal 15"));
    let _ = std::fs::remove_dir_all(dir);
}

/// A bad input is refused before anything starts: the server alone would take longer.
const AT_ONCE: Duration = Duration::from_secs(3);

#[test]
fn bad_input_is_refused_before_anything_starts() {
    let io = ["run", "--workload", "io", "--model"];
    refused_within(
        &[&io[..], &["threads", "--tasks", "0"]].concat(),
        "--tasks 0",
        AT_ONCE,
    );
    refused_within(
        &[&io[..], &["thread-pool", "--limit", "0"]].concat(),
        "--limit must be at least 1",
        AT_ONCE,
    );
    refused_within(
        &[&io[..], &["threads", "--limit", "3"]].concat(),
        "does not apply to model threads",
        AT_ONCE,
    );
    refused_within(
        &[&io[..], &["thread-pool"]].concat(),
        "needs --limit",
        AT_ONCE,
    );
    refused_within(
        &[&io[..], &["warp-drive"]].concat(),
        "possible values",
        AT_ONCE,
    );
    refused_within(
        &["run", "--workload", "disk", "--model", "threads"],
        "possible values",
        AT_ONCE,
    );
    refused_within(
        &["run", "--suite", "everything"],
        "possible values",
        AT_ONCE,
    );
    refused_within(
        &[&io[..], &["threads", "--delay", "61s"]].concat(),
        "60s",
        AT_ONCE,
    );
    refused_within(
        &[&io[..], &["threads", "--target", "ftp://127.0.0.1:1"]].concat(),
        "not an http",
        AT_ONCE,
    );
    refused_within(&["run"], "--suite", AT_ONCE);
    // The loops that are not tokio's run a task's plain steps only, and say what they run.
    for model in ["async-uring", "coroutines"] {
        refused_within(
            &["run", "--workload", "subprocess", "--model", model],
            "runs tasks made of a wait, a GET and a count",
            AT_ONCE,
        );
        refused_within(
            &[&io[..], &[model, "--keep-alive"]].concat(),
            "plain GET",
            AT_ONCE,
        );
    }
}

/// A case against `--target` carries only what the user declared about it: nothing → no workers, no
/// delay, no ideal, no efficiency (never one computed from the default W = 3 and 1 s); declared →
/// its id and ideal say so. A zero-delay target has no ideal in time even when fully declared.
#[test]
fn a_target_case_claims_only_what_was_declared() {
    let _t = timing_lock();
    let server = TestServer::start(0, std::time::Duration::from_millis(20));
    let dir = tmpdir("target");
    let url = server.url();
    let case = |name: &str, extra: &[&str]| {
        let out_file = dir.join(format!("{name}.json"));
        let args = [
            &[
                "run",
                "--workload",
                "io",
                "--model",
                "thread-pool",
                "--tasks",
                "4",
                "--limit",
                "2",
                "--repeat",
                "1",
                "--warmup",
                "0",
                "--quiet",
                "--target",
                &url,
                "--out",
                out_file.to_str().unwrap(),
            ][..],
            extra,
        ]
        .concat();
        let out = concbench(&args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        validate(&out_file);
        ResultFile::load(&out_file).unwrap().cases.remove(0)
    };
    let unknown = case("unknown", &[]);
    assert_eq!(unknown.id, "ad-hoc/io/thread-pool/n4-k2-target");
    assert!(unknown.external);
    assert_eq!(unknown.ideal_s, None, "W and delay unknown: no ideal");
    assert_eq!(unknown.summary.efficiency, None);
    assert_eq!(unknown.samples[0].ok, 4);

    let declared = case("declared", &["--server-workers", "0", "--delay", "20ms"]);
    assert_eq!(declared.id, "ad-hoc/io/thread-pool/n4-k2-winf-20ms");
    assert_eq!(declared.ideal_s, Some(0.04), "⌈4 / 2⌉ × 20 ms");
    assert!(declared.summary.efficiency.is_some_and(|e| e > 0.0));

    let only_delay = case("delay", &["--delay", "20ms"]);
    assert_eq!(only_delay.id, "ad-hoc/io/thread-pool/n4-k2-20ms");
    assert_eq!(only_delay.ideal_s, None, "W unknown: no ideal");

    let zero = case(
        "zero",
        &[
            "--server-workers",
            "0",
            "--path",
            "/delay/0",
            "--keep-alive",
        ],
    );
    assert_eq!(
        zero.ideal_s, None,
        "a zero-delay request has no ideal in time"
    );
    assert_eq!(zero.summary.efficiency, None);
    let _ = std::fs::remove_dir_all(dir);
}

/// Exit 0 and nothing said about it: the output's reader leaving is not the command's failure.
fn ends_quietly(out: &std::process::Output, what: &str) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(0), "{what}: {err}");
    assert!(
        !err.contains("panicked") && !err.contains("Broken pipe"),
        "{what}: {err}"
    );
}

#[test]
fn every_command_that_prints_ends_quietly_when_its_reader_has_gone() {
    let dir = tmpdir("closed-stdout");
    for what in ["list", "schema"] {
        ends_quietly(&with_stdout_closed(Command::new(EXE).arg(what)), what);
    }
    let file = dir.join("run.json");
    let run = with_stdout_closed(Command::new(EXE).args([
        "run",
        "--workload",
        "sleep",
        "--model",
        "threads",
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
        file.to_str().unwrap(),
    ]));
    ends_quietly(&run, "run");
    assert!(ResultFile::load(&file).unwrap().complete);
    let out = dir.join("report");
    let report = with_stdout_closed(Command::new(EXE).args([
        "report",
        "tests/fixtures/small.json",
        "--store",
        dir.join("no-store").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]));
    ends_quietly(&report, "report");
    assert!(out.join("index.html").is_file());
    // No load generator on PATH: calibrate measures its own models only, and prints their table.
    let cal = dir.join("cal.json");
    let calibrate = with_stdout_closed(
        Command::new(EXE)
            .args([
                "calibrate",
                "--duration",
                "200ms",
                "--connections",
                "2",
                "--repeat",
                "1",
                "--quiet",
                "--out",
                cal.to_str().unwrap(),
            ])
            .env("PATH", dir.join("no-bin")),
    );
    ends_quietly(&calibrate, "calibrate");
    assert!(ResultFile::load(&cal).unwrap().complete);
    let compare = with_stdout_closed(Command::new(EXE).args([
        "compare",
        "tests/fixtures/small.json",
        "tests/fixtures/small.json",
    ]));
    ends_quietly(&compare, "compare");
}
