//! The summary table printed on stdout at the end of a run: one row per case, the figures a reader
//! checks first. An unstable case carries `!` after its id and its reasons under the table; a case
//! whose tasks failed shows no efficiency (a failed task can end sooner than a served one) and its
//! failures in their own column. Against the unbounded server, the server's own CPU per request sits
//! beside the case's (both share the cores); a case whose samples saw the listen queue overflow or
//! SYNs retransmitted says so under the table, since either adds whole seconds to a connection.

use crate::results::{CaseResult, ResultFile};
use crate::stats::median;
use std::fmt::Write;

/// Seconds in a short human form.
pub fn secs(s: f64) -> String {
    if s >= 1.0 {
        format!("{s:.3} s")
    } else {
        format!("{:.1} ms", s * 1e3)
    }
}

pub fn summary_table(file: &ResultFile) -> String {
    let header = [
        "case",
        "n",
        "median",
        "ideal",
        "eff",
        "p99 task",
        "CPU s",
        "peak RSS",
        "srv max",
        "srv µs/req",
        "failures",
    ];
    let rows: Vec<[String; 11]> = file
        .cases
        .iter()
        .map(|c| {
            let s = &c.summary;
            let mark = if s.unstable.is_empty() { "" } else { " !" };
            [
                format!("{}{mark}", c.id),
                c.samples.len().to_string(),
                secs(s.makespan.median),
                c.ideal_s.map_or("-".into(), secs),
                s.efficiency.map_or("-".into(), |e| format!("{e:.3}")),
                secs(s.task_p99_s),
                format!("{:.3}", s.cpu_s),
                format!("{:.1} MiB", s.max_rss_kib as f64 / 1024.0),
                s.server_max_in_flight
                    .map(|m| m.to_string())
                    .unwrap_or("-".into()),
                server_us_per_request(c).map_or("-".into(), |us| format!("{us:.1}")),
                s.failures.to_string(),
            ]
        })
        .collect();
    let mut widths: Vec<usize> = header.iter().map(|h| h.len()).collect();
    for r in &rows {
        for (w, cell) in widths.iter_mut().zip(r) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |cells: Vec<&str>| {
        let mut l = String::new();
        for (i, (cell, w)) in cells.iter().zip(&widths).enumerate() {
            if i == 0 {
                let _ = write!(l, "{cell:<w$}");
            } else {
                let _ = write!(l, "  {cell:>w$}");
            }
        }
        out.push_str(l.trim_end());
        out.push('\n');
    };
    line(header.to_vec());
    for r in &rows {
        line(r.iter().map(String::as_str).collect());
    }
    let network: Vec<String> = file.cases.iter().filter_map(network_note).collect();
    if !network.is_empty() {
        out.push_str("network (summed over the samples):\n");
        for note in network {
            let _ = writeln!(out, "  {note}");
        }
    }
    let unstable: Vec<_> = file
        .cases
        .iter()
        .filter(|c| !c.summary.unstable.is_empty())
        .collect();
    if !unstable.is_empty() {
        out.push_str("! unstable:\n");
        for c in unstable {
            let why: Vec<&str> = c.summary.unstable.iter().map(|i| i.why.as_str()).collect();
            let _ = writeln!(out, "  {}: {}", c.id, why.join("; "));
        }
    }
    out
}

/// The median over samples of the unbounded server's CPU per request it served, microseconds; None
/// for a case that made no requests of a server the run started in unbounded mode.
pub fn server_us_per_request(case: &CaseResult) -> Option<f64> {
    let unbounded = case
        .params
        .workload
        .describe()
        .server()
        .is_some_and(|s| s.workers == 0);
    if !unbounded || case.external {
        return None;
    }
    let per: Vec<f64> = case
        .samples
        .iter()
        .filter_map(|s| {
            let served = s.server.as_ref()?.served;
            (served > 0).then(|| s.server_cpu_s.map(|cpu| cpu / served as f64 * 1e6))?
        })
        .collect();
    (!per.is_empty()).then(|| median(&per))
}

/// ListenOverflows and SYN retransmissions of a case's samples, when any was seen.
fn network_note(case: &CaseResult) -> Option<String> {
    let noise = || case.samples.iter().filter_map(|s| s.noise.as_ref());
    let overflows: u64 = noise().map(|n| n.listen_overflows).sum();
    let syn: u64 = noise().map(|n| n.syn_retrans).sum();
    let mut parts = Vec::new();
    if overflows > 0 {
        parts.push(format!("ListenOverflows {overflows}"));
    }
    if syn > 0 {
        parts.push(format!("SYN retransmissions {syn}"));
    }
    (!parts.is_empty()).then(|| format!("{}: {}", case.id, parts.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workload::Params;

    /// A file of schema version 3 (no server CPU in it), with its first io case turned into one
    /// against the unbounded server whose samples say what the server spent and what the network saw.
    fn fixture() -> ResultFile {
        let mut file =
            ResultFile::parse(include_bytes!("../../tests/fixtures/small.json")).expect("loads");
        assert!(file.cases[0]
            .samples
            .iter()
            .all(|s| s.server_cpu_s.is_none()));
        let case = &mut file.cases[0];
        let Params::Io(io) = &mut case.params.workload else {
            panic!("the fixture's first case is io")
        };
        io.server_workers = Some(0);
        for (i, s) in case.samples.iter_mut().enumerate() {
            s.server.as_mut().expect("observed").served = 1000;
            // 40, 50 and 60 µs per request: the median is 50.
            s.server_cpu_s = Some(0.04 + 0.01 * i as f64);
            let noise = s.noise.get_or_insert_with(|| {
                serde_json::from_str(
                    r#"{"load_1m":0,"wall_s":1,"cpus":2,"busy_s":0,"steal_s":0,"iowait_s":0,
                        "server_cpu_s":null,"other_busy_s":0,"listen_overflows":0,"listen_drops":0,
                        "tcp_timeouts":0,"syn_retrans":0}"#,
                )
                .unwrap()
            });
            noise.listen_overflows = 2;
            noise.syn_retrans = if i == 0 { 5 } else { 0 };
        }
        file
    }

    #[test]
    fn server_cpu_per_request_only_against_the_unbounded_server() {
        let file = fixture();
        assert_eq!(file.cases[0].samples.len(), 3);
        assert_eq!(server_us_per_request(&file.cases[0]), Some(50.0));
        // W = 3: the figure would mix in sync workers' costs the brief does not ask for.
        assert_eq!(server_us_per_request(&file.cases[1]), None);
        let table = summary_table(&file);
        let header = table.lines().next().unwrap();
        assert!(header.contains("srv µs/req"), "{table}");
        let row = table.lines().nth(1).unwrap();
        assert!(row.contains(" 50.0 "), "{table}");
    }

    #[test]
    fn listen_overflows_and_syn_retransmissions_are_shown_where_seen() {
        let table = summary_table(&fixture());
        let id = &fixture().cases[0].id;
        assert!(
            table.contains(&format!(
                "network (summed over the samples):\n  {id}: ListenOverflows 6, SYN retransmissions 5\n"
            )),
            "{table}"
        );
        // Only that case saw any.
        assert_eq!(table.matches("ListenOverflows").count(), 1, "{table}");
    }
}
