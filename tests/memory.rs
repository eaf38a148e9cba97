//! The memory section: memory per task leaves the base every process pays once out — (peak at N −
//! peak at N = 1) / (N − 1), the slope from the smallest N without an N = 1 case, a process pool's
//! per worker process without its workers' peaks added to the parent's — and the table, the chart
//! and its sentence say the same.

mod common;

use common::*;
use concbench::names::{Group, ModelKind};
use concbench::report::{sections, table};
use concbench::results::CaseResult;

/// A memory case of `model` at N tasks in flight with this peak RSS (one sample).
fn memory_case(template: &CaseResult, model: ModelKind, n: usize, peak_kib: u64) -> CaseResult {
    let mut c = template.clone();
    c.id = format!("memory/sleep/{model}/n{n}");
    c.params.model = model;
    c.params.tasks = n;
    c.params.limit = None;
    c.params.concurrency = n;
    c.samples.truncate(1);
    c.samples[0].max_rss_kib = peak_kib;
    c.samples[0].workers = None;
    resummarise(&mut c);
    c
}

#[test]
fn memory_per_task_leaves_the_base_out() {
    use concbench::report::per_task::{self, Basis};
    let file = fixture();
    let template = file
        .cases
        .iter()
        .find(|c| c.group == Group::Memory)
        .unwrap();
    // N = 1 at 4 MiB; N = 1,000 grows by 999 × 10 KiB (≈ 14 MiB): exactly 10 KiB per task.
    let one = memory_case(template, ModelKind::Threads, 1, 4096);
    let many = memory_case(template, ModelKind::Threads, 1000, 4096 + 999 * 10);
    let costs = per_task::costs(&[&one, &many]);
    let figure = per_task::of_case(&costs, &many.id).expect("a figure at N = 1,000");
    assert_eq!((figure.kib, figure.basis), (10.0, Basis::OverOne));
    assert!(
        per_task::of_case(&costs, &one.id).is_none(),
        "the base has none"
    );
    // Without N = 1, the slope from the smallest N, and the basis says so.
    let hundred = memory_case(template, ModelKind::Async, 100, 5000);
    let thousand = memory_case(template, ModelKind::Async, 1000, 5000 + 900 * 2);
    let costs = per_task::costs(&[&hundred, &thousand]);
    let figure = per_task::of_case(&costs, &thousand.id).unwrap();
    assert_eq!((figure.kib, figure.basis), (2.0, Basis::OverSmallest(100)));
    assert!(figure.basis.describe().contains("no N = 1 case"));
    // A process pool: the workers' sum over processes, never added to the parent's peak.
    let mut pool = file
        .cases
        .iter()
        .find(|c| c.id == "memory/sleep/process-pool/n100-k8-20ms")
        .unwrap()
        .clone();
    pool.samples.truncate(1);
    pool.samples[0].max_rss_kib = 5000;
    pool.samples[0].workers = Some(concbench::results::WorkerUsage {
        processes: 8,
        rss_sum_kib: 8 * 3000,
        ..Default::default()
    });
    resummarise(&mut pool);
    let costs = per_task::costs(&[&pool]);
    let figure = per_task::of_case(&costs, &pool.id).unwrap();
    assert_eq!((figure.kib, figure.basis), (3000.0, Basis::PerWorker));
    assert_eq!(figure.peak_kib, 5000.0, "worker peaks are not added on top");
    // The table and the chart say the same.
    let mut file = fixture();
    file.cases.retain(|c| c.group != Group::Memory);
    file.cases.extend([one, many.clone()]);
    let data = data_of(file);
    let tables = table::tables(&data);
    let memory = group_tables(&tables, "memory");
    assert_eq!(cell(&memory.table, &many.id, "RSS per task"), "10 KiB");
    assert!(memory
        .footnotes
        .iter()
        .any(|f| f.contains("threads: (peak RSS at N − peak RSS at N = 1) / (N − 1)")));
    let chart = sections::charts(&data)
        .into_iter()
        .find(|c| c.info().stem == "memory")
        .unwrap();
    assert!(
        chart.info().takeaway.contains("10 KiB per task"),
        "{}",
        chart.info().takeaway
    );
    assert!(chart.notes().iter().any(|n| n.contains("stack pages")));
}
