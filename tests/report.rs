//! `concbench report` from saved result files: every chart drawn from the committed fixture (SVG that
//! parses, PNG of the right size), the Markdown tables pinned by a snapshot, an index.html that parses
//! and references every chart, takeaways that follow the data, hostile strings escaped, and every bad
//! input refused with exit 2 and one line naming the file.

use concbench::client::ClientKind;
use concbench::names::{Bottleneck, Group, ModelKind};
use concbench::render::table::Table;
use concbench::report::data;
use concbench::report::data::ReportData;
use concbench::report::export::Markdown;
use concbench::report::sections;
use concbench::report::{table, write};
use concbench::results::CaseParams;
use concbench::results::{CaseResult, Instability, InstabilityKind, ResultFile};
use concbench::store::criterion::{Sidecar, SIDECAR};
use concbench::workload::{Connect, DbKind, IoParams, Params, ServerPlan};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

const EXE: &str = env!("CARGO_BIN_EXE_concbench");
const FIXTURE: &str = "tests/fixtures/small.json";

fn fixture() -> ResultFile {
    ResultFile::load(Path::new(FIXTURE)).expect("the committed fixture loads")
}

fn data_of(file: ResultFile) -> ReportData {
    ReportData::merge(vec![(PathBuf::from(FIXTURE), file)], Vec::new())
}

fn tmpdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "concbench-report-test-{}-{name}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

const MIXED_FIXTURE: &str = "tests/fixtures/mixed.json";
const PIPELINE_FIXTURE: &str = "tests/fixtures/pipeline.json";
/// The db suite on SQLite and PostgreSQL (tests/fixtures/make-db.sh).
const DB_FIXTURE: &str = "tests/fixtures/db.json";
const SCALE_FIXTURE: &str = "tests/fixtures/scale.json";

fn load(path: &str) -> ResultFile {
    ResultFile::load(Path::new(path)).unwrap_or_else(|e| panic!("{path} loads: {e:#}"))
}

fn data_from(path: &str) -> ReportData {
    ReportData::merge(vec![(PathBuf::from(path), load(path))], Vec::new())
}

/// The v1 fixture with the mixed, pipeline, db and scale runs beside it: every chart there is.
fn every_fixture() -> ReportData {
    let files = [
        FIXTURE,
        MIXED_FIXTURE,
        PIPELINE_FIXTURE,
        DB_FIXTURE,
        SCALE_FIXTURE,
    ]
    .map(|p| (PathBuf::from(p), load(p)))
    .to_vec();
    ReportData::merge(files, Vec::new())
}

/// Every fixture rendered once for every test that only reads the output.
fn rendered() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tmpdir("fixture");
        write(&every_fixture(), &dir).expect("the fixtures render");
        dir
    })
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Every piece of text an SVG shows.
fn svg_texts(svg: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(svg).expect("the SVG is well-formed XML");
    assert!(doc.root_element().has_tag_name("svg"));
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text().map(|t| t.trim().to_string()))
        .collect()
}

/// The series each chart must name, from what the fixture holds (see tests/fixtures/make-small.sh).
fn expected_series(stem: &str) -> &'static [&'static str] {
    match stem {
        "seed" => &[
            "measured median",
            "whisker: CI of the median [CI 75 %]",
            "ideal",
            "Python, as published in the talk",
            "async-semaphore k=3 N=9",
            "threads N=9",
        ],
        "timeline" => &[
            "tasks in flight, client side (line in the model's colour)",
            "what the server could serve: min(in flight, W)",
            "threads N=9 (W = 3)",
            "sequential N=3 (W = 3)",
        ],
        "latency" => &["p50", "p90", "p99", "max", "process-pool k=3 N=3"],
        "io-sweep" => &[
            "sequential",
            "threads",
            "async-semaphore",
            "thread-pool",
            "against W = 9 server workers",
            "short dashes, hollow points (a little to the right): library client (ureq / reqwest)",
            "against the unbounded server",
        ],
        "limit-sweep" => &["thread-pool", "async-semaphore"],
        "cpu" => &[
            "sequential",
            "threads",
            "rayon",
            "thread-pool",
            "ideal: speedup = min(k, cores) × s, s = 1 (not measured) (1 for one lane)",
            "2 cores",
        ],
        "memory" => &["async", "threads", "process-pool (per worker process)"],
        "mixed" => &[
            "measured median (bar in the model's colour)",
            "whisker: CI of the median [CI 75 %]",
            "ideal",
            "computing alone: N × t₁ over the lanes that can count at once",
            "async-single N=30 !",
            "async-process-pool k=2 N=30 !",
            "process-pool k=2 N=30 !",
        ],
        "pipeline" => &[
            "items done: download",
            "items done: resize",
            "items done: upload",
            "ideal: the slowest stage's rate, ending at the ideal makespan",
        ],
        "db" => &[
            "a connection per task",
            "a connection per worker",
            "ideal",
            "SQLite · thread-pool k=4",
            "PostgreSQL · async",
        ],
        "scale-memory" => &[
            "async",
            "async-join-all",
            "threads",
            "dashed, hollow points: the bare program of the model's shape",
            "published, other machines (≤: one point, base included)",
            "pkolaczk 2023",
            "hez2010 2024",
            "≤ pkolaczk 2023",
        ],
        "scale-io" => &[
            "async",
            "async-semaphore",
            "threads",
            "against the unbounded server",
        ],
        other => panic!("no expectation for chart {other}"),
    }
}

