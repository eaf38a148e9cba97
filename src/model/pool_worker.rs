//! The pool worker: the concbench binary re-executed in a hidden mode. It speaks in frames over its
//! stdin/stdout pipes — a length-prefixed JSON header, then a length-prefixed run of raw bytes (a
//! task's data, or what it hands back; empty for every other message), so data crosses the pipe as
//! itself, never inside JSON — and accepts only the messages defined here (anything else, or a frame
//! past its bound, ends it with exit 2). It runs tasks one at a time, like a `multiprocessing.Pool` worker — or, initialised
//! with an event loop, every task it is given at once on its own tokio current-thread runtime, like an
//! aiomultiprocess worker; the pool decides how many it gives.

use crate::model::watched::{Marked, Watched};
use crate::workload::{Params, TaskResult};
use serde::{Deserialize, Serialize};
use std::io::{Read, Write};

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
    /// Run task number N (its data, if any, in the frame's bytes).
    Task(u64),
    /// Get ready to run tasks `first .. first + count` as one shard of `async-sharded` (its runtime
    /// built before the parent's clock starts); answered `Armed`.
    Shard { first: u64, count: u64 },
    /// Run the armed shard now; answered `Shard`.
    Go,
}

/// Worker → parent. (`Done` is far larger than the rest: a message lives only between its frame
/// and its match, one at a time, so boxing it would buy nothing.)
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum FromWorker {
    Ready,
    /// Task `task` ended (what it hands back, if anything, in the frame's bytes).
    Done {
        task: u64,
        result: TaskResult,
        /// The worker's own time running it, seconds (the rest of the dispatcher's wait is the hop).
        #[serde(default)]
        ran_s: Option<f64>,
        /// Its thread's schedstat over the task, for the ledger: time runnable but waiting for a
        /// CPU, and time on one, nanoseconds (none with the ledger off or no schedstat).
        #[serde(default)]
        run_delay_ns: u64,
        #[serde(default)]
        run_ns: Option<u64>,
        /// When it was done, CLOCK_MONOTONIC ns (the ledger's clock, which the submitter reads
        /// too): the answer's way back begins (0 with the ledger off).
        #[serde(default)]
        done_ns: u64,
        /// On an event loop, the time inside the task's polls, nanoseconds (its run delay above is
        /// then its woken-but-not-polled time; None for a task with its thread to itself).
        #[serde(default)]
        polled_ns: Option<u64>,
    },
    /// Armed for a shard: `Go` starts it at once.
    Armed,
    /// The shard ran: its `shard::ShardRun` as JSON in the frame's bytes (a thousand records do not
    /// fit a header's bound).
    Shard,
    /// Last message, once stdin has closed: the worker's own peak RSS (VmHWM), which wait4 cannot
    /// give without the case process's memory at fork in it.
    Exit {
        peak_rss_kib: Option<u64>,
    },
}

/// The longest JSON header a frame may carry: an init message with its parameters fits many times.
const MAX_HEADER: usize = 1 << 20;
/// The most bytes a frame may carry: a payload task's data at its bound.
const MAX_DATA: u64 = crate::workload::payload::MAX_BYTES;

/// Write one frame: the message's JSON after its length (u32, little-endian), then `data` after its
/// length (u64, little-endian).
pub fn send<T: Serialize>(out: &mut impl Write, msg: &T, data: &[u8]) -> std::io::Result<()> {
    let json = serde_json::to_vec(msg).expect("messages serialise");
    // One write for the lengths and the header, one for the data: an unbuffered pipe gets two.
    let mut head = Vec::with_capacity(json.len() + 12);
    head.extend_from_slice(&(json.len() as u32).to_le_bytes());
    head.extend_from_slice(&json);
    head.extend_from_slice(&(data.len() as u64).to_le_bytes());
    out.write_all(&head)?;
    if !data.is_empty() {
        out.write_all(data)?;
    }
    out.flush()
}

