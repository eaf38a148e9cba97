//! Nothing lost, nothing destroyed: outputs that would replace what is not a result file are refused,
//! two runs side by side keep every case, hostile or impossible inputs are refused with one line, and a
//! disk that fills mid-run leaves the last good file and says what was not measured. Every test has a
//! time bound.

mod common;

use common::*;
use concbench::results::ResultFile;
use std::os::unix::fs::FileTypeExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// A cheap ad-hoc run of `workload` on `models` with these extra arguments.
fn run_args(workload: &str, models: &str, extra: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = [
        "run",
        "--workload",
        workload,
        "--model",
        models,
        "--tasks",
        "2",
        "--delay",
        "10ms",
        "--repeat",
        "1",
        "--warmup",
        "0",
        "--quiet",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    args.extend(extra.iter().map(|s| s.to_string()));
    args
}

fn sleep_run(extra: &[&str]) -> Vec<String> {
    run_args("sleep", "threads", extra)
}

/// A refusal comes before anything is measured.
const AT_ONCE: Duration = Duration::from_secs(5);

#[test]
fn an_out_that_is_a_device_or_a_directory_is_refused_and_left_alone() {
    for dev in ["/dev/null", "/dev/full"] {
        let args = sleep_run(&["--out", dev]);
        refused_within(&args, "not a regular file", AT_ONCE);
        let meta = std::fs::metadata(dev).unwrap();
        assert!(meta.file_type().is_char_device(), "{dev} is still a device");
    }
    let dir = tmpdir("out-dir");
    for out_arg in [format!("{}/", dir.display()), dir.display().to_string()] {
        let args = sleep_run(&["--out", &out_arg]);
        refused_within(&args, "is a directory", AT_ONCE);
    }
    let parent = dir.parent().unwrap();
    let strays: Vec<_> = std::fs::read_dir(parent)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .filter(|e| e.file_name().to_string_lossy().contains("safety"))
        .collect();
    assert!(strays.is_empty(), "{strays:?}");
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        0,
        "nothing written"
    );
}

#[test]
fn two_runs_started_together_keep_every_case() {
    let dir = tmpdir("together");
    let start = || {
        let args = run_args("sleep", "sequential,async", &["--machine-id", "twin"]);
        Command::new(EXE)
            .args(&args)
            .current_dir(&dir)
            .output()
            .unwrap()
    };
    let t = Instant::now();
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(start);
        let b = s.spawn(start);
        (a.join().unwrap(), b.join().unwrap())
    });
    assert!(t.elapsed() < Duration::from_secs(30));
    assert!(a.status.success(), "{}", stderr(&a));
    assert!(b.status.success(), "{}", stderr(&b));
    let store = dir.join("reports/results/twin");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&store)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert_eq!(files.len(), 2, "two files, no temp left: {files:?}");
    for f in files {
        let run = ResultFile::load(&f).unwrap();
        assert!(run.complete);
        assert_eq!(run.cases.len(), 2, "{}", f.display());
    }
}

#[test]
fn report_refuses_a_fifo_a_device_and_a_huge_file_at_once() {
    let dir = tmpdir("report-inputs");
    let fifo = dir.join("fifo.json");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: mkfifo with a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let huge = dir.join("huge.json");
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(concbench::results::MAX_FILE_BYTES + 1)
        .unwrap();
    for (input, says) in [
        (fifo.to_str().unwrap(), "not a regular file"),
        ("/dev/zero", "not a regular file"),
        (huge.to_str().unwrap(), "MiB"),
    ] {
        let out_dir = dir.join("out");
        refused_within(
            &["report", input, "--out", out_dir.to_str().unwrap()],
            says,
            AT_ONCE,
        );
        refused_within(&["compare", input, input], says, AT_ONCE);
    }
}

#[test]
fn a_path_with_control_characters_is_refused() {
    for path in ["/x\r\nX-Injected: 1", "/a b", "/\u{7f}"] {
        let args = run_args("io", "threads", &["--path", path]);
        refused_within(&args, "--path", AT_ONCE);
    }
}