#[test]
fn every_chart_is_drawn_as_svg_and_png() {
    let dir = rendered();
    let data = every_fixture();
    let charts = sections::charts(&data);
    let stems: Vec<&str> = charts.iter().map(|c| c.info().stem).collect();
    let all: Vec<&str> = sections::stems().collect();
    assert_eq!(stems, all, "the fixtures have data for every chart");
    for chart in &charts {
        let info = chart.info();
        let texts = svg_texts(&read(&dir.join(format!("charts/{}.svg", info.stem))));
        for name in expected_series(info.stem) {
            assert!(
                texts.iter().any(|t| t == name),
                "{}.svg does not show {name:?}; it shows {texts:?}",
                info.stem
            );
        }
        let png = dir.join(format!("charts/{}.png", info.stem));
        let mut reader = png::Decoder::new(std::fs::File::open(&png).unwrap())
            .read_info()
            .expect("the PNG decodes");
        let (w, h) = (reader.info().width, reader.info().height);
        assert_eq!((w, h), info.size, "{}", png.display());
        let mut buf = vec![0; reader.output_buffer_size()];
        reader.next_frame(&mut buf).unwrap();
        let colours: std::collections::HashSet<&[u8]> = buf.chunks(3).collect();
        assert!(
            colours.len() > 20,
            "{} has only {} colours: nothing drawn?",
            png.display(),
            colours.len()
        );
    }
}

#[test]
fn index_html_parses_and_references_every_chart_without_scripts_or_network() {
    let dir = rendered();
    let html = read(&dir.join("index.html"));
    let doc = roxmltree::Document::parse_with_options(
        &html,
        roxmltree::ParsingOptions {
            allow_dtd: true,
            ..Default::default()
        },
    )
    .expect("index.html is well-formed");
    for stem in sections::stems() {
        let section = doc
            .descendants()
            .find(|n| n.attribute("id") == Some(&format!("chart-{stem}")))
            .unwrap_or_else(|| panic!("no section for chart {stem}"));
        assert!(
            section.descendants().any(|n| n.has_tag_name("svg")),
            "chart {stem} is not inline"
        );
        let caption = section
            .descendants()
            .find(|n| n.has_tag_name("figcaption"))
            .and_then(|n| n.text())
            .unwrap_or_default();
        assert!(caption.len() > 20, "chart {stem} has no takeaway");
        for ext in ["svg", "png"] {
            let href = format!("charts/{stem}.{ext}");
            assert!(
                section
                    .descendants()
                    .any(|n| n.attribute("href") == Some(href.as_str())),
                "chart {stem} does not link {href}"
            );
            assert!(dir.join(&href).is_file(), "{href} is missing");
        }
    }
    assert!(!doc.descendants().any(|n| n.has_tag_name("script")));
    assert!(!doc.descendants().any(|n| n.attribute("src").is_some()));
    let external: Vec<&str> = doc
        .descendants()
        .filter_map(|n| n.attribute("href"))
        .filter(|h| h.contains("://"))
        .collect();
    assert!(external.is_empty(), "{external:?}");
    for group in [
        "seed",
        "io-sweep",
        "limit-sweep",
        "cpu",
        "memory",
        "mixed",
        "pipeline",
    ] {
        assert!(
            doc.descendants()
                .any(|n| n.attribute("id") == Some(&format!("table-{group}"))),
            "no table for {group}"
        );
    }
    let md = read(&dir.join("report.md"));
    for stem in sections::stems() {
        assert!(
            md.contains(&format!("](charts/{stem}.png)")),
            "report.md lacks {stem}"
        );
    }
    let csv = read(&dir.join("results.csv"));
    assert_eq!(csv.lines().count(), 1 + every_fixture().cases.len());
}

#[test]
fn markdown_tables_match_the_snapshot() {
    let tables = table::tables(&data_of(fixture()));
    insta::assert_snapshot!(Markdown::tables(&tables));
}

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

#[test]
fn hostile_strings_from_a_result_file_come_out_escaped() {
    let mut file = fixture();
    let evil = "<script>alert(1)</script>";
    file.cases[0].id = format!("seed/{evil}");
    file.machine.cpu_model = format!("{evil} & co");
    file.machine.machine_id = format!("m{evil}");
    let dir = tmpdir("hostile");
    write(&data_of(file), &dir).unwrap();
    let html = read(&dir.join("index.html"));
    assert!(!html.to_lowercase().contains("<script"), "raw script tag");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    let md = read(&dir.join("report.md"));
    assert!(!md.to_lowercase().contains("<script"), "raw script tag");
    assert!(md.contains("&lt;script&gt;"));
    // Chart labels are built from names the loader checked (models, groups are enums), so nothing a
    // file says can reach an SVG as markup.
    let seed = read(&dir.join("charts/seed.svg"));
    assert!(!seed.contains("<script"));
}

fn report(args: &[&str]) -> Output {
    Command::new(EXE).arg("report").args(args).output().unwrap()
}

/// A refused input: exit 2 and exactly one line, naming the file.
fn assert_refused(out: &Output, names: &str) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "stderr: {err}");
    assert_eq!(err.trim_end().lines().count(), 1, "not one line: {err}");
    assert!(err.contains(names), "{err:?} does not name {names}");
}

#[test]
fn bad_inputs_are_refused_with_one_line_naming_the_file() {
    let dir = tmpdir("bad");
    let out_dir = dir.join("out");
    let out = out_dir.to_str().unwrap();

    let missing = dir.join("nothing-here.json");
    assert_refused(
        &report(&[missing.to_str().unwrap(), "--out", out]),
        "nothing-here.json: no such file or directory",
    );

    let empty = dir.join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    assert_refused(
        &report(&[empty.to_str().unwrap(), "--out", out]),
        "no result files",
    );

    let good = read(Path::new(FIXTURE));
    let truncated = dir.join("truncated.json");
    std::fs::write(&truncated, &good[..good.len() / 2]).unwrap();
    assert_refused(
        &report(&[truncated.to_str().unwrap(), "--out", out]),
        "truncated.json: not valid JSON",
    );

    let newer = dir.join("newer.json");
    std::fs::write(
        &newer,
        good.replacen("\"schema_version\": 1", "\"schema_version\": 99", 1),
    )
    .unwrap();
    assert_refused(
        &report(&[newer.to_str().unwrap(), "--out", out]),
        "newer.json: schema_version 99 is newer",
    );
    assert!(!out_dir.exists(), "nothing is written for a refused input");
}

