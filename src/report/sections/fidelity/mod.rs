//! The fidelity table: each seed client's median makespan against concbench's server and against
//! gunicorn with the same W and delay (suite `fidelity`), and their ratio — the evidence that
//! concbench's server has gunicorn's sync-worker semantics, rerunnable by anyone with `make
//! python-env`. Read from result files only, like every view; `concbench run --suite fidelity`
//! prints the same table.

use crate::names::{Group, ServerKind};
use crate::render::fmt::secs;
use crate::render::table::Table;
use crate::report::data::{self, ReportData};
use crate::report::sections::Section;
use crate::results::{CaseResult, ResultFile};
use crate::workload::Params;

/// A ratio this far from 1 either way is worth a word: more than the run-to-run spread of a 1 s case
/// on a quiet machine, less than one wave of the delay (which a semantic difference would cost).
pub const CLOSE: f64 = 0.05;

/// The case's server program.
fn server(c: &CaseResult) -> ServerKind {
    c.params.workload.server_kind()
}

/// `ours` with gunicorn as its server: the case it is compared with.
fn twin<'a>(cases: &[&'a CaseResult], ours: &CaseResult) -> Option<&'a CaseResult> {
    let mut wanted = ours.params.clone();
    if let Params::Io(io) = &mut wanted.workload {
        io.server = ServerKind::Gunicorn;
    }
    cases.iter().copied().find(|c| c.params == wanted)
}

/// The median makespan of a case with samples and no failed task.
fn clean_median(c: &CaseResult) -> Option<f64> {
    (!c.samples.is_empty() && c.summary.failures == 0).then_some(c.summary.makespan.median)
}

/// The fidelity table of one result file (what the run prints); None when it holds no fidelity case.
pub fn of_file(file: &ResultFile) -> Option<Table> {
    let cases: Vec<&CaseResult> = file
        .cases
        .iter()
        .filter(|c| c.group == Group::Fidelity)
        .collect();
    (!cases.is_empty()).then(|| build(&cases))
}

/// The fidelity section: the ratio table under the fidelity group's own.
pub struct Fidelity;

impl Section for Fidelity {
    fn groups(&self) -> &'static [Group] {
        &[Group::Fidelity]
    }

    fn tables(&self, data: &ReportData, group: Group) -> Vec<Table> {
        vec![build(&data.group(group))]
    }
}

fn build(cases: &[&CaseResult]) -> Table {
    let mut rows = Vec::new();
    let mut far = Vec::new();
    for ours in cases.iter().filter(|c| server(c) == ServerKind::Concbench) {
        let theirs = twin(cases, ours);
        let a = clean_median(ours);
        let b = theirs.and_then(clean_median);
        let cell = |c: Option<&CaseResult>, m: Option<f64>| match (c, m) {
            (None, _) => "not run".to_string(),
            (Some(_), Some(m)) => secs(m),
            (Some(c), None) if c.samples.is_empty() => "no sample".into(),
            (Some(c), None) => format!("{} failed", c.summary.failures),
        };
        let ratio = a.zip(b).map(|(a, b)| a / b);
        if let Some(r) = ratio.filter(|r| (r - 1.0).abs() > CLOSE) {
            far.push(format!("{} ({r:.2})", data::label(ours)));
        }
        rows.push(vec![
            data::label(ours),
            ours.ideal_s.map_or("–".into(), secs),
            cell(Some(ours), a),
            cell(theirs, b),
            ratio.map_or("–".into(), |r| format!("{r:.2}")),
        ]);
    }
    let verdict = match (rows.is_empty(), far.is_empty()) {
        (true, _) => String::new(),
        (false, true) => format!(
            " Every ratio is within {:.0} % of 1: the two servers are one to these clients.",
            CLOSE * 100.0
        ),
        (false, false) => format!(
            " Further than {:.0} % from 1: {}.",
            CLOSE * 100.0,
            far.join(", ")
        ),
    };
    Table {
        group: "fidelity: concbench's server against gunicorn".into(),
        header: ["client", "ideal", "concbench", "gunicorn", "concbench ÷ gunicorn"]
            .map(String::from)
            .to_vec(),
        rows,
        note: format!(
            "The seed's clients, each case run against concbench's slow server and against `gunicorn \
             -w W` sync workers serving python/concbench_py/slow_app.py with the same W and delay \
             (median makespan over repetitions, each a fresh process; a case with failed tasks shows \
             its failures instead). A ratio of 1 means the client cannot tell the servers apart.{verdict}"
        ),
    }
}

#[cfg(test)]
pub mod tests {
    use super::*;
    use crate::plan::Suite;

    /// The fidelity suite's first cases, each with one sample of the given makespan.
    fn cases(medians: &[f64]) -> Vec<CaseResult> {
        Suite::Fidelity
            .cases()
            .iter()
            .zip(medians)
            .map(|(case, &m)| {
                let samples = vec![crate::results::Sample {
                    makespan_s: m,
                    ok: case.tasks as u64,
                    ..Default::default()
                }];
                CaseResult {
                    id: case.id(),
                    group: case.group,
                    params: crate::run::case_params(case, 2),
                    external: false,
                    warmup: 0,
                    summary: crate::results::summary::summarise(
                        &samples,
                        None,
                        crate::names::Bottleneck::Server,
                    ),
                    samples,
                    t1_s: None,
                    scaling: None,
                    t_write_s: None,
                    t_write_together_s: None,
                    ideal_s: None,
                }
            })
            .collect()
    }

    fn of(medians: &[f64]) -> Option<Table> {
        let cases = cases(medians);
        let refs: Vec<&CaseResult> = cases.iter().collect();
        (!refs.is_empty()).then(|| build(&refs))
    }

    #[test]
    fn each_client_is_set_beside_its_gunicorn_twin() {
        // sequential 3.0 vs 3.3 (0.91, far); threads 1.0 vs 1.01 (close).
        let t = of(&[3.0, 3.3, 1.0, 1.01]).unwrap();
        assert_eq!(t.rows.len(), 2, "{:?}", t.rows);
        assert_eq!(t.rows[0][0], "sequential N=3");
        assert_eq!(t.rows[0][4], "0.91");
        assert_eq!(t.rows[1][4], "0.99");
        assert!(t.note.contains("sequential N=3 (0.91)"), "{}", t.note);
        assert!(!t.note.contains("threads N=3 ("), "{}", t.note);
    }

    #[test]
    fn a_missing_twin_says_so_and_no_fidelity_case_means_no_table() {
        let t = of(&[3.0]).unwrap();
        assert_eq!(t.rows[0][3], "not run");
        assert_eq!(t.rows[0][4], "–");
        assert!(of(&[]).is_none());
    }
}
