//! What the retries section reads of each case: its shape (N tasks at once, or on k workers, with a
//! share p of tries failing), its model and whether it backs off, its median makespan against an ideal
//! that holds the failing tries the server's seeded draws will make, the tries it made per task beside
//! the expected 1 / (1 − p), and the failed tries it counted beside the server's own 500s and resets,
//! repetition by repetition. Counts are medians over repetitions (one repetition's, not a sum).

use crate::names::{Group, ModelKind};
use crate::report::data::{self, ReportData};
use crate::report::flags::Flags;
use crate::results::{CaseResult, Sample};
use crate::stats::median;
use concbench_server::misbehave::{FailKind, FailSpec};

/// Whether the client's failed tries and the server's 500s and resets agree in every repetition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Agreement {
    Agree,
    Disagree,
    /// Some repetition lacks the client's counts or the server's.
    Unknown,
}

impl Agreement {
    pub fn of(samples: &[Sample]) -> Agreement {
        let mut out = if samples.is_empty() {
            Agreement::Unknown
        } else {
            Agreement::Agree
        };
        for s in samples {
            let (Some(r), Some(server)) = (s.requests.as_ref(), s.server) else {
                return Agreement::Unknown;
            };
            if r.failed != server.outcomes.map_or(0, |o| o.failed_500 + o.reset) {
                out = Agreement::Disagree;
            }
        }
        out
    }

    pub fn mark(self) -> &'static str {
        match self {
            Agreement::Agree => "✓",
            Agreement::Disagree => "✗",
            Agreement::Unknown => "?",
        }
    }
}

/// One case of the retries group.
#[derive(Debug, Clone)]
pub struct RetryRow {
    pub id: String,
    pub model: ModelKind,
    pub limit: Option<usize>,
    pub tasks: usize,
    pub delay_ms: Option<u64>,
    pub fail: Option<FailSpec>,
    pub retries: u32,
    /// Whether a failed try waits (exponential backoff with full jitter) before the next.
    pub backoff: Option<(u64, u64)>,
    pub makespan: f64,
    pub ideal: Option<f64>,
    /// The group table's efficiency cell: a figure, or why there is none.
    pub efficiency: String,
    /// Medians over repetitions: requests sent, failed tries the client counted, and the server's
    /// 500s and resets.
    pub sent: Option<f64>,
    pub failed: Option<f64>,
    pub server_500: Option<f64>,
    pub server_reset: Option<f64>,
    pub agreement: Agreement,
    pub flags: Flags,
}

impl RetryRow {
    pub fn of(c: &CaseResult) -> Option<RetryRow> {
        let io = data::io(c)?;
        let policy = io.policy.as_deref();
        let per = |f: &dyn Fn(&Sample) -> Option<u64>| -> Option<f64> {
            let all: Option<Vec<f64>> = c.samples.iter().map(|s| Some(f(s)? as f64)).collect();
            all.filter(|v| !v.is_empty()).map(|v| median(&v))
        };
        Some(RetryRow {
            id: c.id.clone(),
            model: c.params.model,
            limit: c.params.limit,
            tasks: c.params.tasks,
            delay_ms: io.server_delay_ms,
            fail: io
                .misbehaviour
                .as_deref()
                .and_then(|m| m.fail.as_deref()?.parse().ok()),
            retries: policy.map_or(0, |p| p.retries),
            backoff: policy
                .and_then(|p| p.backoff)
                .map(|b| (b.base_ms, b.cap_ms)),
            makespan: c.summary.makespan.median,
            ideal: c.ideal_s,
            efficiency: crate::report::table::efficiency(c),
            sent: per(&|s| Some(s.requests.as_ref()?.sent)),
            failed: per(&|s| Some(s.requests.as_ref()?.failed)),
            server_500: per(&|s| Some(s.server?.outcomes.map_or(0, |o| o.failed_500))),
            server_reset: per(&|s| Some(s.server?.outcomes.map_or(0, |o| o.reset))),
            agreement: Agreement::of(&c.samples),
            flags: Flags::of(c),
        })
    }

    /// The model as a row names it: `process-pool k=5`.
    pub fn name(&self) -> String {
        match self.limit {
            Some(k) => format!("{} k={k}", self.model),
            None => self.model.to_string(),
        }
    }

