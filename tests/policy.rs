//! The client's policy against a misbehaving server (issue 23 part B), end to end through `run`: a
//! retry resubmits exactly the tries the server's seeded draws fail, in every model, and the server's
//! own counts equal the client's; a 429 wasted by the client is one the server refused; a hedge's
//! loser is closed (worker mode sees its client go); the flags refuse what cannot be done.

mod common;

use common::{concbench, run_ok, skip, stderr, tmpdir, Why};
use concbench::results::{CaseResult, ResultFile};
use concbench_server::draw::{unit, RequestKey, Stream};

fn run(models: &str, extra: &[&str], name: &str) -> ResultFile {
    let dir = tmpdir(name);
    let mut args = vec![
        "--workload",
        "io",
        "--model",
        models,
        "--repeat",
        "1",
        "--seed",
        "11",
    ];
    args.extend_from_slice(extra);
    run_ok(&args, &dir.join("run.json"))
}

fn requests(c: &CaseResult) -> concbench::results::RequestCounts {
    c.samples[0]
        .requests
        .unwrap_or_else(|| panic!("{}: no request counts", c.id))
}

fn outcomes(c: &CaseResult) -> concbench::results::ServerOutcomes {
    c.samples[0]
        .server
        .and_then(|s| s.outcomes)
        .unwrap_or_else(|| panic!("{}: no server outcomes", c.id))
}

/// Tries task `task` needs under seed 11 to pass a failure share `p`, at most `retries` + 1.
fn tries(task: u64, p: f64, retries: u64) -> u64 {
    (0..=retries)
        .position(|attempt| unit(11, Stream::Fail, RequestKey { task, attempt }) >= p)
        .map_or(retries + 1, |i| i as u64 + 1)
}

/// 12 tasks (k = 4) against a server that fails 40% of tries with a 500, each retried up to 3 times.
fn retries_run(models: &str, name: &str) -> ResultFile {
    run(
        models,
        &[
            "--tasks",
            "12",
            "--limit",
            "4",
            "--server-workers",
            "0",
            "--delay",
            "10ms",
            "--fail",
            "0.4,500",
            "--retries",
            "3",
        ],
        name,
    )
}

#[test]
fn retries_resubmit_exactly_the_failed_tries_in_every_model() {
    let file = retries_run(
        "sequential,threads,thread-pool,async,async-semaphore,process-pool",
        "policy-retries",
    );
    retries_follow_the_draws(&file);
}

#[test]
fn pythons_tasks_retry_exactly_the_tries_the_server_fails() {
    if let Err(why) = concbench::run::external::python_env() {
        return skip(Why::NoPythonEnv, why);
    }
    let file = retries_run(
        "py-thread-pool,py-asyncio-semaphore",
        "policy-retries-python",
    );
    assert_eq!(file.cases.len(), 2);
    retries_follow_the_draws(&file);
}

/// Every case sent exactly the tries the server's seeded draws fail, and one more each (not past
/// `--retries 3`), and the server counted what the client counted.
fn retries_follow_the_draws(file: &ResultFile) {
    const N: u64 = 12;
    let expected: u64 = (0..N).map(|t| tries(t, 0.4, 3)).sum();
    let gave_up = (0..N).filter(|&t| {
        tries(t, 0.4, 3) == 4 && {
            unit(
                11,
                Stream::Fail,
                RequestKey {
                    task: t,
                    attempt: 3,
                },
            ) < 0.4
        }
    });
    let gave_up = gave_up.count() as u64;
    assert!(expected > N, "seed 11 fails some tries: {expected}");
    for c in &file.cases {
        let (r, o, s) = (requests(c), outcomes(c), &c.samples[0]);
        // The server's draws say which tries fail; the client sent exactly those and one more each.
        assert_eq!(r.sent, expected, "{}", c.id);
        assert_eq!(r.failed, expected - (N - gave_up), "{}", c.id);
        assert_eq!(s.ok, N - gave_up, "{}", c.id);
        // What the server counted is what the client counted.
        assert_eq!(o.admitted, r.sent, "{}", c.id);
        assert_eq!(o.failed_500, r.failed, "{}", c.id);
        assert_eq!(s.server.unwrap().served, r.sent, "{}", c.id);
        // The pool did not resubmit on top of the task's own retries.
        assert_eq!(s.attempts, N, "{}: {}", c.id, s.attempts);
        // No run beats the ideal built from the same draws.
        assert!(s.makespan_s >= c.ideal_s.unwrap(), "{}", c.id);
    }
}

#[test]
fn every_429_the_client_wastes_is_one_the_server_refused() {
    for policy in ["at-once", "backoff", "limit"] {
        let file = rate_limited("thread-pool,async-semaphore", policy, "policy-429");
        refusals_are_the_servers(&file, policy);
    }
}

#[test]
fn every_429_a_python_task_wastes_is_one_the_server_refused() {
    if let Err(why) = concbench::run::external::python_env() {
        return skip(Why::NoPythonEnv, why);
    }
    let file = rate_limited(
        "py-thread-pool,py-asyncio-semaphore",
        "backoff",
        "policy-429-python",
    );
    assert_eq!(file.cases.len(), 2);
    refusals_are_the_servers(&file, "backoff");
}

