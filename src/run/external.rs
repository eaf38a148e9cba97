//! External models: a program that speaks the task protocol (python/concbench_py/protocol.py) runs one
//! repetition in place of a case process. The harness writes the spec as one JSON object on its stdin
//! and reads one JSON line from its stdout — setup time, peak RSS, and per task its start, end,
//! failure and service time from the submission instant — and turns that into the same
//! [`CaseOutput`] a Rust case answers, so makespan, latencies and efficiency are computed the same way
//! for both languages; CPU time comes from wait4 as for any case. A program that crashes, answers
//! garbage or hangs (killed at the deadline) fails its case with one line that says which.
//!
//! The Python models need an environment (`make python-env`): python/.venv, or the interpreter in
//! `CONCBENCH_PYTHON`. Without one, [`python_env`] says why and the run skips those cases.

use super::case::{CaseOutput, CaseSpec, TIMELINE_MAX_TASKS};
use crate::measure::{latency, rusage};
use crate::model::aggregate::Aggregate;
use crate::model::TaskRecord;
use crate::names::FailureKind;
use crate::workload::{TaskResult, Tries};
use anyhow::{bail, Context};
use serde::Deserialize;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

/// The protocol version both sides speak.
pub const PROTOCOL: u32 = 1;
/// The most a program may print: a 100,000-task answer is a few megabytes.
const MAX_OUTPUT: u64 = 64 << 20;

/// Where the Python models live: the interpreter and the directory holding `concbench_py`.
#[derive(Debug, Clone, PartialEq)]
pub struct PythonEnv {
    pub python: PathBuf,
    pub dir: PathBuf,
}

/// The Python environment, or the one line that says why there is none.
pub fn python_env() -> Result<PythonEnv, String> {
    let dir = std::env::var_os("CONCBENCH_PYTHON_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("python"));
    let python = std::env::var_os("CONCBENCH_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| dir.join(".venv/bin/python"));
    if !python.is_file() {
        return Err(format!(
            "no python env ({} is missing: run `make python-env`)",
            python.display()
        ));
    }
    if !dir.join("concbench_py").is_dir() {
        return Err(format!("no concbench_py in {}", dir.display()));
    }
    Ok(PythonEnv { python, dir })
}

/// The spec as the protocol states it.
pub fn protocol_spec(spec: &CaseSpec) -> anyhow::Result<serde_json::Value> {
    use serde_json::json;
    let mut doc = json!({
        "protocol": PROTOCOL,
        "model": spec.model.name(),
        "tasks": spec.tasks,
        "limit": spec.limit,
        "url": "",
        "keep_alive": false,
        "timeout_s": 60.0,
        "per_worker": spec.per_worker,
        "cpu_iters": 0,
        "delay_s": 0.0,
    });
    let Some(serde_json::Value::Object(task)) =
        spec.workload.describe().python(&spec.url, spec.tasks)
    else {
        bail!(
            "{} runs in Python, which has no {} task (python/concbench_py/tasks.py)",
            spec.model,
            spec.workload.kind()
        )
    };
    for (field, value) in task {
        doc[field] = value;
    }
    Ok(doc)
}

/// One repetition of a Python model, measured like a case process.
pub fn run_isolated(
    spec: &CaseSpec,
    deadline: Duration,
) -> anyhow::Result<(CaseOutput, rusage::Usage)> {
    let env = python_env().map_err(|why| anyhow::anyhow!("{}: {why}", spec.model))?;
    let mut cmd = Command::new(&env.python);
    cmd.args(["-m", "concbench_py"])
        .current_dir(&env.dir)
        // No .pyc writes into the checkout, no user site-packages leaking into the pinned env.
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("PYTHONNOUSERSITE", "1");
    run_program(cmd, spec, deadline)
}

/// Run `cmd` as the external model of `spec`: spec in, answer out, measured with wait4, killed after
/// `deadline`. Tests give it stand-in programs.
pub fn run_program(
    mut cmd: Command,
    spec: &CaseSpec,
    deadline: Duration,
) -> anyhow::Result<(CaseOutput, rusage::Usage)> {
    let input = serde_json::to_vec(&protocol_spec(spec)?).expect("spec serialises");
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    crate::spawn::die_with_parent(&mut cmd);
    let program = cmd.get_program().to_string_lossy().into_owned();
    let mut child = cmd
        .spawn()
        .with_context(|| format!("cannot start the external model ({program})"))?;
    super::children::set_current(child.id());
    let mut stdin = child.stdin.take().expect("piped");
    // A program that never reads its stdin must not block the harness: write from a thread.
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let mut stderr = child.stderr.take().expect("piped");
    let err_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.by_ref().take(MAX_OUTPUT).read_to_string(&mut s);
        s
    });
    let (done, watchdog) = super::case::watch(child.id(), deadline);
    let mut out = String::new();
    let _ = child
        .stdout
        .take()
        .expect("piped")
        .take(MAX_OUTPUT)
        .read_to_string(&mut out);
    let _ = writer.join();
    drop(done);
    let hung = watchdog.join().unwrap_or(false);
    let (status, usage) = rusage::wait(child.id())?;
    super::children::set_current(0);
    let stderr = err_reader.join().unwrap_or_default();
    if hung {
        bail!(
            "{}: the external model was still running after {}: killed",
            spec.model,
            humantime::format_duration(deadline)
        );
    }
    if rusage::exit_code(status) != 0 {
        let why = stderr.trim().lines().last().unwrap_or("no message");
        bail!(
            "{}: the external model {}: {why}",
            spec.model,
            rusage::describe(status)
        );
    }
    let answer = parse(&out, spec.tasks).with_context(|| {
        format!(
            "{}: the external model's answer is not the task protocol",
            spec.model
        )
    })?;
    Ok((answer.into_output(spec.tasks), usage))
}

