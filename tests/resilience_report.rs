//! The tails, rate-limit and retries sections read a real run of the resilience suite
//! (tests/fixtures/resilience.json, made by tests/fixtures/make-resilience.sh): each renders its
//! table with one row per case, its sentences carry the fixture's own figures (computed here from the
//! raw samples, not by the crate and not written down), the server's count of 429s equals the
//! client's in every rate-limit row, and a case whose counts disagree is shown as such.

mod common;

use common::*;
use concbench::names::Group;
use concbench::render::fmt::{count, secs};
use concbench::render::table::Table;
use concbench::report::table::{self, GroupTables};
use concbench::results::{CaseResult, RequestCounts, ResultFile, Sample};
use concbench::workload::Params;

/// The section's own table under a group's: the one titled `<group>: …`.
fn section_table<'a>(tables: &'a [GroupTables], group: &str) -> &'a Table {
    group_tables(tables, group)
        .more
        .iter()
        .find(|t| t.group.starts_with(&format!("{group}: ")))
        .unwrap_or_else(|| panic!("no section table under {group}"))
}

fn column(t: &Table, header: &str) -> usize {
    t.header
        .iter()
        .position(|h| h == header)
        .unwrap_or_else(|| panic!("no column {header} in {:?}", t.header))
}

/// A figure's median over a case's repetitions, computed here.
fn med(c: &CaseResult, f: impl Fn(&Sample) -> f64) -> f64 {
    median(c.samples.iter().map(f).collect())
}

/// A count's median as the sections print it: rounded, with separators.
fn med_count(c: &CaseResult, f: impl Fn(&Sample) -> u64) -> String {
    count(med(c, |s| f(s) as f64).round() as u64)
}

fn makespan(c: &CaseResult) -> String {
    secs(med(c, |s| s.makespan_s))
}

/// A repetition's counts as the client made them.
fn reqs(s: &Sample) -> &RequestCounts {
    s.requests.as_ref().expect("the client counted")
}

/// The server's 429s and failed tries (500s and resets); no outcomes: nothing misbehaved.
fn server(s: &Sample) -> (u64, u64) {
    let o = s.server.expect("the server was read").outcomes;
    o.map_or((0, 0), |o| (o.refused_429, o.failed_500 + o.reset))
}

/// The io parameters of a case.
fn io(c: &CaseResult) -> &concbench::workload::IoParams {
    match &c.params.workload {
        Params::Io(io) => io,
        other => panic!("{}: not io: {other:?}", c.id),
    }
}

/// The sentences under a group's table (its footnotes), as one text.
fn said(tables: &[GroupTables], group: &str) -> String {
    group_tables(tables, group).footnotes.join("\n")
}

#[test]
fn every_section_renders_its_table_with_one_row_per_case_in_run_order() {
    let file = load(RESILIENCE_FIXTURE);
    let data = data_of(file.clone());
    let tables = table::tables(&data);
    let mut rows = 0;
    for (group, name) in [
        (Group::Tails, "tails"),
        (Group::RateLimit, "rate-limit"),
        (Group::Retries, "retries"),
    ] {
        let cases = data.group(group);
        assert!(cases.len() >= 8, "{name}: {} cases", cases.len());
        let t = section_table(&tables, name);
        assert_eq!(t.rows.len(), cases.len(), "{name}: a row per case");
        let col = column(t, "makespan");
        for (row, c) in t.rows.iter().zip(&cases) {
            assert_eq!(row[col], makespan(c), "{name}: {}", c.id);
            assert!(row.iter().all(|cell| !cell.is_empty()), "{row:?}");
        }
        rows += t.rows.len();
    }
    assert_eq!(rows, file.cases.len(), "a row for every case of the suite");
}

