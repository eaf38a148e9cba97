//! A tokio task watched for the ledger, without tokio_unstable: its first poll (the moment its unit
//! first ran it), the time it spent woken but not yet polled (scheduled, waiting for its event
//! loop: the async form of a thread's run delay), and the time inside its polls (its own code on
//! the shared thread). The wrapper hands the task a waker of its own that notes when it was woken and
//! passes the wake on; each poll adds the time since that note, and its own length.

use super::{Marks, TaskRecord};
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

/// The waker the watched task is polled with: it notes the first wake since the last poll.
struct Noting {
    woke_ns: AtomicU64,
    inner: Mutex<Option<Waker>>,
}

impl Wake for Noting {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref()
    }
    fn wake_by_ref(self: &Arc<Self>) {
        // Only the first wake counts: the task is scheduled from then on.
        let _ = self.woke_ns.compare_exchange(
            0,
            crate::ledger::clock::now_ns(),
            Ordering::Relaxed,
            Ordering::Relaxed,
        );
        if let Some(w) = self.inner.lock().expect("never poisoned").as_ref() {
            w.wake_by_ref();
        }
    }
}

pin_project_lite::pin_project! {
    /// A task future whose record gets its first poll and its woken-but-not-polled time.
    pub struct Watched<F> {
        #[pin]
        task: F,
        t0_ns: u64,
        first_poll_ns: u64,
        waiting_ns: u64,
        polled_ns: u64,
        noting: Option<Arc<Noting>>,
        waker: Option<Waker>,
    }
}

impl<F> Watched<F> {
    /// Watch `task`, whose record's times count from `t0_ns` (CLOCK_MONOTONIC).
    pub fn new(task: F, t0_ns: u64) -> Self {
        Watched {
            task,
            t0_ns,
            first_poll_ns: 0,
            waiting_ns: 0,
            polled_ns: 0,
            noting: None,
            waker: None,
        }
    }
}

/// What a watched task's output becomes with its marks.
pub trait Marked {
    type Out;
    fn marked(self, marks: Marks) -> Self::Out;
}

impl Marked for TaskRecord {
    type Out = TaskRecord;
    fn marked(mut self, marks: Marks) -> TaskRecord {
        self.marks = marks;
        self
    }
}

impl<F: Future> Future for Watched<F>
where
    F::Output: Marked,
{
    type Output = <F::Output as Marked>::Out;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let now = crate::ledger::clock::now_ns();
        let noting = this.noting.get_or_insert_with(|| {
            *this.first_poll_ns = now;
            Arc::new(Noting {
                woke_ns: AtomicU64::new(0),
                inner: Mutex::new(None),
            })
        });
        let woke = noting.woke_ns.swap(0, Ordering::Relaxed);
        if woke != 0 {
            *this.waiting_ns += now.saturating_sub(woke);
        }
        {
            // The runtime's waker may change between polls (a task moved); keep the current one.
            let mut inner = noting.inner.lock().expect("never poisoned");
            if !inner.as_ref().is_some_and(|w| w.will_wake(cx.waker())) {
                *inner = Some(cx.waker().clone());
            }
        }
        let waker = this
            .waker
            .get_or_insert_with(|| Waker::from(noting.clone()));
        let mut own = Context::from_waker(waker);
        let polled = this.task.poll(&mut own);
        *this.polled_ns += crate::ledger::clock::now_ns().saturating_sub(now);
        let out = std::task::ready!(polled);
        Poll::Ready(out.marked(Marks {
            begun: Some(Duration::from_nanos(
                this.first_poll_ns.saturating_sub(*this.t0_ns),
            )),
            run_delay: Duration::from_nanos(*this.waiting_ns),
            run: None,
            done: None,
            polled: Some(Duration::from_nanos(*this.polled_ns)),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "current_thread")]
    async fn a_task_woken_while_the_loop_is_busy_waits_to_be_polled() {
        let t0_ns = crate::ledger::clock::now_ns();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(Watched::new(
            async move {
                let _ = rx.await;
                TaskRecord {
                    start: Duration::ZERO,
                    end: Duration::ZERO,
                    result: crate::workload::TaskResult::ok(0),
                    attempts: 1,
                    marks: Default::default(),
                }
            },
            t0_ns,
        ));
        tokio::task::yield_now().await;
        // Woken now, then the only thread stays busy for 20 ms before the task can be polled.
        tx.send(()).unwrap();
        let busy = std::time::Instant::now();
        while busy.elapsed() < Duration::from_millis(20) {
            std::hint::spin_loop();
        }
        let record = task.await.unwrap();
        assert!(record.marks.begun.is_some());
        assert!(
            record.marks.run_delay >= Duration::from_millis(20),
            "{:?}",
            record.marks
        );
    }
}
