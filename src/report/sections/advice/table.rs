//! The advice section's tables: advice-check's error per model against the goals, and the advice
//! for the named job shapes.

use super::data::AdviceData;
use crate::advise::check::{MAKESPAN_GOAL, MEMORY_GOAL};
use crate::render::fmt;
use crate::render::table::Table;

/// "advice-check: predicted against measured", when the check's cases could be predicted.
pub fn errors(d: &AdviceData) -> Option<Table> {
    if d.errors.is_empty() {
        return None;
    }
    let verdict = |e: f64, goal: f64| {
        if e.is_nan() {
            "–".to_string()
        } else if e <= goal {
            format!("{} (within {})", fmt::pct(e), fmt::pct(goal))
        } else {
            format!("{} (over {})", fmt::pct(e), fmt::pct(goal))
        }
    };
    let rows = d
        .errors
        .iter()
        .map(|e| {
            vec![
                e.model.to_string(),
                e.jobs.to_string(),
                verdict(e.makespan, MAKESPAN_GOAL),
                verdict(e.makespan_at_speed, MAKESPAN_GOAL),
                format!(
                    "{}, {} jobs",
                    verdict(e.makespan_no_cpu, MAKESPAN_GOAL),
                    e.jobs_no_cpu
                ),
                verdict(e.memory, MEMORY_GOAL),
            ]
        })
        .collect();
    let seeds: Vec<String> = d.seeds.iter().map(|s| format!("{s:#x}")).collect();
    Some(Table {
        group: "advice-check: predicted against measured".into(),
        header: vec![
            "model".into(),
            "jobs".into(),
            "makespan: median |error|".into(),
            "makespan at the speed its CPU ran".into(),
            "makespan, jobs without a CPU part".into(),
            "memory: median |error|".into(),
        ],
        rows,
        note: format!(
            "Jobs drawn by seed {} (recorded in every case's parameters) from N 10–20,000, a wait \
             of 1 ms–1 s, 0–50 ms of CPU per task, W = 3 … unbounded, none of them a case the \
             costs were fitted on; each predicted from the costs fitted on every other case of \
             this report, then measured. Error: |predicted − measured| ÷ measured, the median \
             over the model's jobs. At the speed its CPU ran: the same prediction with the job's \
             CPU part as long as the repetition's counts took where they ran (schedstat around \
             each; the probe beside it where none was measured) — the cost model's own error, \
             with the machine's changing speed taken out. Jobs without a \
             CPU part: the plain error over those alone, which no vCPU speed moves much. Memory: the peak resident memory of the case process, a \
             pool's workers summed beside it. Goals: {} for makespan, {} for memory.",
            seeds.join(", "),
            fmt::pct(MAKESPAN_GOAL),
            fmt::pct(MEMORY_GOAL)
        ),
    })
}

/// "advice for this machine": per named shape, the recommended model, the runner-up and the margin.
pub fn shapes(d: &AdviceData) -> Option<Table> {
    if d.shapes.is_empty() {
        return None;
    }
    let rows = d
        .shapes
        .iter()
        .map(|(name, advice)| {
            let (first, second) = advice.top();
            let name_of = |r: Option<&crate::advise::rank::Ranked>| {
                r.map_or("–".to_string(), |r| {
                    format!(
                        "{} ({})",
                        r.prediction.model,
                        fmt::secs(r.prediction.makespan_s.value)
                    )
                })
            };
            let margin = advice.margin().map_or("–".into(), |m| fmt::pct(m - 1.0));
            vec![
                name.to_string(),
                name_of(first),
                name_of(second),
                margin,
                first.map_or(String::new(), |r| r.why.clone()),
            ]
        })
        .collect();
    let model_error = d
        .errors
        .iter()
        .map(|e| format!("{} {}", e.model, fmt::pct(e.makespan)))
        .collect::<Vec<_>>()
        .join(", ");
    let error = if model_error.is_empty() {
        "No advice-check run is in this report: its error is unknown (make report-advice)."
            .to_string()
    } else {
        format!("advice-check's median makespan error per model: {model_error}.")
    };
    Some(Table {
        group: "advice for this machine".into(),
        header: vec![
            "job".into(),
            "recommended (predicted makespan)".into(),
            "runner-up".into(),
            "margin".into(),
            "why".into(),
        ],
        rows,
        note: format!(
            "Predicted by `concbench advise` from the costs fitted on this report's cases, the \
             models at the advice's own k (a pool as wide as the server's workers, 100 against \
             an unbounded one; a process pool one process per core). Margin: how much longer the \
             runner-up's predicted makespan is. {error}"
        ),
    })
}
