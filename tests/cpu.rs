//! The cpu section: its chart and its table read one baseline, N × t₁, so a point on the ideal line is
//! a case at 100 % in the table; the chart's notes give t₁ and s.

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
