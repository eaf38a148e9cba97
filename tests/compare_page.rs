//! `concbench compare --html` and the machines page: the page shows both charts and the verdicts
//! escaped, is written whole or not at all, skips and lists unreadable files, and reads whole at 196
//! cases (the shipped reference run against another: every chart label inside its chart and clear of
//! the others, the machines table narrower than the page).

mod common;

use common::*;
use concbench::cli::CompareArgs;
use concbench::compare::{self, Format};
use concbench::names::Group;
use concbench::results::{CaseResult, ResultFile};
use std::path::{Path, PathBuf};

fn parse_html(html: &str) -> roxmltree::Document<'_> {
    roxmltree::Document::parse_with_options(
        html,
        roxmltree::ParsingOptions {
            allow_dtd: true,
            ..Default::default()
        },
    )
    .expect("the page is well-formed")
}

/// Every piece of text the page shows, its SVG text included.
fn page_texts(doc: &roxmltree::Document) -> String {
    doc.descendants()
        .filter_map(|n| n.text())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn html_page_shows_both_charts_and_the_verdicts_escaped() {
    let dir = tmpdir("html");
    let hostile = "cpu/<script>alert(1)</script>";
    let with_hostile = |mut c: CaseResult| {
        c.id = hostile.into();
        c
    };
    let base = file(
        "base",
        vec![
            case(1, &noisy(1.0, &NOISE_A)),
            case(2, &noisy(1.0, &NOISE_A)),
            with_hostile(case(4, &noisy(1.0, &NOISE_A))),
        ],
    );
    let other = file(
        "other",
        vec![
            case(1, &noisy(1.0, &NOISE_B)),
            case(2, &noisy(0.6, &NOISE_B)),
            with_hostile(case(4, &noisy(1.3, &NOISE_B))),
        ],
    );
    let (a, b) = (dir.join("a.json"), dir.join("b.json"));
    base.save(&a).unwrap();
    other.save(&b).unwrap();
    let page_dir = dir.join("page");
    let out = concbench(&[
        "compare",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "--html",
        page_dir.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let index = page_dir.join("index.html");
    assert!(stderr.contains(index.to_str().unwrap()), "{stderr}");
    let html = std::fs::read_to_string(&index).unwrap();
    let doc = parse_html(&html);
    assert!(
        !doc.descendants().any(|n| n.has_tag_name("script")),
        "a case id must not become a script"
    );
    assert!(!html.contains("<script"), "unescaped case id");
    let remote = doc.descendants().any(|n| {
        n.attributes()
            .any(|a| ["src", "href"].contains(&a.name()) && a.value().contains("//"))
    });
    assert!(!remote, "nothing is fetched from the network");
    let texts = page_texts(&doc);
    // The grouped bars name each run, the ratio chart its verdict classes; the table holds the verdicts.
    for series in [
        "A: base, baseline",
        "B: other",
        "faster, beyond the threshold",
        "slower, beyond the threshold",
        "~ no change found",
    ] {
        assert!(texts.contains(series), "missing {series:?}");
    }
    let svgs = doc.descendants().filter(|n| n.has_tag_name("svg")).count();
    assert_eq!(
        svgs, 3,
        "the summary, then the one group's ratio chart and bar chart"
    );
    let verdicts: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("td"))
        .filter_map(|n| n.text())
        .filter(|t| ["faster", "slower", "~"].contains(t))
        .collect();
    // The summary's group, then the group's three cases and its geomean: 0.6 and 1.3 cancel.
    assert_eq!(verdicts, ["~", "~", "faster", "slower", "~"], "{texts}");
    // Under its group's heading, the id without the group: the script part shows as text.
    assert!(
        texts.contains("<script>alert(1)</script>"),
        "the hostile id shows as text"
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// A store with these machine ids, one run each, and the report of the first written to `out`.
fn report_with_store(dir: &Path, ids: &[&str]) -> PathBuf {
    let store = dir.join("store");
    for (i, id) in ids.iter().enumerate() {
        let centre = 1.0 + i as f64 * 0.5;
        file(id, vec![case(1, &noisy(centre, &NOISE_A))])
            .save(&store.join(id).join("run.json"))
            .unwrap();
    }
    let out = dir.join("report");
    let run = concbench(&[
        "report",
        store.join(ids[0]).to_str().unwrap(),
        "--store",
        store.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    out
}

#[test]
fn machines_page_only_with_several_machines() {
    let dir = tmpdir("machines-two");
    let out = report_with_store(&dir, &["laptop", "server"]);
    let page = std::fs::read_to_string(out.join("machines.html")).expect("a machines page");
    let doc = parse_html(&page);
    let header: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("th"))
        .filter_map(|n| n.text())
        .collect();
    assert!(
        header.contains(&"laptop") && header.contains(&"server"),
        "{header:?}"
    );
    let cells: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("td"))
        .filter_map(|n| n.text())
        .collect();
    // ideal 0.5 s over medians of about 1.0 s and 1.5 s: one column per machine.
    let row = cells
        .windows(3)
        .find(|w| w[0].ends_with("n8-k1-i1000"))
        .unwrap_or_else(|| panic!("no case row in {cells:?}"));
    assert!(row[1].starts_with("50 % · 1.00"), "{row:?}");
    assert!(row[2].starts_with("33 % · 1.50"), "{row:?}");
    let index = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(index.contains("href=\"machines.html\""));
    let _ = std::fs::remove_dir_all(&dir);

    let dir = tmpdir("machines-one");
    let out = report_with_store(&dir, &["laptop"]);
    assert!(!out.join("machines.html").exists());
    let index = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(!index.contains("machines.html"));
    let _ = std::fs::remove_dir_all(dir);
}

/// A result file cut short, as a copy interrupted half-way leaves it.
fn truncated(from: &Path, to: &Path) {
    let text = std::fs::read(from).unwrap();
    std::fs::write(to, &text[..text.len() / 2]).unwrap();
}

#[test]
fn a_truncated_file_in_a_directory_is_skipped_and_listed() {
    let dir = tmpdir("truncated");
    let good = dir.join("good.json");
    file("good", vec![case(1, &noisy(1.0, &NOISE_A))])
        .save(&good)
        .unwrap();
    // A machine's directory in a store, as `make compare A=<id>` names it: a run and a cut copy.
    let store = dir.join("store");
    let machine = store.join("other");
    let run = machine.join("2025-01-01.json");
    file("other", vec![case(1, &noisy(1.0, &NOISE_B))])
        .save(&run)
        .unwrap();
    let cut = machine.join("2025-02-01.json");
    truncated(&run, &cut);
    let as_dir = [good.to_str().unwrap(), machine.to_str().unwrap()];
    let as_id = [
        "--store",
        store.to_str().unwrap(),
        good.to_str().unwrap(),
        "other",
    ];
    for args in [&as_dir[..], &as_id[..]] {
        let out = concbench(&[&["compare"], args].concat());
        let err = stderr(&out);
        assert!(out.status.success(), "{args:?}: {err}");
        assert!(
            err.contains("skipped") && err.contains("2025-02-01.json"),
            "{args:?} lists the file it skipped: {err}"
        );
        let table = String::from_utf8_lossy(&out.stdout);
        assert!(
            table.contains("n8-k1-i1000"),
            "the good run compares: {table}"
        );
    }
    // The JSON says so too.
    let c = compare::compare(&CompareArgs {
        runs: as_dir.iter().map(|s| s.to_string()).collect(),
        threshold: 5.0,
        format: Format::Json,
        store: store.clone(),
        html: None,
        fail_on: None,
    })
    .unwrap();
    assert!(
        c.warnings.iter().any(|w| w.contains("2025-02-01.json")),
        "{:?}",
        c.warnings
    );
    // Nothing readable left: refused with one line naming the file.
    std::fs::remove_file(&run).unwrap();
    refused(&[&["compare"], &as_dir[..]].concat(), "2025-02-01.json");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_failed_page_write_leaves_the_old_page_and_no_partial_file() {
    let dir = tmpdir("full");
    let (a, b) = (dir.join("a.json"), dir.join("b.json"));
    file("a", vec![case(1, &noisy(1.0, &NOISE_A))])
        .save(&a)
        .unwrap();
    file("b", vec![case(1, &noisy(1.3, &NOISE_B))])
        .save(&b)
        .unwrap();
    let page_dir = dir.join("page");
    std::fs::create_dir_all(&page_dir).unwrap();
    let index = page_dir.join("index.html");
    std::fs::write(&index, "the page of an earlier comparison").unwrap();
    // A full disk, for this process only: files may not grow past 2 blocks (`ulimit -f`: 1 or 2 KiB
    // by the shell), far less than a page, and the write past it fails with EFBIG instead of killing
    // the process (SIGXFSZ ignored, which exec keeps). stdout is a pipe, which the limit leaves alone.
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg("trap '' XFSZ; ulimit -f 2 && exec \"$0\" \"$@\"")
        .arg(EXE)
        .args(["compare", a.to_str().unwrap(), b.to_str().unwrap()])
        .arg("--html")
        .arg(&page_dir)
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "the write must fail: {err}");
    assert!(err.contains("index.html"), "says which file: {err}");
    assert_eq!(
        std::fs::read_to_string(&index).unwrap(),
        "the page of an earlier comparison",
        "a failed write must leave the old page whole"
    );
    let left: Vec<_> = std::fs::read_dir(&page_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left, ["index.html"], "no partial file left beside it");
    // With no earlier page, no page at all rather than an empty or partial one.
    std::fs::remove_file(&index).unwrap();
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg("trap '' XFSZ; ulimit -f 2 && exec \"$0\" \"$@\"")
        .arg(EXE)
        .args(["compare", a.to_str().unwrap(), b.to_str().unwrap()])
        .arg("--html")
        .arg(&page_dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(std::fs::read_dir(&page_dir).unwrap().count(), 0);
    let _ = std::fs::remove_dir_all(dir);
}

/// The shipped reference run, and the same run as another machine would have made it: a long machine
/// id, CPU name and kernel, its file deep in a long path, its cpu cases at 0.4 to 1 of the
/// reference's makespans and every other group up to 35 % slower (each sample a little apart, so the
/// rules have something to decide).
fn reference_and_another(dir: &Path) -> (PathBuf, PathBuf) {
    let reference = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("reports/results/vm-35e81f9f/2026-12-05T10-47-33.189Z-4892.json");
    let mut other = ResultFile::load(&reference).unwrap();
    other.machine.machine_id = "ci-runner-with-a-rather-long-host-name-0123456789abcdef".into();
    other.machine.cpu_model =
        "Intel(R) Xeon(R) Platinum 8370C CPU @ 2.80GHz (with a long name)".into();
    other.machine.kernel = "Linux 6.8.0-1021-azure-and-a-long-local-version-suffix x86_64".into();
    let mut rng = concbench::rng::Rng::new(5);
    for c in &mut other.cases {
        let factor = match c.group {
            Group::Cpu if c.params.limit.unwrap_or(1) > 1 => 0.4,
            Group::Cpu => 1.0,
            Group::Seed => 1.0,
            Group::Memory => 1.35,
            Group::Db => 0.8,
            _ => 1.1,
        };
        for s in &mut c.samples {
            s.makespan_s *= factor * (1.0 + 0.01 * (rng.unit() - 0.5));
        }
    }
    let path = dir
        .join("a-long-directory-name-for-a-fresh-run/reports/results")
        .join(&other.machine.machine_id)
        .join("2026-12-04T23-59-59.123Z-123456.json");
    other.save(&path).unwrap();
    (reference, path)
}

/// Every text of every chart of a page inside its SVG, and no two of one chart overlapping.
fn labels_fit(doc: &roxmltree::Document) -> usize {
    let mut charts = 0;
    for svg in doc.descendants().filter(|n| n.has_tag_name("svg")) {
        charts += 1;
        let faults = label_faults(svg);
        assert!(faults.is_empty(), "{}", faults.join("\n"));
    }
    charts
}

#[test]
fn the_page_of_the_reference_run_against_another_reads_whole() {
    let dir = tmpdir("page-layout");
    let (a, b) = reference_and_another(&dir);
    let page_dir = dir.join("page");
    let out = concbench(&[
        "compare",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "--html",
        page_dir.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let html = std::fs::read_to_string(page_dir.join("index.html")).unwrap();
    let doc = parse_html(&html);

    // The machines table fits the page (1100 px of text at 0.82 em of 16 px, 0.6 em a character,
    // half an em of padding either side): each column as wide as its longest unbreakable piece —
    // a whole cell where cells do not wrap (the style sheet's `nowrap`), else its words and the
    // pieces `<wbr/>` separates.
    let table = doc
        .descendants()
        .find(|n| n.has_tag_name("table"))
        .expect("the machines table comes first");
    let char_px = 0.82 * 16.0 * 0.6;
    let mut widths: Vec<f64> = Vec::new();
    for row in table.descendants().filter(|n| n.has_tag_name("tr")) {
        let cells = row
            .children()
            .filter(|n| n.has_tag_name("td") || n.has_tag_name("th"));
        for (i, cell) in cells.enumerate() {
            let wraps = i == 0
                || cell
                    .attribute("style")
                    .is_some_and(|s| s.contains("white-space: normal"));
            let pieces: Vec<String> = if wraps {
                cell.children()
                    .filter_map(|n| n.text())
                    .flat_map(|t| t.split_whitespace().map(String::from).collect::<Vec<_>>())
                    .collect()
            } else {
                vec![cell.descendants().filter_map(|n| n.text()).collect()]
            };
            let longest = pieces.iter().map(|p| p.chars().count()).max().unwrap_or(0);
            let px = longest as f64 * char_px + 0.82 * 16.0;
            if widths.len() <= i {
                widths.push(0.0);
            }
            widths[i] = widths[i].max(px);
        }
    }
    // The first column's `min-width: 12em`.
    widths[0] = widths[0].max(12.0 * 0.82 * 16.0);
    let total: f64 = widths.iter().sum();
    assert!(
        total <= 1100.0,
        "the machines table needs {total:.0} px: {widths:?}"
    );
    let whole: String = table.descendants().filter_map(|n| n.text()).collect();
    assert!(
        whole.contains("2026-12-04T23-59-59.123Z-123456.json"),
        "B's file is shown whole: {whole}"
    );
    let texts = page_texts(&doc);

    // A summary of every group first: one row per group in the summary chart and table.
    let sections: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("section"))
        .filter_map(|n| n.attribute("id"))
        .collect();
    assert_eq!(sections[0], "summary", "{sections:?}");
    let c = compare::compare(&CompareArgs {
        runs: vec![a.display().to_string(), b.display().to_string()],
        threshold: 5.0,
        format: Format::Json,
        store: "reports/results".into(),
        html: None,
        fail_on: None,
    })
    .unwrap();
    assert_eq!(sections.len(), 1 + c.groups.len());
    let cases: usize = c.groups.iter().map(|g| g.rows.len()).sum();
    assert!(cases >= 150, "{cases} cases");
    let summary = doc
        .descendants()
        .find(|n| n.attribute("id") == Some("summary"))
        .unwrap();
    let summary_rows = summary
        .descendants()
        .filter(|n| n.has_tag_name("tr"))
        .count();
    assert_eq!(
        summary_rows,
        1 + c.groups.len(),
        "a header and a row per group"
    );
    for g in &c.groups {
        assert!(
            texts.contains(&format!("{} ({})", g.name, g.rows.len())),
            "the summary names {}",
            g.name
        );
    }
    // Then per group its cases' ratios on an axis of its own, centred on 1, and its medians: two
    // charts a group, and every label of every chart inside it and clear of the others.
    let charts = labels_fit(&doc);
    assert_eq!(charts, 1 + 2 * c.groups.len());
    for g in &c.groups {
        let x = compare::charts::ratios::group(&c, g).x_range();
        assert!((x.start * x.end - 1.0).abs() < 1e-9, "{}: {x:?}", g.name);
    }
    let cpu = c.groups.iter().find(|g| g.name == "cpu").unwrap();
    let seed = c.groups.iter().find(|g| g.name == "seed").unwrap();
    let (cpu_x, seed_x) = (
        compare::charts::ratios::group(&c, cpu).x_range(),
        compare::charts::ratios::group(&c, seed).x_range(),
    );
    // The cpu group's 0.4 stretches its own axis, not the seed's.
    assert!(
        cpu_x.start < 0.4 && seed_x.end < 1.5,
        "{cpu_x:?} {seed_x:?}"
    );
    let _ = std::fs::remove_dir_all(dir);
}