#[test]
fn a_directory_with_a_bad_file_renders_the_good_one_and_lists_the_bad() {
    let dir = tmpdir("mixed");
    let inputs = dir.join("results");
    std::fs::create_dir_all(&inputs).unwrap();
    std::fs::copy(FIXTURE, inputs.join("good.json")).unwrap();
    std::fs::write(
        inputs.join("bad.json"),
        "{\"schema_version\": 1, \"cases\": [",
    )
    .unwrap();
    let out_dir = dir.join("out");
    let out = report(&[inputs.to_str().unwrap(), "--out", out_dir.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("skipped") && err.contains("bad.json"), "{err}");
    let index = out_dir.join("index.html");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        index.display().to_string()
    );
    let html = read(&index);
    assert!(html.contains("skipped file") && html.contains("bad.json"));
    assert!(html.contains("good.json"));
}

#[test]
fn the_default_input_is_the_newest_complete_result_of_the_machine() {
    let dir = tmpdir("default");
    let none = Command::new(EXE)
        .args(["report", "--machine-id", "test-box"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert_refused(
        &none,
        "no results for this machine in reports/results/test-box",
    );

    let results = dir.join("reports/results/test-box");
    std::fs::create_dir_all(&results).unwrap();
    let mut older = fixture();
    older.started = "2026-01-01T00:00:00Z".into();
    older.save(&results.join("older.json")).unwrap();
    let mut newer = fixture();
    newer.started = "2026-01-02T00:00:00Z".into();
    newer.complete = false;
    newer.save(&results.join("newer-incomplete.json")).unwrap();
    let out = Command::new(EXE)
        .args(["report", "--machine-id", "test-box"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Reports go under the id of the machine the file was measured on.
    let index = format!("reports/{}/index.html", older.machine.machine_id);
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), index);
    let html = read(&dir.join(&index));
    assert!(html.contains("older.json") && !html.contains("newer-incomplete.json"));
}

/// A criterion baseline as `cargo bench --save-baseline main` leaves it, for one io benchmark.
fn criterion_dir(name: &str) -> PathBuf {
    let dir = tmpdir(name);
    let b = dir.join("io/async/n9-w9-20ms/main");
    std::fs::create_dir_all(&b).unwrap();
    let side = Sidecar {
        id: "io/async/n9-w9-20ms".into(),
        params: CaseParams {
            model: ModelKind::Async,
            tasks: 9,
            limit: None,
            concurrency: 9,
            cpu_lanes: 2,
            child_concurrency: None,
            workload: Params::Io(IoParams::new(ServerPlan {
                workers: 9,
                delay: std::time::Duration::from_millis(20),
            })),
        },
        ideal_s: Some(0.02),
        bottleneck: Bottleneck::Balanced,
    };
    std::fs::write(
        dir.join("io/async/n9-w9-20ms").join(SIDECAR),
        serde_json::to_string(&side).unwrap(),
    )
    .unwrap();
    std::fs::write(
        b.join("benchmark.json"),
        r#"{"full_id":"io/async/n9-w9-20ms"}"#,
    )
    .unwrap();
    let times: Vec<String> = (0..10)
        .map(|i| format!("{}", 4.0e7 + i as f64 * 1e5))
        .collect();
    let sample = format!(
        r#"{{"iters":[2,2,2,2,2,2,2,2,2,2],"times":[{}]}}"#,
        times.join(",")
    );
    std::fs::write(b.join("sample.json"), sample).unwrap();
    dir
}

#[test]
fn criterion_results_add_a_cargo_bench_table() {
    let bench = criterion_dir("criterion");
    let out_dir = tmpdir("with-criterion");
    let crit = bench.to_str().unwrap();
    let out = report(&[
        FIXTURE,
        "--criterion",
        crit,
        "--baseline",
        "main",
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let md = read(&out_dir.join("report.md"));
    let section = &md[md.find("### cargo bench").expect("a cargo bench section")..];
    // 10 samples of 20.0–20.45 ms against the 20 ms ideal of 9 tasks on 9 workers.
    assert!(
        section.contains("| io/async/n9-w9-20ms | 10 | 20.2 ms"),
        "{section}"
    );
    assert!(read(&out_dir.join("index.html")).contains("io/async/n9-w9-20ms"));
    // A baseline that does not exist is refused with one line naming it.
    let missing = report(&[FIXTURE, "--criterion", crit, "--baseline", "nope"]);
    assert_refused(&missing, "\"nope\"");
}

// ---- Counts, caveats, memory per task, the client pair and noise (issue 10) ----

const V2_FIXTURE: &str = "tests/fixtures/v2.json";

fn v2_fixture() -> ResultFile {
    ResultFile::load(Path::new(V2_FIXTURE)).expect("the committed v2 fixture loads")
}

/// One case of a file, by id, to change.
fn case_mut<'a>(file: &'a mut ResultFile, id: &str) -> &'a mut CaseResult {
    file.cases
        .iter_mut()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("no case {id}"))
}

/// A case's summary recomputed from its samples, as a run would write it.
fn resummarise(c: &mut CaseResult) {
    c.summary = concbench::run::summarise(&c.samples, c.ideal_s, c.summary.bottleneck);
}

fn section<'a>(sections: &'a [table::GroupTables], group: &str) -> &'a table::GroupTables {
    sections
        .iter()
        .find(|s| s.table.group == group)
        .unwrap_or_else(|| panic!("no table for {group}"))
}

/// The cell of a table's row (found by its first cell's start) under a header.
fn cell<'a>(t: &'a Table, row_starts: &str, header: &str) -> &'a str {
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

