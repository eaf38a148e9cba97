//! `concbench report` from saved result files: every chart drawn from the committed fixtures (SVG
//! that parses, PNG of the right size), the Markdown tables pinned by a snapshot, an index.html that
//! parses and references every chart, hostile strings escaped, every bad input refused with exit 2 and
//! one line naming the file, and what every section's table carries: n, caveats, failures, the client
//! pair, the machine noise, results.csv. Each section's own charts and sentences are tested beside its
//! workload (tests/<workload>.rs).

mod common;

use common::*;
use concbench::client::ClientKind;
use concbench::names::{Bottleneck, ModelKind};
use concbench::report::data;
use concbench::report::export::Markdown;
use concbench::report::sections;
use concbench::report::{table, write};
use concbench::results::{Instability, InstabilityKind};
use concbench::store::criterion::{Sidecar, SIDECAR};
use concbench::workload::{IoParams, Params};
use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

/// Every fixture rendered once for every test that only reads the output. A static is never dropped,
/// so the directory is removed when the test binary exits (which runs `atexit` handlers, after the
/// last test, whether tests failed or not).
fn rendered() -> &'static Path {
    static DIR: OnceLock<TmpDir> = OnceLock::new();
    extern "C" fn remove() {
        if let Some(dir) = DIR.get() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
    DIR.get_or_init(|| {
        let dir = tmpdir("fixture");
        write(&every_fixture(), &dir).expect("the fixtures render");
        // SAFETY: registers a plain function with no arguments, as atexit requires.
        unsafe { libc::atexit(remove) };
        dir
    })
}

fn report(args: &[&str]) -> std::process::Output {
    concbench(&[&["report"], args].concat())
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
        "mixed-article" => &[
            "measured: the one loop's median makespan over this model's (bar in the model's colour)",
            "ideal: the one loop's ideal over this model's",
            "the article: 21 s on one asyncio loop / 14 s on aiomultiprocess = 1.50×",
            "async-single N=30 !",
            "async-process-pool k=2 N=30 !",
            "py-async-process-pool k=2 N=30 !",
        ],
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
        "subprocess" => &[
            "measured median (bar in the model's colour)",
            "ideal: ⌈N / k⌉ × the child's sleep",
            "Effective Python (item 52): 10 children of a 1 s sleep at once",
            "threads N=10 !",
            "async-semaphore k=8 N=200 !",
        ],
        "convoy" => &[
            "p50 of the GETs in the mix ÷ d (upper bar, the model's colour)",
            "the same GETs alone, same percentile ÷ d (grey tick)",
            "ideal: 1× (every GET answered after d)",
            "thread-pool k=8",
            "async-single",
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
        "payload" => &[
            "sequential",
            "thread-pool",
            "process-pool",
            "async-process-pool",
            "bytes handed to each task and back, B (one tick per size)",
        ],
        "ipc" => &[
            "pipe",
            "shm",
            "queue",
            "memcpy at that size (Rust's case processes)",
            "message size (log scale)",
        ],
        "contention" => &[
            "mutex",
            "atomic",
            "sharded",
            "unguarded",
            "threads updating at once, N (log scale)",
        ],
        "scale-io" => &[
            "async",
            "async-semaphore",
            "threads",
            "against the unbounded server",
        ],
        "ledger-seed" | "ledger-io-sweep" | "ledger-limit-sweep" | "ledger-mixed" => &[
            "spawn",
            "slot",
            "backlog",
            "serve",
            "residual",
            "milliseconds beyond the ideal",
        ],
        "ledger-subprocess" | "ledger-convoy" | "ledger-payload" => &[
            "client",
            "residual",
            "milliseconds beyond the ideal",
        ],
        "advice-check" => &[
            "threads",
            "async",
            "process-pool",
            "predicted = measured, ±10 %",
            "measured makespan, seconds (log scale)",
        ],
        "load-curve-bounded" | "load-curve-unbounded" => &[
            "threads",
            "thread-pool",
            "async-semaphore",
            "async",
            "ideal",
            "offered rate, tasks per second",
            "p99 task latency (log scale)",
        ],
        "load-curve-knee" => &[
            "threads",
            "async",
            "seconds since the first release",
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
fn criterion_dir(name: &str) -> TmpDir {
    let dir = tmpdir(name);
    let b = dir.join("io/async/n9-w9-20ms/main");
    std::fs::create_dir_all(&b).unwrap();
    let side = Sidecar {
        id: "io/async/n9-w9-20ms".into(),
        params: concbench::results::CaseParams {
            cpu_lanes: 2,
            ..case_params(
                ModelKind::Async,
                9,
                None,
                Params::Io(IoParams::new(plan(9, std::time::Duration::from_millis(20)))),
            )
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
    let seed = &group_tables(&tables, "seed").table;
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
    let seed = group_tables(&tables, "seed");
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
    let seed = group_tables(&tables, "seed");
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
    let sweep = group_tables(&tables, "io-sweep");
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
