//! What the rate-limit section reads of each case: the answer its client gave a 429, its median
//! makespan against the ideal (N − B) / R, its goodput, the 429s it drew (wasted requests) beside the
//! server's own count of 429s sent, repetition by repetition, and the CPU the server spent — most of it
//! refusing, when a client hammers. Counts are medians over repetitions (one repetition's, not a sum).

use crate::names::{Group, ModelKind};
use crate::report::data::{self, ReportData};
use crate::report::flags::Flags;
use crate::results::{CaseResult, Sample};
use crate::stats::median;
use crate::workload::io::{On429, Policy};
use concbench_server::bucket::Rate;

/// Whether the client's 429s and the server's agree, repetition by repetition.
#[derive(Debug, Clone, PartialEq)]
pub enum Agreement {
    /// Every repetition's counts are equal.
    Agree,
    /// The repetitions (0-based) whose counts differ: (repetition, client, server).
    Disagree(Vec<(usize, u64, u64)>),
    /// Some repetition lacks the client's counts or the server's (its counters could not be read).
    Unknown,
}

impl Agreement {
    /// Compares each repetition's pair; a server read with no outcomes refused nothing (outcomes are
    /// left out when nothing misbehaved).
    pub fn of(samples: &[Sample]) -> Agreement {
        let mut differ = Vec::new();
        for (i, s) in samples.iter().enumerate() {
            let (Some(r), Some(server)) = (s.requests.as_ref(), s.server) else {
                return Agreement::Unknown;
            };
            let theirs = server.outcomes.map_or(0, |o| o.refused_429);
            if r.refused_429 != theirs {
                differ.push((i, r.refused_429, theirs));
            }
        }
        match (samples.is_empty(), differ.is_empty()) {
            (true, _) => Agreement::Unknown,
            (false, true) => Agreement::Agree,
            (false, false) => Agreement::Disagree(differ),
        }
    }

    /// The table's mark: ✓, ✗, or `?` when one side was not read.
    pub fn mark(&self) -> &'static str {
        match self {
            Agreement::Agree => "✓",
            Agreement::Disagree(_) => "✗",
            Agreement::Unknown => "?",
        }
    }
}

/// One case of the rate-limit group.
#[derive(Debug, Clone)]
pub struct LimitRow {
    pub id: String,
    pub model: ModelKind,
    pub limit: Option<usize>,
    pub tasks: usize,
    /// The server's limit and burst.
    pub rate: Option<Rate>,
    pub burst: Option<u32>,
    pub policy: Policy,
    pub makespan: f64,
    pub ideal: Option<f64>,
    /// The group table's efficiency cell: a figure, or why there is none.
    pub efficiency: String,
    /// Tasks answered 200 per second of makespan (median over repetitions).
    pub goodput: f64,
    /// Tasks answered 200 (median over repetitions).
    pub ok: f64,
    /// 429s the client drew, and those the server sent (medians over repetitions).
    pub refused_client: Option<f64>,
    pub refused_server: Option<f64>,
    pub agreement: Agreement,
    /// The server's CPU time over a repetition, seconds (median).
    pub server_cpu: Option<f64>,
    pub flags: Flags,
}

impl LimitRow {
    pub fn of(c: &CaseResult) -> Option<LimitRow> {
        let io = data::io(c)?;
        let m = io.misbehaviour.as_deref();
        let per = |f: &dyn Fn(&Sample) -> Option<f64>| -> Option<f64> {
            let all: Option<Vec<f64>> = c.samples.iter().map(f).collect();
            all.filter(|v| !v.is_empty()).map(|v| median(&v))
        };
        Some(LimitRow {
            id: c.id.clone(),
            model: c.params.model,
            limit: c.params.limit,
            tasks: c.params.tasks,
            rate: m.and_then(|m| m.rate.as_deref()?.parse().ok()),
            burst: m.and_then(|m| m.burst),
            policy: io.policy.as_deref().cloned().unwrap_or_default(),
            makespan: c.summary.makespan.median,
            ideal: c.ideal_s,
            efficiency: crate::report::table::efficiency(c),
            goodput: per(&|s| Some(s.ok as f64 / s.makespan_s))?,
            ok: per(&|s| Some(s.ok as f64))?,
            refused_client: per(&|s| Some(s.requests.as_ref()?.refused_429 as f64)),
            refused_server: per(&|s| Some(s.server?.outcomes.map_or(0, |o| o.refused_429) as f64)),
            agreement: Agreement::of(&c.samples),
            server_cpu: data::median_server_cpu_s(c),
            flags: Flags::of(c),
        })
    }

