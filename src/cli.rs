//! The command line: the subcommands and what they take, each command's arguments declared beside the
//! command (`run::args`, `report::ReportArgs`, `compare::args`), typed values throughout (durations via
//! humantime, names via `ValueEnum`), and `concbench list`.

use crate::model::ModelKind;
use crate::plan::Suite;
use crate::workload::{Params, WorkloadKind};
use clap::{Parser, Subcommand};

pub use crate::compare::args::CompareArgs;
pub use crate::run::args::RunArgs;

/// Measures concurrency models against a deliberately slow HTTP server, beside what physics allows.
#[derive(Debug, Parser)]
#[command(name = "concbench", version, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Measure a named suite, or one ad-hoc case, each repetition in a fresh process.
    Run(Box<RunArgs>),
    /// List the models, workloads and suites.
    List,
    /// Print the JSON Schema of result files.
    Schema,
    /// Render saved result files into reports/<machine-id>/: HTML, Markdown, CSV, charts.
    Report(crate::report::ReportArgs),
    /// How much of a model's cost is the harness's: requests/s of async-semaphore and thread-pool
    /// beside wrk, hey and oha (when installed) on the unbounded server's zero-delay endpoint.
    Calibrate(crate::calibrate::CalibrateArgs),
    /// Predict a job that was not measured: each model's makespan, peak memory and CPU from this
    /// machine's newest result files, ranked, with intervals and one sentence why (docs/advice.md).
    Advise(crate::advise::AdviseArgs),
    /// Compare runs across machines: each RUN is a result file, a directory or a machine id.
    Compare(CompareArgs),
    /// Serve as a queue worker: connect to a queue-workers broker (the own one or Redis), present
    /// the key, and run the tasks it hands out until the broker goes away. What `concbench run
    /// --model queue-workers` starts k of; start more on other machines with the broker's address
    /// and the run's --key (docs/queue-workers.md).
    #[command(name = "worker")]
    QueueWorker(crate::model::queue_worker::WorkerArgs),
    /// Run the slow server (what `concbench run` starts as its child).
    #[command(name = "__serve", hide = true)]
    Serve(concbench_server::ServerArgs),
    /// Run one repetition: spec on stdin, measurement on stdout.
    #[command(name = "__case", hide = true)]
    Case,
    /// Serve as a process-pool worker over stdin/stdout.
    #[command(name = "__worker", hide = true)]
    Worker,
}

/// `concbench list`: one line per model, workload and suite.
pub fn list() -> String {
    let mut out = String::from("models:\n");
    for k in ModelKind::ALL {
        let m = k.model();
        let limit = match (m.takes_limit(), m.runs_stages()) {
            (true, _) => " (takes --limit)",
            (false, true) => " (runs staged workloads too)",
            _ => "",
        };
        out += &format!("  {:<20} {}{limit}\n", k.name(), m.about());
    }
    out += "workloads:\n";
    for w in WorkloadKind::ALL {
        out += &format!("  {:<20} {}\n", w.name(), Params::about(w));
    }
    out += "suites:\n";
    for s in Suite::ALL {
        out += &format!(
            "  {:<20} {} ({} cases)\n",
            s.name(),
            s.about(),
            s.cases().len()
        );
    }
    out
}

/// clap's errors span several lines; keep the message and the valid values on one.
pub fn one_line(err: &clap::Error) -> String {
    let text = err.to_string();
    let parts: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| {
            !l.is_empty() && !l.starts_with("For more information") && !l.starts_with("Usage:")
        })
        .collect();
    let joined = parts.join(" ");
    joined
        .strip_prefix("error: ")
        .unwrap_or(&joined)
        .to_string()
}
