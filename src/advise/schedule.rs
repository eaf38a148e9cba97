//! A job played out on a model's lanes, event by event: the makespan the advice starts from. The
//! ideal's two bounds (waves of waits; the CPU parts over the cores) assume waiting and computing
//! overlap perfectly, and a real job rarely lets them: N tasks that start together wait together,
//! then all count at once on two cores — wait + N × C / cores, not the larger of the two. So each task
//! takes a lane (in flight: a thread, a permit, a worker) in submission order, sends its request
//! (the server's W workers take them first come, first served; unbounded: at once), waits D, then
//! queues for a CPU lane (one of min(CPU lanes, cores), first come, first served) for C, and frees
//! its lane. On an event loop a task's request is sent by the loop too: its start queues behind the
//! counts already waiting for that loop (it takes no time of its own), so a loop busy counting sends
//! nothing. The result is never below either bound: it is a schedule the bounds allow.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

/// What the schedule needs of a job on a model, seconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Plan {
    pub tasks: usize,
    /// The server's delay per request.
    pub wait_s: f64,
    /// One CPU part, as long as it takes beside the other lanes (C ÷ s where lanes run at once).
    pub cpu_s: f64,
    /// Tasks in flight at once (at least 1).
    pub in_flight: usize,
    /// The server's workers; None: unbounded.
    pub workers: Option<usize>,
    /// CPU parts that run at once: min(CPU lanes, cores), at least 1.
    pub cpu_lanes: usize,
    /// Whether the tasks' requests are sent from the loops their CPU parts run on.
    pub on_a_loop: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Event {
    /// Task i has a lane.
    Start(usize),
    /// The server is done with task i's request.
    Served(usize),
    /// Task i's CPU part is done: a CPU lane and its lane free.
    Counted(usize),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cpu {
    /// A loop sends task i's request (no time of its own).
    Send(usize),
    /// Task i counts.
    Count(usize),
}

/// The makespan of `plan`, seconds (0 for no tasks).
pub fn makespan(plan: &Plan) -> f64 {
    let ns = |s: f64| (s.max(0.0) * 1e9).round() as u64;
    let (wait, cpu) = (ns(plan.wait_s), ns(plan.cpu_s));
    let mut events: BinaryHeap<Reverse<(u64, u64, Event)>> = BinaryHeap::new();
    let mut seq = 0u64;
    let mut at = |events: &mut BinaryHeap<_>, t: u64, e: Event| {
        events.push(Reverse((t, seq, e)));
        seq += 1;
    };
    let lanes = plan.in_flight.max(1).min(plan.tasks);
    for i in 0..lanes {
        at(&mut events, 0, Event::Start(i));
    }
    let mut next = lanes;
    let (mut serving, mut server_queue) = (0usize, VecDeque::new());
    let (mut counting, mut cpu_queue) = (0usize, VecDeque::<Cpu>::new());
    let mut end = 0u64;
    while let Some(Reverse((now, _, event))) = events.pop() {
        // What is handed on at `now`: requests to send, CPU work to queue, lanes freed.
        let mut send = Vec::new();
        match event {
            Event::Start(i) if plan.on_a_loop => cpu_queue.push_back(Cpu::Send(i)),
            Event::Start(i) => send.push(i),
            Event::Served(i) => {
                serving -= 1;
                if let Some(j) = server_queue.pop_front() {
                    serving += 1;
                    at(&mut events, now + wait, Event::Served(j));
                }
                if cpu > 0 {
                    cpu_queue.push_back(Cpu::Count(i));
                } else {
                    end = end.max(now);
                    if next < plan.tasks {
                        at(&mut events, now, Event::Start(next));
                        next += 1;
                    }
                }
            }
            Event::Counted(_) => {
                counting -= 1;
                end = end.max(now);
                if next < plan.tasks {
                    at(&mut events, now, Event::Start(next));
                    next += 1;
                }
            }
        }
        // The CPU lanes take their queue in order; a send passes through a free loop at once.
        while counting < plan.cpu_lanes.max(1) {
            match cpu_queue.pop_front() {
                Some(Cpu::Send(i)) => send.push(i),
                Some(Cpu::Count(i)) => {
                    counting += 1;
                    at(&mut events, now + cpu, Event::Counted(i));
                }
                None => break,
            }
        }
        for i in send {
            if plan.workers.is_none_or(|w| serving < w) {
                serving += 1;
                at(&mut events, now + wait, Event::Served(i));
            } else {
                server_queue.push_back(i);
            }
        }
    }
    end as f64 / 1e9
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(tasks: usize, wait_s: f64, cpu_s: f64, in_flight: usize) -> Plan {
        Plan {
            tasks,
            wait_s,
            cpu_s,
            in_flight,
            workers: None,
            cpu_lanes: 2,
            on_a_loop: false,
        }
    }

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() < 1e-6, "{a} against {b}");
    }

    #[test]
    fn tasks_that_start_together_wait_together_then_count() {
        // 18 threads, 136 ms each on the server, then 44 ms of counting on 2 cores: 136 + 9 × 44.
        close(makespan(&plan(18, 0.136, 0.044, 18)), 0.136 + 9.0 * 0.044);
        // Waits alone: one wave; counts alone: N × C / cores.
        close(makespan(&plan(18, 0.136, 0.0, 18)), 0.136);
        close(makespan(&plan(18, 0.0, 0.044, 18)), 9.0 * 0.044);
    }

    #[test]
    fn the_servers_workers_make_waves_and_a_pool_overlaps_them_with_counting() {
        // 9 requests of 100 ms against 3 workers: three waves.
        let waves = Plan {
            workers: Some(3),
            ..plan(9, 0.1, 0.0, 9)
        };
        close(makespan(&waves), 0.3);
        // With 10 ms of counting each, the next wave is served while the last counts: 3 waves,
        // then the last wave's three counts on two cores (10 + 10 ms).
        close(
            makespan(&Plan {
                cpu_s: 0.01,
                ..waves
            }),
            0.3 + 0.02,
        );
        // A pool of 2 lanes: each lane's task waits, then counts, then the next goes.
        close(makespan(&plan(4, 0.1, 0.01, 2)), 2.0 * 0.11);
    }

    #[test]
    fn a_loop_busy_counting_sends_nothing() {
        // One loop, 4 tasks: their requests go out at once (the loop is free), come back together
        // at 100 ms, and the 4 counts run one after another on the one loop.
        let one_loop = Plan {
            cpu_lanes: 1,
            on_a_loop: true,
            ..plan(4, 0.1, 0.01, 4)
        };
        close(makespan(&one_loop), 0.1 + 0.04);
        // Two in flight on that loop: the third task's request waits for the loop to finish the
        // counts queued before it (both), so it goes at 120 ms; the fourth follows the same way.
        let two = Plan {
            in_flight: 2,
            ..one_loop
        };
        close(makespan(&two), 0.12 + 0.12);
        // Threads in the same shape send at once when a lane frees, whatever is counting.
        let threads = Plan {
            on_a_loop: false,
            ..two
        };
        close(makespan(&threads), 0.11 + 0.11 + 0.01);
    }

    #[test]
    fn never_below_the_ideals_bounds() {
        for (n, w, d, c, k) in [
            (37, Some(3), 0.05, 0.007, 8),
            (100, None, 0.2, 0.03, 16),
            (5, Some(9), 0.01, 0.1, 5),
        ] {
            let p = Plan {
                workers: w,
                ..plan(n, d, c, k)
            };
            let lanes = k.min(w.unwrap_or(usize::MAX));
            let waiting = n.div_ceil(lanes) as f64 * d + c;
            let computing = n as f64 * c / 2.0;
            assert!(makespan(&p) >= waiting.max(computing) - 1e-9, "{p:?}");
        }
        assert_eq!(makespan(&plan(0, 0.1, 0.1, 4)), 0.0);
    }
}
