//! What the tails section reads of each case: how its client met the slow tail (plain, a timeout with
//! retries, a hedge), its median makespan against the ideal, its task p99, the requests it sent and
//! what became of them (timed out, hedged), the server's own count of the slow requests, and the
//! threads it held at peak — the price a blocking model pays for every request still waiting, which a
//! future does not. Counts are medians over repetitions, so a figure is one repetition's, not a sum.

use crate::names::{Group, ModelKind};
use crate::report::data::{self, ReportData};
use crate::report::flags::Flags;
use crate::results::{CaseResult, RequestCounts};
use crate::stats::median;
use crate::workload::io::DEFAULT_TIMEOUT;
use concbench_server::delay_dist::DelayDist;

/// How a case's client met a slow request: what its policy adds to a plain request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Meeting {
    /// A request with no answer after this long is given up (and retried): set when the case has
    /// retries or a timeout shorter than the default, which no slow request reaches.
    pub timeout_ms: Option<u64>,
    pub retries: u32,
    pub hedge_after_ms: Option<u64>,
}

impl Meeting {
    pub fn of(c: &CaseResult) -> Option<Meeting> {
        let io = data::io(c)?;
        let policy = io.policy.as_deref();
        let retries = policy.map_or(0, |p| p.retries);
        let short = io.timeout_ms < DEFAULT_TIMEOUT.as_millis() as u64;
        Some(Meeting {
            timeout_ms: (retries > 0 || short).then_some(io.timeout_ms),
            retries,
            hedge_after_ms: policy.and_then(|p| p.hedge_after_ms),
        })
    }

    /// What the table's policy column says: `plain`, `timeout 100 ms + 2 retries`, `hedge after 75 ms`.
    pub fn label(&self) -> String {
        let mut parts = Vec::new();
        if let Some(t) = self.timeout_ms {
            parts.push(format!("timeout {}", ms(t)));
        }
        if self.retries > 0 {
            parts.push(format!(
                "{} {}",
                self.retries,
                plural(self.retries, "retry", "retries")
            ));
        }
        let mut out = parts.join(" + ");
        if let Some(h) = self.hedge_after_ms {
            out += &format!(
                "{}hedge after {}",
                if out.is_empty() { "" } else { ", " },
                ms(h)
            );
        }
        match out.is_empty() {
            true => "plain".into(),
            false => out,
        }
    }

    /// How a sentence says it: `plain`, `with a 100 ms timeout and 2 retries`, `hedged after 75 ms`.
    pub fn phrase(&self) -> String {
        let mut parts = Vec::new();
        if let Some(h) = self.hedge_after_ms {
            parts.push(format!("hedged after {}", ms(h)));
        }
        match (self.timeout_ms, self.retries) {
            (None, 0) => {}
            (Some(t), 0) => parts.push(format!("with a {} timeout", ms(t))),
            (t, r) => parts.push(format!(
                "with {}{r} {}",
                t.map_or(String::new(), |t| format!("a {} timeout and ", ms(t))),
                plural(r, "retry", "retries")
            )),
        }
        match parts.is_empty() {
            true => "plain".into(),
            false => parts.join(", "),
        }
    }
}

/// One case of the tails group.
#[derive(Debug, Clone)]
pub struct TailRow {
    pub id: String,
    pub model: ModelKind,
    pub limit: Option<usize>,
    pub tasks: usize,
    /// The server's base delay, milliseconds.
    pub delay_ms: Option<u64>,
    /// The server's `--delay-dist`, parsed.
    pub dist: Option<DelayDist>,
    pub meeting: Meeting,
    pub makespan: f64,
    pub ideal: Option<f64>,
    /// The group table's efficiency cell: a figure, or why there is none.
    pub efficiency: String,
    pub task_p99: f64,
    /// Medians over repetitions of the client's counts; None when a repetition lacks them.
    pub sent: Option<f64>,
    pub timeouts: Option<f64>,
    pub hedges: Option<f64>,
    /// The server's count of requests it held in the tail (median).
    pub slow: Option<f64>,
    pub threads_peak: u64,
    pub flags: Flags,
}

