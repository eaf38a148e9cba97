//! The scale section from a real tiny run (tests/fixtures/scale.json, made by make-scale.sh): its
//! charts and tables drawn, every memory figure recomputed from the raw samples (growth above the
//! N = 1 base, ours beside the bare program's), spawn cost per unit started, the published figures
//! converted the same way; and a thread refusal (`--max-threads`) recorded end to end by
//! `concbench run` in the result file and shown by `concbench report`.

mod common;

use common::{run_ok, tmpdir, EXE};
use concbench::render::table::Table;
use concbench::report::data::ReportData;
use concbench::report::sections::scale::tables::{micros, per_task};
use concbench::report::{table, write};
use concbench::results::{CaseResult, ResultFile};
use std::path::{Path, PathBuf};
use std::process::Command;

const FIXTURE: &str = "tests/fixtures/scale.json";

fn data() -> ReportData {
    let file = ResultFile::load(Path::new(FIXTURE)).expect("the scale fixture loads");
    ReportData::merge(vec![(PathBuf::from(FIXTURE), file)], Vec::new())
}

fn case<'a>(data: &'a ReportData, id: &str) -> &'a CaseResult {
    data.cases
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("{id} is in the fixture"))
}

/// The case's own peak and its bare program's, KiB (one sample each in the fixture).
fn peaks(c: &CaseResult) -> (f64, f64) {
    let s = &c.samples[0];
    (
        s.max_rss_kib as f64,
        s.reference.as_ref().expect("run with --bare").peak_rss_kib as f64,
    )
}

fn more<'a>(sections: &'a [table::GroupTables], title: &str) -> &'a Table {
    sections
        .iter()
        .flat_map(|s| &s.more)
        .find(|t| t.group == title)
        .unwrap_or_else(|| panic!("no table {title:?}"))
}

/// The row whose first cells are `starts`.
fn row<'a>(t: &'a Table, starts: &[&str]) -> &'a [String] {
    t.rows
        .iter()
        .find(|r| r.iter().zip(starts).all(|(a, b)| a == b))
        .unwrap_or_else(|| panic!("no row {starts:?} in {}", t.group))
}

fn cell<'a>(t: &'a Table, r: &'a [String], header: &str) -> &'a str {
    let i = t.header.iter().position(|h| h == header).unwrap();
    &r[i]
}

#[test]
fn memory_per_task_is_the_growth_above_n1_for_ours_and_the_bare_program_alike() {
    let data = data();
    let sections = table::tables(&data);
    let t = more(&sections, "scale: memory per task beside the bare program");
    for (model, id) in [
        ("async", "scale/sleep/async"),
        ("threads", "scale/sleep/threads"),
    ] {
        let (base, bare_base) = peaks(case(&data, &format!("{id}/n1-200ms")));
        let (peak, bare_peak) = peaks(case(&data, &format!("{id}/n2000-200ms")));
        let ours = (peak - base) / 1999.0;
        let bare = (bare_peak - bare_base) / 1999.0;
        let r = row(t, &[model, "2,000"]);
        assert_eq!(cell(t, r, "per task"), per_task(ours), "{model}");
        assert_eq!(cell(t, r, "bare per task"), per_task(bare), "{model}");
        let added = (ours / bare - 1.0) * 100.0;
        assert!(
            cell(t, r, "harness adds per task (goal)").starts_with(&format!("{added:+.1} %")),
            "{model}: {r:?}"
        );
        // Not peak / N, which would spread the base over the tasks.
        assert_ne!(per_task(ours), per_task(peak / 2000.0));
        assert_eq!(cell(t, row(t, &[model, "1"]), "per task"), "base");
    }
    // Growth within the base's noise has no ratio: a figure of noise is not compared with a goal.
    let r = row(t, &["async-join-all", "1,000"]);
    assert_eq!(cell(t, r, "harness adds per task (goal)"), "–");
}