/// Read one frame: None when the stream ended cleanly before it; an error for a frame cut short,
/// longer than its bounds, or whose header is not one of `T`'s messages.
pub fn receive<T: serde::de::DeserializeOwned>(
    input: &mut impl Read,
) -> anyhow::Result<Option<(T, Vec<u8>)>> {
    let mut len = [0u8; 4];
    match input.read(&mut len[..1])? {
        0 => return Ok(None),
        _ => input.read_exact(&mut len[1..])?,
    }
    let header_len = u32::from_le_bytes(len) as usize;
    anyhow::ensure!(
        header_len <= MAX_HEADER,
        "a frame's header of {header_len} bytes (at most {MAX_HEADER})"
    );
    let mut header = vec![0u8; header_len];
    input.read_exact(&mut header)?;
    let msg = serde_json::from_slice(&header)?;
    let mut len = [0u8; 8];
    input.read_exact(&mut len)?;
    let data_len = u64::from_le_bytes(len);
    anyhow::ensure!(
        data_len <= MAX_DATA,
        "a frame's data of {data_len} bytes (at most {MAX_DATA})"
    );
    let mut data = vec![0u8; data_len as usize];
    input.read_exact(&mut data)?;
    Ok(Some((msg, data)))
}

/// Entry point of `concbench __worker`: serve tasks until stdin closes; returns the exit code.
pub fn worker_main() -> i32 {
    crate::ledger::clock::switch_from_env();
    let input = std::io::BufReader::new(std::io::stdin());
    let output = std::io::BufWriter::new(std::io::stdout());
    match serve(input, output) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("concbench worker: {e:#}");
            2
        }
    }
}

fn serve(mut input: impl Read + Send, mut output: impl Write + Send) -> anyhow::Result<()> {
    let (workload, params, url, event_loop) = match receive(&mut input)? {
        None => return Ok(()),
        Some((
            ToWorker::Init {
                params,
                url,
                event_loop,
            },
            _,
        )) => (params.describe().build(&url)?, params, url, event_loop),
        Some((other, _)) => anyhow::bail!("expected an init message first, got {other:?}"),
    };
    send(&mut output, &FromWorker::Ready, &[])?;
    if event_loop {
        return serve_on_a_loop(input, output, workload);
    }
    let mut armed = None;
    while let Some((msg, data)) = receive(&mut input)? {
        match msg {
            ToWorker::Shard { first, count } => {
                armed = Some(super::shard::arm(first, count)?);
                send(&mut output, &FromWorker::Armed, &[])?;
            }
            ToWorker::Go => {
                let armed = armed
                    .take()
                    .ok_or_else(|| anyhow::anyhow!("told to go before a shard was armed"))?;
                let job = super::Job {
                    workload: workload.clone(),
                    params: params.clone(),
                    url: url.clone(),
                    tasks: 0,
                    limit: 0,
                    exe: std::env::current_exe().unwrap_or_default(),
                    retries: 0,
                    per_worker: 1,
                    max_threads: None,
                    broker: None,
                    schedule: None,
                };
                let run = super::shard::run(armed, &job);
                send(
                    &mut output,
                    &FromWorker::Shard,
                    &serde_json::to_vec(&run).expect("a shard's run serialises"),
                )?;
            }
            ToWorker::Task(task) => {
                // A panicking task fails alone, as in the in-process models; the worker lives on.
                let mut back = Vec::new();
                let record = crate::model::timed(std::time::Instant::now(), || {
                    let (result, answer) = workload.blocking_with(task, data);
                    back = answer;
                    result
                });
                let done = FromWorker::Done {
                    task,
                    result: record.result,
                    ran_s: Some((record.end - record.start).as_secs_f64()),
                    run_delay_ns: record.marks.run_delay.as_nanos() as u64,
                    run_ns: record.marks.run.map(|r| r.as_nanos() as u64),
                    done_ns: if crate::ledger::enabled() {
                        crate::ledger::clock::now_ns()
                    } else {
                        0
                    },
                    polled_ns: None,
                };
                send(&mut output, &done, &back)?;
            }
            ToWorker::Init { .. } => anyhow::bail!("a worker is initialised once"),
        }
    }
    send(
        &mut output,
        &FromWorker::Exit {
            peak_rss_kib: crate::measure::rusage::own_peak_rss_kib(),
        },
        &[],
    )?;
    Ok(())
}

/// A task's answer on an event-loop worker, with its marks when watched and when it was done
/// (CLOCK_MONOTONIC ns; 0 with the ledger off).
struct Answered {
    result: TaskResult,
    back: Vec<u8>,
    marks: Option<crate::model::Marks>,
    done_ns: u64,
}

pin_project_lite::pin_project! {
    /// A task over data whose answer is not watched (or not yet marked).
    struct Unmarked<F> {
        #[pin]
        task: F,
    }
}

