//! `concbench advise`: predict a job that was not measured. From one machine's newest result files
//! it fits a cost model per concurrency model ([`costs`]), predicts the job's makespan, peak memory
//! and CPU on each model with an interval from the fit's own error ([`predict`]), and ranks them
//! with one sentence each ([`rank`]); a cost it lacks is named with the suite that measures it.
//! [`check`] sets the predictions beside the `advice-check` suite's drawn jobs, which the costs
//! never saw, and [`shapes`] names the jobs the report advises on. It reads result files only, as
//! the report does: a store from another machine advises for that machine.

pub mod check;
pub mod costs;
pub mod predict;
pub mod rank;
pub mod schedule;
pub mod shapes;

use crate::error::usage;
use crate::fmt::{count, kib, pct, secs};
use crate::plan::Suite;
use crate::workload::mixed::advice_suite::Job;
use std::path::PathBuf;
use std::time::Duration;

pub use costs::Costs;
pub use rank::{advise, Advice};

/// `concbench advise`'s arguments: the job, and where the costs come from.
#[derive(Debug, Clone, clap::Args)]
pub struct AdviseArgs {
    /// N: tasks, all submitted at once.
    #[arg(long)]
    pub tasks: usize,
    /// D: how long the API each task calls takes to answer (`100ms`, `1s`).
    #[arg(long, value_parser = crate::workload::parse_duration)]
    pub wait: Duration,
    /// C: CPU time each task spends after its answer (`0`, `5ms`).
    #[arg(long, value_parser = crate::workload::parse_duration, default_value = "0s")]
    pub cpu: Duration,
    /// B: bytes handed to each task and back (`64KiB`, `1MiB`; default none).
    #[arg(long, value_parser = crate::workload::payload::parse_bytes, default_value = "0")]
    pub payload: u64,
    /// W: the API's sync workers (the talk's server has 3); default: an unbounded server.
    #[arg(long, conflicts_with = "unbounded")]
    pub server_workers: Option<usize>,
    /// The API serves every request at once (the default).
    #[arg(long)]
    pub unbounded: bool,
    /// Set apart every model whose predicted peak memory is above this (`512MiB`, `2GiB`).
    #[arg(long, value_parser = parse_size)]
    pub memory_limit: Option<u64>,
    /// K: the cores to predict for (default: those the result files' runs had).
    #[arg(long)]
    pub cores: Option<usize>,
    /// The store of result files per machine id.
    #[arg(long, default_value = "reports/results", value_name = "DIR")]
    pub store: PathBuf,
    /// Whose results (default: this machine's id, as `concbench run` derives it).
    #[arg(long)]
    pub machine_id: Option<String>,
}

/// A size: a number with an optional unit B, KiB, MiB, GiB or TiB.
pub fn parse_size(s: &str) -> Result<u64, String> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (digits, unit) = s.split_at(split);
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("{s:?} is not a size (examples: 512MiB, 2GiB)"))?;
    let shift = match unit.trim() {
        "" | "B" => 0,
        "KiB" => 10,
        "MiB" => 20,
        "GiB" => 30,
        "TiB" => 40,
        other => {
            return Err(format!(
                "unknown unit {other:?}: use B, KiB, MiB, GiB or TiB"
            ))
        }
    };
    n.checked_mul(1 << shift)
        .ok_or_else(|| format!("{s} is too large"))
}

/// The suites that measure what `missing` lacks, each once, as the one line a user sees.
fn run_these(missing: &[costs::Missing]) -> String {
    let mut suites: Vec<Suite> = missing.iter().map(|m| m.suite).collect();
    suites.sort();
    suites.dedup();
    let list: Vec<String> = suites
        .iter()
        .map(|s| format!("`concbench run --suite {s}`"))
        .collect();
    list.join(", ")
}

/// Run `concbench advise`: the advice as text, or a usage error naming the suites to run.
pub fn run(args: &AdviseArgs) -> anyhow::Result<String> {
    if args.tasks == 0 {
        return Err(usage("--tasks 0: give at least 1"));
    }
    let job = Job {
        tasks: args.tasks,
        wait: args.wait,
        cpu: args.cpu,
        workers: if args.unbounded {
            0
        } else {
            args.server_workers.unwrap_or(0)
        },
        payload: args.payload,
    };
    let id = args
        .machine_id
        .clone()
        .unwrap_or_else(|| crate::measure::machine::describe(None).machine_id);
    let loaded = crate::store::machines::load(&id, &args.store).ok();
    let (cases, machine_cores, files) = match &loaded {
        Some(l) => (
            l.cases.clone(),
            l.run.machine.allowed_cpus.len().max(1),
            l.files.len(),
        ),
        None => (Vec::new(), 1, 0),
    };
    let cores = args.cores.unwrap_or(machine_cores).max(1);
    let costs = Costs::fit(&cases, cores);
    if costs.models.is_empty() {
        return Err(usage(format!(
            "no costs for {id} in {}: run {} (or `make report`, whose default suite holds them)",
            args.store.display(),
            run_these(&costs.missing)
        )));
    }
    if !job.cpu.is_zero() && costs.machine.scaling.is_none() {
        return Err(usage(format!(
            "a CPU part needs the machine's parallel scaling s: run `concbench run --suite {}`",
            Suite::Cpu
        )));
    }
    let advice = advise(
        &costs,
        &job,
        args.memory_limit.map(|b| b as f64 / 1024.0),
        cores,
    );
    Ok(render(&advice, &costs, &id, files, cores))
}

