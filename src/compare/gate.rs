//! `concbench compare --fail-on slower`: the comparison as a CI gate, which fails only on a change the
//! comparison itself calls one. What fails it: a case whose verdict against the baseline is `slower`
//! (the rank test, Holm within its group, or the range rule where samples are too few for it), or a
//! group whose geomean verdict is `slower` (the stratified rank test over its cases) — each a change
//! beyond the threshold. `~`, `noisy` and `n/a` never fail it: they claim no change, or none could be
//! claimed. The gate's outcome is part of the comparison, so every format says which rows failed it.

use super::comparison::{Comparison, Rule, Verdict};
use serde::Serialize;

crate::names::name_enum! {
    /// What makes `concbench compare` exit 1.
    pub enum FailOn {
        /// A case or a group's geomean slower than the baseline beyond the threshold, with a verdict.
        Slower = "slower",
    }
}

impl FailOn {
    /// The verdict that fails the gate.
    fn verdict(self) -> Verdict {
        match self {
            FailOn::Slower => Verdict::Slower,
        }
    }
}

/// The gate's outcome.
#[derive(Debug, Clone, Serialize)]
pub struct Gate {
    pub fail_on: FailOn,
    /// Whether anything failed it: the command exits 1.
    pub failed: bool,
    /// What failed it, in the tables' order: each case, then its group's geomean.
    pub failing: Vec<Failing>,
}

/// One case, or one group's geomean, that failed the gate against one input.
#[derive(Debug, Clone, Serialize)]
pub struct Failing {
    pub group: String,
    /// The case id; absent for the group's geomean.
    pub case: Option<String>,
    /// The input that is slower (`B`, `C`, …).
    pub input: String,
    /// Its ratio to the baseline: the case's ratio of medians, or the group's geomean ratio.
    pub ratio: f64,
    /// The rule behind the verdict.
    pub rule: Rule,
}

impl Failing {
    /// One line: `cpu/cpu/rayon/n32-k2 (B 1.31×, rank)`, or `cpu geomean (B 1.12×)`.
    pub fn describe(&self) -> String {
        let what = match &self.case {
            Some(case) => case.clone(),
            None => format!("{} geomean", self.group),
        };
        format!("{what} ({} {:.2}×, {})", self.input, self.ratio, self.rule)
    }
}

/// Judge a comparison: every case and group geomean whose verdict is the one `fail_on` names.
pub fn judge(c: &Comparison, fail_on: FailOn) -> Gate {
    let fails = fail_on.verdict();
    let mut failing = Vec::new();
    for g in &c.groups {
        for r in &g.rows {
            for v in r.versus.iter().filter(|v| v.verdict == fails) {
                failing.push(Failing {
                    group: g.name.clone(),
                    case: Some(r.case.clone()),
                    input: v.label.clone(),
                    ratio: v.ratio,
                    rule: v.rule,
                });
            }
        }
        for v in g.geomean.versus.iter().filter(|v| v.verdict == fails) {
            failing.push(Failing {
                group: g.name.clone(),
                case: None,
                input: v.label.clone(),
                ratio: v.ratio,
                rule: v.rule,
            });
        }
    }
    Gate {
        fail_on,
        failed: !failing.is_empty(),
        failing,
    }
}

/// The gate's verdict in one sentence, then one line per failing row (for the tables' end).
pub fn summary(c: &Comparison, gate: &Gate) -> Vec<String> {
    let threshold = c.threshold_pct;
    let mut lines = if gate.failed {
        vec![format!(
            "FAILED (--fail-on {}): {} slower than the baseline beyond {threshold} %, with a verdict:",
            gate.fail_on,
            count(gate.failing.len(), "row")
        )]
    } else {
        let unclaimed = c
            .groups
            .iter()
            .flat_map(|g| &g.rows)
            .flat_map(|r| &r.versus)
            .filter(|v| matches!(v.verdict, Verdict::Noisy | Verdict::NotTested))
            .count();
        let aside = match unclaimed {
            0 => String::new(),
            n => format!(
                " ({} noisy or n/a: no claim either way, so they do not fail it)",
                count(n, "case")
            ),
        };
        vec![format!(
            "passed (--fail-on {}): no case and no group geomean slower than the baseline beyond {threshold} % with a verdict{aside}",
            gate.fail_on
        )]
    };
    lines.extend(gate.failing.iter().map(Failing::describe));
    lines
}

fn count(n: usize, what: &str) -> String {
    match n {
        1 => format!("1 {what}"),
        n => format!("{n} {what}s"),
    }
}
