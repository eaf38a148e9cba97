//! The summary table printed on stdout at the end of a run: one row per case, the figures a reader
//! checks first. An unstable case carries `!` after its id and its reasons under the table; a case
//! whose tasks failed shows no efficiency (a failed task can end sooner than a served one) and its
//! failures in their own column.

use crate::results::ResultFile;
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
        "case", "n", "median", "ideal", "eff", "p99 task", "CPU s", "peak RSS", "srv max",
        "failures",
    ];
    let rows: Vec<[String; 10]> = file
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
