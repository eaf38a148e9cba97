//! The seed section's sentence: a case at half its ideal speed is said to run at 50 % efficiency,
//! with its time and its ideal; where the cases' first results differ, it says whose came soonest
//! and latest, and whose came at half their makespan or sooner (the table shows each case's).

mod common;

use common::*;
use concbench::names::{Group, ModelKind};
use concbench::render::fmt;
use concbench::report::{data, sections, table};

#[test]
fn a_model_at_half_its_ideal_speed_is_reported_at_50_percent() {
    let mut file = fixture();
    let case = file
        .cases
        .iter_mut()
        .find(|c| c.id == "seed/io/threads/n3-w3-1s")
        .unwrap();
    for s in &mut case.samples {
        s.makespan_s = case.ideal_s.unwrap() * 2.0;
    }
    case.summary = concbench::run::summarise(&case.samples, case.ideal_s, case.summary.bottleneck);
    let data = data_of(file);
    let seed = sections::charts(&data)
        .into_iter()
        .find(|c| c.info().stem == "seed")
        .unwrap();
    let takeaway = seed.info().takeaway;
    assert!(
        takeaway.contains("threads N=3 ran at 50 % efficiency (2.000 s against an ideal 1.000 s)"),
        "{takeaway}"
    );
}

/// The seed fixture with each sample's first result set: the earliest end in its timeline, which is
/// what a run records (the fixture predates the field). There every first result comes after one
/// delay, within 1 % of each other; the process pool's is made 0.25 s later, as a pool whose
/// workers start on first use would answer, so that they differ.
fn with_first_results() -> concbench::results::ResultFile {
    let mut file = fixture();
    for c in file.cases.iter_mut().filter(|c| c.group == Group::Seed) {
        let late = match c.params.model {
            ModelKind::ProcessPool => 0.25,
            _ => 0.0,
        };
        for s in &mut c.samples {
            let ends = s.timeline.as_ref().expect("the seed keeps timelines");
            let first = ends.iter().map(|t| t[1]).fold(f64::INFINITY, f64::min);
            s.first_result_s = Some(first + late);
        }
    }
    file
}

#[test]
fn where_first_results_differ_the_seed_sentence_says_whose_came_first_and_last() {
    let file = with_first_results();
    let data = data_of(file.clone());
    let takeaway = takeaway_of(&data, "seed");
    // Each Rust seed case's first result, the median over its samples, as the table shows it.
    let firsts: Vec<(String, f64, f64)> = data
        .group(Group::Seed)
        .into_iter()
        .filter(|c| !c.params.model.is_python() && c.summary.failures == 0)
        .map(|c| {
            let f = median(
                c.samples
                    .iter()
                    .map(|s| s.first_result_s.unwrap())
                    .collect(),
            );
            (data::label(c), f, c.summary.makespan.median)
        })
        .collect();
    let soonest = firsts.iter().min_by(|a, b| a.1.total_cmp(&b.1)).unwrap();
    let latest = firsts.iter().max_by(|a, b| a.1.total_cmp(&b.1)).unwrap();
    assert!(
        latest.1 > soonest.1 * 1.05,
        "the fixture's first results differ"
    );
    // Every seed case of the v1 fixture is stable or all are: the names carry no caveat here.
    let named = |l: &str| -> String {
        let c = data
            .group(Group::Seed)
            .into_iter()
            .find(|c| data::label(c) == l)
            .unwrap();
        concbench::report::flags::Flags::of(c).named(l)
    };
    let expected = format!(
        "; the first result came soonest from {} after {} and latest from {} after {}",
        named(&soonest.0),
        fmt::secs(soonest.1),
        named(&latest.0),
        fmt::secs(latest.1)
    );
    assert!(
        takeaway.contains(&expected),
        "{expected:?} not in {takeaway}"
    );
    // Sequential, and the 9 tasks on 3 workers, answer first after one delay, a third of the way
    // through their runs: each such case is named, furthest ahead of its last first.
    let mut early: Vec<&(String, f64, f64)> = firsts.iter().filter(|f| f.1 / f.2 <= 0.5).collect();
    early.sort_by(|a, b| (a.1 / a.2).total_cmp(&(b.1 / b.2)));
    assert!(
        early.iter().any(|e| e.0.starts_with("sequential")),
        "{early:?}"
    );
    let names: Vec<String> = early.iter().map(|e| named(&e.0)).collect();
    let range = |xs: Vec<f64>, show: fn(f64) -> String| {
        let lo = show(xs.iter().copied().fold(f64::INFINITY, f64::min));
        let hi = show(xs.iter().copied().fold(0.0, f64::max));
        match lo == hi {
            true => lo,
            false => format!("{lo} to {hi}"),
        }
    };
    let (last, rest) = names.split_last().unwrap();
    let expected = format!(
        "; {} and {last} gave their first results after {}, {} of their makespans",
        rest.join(", "),
        range(early.iter().map(|e| e.1).collect(), fmt::secs),
        range(early.iter().map(|e| e.1 / e.2).collect(), fmt::pct)
    );
    assert!(
        takeaway.contains(&expected),
        "{expected:?} not in {takeaway}"
    );
    // The table's column and the CSV's, from the same medians.
    let tables = table::tables(&data);
    let seed = &group_tables(&tables, "seed").table;
    for c in data.group(Group::Seed) {
        let f = median(
            c.samples
                .iter()
                .map(|s| s.first_result_s.unwrap())
                .collect(),
        );
        assert_eq!(cell(seed, &c.id, "first result"), fmt::secs(f), "{}", c.id);
    }
    assert!(seed
        .note
        .contains("First result: from the first submission"));
    // The fixture as it is, without first results, keeps its sentence and its table.
    let plain = takeaway_of(&data_of(fixture()), "seed");
    assert!(!plain.contains("first result"), "{plain}");
    let tables = table::tables(&data_of(fixture()));
    assert!(!group_tables(&tables, "seed")
        .table
        .header
        .contains(&"first result".to_string()));
}