impl TailRow {
    pub fn of(c: &CaseResult) -> Option<TailRow> {
        let io = data::io(c)?;
        let dist = io
            .misbehaviour
            .as_deref()
            .and_then(|m| m.delay_dist.as_deref()?.parse().ok());
        Some(TailRow {
            id: c.id.clone(),
            model: c.params.model,
            limit: c.params.limit,
            tasks: c.params.tasks,
            delay_ms: io.server_delay_ms,
            dist,
            meeting: Meeting::of(c)?,
            makespan: c.summary.makespan.median,
            ideal: c.ideal_s,
            efficiency: crate::report::table::efficiency(c),
            task_p99: c.summary.task_p99_s,
            sent: requests(c, |r| r.sent),
            timeouts: requests(c, |r| r.timeouts),
            hedges: requests(c, |r| r.hedges),
            slow: slow_tail(c),
            threads_peak: c.summary.threads_peak,
            flags: Flags::of(c),
        })
    }

    /// The model as a row names it: `threads`, `thread-pool k=8`.
    pub fn name(&self) -> String {
        match self.limit {
            Some(k) => format!("{} k={k}", self.model),
            None => self.model.to_string(),
        }
    }

    /// Requests sent beyond one a task: retries and hedges.
    pub fn extra(&self) -> Option<f64> {
        self.sent.map(|s| s - self.tasks as f64)
    }

    /// The family a sentence is about: the models running as many requests at once.
    pub fn family(&self) -> (usize, Option<usize>) {
        (self.tasks, self.limit.filter(|&k| k < self.tasks))
    }
}

/// The median over repetitions of one of the client's counts, when every repetition has them.
pub fn requests(c: &CaseResult, f: impl Fn(&RequestCounts) -> u64) -> Option<f64> {
    let all: Option<Vec<f64>> = c
        .samples
        .iter()
        .map(|s| s.requests.as_ref().map(|r| f(r) as f64))
        .collect();
    all.filter(|v| !v.is_empty()).map(|v| median(&v))
}

/// The median over repetitions of the server's slow-tail count. A repetition whose server was read but
/// reported no outcomes held nothing in the tail (outcomes are left out when nothing misbehaved).
fn slow_tail(c: &CaseResult) -> Option<f64> {
    let all: Option<Vec<f64>> = c
        .samples
        .iter()
        .map(|s| Some(s.server?.outcomes.map_or(0, |o| o.slow_tail) as f64))
        .collect();
    all.filter(|v| !v.is_empty()).map(|v| median(&v))
}

/// Every tails case, in run order.
pub fn rows_of(cases: &[&CaseResult]) -> Vec<TailRow> {
    cases.iter().filter_map(|c| TailRow::of(c)).collect()
}

pub fn rows(data: &ReportData) -> Vec<TailRow> {
    rows_of(&data.group(Group::Tails))
}

/// Milliseconds as a duration reads: `75 ms`, `2 s`.
pub fn ms(v: u64) -> String {
    match v >= 1000 && v.is_multiple_of(1000) {
        true => format!("{} s", v / 1000),
        false => format!("{v} ms"),
    }
}

fn plural<'a>(n: u32, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 {
        one
    } else {
        many
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_meeting_reads_as_its_policy() {
        let plain = Meeting {
            timeout_ms: None,
            retries: 0,
            hedge_after_ms: None,
        };
        assert_eq!(
            (plain.label(), plain.phrase()),
            ("plain".into(), "plain".into())
        );
        let retry = Meeting {
            timeout_ms: Some(100),
            retries: 2,
            ..plain
        };
        assert_eq!(retry.label(), "timeout 100 ms + 2 retries");
        assert_eq!(retry.phrase(), "with a 100 ms timeout and 2 retries");
        let hedge = Meeting {
            hedge_after_ms: Some(75),
            ..plain
        };
        assert_eq!(hedge.label(), "hedge after 75 ms");
        assert_eq!(hedge.phrase(), "hedged after 75 ms");
        assert_eq!(ms(2000), "2 s");
    }
}
