//! The pool worker: the concbench binary re-executed in a hidden mode. It speaks one line of JSON per
//! message over its stdin/stdout pipes and accepts only the messages defined here (anything else ends it
//! with exit 2). It runs tasks one at a time, like a `multiprocessing.Pool` worker — or, initialised
//! with an event loop, every task it is given at once on its own tokio current-thread runtime, like an
//! aiomultiprocess worker; the pool decides how many it gives.

use crate::workload::{Params, TaskResult};
use serde::{Deserialize, Serialize};
use std::io::{BufRead, Write};

/// Parent → worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum ToWorker {
    /// First message: build this workload against this server (its clients are the worker's own, like
    /// a pool initializer).
    Init {
        params: Params,
        url: String,
        /// Run the tasks given at once on an event loop, instead of one at a time.
        event_loop: bool,
    },
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
    let input = std::io::BufReader::new(std::io::stdin());
    match serve(input, std::io::stdout()) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("concbench worker: {e:#}");
            2
        }
    }
}

fn serve(input: impl BufRead + Send, mut output: impl Write + Send) -> anyhow::Result<()> {
    let mut lines = input.lines();
    let (workload, event_loop) = match lines.next().transpose()? {
        None => return Ok(()),
        Some(line) => match serde_json::from_str(&line)? {
            ToWorker::Init {
                params,
                url,
                event_loop,
            } => (params.describe().build(&url)?, event_loop),
            other => anyhow::bail!("expected an init message first, got {other:?}"),
        },
    };
    send(&mut output, &FromWorker::Ready)?;
    if event_loop {
        return serve_on_a_loop(lines, output, workload);
    }
    for line in lines {
        match serde_json::from_str(&line?)? {
            ToWorker::Task(task) => {
                // A panicking task fails alone, as in the in-process models; the worker lives on.
                let result =
                    crate::model::timed(std::time::Instant::now(), || workload.blocking(task))
                        .result;
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

/// The event-loop worker: stdin is read on a thread of its own (a blocking read would stall the loop),
/// and every task number it brings is spawned on the current-thread runtime at once. Answers go out
/// from a third thread the moment each task ends: written from the loop, they would wait until the
/// loop next ran its own future — after every ready task had done its CPU work — and arrive in a
/// batch. When stdin closes, the tasks still running are awaited, then the worker says goodbye.
fn serve_on_a_loop(
    lines: impl Iterator<Item = std::io::Result<String>> + Send,
    output: impl Write + Send,
    workload: std::sync::Arc<dyn crate::workload::Workload>,
) -> anyhow::Result<()> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let (tasks_tx, mut tasks_rx) = tokio::sync::mpsc::unbounded_channel::<anyhow::Result<u64>>();
    let (done_tx, done_rx) = std::sync::mpsc::channel::<(u64, TaskResult)>();
    std::thread::scope(|s| {
        s.spawn(move || {
            for line in lines {
                let task = line
                    .map_err(anyhow::Error::from)
                    .and_then(|l| Ok(serde_json::from_str::<ToWorker>(&l)?))
                    .and_then(|m| match m {
                        ToWorker::Task(task) => Ok(task),
                        ToWorker::Init { .. } => anyhow::bail!("a worker is initialised once"),
                    });
                let stop = task.is_err();
                if tasks_tx.send(task).is_err() || stop {
                    break;
                }
            }
        });
        let writer = s.spawn(move || -> anyhow::Result<()> {
            let mut output = output;
            for (task, result) in done_rx {
                send(&mut output, &FromWorker::Done { task, result })?;
            }
            send(
                &mut output,
                &FromWorker::Exit {
                    peak_rss_kib: crate::measure::rusage::own_peak_rss_kib(),
                },
            )?;
            Ok(())
        });
        let ran = rt.block_on(async {
            let mut running = tokio::task::JoinSet::new();
            while let Some(task) = tasks_rx.recv().await {
                let (task, workload, done) = (task?, workload.clone(), done_tx.clone());
                running.spawn(async move {
                    // A panic inside the task fails that task alone, as everywhere else.
                    let run = tokio::spawn(async move { workload.run_async(task).await });
                    let result = run.await.unwrap_or(TaskResult {
                        outcome: Err(crate::names::FailureKind::Panic),
                        service: None,
                    });
                    let _ = done.send((task, result));
                });
            }
            while running.join_next().await.is_some() {}
            anyhow::Ok(())
        });
        // Every task has answered: the writer says goodbye and ends.
        drop(done_tx);
        let written = writer.join().expect("the writer does not panic");
        ran.and(written)
    })
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
            event_loop: false,
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
