//! The critical path of one repetition: which stretches of which tasks the makespan is made of. Each
//! task's time line, from the first submission to its end, is cut into consecutive segments of a
//! kind (start of its unit, waiting for a slot, its own code, connecting, the server's backlog, the
//! serve). The walk starts at the end of the task that ended last and goes back to 0. A *waiting*
//! segment hands the walk over to the task that released what it waited for — the slot: the task
//! whose end is the latest within the wait; the backlog: the task the same server worker served
//! last — so only the hand-over gap counts as waiting, and what came before it is explained by that
//! predecessor's own path. The walk's segments tile [0, makespan) exactly: their sum is the makespan,
//! in integer nanoseconds. [`super::account`] turns these sums and the ideal into the ledger.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A request's marks relative to the first submission, nanoseconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Call {
    pub connect: u64,
    pub connected: u64,
    /// The server's stamps, when it sent them: (worker, accepted).
    pub served: Option<(u32, u64)>,
    /// The server's delay was over and its answer began (the backlog's hand-over point).
    pub replied: u64,
    pub last_byte: u64,
}

/// What of a task's time is its work, as the workload says (nanoseconds): the server's delay, its own
/// waits (a sleep, mixed's random wait), and whether it has a CPU part (whose time the parent knows
/// from the calibration, the child does not).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Nominal {
    /// The server's delay d, inside the serve.
    pub serve: u64,
    /// Work in the task's own code that is not CPU: a sleep's d, mixed's wait.
    pub own: u64,
    /// Whether it runs a CPU part (t₁ of the calibration).
    pub cpu: bool,
}

/// One task's time line, nanoseconds from the first submission.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Timeline {
    /// Its unit first ran it (a thread running, a tokio task's first poll); None for pools and
    /// sequential, where the wait before `start` is the wait for a worker.
    pub begun: Option<u64>,
    /// A permit acquired, a worker picked it up: its own code begins.
    pub start: u64,
    pub end: u64,
    pub call: Option<Call>,
    /// Time runnable but not running while it ran (schedstat's run_delay of its thread; a tokio
    /// task's woken-but-not-polled time).
    pub run_delay: u64,
    /// Time it ran on a CPU, when its thread was its own (schedstat's run time over the task).
    pub run: Option<u64>,
    /// Its own code was done, before its end (a pool worker's, the pipe back after it); None: at
    /// its end.
    pub done: Option<u64>,
    pub nominal: Nominal,
}

/// The kinds of segment a path is cut into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Submitted → its unit ran it (thread start, first poll).
    Spawn,
    /// Waiting inside the client for a permit or a worker.
    Slot,
    /// The task's own code: its work (sleep, CPU, mixed's wait), building the request, reading the
    /// answer (from the server's beginning it) and handing it back.
    Own,
    /// connect() called → connected.
    Connect,
    /// Connected → the server accepted: the listen backlog.
    Backlog,
    /// Accepted → the server began its answer: its delay and what it took beyond it.
    Serve,
    /// Connected → last byte when the server sent no stamps: backlog and serve not told apart.
    Unstamped,
    /// Its own code done → its result in the model's hands (its end): handing it back — a pool
    /// worker's pipe to the submitter.
    Drain,
}

/// What the path is made of, summed by kind, nanoseconds. Their sum is the makespan.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PathSums {
    /// Tasks the path went through.
    pub tasks: u64,
    pub spawn_ns: u64,
    pub slot_ns: u64,
    pub own_ns: u64,
    pub connect_ns: u64,
    pub backlog_ns: u64,
    pub serve_ns: u64,
    pub unstamped_ns: u64,
    #[serde(default)]
    pub drain_ns: u64,
    /// Of `own_ns`, run delay (the tasks' own, at most their own time on the path).
    pub run_delay_ns: u64,
    /// The nominal work on the path: the server's delays of the serves on it (whole serves only)…
    pub serve_work_ns: u64,
    /// …the own work of tasks whose own time is on it…
    pub own_work_ns: u64,
    /// …and how many of those have a CPU part.
    pub cpu_parts: u64,
    /// Of those with a CPU part, how many had their run time measured, and its sum (at most their
    /// own time on the path less its run delay).
    #[serde(default)]
    pub cpu_measured: u64,
    #[serde(default)]
    pub cpu_run_ns: u64,
    /// Over every task of the repetition, on the path or not: how many have a CPU part, how many of
    /// those had its run time measured, and its sum — the speed the case's CPU parts ran at.
    #[serde(default)]
    pub all_cpu_parts: u64,
    #[serde(default)]
    pub all_cpu_measured: u64,
    #[serde(default)]
    pub all_cpu_run_ns: u64,
}

