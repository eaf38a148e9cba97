//! `concbench advise`: the cost model's fit on synthetic cost tables whose answers are known, its
//! prediction of a job from them, advice-check's error computation, and `advise` without the result
//! files it needs naming the suite to run. No measurement: every case here is made up, so the known
//! answers are exact.

mod common;

use common::{case_params, file, plan, sample, tmpdir};
use concbench::advise::check::{self, Point};
use concbench::advise::costs::Costs;
use concbench::advise::predict::predict;
use concbench::advise::{advise, check::mdape};
use concbench::names::{Bottleneck, Group, ModelKind};
use concbench::results::{CaseResult, Sample};
use concbench::workload::mixed::advice_suite::{self, Job};
use concbench::workload::{CpuParams, IoParams, Params, SleepParams};
use std::time::Duration;

/// The costs the synthetic tables are made of.
const BASE_KIB: f64 = 5_000.0;
const KIB_PER_THREAD: f64 = 10.0;
const CPU_BASE_S: f64 = 0.01;
const CPU_PER_REQUEST_S: f64 = 200e-6;
const START_S: f64 = 50e-6;
const OVERHEAD_S: f64 = 20e-6;
const DELAY_S: f64 = 0.1;

/// One repetition of `tasks` threads as the costs make it: the ideal (0.1 s of waiting) or every
/// start, whichever is longer, plus the overhead per task.
fn made(tasks: usize, ideal: f64) -> Sample {
    let n = tasks as f64;
    let makespan = ideal.max(START_S * n) + OVERHEAD_S * n;
    Sample {
        max_rss_kib: (BASE_KIB + KIB_PER_THREAD * n) as u64,
        user_s: CPU_BASE_S + CPU_PER_REQUEST_S * n,
        sys_s: 0.0,
        spawn_units: Some(tasks),
        spawn_s: Some(START_S * n),
        ideal_s: Some(ideal),
        ..sample(makespan)
    }
}

fn case(group: Group, model: ModelKind, tasks: usize, workload: Params, ideal: f64) -> CaseResult {
    let samples = vec![made(tasks, ideal); 3];
    CaseResult {
        id: format!("{group}/x/{model}/n{tasks}"),
        group,
        params: case_params(model, tasks, None, workload),
        external: false,
        warmup: 0,
        summary: concbench::run::summarise(&samples, Some(ideal), Bottleneck::Client),
        samples,
        t1_s: None,
        scaling: Some(0.9),
        t_write_s: None,
        t_write_together_s: None,
        ideal_s: Some(ideal),
    }
}

/// An io sweep and a memory sweep of threads, and one cpu case for s, all made of the costs above.
fn table() -> Vec<CaseResult> {
    let io = Params::Io(IoParams::new(plan(0, Duration::from_millis(100))));
    let sleep = Params::Sleep(SleepParams::new(Duration::from_millis(100)));
    let mut cases: Vec<CaseResult> = [1, 10, 100, 1_000]
        .into_iter()
        .map(|n| case(Group::IoSweep, ModelKind::Threads, n, io.clone(), DELAY_S))
        .collect();
    cases.extend(
        [1, 100, 1_000].map(|n| case(Group::Memory, ModelKind::Threads, n, sleep.clone(), DELAY_S)),
    );
    let mut cpu = case(
        Group::Cpu,
        ModelKind::Sequential,
        8,
        Params::Cpu(CpuParams { cpu_iters: 1_000 }),
        0.08,
    );
    cpu.t1_s = Some(0.01);
    cases.push(cpu);
    cases
}

fn close(a: f64, b: f64, what: &str) {
    assert!(
        (a - b).abs() <= 1e-6 * b.abs().max(1e-9),
        "{what}: {a} vs {b}"
    );
}

