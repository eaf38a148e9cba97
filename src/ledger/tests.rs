//! The ledger's rule on synthetic time lines whose answer is known by hand: every segment kind, both
//! hand-overs, the ideal's own sharing of cores, and a residual that is not zero when the path holds
//! more work than the ideal. Times are milliseconds, written as such.

use super::account::Ledger;
use super::path::{segments, walk, Call, Kind, Nominal, PathSums, Rules, Timeline};

const MS: u64 = 1_000_000;
const WORKERS: Rules = Rules {
    server_workers: true,
    on_a_loop: false,
};

/// An io task: its worker picks it at `start`; connect 1 ms later, connected 1 ms after that; the
/// server accepts at `accepted`, replies d = 100 ms later, the last byte 1 ms after, its end 1 ms after.
fn io(begun: Option<u64>, start: u64, connected: u64, accepted: u64, worker: u32) -> Timeline {
    let replied = accepted + 100;
    Timeline {
        begun: begun.map(|b| b * MS),
        start: start * MS,
        end: (replied + 2) * MS,
        call: Some(Call {
            connect: (connected - 1) * MS,
            connected: connected * MS,
            served: Some((worker, accepted * MS)),
            replied: replied * MS,
            last_byte: (replied + 1) * MS,
        }),
        run_delay: 0,
        run: None,
        done: None,
        nominal: Nominal {
            serve: 100 * MS,
            ..Nominal::default()
        },
    }
}

