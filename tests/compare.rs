//! `concbench compare` and `run --cpus`: verdicts on synthetic result files with known shifts and
//! noise — the rank test with Holm within each group, the range rule for few samples, `n/a` for too
//! few, `noisy` for unstable cases, a group's own verdict — the refusals (different servers, unknown
//! machine ids), and a real comparison of one box restricted to 1 CPU against the same box on 2. The
//! gate is tests/compare_gate.rs, the page tests/compare_page.rs.

mod common;

use common::*;
use concbench::cli::CompareArgs;
use concbench::compare::{self, Comparison, Format, Rule, Verdict};
use concbench::names::{Bottleneck, Group};
use concbench::results::{CaseResult, Instability, InstabilityKind, ResultFile, Sample};
use concbench::workload::{IoParams, Params};
use std::path::Path;
use std::time::Duration;

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
