//! How a run schedules and records its repetitions, through the binary: interleaved rounds by default
//! (seeded, replayable), blocked on request; every sample carries its start time, round and the
//! machine's noise; cpu ideals measured on the machine are never beaten by more than sampling noise.

mod common;

use common::*;
use concbench::results::{ResultFile, Sample};

/// A run with `extra` arguments, in a directory named `name` removed afterwards.
fn run(name: &str, extra: &[&str]) -> ResultFile {
    let dir = tmpdir(name);
    let file = run_ok(extra, &dir.join("run.json"));
    let _ = std::fs::remove_dir_all(&dir);
    file
}

/// Three cheap cases, three repetitions each.
const THREE_BY_THREE: [&str; 10] = [
    "--workload",
    "sleep",
    "--model",
    "sequential,threads,async",
    "--tasks",
    "2",
    "--delay",
    "20ms",
    "--repeat",
    "3",
];

/// (case index, round) of every sample, in the order they started.
fn chronology(file: &ResultFile) -> Vec<(usize, usize)> {
    let mut all: Vec<(f64, usize, usize)> = file
        .cases
        .iter()
        .enumerate()
        .flat_map(|(i, c)| {
            c.samples
                .iter()
                .map(move |s| (s.start_s.unwrap(), i, s.round.unwrap()))
        })
        .collect();
    all.sort_by(|a, b| a.0.total_cmp(&b.0));
    all.into_iter().map(|(_, i, r)| (i, r)).collect()
}

#[test]
fn interleaved_rounds_run_every_case_once_per_round_in_a_seeded_order() {
    let _t = timing_lock();
    let args = [&THREE_BY_THREE[..], &["--seed", "11"]].concat();
    let file = run("interleaved", &args);
    assert_eq!(file.order.as_deref(), Some("interleaved"));
    assert_eq!(file.seed, Some(11));
    let order = chronology(&file);
    assert_eq!(order.len(), 9);
    let rounds: Vec<usize> = order.iter().map(|&(_, r)| r).collect();
    assert_eq!(rounds, [0, 0, 0, 1, 1, 1, 2, 2, 2], "{order:?}");
    for r in 0..3 {
        let mut cases: Vec<usize> = order[3 * r..3 * r + 3].iter().map(|&(c, _)| c).collect();
        cases.sort();
        assert_eq!(cases, [0, 1, 2], "round {r} runs each case once: {order:?}");
    }
    // The same seed replays the same order; the order is no longer the plan's.
    assert_eq!(order, chronology(&run("replay", &args)));
    let plan_order: Vec<(usize, usize)> =
        (0..3).flat_map(|r| (0..3).map(move |c| (c, r))).collect();
    assert_ne!(order, plan_order, "seed 11 shuffles at least one round");
}

#[test]
fn blocked_order_runs_each_case_to_the_end_before_the_next() {
    let _t = timing_lock();
    let file = run(
        "blocked",
        &[&THREE_BY_THREE[..], &["--order", "blocked"]].concat(),
    );
    assert_eq!(file.order.as_deref(), Some("blocked"));
    let order = chronology(&file);
    let expected: Vec<(usize, usize)> = (0..3).flat_map(|c| (0..3).map(move |r| (c, r))).collect();
    assert_eq!(order, expected);
}

#[test]
fn every_sample_records_the_machine_around_it() {
    let _t = timing_lock();
    let server = TestServer::start(0, std::time::Duration::from_millis(50));
    let file = run(
        "noise",
        &[
            "--workload",
            "io",
            "--model",
            "threads",
            "--tasks",
            "4",
            "--repeat",
            "2",
            "--target",
            &server.url(),
        ],
    );
    let samples: Vec<&Sample> = file.cases.iter().flat_map(|c| &c.samples).collect();
    assert_eq!(samples.len(), 2);
    for s in samples {
        let n = s.noise.expect("noise recorded");
        assert!(n.cpus >= 1 && n.wall_s >= s.makespan_s, "{n:?}");
        assert!(
            n.busy_s >= 0.0 && n.other_busy_s <= n.busy_s + 1e-9,
            "{n:?}"
        );
        assert_eq!(
            n.server_cpu_s, None,
            "an external target's CPU is not ours to read"
        );
    }
}

/// An efficiency above 1 means a wrong ideal. t₁ and s are medians measured at the case's own task
/// size, in the same rounds, so only sampling noise can push a stable case past its ideal: 10 % is
/// allowed for that, the dispersion that marks a case unstable. A case that is unstable — its samples or
/// its calibration's probes disagree, or the machine was busy — says its ideal is not to be trusted, and
/// is skipped with the reason printed (on a host whose vCPUs change speed, most are).
#[test]
fn cpu_ideals_hold_for_short_and_long_tasks() {
    let _t = timing_lock();
    // A debug build runs the loop about 10× slower than release: 0.5 M and 4 M iterations are tasks
    // of about 1 ms and 8 ms, where a shared VM's parallel scaling can change with the task size.
    for iters in ["500000", "4000000"] {
        let file = run(
            &format!("cpu-{iters}"),
            &[
                "--workload",
                "cpu",
                "--model",
                "sequential,thread-pool,threads",
                "--limit",
                "2",
                "--tasks",
                "8",
                "--cpu-iters",
                iters,
                "--repeat",
                "5",
            ],
        );
        let mut judged = 0;
        for c in &file.cases {
            let t1 = c.t1_s.expect("cpu cases are calibrated");
            let s = c.scaling.expect("and their scaling measured");
            assert!(t1 > 0.0 && s > 0.0 && s <= 1.0, "{}: t1 {t1}, s {s}", c.id);
            // Every repetition has its own calibration, from the probe right before it.
            for sample in &c.samples {
                let ideal = sample.ideal_s.expect("each repetition's own ideal");
                assert!(
                    sample.t1_s.is_some() && sample.scaling.is_some(),
                    "{}",
                    c.id
                );
                // Lanes no more than cores: the repetition's own tasks bound its ideal, which no
                // run can beat whatever the machine did.
                if c.params.cpu_lanes <= concbench::measure::machine::allowed_cpus().len() {
                    assert!(
                        ideal <= sample.makespan_s * (1.0 + 1e-9),
                        "{}: ideal {ideal} above its own makespan {}",
                        c.id,
                        sample.makespan_s
                    );
                }
            }
            // No efficiency above 1.01 is ever shown: beyond it the ideal says it is unreliable.
            match (c.summary.efficiency, c.summary.ideal_unreliable) {
                (Some(e), None) => assert!(e <= 1.01, "{}: efficiency {e}", c.id),
                (None, Some(u)) => assert!(u > 1.01, "{}: withheld {u}", c.id),
                other => panic!("{}: efficiency and unreliable ideal {other:?}", c.id),
            }
            if !c.summary.unstable.is_empty() {
                skip_check(&c.id, Why::Busy, format!("{:?}", c.summary.unstable));
                continue;
            }
            judged += 1;
            let eff = c
                .summary
                .efficiency
                .or(c.summary.ideal_unreliable)
                .expect("no task failed");
            assert!(
                eff <= 1.10,
                "{}: efficiency {eff:.3} (median {:.4} s, ideal {:.4} s, t1 {t1:.5}, s {s:.2})",
                c.id,
                c.summary.makespan.median,
                c.ideal_s.unwrap()
            );
        }
        eprintln!("{iters} iterations: {judged} of 3 cases stable enough to judge");
    }
}
