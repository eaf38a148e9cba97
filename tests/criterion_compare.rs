//! `concbench compare` of two `cargo bench` baselines (`criterion:DIR:NAME`): the same matching and
//! statistics as result files, so a 30 % slower baseline is flagged and an equal one is `~`.

mod common;

use common::*;
use concbench::names::{Bottleneck, ModelKind};
use concbench::results::CaseParams;
use concbench::store::criterion::{Sidecar, SIDECAR};
use concbench::workload::{IoParams, Params};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// What the io bench writes beside criterion's files for this benchmark.
fn sidecar(bench: &Path) {
    let side = Sidecar {
        id: "io/async/n9-w9-20ms".into(),
        params: CaseParams {
            cpu_lanes: 2,
            ..case_params(
                ModelKind::Async,
                9,
                None,
                Params::Io(IoParams::new(plan(9, Duration::from_millis(20)))),
            )
        },
        ideal_s: Some(0.02),
        bottleneck: Bottleneck::Balanced,
    };
    std::fs::write(bench.join(SIDECAR), serde_json::to_string(&side).unwrap()).unwrap();
}

/// Write one baseline of one io benchmark whose ten samples average `ms` per run.
fn baseline(dir: &Path, name: &str, ms: f64) {
    let b = dir.join("io/async/n9-w9-20ms").join(name);
    std::fs::create_dir_all(&b).unwrap();
    sidecar(&dir.join("io/async/n9-w9-20ms"));
    std::fs::write(
        b.join("benchmark.json"),
        r#"{"full_id":"io/async/n9-w9-20ms"}"#,
    )
    .unwrap();
    // Two runs per sample; a little spread so the samples are not all tied.
    let times: Vec<String> = (0..10)
        .map(|i| format!("{}", 2.0 * (ms + i as f64 * 0.01) * 1e6))
        .collect();
    let sample = format!(
        r#"{{"iters":[{}],"times":[{}]}}"#,
        ["2"; 10].join(","),
        times.join(",")
    );
    std::fs::write(b.join("sample.json"), sample).unwrap();
}

fn compare(dir: &Path, a: &str, b: &str) -> String {
    let arg = |n: &str| format!("criterion:{}:{n}", dir.display());
    let out = Command::new(EXE)
        .args(["compare", &arg(a), &arg(b)])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn criterion_baselines_compare_like_result_files() {
    let dir = tmpdir("baselines");
    baseline(&dir, "before", 20.0);
    baseline(&dir, "same", 20.0);
    baseline(&dir, "after", 26.0);
    let row = |table: &str| {
        table
            .lines()
            .find(|l| l.starts_with("io/async/n9-w9-20ms"))
            .unwrap()
            .to_string()
    };
    let slower = row(&compare(&dir, "before", "after"));
    assert!(
        slower.contains("slower") && slower.contains("1.299"),
        "{slower}"
    );
    let same = row(&compare(&dir, "before", "same"));
    assert!(same.contains('~') && same.contains("1.000"), "{same}");
    let missing = Command::new(EXE)
        .args([
            "compare",
            &format!("criterion:{}:before", dir.display()),
            // Inside the test's own directory: a fixed path such as /nonexistent may exist after all.
            &format!("criterion:{}:x", dir.join("no-such-dir").display()),
        ])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("cargo bench"));
    let _ = std::fs::remove_dir_all(dir);
}