/// The advice as text: the job, the ranking with intervals, a sentence per model, what is missing,
/// and the costs it came from.
pub fn render(advice: &Advice, costs: &Costs, id: &str, files: usize, cores: usize) -> String {
    let job = &advice.job;
    let server = match job.workers {
        0 => "an unbounded server".to_string(),
        w => format!("{w} sync workers"),
    };
    let mut out = format!(
        "{} tasks, each waiting {} on {server}, then {} of CPU{}; on {id} ({cores} cores), from {files} result file{}:\n\n",
        count(job.tasks as u64),
        secs(job.wait.as_secs_f64()),
        secs(job.cpu.as_secs_f64()),
        if job.payload > 0 {
            format!(", {} handed to each", crate::fmt::bytes(job.payload as f64))
        } else {
            String::new()
        },
        if files == 1 { "" } else { "s" },
    );
    out += &format!(
        "{:<4} {:<20} {:>6} {:>28} {:>30} {:>28}\n",
        "rank", "model", "k", "makespan [interval]", "peak RSS [interval]", "CPU [interval]"
    );
    for (i, r) in advice.ranked.iter().enumerate() {
        let p = &r.prediction;
        let rank = if r.excluded.is_some() {
            "-".to_string()
        } else {
            format!("{}", i + 1)
        };
        out += &format!(
            "{:<4} {:<20} {:>6} {:>28} {:>30} {:>28}\n",
            rank,
            p.model.name(),
            p.limit.map(|k| k.to_string()).unwrap_or_else(|| "-".into()),
            format!(
                "{} [{}, {}]",
                secs(p.makespan_s.value),
                secs(p.makespan_s.low),
                secs(p.makespan_s.high)
            ),
            format!(
                "{} [{}, {}]",
                kib(p.rss_kib.value),
                kib(p.rss_kib.low),
                kib(p.rss_kib.high)
            ),
            format!(
                "{} [{}, {}]",
                secs(p.cpu_s.value),
                secs(p.cpu_s.low),
                secs(p.cpu_s.high)
            ),
        );
    }
    match advice.top() {
        (Some(a), Some(b)) => {
            let (pa, pb) = (&a.prediction, &b.prediction);
            let tie = if pb.makespan_s.low <= pa.makespan_s.high {
                ": within the fit's error of each other, a tie on makespan"
            } else {
                ""
            };
            out += &format!(
                "\nRecommended: {}; runner-up {}, whose predicted makespan is {} longer{tie}.\n",
                pa.model,
                pb.model,
                pct(pb.makespan_s.value / pa.makespan_s.value - 1.0)
            );
        }
        (Some(a), None) => {
            out += &format!(
                "\nRecommended: {} (the only model within the limits).\n",
                a.prediction.model
            )
        }
        _ => out += "\nNo model is within the limits.\n",
    }
    out += "\nWhy:\n";
    for r in &advice.ranked {
        out += &format!("  {}\n", r.why);
    }
    if !advice.missing.is_empty() {
        out += "\nNot known:\n";
        for m in &advice.missing {
            out += &format!("  {m}\n");
        }
    }
    out += &format!(
        "\nCosts fitted:\n  {:<20} {:>9} {:>12} {:>23} {:>20} {:>6}\n",
        "model", "start", "CPU/request", "memory base + per unit", "own: once + per task", "cases"
    );
    for m in &costs.models {
        let borrowed = m
            .rss_per_unit_of
            .map(|s| format!(" ({s}'s)"))
            .unwrap_or_default();
        out += &format!(
            "  {:<20} {:>9} {:>12} {:>23} {:>20} {:>6}\n",
            m.model.name(),
            secs(m.start_s),
            secs(m.cpu_per_request_s),
            format!(
                "{} + {}{borrowed}",
                kib(m.rss_base_kib),
                kib(m.rss_per_unit_kib)
            ),
            format!("{} + {}", secs(m.fixed_s), secs(m.overhead_s)),
            m.cases
        );
    }
    let mc = &costs.machine;
    let show = |v: Option<f64>, f: fn(f64) -> String| v.map(f).unwrap_or_else(|| "unknown".into());
    out += &format!(
        "  machine: s = {}, t₁ per iteration {}, server CPU per request {}\n",
        show(mc.scaling, |s| format!("{s:.3}")),
        show(mc.t1_per_iter_s, |t| format!("{:.2} ns", t * 1e9)),
        show(mc.server_cpu_per_request_s, secs),
    );
    out
}