#[test]
fn the_tails_sentences_carry_each_familys_makespans_extra_requests_and_threads() {
    let data = data_from(RESILIENCE_FIXTURE);
    let text = said(&table::tables(&data), "tails");
    let cases = data.group(Group::Tails);
    // The first model of each family (as many requests at once: all, or k) is said in full, policy
    // by policy, in run order.
    let firsts = [
        cases.iter().find(|c| c.params.limit.is_none()).unwrap(),
        cases.iter().find(|c| c.params.limit.is_some()).unwrap(),
    ];
    for first in firsts {
        let mine: Vec<&CaseResult> = cases
            .iter()
            .copied()
            .filter(|c| c.params.model == first.params.model)
            .collect();
        let [plain, retry, hedge] = mine[..] else {
            panic!("{}: three policies", first.params.model)
        };
        let n = plain.params.tasks as u64;
        let extra = |c: &CaseResult| med_count(c, |s| reqs(s).sent - n);
        let policy = |c: &CaseResult| io(c).policy.clone().expect("a policy");
        let threads = |c: &CaseResult| count(c.summary.threads_peak);
        let name = match first.params.limit {
            Some(k) => format!("{} k={k}", first.params.model),
            None => first.params.model.to_string(),
        };
        let want = format!(
            "{name} took {} plain, {} with a {} ms timeout and {} retries ({} extra requests), {} \
             hedged after {} ms ({} extra requests, {} threads at peak against {})",
            makespan(plain),
            makespan(retry),
            io(retry).timeout_ms,
            policy(retry).retries,
            extra(retry),
            makespan(hedge),
            policy(hedge).hedge_after_ms.unwrap(),
            extra(hedge),
            threads(hedge),
            threads(plain),
        );
        assert!(text.contains(&want), "{want}\nnot in\n{text}");
    }
    // Each other model: its three makespans, and its threads.
    let said_in_full = firsts.map(|c| c.params.model);
    for c in cases
        .iter()
        .filter(|c| !said_in_full.contains(&c.params.model))
    {
        assert!(text.contains(&makespan(c)), "{}: {text}", c.id);
        assert!(
            text.contains(&format!("on {} threads", c.summary.threads_peak)),
            "{text}"
        );
    }
    assert_eq!(text.lines().count(), 2, "a sentence per family: {text}");
}

#[test]
fn the_rate_limit_sentences_carry_each_policys_makespan_and_429s() {
    let data = data_from(RESILIENCE_FIXTURE);
    let text = said(&table::tables(&data), "rate-limit");
    let refused = |c: &CaseResult| med_count(c, |s| reqs(s).refused_429);
    let mut seen = Vec::new();
    for c in data.group(Group::RateLimit) {
        let m = io(c).misbehaviour.clone().expect("a limit");
        let rate = m.rate.unwrap().trim_end_matches("/s").to_string();
        let lead = format!(
            "Under a {rate} req/s limit with a burst of {}, {} k={}",
            m.burst.unwrap(),
            c.params.model,
            c.params.limit.unwrap()
        );
        assert!(text.contains(&lead), "{lead}: {text}");
        // A model's first case opens its sentence with the ideal; the others give their figures.
        let want = match seen.contains(&c.params.model) {
            false => format!(
                "finished {} requests in {} against an ideal of {} and drew {} 429s",
                med_count(c, |s| s.ok),
                makespan(c),
                secs(c.ideal_s.unwrap()),
                refused(c)
            ),
            true => format!(" took {} and drew {}", makespan(c), refused(c)),
        };
        seen.push(c.params.model);
        assert!(text.contains(&want), "{}: {want}\nnot in\n{text}", c.id);
    }
    assert_eq!(text.lines().count(), 2, "a sentence per model: {text}");
    // The fixture's story: retrying at once drew the most, the client-side limiter about none.
    assert!(text.contains("retrying at once finished"), "{text}");
    assert!(text.contains("retrying at once cost the server"), "{text}");
}

#[test]
fn the_servers_429s_equal_the_clients_in_every_rate_limit_row() {
    let data = data_from(RESILIENCE_FIXTURE);
    let tables = table::tables(&data);
    let t = section_table(&tables, "rate-limit");
    let (ours, theirs, agree) = (
        column(t, "429s (client)"),
        column(t, "429s (server)"),
        column(t, "agree"),
    );
    for (row, c) in t.rows.iter().zip(data.group(Group::RateLimit)) {
        assert_eq!(row[ours], row[theirs], "{}", c.id);
        assert_eq!(row[agree], "✓", "{}", c.id);
        // And so they are in the file, repetition by repetition (no outcomes: nothing refused).
        for s in &c.samples {
            assert_eq!(reqs(s).refused_429, server(s).0, "{}", c.id);
        }
    }
    assert!(
        !said(&tables, "rate-limit").contains('✗'),
        "no disagreement to name"
    );
}