#[test]
fn a_run_whose_every_task_failed_has_no_efficiency_and_exits_1() {
    let _t = timing_lock();
    let dir = tmpdir("all-failed");
    let file = dir.join("run.json");
    let (out, took) = timed(&[
        "run",
        "--workload",
        "io",
        "--model",
        "threads",
        "--tasks",
        "3",
        "--server-workers",
        "0",
        "--delay",
        "0s",
        "--path",
        "/nope",
        "--repeat",
        "2",
        "--warmup",
        "0",
        "--quiet",
        "--out",
        file.to_str().unwrap(),
    ]);
    assert!(took < Duration::from_secs(20), "{took:?}");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("every task of every case failed (status)"),
        "{err}"
    );
    let run = ResultFile::load(&file).unwrap();
    let case = &run.cases[0];
    assert_eq!(case.summary.failures, 6);
    assert_eq!(
        case.summary.efficiency, None,
        "no efficiency from failed tasks"
    );
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(!table.contains("2118") && table.contains('6'), "{table}");
}

#[test]
fn impossible_durations_in_a_file_are_refused_naming_the_field() {
    let dir = tmpdir("negative");
    let good = std::fs::read_to_string("tests/fixtures/small.json").unwrap();
    let mut doc: serde_json::Value = serde_json::from_str(&good).unwrap();
    doc["cases"][0]["samples"][0]["makespan_s"] = serde_json::json!(-3.0);
    let bad = dir.join("bad.json");
    std::fs::write(&bad, doc.to_string()).unwrap();
    let err = format!("{:#}", ResultFile::load(&bad).unwrap_err());
    assert!(err.contains("samples[0].makespan_s is -3"), "{err}");
    doc["cases"][0]["samples"][0]["makespan_s"] = serde_json::json!(1.0);
    doc["cases"][0]["ideal_s"] = serde_json::json!(0.0);
    std::fs::write(&bad, doc.to_string()).unwrap();
    let err = format!("{:#}", ResultFile::load(&bad).unwrap_err());
    assert!(
        err.contains("cases[0]") && err.contains("ideal_s is 0"),
        "{err}"
    );
    refused_within(
        &[
            "report",
            bad.to_str().unwrap(),
            "--out",
            dir.join("o").to_str().unwrap(),
        ],
        "ideal_s",
        AT_ONCE,
    );
}

/// Runs `script` in a private mount namespace (`unshare -rm`: no root needed) where `dir` is a tmpfs
/// of `size`; None when unshare is not available here.
fn in_small_tmpfs(dir: &Path, size: &str, script: &str) -> Option<Output> {
    let out = Command::new("unshare")
        .args(["-rm", "sh", "-c"])
        .arg(format!(
            "mount -t tmpfs -o size={size} tmpfs '{}' && {script}",
            dir.display()
        ))
        .output();
    let out = match out {
        Ok(out) => out,
        Err(e) => {
            skip(Why::NoMountNamespace, format!("no unshare: {e}"));
            return None;
        }
    };
    let err = stderr(&out);
    if err.contains("unshare:") || err.contains("mount:") {
        skip(Why::NoMountNamespace, err.trim());
        return None;
    }
    Some(out)
}

#[test]
fn a_disk_that_fills_keeps_the_last_good_file_and_names_what_was_lost() {
    let _t = timing_lock();
    let dir = tmpdir("disk-full");
    let file = dir.join("run.json");
    // 40 KiB: the first rounds fit, a 300-task timeline per sample soon does not.
    let script = format!(
        "'{EXE}' run --workload sleep --model threads,async --tasks 300 --delay 1ms --repeat 8 \
         --warmup 0 --quiet --out '{f}'; echo \"exit=$?\"; ls -a '{d}'; \
         cat '{f}' > '{d}/../disk-full-copy.json' 2>/dev/null || true",
        f = file.display(),
        d = dir.display()
    );
    let t = Instant::now();
    let Some(out) = in_small_tmpfs(&dir, "40k", &script) else {
        return;
    };
    assert!(t.elapsed() < Duration::from_secs(60));
    let text = String::from_utf8_lossy(&out.stdout);
    let err = stderr(&out);
    assert!(text.contains("exit=1"), "{text}\n{err}");
    assert!(err.contains("No space left on device"), "{err}");
    assert!(
        err.contains("not (fully) measured"),
        "names the cases: {err}"
    );
    assert!(!text.contains(".tmp"), "no temp file left: {text}");
    assert!(!text.contains("write-probe"), "{text}");
    let copy = dir.parent().unwrap().join("disk-full-copy.json");
    let kept = ResultFile::load(&copy).expect("the last good file is whole");
    assert!(!kept.complete);
    let _ = std::fs::remove_file(copy);
}

