//! The client pair: the same io case measured with the project's own `direct` client and with the
//! usual libraries (ureq / reqwest), side by side, so what a library adds — time, CPU, memory — is read
//! off one row instead of being blended into the models' differences.

use super::data;
use super::flags::Flags;
use crate::client::ClientKind;
use crate::render::fmt::{kib, secs, times};
use crate::render::table::Table;
use crate::results::{CaseParams, CaseResult};

/// One case measured with both clients.
#[derive(Debug, Clone, Copy)]
pub struct Pair<'a> {
    pub direct: &'a CaseResult,
    pub library: &'a CaseResult,
}

/// The parameters that make two cases the same but for the client.
fn key(c: &CaseResult) -> CaseParams {
    let mut params = c.params.clone();
    if let crate::workload::Params::Io(io) = &mut params.workload {
        io.client = ClientKind::Direct;
    }
    params
}

/// Every direct case with a library twin among `cases`, in run order.
pub fn pairs<'a>(cases: &[&'a CaseResult]) -> Vec<Pair<'a>> {
    let measured = |c: &&&CaseResult| !c.samples.is_empty();
    cases
        .iter()
        .filter(measured)
        .filter(|c| data::client(c) == Some(ClientKind::Direct))
        .filter_map(|d| {
            let k = key(d);
            cases
                .iter()
                .filter(measured)
                .find(|l| data::client(l) == Some(ClientKind::Library) && key(l) == k)
                .map(|l| Pair {
                    direct: d,
                    library: l,
                })
        })
        .collect()
}

/// "What the library adds", when some case was measured with both clients.
pub fn table(group: &str, cases: &[&CaseResult]) -> Option<Table> {
    let pairs = pairs(cases);
    if pairs.is_empty() {
        return None;
    }
    let header = [
        "model",
        "N",
        "server",
        "n direct / library",
        "direct median",
        "library median",
        "library ÷ direct",
        "client CPU direct",
        "client CPU library",
        "peak RSS direct",
        "peak RSS library",
    ];
    let figure = |c: &CaseResult, text: String| Flags::of(c).label(&text);
    let rows = pairs
        .iter()
        .map(|p| {
            let (d, l) = (p.direct, p.library);
            let model = match d.params.limit {
                Some(k) => format!("{} k={k}", d.params.model),
                None => d.params.model.to_string(),
            };
            vec![
                model,
                d.params.tasks.to_string(),
                match data::server_workers(d) {
                    Some(Some(w)) => format!("W = {w}"),
                    Some(None) => "unbounded".into(),
                    None => "–".into(),
                },
                format!("{} / {}", d.samples.len(), l.samples.len()),
                figure(d, secs(d.summary.makespan.median)),
                figure(l, secs(l.summary.makespan.median)),
                match d.summary.makespan.median > 0.0 {
                    true => times(l.summary.makespan.median / d.summary.makespan.median),
                    false => "–".into(),
                },
                secs(d.summary.cpu_s),
                secs(l.summary.cpu_s),
                kib(data::peak_rss_kib(d)),
                kib(data::peak_rss_kib(l)),
            ]
        })
        .collect();
    Some(Table {
        group: format!("{group}: what the library adds"),
        header: header.iter().map(|s| s.to_string()).collect(),
        rows,
        note: "The same case with the project's own HTTP client (direct: the same small client for \
               every model) and with the usual libraries (ureq when blocking, reqwest when async). \
               n: samples of each. Client CPU is the case process's user + sys time; peak RSS its peak resident memory \
               (medians over samples). A ratio above 1× is time the library adds."
            .into(),
    })
}
