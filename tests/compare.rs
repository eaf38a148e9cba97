//! `concbench compare` and `run --cpus`: verdicts on synthetic result files with known shifts and
//! noise — the rank test with Holm within each group, the range rule for few samples, `n/a` for too
//! few, `noisy` for unstable cases, a group's own verdict — the gate (`--fail-on slower`: a slower
//! file fails it, noise does not), the refusals (different servers, unknown machine ids), unreadable
//! files skipped, the page (written whole or not at all; readable at 196 cases, every chart label
//! inside its chart and clear of the others), and a real comparison of one box restricted to 1 CPU
//! against the same box on 2.

mod common;

use common::*;
use concbench::cli::CompareArgs;
use concbench::compare::gate::FailOn;
use concbench::compare::{self, Comparison, Format, Rule, Verdict};
use concbench::names::{Bottleneck, Group, ModelKind};
use concbench::results::{
    CaseResult, Instability, InstabilityKind, Machine, Percentiles, ResultFile, Sample,
};
use concbench::workload::{CpuParams, IoParams, Params};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

fn machine(id: &str) -> Machine {
    Machine {
        machine_id: id.into(),
        hostname: "test".into(),
        cpu_model: "Test CPU".into(),
        logical_cores: 4,
        physical_cores: Some(2),
        memory_bytes: 8 << 30,
        os: "Test OS".into(),
        kernel: "Linux 6.0".into(),
        rustc: "rustc 1.95.0".into(),
        governor: None,
        allowed_cpus: vec![0, 1, 2, 3],
    }
}

fn sample(makespan_s: f64) -> Sample {
    let p = Percentiles {
        p50: makespan_s,
        p90: makespan_s,
        p99: makespan_s,
        max: makespan_s,
    };
    Sample {
        makespan_s,
        setup_s: 0.001,
        ok: 4,
        failures: BTreeMap::new(),
        task_latency: p,
        service_latency: None,
        user_s: makespan_s,
        sys_s: 0.0,
        max_rss_kib: 4096,
        voluntary_ctx: 1,
        involuntary_ctx: 1,
        threads_peak: 2,
        attempts: 4,
        ..Sample::default()
    }
}

/// A cpu case of the `cpu` group: the thread-pool at k = `k`, with these makespans.
fn case(k: usize, makespans: &[f64]) -> CaseResult {
    let samples: Vec<Sample> = makespans.iter().map(|&m| sample(m)).collect();
    let ideal = 0.5;
    CaseResult {
        id: format!("cpu/cpu/thread-pool/n8-k{k}-i1000"),
        group: Group::Cpu,
        params: case_params(
            ModelKind::ThreadPool,
            8,
            Some(k),
            Params::Cpu(CpuParams { cpu_iters: 1000 }),
        ),
        external: false,
        warmup: 1,
        summary: concbench::run::summarise(&samples, Some(ideal), Bottleneck::Cpu),
        samples,
        t1_s: Some(0.1),
        scaling: Some(1.0),
        t_write_s: None,
        t_write_together_s: None,
        ideal_s: Some(ideal),
    }
}

fn file(id: &str, cases: Vec<CaseResult>) -> ResultFile {
    ResultFile {
        schema_version: concbench::results::SCHEMA_VERSION,
        concbench_version: "0.1.0".into(),
        git_commit: None,
        command: vec!["concbench".into()],
        suite: "cpu".into(),
        started: "2025-01-01T00:00:00Z".into(),
        updated: "2025-01-01T00:00:00Z".into(),
        complete: true,
        interrupted: None,
        machine: machine(id),
        order: None,
        seed: None,
        cases,
        load_generators: None,
        data_floors: None,
    }
}

/// Known noise, within ±1 %: a different pattern on each side, so no sample ties across sides.
const NOISE_A: [f64; 8] = [-0.010, 0.004, -0.006, 0.008, 0.000, 0.010, -0.004, 0.002];
const NOISE_B: [f64; 8] = [0.003, -0.009, 0.007, -0.001, 0.009, -0.005, 0.005, -0.007];

fn noisy(centre: f64, noise: &[f64]) -> Vec<f64> {
    noise.iter().map(|e| centre * (1.0 + e)).collect()
}

fn compare_files(a: &Path, b: &Path) -> Comparison {
    compare::compare(&CompareArgs {
        runs: vec![a.display().to_string(), b.display().to_string()],
        threshold: 5.0,
        format: Format::Table,
        store: "reports/results".into(),
        html: None,
        fail_on: None,
    })
    .unwrap()
}

