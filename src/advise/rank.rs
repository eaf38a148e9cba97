//! The advice for one job: every model with costs predicted, ranked by predicted makespan, those over
//! the memory limit set apart, each with one sentence saying what its figure is made of — the term
//! of its makespan that dominates and its memory, as units × memory per unit — and the models that
//! could not be predicted, with the suite that would measure what they lack.

use super::costs::{Costs, Missing};
use super::predict::{predict, Prediction};
use crate::fmt::{count, kib, secs};
use crate::names::ModelKind;
use crate::plan::Suite;
use crate::workload::mixed::advice_suite::Job;

/// One model in the advice.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranked {
    pub prediction: Prediction,
    /// Why it is not recommended whatever its makespan (over the memory limit).
    pub excluded: Option<String>,
    /// One sentence: what its figures are made of.
    pub why: String,
}

/// The advice for one job.
#[derive(Debug, Clone, PartialEq)]
pub struct Advice {
    pub job: Job,
    /// Ranked first (fastest predicted makespan first), then the excluded.
    pub ranked: Vec<Ranked>,
    /// Costs it lacks, each with the suite that measures it.
    pub missing: Vec<Missing>,
}

impl Advice {
    /// The recommended model and the runner-up, when two are ranked.
    pub fn top(&self) -> (Option<&Ranked>, Option<&Ranked>) {
        let mut ok = self.ranked.iter().filter(|r| r.excluded.is_none());
        (ok.next(), ok.next())
    }

    /// The runner-up's predicted makespan over the recommended one's.
    pub fn margin(&self) -> Option<f64> {
        match self.top() {
            (Some(a), Some(b)) => {
                Some(b.prediction.makespan_s.value / a.prediction.makespan_s.value)
            }
            _ => None,
        }
    }
}

/// What a model's units are called.
fn unit_name(model: ModelKind) -> &'static str {
    match model {
        ModelKind::Threads | ModelKind::ThreadPool => "threads",
        ModelKind::ProcessPool | ModelKind::AsyncProcessPool => "processes",
        _ => "tasks",
    }
}

/// The sentence for one prediction.
fn why(p: &Prediction, job: &Job, limit_kib: Option<f64>) -> (String, Option<String>) {
    let t = &p.terms;
    let memory = format!(
        "{} {} × {} = {}",
        count(t.units as u64),
        unit_name(p.model),
        kib(t.kib_per_unit),
        kib(p.rss_kib.value)
    );
    if let Some(limit) = limit_kib.filter(|&l| p.rss_kib.value > l) {
        let over = format!("{memory}, over --memory-limit ({})", kib(limit));
        return (format!("{}: {over}", p.model), Some(over));
    }
    let k = p.limit.map(|k| format!(" (k = {k})")).unwrap_or_default();
    let w = match job.workers {
        0 => "an unbounded server".to_string(),
        w => format!("W = {w}"),
    };
    let terms = [
        (
            t.waiting_s,
            format!("waiting {} in waves against {w}", secs(t.waiting_s)),
        ),
        (
            t.computing_s,
            format!("computing {} over its CPU lanes", secs(t.computing_s)),
        ),
        (
            t.starting_s,
            format!(
                "starting {} {} one by one takes {}",
                count(t.units as u64),
                unit_name(p.model),
                secs(t.starting_s)
            ),
        ),
    ];
    // Played out on the lanes, when waiting and computing overlap noticeably less than the bounds
    // assume (5 % past the larger), the schedule is the reason.
    let bound = t.waiting_s.max(t.computing_s);
    let overlap = (t.scheduled_s > bound * 1.05).then(|| {
        (
            t.scheduled_s,
            format!(
                "waiting {} and computing {} overlap only in part: {} played out on its lanes",
                secs(t.waiting_s),
                secs(t.computing_s),
                secs(t.scheduled_s)
            ),
        )
    });
    let terms = terms.into_iter().chain(overlap);
    let connecting = (t.connecting_s > t.scheduled_s.max(t.starting_s) + t.overhead_s).then(|| {
        format!(
            "{} requests' CPU on both sides takes the cores {}",
            count(job.tasks as u64),
            secs(t.connecting_s)
        )
    });
    let (_, dominant) =
        terms
            .into_iter()
            .fold((f64::NEG_INFINITY, String::new()), |best, (v, s)| {
                if v > best.0 {
                    (v, s)
                } else {
                    best
                }
            });
    let mut extra = Vec::new();
    if t.overhead_s > 0.0 && connecting.is_none() {
        extra.push(format!("{} of its own per-task cost", secs(t.overhead_s)));
    }
    if t.payload_s > 0.0 {
        extra.push(format!("{} moving the payload", secs(t.payload_s)));
    }
    let extra = if extra.is_empty() {
        String::new()
    } else {
        format!(", plus {}", extra.join(" and "))
    };
    let dominant = connecting.unwrap_or(dominant);
    (format!("{}{k}: {dominant}{extra}; {memory}", p.model), None)
}

/// The advice for `job` from `costs` on `cores` CPUs; models over `memory_limit_kib` set apart.
pub fn advise(costs: &Costs, job: &Job, memory_limit_kib: Option<f64>, cores: usize) -> Advice {
    let mut missing = costs.missing.clone();
    if job.payload > 0 {
        for m in &costs.models {
            let moves = m.model.model().moves_data();
            if moves && m.payload_s_per_byte.is_none() {
                missing.push(Missing {
                    model: Some(m.model),
                    what: "payload cost per byte (predicted without it)",
                    suite: Suite::Payload,
                });
            }
        }
    }
    let mut ranked: Vec<Ranked> = costs
        .models
        .iter()
        .map(|m| {
            let prediction = predict(costs, m, job, None, cores);
            let (why, excluded) = why(&prediction, job, memory_limit_kib);
            Ranked {
                prediction,
                excluded,
                why,
            }
        })
        .collect();
    ranked.sort_by(|a, b| {
        (a.excluded.is_some(), a.prediction.makespan_s.value)
            .partial_cmp(&(b.excluded.is_some(), b.prediction.makespan_s.value))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    Advice {
        job: *job,
        ranked,
        missing,
    }
}
