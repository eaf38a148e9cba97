//! Open-loop arrivals end to end: tasks released at their scheduled times by the models that take a
//! rate, latency counted from the scheduled release (a model that cannot keep up shows a latency
//! that grows with the task's index, however late its sender handed the task over), the time
//! series' counts adding up, HDR percentiles against exact ones, and the refusals.

mod common;

use common::*;
use concbench::arrival::Arrival;
use concbench::model::ModelKind;
use concbench::run::case::{execute, CaseSpec};
use concbench::workload::{Params, SleepParams};
use std::path::Path;
use std::time::Duration;

/// `tasks` sleeps of `d` on `model` at limit `k`, released at `arrival`, run in this process.
fn open(model: ModelKind, k: usize, tasks: usize, d: Duration, arrival: Arrival) -> CaseSpec {
    CaseSpec {
        arrival,
        seed: 11,
        ledger: false,
        ..case_spec(model, Params::Sleep(SleepParams::new(d)), "", tasks, k)
    }
}

#[test]
fn a_pool_that_cannot_keep_up_shows_latency_growing_from_the_scheduled_time() {
    let _t = timing_lock();
    // One worker of 20 ms against 200 tasks/s: it serves 50/s, so task i, due at i × 5 ms, cannot
    // end before (i + 1) × 20 ms — its latency from its due time is at least (i + 1) × 20 − i × 5 ms.
    // Counted from when the worker took it up, every task would look like 20 ms.
    let d = Duration::from_millis(20);
    let n = 20;
    let spec = open(
        ModelKind::ThreadPool,
        1,
        n,
        d,
        Arrival::Constant { per_s: 200.0 },
    );
    let out = execute(&spec, Path::new(EXE)).unwrap();
    let floor = |i: f64| (i + 1.0) * 0.020 - i * 0.005;
    assert!(
        out.task_latency.max >= floor(19.0) - 0.001,
        "the last task waited behind 19 others: {:?}",
        out.task_latency
    );
    assert!(
        out.task_latency.p50 >= floor(9.0) - 0.001,
        "half the tasks waited at least as long as the tenth: {:?}",
        out.task_latency
    );
    // The time line shows it: what is in flight climbs while tasks arrive, and the latency of what
    // comes back later is longer.
    let series = out.series.expect("an open-loop run has a time line");
    let p99: Vec<f64> = series.iter().filter_map(|b| b.p99_s).collect();
    assert!(
        p99.last().unwrap() > &(p99[0] + 0.2),
        "latency grows over the run: {p99:?}"
    );
    let peak = series.iter().map(|b| b.in_flight).max().unwrap();
    assert!(peak >= 10, "a queue formed: {series:?}");
}

#[test]
fn a_model_that_keeps_up_releases_on_time_and_its_counts_add_up() {
    let _t = timing_lock();
    // Threads, one per task, 50 ms sleeps at 100/s: about 5 in flight, never queueing. Released at
    // their times, the run cannot end before the last release plus a sleep.
    let d = Duration::from_millis(50);
    let n = 30;
    let arrival = Arrival::Poisson { per_s: 100.0 };
    let spec = open(ModelKind::Threads, 1, n, d, arrival);
    let out = execute(&spec, Path::new(EXE)).unwrap();
    let last = arrival.schedule(n, 11).unwrap()[n - 1].as_secs_f64();
    assert!(
        out.makespan_s >= last + 0.050,
        "the last task is released at {last} s: {}",
        out.makespan_s
    );
    assert!(out.task_latency.p50 >= 0.050, "{:?}", out.task_latency);
    // Generous: a busy machine may delay a thread, but no queue forms at 5 in flight.
    assert!(out.task_latency.p50 < 0.5, "{:?}", out.task_latency);
    let series = out.series.expect("a time line");
    let offered: u64 = series.iter().map(|b| b.offered).sum();
    let completed: u64 = series.iter().map(|b| b.completed).sum();
    let failed: u64 = series.iter().map(|b| b.failed).sum();
    assert_eq!(offered, n as u64);
    assert_eq!(completed, out.ok);
    assert_eq!(completed + failed, n as u64);
    assert_eq!(series.last().unwrap().in_flight, 0);
}

#[test]
fn every_model_that_takes_a_rate_meets_the_same_poisson_times() {
    let _t = timing_lock();
    // The async models wait on the runtime's timer, the thread models on the OS's: each run's first
    // task ends no sooner than a sleep, and its last no sooner than the last release plus a sleep.
    let arrival = Arrival::Poisson { per_s: 400.0 };
    let d = Duration::from_millis(5);
    let n = 12;
    let last = arrival.schedule(n, 11).unwrap()[n - 1].as_secs_f64();
    for model in ModelKind::ALL
        .into_iter()
        .filter(|m| m.model().takes_arrival())
    {
        let out = execute(&open(model, 4, n, d, arrival), Path::new(EXE)).unwrap();
        assert_eq!(out.ok, n as u64, "{model}");
        assert!(
            out.makespan_s >= last + 0.005,
            "{model}: {}",
            out.makespan_s
        );
    }
}