/// The answer of an external model.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
struct Answer {
    protocol: u32,
    setup_s: f64,
    peak_rss_kib: Option<u64>,
    threads_peak: Option<u64>,
    tasks: Vec<TaskAnswer>,
    /// What an ipc case's pairs exchanged (python/concbench_py/ipc.py), the record Rust's cases make.
    #[serde(default)]
    ipc: Option<crate::workload::ipc::Exchanged>,
}

#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
struct TaskAnswer {
    start: f64,
    end: f64,
    failure: Option<FailureKind>,
    service: Option<f64>,
    /// What an io task's requests met; given with a client policy or when it sent more than one.
    #[serde(default)]
    tries: Option<TriesAnswer>,
}

/// A task's tries as Python counts them (it sends no hedges).
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
struct TriesAnswer {
    requests: u32,
    refused: u32,
    timeouts: u32,
    failed: u32,
}

impl TaskAnswer {
    /// Its tries; when others in the answer were counted (`counted`), a task without them that
    /// made a request (it has a service time) sent exactly one, which met its failure.
    fn tries(&self, counted: bool) -> Tries {
        match (self.tries, counted && self.service.is_some()) {
            (Some(t), _) => Tries {
                requests: t.requests,
                refused: t.refused,
                hedges: 0,
                timeouts: t.timeouts,
                failed: t.failed,
            },
            (None, true) => {
                let mut t = Tries {
                    requests: 1,
                    ..Tries::default()
                };
                match self.failure {
                    None => {}
                    Some(FailureKind::Refused) => t.refused = 1,
                    Some(FailureKind::Timeout) => t.timeouts = 1,
                    Some(_) => t.failed = 1,
                }
                t
            }
            (None, false) => Tries::default(),
        }
    }
}

/// The last line of `out` as an answer for `tasks` tasks, every figure checked.
fn parse(out: &str, tasks: usize) -> anyhow::Result<Answer> {
    let line = out
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .context("it printed nothing")?;
    let shown: String = line.chars().take(80).collect();
    let a: Answer = serde_json::from_str(line)
        .with_context(|| format!("its last line {shown:?} is not an answer"))?;
    anyhow::ensure!(
        a.protocol == PROTOCOL,
        "protocol {} (this harness speaks {PROTOCOL})",
        a.protocol
    );
    anyhow::ensure!(
        a.tasks.len() == tasks,
        "{} tasks answered, {tasks} asked",
        a.tasks.len()
    );
    let time = |v: f64| v.is_finite() && (0.0..1e9).contains(&v);
    anyhow::ensure!(time(a.setup_s), "setup_s {} is not a time", a.setup_s);
    for (i, t) in a.tasks.iter().enumerate() {
        anyhow::ensure!(
            time(t.start) && time(t.end) && t.end >= t.start && t.service.is_none_or(time),
            "task {i}: start {}, end {}, service {:?} are not times in order",
            t.start,
            t.end,
            t.service
        );
    }
    Ok(a)
}