#[test]
fn a_point_of_one_sample_has_no_whisker() {
    let mut file = fixture();
    let id = "seed/io/threads/n3-w3-1s";
    let c = case_mut(&mut file, id);
    c.samples.truncate(1);
    resummarise(c);
    let data = data_of(file);
    let bars = sections::seed::bars::bars(&data);
    let one = bars.iter().find(|b| b.label == "threads N=3").unwrap();
    assert_eq!(one.ci, None, "one sample drew a whisker");
    let three = bars.iter().find(|b| b.label == "threads N=9").unwrap();
    let ci = three.ci.expect("three samples have an interval");
    assert_eq!(ci.level, 0.75, "3 samples cover 75 %, not 95 %");
    // The io sweep of the fixture took one sample per case: bare points throughout.
    let panels = sections::sweeps::io::panels(&data);
    assert!(panels
        .iter()
        .flat_map(|p| &p.points)
        .all(|p| p.ci.is_none()));
    // And the table prints the median alone, with n = 1 beside it.
    let tables = table::tables(&data);
    let seed = &section(&tables, "seed").table;
    assert_eq!(cell(seed, id, "n"), "1");
    assert_eq!(cell(seed, id, "median [CI 75 %]"), "1.009 s");
}

#[test]
fn every_table_shows_n_the_samples_behind_each_row() {
    for data in [
        data_of(fixture()),
        data_of(v2_fixture()),
        data_from(MIXED_FIXTURE),
        data_from(PIPELINE_FIXTURE),
    ] {
        for s in table::tables(&data) {
            let t = &s.table;
            assert_eq!(t.header[1], "n", "{}: {:?}", t.group, t.header);
            let group = data
                .groups()
                .into_iter()
                .find(|g| g.name() == t.group)
                .unwrap();
            for (row, c) in t.rows.iter().zip(data.group(group)) {
                assert_eq!(row[1], c.samples.len().to_string(), "{}", c.id);
            }
            for more in &s.more {
                assert!(more.header.iter().any(|h| h.starts_with("n ")), "{more:?}");
            }
        }
    }
}

#[test]
fn an_unstable_case_carries_its_mark_and_its_reasons_everywhere() {
    let mut file = fixture();
    let id = "seed/io/threads/n9-w3-1s";
    let why = "machine busy: other processes took 42 % of its CPU time";
    case_mut(&mut file, id).summary.unstable = vec![Instability {
        kind: InstabilityKind::Busy,
        why: why.into(),
    }];
    let data = data_of(file);
    let tables = table::tables(&data);
    let seed = section(&tables, "seed");
    assert_eq!(
        cell(&seed.table, id, "case"),
        format!("{id} !"),
        "the mark beside the case"
    );
    assert!(
        seed.footnotes
            .iter()
            .any(|f| f.contains(id) && f.contains(why)),
        "{:?}",
        seed.footnotes
    );
    // Stable cases carry no mark.
    assert_eq!(
        cell(&seed.table, "seed/io/async/", "case"),
        "seed/io/async/n3-w3-1s"
    );
    let dir = tmpdir("unstable");
    write(&data, &dir).unwrap();
    let seed_svg = svg_texts(&read(&dir.join("charts/seed.svg")));
    assert!(
        seed_svg.iter().any(|t| t == "threads N=9 !"),
        "{seed_svg:?}"
    );
    let timeline = svg_texts(&read(&dir.join("charts/timeline.svg")));
    assert!(timeline.iter().any(|t| t == "threads N=9 ! (W = 3)"));
    let md = read(&dir.join("report.md"));
    assert!(md.contains(why), "the reason is under the table");
    // Whatever the takeaways say about the case, they say it is unstable.
    for chart in sections::charts(&data) {
        let t = chart.info().takeaway;
        if t.contains("threads N=9") {
            assert!(t.contains("threads N=9 (unstable)"), "{t}");
        }
    }
}

/// A memory case of `model` at N tasks in flight with this peak RSS (one sample).
fn memory_case(template: &CaseResult, model: ModelKind, n: usize, peak_kib: u64) -> CaseResult {
    let mut c = template.clone();
    c.id = format!("memory/sleep/{model}/n{n}");
    c.params.model = model;
    c.params.tasks = n;
    c.params.limit = None;
    c.params.concurrency = n;
    c.samples.truncate(1);
    c.samples[0].max_rss_kib = peak_kib;
    c.samples[0].workers = None;
    resummarise(&mut c);
    c
}

#[test]
fn memory_per_task_leaves_the_base_out() {
    use concbench::report::per_task::{self, Basis};
    let file = fixture();
    let template = file
        .cases
        .iter()
        .find(|c| c.group == Group::Memory)
        .unwrap();
    // N = 1 at 4 MiB; N = 1,000 grows by 999 × 10 KiB (≈ 14 MiB): exactly 10 KiB per task.
    let one = memory_case(template, ModelKind::Threads, 1, 4096);
    let many = memory_case(template, ModelKind::Threads, 1000, 4096 + 999 * 10);
    let costs = per_task::costs(&[&one, &many]);
    let figure = per_task::of_case(&costs, &many.id).expect("a figure at N = 1,000");
    assert_eq!((figure.kib, figure.basis), (10.0, Basis::OverOne));
    assert!(
        per_task::of_case(&costs, &one.id).is_none(),
        "the base has none"
    );
    // Without N = 1, the slope from the smallest N, and the basis says so.
    let hundred = memory_case(template, ModelKind::Async, 100, 5000);
    let thousand = memory_case(template, ModelKind::Async, 1000, 5000 + 900 * 2);
    let costs = per_task::costs(&[&hundred, &thousand]);
    let figure = per_task::of_case(&costs, &thousand.id).unwrap();
    assert_eq!((figure.kib, figure.basis), (2.0, Basis::OverSmallest(100)));
    assert!(figure.basis.describe().contains("no N = 1 case"));
    // A process pool: the workers' sum over processes, never added to the parent's peak.
    let mut pool = file
        .cases
        .iter()
        .find(|c| c.id == "memory/sleep/process-pool/n100-k8-20ms")
        .unwrap()
        .clone();
    pool.samples.truncate(1);
    pool.samples[0].max_rss_kib = 5000;
    pool.samples[0].workers = Some(concbench::results::WorkerUsage {
        processes: 8,
        rss_sum_kib: 8 * 3000,
        ..Default::default()
    });
    resummarise(&mut pool);
    let costs = per_task::costs(&[&pool]);
    let figure = per_task::of_case(&costs, &pool.id).unwrap();
    assert_eq!((figure.kib, figure.basis), (3000.0, Basis::PerWorker));
    assert_eq!(figure.peak_kib, 5000.0, "worker peaks are not added on top");
    // The table and the chart say the same.
    let mut file = fixture();
    file.cases.retain(|c| c.group != Group::Memory);
    file.cases.extend([one, many.clone()]);
    let data = data_of(file);
    let tables = table::tables(&data);
    let memory = section(&tables, "memory");
    assert_eq!(cell(&memory.table, &many.id, "RSS per task"), "10 KiB");
    assert!(memory
        .footnotes
        .iter()
        .any(|f| f.contains("threads: (peak RSS at N − peak RSS at N = 1) / (N − 1)")));
    let chart = sections::charts(&data)
        .into_iter()
        .find(|c| c.info().stem == "memory")
        .unwrap();
    assert!(
        chart.info().takeaway.contains("10 KiB per task"),
        "{}",
        chart.info().takeaway
    );
    assert!(chart.notes().iter().any(|n| n.contains("stack pages")));
}

