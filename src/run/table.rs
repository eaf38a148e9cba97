//! The summary table printed on stdout at the end of a run: one row per case, the figures a reader
//! checks first.

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
        "case", "median", "ideal", "eff", "p99 task", "CPU s", "peak RSS", "srv max", "failures",
    ];
    let rows: Vec<[String; 9]> = file
        .cases
        .iter()
        .map(|c| {
            let s = &c.summary;
            [
                c.id.clone(),
                secs(s.makespan.median),
                secs(c.ideal_s),
                format!("{:.3}", s.efficiency),
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
    out
}