#[test]
fn a_full_disk_at_start_is_refused_and_leaves_no_probe() {
    let dir = tmpdir("disk-full-start");
    let script = format!(
        "head -c 1M /dev/zero > '{d}/filler' 2>/dev/null; \
         '{EXE}' run --workload sleep --model threads --tasks 1 --delay 1ms --repeat 1 --quiet \
         --out '{d}/run.json'; echo \"exit=$?\"; ls -a '{d}'",
        d = dir.display()
    );
    let Some(out) = in_small_tmpfs(&dir, "16k", &script) else {
        return;
    };
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("exit=2"), "{text}\n{}", stderr(&out));
    assert!(
        !text.contains("probe") && !text.contains("run.json"),
        "{text}"
    );
}

#[test]
fn compare_markdown_escapes_what_a_result_file_says() {
    let dir = tmpdir("md-escape");
    let good = std::fs::read_to_string("tests/fixtures/small.json").unwrap();
    let mut doc: serde_json::Value = serde_json::from_str(&good).unwrap();
    // Groups and models are names the loader checks; ids and machine metadata are free text.
    doc["machine"]["cpu_model"] = serde_json::json!("<script>alert(1)</script>\n# heading");
    for case in doc["cases"].as_array_mut().unwrap() {
        let id = case["id"].as_str().unwrap().to_string();
        case["id"] = serde_json::json!(format!("{id}<b>|\n# heading"));
    }
    let (a, b) = (dir.join("a.json"), dir.join("b.json"));
    std::fs::write(&a, doc.to_string()).unwrap();
    std::fs::write(&b, doc.to_string()).unwrap();
    let (out, took) = timed(&[
        "compare",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "--format",
        "markdown",
    ]);
    assert!(took < Duration::from_secs(5));
    assert!(out.status.success(), "{}", stderr(&out));
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(md.contains("&lt;script&gt;"), "{md}");
    assert!(!md.contains("<script>") && !md.contains("<b>"), "{md}");
    assert!(
        !md.lines().any(|l| l.trim_start().starts_with("# heading")),
        "{md}"
    );
}

/// Every figure of a real file replaced by a huge finite number: still a valid file.
fn absurd_file(dir: &Path, value: f64) -> PathBuf {
    let good = std::fs::read_to_string("tests/fixtures/v2.json").unwrap();
    let mut doc: serde_json::Value = serde_json::from_str(&good).unwrap();
    let big = serde_json::json!(value);
    for case in doc["cases"].as_array_mut().unwrap() {
        for s in case["samples"].as_array_mut().unwrap() {
            s["makespan_s"] = big.clone();
            for q in ["p50", "p90", "p99", "max"] {
                s["task_latency"][q] = big.clone();
            }
            if let Some(tl) = s["timeline"].as_array_mut() {
                for pair in tl {
                    pair[1] = big.clone();
                }
            }
            s["max_rss_kib"] = serde_json::json!(concbench::results::MAX_RSS_KIB);
        }
        for f in ["median", "min", "max", "ci_low", "ci_high"] {
            case["summary"]["makespan"][f] = big.clone();
        }
        case["summary"]["task_p99_s"] = big.clone();
    }
    let path = dir.join(format!("absurd-{value:e}.json"));
    std::fs::write(&path, doc.to_string()).unwrap();
    path
}

#[test]
fn every_chart_finishes_on_the_most_extreme_figures_a_file_may_hold() {
    let dir = tmpdir("absurd");
    let (min, max) = (
        concbench::results::MIN_DURATION_S,
        concbench::results::MAX_DURATION_S,
    );
    for value in [max, min] {
        let file = absurd_file(&dir, value);
        let t = Instant::now();
        let out_dir = dir.join(format!("report-{value:e}"));
        let (out, _) = timed(&[
            "report",
            file.to_str().unwrap(),
            "--out",
            out_dir.to_str().unwrap(),
        ]);
        assert!(out.status.success(), "{}", stderr(&out));
        let html = dir.join(format!("compare-{value:e}"));
        let (out, _) = timed(&[
            "compare",
            "tests/fixtures/v2.json",
            file.to_str().unwrap(),
            "--html",
            html.to_str().unwrap(),
        ]);
        assert!(out.status.success(), "{}", stderr(&out));
        let took = t.elapsed();
        // About a second in release; the debug build this test runs draws several times slower.
        assert!(took < Duration::from_secs(10), "{value}: {took:?}");
        assert!(out_dir.join("index.html").exists() && html.join("index.html").exists());
    }
    // Beyond them: refused at once, naming the field, never a chart that does not finish.
    let file = absurd_file(&dir, 1e308);
    refused_within(
        &[
            "compare",
            file.to_str().unwrap(),
            file.to_str().unwrap(),
            "--html",
        ],
        "makespan_s is 1e308",
        AT_ONCE,
    );
}