impl Answer {
    fn into_output(self, tasks: usize) -> CaseOutput {
        let secs = Duration::from_secs_f64;
        let counted = self.tasks.iter().any(|t| t.tries.is_some());
        let records: Vec<TaskRecord> = self
            .tasks
            .iter()
            .map(|t| TaskRecord {
                start: secs(t.start),
                end: secs(t.end),
                result: TaskResult {
                    outcome: t.failure.map_or(Ok(0), Err),
                    service: t.service.map(secs),
                    tries: t.tries(counted),
                    call: None,
                    part: None,
                },
                marks: Default::default(),
                attempts: 1,
            })
            .collect();
        let all = Aggregate::of(&records, |_| Ok(()));
        CaseOutput {
            // Python models keep no ledger.
            ledger: None,
            series: None,
            setup_s: self.setup_s,
            makespan_s: all.makespan.as_secs_f64(),
            first_result_s: all.first_done.map(|d| d.as_secs_f64()),
            cpu_part_s: all.cpu_part_s(),
            ok: all.ok,
            failures: all
                .failures
                .iter()
                .map(|(k, n)| (k.name().to_string(), *n))
                .collect(),
            task_latency: latency::of(&all.task_latency).unwrap_or_default(),
            service_latency: latency::of(&all.service_latency),
            threads_peak: self.threads_peak.unwrap_or(1),
            workers: None,
            timeline: (tasks <= TIMELINE_MAX_TASKS)
                .then(|| self.tasks.iter().map(|t| [t.start, t.end]).collect()),
            attempts: all.attempts,
            // As case.rs counts them: only when some task reported its requests.
            requests: (all.tries.sent > 0).then_some(all.tries),
            pool_started: None,
            peak_rss_kib: self.peak_rss_kib,
            stages: None,
            spawned: None,
            spawn_error: None,
            tally: None,
            ipc: self.ipc,
            hop: None,
            count: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_checked_before_they_are_believed() {
        let ok = r#"{"protocol":1,"setup_s":0.1,"peak_rss_kib":100,"threads_peak":2,"tasks":[{"start":0.0,"end":1.0,"failure":null,"service":0.9},{"start":0.0,"end":2.0,"failure":"connect","service":null}]}"#;
        let a = parse(&format!("some log line\n{ok}\n"), 2).unwrap();
        let out = a.into_output(2);
        assert_eq!((out.ok, out.makespan_s), (1, 2.0));
        // The first answer is the first end, a failure's as much as a success's.
        assert_eq!(out.first_result_s, Some(1.0));
        assert_eq!(out.failures.get("connect"), Some(&1));
        assert_eq!(out.timeline, Some(vec![[0.0, 1.0], [0.0, 2.0]]));
        for (bad, why) in [
            (ok.replace("\"protocol\":1", "\"protocol\":2"), "protocol 2"),
            (ok.replace("\"end\":1.0", "\"end\":-1.0"), "not times"),
            (ok.replace("connect", "gremlins"), "not an answer"),
            (
                ok.replace(",\"threads_peak\":2", ",\"extra\":2"),
                "not an answer",
            ),
        ] {
            let err = format!("{:#}", parse(&bad, 2).unwrap_err());
            assert!(err.contains(why), "{err}");
        }
        assert!(format!("{:#}", parse(ok, 3).unwrap_err()).contains("2 tasks answered, 3 asked"));
        assert!(format!("{:#}", parse("", 1).unwrap_err()).contains("printed nothing"));
        // Without tries, a plain answer counts no requests, as before.
        assert_eq!(parse(ok, 2).unwrap().into_output(2).requests, None);
    }

    #[test]
    fn a_tasks_tries_are_summed_as_the_rust_models_sum_them() {
        let answer = r#"{"protocol":1,"setup_s":0.1,"peak_rss_kib":100,"threads_peak":2,"tasks":[{"start":0.0,"end":1.0,"failure":null,"service":0.9,"tries":{"requests":3,"refused":1,"timeouts":0,"failed":1}},{"start":0.0,"end":2.0,"failure":"timeout","service":1.5},{"start":0.0,"end":2.0,"failure":"worker-lost","service":null}]}"#;
        let r = parse(answer, 3).unwrap().into_output(3).requests.unwrap();
        // The second task sent one request, which timed out; the third none.
        assert_eq!(
            (r.sent, r.refused_429, r.hedges, r.timeouts, r.failed),
            (4, 1, 0, 1, 1)
        );
        let bad = answer.replace("\"failed\":1}", "\"failed\":1,\"hedges\":0}");
        assert!(format!("{:#}", parse(&bad, 3).unwrap_err()).contains("not an answer"));
    }
}