impl<F: std::future::Future<Output = (TaskResult, Vec<u8>)>> std::future::Future for Unmarked<F> {
    type Output = Answered;
    fn poll(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Answered> {
        let (result, back) = std::task::ready!(self.project().task.poll(cx));
        std::task::Poll::Ready(Answered {
            result,
            back,
            marks: None,
            done_ns: if crate::ledger::enabled() {
                crate::ledger::clock::now_ns()
            } else {
                0
            },
        })
    }
}

impl Marked for Answered {
    type Out = Answered;
    fn marked(self, marks: crate::model::Marks) -> Answered {
        Answered {
            marks: Some(marks),
            ..self
        }
    }
}

/// The event-loop worker: stdin is read on a thread of its own (a blocking read would stall the loop),
/// and every task it brings is spawned on the current-thread runtime at once. Answers go out from a
/// third thread the moment each task ends: written from the loop, they would wait until the loop next
/// ran its own future — after every ready task had done its CPU work — and arrive in a batch. When
/// stdin closes, the tasks still running are awaited, then the worker says goodbye.
fn serve_on_a_loop(
    mut input: impl Read + Send,
    output: impl Write + Send,
    workload: std::sync::Arc<dyn crate::workload::Workload>,
) -> anyhow::Result<()> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    type Given = anyhow::Result<(u64, Vec<u8>)>;
    let (tasks_tx, mut tasks_rx) = tokio::sync::mpsc::unbounded_channel::<Given>();
    let (done_tx, done_rx) = std::sync::mpsc::channel::<(u64, Answered)>();
    std::thread::scope(|s| {
        s.spawn(move || loop {
            let task = match receive::<ToWorker>(&mut input) {
                Ok(None) => break,
                Ok(Some((ToWorker::Task(task), data))) => Ok((task, data)),
                Ok(Some((other, _))) => Err(anyhow::anyhow!(
                    "an event-loop worker takes tasks only, got {other:?}"
                )),
                Err(e) => Err(e),
            };
            let stop = task.is_err();
            if tasks_tx.send(task).is_err() || stop {
                break;
            }
        });
        let writer = s.spawn(move || -> anyhow::Result<()> {
            let mut output = output;
            for (task, a) in done_rx {
                let ns = |d: std::time::Duration| d.as_nanos() as u64;
                let done = FromWorker::Done {
                    task,
                    result: a.result,
                    ran_s: None,
                    // Tasks share the loop's thread: their run delay is the wait to be polled.
                    run_delay_ns: a.marks.map_or(0, |m| ns(m.run_delay)),
                    run_ns: None,
                    done_ns: a.done_ns,
                    polled_ns: a.marks.and_then(|m| m.polled).map(ns),
                };
                send(&mut output, &done, &a.back)?;
            }
            send(
                &mut output,
                &FromWorker::Exit {
                    peak_rss_kib: crate::measure::rusage::own_peak_rss_kib(),
                },
                &[],
            )?;
            Ok(())
        });
        let ran = rt.block_on(async {
            let mut running = tokio::task::JoinSet::new();
            while let Some(given) = tasks_rx.recv().await {
                let ((task, data), workload, done) = (given?, workload.clone(), done_tx.clone());
                running.spawn(async move {
                    // A panic inside the task fails that task alone, as everywhere else. With the
                    // ledger on the task is watched (its polls, its waits for the loop).
                    let run = tokio::spawn(async move {
                        let task = Unmarked {
                            task: workload.run_async_with(task, data),
                        };
                        match crate::ledger::enabled() {
                            true => Watched::new(task, 0).await,
                            false => task.await,
                        }
                    });
                    let answered = run.await.unwrap_or(Answered {
                        result: TaskResult::failed(crate::names::FailureKind::Panic),
                        back: Vec::new(),
                        marks: None,
                        done_ns: 0,
                    });
                    let _ = done.send((task, answered));
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

#[cfg(test)]
mod tests {
    use super::*;

    fn init(params: Params) -> Vec<u8> {
        frame(
            &ToWorker::Init {
                params,
                url: String::new(),
                event_loop: false,
            },
            &[],
        )
    }

    fn frame<T: Serialize>(msg: &T, data: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        send(&mut out, msg, data).unwrap();
        out
    }

    fn replies(mut out: &[u8]) -> Vec<(FromWorker, Vec<u8>)> {
        std::iter::from_fn(|| receive(&mut out).unwrap()).collect()
    }

    #[test]
    fn a_frame_round_trips_and_a_cut_or_oversized_one_is_refused() {
        let data: Vec<u8> = (0..=255).collect();
        let bytes = frame(&ToWorker::Task(9), &data);
        let (msg, got) = receive::<ToWorker>(&mut bytes.as_slice()).unwrap().unwrap();
        assert_eq!((msg, got), (ToWorker::Task(9), data));
        assert!(
            receive::<ToWorker>(&mut &bytes[..bytes.len() - 1]).is_err(),
            "cut short"
        );
        assert!(
            receive::<ToWorker>(&mut &[][..]).unwrap().is_none(),
            "a clean end"
        );
        let mut huge = bytes[..bytes.len() - 256 - 8].to_vec();
        huge.extend_from_slice(&(MAX_DATA + 1).to_le_bytes());
        let e = receive::<ToWorker>(&mut huge.as_slice()).unwrap_err();
        assert!(e.to_string().contains("at most"), "{e}");
        let mut long_header = (MAX_HEADER as u32 + 1).to_le_bytes().to_vec();
        long_header.extend_from_slice(b"{}");
        assert!(receive::<ToWorker>(&mut long_header.as_slice()).is_err());
    }

    #[test]
    fn answers_each_task_in_order() {
        let cpu = Params::Cpu(crate::workload::CpuParams { cpu_iters: 1000 });
        let mut input = init(cpu.clone());
        input.extend_from_slice(b"\x05\0\0\0junk!");
        // A malformed frame must end the worker with an error, not be skipped.
        assert!(serve(input.as_slice(), Vec::new()).is_err());
        let mut input = init(cpu);
        input.extend(frame(&ToWorker::Task(7), &[]));
        input.extend(frame(&ToWorker::Task(8), &[]));
        let mut out = Vec::new();
        serve(input.as_slice(), &mut out).unwrap();
        let replies = replies(&out);
        assert_eq!(replies[0].0, FromWorker::Ready);
        assert!(
            matches!(replies[1].0, FromWorker::Done { task: 7, result, .. } if result.outcome == Ok(1000))
        );
        assert!(matches!(replies[2].0, FromWorker::Done { task: 8, .. }));
        assert!(
            matches!(replies[3].0, FromWorker::Exit { peak_rss_kib: Some(kib) } if kib > 0),
            "its own peak, last: {:?}",
            replies[3]
        );
    }

    #[test]
    fn a_tasks_data_goes_in_and_its_answer_comes_back_whole() {
        use crate::workload::payload::{is_pattern, pattern, PayloadParams};
        let mut p = PayloadParams::new(70_001, 0);
        p.back = 1_003;
        p.cpu_iters = 10;
        for event_loop in [false, true] {
            let mut input = frame(
                &ToWorker::Init {
                    params: Params::Payload(p.clone()),
                    url: String::new(),
                    event_loop,
                },
                &[],
            );
            input.extend(frame(&ToWorker::Task(3), &pattern(3, 70_001)));
            let mut bad = pattern(4, 70_001);
            bad[70_000] ^= 1;
            input.extend(frame(&ToWorker::Task(4), &bad));
            let mut out = Vec::new();
            serve(input.as_slice(), &mut out).unwrap();
            let replies = replies(&out);
            let done = |t: u64| {
                replies
                    .iter()
                    .find_map(|(m, d)| match m {
                        FromWorker::Done { task, result, .. } if *task == t => Some((*result, d)),
                        _ => None,
                    })
                    .unwrap()
            };
            let (ok, back) = done(3);
            assert_eq!(ok.outcome, Ok(10), "event loop {event_loop}");
            assert!(
                is_pattern(4, back, 1_003),
                "task 3 answers task 4's pattern"
            );
            assert_eq!(
                done(4).0.outcome,
                Err(crate::names::FailureKind::Corrupt),
                "a changed byte on the way in"
            );
        }
    }

    #[test]
    fn refuses_unknown_messages() {
        for bad in ["{\"exec\":\"rm -rf /\"}", "{\"task\":1}", "not json"] {
            let mut input = (bad.len() as u32).to_le_bytes().to_vec();
            input.extend_from_slice(bad.as_bytes());
            input.extend_from_slice(&0u64.to_le_bytes());
            assert!(serve(input.as_slice(), Vec::new()).is_err(), "{bad}");
        }
    }
}