#[test]
fn a_refused_thread_counts_the_units_started_not_the_units_asked() {
    let data = data();
    let sections = table::tables(&data);
    let t = more(&sections, "scale: memory per task beside the bare program");
    let (base, _) = peaks(case(&data, "scale/sleep/threads/n1-200ms"));
    let (peak, _) = peaks(case(&data, "scale/sleep/threads/n3000-200ms"));
    let r = row(t, &["threads (500 failed)", "3,000"]);
    assert_eq!(cell(t, r, "started"), "2,500");
    assert_eq!(cell(t, r, "per task"), per_task((peak - base) / 2499.0));
    let spawn = more(&sections, "scale: spawn cost per unit");
    let r = row(spawn, &["scale/sleep/threads/n3000-200ms (500 failed)"]);
    assert_eq!(cell(spawn, r, "started of N"), "2,500 of 3,000");
    assert!(cell(spawn, r, "refused").contains("--max-threads"), "{r:?}");
    let s = &case(&data, "scale/sleep/threads/n3000-200ms").samples[0];
    assert_eq!(
        cell(spawn, r, "per unit"),
        micros(s.spawn_s.unwrap() / 2500.0 * 1e6)
    );
    // The one spawn of an N = 1 base is first-use cost, not a unit's: no row.
    assert!(spawn.rows.iter().all(|r| !r[0].contains("/n1-")));
    // Pools start k units for N tasks.
    let r = row(spawn, &["scale/sleep/thread-pool/n2000-k4-1ms !"]);
    assert_eq!(cell(spawn, r, "started of N"), "4 of 2,000");
    assert!(cell(spawn, r, "published per unit").contains("17 µs per kernel thread"));
}

#[test]
fn the_section_renders_with_its_charts_published_marks_and_takeaways() {
    let data = data();
    let dir = tmpdir("render");
    let outcome = write(&data, &dir).expect("the scale fixture renders");
    assert!(
        outcome.charts.contains(&"scale-memory"),
        "{:?}",
        outcome.charts
    );
    assert!(outcome.charts.contains(&"scale-io"), "{:?}", outcome.charts);
    for f in ["charts/scale-memory.svg", "charts/scale-io.png"] {
        assert!(dir.join(f).is_file(), "{f}");
    }
    let md = std::fs::read_to_string(dir.join("report.md")).unwrap();
    for title in [
        "scale: memory per task beside the bare program",
        "scale: spawn cost per unit",
        "scale: io at scale",
    ] {
        assert!(md.contains(title), "{title}");
    }
    // The published figures converted like ours: (213.6 − 4.6) MB over 990,000 tasks.
    let pkolaczk = per_task(209e6 / 990_000.0 / 1024.0);
    assert_eq!(pkolaczk, "211 B");
    let takeaway = md
        .lines()
        .find(|l| l.starts_with("**Memory per task above each series' base"))
        .expect("the memory takeaway");
    let (base, bare_base) = peaks(case(&data, "scale/sleep/async/n1-200ms"));
    let (peak, bare_peak) = peaks(case(&data, "scale/sleep/async/n2000-200ms"));
    assert!(
        takeaway.contains(&format!(
            "async at 2,000 added {} (its bare spawn program {}",
            per_task((peak - base) / 1999.0),
            per_task((bare_peak - bare_base) / 1999.0)
        )),
        "{takeaway}"
    );
    assert!(
        takeaway.contains("published: pkolaczk 2023 211 B at 1,000,000"),
        "{takeaway}"
    );
    assert!(
        takeaway.contains("at 3,000 it started 2,500 before the thread cap of 2500"),
        "{takeaway}"
    );
    assert!(md.contains(concbench::report::sections::scale::tables::INCLUDES));
    let io = md
        .lines()
        .skip_while(|l| !l.starts_with("## I/O at scale"))
        .find(|l| l.starts_with("**"))
        .expect("the io takeaway");
    assert!(io.contains("At N = 1,000, the most requests"), "{io}");
    let _ = std::fs::remove_dir_all(dir);
}

/// [`run_ok`] with ARGS written as one line, split at spaces.
fn run(args: &str, out: &Path) -> ResultFile {
    run_ok(&args.split_whitespace().collect::<Vec<_>>(), out)
}