#[test]
fn the_fit_finds_the_costs_a_table_was_made_of() {
    let costs = Costs::fit(&table(), 2);
    let t = costs.model(ModelKind::Threads).expect("threads fitted");
    close(t.rss_base_kib, BASE_KIB, "memory base");
    close(t.rss_per_unit_kib, KIB_PER_THREAD, "memory per thread");
    close(t.cpu_base_s, CPU_BASE_S, "CPU base");
    close(t.cpu_per_request_s, CPU_PER_REQUEST_S, "CPU per request");
    close(t.start_s, START_S, "start per thread");
    close(t.overhead_s, OVERHEAD_S, "time per task");
    // An exact table: the fit's own error is none.
    assert!(t.makespan_ratios.iter().all(|r| (r - 1.0).abs() < 1e-9));
    close(costs.machine.scaling.unwrap(), 0.9, "s");
    close(
        costs.machine.t1_per_iter_s.unwrap(),
        1e-5,
        "t₁ per iteration",
    );
    // The models the table holds nothing of are named with the suite that measures them.
    let async_single = costs
        .missing
        .iter()
        .find(|m| m.model == Some(ModelKind::AsyncSingle))
        .expect("async-single lacks its costs");
    assert!(async_single.to_string().contains("concbench run --suite"));
}

#[test]
fn a_job_is_predicted_from_the_fitted_costs() {
    let costs = Costs::fit(&table(), 2);
    let t = costs.model(ModelKind::Threads).unwrap();
    // 1,000 threads against an unbounded server: starting them (50 ms) and their own time (20 ms)
    // within the 0.1 s wait; 3,000: starting them (0.15 s) outlasts it, and every request's CPU
    // over the two cores (3,000 × 200 µs / 2 = 0.3 s) is longer still: the floor.
    let job = Job {
        tasks: 1_000,
        wait: Duration::from_millis(100),
        cpu: Duration::ZERO,
        workers: 0,
        payload: 0,
    };
    let p = predict(&costs, t, &job, None, 2);
    close(
        p.makespan_s.value,
        DELAY_S + 1_000.0 * OVERHEAD_S,
        "makespan",
    );
    let job = Job {
        tasks: 3_000,
        ..job
    };
    let p = predict(&costs, t, &job, None, 2);
    close(p.terms.starting_s, 3_000.0 * START_S, "starting");
    close(
        p.makespan_s.value,
        3_000.0 * CPU_PER_REQUEST_S / 2.0,
        "makespan: the requests' CPU over the cores",
    );
    assert!(
        advise(&costs, &job, None, 2).ranked[0]
            .why
            .contains("3,000 requests' CPU on both sides takes the cores 0.300 s"),
        "{}",
        advise(&costs, &job, None, 2).ranked[0].why
    );
    close(
        p.rss_kib.value,
        BASE_KIB + 3_000.0 * KIB_PER_THREAD,
        "memory",
    );
    close(
        p.cpu_s.value,
        CPU_BASE_S + 3_000.0 * CPU_PER_REQUEST_S,
        "CPU",
    );
    // Against 3 workers the waves rule: ⌈3000 / 3⌉ × 0.1 s.
    let bounded = Job { workers: 3, ..job };
    let p = predict(&costs, t, &bounded, None, 2);
    close(
        p.makespan_s.value,
        100.0 + 3_000.0 * OVERHEAD_S,
        "makespan vs W = 3",
    );
    // With a CPU part: the 3,000 threads wait together, then count together — the wait, then
    // N × C over the cores and s (3,000 × 10 ms / (2 × 0.9)); the bounds alone would have
    // overlapped the two.
    let computing = Job {
        cpu: Duration::from_millis(10),
        ..job
    };
    let p = predict(&costs, t, &computing, None, 2);
    close(p.terms.computing_s, 30.0 / 1.8, "computing bound");
    close(
        p.makespan_s.value,
        DELAY_S + 30.0 / 1.8 + 3_000.0 * OVERHEAD_S,
        "makespan with CPU",
    );
    // 20 threads of 0.1 s and 10 ms each: the bounds say 0.111 s; they wait together, then count
    // together (20 × 10 ms / 1.8 after the wait), and the advice says why.
    let few = Job {
        tasks: 20,
        ..computing
    };
    let p = predict(&costs, t, &few, None, 2);
    close(p.terms.scheduled_s, DELAY_S + 0.2 / 1.8, "played out");
    let why = &advise(&costs, &few, None, 2).ranked[0].why;
    assert!(why.contains("overlap only in part"), "{why}");
    // A memory limit below the prediction sets the model apart, saying why in figures.
    let advice = advise(&costs, &job, Some(20_000.0), 2);
    let threads = &advice.ranked[0];
    assert!(threads.excluded.is_some());
    assert!(
        threads.why.contains("3,000 threads") && threads.why.contains("over --memory-limit"),
        "{}",
        threads.why
    );
}

