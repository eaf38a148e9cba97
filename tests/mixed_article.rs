//! The aiomultiprocess article's own shape (the mixed-article suite): its cases are the article's job
//! shrunk by one factor, with the counting sized from the published times; it fits its minute; its
//! ideals let a pool of loops reach what two cores allow; and the report's article-shape chart sets
//! each model's speedup over one loop against the article's 1.5×, says the scaling, and its sentence
//! follows the fixture's data — the wait-heavy shape's answer beside it when the report holds both.

mod common;

use common::*;
use concbench::model::ModelKind;
use concbench::names::Group;
use concbench::plan::{Case, Suite};
use concbench::render::fmt;
use concbench::report::data::{self, ReportData};
use concbench::report::{sections, table};
use concbench::workload::mixed::article;
use concbench::workload::{Calibration, Params};
use std::path::PathBuf;

fn article_cases() -> Vec<Case> {
    Suite::MixedArticle.cases()
}

#[test]
fn the_suite_is_the_articles_job_at_a_tenth_with_the_mixed_suites_models() {
    let cases = article_cases();
    let mixed = Suite::Mixed.cases();
    let models = |cs: &[Case]| -> Vec<(ModelKind, Option<usize>)> {
        cs.iter().map(|c| (c.model, c.limit)).collect()
    };
    assert_eq!(models(&cases), models(&mixed), "the same models and k");
    for c in &cases {
        assert_eq!((c.group, c.tasks), (Group::MixedArticle, 30), "{}", c.id());
        let Params::Mixed(p) = &c.workload else {
            panic!("{} is not mixed", c.id())
        };
        // A tenth of 0.2–0.7 s, and a tenth of (21 s − 0.7 s) / 30 to the millisecond.
        assert_eq!((p.wait_min_ms, p.wait_max_ms, p.cpu_ms), (20, 70, 68));
        assert_eq!(article::scale_of(p.wait_min_ms, p.wait_max_ms), Some(10.0));
        // The same seed as the mixed suite: each wait a tenth of its wait there.
        let Params::Mixed(m) = &mixed[0].workload else {
            unreachable!()
        };
        for i in 0..30 {
            let (here, there) = (p.wait(i).as_secs_f64(), m.wait(i).as_secs_f64());
            // Durations hold whole nanoseconds: ten of them is the most ten times one can be off.
            assert!((here * 10.0 - there).abs() < 1e-8, "task {i}");
        }
    }
    // The counting outweighs the mean wait, as in the article; the mixed suite's does not.
    let Params::Mixed(p) = &cases[0].workload else {
        unreachable!()
    };
    let mean_wait = (0..30).map(|i| p.wait(i).as_secs_f64()).sum::<f64>() / 30.0;
    assert!(p.cpu_ms as f64 / 1e3 > mean_wait, "{mean_wait}");
    // Neither the default suite nor the quick one holds it.
    assert!(Suite::Default
        .cases()
        .iter()
        .chain(&Suite::Quick.cases())
        .all(|c| c.group != Group::MixedArticle));
}

#[test]
fn the_suite_fits_a_minute() {
    // Its waiting at the intended t₁ (68 ms): a Python case takes as long as its Rust twin's ideal
    // at least (it has none of its own); and per repetition a fresh process (75 ms) and, for a
    // Rust case, its CPU probe, about a second in the first run on a machine shared with other
    // builds. The mixed-article fixture's run took 57 s from its first write to its last.
    let cal = Calibration {
        t1: 0.068,
        scaling: 1.0,
        write: None,
    };
    let cases = article_cases();
    let ideal = |c: &Case| {
        let twin = c.model.rust_twin().unwrap_or(c.model);
        let c = Case {
            model: twin,
            ..c.clone()
        };
        c.ideal(2, Some(cal)).expect("a Rust case has an ideal")
    };
    let floor: f64 = cases
        .iter()
        .map(|c| {
            let per = ideal(c) + 0.075 + if c.model.is_python() { 0.0 } else { 1.0 };
            per * (c.warmup + c.repeat) as f64
        })
        .sum();
    assert!(floor < 55.0, "the mixed-article suite needs {floor:.1} s");
}

