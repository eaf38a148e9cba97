//! The sides' cases matched into rows: a case is in a row when every side holds it, the same case as
//! [`crate::store::identity`] defines it (group, model, N, k, client-side parameters and server).
//! Two runs that hold the same case against different servers are refused, not silently unmatched:
//! their makespans measure different servers, so no ratio between them means anything.

use super::input::Input;
use crate::error::UsageError;
use crate::results::CaseResult;
use crate::store::identity::{identity, same_case, server, Identity, ServerConfig};

/// The outcome of matching: rows of cases present in every input (in the baseline's order, one case
/// per input), and the cases some input lacks, with the labels of the inputs that have them.
pub struct Matched<'a> {
    pub rows: Vec<Vec<&'a CaseResult>>,
    pub unmatched: Vec<(&'a CaseResult, Vec<String>)>,
}

/// Match the cases of every input; refuse when one case ran against different servers.
pub fn match_cases(inputs: &[Input]) -> Result<Matched<'_>, UsageError> {
    refuse_different_servers(inputs)?;
    let mut rows = Vec::new();
    let mut unmatched: Vec<(&CaseResult, Vec<String>)> = Vec::new();
    for (i, input) in inputs.iter().enumerate() {
        for case in &input.cases {
            // Each case is reported once, by the first input that has it.
            if inputs[..i]
                .iter()
                .any(|earlier| find(earlier, case).is_some())
            {
                continue;
            }
            let found: Vec<Option<&CaseResult>> =
                inputs.iter().map(|inp| find(inp, case)).collect();
            if found.iter().all(Option::is_some) {
                rows.push(found.into_iter().flatten().collect());
            } else {
                let present = inputs
                    .iter()
                    .zip(&found)
                    .filter(|(_, f)| f.is_some())
                    .map(|(inp, _)| inp.label.clone())
                    .collect();
                unmatched.push((case, present));
            }
        }
    }
    Ok(Matched { rows, unmatched })
}

fn find<'a>(input: &'a Input, case: &CaseResult) -> Option<&'a CaseResult> {
    input.cases.iter().find(|c| same_case(c, case))
}

/// A case (same identity) that two inputs ran against server configurations the other lacks.
fn refuse_different_servers(inputs: &[Input]) -> Result<(), UsageError> {
    let configs = |input: &Input, id: &Identity| -> Vec<ServerConfig> {
        input
            .cases
            .iter()
            .filter(|c| &identity(c) == id)
            .map(server)
            .collect()
    };
    for (i, a) in inputs.iter().enumerate() {
        for b in &inputs[i + 1..] {
            for case in &a.cases {
                let id = identity(case);
                let (ca, cb) = (configs(a, &id), configs(b, &id));
                let only_a = ca.iter().find(|s| !cb.contains(s));
                let only_b = cb.iter().find(|s| !ca.contains(s));
                if let (Some(sa), Some(sb)) = (only_a, only_b) {
                    return Err(UsageError(format!(
                        "cannot compare {}: the server differs ({}: {}; {}: {}); run both sides with the same --server-workers, --delay and --path",
                        case.id,
                        a.label,
                        sa.describe(),
                        b.label,
                        sb.describe()
                    )));
                }
            }
        }
    }
    Ok(())
}