/// The report of small.json written into `out` on a roomy disk: the bytes its charts take there, in
/// whole pages as a tmpfs counts them.
fn chart_pages(out: &Path) -> u64 {
    let (run, _) = timed(&[
        "report",
        "tests/fixtures/small.json",
        "--store",
        out.join("no-store").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(run.status.success(), "{}", stderr(&run));
    std::fs::read_dir(out.join("charts"))
        .unwrap()
        .map(|e| e.unwrap().metadata().unwrap().len().div_ceil(4096) * 4096)
        .sum()
}

#[test]
fn a_report_that_fills_the_disk_keeps_the_earlier_index_and_markdown_whole() {
    let dir = tmpdir("report-full");
    let reference = tmpdir("report-full-reference");
    // Room for the charts and a little more: index.html, which inlines every chart, cannot fit.
    let size = chart_pages(&reference) + 64 * 1024;
    let out = dir.join("out");
    let script = format!(
        "mkdir '{o}' && echo 'old report' > '{o}/index.html' && echo 'old report' > '{o}/report.md' && \
         '{EXE}' report tests/fixtures/small.json --store '{d}/no-store' --out '{o}'; \
         echo \"exit=$?\"; ls -a '{o}' '{o}/charts'; echo \"index=$(cat '{o}/index.html' | head -c 20)\"; \
         echo \"md=$(cat '{o}/report.md' | head -c 20)\"",
        o = out.display(),
        d = dir.display()
    );
    let Some(run) = in_small_tmpfs(&dir, &size.to_string(), &script) else {
        return;
    };
    let text = String::from_utf8_lossy(&run.stdout);
    let err = stderr(&run);
    assert!(text.contains("exit=1"), "{text}\n{err}");
    assert!(err.contains("No space left on device"), "{err}");
    assert!(text.contains("index=old report"), "{text}");
    assert!(text.contains("md=old report"), "{text}");
    assert!(!text.contains(".tmp"), "no temp file left: {text}");
}

#[test]
fn a_machines_page_on_a_full_disk_keeps_the_earlier_page_whole() {
    let dir = tmpdir("machines-full");
    let store = tmpdir("machines-full-store");
    let good = std::fs::read_to_string("tests/fixtures/small.json").unwrap();
    let mut doc: serde_json::Value = serde_json::from_str(&good).unwrap();
    for id in ["one", "two"] {
        doc["machine"]["machine_id"] = serde_json::json!(id);
        std::fs::create_dir_all(store.join(id)).unwrap();
        std::fs::write(store.join(id).join("run.json"), doc.to_string()).unwrap();
    }
    let out = dir.join("out");
    let script = format!(
        "mkdir '{o}' && echo 'old page' > '{o}/machines.html' && \
         head -c 1M /dev/zero > '{d}/filler' 2>/dev/null; \
         '{EXE}' report '{s}/one' --store '{s}' --out '{o}'; echo \"exit=$?\"; ls -a '{o}'; \
         echo \"page=$(cat '{o}/machines.html')\"",
        o = out.display(),
        d = dir.display(),
        s = store.display()
    );
    let Some(run) = in_small_tmpfs(&dir, "64k", &script) else {
        return;
    };
    let text = String::from_utf8_lossy(&run.stdout);
    let err = stderr(&run);
    assert!(text.contains("exit=1"), "{text}\n{err}");
    assert!(err.contains("No space left on device"), "{err}");
    assert!(text.contains("page=old page"), "{text}");
    assert!(!text.contains(".tmp"), "no temp file left: {text}");
}

#[test]
fn a_test_s_directory_is_removed_when_it_passes_and_kept_when_it_fails() {
    let passed = {
        let dir = tmpdir("guard-passed");
        std::fs::write(dir.join("f"), "x").unwrap();
        dir.to_path_buf()
    };
    assert!(!passed.exists(), "{} was left behind", passed.display());
    // A failing test's directory stays for whoever looks into the failure.
    let failed = std::thread::spawn(|| {
        let dir = tmpdir("guard-failed");
        let path = dir.to_path_buf();
        std::panic::panic_any(path);
    })
    .join()
    .unwrap_err();
    let failed = failed.downcast::<PathBuf>().unwrap();
    assert!(failed.exists(), "{} was removed", failed.display());
    let _ = std::fs::remove_dir_all(*failed);
}
