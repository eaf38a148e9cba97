//! Peak RSS belongs to the case alone: a case process started by a harness that holds a lot of memory
//! reports its own peak, not the harness's (which wait4's ru_maxrss folds in at exec).

mod common;

use common::*;
use concbench::model::ModelKind;
use concbench::run::case::run_isolated;
use concbench::workload::WorkloadKind;
use std::path::Path;
use std::time::Duration;

#[test]
fn a_case_reports_its_own_peak_not_its_parents() {
    // 256 MiB, every page touched, held while the case process is forked and runs.
    let ballast: Vec<u8> = vec![1; 256 << 20];
    let touched: u64 = ballast.iter().step_by(4096).map(|&b| b as u64).sum();
    assert!(touched > 0);
    let sleep = spec(WorkloadKind::Sleep, "").params;
    let spec = case_spec(ModelKind::ProcessPool, sleep, "", 2, 2);
    let (out, usage) = run_isolated(Path::new(EXE), &spec, Duration::from_secs(30)).unwrap();
    let own = out.peak_rss_kib.expect("VmHWM is readable");
    let worker = out.workers.expect("a pool").rss_max_kib;
    // wait4 sees the ballast: proof this test could fail if the figure came from there.
    assert!(
        usage.max_rss_kib > 200 << 10,
        "wait4: {} KiB",
        usage.max_rss_kib
    );
    assert!(own < 64 << 10, "the case's own peak: {own} KiB");
    assert!(
        worker > 0 && worker < 64 << 10,
        "a worker's own peak: {worker} KiB"
    );
    drop(ballast);
}