impl PathSums {
    /// The mean run time of the repetition's CPU parts, seconds, when every one was measured.
    pub fn cpu_part_s(&self) -> Option<f64> {
        (self.all_cpu_parts > 0 && self.all_cpu_measured == self.all_cpu_parts)
            .then(|| self.all_cpu_run_ns as f64 / self.all_cpu_measured as f64 / 1e9)
    }
}

impl PathSums {
    /// The makespan the path adds up to.
    pub fn total_ns(&self) -> u64 {
        self.spawn_ns
            + self.slot_ns
            + self.own_ns
            + self.connect_ns
            + self.backlog_ns
            + self.serve_ns
            + self.unstamped_ns
            + self.drain_ns
    }

    fn add(&mut self, kind: Kind, ns: u64) {
        let slot = match kind {
            Kind::Spawn => &mut self.spawn_ns,
            Kind::Slot => &mut self.slot_ns,
            Kind::Own => &mut self.own_ns,
            Kind::Connect => &mut self.connect_ns,
            Kind::Backlog => &mut self.backlog_ns,
            Kind::Serve => &mut self.serve_ns,
            Kind::Unstamped => &mut self.unstamped_ns,
            Kind::Drain => &mut self.drain_ns,
        };
        *slot += ns;
    }
}

/// A task's segments, consecutive from 0 to its end (marks out of order are clamped into order).
pub fn segments(t: &Timeline) -> Vec<(u64, u64, Kind)> {
    let mut out = Vec::with_capacity(8);
    let mut at = 0u64;
    let mut to = |mark: u64, kind: Kind, out: &mut Vec<(u64, u64, Kind)>| {
        let mark = mark.clamp(at, t.end.max(at));
        out.push((at, mark, kind));
        at = mark;
    };
    if let Some(b) = t.begun {
        to(b, Kind::Spawn, &mut out);
    }
    to(t.start, Kind::Slot, &mut out);
    if let Some(c) = t.call {
        to(c.connect, Kind::Own, &mut out);
        to(c.connected, Kind::Connect, &mut out);
        match c.served {
            Some((_, accepted)) => {
                to(accepted, Kind::Backlog, &mut out);
                // The server's part ends as it begins its answer; from there the answer is the
                // client's to read — on a busy event loop it waits unread, the loop's time, not
                // the server's.
                to(c.replied, Kind::Serve, &mut out);
            }
            None => to(c.last_byte, Kind::Unstamped, &mut out),
        }
    }
    // Its own code to its end, or to when it was done and the way back from there.
    match t.done {
        Some(done) => {
            to(done, Kind::Own, &mut out);
            to(t.end, Kind::Drain, &mut out);
        }
        None => to(t.end, Kind::Own, &mut out),
    }
    out.retain(|(a, b, _)| b > a);
    out
}

/// On an event loop, the time task `t` was ready but the loop ran other tasks: its own time (the
/// `Own` segments) that was neither inside its polls (`polled`: its code, an inline CPU part), nor
/// its own wait (a sleep's d), nor `away` on another thread (an offloaded CPU part's run and
/// preemption). A timer that fires, or an answer that arrives, while the loop runs another task's
/// code is noticed only when the loop returns to its driver; the task's woken-but-not-polled time
/// starts there and cannot see the wait before it. This can.
pub fn loop_wait(t: &Timeline, polled: u64, away: u64) -> u64 {
    let own: u64 = segments(t)
        .iter()
        .filter(|(_, _, k)| *k == Kind::Own)
        .map(|(a, b, _)| b - a)
        .sum();
    own.saturating_sub(polled + t.nominal.own + away)
}

/// How the walk treats the server and the model: whether a backlog wait hands over to the server
/// worker's previous request (worker mode; in the unbounded mode no worker is held, nothing to hand
/// over), and whether a first-poll wait hands over to the task the loop ran before.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    pub server_workers: bool,
    /// Its tasks run on an event loop: a task's wait for its first poll is a wait for the loop,
    /// busy with other tasks, and hands over like a slot's (threads start on their own: their
    /// start is theirs alone).
    pub on_a_loop: bool,
}