#[test]
fn a_case_whose_tasks_failed_shows_its_failures_and_no_efficiency() {
    let mut file = fixture();
    let id = "seed/io/threads/n3-w3-1s";
    let c = case_mut(&mut file, id);
    for s in &mut c.samples {
        s.failures.insert("timeout".into(), 1);
        s.ok -= 1;
    }
    resummarise(c);
    assert_eq!(c.summary.efficiency, None);
    let data = data_of(file);
    let tables = table::tables(&data);
    let seed = section(&tables, "seed");
    assert_eq!(cell(&seed.table, id, "case"), format!("{id} (3 failed)"));
    assert_eq!(cell(&seed.table, id, "efficiency"), "– (tasks failed)");
    assert!(seed
        .footnotes
        .iter()
        .any(|f| f.starts_with(id) && f.contains("timeout 3")));
    let bars = sections::seed::bars::bars(&data);
    let bar = bars.iter().find(|b| b.label == "threads N=3").unwrap();
    assert_eq!(bar.efficiency, None);
    let takeaway = sections::charts(&data)
        .into_iter()
        .find(|c| c.info().stem == "seed")
        .unwrap()
        .info()
        .takeaway;
    assert!(
        takeaway.contains("threads N=3 (3 tasks failed) is not compared with its ideal"),
        "{takeaway}"
    );
    assert!(!takeaway.contains("threads N=3 came") && !takeaway.contains("threads N=3 ran"));
    let dir = tmpdir("failed");
    write(&data, &dir).unwrap();
    let svg = svg_texts(&read(&dir.join("charts/seed.svg")));
    assert!(svg.iter().any(|t| t == "threads N=3 (3 failed)"), "{svg:?}");
    assert!(svg
        .iter()
        .any(|t| t.contains("no efficiency: tasks failed")));
    assert!(!svg.iter().any(|t| t.contains("NaN") || t.contains("inf")));
}

#[test]
fn the_client_pair_table_appears_only_when_both_clients_exist() {
    // The v1 fixture made every io request with the libraries: no pair.
    let tables = table::tables(&data_of(fixture()));
    assert!(tables.iter().all(|s| s.more.is_empty()));
    // The v2 fixture measured threads and async with both.
    let data = data_of(v2_fixture());
    let tables = table::tables(&data);
    let sweep = section(&tables, "io-sweep");
    let pair = sweep.more.first().expect("a client pair table");
    assert_eq!(pair.group, "io-sweep: what the library adds");
    let models: Vec<&str> = pair.rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(models, ["threads", "async"]);
    // Library cases are a second, dashed line, never part of a model's direct line.
    let panels = sections::sweeps::io::panels(&data);
    for p in &panels {
        for s in p.series() {
            let library = p.points.iter().filter(|q| q.library && q.model == s.model);
            if s.dashed {
                assert_eq!(s.points.len(), library.count());
            }
        }
    }
    assert!(panels[0].series().iter().any(|s| s.dashed));
    // Drop the library twins: the table goes.
    let mut file = v2_fixture();
    file.cases
        .retain(|c| data::client(c) != Some(ClientKind::Library));
    assert!(table::tables(&data_of(file))
        .iter()
        .all(|s| s.more.is_empty()));
}

#[test]
fn the_noise_section_names_a_listen_overflow_and_leaves_zero_counters_out() {
    use concbench::report::noise;
    let mut file = v2_fixture();
    let c = case_mut(&mut file, "seed/io/threads/n9-w3-1s");
    let n = c.samples[0].noise.as_mut().expect("v2 samples carry noise");
    n.listen_overflows = 7;
    n.listen_drops = 0;
    n.tcp_timeouts = 0;
    n.syn_retrans = 0;
    let data = data_of(file);
    let seed = noise::groups(&data)
        .into_iter()
        .find(|g| g.group == "seed")
        .unwrap();
    assert!(seed.counters.contains(&("ListenOverflows", 7)), "{seed:?}");
    assert!(!seed.counters.iter().any(|(_, n)| *n == 0));
    let dir = tmpdir("noise");
    write(&data, &dir).unwrap();
    for file in ["index.html", "report.md"] {
        let text = read(&dir.join(file));
        let at = text.find("Machine noise").expect("a machine noise section");
        let section = &text[at..text[at..].find("Tables").map_or(text.len(), |e| at + e)];
        assert!(section.contains("ListenOverflows 7"), "{file}: {section}");
        assert!(!section.contains("ListenDrops 0"), "{file}");
        assert!(
            section.contains("order interleaved, seed "),
            "{file}: {section}"
        );
    }
    // A v1 file recorded no noise: the section says so rather than inventing zeros.
    let v1 = noise::groups(&data_of(fixture()));
    assert!(v1.iter().all(|g| g.with_noise == 0 && g.load.is_none()));
}

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