#[test]
fn on_two_cores_physics_allows_a_pool_of_loops_twice_one_loop() {
    let cal = Calibration {
        t1: 0.068,
        scaling: 1.0,
        write: None,
    };
    let cases = article_cases();
    let ideal = |m: ModelKind, cores: usize| {
        cases
            .iter()
            .find(|c| c.model == m)
            .unwrap()
            .ideal(cores, Some(cal))
            .unwrap()
    };
    // One loop: the 30 countings one after another; the waits (at most 70 ms) hide behind them.
    let one = ideal(ModelKind::AsyncSingle, 2);
    assert!((one - 30.0 * 0.068).abs() < 1e-9, "{one}");
    let pool = ideal(ModelKind::AsyncProcessPool, 2);
    assert!((one / pool - 2.0).abs() < 1e-9, "{one} / {pool}");
    assert!(one / pool > article::published_ratio());
    // On one core nothing counts beside the loop: no speedup is physical.
    assert!(
        (ideal(ModelKind::AsyncSingle, 1) / ideal(ModelKind::AsyncProcessPool, 1) - 1.0).abs()
            < 1e-9
    );
}

// ---- The report ----

fn article_data() -> ReportData {
    data_from(MIXED_ARTICLE_FIXTURE)
}

/// The fixture beside the wait-heavy shape's (the mixed fixture).
fn both_shapes() -> ReportData {
    let files = [MIXED_ARTICLE_FIXTURE, MIXED_FIXTURE]
        .map(|p| (PathBuf::from(p), load(p)))
        .to_vec();
    ReportData::merge(files, Vec::new())
}

fn median_of(data: &ReportData, group: Group, model: ModelKind) -> f64 {
    case_of(data, group, model).summary.makespan.median
}

#[test]
fn the_chart_marks_the_articles_ratio_and_says_the_scaling() {
    let data = article_data();
    let chart = sections::mixed::article::chart(&data).expect("an article-shape chart");
    let info = chart.info();
    assert_eq!(info.stem, "mixed-article");
    assert_eq!(
        info.title,
        "The article's job at 1/10: waits 20–70 ms, 68 ms of counting a task"
    );
    let notes = chart.notes().join(" ");
    assert!(
        notes.contains("Scaled by 1/10: waits 20–70 ms (the article's 200–700 ms) and 68 ms")
            && notes.contains("the article's times ÷ 10 are 2.100 s and 1.400 s"),
        "{notes}"
    );
    let texts = svg_texts(&chart.svg().unwrap());
    assert!(texts.contains(&info.title), "{texts:?}");
    assert!(texts
        .iter()
        .any(|t| t == "the article: 21 s on one asyncio loop / 14 s on aiomultiprocess = 1.50×"));
    // Each row says its speedup over its own language's loop, from the medians.
    let one = median_of(&data, Group::MixedArticle, ModelKind::AsyncSingle);
    let pool = median_of(&data, Group::MixedArticle, ModelKind::AsyncProcessPool);
    let row = format!("{} as fast · {}", fmt::times(one / pool), fmt::secs(pool));
    assert!(texts.contains(&row), "{row:?} not in {texts:?}");
    let py_one = median_of(&data, Group::MixedArticle, ModelKind::PyAsyncio);
    let py_pool = median_of(&data, Group::MixedArticle, ModelKind::PyAsyncProcessPool);
    let row = format!(
        "{} as fast · {}",
        fmt::times(py_one / py_pool),
        fmt::secs(py_pool)
    );
    assert!(texts.contains(&row), "{row:?} not in {texts:?}");
    assert!(!texts.iter().any(|t| t.contains("NaN") || t.contains("inf")));
}

