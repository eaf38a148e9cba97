//! The process-pool worker: the concbench binary re-executed in a hidden mode. It speaks one line of
//! JSON per message over its stdin/stdout pipes, accepts only the messages defined here (anything else
//! ends it with exit 2), and runs tasks one at a time, like a `multiprocessing.Pool` worker.

use crate::workload::{Params, TaskResult};
use serde::{Deserialize, Serialize};
use std::io::{BufRead, Write};

/// Parent → worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum ToWorker {
    /// First message: build this workload against this server (its clients are the worker's own, like
    /// a pool initializer).
    Init { params: Params, url: String },
    /// Run task number N.
    Task(u64),
}

/// Worker → parent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum FromWorker {
    Ready,
    Done {
        task: u64,
        result: TaskResult,
    },
    /// Last message, once stdin has closed: the worker's own peak RSS (VmHWM), which wait4 cannot
    /// give without the case process's memory at fork in it.
    Exit {
        peak_rss_kib: Option<u64>,
    },
}

/// Entry point of `concbench __worker`: serve tasks until stdin closes; returns the exit code.
pub fn worker_main() -> i32 {
    match serve(std::io::stdin().lock(), std::io::stdout().lock()) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("concbench worker: {e:#}");
            2
        }
    }
}

fn serve(input: impl BufRead, mut output: impl Write) -> anyhow::Result<()> {
    let mut lines = input.lines();
    let workload = match lines.next().transpose()? {
        None => return Ok(()),
        Some(line) => match serde_json::from_str(&line)? {
            ToWorker::Init { params, url } => params.build(&url)?,
            other => anyhow::bail!("expected an init message first, got {other:?}"),
        },
    };
    send(&mut output, &FromWorker::Ready)?;
    for line in lines {
        match serde_json::from_str(&line?)? {
            ToWorker::Task(task) => {
                // A panicking task fails alone, as in the in-process models; the worker lives on.
                let result =
                    crate::model::timed(std::time::Instant::now(), || workload.blocking()).result;
                send(&mut output, &FromWorker::Done { task, result })?;
            }
            ToWorker::Init { .. } => anyhow::bail!("a worker is initialised once"),
        }
    }
    send(
        &mut output,
        &FromWorker::Exit {
            peak_rss_kib: crate::measure::rusage::own_peak_rss_kib(),
        },
    )?;
    Ok(())
}

pub fn send<T: Serialize>(out: &mut impl Write, msg: &T) -> std::io::Result<()> {
    let mut line = serde_json::to_vec(msg).expect("messages serialise");
    line.push(b'\n');
    out.write_all(&line)?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn init() -> ToWorker {
        ToWorker::Init {
            params: Params::Cpu(crate::workload::CpuParams { cpu_iters: 1000 }),
            url: String::new(),
        }
    }

    #[test]
    fn answers_each_task_in_order() {
        let init = serde_json::to_string(&init()).unwrap();
        let input = format!("{init}\n\"task\":1\n");
        // The malformed second line must end the worker with an error, not be skipped.
        let mut out = Vec::new();
        assert!(serve(input.as_bytes(), &mut out).is_err());
        let input = format!("{init}\n{{\"task\":7}}\n{{\"task\":8}}\n");
        let mut out = Vec::new();
        serve(input.as_bytes(), &mut out).unwrap();
        let replies: Vec<FromWorker> = String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(replies[0], FromWorker::Ready);
        assert!(
            matches!(replies[1], FromWorker::Done { task: 7, result } if result.outcome == Ok(1000))
        );
        assert!(matches!(replies[2], FromWorker::Done { task: 8, .. }));
        assert!(
            matches!(replies[3], FromWorker::Exit { peak_rss_kib: Some(kib) } if kib > 0),
            "its own peak, last: {:?}",
            replies[3]
        );
    }

    #[test]
    fn refuses_unknown_messages() {
        for bad in ["{\"exec\":\"rm -rf /\"}", "{\"task\":1}", "not json"] {
            assert!(
                serve(format!("{bad}\n").as_bytes(), Vec::new()).is_err(),
                "{bad}"
            );
        }
    }
}
