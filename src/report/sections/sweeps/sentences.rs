//! The sweeps' sentences: at the largest swept value of each panel, the closest to and furthest from
//! the ideal.

use crate::report::flags::Namer;
use crate::report::sentence::capitalise;
use crate::report::sweep::{at_largest, Panel};

pub fn io_sweep(panels: &[Panel]) -> String {
    let namer = Namer::new(panels.iter().flat_map(|p| &p.points).map(|p| &p.flags));
    let parts: Vec<String> = panels
        .iter()
        .filter_map(|p| at_largest(&namer, p, "N"))
        .collect();
    if parts.is_empty() {
        return String::new();
    }
    namer.sentence(&(capitalise(&parts.join("; ")) + "."))
}

pub fn limit_sweep(panel: &Panel) -> String {
    let namer = Namer::new(panel.points.iter().map(|p| &p.flags));
    match at_largest(&namer, panel, "k") {
        Some(s) => namer.sentence(&(capitalise(&s) + ".")),
        None => String::new(),
    }
}