#[test]
fn the_takeaway_sets_the_pair_against_the_articles_ratio() {
    let data = article_data();
    let t = takeaway_of(&data, "mixed-article");
    let one = case_of(&data, Group::MixedArticle, ModelKind::AsyncSingle);
    let pool = case_of(&data, Group::MixedArticle, ModelKind::AsyncProcessPool);
    let (a, b) = (one.summary.makespan.median, pool.summary.makespan.median);
    let r = a / b;
    let word = match r / 1.5 {
        x if x > 1.05 => "above",
        x if x < 1.0 / 1.05 => "below",
        _ => "close to",
    };
    // When every case is unstable the sentence says so once, up front; else each by name.
    let cases = data.group(Group::MixedArticle);
    let all = cases.iter().all(|c| !c.summary.unstable.is_empty());
    let name = |c: &concbench::results::CaseResult| match all || c.summary.unstable.is_empty() {
        true => data::label(c),
        false => format!("{} (unstable)", data::label(c)),
    };
    let expected = format!(
        "{} took {} and {} {}: {}, {word} the article's 1.50× (21 s on one asyncio loop, 14 s on \
         aiomultiprocess)",
        name(one),
        fmt::secs(a),
        name(pool),
        fmt::secs(b),
        fmt::times(r)
    );
    assert!(t.contains(&expected), "{expected:?} not in {t}");
    let py_one = case_of(&data, Group::MixedArticle, ModelKind::PyAsyncio);
    let py_pool = case_of(&data, Group::MixedArticle, ModelKind::PyAsyncProcessPool);
    let expected = format!(
        "in Python on this machine {} took {} against {}'s {}: {}",
        name(py_one),
        fmt::secs(py_one.summary.makespan.median),
        name(py_pool),
        fmt::secs(py_pool.summary.makespan.median),
        fmt::times(py_one.summary.makespan.median / py_pool.summary.makespan.median)
    );
    assert!(t.contains(&expected), "{expected:?} not in {t}");
    // Without the mixed suite's cases the wait-heavy shape is not spoken of.
    assert!(!t.contains("wait-heavy"), "{t}");
}

#[test]
fn beside_the_wait_heavy_shape_the_takeaway_says_how_it_answered() {
    let data = both_shapes();
    let t = takeaway_of(&data, "mixed-article");
    let heavy = median_of(&data, Group::Mixed, ModelKind::AsyncSingle)
        / median_of(&data, Group::Mixed, ModelKind::AsyncProcessPool);
    let here = median_of(&data, Group::MixedArticle, ModelKind::AsyncSingle)
        / median_of(&data, Group::MixedArticle, ModelKind::AsyncProcessPool);
    let verdict = match heavy / here {
        x if x < 1.0 / 1.05 => "less",
        x if x > 1.05 => "more",
        _ => "about as much",
    };
    let one = case_of(&data, Group::Mixed, ModelKind::AsyncSingle);
    let share = 30.0 * one.t1_s.unwrap() / one.summary.makespan.median;
    let expected = format!(
        "the wait-heavy shape (the mixed suite: waits of {} on average, {} of counting a task) \
         gained {verdict}, {}, its one loop counting for {} of its makespan",
        fmt::secs((0..30).map(|i| wait_of(&data, i)).sum::<f64>() / 30.0),
        fmt::secs(one.t1_s.unwrap()),
        fmt::times(heavy),
        fmt::pct(share)
    );
    assert!(t.contains(&expected), "{expected:?} not in {t}");
    // The mixed chart's own sentence is unchanged by the article's cases beside it.
    assert_eq!(
        takeaway_of(&data, "mixed"),
        takeaway_of(&data_from(MIXED_FIXTURE), "mixed")
    );
}

/// Task `i`'s wait in the mixed fixture's shape, seconds.
fn wait_of(data: &ReportData, i: u64) -> f64 {
    match &case_of(data, Group::Mixed, ModelKind::AsyncSingle)
        .params
        .workload
    {
        Params::Mixed(p) => p.wait(i).as_secs_f64(),
        _ => unreachable!(),
    }
}

#[test]
fn the_computing_and_waiting_table_covers_the_article_shape_too() {
    let data = article_data();
    let tables = table::tables(&data);
    let g = group_tables(&tables, "mixed-article");
    let split = g
        .more
        .iter()
        .find(|t| t.group == "mixed-article: computing and waiting")
        .expect("a computing and waiting table");
    let cases = data.group(Group::MixedArticle);
    assert_eq!(split.rows.len(), cases.len());
    for c in cases {
        let label = data::label(c);
        let waiting: f64 = match &c.params.workload {
            Params::Mixed(p) => (0..30).map(|i| p.wait(i).as_secs_f64()).sum(),
            _ => unreachable!(),
        };
        assert_eq!(cell(split, &label, "waiting (Σ waits)"), fmt::secs(waiting));
    }
}