#[test]
fn hdr_percentiles_match_the_sorted_samples() {
    // 10,000 latencies spread over four decades, in a scrambled order.
    let mut rng = concbench::rng::Rng::new(3);
    let values: Vec<Duration> = (0..10_000)
        .map(|_| Duration::from_micros((10f64.powf(2.0 + 4.0 * rng.unit())) as u64))
        .collect();
    let p = concbench::measure::latency::percentiles(values.iter().copied()).unwrap();
    let mut sorted = values.clone();
    sorted.sort();
    let exact =
        |q: f64| sorted[((q * sorted.len() as f64).ceil() as usize).max(1) - 1].as_secs_f64();
    for (q, got) in [(0.5, p.p50), (0.9, p.p90), (0.99, p.p99), (1.0, p.max)] {
        let want = exact(q);
        // Three significant digits: within 0.1 % (and a microsecond of rounding).
        assert!(
            (got - want).abs() <= want * 1e-3 + 1e-6,
            "q{q}: hdr {got} vs sorted {want}"
        );
    }
}

#[test]
fn a_rate_is_refused_where_it_cannot_apply() {
    refused(
        &[
            "run",
            "--workload",
            "sleep",
            "--model",
            "process-pool",
            "--limit",
            "2",
            "--arrival",
            "constant:10/s",
        ],
        "models that release tasks at a rate: threads",
    );
    refused(
        &[
            "run",
            "--workload",
            "sleep",
            "--model",
            "async",
            "--arrival",
            "burst:3/s",
        ],
        "give batch, constant:R/s or poisson:R/s",
    );
    refused(
        &[
            "run",
            "--workload",
            "sleep",
            "--model",
            "async",
            "--arrival",
            "poisson:10/s",
            "--ledger",
            "both",
        ],
        "keeps no ledger",
    );
}

/// The load-curve section, from a real run of the suite (tests/fixtures/make-load-curve.sh).
mod section {
    use super::*;
    use concbench::report::sections::load_curve::{chart, data, timeline};

    fn fixture() -> concbench::report::data::ReportData {
        data_from(LOAD_CURVE_FIXTURE)
    }

    #[test]
    fn every_case_has_a_point_whose_ideal_follows_the_rule() {
        let data = fixture();
        let points = data::points(&data);
        assert_eq!(points.len(), data.cases.len(), "every case has a rate");
        for p in &points {
            let ideal = p.ideal.expect("an io case's ideal is known");
            match p.capacity {
                // Below the knee the ideal is the request's delay, and its throughput the rate less
                // the last request's tail (N / (N / R + d)).
                Some(c) if p.rate < c => {
                    assert!((ideal.p99 - 0.050).abs() < 1e-9, "{}", p.id);
                    let want = p.tasks as f64 / ((p.tasks - 1) as f64 / p.rate + 0.050);
                    assert!((ideal.throughput - want).abs() < 1e-6, "{}", p.id);
                }
                // Past it the queue grows and the throughput is the capacity's at most.
                Some(c) if p.past_knee() => {
                    assert!(ideal.p99 > 0.5, "{}: {ideal:?}", p.id);
                    assert!(ideal.throughput <= c * 1.0001, "{}: {ideal:?}", p.id);
                }
                _ => assert!(ideal.p50 >= 0.050 - 1e-9, "{}", p.id),
            }
            // No model beats physics: latency from the scheduled release is at least the delay.
            assert!(p.p50 >= 0.050, "{}: p50 {}", p.id, p.p50);
            assert!(p.throughput <= ideal.throughput * 1.01, "{}", p.id);
        }
    }

    #[test]
    fn the_time_lines_add_up_to_each_sample() {
        let data = fixture();
        for c in &data.cases {
            for s in &c.samples {
                let series = s.series.as_ref().expect("every load-curve sample has one");
                let offered: u64 = series.iter().map(|b| b.offered).sum();
                let completed: u64 = series.iter().map(|b| b.completed).sum();
                assert_eq!(offered as usize, c.params.tasks, "{}", c.id);
                assert_eq!(completed, s.ok, "{}", c.id);
            }
        }
    }

    #[test]
    fn the_section_draws_both_servers_and_the_knee() {
        let data = fixture();
        let stems: Vec<&str> = chart::charts(&data)
            .iter()
            .map(|c| c.info().stem)
            .chain(timeline::chart(&data).map(|c| c.info().stem))
            .collect();
        assert_eq!(
            stems,
            [
                "load-curve-bounded",
                "load-curve-unbounded",
                "load-curve-knee"
            ]
        );
        // The knee chart takes each model's case at W = 3 and 60/s (the knee: 3 / 50 ms).
        let knees = data::at_knee(&data, Some(3));
        assert_eq!(knees.len(), 4);
        assert!(knees.iter().all(|(p, _)| p.rate == 60.0), "{knees:?}");
    }
}
