//! `concbench report` from saved result files: every chart drawn from the committed fixture (SVG that
//! parses, PNG of the right size), the Markdown tables pinned by a snapshot, an index.html that parses
//! and references every chart, takeaways that follow the data, hostile strings escaped, and every bad
//! input refused with exit 2 and one line naming the file.

use concbench::report::charts::{self, ALL_STEMS};
use concbench::report::data::ReportData;
use concbench::report::export::Markdown;
use concbench::report::{table, write};
use concbench::results::ResultFile;
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

/// The fixture rendered once for every test that only reads the output.
fn rendered() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tmpdir("fixture");
        write(&data_of(fixture()), &dir).expect("the fixture renders");
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
        other => panic!("no expectation for chart {other}"),
    }
}

#[test]
fn every_chart_is_drawn_as_svg_and_png() {
    let dir = rendered();
    let data = data_of(fixture());
    let charts = charts::all(&data);
    let stems: Vec<&str> = charts.iter().map(|c| c.info().stem).collect();
    assert_eq!(stems, ALL_STEMS, "the fixture has data for every chart");
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
    for stem in ALL_STEMS {
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
    for group in ["seed", "io-sweep", "limit-sweep", "cpu", "memory"] {
        assert!(
            doc.descendants()
                .any(|n| n.attribute("id") == Some(&format!("table-{group}"))),
            "no table for {group}"
        );
    }
    let md = read(&dir.join("report.md"));
    for stem in ALL_STEMS {
        assert!(
            md.contains(&format!("](charts/{stem}.png)")),
            "report.md lacks {stem}"
        );
    }
    let csv = read(&dir.join("results.csv"));
    assert_eq!(csv.lines().count(), 1 + fixture().cases.len());
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
    case.summary = concbench::run::summarise(&case.samples, case.ideal_s, &case.summary.bottleneck);
    let data = data_of(file);
    let seed = charts::all(&data)
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
    file.cases[0].params.model = evil.to_string();
    file.machine.cpu_model = format!("{evil} & co");
    let dir = tmpdir("hostile");
    write(&data_of(file), &dir).unwrap();
    let html = read(&dir.join("index.html"));
    assert!(!html.to_lowercase().contains("<script"), "raw script tag");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    let md = read(&dir.join("report.md"));
    assert!(!md.to_lowercase().contains("<script"), "raw script tag");
    assert!(md.contains("&lt;script&gt;"));
    // The label reaches the SVG charts too, where it must be text, not markup.
    let seed = read(&dir.join("charts/seed.svg"));
    assert!(svg_texts(&seed).iter().any(|t| t.contains(evil)));
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
