//! Every chart of the report reads whole: no label leaves its picture and no two labels lie over
//! each other, on every committed fixture (every section's charts), on the shipped reference run (the
//! seed chart with Python's clients measured here) and on the scale fixture alone (points whose tasks
//! mostly failed, with their "(n failed)" labels). The measure of a label is tests/common/labels.rs.

mod common;

use common::*;
use concbench::report::data::ReportData;
use concbench::report::sections;
use concbench::results::ResultFile;
use std::path::PathBuf;

/// The shipped reference run of the default suite.
const REFERENCE: &str = "reports/results/vm-35e81f9f/2026-12-05T10-47-33.189Z-4892.json";

/// Every fault of every chart the data draws, each named by its chart.
fn faults_of(name: &str, data: &ReportData) -> (usize, Vec<String>) {
    let charts = sections::charts(data);
    let mut faults = Vec::new();
    for chart in &charts {
        let svg = chart.svg().unwrap();
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let stem = chart.info().stem;
        faults.extend(
            label_faults(doc.root_element())
                .into_iter()
                .map(|f| format!("{name} / {stem}: {f}")),
        );
    }
    (charts.len(), faults)
}

/// The scale fixture grown to what `make report-scale` showed on a machine short of file handles:
/// io at 10,000 connections measured whole, at 50,000 and 100,000 with 60 % and 80 % of the tasks
/// failed (long failure counts beside each other), and two sleeping models at 20,000 whose failure
/// counts fall at the same N.
fn scale_with_failures() -> ResultFile {
    let mut file = load(SCALE_FIXTURE);
    let mut grown = Vec::new();
    let mut add = |from: &str, model: &str, tasks: usize, failed_share: f64| {
        let mut c = file.cases.iter().find(|c| c.id == from).unwrap().clone();
        c.params.tasks = tasks;
        c.params.model = model.parse().unwrap();
        c.id = format!("{}-{model}-{tasks}", c.id);
        for s in &mut c.samples {
            let failed = (tasks as f64 * failed_share).round() as u64;
            s.failures.clear();
            if failed > 0 {
                s.failures.insert("connect".into(), failed);
            }
            s.ok = tasks as u64 - failed;
        }
        resummarise(&mut c);
        grown.push(c);
    };
    add("scale/io/async/n1000-winf-200ms", "async", 10_000, 0.0);
    add("scale/io/async/n1000-winf-200ms", "async", 50_000, 0.6);
    add("scale/io/async/n1000-winf-200ms", "async", 100_000, 0.8);
    add("scale/io/threads/n1000-winf-200ms", "threads", 50_000, 0.8);
    add("scale/sleep/threads/n2000-200ms", "threads", 20_000, 0.185);
    add("scale/sleep/async/n2000-200ms", "async", 20_000, 0.68);
    file.cases.extend(grown);
    file.save(std::path::Path::new("/tmp/scale-failing.json"))
        .unwrap();
    file
}

#[test]
fn every_label_of_every_report_chart_reads_whole() {
    let reference = ReportData::merge(
        vec![(PathBuf::from(REFERENCE), load(REFERENCE))],
        Vec::new(),
    );
    let mut drawn = 0;
    let mut faults = Vec::new();
    for (name, data) in [
        ("every fixture", every_fixture()),
        ("the reference run", reference),
        ("the scale fixture", data_from(SCALE_FIXTURE)),
        ("the scale fixture, failing", data_of(scale_with_failures())),
    ] {
        let (n, f) = faults_of(name, &data);
        drawn += n;
        faults.extend(f);
    }
    assert!(drawn >= 25, "only {drawn} charts drawn");
    assert!(
        faults.is_empty(),
        "{} faults:\n{}",
        faults.len(),
        faults.join("\n")
    );
}