#[test]
fn advice_check_errors_are_medians_of_absolute_percentage_errors() {
    assert_eq!(check::ape(110.0, 100.0), 0.1);
    assert_eq!(check::ape(90.0, 100.0), 0.1);
    // |−50 %|, 0, 10 %, 20 %, 200 %: the median is 20 %.
    close(
        mdape([
            (50.0, 100.0),
            (1.0, 1.0),
            (1.1, 1.0),
            (1.2, 1.0),
            (3.0, 1.0),
        ]),
        0.2,
        "mdape",
    );
    assert!(mdape([]).is_nan());
    let point = |model, p: f64, m: f64| Point {
        id: String::new(),
        model,
        predicted_s: p,
        predicted_at_speed_s: m,
        measured_s: m,
        has_cpu: model == ModelKind::Threads,
        predicted_kib: 2.0 * m,
        measured_kib: m,
    };
    let errors = check::errors(&[
        point(ModelKind::Async, 1.0, 1.0),
        point(ModelKind::Threads, 1.5, 1.0),
        point(ModelKind::Async, 1.2, 1.0),
        point(ModelKind::Async, 2.0, 1.0),
    ]);
    assert_eq!(errors.len(), 2);
    assert_eq!((errors[0].model, errors[0].jobs), (ModelKind::Async, 3));
    close(errors[0].makespan, 0.2, "async makespan");
    close(errors[0].memory, 1.0, "async memory");
    close(errors[1].makespan, 0.5, "threads makespan");
    // At the probed speed every point was exact.
    close(errors[0].makespan_at_speed, 0.0, "async at speed");
    // Async's jobs had no CPU part, threads' had: only async's count there.
    assert_eq!((errors[0].jobs_no_cpu, errors[1].jobs_no_cpu), (3, 0));
    close(errors[0].makespan_no_cpu, 0.2, "async without CPU");
    assert!(errors[1].makespan_no_cpu.is_nan());
}

#[test]
fn at_speed_a_prediction_takes_each_repetitions_measured_parts_or_else_its_probe() {
    let costs = Costs::fit(&table(), 2);
    let job = Job {
        tasks: 40,
        wait: Duration::from_millis(5),
        cpu: Duration::from_millis(20),
        workers: 0,
        payload: 0,
    };
    let mut measured = case(
        Group::AdviceCheck,
        ModelKind::Threads,
        job.tasks,
        job.params(advice_suite::DRAW_SEED),
        1.0,
    );
    // The vCPU ran at a quarter of its speed in one repetition, at half in the others.
    let probes = [(0.080, 0.5), (0.040, 0.7), (0.040, 0.7)];
    for (s, (t1, scaling)) in measured.samples.iter_mut().zip(probes) {
        s.t1_s = Some(t1);
        s.scaling = Some(scaling);
    }
    let points = check::points(&costs, &[&measured], 2);
    let at = |t1: f64, scaling: f64| {
        let mut costs = costs.clone();
        costs.machine.scaling = Some(scaling);
        let job = Job {
            cpu: Duration::from_secs_f64(t1),
            ..job
        };
        let m = costs.model(ModelKind::Threads).unwrap();
        predict(&costs, m, &job, None, 2).makespan_s.value
    };
    // The median of the three repetitions' predictions: the two alike.
    close(points[0].predicted_at_speed_s, at(0.040, 0.7), "at speed");
    let plain = predict(
        &costs,
        costs.model(ModelKind::Threads).unwrap(),
        &job,
        None,
        2,
    );
    close(points[0].predicted_s, plain.makespan_s.value, "plain");
    assert!(points[0].predicted_at_speed_s > points[0].predicted_s);
    // Where the repetitions measured their counts where they ran, that speed wins over the probe's,
    // at a scaling of 1 (measured beside the other lanes).
    for (s, t) in measured.samples.iter_mut().zip([0.030, 0.025, 0.090]) {
        s.cpu_part_s = Some(t);
    }
    let points = check::points(&costs, &[&measured], 2);
    close(
        points[0].predicted_at_speed_s,
        at(0.030, 1.0),
        "at the parts' speed",
    );
    // A job without a CPU part has nothing to take out: both predictions agree.
    let io_job = Job {
        cpu: Duration::ZERO,
        ..job
    };
    let mut io_case = case(
        Group::AdviceCheck,
        ModelKind::Threads,
        io_job.tasks,
        io_job.params(advice_suite::DRAW_SEED),
        1.0,
    );
    io_case.samples[0].t1_s = Some(0.5);
    let p = &check::points(&costs, &[&io_case], 2)[0];
    assert_eq!(p.predicted_at_speed_s, p.predicted_s);
}