#[test]
fn a_v2_file_renders_and_its_tables_match_the_snapshot() {
    let data = data_of(v2_fixture());
    let dir = tmpdir("v2");
    let outcome = write(&data, &dir).expect("the v2 fixture renders");
    assert_eq!(
        outcome.charts,
        ["seed", "timeline", "latency", "io-sweep", "cpu", "memory"]
    );
    for stem in &outcome.charts {
        let svg = read(&dir.join(format!("charts/{stem}.svg")));
        let texts = svg_texts(&svg);
        assert!(
            !texts.iter().any(|t| t.contains("NaN") || t.contains("inf")),
            "{stem}: {texts:?}"
        );
    }
    insta::assert_snapshot!(Markdown::tables(&table::tables(&data)));
}

// ---- The mixed and pipeline suites (issue 12 §2 and §3) ----

use concbench::render::fmt;
use concbench::report::sections::pipeline::data::Flow;
use concbench::workload::pipeline::STAGES;
use concbench::workload::{Calibration, Lanes, Shape};

/// The median of some figures, computed here rather than by the crate under test.
fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    match n % 2 {
        1 => xs[n / 2],
        _ => (xs[n / 2 - 1] + xs[n / 2]) / 2.0,
    }
}

fn case_of(data: &ReportData, group: Group, model: ModelKind) -> &CaseResult {
    data.group(group)
        .into_iter()
        .find(|c| c.params.model == model)
        .unwrap_or_else(|| panic!("no {model} case in {group}"))
}

fn takeaway_of(data: &ReportData, stem: &str) -> String {
    sections::charts(data)
        .into_iter()
        .find(|c| c.info().stem == stem)
        .unwrap_or_else(|| panic!("no {stem} chart"))
        .info()
        .takeaway
}

#[test]
fn the_mixed_table_splits_cpu_time_from_waiting() {
    let data = data_from(MIXED_FIXTURE);
    let tables = table::tables(&data);
    let mixed = section(&tables, "mixed");
    let split = mixed
        .more
        .iter()
        .find(|t| t.group == "mixed: computing and waiting")
        .expect("a computing and waiting table");
    let cases = data.group(Group::Mixed);
    assert_eq!(split.rows.len(), cases.len());
    assert!(split
        .note
        .contains("Waiting overlapped = waiting − (makespan − N × t₁ / (CPU lanes × s))"));
    let mut shares = Vec::new();
    for c in cases {
        let label = data::label(c);
        let cpu = median(c.samples.iter().map(|s| s.user_s + s.sys_s).collect());
        assert_eq!(cell(split, &label, "CPU time (user+sys)"), fmt::secs(cpu));
        let n = c.params.tasks as f64;
        let t1 = c.t1_s.expect("mixed cases carry t₁");
        assert_eq!(cell(split, &label, "CPU part (N × t₁)"), fmt::secs(n * t1));
        let Params::Mixed(p) = &c.params.workload else {
            panic!("{} is not mixed", c.id)
        };
        // The article's GET answers at once: the waiting is the seeded waits alone.
        assert_eq!(p.io.path, "/delay/0");
        let waiting: f64 = (0..c.params.tasks as u64)
            .map(|i| p.wait(i).as_secs_f64())
            .sum();
        assert_eq!(cell(split, &label, "waiting (Σ waits)"), fmt::secs(waiting));
        let lanes = c.params.cpu_lanes.min(data.cores()).max(1);
        let s = if lanes > 1 {
            c.scaling.unwrap_or(1.0)
        } else {
            1.0
        };
        assert_eq!(cell(split, &label, "CPU lanes"), lanes.to_string());
        let computing = n * t1 / (lanes as f64 * s);
        let makespan = c.summary.makespan.median;
        let overlapped = (waiting - (makespan - computing).max(0.0)).clamp(0.0, waiting);
        let shown = cell(split, &label, "waiting overlapped");
        assert_eq!(
            shown,
            format!(
                "{} ({})",
                fmt::secs(overlapped),
                fmt::pct(overlapped / waiting)
            ),
            "{}",
            c.id
        );
        shares.push((c.params.model, overlapped / waiting));
    }
    // Two workers, each waiting through its tasks one by one, hide the least of the waiting.
    let least = shares.iter().min_by(|a, b| a.1.total_cmp(&b.1)).unwrap();
    assert_eq!(least.0, ModelKind::ProcessPool, "{shares:?}");
}

#[test]
fn the_pipeline_lines_end_at_the_item_count_of_every_stage() {
    let data = data_from(PIPELINE_FIXTURE);
    let flows: Vec<Flow> = sections::pipeline::chart::flows(&data);
    let cases = data.group(Group::Pipeline);
    assert_eq!(flows.len(), cases.len());
    for (f, c) in flows.iter().zip(cases) {
        let n = c.params.tasks;
        assert_eq!(f.exits.len(), STAGES.len(), "{}", c.id);
        for (stage, name) in STAGES.iter().enumerate() {
            assert_eq!(f.done(stage), n, "{} {name}", c.id);
            let counts = f.counts(stage);
            assert_eq!(counts.last().unwrap().1, n as f64);
            assert!(counts
                .windows(2)
                .all(|w| w[0].0 <= w[1].0 && w[0].1 < w[1].1));
        }
        // The drawn repetition is the typical one: the fixture keeps stage times for it alone.
        assert_eq!(f.makespan, data::typical_sample(c).unwrap().makespan_s);
        // The dashed line ends at the recorded ideal, at the rate of the workload's slowest stage.
        let b = f.bound.expect("a calibrated pipeline has a bounding stage");
        let ideal = c.ideal_s.unwrap();
        assert!(
            (b.through + n as f64 / b.rate - ideal).abs() < 1e-9,
            "{b:?} against {ideal}"
        );
        let Params::Pipeline(p) = &c.params.workload else {
            panic!("{} is not a pipeline", c.id)
        };
        let shape = Shape {
            tasks: n,
            lanes: Lanes {
                in_flight: c.params.concurrency,
                cpu: c.params.cpu_lanes,
            },
            cores: data.cores(),
        };
        let cal = Calibration {
            t1: c.t1_s.unwrap(),
            scaling: c.scaling.unwrap_or(1.0),
            write: None,
        };
        assert_eq!(b.stage, p.slowest_stage(&shape, cal));
    }
}

