//! What the report's tests share: the committed result files they render (a v1 and a v2 run, and the
//! mixed, mixed-article, pipeline, db, scale, subprocess, convoy, payload, resilience,
//! coordination, ipc and advice-check suites), loading and merging them, reading what a report wrote (a file, the
//! texts of an SVG, a table's cell), changing one case of a file as a test needs, and the takeaway of
//! one chart.

use concbench::names::{Group, ModelKind};
use concbench::render::table::Table;
use concbench::report::data::ReportData;
use concbench::report::sections;
use concbench::report::table::GroupTables;
use concbench::results::{CaseResult, ResultFile};
use std::path::{Path, PathBuf};

/// A v1 run of every suite group of its day (tests/fixtures/make-small.sh).
pub const FIXTURE: &str = "tests/fixtures/small.json";
/// A v2 run: both clients, noise per sample (tests/fixtures/make-v2.sh).
pub const V2_FIXTURE: &str = "tests/fixtures/v2.json";
pub const MIXED_FIXTURE: &str = "tests/fixtures/mixed.json";
/// The mixed-article suite, the article's own shape at a tenth (tests/fixtures/make-mixed-article.sh).
pub const MIXED_ARTICLE_FIXTURE: &str = "tests/fixtures/mixed-article.json";
pub const PIPELINE_FIXTURE: &str = "tests/fixtures/pipeline.json";
/// The db suite on SQLite and PostgreSQL (tests/fixtures/make-db.sh).
pub const DB_FIXTURE: &str = "tests/fixtures/db.json";
pub const SCALE_FIXTURE: &str = "tests/fixtures/scale.json";
/// The subprocess suite as it is (tests/fixtures/make-subprocess.sh).
pub const SUBPROCESS_FIXTURE: &str = "tests/fixtures/subprocess.json";
/// The convoy suite as it is (tests/fixtures/make-convoy.sh).
pub const CONVOY_FIXTURE: &str = "tests/fixtures/convoy.json";
/// The payload suite as it is (tests/fixtures/make-payload.sh).
pub const PAYLOAD_FIXTURE: &str = "tests/fixtures/payload.json";
/// The queue-workers suite as it is: process-pool and both brokers (tests/fixtures/make-queue-workers.sh).
pub const QUEUE_WORKERS_FIXTURE: &str = "tests/fixtures/queue-workers.json";
/// The resilience suite as it is: tails, rate limits, retries (tests/fixtures/make-resilience.sh).
pub const RESILIENCE_FIXTURE: &str = "tests/fixtures/resilience.json";
/// The coordination suite as it is (tests/fixtures/make-coordination.sh).
pub const COORDINATION_FIXTURE: &str = "tests/fixtures/coordination.json";
/// The ipc suite as it is: every transport by message size (tests/fixtures/make-ipc.sh).
pub const IPC_FIXTURE: &str = "tests/fixtures/ipc.json";
/// Small io and mixed cases with their ledgers, in the groups that draw one
/// (tests/fixtures/make-ledger.sh).
pub const LEDGER_FIXTURE: &str = "tests/fixtures/ledger.json";

/// advice-check's first three drawn jobs (tests/fixtures/make-advice-check.sh).
pub const ADVICE_CHECK_FIXTURE: &str = "tests/fixtures/advice-check.json";
/// The contention suite's share of the sharing suite (tests/fixtures/make-contention.sh).
pub const CONTENTION_FIXTURE: &str = "tests/fixtures/contention.json";
/// The load-curve suite, one repetition a case (tests/fixtures/make-load-curve.sh).
pub const LOAD_CURVE_FIXTURE: &str = "tests/fixtures/load-curve.json";

pub fn load(path: &str) -> ResultFile {
    ResultFile::load(Path::new(path)).unwrap_or_else(|e| panic!("{path} loads: {e:#}"))
}

pub fn fixture() -> ResultFile {
    load(FIXTURE)
}

