//! `concbench compare --fail-on slower`, the CI gate: a slower case or a group slower as a whole
//! fails it and the JSON says which; noise alone never does; the quick suite can reach a verdict in
//! every group.

mod common;

use common::*;
use concbench::compare::gate::FailOn;
use concbench::compare::{self, Comparison, Rule, Verdict};
use concbench::names::Group;
use concbench::results::{CaseResult, Instability, InstabilityKind, ResultFile};

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