#[test]
fn the_mixed_and_pipeline_takeaways_follow_their_data() {
    let data = data_from(MIXED_FIXTURE);
    let t = takeaway_of(&data, "mixed");
    let one = case_of(&data, Group::Mixed, ModelKind::AsyncSingle);
    let many = case_of(&data, Group::Mixed, ModelKind::AsyncProcessPool);
    let (a, b) = (one.summary.makespan.median, many.summary.makespan.median);
    assert!(a > b * 1.05, "the fixture's single loop fell behind");
    assert!(
        t.contains(&format!(
            "{} took {}, {} {}'s {}: its 30 CPU parts ({} of counting) ran one after another on \
             its one loop",
            data::label(one),
            fmt::secs(a),
            fmt::times(a / b),
            data::label(many),
            fmt::secs(b),
            fmt::secs(30.0 * one.t1_s.unwrap())
        )),
        "{t}"
    );
    let by_median = |x: &&CaseResult, y: &&CaseResult| {
        x.summary
            .makespan
            .median
            .total_cmp(&y.summary.makespan.median)
    };
    let cases = data.group(Group::Mixed);
    let fastest = cases.iter().copied().min_by(by_median).unwrap();
    let slowest = cases.iter().copied().max_by(by_median).unwrap();
    for (c, says) in [
        (fastest, "the fastest was {} at {}"),
        (slowest, "{} took longest, {}"),
    ] {
        if c.id != one.id && c.id != many.id {
            let expected = says.replacen("{}", &data::label(c), 1).replacen(
                "{}",
                &fmt::secs(c.summary.makespan.median),
                1,
            );
            assert!(t.contains(&expected), "{expected:?} not in {t}");
        }
    }
    // Every mixed case of the fixture is unstable: said once, up front.
    assert!(cases.iter().all(|c| !c.summary.unstable.is_empty()));
    assert!(t.starts_with("All 6 cases here are unstable"), "{t}");
    // With one of them stable, the others carry their caveat by name.
    let mut file = load(MIXED_FIXTURE);
    for c in &mut file.cases {
        if c.params.model == ModelKind::AsyncProcessPool {
            c.summary.unstable.clear();
        }
    }
    let t = takeaway_of(
        &ReportData::merge(vec![(MIXED_FIXTURE.into(), file)], Vec::new()),
        "mixed",
    );
    assert!(t.starts_with("async-single N=30 (unstable) took"), "{t}");
    assert!(t.contains("async-process-pool k=2 N=30's"), "{t}");

    let data = data_from(PIPELINE_FIXTURE);
    let t = takeaway_of(&data, "pipeline");
    let flows = sections::pipeline::chart::flows(&data);
    let bound = flows[0].bound.unwrap();
    assert!(
        t.starts_with(&format!(
            "The {} stage bounded the ideal at {} items/s",
            STAGES[bound.stage],
            fmt::count(bound.rate.round() as u64)
        )),
        "{t}"
    );
    for (f, c) in flows.iter().zip(data.group(Group::Pipeline)) {
        let exits = &data::typical_sample(c).unwrap().stages.as_ref().unwrap()[bound.stage];
        let pace = (exits.len() - 1) as f64 / (exits.last().unwrap() - exits.first().unwrap());
        assert!(
            t.contains(&format!(
                "{} moved {} items/s through it ({} of that)",
                f.label,
                fmt::count(pace.round() as u64),
                fmt::pct(pace / bound.rate)
            )),
            "{t}"
        );
    }
    // An unstable pipeline case says so by name.
    let mut file = load(PIPELINE_FIXTURE);
    file.cases[0].summary.unstable = vec![Instability {
        kind: InstabilityKind::Busy,
        why: "machine busy".into(),
    }];
    let label = data::label(&file.cases[0]);
    let t = takeaway_of(
        &ReportData::merge(vec![(PIPELINE_FIXTURE.into(), file)], Vec::new()),
        "pipeline",
    );
    assert!(t.contains(&format!("{label} (unstable) moved")), "{t}");
}

#[test]
fn a_mixed_case_of_one_sample_has_no_whisker_and_one_whose_tasks_failed_is_left_out() {
    let mut file = load(MIXED_FIXTURE);
    for c in &mut file.cases {
        match c.params.model {
            ModelKind::AsyncSingle => c.samples.truncate(1),
            ModelKind::ProcessPool => {
                for s in &mut c.samples {
                    s.failures.insert("timeout".into(), 1);
                    s.ok -= 1;
                }
            }
            _ => continue,
        }
        resummarise(c);
    }
    let data = ReportData::merge(vec![(MIXED_FIXTURE.into(), file)], Vec::new());
    let bars = sections::mixed::chart::bars(&data);
    for b in &bars {
        assert_eq!(
            b.ci.is_none(),
            b.model == ModelKind::AsyncSingle,
            "{}",
            b.label
        );
    }
    let failed = bars
        .iter()
        .find(|b| b.model == ModelKind::ProcessPool)
        .unwrap();
    assert_eq!(failed.efficiency, None);
    let t = takeaway_of(&data, "mixed");
    assert!(
        t.contains("process-pool k=2 N=30 (") && t.contains("3 tasks failed) is left out"),
        "{t}"
    );
    assert!(!t.contains("process-pool k=2 N=30 took"), "{t}");
    let svg = svg_texts(&sections::mixed::chart::chart(&data).unwrap().svg().unwrap());
    assert!(svg
        .iter()
        .any(|s| s.contains("no efficiency: tasks failed")));
    assert!(!svg.iter().any(|s| s.contains("NaN") || s.contains("inf")));
}