pub fn v2_fixture() -> ResultFile {
    load(V2_FIXTURE)
}

/// A file as a report reads it.
pub fn data_of(file: ResultFile) -> ReportData {
    ReportData::merge(vec![(PathBuf::from(FIXTURE), file)], Vec::new())
}

pub fn data_from(path: &str) -> ReportData {
    ReportData::merge(vec![(PathBuf::from(path), load(path))], Vec::new())
}

/// The v1 fixture with the mixed, pipeline, db, scale, subprocess, convoy, payload, resilience,
/// coordination, ipc, queue-workers, contention, ledger, advice-check and load-curve runs beside it: every chart and every section there is.
pub fn every_fixture() -> ReportData {
    let files = [
        FIXTURE,
        MIXED_FIXTURE,
        MIXED_ARTICLE_FIXTURE,
        PIPELINE_FIXTURE,
        DB_FIXTURE,
        SCALE_FIXTURE,
        SUBPROCESS_FIXTURE,
        CONVOY_FIXTURE,
        PAYLOAD_FIXTURE,
        RESILIENCE_FIXTURE,
        COORDINATION_FIXTURE,
        IPC_FIXTURE,
        QUEUE_WORKERS_FIXTURE,
        CONTENTION_FIXTURE,
        LEDGER_FIXTURE,
        ADVICE_CHECK_FIXTURE,
        LOAD_CURVE_FIXTURE,
    ]
    .map(|p| (PathBuf::from(p), load(p)))
    .to_vec();
    ReportData::merge(files, Vec::new())
}

pub fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Every piece of text an SVG shows.
pub fn svg_texts(svg: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(svg).expect("the SVG is well-formed XML");
    assert!(doc.root_element().has_tag_name("svg"));
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text().map(|t| t.trim().to_string()))
        .collect()
}

/// One case of a file, by id, to change.
pub fn case_mut<'a>(file: &'a mut ResultFile, id: &str) -> &'a mut CaseResult {
    file.cases
        .iter_mut()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("no case {id}"))
}

/// A case's summary recomputed from its samples, as a run would write it.
pub fn resummarise(c: &mut CaseResult) {
    c.summary = concbench::run::summarise(&c.samples, c.ideal_s, c.summary.bottleneck);
}

/// A group's tables among a report's.
pub fn group_tables<'a>(tables: &'a [GroupTables], group: &str) -> &'a GroupTables {
    tables
        .iter()
        .find(|s| s.table.group == group)
        .unwrap_or_else(|| panic!("no table for {group}"))
}

/// The cell of a table's row (found by its first cell's start) under a header.
pub fn cell<'a>(t: &'a Table, row_starts: &str, header: &str) -> &'a str {
    let col = t
        .header
        .iter()
        .position(|h| h == header)
        .unwrap_or_else(|| panic!("no column {header} in {:?}", t.header));
    let row = t
        .rows
        .iter()
        .find(|r| r[0].starts_with(row_starts))
        .unwrap_or_else(|| panic!("no row {row_starts}"));
    &row[col]
}

/// The median of some figures, computed here rather than by the crate under test.
pub fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    match n % 2 {
        1 => xs[n / 2],
        _ => (xs[n / 2 - 1] + xs[n / 2]) / 2.0,
    }
}

/// The case of a model in a group (the first, when there are several).
pub fn case_of(data: &ReportData, group: Group, model: ModelKind) -> &CaseResult {
    data.group(group)
        .into_iter()
        .find(|c| c.params.model == model)
        .unwrap_or_else(|| panic!("no {model} case in {group}"))
}

/// The sentence under a chart.
pub fn takeaway_of(data: &ReportData, stem: &str) -> String {
    sections::charts(data)
        .into_iter()
        .find(|c| c.info().stem == stem)
        .unwrap_or_else(|| panic!("no {stem} chart"))
        .info()
        .takeaway
}