    /// Workers, when fewer than the tasks: the tasks then wait for one.
    pub fn workers(&self) -> Option<usize> {
        self.limit.filter(|&k| k < self.tasks)
    }

    /// Tries per task: requests sent over N (median repetition).
    pub fn tries_per_task(&self) -> Option<f64> {
        self.sent.map(|s| s / self.tasks.max(1) as f64)
    }

    /// The tries a task is expected to make when each fails with probability p: 1 / (1 − p).
    pub fn expected_tries(&self) -> Option<f64> {
        self.fail.filter(|f| f.p < 1.0).map(|f| 1.0 / (1.0 - f.p))
    }

    /// What a sentence and the table's first column are about: the tasks, their lanes, their failures.
    pub fn shape(&self) -> (usize, Option<usize>, Option<u64>, Option<String>) {
        (
            self.tasks,
            self.workers(),
            self.delay_ms,
            self.fail.map(|f| f.to_string()),
        )
    }

    /// The table's shape cell: `7 at once, 50 % failing (500)`, `20 on 5 workers, 40 % failing (500)`.
    pub fn shape_label(&self) -> String {
        let lanes = match self.workers() {
            Some(k) => format!("on {k} workers"),
            None => "at once".into(),
        };
        let fail = self.fail.map_or(String::new(), |f| {
            format!(
                ", {} failing ({})",
                crate::render::fmt::pct(f.p),
                kind(f.kind)
            )
        });
        format!("{} {lanes}{fail}", self.tasks)
    }

    /// The table's policy cell: `20 retries at once`, `20 retries, backoff 10 ms doubling to 1 s`.
    pub fn policy_label(&self) -> String {
        let retries = format!("{} retries", self.retries);
        match self.backoff {
            Some((base, cap)) => format!("{retries}, backoff {} doubling to {}", ms(base), ms(cap)),
            None => format!("{retries} at once"),
        }
    }
}

/// Milliseconds as a duration reads: `10 ms`, `1 s`.
pub fn ms(v: u64) -> String {
    match v >= 1000 && v.is_multiple_of(1000) {
        true => format!("{} s", v / 1000),
        false => format!("{} ms", crate::render::fmt::count(v)),
    }
}

/// How a failure reads: `500`, `reset`.
pub fn kind(k: FailKind) -> &'static str {
    match k {
        FailKind::Status500 => "500",
        FailKind::Reset => "reset",
    }
}

/// Every retries case, in run order.
pub fn rows_of(cases: &[&CaseResult]) -> Vec<RetryRow> {
    cases.iter().filter_map(|c| RetryRow::of(c)).collect()
}

pub fn rows(data: &ReportData) -> Vec<RetryRow> {
    rows_of(&data.group(Group::Retries))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::{RequestCounts, ServerObservation, ServerOutcomes};

    fn sample(failed: u64, failed_500: u64, reset: u64) -> Sample {
        Sample {
            requests: Some(RequestCounts {
                sent: 10,
                refused_429: 0,
                hedges: 0,
                timeouts: 0,
                failed,
            }),
            server: Some(ServerObservation {
                served: 10,
                max_in_flight: 7,
                outcomes: Some(ServerOutcomes {
                    admitted: 10,
                    ok: 10 - failed_500 - reset,
                    slow_tail: 0,
                    refused_429: 0,
                    failed_500,
                    reset,
                    cancelled: 0,
                }),
            }),
            ..Sample::default()
        }
    }

    #[test]
    fn the_clients_failed_tries_are_the_servers_500s_and_resets() {
        let mut samples = vec![sample(3, 3, 0), sample(4, 1, 3)];
        assert_eq!(Agreement::of(&samples), Agreement::Agree);
        samples[1] = sample(4, 1, 2);
        assert_eq!(Agreement::of(&samples).mark(), "✗");
        samples[1].requests = None;
        assert_eq!(Agreement::of(&samples).mark(), "?");
    }

    #[test]
    fn a_duration_and_a_failure_read_as_written() {
        assert_eq!(
            (ms(10), ms(1000), ms(1500)),
            ("10 ms".into(), "1 s".into(), "1,500 ms".into())
        );
        assert_eq!(kind(FailKind::Reset), "reset");
    }
}