    /// The model as a row names it: `thread-pool k=10`.
    pub fn name(&self) -> String {
        match self.limit {
            Some(k) => format!("{} k={k}", self.model),
            None => self.model.to_string(),
        }
    }

    /// The table's policy cell: the answer to a 429 and what it is made of.
    pub fn policy_label(&self) -> String {
        let p = &self.policy;
        match p.on_429 {
            On429::Backoff => match p.backoff {
                Some(b) => format!("backoff, {} doubling to {}", ms(b.base_ms), ms(b.cap_ms)),
                None => "backoff".into(),
            },
            On429::Limit => match &p.limit {
                Some((rate, burst)) => format!("limit {rate}, burst {burst}"),
                None => "limit".into(),
            },
            other => other.to_string(),
        }
    }

    /// How a sentence names the answer to a 429.
    pub fn policy_phrase(&self) -> String {
        match self.policy.on_429 {
            On429::AtOnce => "retrying at once".into(),
            On429::Backoff => "backing off with full jitter".into(),
            On429::RetryAfter => "honouring Retry-After (whole seconds)".into(),
            On429::Limit => match &self.policy.limit {
                Some((rate, _)) => format!("a client-side limiter at {rate}"),
                None => "a client-side limiter".into(),
            },
        }
    }

    /// The answer to a 429 in a word or two, for a clause that names several.
    pub fn policy_short(&self) -> &'static str {
        match self.policy.on_429 {
            On429::AtOnce => "retrying at once",
            On429::Backoff => "backing off",
            On429::RetryAfter => "honouring Retry-After",
            On429::Limit => "the client-side limiter",
        }
    }

    /// What a sentence is about: one model against one limit.
    pub fn shape(&self) -> (String, usize, Option<Rate>, Option<u32>) {
        (self.name(), self.tasks, self.rate, self.burst)
    }
}

/// Milliseconds as a duration reads: `10 ms`, `1 s`.
pub fn ms(v: u64) -> String {
    match v >= 1000 && v.is_multiple_of(1000) {
        true => format!("{} s", v / 1000),
        false => format!("{} ms", crate::render::fmt::count(v)),
    }
}

/// Every rate-limit case, in run order.
pub fn rows_of(cases: &[&CaseResult]) -> Vec<LimitRow> {
    cases.iter().filter_map(|c| LimitRow::of(c)).collect()
}

pub fn rows(data: &ReportData) -> Vec<LimitRow> {
    rows_of(&data.group(Group::RateLimit))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::{RequestCounts, ServerObservation, ServerOutcomes};

    fn sample(client: u64, server: Option<u64>) -> Sample {
        Sample {
            requests: Some(RequestCounts {
                sent: 50 + client,
                refused_429: client,
                hedges: 0,
                timeouts: 0,
                failed: 0,
            }),
            server: Some(ServerObservation {
                served: 50,
                max_in_flight: 10,
                outcomes: server.map(|refused_429| ServerOutcomes {
                    admitted: 50,
                    ok: 50,
                    slow_tail: 0,
                    refused_429,
                    failed_500: 0,
                    reset: 0,
                    cancelled: 0,
                }),
            }),
            ..Sample::default()
        }
    }

    #[test]
    fn the_counts_agree_repetition_by_repetition() {
        // A server read with no outcomes refused nothing.
        let mut samples = vec![sample(190, Some(190)), sample(0, None)];
        assert_eq!(Agreement::of(&samples), Agreement::Agree);
        samples[1] = sample(3, Some(2));
        assert_eq!(
            Agreement::of(&samples),
            Agreement::Disagree(vec![(1, 3, 2)])
        );
        samples[1].server = None;
        assert_eq!(Agreement::of(&samples).mark(), "?");
        assert_eq!(Agreement::of(&[]), Agreement::Unknown);
    }
}
