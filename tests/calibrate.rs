//! `concbench calibrate` end to end, with stand-ins for the load generators so it runs the same with
//! or without wrk, hey and oha installed: a `wrk` on PATH that prints a captured wrk output, a `hey`
//! that prints garbage, and no `oha` at all. The models' cases, the tools' runs and the skipped tool
//! all land in one valid result file, and the printed table says what each did.

mod common;

use common::*;
use concbench::names::LoadGenerator;
use concbench::results::ResultFile;
use std::os::unix::fs::PermissionsExt;
use std::process::Command;

fn script(dir: &std::path::Path, name: &str, body: &str) {
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn models_and_stand_in_tools_land_in_one_file() {
    let _t = timing_lock();
    let dir = tmpdir("stand-ins");
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let capture = std::fs::canonicalize("tests/fixtures/loadgen/wrk-c10.txt").unwrap();
    script(&bin, "wrk", &format!("/bin/cat '{}'", capture.display()));
    script(&bin, "hey", "echo 'flag provided but not defined: -z'");
    let out_file = dir.join("cal.json");
    let out = Command::new(EXE)
        .args([
            "calibrate",
            "--duration",
            "200ms",
            "--connections",
            "2",
            "--repeat",
            "1",
            "--quiet",
            "--out",
            out_file.to_str().unwrap(),
        ])
        // Only the stand-ins (which name /bin/cat themselves): no real load generator is found.
        .env("PATH", &bin)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("skipped oha: not installed (cargo install oha to add it)"),
        "{stderr}"
    );
    assert_eq!(stderr.matches("skipped").count(), 1, "{stderr}");
    assert!(
        stderr.contains("hey c=2: not measured: no 'Total: … secs' line; hey said: flag provided"),
        "{stderr}"
    );
    let file = ResultFile::load(&out_file).unwrap();
    assert_eq!(file.suite, "calibrate");
    assert!(file.complete);
    let ids: Vec<&str> = file.cases.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids.len(), 2, "{ids:?}");
    for c in &file.cases {
        assert!(c.id.starts_with("calibrate/io/"), "{}", c.id);
        assert_eq!(c.params.limit, Some(2));
        assert_eq!(c.ideal_s, None, "a zero-delay request has no ideal in time");
        assert!(c.samples.iter().all(|s| s.ok as usize == c.params.tasks));
    }
    let g = file.load_generators.expect("the tools' part");
    assert_eq!(g.runs.len(), 1, "wrk once; hey's garbage is no run");
    let wrk = &g.runs[0];
    assert_eq!(
        (wrk.tool, wrk.connections, wrk.ok, wrk.duration_s),
        (LoadGenerator::Wrk, 2, 13410, 2.0)
    );
    assert_eq!(wrk.command[..3], ["wrk", "-t2", "-c2"]);
    assert_eq!(g.skipped.len(), 1);
    assert_eq!(g.skipped[0].tool, LoadGenerator::Oha);
    // The table: both models measured, wrk's 6.7k/s, oha not installed, the share of the best.
    let row = stdout
        .lines()
        .find(|l| l.starts_with("| 2 |"))
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!(
        row.contains("6.7k/s") && row.contains("not installed") && row.contains("| wrk |"),
        "{row}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_rate_check_sets_the_open_loop_case_beside_oha_rate_mode() {
    let _t = timing_lock();
    let dir = tmpdir("rate-stand-in");
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    // A stand-in oha that answers every run with a captured JSON output (p50 1.47 ms, p99 2.02 ms).
    let capture = std::fs::canonicalize("tests/fixtures/loadgen/oha-c10.json").unwrap();
    script(&bin, "oha", &format!("/bin/cat '{}'", capture.display()));
    let out_file = dir.join("cal.json");
    let out = Command::new(EXE)
        .args([
            "calibrate",
            "--duration",
            "300ms",
            "--connections",
            "2",
            "--repeat",
            "1",
            "--tools",
            "oha",
            "--rate",
            "40",
            "--rate-delay",
            "20ms",
            "--quiet",
            "--out",
            out_file.to_str().unwrap(),
        ])
        .env("PATH", &bin)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stderr}");
    let file = ResultFile::load(&out_file).unwrap();
    let g = file.load_generators.as_ref().expect("the tools' part");
    assert_eq!(g.rate_runs.len(), 1);
    let run = &g.rate_runs[0];
    assert_eq!((run.p50_s, run.p99_s), (0.001473209, 0.002016466));
    assert_eq!(run.path, "/delay/20");
    for want in ["-q", "40", "--latency-correction", "--disable-keepalive"] {
        assert!(run.command.iter().any(|a| a == want), "{:?}", run.command);
    }
    // concbench's side: async, 40/s for 300 ms = 12 GETs of 20 ms, latency from the schedule.
    let ours = file
        .cases
        .iter()
        .find(|c| c.params.arrival.rate() == Some(40.0))
        .expect("the open-loop case");
    assert_eq!(ours.params.tasks, 12);
    assert!(ours
        .samples
        .iter()
        .all(|s| s.ok == 12 && s.series.is_some()));
    assert!(ours.summary.task_p50_s >= 0.020, "no GET beats its delay");
    let row = stdout
        .lines()
        .find(|l| l.starts_with("| 40 |"))
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!(row.contains("/delay/20") && row.contains("1.5 ms"), "{row}");
    let _ = std::fs::remove_dir_all(dir);
}
