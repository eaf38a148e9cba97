//! The cpu section: its chart and its table read one baseline, N × t₁, so a point on the ideal line is
//! a case at 100 % in the table — also when each repetition was calibrated beside it; the chart's notes
//! give t₁ and s; and a case whose ideal came out above what it took says its ideal is unreliable in
//! the table, its notes, the chart and results.csv, never an efficiency above 1.

mod common;

use common::*;
use concbench::names::Group;
use concbench::report::sections;

#[test]
fn the_cpu_chart_and_the_cpu_table_share_one_baseline() {
    let data = data_of(v2_fixture());
    let chart = sections::cpu::chart::cpu_chart(&data).expect("a cpu chart");
    assert_eq!(chart.baseline, "N × t₁");
    for (p, c) in chart.points.iter().zip(data.group(Group::Cpu)) {
        let efficiency = c.summary.efficiency.expect("an efficiency");
        // A point on the ideal line is a case at 100 % in the table: speedup ÷ ideal = efficiency.
        assert!(
            (p.speedup / p.ideal - efficiency).abs() < 1e-9,
            "{}: {} / {} against {efficiency}",
            c.id,
            p.speedup,
            p.ideal
        );
        assert!(c.scaling.is_some() && c.t1_s.is_some());
    }
    let notes = sections::cpu::chart::chart(&data).unwrap().notes();
    assert!(
        notes[0].starts_with("t₁ = ") && notes[0].contains("s = 0."),
        "{notes:?}"
    );
}

/// The v2 fixture with every cpu repetition calibrated beside it: each sample's ideal `at` × its own
/// makespan, so every case's efficiency is `at` (as a run writes it, summarised again).
fn paired(at: impl Fn(&str) -> f64) -> concbench::results::ResultFile {
    let mut file = v2_fixture();
    for c in file.cases.iter_mut().filter(|c| c.group == Group::Cpu) {
        let e = at(&c.id);
        for s in &mut c.samples {
            s.ideal_s = Some(e * s.makespan_s);
            s.t1_s = c.t1_s;
            s.scaling = c.scaling;
        }
        resummarise(c);
    }
    file
}

#[test]
fn calibrated_repetitions_keep_the_chart_and_the_table_on_one_baseline() {
    let data = data_of(paired(|_| 0.9));
    let chart = sections::cpu::chart::cpu_chart(&data).expect("a cpu chart");
    for (p, c) in chart.points.iter().zip(data.group(Group::Cpu)) {
        let efficiency = c.summary.efficiency.expect("an efficiency");
        assert!((efficiency - 0.9).abs() < 1e-9, "{}: {efficiency}", c.id);
        assert!((p.speedup / p.ideal - efficiency).abs() < 1e-9, "{}", c.id);
    }
}

#[test]
fn an_ideal_above_what_was_measured_is_said_unreliable_never_shown_above_one() {
    let shaky = "cpu/cpu/rayon/";
    let data = data_of(paired(|id| if id.starts_with(shaky) { 1.19 } else { 0.95 }));
    let case = data
        .group(Group::Cpu)
        .into_iter()
        .find(|c| c.id.starts_with(shaky))
        .unwrap();
    assert_eq!(case.summary.efficiency, None);
    assert!(case
        .summary
        .ideal_unreliable
        .is_some_and(|e| (e - 1.19).abs() < 1e-9));
    // The table: the words instead of a number, the two figures under it.
    let tables = concbench::report::table::tables(&data);
    let cpu = group_tables(&tables, "cpu");
    assert_eq!(
        cell(&cpu.table, shaky, "efficiency"),
        "ideal unreliable on this machine"
    );
    let note = cpu
        .footnotes
        .iter()
        .find(|f| f.starts_with(&case.id))
        .expect("a footnote on the case");
    assert!(
        note.contains("19 % above") && note.contains("ideal unreliable"),
        "{note}"
    );
    // The chart: no point above the ideal line, a caption note instead.
    let chart = sections::cpu::chart::cpu_chart(&data).unwrap();
    assert!(chart.points.iter().all(|p| !p.label.starts_with("rayon")));
    assert!(chart.points.iter().all(|p| p.speedup <= p.ideal * 1.01));
    assert!(chart
        .constants
        .iter()
        .any(|n| n.contains("not drawn") && n.contains("ideal unreliable")));
    // results.csv: no efficiency, the withheld figure in its own column.
    let dir = tmpdir("unreliable");
    concbench::report::write(&data, &dir).unwrap();
    let csv = read(&dir.join("results.csv"));
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let row: Vec<&str> = csv
        .lines()
        .find(|l| l.starts_with(shaky))
        .unwrap()
        .split(',')
        .collect();
    let at = |name: &str| row[header.iter().position(|h| *h == name).unwrap()];
    assert_eq!(at("efficiency"), "");
    assert!(
        at("ideal_unreliable").starts_with("1.19"),
        "{}",
        at("ideal_unreliable")
    );
}