/// 12 tasks (k = 4) against a server that admits 40 a second, in bursts of 2.
fn rate_limited(models: &str, on_429: &str, name: &str) -> ResultFile {
    run(
        models,
        &[
            "--tasks", "12", "--limit", "4", "--delay", "5ms", "--rate", "40/s", "--burst", "2",
            "--on-429", on_429,
        ],
        name,
    )
}

/// The client's 429s are the server's, every task answered, none before the bucket allowed.
fn refusals_are_the_servers(file: &ResultFile, policy: &str) {
    for c in &file.cases {
        let (r, s) = (requests(c), &c.samples[0]);
        assert_eq!(s.ok, 12, "{}: {:?}", c.id, s.failures);
        let refused = s.server.unwrap().outcomes.map_or(0, |o| o.refused_429);
        assert_eq!(r.refused_429, refused, "{}", c.id);
        assert_eq!(r.sent, 12 + r.refused_429, "{}", c.id);
        // (N − B) / R: ten tokens at 40/s.
        assert!(
            s.makespan_s >= 10.0 / 40.0 * 0.99,
            "{}: {}",
            c.id,
            s.makespan_s
        );
        if policy == "at-once" {
            assert!(r.refused_429 > 0, "{}: retrying at once drew no 429", c.id);
        }
    }
}

#[test]
fn a_hedges_loser_is_closed_and_the_server_sees_it_go() {
    // Worker mode notices a client gone during the delay; a third of first tries held 20×.
    for model in ["threads", "async"] {
        let file = run(
            model,
            &[
                "--tasks",
                "10",
                "--server-workers",
                "30",
                "--delay",
                "20ms",
                "--delay-dist",
                "tail:p=0.3,x=20",
                "--hedge-after",
                "60ms",
            ],
            "policy-hedge",
        );
        let c = &file.cases[0];
        let (r, o) = (requests(c), outcomes(c));
        assert_eq!(c.samples[0].ok, 10, "{}", c.id);
        assert!(r.hedges > 0, "{}: no hedge was sent", c.id);
        assert_eq!(r.sent, 10 + r.hedges, "{}", c.id);
        // Every hedge's loser was cancelled, and the server saw each go before its delay ended
        // (a hedge that itself drew the tail may lose to its first try: still one closed).
        assert_eq!(o.cancelled, r.hedges, "{}: {o:?} {r:?}", c.id);
    }
}

#[test]
fn the_policy_flags_refuse_what_cannot_be_done() {
    let refused = |args: &[&str], says: &str| {
        let mut all = vec!["run", "--workload", "io", "--tasks", "2"];
        if !args.contains(&"--model") {
            all.extend_from_slice(&["--model", "async"]);
        }
        all.extend_from_slice(args);
        let out = concbench(&all);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(says), "{args:?}: {}", stderr(&out));
    };
    refused(&["--on-429", "limit"], "give --rate too");
    // Python's tasks retry and back off, but neither hedge nor pace themselves.
    for python in [
        &["--model", "py-threads", "--hedge-after", "50ms"][..],
        &[
            "--model",
            "py-threads",
            "--rate",
            "5/s",
            "--on-429",
            "limit",
        ],
    ] {
        refused(python, "whose clients have no hedge or limiter here");
    }
    let out = concbench(&[
        "run",
        "--workload",
        "io",
        "--tasks",
        "1",
        "--model",
        "py-threads",
        "--retries",
        "2",
        "--backoff",
        "exp",
        "--on-429",
        "retry-after",
        "--repeat",
        "1",
        "--warmup",
        "0",
        "--quiet",
        "--out",
        tmpdir("policy-python-accepted")
            .join("run.json")
            .to_str()
            .unwrap(),
    ]);
    // Accepted: it runs where there is a Python env, and is not refused for its policy anywhere.
    assert!(
        !stderr(&out).contains("hedge or limiter") && !stderr(&out).contains("client policy"),
        "{}",
        stderr(&out)
    );
    if concbench::run::external::python_env().is_ok() {
        assert!(out.status.success(), "{}", stderr(&out));
    }
    refused(
        &[
            "--model",
            "process-pool",
            "--limit",
            "2",
            "--rate",
            "5/s",
            "--on-429",
            "limit",
        ],
        "each worker process would pace itself",
    );
    refused(&["--hedge-after", "0ms"], "--hedge-after must be above 0");
    refused(
        &["--hedge-after", "50ms", "--client", "library"],
        "needs the direct client",
    );
    refused(&["--backoff", "linear"], "--backoff \"linear\"");
    let out = concbench(&[
        "run",
        "--workload",
        "cpu",
        "--model",
        "sequential",
        "--on-429",
        "backoff",
    ]);
    assert!(
        stderr(&out).contains("the io workload's client policy"),
        "{}",
        stderr(&out)
    );
}
