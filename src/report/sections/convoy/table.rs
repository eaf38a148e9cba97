//! The convoy table: per model, its GETs' p50 and p99 alone and in the mix, and the latency inflation
//! the mix makes over d and over alone. Added under the convoy group's own table.

use super::data::{ConvoyRow, Inflation, Latency};
use crate::names::Group;
use crate::render::fmt::{secs, times};
use crate::render::table::Table;

/// "Latency inflation", when the report holds convoy mixes.
pub fn table(rows: &[ConvoyRow]) -> Option<Table> {
    if rows.is_empty() {
        return None;
    }
    let header = [
        "model",
        "GETs + counts",
        "d (ideal)",
        "p50 alone",
        "p99 alone",
        "p50 in mix",
        "p99 in mix",
        "p50 ÷ d",
        "p99 ÷ d",
        "p50 ÷ alone",
        "p99 ÷ alone",
    ];
    let lat = |l: Option<Latency>, p99: bool| {
        l.map_or("–".into(), |l| secs(if p99 { l.p99 } else { l.p50 }))
    };
    let inf = |i: Option<Inflation>, p99: bool| {
        i.map_or("–".into(), |i| times(if p99 { i.p99 } else { i.p50 }))
    };
    let rows = rows
        .iter()
        .map(|r| {
            let alone_mark = r.alone_flags.as_ref().map_or(String::new(), |f| f.mark());
            vec![
                r.flags.label(&r.name()),
                format!("{} + {}", r.io_tasks, r.cpu_tasks),
                secs(r.d),
                lat(r.alone, false) + &alone_mark,
                lat(r.alone, true) + &alone_mark,
                lat(Some(r.mix), false),
                lat(Some(r.mix), true),
                inf(r.over_d(), false),
                inf(r.over_d(), true),
                inf(r.over_alone(), false),
                inf(r.over_alone(), true),
            ]
        })
        .collect();
    Some(Table {
        group: format!("{}: latency inflation", Group::Convoy),
        header: header.iter().map(|s| s.to_string()).collect(),
        rows,
        note: "The GETs' service latency (request sent → answer read), the median over samples of \
               each sample's p50 and p99. Alone: the same model running the same GETs without the \
               counting tasks. ÷ d: over the server's delay, the ideal of every GET; ÷ alone: over \
               the same model's GETs alone, the counting's doing only. A GET still waiting to be \
               sent is not in its service latency: a pool whose workers are all counting delays \
               the sending, which the task latency of the group's table shows."
            .into(),
    })
}