#[test]
fn a_thread_cap_is_recorded_by_run_and_shown_by_report() {
    let dir = tmpdir("cap");
    let out = dir.join("run.json");
    let file = run(
        "--workload sleep --model threads --tasks 300 --max-threads 200 --delay 100ms --repeat 1",
        &out,
    );
    let s = &file.cases[0].samples[0];
    assert_eq!((s.ok, s.failures.get("spawn").copied()), (200, Some(100)));
    assert_eq!(s.spawn_units, Some(200));
    assert!(s.spawn_s.is_some_and(|t| t > 0.0));
    assert_eq!(
        s.spawn_error.as_deref(),
        Some("the thread cap of 200 was reached (--max-threads)")
    );
    let report = Command::new(EXE)
        .arg("report")
        .arg(&out)
        .arg("--out")
        .arg(dir.join("report"))
        .output()
        .unwrap();
    assert!(report.status.success());
    let md = std::fs::read_to_string(dir.join("report/report.md")).unwrap();
    assert!(
        md.contains(
            "ad-hoc/sleep/threads/n300-100ms: started 200 of 300 before the thread cap of 200 \
             was reached (--max-threads)."
        ),
        "{md}"
    );
    assert!(md.contains("(spawn 100)"), "{md}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn the_scale_suite_leaves_room_in_its_ten_minutes() {
    use concbench::names::ModelKind;
    use concbench::plan::Suite;
    let cases = Suite::Scale.cases();
    // Waiting alone: every repetition's ideal, twice for a case run beside its bare program.
    let waiting: f64 = cases
        .iter()
        .map(|c| {
            let runs = (c.warmup + c.repeat) as f64 * if c.reference { 2.0 } else { 1.0 };
            c.ideal(2, None).unwrap_or(0.0) * runs
        })
        .sum();
    let processes: usize = cases
        .iter()
        .map(|c| (c.warmup + c.repeat) * if c.reference { 2 } else { 1 })
        .sum();
    // Beyond the ideals, allowances for what the ideals do not count: a second for a million async
    // tasks (and their bare twin), 2.8 s for join_all's 100,000 (twice), a second per io repetition
    // of 10,000 connections and more, 0.1 s per process; what is left of 600 s is for the server,
    // the report and a busy machine.
    let floor = waiting + 2.0 + 5.6 + 0.1 * processes as f64 + 1.0 * 18.0;
    assert!(
        floor < 420.0,
        "the scale suite needs {floor:.0} s at the least"
    );
    // The shapes the issue asks for are all there, and the refusal step asks past pid_max here.
    let has = |m: ModelKind, n: usize| cases.iter().any(|c| c.model == m && c.tasks == n);
    assert!(has(ModelKind::Async, 1_000_000) && has(ModelKind::AsyncJoinAll, 100_000));
    assert!(has(ModelKind::Threads, 30_000) && has(ModelKind::ProcessPool, 10_000));
    assert!(cases
        .iter()
        .filter(|c| matches!(c.workload, concbench::workload::Params::Sleep(_)))
        .filter(|c| matches!(
            c.model,
            ModelKind::Async | ModelKind::AsyncJoinAll | ModelKind::Threads
        ))
        .all(|c| c.reference));
    // Past one process's open files an unsharded io case is its failures; sharded, it holds them all.
    let io_past =
        |c: &&concbench::plan::Case| c.tasks > 28_000 && c.workload.describe().server().is_some();
    assert!(cases
        .iter()
        .filter(io_past)
        .all(|c| c.past_limits != (c.model == ModelKind::AsyncSharded)));
    assert!(has(ModelKind::AsyncSharded, 50_000) && has(ModelKind::AsyncSharded, 100_000));
    // Threads past the kernel's room (near 16,000 with the default vm.max_map_count) are warned of,
    // not refused: the suite must start on such a machine.
    assert!(cases
        .iter()
        .filter(|c| c.model == ModelKind::Threads && c.tasks > 16_000)
        .all(|c| c.past_limits));
    assert!(cases
        .iter()
        .filter(|c| c.model == ModelKind::AsyncSharded)
        .all(|c| c.reference && c.tasks.div_ceil(c.k()) <= 12_500));
}

#[test]
fn a_sharded_io_case_splits_its_gets_over_k_processes_and_so_does_its_bare_twin() {
    let dir = tmpdir("sharded-get");
    let file = run(
        "--workload io --model async-sharded --limit 3 --tasks 1501 --server-workers 0 --delay 100ms --bare --repeat 1",
        &dir.join("run.json"),
    );
    let c = &file.cases[0];
    let s = &c.samples[0];
    assert_eq!(s.ok, 1501, "every GET of every shard: {:?}", s.failures);
    assert!(s.failures.is_empty());
    let workers = s.workers.as_ref().expect("the shards' usage");
    assert_eq!(workers.processes, 3);
    assert_eq!(s.server.expect("the server's count").served, 1501);
    assert!(s.makespan_s >= 0.1, "{}", s.makespan_s);
    let r = s.reference.as_ref().expect("--bare ran the bare program");
    assert_eq!(r.program, "concbench-bare get ×3");
    assert_eq!((r.processes, r.started), (Some(3), 1501), "{r:?}");
    assert!(r.makespan_s >= 0.1 && r.cpu_s > 0.0, "{r:?}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn an_async_io_case_run_bare_sets_the_same_gets_with_no_client_beside_it() {
    let dir = tmpdir("bare-get");
    let file = run(
        "--workload io --model async --tasks 100 --server-workers 0 --delay 100ms --bare --repeat 2",
        &dir.join("run.json"),
    );
    let c = &file.cases[0];
    for s in &c.samples {
        let r = s.reference.as_ref().expect("--bare ran the bare program");
        assert_eq!(r.program, "concbench-bare get");
        // Every GET answered by the case's own server, none sooner than its delay.
        assert_eq!(r.started, 100, "{r:?}");
        assert!(r.makespan_s >= 0.1 && r.cpu_s > 0.0, "{r:?}");
    }
    let rows = concbench::report::sections::scale::data::io_rows(&[c], 2);
    let bare = rows[0].bare_cpu_per_request.expect("a CPU per request");
    assert!(bare > 0.0 && rows[0].bare_makespan.is_some_and(|m| m >= 0.1));
    // A shape with no bare twin runs none: the same GETs through the library client.
    let file = run(
        "--workload io --model async --client library --tasks 10 --server-workers 0 --delay 10ms --bare --repeat 1",
        &dir.join("lib.json"),
    );
    assert!(file.cases[0].samples[0].reference.is_none());
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_case_of_a_thousand_connections_records_the_kernel_s_socket_memory() {
    let _t = common::timing_lock();
    let dir = tmpdir("kernel-sockets");
    // A second's delay: the 1,000 connections are all open at once for most of it.
    let file = run(
        "--workload io --model async --tasks 1000 --server-workers 0 --delay 1s --repeat 1",
        &dir.join("run.json"),
    );
    let c = &file.cases[0];
    let k = c.samples[0]
        .kernel_sockets
        .expect("1,000 connections are sampled");
    // Both ends of 1,000 loopback connections were allocated at once, besides whatever else runs.
    assert!(k.peak.allocated >= 1_000, "{k:?}");
    assert!(k.peak.allocated >= k.start.allocated, "{k:?}");
    let rows = concbench::report::sections::scale::data::io_rows(&[c], 2);
    assert!(rows[0].kernel_kib.is_some() && rows[0].kernel_per_connection_kib.is_some());
    assert!(rows[0].rss_kib >= c.samples[0].max_rss_kib as f64);
    // A small case gains no sampler.
    let small = run(
        "--workload io --model async --tasks 10 --server-workers 0 --delay 10ms --repeat 1",
        &dir.join("small.json"),
    );
    assert!(small.cases[0].samples[0].kernel_sockets.is_none());
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_sharded_case_counts_every_process_memory_once_beside_its_bare_copies() {
    let data = data();
    let c = case(&data, "scale/io/async-sharded/n1000-k2-winf-200ms");
    let rows = concbench::report::sections::scale::data::io_rows(&[c], 2);
    let r = &rows[0];
    // The case process's own peak and each shard's, summed once: exact, not an upper bound.
    let s = &c.samples[0];
    let (own, workers) = (s.own_rss_kib.unwrap(), s.workers.unwrap());
    assert_eq!(workers.processes, 2);
    assert!(!r.rss_upper_bound, "{r:?}");
    let (rss, exact) = concbench::report::sections::scale::data::case_rss_kib(s);
    assert!(exact && rss == (own + workers.rss_sum_kib) as f64);
    let bare = s.reference.as_ref().unwrap();
    assert_eq!((bare.processes, bare.started), (Some(2), 1000));
    assert!(r.bare_makespan.is_some_and(|m| m >= 0.2));
}