/// The fixture with the first case of a group changed by `change`, and that case as changed.
fn changed(group: Group, change: impl Fn(&mut CaseResult)) -> (ResultFile, CaseResult) {
    let mut file = load(RESILIENCE_FIXTURE);
    let c = file.cases.iter_mut().find(|c| c.group == group).unwrap();
    change(c);
    let c = c.clone();
    (file, c)
}

#[test]
fn a_case_whose_429_counts_disagree_shows_the_cross_and_names_the_repetition() {
    let (file, c) = changed(Group::RateLimit, |c| {
        c.samples[1].requests.as_mut().unwrap().refused_429 += 1;
    });
    let tables = table::tables(&data_of(file));
    let t = section_table(&tables, "rate-limit");
    let row = &t.rows[0];
    assert_eq!(row[column(t, "agree")], "✗", "{row:?}");
    let want = format!(
        "✗ {}: the counts of 429s disagree — repetition 2: the client drew {} and the server \
         sent {}.",
        c.id,
        count(reqs(&c.samples[1]).refused_429),
        count(server(&c.samples[1]).0)
    );
    let text = said(&tables, "rate-limit");
    assert!(text.contains(&want), "{want}\nnot in\n{text}");
    // The other rows still agree.
    assert!(t.rows[1..].iter().all(|r| r[column(t, "agree")] == "✓"));
}

#[test]
fn a_retries_case_whose_failures_disagree_shows_the_cross_and_its_sentence_says_so() {
    let (file, c) = changed(Group::Retries, |c| {
        c.samples[0].requests.as_mut().unwrap().failed += 2;
    });
    let tables = table::tables(&data_of(file));
    let t = section_table(&tables, "retries");
    let row = &t.rows[0];
    assert_eq!(row[column(t, "agree")], "✗", "{}: {row:?}", c.id);
    let text = said(&tables, "retries");
    assert!(
        text.contains("the server's count of failures did not match the client's"),
        "{text}"
    );
}

#[test]
fn the_retries_sentences_carry_each_shapes_makespans_tries_and_failures() {
    let data = data_from(RESILIENCE_FIXTURE);
    let tables = table::tables(&data);
    let text = said(&tables, "retries");
    assert_eq!(text.lines().count(), 2, "a sentence per shape: {text}");
    let t = section_table(&tables, "retries");
    for (row, c) in t.rows.iter().zip(data.group(Group::Retries)) {
        let n = c.params.tasks as f64;
        let tries = format!("{:.2}", med(c, |s| reqs(s).sent as f64) / n);
        // The share failing, read from the server's spelling here (`0.5,500`).
        let fail = io(c).misbehaviour.clone().unwrap().fail.unwrap();
        let p: f64 = fail.split(',').next().unwrap().parse().unwrap();
        let expected = format!("{:.2}", 1.0 / (1.0 - p));
        let failed = med_count(c, |s| reqs(s).failed);
        let dealt = med_count(c, |s| server(s).1);
        assert_eq!(row[column(t, "tries per task")], tries, "{}", c.id);
        assert_eq!(row[column(t, "expected 1 / (1 − p)")], expected);
        assert_eq!(row[column(t, "failed tries (client)")], failed);
        assert_eq!(
            failed, dealt,
            "{}: the server dealt what the client met",
            c.id
        );
        assert_eq!(row[column(t, "agree")], "✓");
        for figure in [
            makespan(c),
            secs(c.ideal_s.unwrap()),
            format!("{tries} tries a task against the expected {expected}"),
            format!("the clients counted ({failed} a repetition)"),
        ] {
            assert!(text.contains(&figure), "{}: {figure}\nnot in\n{text}", c.id);
        }
    }
}