#[test]
fn known_shifts_give_known_verdicts() {
    let dir = tmpdir("shifts");
    // Case k1: no shift; k2: +3 % (significant, below the 5 % threshold); k4: +30 %.
    let base = file(
        "base",
        vec![
            case(1, &noisy(1.0, &NOISE_A)),
            case(2, &noisy(1.0, &NOISE_A)),
            case(4, &noisy(1.0, &NOISE_A)),
        ],
    );
    let other = file(
        "other",
        vec![
            case(1, &noisy(1.0, &NOISE_B)),
            case(2, &noisy(1.03, &NOISE_B)),
            case(4, &noisy(1.30, &NOISE_B)),
        ],
    );
    let (a, b) = (dir.join("a.json"), dir.join("b.json"));
    base.save(&a).unwrap();
    other.save(&b).unwrap();
    let c = compare_files(&a, &b);
    assert_eq!(c.groups.len(), 1);
    let rows = &c.groups[0].rows;
    let v: Vec<_> = rows.iter().map(|r| &r.versus[0]).collect();
    assert!(v.iter().all(|v| v.rule == Rule::Rank), "8 vs 8: {v:?}");
    assert_eq!(v[0].verdict, Verdict::Same, "{:?}", v[0]);
    assert!(
        v[0].p_adjusted.unwrap() >= 0.05,
        "0 % must not be significant"
    );
    assert_eq!(v[1].verdict, Verdict::Same, "{:?}", v[1]);
    assert!(
        v[1].p_adjusted.unwrap() < 0.05,
        "+3 % is significant: the threshold alone keeps it `~`"
    );
    assert!((v[1].ratio - 1.03).abs() < 0.01);
    assert_eq!(v[2].verdict, Verdict::Slower, "{:?}", v[2]);
    assert!(v[2].ci_low > 1.2 && v[2].ci_high < 1.4, "{:?}", v[2]);
    assert!(c.notes.is_empty(), "8 vs 8 can be significant");
    let geo = c.groups[0].geomean.ratios[0];
    assert!((geo - (1.03f64 * 1.30).cbrt()).abs() < 0.01, "{geo}");
    let table = compare::render(&c, Format::Table);
    assert!(
        table.contains("slower") && table.contains("geomean"),
        "{table}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn identical_files_are_all_unchanged() {
    let dir = tmpdir("same");
    let run = file(
        "same",
        vec![
            case(1, &noisy(1.0, &NOISE_A)),
            case(2, &noisy(0.6, &NOISE_B)),
        ],
    );
    let a = dir.join("a.json");
    run.save(&a).unwrap();
    let c = compare_files(&a, &a);
    for r in &c.groups[0].rows {
        assert_eq!(r.versus[0].verdict, Verdict::Same);
        assert_eq!(r.versus[0].rule, Rule::Rank);
        assert_eq!(r.versus[0].ratio, 1.0);
    }
    assert_eq!(c.groups[0].geomean.ratios, vec![1.0]);
    assert!(c.warnings.is_empty(), "{:?}", c.warnings);
    assert!(c.notes.is_empty(), "{:?}", c.notes);
    let table = compare::render(&c, Format::Table);
    let geomean = table.lines().find(|l| l.starts_with("geomean")).unwrap();
    assert!(geomean.contains("1.00"), "{geomean}");
    // Every format renders the same comparison.
    let json: serde_json::Value = serde_json::from_str(&compare::render(&c, Format::Json)).unwrap();
    assert_eq!(json["groups"][0]["rows"][1]["versus"][0]["verdict"], "~");
    let csv = compare::render(&c, Format::Csv);
    assert_eq!(csv.lines().count(), 1 + 2 * 2, "{csv}");
    // Every non-baseline line: decided by the rank test, no change.
    for line in csv.lines().skip(2).step_by(2) {
        assert!(line.ends_with(",rank,~"), "{csv}");
    }
    let markdown = compare::render(&c, Format::Markdown);
    assert!(markdown.contains("| case "));
    let md_geomean = markdown
        .lines()
        .find(|l| l.starts_with("| geomean"))
        .unwrap();
    assert!(md_geomean.contains("1.000"), "{md_geomean}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn three_samples_are_decided_by_their_ranges() {
    let dir = tmpdir("few");
    let (a, b) = (dir.join("a.json"), dir.join("b.json"));
    file("a", vec![case(1, &[1.0, 1.01, 0.99])])
        .save(&a)
        .unwrap();
    file("b", vec![case(1, &[2.0, 2.01, 1.99])])
        .save(&b)
        .unwrap();
    let c = compare_files(&a, &b);
    let v = &c.groups[0].rows[0].versus[0];
    assert!((v.ratio - 2.0).abs() < 1e-9);
    assert!(!v.can_be_significant, "p cannot go below 0.1 with 3 vs 3");
    assert_eq!(v.p_adjusted, None);
    assert_eq!((v.rule, v.verdict), (Rule::Range, Verdict::Slower));
    assert!(
        c.notes.iter().any(|n| n.mark == "†"
            && n.text.contains("n=3 vs 3")
            && n.text.contains("range rule")
            && n.text.contains("--repeat ≥ 4")),
        "{:?}",
        c.notes
    );
    let table = compare::render(&c, Format::Table);
    let row = table.lines().find(|l| l.starts_with("cpu/")).unwrap();
    assert!(row.contains("range") && row.contains("slower†"), "{row}");
    let _ = std::fs::remove_dir_all(dir);
}

/// `case(k, …)` moved into `group`, its id saying so.
fn grouped(group: Group, mut c: CaseResult) -> CaseResult {
    c.id = format!("{group}/{}", c.id.split_once('/').unwrap().1);
    c.group = group;
    c
}

fn save_both(dir: &Path, base: Vec<CaseResult>, other: Vec<CaseResult>) -> Comparison {
    let (a, b) = (dir.join("a.json"), dir.join("b.json"));
    file("base", base).save(&a).unwrap();
    file("other", other).save(&b).unwrap();
    compare_files(&a, &b)
}

#[test]
fn each_group_is_its_own_family() {
    let dir = tmpdir("families");
    // A question of 3 cases (one 30 % slower) beside a sweep of 60 unchanged ones, 6 vs 6 samples.
    let (mut base, mut other) = (Vec::new(), Vec::new());
    for k in 1..=3 {
        let shift = if k == 1 { 1.3 } else { 1.0 };
        base.push(grouped(Group::Seed, case(k, &noisy(1.0, &NOISE_A[..6]))));
        other.push(grouped(Group::Seed, case(k, &noisy(shift, &NOISE_B[..6]))));
    }
    for k in 1..=60 {
        base.push(grouped(Group::IoSweep, case(k, &noisy(0.5, &NOISE_A[..6]))));
        other.push(grouped(Group::IoSweep, case(k, &noisy(0.5, &NOISE_B[..6]))));
    }
    let c = save_both(&dir, base, other);
    let (small, sweep) = (&c.groups[0], &c.groups[1]);
    assert_eq!(
        (small.name.as_str(), small.tests, small.rank_family),
        ("seed", 3, 3)
    );
    let v = &small.rows[0].versus[0];
    assert_eq!((v.rule, v.verdict), (Rule::Rank, Verdict::Slower), "{v:?}");
    // Complete separation, 2/924, times the 3 tests of its group.
    assert!(
        (v.p_adjusted.unwrap() - 3.0 * 2.0 / 924.0).abs() < 1e-9,
        "{v:?}"
    );
    for r in &small.rows[1..] {
        assert_eq!(r.versus[0].verdict, Verdict::Same, "{r:?}");
    }
    // 60 tests of 6 vs 6 cannot pass Holm (60 · 2/924 = 0.13): the range rule decides them, and
    // finds no change.
    assert_eq!((sweep.tests, sweep.rank_family), (60, 0));
    for r in &sweep.rows {
        assert_eq!(
            (r.versus[0].rule, r.versus[0].verdict),
            (Rule::Range, Verdict::Same)
        );
    }
    // The old rule, Holm across every test of the comparison, over these very p-values: 63 · 2/924.
    let every: Vec<(f64, f64)> = c
        .groups
        .iter()
        .flat_map(|g| &g.rows)
        .map(|r| (r.versus[0].ratio, r.versus[0].p))
        .collect();
    assert_eq!(every.len(), 63);
    let (p_all, verdict_all) = compare::comparison::rank_verdicts(&every, 0.05)[0];
    assert_eq!(verdict_all, Verdict::Same, "across all: p {p_all}");
    assert!(p_all >= 0.05, "{p_all}");
    let _ = std::fs::remove_dir_all(dir);
}

/// An io case of the seed group: the thread-pool at k = `k` against W = 3, with these makespans.
fn io(k: usize, makespans: &[f64]) -> CaseResult {
    let mut c = case(k, makespans);
    c.id = format!("seed/io/thread-pool/n8-k{k}-w3-1s");
    c.group = Group::Seed;
    c.params.workload = Params::Io(IoParams::new(plan(3, Duration::from_secs(1))));
    c
}

/// Three samples spread 0.2 %, as io against a slow server gives them.
const IO3: [f64; 3] = [-0.001, 0.0, 0.001];

#[test]
fn near_deterministic_io_with_three_samples_a_side() {
    let dir = tmpdir("io3");
    let base = (1..=5).map(|k| io(k, &noisy(1.0, &IO3))).collect();
    let other = vec![
        io(1, &noisy(1.2, &IO3)),
        io(2, &noisy(0.8, &IO3)),
        io(3, &noisy(1.03, &IO3)),
        // Medians 15 % apart, but one sample inside the baseline's range.
        io(4, &[1.0005, 1.15, 1.16]),
        io(5, &noisy(1.0, &IO3)),
    ];
    let c = save_both(&dir, base, other);
    let v: Vec<_> = c.groups[0].rows.iter().map(|r| &r.versus[0]).collect();
    assert!(v.iter().all(|v| v.rule == Rule::Range), "{v:?}");
    let verdicts: Vec<Verdict> = v.iter().map(|v| v.verdict).collect();
    assert_eq!(
        verdicts,
        [
            Verdict::Slower,
            Verdict::Faster,
            Verdict::Same,
            Verdict::Same,
            Verdict::Same
        ]
    );
    // The rank test could not have: its smallest p over these 5 tests is 5 · 0.1.
    assert!(v[0].p > 0.05 && v[0].p_adjusted.is_none());
    let table = compare::render(&c, Format::Table);
    let row = table.lines().find(|l| l.contains("n8-k1-w3")).unwrap();
    assert!(row.contains("range") && row.contains("slower†"), "{row}");
    let json: serde_json::Value = serde_json::from_str(&compare::render(&c, Format::Json)).unwrap();
    let first = &json["groups"][0]["rows"][0]["versus"][0];
    assert_eq!(
        (first["rule"].as_str(), first["verdict"].as_str()),
        (Some("range"), Some("slower"))
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn one_sample_a_side_is_not_tested() {
    let dir = tmpdir("one");
    let c = save_both(&dir, vec![case(1, &[1.0])], vec![case(1, &[1.5])]);
    let v = &c.groups[0].rows[0].versus[0];
    assert!((v.ratio - 1.5).abs() < 1e-9);
    assert_eq!((v.rule, v.verdict), (Rule::None, Verdict::NotTested));
    assert!(
        c.notes
            .iter()
            .any(|n| n.text.contains("n=1 vs 1: no test possible")),
        "{:?}",
        c.notes
    );
    let table = compare::render(&c, Format::Table);
    let row = table.lines().find(|l| l.starts_with("cpu/")).unwrap();
    assert!(row.contains("n/a†") && row.contains("1.500"), "{row}");
    assert!(!row.contains('~'), "a bare ~ would claim no change: {row}");
    let csv = compare::render(&c, Format::Csv);
    assert!(csv.lines().nth(2).unwrap().ends_with(",none,n/a"), "{csv}");
    let json: serde_json::Value = serde_json::from_str(&compare::render(&c, Format::Json)).unwrap();
    assert_eq!(json["groups"][0]["rows"][0]["versus"][0]["verdict"], "n/a");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn an_unstable_side_is_noisy_in_every_format() {
    let dir = tmpdir("noisy");
    const BUSY: &str = "machine busy: other processes took 15 % of its CPU time";
    // k1: 30 % slower, but B's machine was busy; k2: no change, but A's samples disagree; k4: stable;
    // k8: A's samples disagree, but B is twice as slow: the rank test sees through the spread.
    let mut busy = case(1, &noisy(1.3, &NOISE_B));
    busy.summary.unstable = vec![Instability {
        kind: InstabilityKind::Busy,
        why: BUSY.into(),
    }];
    let wide = [1.0, 1.3, 0.8, 1.1, 1.0, 1.25, 0.85, 1.05];
    let base = vec![
        case(1, &noisy(1.0, &NOISE_A)),
        case(2, &wide),
        case(4, &noisy(1.0, &NOISE_A)),
        case(8, &wide),
    ];
    assert!(
        !base[1].summary.unstable.is_empty(),
        "the spread marks it unstable"
    );
    let other = vec![
        busy,
        case(2, &noisy(1.0, &NOISE_B)),
        case(4, &noisy(1.0, &NOISE_B)),
        case(8, &noisy(2.0, &NOISE_B)),
    ];
    let c = save_both(&dir, base, other);
    let verdicts: Vec<Verdict> = c.groups[0]
        .rows
        .iter()
        .map(|r| r.versus[0].verdict)
        .collect();
    assert_eq!(
        verdicts,
        [
            Verdict::Noisy,
            Verdict::Noisy,
            Verdict::Same,
            Verdict::Slower
        ]
    );
    let noisy_notes: Vec<&str> = c
        .notes
        .iter()
        .filter(|n| n.mark == "noisy")
        .map(|n| n.text.as_str())
        .collect();
    assert_eq!(noisy_notes.len(), 2, "{:?}", c.notes);
    assert!(
        noisy_notes[0].contains("n8-k1-i1000") && noisy_notes[0].contains(&format!("B: {BUSY}")),
        "{noisy_notes:?}"
    );
    assert!(
        noisy_notes[1].contains("n8-k2-i1000")
            && noisy_notes[1].contains("A: samples disagree")
            && !noisy_notes[1].contains("B:"),
        "{noisy_notes:?}"
    );
    let table = compare::render(&c, Format::Table);
    let markdown = compare::render(&c, Format::Markdown);
    for (format, text) in [("table", &table), ("markdown", &markdown)] {
        for (k, expect) in [("k1", "noisy"), ("k2", "noisy"), ("k4", "~")] {
            let row = text
                .lines()
                .find(|l| l.contains(&format!("n8-{k}-i1000")) && !l.contains(": "))
                .unwrap_or_else(|| panic!("{format}: no {k} row in {text}"));
            // Markdown escapes `~` (strikethrough) as `\~`, which renders as `~`.
            let cells: Vec<&str> = row
                .split(['|', ' '])
                .map(|c| c.trim_start_matches('\\'))
                .filter(|c| !c.is_empty())
                .collect();
            assert!(cells.contains(&expect), "{format} {k}: {row}");
        }
        assert!(text.contains(BUSY), "{format} says why: {text}");
    }
    let json: serde_json::Value = serde_json::from_str(&compare::render(&c, Format::Json)).unwrap();
    let rows = json["groups"][0]["rows"].as_array().unwrap();
    assert_eq!(rows[0]["versus"][0]["verdict"], "noisy");
    assert_eq!(rows[1]["versus"][0]["verdict"], "noisy");
    assert_eq!(rows[2]["versus"][0]["verdict"], "~");
    assert_eq!(rows[0]["sides"][1]["unstable"][0]["why"], BUSY);
    assert_eq!(rows[0]["sides"][1]["unstable"][0]["kind"], "busy");
    assert_eq!(rows[3]["versus"][0]["verdict"], "slower");
    let csv = compare::render(&c, Format::Csv);
    let lines: Vec<&str> = csv.lines().collect();
    assert!(
        lines[2].ends_with(",rank,noisy") && lines[2].contains(BUSY),
        "{csv}"
    );
    assert!(lines[4].ends_with(",rank,noisy"), "{csv}");
    assert!(lines[6].ends_with(",rank,~"), "{csv}");
    // The page colours and names them apart.
    let page = compare::html::render(&c).unwrap();
    assert!(
        page.contains("noisy (a side is unstable: no claim)"),
        "legend"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn failed_tasks_show_in_place_of_efficiency() {
    let dir = tmpdir("failed");
    // Two tasks of one sample failed: efficiency would flatter the case, so the count shows instead.
    let mut failing = case(1, &noisy(1.0, &NOISE_B));
    failing.samples[0].failures.insert("timeout".into(), 2);
    failing.summary = concbench::run::summarise(&failing.samples, failing.ideal_s, Bottleneck::Cpu);
    assert_eq!(failing.summary.efficiency, None);
    let c = save_both(&dir, vec![case(1, &noisy(1.0, &NOISE_A))], vec![failing]);
    let side = &c.groups[0].rows[0].sides[1];
    assert_eq!((side.failures, side.efficiency), (2, None));
    let table = compare::render(&c, Format::Table);
    let row = table.lines().find(|l| l.starts_with("cpu/")).unwrap();
    assert!(row.ends_with("0.50  2 failed"), "{row}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn an_ideal_above_what_the_case_took_is_unreliable_in_every_row() {
    let dir = tmpdir("unreliable");
    // The ideal measured beside the case (0.5 s) is above the 0.42 s it took: no bound; the row says
    // so with both figures instead of an efficiency of 1.19.
    let mut above = case(1, &noisy(0.42, &NOISE_B));
    above.summary = concbench::run::summarise(&above.samples, above.ideal_s, Bottleneck::Cpu);
    assert_eq!(above.summary.efficiency, None);
    let c = save_both(&dir, vec![case(1, &noisy(1.0, &NOISE_A))], vec![above]);
    let side = &c.groups[0].rows[0].sides[1];
    assert!(side.ideal_unreliable.is_some_and(|e| e > 1.01), "{side:?}");
    let table = compare::render(&c, Format::Table);
    let row = table.lines().find(|l| l.starts_with("cpu/")).unwrap();
    assert!(
        row.contains("0.50  ideal unreliable on this machine (ideal 500.0 ms > 420.4 ms taken)"),
        "{row}"
    );
    let json: serde_json::Value = serde_json::from_str(&compare::render(&c, Format::Json)).unwrap();
    let said = &json["groups"][0]["rows"][0]["sides"][1]["ideal_unreliable"];
    assert!(said.as_f64().is_some_and(|e| e > 1.01), "{said}");
    let _ = std::fs::remove_dir_all(dir);
}

fn io_case(workers: usize) -> CaseResult {
    let mut c = case(3, &noisy(1.0, &NOISE_A));
    c.id = format!("seed/io/thread-pool/n8-k3-w{workers}-1s");
    c.group = Group::Seed;
    c.params.workload = Params::Io(IoParams::new(plan(workers, Duration::from_secs(1))));
    c
}

#[test]
fn a_different_server_is_refused() {
    let dir = tmpdir("server");
    let (a, b) = (dir.join("a.json"), dir.join("b.json"));
    file("a", vec![io_case(3)]).save(&a).unwrap();
    file("b", vec![io_case(9)]).save(&b).unwrap();
    refused(
        &["compare", a.to_str().unwrap(), b.to_str().unwrap()],
        "the server differs (A: W=3, delay 1000 ms, path /; B: W=9, delay 1000 ms, path /)",
    );
    // The same servers on both sides compare, and a case only one side ran is listed apart.
    file("b", vec![io_case(3), case(1, &noisy(1.0, &NOISE_B))])
        .save(&b)
        .unwrap();
    let c = compare_files(&a, &b);
    assert_eq!(c.groups[0].rows.len(), 1);
    assert_eq!(c.unmatched.len(), 1);
    assert_eq!(c.unmatched[0].present_in, vec!["B".to_string()]);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn machine_ids_come_from_the_store() {
    let store = tmpdir("store");
    for (id, stamp, value) in [
        ("laptop-1", "2025-01-01T00:00:00Z", 1.0),
        ("laptop-1", "2025-02-01T00:00:00Z", 2.0),
        ("server-2", "2025-01-01T00:00:00Z", 1.0),
    ] {
        let mut run = file(id, vec![case(1, &noisy(value, &NOISE_A))]);
        run.started = stamp.into();
        run.save(&store.join(id).join(format!("{}.json", &stamp[..10])))
            .unwrap();
    }
    // An incomplete newer run is not the newest complete one.
    let mut broken = file("laptop-1", vec![case(1, &noisy(9.0, &NOISE_A))]);
    broken.started = "2025-03-01T00:00:00Z".into();
    broken.complete = false;
    broken
        .save(&store.join("laptop-1").join("2025-03-01.json"))
        .unwrap();
    let s = store.to_str().unwrap();
    refused(
        &["compare", "--store", s, "laptop-1", "desktop-3"],
        "machine ids in",
    );
    refused(
        &["compare", "--store", s, "laptop-1", "desktop-3"],
        "laptop-1, server-2",
    );
    let c = compare::compare(&CompareArgs {
        runs: vec!["server-2".into(), "laptop-1".into()],
        threshold: 5.0,
        format: Format::Table,
        store: store.to_path_buf(),
        html: None,
        fail_on: None,
    })
    .unwrap();
    assert!(c.inputs[1].files[0].ends_with("2025-02-01.json"));
    assert!((c.groups[0].rows[0].versus[0].ratio - 2.0).abs() < 0.01);
    let _ = std::fs::remove_dir_all(store);
}

#[test]
fn cpus_out_of_range_is_refused_with_the_bound() {
    let allowed = concbench::measure::machine::allowed_cpus().len();
    let bound = format!("1..={allowed}");
    let too_many = (allowed + 1).to_string();
    for n in ["0", too_many.as_str()] {
        refused(
            &[
                "run",
                "--cpus",
                n,
                "--workload",
                "sleep",
                "--model",
                "sequential",
            ],
            &bound,
        );
    }
}

/// Run one ad-hoc cpu case on `cpus` CPUs, one measured repetition.
fn cpu_run(cpus: usize, model: &[&str], out: &Path) -> ResultFile {
    let cpus = cpus.to_string();
    let args = [
        &["--cpus", &cpus, "--workload", "cpu", "--model"],
        model,
        &["--tasks", "4", "--cpu-iters", "2000000", "--repeat", "1"],
    ]
    .concat();
    run_ok(&args, out)
}

/// The samples of several one-repetition runs of the same case, as one file.
fn pooled(runs: Vec<ResultFile>) -> ResultFile {
    let mut it = runs.into_iter();
    let mut first = it.next().unwrap();
    for run in it {
        first.cases[0].samples.extend(run.cases[0].samples.clone());
    }
    let c = &mut first.cases[0];
    c.summary = concbench::run::summarise(&c.samples, c.ideal_s, Bottleneck::Cpu);
    first
}

/// Why the box is too busy for the verdicts to mean what the test claims, judged from the sequential
/// case: pinned to one CPU, a case gets that CPU while the scheduler moves other work away, and unpinned
/// it shares both, so a case that got much less than a CPU of its own spoils the comparison; and on a
/// virtual machine whose host is busy, a CPU second of work takes several times longer from one
/// repetition to the next, which no statistic over 8 samples sees through.
fn busy(sides: &[Vec<Vec<ResultFile>>]) -> Option<String> {
    let mut times = Vec::new();
    for (side, runs) in sides.iter().enumerate() {
        let samples: Vec<&Sample> = runs[0].iter().map(|r| &r.cases[0].samples[0]).collect();
        let share = concbench::stats::median(
            &samples
                .iter()
                .map(|s| (s.user_s + s.sys_s) / s.makespan_s)
                .collect::<Vec<_>>(),
        );
        if share < 0.8 {
            return Some(format!(
                "the box is busy (on {} CPU(s) a sequential case got {:.0} % of a CPU)",
                side + 1,
                share * 100.0
            ));
        }
        times.extend(samples.iter().map(|s| s.makespan_s));
    }
    let (min, max) = times.iter().fold((f64::INFINITY, 0.0f64), |(lo, hi), &t| {
        (lo.min(t), hi.max(t))
    });
    (max > 1.5 * min).then(|| {
        format!(
            "the CPU's speed varied {:.1}x between repetitions of the same sequential case (a busy host)",
            max / min
        )
    })
}

#[test]
fn one_cpu_against_two_for_real() {
    if concbench::measure::machine::allowed_cpus().len() < 2 {
        return skip(
            Why::OneCpu,
            "this machine lets the tests use fewer than 2 CPUs, nothing to restrict",
        );
    }
    let _t = timing_lock();
    let dir = tmpdir("cpus");
    let tmp = dir.join("one.json");
    let models: [&[&str]; 2] = [&["sequential"], &["rayon", "--limit", "2"]];
    // Rounds alternate 1 CPU and 2 CPUs, so load from elsewhere on the box drifts into both sides
    // alike instead of into whichever ran second.
    let mut sides: Vec<Vec<Vec<ResultFile>>> = vec![vec![Vec::new(); 2]; 2];
    for _round in 0..8 {
        for (side, cpus) in [1, 2].into_iter().enumerate() {
            for (m, model) in models.iter().enumerate() {
                sides[side][m].push(cpu_run(cpus, model, &tmp));
            }
        }
    }
    let one = &sides[0][0][0].machine;
    assert_eq!(one.allowed_cpus.len(), 1);
    assert!(one.machine_id.ends_with("-cpus1"), "{}", one.machine_id);
    // Whatever the load, one CPU cannot give a case more than one second of CPU per second: proof the
    // restriction reached the case process and its rayon threads (startup time makes up the slack).
    for run in &sides[0][1] {
        let s = &run.cases[0].samples[0];
        let parallelism = (s.user_s + s.sys_s) / s.makespan_s;
        assert!(
            parallelism < 1.25,
            "rayon ran {parallelism:.2} CPUs busy on --cpus 1"
        );
    }
    if let Some(why) = busy(&sides) {
        skip_check(
            "the verdict checks",
            Why::Busy,
            format!("{why}; rerun on an idle machine"),
        );
        let _ = std::fs::remove_dir_all(dir);
        return;
    }
    let mut paths = Vec::new();
    for (side, runs) in sides.into_iter().enumerate() {
        let side_dir = dir.join(format!("side{side}"));
        for (m, per_model) in runs.into_iter().enumerate() {
            pooled(per_model)
                .save(&side_dir.join(format!("{m}.json")))
                .unwrap();
        }
        paths.push(side_dir);
    }
    // A 10 % threshold: a shared host runs a vCPU at two speeds about 10 % apart for seconds at a time
    // (the same sequential case took 40 or 45 ms from one run to the next here), and 8 samples a side
    // can catch more of the slow spells on one side by chance; a model that gains from the second CPU
    // gains far more than 10 %.
    let out = concbench(&[
        "compare",
        paths[0].to_str().unwrap(),
        paths[1].to_str().unwrap(),
        "--format",
        "json",
        "--threshold",
        "10",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let c: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = c["groups"][0]["rows"].as_array().unwrap();
    // When compare itself finds a side unstable, `noisy` is the verdict it owes; the others would
    // mean nothing.
    let noisy: Vec<&serde_json::Value> = rows
        .iter()
        .filter(|r| r["versus"][0]["verdict"] == "noisy")
        .collect();
    if !noisy.is_empty() {
        for r in &noisy {
            let sides = r["sides"].as_array().unwrap();
            assert!(
                sides
                    .iter()
                    .any(|s| !s["unstable"].as_array().unwrap().is_empty()),
                "noisy without an unstable side: {r}"
            );
        }
        skip_check(
            "the verdict checks",
            Why::Busy,
            format!(
                "compare found unstable cases ({}); rerun on an idle machine",
                c["notes"]
            ),
        );
        let _ = std::fs::remove_dir_all(dir);
        return;
    }
    let row = |model: &str| {
        rows.iter()
            .find(|r| r["params"]["model"] == model)
            .unwrap_or_else(|| panic!("no {model} row in {c}"))
    };
    let (seq, rayon) = (&row("sequential")["versus"][0], &row("rayon")["versus"][0]);
    assert_eq!(rayon["verdict"], "faster", "rayon k=2 on 2 CPUs: {rayon}");
    // Two lanes cannot beat half the time of one; generous for load elsewhere on the box.
    assert!(rayon["ratio"].as_f64().unwrap() > 0.3, "{rayon}");
    assert_eq!(
        seq["verdict"], "~",
        "sequential uses one CPU either way: {seq}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

fn parse_html(html: &str) -> roxmltree::Document<'_> {
    roxmltree::Document::parse_with_options(
        html,
        roxmltree::ParsingOptions {
            allow_dtd: true,
            ..Default::default()
        },
    )
    .expect("the page is well-formed")
}

/// Every piece of text the page shows, its SVG text included.
fn page_texts(doc: &roxmltree::Document) -> String {
    doc.descendants()
        .filter_map(|n| n.text())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn html_page_shows_both_charts_and_the_verdicts_escaped() {
    let dir = tmpdir("html");
    let hostile = "cpu/<script>alert(1)</script>";
    let with_hostile = |mut c: CaseResult| {
        c.id = hostile.into();
        c
    };
    let base = file(
        "base",
        vec![
            case(1, &noisy(1.0, &NOISE_A)),
            case(2, &noisy(1.0, &NOISE_A)),
            with_hostile(case(4, &noisy(1.0, &NOISE_A))),
        ],
    );
    let other = file(
        "other",
        vec![
            case(1, &noisy(1.0, &NOISE_B)),
            case(2, &noisy(0.6, &NOISE_B)),
            with_hostile(case(4, &noisy(1.3, &NOISE_B))),
        ],
    );
    let (a, b) = (dir.join("a.json"), dir.join("b.json"));
    base.save(&a).unwrap();
    other.save(&b).unwrap();
    let page_dir = dir.join("page");
    let out = concbench(&[
        "compare",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "--html",
        page_dir.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let index = page_dir.join("index.html");
    assert!(stderr.contains(index.to_str().unwrap()), "{stderr}");
    let html = std::fs::read_to_string(&index).unwrap();
    let doc = parse_html(&html);
    assert!(
        !doc.descendants().any(|n| n.has_tag_name("script")),
        "a case id must not become a script"
    );
    assert!(!html.contains("<script"), "unescaped case id");
    let remote = doc.descendants().any(|n| {
        n.attributes()
            .any(|a| ["src", "href"].contains(&a.name()) && a.value().contains("//"))
    });
    assert!(!remote, "nothing is fetched from the network");
    let texts = page_texts(&doc);
    // The grouped bars name each run, the ratio chart its verdict classes; the table holds the verdicts.
    for series in [
        "A: base, baseline",
        "B: other",
        "faster, beyond the threshold",
        "slower, beyond the threshold",
        "~ no change found",
    ] {
        assert!(texts.contains(series), "missing {series:?}");
    }
    let svgs = doc.descendants().filter(|n| n.has_tag_name("svg")).count();
    assert_eq!(
        svgs, 3,
        "the summary, then the one group's ratio chart and bar chart"
    );
    let verdicts: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("td"))
        .filter_map(|n| n.text())
        .filter(|t| ["faster", "slower", "~"].contains(t))
        .collect();
    // The summary's group, then the group's three cases and its geomean: 0.6 and 1.3 cancel.
    assert_eq!(verdicts, ["~", "~", "faster", "slower", "~"], "{texts}");
    // Under its group's heading, the id without the group: the script part shows as text.
    assert!(
        texts.contains("<script>alert(1)</script>"),
        "the hostile id shows as text"
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// A store with these machine ids, one run each, and the report of the first written to `out`.
fn report_with_store(dir: &Path, ids: &[&str]) -> PathBuf {
    let store = dir.join("store");
    for (i, id) in ids.iter().enumerate() {
        let centre = 1.0 + i as f64 * 0.5;
        file(id, vec![case(1, &noisy(centre, &NOISE_A))])
            .save(&store.join(id).join("run.json"))
            .unwrap();
    }
    let out = dir.join("report");
    let run = concbench(&[
        "report",
        store.join(ids[0]).to_str().unwrap(),
        "--store",
        store.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    out
}

#[test]
fn machines_page_only_with_several_machines() {
    let dir = tmpdir("machines-two");
    let out = report_with_store(&dir, &["laptop", "server"]);
    let page = std::fs::read_to_string(out.join("machines.html")).expect("a machines page");
    let doc = parse_html(&page);
    let header: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("th"))
        .filter_map(|n| n.text())
        .collect();
    assert!(
        header.contains(&"laptop") && header.contains(&"server"),
        "{header:?}"
    );
    let cells: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("td"))
        .filter_map(|n| n.text())
        .collect();
    // ideal 0.5 s over medians of about 1.0 s and 1.5 s: one column per machine.
    let row = cells
        .windows(3)
        .find(|w| w[0].ends_with("n8-k1-i1000"))
        .unwrap_or_else(|| panic!("no case row in {cells:?}"));
    assert!(row[1].starts_with("50 % · 1.00"), "{row:?}");
    assert!(row[2].starts_with("33 % · 1.50"), "{row:?}");
    let index = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(index.contains("href=\"machines.html\""));
    let _ = std::fs::remove_dir_all(&dir);

    let dir = tmpdir("machines-one");
    let out = report_with_store(&dir, &["laptop"]);
    assert!(!out.join("machines.html").exists());
    let index = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(!index.contains("machines.html"));
    let _ = std::fs::remove_dir_all(dir);
}

/// A result file cut short, as a copy interrupted half-way leaves it.
fn truncated(from: &Path, to: &Path) {
    let text = std::fs::read(from).unwrap();
    std::fs::write(to, &text[..text.len() / 2]).unwrap();
}

#[test]
fn a_truncated_file_in_a_directory_is_skipped_and_listed() {
    let dir = tmpdir("truncated");
    let good = dir.join("good.json");
    file("good", vec![case(1, &noisy(1.0, &NOISE_A))])
        .save(&good)
        .unwrap();
    // A machine's directory in a store, as `make compare A=<id>` names it: a run and a cut copy.
    let store = dir.join("store");
    let machine = store.join("other");
    let run = machine.join("2025-01-01.json");
    file("other", vec![case(1, &noisy(1.0, &NOISE_B))])
        .save(&run)
        .unwrap();
    let cut = machine.join("2025-02-01.json");
    truncated(&run, &cut);
    let as_dir = [good.to_str().unwrap(), machine.to_str().unwrap()];
    let as_id = [
        "--store",
        store.to_str().unwrap(),
        good.to_str().unwrap(),
        "other",
    ];
    for args in [&as_dir[..], &as_id[..]] {
        let out = concbench(&[&["compare"], args].concat());
        let err = stderr(&out);
        assert!(out.status.success(), "{args:?}: {err}");
        assert!(
            err.contains("skipped") && err.contains("2025-02-01.json"),
            "{args:?} lists the file it skipped: {err}"
        );
        let table = String::from_utf8_lossy(&out.stdout);
        assert!(
            table.contains("n8-k1-i1000"),
            "the good run compares: {table}"
        );
    }
    // The JSON says so too.
    let c = compare::compare(&CompareArgs {
        runs: as_dir.iter().map(|s| s.to_string()).collect(),
        threshold: 5.0,
        format: Format::Json,
        store: store.clone(),
        html: None,
        fail_on: None,
    })
    .unwrap();
    assert!(
        c.warnings.iter().any(|w| w.contains("2025-02-01.json")),
        "{:?}",
        c.warnings
    );
    // Nothing readable left: refused with one line naming the file.
    std::fs::remove_file(&run).unwrap();
    refused(&[&["compare"], &as_dir[..]].concat(), "2025-02-01.json");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_failed_page_write_leaves_the_old_page_and_no_partial_file() {
    let dir = tmpdir("full");
    let (a, b) = (dir.join("a.json"), dir.join("b.json"));
    file("a", vec![case(1, &noisy(1.0, &NOISE_A))])
        .save(&a)
        .unwrap();
    file("b", vec![case(1, &noisy(1.3, &NOISE_B))])
        .save(&b)
        .unwrap();
    let page_dir = dir.join("page");
    std::fs::create_dir_all(&page_dir).unwrap();
    let index = page_dir.join("index.html");
    std::fs::write(&index, "the page of an earlier comparison").unwrap();
    // A full disk, for this process only: files may not grow past 2 blocks (`ulimit -f`: 1 or 2 KiB
    // by the shell), far less than a page, and the write past it fails with EFBIG instead of killing
    // the process (SIGXFSZ ignored, which exec keeps). stdout is a pipe, which the limit leaves alone.
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg("trap '' XFSZ; ulimit -f 2 && exec \"$0\" \"$@\"")
        .arg(EXE)
        .args(["compare", a.to_str().unwrap(), b.to_str().unwrap()])
        .arg("--html")
        .arg(&page_dir)
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "the write must fail: {err}");
    assert!(err.contains("index.html"), "says which file: {err}");
    assert_eq!(
        std::fs::read_to_string(&index).unwrap(),
        "the page of an earlier comparison",
        "a failed write must leave the old page whole"
    );
    let left: Vec<_> = std::fs::read_dir(&page_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left, ["index.html"], "no partial file left beside it");
    // With no earlier page, no page at all rather than an empty or partial one.
    std::fs::remove_file(&index).unwrap();
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg("trap '' XFSZ; ulimit -f 2 && exec \"$0\" \"$@\"")
        .arg(EXE)
        .args(["compare", a.to_str().unwrap(), b.to_str().unwrap()])
        .arg("--html")
        .arg(&page_dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(std::fs::read_dir(&page_dir).unwrap().count(), 0);
    let _ = std::fs::remove_dir_all(dir);
}

/// A comparison of two runs held in memory, judged by the gate: what `compare A B --fail-on slower`
/// decides, without files.
fn gated(base: Vec<CaseResult>, other: Vec<CaseResult>) -> Comparison {
    let input = |label: &str, run: ResultFile| compare::input::Input {
        label: label.into(),
        source: label.into(),
        files: Vec::new(),
        cases: run.cases.clone(),
        run,
        skipped: Vec::new(),
    };
    let inputs = [
        input("A", file("base", base)),
        input("B", file("other", other)),
    ];
    let matched = compare::matching::match_cases(&inputs).unwrap();
    let mut c = compare::comparison::analyse(&inputs, &matched, 5.0);
    c.gate = Some(compare::gate::judge(&c, FailOn::Slower));
    c
}

fn failing(c: &Comparison) -> Vec<String> {
    c.gate
        .as_ref()
        .unwrap()
        .failing
        .iter()
        .map(|f| f.describe())
        .collect()
}

#[test]
fn a_slower_case_fails_the_gate_and_the_json_says_which() {
    let dir = tmpdir("gate");
    // Four cases, 6 vs 6: k4 is 30 % slower, k2 40 % faster, the others unchanged.
    let base: Vec<CaseResult> = [1, 2, 4, 8]
        .map(|k| case(k, &noisy(1.0, &NOISE_A[..6])))
        .into();
    let shift = |k| match k {
        4 => 1.3,
        2 => 0.6,
        _ => 1.0,
    };
    let other: Vec<CaseResult> = [1, 2, 4, 8]
        .map(|k| case(k, &noisy(shift(k), &NOISE_B[..6])))
        .into();
    let (a, b) = (dir.join("a.json"), dir.join("b.json"));
    file("base", base).save(&a).unwrap();
    file("other", other).save(&b).unwrap();
    let (a, b) = (a.to_str().unwrap(), b.to_str().unwrap());
    let out = concbench(&["compare", a, b, "--fail-on", "slower", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("cpu/cpu/thread-pool/n8-k4-i1000 (B 1.30×, rank)"),
        "stderr names it: {}",
        stderr(&out)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let gate = &json["gate"];
    assert_eq!(gate["fail_on"], "slower");
    assert_eq!(gate["failed"], true);
    let failing = gate["failing"].as_array().unwrap();
    assert_eq!(failing.len(), 1, "the faster case does not fail it: {gate}");
    assert_eq!(failing[0]["case"], "cpu/cpu/thread-pool/n8-k4-i1000");
    assert_eq!(
        (&failing[0]["input"], &failing[0]["rule"]),
        (&"B".into(), &"rank".into())
    );
    // The group as a whole: 1.3 and 0.6 cancel to a geomean below 1, not a slower group.
    assert_ne!(
        json["groups"][0]["geomean"]["versus"][0]["verdict"],
        "slower"
    );
    // Markdown, as a CI job posts it: the gate's outcome first.
    let out = concbench(&[
        "compare",
        a,
        b,
        "--fail-on",
        "slower",
        "--format",
        "markdown",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let md = String::from_utf8_lossy(&out.stdout);
    let first = md.lines().find(|l| l.starts_with("###")).unwrap();
    assert!(first.starts_with("### gate: FAILED"), "{md}");
    assert!(
        md.contains("- cpu/cpu/thread-pool/n8-k4-i1000 (B 1.30×, rank)"),
        "{md}"
    );
    // Without --fail-on: the same comparison, exit 0, no gate in the JSON.
    let out = concbench(&["compare", a, b, "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(json.get("gate").is_none(), "{json}");
    // The baseline against itself passes.
    let out = concbench(&["compare", a, a, "--fail-on", "slower"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.starts_with("gate: passed"), "{table}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_group_slower_as_a_whole_fails_the_gate_by_its_geomean() {
    // Six cases of one sample a side, each 10 % slower: no case can be tested (n/a), but six cases
    // all moving the same way can (a sign test's 2 / 2⁶ = 0.031).
    let base: Vec<CaseResult> = (1..=6).map(|k| case(k, &[1.0 + k as f64 / 10.0])).collect();
    let slower: Vec<CaseResult> = (1..=6)
        .map(|k| case(k, &[1.1 * (1.0 + k as f64 / 10.0)]))
        .collect();
    let c = gated(base.clone(), slower.clone());
    let g = &c.groups[0];
    assert!(g
        .rows
        .iter()
        .all(|r| r.versus[0].verdict == Verdict::NotTested));
    let v = &g.geomean.versus[0];
    assert_eq!((v.rule, v.verdict), (Rule::Rank, Verdict::Slower), "{v:?}");
    assert!((v.p.unwrap() - 2.0 / 64.0).abs() < 0.005, "{v:?}");
    assert_eq!(failing(&c), ["cpu geomean (B 1.10×, rank)"]);
    // Five such cases cannot reach 0.05 (2 / 2⁵ = 0.0625): n/a, which never fails the gate.
    let c = gated(base[..5].to_vec(), slower[..5].to_vec());
    assert_eq!(c.groups[0].geomean.versus[0].verdict, Verdict::NotTested);
    assert!(failing(&c).is_empty());
    // Half of them 10 % faster instead: the group did not move as a whole.
    let mixed: Vec<CaseResult> = (1..=6)
        .map(|k| {
            let f = if k % 2 == 0 { 1.1 } else { 1.0 / 1.1 };
            case(k, &[f * (1.0 + k as f64 / 10.0)])
        })
        .collect();
    let c = gated(base.clone(), mixed);
    assert_eq!(c.groups[0].geomean.versus[0].verdict, Verdict::Same);
    assert!(failing(&c).is_empty());
    // One side of one case busy: the group's verdict yields to it.
    let mut busy = slower.clone();
    busy[0].summary.unstable = vec![Instability {
        kind: InstabilityKind::Busy,
        why: "machine busy: other processes took 15 % of its CPU time".into(),
    }];
    let c = gated(base, busy);
    assert_eq!(c.groups[0].geomean.versus[0].verdict, Verdict::Noisy);
    assert!(failing(&c).is_empty());
}

/// `n` makespans around `centre` from `rng`, uniform within ±`half` of it.
fn uniform(rng: &mut concbench::rng::Rng, centre: f64, half: f64, n: usize) -> Vec<f64> {
    (0..n)
        .map(|_| centre * (1.0 + half * (2.0 * rng.unit() - 1.0)))
        .collect()
}

#[test]
fn noise_alone_never_fails_the_gate() {
    // The quick suite's kinds of noise, with no change: near-deterministic io (±0.5 %), cpu cases
    // whose samples disagree (marked unstable) with medians 12 % apart by chance, and a case 30 %
    // slower on a side measured while the machine was busy.
    let io = |k, makespans: &[f64]| grouped(Group::Seed, case(k, makespans));
    let wide_a = [1.0, 1.3, 0.8, 1.1, 1.0, 1.25];
    let wide_b = [1.2, 0.85, 1.3, 1.15, 0.95, 1.25];
    let mut busy = case(3, &noisy(1.3, &NOISE_B[..6]));
    busy.summary.unstable = vec![Instability {
        kind: InstabilityKind::Busy,
        why: "machine busy: other processes took 40 % of its CPU time".into(),
    }];
    let base = vec![
        io(1, &noisy(0.15, &IO3)),
        io(2, &noisy(0.05, &NOISE_A[..6])),
        case(1, &wide_a),
        case(2, &wide_a),
        case(3, &noisy(1.0, &NOISE_A[..6])),
    ];
    let other = vec![
        io(1, &noisy(0.15, &[0.0005, -0.0015, 0.0025])),
        io(2, &noisy(0.05, &NOISE_B[..6])),
        case(1, &wide_b),
        case(2, &wide_b),
        busy,
    ];
    let c = gated(base, other);
    let verdicts: Vec<Verdict> = c
        .groups
        .iter()
        .flat_map(|g| g.rows.iter().map(|r| r.versus[0].verdict))
        .collect();
    assert_eq!(
        verdicts,
        [
            Verdict::Same,
            Verdict::Same,
            Verdict::Noisy,
            Verdict::Noisy,
            Verdict::Noisy
        ]
    );
    assert!(c.groups[1].rows[0].versus[0].ratio > 1.1, "a chance 12 %");
    assert!(failing(&c).is_empty(), "{:?}", failing(&c));
    assert!(!c.gate.as_ref().unwrap().failed);
}

#[test]
fn stable_noise_as_wide_as_the_threshold_rarely_fails_the_gate() {
    // Stable noise as wide as the threshold, drawn again and again: two groups of four cases,
    // 6 vs 6 samples uniform within ±8 % (a standard deviation of 4.6 %, under the 10 % that marks a
    // case unstable), so a ratio of medians beyond 5 % is common. The gate fails only where a rank
    // test is significant after Holm over its family, at most 5 % of the time per group under no
    // change, and then only when the change also passes the threshold: rarely.
    let mut rng = concbench::rng::Rng::new(2024);
    let trials = 300;
    let mut failed = 0;
    let mut beyond_threshold = 0;
    for _ in 0..trials {
        let mut draw = |k: usize, g: Group| {
            let c = |rng: &mut concbench::rng::Rng| {
                grouped(g, case(k, &uniform(rng, k as f64, 0.08, 6)))
            };
            (c(&mut rng), c(&mut rng))
        };
        let (base, other): (Vec<_>, Vec<_>) = [Group::Seed, Group::Cpu]
            .into_iter()
            .flat_map(|g| (1..=4).map(move |k| (k, g)))
            .map(|(k, g)| draw(k, g))
            .unzip();
        let c = gated(base, other);
        assert!(
            c.groups
                .iter()
                .flat_map(|g| &g.rows)
                .all(|r| r.sides.iter().all(|s| s.unstable.is_empty())),
            "the noise is meant to be stable"
        );
        beyond_threshold += c
            .groups
            .iter()
            .flat_map(|g| &g.rows)
            .filter(|r| r.versus[0].ratio > 1.05)
            .count();
        failed += usize::from(c.gate.unwrap().failed);
    }
    // The noise does reach past the threshold, in more than one comparison in two: a gate that
    // ignored significance would fail that often.
    assert!(
        beyond_threshold > trials / 2,
        "{beyond_threshold} ratios beyond 5 %"
    );
    let rate = failed as f64 / trials as f64;
    assert!(
        rate <= 0.05,
        "the gate failed {failed} of {trials} comparisons of noise"
    );
}

#[test]
fn the_quick_suite_can_reach_a_verdict_in_every_group() {
    // A verdict must be reachable (DESIGN, decision 10): two quick runs give every case of a group
    // to the rank test, and every group's geomean to its stratified one.
    let cases = concbench::plan::Suite::Quick.cases();
    let mut groups: Vec<Group> = cases.iter().map(|c| c.group).collect();
    groups.dedup();
    assert!(groups.len() >= 7, "{groups:?}");
    for g in groups {
        let sizes: Vec<(usize, usize)> = cases
            .iter()
            .filter(|c| c.group == g)
            .map(|c| (c.repeat, c.repeat))
            .collect();
        let family = compare::comparison::rank_family(&sizes);
        assert!(family.iter().all(|&f| f), "{g}: {sizes:?}");
        let samples: Vec<Vec<f64>> = sizes.iter().map(|&(n, _)| vec![1.0; n]).collect();
        let strata: Vec<(&[f64], &[f64])> = samples
            .iter()
            .map(|s| (s.as_slice(), s.as_slice()))
            .collect();
        assert!(
            compare::geomean::smallest_p(&strata) < compare::comparison::ALPHA,
            "{g}"
        );
    }
}

/// The shipped reference run, and the same run as another machine would have made it: a long machine
/// id, CPU name and kernel, its file deep in a long path, its cpu cases at 0.4 to 1 of the
/// reference's makespans and every other group up to 35 % slower (each sample a little apart, so the
/// rules have something to decide).
fn reference_and_another(dir: &Path) -> (PathBuf, PathBuf) {
    let reference = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("reports/results/vm-35e81f9f/2026-12-05T10-47-33.189Z-4892.json");
    let mut other = ResultFile::load(&reference).unwrap();
    other.machine.machine_id = "ci-runner-with-a-rather-long-host-name-0123456789abcdef".into();
    other.machine.cpu_model =
        "Intel(R) Xeon(R) Platinum 8370C CPU @ 2.80GHz (with a long name)".into();
    other.machine.kernel = "Linux 6.8.0-1021-azure-and-a-long-local-version-suffix x86_64".into();
    let mut rng = concbench::rng::Rng::new(5);
    for c in &mut other.cases {
        let factor = match c.group {
            Group::Cpu if c.params.limit.unwrap_or(1) > 1 => 0.4,
            Group::Cpu => 1.0,
            Group::Seed => 1.0,
            Group::Memory => 1.35,
            Group::Db => 0.8,
            _ => 1.1,
        };
        for s in &mut c.samples {
            s.makespan_s *= factor * (1.0 + 0.01 * (rng.unit() - 0.5));
        }
    }
    let path = dir
        .join("a-long-directory-name-for-a-fresh-run/reports/results")
        .join(&other.machine.machine_id)
        .join("2026-12-04T23-59-59.123Z-123456.json");
    other.save(&path).unwrap();
    (reference, path)
}

/// Every text of every chart of a page inside its SVG, and no two of one chart overlapping.
fn labels_fit(doc: &roxmltree::Document) -> usize {
    let mut charts = 0;
    for svg in doc.descendants().filter(|n| n.has_tag_name("svg")) {
        charts += 1;
        let faults = label_faults(svg);
        assert!(faults.is_empty(), "{}", faults.join("\n"));
    }
    charts
}

#[test]
fn the_page_of_the_reference_run_against_another_reads_whole() {
    let dir = tmpdir("page-layout");
    let (a, b) = reference_and_another(&dir);
    let page_dir = dir.join("page");
    let out = concbench(&[
        "compare",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "--html",
        page_dir.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let html = std::fs::read_to_string(page_dir.join("index.html")).unwrap();
    let doc = parse_html(&html);

    // The machines table fits the page (1100 px of text at 0.82 em of 16 px, 0.6 em a character,
    // half an em of padding either side): each column as wide as its longest unbreakable piece —
    // a whole cell where cells do not wrap (the style sheet's `nowrap`), else its words and the
    // pieces `<wbr/>` separates.
    let table = doc
        .descendants()
        .find(|n| n.has_tag_name("table"))
        .expect("the machines table comes first");
    let char_px = 0.82 * 16.0 * 0.6;
    let mut widths: Vec<f64> = Vec::new();
    for row in table.descendants().filter(|n| n.has_tag_name("tr")) {
        let cells = row
            .children()
            .filter(|n| n.has_tag_name("td") || n.has_tag_name("th"));
        for (i, cell) in cells.enumerate() {
            let wraps = i == 0
                || cell
                    .attribute("style")
                    .is_some_and(|s| s.contains("white-space: normal"));
            let pieces: Vec<String> = if wraps {
                cell.children()
                    .filter_map(|n| n.text())
                    .flat_map(|t| t.split_whitespace().map(String::from).collect::<Vec<_>>())
                    .collect()
            } else {
                vec![cell.descendants().filter_map(|n| n.text()).collect()]
            };
            let longest = pieces.iter().map(|p| p.chars().count()).max().unwrap_or(0);
            let px = longest as f64 * char_px + 0.82 * 16.0;
            if widths.len() <= i {
                widths.push(0.0);
            }
            widths[i] = widths[i].max(px);
        }
    }
    // The first column's `min-width: 12em`.
    widths[0] = widths[0].max(12.0 * 0.82 * 16.0);
    let total: f64 = widths.iter().sum();
    assert!(
        total <= 1100.0,
        "the machines table needs {total:.0} px: {widths:?}"
    );
    let whole: String = table.descendants().filter_map(|n| n.text()).collect();
    assert!(
        whole.contains("2026-12-04T23-59-59.123Z-123456.json"),
        "B's file is shown whole: {whole}"
    );
    let texts = page_texts(&doc);

    // A summary of every group first: one row per group in the summary chart and table.
    let sections: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("section"))
        .filter_map(|n| n.attribute("id"))
        .collect();
    assert_eq!(sections[0], "summary", "{sections:?}");
    let c = compare::compare(&CompareArgs {
        runs: vec![a.display().to_string(), b.display().to_string()],
        threshold: 5.0,
        format: Format::Json,
        store: "reports/results".into(),
        html: None,
        fail_on: None,
    })
    .unwrap();
    assert_eq!(sections.len(), 1 + c.groups.len());
    let cases: usize = c.groups.iter().map(|g| g.rows.len()).sum();
    assert!(cases >= 150, "{cases} cases");
    let summary = doc
        .descendants()
        .find(|n| n.attribute("id") == Some("summary"))
        .unwrap();
    let summary_rows = summary
        .descendants()
        .filter(|n| n.has_tag_name("tr"))
        .count();
    assert_eq!(
        summary_rows,
        1 + c.groups.len(),
        "a header and a row per group"
    );
    for g in &c.groups {
        assert!(
            texts.contains(&format!("{} ({})", g.name, g.rows.len())),
            "the summary names {}",
            g.name
        );
    }
    // Then per group its cases' ratios on an axis of its own, centred on 1, and its medians: two
    // charts a group, and every label of every chart inside it and clear of the others.
    let charts = labels_fit(&doc);
    assert_eq!(charts, 1 + 2 * c.groups.len());
    for g in &c.groups {
        let x = compare::charts::ratios::group(&c, g).x_range();
        assert!((x.start * x.end - 1.0).abs() < 1e-9, "{}: {x:?}", g.name);
    }
    let cpu = c.groups.iter().find(|g| g.name == "cpu").unwrap();
    let seed = c.groups.iter().find(|g| g.name == "seed").unwrap();
    let (cpu_x, seed_x) = (
        compare::charts::ratios::group(&c, cpu).x_range(),
        compare::charts::ratios::group(&c, seed).x_range(),
    );
    // The cpu group's 0.4 stretches its own axis, not the seed's.
    assert!(
        cpu_x.start < 0.4 && seed_x.end < 1.5,
        "{cpu_x:?} {seed_x:?}"
    );
    let _ = std::fs::remove_dir_all(dir);
}