#[test]
fn files_without_mixed_or_pipeline_cases_render_without_those_sections() {
    // A report with every chart first, then a v1 file alone into the same directory: no stale
    // mixed or pipeline chart survives, and no such section or table appears.
    let dir = tmpdir("no-mixed");
    write(&every_fixture(), &dir).unwrap();
    assert!(dir.join("charts/mixed.svg").is_file());
    for data in [data_of(fixture()), data_of(v2_fixture())] {
        let outcome = write(&data, &dir).expect("renders");
        for stem in ["mixed", "pipeline"] {
            assert!(!outcome.charts.contains(&stem), "{:?}", outcome.charts);
            for ext in ["svg", "png"] {
                assert!(
                    !dir.join(format!("charts/{stem}.{ext}")).exists(),
                    "{stem}.{ext}"
                );
            }
        }
        let tables = table::tables(&data);
        assert!(tables
            .iter()
            .all(|s| s.table.group != "mixed" && s.table.group != "pipeline"));
        assert!(tables
            .iter()
            .flat_map(|s| &s.more)
            .all(|t| !t.group.contains("computing and waiting")));
        let html = read(&dir.join("index.html"));
        for id in [
            "chart-mixed",
            "chart-pipeline",
            "table-mixed",
            "table-pipeline",
        ] {
            assert!(!html.contains(id), "{id}");
        }
    }
}

#[test]
fn results_csv_carries_the_parameters_of_mixed_and_pipeline_cases() {
    let csv = read(&rendered().join("results.csv"));
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    // No field of these rows needs quoting but the unstable reasons, which come last.
    let row = |id_starts: &str| -> Vec<String> {
        let line = csv
            .lines()
            .find(|l| l.starts_with(id_starts))
            .unwrap_or_else(|| panic!("no row {id_starts}"));
        line.split(',').map(String::from).collect()
    };
    let at = |row: &[String], column: &str| -> String {
        let i = header.iter().position(|h| *h == column).unwrap();
        row[i].clone()
    };
    let pool = row("mixed/mixed/async-process-pool/");
    assert_eq!(at(&pool, "child_concurrency"), "16");
    assert_eq!(at(&pool, "limit"), "2");
    assert_eq!(at(&pool, "server_workers"), "0", "the unbounded server");
    assert_eq!(at(&pool, "path"), "/delay/0");
    assert_eq!(at(&pool, "client"), "direct");
    let pipe = row("pipeline/pipeline/threads/");
    assert_eq!(at(&pipe, "child_concurrency"), "");
    assert_eq!(at(&pipe, "path"), "", "each stage has its own path");
    assert_eq!(at(&pipe, "client"), "direct");
}

#[test]
fn the_db_takeaway_says_what_a_connection_per_task_costs_on_each_database() {
    let data = data_from(DB_FIXTURE);
    let takeaway = takeaway_of(&data, "db");
    let cases = data.group(Group::Db);
    assert_eq!(cases.len(), 20, "5 models × 2 policies × 2 databases");
    for (db, name) in [(DbKind::Sqlite, "SQLite"), (DbKind::Postgres, "PostgreSQL")] {
        let of = |connect: Connect| -> Vec<&CaseResult> {
            cases
                .iter()
                .copied()
                .filter(|c| {
                    matches!(&c.params.workload, Params::Db(p) if p.db == db && p.connect == connect)
                })
                .collect()
        };
        let (per_task, per_worker) = (of(Connect::PerTask), of(Connect::PerWorker));
        assert_eq!((per_task.len(), per_worker.len()), (5, 5), "{name}");
        // Per model, the per-task median over the per-worker one; their geometric mean, recomputed.
        let logs: Vec<f64> = per_task
            .iter()
            .map(|t| {
                let w = per_worker
                    .iter()
                    .find(|w| w.params.model == t.params.model)
                    .expect("both policies per model");
                (t.summary.makespan.median / w.summary.makespan.median).ln()
            })
            .collect();
        let geomean = (logs.iter().sum::<f64>() / logs.len() as f64).exp();
        let said = format!(
            "On {name}, a connection per task took {} as long as one per worker (geometric mean of 5 \
             models)",
            fmt::times(geomean)
        );
        assert!(takeaway.contains(&said), "{said:?} not in {takeaway:?}");
        // The nearest its ideal: the highest efficiency of the database's cases.
        let best = per_task
            .iter()
            .chain(&per_worker)
            .filter(|c| c.summary.efficiency.is_some())
            .max_by(|a, b| {
                a.summary
                    .efficiency
                    .unwrap()
                    .total_cmp(&b.summary.efficiency.unwrap())
            })
            .expect("cases with an ideal");
        let eff = fmt::pct(best.summary.efficiency.unwrap());
        assert!(
            takeaway.contains(&format!("at {eff} of it")),
            "{name}: {eff} not in {takeaway:?}"
        );
        // Every case carries the write times its ideal rests on, and a write bound is its ideal
        // wherever more than one task is in flight (the score is microseconds, the writes ms).
        for c in per_task.iter().chain(&per_worker) {
            assert!(
                c.t_write_s.is_some() && c.t_write_together_s.is_some(),
                "{}",
                c.id
            );
            if c.params.model != ModelKind::Sequential {
                assert_eq!(c.summary.bottleneck, Bottleneck::Database, "{}", c.id);
            }
        }
    }
}
