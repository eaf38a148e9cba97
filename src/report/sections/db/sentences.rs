//! The db chart's sentence, one per database: what a connection per task cost against one per worker
//! (the geometric mean over the models measured both ways), and the case nearest its ideal.

use super::data::{db_name, DbBar, DbRow};
use crate::render::fmt;
use crate::report::flags::Namer;
use crate::workload::DbKind;

/// One sentence per database: what a connection per task cost against one per worker (the geometric
/// mean over the models measured both ways), and the case nearest its ideal.
pub fn db(rows: &[DbRow]) -> String {
    let mut dbs: Vec<DbKind> = rows.iter().map(|r| r.db).collect();
    dbs.dedup();
    let sentences: Vec<String> = dbs
        .into_iter()
        .map(|db| {
            let rows: Vec<&DbRow> = rows.iter().filter(|r| r.db == db).collect();
            let costs: Vec<f64> = rows.iter().filter_map(|r| r.per_task_cost()).collect();
            let bars: Vec<&DbBar> = rows.iter().flat_map(|r| r.bars()).collect();
            let namer = Namer::new(bars.iter().map(|b| &b.flags));
            let mut s = format!("On {}", db_name(db));
            if !costs.is_empty() {
                s += &format!(
                    ", a connection per task took {} as long as one per worker (geometric mean of {} \
                     model{})",
                    fmt::times(crate::stats::geomean(&costs)),
                    costs.len(),
                    if costs.len() == 1 { "" } else { "s" }
                );
            }
            let best = bars
                .iter()
                .filter(|b| b.efficiency.is_some())
                .max_by(|a, b| a.efficiency.unwrap_or(0.0).total_cmp(&b.efficiency.unwrap_or(0.0)));
            match best {
                Some(b) => {
                    let name = namer.name(&format!("{} {}", b.model, b.connect), &b.flags);
                    let sep = if costs.is_empty() { "," } else { ";" };
                    s += &format!(
                        "{sep} the nearest its ideal is {name} at {} of it ({}, bottleneck {})",
                        fmt::pct(b.efficiency.unwrap_or(0.0)),
                        fmt::secs(b.median),
                        b.bottleneck
                    );
                }
                None => s += ", no case has an efficiency (no ideal, or tasks failed)",
            }
            s + "."
        })
        .collect();
    sentences.join(" ")
}