/// Walk the critical path of `tasks` back from the task that ended last; None without tasks.
pub fn walk(tasks: &[Timeline], rules: Rules) -> Option<PathSums> {
    let last = (0..tasks.len()).max_by_key(|&i| (tasks[i].end, std::cmp::Reverse(i)))?;
    // Ends sorted, to find a slot's predecessor: the latest end within the wait.
    let mut ends: Vec<(u64, usize)> = tasks.iter().enumerate().map(|(i, t)| (t.end, i)).collect();
    ends.sort_unstable();
    let segs: Vec<Vec<(u64, u64, Kind)>> = tasks.iter().map(segments).collect();
    let mut sums = PathSums::default();
    // Per task visited: its own time on the path (to bound its run delay), whether its own time and
    // its whole serve were on it (to count its nominal work).
    let mut own_on_path = vec![0u64; tasks.len()];
    let mut seen = vec![false; tasks.len()];
    let mut serve_whole = vec![false; tasks.len()];
    let (mut task, mut cursor) = (last, tasks[last].end);
    while cursor > 0 {
        if !seen[task] {
            seen[task] = true;
            sums.tasks += 1;
        }
        let Some(&(from, _, kind)) = segs[task]
            .iter()
            .find(|(a, b, _)| *a < cursor && cursor <= *b)
        else {
            // A task whose segments do not reach back here (none do below its first mark): the rest
            // is unexplained time of its own.
            sums.add(Kind::Own, cursor);
            own_on_path[task] += cursor;
            break;
        };
        let handover = match kind {
            Kind::Slot => slot_predecessor(&ends, task, from, cursor),
            Kind::Spawn if rules.on_a_loop => slot_predecessor(&ends, task, from, cursor),
            Kind::Backlog if rules.server_workers => backlog_predecessor(tasks, task, from, cursor),
            _ => None,
        };
        match handover {
            Some((before, at)) => {
                sums.add(kind, cursor - at);
                task = before;
                cursor = at;
            }
            None => {
                sums.add(kind, cursor - from);
                if kind == Kind::Own {
                    own_on_path[task] += cursor - from;
                }
                // A serve walked from past its reply down to its accept holds the whole delay.
                if matches!(kind, Kind::Serve | Kind::Unstamped)
                    && tasks[task].call.is_some_and(|c| cursor >= c.replied)
                {
                    serve_whole[task] = true;
                }
                cursor = from;
            }
        }
    }
    for (i, t) in tasks.iter().enumerate() {
        if t.nominal.cpu {
            sums.all_cpu_parts += 1;
            if let Some(run) = t.run {
                sums.all_cpu_measured += 1;
                sums.all_cpu_run_ns += run;
            }
        }
        if own_on_path[i] > 0 {
            let delay = t.run_delay.min(own_on_path[i]);
            sums.run_delay_ns += delay;
            sums.own_work_ns += t.nominal.own;
            sums.cpu_parts += u64::from(t.nominal.cpu);
            if let (true, Some(run)) = (t.nominal.cpu, t.run) {
                sums.cpu_measured += 1;
                sums.cpu_run_ns += run.min(own_on_path[i] - delay);
            }
        }
        if serve_whole[i] {
            sums.serve_work_ns += t.nominal.serve;
        }
    }
    Some(sums)
}

/// The task that freed the slot `task` waited for in [from, cursor): the latest to end within it.
fn slot_predecessor(
    ends: &[(u64, usize)],
    task: usize,
    from: u64,
    cursor: u64,
) -> Option<(usize, u64)> {
    let upto = ends.partition_point(|(e, _)| *e <= cursor);
    ends[..upto]
        .iter()
        .rev()
        .take_while(|(e, _)| *e > from)
        .find(|(_, i)| *i != task)
        .map(|&(e, i)| (i, e))
}

/// The request the same server worker answered last before accepting `task`'s connection, within its
/// wait in the backlog [from, cursor).
fn backlog_predecessor(
    tasks: &[Timeline],
    task: usize,
    from: u64,
    cursor: u64,
) -> Option<(usize, u64)> {
    let worker = tasks[task].call?.served?.0;
    tasks
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != task)
        .filter_map(|(i, t)| {
            let c = t.call?;
            let (w, _) = c.served?;
            (w == worker && c.replied > from && c.replied <= cursor).then_some((i, c.replied))
        })
        .max_by_key(|&(i, at)| (at, std::cmp::Reverse(i)))
}