#[test]
fn the_check_predicts_its_drawn_cases_from_the_other_cases_only() {
    let costs = Costs::fit(&table(), 2);
    let job = advice_suite::draw(advice_suite::DRAW_SEED, 1, 2).jobs[0];
    let c = job.case(ModelKind::Threads, 2, advice_suite::DRAW_SEED);
    let measured = case(
        Group::AdviceCheck,
        ModelKind::Threads,
        job.tasks,
        c.workload,
        1.0,
    );
    // The drawn case itself never trains the costs.
    let with = Costs::fit(&[table(), vec![measured.clone()]].concat(), 2);
    assert_eq!(with, costs);
    let points = check::points(&costs, &[&measured], 2);
    assert_eq!(points.len(), 1);
    assert_eq!(points[0].measured_s, measured.summary.makespan.median);
}

#[test]
fn advise_without_result_files_names_the_suites_to_run() {
    let dir = tmpdir("advise-empty");
    let store = dir.join("results");
    std::fs::create_dir_all(store.join("m-1")).unwrap();
    let out = common::concbench(&[
        "advise",
        "--tasks",
        "100",
        "--wait",
        "100ms",
        "--store",
        store.to_str().unwrap(),
        "--machine-id",
        "m-1",
    ]);
    common::assert_refused(&out, "concbench run --suite memory");
    let err = common::stderr(&out);
    assert!(
        err.contains("--suite io-sweep") && err.contains("--suite cpu"),
        "{err}"
    );
    // A store with io and memory but no cpu case: a CPU part needs s, and says where it comes from.
    let cases: Vec<CaseResult> = table()
        .into_iter()
        .filter(|c| c.group != Group::Cpu)
        .map(|mut c| {
            c.scaling = None;
            c
        })
        .collect();
    file("m-1", cases)
        .save(&store.join("m-1").join("2025-01-01T00-00-00.000Z-1.json"))
        .unwrap();
    let args = |cpu: &str| {
        common::concbench(&[
            "advise",
            "--tasks",
            "100",
            "--wait",
            "100ms",
            "--cpu",
            cpu,
            "--store",
            store.to_str().unwrap(),
            "--machine-id",
            "m-1",
        ])
    };
    common::assert_refused(&args("5ms"), "--suite cpu");
    let ok = args("0s");
    assert!(ok.status.success(), "{}", common::stderr(&ok));
    let text = String::from_utf8_lossy(&ok.stdout);
    assert!(
        text.contains("threads") && text.contains("Recommended"),
        "{text}"
    );
}

#[test]
fn the_report_sets_the_drawn_jobs_beside_their_predictions() {
    use concbench::report::sections::advice;
    let job = advice_suite::draw(advice_suite::DRAW_SEED, 1, 2).jobs[0];
    let c = job.case(ModelKind::Threads, 2, advice_suite::DRAW_SEED);
    let mut drawn = case(
        Group::AdviceCheck,
        ModelKind::Threads,
        job.tasks,
        c.workload.clone(),
        1.0,
    );
    drawn.id = c.id();
    let data = common::data_of(file("m-1", [table(), vec![drawn]].concat()));
    let d = advice::data::read(&data);
    assert_eq!(d.errors.len(), 1);
    assert_eq!(d.seeds, vec![advice_suite::DRAW_SEED]);
    let errors = advice::table::errors(&d).unwrap();
    assert_eq!(errors.rows[0][0], "threads");
    assert!(errors
        .note
        .contains(&format!("{:#x}", advice_suite::DRAW_SEED)));
    let shapes = advice::table::shapes(&d).unwrap();
    assert_eq!(shapes.rows.len(), 5);
    assert!(shapes.rows.iter().all(|r| r[1].starts_with("threads")));
    let svg = advice::chart::chart(&data).unwrap().svg().unwrap();
    assert!(svg.contains("<svg"));
}
