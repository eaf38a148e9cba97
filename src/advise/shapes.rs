//! The job shapes the report advises on for the machine it describes: the talk's (nine requests to
//! a 1 s API behind three sync workers), an API fan-out, a crawler at 10k, a CPU batch, and the
//! aiomultiprocess article's mixed job (its 30 tasks, the mean of its waits as the API's latency,
//! its CPU part as sized from its published times).

use crate::workload::mixed::advice_suite::Job;
use crate::workload::mixed::article;
use std::time::Duration;

/// A named job.
pub struct Shape {
    pub name: &'static str,
    pub job: Job,
}

fn job(tasks: usize, wait_ms: u64, cpu_ms: u64, workers: usize) -> Job {
    Job {
        tasks,
        wait: Duration::from_millis(wait_ms),
        cpu: Duration::from_millis(cpu_ms),
        workers,
        payload: 0,
    }
}

/// The shapes, in the report's order.
pub fn shapes() -> Vec<Shape> {
    let article_cpu_ms = (article::article_cpu_s() * 1e3).round() as u64;
    let article_wait_ms = (article::WAIT_MIN_MS + article::WAIT_MAX_MS) / 2;
    vec![
        Shape {
            name: "the talk's: 9 requests, 1 s API, 3 workers",
            job: job(9, 1_000, 0, 3),
        },
        Shape {
            name: "an API fan-out: 100 calls of 50 ms, 1 ms CPU each",
            job: job(100, 50, 1, 0),
        },
        Shape {
            name: "a crawler at 10k: 10,000 pages of 200 ms, 2 ms parsing",
            job: job(10_000, 200, 2, 0),
        },
        Shape {
            name: "a CPU batch: 64 tasks of 50 ms CPU after a 1 ms fetch",
            job: job(64, 1, 50, 0),
        },
        Shape {
            name: "the article's mixed job: 30 tasks",
            job: job(article::TASKS, article_wait_ms, article_cpu_ms, 0),
        },
    ]
}
