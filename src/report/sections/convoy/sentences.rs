//! The convoy chart's sentences: each model's GETs at p99 in the mix over d (and over the same GETs
//! alone), in order from the one that convoys most; by how much the worst is later than the best; and
//! how close to d the GETs came alone, so a model's own cost is not read as the convoy.

use super::data::ConvoyRow;
use crate::render::fmt::{secs, times};
use crate::report::flags::Namer;
use crate::report::sentence::list;

/// The takeaway; empty without a mix whose latencies are known.
pub fn convoy(rows: &[ConvoyRow]) -> String {
    let mut known: Vec<(&ConvoyRow, f64, f64)> = rows
        .iter()
        .filter_map(|r| r.over_d().map(|i| (r, i.p50, i.p99)))
        .collect();
    if known.is_empty() {
        return String::new();
    }
    // Worst first: the p99 is the convoy's mark (the GETs that waited behind every count).
    known.sort_by(|a, b| b.2.total_cmp(&a.2));
    let namer = Namer::new(known.iter().map(|(r, ..)| &r.flags));
    let first = known[0].0;
    let each: Vec<String> = known
        .iter()
        .map(|(r, p50, p99)| {
            let alone = match r.over_alone() {
                Some(a) => format!("{} its GETs alone, ", times(a.p99)),
                None => String::new(),
            };
            format!(
                "{} {} d ({alone}p50 {} d)",
                namer.name(&r.name(), &r.flags),
                times(*p99),
                times(*p50)
            )
        })
        .collect();
    let mut out = format!(
        "Beside {} counting tasks of {}, {} GETs of d = {} were answered at p99 in {}.",
        first.cpu_tasks,
        match first.cpu_ms {
            0 => "a fixed count".to_string(),
            ms => format!("{ms} ms"),
        },
        first.io_tasks,
        secs(first.d),
        list(&each.iter().map(String::as_str).collect::<Vec<_>>())
    );
    if known.len() > 1 {
        let (worst, _, w99) = known[0];
        let (best, _, b99) = known[known.len() - 1];
        out += &format!(
            " {} convoys most: its slowest GETs took {} as long as {}'s, the least convoyed.",
            worst.name(),
            times(w99 / b99),
            best.name()
        );
    }
    let alone: Vec<f64> = known
        .iter()
        .filter_map(|(r, ..)| r.alone_over_d().map(|a| a.p99))
        .collect();
    if alone.len() == known.len() {
        out += &format!(
            " Alone, every model's GETs were answered within {} of d at p99: the rest is the \
             counting's doing.",
            times(alone.iter().copied().fold(0.0, f64::max))
        );
    }
    namer.sentence(&out)
}
