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

/// `concbench ARGS` ends within `limit` (killed and failed otherwise: a FIFO blocks a reader
/// forever, /dev/zero never ends) and is refused as bad input is: exit 2, one line that says `says`.
fn refused_in_time(args: &[String], says: &str, limit: Duration) {
    let mut child = Command::new(EXE)
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let status = wait_for(&mut child, limit);
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    assert_eq!(status.code(), Some(2), "{args:?}: {err}");
    assert_eq!(
        err.trim_end().lines().count(),
        1,
        "{args:?}: one line, got {err}"
    );
    assert!(err.contains(says), "{args:?}: {err}");
}

/// What a test puts where criterion's sample.json was.
type MakeSample = dyn Fn(&Path);

#[test]
fn a_sample_file_that_holds_no_samples_is_refused_naming_it() {
    let dir = tmpdir("hostile-samples");
    let fifo = |p: &Path| {
        let c = std::ffi::CString::new(p.to_str().unwrap()).unwrap();
        // SAFETY: mkfifo with a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    };
    let symlink = |to: &'static str| move |p: &Path| std::os::unix::fs::symlink(to, p).unwrap();
    let text = |t: &'static str| move |p: &Path| std::fs::write(p, t).unwrap();
    let hostile: Vec<(&str, Box<MakeSample>)> = vec![
        ("fifo", Box::new(fifo)),
        ("loop", Box::new(symlink("sample.json"))),
        ("zero", Box::new(symlink("/dev/zero"))),
        ("negative", Box::new(text(r#"{"iters":[2],"times":[-5]}"#))),
        (
            "infinite",
            Box::new(text(r#"{"iters":[1e-300],"times":[1e300]}"#)),
        ),
        ("huge", Box::new(text(r#"{"iters":[1],"times":[1.7e308]}"#))),
        (
            "zero-count",
            Box::new(text(r#"{"iters":[0],"times":[4e7]}"#)),
        ),
    ];
    for (name, make) in hostile {
        let crit = dir.join(name);
        baseline(&crit, "b", 20.0);
        let sample = crit.join("io/async/n9-w9-20ms/b/sample.json");
        std::fs::remove_file(&sample).unwrap();
        make(&sample);
        let shown = sample.display().to_string();
        let report = [
            "report",
            "tests/fixtures/small.json",
            "--criterion",
            crit.to_str().unwrap(),
            "--baseline",
            "b",
            "--out",
            dir.join("out").to_str().unwrap(),
        ]
        .map(String::from);
        refused_in_time(&report, &shown, Duration::from_secs(10));
        let side = format!("criterion:{}:b", crit.display());
        let compare = ["compare".to_string(), side.clone(), side];
        refused_in_time(&compare, &shown, Duration::from_secs(10));
    }
}

#[test]
fn a_directory_that_links_back_to_itself_is_not_walked_again() {
    let dir = tmpdir("dir-loops");
    baseline(&dir, "b", 20.0);
    // Two links back up: followed, they make 2^depth paths to walk until the kernel's limit of 40
    // links per path.
    for link in ["up", "again"] {
        std::os::unix::fs::symlink("..", dir.join("io").join(link)).unwrap();
    }
    let side = format!("criterion:{}:b", dir.display());
    let mut child = Command::new(EXE)
        .args(["compare", &side, &side])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    assert!(wait_for(&mut child, Duration::from_secs(10)).success());
}
