//! The `cargo bench` section: criterion's saved baselines (`concbench report --criterion DIR`). They
//! hold only makespans, so the section's table replaces the generic one and shows what criterion
//! measured and nothing it did not (no CPU, memory or latency figures).

use crate::names::Group;
use crate::render::fmt::{pct, secs};
use crate::render::table::Table;
use crate::report::interval::{self, Interval};
use crate::report::sections::Section;
use crate::results::CaseResult;

pub struct Bench;

impl Section for Bench {
    fn groups(&self) -> &'static [Group] {
        &[Group::Bench]
    }

    fn table(&self, cases: &[&CaseResult]) -> Option<Table> {
        Some(bench_table(cases))
    }
}

/// The table of criterion's benchmarks: their medians, intervals, ideals and efficiencies.
fn bench_table(cases: &[&CaseResult]) -> Table {
    let level = interval::level_label(
        cases
            .iter()
            .filter_map(|c| Interval::of(c).map(|i| i.level)),
    );
    let header = [
        "benchmark".to_string(),
        "n".into(),
        match level {
            Some(l) => format!("median [{l}]"),
            None => "median [CI]".into(),
        },
        "ideal".into(),
        "efficiency".into(),
    ];
    let rows = cases
        .iter()
        .map(|c| {
            let m = &c.summary.makespan;
            vec![
                c.id.clone(),
                c.samples.len().to_string(),
                match Interval::of(c) {
                    Some(i) => format!("{} [{}, {}]", secs(m.median), secs(i.low), secs(i.high)),
                    None => secs(m.median),
                },
                c.ideal_s.map_or("–".into(), secs),
                c.summary.efficiency.map_or("–".into(), pct),
            ]
        })
        .collect();
    Table {
        group: Group::Bench.to_string(),
        header: header.to_vec(),
        rows,
        note: "From criterion's saved baseline: n samples, each the mean makespan of its iterations; \
               the bracket is the order-statistic confidence interval of the median, at the coverage \
               its header gives. cpu benchmarks have no calibrated t₁, so no ideal."
            .into(),
    }
}