fn ms(ns: u64) -> f64 {
    ns as f64 / MS as f64
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

/// The ledger's own promise: components and residual sum to makespan − ideal.
fn adds_up(l: &Ledger) {
    let sum: f64 = l.components().iter().sum::<f64>() + l.residual_s;
    assert!(close(sum, l.excess_s()), "{l:?}");
}

#[test]
fn a_task_is_cut_into_consecutive_segments() {
    let t = io(Some(2), 5, 7, 9, 0);
    let kinds: Vec<_> = segments(&t).iter().map(|s| s.2).collect();
    use Kind::*;
    assert_eq!(kinds, [Spawn, Slot, Own, Connect, Backlog, Serve, Own]);
    // Done before its end (a pool worker's): the way back is the drain.
    let pooled = Timeline {
        done: Some(t.end - MS),
        ..t
    };
    let kinds: Vec<_> = segments(&pooled).iter().map(|s| s.2).collect();
    assert_eq!(
        kinds,
        [Spawn, Slot, Own, Connect, Backlog, Serve, Own, Drain]
    );
    let segs = segments(&t);
    assert_eq!(segs[0].0, 0);
    assert_eq!(segs.last().unwrap().1, t.end);
    assert!(segs.windows(2).all(|w| w[0].1 == w[1].0));
}

#[test]
fn a_pools_second_round_hands_its_slot_wait_to_the_task_that_freed_the_worker() {
    // Pool of k = 2, 4 tasks, a server with more workers than that: rounds at 0 and 106 ms.
    // A process pool's: each task's worker was done as it read the answer's last byte, its
    // result back over the pipe 1 ms later.
    let pooled = |t: Timeline| Timeline {
        done: t.call.map(|c| c.last_byte),
        ..t
    };
    let tasks = [
        io(None, 0, 2, 3, 0),
        io(None, 0, 2, 3, 1),
        io(None, 106, 108, 110, 2),
        io(None, 106, 108, 110, 3),
    ]
    .map(pooled);
    let p = walk(&tasks, WORKERS).unwrap();
    assert_eq!(p.total_ns(), 212 * MS, "the path tiles the makespan");
    assert_eq!(p.tasks, 2);
    assert_eq!(ms(p.slot_ns), 1.0, "only the hand-over gap waits");
    // Reading each answer (1 ms after the server began it) is own code; handing it back (1 ms
    // more) the drain.
    assert_eq!(ms(p.own_ns), 4.0);
    assert_eq!(ms(p.drain_ns), 2.0);
    assert_eq!(ms(p.connect_ns), 2.0);
    assert_eq!(ms(p.backlog_ns), 3.0);
    assert_eq!(ms(p.serve_ns), 200.0);
    assert_eq!(ms(p.serve_work_ns), 200.0);
    let l = Ledger::of(&p, 0.212, 0.200, None, true, 0.0);
    assert!(close(l.slot_s, 0.001) && close(l.backlog_s, 0.003) && close(l.connect_s, 0.002));
    assert!(close(l.serve_s, 0.0) && close(l.client_s, 0.004) && close(l.drain_s, 0.002));
    assert!(close(l.residual_s, 0.0), "everything explained: {l:?}");
    adds_up(&l);
}

#[test]
fn a_backlog_wait_hands_over_to_the_request_the_same_server_worker_served_before() {
    // The worked example of docs/ledger.md: threads, 2 tasks, one server worker, d = 100 ms.
    let tasks = [io(Some(1), 1, 2, 2, 0), io(Some(2), 2, 3, 105, 0)];
    let p = walk(&tasks, WORKERS).unwrap();
    assert_eq!(p.total_ns(), 207 * MS);
    assert_eq!(p.tasks, 2);
    assert_eq!(
        ms(p.backlog_ns),
        3.0,
        "replied at 102, accepted the next at 105"
    );
    assert_eq!(ms(p.spawn_ns), 1.0);
    assert_eq!(ms(p.serve_ns), 200.0);
    assert_eq!(ms(p.serve_work_ns), 200.0, "both serves whole on the path");
    let l = Ledger::of(&p, 0.207, 0.200, None, true, 0.0);
    // Threads: a task's result is in hand as its own code ends, no drain.
    let want = [0.001, 0.0, 0.0, 0.003, 0.001, 0.0, 0.0, 0.0, 0.002, 0.0];
    for (got, want) in l.components().iter().zip(want) {
        assert!(close(*got, want), "{l:?}");
    }
    assert!(close(l.residual_s, 0.0));
    assert_eq!(l.largest().0, "backlog");
    adds_up(&l);
    // In the unbounded mode no worker is handed over: the whole wait is the backlog's.
    let p = walk(
        &tasks,
        Rules {
            server_workers: false,
            on_a_loop: false,
        },
    )
    .unwrap();
    assert_eq!(ms(p.backlog_ns), 102.0);
    assert_eq!(p.tasks, 1);
}

/// A cpu task on a thread: its unit ran it at `begun`, its end, its run delay; its run time not
/// measured.
fn cpu(begun: u64, end: u64, run_delay: u64) -> Timeline {
    Timeline {
        begun: Some(begun * MS),
        start: begun * MS,
        end: end * MS,
        call: None,
        run_delay: run_delay * MS,
        run: None,
        done: None,
        nominal: Nominal {
            cpu: true,
            ..Nominal::default()
        },
    }
}

#[test]
fn run_delay_the_ideal_expects_is_no_contention() {
    // 4 threads of t₁ = 100 ms on 2 cores: the ideal is 200 ms; each waited 100 ms for a core.
    let tasks: Vec<_> = (1..=4).map(|i| cpu(i, 204 + i, 100)).collect();
    let p = walk(&tasks, WORKERS).unwrap();
    assert_eq!(p.total_ns(), 208 * MS);
    assert_eq!(
        (ms(p.spawn_ns), ms(p.own_ns), ms(p.run_delay_ns)),
        (4.0, 204.0, 100.0)
    );
    let l = Ledger::of(&p, 0.208, 0.200, Some(0.100), true, 0.0);
    assert!(close(l.contention_s, 0.0), "{l:?}");
    assert!(close(l.spawn_s, 0.004) && close(l.client_s, 0.004));
    assert!(close(l.residual_s, 0.0));
    adds_up(&l);
}

#[test]
fn run_delay_beyond_the_ideals_sharing_is_contention() {
    // The same, with 50 ms more waiting for a core (another process took it).
    let tasks: Vec<_> = (1..=4).map(|i| cpu(i, 254 + i, 150)).collect();
    let p = walk(&tasks, WORKERS).unwrap();
    let l = Ledger::of(&p, 0.258, 0.200, Some(0.100), true, 0.0);
    assert!(close(l.contention_s, 0.050), "{l:?}");
    assert!(close(l.residual_s, 0.0));
    adds_up(&l);
}

#[test]
fn cpu_parts_that_ran_longer_than_t1_are_their_own_component() {
    // The same 4 threads on 2 cores, each measured on a CPU for 120 ms where t₁ says 100 ms: 20 ms
    // on the path is the CPU part's own slowness, not the client's and not the residual.
    let tasks: Vec<_> = (1..=4)
        .map(|i| Timeline {
            run: Some(120 * MS),
            ..cpu(i, 224 + i, 100)
        })
        .collect();
    let p = walk(&tasks, WORKERS).unwrap();
    assert_eq!((p.cpu_measured, ms(p.cpu_run_ns)), (1, 120.0));
    let l = Ledger::of(&p, 0.228, 0.200, Some(0.100), true, 0.0);
    assert!(close(l.cpu_s, 0.020), "{l:?}");
    assert!(close(l.contention_s, 0.0) && close(l.client_s, 0.004));
    assert!(close(l.residual_s, 0.0));
    adds_up(&l);
}

#[test]
fn cpu_parts_faster_than_the_probe_say_so_at_the_speed_they_ran() {
    // The probe said t₁ = 100 ms, so the ideal of 4 parts on 2 cores is 200 ms; in the case each part
    // ran 50 ms (the vCPU sped up): the last pair waited 50 ms for a core, all ended by 101–104 ms.
    let tasks: Vec<_> = (1..=4)
        .map(|i| Timeline {
            run: Some(50 * MS),
            ..cpu(
                i,
                if i <= 2 { 50 + i } else { 100 + i },
                if i <= 2 { 0 } else { 50 },
            )
        })
        .collect();
    let p = walk(&tasks, WORKERS).unwrap();
    assert_eq!((p.all_cpu_parts, p.all_cpu_measured), (4, 4));
    assert!(close(p.cpu_part_s().unwrap(), 0.050));
    // At the probe's t₁ alone, half the gap is left unexplained: the path's part ran 50 ms under
    // t₁, but the ideal counted the other three parts at t₁ too.
    let probed = Ledger::of(&p, 0.104, 0.200, Some(0.100), true, 0.0);
    assert!(close(probed.residual_s, -0.050), "{probed:?}");
    // At the speed measured: the ideal of 50 ms parts is 100 ms, and the 100 ms gap between the
    // ideals is the cpu component; the path's run delay is the ideal's own sharing.
    let speed = crate::ledger::account::Speed {
        t_s: p.cpu_part_s().unwrap(),
        ideal_s: 0.100,
    };
    let l = Ledger::at_speed(&p, 0.104, 0.200, Some(0.100), true, 0.0, Some(speed));
    assert!(close(l.cpu_s, -0.100), "{l:?}");
    assert!(close(l.contention_s, 0.0) && close(l.spawn_s, 0.004));
    assert!(close(l.residual_s, 0.0), "{l:?}");
    assert_eq!(l.cpu_part_s, Some(0.050));
    adds_up(&l);
    // A part not measured: no speed to take, the probe's t₁ stays.
    let mut unmeasured = tasks.clone();
    unmeasured[0].run = None;
    assert_eq!(walk(&unmeasured, WORKERS).unwrap().cpu_part_s(), None);
}

#[test]
fn on_a_loop_own_time_outside_its_polls_and_its_wait_is_waiting_for_the_loop() {
    // A task on an event loop sleeps 100 ms, connects at 150 ms (its timer noticed 50 ms late: the
    // loop was counting for another task), is served 150–160 ms, and ends at 200 ms; 5 ms of its
    // own code ran inside its polls. Own time: 150 + 40 ms; waiting for the loop: 190 − 5 − 100.
    let t = Timeline {
        start: 0,
        end: 200 * MS,
        call: Some(Call {
            connect: 150 * MS,
            connected: 150 * MS,
            served: Some((0, 150 * MS)),
            replied: 160 * MS,
            last_byte: 160 * MS,
        }),
        nominal: Nominal {
            own: 100 * MS,
            ..Nominal::default()
        },
        ..Timeline::default()
    };
    assert_eq!(super::path::loop_wait(&t, 5 * MS, 0), 85 * MS);
    // 30 ms of it away on the blocking pool (an offloaded count): not the loop's.
    assert_eq!(super::path::loop_wait(&t, 5 * MS, 30 * MS), 55 * MS);
    // Never below nothing: polls that explain it all.
    assert_eq!(super::path::loop_wait(&t, 95 * MS, 0), 0);
}

#[test]
fn work_on_the_path_beyond_the_ideals_is_the_residual() {
    // A pool of 2 sleeping 100 ms, set beside an ideal that assumed 4 lanes (100 ms): the path holds
    // two sleeps, nothing measured explains the second one.
    let sleep = |start: u64| Timeline {
        start: start * MS,
        end: (start + 100) * MS,
        nominal: Nominal {
            own: 100 * MS,
            ..Nominal::default()
        },
        ..Timeline::default()
    };
    let tasks = [sleep(0), sleep(0), sleep(100), sleep(100)];
    let p = walk(&tasks, WORKERS).unwrap();
    assert_eq!((p.tasks, ms(p.own_work_ns), ms(p.slot_ns)), (2, 200.0, 0.0));
    let l = Ledger::of(&p, 0.200, 0.100, None, false, 0.0);
    assert!(l.components().iter().all(|c| close(*c, 0.0)), "{l:?}");
    assert!(close(l.residual_s, 0.100));
    assert_eq!(l.largest().0, "residual");
    adds_up(&l);
}

#[test]
fn in_order_packing_explains_a_path_longer_than_perfect_packing_and_no_more() {
    // A pool of 2 given 100, 100 and 200 ms sleeps in that order: the 200 ms one starts when the
    // first lane frees, at 100 ms, and ends at 300 ms; packed perfectly the ideal is 200 ms.
    let sleep = |start: u64, d: u64| Timeline {
        start: start * MS,
        end: (start + d) * MS,
        nominal: Nominal {
            own: d * MS,
            ..Nominal::default()
        },
        ..Timeline::default()
    };
    let tasks = [sleep(0, 100), sleep(0, 100), sleep(100, 200)];
    let p = walk(&tasks, WORKERS).unwrap();
    let works = [0.1, 0.1, 0.2];
    let packing = crate::ledger::packing::packing(&works, 2, 0.200);
    assert!(close(packing, 0.100));
    let l = Ledger::of(&p, 0.300, 0.200, None, false, packing);
    assert!(
        close(l.packing_s, 0.100) && close(l.residual_s, 0.0),
        "{l:?}"
    );
    assert_eq!(l.largest().0, "packing");
    adds_up(&l);
    // Had the pool run them longest first, the path would hold 200 ms: the same schedule's
    // packing then overstates it, and the residual says so, below zero.
    let tasks = [sleep(0, 200), sleep(0, 100), sleep(100, 100)];
    let p = walk(&tasks, WORKERS).unwrap();
    let l = Ledger::of(&p, 0.200, 0.200, None, false, packing);
    assert!(close(l.residual_s, -0.100), "{l:?}");
    adds_up(&l);
}

#[test]
fn without_stamps_backlog_and_serve_are_one_and_nothing_is_handed_over() {
    let mut t = io(Some(1), 1, 2, 50, 0);
    t.call.as_mut().unwrap().served = None;
    let p = walk(&[t], WORKERS).unwrap();
    assert_eq!(ms(p.unstamped_ns), 149.0);
    assert_eq!(ms(p.serve_work_ns), 100.0);
    let l = Ledger::of(&p, ms(p.total_ns()) / 1e3, 0.100, None, false, 0.0);
    assert!(close(l.serve_s, 0.049) && close(l.backlog_s, 0.0));
    adds_up(&l);
}

#[test]
fn any_time_lines_tile_the_makespan_and_the_ledger_adds_up() {
    // Pseudo-random tasks with marks in any order (clamped): the path still tiles [0, makespan).
    let mut x = 0x2545_f491_4f6c_dd1du64;
    let mut next = |n: u64| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x % n
    };
    for _ in 0..50 {
        let tasks: Vec<Timeline> = (0..60)
            .map(|_| {
                let mut marks: Vec<u64> = (0..7).map(|_| next(1_000) * MS).collect();
                marks.sort_unstable();
                Timeline {
                    begun: (next(2) == 0).then_some(marks[0]),
                    start: marks[1],
                    end: marks[6],
                    call: (next(3) > 0).then(|| Call {
                        connect: marks[2],
                        connected: marks[3],
                        served: (next(2) == 0).then(|| (next(4) as u32, marks[4])),
                        replied: marks[5],
                        last_byte: marks[5] + next(2) * MS,
                    }),
                    run_delay: next(50) * MS,
                    run: (next(2) == 0).then(|| next(100) * MS),
                    done: None,
                    nominal: Nominal {
                        serve: next(100) * MS,
                        own: next(100) * MS,
                        cpu: next(2) == 0,
                    },
                }
            })
            .collect();
        let makespan = tasks.iter().map(|t| t.end).max().unwrap();
        let p: PathSums = walk(&tasks, WORKERS).unwrap();
        assert_eq!(p.total_ns(), makespan);
        let l = Ledger::of(&p, makespan as f64 / 1e9, 0.3, Some(0.01), true, 0.0);
        adds_up(&l);
    }
}

/// Two CPU tasks of 10 ms on one event loop: the second's first poll waits for the first to end. On
/// a loop that wait hands over to the first task (the path is their own time, no spawn); for threads
/// the same time line's wait is the second thread's own start.
#[test]
fn a_first_poll_on_a_busy_loop_hands_over_to_the_task_before() {
    let task = |begun: u64, end: u64| Timeline {
        begun: Some(begun * MS),
        start: begun * MS,
        end: end * MS,
        nominal: Nominal {
            own: 10 * MS,
            ..Nominal::default()
        },
        ..Timeline::default()
    };
    let tasks = [task(0, 10), task(10, 20)];
    let on_loop = walk(
        &tasks,
        Rules {
            server_workers: false,
            on_a_loop: true,
        },
    )
    .unwrap();
    assert_eq!(
        (on_loop.spawn_ns, on_loop.own_ns, on_loop.tasks),
        (0, 20 * MS, 2)
    );
    let threads = walk(&tasks, WORKERS).unwrap();
    assert_eq!(
        (threads.spawn_ns, threads.own_ns, threads.tasks),
        (10 * MS, 10 * MS, 1)
    );
}
